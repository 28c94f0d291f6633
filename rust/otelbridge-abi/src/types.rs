//! The types and numbers of the C ABI, version 1: every struct, callback and constant a host
//! sees, and nothing else (a leaf: it uses no other module). cbindgen writes them, with the
//! functions of [`crate::abi`], into `ffi/include/otelbridge.h`.

/// The ABI's major version: a host refuses a library whose major differs from its own.
pub const OTELBRIDGE_ABI_MAJOR: u32 = 1;
/// The ABI's minor version: additions that a host of the same major may ignore.
pub const OTELBRIDGE_ABI_MINOR: u32 = 6;

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

/// `OtbComponentInfo.kind`: a receiver.
pub const OTB_KIND_RECEIVER: u32 = 1;
/// `OtbComponentInfo.kind`: a processor.
pub const OTB_KIND_PROCESSOR: u32 = 2;
/// `OtbComponentInfo.kind`: an exporter.
pub const OTB_KIND_EXPORTER: u32 = 3;
/// `OtbComponentInfo.kind`: an extension.
pub const OTB_KIND_EXTENSION: u32 = 4;
/// `OtbComponentInfo.kind`: a connector.
pub const OTB_KIND_CONNECTOR: u32 = 5;

/// A signal, as `otelbridge_v1_instance_consume` and `OtbConsumeFn` take it: traces.
pub const OTB_SIGNAL_TRACES: u32 = 1;
/// Metrics.
pub const OTB_SIGNAL_METRICS: u32 = 2;
/// Logs.
pub const OTB_SIGNAL_LOGS: u32 = 3;

/// A signal's bit in a signal mask (`OtbComponentInfo.signals` and `signals_out`,
/// `next_signals`): traces.
pub const OTB_SIGNAL_BIT_TRACES: u32 = 1 << 0;
/// Metrics' bit.
pub const OTB_SIGNAL_BIT_METRICS: u32 = 1 << 1;
/// Logs' bit.
pub const OTB_SIGNAL_BIT_LOGS: u32 = 1 << 2;

/// `OtbComponentInfo.stability`, equal to the collector's `component.StabilityLevel`: undefined.
pub const OTB_STABILITY_UNDEFINED: u32 = 0;
/// Unmaintained.
pub const OTB_STABILITY_UNMAINTAINED: u32 = 1;
/// Deprecated.
pub const OTB_STABILITY_DEPRECATED: u32 = 2;
/// Development.
pub const OTB_STABILITY_DEVELOPMENT: u32 = 3;
/// Alpha.
pub const OTB_STABILITY_ALPHA: u32 = 4;
/// Beta.
pub const OTB_STABILITY_BETA: u32 = 5;
/// Stable.
pub const OTB_STABILITY_STABLE: u32 = 6;

/// A component's status, as `OtbReportStatusFn` reports it: working.
pub const OTB_COMPONENT_STATUS_OK: u32 = 1;
/// A problem the component expects to recover from.
pub const OTB_COMPONENT_STATUS_RECOVERABLE_ERROR: u32 = 2;
/// A problem that needs an operator.
pub const OTB_COMPONENT_STATUS_PERMANENT_ERROR: u32 = 3;
/// A problem that makes the collector shut down.
pub const OTB_COMPONENT_STATUS_FATAL_ERROR: u32 = 4;

/// An instrument kind, as `OtbCreateInstrumentFn` takes it: a monotonic sum.
pub const OTB_INSTRUMENT_COUNTER: u32 = 1;
/// A sum that goes up and down.
pub const OTB_INSTRUMENT_UP_DOWN_COUNTER: u32 = 2;
/// A distribution of values.
pub const OTB_INSTRUMENT_HISTOGRAM: u32 = 3;
/// The last value.
pub const OTB_INSTRUMENT_GAUGE: u32 = 4;

/// A log field's type tag in `OtbLogFn`'s field records: a string.
pub const OTB_LOG_FIELD_STRING: u8 = 1;
/// A signed 64-bit integer.
pub const OTB_LOG_FIELD_I64: u8 = 2;
/// An unsigned 64-bit integer.
pub const OTB_LOG_FIELD_U64: u8 = 3;
/// A 64-bit float.
pub const OTB_LOG_FIELD_F64: u8 = 4;
/// A boolean.
pub const OTB_LOG_FIELD_BOOL: u8 = 5;

