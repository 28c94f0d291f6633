//go:build !otelbridge_asan && !otelbridge_subprocess

// Package testlib links the otelbridge test library (rust/otelbridge-testlib, components probe
// and probeext) into Go test binaries. Build it first with `make rust` (or, with the build tag
// otelbridge_asan, `make sanitize` builds and links one instrumented by AddressSanitizer).
package testlib

// #cgo LDFLAGS: ${SRCDIR}/../../../target/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
import "C"
