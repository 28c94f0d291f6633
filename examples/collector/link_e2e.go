//go:build e2e

package main

// The end-to-end tests' build of the example (e2e_test.go builds it with -tags e2e): the same
// Rust components and the tests' `faults` processor (examples/collector/e2e/rust), built by
// `make rust`.

// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libotelbridge_example_collector_e2e.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
import "C"
