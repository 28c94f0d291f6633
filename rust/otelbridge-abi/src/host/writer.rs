//! The one thread that writes to the socket. Every other thread queues whole frames; the writer
//! writes them in the order they were queued, and flushes whenever the queue is momentarily
//! empty, so frames that come together under load leave together.

use std::io::{BufWriter, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use super::{spawn, wire};

/// What the writer is asked to do.
enum Outgoing {
    /// Write a frame.
    Frame(Vec<u8>),
    /// Write what was queued before, flush, and end.
    Stop,
}

/// Where frames are queued for the writer.
pub(super) struct Outbox {
    queue: Sender<Outgoing>,
}

impl Outbox {
    /// Queues a frame. One that no frame can hold is never written (the collector would end the
    /// connection): it is reported on stderr instead.
    pub(super) fn send(&self, frame: wire::Encoder) {
        match frame.finish() {
            Ok(bytes) => self.send_bytes(bytes),
            Err(err) => super::say(format_args!("dropped a frame: {err}")),
        }
    }

    /// Queues a frame already finished.
    pub(super) fn send_bytes(&self, frame: Vec<u8>) {
        // Fails only once the writer has stopped, after BYE: nothing is written then.
        drop(self.queue.send(Outgoing::Frame(frame)));
    }

    /// Asks the writer to write what is queued, flush and end.
    pub(super) fn stop(&self) {
        drop(self.queue.send(Outgoing::Stop));
    }
}

/// Starts the writer on `socket`.
pub(super) fn start(socket: UnixStream) -> std::io::Result<(Outbox, JoinHandle<()>)> {
    let (queue, queued) = channel();
    let writer = spawn("otelbridge-host-writer".into(), None, move || {
        write_all(queued, socket)
    })?;
    Ok((Outbox { queue }, writer))
}

fn write_all(queued: Receiver<Outgoing>, socket: UnixStream) {
    let mut out = BufWriter::with_capacity(64 << 10, socket);
    while let Ok(first) = queued.recv() {
        let mut next = Some(first);
        while let Some(outgoing) = next {
            match outgoing {
                Outgoing::Frame(bytes) => {
                    if out.write_all(&bytes).is_err() {
                        collector_gone();
                    }
                }
                Outgoing::Stop => {
                    if out.flush().is_err() {
                        collector_gone();
                    }
                    return;
                }
            }
            next = queued.try_recv().ok();
        }
        if out.flush().is_err() {
            collector_gone();
        }
    }
}

/// The socket broke: the collector is gone, and with it everyone who could want an answer. The
/// host program ends at once, without waiting for the runtime's work.
fn collector_gone() -> ! {
    std::process::exit(0)
}
