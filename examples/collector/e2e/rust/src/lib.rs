//! The example collector's Rust library as the end-to-end tests build it (`go build -tags e2e`,
//! examples/collector/link_e2e.go): every example component, as in `../../rust`, and the tests'
//! `faults` processor, which the shipped example does not have.

otelbridge_abi::export_components![
    redact::factory(),
    heartbeat::factory(),
    otlphttp_receiver::factory(),
    otlphttp_exporter::factory(),
    spanstats::factory(),
    faults::factory()
];
