//! Decoding takes every string Go's pdata takes: each test encodes a request whose strings are
//! three-byte markers, spoils the first byte of each marker on the wire (0xff is never UTF-8),
//! and expects the decoded request to read U+FFFD there and nothing else changed.

use prost::Message;

use crate::proto::common::v1::{
    AnyValue, ArrayValue, EntityRef, InstrumentationScope, KeyValue, KeyValueList, any_value::Value,
};
use crate::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use crate::proto::metrics::v1::{Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics};
use crate::proto::resource::v1::Resource;
use crate::proto::trace::v1::span::{Event, Link};
use crate::proto::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Batch, ExportRequest, LogsBatch, MetricsBatch, TracesBatch};

/// Bytes that are not UTF-8 and must cross untouched: `bytes` fields are no text.
const NOT_TEXT: [u8; 4] = [0xff, 0xfe, 0xc3, 0x28];

/// Builds requests with every string a marker; `text` says how the marker reads.
struct Markers<F: Fn(&str) -> String> {
    text: F,
}

impl<F: Fn(&str) -> String> Markers<F> {
    fn s(&self, marker: &str) -> String {
        (self.text)(marker)
    }

    fn string(&self, marker: &str) -> AnyValue {
        AnyValue {
            value: Some(Value::StringValue(self.s(marker))),
        }
    }

    fn attributes(&self) -> Vec<KeyValue> {
        let nested = KeyValueList {
            values: vec![KeyValue {
                key: self.s("#k2"),
                value: Some(self.string("#v2")),
                ..Default::default()
            }],
        };
        let array = ArrayValue {
            values: vec![self.string("#v3")],
        };
        vec![
            KeyValue {
                key: self.s("#k1"),
                value: Some(self.string("#v1")),
                ..Default::default()
            },
            KeyValue {
                key: "map".into(),
                value: Some(AnyValue {
                    value: Some(Value::KvlistValue(nested)),
                }),
                ..Default::default()
            },
            KeyValue {
                key: "list".into(),
                value: Some(AnyValue {
                    value: Some(Value::ArrayValue(array)),
                }),
                ..Default::default()
            },
            KeyValue {
                key: "bytes".into(),
                value: Some(AnyValue {
                    value: Some(Value::BytesValue(NOT_TEXT.to_vec())),
                }),
                ..Default::default()
            },
        ]
    }

    fn resource(&self) -> Option<Resource> {
        Some(Resource {
            attributes: self.attributes(),
            entity_refs: vec![EntityRef {
                schema_url: self.s("#e1"),
                r#type: self.s("#e2"),
                id_keys: vec![self.s("#e3")],
                description_keys: vec![self.s("#e4")],
            }],
            ..Default::default()
        })
    }

    fn scope(&self) -> Option<InstrumentationScope> {
        Some(InstrumentationScope {
            name: self.s("#s1"),
            version: self.s("#s2"),
            attributes: self.attributes(),
            ..Default::default()
        })
    }

    fn traces(&self) -> ExportTraceServiceRequest {
        let span = Span {
            trace_id: [NOT_TEXT; 4].concat(),
            span_id: [NOT_TEXT; 2].concat(),
            trace_state: self.s("#t1"),
            name: self.s("#t2"),
            attributes: self.attributes(),
            events: vec![Event {
                name: self.s("#t3"),
                attributes: self.attributes(),
                ..Default::default()
            }],
            links: vec![Link {
                trace_id: [NOT_TEXT; 4].concat(),
                trace_state: self.s("#t4"),
                attributes: self.attributes(),
                ..Default::default()
            }],
            status: Some(Status {
                message: self.s("#t5"),
                code: 2,
            }),
            ..Default::default()
        };
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: self.resource(),
                scope_spans: vec![ScopeSpans {
                    scope: self.scope(),
                    spans: vec![span],
                    schema_url: self.s("#u1"),
                }],
                schema_url: self.s("#u2"),
            }],
        }
    }

    fn logs(&self) -> ExportLogsServiceRequest {
        let record = LogRecord {
            severity_text: self.s("#l1"),
            event_name: self.s("#l2"),
            body: Some(self.string("#l3")),
            attributes: self.attributes(),
            trace_id: [NOT_TEXT; 4].concat(),
            ..Default::default()
        };
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: self.resource(),
                scope_logs: vec![ScopeLogs {
                    scope: self.scope(),
                    log_records: vec![record],
                    schema_url: self.s("#u1"),
                }],
                schema_url: self.s("#u2"),
            }],
        }
    }

    fn metrics(&self) -> ExportMetricsServiceRequest {
        let metric = Metric {
            name: self.s("#m1"),
            description: self.s("#m2"),
            unit: self.s("#m3"),
            metadata: self.attributes(),
            data: Some(crate::proto::metrics::v1::metric::Data::Gauge(Gauge {
                data_points: vec![NumberDataPoint {
                    attributes: self.attributes(),
                    ..Default::default()
                }],
            })),
        };
        ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: self.resource(),
                scope_metrics: vec![ScopeMetrics {
                    scope: self.scope(),
                    metrics: vec![metric],
                    schema_url: self.s("#u1"),
                }],
                schema_url: self.s("#u2"),
            }],
        }
    }
}

const AS_SENT: Markers<fn(&str) -> String> = Markers {
    text: |marker| marker.to_string(),
};
const AS_READ: Markers<fn(&str) -> String> = Markers {
    text: |marker| format!("\u{FFFD}{}", &marker[1..]),
};

