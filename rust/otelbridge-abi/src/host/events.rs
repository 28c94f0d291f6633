//! The event thread: drains the library's event queue (ABI 1.6) exactly as a host without cgo
//! does, and forwards each event as a frame, in the queue's order. A COMPLETE event becomes the
//! COMPLETE frame of its CALL; every other kind an EVENT frame.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::owned::OwnedResult;
use super::wire::{self, Encoder};
use super::{Host, say, spawn};
use crate::abi::{
    OTB_EVENT_COMPLETE, OTB_EVENT_CONSUME, OTB_EVENTS_CLOSED, OTB_STATUS_PERMANENT, OtbEvent,
    OtbHostStatus, OtbStr, otelbridge_v1_consume_complete, otelbridge_v1_events_free,
    otelbridge_v1_events_next,
};
use crate::{buffer, events};

/// Events taken per call, as the Go shim takes them.
const BATCH: usize = 64;

/// Starts the event thread (once a handshake for events succeeded).
pub(super) fn start(host: &'static Host) -> std::io::Result<()> {
    spawn("otelbridge-host-events".into(), None, move || forward(host)).map(drop)
}

/// Forwards events until the queue is closed (after BYE), then flushes and stops the output.
fn forward(host: &'static Host) {
    let mut batch: [OtbEvent; BATCH] = std::array::from_fn(|_| events::empty());
    loop {
        let mut count = 0;
        // SAFETY: `batch` holds BATCH writable events; `count` is writable.
        let drained =
            unsafe { otelbridge_v1_events_next(-1, batch.as_mut_ptr(), BATCH, &mut count) };
        let taken = batch.get_mut(..count).unwrap_or_default();
        for event in taken.iter_mut() {
            forward_one(host, event);
        }
        // SAFETY: the events next wrote, each handed back once; it frees their text and data.
        unsafe { otelbridge_v1_events_free(batch.as_mut_ptr(), count) };
        if drained == OTB_EVENTS_CLOSED {
            host.out.stop();
            return;
        }
    }
}

fn forward_one(host: &Host, event: &mut OtbEvent) {
    if event.kind == OTB_EVENT_COMPLETE {
        // The result's buffers are the host program's: they go with the OwnedResult, once the
        // frame has copied them.
        let result = std::mem::replace(&mut event.result, events::empty().result);
        host.calls
            .complete(host, event.handle, OwnedResult::from_raw(result));
        return;
    }
    // A batch's completion is the library's pointer: the collector gets a number for it.
    let consume = event.kind == OTB_EVENT_CONSUME;
    let id = if consume {
        host.completions.number(event.id)
    } else {
        event.id
    };
    // SAFETY: the library wrote these buffers; events_free releases them after this.
    let (text, data) = unsafe {
        (
            buffer::borrow(event.text.ptr, event.text.len),
            buffer::borrow(event.data.ptr, event.data.len),
        )
    };
    let frame = Encoder::event(&wire::Event {
        kind: event.kind,
        code: event.code,
        handle: event.handle,
        id,
        deadline_unix_nano: event.deadline_unix_nano,
        value: event.value,
        text,
        data,
    });
    if !consume {
        host.out.send(frame);
        return;
    }
    // A batch no frame can hold is refused here, as the collector would have to refuse the frame.
    match frame.finish() {
        Ok(bytes) => host.out.send_bytes(bytes),
        Err(err) => {
            host.completions.forget(id);
            let message =
                format!("a batch from a Rust component cannot cross to the collector: {err}");
            refuse(event.id, &message);
        }
    }
}

/// Fails a batch's send at once.
fn refuse(completion: u64, message: &str) {
    let answer = OtbHostStatus {
        code: OTB_STATUS_PERMANENT,
        permanent: true,
        grpc_code: 0,
        http_code: 0,
        retry_after_ns: 0,
        message: OtbStr {
            ptr: message.as_ptr(),
            len: message.len(),
        },
    };
    // SAFETY: a completion from a CONSUME event, answered once, here; the message is readable
    // for the call.
    unsafe { otelbridge_v1_consume_complete(completion, &answer) };
}

/// The completions of batches forwarded to the collector and not yet answered, by the number
/// the collector knows each by. A completion is the library's pointer in disguise: it never
/// crosses, and the host program hands back only one it gave out, once, so a broken collector
/// cannot make it free memory twice.
#[derive(Default)]
pub(super) struct Completions {
    table: Mutex<CompletionTable>,
}

#[derive(Default)]
struct CompletionTable {
    by_number: HashMap<u64, u64>,
    /// The last number given: numbers start at 1 and are never reused in a process.
    last: u64,
}

impl Completions {
    fn lock(&self) -> MutexGuard<'_, CompletionTable> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Numbers a completion, before its batch goes out (the answer may come at once).
    fn number(&self, completion: u64) -> u64 {
        let mut table = self.lock();
        table.last += 1;
        let number = table.last;
        table.by_number.insert(number, completion);
        number
    }

    /// Forgets a number whose batch never went out.
    fn forget(&self, number: u64) {
        self.lock().by_number.remove(&number);
    }

    /// CONSUMED: answers the batch numbered `number`, if it is waiting.
    pub(super) fn answer(&self, number: u64, answer: Option<wire::Status<'_>>) {
        let Some(completion) = self.lock().by_number.remove(&number) else {
            say(format_args!(
                "CONSUMED named completion {number}, which no batch is waiting for; ignored"
            ));
            return;
        };
        let answer = answer.map(|s| OtbHostStatus {
            code: s.code,
            permanent: s.permanent,
            grpc_code: s.grpc_code,
            http_code: s.http_code,
            retry_after_ns: s.retry_after_ns,
            message: OtbStr {
                ptr: s.message.as_ptr(),
                len: s.message.len(),
            },
        });
        let answer_ptr = answer
            .as_ref()
            .map_or(std::ptr::null(), |a| a as *const OtbHostStatus);
        // SAFETY: a completion the library gave out, answered once; the status and its message
        // live for the call.
        unsafe { otelbridge_v1_consume_complete(completion, answer_ptr) };
    }
}
