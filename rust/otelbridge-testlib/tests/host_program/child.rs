//! The collector's side of subprocess mode, as small as a test needs: starts the host program
//! with a socket pair's end as fd 3, writes requests and reads answers. The codec is written
//! here from ffi/README.md, not shared with the host program's, so the two readings of the spec
//! check each other (as the Go shim's will).

use std::collections::VecDeque;
use std::ffi::c_int;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const HELLO: u8 = 0x01;
pub const REGISTRY: u8 = 0x02;
pub const CONFIG_DEFAULT: u8 = 0x03;
pub const CONFIG_VALIDATE: u8 = 0x04;
pub const RUNTIME_JSON: u8 = 0x06;
pub const CREATE: u8 = 0x07;
pub const CALL: u8 = 0x08;
pub const CANCEL: u8 = 0x09;
pub const FREE: u8 = 0x0A;
pub const CONSUMED: u8 = 0x0B;
pub const MARK: u8 = 0x0C;
pub const PING: u8 = 0x0D;
pub const NOP: u8 = 0x0E;
pub const BYE: u8 = 0x0F;
pub const REPLY: u8 = 0x81;
pub const COMPLETE: u8 = 0x82;
pub const EVENT: u8 = 0x83;

/// CALL kinds.
pub const START: u8 = 0;
pub const SHUTDOWN: u8 = 1;
pub const CONSUME: u8 = 2;

/// The host program Cargo built for this test.
pub const PROGRAM: &str = env!("CARGO_BIN_EXE_otelbridge-testlib-host");

/// How long any one answer may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

unsafe extern "C" {
    fn dup2(old: c_int, new: c_int) -> c_int;
    fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
}

/// `F_SETFD` on Linux.
const F_SETFD: c_int = 2;

/// A frame's fields, appended in order.
#[derive(Default)]
pub struct Fields(pub Vec<u8>);

