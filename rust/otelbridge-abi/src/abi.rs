//! The C ABI, version 1: every type and function a host sees, written by hand in this one module.
//!
//! cbindgen turns this module into `ffi/include/otelbridge.h`; `ffi/README.md` states the protocol
//! (ownership, threading, ordering, cancellation). Every function catches panics: none unwinds
//! into the host.

use std::ffi::c_void;

use otelbridge::Error;

use crate::{buffer, call, downstream, instance, library, panic};

/// The ABI's major version: a host refuses a library whose major differs from its own.
pub const OTELBRIDGE_ABI_MAJOR: u32 = 1;
/// The ABI's minor version: additions that a host of the same major may ignore.
pub const OTELBRIDGE_ABI_MINOR: u32 = 4;

/// Success.
pub const OTB_STATUS_OK: u32 = 0;
/// Retrying will not help.
pub const OTB_STATUS_PERMANENT: u32 = 1;
/// The same request may succeed later.
pub const OTB_STATUS_RETRYABLE: u32 = 2;
/// The caller cancelled the call.
pub const OTB_STATUS_CANCELLED: u32 = 3;
/// The call's deadline passed.
pub const OTB_STATUS_DEADLINE_EXCEEDED: u32 = 4;
/// A resource ran out.
pub const OTB_STATUS_RESOURCE_EXHAUSTED: u32 = 5;
/// The configuration is invalid.
pub const OTB_STATUS_INVALID_CONFIG: u32 = 6;
/// The component panicked; its instance is failed.
pub const OTB_STATUS_PANICKED: u32 = 7;
/// The host broke the protocol (bad handle, bad argument, version mismatch).
pub const OTB_STATUS_INTERNAL: u32 = 8;

/// The batch passes on unchanged: the host keeps its own copy.
pub const OTB_OUTCOME_UNCHANGED: u32 = 0;
/// The batch is replaced by `OtbResult.data`.
pub const OTB_OUTCOME_REPLACED: u32 = 1;
/// The batch is dropped.
pub const OTB_OUTCOME_DROPPED: u32 = 2;
/// The batch passes on with the edits in `OtbResult.data` applied to the host's own copy (see
/// ffi/README.md, "Edits"). Since ABI 1.3; an older host gets `OTB_OUTCOME_REPLACED` instead.
pub const OTB_OUTCOME_EDITED: u32 = 3;

/// Log levels of `OtbHostCallbacks.log`, and the most verbose level a sink records.
pub const OTB_LOG_OFF: u32 = 0;
/// Error.
pub const OTB_LOG_ERROR: u32 = 1;
/// Warning.
pub const OTB_LOG_WARN: u32 = 2;
/// Info.
pub const OTB_LOG_INFO: u32 = 3;
/// Debug.
pub const OTB_LOG_DEBUG: u32 = 4;
/// Trace.
pub const OTB_LOG_TRACE: u32 = 5;

/// Context record tag: one metadata key and its values (see ffi/README.md for the layout).
pub const OTB_CONTEXT_METADATA: u8 = 1;
/// Context record tag: the client's address, as text (since ABI 1.1).
pub const OTB_CONTEXT_PEER_ADDR: u8 = 2;
/// Context record tag: the caller's span context: trace id (16 bytes), span id (8), flags (1),
/// then the W3C trace state as text (since ABI 1.1).
pub const OTB_CONTEXT_TRACE: u8 = 3;

/// A buffer Rust allocated and handed to the host. The host owns it and releases it exactly once
/// with `otelbridge_v1_buf_free`. An empty buffer is all zeros (`ptr` is NULL).
#[repr(C)]
#[derive(Debug)]
pub struct OtbBuf {
    /// The first byte, or NULL when empty.
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// Allocation size, for the free function only.
    pub cap: usize,
}

/// Bytes Rust owns for the life of the library (type names in the registry).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OtbStr {
    /// The first byte (UTF-8, not NUL-terminated).
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

/// The outcome of a call: success or an error with the hints the collector acts on.
#[repr(C)]
#[derive(Debug)]
pub struct OtbStatus {
    /// `OTB_STATUS_OK`, or the error kind.
    pub code: u32,
    /// Whether the host must not retry.
    pub permanent: bool,
    /// Explicit gRPC status code, 0 when unset.
    pub grpc_code: i32,
    /// Explicit HTTP status code, 0 when unset.
    pub http_code: i32,
    /// How long to wait before retrying, in nanoseconds, 0 when unset.
    pub retry_after_ns: i64,
    /// The error message (owned by the host once returned), empty on success.
    pub message: OtbBuf,
}

