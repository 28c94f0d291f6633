//! Running totals a processor keeps across batches.

use std::sync::atomic::{AtomicU64, Ordering};

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

/// The counters behind [`Stats`]; batches may arrive concurrently.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    batches: AtomicU64,
    values_redacted: AtomicU64,
    records_dropped: AtomicU64,
}

impl Counters {
    /// Counts one batch and what was done to it.
    pub(crate) fn record(&self, tally: Tally) {
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