impl Fields {
    pub fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn i64(mut self, v: i64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bytes(self, v: &[u8]) -> Self {
        let mut this = self.u32(v.len() as u32);
        this.0.extend_from_slice(v);
        this
    }
}

/// Reads a frame's fields in order; panics on a short frame (a test failure).
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(body: &'a [u8]) -> Self {
        Reader(body)
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        assert!(self.0.len() >= n, "a frame ended early");
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    pub fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    pub fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }
    pub fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }
    pub fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }
    pub fn bytes(&mut self) -> Vec<u8> {
        let len = self.u32() as usize;
        self.take(len).to_vec()
    }
    pub fn status(&mut self) -> Status {
        Status {
            code: self.u32(),
            permanent: self.u8() == 1,
            grpc_code: self.i32(),
            http_code: self.i32(),
            retry_after_ns: self.i64(),
            message: String::from_utf8(self.bytes()).expect("UTF-8 message"),
        }
    }
    pub fn result(&mut self) -> CallResult {
        CallResult {
            status: self.status(),
            outcome: self.u32(),
            data: self.bytes(),
        }
    }
    pub fn event(&mut self) -> Event {
        Event {
            kind: self.u32(),
            code: self.u32(),
            handle: self.u64(),
            id: self.u64(),
            deadline_unix_nano: self.i64(),
            value: self.f64(),
            text: self.bytes(),
            data: self.bytes(),
        }
    }
    pub fn end(self) {
        assert!(
            self.0.is_empty(),
            "{} bytes after the last field",
            self.0.len()
        );
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub code: u32,
    pub permanent: bool,
    pub grpc_code: i32,
    pub http_code: i32,
    pub retry_after_ns: i64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallResult {
    pub status: Status,
    pub outcome: u32,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: u32,
    pub code: u32,
    pub handle: u64,
    pub id: u64,
    pub deadline_unix_nano: i64,
    pub value: f64,
    pub text: Vec<u8>,
    pub data: Vec<u8>,
}

/// A CALL's answer: its REPLY said ready, or pending and then its COMPLETE came.
#[derive(Debug)]
pub struct Answer {
    pub went_pending: bool,
    pub result: CallResult,
}

struct Frame {
    frame_type: u8,
    body: Vec<u8>,
}

/// A running host program and the collector's end of its socket.
pub struct HostProgram {
    child: Child,
    socket: Option<UnixStream>,
    input: Option<BufReader<UnixStream>>,
    /// Frames read while looking for another.
    unread: VecDeque<Frame>,
    last_req: u64,
}

/// Starts the host program as a collector does.
pub fn start() -> HostProgram {
    let (ours, theirs) = UnixStream::pair().expect("a socket pair");
    let fd = theirs.as_raw_fd();
    let mut command = Command::new(PROGRAM);
    command
        .env("OTELBRIDGE_HOST_FD", "3")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec the closure only calls dup2 or fcntl, which are
    // async-signal-safe, on a descriptor the parent keeps open until spawn returns.
    unsafe {
        command.pre_exec(move || {
            // dup2 gives fd 3 a copy that stays open across exec; the pair's own descriptor
            // closes on exec, as Rust opens every descriptor.
            let moved = if fd == 3 {
                fcntl(3, F_SETFD, 0)
            } else {
                dup2(fd, 3)
            };
            if moved == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().expect("start the host program");
    drop(theirs);
    ours.set_read_timeout(Some(PATIENCE)).expect("a timeout");
    let input = BufReader::new(ours.try_clone().expect("a second handle"));
    HostProgram {
        child,
        socket: Some(ours),
        input: Some(input),
        unread: VecDeque::new(),
        last_req: 0,
    }
}

impl HostProgram {
    /// A request number never used before.
    pub fn next_req(&mut self) -> u64 {
        self.last_req += 1;
        self.last_req
    }

    /// Writes a frame.
    pub fn send(&mut self, frame_type: u8, body: Fields) {
        self.send_raw(&frame(frame_type, body));
    }

    /// Writes bytes as they are, frame or not.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.socket
            .as_mut()
            .expect("the socket is open")
            .write_all(bytes)
            .expect("the host program reads");
    }

    /// Sends a request whose body starts with a new request number; returns the number.
    pub fn request(&mut self, frame_type: u8, rest: impl FnOnce(Fields) -> Fields) -> u64 {
        let req = self.next_req();
        self.send(frame_type, rest(Fields::default().u64(req)));
        req
    }

    fn read_frame(&mut self) -> Frame {
        let input = self.input.as_mut().expect("the socket is open");
        let mut head = [0; 5];
        input
            .read_exact(&mut head)
            .expect("a frame within the patience");
        let len = u32::from_le_bytes(head[..4].try_into().expect("4 bytes")) as usize;
        let mut body = vec![0; len - 1];
        input.read_exact(&mut body).expect("the frame's body");
        Frame {
            frame_type: head[4],
            body,
        }
    }

    /// The first frame (read before, or now) that `wanted` accepts.
    fn find(&mut self, mut wanted: impl FnMut(u8, &[u8]) -> bool) -> Vec<u8> {
        if let Some(at) = self
            .unread
            .iter()
            .position(|f| wanted(f.frame_type, &f.body))
        {
            return self.unread.remove(at).expect("found").body;
        }
        loop {
            let frame = self.read_frame();
            if wanted(frame.frame_type, &frame.body) {
                return frame.body;
            }
            self.unread.push_back(frame);
        }
    }

    /// The REPLY to `req`, after its request number.
    pub fn reply(&mut self, req: u64) -> Vec<u8> {
        let body = self.find(|t, body| t == REPLY && body[..8] == req.to_le_bytes());
        body[8..].to_vec()
    }

    /// A REPLY that is only a status.
    pub fn status_reply(&mut self, req: u64) -> Status {
        let body = self.reply(req);
        let mut r = Reader(&body);
        let status = r.status();
        r.end();
        status
    }

    /// The COMPLETE of `req`'s CALL.
    pub fn complete(&mut self, req: u64) -> CallResult {
        let body = self.find(|t, body| t == COMPLETE && body[..8] == req.to_le_bytes());
        let mut r = Reader(&body[8..]);
        let result = r.result();
        r.end();
        result
    }

    /// Whether a COMPLETE of `req` came before now (read or waiting in the socket).
    pub fn has_complete(&self, req: u64) -> bool {
        self.unread
            .iter()
            .any(|f| f.frame_type == COMPLETE && f.body[..8] == req.to_le_bytes())
    }

    /// The pending REPLY to a CALL: checks it says pending with a zero result.
    pub fn pending_reply(&mut self, req: u64) {
        let body = self.reply(req);
        let mut r = Reader(&body);
        let result = r.result();
        assert_eq!(r.u8(), 1, "the call went pending: {result:?}");
        r.end();
        assert_eq!(
            result,
            zero_result(),
            "a pending REPLY's result is all zeros"
        );
    }

    /// A CALL's REPLY and, if it said pending, its COMPLETE.
    pub fn answer(&mut self, req: u64) -> Answer {
        let body = self.reply(req);
        let mut r = Reader(&body);
        let result = r.result();
        let poll = r.u8();
        r.end();
        match poll {
            0 => Answer {
                went_pending: false,
                result,
            },
            1 => {
                assert_eq!(
                    result,
                    zero_result(),
                    "a pending REPLY's result is all zeros"
                );
                Answer {
                    went_pending: true,
                    result: self.complete(req),
                }
            }
            other => panic!("poll {other}"),
        }
    }

    /// The first EVENT that `wanted` accepts.
    pub fn event(&mut self, mut wanted: impl FnMut(&Event) -> bool) -> Event {
        let body = self.find(|t, body| t == EVENT && wanted(&Reader(body).event()));
        let mut r = Reader(&body);
        let event = r.event();
        r.end();
        event
    }

    /// Closes the collector's end of the socket.
    pub fn close(&mut self) {
        self.socket = None;
        self.input = None;
    }

    /// Reads every frame the host program writes until it closes the socket.
    pub fn read_until_closed(&mut self) {
        loop {
            let input = self.input.as_mut().expect("the socket is open");
            if input
                .fill_buf()
                .expect("the host program closes the socket")
                .is_empty()
            {
                return;
            }
            let frame = self.read_frame();
            self.unread.push_back(frame);
        }
    }

    /// The exit status, which must come within `within`.
    pub fn exit_status(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the host program still runs after {within:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything the host program wrote to stderr (once it exited).
    pub fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            stderr.read_to_string(&mut text).expect("stderr");
        }
        text
    }
}

impl Drop for HostProgram {
    fn drop(&mut self) {
        // A failed test leaves no host program behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A whole frame: length, type, body.
pub fn frame(frame_type: u8, body: Fields) -> Vec<u8> {
    let mut frame = ((body.0.len() + 1) as u32).to_le_bytes().to_vec();
    frame.push(frame_type);
    frame.extend_from_slice(&body.0);
    frame
}

pub fn zero_result() -> CallResult {
    CallResult {
        status: ok(),
        outcome: 0,
        data: Vec::new(),
    }
}

pub fn ok() -> Status {
    Status {
        code: 0,
        permanent: false,
        grpc_code: 0,
        http_code: 0,
        retry_after_ns: 0,
        message: String::new(),
    }
}
