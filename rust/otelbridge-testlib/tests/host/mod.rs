//! A minimal host written against the C ABI only, as the Go shim uses it: raw pointers, the
//! completion and log callbacks, and buffers freed exactly once.

// Drives the C ABI as a host does, which is unsafe by nature.
#![allow(unsafe_code)]
#![allow(dead_code, missing_docs)]

use std::ptr;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Mutex, Once};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otelbridge_abi::abi::*;

/// A result copied out of Rust memory, its buffers freed.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub code: u32,
    pub permanent: bool,
    pub grpc_code: i32,
    pub http_code: i32,
    pub retry_after: Duration,
    pub message: String,
    pub outcome: u32,
    pub data: Vec<u8>,
}

/// One log event the library sent.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub sink: u64,
    pub level: u32,
    pub message: String,
    pub fields: Vec<u8>,
}

pub static LOGS: Mutex<Vec<LogEvent>> = Mutex::new(Vec::new());

/// Status reports: (sink, status, message).
pub static STATUSES: Mutex<Vec<(u64, u32, String)>> = Mutex::new(Vec::new());

/// Instruments created: (sink, kind, name); an instrument's id is its index + 1.
pub static INSTRUMENTS: Mutex<Vec<(u64, u32, String)>> = Mutex::new(Vec::new());

/// Measurements: (instrument id, value, flat attributes).
pub static MEASUREMENTS: Mutex<Vec<(u64, f64, Vec<u8>)>> = Mutex::new(Vec::new());

unsafe fn text(ptr: *const u8, len: usize) -> String {
    if ptr.is_null() {
        String::new()
    } else {
        String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(ptr, len) }).into_owned()
    }
}

unsafe extern "C" fn report_status(sink: u64, status: u32, message: *const u8, message_len: usize) {
    STATUSES
        .lock()
        .expect("statuses")
        .push((sink, status, unsafe { text(message, message_len) }));
}

unsafe extern "C" fn create_instrument(
    sink: u64,
    kind: u32,
    name: *const u8,
    name_len: usize,
    _: *const u8,
    _: usize,
    _: *const u8,
    _: usize,
) -> u64 {
    let mut instruments = INSTRUMENTS.lock().expect("instruments");
    instruments.push((sink, kind, unsafe { text(name, name_len) }));
    instruments.len() as u64
}

unsafe extern "C" fn record(id: u64, value: f64, attributes: *const u8, attributes_len: usize) {
    let flat = if attributes.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(attributes, attributes_len) }.to_vec()
    };
    MEASUREMENTS
        .lock()
        .expect("measurements")
        .push((id, value, flat));
}

unsafe fn take_buf(buf: &OtbBuf) -> Vec<u8> {
    let bytes = if buf.ptr.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec()
    };
    unsafe {
        otelbridge_v1_buf_free(OtbBuf {
            ptr: buf.ptr,
            len: buf.len,
            cap: buf.cap,
        })
    };
    bytes
}

/// Copies a status out and frees its message.
pub fn take_status(status: &OtbStatus) -> (u32, String) {
    let message = unsafe { take_buf(&status.message) };
    (
        status.code,
        String::from_utf8(message).expect("UTF-8 message"),
    )
}

fn take_result(result: &OtbResult) -> Outcome {
    let message = unsafe { take_buf(&result.status.message) };
    Outcome {
        code: result.status.code,
        permanent: result.status.permanent,
        grpc_code: result.status.grpc_code,
        http_code: result.status.http_code,
        retry_after: Duration::from_nanos(result.status.retry_after_ns as u64),
        message: String::from_utf8(message).expect("UTF-8 message"),
        outcome: result.outcome,
        data: unsafe { take_buf(&result.data) },
    }
}

unsafe extern "C" fn complete(waiter: usize, result: *mut OtbResult) {
    let sender = unsafe { Box::from_raw(waiter as *mut SyncSender<Outcome>) };
    let _ = sender.send(take_result(unsafe { &*result }));
}

unsafe extern "C" fn log(
    sink: u64,
    level: u32,
    message: *const u8,
    message_len: usize,
    fields: *const u8,
    fields_len: usize,
) {
    let message = unsafe { std::slice::from_raw_parts(message, message_len) };
    let fields = if fields.is_null() {
        &[][..]
    } else {
        unsafe { std::slice::from_raw_parts(fields, fields_len) }
    };
    LOGS.lock().expect("logs").push(LogEvent {
        sink,
        level,
        message: String::from_utf8_lossy(message).into_owned(),
        fields: fields.to_vec(),
    });
}

