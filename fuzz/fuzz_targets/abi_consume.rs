//! Arbitrary OTLP bytes through `instance_consume` into the `redact` example processor (masking,
//! hashing, a summary attribute and drop filters), for each signal. Never a panic: a batch is
//! processed or refused as malformed (`OTB_STATUS_PERMANENT`). For a batch prost decodes, the
//! same processor run through the SDK answers edits that all address something the batch has,
//! as Go requires to apply them.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{Batch, Context, CreateSettings, ExportRequest, Outcome, Signal};
use otelbridge_abi::abi::{
    OTB_OUTCOME_DROPPED, OTB_OUTCOME_EDITED, OTB_OUTCOME_REPLACED, OTB_OUTCOME_UNCHANGED,
    OTB_STATUS_OK, OTB_STATUS_PERMANENT,
};
use otelbridge_fuzz::host::{self, Instance};

/// Rules that match what seeds and mutations hold: digits, e-mail-like text, anything.
const CONFIG: &str = r#"{
    "rules": [
        {"pattern": "[0-9]{4}", "action": "mask"},
        {"pattern": "@", "action": "hash", "attributes": ["user.email", "k"]},
        {"pattern": "(?i)secret"}
    ],
    "drop": [{"attribute": "drop", "pattern": "^y"}],
    "summary_attribute": "redacted"
}"#;

fn redact() -> &'static Instance {
    static REDACT: OnceLock<Instance> = OnceLock::new();
    REDACT.get_or_init(|| {
        let instance = host::create(host::component("redact"), b"redact", CONFIG.as_bytes())
            .expect("redact config");
        instance.start().check("start redact");
        instance
    })
}

/// The same processor through the SDK, to see its edits before they are encoded.
fn sdk() -> &'static otelbridge::private::Instance {
    static SDK: OnceLock<otelbridge::private::Instance> = OnceLock::new();
    SDK.get_or_init(|| {
        otelbridge::private::create(
            &redact::factory(),
            &CreateSettings::new("redact/sdk"),
            CONFIG.as_bytes(),
        )
        .expect("redact config")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    let (signal, abi_signal) = match selector % 3 {
        0 => (Signal::Traces, 1),
        1 => (Signal::Metrics, 2),
        _ => (Signal::Logs, 3),
    };
    let reply = redact().consume(abi_signal, 0, &[], data);
    reply.check("consume");
    match reply.code {
        OTB_STATUS_OK => assert!(matches!(
            reply.outcome,
            OTB_OUTCOME_UNCHANGED | OTB_OUTCOME_REPLACED | OTB_OUTCOME_EDITED | OTB_OUTCOME_DROPPED
        )),
        OTB_STATUS_PERMANENT => {}
        code => panic!("unexpected status {code}: {}", reply.message),
    }
    match signal {
        Signal::Traces => resolves::<ExportTraceServiceRequest>(signal, data),
        Signal::Metrics => resolves::<ExportMetricsServiceRequest>(signal, data),
        Signal::Logs => resolves::<ExportLogsServiceRequest>(signal, data),
    }
});

/// Go hands Rust canonical bytes (pdata re-encodes what it received), so re-encode what prost
/// decodes and check that the edits made for it apply.
fn resolves<T: ExportRequest>(signal: Signal, data: &[u8]) {
    let Ok(received) = Batch::<T>::from_bytes(data).decode() else {
        return;
    };
    let canonical = received.encode_to_vec();
    let ctx = Context::background();
    let outcome = otelbridge::private::handle()
        .block_on(sdk().process(&ctx, signal, &canonical))
        .expect("redact takes every batch prost decodes");
    if let Outcome::Edited(edits) = outcome
        && let Err(err) = Outcome::Edited(edits.clone()).resolve(&received)
    {
        panic!("redact made an edit the batch cannot take: {err}; edits {edits:?}");
    }
}
