//! A minimal host of the C ABI, used as the Go shim uses it: the handshake, instances created
//! from JSON, calls polled once and finished through the completion callback, every buffer freed
//! exactly once. Logs, status reports and metrics are accepted and ignored.

use std::ptr;
use std::sync::OnceLock;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Duration;

use otelbridge_abi::abi::*;

/// What a call answered, copied out of Rust memory (its buffers freed).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// `OTB_STATUS_*`.
    pub code: u32,
    /// The status message (lossy: the ABI promises UTF-8, a target checks that separately).
    pub message: String,
    /// Whether the message was UTF-8.
    pub message_utf8: bool,
    /// `OTB_OUTCOME_*` (consume calls).
    pub outcome: u32,
    /// The replaced batch or the edits.
    pub data: Vec<u8>,
}

impl Reply {
    /// Panics (a fuzz crash) if the library caught a panic or broke the ABI's promises for a
    /// status: a message only with an error, always UTF-8.
    pub fn check(&self, what: &str) {
        assert_ne!(
            self.code, OTB_STATUS_PANICKED,
            "{what} panicked: {}",
            self.message
        );
        assert!(self.message_utf8, "{what}: status message is not UTF-8");
        assert_eq!(
            self.code == OTB_STATUS_OK,
            self.message.is_empty(),
            "{what}: code {} with message {:?}",
            self.code,
            self.message
        );
    }
}

/// One registry entry.
#[derive(Debug, Clone)]
pub struct Component {
    /// Its index in the registry, the name calls use.
    pub index: u32,
    /// Its type name.
    pub type_name: String,
    /// 1 receiver, 2 processor, 3 exporter, 4 extension, 5 connector.
    pub kind: u32,
}

/// Performs the handshake once per process and returns the registry.
pub fn registry() -> &'static [Component] {
    static REGISTRY: OnceLock<Vec<Component>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let callbacks = OtbHostCallbacks {
            complete: Some(complete),
            log: Some(log),
            default_log_level: OTB_LOG_OFF,
            report_status: Some(report_status),
            create_instrument: Some(create_instrument),
            record: Some(record),
            consume: None,
        };
        let mut info = OtbLibraryInfo {
            abi_major: 0,
            abi_minor: 0,
            component_count: 0,
        };
        let mut status = empty_status();
        // SAFETY: valid pointers for the call.
        let code = unsafe {
            otelbridge_v1_handshake(
                OTELBRIDGE_ABI_MAJOR,
                OTELBRIDGE_ABI_MINOR,
                &callbacks,
                &mut info,
                &mut status,
            )
        };
        let reply = take_status(&status);
        assert_eq!(code, OTB_STATUS_OK, "handshake: {}", reply.message);
        // The library's panic hook logs through the host (ignored here) instead of stderr: print
        // too, so that a crash says what failed. The library's hook still runs, for its status
        // messages.
        let library_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            eprintln!("{info}");
            library_hook(info);
        }));
        let mut entries = ptr::null();
        let mut len = 0;
        // SAFETY: valid pointers for the call.
        let code = unsafe { otelbridge_v1_registry(&mut entries, &mut len, ptr::null_mut()) };
        assert_eq!(code, OTB_STATUS_OK, "registry");
        // SAFETY: the library's static array of `len` entries.
        let entries = unsafe { std::slice::from_raw_parts(entries, len) };
        entries
            .iter()
            .enumerate()
            .map(|(index, entry)| Component {
                index: index as u32,
                // SAFETY: static UTF-8 names.
                type_name: String::from_utf8_lossy(unsafe {
                    std::slice::from_raw_parts(entry.type_name.ptr, entry.type_name.len)
                })
                .into_owned(),
                kind: entry.kind,
            })
            .collect()
    })
}

/// The registry entry of `type_name`.
pub fn component(type_name: &str) -> &'static Component {
    registry()
        .iter()
        .find(|c| c.type_name == type_name)
        .unwrap_or_else(|| panic!("no component {type_name} in the library"))
}