/// One batch a receiver or connector handed to the host.
#[derive(Debug, Clone)]
pub struct Consumed {
    pub sink: u64,
    pub signal: u32,
    pub deadline: i64,
    pub ctx: Vec<u8>,
    pub data: Vec<u8>,
}

/// Batches handed to the host, answered at once with OK.
pub static CONSUMED: Mutex<Vec<Consumed>> = Mutex::new(Vec::new());

unsafe extern "C" fn consume_batch(
    sink: u64,
    signal: u32,
    deadline: i64,
    ctx: *const u8,
    ctx_len: usize,
    data: OtbBuf,
    completion: u64,
) {
    let ctx = if ctx.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(ctx, ctx_len) }.to_vec()
    };
    let bytes = if data.ptr.is_null() {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(data.ptr, data.len) }.to_vec()
    };
    unsafe { otelbridge_v1_buf_free(data) };
    CONSUMED.lock().expect("consumed").push(Consumed {
        sink,
        signal,
        deadline,
        ctx,
        data: bytes,
    });
    unsafe { otelbridge_v1_consume_complete(completion, ptr::null()) };
}

/// Performs the handshake once per test binary.
pub fn handshake() -> OtbLibraryInfo {
    handshake_as(OTELBRIDGE_ABI_MINOR)
}

/// Performs the handshake as a host of ABI minor `minor`. The library keeps the first
/// handshake's version, so a test binary that calls this first stays an older host.
pub fn handshake_as(minor: u32) -> OtbLibraryInfo {
    static ONCE: Once = Once::new();
    let callbacks = OtbHostCallbacks {
        complete: Some(complete),
        log: Some(log),
        default_log_level: OTB_LOG_INFO,
        report_status: Some(report_status),
        create_instrument: Some(create_instrument),
        record: Some(record),
        consume: Some(consume_batch),
    };
    let mut info = OtbLibraryInfo {
        abi_major: 0,
        abi_minor: 0,
        component_count: 0,
    };
    ONCE.call_once(|| {});
    let code = unsafe {
        otelbridge_v1_handshake(
            OTELBRIDGE_ABI_MAJOR,
            minor,
            &callbacks,
            &mut info,
            ptr::null_mut(),
        )
    };
    assert_eq!(code, OTB_STATUS_OK);
    info
}

/// The registry index of the component of `kind` named `name`.
pub fn index_of(name: &str, kind: u32) -> u32 {
    let mut entries: *const OtbComponentInfo = ptr::null();
    let mut len = 0;
    assert_eq!(
        unsafe { otelbridge_v1_registry(&mut entries, &mut len, ptr::null_mut()) },
        OTB_STATUS_OK
    );
    let entries = unsafe { std::slice::from_raw_parts(entries, len) };
    entries
        .iter()
        .position(|e| {
            e.kind == kind
                && unsafe { std::slice::from_raw_parts(e.type_name.ptr, e.type_name.len) }
                    == name.as_bytes()
        })
        .expect("component registered") as u32
}

/// An instance handle that is freed on drop.
pub struct Instance(pub *mut OtbInstance);

impl Drop for Instance {
    fn drop(&mut self) {
        unsafe { otelbridge_v1_instance_free(self.0) };
    }
}

/// Creates an instance, or returns the status code and message.
pub fn create(
    name: &str,
    kind: u32,
    id: &str,
    json: &str,
    sink: u64,
) -> Result<Instance, (u32, String)> {
    handshake();
    let mut out = ptr::null_mut();
    let mut status = blank_status();
    let code = unsafe {
        otelbridge_v1_instance_create(
            index_of(name, kind),
            id.as_ptr(),
            id.len(),
            json.as_ptr(),
            json.len(),
            sink,
            OTB_LOG_INFO,
            &mut out,
            &mut status,
        )
    };
    if code == OTB_STATUS_OK {
        Ok(Instance(out))
    } else {
        Err(take_status(&status))
    }
}

/// Creates a receiver or connector instance whose batches go to `CONSUMED`.
pub fn create_with_next(
    name: &str,
    kind: u32,
    json: &str,
    sink: u64,
    next_signals: u32,
) -> Result<Instance, (u32, String)> {
    handshake();
    let mut out = ptr::null_mut();
    let mut status = blank_status();
    let code = unsafe {
        otelbridge_v1_instance_create_with_next(
            index_of(name, kind),
            name.as_ptr(),
            name.len(),
            json.as_ptr(),
            json.len(),
            sink,
            OTB_LOG_INFO,
            next_signals,
            &mut out,
            &mut status,
        )
    };
    if code == OTB_STATUS_OK {
        Ok(Instance(out))
    } else {
        Err(take_status(&status))
    }
}

