//! Components that exercise every path of the bridge, for the ABI tests (`tests/`) and the Go
//! shim's tests, which link this crate as `libotelbridge_testlib.a`.
//!
//! - `probe` (processor, all signals): does what the call's `probe-action` metadata (or its
//!   config's `action`) says: pass, rewrite, drop, fail with each error kind, panic, sleep, log.
//! - `probeext` (extension): starts and stops, or fails or panics doing so, as configured.

mod probe;
mod probeext;

pub use probe::{Action, ProbeConfig};
pub use probeext::ProbeExtConfig;

otelbridge_abi::export_components![probe::factory(), probeext::factory()];
