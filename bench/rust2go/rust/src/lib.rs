//! The Rust half of otelbridge's rust2go peer benchmark (`bench/rust2go`): the work of the
//! otelbridge test library's `probe` processor (actions `pass` and `rewrite`) behind rust2go's
//! Go-to-Rust calls, so that the benchmark compares the two call mechanisms on the same work.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use prost::Message;

mod peer;

use peer::{G2RPeer, G2RPeerImpl, TracesRequest, TracesResponse};

/// The outcomes, numbered as the ABI's `OTB_OUTCOME_*`, and the failure.
const OUTCOME_UNCHANGED: u8 = 0;
const OUTCOME_REPLACED: u8 = 1;
const OUTCOME_FAILED: u8 = 255;

impl G2RPeer for G2RPeerImpl {
    fn nop() {}

    fn pass(request: TracesRequest) -> TracesResponse {
        // rust2go hands the function an owned copy of the batch; a function that never reads it
        // lets the optimizer delete that copy, which no real processor would. black_box keeps it
        // (and does nothing else); pass_unread shows the difference.
        std::hint::black_box(&request.data);
        unchanged()
    }

    fn pass_unread(_request: TracesRequest) -> TracesResponse {
        unchanged()
    }

    fn rewrite(request: TracesRequest) -> TracesResponse {
        // The probe's rewrite: decode, put probe.seen=true on every resource, encode.
        let mut message = match ExportTraceServiceRequest::decode(request.data.as_slice()) {
            Ok(message) => message,
            Err(err) => {
                return TracesResponse {
                    outcome: OUTCOME_FAILED,
                    data: Vec::new(),
                    error: err.to_string(),
                }
            }
        };
        let attributes = vec![string_attribute("probe.seen", "true")];
        for rs in &mut message.resource_spans {
            rs.resource
                .get_or_insert_with(Default::default)
                .attributes
                .extend_from_slice(&attributes);
        }
        TracesResponse {
            outcome: OUTCOME_REPLACED,
            data: message.encode_to_vec(),
            error: String::new(),
        }
    }
}

fn unchanged() -> TracesResponse {
    TracesResponse {
        outcome: OUTCOME_UNCHANGED,
        data: Vec::new(),
        error: String::new(),
    }
}

fn string_attribute(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_owned())),
        }),
        ..Default::default()
    }
}
