//! What a component is: its type name, kind, signals and stability.

use std::fmt;

/// The kind of a collector component. The numeric values are part of the C ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Kind {
    /// Receives data from outside and pushes it into pipelines.
    Receiver = 1,
    /// Transforms data inside a pipeline.
    Processor = 2,
    /// Sends data out of the collector.
    Exporter = 3,
    /// Runs beside the pipelines (health, auth, storage).
    Extension = 4,
    /// Ends one pipeline and feeds another.
    Connector = 5,
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

/// One telemetry signal. The numeric values are part of the C ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Signal {
    /// Spans.
    Traces = 1,
    /// Metric data points.
    Metrics = 2,
    /// Log records.
    Logs = 3,
}

impl Signal {
    /// Converts the ABI's numeric value back into a signal.
    pub fn from_u32(value: u32) -> Option<Signal> {
        match value {
            1 => Some(Signal::Traces),
            2 => Some(Signal::Metrics),
            3 => Some(Signal::Logs),
            _ => None,
        }
    }

    /// The signal's bit in a [`Signals`] set.
    pub const fn bit(self) -> u32 {
        1 << (self as u32 - 1)
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

/// A set of signals, as a bit mask (bit 0 traces, bit 1 metrics, bit 2 logs).
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

    /// The bit mask, as the C ABI carries it.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The set of a bit mask; unknown bits are ignored.
    pub const fn from_bits(bits: u32) -> Signals {
        Signals(bits & Signals::ALL.0)
    }
}

/// The stability level of a component, as the collector's `component.StabilityLevel` spells it.
/// The numeric values are part of the C ABI and equal the collector's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Stability {
    /// Not marked.
    Undefined = 0,
    /// No longer maintained.
    Unmaintained = 1,
    /// To be removed.
    Deprecated = 2,
    /// Being built; may change or go away.
    Development = 3,
    /// Usable, with breaking changes still possible.
    Alpha = 4,
    /// Mostly stable.
    Beta = 5,
    /// Stable.
    Stable = 6,
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
        assert_eq!(Signals::ALL.bits(), 0b111);
        assert_eq!(
            Signal::from_u32(Signal::Metrics as u32),
            Some(Signal::Metrics)
        );
        assert_eq!(Signal::from_u32(9), None);
    }
}
