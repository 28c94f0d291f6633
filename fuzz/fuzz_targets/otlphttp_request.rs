//! HTTP/1.1 requests to the example OTLP/HTTP receiver (`otlphttp_rs`), started once per process
//! through its public API as the bridge starts it (on the shared runtime, 127.0.0.1:0), with a
//! 64 KiB `max_request_body_size`, a 2 s `read_timeout`, `include_metadata` and a pipeline of
//! every signal that records what it gets and accepts it. Each input is one request on a fresh
//! connection (`Connection: close`), answered and closed before the next.
//!
//! Input: the first byte picks the shape. `0xf0` and above: the rest is the whole request, raw,
//! sent with the write half shut after it. Below: a structured request, read in this order (the
//! tables are below; a selector byte picks modulo the table's length):
//!
//! - method, request target (a table entry, or for the last one a path of `u8`-length bytes whose
//!   bytes that are not path characters become some), content type, content encoding: one
//!   selector byte each;
//! - flags: bits 0-1 both set send the body as it is under a compressing `Content-Encoding`
//!   (otherwise the harness compresses it with flate2, so the receiver sees valid streams); bit 2
//!   chunked framing (otherwise `Content-Length`); bits 3-4 both set pad the body; bit 5 two gzip
//!   members; bits 6-7 the compression level;
//! - when padded, a byte (`i8`): the body is padded with an unknown protobuf field (which prost
//!   and the views skip) to the limit plus that many bytes, before compression;
//! - when chunked, a byte picking the chunk size;
//! - a byte whose low 4 bits say how many extra headers follow, each a name and a value of
//!   `u8`-length bytes: the name's bytes that are not token characters become some (and `x-`
//!   goes before a name that means something to HTTP or to the receiver), the value's controls
//!   become obs-text (so a value need not be UTF-8);
//! - the body: everything left.
//!
//! Never: a panic (in any thread), a connection kept open after the request.
//!
//! Always, for a structured request: an answer with a status line, with the status handler.rs
//! gives, in its order: 404 for a path other than the three signals' (whatever the method), 405
//! for a method other than POST, 415 for a content type other than `application/x-protobuf` or an
//! unknown `Content-Encoding`, 413 for a body over the limit as sent or once decompressed, 400 for
//! a corrupt compressed stream. A body that `Batch::decode` takes gets 200, and reaches the
//! pipeline once if it holds an item (span, data point, log record), never otherwise: exactly the
//! decompressed bytes, under the path's signal, with the client's address as the peer and every
//! extra header in the metadata (lowercase name, values in order, as sent but for the whitespace
//! around them that HTTP drops). A body `Batch::decode` refuses gets 400, or 200 (the views that
//! count items are laxer than prost), having reached the pipeline at most once. An answer other
//! than 200 sent nothing. For a raw request: the pipeline got at most as many batches as there
//! are `200` answers.
#![no_main]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use flate2::Compression;
use flate2::read::{MultiGzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use libfuzzer_sys::fuzz_target;
use otelbridge::proto::metrics::v1::metric::Data;
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{Batch, Context, Next, Receiver, Signal, Signals};
use otelbridge_fuzz::input::Input;
use otlphttp_receiver::{OtlpHttpConfig, OtlpHttpReceiver};

/// The receiver's `max_request_body_size`.
const LIMIT: usize = 64 * 1024;
/// How long the receiver may take to answer and close: it waits for nothing but this harness,
/// whose requests are whole or end with the write half shut.
const HANG: Duration = Duration::from_secs(10);

/// What the pipeline got in one call.
#[derive(Debug)]
struct Sent {
    signal: Signal,
    bytes: Vec<u8>,
    peer: Option<String>,
    metadata: Vec<(String, Vec<Vec<u8>>)>,
}

struct Server {
    addr: SocketAddr,
    sent: Arc<Mutex<Vec<Sent>>>,
    _receiver: Arc<OtlpHttpReceiver>,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&sent);
        let next = Next::from_fn(Signals::ALL, move |ctx: Context, signal, bytes| {
            let metadata = ctx
                .metadata()
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_owned(),
                        v.iter().map(|v| v.as_bytes().to_vec()).collect(),
                    )
                })
                .collect();
            log.lock().expect("lock").push(Sent {
                signal,
                bytes,
                peer: ctx.peer_addr().map(str::to_owned),
                metadata,
            });
            async { Ok(()) }
        });
        let config = OtlpHttpConfig {
            endpoint: "127.0.0.1:0".into(),
            include_metadata: true,
            max_request_body_size: LIMIT,
            read_timeout: Duration::from_secs(2),
            ..OtlpHttpConfig::default()
        };
        let receiver = Arc::new(OtlpHttpReceiver::new(config, next).expect("valid config"));
        // Started from the shared runtime, as the bridge does; this thread only waits.
        let starting = Arc::clone(&receiver);
        let (started, start_done) = std::sync::mpsc::channel();
        otelbridge::runtime::spawn(async move {
            let result = starting.start(&Context::background()).await;
            let _ = started.send((result, starting.local_addr().await));
        });
        let (result, addr) = start_done.recv_timeout(HANG).expect("start ran");
        result.expect("started");
        let addr = addr.expect("listening");
        Server {
            addr,
            sent,
            _receiver: receiver,
        }
    })
}

