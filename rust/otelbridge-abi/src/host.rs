//! The host program of subprocess mode: a binary that links a collector's Rust library and serves
//! its C ABI, unchanged, to a collector over a private Unix socket pair, so that whatever kills a
//! Rust component's process (an abort, a stack overflow, a segfault in a C dependency) kills this
//! program, not the collector. ffi/README.md, "Subprocess mode", is the protocol.
//!
//! The program is one call:
//!
//! ```ignore
//! otelbridge_abi::export_components![redact::factory(), heartbeat::factory()];
//!
//! fn main() -> std::process::ExitCode {
//!     otelbridge_abi::host::serve()
//! }
//! ```
//!
//! Inside, each frame becomes a call of the same ABI function an in-process host makes, so the
//! collector gets byte for byte what it would get in-process. Threads, all named
//! `otelbridge-host-*`: a reader (answers PING, does CANCEL, FREE, CONSUMED and MARK at once),
//! workers (every other request: a component's first poll may block its thread), and, once the
//! handshake has succeeded, an event thread that drains the library's event queue into frames.
//! Each writes its own frames to the socket, under a lock (`writer`).

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

mod calls;
mod events;
mod instances;
mod owned;
mod reader;
mod requests;
mod wire;
mod workers;
mod writer;

use calls::Calls;
use events::Completions;
use instances::Instances;
use reader::Ending;
use workers::Pool;
use writer::Outbox;

use crate::abi::otelbridge_v1_events_close;

/// The variable that says the collector started this program, and with which descriptor.
const HOST_FD_VAR: &str = "OTELBRIDGE_HOST_FD";

/// The descriptor of the collector's socket.
const HOST_FD: RawFd = 3;

/// Exit status when the program is not run by a collector (or runs `serve` twice).
const EXIT_NOT_FOR_PEOPLE: u8 = 2;

/// Exit status when the collector sent a frame the protocol does not allow.
const EXIT_MALFORMED: u8 = 3;

/// Runs the host program: serves this library's components to the collector that started it,
/// and returns the process's exit status. Call it once, first thing in `main`, in a binary that
/// links the library's crate (the one with [`crate::export_components!`]).
///
/// The collector starts the program with its end of a socket pair as file descriptor 3 and
/// `OTELBRIDGE_HOST_FD=3` in the environment. Without that (run by hand), the program says what it
/// is on stderr and returns status 2. Otherwise it serves until the collector closes the socket
/// (status 0, at once, without waiting for the components' work), says BYE (status 0, once every
/// request read before it is answered), or sends a malformed frame (one line on stderr, status 3).
pub fn serve() -> ExitCode {
    if std::env::var_os(HOST_FD_VAR).as_deref() != Some(OsStr::new("3")) {
        say(format_args!(
            "this program is started by an otelbridge collector in subprocess mode, which passes \
             it a socket as file descriptor 3 ({HOST_FD_VAR}=3); it is not meant to be run by hand"
        ));
        return ExitCode::from(EXIT_NOT_FOR_PEOPLE);
    }
    static SERVING: AtomicBool = AtomicBool::new(false);
    if SERVING.swap(true, Ordering::SeqCst) {
        say(format_args!(
            "serve was called twice: a process serves one collector, once"
        ));
        return ExitCode::from(EXIT_NOT_FOR_PEOPLE);
    }
    let (input, output) = match take_socket() {
        Ok(halves) => halves,
        Err(err) => {
            say(format_args!(
                "file descriptor {HOST_FD} is not the collector's socket ({err}): this program is \
                 started by an otelbridge collector in subprocess mode"
            ));
            return ExitCode::from(EXIT_NOT_FOR_PEOPLE);
        }
    };
    let ending = match run(input, output) {
        Ok(ending) => ending,
        Err(err) => {
            say(format_args!("cannot start: {err}"));
            return ExitCode::FAILURE;
        }
    };
    match ending {
        Ending::Gone | Ending::Bye => ExitCode::SUCCESS,
        Ending::Malformed(err) => {
            say(format_args!(
                "the collector sent a malformed frame ({err}); ending the connection"
            ));
            ExitCode::from(EXIT_MALFORMED)
        }
    }
}

