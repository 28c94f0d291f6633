//! Calls that do work, driven as C would: lifecycle, outcomes, errors, panics, cancellation and
//! deadlines, metadata and logs.

// Drives the C ABI as a host does, which is unsafe by nature.
#![allow(unsafe_code)]

mod host;

// Links the library that defines the component list.
extern crate otelbridge_testlib;

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::any_value::Value;
use otelbridge::proto::trace::v1::ResourceSpans;
use otelbridge_abi::abi::*;
use prost::Message;

const PROCESSOR: u32 = 2;
const EXTENSION: u32 = 4;
const TRACES: u32 = 1;

fn traces() -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans::default()],
    }
    .encode_to_vec()
}

fn resource_attributes(bytes: &[u8]) -> Vec<(String, String)> {
    let request = ExportTraceServiceRequest::decode(bytes).expect("valid OTLP");
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

fn started_probe(id: &str) -> host::Instance {
    let instance = host::create("probe", PROCESSOR, id, "{}", 11).expect("created");
    assert_eq!(host::start(&instance).wait().code, OTB_STATUS_OK);
    instance
}

/// One batch that outlives every pending call, as the host must guarantee.
static BATCH: LazyLock<Vec<u8>> = LazyLock::new(traces);

fn act(instance: &host::Instance, action: &str) -> host::Call {
    host::consume(
        instance,
        TRACES,
        0,
        &host::context(&[("probe-action", &[action])]),
        &BATCH,
    )
}

#[test]
fn a_full_lifecycle_passes_rewrites_and_drops() {
    let instance = started_probe("probe/lifecycle");
    let data = traces();

    let pass = host::consume(&instance, TRACES, 0, &[], &data);
    assert!(
        !pass.is_pending(),
        "work that needs no await finishes inside the call"
    );
    let pass = pass.wait();
    assert_eq!(
        (pass.code, pass.outcome),
        (OTB_STATUS_OK, OTB_OUTCOME_UNCHANGED)
    );
    assert!(pass.data.is_empty());

    let rewrite = act(&instance, "rewrite").wait();
    assert_eq!(
        (rewrite.code, rewrite.outcome),
        (OTB_STATUS_OK, OTB_OUTCOME_REPLACED)
    );
    assert!(resource_attributes(&rewrite.data).contains(&("probe.seen".into(), "true".into())));

    // This host speaks the current minor, so edits reach it as edits, to apply itself.
    let edit = act(&instance, "edit").wait();
    assert_eq!(
        (edit.code, edit.outcome),
        (OTB_STATUS_OK, OTB_OUTCOME_EDITED)
    );
    assert!(!edit.data.is_empty());

    assert_eq!(act(&instance, "drop").wait().outcome, OTB_OUTCOME_DROPPED);
    assert_eq!(host::shutdown(&instance).wait().code, OTB_STATUS_OK);
}

#[test]
fn metadata_reaches_the_component() {
    let instance = started_probe("probe/metadata");
    let data = traces();
    let ctx = host::context(&[
        ("probe-action", &["rewrite"]),
        ("x-tenant", &["acme", "beta"]),
    ]);
    let out = host::consume(&instance, TRACES, 0, &ctx, &data).wait();
    assert!(
        resource_attributes(&out.data).contains(&("probe.md.x-tenant".into(), "acme,beta".into()))
    );
}

#[test]
fn error_kinds_and_hints_cross_the_boundary() {
    let instance = started_probe("probe/errors");
    let retryable = act(&instance, "fail:retryable").wait();
    assert_eq!(
        (retryable.code, retryable.permanent),
        (OTB_STATUS_RETRYABLE, false)
    );
    assert_eq!(retryable.retry_after, Duration::from_secs(2));
    let exhausted = act(&instance, "fail:exhausted").wait();
    assert_eq!(
        (exhausted.code, exhausted.grpc_code, exhausted.http_code),
        (OTB_STATUS_RESOURCE_EXHAUSTED, 8, 429)
    );
    let permanent = act(&instance, "fail:permanent").wait();
    assert_eq!(
        (permanent.code, permanent.permanent),
        (OTB_STATUS_PERMANENT, true)
    );
    assert!(
        permanent.message.contains("probe failed on purpose"),
        "{}",
        permanent.message
    );
}

#[test]
fn a_panic_is_an_error_and_fails_only_its_instance() {
    let instance = started_probe("probe/panics");
    let other = started_probe("probe/healthy");
    let out = act(&instance, "panic").wait();
    assert_eq!((out.code, out.permanent), (OTB_STATUS_PANICKED, true));
    assert!(
        out.message.contains("probe panicked on purpose"),
        "{}",
        out.message
    );
    assert!(
        out.message.contains("probe/panics"),
        "names the component: {}",
        out.message
    );

    let after = act(&instance, "pass").wait();
    assert_eq!(after.code, OTB_STATUS_PANICKED);
    assert!(
        after.message.contains("failed earlier"),
        "{}",
        after.message
    );
    assert_eq!(
        act(&other, "pass").wait().code,
        OTB_STATUS_OK,
        "other instances carry on"
    );
}

#[test]
fn work_that_awaits_completes_through_the_callback() {
    let instance = started_probe("probe/pending");
    let call = act(&instance, "yield");
    assert!(call.is_pending(), "a yield cannot finish on the first poll");
    let out = call.wait();
    assert_eq!(
        (out.code, out.outcome),
        (OTB_STATUS_OK, OTB_OUTCOME_REPLACED)
    );
    assert!(resource_attributes(&out.data).contains(&("probe.seen".into(), "true".into())));
}

#[test]
fn a_call_that_finishes_before_the_waiter_attaches_returns_at_attach() {
    let instance = started_probe("probe/early");
    let data = traces();
    let call = host::consume(
        &instance,
        TRACES,
        0,
        &host::context(&[("probe-action", &["sleep:1ms"])]),
        &data,
    );
    assert!(call.is_pending());
    std::thread::sleep(Duration::from_millis(200));
    let (out, early) = call.wait_and_tell();
    assert!(early, "the result waited for the attach");
    assert_eq!(out.code, OTB_STATUS_OK);
}

#[test]
fn a_waiter_attached_in_time_is_called_back() {
    let instance = started_probe("probe/late-finish");
    let call = act(&instance, "sleep:200ms");
    let (out, early) = call.wait_and_tell();
    assert!(!early, "the completion came through the callback");
    assert_eq!(out.code, OTB_STATUS_OK);
}

#[test]
fn cancelling_a_pending_call_stops_its_work() {
    let instance = started_probe("probe/cancel");
    let began = Instant::now();
    let call = act(&instance, "sleep:30s");
    assert!(call.is_pending());
    call.cancel();
    let out = call.wait();
    assert_eq!(out.code, OTB_STATUS_CANCELLED);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "the sleep was dropped, not awaited"
    );
}

