//! The shared runtime's settings.

use crate::types::OtbStatus;
use crate::{buffer, library, panic};

/// Sets the shared runtime's worker thread count (0: no opinion, always accepted). Only effective
/// before the runtime's first use (the first start or consume call); afterwards it fails with
/// `OTB_STATUS_INTERNAL` unless the count is the running one. Superseded by
/// `otelbridge_v1_runtime_configure_json`.
///
/// # Safety
/// `status` may be NULL or must be valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_runtime_configure(
    worker_threads: u32,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || library::configure_runtime(worker_threads))
}

/// Sets the shared runtime's settings from JSON (`worker_threads`, `max_blocking_threads`,
/// `thread_stack_size`, `thread_keep_alive`, `global_queue_interval`, `event_interval`,
/// `max_io_events_per_tick`; see ffi/README.md), or with `validate_only` only checks them. Fails
/// with `OTB_STATUS_INVALID_CONFIG`, the message naming the field, when a value is invalid, when
/// other settings were configured earlier in the process, or when the runtime already runs with
/// other settings (since 1.4).
///
/// # Safety
/// `json` must point to `json_len` readable bytes (or be NULL when 0); `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_runtime_configure_json(
    json: *const u8,
    json_len: usize,
    validate_only: bool,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes a valid buffer.
        let json = unsafe { buffer::borrow(json, json_len) };
        library::configure_runtime_json(json, validate_only)
    })
}