const METHODS: [&str; 11] = [
    "POST", "POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "post",
];

/// Request targets and the signal each serves (`Uri::path` of the target).
const TARGETS: [(&str, Option<Signal>); 14] = [
    ("/v1/traces", Some(Signal::Traces)),
    ("/v1/metrics", Some(Signal::Metrics)),
    ("/v1/logs", Some(Signal::Logs)),
    ("/v1/traces?tenant=a&x=%ff", Some(Signal::Traces)),
    ("http://collector:4318/v1/logs", Some(Signal::Logs)),
    ("/", None),
    ("/v1/traces/", None),
    ("/v1/profiles", None),
    ("/V1/TRACES", None),
    ("//v1/traces", None),
    ("/v1/metrics;x", None),
    ("/v1/%6cogs", None),
    ("*", None),
    ("", None), // a path made of fuzz bytes
];

/// `Content-Type` values (none for `None`) and whether they are OTLP protobuf.
const CONTENT_TYPES: [(Option<&[u8]>, bool); 11] = [
    (Some(b"application/x-protobuf"), true),
    (Some(b"Application/X-Protobuf; charset=binary"), true),
    (Some(b"application/x-protobuf ; proto=otlp"), true),
    (Some(b"application/x-protobuf;q=\xff"), true),
    (None, false),
    (Some(b""), false),
    (Some(b"application/json"), false),
    (Some(b"application/protobuf"), false),
    (Some(b"application/x-protobufs"), false),
    (Some(b"\xffapplication/x-protobuf"), false),
    (Some(b"text/plain, application/x-protobuf"), false),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Coding {
    Identity,
    Gzip,
    Zlib,
    Unknown,
}

/// `Content-Encoding` values (none for `None`) and what the receiver should make of them.
const ENCODINGS: [(Option<&[u8]>, Coding); 14] = [
    (None, Coding::Identity),
    (Some(b"gzip"), Coding::Gzip),
    (Some(b"deflate"), Coding::Zlib),
    (Some(b"zlib"), Coding::Zlib),
    (Some(b"identity"), Coding::Identity),
    (Some(b""), Coding::Identity),
    (Some(b"GZIP"), Coding::Gzip),
    (Some(b"Deflate"), Coding::Zlib),
    (Some(b"br"), Coding::Unknown),
    (Some(b"x-gzip"), Coding::Unknown),
    (Some(b"gzip, identity"), Coding::Unknown),
    (Some(b"\xffgzip"), Coding::Unknown),
    (None, Coding::Identity),
    (Some(b"gzip"), Coding::Gzip),
];

const CHUNK_SIZES: [usize; 6] = [1, 3, 64, 1000, 8192, 65536];

/// Header names that change how HTTP frames the request or how the receiver reads it: an extra
/// header so named gets `x-` in front.
const MEANINGFUL: [&str; 11] = [
    "content-length",
    "transfer-encoding",
    "content-type",
    "content-encoding",
    "connection",
    "expect",
    "upgrade",
    "host",
    "te",
    "trailer",
    "keep-alive",
];

const TOKEN: &[u8] =
    b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PATH: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";

/// A structured request, and what the receiver should make of it.
struct Request {
    method: &'static str,
    target: String,
    signal: Option<Signal>,
    content_type: (Option<&'static [u8]>, bool),
    encoding: (Option<&'static [u8]>, Coding),
    chunk: Option<usize>,
    headers: Vec<(String, Vec<u8>)>,
    /// The body as sent.
    wire: Vec<u8>,
    /// The body before the harness compressed it: what the receiver must decompress `wire` to.
    /// `None` when `wire` is fuzz bytes sent as they are under a compressing encoding.
    plain: Option<Vec<u8>>,
}

fn short<'a>(input: &mut Input<'a>) -> &'a [u8] {
    let n = input.u8();
    input.bytes(usize::from(n))
}

/// `bytes` with each byte not in `allowed` replaced by one that is.
fn legal(bytes: &[u8], allowed: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| {
            if allowed.contains(&b) {
                b
            } else {
                allowed[usize::from(b) % allowed.len()]
            }
        })
        .collect()
}

