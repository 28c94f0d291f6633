//! Calls that do work: polled once on the caller's thread, then, if they must wait, finished on
//! the runtime and completed through the host's callback.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otelbridge::private::{self, ProcessOutcome};
use otelbridge::{Context, Error, ErrorKind, Outcome};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::instance::{InstanceState, OtbInstance};
use crate::types::{
    OTB_OUTCOME_DROPPED, OTB_OUTCOME_EDITED, OTB_OUTCOME_REPLACED, OTB_OUTCOME_UNCHANGED, OtbPoll,
    OtbResult,
};
use crate::{buffer, context, library, numbers, panic, status};

/// What a call does.
pub(crate) enum Work {
    /// `Instance::start`.
    Start,
    /// `Instance::shutdown`.
    Shutdown,
    /// `Instance::process` on host bytes.
    Consume {
        signal: u32,
        data: *const u8,
        data_len: usize,
    },
}

type CallResult = Result<ProcessOutcome, Error>;
type CallFuture = Pin<Box<dyn Future<Output = CallResult> + Send>>;

/// Runs one call: see `otelbridge_v1_instance_start` for the contract.
///
/// # Safety
/// The pointers must satisfy the exported functions' contracts.
pub(crate) unsafe fn run(
    instance: *const OtbInstance,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    result: *mut OtbResult,
    pending: *mut *mut OtbPending,
    work: Work,
) -> OtbPoll {
    let polled = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from the caller.
        unsafe { start_call(instance, deadline_unix_nano, ctx, ctx_len, work) }
    }));
    let polled = polled.unwrap_or_else(|payload| {
        let message = format!("otelbridge library {}", panic::describe(payload.as_ref()));
        Polled::Ready(Err(Error::new(ErrorKind::Panicked, message)))
    });
    match polled {
        Polled::Ready(outcome) => {
            // SAFETY: the caller passes a valid result pointer.
            unsafe { write_result(result, outcome) };
            OtbPoll::Ready
        }
        Polled::Pending(call) => match unsafe { pending.as_mut() } {
            Some(slot) => {
                *slot = Box::into_raw(Box::new(OtbPending { call }));
                OtbPoll::Pending
            }
            None => {
                call.cancel();
                // SAFETY: as above.
                unsafe { write_result(result, Err(panic::null("pending"))) };
                OtbPoll::Ready
            }
        },
    }
}

enum Polled {
    Ready(CallResult),
    Pending(Arc<PendingCall>),
}

/// # Safety
/// As for [`run`]; `work`'s data must stay valid until the call completes.
unsafe fn start_call(
    instance: *const OtbInstance,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    work: Work,
) -> Polled {
    // SAFETY: the host passes a live handle or NULL.
    let Some(handle) = (unsafe { instance.as_ref() }) else {
        return Polled::Ready(Err(panic::null("instance")));
    };
    let state = Arc::clone(&handle.state);
    let shutdown = matches!(work, Work::Shutdown);
    // However a shutdown ends, what the instance left running goes with it.
    let ready = |outcome| {
        if shutdown {
            state.abort_leftover_tasks();
        }
        Polled::Ready(outcome)
    };
    if !shutdown {
        if let Some(failed) = state.failure() {
            return ready(Err(failed));
        }
    }
    let deadline = match to_instant(deadline_unix_nano) {
        Ok(deadline) => deadline,
        Err(err) => return ready(Err(err)),
    };
    // SAFETY: the host keeps ctx readable for the call.
    let records = match context::decode(unsafe { buffer::borrow(ctx, ctx_len) }) {
        Ok(records) => records,
        Err(err) => return ready(Err(err)),
    };
    let token = CancellationToken::new();
    let mut cx = Context::background()
        .with_cancellation(token.clone())
        .with_metadata(records.metadata);
    if let Some(deadline) = deadline {
        cx = cx.with_deadline(deadline);
    }
    if let Some(peer) = records.peer_addr {
        cx = cx.with_peer_addr(peer);
    }
    if let Some(trace) = records.trace {
        cx = cx.with_trace_context(trace);
    }
    // SAFETY: the host keeps the data alive and unchanged until the call completes, and the future
    // holding this slice is dropped before the completion is reported (see PendingCall::finish).
    let future = unsafe { component_future(Arc::clone(&state), cx, work) };
    let mut call = Guarded {
        future: Box::pin(private::in_scope(state.scope.clone(), future)),
        state: Arc::clone(&state),
    };

    let _runtime = private::handle().enter();
    let mut task_cx = std::task::Context::from_waker(Waker::noop());
    match Pin::new(&mut call).poll(&mut task_cx) {
        Poll::Ready(outcome) => ready(outcome),
        Poll::Pending => {
            let pending = Arc::new(PendingCall {
                phase: Mutex::new(Phase::Running),
                token,
            });
            let finisher = Arc::clone(&pending);
            private::handle().spawn(async move {
                let outcome = tokio::select! {
                    biased;
                    () = finisher.token.cancelled() => Err(Error::cancelled("the caller cancelled the call")),
                    outcome = with_deadline(call, deadline) => outcome,
                };
                if shutdown {
                    state.abort_leftover_tasks();
                }
                finisher.finish(outcome);
            });
            Polled::Pending(pending)
        }
    }
}