#[test]
fn a_deadline_that_expires_mid_call_ends_it() {
    let instance = started_probe("probe/deadline");
    let data = traces();
    let ctx = host::context(&[("probe-action", &["sleep:30s"])]);
    let call = host::consume(
        &instance,
        TRACES,
        host::deadline_in(Duration::from_millis(100)),
        &ctx,
        &data,
    );
    assert!(call.is_pending());
    let out = call.wait();
    assert_eq!(out.code, OTB_STATUS_DEADLINE_EXCEEDED);
    assert!(!out.permanent);
}

#[test]
fn a_deadline_already_passed_fails_at_once() {
    let instance = started_probe("probe/late");
    let data = traces();
    let call = host::consume(
        &instance,
        TRACES,
        host::deadline_in(Duration::ZERO) - 1_000_000,
        &[],
        &data,
    );
    assert!(!call.is_pending());
    assert_eq!(call.wait().code, OTB_STATUS_DEADLINE_EXCEEDED);
}

#[test]
fn logs_reach_the_instance_sink_with_fields() {
    let instance = host::create("probe", PROCESSOR, "probe/logs", "{}", 4242).expect("created");
    assert_eq!(act(&instance, "log").wait().code, OTB_STATUS_OK);
    let logs = host::LOGS.lock().expect("logs");
    let event = logs
        .iter()
        .find(|e| e.sink == 4242)
        .expect("the event reached sink 4242");
    assert_eq!(
        (event.level, event.message.as_str()),
        (OTB_LOG_INFO, "probe saw a batch")
    );
    let fields = String::from_utf8_lossy(&event.fields);
    for name in ["batch.bytes", "probe.ok", "ratio"] {
        assert!(fields.contains(name), "field {name} in {fields:?}");
    }
}

#[test]
fn a_null_instance_is_an_error_not_a_crash() {
    host::handshake();
    let null = host::Instance(std::ptr::null_mut());
    let out = host::consume(&null, TRACES, 0, &[], &[]).wait();
    assert_eq!(out.code, OTB_STATUS_INTERNAL);
    assert!(out.message.contains("instance is NULL"), "{}", out.message);
}

#[test]
fn extensions_fail_or_panic_in_start_as_errors() {
    let failing = host::create(
        "probeext",
        EXTENSION,
        "probeext/fail",
        r#"{"fail_start":true}"#,
        1,
    )
    .expect("created");
    let out = host::start(&failing).wait();
    assert_eq!(
        (out.code, out.message.as_str()),
        (OTB_STATUS_PERMANENT, "probeext refused to start")
    );

    let panicking = host::create(
        "probeext",
        EXTENSION,
        "probeext/panic",
        r#"{"panic_on_start":true}"#,
        1,
    )
    .expect("created");
    let out = host::start(&panicking).wait();
    assert_eq!(out.code, OTB_STATUS_PANICKED);
    assert!(
        out.message.contains("panicked on purpose in start"),
        "{}",
        out.message
    );

    let slow = host::create(
        "probeext",
        EXTENSION,
        "probeext/slow",
        r#"{"start_delay":"20ms"}"#,
        1,
    )
    .expect("created");
    let call = host::start(&slow);
    assert!(call.is_pending());
    assert_eq!(call.wait().code, OTB_STATUS_OK);
    assert_eq!(host::shutdown(&slow).wait().code, OTB_STATUS_OK);
}