fn pick<T: Copy>(table: &[T], selector: u8) -> T {
    table[usize::from(selector) % table.len()]
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// `body` followed by field 1000 (length-delimited, unknown to every OTLP request) making it
/// `total` bytes long, if it can.
fn padded(body: &[u8], total: usize) -> Vec<u8> {
    const KEY: [u8; 2] = [0xc2, 0x3e]; // (1000 << 3) | 2
    let mut out = body.to_vec();
    for len_len in 1..=3 {
        let Some(n) = total.checked_sub(body.len() + KEY.len() + len_len) else {
            break;
        };
        if varint_len(n) != len_len {
            continue;
        }
        out.extend_from_slice(&KEY);
        let mut v = n;
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
        out.resize(total, 0);
        break;
    }
    out
}

fn compress(coding: Coding, level: u32, two_members: bool, plain: &[u8]) -> Vec<u8> {
    let level = Compression::new(level);
    match coding {
        Coding::Gzip => {
            let cut = if two_members {
                plain.len() / 2
            } else {
                plain.len()
            };
            let mut out = Vec::new();
            for part in [&plain[..cut], &plain[cut..]] {
                if part.is_empty() && !out.is_empty() {
                    continue;
                }
                let mut encoder = GzEncoder::new(Vec::new(), level);
                encoder.write_all(part).expect("compresses");
                out.extend(encoder.finish().expect("compresses"));
            }
            out
        }
        Coding::Zlib => {
            let mut encoder = ZlibEncoder::new(Vec::new(), level);
            encoder.write_all(plain).expect("compresses");
            encoder.finish().expect("compresses")
        }
        Coding::Identity | Coding::Unknown => plain.to_vec(),
    }
}

/// What fuzz bytes sent under a compressing encoding decompress to (gzip: any number of members;
/// deflate: zlib-wrapped, as the Go collector reads it): `None` for a corrupt stream; at most
/// `LIMIT + 1` bytes (more is too large anyway).
fn decompressed(coding: Coding, wire: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let cap = LIMIT as u64 + 1;
    let read = match coding {
        Coding::Gzip => MultiGzDecoder::new(wire).take(cap).read_to_end(&mut out),
        Coding::Zlib => ZlibDecoder::new(wire).take(cap).read_to_end(&mut out),
        Coding::Identity | Coding::Unknown => return Some(wire.to_vec()),
    };
    read.ok().map(|_| out)
}

fn parse(input: &mut Input<'_>) -> Request {
    let method = pick(&METHODS, input.u8());
    let (target, signal) = match pick(&TARGETS, input.u8()) {
        ("", _) => {
            let path = legal(short(input), PATH);
            let path = format!("/{}", String::from_utf8(path).expect("ASCII"));
            let signal = match path.as_str() {
                "/v1/traces" => Some(Signal::Traces),
                "/v1/metrics" => Some(Signal::Metrics),
                "/v1/logs" => Some(Signal::Logs),
                _ => None,
            };
            (path, signal)
        }
        (target, signal) => (target.to_owned(), signal),
    };
    let content_type = pick(&CONTENT_TYPES, input.u8());
    let encoding = pick(&ENCODINGS, input.u8());
    let flags = input.u8();
    let as_is = flags & 3 == 3;
    let pad = (flags >> 3) & 3 == 3;
    let pad_delta = if pad { input.u8() as i8 } else { 0 };
    let chunk = (flags & 4 != 0).then(|| pick(&CHUNK_SIZES, input.u8()));
    let count = input.u8() & 15;
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for _ in 0..count {
        let name = legal(short(input), TOKEN);
        let mut name = String::from_utf8(name).expect("ASCII");
        if name.is_empty() || MEANINGFUL.iter().any(|m| m.eq_ignore_ascii_case(&name)) {
            name.insert_str(0, "x-");
        }
        // Every byte but the controls HTTP forbids (CR, LF, NUL, DEL...): those move to obs-text.
        let value = short(input)
            .iter()
            .map(|&b| {
                if (b < 0x20 && b != b'\t') || b == 0x7f {
                    b ^ 0x80
                } else {
                    b
                }
            })
            .collect();
        headers.push((name, value));
    }
    let body = input.rest();
    let plain = if pad {
        padded(body, (LIMIT as isize + isize::from(pad_delta)) as usize)
    } else {
        body.to_vec()
    };
    let compressing = matches!(encoding.1, Coding::Gzip | Coding::Zlib);
    let (wire, plain) = if as_is && compressing {
        (plain, None)
    } else {
        let level = u32::from(flags >> 6) * 3;
        let wire = compress(encoding.1, level, flags & 0x20 != 0, &plain);
        (wire, Some(plain))
    };
    Request {
        method,
        target,
        signal,
        content_type,
        encoding,
        chunk,
        headers,
        wire,
        plain,
    }
}

impl Request {
    fn to_bytes(&self, addr: SocketAddr) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n",
            self.method, self.target
        )
        .into_bytes();
        let mut header = |name: &[u8], value: &[u8]| {
            out.extend_from_slice(name);
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        };
        if let Some(value) = self.content_type.0 {
            header(b"Content-Type", value);
        }
        if let Some(value) = self.encoding.0 {
            header(b"Content-Encoding", value);
        }
        for (name, value) in &self.headers {
            header(name.as_bytes(), value);
        }
        match self.chunk {
            None => header(b"Content-Length", self.wire.len().to_string().as_bytes()),
            Some(_) => header(b"Transfer-Encoding", b"chunked"),
        }
        out.extend_from_slice(b"\r\n");
        match self.chunk {
            None => out.extend_from_slice(&self.wire),
            Some(size) => {
                for chunk in self.wire.chunks(size) {
                    out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    out.extend_from_slice(chunk);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"0\r\n\r\n");
            }
        }
        out
    }

    /// The metadata each extra header should become: lowercase names, values in order, without
    /// the whitespace around them that HTTP ignores.
    fn metadata(&self) -> Vec<(String, Vec<Vec<u8>>)> {
        let mut expected: Vec<(String, Vec<Vec<u8>>)> = Vec::new();
        for (name, value) in &self.headers {
            let name = name.to_ascii_lowercase();
            let value = value.trim_ascii_start();
            let end = value
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(0, |i| i + 1);
            let value = value[..end].to_vec();
            match expected.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(value),
                None => expected.push((name, vec![value])),
            }
        }
        expected
    }
}

