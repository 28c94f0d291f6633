//! Every frame type survives a round trip; every truncation, stray byte and bad field is an error,
//! never a panic.

use super::*;

/// A CALL's fields with its bytes, as the collector writes them.
struct CallFrame<'a> {
    req: u64,
    instance: u64,
    kind: CallKind,
    signal: u32,
    deadline_unix_nano: i64,
    ctx: &'a [u8],
    data: &'a [u8],
}

/// Encodes a request as the collector does (the host program itself only decodes them).
fn encode(request: &Request<'_>) -> Vec<u8> {
    let frame = match request {
        Request::Hello {
            req,
            protocol,
            abi_major,
            abi_minor,
            default_log_level,
        } => {
            let mut f = Encoder::new(HELLO);
            f.u64(*req)
                .u32(*protocol)
                .u32(*abi_major)
                .u32(*abi_minor)
                .u32(*default_log_level);
            f
        }
        Request::Registry { req } => with_req(REGISTRY, *req),
        Request::ConfigDefault { req, index } => {
            let mut f = with_req(CONFIG_DEFAULT, *req);
            f.u32(*index);
            f
        }
        Request::ConfigValidate { req, index, json } => {
            let mut f = with_req(CONFIG_VALIDATE, *req);
            f.u32(*index).bytes(json);
            f
        }
        Request::RuntimeWorkers { req, workers } => {
            let mut f = with_req(RUNTIME_WORKERS, *req);
            f.u32(*workers);
            f
        }
        Request::RuntimeJson {
            req,
            validate_only,
            json,
        } => {
            let mut f = with_req(RUNTIME_JSON, *req);
            f.flag(*validate_only).bytes(json);
            f
        }
        Request::Create(c) => {
            let mut f = with_req(CREATE, c.req);
            f.u32(c.index)
                .bytes(c.id)
                .bytes(c.config)
                .u64(c.sink)
                .u32(c.level)
                .flag(c.next.is_some())
                .u32(c.next.unwrap_or(0));
            f
        }
        Request::Call(_) => panic!("CALL frames are built by encode_call"),
        Request::Cancel { req } => with_req(CANCEL, *req),
        Request::Free { instance } => with_req(FREE, *instance),
        Request::Consumed { completion, status } => {
            let mut f = with_req(CONSUMED, *completion);
            f.flag(status.is_some());
            if let Some(status) = status {
                f.status(status);
            }
            f
        }
        Request::Mark { mark } => with_req(MARK, *mark),
        Request::Ping { req } => with_req(PING, *req),
        Request::Nop { req } => with_req(NOP, *req),
        Request::Bye => Encoder::new(BYE),
    };
    frame.finish().expect("a small frame")
}

fn with_req(frame_type: u8, req: u64) -> Encoder {
    let mut f = Encoder::new(frame_type);
    f.u64(req);
    f
}

fn encode_call(call: &CallFrame<'_>) -> Vec<u8> {
    let mut f = with_req(CALL, call.req);
    f.u64(call.instance)
        .u8(call.kind.number())
        .u32(call.signal)
        .i64(call.deadline_unix_nano)
        .bytes(call.ctx)
        .bytes(call.data);
    f.finish().expect("a small frame")
}

/// The frame's type and body, after checking its length field.
fn split(frame: &[u8]) -> (u8, &[u8]) {
    let header_bytes: [u8; 5] = frame[..5].try_into().expect("5 bytes");
    let (frame_type, len) = header(header_bytes).expect("a valid header");
    assert_eq!(
        len,
        frame.len() - 5,
        "the length field counts type and body"
    );
    (frame_type, &frame[5..])
}

const STATUS: Status<'static> = Status {
    code: 2,
    permanent: false,
    grpc_code: 14,
    http_code: 503,
    retry_after_ns: -7,
    message: b"try later",
};