/// # Safety
/// For `Work::Consume`, the data must outlive the returned future.
unsafe fn component_future(
    state: Arc<InstanceState>,
    cx: Context,
    work: Work,
) -> impl Future<Output = CallResult> + Send + 'static {
    let consume = match work {
        Work::Consume {
            signal,
            data,
            data_len,
        } => {
            // SAFETY: guaranteed by the caller.
            Some((numbers::signal_of(signal), unsafe {
                buffer::borrow::<'static>(data, data_len)
            }))
        }
        _ => None,
    };
    let is_start = matches!(work, Work::Start);
    async move {
        match consume {
            Some((Some(signal), data)) => match state.instance.process(&cx, signal, data).await {
                Ok(Outcome::Edited(edits)) if !library::host_applies_edits() => {
                    private::apply_encoded(&edits, signal, data)
                }
                outcome => outcome,
            },
            Some((None, _)) => Err(Error::new(ErrorKind::Internal, "unknown signal number")),
            None if is_start => state.instance.start(&cx).await.map(|()| Outcome::Unchanged),
            None => state
                .instance
                .shutdown(&cx)
                .await
                .map(|()| Outcome::Unchanged),
        }
    }
}

async fn with_deadline(call: Guarded, deadline: Option<Instant>) -> CallResult {
    match deadline {
        None => call.await,
        Some(deadline) => tokio::time::timeout_at(deadline, call)
            .await
            .unwrap_or_else(|_| Err(Error::deadline_exceeded("the call's deadline passed"))),
    }
}

/// Converts the host's wall-clock deadline to the runtime's clock; a passed deadline is an error.
fn to_instant(deadline_unix_nano: i64) -> Result<Option<Instant>, Error> {
    if deadline_unix_nano <= 0 {
        return Ok(None);
    }
    let deadline = UNIX_EPOCH + Duration::from_nanos(deadline_unix_nano as u64);
    match deadline.duration_since(SystemTime::now()) {
        Ok(left) if !left.is_zero() => Ok(Some(Instant::now() + left)),
        _ => Err(Error::deadline_exceeded(
            "the call's deadline had passed before it started",
        )),
    }
}

/// A component's future with panics caught: a panic ends the call with an error and fails the
/// instance.
struct Guarded {
    future: CallFuture,
    state: Arc<InstanceState>,
}

impl Future for Guarded {
    type Output = CallResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<CallResult> {
        let this = &mut *self;
        match catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                let reason = panic::describe(payload.as_ref());
                this.state.mark_failed(&reason);
                Poll::Ready(Err(Error::new(
                    ErrorKind::Panicked,
                    format!("component {} {reason}", this.state.scope.component_id),
                )))
            }
        }
    }
}

/// A call that outlived its first poll.
pub(crate) struct PendingCall {
    phase: Mutex<Phase>,
    token: CancellationToken,
}

enum Phase {
    /// The work goes on and no waiter is known yet.
    Running,
    /// The work finished before the host attached a waiter.
    Finished(CallResult),
    /// The host waits; the callback reports to this waiter.
    Attached(usize),
    /// The result has gone to the host.
    Delivered,
}