/// The result of a call that does work.
#[repr(C)]
#[derive(Debug)]
pub struct OtbResult {
    /// Success or the error.
    pub status: OtbStatus,
    /// For consume calls: `OTB_OUTCOME_*`.
    pub outcome: u32,
    /// For `OTB_OUTCOME_REPLACED`: the new OTLP protobuf bytes; for `OTB_OUTCOME_EDITED`: the
    /// edits. Owned by the host once returned.
    pub data: OtbBuf,
}

/// One component in the library's registry.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OtbComponentInfo {
    /// The type name operators use in configs.
    pub type_name: OtbStr,
    /// 1 receiver, 2 processor, 3 exporter, 4 extension, 5 connector.
    pub kind: u32,
    /// Bit mask of the signals consumed (bit 0 traces, 1 metrics, 2 logs).
    pub signals: u32,
    /// Bit mask of the signals produced (connectors; 0 otherwise).
    pub signals_out: u32,
    /// The collector's `component.StabilityLevel` value.
    pub stability: u32,
}

/// The library's answer to the handshake.
#[repr(C)]
#[derive(Debug)]
pub struct OtbLibraryInfo {
    /// The library's `OTELBRIDGE_ABI_MAJOR`.
    pub abi_major: u32,
    /// The library's `OTELBRIDGE_ABI_MINOR`.
    pub abi_minor: u32,
    /// Number of entries `otelbridge_v1_registry` returns.
    pub component_count: usize,
}

/// Completes a call that returned `OTB_POLL_PENDING`, on a runtime thread. The host takes
/// ownership of the result's buffers; the pointer is valid only during the callback.
pub type OtbCompleteFn = Option<unsafe extern "C" fn(waiter: usize, result: *mut OtbResult)>;

/// Delivers one log event to the host's logger `sink`. `fields` is a flat record list (see
/// ffi/README.md). All pointers are valid only during the callback.
pub type OtbLogFn = Option<
    unsafe extern "C" fn(
        sink: u64,
        level: u32,
        message: *const u8,
        message_len: usize,
        fields: *const u8,
        fields_len: usize,
    ),
>;

/// Reports a component's status (1 ok, 2 recoverable error, 3 permanent error, 4 fatal error)
/// for the component whose sink is `sink`. The message is valid only during the callback.
pub type OtbReportStatusFn =
    Option<unsafe extern "C" fn(sink: u64, status: u32, message: *const u8, message_len: usize)>;

/// Creates a metric instrument (1 counter, 2 up-down counter, 3 histogram, 4 gauge) for the
/// component whose sink is `sink`, and returns its id (0 when it could not). Strings are valid
/// only during the callback.
pub type OtbCreateInstrumentFn = Option<
    unsafe extern "C" fn(
        sink: u64,
        kind: u32,
        name: *const u8,
        name_len: usize,
        description: *const u8,
        description_len: usize,
        unit: *const u8,
        unit_len: usize,
    ) -> u64,
>;

/// Records `value` on instrument `id` with attributes: `[key: string][value: string]` pairs, each
/// string `[len: u32 LE][UTF-8]`. Valid only during the callback.
pub type OtbRecordFn =
    Option<unsafe extern "C" fn(id: u64, value: f64, attributes: *const u8, attributes_len: usize)>;

/// Hands one batch that a receiver or connector produced to the host's next consumer of `signal`
/// for the instance whose sink is `sink`. The host takes ownership of `data` (OTLP protobuf bytes,
/// freed with `otelbridge_v1_buf_free`); `ctx` (context records) is valid only during the
/// callback. `deadline_unix_nano` is 0 when there is none. The callback must not block: the host
/// consumes the batch elsewhere and then calls `otelbridge_v1_consume_complete(completion, ...)`
/// exactly once (since 1.2).
pub type OtbConsumeFn = Option<
    unsafe extern "C" fn(
        sink: u64,
        signal: u32,
        deadline_unix_nano: i64,
        ctx: *const u8,
        ctx_len: usize,
        data: OtbBuf,
        completion: u64,
    ),
>;

/// How the host's consumer answered a batch: `OtbStatus` with a borrowed message.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OtbHostStatus {
    /// `OTB_STATUS_OK`, or the error kind.
    pub code: u32,
    /// Whether retrying cannot help.
    pub permanent: bool,
    /// Explicit gRPC status code, 0 when unset.
    pub grpc_code: i32,
    /// Explicit HTTP status code, 0 when unset.
    pub http_code: i32,
    /// How long to wait before retrying, in nanoseconds, 0 when unset.
    pub retry_after_ns: i64,
    /// The error message, read during the call only.
    pub message: OtbStr,
}

