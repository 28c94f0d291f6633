//! A host of ABI 1.2 knows no `OTB_OUTCOME_EDITED`: the library applies a component's edits
//! itself and hands back the whole batch. Its own test binary, because the library keeps the
//! first handshake's version for the life of the process.

// Drives the C ABI as a host does, which is unsafe by nature.
#![allow(unsafe_code)]

mod host;

// Links the library that defines the component list.
extern crate otelbridge_testlib;

use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::any_value::Value;
use otelbridge::proto::trace::v1::ResourceSpans;
use otelbridge_abi::abi::*;
use prost::Message;

#[test]
fn a_host_older_than_edits_gets_the_edited_batch_whole() {
    host::handshake_as(2);
    let instance = host::create("probe", 2, "probe/old-host", "{}", 11).expect("created");
    assert_eq!(host::start(&instance).wait().code, OTB_STATUS_OK);
    let data = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans::default()],
    }
    .encode_to_vec();
    let ctx = host::context(&[("probe-action", &["edit"])]);
    let out = host::consume(&instance, 1, 0, &ctx, &data).wait();
    assert_eq!(
        (out.code, out.outcome),
        (OTB_STATUS_OK, OTB_OUTCOME_REPLACED)
    );
    let request = ExportTraceServiceRequest::decode(out.data.as_slice()).expect("valid OTLP");
    let resource = request.resource_spans[0]
        .resource
        .clone()
        .unwrap_or_default();
    let seen = resource.attributes.iter().any(|kv| {
        kv.key == "probe.seen"
            && kv.value.as_ref().and_then(|v| v.value.as_ref())
                == Some(&Value::StringValue("true".into()))
    });
    assert!(seen, "the edit was applied: {resource:?}");
    assert_eq!(host::shutdown(&instance).wait().code, OTB_STATUS_OK);
}
