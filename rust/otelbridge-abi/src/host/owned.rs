//! What the ABI's functions hand the host program: statuses, results and buffers it owns. Each
//! is read in place while a frame copies it, and released with `otelbridge_v1_buf_release` when
//! it goes out of scope, as any host releases them: nothing is released across the socket.

use otelbridge::Error;

use super::wire;
use crate::abi::{OtbBuf, OtbResult, OtbStatus, otelbridge_v1_buf_release};
use crate::{buffer, status};

/// The bytes of a buffer the library handed over.
fn view(buf: &OtbBuf) -> &[u8] {
    // SAFETY: the library wrote this buffer (or it is still the empty one) and it is released
    // only when its owner drops, after this borrow ends.
    unsafe { buffer::borrow(buf.ptr, buf.len) }
}

/// Releases a buffer the library handed over, once: `_buf_release` zeroes it.
fn release(buf: &mut OtbBuf) {
    // SAFETY: the buffer is the library's or empty, and zeroed once released.
    unsafe { otelbridge_v1_buf_release(buf) }
}

/// An `OtbStatus` an ABI function writes, its message released on drop.
pub(super) struct OwnedStatus(OtbStatus);

impl OwnedStatus {
    /// The success status, for a function to overwrite.
    pub(super) fn new() -> OwnedStatus {
        OwnedStatus(status::ok())
    }

    /// The status the library would write for `err`: the host program's own errors read like
    /// the library's.
    pub(super) fn error(err: &Error) -> OwnedStatus {
        OwnedStatus(status::from_error(err))
    }

    /// Where an ABI function writes it.
    pub(super) fn as_mut_ptr(&mut self) -> *mut OtbStatus {
        &mut self.0
    }

    /// The status as a frame carries it.
    pub(super) fn wire(&self) -> wire::Status<'_> {
        wire_status(&self.0)
    }
}

impl Drop for OwnedStatus {
    fn drop(&mut self) {
        release(&mut self.0.message);
    }
}

fn wire_status(status: &OtbStatus) -> wire::Status<'_> {
    wire::Status {
        code: status.code,
        permanent: status.permanent,
        grpc_code: status.grpc_code,
        http_code: status.http_code,
        retry_after_ns: status.retry_after_ns,
        message: view(&status.message),
    }
}

/// An `OtbResult` an ABI function writes (or a completion carries), its buffers released on drop.
pub(super) struct OwnedResult(OtbResult);

impl OwnedResult {
    /// An empty result, for a function to overwrite; as a pending REPLY's result, all zeros.
    pub(super) fn new() -> OwnedResult {
        OwnedResult(OtbResult {
            status: status::ok(),
            outcome: 0,
            data: buffer::EMPTY,
        })
    }

    /// Takes over a result whose buffers the host program now owns (a completion's).
    pub(super) fn from_raw(result: OtbResult) -> OwnedResult {
        OwnedResult(result)
    }

    /// A failed result, as the library would write it for `err`.
    pub(super) fn error(err: &Error) -> OwnedResult {
        OwnedResult(OtbResult {
            status: status::from_error(err),
            outcome: 0,
            data: buffer::EMPTY,
        })
    }

    /// Where an ABI function writes it.
    pub(super) fn as_mut_ptr(&mut self) -> *mut OtbResult {
        &mut self.0
    }

    /// The result as a frame carries it. A result that no frame can hold (a batch of a gigabyte)
    /// becomes a permanent error the collector can read, rather than a frame it must refuse.
    pub(super) fn write_to(&self, frame: &mut wire::Encoder) {
        let too_large = self.0.data.len + self.0.status.message.len + 1024 > wire::MAX_FRAME;
        if too_large {
            let err = Error::new(
                otelbridge::ErrorKind::Permanent,
                format!(
                    "the component's result is {} bytes, more than a frame of the otelbridge host \
                     program carries ({} bytes)",
                    self.0.data.len,
                    wire::MAX_FRAME
                ),
            );
            OwnedResult::error(&err).write_to(frame);
            return;
        }
        frame.result(&wire::CallResult {
            status: wire_status(&self.0.status),
            outcome: self.0.outcome,
            data: view(&self.0.data),
        });
    }
}

impl Drop for OwnedResult {
    fn drop(&mut self) {
        release(&mut self.0.status.message);
        release(&mut self.0.data);
    }
}

/// An `OtbBuf` an ABI function writes, released on drop.
pub(super) struct OwnedBuf(OtbBuf);

impl OwnedBuf {
    /// The empty buffer, for a function to overwrite.
    pub(super) fn new() -> OwnedBuf {
        OwnedBuf(buffer::EMPTY)
    }

    /// Where an ABI function writes it.
    pub(super) fn as_mut_ptr(&mut self) -> *mut OtbBuf {
        &mut self.0
    }

    /// Its bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        view(&self.0)
    }
}

impl Drop for OwnedBuf {
    fn drop(&mut self) {
        release(&mut self.0);
    }
}