/// Takes fd 3 as the socket's two halves, each a new descriptor that closes on exec, and closes
/// fd 3: a process a component starts must not inherit the socket, or the collector would not
/// see it end when this program dies.
fn take_socket() -> io::Result<(UnixStream, UnixStream)> {
    // SAFETY: the collector starts this program with its end of a socket pair as fd 3, and says
    // so with OTELBRIDGE_HOST_FD=3 (checked by the caller); serve() runs once, first in main, so
    // nothing else in the process owns fd 3. ManuallyDrop: an fd 3 that is not a Unix socket is
    // left as it was.
    let inherited = ManuallyDrop::new(unsafe { UnixStream::from_raw_fd(HOST_FD) });
    inherited.local_addr()?;
    let input = inherited.try_clone()?;
    let output = inherited.try_clone()?;
    drop(ManuallyDrop::into_inner(inherited));
    Ok((input, output))
}

/// Starts the threads and reads until the collector goes, says BYE, or breaks the protocol.
fn run(input: UnixStream, output: UnixStream) -> io::Result<Ending> {
    let out = Outbox::new(output);
    let pool = Pool::start(
        workers::base_workers(),
        workers::MAX_WORKERS,
        workers::IDLE_LINGER,
    )?;
    // Lives as long as the process: every thread holds it until the process exits.
    let host: &'static Host = Box::leak(Box::new(Host {
        out,
        pool,
        instances: Instances::default(),
        calls: Calls::default(),
        completions: Completions::default(),
        events: Mutex::new(false),
    }));
    let reader = spawn("otelbridge-host-reader".into(), None, move || {
        let ending = reader::read(host, input);
        if let Ending::Bye = ending {
            host.finish();
        }
        ending
    })?;
    // The reader aborts the process if it panics, so joining it cannot fail.
    Ok(reader.join().unwrap_or(Ending::Gone))
}

/// What every thread of the host program shares.
struct Host {
    out: Outbox,
    pool: Arc<Pool>,
    instances: Instances,
    calls: Calls,
    completions: Completions,
    /// Whether the event thread runs.
    events: Mutex<bool>,
}

impl Host {
    /// Starts the event thread, unless it runs: a later handshake keeps the first one's queue.
    fn start_events(&'static self) -> io::Result<()> {
        let mut running = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        if !*running {
            events::start(self)?;
            *running = true;
        }
        Ok(())
    }

    /// After BYE: answers every request read before it, forwards the events queued by then, and
    /// waits until it is all written and flushed.
    fn finish(&self) {
        self.pool.wait_drained();
        if *self.events.lock().unwrap_or_else(PoisonError::into_inner) {
            // The event thread drains what is queued, then stops the output.
            otelbridge_v1_events_close();
        } else {
            self.out.stop();
        }
        // A write that fails exits the process itself.
        self.out.wait_stopped();
    }
}

/// Writes one line to stderr, which the collector shows in its log: the host program's own
/// diagnostics, as the components' go through the event queue.
fn say(line: fmt::Arguments<'_>) {
    static PROGRAM: OnceLock<String> = OnceLock::new();
    let program = PROGRAM.get_or_init(|| {
        std::env::args_os()
            .next()
            .as_deref()
            .and_then(|path| std::path::Path::new(path).file_name())
            .map_or_else(
                || "otelbridge host program".to_owned(),
                |name| name.to_string_lossy().into_owned(),
            )
    });
    let _ = writeln!(io::stderr().lock(), "{program}: {line}");
}

/// Starts a named thread. A panic in it is a bug of the host program, which it cannot answer
/// around (a request would never be answered): it aborts, and the collector starts it again.
fn spawn<T: Send + 'static>(
    name: String,
    stack_size: Option<usize>,
    body: impl FnOnce() -> T + Send + 'static,
) -> io::Result<JoinHandle<T>> {
    let mut builder = std::thread::Builder::new().name(name.clone());
    if let Some(size) = stack_size {
        builder = builder.stack_size(size);
    }
    builder.spawn(move || match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            say(format_args!(
                "thread {name} {}; aborting",
                crate::panic::describe(payload.as_ref())
            ));
            std::process::abort()
        }
    })
}
