package main

// The example's Rust library (examples/collector/rust), built by `make rust`.

// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libotelbridge_example_collector.a -lm -ldl -lpthread -lrt -lgcc_s -lutil -lc
import "C"
