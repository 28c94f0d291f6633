//! Writing frames to the socket. The thread that has a frame writes it itself, under a lock:
//! handing it to a writer thread cost every call one more wake-up on its way back to the
//! collector. The last of the threads waiting to write flushes, so frames that come together
//! under load leave together.

use std::io::{BufWriter, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::wire;

/// The socket's writing end, shared by every thread.
pub(super) struct Outbox {
    out: Mutex<Writer>,
    /// Threads that have a frame to write: the last one flushes.
    waiting: AtomicUsize,
    /// Signalled once stop has flushed.
    stopped: Condvar,
}

struct Writer {
    socket: BufWriter<UnixStream>,
    /// After stop: nothing more is written.
    stopped: bool,
}

impl Outbox {
    /// The writing end of `socket`.
    pub(super) fn new(socket: UnixStream) -> Outbox {
        Outbox {
            out: Mutex::new(Writer {
                socket: BufWriter::with_capacity(64 << 10, socket),
                stopped: false,
            }),
            waiting: AtomicUsize::new(0),
            stopped: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Writer> {
        // A thread that panicked while writing aborted the process: the lock is never poisoned
        // in a process that still runs.
        self.out.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes a frame. One that no frame can hold is never written (the collector would end the
    /// connection): it is reported on stderr instead.
    pub(super) fn send(&self, frame: wire::Encoder) {
        match frame.finish() {
            Ok(bytes) => self.send_bytes(bytes),
            Err(err) => super::say(format_args!("dropped a frame: {err}")),
        }
    }

    /// Writes a frame already finished; flushes unless another thread is about to write.
    pub(super) fn send_bytes(&self, frame: Vec<u8>) {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let mut out = self.lock();
        let last = self.waiting.fetch_sub(1, Ordering::AcqRel) == 1;
        if out.stopped {
            return;
        }
        if out.socket.write_all(&frame).is_err() || (last && out.socket.flush().is_err()) {
            collector_gone();
        }
    }

    /// Flushes what was written and writes nothing more (after BYE).
    pub(super) fn stop(&self) {
        let mut out = self.lock();
        if out.socket.flush().is_err() {
            collector_gone();
        }
        out.stopped = true;
        self.stopped.notify_all();
    }

    /// Waits until stop has flushed.
    pub(super) fn wait_stopped(&self) {
        let mut out = self.lock();
        while !out.stopped {
            out = self
                .stopped
                .wait(out)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The socket broke: the collector is gone, and with it everyone who could want an answer. The
/// host program ends at once, without waiting for the runtime's work.
fn collector_gone() -> ! {
    std::process::exit(0)
}