/// `otelbridge_v1_config_validate`.
pub fn validate(component: &Component, json: &[u8]) -> Reply {
    let mut status = empty_status();
    // SAFETY: `json` is readable for the call.
    let code = unsafe {
        otelbridge_v1_config_validate(component.index, json.as_ptr(), json.len(), &mut status)
    };
    let reply = take_status(&status);
    assert_eq!(code, reply.code, "returned code and status code differ");
    reply
}

/// `otelbridge_v1_runtime_configure_json` with `validate_only`: records nothing.
pub fn validate_runtime(json: &[u8]) -> Reply {
    let mut status = empty_status();
    // SAFETY: `json` is readable for the call.
    let code = unsafe {
        otelbridge_v1_runtime_configure_json(json.as_ptr(), json.len(), true, &mut status)
    };
    let reply = take_status(&status);
    assert_eq!(code, reply.code, "returned code and status code differ");
    reply
}

/// An instance handle, freed on drop.
#[derive(Debug)]
pub struct Instance {
    handle: *mut OtbInstance,
}

// SAFETY: the ABI lets any thread call any function on an instance.
unsafe impl Send for Instance {}
// SAFETY: as above; concurrent calls on one instance are allowed.
unsafe impl Sync for Instance {}

/// `otelbridge_v1_instance_create`.
pub fn create(component: &Component, id: &[u8], json: &[u8]) -> Result<Instance, Reply> {
    let mut handle = ptr::null_mut();
    let mut status = empty_status();
    // Receivers and connectors are created with the signals the host consumes (all), as the Go
    // shim does.
    let next = matches!(component.kind, 1 | 5).then_some(0b111);
    // SAFETY: readable buffers and valid out pointers for the call.
    let code = unsafe {
        match next {
            None => otelbridge_v1_instance_create(
                component.index,
                id.as_ptr(),
                id.len(),
                json.as_ptr(),
                json.len(),
                0,
                OTB_LOG_OFF,
                &mut handle,
                &mut status,
            ),
            Some(signals) => otelbridge_v1_instance_create_with_next(
                component.index,
                id.as_ptr(),
                id.len(),
                json.as_ptr(),
                json.len(),
                0,
                OTB_LOG_OFF,
                signals,
                &mut handle,
                &mut status,
            ),
        }
    };
    let reply = take_status(&status);
    assert_eq!(code, reply.code, "returned code and status code differ");
    if code == OTB_STATUS_OK {
        assert!(!handle.is_null(), "create succeeded without a handle");
        Ok(Instance { handle })
    } else {
        Err(reply)
    }
}

impl Instance {
    /// `otelbridge_v1_instance_start` without context.
    pub fn start(&self) -> Reply {
        let handle = self.handle;
        // SAFETY: a live handle; the context is empty.
        call(|result, pending| unsafe {
            otelbridge_v1_instance_start(handle, 0, ptr::null(), 0, result, pending)
        })
    }

    /// `otelbridge_v1_instance_consume` of `signal` (1 traces, 2 metrics, 3 logs).
    pub fn consume(&self, signal: u32, deadline: i64, ctx: &[u8], data: &[u8]) -> Reply {
        let handle = self.handle;
        // SAFETY: a live handle; `ctx` and `data` outlive the call, which `call` waits for.
        call(|result, pending| unsafe {
            otelbridge_v1_instance_consume(
                handle,
                signal,
                deadline,
                ctx.as_ptr(),
                ctx.len(),
                data.as_ptr(),
                data.len(),
                result,
                pending,
            )
        })
    }

    /// `otelbridge_v1_instance_shutdown` without context.
    pub fn shutdown(&self) -> Reply {
        let handle = self.handle;
        // SAFETY: a live handle; the context is empty.
        call(|result, pending| unsafe {
            otelbridge_v1_instance_shutdown(handle, 0, ptr::null(), 0, result, pending)
        })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the handle came from create and is not used again.
        unsafe { otelbridge_v1_instance_free(self.handle) };
    }
}

