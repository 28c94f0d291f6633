//! The frames of the host program's protocol (ffi/README.md, "Subprocess mode"): an encoder for
//! what the host program writes, and a decoder over a byte slice for what it reads, which refuses
//! short or malformed input with an error and never panics.
//!
//! A frame is `length u32` (of what follows, at most [`MAX_FRAME`]), `type u8`, then the body.
//! Every integer is little-endian; `bytes` is a `u32` length and that many bytes.

use std::fmt;
use std::ops::Range;

/// The most a frame's length may say: a peer that sends more is broken.
pub(crate) const MAX_FRAME: usize = 1 << 30;

/// The protocol version a HELLO names.
pub(crate) const PROTOCOL: u32 = 1;

/// HELLO: the handshake.
pub(crate) const HELLO: u8 = 0x01;
/// REGISTRY: the component list.
pub(crate) const REGISTRY: u8 = 0x02;
/// CONFIG_DEFAULT: a component's default config.
pub(crate) const CONFIG_DEFAULT: u8 = 0x03;
/// CONFIG_VALIDATE: checks a config.
pub(crate) const CONFIG_VALIDATE: u8 = 0x04;
/// RUNTIME_WORKERS: `otelbridge_v1_runtime_configure`.
pub(crate) const RUNTIME_WORKERS: u8 = 0x05;
/// RUNTIME_JSON: `otelbridge_v1_runtime_configure_json`.
pub(crate) const RUNTIME_JSON: u8 = 0x06;
/// CREATE: creates an instance.
pub(crate) const CREATE: u8 = 0x07;
/// CALL: start, shutdown or consume.
pub(crate) const CALL: u8 = 0x08;
/// CANCEL: gives up on a pending CALL.
pub(crate) const CANCEL: u8 = 0x09;
/// FREE: releases an instance.
pub(crate) const FREE: u8 = 0x0A;
/// CONSUMED: the collector's answer to a batch from Rust.
pub(crate) const CONSUMED: u8 = 0x0B;
/// MARK: queues the collector's mark in the event queue.
pub(crate) const MARK: u8 = 0x0C;
/// PING: answered by the reader itself.
pub(crate) const PING: u8 = 0x0D;
/// NOP: answered by a worker after `otelbridge_v1_nop`.
pub(crate) const NOP: u8 = 0x0E;
/// BYE: the host program finishes its answers and exits.
pub(crate) const BYE: u8 = 0x0F;
/// REPLY: the answer to a request.
pub(crate) const REPLY: u8 = 0x81;
/// COMPLETE: the end of a CALL whose REPLY said pending.
pub(crate) const COMPLETE: u8 = 0x82;
/// EVENT: an `OtbEvent` of any kind but `COMPLETE`.
pub(crate) const EVENT: u8 = 0x83;

/// Why a frame cannot be read. Any of these means the peer is broken: the connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireError {
    /// A frame whose length is 0 (no type) or more than [`MAX_FRAME`].
    Length(usize),
    /// A frame type the protocol does not have.
    UnknownType(u8),
    /// A frame that ends before its fields do.
    Short {
        /// The frame's name.
        frame: &'static str,
    },
    /// Bytes left after a frame's last field.
    Trailing {
        /// The frame's name.
        frame: &'static str,
        /// How many.
        extra: usize,
    },
    /// A field with a value it cannot have (a flag other than 0 or 1, an unknown call kind).
    Field {
        /// The frame's name.
        frame: &'static str,
        /// The field's name.
        field: &'static str,
        /// What it held.
        value: u64,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Length(len) => write!(
                f,
                "a frame of {len} bytes: a frame holds 1 to {MAX_FRAME} bytes"
            ),
            WireError::UnknownType(t) => write!(f, "unknown frame type {t:#04x}"),
            WireError::Short { frame } => write!(f, "a {frame} frame ends before its fields do"),
            WireError::Trailing { frame, extra } => {
                write!(f, "a {frame} frame has {extra} bytes after its last field")
            }
            WireError::Field {
                frame,
                field,
                value,
            } => write!(f, "a {frame} frame's {field} is {value}"),
        }
    }
}