/// `request` encoded, with the first byte of every marker made 0xff.
fn spoiled(request: &impl Message) -> Vec<u8> {
    let mut bytes = request.encode_to_vec();
    let mut spoiled = 0;
    for at in 0..bytes.len().saturating_sub(2) {
        if bytes[at] == b'#' && bytes[at + 1].is_ascii_lowercase() && bytes[at + 2].is_ascii_digit()
        {
            bytes[at] = 0xff;
            spoiled += 1;
        }
    }
    assert!(spoiled > 20, "only {spoiled} markers found");
    bytes
}

fn decodes_lossily<T: ExportRequest>(sent: T, read: T) {
    let bytes = spoiled(&sent);
    assert!(
        T::decode(bytes.as_slice()).is_err(),
        "prost refuses the batch"
    );
    let decoded = Batch::<T>::from_bytes(&bytes)
        .decode()
        .expect("pdata takes it, so must decode");
    assert_eq!(decoded, read);
}

#[test]
fn every_string_that_is_not_utf8_decodes_lossily_and_bytes_stay_as_sent() {
    decodes_lossily(AS_SENT.traces(), AS_READ.traces());
    decodes_lossily(AS_SENT.logs(), AS_READ.logs());
    decodes_lossily(AS_SENT.metrics(), AS_READ.metrics());
}

#[test]
fn parts_decode_lossily_too() {
    let bytes = spoiled(&AS_SENT.traces());
    let batch = TracesBatch::from_bytes(&bytes);
    let view = batch.view().expect("sound framing");
    let resource = view.resources().next().expect("one resource");
    let span = resource
        .scopes()
        .next()
        .expect("one scope")
        .records()
        .next()
        .expect("one span");
    let read = AS_READ.traces().resource_spans[0].scope_spans[0].spans[0].clone();
    assert_eq!(span.decode().expect("the span decodes"), read);
    let value = span
        .attributes()
        .next()
        .expect("one attribute")
        .decode_value();
    assert_eq!(value.expect("the value decodes"), AS_READ.string("#v1"));

    let bytes = spoiled(&AS_SENT.logs());
    let batch = LogsBatch::from_bytes(&bytes);
    let view = batch.view().expect("sound framing");
    let resource = view.resources().next().expect("one resource");
    let record = resource
        .scopes()
        .next()
        .expect("one scope")
        .records()
        .next();
    let body = record.expect("one record").decode_body();
    assert_eq!(body.expect("the body decodes"), AS_READ.string("#l3"));

    let bytes = spoiled(&AS_SENT.metrics());
    let batch = MetricsBatch::from_bytes(&bytes);
    let view = batch.view().expect("sound framing");
    let resource = view.resources().next().expect("one resource");
    let metric = resource
        .scopes()
        .next()
        .expect("one scope")
        .records()
        .next();
    let read = AS_READ.metrics().resource_metrics[0].scope_metrics[0].metrics[0].clone();
    assert_eq!(metric.expect("one metric").decode().expect("decodes"), read);
}

#[test]
fn malformed_framing_still_fails_with_prosts_error() {
    let bytes = spoiled(&AS_SENT.traces());
    for cut in [1, bytes.len() / 2, bytes.len() - 1] {
        let err = TracesBatch::from_bytes(&bytes[..cut])
            .decode()
            .expect_err("cut short");
        assert!(err.is_permanent());
        assert!(err.message().starts_with("decoding OTLP protobuf"), "{err}");
    }
}

#[test]
fn deep_values_are_repaired_in_one_copy() {
    // An invalid string and a large byte value at the bottom of an array nested 40 deep: the
    // repaired batch decodes lossily, and its size shows each byte was copied once (a copy per
    // level would not grow it, but every nested length is rewritten in place, 5 bytes each).
    fn nested(leaf: Vec<AnyValue>, levels: usize) -> AnyValue {
        (0..levels).fold(
            AnyValue {
                value: Some(Value::ArrayValue(ArrayValue { values: leaf })),
            },
            |inner, _| AnyValue {
                value: Some(Value::ArrayValue(ArrayValue {
                    values: vec![inner],
                })),
            },
        )
    }
    let blob = vec![0xab; 64 << 10];
    let leaf = |text: &str| {
        vec![
            AnyValue {
                value: Some(Value::StringValue(text.into())),
            },
            AnyValue {
                value: Some(Value::BytesValue(blob.clone())),
            },
        ]
    };
    let request = |text: &str| ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![KeyValue {
                    key: "deep".into(),
                    value: Some(nested(leaf(text), 40)),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        }],
    };
    let bytes = spoiled_once(&request("#x1"));
    let repaired =
        super::repair_text(&bytes, &crate::view::TRACES).expect("one string is repaired");
    assert!(
        repaired.len() <= bytes.len() + 2 + super::LENGTH_WIDTH * 100,
        "{} bytes repaired from {}",
        repaired.len(),
        bytes.len()
    );
    let decoded = TracesBatch::from_bytes(&bytes)
        .decode()
        .expect("decodes lossily");
    assert_eq!(decoded, request("\u{FFFD}x1"));
}

/// `request` encoded with the first byte of its one marker made 0xff.
fn spoiled_once(request: &impl Message) -> Vec<u8> {
    let mut bytes = request.encode_to_vec();
    let at = bytes
        .windows(3)
        .position(|w| w == b"#x1")
        .expect("the marker");
    bytes[at] = 0xff;
    bytes
}
