//! What otelbridge's fuzz targets share: a minimal host of the C ABI ([`host`]), the components
//! the library under fuzzing registers, a processor that reads a call's whole context
//! ([`echo`]), readers that touch every field a view offers ([`walk`]), and a cursor that cuts
//! fuzz input into parts ([`input`]).

pub mod echo;
pub mod host;
pub mod input;
pub mod walk;

// The library under fuzzing, as a collector's Rust library lists its components: real example
// components with rich configs (redact, spanstats, heartbeat: one per kind that needs no network)
// and `echo`.
otelbridge_abi::export_components![
    redact::factory(),
    spanstats::factory(),
    heartbeat::factory(),
    echo::factory(),
];
