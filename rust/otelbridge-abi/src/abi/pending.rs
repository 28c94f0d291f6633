//! Calls that go on in the runtime, and the host's answers to batches Rust sent it.

use crate::call::OtbPending;
use crate::types::{OtbHostStatus, OtbPoll, OtbResult};
use crate::{call, downstream, panic};

/// Names the waiter that the completion callback of a pending call reports to. If the call has
/// already finished, writes its result and returns `OTB_POLL_READY` instead (no callback then).
///
/// # Safety
/// `pending` must come from a pending call and not be freed; `result` must be valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_attach(
    pending: *const OtbPending,
    waiter: usize,
    result: *mut OtbResult,
) -> OtbPoll {
    // SAFETY: the caller keeps the contract above.
    unsafe { call::attach(pending, waiter, result) }
}

/// Asks a pending call to stop. Its future is dropped at its next await; the completion callback
/// still runs once, with `OTB_STATUS_CANCELLED` unless the work had already finished.
///
/// # Safety
/// `pending` must come from a pending call and not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_cancel(pending: *const OtbPending) {
    panic::guard_unit(|| {
        // SAFETY: the caller passes a live handle.
        if let Some(pending) = unsafe { pending.as_ref() } {
            pending.call.cancel();
        }
    })
}

/// Releases a pending-call handle, after its result has been received. NULL is ignored.
///
/// # Safety
/// `pending` must come from a pending call and not be used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_free(pending: *mut OtbPending) {
    panic::guard_unit(|| {
        if !pending.is_null() {
            // SAFETY: the handle came from Box::into_raw in call::run.
            drop(unsafe { Box::from_raw(pending) });
        }
    })
}

/// Answers a batch the library handed to the host's `consume` callback. `status` NULL means OK.
///
/// # Safety
/// `completion` must come from one `consume` callback and be completed only once; `status` must be
/// NULL or valid, its message readable for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_consume_complete(
    completion: u64,
    status: *const OtbHostStatus,
) {
    // SAFETY: the caller keeps the contract above.
    panic::guard_unit(|| unsafe { downstream::complete(completion, status) })
}
