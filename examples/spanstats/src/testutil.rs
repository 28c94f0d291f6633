//! Builders and readers the unit tests share.

use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::{AnyValue, KeyValue, any_value::Value};
use otelbridge::proto::resource::v1::Resource;
use otelbridge::proto::trace::v1::span::SpanKind;
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};

use crate::aggregate::{SERVICE_NAME, string_attribute};

/// One millisecond, in nanoseconds.
pub(crate) const MS: u64 = 1_000_000;

/// A span of `kind` from `start` to `end` (Unix nanoseconds).
pub(crate) fn span(name: &str, kind: SpanKind, start: u64, end: u64) -> Span {
    Span {
        name: name.to_owned(),
        kind: kind as i32,
        start_time_unix_nano: start,
        end_time_unix_nano: end,
        ..Default::default()
    }
}

/// A resource with `service.name` set to `name`.
pub(crate) fn service(name: &str) -> Option<Resource> {
    Some(Resource {
        attributes: vec![string_attribute(SERVICE_NAME, name)],
        ..Default::default()
    })
}

/// A traces request with one resource (and one scope) per entry.
pub(crate) fn request(resources: Vec<(Option<Resource>, Vec<Span>)>) -> ExportTraceServiceRequest {
    let resource_spans = resources
        .into_iter()
        .map(|(resource, spans)| ResourceSpans {
            resource,
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        })
        .collect();
    ExportTraceServiceRequest { resource_spans }
}

/// An int attribute.
pub(crate) fn int_attribute(key: &str, value: i64) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(Value::IntValue(value)),
        }),
        ..Default::default()
    }
}

/// The string value of `key` among `attributes`, if it is a string.
pub(crate) fn get<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    let kv = attributes.iter().find(|kv| kv.key == key)?;
    match kv.value.as_ref()?.value.as_ref()? {
        Value::StringValue(text) => Some(text),
        _ => None,
    }
}