#[test]
fn bad_configs_fail_create_with_the_field_path() {
    let err = host::create("probe", PROCESSOR, "probe/bad", r#"{"weight":0}"#, 1)
        .err()
        .expect("invalid");
    assert_eq!(
        err,
        (
            OTB_STATUS_INVALID_CONFIG,
            "weight: must be at least 1".to_owned()
        )
    );
}

#[test]
fn status_and_metrics_reach_the_instance_sink() {
    let instance = host::create("probe", PROCESSOR, "probe/telemetry", "{}", 777).expect("created");
    let instrument = {
        let instruments = host::INSTRUMENTS.lock().expect("instruments");
        let position = instruments
            .iter()
            .position(|(sink, kind, name)| *sink == 777 && *kind == 1 && name == "probe_batches")
            .expect("the probe created its counter for sink 777 in create");
        position as u64 + 1
    };
    assert_eq!(
        act(&instance, "status:recoverable").wait().code,
        OTB_STATUS_OK
    );
    let statuses = host::STATUSES.lock().expect("statuses");
    assert!(
        statuses.contains(&(777, 2, "probe reports a recoverable error".to_owned())),
        "{statuses:?}"
    );
    let measurements = host::MEASUREMENTS.lock().expect("measurements");
    let (_, value, attributes) = measurements
        .iter()
        .find(|(id, _, _)| *id == instrument)
        .expect("the counter was incremented");
    assert_eq!(*value, 1.0);
    let attributes = String::from_utf8_lossy(attributes);
    assert!(
        attributes.contains("action") && attributes.contains("status"),
        "{attributes}"
    );
}

#[test]
fn a_receiver_hands_batches_to_the_host_with_its_context() {
    const RECEIVER: u32 = 1;
    const LOGS_AND_TRACES: u32 = 0b101;
    let sink = 5150;
    let instance = host::create_with_next(
        "probercv",
        RECEIVER,
        r#"{"batches": 2, "metadata": {"x-tenant": ["a", "b"]}}"#,
        sink,
        LOGS_AND_TRACES,
    )
    .expect("created");
    let started = host::start(&instance).wait();
    assert_eq!(started.code, OTB_STATUS_OK, "{started:?}");
    let stopped = host::shutdown(&instance).wait();

    assert_eq!(stopped.code, OTB_STATUS_OK, "{stopped:?}");

    let consumed: Vec<_> = host::CONSUMED
        .lock()
        .expect("consumed")
        .iter()
        .filter(|c| c.sink == sink)
        .cloned()
        .collect();
    let signals: Vec<u32> = consumed.iter().map(|c| c.signal).collect();
    assert_eq!(
        signals,
        [1, 3, 1, 3],
        "traces and logs, twice, in order; no metrics"
    );
    let expected_ctx = {
        let mut ctx = host::context(&[("x-tenant", &["a", "b"])]);
        ctx.push(OTB_CONTEXT_PEER_ADDR);
        let peer = b"192.0.2.7:4711";
        ctx.extend_from_slice(&(peer.len() as u32).to_le_bytes());
        ctx.extend_from_slice(peer);
        ctx
    };
    for batch in &consumed {
        assert_eq!(batch.ctx, expected_ctx);
        assert_eq!(batch.deadline, 0);
    }
    let first = ExportTraceServiceRequest::decode(consumed[0].data.as_slice()).expect("OTLP");
    assert_eq!(
        first.resource_spans[0].scope_spans[0].spans[0].name,
        "probercv"
    );
}

#[test]
fn a_receiver_needs_its_next_consumers() {
    const RECEIVER: u32 = 1;
    let err = host::create("probercv", RECEIVER, "probercv", "{}", 1).err();
    let (code, message) = err.expect("a receiver without next consumers is refused");
    assert_eq!(code, OTB_STATUS_INTERNAL);
    assert!(message.contains("needs its next consumers"), "{message}");
}

#[test]
fn a_task_an_extension_leaves_running_is_aborted_at_shutdown_and_logged() {
    let sink = 6060;
    let leaky = host::create(
        "probeext",
        EXTENSION,
        "probeext/leaky",
        r#"{"leak_task":true}"#,
        sink,
    )
    .expect("created");
    assert_eq!(host::start(&leaky).wait().code, OTB_STATUS_OK);
    assert_eq!(host::shutdown(&leaky).wait().code, OTB_STATUS_OK);
    let logs = host::LOGS.lock().expect("logs");
    let warning = logs
        .iter()
        .find(|e| e.sink == sink && e.level == OTB_LOG_WARN)
        .expect("a warning reached the extension's sink");
    assert_eq!(
        warning.message,
        "probeext/leaky: 1 background task still running after shutdown; aborted"
    );
}
