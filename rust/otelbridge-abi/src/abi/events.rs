//! The event queue (since 1.6), for hosts that cannot be called back from the library's threads.

use std::time::Duration;

use crate::events::{self, Drained};
use crate::types::{OTB_EVENTS_CLOSED, OTB_EVENTS_OK, OtbEvent, OtbLibraryInfo, OtbStatus};
use crate::{library, panic};

/// `otelbridge_v1_handshake` for a host that takes what the library would call back as events,
/// with `otelbridge_v1_events_next`, instead of giving callbacks. `default_log_level` is the most
/// verbose level of sink 0, as in `OtbHostCallbacks`. The first handshake of a process decides.
///
/// # Safety
/// `info` must be a valid pointer; `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_handshake_events(
    host_major: u32,
    host_minor: u32,
    default_log_level: u32,
    info: *mut OtbLibraryInfo,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes a valid pointer.
        let info = unsafe { info.as_mut() }.ok_or_else(|| panic::null("info"))?;
        *info = library::handshake(host_major, host_minor, events::callbacks(default_log_level))?;
        Ok(())
    })
}

/// Waits up to `timeout_ns` nanoseconds (0: does not wait; negative: without end) for events,
/// moves up to `cap` of them into `events`, oldest first, and sets `*count`. Returns
/// `OTB_EVENTS_OK` (with `*count` 0 when the wait timed out) or `OTB_EVENTS_CLOSED` once the
/// queue is closed and empty. Any thread may call it, several at once; each event goes to one.
/// The host hands each event back with `otelbridge_v1_events_free` once it has handled it.
///
/// # Safety
/// `events` must point to `cap` writable events, `count` to a writable size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_events_next(
    timeout_ns: i64,
    events: *mut OtbEvent,
    cap: usize,
    count: *mut usize,
) -> u32 {
    let mut drained = Drained::Events(0);
    panic::guard_unit(|| {
        if events.is_null() || count.is_null() {
            drained = Drained::Closed;
            return;
        }
        // SAFETY: the caller passes `cap` writable events; each is overwritten whole (the host's
        // contents are not read, nor dropped: OtbEvent owns nothing Rust would free on drop).
        let out = unsafe {
            for i in 0..cap {
                events.add(i).write(events::empty());
            }
            std::slice::from_raw_parts_mut(events, cap)
        };
        let timeout = u64::try_from(timeout_ns).ok().map(Duration::from_nanos);
        drained = events::queue().next(timeout, out);
    });
    match drained {
        Drained::Events(n) => {
            // SAFETY: checked non-NULL above.
            unsafe { *count = n };
            OTB_EVENTS_OK
        }
        Drained::Closed => {
            if !count.is_null() {
                // SAFETY: non-NULL, writable by contract.
                unsafe { *count = 0 };
            }
            OTB_EVENTS_CLOSED
        }
    }
}

/// Frees the text and data of `count` events the host handled (a field the host zeroed, such
/// as a batch it keeps, is left alone). A completion's result is the host's, as always.
///
/// # Safety
/// `events` must point to `count` events `otelbridge_v1_events_next` wrote, each freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_events_free(events: *mut OtbEvent, count: usize) {
    if events.is_null() {
        return;
    }
    // SAFETY: guaranteed by the caller.
    panic::guard_unit(|| {
        events::free_taken(unsafe { std::slice::from_raw_parts_mut(events, count) })
    })
}

/// Queues the host's `mark` (an `OTB_EVENT_MARK` event) behind every event queued so far: when a
/// poller takes it, the host has been handed everything that came before, such as the last log
/// events of an instance it is about to forget.
#[unsafe(no_mangle)]
pub extern "C" fn otelbridge_v1_events_mark(mark: u64) {
    panic::guard_unit(|| events::mark(mark))
}

/// Closes the queue: pollers take the events left, then `otelbridge_v1_events_next` returns
/// `OTB_EVENTS_CLOSED`. What would be queued later is answered at once: a batch from a receiver
/// fails (retryable), log events and measurements are dropped. For a host that is going away.
#[unsafe(no_mangle)]
pub extern "C" fn otelbridge_v1_events_close() {
    panic::guard_unit(|| events::queue().close())
}