/// A frame's `status`: the fields of `OtbStatus`, the message borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Status<'a> {
    /// `OTB_STATUS_*`.
    pub(crate) code: u32,
    /// Whether the caller must not retry.
    pub(crate) permanent: bool,
    /// Explicit gRPC code, 0 when unset.
    pub(crate) grpc_code: i32,
    /// Explicit HTTP code, 0 when unset.
    pub(crate) http_code: i32,
    /// Retry after this many nanoseconds, 0 when unset.
    pub(crate) retry_after_ns: i64,
    /// The message.
    pub(crate) message: &'a [u8],
}

/// A frame's `result`: the fields of `OtbResult`, the buffers borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct CallResult<'a> {
    /// Success or the error.
    pub(crate) status: Status<'a>,
    /// `OTB_OUTCOME_*`.
    pub(crate) outcome: u32,
    /// The replaced batch or the edits.
    pub(crate) data: &'a [u8],
}

/// An EVENT frame's body: an `OtbEvent`, its buffers borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Event<'a> {
    /// `OTB_EVENT_*`.
    pub(crate) kind: u32,
    /// The level, status, instrument kind or signal.
    pub(crate) code: u32,
    /// The sink or the mark.
    pub(crate) handle: u64,
    /// The instrument or the completion.
    pub(crate) id: u64,
    /// A batch's deadline, 0 for none.
    pub(crate) deadline_unix_nano: i64,
    /// A measurement.
    pub(crate) value: f64,
    /// The message, instrument names or context records.
    pub(crate) text: &'a [u8],
    /// Log fields, attributes or the batch.
    pub(crate) data: &'a [u8],
}

/// What a CALL does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// `otelbridge_v1_instance_start`.
    Start,
    /// `otelbridge_v1_instance_shutdown`.
    Shutdown,
    /// `otelbridge_v1_instance_consume`.
    Consume,
}

impl CallKind {
    /// The kind's number in a CALL frame, as the collector writes it.
    #[cfg(test)]
    pub(crate) fn number(self) -> u8 {
        match self {
            CallKind::Start => 0,
            CallKind::Shutdown => 1,
            CallKind::Consume => 2,
        }
    }
}

/// A CALL's fields. The context records and the batch stay in the frame's body, which the call
/// keeps until it completes (Rust borrows a pending consume's batch until then): they are ranges
/// of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    /// The request's number.
    pub(crate) req: u64,
    /// The host program's number of the instance.
    pub(crate) instance: u64,
    /// What to do.
    pub(crate) kind: CallKind,
    /// `OTB_SIGNAL_*` of a consume.
    pub(crate) signal: u32,
    /// Wall-clock deadline, 0 for none.
    pub(crate) deadline_unix_nano: i64,
    /// Where the context records are in the body.
    pub(crate) ctx: Range<usize>,
    /// Where the batch is in the body.
    pub(crate) data: Range<usize>,
}

/// A CREATE's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Create<'a> {
    /// The request's number.
    pub(crate) req: u64,
    /// The component's index in the registry.
    pub(crate) index: u32,
    /// The component id.
    pub(crate) id: &'a [u8],
    /// The JSON config.
    pub(crate) config: &'a [u8],
    /// The instance's log sink.
    pub(crate) sink: u64,
    /// The most verbose level the sink records.
    pub(crate) level: u32,
    /// For receivers and connectors (`has_next`): the mask of signals with a next consumer.
    pub(crate) next: Option<u32>,
}