/// How long a call may wait in the runtime before the target calls it a hang. Components under
/// fuzzing never wait on anything but their own work.
const HANG: Duration = Duration::from_secs(20);

/// Runs one call and, if it goes pending, waits for its completion.
fn call(run: impl FnOnce(*mut OtbResult, *mut *mut OtbPending) -> OtbPoll) -> Reply {
    let mut result = empty_result();
    let mut pending = ptr::null_mut();
    if run(&mut result, &mut pending) == OtbPoll::Ready {
        return take_result(&result);
    }
    let (sender, receiver) = sync_channel::<Reply>(1);
    let waiter = Box::into_raw(Box::new(sender));
    // SAFETY: `pending` came from the call; `result` is valid.
    let reply = match unsafe { otelbridge_v1_pending_attach(pending, waiter as usize, &mut result) }
    {
        OtbPoll::Ready => {
            // No callback will come: the waiter is ours to free.
            // SAFETY: from Box::into_raw above, never handed to a callback.
            drop(unsafe { Box::from_raw(waiter) });
            take_result(&result)
        }
        OtbPoll::Pending => receiver
            .recv_timeout(HANG)
            .expect("a call did not complete: the library hangs"),
    };
    // SAFETY: the result arrived; the handle is not used again.
    unsafe { otelbridge_v1_pending_free(pending) };
    reply
}

fn empty_status() -> OtbStatus {
    OtbStatus {
        code: 0,
        permanent: false,
        grpc_code: 0,
        http_code: 0,
        retry_after_ns: 0,
        message: empty_buf(),
    }
}

fn empty_result() -> OtbResult {
    OtbResult {
        status: empty_status(),
        outcome: 0,
        data: empty_buf(),
    }
}

fn empty_buf() -> OtbBuf {
    OtbBuf {
        ptr: ptr::null_mut(),
        len: 0,
        cap: 0,
    }
}

/// Copies a buffer out and frees it.
fn take_buf(buf: &OtbBuf) -> Vec<u8> {
    if buf.ptr.is_null() {
        assert_eq!(buf.len, 0, "an empty buffer must be all zeros");
        return Vec::new();
    }
    // SAFETY: a buffer the library handed over, readable until freed.
    let bytes = unsafe { std::slice::from_raw_parts(buf.ptr, buf.len) }.to_vec();
    // SAFETY: freed exactly once, unchanged.
    unsafe {
        otelbridge_v1_buf_free(OtbBuf {
            ptr: buf.ptr,
            len: buf.len,
            cap: buf.cap,
        })
    };
    bytes
}

fn take_status(status: &OtbStatus) -> Reply {
    let message = take_buf(&status.message);
    Reply {
        code: status.code,
        message_utf8: std::str::from_utf8(&message).is_ok(),
        message: String::from_utf8_lossy(&message).into_owned(),
        outcome: 0,
        data: Vec::new(),
    }
}

fn take_result(result: &OtbResult) -> Reply {
    Reply {
        outcome: result.outcome,
        data: take_buf(&result.data),
        ..take_status(&result.status)
    }
}

unsafe extern "C" fn complete(waiter: usize, result: *mut OtbResult) {
    // SAFETY: the waiter is the Box given to attach; the result is valid during the callback.
    let sender = unsafe { Box::from_raw(waiter as *mut SyncSender<Reply>) };
    let _ = sender.send(take_result(unsafe { &*result }));
}

unsafe extern "C" fn log(_: u64, _: u32, _: *const u8, _: usize, _: *const u8, _: usize) {}

unsafe extern "C" fn report_status(_: u64, _: u32, _: *const u8, _: usize) {}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn create_instrument(
    _: u64,
    _: u32,
    _: *const u8,
    _: usize,
    _: *const u8,
    _: usize,
    _: *const u8,
    _: usize,
) -> u64 {
    0
}

unsafe extern "C" fn record(_: u64, _: f64, _: *const u8, _: usize) {}
