//go:build !e2e

package main

// The example's Rust library (examples/collector/rust), built by `make rust`. The end-to-end
// tests build the collector with -tags e2e, which links link_e2e.go's library instead.

// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libotelbridge_example_collector.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
import "C"
