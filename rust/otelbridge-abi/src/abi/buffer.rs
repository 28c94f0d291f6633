//! Buffers the host owns, and the no-op that measures a crossing.

use std::ffi::c_void;

use crate::types::OtbBuf;
use crate::{buffer, panic};

/// Releases a buffer Rust handed to the host. An empty buffer is ignored.
///
/// # Safety
/// `buf` must come from this library, unchanged, and not be freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_buf_free(buf: OtbBuf) {
    // SAFETY: the caller passes a buffer this library made.
    panic::guard_unit(|| unsafe { buffer::free(buf) })
}

/// Releases the buffer `*buf` points at and zeroes it, so releasing it again does nothing: the
/// form of `otelbridge_v1_buf_free` for hosts that cannot pass a struct by value (since 1.6).
///
/// # Safety
/// `buf` must be NULL or point to a buffer from this library, unchanged, or zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_buf_release(buf: *mut OtbBuf) {
    // SAFETY: the caller passes a buffer this library made, or NULL.
    panic::guard_unit(|| unsafe {
        if let Some(buf) = buf.as_mut() {
            buffer::free(std::mem::replace(buf, buffer::EMPTY));
        }
    })
}

/// Does nothing: measures the fixed cost of a call into the library.
#[unsafe(no_mangle)]
pub extern "C" fn otelbridge_v1_nop(arg: *mut c_void) -> *mut c_void {
    arg
}
