//! The host program of subprocess mode (`otelbridge-testlib-host`), driven over its socket as
//! the collector drives it: each test starts its own.

// Starting a child with the socket at fd 3 takes `pre_exec`, which is unsafe by nature.
#![allow(unsafe_code)]

mod child;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use child::*;
use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::any_value::Value;
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge_abi::abi::*;
use prost::Message;

const SINK: u64 = 77;

/// A small valid OTLP traces request: one span.
fn traces() -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span {
                    name: "checkout".into(),
                    trace_id: vec![7; 16],
                    span_id: vec![9; 8],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

/// Context records with one metadata key: the probe's `probe-action`.
fn action(action: &str) -> Vec<u8> {
    let string = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    let mut record = Vec::new();
    string(&mut record, "probe-action");
    record.extend_from_slice(&1u32.to_le_bytes());
    string(&mut record, action);
    let mut ctx = vec![OTB_CONTEXT_METADATA];
    ctx.extend_from_slice(&(record.len() as u32).to_le_bytes());
    ctx.extend_from_slice(&record);
    ctx
}

fn deadline_in(after: Duration) -> i64 {
    (SystemTime::now() + after)
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos() as i64
}

/// HELLO with this crate's ABI version: the handshake's status and component count.
fn hello(host: &mut HostProgram) -> (Status, u64) {
    let req = host.request(HELLO, |f| {
        f.u32(1)
            .u32(OTELBRIDGE_ABI_MAJOR)
            .u32(OTELBRIDGE_ABI_MINOR)
            .u32(OTB_LOG_INFO)
    });
    let body = host.reply(req);
    let mut r = child::Reader::new(&body);
    let status = r.status();
    assert_eq!(
        (r.u32(), r.u32()),
        (OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR)
    );
    let count = r.u64();
    r.end();
    (status, count)
}

/// A host program that has shaken hands.
fn ready_host() -> HostProgram {
    let mut host = start();
    let (status, _) = hello(&mut host);
    assert_eq!(status, ok());
    host
}

/// The registry: (type, kind) per component, in order.
fn registry(host: &mut HostProgram) -> Vec<(String, u32)> {
    let req = host.request(REGISTRY, |f| f);
    let body = host.reply(req);
    let mut r = child::Reader::new(&body);
    assert_eq!(r.status(), ok());
    let count = r.u32();
    let entries = (0..count)
        .map(|_| {
            let name = String::from_utf8(r.bytes()).expect("UTF-8 type");
            let kind = r.u32();
            let (_signals, _out, _stability) = (r.u32(), r.u32(), r.u32());
            (name, kind)
        })
        .collect();
    r.end();
    entries
}

fn index_of(host: &mut HostProgram, type_name: &str) -> u32 {
    registry(host)
        .iter()
        .position(|(name, _)| name == type_name)
        .unwrap_or_else(|| panic!("{type_name} is registered")) as u32
}

/// CREATE: the status and the instance's number.
fn create(
    host: &mut HostProgram,
    type_name: &str,
    config: &str,
    next: Option<u32>,
) -> (Status, u64) {
    let index = index_of(host, type_name);
    let req = host.request(CREATE, |f| {
        f.u32(index)
            .bytes(format!("{type_name}/test").as_bytes())
            .bytes(config.as_bytes())
            .u64(SINK)
            .u32(OTB_LOG_INFO)
            .u8(u8::from(next.is_some()))
            .u32(next.unwrap_or(0))
    });
    let body = host.reply(req);
    let mut r = child::Reader::new(&body);
    let status = r.status();
    let instance = r.u64();
    r.end();
    (status, instance)
}

fn call(
    host: &mut HostProgram,
    instance: u64,
    kind: u8,
    deadline_unix_nano: i64,
    ctx: &[u8],
    data: &[u8],
) -> u64 {
    host.request(CALL, |f| {
        f.u64(instance)
            .u8(kind)
            .u32(OTB_SIGNAL_TRACES)
            .i64(deadline_unix_nano)
            .bytes(ctx)
            .bytes(data)
    })
}

/// A probe created and started.
fn started_probe(host: &mut HostProgram) -> u64 {
    let (status, probe) = create(host, "probe", "{}", None);
    assert_eq!(status, ok());
    assert_ne!(probe, 0, "instances are numbered from 1");
    let start = call(host, probe, START, 0, &[], &[]);
    assert_eq!(host.answer(start).result, zero_result());
    probe
}

fn resource_attributes(batch: &[u8]) -> Vec<(String, String)> {
    let request = ExportTraceServiceRequest::decode(batch).expect("valid OTLP");
    let resource = request.resource_spans[0]
        .resource
        .clone()
        .unwrap_or_default();
    resource
        .attributes
        .into_iter()
        .map(|kv| match kv.value.and_then(|v| v.value) {
            Some(Value::StringValue(s)) => (kv.key, s),
            other => (kv.key, format!("{other:?}")),
        })
        .collect()
}

/// Run by hand, the program says what it is and exits with status 2.
#[test]
fn run_by_hand_it_says_what_it_is_and_exits_with_2() {
    let output = std::process::Command::new(PROGRAM)
        .env_remove("OTELBRIDGE_HOST_FD")
        .output()
        .expect("run the host program");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("started by an otelbridge collector in subprocess mode"),
        "{stderr}"
    );
}