fn requests() -> Vec<Request<'static>> {
    vec![
        Request::Hello {
            req: 1,
            protocol: PROTOCOL,
            abi_major: 1,
            abi_minor: 6,
            default_log_level: 3,
        },
        Request::Registry { req: 2 },
        Request::ConfigDefault { req: 3, index: 4 },
        Request::ConfigValidate {
            req: 4,
            index: 0,
            json: br#"{"weight":0}"#,
        },
        Request::RuntimeWorkers { req: 5, workers: 8 },
        Request::RuntimeJson {
            req: 6,
            validate_only: true,
            json: b"{}",
        },
        Request::Create(Create {
            req: 7,
            index: 2,
            id: b"probe/a",
            config: b"{}",
            sink: 99,
            level: 4,
            next: None,
        }),
        Request::Create(Create {
            req: 8,
            index: 3,
            id: b"probercv",
            config: b"",
            sink: u64::MAX,
            level: 0,
            next: Some(7),
        }),
        Request::Cancel { req: 9 },
        Request::Free { instance: 10 },
        Request::Consumed {
            completion: 11,
            status: None,
        },
        Request::Consumed {
            completion: 12,
            status: Some(STATUS),
        },
        Request::Mark { mark: 13 },
        Request::Ping { req: 14 },
        Request::Nop { req: 15 },
        Request::Bye,
    ]
}

fn call_frames() -> Vec<Vec<u8>> {
    [CallKind::Start, CallKind::Shutdown, CallKind::Consume]
        .into_iter()
        .map(|kind| {
            encode_call(&CallFrame {
                req: 20,
                instance: 3,
                kind,
                signal: 1,
                deadline_unix_nano: 1_700_000_000_000_000_000,
                ctx: b"\x01ctx",
                data: b"batch bytes",
            })
        })
        .collect()
}

#[test]
fn every_request_type_round_trips() {
    for request in requests() {
        let frame = encode(&request);
        let (frame_type, body) = split(&frame);
        assert_eq!(Request::decode(frame_type, body), Ok(request));
    }
}

#[test]
fn a_call_keeps_its_bytes_as_ranges_of_the_body() {
    for (frame, kind) in
        call_frames()
            .iter()
            .zip([CallKind::Start, CallKind::Shutdown, CallKind::Consume])
    {
        let (frame_type, body) = split(frame);
        let Ok(Request::Call(call)) = Request::decode(frame_type, body) else {
            panic!("a CALL decodes as one");
        };
        assert_eq!(
            (
                call.req,
                call.instance,
                call.kind,
                call.signal,
                call.deadline_unix_nano
            ),
            (20, 3, kind, 1, 1_700_000_000_000_000_000)
        );
        assert_eq!(&body[call.ctx], b"\x01ctx");
        assert_eq!(&body[call.data], b"batch bytes");
    }
}