/// Functions the host gives the library at the handshake.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OtbHostCallbacks {
    /// Called once per pending call.
    pub complete: OtbCompleteFn,
    /// Called for each log event a sink records.
    pub log: OtbLogFn,
    /// The most verbose level of sink 0, the bridge's own logger.
    pub default_log_level: u32,
    /// Component status (since 1.1: read only from hosts of minor 1 or later).
    pub report_status: OtbReportStatusFn,
    /// Metric instruments (since 1.1).
    pub create_instrument: OtbCreateInstrumentFn,
    /// Metric measurements (since 1.1).
    pub record: OtbRecordFn,
    /// Data from receivers and connectors to the host's pipelines (since 1.2).
    pub consume: OtbConsumeFn,
}

/// Whether a call finished inside the function or goes on in the runtime.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtbPoll {
    /// Finished: the result is written.
    Ready = 0,
    /// Goes on: `*pending` is set; the result arrives through `OtbHostCallbacks.complete`.
    Pending = 1,
}

/// A created component instance. Opaque; released with `otelbridge_v1_instance_free`.
pub struct OtbInstance {
    pub(crate) state: std::sync::Arc<instance::InstanceState>,
}

/// A call that returned `OTB_POLL_PENDING`. Opaque; released with `otelbridge_v1_pending_free`.
pub struct OtbPending {
    pub(crate) call: std::sync::Arc<call::PendingCall>,
}

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

/// Writes component `index`'s default config, as JSON, to `out`.
///
/// # Safety
/// `out` must be a valid pointer; `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_config_default(
    index: u32,
    out: *mut OtbBuf,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        let json = library::factory(index)?
            .default_config_json()
            .map_err(Error::from)?;
        // SAFETY: the caller passes a valid pointer.
        *unsafe { out.as_mut() }.ok_or_else(|| panic::null("out"))? = buffer::from_vec(json);
        Ok(())
    })
}

/// Validates a JSON config for component `index`; the status message names the field's path.
///
/// # Safety
/// `json` must point to `json_len` readable bytes (or be NULL when 0); `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_config_validate(
    index: u32,
    json: *const u8,
    json_len: usize,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes a valid buffer.
        let json = unsafe { buffer::borrow(json, json_len) };
        library::factory(index)?
            .validate_config_json(json)
            .map_err(Error::from)
    })
}

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

/// Answers a batch the library handed to the host's `consume` callback. `status` NULL means OK.
///
/// # Safety
/// `completion` must come from one `consume` callback and be completed only once; `status` must be
/// NULL or valid, its message readable for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_consume_complete(
    completion: u64,
    status: *const OtbHostStatus,
) {
    // SAFETY: the caller keeps the contract above.
    panic::guard_unit(|| unsafe { downstream::complete(completion, status) })
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

/// Names the waiter that the completion callback of a pending call reports to. If the call has
/// already finished, writes its result and returns `OTB_POLL_READY` instead (no callback then).
///
/// # Safety
/// `pending` must come from a pending call and not be freed; `result` must be valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_attach(
    pending: *const OtbPending,
    waiter: usize,
    result: *mut OtbResult,
) -> OtbPoll {
    // SAFETY: the caller keeps the contract above.
    unsafe { call::attach(pending, waiter, result) }
}

/// Asks a pending call to stop. Its future is dropped at its next await; the completion callback
/// still runs once, with `OTB_STATUS_CANCELLED` unless the work had already finished.
///
/// # Safety
/// `pending` must come from a pending call and not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_cancel(pending: *const OtbPending) {
    panic::guard_unit(|| {
        // SAFETY: the caller passes a live handle.
        if let Some(pending) = unsafe { pending.as_ref() } {
            pending.call.cancel();
        }
    })
}

/// Releases a pending-call handle, after its result has been received. NULL is ignored.
///
/// # Safety
/// `pending` must come from a pending call and not be used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_pending_free(pending: *mut OtbPending) {
    panic::guard_unit(|| {
        if !pending.is_null() {
            // SAFETY: the handle came from Box::into_raw in call::run.
            drop(unsafe { Box::from_raw(pending) });
        }
    })
}

/// Releases a buffer Rust handed to the host. An empty buffer is ignored.
///
/// # Safety
/// `buf` must come from this library, unchanged, and not be freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_buf_free(buf: OtbBuf) {
    // SAFETY: the caller passes a buffer this library made.
    panic::guard_unit(|| unsafe { buffer::free(buf) })
}

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

/// Does nothing: measures the fixed cost of a call into the library.
#[unsafe(no_mangle)]
pub extern "C" fn otelbridge_v1_nop(arg: *mut c_void) -> *mut c_void {
    arg
}
