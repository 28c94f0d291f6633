//! Errors as the `OtbStatus` the host reads.

use otelbridge::Error;

use crate::types::{OTB_STATUS_OK, OtbStatus};
use crate::{buffer, numbers};

/// The success status.
pub(crate) const EMPTY: OtbStatus = OtbStatus {
    code: OTB_STATUS_OK,
    permanent: false,
    grpc_code: 0,
    http_code: 0,
    retry_after_ns: 0,
    message: buffer::EMPTY,
};

/// The success status.
pub(crate) fn ok() -> OtbStatus {
    EMPTY
}

/// The status for `err`; its message becomes a buffer the host frees.
pub(crate) fn from_error(err: &Error) -> OtbStatus {
    OtbStatus {
        code: numbers::status_code(err.kind()),
        permanent: err.is_permanent(),
        grpc_code: err.grpc_code().unwrap_or(0),
        http_code: err.http_code().map_or(0, i32::from),
        retry_after_ns: err
            .retry_after()
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)),
        message: buffer::from_vec(err.message().as_bytes().to_vec()),
    }
}

/// Writes `status` to `out`, or frees its message when the host passed NULL.
///
/// # Safety
/// `out` must be NULL or valid for writes.
pub(crate) unsafe fn write(out: *mut OtbStatus, status: OtbStatus) {
    // SAFETY: guaranteed by the caller.
    match unsafe { out.as_mut() } {
        Some(out) => *out = status,
        // SAFETY: the message was made by buffer::from_vec and is freed once.
        None => unsafe { buffer::free(status.message) },
    }
}