/// Context record tag: one metadata key and its values (see ffi/README.md for the layout).
pub const OTB_CONTEXT_METADATA: u8 = 1;
/// Context record tag: the client's address, as text (since ABI 1.1).
pub const OTB_CONTEXT_PEER_ADDR: u8 = 2;
/// Context record tag: the caller's span context: trace id (16 bytes), span id (8), flags (1),
/// then the W3C trace state as text (since ABI 1.1).
pub const OTB_CONTEXT_TRACE: u8 = 3;

/// `OtbEvent.kind` (since 1.6): a pending call completed, as `OtbHostCallbacks.complete` would
/// say. `handle` is the waiter, `result` the result, whose buffers the host takes.
pub const OTB_EVENT_COMPLETE: u32 = 1;
/// A log event, as `OtbHostCallbacks.log` would send it: `handle` is the sink, `code` the level,
/// `text` the message, `data` the fields.
pub const OTB_EVENT_LOG: u32 = 2;
/// A status report: `handle` is the sink, `code` the `OTB_COMPONENT_STATUS_*`, `text` the message.
pub const OTB_EVENT_STATUS: u32 = 3;
/// A new metric instrument: `handle` is the sink, `code` the `OTB_INSTRUMENT_*`, `id` the id the
/// library chose (its measurements name it), `text` the name, description and unit as three
/// length-prefixed strings. It comes before any measurement of it.
pub const OTB_EVENT_INSTRUMENT: u32 = 4;
/// A measurement: `id` is the instrument, `value` the value, `data` the attributes (as
/// `OtbRecordFn` takes them).
pub const OTB_EVENT_RECORD: u32 = 5;
/// A batch for the host's pipelines: `handle` is the sink, `code` the signal, `id` the
/// completion to answer with `otelbridge_v1_consume_complete`, `deadline_unix_nano` the deadline
/// (0: none), `text` the context records, `data` the batch. The host keeps `data` by zeroing the
/// field before `otelbridge_v1_events_free`, and frees it later with `otelbridge_v1_buf_release`.
pub const OTB_EVENT_CONSUME: u32 = 6;

/// The host's mark, queued by `otelbridge_v1_events_mark`: `handle` is the host's number. Every
/// event queued before it has been handed out before it.
pub const OTB_EVENT_MARK: u32 = 7;

/// `otelbridge_v1_events_next` wrote `*count` events (none when it timed out).
pub const OTB_EVENTS_OK: u32 = 0;
/// `otelbridge_v1_events_next`: the queue is closed and empty; no event will come.
pub const OTB_EVENTS_CLOSED: u32 = 1;

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
    /// `OTB_KIND_*`.
    pub kind: u32,
    /// The signals consumed (produced, for a receiver), as a mask of `OTB_SIGNAL_BIT_*`.
    pub signals: u32,
    /// The signals produced, as a mask of `OTB_SIGNAL_BIT_*` (connectors; 0 otherwise).
    pub signals_out: u32,
    /// `OTB_STABILITY_*`, the collector's `component.StabilityLevel` value.
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

/// Reports a component's status (`OTB_COMPONENT_STATUS_*`)
/// for the component whose sink is `sink`. The message is valid only during the callback.
pub type OtbReportStatusFn =
    Option<unsafe extern "C" fn(sink: u64, status: u32, message: *const u8, message_len: usize)>;

/// Creates a metric instrument (`OTB_INSTRUMENT_*`) for the
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

/// What the library would have called back, queued for a host that takes its events by polling
/// (`otelbridge_v1_handshake_events`, since 1.6). Which fields are set depends on `kind`
/// (`OTB_EVENT_*`); the others are zero.
#[repr(C)]
#[derive(Debug)]
pub struct OtbEvent {
    /// `OTB_EVENT_*`.
    pub kind: u32,
    /// The level, status, instrument kind or signal.
    pub code: u32,
    /// The waiter (`COMPLETE`) or the sink.
    pub handle: u64,
    /// The instrument (`INSTRUMENT`, `RECORD`) or the completion (`CONSUME`).
    pub id: u64,
    /// The batch's deadline (`CONSUME`), 0 when there is none.
    pub deadline_unix_nano: i64,
    /// The measured value (`RECORD`).
    pub value: f64,
    /// The message, instrument description or context records. Freed by `otelbridge_v1_events_free`.
    pub text: OtbBuf,
    /// Log fields, attributes or the batch. Freed by `otelbridge_v1_events_free` unless zeroed.
    pub data: OtbBuf,
    /// The completed call's result (`COMPLETE`): its buffers are the host's.
    pub result: OtbResult,
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