/// HELLO shakes hands for events and counts the components; REGISTRY lists them.
#[test]
fn hello_answers_with_the_component_count_and_registry_lists_the_probe() {
    let mut host = start();
    let (status, count) = hello(&mut host);
    assert_eq!(status, ok());
    assert!(count > 0);
    let components = registry(&mut host);
    assert_eq!(components.len() as u64, count);
    assert!(components.contains(&("probe".into(), OTB_KIND_PROCESSOR)));
}

/// A protocol the host program does not speak is refused with a status, not a crash.
#[test]
fn hello_of_another_protocol_is_refused() {
    let mut host = start();
    let req = host.request(HELLO, |f| {
        f.u32(2)
            .u32(OTELBRIDGE_ABI_MAJOR)
            .u32(OTELBRIDGE_ABI_MINOR)
            .u32(0)
    });
    let body = host.reply(req);
    let status = child::Reader::new(&body).status();
    assert_eq!(status.code, OTB_STATUS_INTERNAL);
    assert!(
        status.message.contains("host protocol 2"),
        "{}",
        status.message
    );
}

/// Configs: the default as JSON, and validation whose message names the field; runtime
/// settings likewise.
#[test]
fn configs_are_defaulted_and_validated_naming_the_field() {
    let mut host = ready_host();
    let probe = index_of(&mut host, "probe");

    let req = host.request(CONFIG_DEFAULT, |f| f.u32(probe));
    let body = host.reply(req);
    let mut r = child::Reader::new(&body);
    assert_eq!(r.status(), ok());
    let json = String::from_utf8(r.bytes()).expect("UTF-8");
    assert!(json.contains("\"action\""), "{json}");

    let req = host.request(CONFIG_VALIDATE, |f| f.u32(probe).bytes(br#"{"weight": 0}"#));
    let status = host.status_reply(req);
    assert_eq!(status.code, OTB_STATUS_INVALID_CONFIG);
    assert!(status.message.contains("weight"), "{}", status.message);

    let req = host.request(CONFIG_VALIDATE, |f| f.u32(probe).bytes(br#"{"weight": 2}"#));
    assert_eq!(host.status_reply(req), ok());

    let req = host.request(RUNTIME_JSON, |f| f.u8(1).bytes(br#"{"worker_treads": 2}"#));
    let status = host.status_reply(req);
    assert_eq!(status.code, OTB_STATUS_INVALID_CONFIG);
    assert!(
        status.message.contains("worker_treads"),
        "{}",
        status.message
    );
}

/// A probe is created and started, and consumes a batch: passed unchanged in its first poll, or
/// rewritten; a call that yields once goes pending (or finishes before attach) and its result
/// crosses whole either way.
#[test]
fn a_probe_starts_and_consumes_a_batch() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let batch = traces();

    let pass = call(&mut host, probe, CONSUME, 0, &[], &batch);
    let pass = host.answer(pass);
    assert!(
        !pass.went_pending,
        "work that needs no await answers at once"
    );
    assert_eq!(pass.result.status, ok());
    assert_eq!(pass.result.outcome, OTB_OUTCOME_UNCHANGED);

    let rewrite = call(&mut host, probe, CONSUME, 0, &action("rewrite"), &batch);
    let rewrite = host.answer(rewrite).result;
    assert_eq!(rewrite.outcome, OTB_OUTCOME_REPLACED);
    let attributes = resource_attributes(&rewrite.data);
    assert!(attributes.contains(&("probe.seen".into(), "true".into())));
    assert!(attributes.contains(&("probe.md.probe-action".into(), "rewrite".into())));

    let yielded = call(&mut host, probe, CONSUME, 0, &action("yield"), &batch);
    let yielded = host.answer(yielded).result;
    assert_eq!(yielded.status, ok());
    assert_eq!(yielded.outcome, OTB_OUTCOME_REPLACED);
    assert!(resource_attributes(&yielded.data).contains(&("probe.seen".into(), "true".into())));

    let shutdown = call(&mut host, probe, SHUTDOWN, 0, &[], &[]);
    assert_eq!(host.answer(shutdown).result, zero_result());
    host.send(FREE, Fields::default().u64(probe));
    let after_free = call(&mut host, probe, CONSUME, 0, &[], &batch);
    let after_free = host.answer(after_free).result;
    assert_eq!(
        after_free.status.code, OTB_STATUS_INTERNAL,
        "a freed instance is gone"
    );
}

/// A call that sleeps goes pending; CANCEL ends it with the cancelled status, as its COMPLETE.
#[test]
fn a_sleeping_call_goes_pending_and_cancel_completes_it_cancelled() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let req = call(
        &mut host,
        probe,
        CONSUME,
        0,
        &action("sleep:60s"),
        &traces(),
    );
    host.pending_reply(req);
    host.send(CANCEL, Fields::default().u64(req));
    let result = host.complete(req);
    assert_eq!(result.status.code, OTB_STATUS_CANCELLED, "{result:?}");
}

/// A deadline that passes while the call waits ends it with deadline exceeded.
#[test]
fn a_deadline_that_passes_while_pending_completes_the_call() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let deadline = deadline_in(Duration::from_millis(300));
    let req = call(
        &mut host,
        probe,
        CONSUME,
        deadline,
        &action("sleep:60s"),
        &traces(),
    );
    host.pending_reply(req);
    let result = host.complete(req);
    assert_eq!(
        result.status.code, OTB_STATUS_DEADLINE_EXCEEDED,
        "{result:?}"
    );
}

/// A CANCEL right behind its CALL (one write: the reader reads it while a worker most likely
/// still makes the call's first poll) takes effect once the call goes pending; one that crosses a
/// ready answer changes nothing.
#[test]
fn a_cancel_right_behind_its_call_still_cancels() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let req = host.next_req();
    let mut frames = frame(
        CALL,
        Fields::default()
            .u64(req)
            .u64(probe)
            .u8(CONSUME)
            .u32(OTB_SIGNAL_TRACES)
            .i64(0)
            .bytes(&action("sleep:60s"))
            .bytes(&traces()),
    );
    frames.extend(frame(CANCEL, Fields::default().u64(req)));
    host.send_raw(&frames);
    let answer = host.answer(req);
    assert!(answer.went_pending);
    assert_eq!(answer.result.status.code, OTB_STATUS_CANCELLED);

    // Blocks its worker in the first poll, then passes: ready, whatever the CANCEL.
    let blocked = call(
        &mut host,
        probe,
        CONSUME,
        0,
        &action("block:200ms"),
        &traces(),
    );
    host.send(CANCEL, Fields::default().u64(blocked));
    let answer = host.answer(blocked);
    assert!(!answer.went_pending);
    assert_eq!(answer.result.status, ok());
}

/// A CALL naming an instance the host program does not have is an error status, not a crash.
#[test]
fn a_call_on_an_unknown_instance_is_an_error_status() {
    let mut host = ready_host();
    let req = call(&mut host, 999, CONSUME, 0, &[], &traces());
    let answer = host.answer(req);
    assert!(!answer.went_pending);
    assert_eq!(answer.result.status.code, OTB_STATUS_INTERNAL);
    assert!(answer.result.status.permanent);
    assert!(
        answer.result.status.message.contains("no instance 999"),
        "{}",
        answer.result.status.message
    );
    let ping = host.request(PING, |f| f);
    assert_eq!(host.status_reply(ping), ok());
}

/// PING and NOP answer OK; a MARK comes back as an EVENT; a component's log line crosses as an
/// EVENT of its instance's sink.
#[test]
fn ping_nop_mark_and_log_events() {
    let mut host = ready_host();
    let ping = host.request(PING, |f| f);
    assert_eq!(host.status_reply(ping), ok());
    let nop = host.request(NOP, |f| f);
    assert_eq!(host.status_reply(nop), ok());

    let probe = started_probe(&mut host);
    let logged = call(&mut host, probe, CONSUME, 0, &action("log"), &traces());
    assert_eq!(host.answer(logged).result.status, ok());
    host.send(MARK, Fields::default().u64(4242));
    let log = host.event(|e| e.kind == OTB_EVENT_LOG && e.handle == SINK);
    assert_eq!(log.code, OTB_LOG_INFO);
    assert_eq!(String::from_utf8_lossy(&log.text), "probe saw a batch");
    let mark = host.event(|e| e.kind == OTB_EVENT_MARK);
    assert_eq!(mark.handle, 4242);
}

/// A receiver's batches cross as CONSUME events, their completions numbered by the host
/// program (the library's pointers never cross), and are answered with CONSUMED, with or without
/// an error; an answer for a completion nobody waits for is ignored.
#[test]
fn batches_from_a_receiver_cross_as_events_and_are_answered() {
    let mut host = ready_host();
    let (status, receiver) = create(
        &mut host,
        "probercv",
        r#"{"batches": 2}"#,
        Some(OTB_SIGNAL_BIT_TRACES),
    );
    assert_eq!(status, ok());
    let start = call(&mut host, receiver, START, 0, &[], &[]);
    assert_eq!(host.answer(start).result.status, ok());
    host.send(CONSUMED, Fields::default().u64(0xbad).u8(0));

    let first = host.event(|e| e.kind == OTB_EVENT_CONSUME);
    assert_eq!(
        (first.handle, first.code, first.id),
        (SINK, OTB_SIGNAL_TRACES, 1)
    );
    let request = ExportTraceServiceRequest::decode(&first.data[..]).expect("OTLP");
    assert_eq!(request.resource_spans.len(), 1);
    host.send(
        CONSUMED,
        Fields::default()
            .u64(first.id)
            .u8(1)
            .u32(OTB_STATUS_PERMANENT)
            .u8(1)
            .u32(0)
            .u32(0)
            .i64(0)
            .bytes(b"no thanks"),
    );
    let refused = host.event(|e| {
        e.kind == OTB_EVENT_LOG && String::from_utf8_lossy(&e.text) == "probercv batch refused"
    });
    assert!(
        String::from_utf8_lossy(&refused.data).contains("no thanks"),
        "the answer's message reached the receiver"
    );

    let second = host.event(|e| e.kind == OTB_EVENT_CONSUME);
    assert_eq!(second.id, 2);
    host.send(CONSUMED, Fields::default().u64(second.id).u8(0));
    host.event(|e| {
        e.kind == OTB_EVENT_LOG && String::from_utf8_lossy(&e.text) == "probercv batch accepted"
    });

    let shutdown = call(&mut host, receiver, SHUTDOWN, 0, &[], &[]);
    assert_eq!(host.answer(shutdown).result.status, ok());
    let done = host
        .event(|e| e.kind == OTB_EVENT_LOG && String::from_utf8_lossy(&e.text) == "probercv done");
    assert_eq!(done.handle, SINK);
    let ping = host.request(PING, |f| f);
    assert_eq!(host.status_reply(ping), ok());
}

/// Closing the socket ends the host program at once, with status 0, however much work is
/// pending in its runtime.
#[test]
fn closing_the_socket_ends_the_host_program_promptly() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let req = call(
        &mut host,
        probe,
        CONSUME,
        0,
        &action("sleep:60s"),
        &traces(),
    );
    host.pending_reply(req);
    host.close();
    let status = host.exit_status(Duration::from_secs(5));
    assert_eq!(status.code(), Some(0));
}

/// BYE: every request read before it is answered, then the host program exits with status 0.
#[test]
fn bye_answers_what_came_before_and_exits_with_0() {
    let mut host = ready_host();
    let probe = started_probe(&mut host);
    let pending = call(
        &mut host,
        probe,
        CONSUME,
        0,
        &action("sleep:60s"),
        &traces(),
    );
    let reqs: Vec<u64> = (0..20).map(|_| host.request(NOP, |f| f)).collect();
    host.send(BYE, Fields::default());
    host.pending_reply(pending);
    for req in reqs {
        assert_eq!(host.status_reply(req), ok());
    }
    host.read_until_closed();
    assert!(
        !host.has_complete(pending),
        "a call pending at BYE never completes"
    );
    assert_eq!(host.exit_status(Duration::from_secs(5)).code(), Some(0));
}

/// A frame the protocol does not have ends the host program with status 3 and one line.
#[test]
fn a_malformed_frame_ends_the_host_program_with_3() {
    for frame in [
        &[1, 0, 0, 0, 0x7f][..],
        &[0, 0, 0, 0, PING][..],
        &[2, 0, 0, 0, PING, 0][..],
    ] {
        let mut host = ready_host();
        host.send_raw(frame);
        let status = host.exit_status(Duration::from_secs(5));
        assert_eq!(status.code(), Some(3), "{frame:?}");
        let stderr = host.stderr();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("malformed frame"), "{stderr}");
    }
}
