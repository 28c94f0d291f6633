//! Running totals a processor keeps across batches.

use std::sync::atomic::{AtomicU64, Ordering};

use otelbridge::telemetry;

use crate::policy::Tally;

/// What a processor has done since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Batches seen, of every signal.
    pub batches: u64,
    /// String values changed by a rule.
    pub values_redacted: u64,
    /// Spans, metric data points and log records removed by a drop filter.
    pub records_dropped: u64,
}

/// The counters behind [`Stats`]; batches may arrive concurrently. The same counts go to the
/// collector's own metrics (`otelcol_processor_redact_*`), attributed to this processor.
#[derive(Debug)]
pub(crate) struct Counters {
    batches: AtomicU64,
    values_redacted: AtomicU64,
    records_dropped: AtomicU64,
    redacted_metric: telemetry::Counter,
    dropped_metric: telemetry::Counter,
}

impl Counters {
    /// Creates the counters and their metric instruments (for the component being created).
    pub(crate) fn new() -> Counters {
        Counters {
            batches: AtomicU64::new(0),
            values_redacted: AtomicU64::new(0),
            records_dropped: AtomicU64::new(0),
            redacted_metric: telemetry::counter("otelcol_processor_redact_values_redacted")
                .description("String values the redact processor masked or hashed")
                .unit("{value}")
                .build(),
            dropped_metric: telemetry::counter("otelcol_processor_redact_records_dropped")
                .description("Spans, data points and log records the redact processor dropped")
                .unit("{record}")
                .build(),
        }
    }

    /// Counts one batch and what was done to it. (The bridge attributes the metrics to the
    /// processor instance and its signal.)
    pub(crate) fn record(&self, tally: Tally) {
        if tally.redacted > 0 {
            self.redacted_metric.add(tally.redacted as f64, &[]);
        }
        if tally.dropped > 0 {
            self.dropped_metric.add(tally.dropped as f64, &[]);
        }
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.values_redacted
            .fetch_add(tally.redacted, Ordering::Relaxed);
        self.records_dropped
            .fetch_add(tally.dropped, Ordering::Relaxed);
    }

    /// The totals so far.
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            batches: self.batches.load(Ordering::Relaxed),
            values_redacted: self.values_redacted.load(Ordering::Relaxed),
            records_dropped: self.records_dropped.load(Ordering::Relaxed),
        }
    }
}
