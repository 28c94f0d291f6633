//! Component instances: create, start, consume, shut down, free.

use crate::call::OtbPending;
use crate::instance::OtbInstance;
use crate::types::{OtbPoll, OtbResult, OtbStatus};
use crate::{buffer, call, downstream, instance, panic};

/// Creates an instance of component `index` with id `id` and a JSON config. Has no side effects
/// beyond the component's own `create`: nothing runs until `otelbridge_v1_instance_start`.
///
/// `log_sink` names the host logger for this instance's events; `log_level` is the most verbose
/// level it records.
///
/// # Safety
/// `id` and `json` must point to readable bytes of the given lengths; `out` must be valid;
/// `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_create(
    index: u32,
    id: *const u8,
    id_len: usize,
    json: *const u8,
    json_len: usize,
    log_sink: u64,
    log_level: u32,
    out: *mut *mut OtbInstance,
    status: *mut OtbStatus,
) -> u32 {
    // SAFETY: the caller keeps the contract above.
    unsafe {
        create_instance(
            index, id, id_len, json, json_len, log_sink, log_level, None, out, status,
        )
    }
}

/// Creates an instance of a receiver or connector, whose data goes to the host through
/// `OtbHostCallbacks.consume` with `log_sink` as its key. `next_signals` is the bit mask of the
/// signals the host has a next consumer for (since 1.2). Otherwise as
/// `otelbridge_v1_instance_create`.
///
/// # Safety
/// As for `otelbridge_v1_instance_create`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_create_with_next(
    index: u32,
    id: *const u8,
    id_len: usize,
    json: *const u8,
    json_len: usize,
    log_sink: u64,
    log_level: u32,
    next_signals: u32,
    out: *mut *mut OtbInstance,
    status: *mut OtbStatus,
) -> u32 {
    // SAFETY: the caller keeps the contract above.
    unsafe {
        create_instance(
            index,
            id,
            id_len,
            json,
            json_len,
            log_sink,
            log_level,
            Some(next_signals),
            out,
            status,
        )
    }
}

/// Both create functions; `next_signals` is set for receivers and connectors.
///
/// # Safety
/// As for `otelbridge_v1_instance_create`.
#[allow(clippy::too_many_arguments)]
unsafe fn create_instance(
    index: u32,
    id: *const u8,
    id_len: usize,
    json: *const u8,
    json_len: usize,
    log_sink: u64,
    log_level: u32,
    next_signals: Option<u32>,
    out: *mut *mut OtbInstance,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes valid buffers.
        let (id, json) = unsafe { (buffer::borrow(id, id_len), buffer::borrow(json, json_len)) };
        let next = next_signals.map(|signals| downstream::next(log_sink, signals));
        let state = instance::create(index, id, json, log_sink, log_level, next)?;
        let handle = Box::into_raw(Box::new(OtbInstance { state }));
        // SAFETY: the caller passes a valid pointer.
        *unsafe { out.as_mut() }.ok_or_else(|| panic::null("out"))? = handle;
        Ok(())
    })
}

/// Starts an instance. See ffi/README.md for `deadline_unix_nano`, the context records and the
/// pending protocol.
///
/// # Safety
/// `instance` must come from `otelbridge_v1_instance_create` and not be freed; `ctx` must point
/// to `ctx_len` readable bytes (or be NULL); `result` and `pending` must be valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_start(
    instance: *const OtbInstance,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    result: *mut OtbResult,
    pending: *mut *mut OtbPending,
) -> OtbPoll {
    // SAFETY: the caller keeps the contract above.
    unsafe {
        call::run(
            instance,
            deadline_unix_nano,
            ctx,
            ctx_len,
            result,
            pending,
            call::Work::Start,
        )
    }
}

/// Shuts an instance down. Same contract as `otelbridge_v1_instance_start`.
///
/// # Safety
/// As for `otelbridge_v1_instance_start`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_shutdown(
    instance: *const OtbInstance,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    result: *mut OtbResult,
    pending: *mut *mut OtbPending,
) -> OtbPoll {
    // SAFETY: the caller keeps the contract above.
    unsafe {
        call::run(
            instance,
            deadline_unix_nano,
            ctx,
            ctx_len,
            result,
            pending,
            call::Work::Shutdown,
        )
    }
}

/// Runs one batch of `signal` (1 traces, 2 metrics, 3 logs), as OTLP `Export*ServiceRequest`
/// protobuf bytes, through an instance.
///
/// `data` is borrowed: until the call completes (returns `OTB_POLL_READY`, or its completion
/// callback has run) the host keeps it alive and unchanged.
///
/// # Safety
/// As for `otelbridge_v1_instance_start`; `data` must point to `data_len` readable bytes (or be
/// NULL when 0) until the call completes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_consume(
    instance: *const OtbInstance,
    signal: u32,
    deadline_unix_nano: i64,
    ctx: *const u8,
    ctx_len: usize,
    data: *const u8,
    data_len: usize,
    result: *mut OtbResult,
    pending: *mut *mut OtbPending,
) -> OtbPoll {
    // SAFETY: the caller keeps the contract above.
    unsafe {
        let work = call::Work::Consume {
            signal,
            data,
            data_len,
        };
        call::run(
            instance,
            deadline_unix_nano,
            ctx,
            ctx_len,
            result,
            pending,
            work,
        )
    }
}

/// Releases an instance handle. Calls still pending keep what they need alive until they
/// complete. NULL is ignored.
///
/// # Safety
/// `instance` must come from `otelbridge_v1_instance_create` and not be used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_instance_free(instance: *mut OtbInstance) {
    panic::guard_unit(|| {
        if !instance.is_null() {
            // SAFETY: the handle came from Box::into_raw in instance_create.
            drop(unsafe { Box::from_raw(instance) });
        }
    })
}
