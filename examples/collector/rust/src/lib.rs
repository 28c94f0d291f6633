//! The Rust side of the example collector: one static library that registers every Rust
//! component the collector links, explicitly and in order.

otelbridge_abi::export_components![
    redact::factory(),
    heartbeat::factory(),
    otlphttp_receiver::factory(),
    otlphttp_exporter::factory(),
    spanstats::factory()
];
