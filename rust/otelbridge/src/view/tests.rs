//! Views must read exactly what prost decodes: every test compares the two on the same bytes.

use prost::Message;

use super::*;
use crate::proto::common::v1::{ArrayValue, KeyValue, KeyValueList, any_value::Value};
use crate::proto::logs::v1::{ResourceLogs, ScopeLogs};
use crate::proto::metrics::v1::{
    Exemplar, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram,
    HistogramDataPoint, NumberDataPoint, ResourceMetrics, ScopeMetrics, Summary, SummaryDataPoint,
    metric::Data,
};
use crate::proto::resource::v1::Resource;
use crate::proto::trace::v1::span::{Event, Link};
use crate::proto::trace::v1::{ResourceSpans, ScopeSpans};
use crate::{LogsBatch, MetricsBatch, TracesBatch};

fn any(value: Value) -> Option<AnyValue> {
    Some(AnyValue { value: Some(value) })
}

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: any(value),
        ..Default::default()
    }
}

/// One attribute of every value type, nested ones included.
fn attributes(seed: i64) -> Vec<KeyValue> {
    vec![
        kv("s", Value::StringValue(format!("text {seed}"))),
        kv("b", Value::BoolValue(seed % 2 == 0)),
        kv("i", Value::IntValue(-seed)),
        kv("d", Value::DoubleValue(seed as f64 / 4.0)),
        kv("bytes", Value::BytesValue(vec![1, 2, seed as u8])),
        kv(
            "array",
            Value::ArrayValue(ArrayValue {
                values: vec![any(Value::StringValue("x".into())).unwrap_or_default()],
            }),
        ),
        kv(
            "list",
            Value::KvlistValue(KeyValueList {
                values: vec![kv("inner", Value::IntValue(seed))],
            }),
        ),
        KeyValue {
            key: "empty".into(),
            ..Default::default()
        },
    ]
}

/// Whether a view value is the prost value.
fn same(view: ValueView<'_>, value: &Option<AnyValue>) -> bool {
    match (&view, value.as_ref().and_then(|v| v.value.as_ref())) {
        (ValueView::Empty, None) => true,
        (ValueView::Str(a), Some(Value::StringValue(b))) => a == b,
        (ValueView::Bool(a), Some(Value::BoolValue(b))) => a == b,
        (ValueView::Int(a), Some(Value::IntValue(b))) => a == b,
        (ValueView::Double(a), Some(Value::DoubleValue(b))) => a == b,
        (ValueView::Bytes(a), Some(Value::BytesValue(b))) => *a == b.as_slice(),
        (ValueView::Array(_), Some(Value::ArrayValue(array))) => {
            let items: Vec<_> = view.items().collect();
            items.len() == array.values.len()
                && items
                    .iter()
                    .zip(&array.values)
                    .all(|(a, b)| same(a.clone(), &Some(b.clone())))
        }
        (ValueView::KvList(_), Some(Value::KvlistValue(list))) => {
            same_attributes(view.entries(), &list.values)
        }
        _ => false,
    }
}

fn same_attributes(view: Attributes<'_>, decoded: &[KeyValue]) -> bool {
    let view: Vec<_> = view.collect();
    view.len() == decoded.len()
        && view.iter().zip(decoded).all(|(a, b)| {
            a.key() == b.key
                && same(a.value(), &b.value)
                && a.decode_value().ok() == Some(b.value.clone().unwrap_or_default())
        })
}

fn resource(seed: i64) -> Option<Resource> {
    Some(Resource {
        attributes: attributes(seed),
        ..Default::default()
    })
}

fn scope(seed: i64) -> Option<InstrumentationScope> {
    Some(InstrumentationScope {
        name: format!("scope {seed}"),
        version: "1.0".into(),
        attributes: attributes(seed),
        ..Default::default()
    })
}

use crate::proto::common::v1::InstrumentationScope;