pub fn blank_status() -> OtbStatus {
    OtbStatus {
        code: 99,
        permanent: false,
        grpc_code: 0,
        http_code: 0,
        retry_after_ns: 0,
        message: OtbBuf {
            ptr: ptr::null_mut(),
            len: 0,
            cap: 0,
        },
    }
}

fn blank_result() -> OtbResult {
    OtbResult {
        status: blank_status(),
        outcome: 99,
        data: OtbBuf {
            ptr: ptr::null_mut(),
            len: 0,
            cap: 0,
        },
    }
}

/// The context records for metadata `entries`.
pub fn context(entries: &[(&str, &[&str])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, values) in entries {
        let mut record = Vec::new();
        push_str(&mut record, key);
        record.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for value in *values {
            push_str(&mut record, value);
        }
        out.push(OTB_CONTEXT_METADATA);
        out.extend_from_slice(&(record.len() as u32).to_le_bytes());
        out.extend_from_slice(&record);
    }
    out
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A deadline `after` from now, in the ABI's unix nanoseconds.
pub fn deadline_in(after: Duration) -> i64 {
    (SystemTime::now() + after)
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos() as i64
}

/// A call in progress: finished inside the call, or pending.
pub enum Call {
    Ready(Outcome),
    Pending(*mut OtbPending),
}

impl Call {
    fn from_poll(poll: OtbPoll, result: OtbResult, pending: *mut OtbPending) -> Call {
        match poll {
            OtbPoll::Ready => Call::Ready(take_result(&result)),
            OtbPoll::Pending => Call::Pending(pending),
        }
    }

    /// Whether the first poll did not finish the work.
    pub fn is_pending(&self) -> bool {
        matches!(self, Call::Pending(_))
    }

    pub fn cancel(&self) {
        if let Call::Pending(handle) = self {
            unsafe { otelbridge_v1_pending_cancel(*handle) };
        }
    }

    /// Waits for the result (at most 10 s).
    pub fn wait(self) -> Outcome {
        self.wait_and_tell().0
    }

    /// Waits for the result, and tells whether it had arrived before the waiter was attached.
    pub fn wait_and_tell(self) -> (Outcome, bool) {
        let handle = match self {
            Call::Ready(outcome) => return (outcome, true),
            Call::Pending(handle) => handle,
        };
        let (sender, results) = sync_channel(1);
        let waiter = Box::into_raw(Box::new(sender)) as usize;
        let mut early = blank_result();
        let outcome = match unsafe { otelbridge_v1_pending_attach(handle, waiter, &mut early) } {
            OtbPoll::Ready => {
                drop(unsafe { Box::from_raw(waiter as *mut SyncSender<Outcome>) });
                (take_result(&early), true)
            }
            OtbPoll::Pending => (
                results
                    .recv_timeout(Duration::from_secs(10))
                    .expect("completion callback ran"),
                false,
            ),
        };
        unsafe { otelbridge_v1_pending_free(handle) };
        outcome
    }
}

pub fn start(instance: &Instance) -> Call {
    let (mut result, mut pending) = (blank_result(), ptr::null_mut());
    let poll = unsafe {
        otelbridge_v1_instance_start(instance.0, 0, ptr::null(), 0, &mut result, &mut pending)
    };
    Call::from_poll(poll, result, pending)
}

pub fn shutdown(instance: &Instance) -> Call {
    let (mut result, mut pending) = (blank_result(), ptr::null_mut());
    let poll = unsafe {
        otelbridge_v1_instance_shutdown(instance.0, 0, ptr::null(), 0, &mut result, &mut pending)
    };
    Call::from_poll(poll, result, pending)
}

pub fn consume(instance: &Instance, signal: u32, deadline: i64, ctx: &[u8], data: &[u8]) -> Call {
    let (mut result, mut pending) = (blank_result(), ptr::null_mut());
    let poll = unsafe {
        otelbridge_v1_instance_consume(
            instance.0,
            signal,
            deadline,
            ctx.as_ptr(),
            ctx.len(),
            data.as_ptr(),
            data.len(),
            &mut result,
            &mut pending,
        )
    };
    Call::from_poll(poll, result, pending)
}
