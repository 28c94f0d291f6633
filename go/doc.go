// Package otelbridge turns the Rust components of the linked otelbridge library into ordinary
// OpenTelemetry Collector factories.
//
// A collector lists them next to its Go components:
//
//	processors, _ := otelbridge.ProcessorFactories()
//	extensions, _ := otelbridge.ExtensionFactories()
//
// or, one at a time, as the builder's generated code does:
//
//	otelbridge.NewProcessorFactory("redact")
//
// Each factory's config is the component's YAML section, validated by Rust (so `otelcol
// validate` reports Rust's errors with the field path), its default comes from Rust, and its
// lifecycle and data go through the C ABI described in ffi/README.md. The binary must link
// exactly one otelbridge Rust library, and cgo is required.
package otelbridge // import "github.com/otelbridge/otelbridge/go"
