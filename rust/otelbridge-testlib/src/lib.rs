//! Components that exercise every path of the bridge, for the ABI tests (`tests/`) and the Go
//! shim's tests, which link this crate as `libotelbridge_testlib.a`.
//!
//! - `probe` (processor, all signals): does what the call's `probe-action` metadata (or its
//!   config's `action`) says: pass, rewrite, edit (the same change as edits), the
//!   `edit-everywhere` edits (and their Rust-resolved batch, to check Go's application against),
//!   an out-of-range edit, a batch Go cannot read (`garbage`), drop, fail with each error kind,
//!   panic, sleep, block its thread, log.
//! - `probeext` (extension): starts and stops, or fails or panics doing so, or leaks a background
//!   task (`leak_task`), as configured.
//! - `probercv` (receiver, all signals): sends a few batches with metadata at start.
//! - `faults` (processor, all signals; examples/collector/e2e/faults): panics, or aborts,
//!   overflows its stack, exits or leaks memory without bound, as a batch's resource attribute
//!   (`faults.panic`, `faults.fault`) asks: the faults only a host program in its own process
//!   survives (subprocess mode).
//!
//! It also registers the example receiver, exporter, connector and processor (`otlphttp_rs`
//! twice, `spanstats` and `redact`), so the Go tests and benchmarks drive them through the real
//! collector helpers.

mod everywhere;
mod probe;
mod probeext;
mod probercv;

pub use probe::{Action, ProbeConfig};
pub use probeext::ProbeExtConfig;
pub use probercv::ProbeRcvConfig;

otelbridge_abi::export_components![
    probe::factory(),
    probeext::factory(),
    probercv::factory(),
    otlphttp_receiver::factory(),
    otlphttp_exporter::factory(),
    spanstats::factory(),
    redact::factory(),
    faults::factory()
];
