//! CALL frames: the first poll on a worker, and the table of calls from the moment the reader
//! reads them until they are answered, so that a CANCEL finds its call and a COMPLETE its
//! handle and bytes.
//!
//! Order is the point of the table's lock. A worker that gets `OTB_POLL_PENDING` attaches the
//! call, records it and queues the pending REPLY while holding the lock; the event thread takes
//! the same lock to turn the call's COMPLETE event into a frame. So the COMPLETE is queued after
//! the pending REPLY, whichever thread gets there first.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use otelbridge::{Error, ErrorKind};

use super::owned::OwnedResult;
use super::wire::{self, Call, CallKind, Encoder};
use super::{Host, say};
use crate::abi::{
    OtbPending, OtbPoll, otelbridge_v1_instance_consume, otelbridge_v1_instance_shutdown,
    otelbridge_v1_instance_start, otelbridge_v1_pending_attach, otelbridge_v1_pending_cancel,
    otelbridge_v1_pending_free,
};

/// A CALL and the frame body its context records and batch are in: the bytes live as long as
/// the call, because Rust borrows a pending consume's batch until it completes.
pub(super) struct CallRequest {
    call: Call,
    body: Vec<u8>,
}

impl CallRequest {
    /// A decoded CALL with its frame's body.
    pub(super) fn new(call: Call, body: Vec<u8>) -> CallRequest {
        CallRequest { call, body }
    }

    /// The request's number.
    pub(super) fn req(&self) -> u64 {
        self.call.req
    }

    fn ctx(&self) -> &[u8] {
        // The decoder checked the range; the empty slice is only a fallback.
        self.body.get(self.call.ctx.clone()).unwrap_or_default()
    }

    fn data(&self) -> &[u8] {
        self.body.get(self.call.data.clone()).unwrap_or_default()
    }
}

/// A pending call's handle, freed once, when its entry goes.
struct Pending(*mut OtbPending);

// SAFETY: the handle is used by one thread at a time (under the table's lock, or by the thread
// that owns the entry after taking it out), which is all the ABI asks.
unsafe impl Send for Pending {}

impl Drop for Pending {
    fn drop(&mut self) {
        // SAFETY: the handle came from a pending call, its result has arrived, and it is freed
        // once, here.
        unsafe { otelbridge_v1_pending_free(self.0) }
    }
}

enum Entry {
    /// Read and handed to a worker, not yet answered. `cancelled` if a CANCEL came meanwhile:
    /// it takes effect if the first poll leaves the call pending.
    Starting { cancelled: bool },
    /// Pending in the runtime, until its COMPLETE is queued.
    Pending {
        handle: Pending,
        /// Kept alive, not read: Rust may still borrow its batch.
        _request: CallRequest,
    },
}

/// The calls between their CALL frame and their answer, by request number.
#[derive(Default)]
pub(super) struct Calls {
    table: Mutex<HashMap<u64, Entry>>,
}

impl Calls {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Entry>> {
        // Nothing in the table is left half-changed by a panic.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a CALL as the reader reads it, before any worker makes it; false if its request
    /// number is already in use by a call in flight.
    pub(super) fn begin(&self, req: u64) -> bool {
        let mut table = self.lock();
        if table.contains_key(&req) {
            return false;
        }
        table.insert(req, Entry::Starting { cancelled: false });
        true
    }

    /// CANCEL: cancels a pending call, or marks one still in its first poll. A call already
    /// answered is left alone (the CANCEL crossed its answer).
    pub(super) fn cancel(&self, req: u64) {
        match self.lock().get_mut(&req) {
            Some(Entry::Starting { cancelled }) => *cancelled = true,
            // SAFETY: a live handle, used under the lock.
            Some(Entry::Pending { handle, .. }) => unsafe {
                otelbridge_v1_pending_cancel(handle.0)
            },
            None => {}
        }
    }