/// What the receiver must answer a structured request.
#[derive(Debug, PartialEq)]
enum Expect {
    /// This status, and nothing sent down the pipeline.
    Refused(u16),
    /// 200, and the body sent once if it holds items (never if it holds none).
    Exported { items: usize },
    /// The body does not decode with prost: 400, or 200 if the views take it (sent at most once).
    Undecided,
}

/// The spans, data points or log records of a body that decodes.
fn items(signal: Signal, body: &[u8]) -> Option<usize> {
    Some(match signal {
        Signal::Traces => Batch::<ExportTraceServiceRequest>::from_bytes(body)
            .decode()
            .ok()?
            .resource_spans
            .iter()
            .flat_map(|r| &r.scope_spans)
            .map(|s| s.spans.len())
            .sum(),
        Signal::Metrics => Batch::<ExportMetricsServiceRequest>::from_bytes(body)
            .decode()
            .ok()?
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .map(|m| match &m.data {
                None => 0,
                Some(Data::Gauge(d)) => d.data_points.len(),
                Some(Data::Sum(d)) => d.data_points.len(),
                Some(Data::Histogram(d)) => d.data_points.len(),
                Some(Data::ExponentialHistogram(d)) => d.data_points.len(),
                Some(Data::Summary(d)) => d.data_points.len(),
            })
            .sum(),
        Signal::Logs => Batch::<ExportLogsServiceRequest>::from_bytes(body)
            .decode()
            .ok()?
            .resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .map(|s| s.log_records.len())
            .sum(),
    })
}

