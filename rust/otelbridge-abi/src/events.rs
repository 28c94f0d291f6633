//! The event queue (ABI 1.6): for a host that cannot be called back from the library's threads
//! (a Go binary built without cgo), what the library would have called back waits in a queue the
//! host drains with `otelbridge_v1_events_next`. The queue is installed as the host's callbacks,
//! so the rest of the library calls back as always.
//!
//! Completions and batches are never dropped: each stands for a call or a send that waits for it,
//! so they are bounded by the work in flight, and each wakes a poller at once. Log events and
//! measurements wait up to [`LINGER`] for company (a component that counts every batch would
//! otherwise wake the host's poller on every call, which cost more than the call itself); they
//! are dropped past [`DROPPABLE_LIMIT`] while the host falls behind, and counted; the count is
//! then logged. Whatever wakes a poller takes everything queued before it, in order.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use crate::types::{
    OTB_EVENT_COMPLETE, OTB_EVENT_CONSUME, OTB_EVENT_INSTRUMENT, OTB_EVENT_LOG, OTB_EVENT_MARK,
    OTB_EVENT_RECORD, OTB_EVENT_STATUS, OTB_LOG_WARN, OTB_STATUS_INTERNAL, OtbBuf, OtbEvent,
    OtbHostCallbacks, OtbHostStatus, OtbResult, OtbStr,
};
use crate::{buffer, downstream, status};

/// How many log events and measurements may wait before more are dropped.
pub(crate) const DROPPABLE_LIMIT: usize = 65_536;

/// How long log events and measurements may wait in the queue before they wake a poller. Each
/// wake-up costs the host more than its events: a Go poller that wakes from its blocking call
/// 5 ms cost a 1,000-span benchmark 12–15% of its throughput, one every 50 ms about 4% (measured
/// by hand, alternating with the cgo build; `bench/RESULTS.md`, section 8, has this setting's).
pub(crate) const LINGER: Duration = Duration::from_millis(50);

/// How many log events and measurements wake a poller without waiting for [`LINGER`].
const WAKE_AT: usize = 1024;

/// An event and the buffers it owns until the host takes it.
struct Queued(OtbEvent);

// SAFETY: a queued event's buffers are owned by it alone (made by buffer::from_vec, or handed
// over by the library's call path), so moving it to the polling thread moves that ownership.
unsafe impl Send for Queued {}

/// What the host has not taken yet.
#[derive(Default)]
struct State {
    events: VecDeque<Queued>,
    /// Log events and measurements among `events`.
    droppable: usize,
    /// Log events and measurements dropped since the last report.
    dropped: u64,
    /// When the oldest waiting log event or measurement came, if it waits alone.
    lingering_since: Option<Instant>,
    closed: bool,
}

/// A queue of events, many producers (the library's threads), any number of pollers.
pub(crate) struct Queue {
    state: Mutex<State>,
    ready: Condvar,
    limit: usize,
    linger: Duration,
}

/// Why `next` returned.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Drained {
    /// This many events were written (none on timeout).
    Events(usize),
    /// The queue is closed and empty.
    Closed,
}