#[test]
fn traces_views_read_what_prost_decodes() {
    let request = ExportTraceServiceRequest {
        resource_spans: (0..2)
            .map(|r| ResourceSpans {
                resource: resource(r),
                scope_spans: (0..2)
                    .map(|s| ScopeSpans {
                        scope: scope(s),
                        spans: (0..3)
                            .map(|i| Span {
                                name: format!("span {r}/{s}/{i}"),
                                trace_id: vec![7; 16],
                                attributes: attributes(i),
                                events: vec![Event {
                                    name: "e".into(),
                                    attributes: attributes(i + 1),
                                    ..Default::default()
                                }],
                                links: vec![Link {
                                    attributes: attributes(i + 2),
                                    ..Default::default()
                                }],
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                schema_url: "https://schema".into(),
            })
            .collect(),
    };
    let bytes = request.encode_to_vec();
    let view = TracesBatch::from_bytes(&bytes).view().expect("valid");
    let resources: Vec<_> = view.resources().collect();
    assert_eq!(resources.len(), 2);
    for (rv, rs) in resources.iter().zip(&request.resource_spans) {
        assert!(same_attributes(
            rv.attributes(),
            &rs.resource.as_ref().expect("set").attributes
        ));
        assert_eq!(rv.schema_url(), "https://schema");
        let scopes: Vec<_> = rv.scopes().collect();
        assert_eq!(scopes.len(), rs.scope_spans.len());
        for (sv, ss) in scopes.iter().zip(&rs.scope_spans) {
            let scope = ss.scope.as_ref().expect("set");
            assert_eq!(
                (sv.name(), sv.version()),
                (scope.name.as_str().into(), "1.0".into())
            );
            assert!(same_attributes(sv.attributes(), &scope.attributes));
            let spans: Vec<_> = sv.records().collect();
            assert_eq!(spans.len(), ss.spans.len());
            for (view, span) in spans.iter().zip(&ss.spans) {
                assert_eq!(view.name(), span.name);
                assert_eq!(view.trace_id(), span.trace_id.as_slice());
                assert!(same_attributes(view.attributes(), &span.attributes));
                let events: Vec<_> = view.events().collect();
                assert_eq!(events.len(), 1);
                assert_eq!(events[0].name(), "e");
                assert!(same_attributes(
                    events[0].attributes(),
                    &span.events[0].attributes
                ));
                let links: Vec<_> = view.links().collect();
                assert!(same_attributes(
                    links[0].attributes(),
                    &span.links[0].attributes
                ));
                assert_eq!(view.decode().ok().as_ref(), Some(span));
            }
        }
    }
}

#[test]
fn logs_views_read_what_prost_decodes() {
    let request = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(1),
            scope_logs: vec![ScopeLogs {
                log_records: vec![
                    LogRecord {
                        body: any(Value::StringValue("hello".into())),
                        severity_text: "INFO".into(),
                        attributes: attributes(3),
                        ..Default::default()
                    },
                    LogRecord::default(),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let bytes = request.encode_to_vec();
    let view = LogsBatch::from_bytes(&bytes).view().expect("valid");
    let resource = view.resources().next().expect("one");
    let scope = resource.scopes().next().expect("one");
    assert_eq!(scope.name(), "", "no scope message");
    let records: Vec<_> = scope.records().collect();
    let decoded = &request.resource_logs[0].scope_logs[0].log_records;
    assert_eq!(records[0].body(), Some(ValueView::Str("hello".into())));
    assert_eq!(records[0].severity_text(), "INFO");
    assert!(same_attributes(
        records[0].attributes(),
        &decoded[0].attributes
    ));
    assert_eq!(records[1].body(), None);
    assert_eq!(records[1].attributes().count(), 0);
}

#[test]
fn metrics_views_read_every_point_type_and_exemplar() {
    let exemplars = |seed| {
        vec![Exemplar {
            filtered_attributes: attributes(seed),
            ..Default::default()
        }]
    };
    let data = vec![
        Data::Gauge(Gauge {
            data_points: vec![NumberDataPoint {
                attributes: attributes(1),
                exemplars: exemplars(2),
                ..Default::default()
            }],
        }),
        Data::Sum(crate::proto::metrics::v1::Sum {
            data_points: vec![
                NumberDataPoint::default(),
                NumberDataPoint {
                    attributes: attributes(3),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }),
        Data::Histogram(Histogram {
            data_points: vec![HistogramDataPoint {
                attributes: attributes(4),
                exemplars: exemplars(5),
                bucket_counts: vec![1, 2],
                ..Default::default()
            }],
            ..Default::default()
        }),
        Data::ExponentialHistogram(ExponentialHistogram {
            data_points: vec![ExponentialHistogramDataPoint {
                attributes: attributes(6),
                exemplars: exemplars(7),
                ..Default::default()
            }],
            ..Default::default()
        }),
        Data::Summary(Summary {
            data_points: vec![SummaryDataPoint {
                attributes: attributes(8),
                ..Default::default()
            }],
        }),
    ];
    let request = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: data
                    .into_iter()
                    .map(|data| Metric {
                        name: "m".into(),
                        metadata: attributes(9),
                        data: Some(data),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let bytes = request.encode_to_vec();
    let view = MetricsBatch::from_bytes(&bytes).view().expect("valid");
    let scope = view
        .resources()
        .next()
        .and_then(|r| r.scopes().next())
        .expect("one");
    let decoded = &request.resource_metrics[0].scope_metrics[0].metrics;
    let metrics: Vec<_> = scope.records().collect();
    assert_eq!(metrics.len(), 5);
    for (view, metric) in metrics.iter().zip(decoded) {
        assert_eq!(view.name(), "m");
        assert!(same_attributes(view.metadata(), &metric.metadata));
        assert_eq!(view.decode().ok().as_ref(), Some(metric));
        let points: Vec<_> = view.data_points().collect();
        let (attrs, exemplars): (Vec<&[KeyValue]>, Vec<&[Exemplar]>) = match &metric.data {
            Some(Data::Gauge(g)) => g
                .data_points
                .iter()
                .map(|p| (&p.attributes[..], &p.exemplars[..]))
                .unzip(),
            Some(Data::Sum(s)) => s
                .data_points
                .iter()
                .map(|p| (&p.attributes[..], &p.exemplars[..]))
                .unzip(),
            Some(Data::Histogram(h)) => h
                .data_points
                .iter()
                .map(|p| (&p.attributes[..], &p.exemplars[..]))
                .unzip(),
            Some(Data::ExponentialHistogram(h)) => h
                .data_points
                .iter()
                .map(|p| (&p.attributes[..], &p.exemplars[..]))
                .unzip(),
            Some(Data::Summary(s)) => s
                .data_points
                .iter()
                .map(|p| (&p.attributes[..], &[][..]))
                .unzip(),
            None => (vec![], vec![]),
        };
        assert_eq!(points.len(), attrs.len());
        for ((point, attrs), exemplars) in points.iter().zip(attrs).zip(exemplars) {
            assert!(same_attributes(point.attributes(), attrs));
            let views: Vec<_> = point.exemplars().collect();
            assert_eq!(views.len(), exemplars.len());
            for (view, exemplar) in views.iter().zip(exemplars) {
                assert!(same_attributes(
                    view.filtered_attributes(),
                    &exemplar.filtered_attributes
                ));
            }
        }
    }
}

#[test]
fn text_that_is_not_utf8_is_read_lossily_and_only_framing_is_refused() {
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span {
                    name: "abc".into(),
                    attributes: vec![KeyValue {
                        key: "kkk".into(),
                        value: Some(AnyValue {
                            value: Some(Value::StringValue("vvv".into())),
                        }),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let mut bytes = request.encode_to_vec();
    // Go's pdata takes strings that are not UTF-8; so must a view.
    for marker in [&b"abc"[..], b"kkk", b"vvv"] {
        let at = bytes.windows(3).position(|w| w == marker).expect("marker");
        bytes[at] = 0xff;
    }
    let view = TracesBatch::from_bytes(&bytes)
        .view()
        .expect("sound framing");
    let resource = view.resources().next().expect("one resource");
    let scope = resource.scopes().next().expect("one scope");
    let span = scope.records().next().expect("one span");
    assert_eq!(span.name(), "\u{FFFD}bc");
    let attribute = span.attributes().next().expect("one attribute");
    assert_eq!(attribute.key(), "\u{FFFD}kk");
    assert_eq!(attribute.str().as_deref(), Some("\u{FFFD}vv"));
    for cut in 1..bytes.len() {
        let result = TracesBatch::from_bytes(&bytes[..cut]).view();
        assert!(result.is_err(), "cut at {cut} accepted");
    }
}

/// An attribute whose value is an array nested `levels` deep, around the string "leaf".
fn nested_attribute(levels: usize) -> KeyValue {
    let mut value = AnyValue {
        value: Some(Value::StringValue("leaf".into())),
    };
    for _ in 0..levels {
        value = AnyValue {
            value: Some(Value::ArrayValue(ArrayValue {
                values: vec![value],
            })),
        };
    }
    KeyValue {
        key: "deep".into(),
        value: Some(value),
        ..Default::default()
    }
}

#[test]
fn values_nested_past_the_checked_depth_fail_only_when_read() {
    // Go's pdata takes a value nested this deep; prost's decode of the whole batch would not.
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![nested_attribute(200), nested_attribute(3)],
                ..Default::default()
            }),
            ..Default::default()
        }],
    };
    let bytes = request.encode_to_vec();
    let view = TracesBatch::from_bytes(&bytes)
        .view()
        .expect("the batch is not refused for one deep value");
    let attributes: Vec<_> = view
        .resources()
        .next()
        .expect("one resource")
        .attributes()
        .collect();
    assert!(
        attributes[0].decode_value().is_err(),
        "prost refuses the deep value, and only it"
    );
    let shallow = attributes[1]
        .decode_value()
        .expect("a shallow value decodes");
    assert_eq!(shallow, nested_attribute(3).value.expect("value"));
    let mut value = attributes[1].value();
    for _ in 0..3 {
        value = value.items().next().expect("one item");
    }
    assert_eq!(value, ValueView::Str("leaf".into()));
}

#[test]
fn a_part_prost_cannot_decode_is_a_permanent_error_not_an_empty_value() {
    // A key-value list whose inner int value arrives length-delimited: its framing is sound (so
    // the view accepts the batch), but prost refuses the wire type.
    let inner_any = [0x1a, 2, b'a', b'b'];
    let inner_kv = [&[0x0a, 1, b'x', 0x12, 4][..], &inner_any].concat();
    let list = [&[0x0a, 9][..], &inner_kv].concat();
    let any = [&[0x32, 11][..], &list].concat();
    let kv = [&[0x0a, 1, b'k', 0x12, 13][..], &any].concat();
    let resource = [&[0x0a, 18][..], &kv].concat();
    let resource_spans = [&[0x0a, 20][..], &resource].concat();
    let request = [&[0x0a, 22][..], &resource_spans].concat();
    let view = TracesBatch::from_bytes(&request)
        .view()
        .expect("sound framing");
    let attribute = view
        .resources()
        .next()
        .and_then(|r| r.attributes().next())
        .expect("one attribute");
    assert_eq!(attribute.key(), "k");
    assert!(matches!(attribute.value(), ValueView::KvList(_)));
    let err = attribute.decode_value().expect_err("bad wire type");
    assert!(err.is_permanent(), "{err}");
}

#[test]
fn unknown_fields_in_groups_are_skipped_as_prost_and_pdata_skip_them() {
    // Found by the `otlp_views` fuzz target: a batch with an unknown field of the (proto2)
    // group wire type decoded with prost and Go's pdata, but its view was refused.
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(1),
            ..Default::default()
        }],
    };
    let mut bytes = request.encode_to_vec();
    // Field 12 as a group holding a varint, a nested group and a fixed32, then its end.
    bytes.extend_from_slice(&[12 << 3 | 3, 1 << 3, 7, 2 << 3 | 3, 2 << 3 | 4, 3 << 3 | 5]);
    bytes.extend_from_slice(&[0, 0, 0, 0, 12 << 3 | 4]);
    let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).expect("prost skips it");
    let batch = TracesBatch::from_bytes(&bytes);
    let view = batch.view().expect("the view skips it too");
    assert_eq!(view.resources().count(), decoded.resource_spans.len());
    // A group never opened, or never closed, is malformed for all three.
    for bad in [&[12 << 3 | 4][..], &[12 << 3 | 3, 1 << 3, 7]] {
        let mut bytes = request.encode_to_vec();
        bytes.extend_from_slice(bad);
        assert!(ExportTraceServiceRequest::decode(bytes.as_slice()).is_err());
        assert!(TracesBatch::from_bytes(&bytes).view().is_err(), "{bad:?}");
    }
}

#[test]
fn iterators_borrow_the_batch_not_the_view_they_came_from() {
    // Each view is a copy over the batch's bytes: an iterator from one outlives it, so views chain.
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span::default(), Span::default()],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    let bytes = request.encode_to_vec();
    let batch = TracesBatch::from_bytes(&bytes);
    let spans = batch
        .view()
        .expect("valid")
        .resources()
        .flat_map(|resource| resource.scopes())
        .flat_map(|scope| scope.records())
        .count();
    assert_eq!(spans, 2);
}
