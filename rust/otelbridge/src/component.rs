//! What a component is: its type name, kind, signals and stability.

use std::fmt;

/// The kind of a collector component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Receives data from outside and pushes it into pipelines.
    Receiver,
    /// Transforms data inside a pipeline.
    Processor,
    /// Sends data out of the collector.
    Exporter,
    /// Runs beside the pipelines (health, auth, storage).
    Extension,
    /// Ends one pipeline and feeds another.
    Connector,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Receiver => "receiver",
            Kind::Processor => "processor",
            Kind::Exporter => "exporter",
            Kind::Extension => "extension",
            Kind::Connector => "connector",
        })
    }
}

/// One telemetry signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Metric data points.
    Metrics,
    /// Log records.
    Logs,
}

impl Signal {
    /// Every signal, in the collector's order.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// The signal's bit in a [`Signals`] set (the set's own encoding, not the ABI's).
    const fn bit(self) -> u32 {
        match self {
            Signal::Traces => 1,
            Signal::Metrics => 2,
            Signal::Logs => 4,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        })
    }
}

/// A set of signals.
///
/// ```
/// use otelbridge::{Signal, Signals};
/// let signals = Signals::TRACES.with(Signals::LOGS);
/// assert!(signals.contains(Signal::Logs) && !signals.contains(Signal::Metrics));
/// assert_eq!(signals.iter().collect::<Vec<_>>(), [Signal::Traces, Signal::Logs]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Signals(u32);

impl Signals {
    /// No signal: what an extension supports.
    pub const NONE: Signals = Signals(0);
    /// Traces only.
    pub const TRACES: Signals = Signals(Signal::Traces.bit());
    /// Metrics only.
    pub const METRICS: Signals = Signals(Signal::Metrics.bit());
    /// Logs only.
    pub const LOGS: Signals = Signals(Signal::Logs.bit());
    /// Traces, metrics and logs.
    pub const ALL: Signals = Signals(0b111);

    /// The union of two sets.
    pub const fn with(self, other: Signals) -> Signals {
        Signals(self.0 | other.0)
    }

    /// Whether `signal` is in the set.
    pub const fn contains(self, signal: Signal) -> bool {
        self.0 & signal.bit() != 0
    }

    /// The signals in the set, in the collector's order.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        Signal::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl From<Signal> for Signals {
    fn from(signal: Signal) -> Signals {
        Signals(signal.bit())
    }
}

/// The stability level of a component, as the collector's `component.StabilityLevel` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stability {
    /// Not marked.
    Undefined,
    /// No longer maintained.
    Unmaintained,
    /// To be removed.
    Deprecated,
    /// Being built; may change or go away.
    Development,
    /// Usable, with breaking changes still possible.
    Alpha,
    /// Mostly stable.
    Beta,
    /// Stable.
    Stable,
}

/// A component type name that the collector accepts: `^[a-zA-Z][0-9a-zA-Z_]{0,62}$`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ComponentType(String);

/// The error for a type name the collector would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid component type {0:?}: it must start with an ASCII letter and contain only ASCII letters, digits and '_', at most 63 characters"
)]
pub struct InvalidComponentType(pub String);

impl ComponentType {
    /// Checks `name` against the collector's rule.
    pub fn new(name: &str) -> Result<ComponentType, InvalidComponentType> {
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if first_ok && rest_ok && name.len() <= 63 {
            Ok(ComponentType(name.to_owned()))
        } else {
            Err(InvalidComponentType(name.to_owned()))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ComponentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_the_collector_rule() {
        for ok in ["redact", "a", "A_1", &"x".repeat(63)] {
            assert!(ComponentType::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1abc",
            "_a",
            "my-processor",
            "dotted.name",
            "é",
            &"x".repeat(64),
        ] {
            assert!(ComponentType::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signal_sets() {
        let s = Signals::TRACES.with(Signals::LOGS);
        assert!(s.contains(Signal::Traces) && s.contains(Signal::Logs));
        assert!(!s.contains(Signal::Metrics));
        assert_eq!(Signals::ALL.iter().collect::<Vec<_>>(), Signal::ALL);
        assert_eq!(Signals::NONE.iter().count(), 0);
    }
}
