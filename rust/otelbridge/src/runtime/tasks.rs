//! The background tasks each component instance started, so the bridge can stop what a
//! component leaves running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::task::AbortHandle;

/// The background tasks of one component instance that still run: those it started with
/// [`spawn`](super::spawn). The bridge keeps one per instance and calls [`Tasks::abort_all`] once the instance's
/// shutdown has ended, so that no task of a component outlives it. Clones share the registry.
///
/// Spawning costs three short lock operations on the instance's registry; nothing else touches
/// it (calls never do).
#[derive(Debug, Clone, Default)]
pub struct Tasks(Arc<Mutex<Registry>>);

#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    /// Running tasks by id; `None` between the spawn and its tracking.
    running: HashMap<u64, Option<AbortHandle>>,
    /// Set by `abort_all`: tasks spawned later never run.
    closed: bool,
}

/// A task's place in its registry, freed when the task's future is dropped.
pub(super) struct Entry {
    tasks: Tasks,
    pub(super) id: u64,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.tasks.lock().running.remove(&self.id);
    }
}

impl Tasks {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        // Every change is one map operation or flag: a panic cannot leave it half-written.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new task, unless the registry is closed.
    pub(super) fn register(&self) -> Option<Entry> {
        let mut registry = self.lock();
        if registry.closed {
            return None;
        }
        let id = registry.next_id;
        registry.next_id += 1;
        registry.running.insert(id, None);
        Some(Entry {
            tasks: self.clone(),
            id,
        })
    }

    pub(super) fn track(&self, id: u64, task: AbortHandle) {
        let mut registry = self.lock();
        if registry.closed {
            task.abort();
        } else if let Some(slot) = registry.running.get_mut(&id) {
            *slot = Some(task);
        }
    }

    /// How many tasks still run.
    pub fn running(&self) -> usize {
        let registry = self.lock();
        let running = registry.running.values();
        running
            .filter(|t| t.as_ref().is_none_or(|t| !t.is_finished()))
            .count()
    }

    /// Aborts every task still running and every task spawned from now on; returns how many were
    /// running.
    pub fn abort_all(&self) -> usize {
        let running = {
            let mut registry = self.lock();
            registry.closed = true;
            std::mem::take(&mut registry.running)
        };
        // Counted before any abort: aborting one task may end another that awaits it.
        let running: Vec<_> = running
            .into_values()
            .filter(|t| t.as_ref().is_none_or(|t| !t.is_finished()))
            .collect();
        // Outside the lock: an aborted task's entry leaves the registry as its future drops,
        // possibly on this thread. An untracked one (`None`) is its spawner's to abort, which
        // sees `closed`.
        for task in running.iter().flatten() {
            task.abort();
        }
        running.len()
    }
}