impl PendingCall {
    /// Records the result, or sends it to the waiter if one is attached.
    fn finish(&self, outcome: CallResult) {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        match std::mem::replace(&mut *phase, Phase::Delivered) {
            Phase::Running => *phase = Phase::Finished(outcome),
            Phase::Attached(waiter) => {
                drop(phase);
                deliver(waiter, outcome);
            }
            Phase::Finished(_) | Phase::Delivered => {}
        }
    }

    /// Asks the work to stop.
    pub(crate) fn cancel(&self) {
        self.token.cancel();
    }
}

/// `otelbridge_v1_pending_attach`.
///
/// # Safety
/// `pending` must be a live handle and `result` valid for writes.
pub(crate) unsafe fn attach(
    pending: *const OtbPending,
    waiter: usize,
    result: *mut OtbResult,
) -> OtbPoll {
    let attached = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: guaranteed by the caller.
        let Some(pending) = (unsafe { pending.as_ref() }) else {
            return Some(Err(panic::null("pending")));
        };
        let mut phase = pending
            .call
            .phase
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match std::mem::replace(&mut *phase, Phase::Delivered) {
            Phase::Running => {
                *phase = Phase::Attached(waiter);
                None
            }
            Phase::Finished(outcome) => Some(outcome),
            Phase::Attached(_) | Phase::Delivered => Some(Err(Error::new(
                ErrorKind::Internal,
                "a waiter was already attached to this call",
            ))),
        }
    }));
    match attached {
        Ok(None) => OtbPoll::Pending,
        Ok(Some(outcome)) => {
            // SAFETY: guaranteed by the caller.
            unsafe { write_result(result, outcome) };
            OtbPoll::Ready
        }
        Err(payload) => {
            let message = format!("otelbridge library {}", panic::describe(payload.as_ref()));
            // SAFETY: guaranteed by the caller.
            unsafe { write_result(result, Err(Error::new(ErrorKind::Panicked, message))) };
            OtbPoll::Ready
        }
    }
}

fn deliver(waiter: usize, outcome: CallResult) {
    let mut result = to_result(outcome);
    match library::host().and_then(|host| host.complete) {
        // SAFETY: the host's callback takes the result and its buffers.
        Some(complete) => unsafe { complete(waiter, &mut result) },
        None => free_result(result),
    }
}

/// Frees the buffers of a result nobody took.
fn free_result(result: OtbResult) {
    // SAFETY: the buffers were made by buffer::from_vec and are freed once, here.
    unsafe {
        buffer::free(result.status.message);
        buffer::free(result.data);
    }
}

fn to_result(outcome: CallResult) -> OtbResult {
    match outcome {
        Ok(Outcome::Unchanged) => OtbResult {
            status: status::ok(),
            outcome: OTB_OUTCOME_UNCHANGED,
            data: buffer::EMPTY,
        },
        Ok(Outcome::Replaced(bytes)) => OtbResult {
            status: status::ok(),
            outcome: OTB_OUTCOME_REPLACED,
            data: buffer::from_vec(bytes),
        },
        Ok(Outcome::Edited(edits)) if edits.is_empty() => OtbResult {
            status: status::ok(),
            outcome: OTB_OUTCOME_UNCHANGED,
            data: buffer::EMPTY,
        },
        Ok(Outcome::Edited(edits)) => OtbResult {
            status: status::ok(),
            outcome: OTB_OUTCOME_EDITED,
            data: buffer::from_vec(private::edits_into_bytes(edits)),
        },
        Ok(Outcome::Dropped) => OtbResult {
            status: status::ok(),
            outcome: OTB_OUTCOME_DROPPED,
            data: buffer::EMPTY,
        },
        Err(err) => OtbResult {
            status: status::from_error(&err),
            outcome: OTB_OUTCOME_UNCHANGED,
            data: buffer::EMPTY,
        },
    }
}

/// # Safety
/// `result` must be NULL or valid for writes; with NULL the buffers are freed.
unsafe fn write_result(result: *mut OtbResult, outcome: CallResult) {
    let written = to_result(outcome);
    // SAFETY: guaranteed by the caller.
    match unsafe { result.as_mut() } {
        Some(slot) => *slot = written,
        None => free_result(written),
    }
}

/// A call that returned `OTB_POLL_PENDING`. Opaque; released with `otelbridge_v1_pending_free`.
pub struct OtbPending {
    pub(crate) call: std::sync::Arc<PendingCall>,
}