/// A frame from the collector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request<'a> {
    /// HELLO.
    Hello {
        /// The request's number.
        req: u64,
        /// The protocol's version ([`PROTOCOL`]).
        protocol: u32,
        /// The collector's ABI major.
        abi_major: u32,
        /// The collector's ABI minor.
        abi_minor: u32,
        /// The most verbose level of sink 0.
        default_log_level: u32,
    },
    /// REGISTRY.
    Registry {
        /// The request's number.
        req: u64,
    },
    /// CONFIG_DEFAULT.
    ConfigDefault {
        /// The request's number.
        req: u64,
        /// The component's index.
        index: u32,
    },
    /// CONFIG_VALIDATE.
    ConfigValidate {
        /// The request's number.
        req: u64,
        /// The component's index.
        index: u32,
        /// The config.
        json: &'a [u8],
    },
    /// RUNTIME_WORKERS.
    RuntimeWorkers {
        /// The request's number.
        req: u64,
        /// The worker count.
        workers: u32,
    },
    /// RUNTIME_JSON.
    RuntimeJson {
        /// The request's number.
        req: u64,
        /// Check only.
        validate_only: bool,
        /// The settings.
        json: &'a [u8],
    },
    /// CREATE.
    Create(Create<'a>),
    /// CALL.
    Call(Call),
    /// CANCEL.
    Cancel {
        /// The pending CALL's request number.
        req: u64,
    },
    /// FREE.
    Free {
        /// The instance's number.
        instance: u64,
    },
    /// CONSUMED.
    Consumed {
        /// The completion a CONSUME event named.
        completion: u64,
        /// The answer; none means OK.
        status: Option<Status<'a>>,
    },
    /// MARK.
    Mark {
        /// The collector's mark.
        mark: u64,
    },
    /// PING.
    Ping {
        /// The request's number.
        req: u64,
    },
    /// NOP.
    Nop {
        /// The request's number.
        req: u64,
    },
    /// BYE.
    Bye,
}

/// Reads a frame's first five bytes (length and type): the type and the body's length.
pub(crate) fn header(bytes: [u8; 5]) -> Result<(u8, usize), WireError> {
    let [a, b, c, d, frame_type] = bytes;
    let len = u32::from_le_bytes([a, b, c, d]) as usize;
    if len == 0 || len > MAX_FRAME {
        return Err(WireError::Length(len));
    }
    Ok((frame_type, len - 1))
}

impl<'a> Request<'a> {
    /// Decodes the body of a frame of type `frame_type` from the collector.
    pub(crate) fn decode(frame_type: u8, body: &'a [u8]) -> Result<Request<'a>, WireError> {
        let name = request_name(frame_type).ok_or(WireError::UnknownType(frame_type))?;
        let mut d = Decoder::new(name, body);
        let request = match frame_type {
            HELLO => Request::Hello {
                req: d.u64()?,
                protocol: d.u32()?,
                abi_major: d.u32()?,
                abi_minor: d.u32()?,
                default_log_level: d.u32()?,
            },
            REGISTRY => Request::Registry { req: d.u64()? },
            CONFIG_DEFAULT => Request::ConfigDefault {
                req: d.u64()?,
                index: d.u32()?,
            },
            CONFIG_VALIDATE => Request::ConfigValidate {
                req: d.u64()?,
                index: d.u32()?,
                json: d.bytes()?,
            },
            RUNTIME_WORKERS => Request::RuntimeWorkers {
                req: d.u64()?,
                workers: d.u32()?,
            },
            RUNTIME_JSON => Request::RuntimeJson {
                req: d.u64()?,
                validate_only: d.flag("validate_only")?,
                json: d.bytes()?,
            },
            CREATE => {
                let req = d.u64()?;
                let index = d.u32()?;
                let id = d.bytes()?;
                let config = d.bytes()?;
                let sink = d.u64()?;
                let level = d.u32()?;
                let has_next = d.flag("has_next")?;
                let next = d.u32()?;
                Request::Create(Create {
                    req,
                    index,
                    id,
                    config,
                    sink,
                    level,
                    next: has_next.then_some(next),
                })
            }
            CALL => Request::Call(Call {
                req: d.u64()?,
                instance: d.u64()?,
                kind: match d.u8()? {
                    0 => CallKind::Start,
                    1 => CallKind::Shutdown,
                    2 => CallKind::Consume,
                    other => return Err(d.bad("kind", other.into())),
                },
                signal: d.u32()?,
                deadline_unix_nano: d.i64()?,
                ctx: d.bytes_range()?,
                data: d.bytes_range()?,
            }),
            CANCEL => Request::Cancel { req: d.u64()? },
            FREE => Request::Free { instance: d.u64()? },
            CONSUMED => {
                let completion = d.u64()?;
                let status = if d.flag("has_status")? {
                    Some(d.status()?)
                } else {
                    None
                };
                Request::Consumed { completion, status }
            }
            MARK => Request::Mark { mark: d.u64()? },
            PING => Request::Ping { req: d.u64()? },
            NOP => Request::Nop { req: d.u64()? },
            // BYE, the one type left: request_name knows no other.
            _ => Request::Bye,
        };
        d.finish()?;
        Ok(request)
    }
}

/// The name of a frame type from the collector, for error messages; `None` if there is none.
fn request_name(frame_type: u8) -> Option<&'static str> {
    Some(match frame_type {
        HELLO => "HELLO",
        REGISTRY => "REGISTRY",
        CONFIG_DEFAULT => "CONFIG_DEFAULT",
        CONFIG_VALIDATE => "CONFIG_VALIDATE",
        RUNTIME_WORKERS => "RUNTIME_WORKERS",
        RUNTIME_JSON => "RUNTIME_JSON",
        CREATE => "CREATE",
        CALL => "CALL",
        CANCEL => "CANCEL",
        FREE => "FREE",
        CONSUMED => "CONSUMED",
        MARK => "MARK",
        PING => "PING",
        NOP => "NOP",
        BYE => "BYE",
        _ => return None,
    })
}

