//! Where status and metrics go: the bridge installs a host once per process.

use std::sync::OnceLock;

use super::Status;

/// The kinds of instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentKind {
    /// A monotonic sum.
    Counter,
    /// A sum that goes up and down.
    UpDownCounter,
    /// A distribution of values.
    Histogram,
    /// The last value.
    Gauge,
}

/// Where status and metrics go. The bridge installs one; component authors never implement it.
pub trait Host: Send + Sync + 'static {
    /// Reports `status` for the component whose logger is `sink`.
    fn report_status(&self, sink: u64, status: &Status);
    /// Creates an instrument for the component whose logger is `sink`; returns its id (0: none).
    fn create_instrument(
        &self,
        sink: u64,
        kind: InstrumentKind,
        name: &str,
        description: &str,
        unit: &str,
    ) -> u64;
    /// Records `value` with `attributes` on instrument `id`.
    fn record(&self, id: u64, value: f64, attributes: &[(&str, &str)]);
}

pub(super) static HOST: OnceLock<Box<dyn Host>> = OnceLock::new();

/// Installs the host (once per process); returns false if one was already installed.
pub fn install_host(host: Box<dyn Host>) -> bool {
    HOST.set(host).is_ok()
}
