//go:build otelbridge_asan

package testlib

// The test library instrumented by AddressSanitizer (make sanitize): built for an explicit target
// into target/asan, and linked with the ASan runtime that `go test -asan` brings.

// #cgo LDFLAGS: ${SRCDIR}/../../../target/asan/x86_64-unknown-linux-gnu/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
import "C"
