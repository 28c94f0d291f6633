//! No panic crosses the boundary: every exported function runs inside a guard that turns a panic
//! into an error status.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use otelbridge::{Error, ErrorKind};

use crate::types::{OTB_STATUS_OK, OtbStatus};
use crate::{numbers, status};

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook for the status message.
    static LAST_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default hook, which prints to stderr, with one that logs through `tracing` (so the
/// event reaches the component's zap logger) and remembers the location for the status.
pub(crate) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            let message = payload_message(info.payload());
            tracing::error!(
                panic.location = location.as_deref().unwrap_or("unknown"),
                "panic: {message}"
            );
            LAST_LOCATION.with(|last| *last.borrow_mut() = location);
        }));
    });
}

/// The text of a panic, with its location when the hook saw it.
pub(crate) fn describe(payload: &(dyn Any + Send)) -> String {
    let message = payload_message(payload);
    match LAST_LOCATION.with(|last| last.borrow_mut().take()) {
        Some(location) => format!("panicked at {location}: {message}"),
        None => format!("panicked: {message}"),
    }
}

fn payload_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}

/// The error for a NULL argument the protocol requires.
pub(crate) fn null(argument: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("argument {argument} is NULL"))
}

/// Runs `f`, writing its error (or a caught panic) to `status`; returns the status code.
pub(crate) fn guard_status(status: *mut OtbStatus, f: impl FnOnce() -> Result<(), Error>) -> u32 {
    let result = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(Error::new(
            ErrorKind::Panicked,
            format!("otelbridge library {}", describe(payload.as_ref())),
        ))
    });
    let (code, written) = match result {
        Ok(()) => (OTB_STATUS_OK, status::ok()),
        Err(err) => (numbers::status_code(err.kind()), status::from_error(&err)),
    };
    // SAFETY: every exported function documents `status` as NULL or valid.
    unsafe { status::write(status, written) };
    code
}

/// Runs `f`, swallowing a panic after the hook has logged it: for functions with nothing to return.
pub(crate) fn guard_unit(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}