/// Reads the fields of one frame's body in order.
pub(crate) struct Decoder<'a> {
    frame: &'static str,
    body: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder of `body`, a frame called `frame` in error messages.
    pub(crate) fn new(frame: &'static str, body: &'a [u8]) -> Decoder<'a> {
        Decoder {
            frame,
            body,
            pos: 0,
        }
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(len);
        let bytes = end
            .and_then(|end| self.body.get(self.pos..end))
            .ok_or(WireError::Short { frame: self.frame })?;
        self.pos += len;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let frame = self.frame;
        self.take(N)?
            .try_into()
            .map_err(|_| WireError::Short { frame })
    }

    fn bad(&self, field: &'static str, value: u64) -> WireError {
        WireError::Field {
            frame: self.frame,
            field,
            value,
        }
    }

    /// A `u8`.
    pub(crate) fn u8(&mut self) -> Result<u8, WireError> {
        let [byte] = self.array()?;
        Ok(byte)
    }

    /// A `u8` that must be 0 or 1.
    pub(crate) fn flag(&mut self, field: &'static str) -> Result<bool, WireError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(self.bad(field, other.into())),
        }
    }

    /// A `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32, WireError> {
        self.array().map(u32::from_le_bytes)
    }

    /// An `i32`.
    pub(crate) fn i32(&mut self) -> Result<i32, WireError> {
        self.array().map(i32::from_le_bytes)
    }

    /// A `u64`.
    pub(crate) fn u64(&mut self) -> Result<u64, WireError> {
        self.array().map(u64::from_le_bytes)
    }

    /// An `i64`.
    pub(crate) fn i64(&mut self) -> Result<i64, WireError> {
        self.array().map(i64::from_le_bytes)
    }

    /// An `f64`. Only the host program's own frames have one, as do results and events: the
    /// host program never reads those, its tests do.
    #[cfg(test)]
    pub(crate) fn f64(&mut self) -> Result<f64, WireError> {
        self.array().map(f64::from_le_bytes)
    }

    /// A `bytes` field, as where it is in the body.
    pub(crate) fn bytes_range(&mut self) -> Result<Range<usize>, WireError> {
        let len = self.u32()? as usize;
        let start = self.pos;
        self.take(len)?;
        Ok(start..self.pos)
    }

    /// A `bytes` field.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], WireError> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// A `status`.
    pub(crate) fn status(&mut self) -> Result<Status<'a>, WireError> {
        Ok(Status {
            code: self.u32()?,
            permanent: self.flag("permanent")?,
            grpc_code: self.i32()?,
            http_code: self.i32()?,
            retry_after_ns: self.i64()?,
            message: self.bytes()?,
        })
    }

    /// A `result`.
    #[cfg(test)]
    pub(crate) fn result(&mut self) -> Result<CallResult<'a>, WireError> {
        Ok(CallResult {
            status: self.status()?,
            outcome: self.u32()?,
            data: self.bytes()?,
        })
    }

    /// An EVENT's body.
    #[cfg(test)]
    pub(crate) fn event(&mut self) -> Result<Event<'a>, WireError> {
        Ok(Event {
            kind: self.u32()?,
            code: self.u32()?,
            handle: self.u64()?,
            id: self.u64()?,
            deadline_unix_nano: self.i64()?,
            value: self.f64()?,
            text: self.bytes()?,
            data: self.bytes()?,
        })
    }

    /// Checks that nothing follows the last field.
    pub(crate) fn finish(self) -> Result<(), WireError> {
        match self.body.len() - self.pos {
            0 => Ok(()),
            extra => Err(WireError::Trailing {
                frame: self.frame,
                extra,
            }),
        }
    }
}

