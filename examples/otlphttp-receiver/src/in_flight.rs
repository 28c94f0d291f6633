//! How many requests are being served, so shutdown can say how many it gave up on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A shared count of requests being served.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlight(Arc<AtomicUsize>);

/// Counts one request until dropped, however its handler ends (answered, failed or cancelled).
#[derive(Debug)]
pub(crate) struct Serving(Arc<AtomicUsize>);

impl InFlight {
    /// Counts one more request until the returned guard is dropped.
    pub(crate) fn enter(&self) -> Serving {
        self.0.fetch_add(1, Ordering::SeqCst);
        Serving(Arc::clone(&self.0))
    }

    /// The requests being served now.
    pub(crate) fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_until_dropped() {
        let in_flight = InFlight::default();
        let a = in_flight.enter();
        let b = in_flight.enter();
        assert_eq!(in_flight.count(), 2);
        drop(a);
        assert_eq!(in_flight.count(), 1);
        drop(b);
        assert_eq!(in_flight.count(), 0);
    }
}