/// The answer handler.rs gives, in its order of checks, with the body it passes on.
fn expect(request: &Request) -> (Expect, Option<Vec<u8>>) {
    let Some(signal) = request.signal else {
        return (Expect::Refused(404), None);
    };
    if request.method != "POST" {
        return (Expect::Refused(405), None);
    }
    if !request.content_type.1 || request.encoding.1 == Coding::Unknown {
        return (Expect::Refused(415), None);
    }
    if request.wire.len() > LIMIT {
        return (Expect::Refused(413), None);
    }
    let body = match &request.plain {
        Some(plain) => Some(plain.clone()),
        None => decompressed(request.encoding.1, &request.wire),
    };
    let Some(body) = body else {
        return (Expect::Refused(400), None);
    };
    if body.len() > LIMIT {
        return (Expect::Refused(413), None);
    }
    match items(signal, &body) {
        Some(items) => (Expect::Exported { items }, Some(body)),
        None => (Expect::Undecided, Some(body)),
    }
}

/// Sends `request` on a fresh connection, shuts the write half once sent (so a request cut short
/// ends at once instead of after `read_timeout`), and reads until the receiver closes. Returns
/// the client's address and everything the receiver sent. A whole request is answered although
/// the client half-closed, as Go's receiver answers it (the receiver's `half_close`; this target
/// found it dropping them).
fn exchange(addr: SocketAddr, request: &[u8]) -> (SocketAddr, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connects to the receiver");
    let local = stream.local_addr().expect("local address");
    stream.set_read_timeout(Some(HANG)).expect("timeout");
    stream.set_write_timeout(Some(HANG)).expect("timeout");
    // The receiver may answer and close before reading a whole body (413 on Content-Length, 404):
    // then the rest cannot be written, and its answer is still there to read.
    match stream.write_all(request) {
        Ok(()) => {
            let _ = stream.shutdown(Shutdown::Write);
        }
        Err(err) => assert!(
            matches!(
                err.kind(),
                ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
            ),
            "writing the request: {err}"
        ),
    }
    let mut answer = Vec::new();
    let mut chunk = [0; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            // Closed with body bytes unread: a reset after the answer.
            Err(err) if err.kind() == ErrorKind::ConnectionReset => break,
            // libFuzzer's timer signal.
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!(
                    "the receiver kept the connection open {HANG:?} after the request; it \
                     answered {:?}",
                    String::from_utf8_lossy(&answer)
                )
            }
            Err(err) => panic!("reading the answer: {err}"),
        }
    }
    (local, answer)
}

