//! The heartbeat's health, shared between the extension and its background task.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

/// Where the heartbeat is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum State {
    /// Created, or started and waiting for its first beat.
    #[default]
    Starting,
    /// Started and beating.
    Running,
    /// Shut down: no more beats until started again.
    Stopped,
}

/// A snapshot of the heartbeat's health.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Where the heartbeat is in its life.
    pub state: State,
    /// Beats since the last start.
    pub beats: u64,
    /// When the last beat happened, if there was one since the last start.
    pub last_beat: Option<SystemTime>,
}

/// The live health, behind a lock.
#[derive(Debug, Default)]
pub(crate) struct SharedHealth(Mutex<Health>);

impl SharedHealth {
    /// A copy of the current health.
    pub(crate) fn snapshot(&self) -> Health {
        self.lock().clone()
    }

    /// Starts over: `Starting`, no beats.
    pub(crate) fn reset(&self) {
        *self.lock() = Health::default();
    }

    /// Counts one beat, unless `stopping` says the heartbeat is being shut down (so a late beat
    /// cannot overwrite `Stopped`). Returns the beat count, or `None` if it did not count.
    pub(crate) fn beat(&self, stopping: impl FnOnce() -> bool) -> Option<u64> {
        let mut health = self.lock();
        if stopping() {
            return None;
        }
        health.state = State::Running;
        health.beats += 1;
        health.last_beat = Some(SystemTime::now());
        Some(health.beats)
    }

    /// Marks the heartbeat stopped; returns the beat count.
    pub(crate) fn stop(&self) -> u64 {
        let mut health = self.lock();
        health.state = State::Stopped;
        health.beats
    }

    fn lock(&self) -> MutexGuard<'_, Health> {
        // Nothing panics while holding the lock, and a Health is valid in any state anyway.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beats_count_until_stopping() {
        let health = SharedHealth::default();
        assert_eq!(health.snapshot(), Health::default());
        assert_eq!(health.beat(|| false), Some(1));
        assert_eq!(health.beat(|| false), Some(2));
        let running = health.snapshot();
        assert_eq!((running.state, running.beats), (State::Running, 2));
        assert!(running.last_beat.is_some());
        assert_eq!(health.beat(|| true), None);
        assert_eq!(health.stop(), 2);
        assert_eq!(health.snapshot().state, State::Stopped);
        health.reset();
        assert_eq!(health.snapshot(), Health::default());
    }
}