/// Builds one frame: the fields are appended, the length is written last.
#[derive(Debug)]
pub(crate) struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    /// A frame of type `frame_type`, with no fields yet.
    pub(crate) fn new(frame_type: u8) -> Encoder {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(&[0; 4]);
        bytes.push(frame_type);
        Encoder { bytes }
    }

    /// A REPLY to request `req`; the answer's fields follow.
    pub(crate) fn reply(req: u64) -> Encoder {
        let mut frame = Encoder::new(REPLY);
        frame.u64(req);
        frame
    }

    /// An EVENT.
    pub(crate) fn event(event: &Event<'_>) -> Encoder {
        let mut frame = Encoder::new(EVENT);
        frame
            .u32(event.kind)
            .u32(event.code)
            .u64(event.handle)
            .u64(event.id)
            .i64(event.deadline_unix_nano)
            .f64(event.value)
            .bytes(event.text)
            .bytes(event.data);
        frame
    }

    /// Appends a `u8`.
    pub(crate) fn u8(&mut self, value: u8) -> &mut Encoder {
        self.bytes.push(value);
        self
    }

    /// Appends a flag: 1 or 0.
    pub(crate) fn flag(&mut self, value: bool) -> &mut Encoder {
        self.u8(u8::from(value))
    }

    /// Appends a `u32`.
    pub(crate) fn u32(&mut self, value: u32) -> &mut Encoder {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends an `i32`.
    pub(crate) fn i32(&mut self, value: i32) -> &mut Encoder {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends a `u64`.
    pub(crate) fn u64(&mut self, value: u64) -> &mut Encoder {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends an `i64`.
    pub(crate) fn i64(&mut self, value: i64) -> &mut Encoder {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends an `f64`.
    pub(crate) fn f64(&mut self, value: f64) -> &mut Encoder {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends a `bytes` field. One longer than a frame can hold makes [`Encoder::finish`] fail
    /// (its length is written saturated, never wrapped).
    pub(crate) fn bytes(&mut self, value: &[u8]) -> &mut Encoder {
        self.u32(u32::try_from(value.len()).unwrap_or(u32::MAX));
        self.bytes.extend_from_slice(value);
        self
    }

    /// Appends a `status`.
    pub(crate) fn status(&mut self, status: &Status<'_>) -> &mut Encoder {
        self.u32(status.code)
            .flag(status.permanent)
            .i32(status.grpc_code)
            .i32(status.http_code)
            .i64(status.retry_after_ns)
            .bytes(status.message)
    }

    /// Appends a `result`.
    pub(crate) fn result(&mut self, result: &CallResult<'_>) -> &mut Encoder {
        self.status(&result.status)
            .u32(result.outcome)
            .bytes(result.data)
    }

    /// The frame's bytes, its length written; an error if it is longer than [`MAX_FRAME`].
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, WireError> {
        let len = self.bytes.len() - 4;
        let len32 = u32::try_from(len)
            .ok()
            .filter(|_| len <= MAX_FRAME)
            .ok_or(WireError::Length(len))?;
        self.bytes[..4].copy_from_slice(&len32.to_le_bytes());
        Ok(self.bytes)
    }
}

#[cfg(test)]
mod tests;
