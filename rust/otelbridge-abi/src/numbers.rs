//! The one mapping between the SDK's types and the numbers that cross the ABI (defined in
//! [`crate::types`]). The SDK's enums carry no numbers of their own: changing one cannot change
//! the ABI by accident, and a number the ABI does not know is refused here, by name.

use otelbridge::private::InstrumentKind;
use otelbridge::telemetry::Status;
use otelbridge::{ErrorKind, Kind, Signal, Signals, Stability};

use crate::types::*;

/// A component kind's number.
pub(crate) fn kind(kind: Kind) -> u32 {
    match kind {
        Kind::Receiver => OTB_KIND_RECEIVER,
        Kind::Processor => OTB_KIND_PROCESSOR,
        Kind::Exporter => OTB_KIND_EXPORTER,
        Kind::Extension => OTB_KIND_EXTENSION,
        Kind::Connector => OTB_KIND_CONNECTOR,
    }
}

/// A signal's number.
pub(crate) fn signal(signal: Signal) -> u32 {
    match signal {
        Signal::Traces => OTB_SIGNAL_TRACES,
        Signal::Metrics => OTB_SIGNAL_METRICS,
        Signal::Logs => OTB_SIGNAL_LOGS,
    }
}

/// The signal of a number, if it names one.
pub(crate) fn signal_of(number: u32) -> Option<Signal> {
    Signal::ALL.into_iter().find(|s| signal(*s) == number)
}

/// A signal's bit in a mask.
fn signal_bit(signal: Signal) -> u32 {
    match signal {
        Signal::Traces => OTB_SIGNAL_BIT_TRACES,
        Signal::Metrics => OTB_SIGNAL_BIT_METRICS,
        Signal::Logs => OTB_SIGNAL_BIT_LOGS,
    }
}

/// A set of signals as a mask.
pub(crate) fn signal_mask(signals: Signals) -> u32 {
    signals
        .iter()
        .map(signal_bit)
        .fold(0, |mask, bit| mask | bit)
}

/// The signals of a mask; bits that name no signal are ignored.
pub(crate) fn signals_of(mask: u32) -> Signals {
    Signal::ALL
        .into_iter()
        .filter(|s| mask & signal_bit(*s) != 0)
        .fold(Signals::NONE, |set, s| set.with(Signals::from(s)))
}

/// A stability level's number (the collector's own).
pub(crate) fn stability(stability: Stability) -> u32 {
    match stability {
        Stability::Undefined => OTB_STABILITY_UNDEFINED,
        Stability::Unmaintained => OTB_STABILITY_UNMAINTAINED,
        Stability::Deprecated => OTB_STABILITY_DEPRECATED,
        Stability::Development => OTB_STABILITY_DEVELOPMENT,
        Stability::Alpha => OTB_STABILITY_ALPHA,
        Stability::Beta => OTB_STABILITY_BETA,
        Stability::Stable => OTB_STABILITY_STABLE,
    }
}

/// An error kind's status code (`OTB_STATUS_OK` is success, no kind).
pub(crate) fn status_code(kind: ErrorKind) -> u32 {
    match kind {
        ErrorKind::Permanent => OTB_STATUS_PERMANENT,
        ErrorKind::Retryable => OTB_STATUS_RETRYABLE,
        ErrorKind::Cancelled => OTB_STATUS_CANCELLED,
        ErrorKind::DeadlineExceeded => OTB_STATUS_DEADLINE_EXCEEDED,
        ErrorKind::ResourceExhausted => OTB_STATUS_RESOURCE_EXHAUSTED,
        ErrorKind::InvalidConfig => OTB_STATUS_INVALID_CONFIG,
        ErrorKind::Panicked => OTB_STATUS_PANICKED,
        ErrorKind::Internal => OTB_STATUS_INTERNAL,
    }
}

/// The error kind of a status code, if it names one.
pub(crate) fn error_kind_of(code: u32) -> Option<ErrorKind> {
    use ErrorKind::*;
    [
        Permanent,
        Retryable,
        Cancelled,
        DeadlineExceeded,
        ResourceExhausted,
        InvalidConfig,
        Panicked,
        Internal,
    ]
    .into_iter()
    .find(|kind| status_code(*kind) == code)
}

/// A component status's number.
pub(crate) fn component_status(status: &Status) -> u32 {
    match status {
        Status::Ok => OTB_COMPONENT_STATUS_OK,
        Status::RecoverableError(_) => OTB_COMPONENT_STATUS_RECOVERABLE_ERROR,
        Status::PermanentError(_) => OTB_COMPONENT_STATUS_PERMANENT_ERROR,
        Status::FatalError(_) => OTB_COMPONENT_STATUS_FATAL_ERROR,
    }
}

/// An instrument kind's number.
pub(crate) fn instrument_kind(kind: InstrumentKind) -> u32 {
    match kind {
        InstrumentKind::Counter => OTB_INSTRUMENT_COUNTER,
        InstrumentKind::UpDownCounter => OTB_INSTRUMENT_UP_DOWN_COUNTER,
        InstrumentKind::Histogram => OTB_INSTRUMENT_HISTOGRAM,
        InstrumentKind::Gauge => OTB_INSTRUMENT_GAUGE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_unknown_ones_are_refused() {
        for s in Signal::ALL {
            assert_eq!(signal_of(signal(s)), Some(s));
        }
        assert_eq!(signal_of(0), None);
        assert_eq!(signal_of(4), None);
        let some = Signals::TRACES.with(Signals::LOGS);
        assert_eq!(
            signal_mask(some),
            OTB_SIGNAL_BIT_TRACES | OTB_SIGNAL_BIT_LOGS
        );
        assert_eq!(signals_of(signal_mask(some)), some);
        assert_eq!(signals_of(u32::MAX), Signals::ALL);
        for code in OTB_STATUS_PERMANENT..=OTB_STATUS_INTERNAL {
            let kind = error_kind_of(code).expect("every status code names a kind");
            assert_eq!(status_code(kind), code);
        }
        assert_eq!(error_kind_of(OTB_STATUS_OK), None);
        assert_eq!(error_kind_of(99), None);
    }
}