    /// Makes a call on a worker and answers it: "A pending CALL" in ffi/README.md.
    pub(super) fn run(&self, host: &Host, request: CallRequest) {
        let req = request.req();
        let call = &request.call;
        let Some(instance) = host.instances.get(call.instance) else {
            let err = Error::new(
                ErrorKind::Internal,
                format!(
                    "the otelbridge host program has no instance {}: it was never created, or was freed",
                    call.instance
                ),
            );
            self.lock().remove(&req);
            reply(host, req, &OwnedResult::error(&err), OtbPoll::Ready);
            return;
        };
        let (ctx, data) = (request.ctx(), request.data());
        let mut result = OwnedResult::new();
        let mut pending: *mut OtbPending = std::ptr::null_mut();
        // SAFETY: the instance is held for the call; ctx and data live in `request`, which stays
        // alive (in the table, if the call goes pending) until the call completes; result and
        // pending are valid for writes.
        let poll = unsafe {
            match call.kind {
                CallKind::Start => otelbridge_v1_instance_start(
                    instance.as_ptr(),
                    call.deadline_unix_nano,
                    ctx.as_ptr(),
                    ctx.len(),
                    result.as_mut_ptr(),
                    &mut pending,
                ),
                CallKind::Shutdown => otelbridge_v1_instance_shutdown(
                    instance.as_ptr(),
                    call.deadline_unix_nano,
                    ctx.as_ptr(),
                    ctx.len(),
                    result.as_mut_ptr(),
                    &mut pending,
                ),
                CallKind::Consume => otelbridge_v1_instance_consume(
                    instance.as_ptr(),
                    call.signal,
                    call.deadline_unix_nano,
                    ctx.as_ptr(),
                    ctx.len(),
                    data.as_ptr(),
                    data.len(),
                    result.as_mut_ptr(),
                    &mut pending,
                ),
            }
        };
        if poll == OtbPoll::Ready {
            self.lock().remove(&req);
            reply(host, req, &result, OtbPoll::Ready);
            return;
        }
        let handle = Pending(pending);
        let mut table = self.lock();
        // The waiter is the request's number: the COMPLETE event names it. (usize is 64 bits on
        // every target a collector runs on.)
        // SAFETY: a live handle, attached once; result is valid for writes.
        let attached =
            unsafe { otelbridge_v1_pending_attach(handle.0, req as usize, result.as_mut_ptr()) };
        if attached == OtbPoll::Ready {
            // Finished meanwhile: no COMPLETE event will come.
            table.remove(&req);
            drop(table);
            drop(handle);
            reply(host, req, &result, OtbPoll::Ready);
            return;
        }
        if let Some(Entry::Starting { cancelled: true }) = table.get(&req) {
            // SAFETY: a live handle, under the lock.
            unsafe { otelbridge_v1_pending_cancel(handle.0) };
        }
        // Queued before the lock is released: the COMPLETE cannot overtake it.
        reply(host, req, &OwnedResult::new(), OtbPoll::Pending);
        table.insert(
            req,
            Entry::Pending {
                handle,
                _request: request,
            },
        );
    }

    /// A COMPLETE event for the waiter `req`: queues the COMPLETE frame, then frees the handle
    /// and the call's bytes.
    pub(super) fn complete(&self, host: &Host, req: u64, result: OwnedResult) {
        let mut table = self.lock();
        let entry = table.remove(&req);
        if let Some(Entry::Pending { .. }) = entry {
            let mut frame = Encoder::new(wire::COMPLETE);
            frame.u64(req);
            result.write_to(&mut frame);
            host.out.send(frame);
        } else {
            say(format_args!(
                "a completion for call {req}, which is not pending, was dropped"
            ));
        }
        drop(table);
        // The handle and the bytes go after the COMPLETE is queued, outside the lock.
        drop(entry);
    }
}

/// A CALL's REPLY: `result, poll u8`.
pub(super) fn reply(host: &Host, req: u64, result: &OwnedResult, poll: OtbPoll) {
    let mut frame = Encoder::reply(req);
    result.write_to(&mut frame);
    frame.u8(poll as u8);
    host.out.send(frame);
}