/// The status of an answer that starts with `HTTP/1.x NNN `.
fn status(answer: &[u8]) -> Option<u16> {
    let rest = answer
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| answer.strip_prefix(b"HTTP/1.0 "))?;
    let digits = rest.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || rest.get(3) != Some(&b' ') {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// How many `200` answers a stream of answers can hold (an error message may quote one too:
/// never fewer than were sent).
fn oks(answers: &[u8]) -> usize {
    answers
        .windows(13)
        .filter(|w| w.starts_with(b"HTTP/1.1 200 ") || w.starts_with(b"HTTP/1.0 200 "))
        .count()
}

fn structured(server: &Server, request: Request) {
    let bytes = request.to_bytes(server.addr);
    let (expected, body) = expect(&request);
    let (local, answer) = exchange(server.addr, &bytes);
    let sent = std::mem::take(&mut *server.sent.lock().expect("lock"));
    let what = || {
        format!(
            "{} {} (content type {:?}, encoding {:?}, {} bytes sent{}): answered {:?}",
            request.method,
            request.target,
            request.content_type.0.map(String::from_utf8_lossy),
            request.encoding.0.map(String::from_utf8_lossy),
            request.wire.len(),
            if request.chunk.is_some() {
                ", chunked"
            } else {
                ""
            },
            String::from_utf8_lossy(&answer[..answer.len().min(300)])
        )
    };
    let Some(status) = status(&answer) else {
        panic!("no status line: {}", what());
    };
    let sends_ok = match &expected {
        Expect::Refused(want) => {
            assert_eq!(status, *want, "expected {want}: {}", what());
            false
        }
        Expect::Exported { items } => {
            assert_eq!(status, 200, "expected 200: {}", what());
            assert_eq!(
                sent.len(),
                usize::from(*items > 0),
                "{items} items, {} sends: {}",
                sent.len(),
                what()
            );
            true
        }
        Expect::Undecided => {
            assert!(
                status == 200 || status == 400,
                "expected 200 or 400: {}",
                what()
            );
            assert!(sent.len() <= 1, "{} sends: {}", sent.len(), what());
            status == 200
        }
    };
    if !sends_ok {
        assert!(
            sent.is_empty(),
            "answered {status} but sent {} batches: {}",
            sent.len(),
            what()
        );
        return;
    }
    let Some(one) = sent.first() else {
        return;
    };
    assert_eq!(Some(one.signal), request.signal, "{}", what());
    assert!(
        Some(&one.bytes) == body.as_ref(),
        "the pipeline got other bytes than the decompressed body: {}",
        what()
    );
    assert_eq!(one.peer, Some(local.to_string()), "peer address");
    for (name, values) in request.metadata() {
        let got = one
            .metadata
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v);
        assert_eq!(got, Some(&values), "metadata {name:?}: {}", what());
    }
}

fn raw(server: &Server, bytes: &[u8]) {
    let (_, answer) = exchange(server.addr, bytes);
    let sent = std::mem::take(&mut *server.sent.lock().expect("lock"));
    assert!(
        sent.len() <= oks(&answer),
        "{} sends but the answers were {:?}",
        sent.len(),
        String::from_utf8_lossy(&answer)
    );
}

fuzz_target!(|data: &[u8]| {
    let server = server();
    let mut input = Input::new(data);
    if input.u8() >= 0xf0 {
        raw(server, input.rest());
    } else {
        let request = parse(&mut input);
        structured(server, request);
    }
});
