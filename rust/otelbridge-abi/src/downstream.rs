//! The host's pipelines as the `Next` of receivers and connectors: each batch goes out through the
//! host's `consume` callback and comes back answered through `otelbridge_v1_consume_complete`.

use std::time::{SystemTime, UNIX_EPOCH};

use otelbridge::private::{self, Downstream, SendFuture};
use otelbridge::{Context, Error, ErrorKind, Next, Signal};
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::types::{OTB_STATUS_OK, OtbHostStatus};
use crate::{buffer, context, library, numbers};

type Answer = oneshot::Sender<Result<(), Error>>;

/// The `Next` of an instance whose sink is `sink`, for the signals in the mask `signals`.
pub(crate) fn next(sink: u64, signals: u32) -> Next {
    private::next(numbers::signals_of(signals), HostDownstream { sink })
}

struct HostDownstream {
    sink: u64,
}

impl Downstream for HostDownstream {
    fn send(&self, ctx: &Context, signal: Signal, bytes: Vec<u8>) -> SendFuture {
        let Some(consume) = library::host().and_then(|host| host.consume) else {
            return Box::pin(async {
                Err(Error::new(
                    ErrorKind::Internal,
                    "the host takes no data from Rust (ABI minor below 2)",
                ))
            });
        };
        let records = context::encode(ctx);
        let (answer, answered) = oneshot::channel();
        // The host hands this pointer back exactly once, to consume_complete, which frees it.
        let completion = Box::into_raw(Box::new(answer)) as u64;
        // SAFETY: the host takes ownership of the data buffer and reads the records only during
        // the call; it never blocks in it.
        unsafe {
            consume(
                self.sink,
                numbers::signal(signal),
                deadline_unix_nano(ctx.deadline()),
                records.as_ptr(),
                records.len(),
                buffer::from_vec(bytes),
                completion,
            );
        }
        Box::pin(async move {
            answered.await.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Internal,
                    "the host dropped a batch without answering",
                ))
            })
        })
    }
}

/// `otelbridge_v1_consume_complete`.
///
/// # Safety
/// `completion` must come from one `consume` callback, completed once; `status` NULL or valid.
pub(crate) unsafe fn complete(completion: u64, status: *const OtbHostStatus) {
    if completion == 0 {
        return;
    }
    // SAFETY: made by Box::into_raw in HostDownstream::send and handed back once.
    let answer = unsafe { Box::from_raw(completion as *mut Answer) };
    // SAFETY: guaranteed by the caller.
    let outcome = match unsafe { status.as_ref() } {
        None => Ok(()),
        Some(status) if status.code == OTB_STATUS_OK => Ok(()),
        Some(status) => Err(unsafe { to_error(status) }),
    };
    // The receiver may have stopped waiting (its own future dropped): nothing to do then.
    let _ = answer.send(outcome);
}

/// # Safety
/// The status message must be readable.
unsafe fn to_error(status: &OtbHostStatus) -> Error {
    // SAFETY: guaranteed by the caller.
    let message = unsafe { buffer::borrow(status.message.ptr, status.message.len) };
    let kind = match numbers::error_kind_of(status.code) {
        Some(kind) if kind.is_permanent() == status.permanent => kind,
        _ if status.permanent => ErrorKind::Permanent,
        _ => ErrorKind::Retryable,
    };
    let mut err = Error::new(kind, String::from_utf8_lossy(message));
    if status.grpc_code != 0 {
        err = err.with_grpc_code(status.grpc_code);
    }
    if let Ok(code) = u16::try_from(status.http_code) {
        if code != 0 {
            err = err.with_http_code(code);
        }
    }
    if status.retry_after_ns > 0 {
        err = err.with_retry_after(std::time::Duration::from_nanos(
            status.retry_after_ns as u64,
        ));
    }
    err
}

/// The host's wall-clock form of a runtime deadline (0: none).
fn deadline_unix_nano(deadline: Option<Instant>) -> i64 {
    let Some(deadline) = deadline else {
        return 0;
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let at = SystemTime::now() + left;
    at.duration_since(UNIX_EPOCH).map_or(1, |d| {
        i64::try_from(d.as_nanos()).unwrap_or(i64::MAX).max(1)
    })
}
