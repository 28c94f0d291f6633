//! Buffers that cross the boundary: borrowed from the host, or handed to it.

use std::mem::ManuallyDrop;

use crate::types::OtbBuf;

/// The empty buffer: all zeros, so the host never sees a dangling non-NULL pointer.
pub(crate) const EMPTY: OtbBuf = OtbBuf {
    ptr: std::ptr::null_mut(),
    len: 0,
    cap: 0,
};

/// Hands `bytes` to the host, who frees it with `otelbridge_v1_buf_free`.
pub(crate) fn from_vec(bytes: Vec<u8>) -> OtbBuf {
    if bytes.is_empty() {
        return EMPTY;
    }
    let mut bytes = ManuallyDrop::new(bytes);
    OtbBuf {
        ptr: bytes.as_mut_ptr(),
        len: bytes.len(),
        cap: bytes.capacity(),
    }
}

/// Appends `bytes` as a length-prefixed string (`[len: u32 LE][bytes]`), the layout of every
/// string in the flat encodings the host reads (log fields, metric attributes).
pub(crate) fn push_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Releases a buffer made by [`from_vec`].
///
/// # Safety
/// `buf` must come from [`from_vec`], unchanged, and not be freed before.
pub(crate) unsafe fn free(buf: OtbBuf) {
    if !buf.ptr.is_null() {
        // SAFETY: ptr, len and cap are those of a Vec<u8> that from_vec leaked.
        drop(unsafe { Vec::from_raw_parts(buf.ptr, buf.len, buf.cap) });
    }
}

/// Views host memory as a slice; NULL or zero length is the empty slice.
///
/// # Safety
/// `ptr` must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn borrow<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_buffers_are_null() {
        let buf = from_vec(Vec::with_capacity(16));
        assert!(buf.ptr.is_null());
        assert_eq!((buf.len, buf.cap), (0, 0));
        // SAFETY: freeing the empty buffer is a no-op.
        unsafe { free(buf) };
    }

    #[test]
    fn buffers_round_trip() {
        let buf = from_vec(b"abc".to_vec());
        // SAFETY: buf points to 3 live bytes until freed below.
        assert_eq!(unsafe { borrow(buf.ptr, buf.len) }, b"abc");
        // SAFETY: made by from_vec, freed once.
        unsafe { free(buf) };
        // SAFETY: NULL is accepted.
        assert!(unsafe { borrow(std::ptr::null(), 5) }.is_empty());
    }
}
