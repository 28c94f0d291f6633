//! The host program's instances: the collector names each by a number, never by a pointer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::abi::{OtbInstance, otelbridge_v1_instance_free};

/// One `OtbInstance *`, freed when the last holder lets go: FREE drops the table's hold, and a
/// call that is making its first poll holds it too, so FREE never pulls an instance from under a
/// call (the ABI's own rule covers calls already pending).
pub(super) struct Instance(*mut OtbInstance);

// SAFETY: the ABI lets any thread use an instance, several at once; only its release is
// exclusive, and that happens once, in Drop, when no one else holds it.
unsafe impl Send for Instance {}
// SAFETY: as above: shared use is what the ABI allows.
unsafe impl Sync for Instance {}

impl Instance {
    /// The handle, for the ABI's calls.
    pub(super) fn as_ptr(&self) -> *const OtbInstance {
        self.0
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the handle came from instance_create and is released once, here.
        unsafe { otelbridge_v1_instance_free(self.0) }
    }
}

/// The numbers the collector knows instances by.
#[derive(Default)]
pub(super) struct Instances {
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    by_number: HashMap<u64, Arc<Instance>>,
    /// The last number given: numbers start at 1 and are never reused in a process.
    last: u64,
}

impl Instances {
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes over an instance `otelbridge_v1_instance_create` made; returns its number.
    pub(super) fn insert(&self, instance: *mut OtbInstance) -> u64 {
        let mut table = self.lock();
        table.last += 1;
        let number = table.last;
        table.by_number.insert(number, Arc::new(Instance(instance)));
        number
    }

    /// The instance with this number, if it exists.
    pub(super) fn get(&self, number: u64) -> Option<Arc<Instance>> {
        self.lock().by_number.get(&number).cloned()
    }

    /// Forgets the instance with this number; the caller drops it, which frees it unless a call
    /// still holds it.
    pub(super) fn remove(&self, number: u64) -> Option<Arc<Instance>> {
        self.lock().by_number.remove(&number)
    }
}