impl Queue {
    pub(crate) fn new(limit: usize, linger: Duration) -> Queue {
        Queue {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            limit,
            linger,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the queue itself consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues an event; gives it back if the queue is closed.
    fn push(&self, event: OtbEvent) -> Result<(), Box<OtbEvent>> {
        let droppable = matches!(event.kind, OTB_EVENT_LOG | OTB_EVENT_RECORD);
        let mut state = self.lock();
        if state.closed {
            return Err(Box::new(event));
        }
        let wake = if droppable {
            if state.droppable >= self.limit {
                state.dropped += 1;
                drop(state);
                free_buffers(event);
                return Ok(());
            }
            state.droppable += 1;
            // The first one wakes a poller too, only so it waits no longer than its linger.
            let first = state.lingering_since.is_none();
            state.lingering_since.get_or_insert_with(Instant::now);
            first || state.droppable % WAKE_AT == 0
        } else {
            true
        };
        state.events.push_back(Queued(event));
        drop(state);
        if wake {
            self.ready.notify_one();
        }
        Ok(())
    }

    /// Waits up to `timeout` (`None`: without end) for events, and moves up to `out.len()` of them
    /// into `out`.
    pub(crate) fn next(&self, timeout: Option<Duration>, out: &mut [OtbEvent]) -> Drained {
        if out.is_empty() {
            return Drained::Events(0);
        }
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut state = self.lock();
        loop {
            let urgent = state.events.len() > state.droppable || state.droppable >= WAKE_AT;
            // Log events and measurements alone are handed out once they have waited long enough
            // (or when the queue closes, or when the caller will not wait).
            let due = state.lingering_since.map(|since| since + self.linger);
            if urgent
                || state.dropped > 0
                || (!state.events.is_empty()
                    && (state.closed || timeout.is_some_and(|t| t.is_zero())))
                || due.is_some_and(|due| due <= Instant::now())
            {
                break;
            }
            if state.closed {
                return Drained::Closed;
            }
            let now = Instant::now();
            let wake_at = match (due, deadline) {
                (Some(due), Some(deadline)) => Some(due.min(deadline)),
                (due, deadline) => due.or(deadline),
            };
            if let Some(deadline) = deadline {
                if deadline <= now {
                    if !state.events.is_empty() {
                        // This poller was perhaps the one woken for them: pass it on.
                        self.ready.notify_one();
                    }
                    return Drained::Events(0);
                }
            }
            state = match wake_at {
                None => self.ready.wait(state).unwrap_or_else(|p| p.into_inner()),
                Some(at) => {
                    self.ready
                        .wait_timeout(state, at.saturating_duration_since(now))
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
        let mut written = 0;
        if state.dropped > 0 {
            out[0] = dropped_report(std::mem::take(&mut state.dropped));
            written = 1;
        }
        while written < out.len() {
            let Some(Queued(event)) = state.events.pop_front() else {
                break;
            };
            if matches!(event.kind, OTB_EVENT_LOG | OTB_EVENT_RECORD) {
                state.droppable -= 1;
            }
            out[written] = event;
            written += 1;
        }
        if state.droppable == 0 {
            state.lingering_since = None;
        }
        if !state.events.is_empty() {
            // Another poller may take the rest.
            self.ready.notify_one();
        }
        Drained::Events(written)
    }

    /// Closes the queue: pollers take what is left, then learn it is closed. Events that come
    /// later are answered at once (completions and batches fail, the rest is dropped).
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }
}

/// The log event that says how many were dropped, on the bridge's own logger (sink 0).
fn dropped_report(count: u64) -> OtbEvent {
    let message = format!(
        "otelbridge: {count} log events and measurements of Rust components were dropped: \
         the collector did not take them as fast as they came"
    );
    OtbEvent {
        kind: OTB_EVENT_LOG,
        code: OTB_LOG_WARN,
        text: buffer::from_vec(message.into_bytes()),
        ..empty()
    }
}

/// An event with every field zero.
pub(crate) const fn empty() -> OtbEvent {
    OtbEvent {
        kind: 0,
        code: 0,
        handle: 0,
        id: 0,
        deadline_unix_nano: 0,
        value: 0.0,
        text: buffer::EMPTY,
        data: buffer::EMPTY,
        result: OtbResult {
            status: status::EMPTY,
            outcome: 0,
            data: buffer::EMPTY,
        },
    }
}

/// Frees what an event owns: its text and data, and a completion's result.
fn free_buffers(event: OtbEvent) {
    // SAFETY: every buffer of a queued event was made by buffer::from_vec and is freed once, here.
    unsafe {
        buffer::free(event.text);
        buffer::free(event.data);
        buffer::free(event.result.status.message);
        buffer::free(event.result.data);
    }
}

/// Answers what an event stands for when no host will take it: a batch's sender learns it failed.
fn refuse(event: OtbEvent) {
    if event.kind == OTB_EVENT_CONSUME {
        let message = "the collector stopped taking batches from Rust components";
        let status = OtbHostStatus {
            code: OTB_STATUS_INTERNAL,
            permanent: false,
            grpc_code: 0,
            http_code: 0,
            retry_after_ns: 0,
            message: OtbStr {
                ptr: message.as_ptr(),
                len: message.len(),
            },
        };
        // SAFETY: the completion came with this event and is answered once, here.
        unsafe { downstream::complete(event.id, &status) };
    }
    free_buffers(event);
}

/// The process's queue, used once a host shook hands for events.
pub(crate) fn queue() -> &'static Queue {
    static QUEUE: OnceLock<Queue> = OnceLock::new();
    QUEUE.get_or_init(|| Queue::new(DROPPABLE_LIMIT, LINGER))
}

fn enqueue(event: OtbEvent) {
    if let Err(event) = queue().push(event) {
        refuse(*event);
    }
}

/// Host callbacks that queue each call as an event.
pub(crate) fn callbacks(default_log_level: u32) -> OtbHostCallbacks {
    OtbHostCallbacks {
        complete: Some(complete),
        log: Some(log),
        default_log_level,
        report_status: Some(report_status),
        create_instrument: Some(create_instrument),
        record: Some(record),
        consume: Some(consume),
    }
}

/// Copies borrowed bytes into a buffer the host will own.
///
/// # Safety
/// `ptr` must point to `len` readable bytes (or be NULL).
unsafe fn copy(ptr: *const u8, len: usize) -> OtbBuf {
    // SAFETY: guaranteed by the caller.
    buffer::from_vec(unsafe { buffer::borrow(ptr, len) }.to_vec())
}

unsafe extern "C" fn complete(waiter: usize, result: *mut OtbResult) {
    // SAFETY: the library passes a valid result whose buffers the callee takes.
    let result = unsafe { result.read() };
    enqueue(OtbEvent {
        kind: OTB_EVENT_COMPLETE,
        handle: waiter as u64,
        result,
        ..empty()
    });
}

unsafe extern "C" fn log(
    sink: u64,
    level: u32,
    message: *const u8,
    message_len: usize,
    fields: *const u8,
    fields_len: usize,
) {
    enqueue(OtbEvent {
        kind: OTB_EVENT_LOG,
        code: level,
        handle: sink,
        // SAFETY: the library passes buffers readable during the call.
        text: unsafe { copy(message, message_len) },
        data: unsafe { copy(fields, fields_len) },
        ..empty()
    });
}

unsafe extern "C" fn report_status(sink: u64, code: u32, message: *const u8, message_len: usize) {
    enqueue(OtbEvent {
        kind: OTB_EVENT_STATUS,
        code,
        handle: sink,
        // SAFETY: the library passes a message readable during the call.
        text: unsafe { copy(message, message_len) },
        ..empty()
    });
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn create_instrument(
    sink: u64,
    kind: u32,
    name: *const u8,
    name_len: usize,
    description: *const u8,
    description_len: usize,
    unit: *const u8,
    unit_len: usize,
) -> u64 {
    // The host cannot answer through a queue: the library picks the id, and the event that
    // creates the instrument comes before any measurement that names it.
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut text = Vec::new();
    // SAFETY: the library passes strings readable during the call.
    unsafe {
        buffer::push_string(&mut text, buffer::borrow(name, name_len));
        buffer::push_string(&mut text, buffer::borrow(description, description_len));
        buffer::push_string(&mut text, buffer::borrow(unit, unit_len));
    }
    enqueue(OtbEvent {
        kind: OTB_EVENT_INSTRUMENT,
        code: kind,
        handle: sink,
        id,
        text: buffer::from_vec(text),
        ..empty()
    });
    id
}

unsafe extern "C" fn record(id: u64, value: f64, attributes: *const u8, attributes_len: usize) {
    enqueue(OtbEvent {
        kind: OTB_EVENT_RECORD,
        id,
        value,
        // SAFETY: the library passes attributes readable during the call.
        data: unsafe { copy(attributes, attributes_len) },
        ..empty()
    });
}

unsafe extern "C" fn consume(
    sink: u64,
    signal: u32,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    data: OtbBuf,
    completion: u64,
) {
    enqueue(OtbEvent {
        kind: OTB_EVENT_CONSUME,
        code: signal,
        handle: sink,
        id: completion,
        deadline_unix_nano,
        // SAFETY: the library passes context records readable during the call.
        text: unsafe { copy(ctx, ctx_len) },
        data,
        ..empty()
    });
}

/// `otelbridge_v1_events_mark`: queues the host's mark behind every event queued so far.
pub(crate) fn mark(host_mark: u64) {
    enqueue(OtbEvent {
        kind: OTB_EVENT_MARK,
        handle: host_mark,
        ..empty()
    });
}

/// `otelbridge_v1_events_free`: frees the text and data of each event the host has handled.
pub(crate) fn free_taken(events: &mut [OtbEvent]) {
    for event in events {
        // SAFETY: the host hands back buffers of events this library wrote, once.
        unsafe {
            buffer::free(std::mem::replace(&mut event.text, buffer::EMPTY));
            buffer::free(std::mem::replace(&mut event.data, buffer::EMPTY));
        }
    }
}

#[cfg(test)]
mod tests;