/// Reads an answer's fields back, as text to compare.
type ReadBack = fn(&mut Decoder<'_>) -> Result<String, WireError>;

/// Every answer the host program writes, with a decoder that reads it back.
fn answers() -> Vec<(Vec<u8>, ReadBack)> {
    let result = CallResult {
        status: STATUS,
        outcome: 1,
        data: b"replaced",
    };
    let ok = Status::default();
    let mut hello = Encoder::reply(1);
    hello.status(&ok).u32(1).u32(6).u64(7);
    let mut registry = Encoder::reply(2);
    registry
        .status(&ok)
        .u32(2)
        .bytes(b"probe")
        .u32(2)
        .u32(7)
        .u32(0)
        .u32(3)
        .bytes(b"probercv")
        .u32(1)
        .u32(7)
        .u32(0)
        .u32(3);
    let mut config_default = Encoder::reply(3);
    config_default.status(&ok).bytes(br#"{"action":"pass"}"#);
    let mut status_only = Encoder::reply(4);
    status_only.status(&STATUS);
    let mut create = Encoder::reply(7);
    create.status(&ok).u64(1);
    let mut call = Encoder::reply(20);
    call.result(&result).u8(1);
    let mut complete = Encoder::new(COMPLETE);
    complete.u64(20).result(&result);
    let event = Event {
        kind: 6,
        code: 1,
        handle: 99,
        id: 0xdead_beef,
        deadline_unix_nano: 5,
        value: 0.25,
        text: b"\x01records",
        data: b"batch",
    };
    vec![
        (hello.finish().expect("small"), |d| {
            Ok(format!(
                "hello {} {:?} {} {} {}",
                d.u64()?,
                d.status()?,
                d.u32()?,
                d.u32()?,
                d.u64()?
            ))
        }),
        (registry.finish().expect("small"), |d| {
            let mut text = format!("registry {} {:?}", d.u64()?, d.status()?);
            for _ in 0..d.u32()? {
                text += &format!(
                    " {:?}/{}/{}/{}/{}",
                    d.bytes()?,
                    d.u32()?,
                    d.u32()?,
                    d.u32()?,
                    d.u32()?
                );
            }
            Ok(text)
        }),
        (config_default.finish().expect("small"), |d| {
            Ok(format!(
                "default {} {:?} {:?}",
                d.u64()?,
                d.status()?,
                d.bytes()?
            ))
        }),
        (status_only.finish().expect("small"), |d| {
            Ok(format!("status {} {:?}", d.u64()?, d.status()?))
        }),
        (create.finish().expect("small"), |d| {
            Ok(format!(
                "create {} {:?} {}",
                d.u64()?,
                d.status()?,
                d.u64()?
            ))
        }),
        (call.finish().expect("small"), |d| {
            Ok(format!("call {} {:?} {}", d.u64()?, d.result()?, d.u8()?))
        }),
        (complete.finish().expect("small"), |d| {
            Ok(format!("complete {} {:?}", d.u64()?, d.result()?))
        }),
        (Encoder::event(&event).finish().expect("small"), |d| {
            Ok(format!("event {:?}", d.event()?))
        }),
    ]
}

#[test]
fn every_answer_round_trips() {
    let read = |frame: &[u8], read: ReadBack| {
        let (_, body) = split(frame);
        let mut d = Decoder::new("answer", body);
        let text = read(&mut d).expect("decodes");
        d.finish().expect("nothing left over");
        text
    };
    let texts: Vec<String> = answers()
        .iter()
        .map(|(frame, reader)| read(frame, *reader))
        .collect();
    let status = r#"Status { code: 2, permanent: false, grpc_code: 14, http_code: 503, retry_after_ns: -7, message: [116, 114, 121, 32, 108, 97, 116, 101, 114] }"#;
    let ok = r#"Status { code: 0, permanent: false, grpc_code: 0, http_code: 0, retry_after_ns: 0, message: [] }"#;
    assert_eq!(texts[0], format!("hello 1 {ok} 1 6 7"));
    assert_eq!(
        texts[1],
        format!(
            "registry 2 {ok} {:?}/2/7/0/3 {:?}/1/7/0/3",
            b"probe", b"probercv"
        )
    );
    assert_eq!(
        texts[2],
        format!("default 3 {ok} {:?}", br#"{"action":"pass"}"#)
    );
    assert_eq!(texts[3], format!("status 4 {status}"));
    assert_eq!(texts[4], format!("create 7 {ok} 1"));
    let result = format!(
        "CallResult {{ status: {status}, outcome: 1, data: {:?} }}",
        b"replaced"
    );
    assert_eq!(texts[5], format!("call 20 {result} 1"));
    assert_eq!(texts[6], format!("complete 20 {result}"));
    assert_eq!(
        texts[7],
        format!(
            "event Event {{ kind: 6, code: 1, handle: 99, id: 3735928559, deadline_unix_nano: 5, value: 0.25, text: {:?}, data: {:?} }}",
            b"\x01records", b"batch"
        )
    );
}

#[test]
fn a_truncated_request_is_an_error_at_every_length() {
    let frames: Vec<Vec<u8>> = requests().iter().map(encode).chain(call_frames()).collect();
    for frame in &frames {
        let (frame_type, body) = split(frame);
        for len in 0..body.len() {
            assert!(
                matches!(
                    Request::decode(frame_type, &body[..len]),
                    Err(WireError::Short { .. })
                ),
                "type {frame_type:#04x} cut to {len} of {} bytes",
                body.len()
            );
        }
    }
}

#[test]
fn a_truncated_answer_is_an_error_at_every_length() {
    for (frame, read) in answers() {
        let (_, body) = split(&frame);
        for len in 0..body.len() {
            let mut d = Decoder::new("answer", &body[..len]);
            let outcome = read(&mut d).and_then(|_| d.finish());
            assert!(outcome.is_err(), "cut to {len} of {} bytes", body.len());
        }
    }
}

#[test]
fn a_byte_after_the_last_field_is_an_error() {
    let frames: Vec<Vec<u8>> = requests().iter().map(encode).chain(call_frames()).collect();
    for frame in &frames {
        let (frame_type, body) = split(frame);
        let mut longer = body.to_vec();
        longer.push(0);
        assert!(matches!(
            Request::decode(frame_type, &longer),
            Err(WireError::Trailing { extra: 1, .. })
        ));
    }
}

#[test]
fn a_mangled_request_is_an_error_or_a_request_never_a_panic() {
    let frames: Vec<Vec<u8>> = requests().iter().map(encode).chain(call_frames()).collect();
    for frame in &frames {
        let (frame_type, body) = split(frame);
        for at in 0..body.len() {
            for byte in [0x00, 0x02, 0x7f, 0xff] {
                let mut mangled = body.to_vec();
                mangled[at] = byte;
                let _ = Request::decode(frame_type, &mangled);
            }
        }
    }
}

#[test]
fn flags_and_call_kinds_outside_their_values_are_refused() {
    let mut json = with_req(RUNTIME_JSON, 1);
    json.u8(2).bytes(b"{}");
    let frame = json.finish().expect("small");
    let (frame_type, body) = split(&frame);
    assert_eq!(
        Request::decode(frame_type, body),
        Err(WireError::Field {
            frame: "RUNTIME_JSON",
            field: "validate_only",
            value: 2
        })
    );

    let mut call = with_req(CALL, 1);
    call.u64(1).u8(3).u32(1).i64(0).bytes(b"").bytes(b"");
    let frame = call.finish().expect("small");
    let (frame_type, body) = split(&frame);
    assert_eq!(
        Request::decode(frame_type, body),
        Err(WireError::Field {
            frame: "CALL",
            field: "kind",
            value: 3
        })
    );
}

#[test]
fn unknown_types_and_impossible_lengths_are_refused() {
    for frame_type in [0x00, 0x10, REPLY, COMPLETE, EVENT, 0xff] {
        assert_eq!(
            Request::decode(frame_type, &[]),
            Err(WireError::UnknownType(frame_type))
        );
    }
    assert_eq!(header([0, 0, 0, 0, PING]), Err(WireError::Length(0)));
    let too_long = (MAX_FRAME as u32 + 1).to_le_bytes();
    assert_eq!(
        header([too_long[0], too_long[1], too_long[2], too_long[3], CALL]),
        Err(WireError::Length(MAX_FRAME + 1))
    );
    let longest = (MAX_FRAME as u32).to_le_bytes();
    assert_eq!(
        header([longest[0], longest[1], longest[2], longest[3], CALL]),
        Ok((CALL, MAX_FRAME - 1))
    );
}

#[test]
fn errors_say_which_frame_and_field() {
    assert_eq!(
        WireError::Field {
            frame: "CALL",
            field: "kind",
            value: 3
        }
        .to_string(),
        "a CALL frame's kind is 3"
    );
    assert_eq!(
        WireError::Short { frame: "HELLO" }.to_string(),
        "a HELLO frame ends before its fields do"
    );
    assert_eq!(
        WireError::UnknownType(0x81).to_string(),
        "unknown frame type 0x81"
    );
}
