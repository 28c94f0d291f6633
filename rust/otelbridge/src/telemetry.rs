//! What a component tells the collector about itself: its status, and its own metrics.
//!
//! Status reaches the collector's status reporting (so health-check extensions see it); metrics
//! reach the collector's own meter provider, next to Go components' metrics, attributed to the
//! component. Both go to the component whose call (or `runtime::spawn`ed task) is running; outside
//! a bridge (plain `cargo test`) they go nowhere.
//!
//! ```
//! use otelbridge::telemetry;
//! let redacted = telemetry::counter("otelcol_processor_redact_values_redacted")
//!     .description("Values the redact processor masked or hashed")
//!     .unit("{value}")
//!     .build();
//! redacted.add(3.0, &[("signal", "traces")]);
//! telemetry::report_status(telemetry::Status::RecoverableError("upstream is slow".into()));
//! ```

pub(crate) mod host;

use std::marker::PhantomData;

use crate::logging;
use host::{HOST, InstrumentKind};

/// A component's status, as the collector's `componentstatus` knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Working.
    Ok,
    /// A problem the component expects to recover from.
    RecoverableError(String),
    /// A problem that needs an operator; the component keeps running in a degraded state.
    PermanentError(String),
    /// A problem that makes the collector shut down.
    FatalError(String),
}

impl Status {
    /// The message of an error status, empty for `Ok`.
    pub fn message(&self) -> &str {
        match self {
            Status::Ok => "",
            Status::RecoverableError(m) | Status::PermanentError(m) | Status::FatalError(m) => m,
        }
    }
}

/// Reports the current component's status to the collector.
pub fn report_status(status: Status) {
    if let Some(host) = HOST.get() {
        logging::with_current(|scope| {
            if let Some(scope) = scope {
                host.report_status(scope.sink, &status);
            }
        });
    }
}

/// Starts a counter (monotonic sum).
pub fn counter(name: &str) -> InstrumentBuilder<Counter> {
    InstrumentBuilder::new(name, InstrumentKind::Counter)
}

/// Starts an up-down counter.
pub fn up_down_counter(name: &str) -> InstrumentBuilder<UpDownCounter> {
    InstrumentBuilder::new(name, InstrumentKind::UpDownCounter)
}

/// Starts a histogram.
pub fn histogram(name: &str) -> InstrumentBuilder<Histogram> {
    InstrumentBuilder::new(name, InstrumentKind::Histogram)
}

/// Starts a gauge.
pub fn gauge(name: &str) -> InstrumentBuilder<Gauge> {
    InstrumentBuilder::new(name, InstrumentKind::Gauge)
}

/// Describes an instrument before it is created. Build it in `create` or `start`, so it belongs
/// to the component being created.
#[derive(Debug)]
pub struct InstrumentBuilder<I> {
    name: String,
    description: String,
    unit: String,
    kind: InstrumentKind,
    instrument: PhantomData<I>,
}

impl<I: From<u64>> InstrumentBuilder<I> {
    fn new(name: &str, kind: InstrumentKind) -> Self {
        InstrumentBuilder {
            name: name.to_owned(),
            description: String::new(),
            unit: String::new(),
            kind,
            instrument: PhantomData,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: &str) -> Self {
        self.description = description.to_owned();
        self
    }

    /// Sets the unit (UCUM, such as `s`, `By`, `{record}`).
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = unit.to_owned();
        self
    }

    /// Creates the instrument for the current component.
    pub fn build(self) -> I {
        let id = HOST.get().map_or(0, |host| {
            logging::with_current(|scope| {
                scope.map_or(0, |scope| {
                    host.create_instrument(
                        scope.sink,
                        self.kind,
                        &self.name,
                        &self.description,
                        &self.unit,
                    )
                })
            })
        });
        I::from(id)
    }
}

fn record(id: u64, value: f64, attributes: &[(&str, &str)]) {
    if id != 0 {
        if let Some(host) = HOST.get() {
            host.record(id, value, attributes);
        }
    }
}

macro_rules! instrument {
    ($(#[$doc:meta])* $name:ident, $method:ident, $verb:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name {
            id: u64,
        }

        impl From<u64> for $name {
            fn from(id: u64) -> $name {
                $name { id }
            }
        }

        impl $name {
            #[doc = concat!($verb, " `value` with string `attributes`.")]
            pub fn $method(&self, value: f64, attributes: &[(&str, &str)]) {
                record(self.id, value, attributes);
            }
        }
    };
}

instrument!(
    /// A monotonic sum.
    Counter, add, "Adds"
);
instrument!(
    /// A sum that goes up and down.
    UpDownCounter, add, "Adds"
);
instrument!(
    /// A distribution of values.
    Histogram, record, "Records"
);
instrument!(
    /// The last value.
    Gauge, record, "Records"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_host_instruments_and_status_do_nothing() {
        let c = counter("x").description("d").unit("1").build();
        c.add(1.0, &[("k", "v")]);
        report_status(Status::FatalError("nobody listens".into()));
        assert_eq!(c.id, 0);
    }

    #[test]
    fn statuses_have_messages() {
        assert_eq!(Status::Ok.message(), "");
        assert_eq!(
            Status::PermanentError("disk full".into()).message(),
            "disk full"
        );
    }
}
