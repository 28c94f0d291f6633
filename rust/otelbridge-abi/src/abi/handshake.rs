//! The handshake: the ABI version, the host's callbacks, and the component registry.

use crate::types::{
    OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, OtbComponentInfo, OtbHostCallbacks, OtbLibraryInfo,
    OtbStatus,
};
use crate::{library, panic};

/// `(major << 16) | minor` of this library's ABI. Safe to call before the handshake.
#[unsafe(no_mangle)]
pub extern "C" fn otelbridge_v1_abi_version() -> u32 {
    (OTELBRIDGE_ABI_MAJOR << 16) | OTELBRIDGE_ABI_MINOR
}

/// Checks that the host speaks the same major version, installs the host's callbacks and the log
/// bridge, and builds the registry. Call once before anything else but `otelbridge_v1_abi_version`.
///
/// # Safety
/// `callbacks` and `info` must be valid pointers; `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_handshake(
    host_major: u32,
    host_minor: u32,
    callbacks: *const OtbHostCallbacks,
    info: *mut OtbLibraryInfo,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes valid pointers.
        if callbacks.is_null() {
            return Err(panic::null("callbacks"));
        }
        // SAFETY: non-NULL, and the host's struct has at least the fields of its minor version.
        let callbacks = unsafe { library::read_callbacks(callbacks, host_minor) };
        let info = unsafe { info.as_mut() }.ok_or_else(|| panic::null("info"))?;
        *info = library::handshake(host_major, host_minor, callbacks)?;
        Ok(())
    })
}

/// The components this library contains, as a static array that lives as long as the library.
///
/// # Safety
/// `out` and `len` must be valid pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_registry(
    out: *mut *const OtbComponentInfo,
    len: *mut usize,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        let entries = library::registry()?.infos();
        // SAFETY: the caller passes valid pointers.
        unsafe {
            *out.as_mut().ok_or_else(|| panic::null("out"))? = entries.as_ptr();
            *len.as_mut().ok_or_else(|| panic::null("len"))? = entries.len();
        }
        Ok(())
    })
}
