//! The reader: reads the collector's frames, does the quick ones itself (PING, CANCEL, FREE,
//! CONSUMED, MARK) and hands the rest to the workers, so a component that blocks a worker never
//! holds up a health check or a cancellation.

use std::io::{BufReader, Read};
use std::os::unix::net::UnixStream;

use otelbridge::{Error, ErrorKind};

use super::Host;
use super::calls::{self, CallRequest};
use super::owned::{OwnedResult, OwnedStatus};
use super::requests;
use super::wire::{self, Request, WireError};
use crate::abi::{OtbPoll, otelbridge_v1_events_mark};

/// Why the reader stopped.
pub(super) enum Ending {
    /// The socket reached its end or broke: the collector is gone.
    Gone,
    /// BYE: the host program finishes its answers and exits.
    Bye,
    /// A frame the protocol does not allow: the collector is broken.
    Malformed(WireError),
}

/// Reads frames until the collector goes, says BYE or breaks the protocol.
pub(super) fn read(host: &'static Host, socket: UnixStream) -> Ending {
    let mut input = BufReader::with_capacity(64 << 10, socket);
    loop {
        let mut head = [0; 5];
        if input.read_exact(&mut head).is_err() {
            return Ending::Gone;
        }
        let (frame_type, len) = match wire::header(head) {
            Ok(header) => header,
            Err(err) => return Ending::Malformed(err),
        };
        // Its own buffer: a CALL keeps its body until the call completes.
        let mut body = Vec::with_capacity(len);
        match (&mut input).take(len as u64).read_to_end(&mut body) {
            Ok(read) if read == len => {}
            _ => return Ending::Gone,
        }
        match dispatch(host, frame_type, body) {
            Ok(true) => {}
            Ok(false) => return Ending::Bye,
            Err(err) => return Ending::Malformed(err),
        }
    }
}

/// Handles one frame; false after BYE.
fn dispatch(host: &'static Host, frame_type: u8, body: Vec<u8>) -> Result<bool, WireError> {
    let submit = |job: Box<dyn FnOnce() + Send>| host.pool.submit(job);
    match Request::decode(frame_type, &body)? {
        Request::Ping { req } => requests::reply_status(host, req, &OwnedStatus::new()),
        Request::Cancel { req } => host.calls.cancel(req),
        Request::Free { instance } => {
            // Forgotten at once, so no later CALL finds it; released on a worker, because a
            // component's drop may take its time.
            if let Some(instance) = host.instances.remove(instance) {
                submit(Box::new(move || drop(instance)));
            }
        }
        Request::Consumed { completion, status } => host.completions.answer(completion, status),
        Request::Mark { mark } => otelbridge_v1_events_mark(mark),
        Request::Bye => return Ok(false),
        Request::Hello {
            req,
            protocol,
            abi_major,
            abi_minor,
            default_log_level,
        } => submit(Box::new(move || {
            requests::hello(host, req, protocol, abi_major, abi_minor, default_log_level)
        })),
        Request::Registry { req } => submit(Box::new(move || requests::registry(host, req))),
        Request::ConfigDefault { req, index } => {
            submit(Box::new(move || requests::config_default(host, req, index)))
        }
        Request::ConfigValidate { req, index, json } => {
            let json = json.to_vec();
            submit(Box::new(move || {
                requests::config_validate(host, req, index, &json)
            }))
        }
        Request::RuntimeWorkers { req, workers } => submit(Box::new(move || {
            requests::runtime_workers(host, req, workers)
        })),
        Request::RuntimeJson {
            req,
            validate_only,
            json,
        } => {
            let json = json.to_vec();
            submit(Box::new(move || {
                requests::runtime_json(host, req, validate_only, &json)
            }))
        }
        Request::Create(create) => {
            let (id, config) = (create.id.to_vec(), create.config.to_vec());
            let wire::Create {
                req,
                index,
                sink,
                level,
                next,
                ..
            } = create;
            submit(Box::new(move || {
                let create = wire::Create {
                    req,
                    index,
                    id: &id,
                    config: &config,
                    sink,
                    level,
                    next,
                };
                requests::create(host, &create)
            }))
        }
        Request::Nop { req } => submit(Box::new(move || requests::nop(host, req))),
        Request::Call(call) => {
            let req = call.req;
            if host.calls.begin(req) {
                let request = CallRequest::new(call, body);
                submit(Box::new(move || host.calls.run(host, request)));
            } else {
                let err = Error::new(
                    ErrorKind::Internal,
                    format!("request {req} names a call already in flight"),
                );
                calls::reply(host, req, &OwnedResult::error(&err), OtbPoll::Ready);
            }
        }
    }
    Ok(true)
}
