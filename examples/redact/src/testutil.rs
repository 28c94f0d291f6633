//! Builders and readers the unit tests share.

use otelbridge::TracesBatch;
use otelbridge::prost::Message;
use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::{AnyValue, ArrayValue, KeyValue, any_value::Value};
use otelbridge::proto::resource::v1::Resource;
use otelbridge::proto::trace::v1::ResourceSpans;
use otelbridge::testing::Processed;
use otelbridge::view::Attributes;

use crate::{RedactConfig, RedactProcessor};

/// A processor from a JSON config.
pub(crate) fn processor(json: &str) -> RedactProcessor {
    let config: RedactConfig = otelbridge::testing::parse_config(json).expect("valid config");
    RedactProcessor::new(config).expect("compiles")
}

/// A string attribute.
pub(crate) fn string_attribute(key: &str, value: &str) -> KeyValue {
    attribute(key, Value::StringValue(value.to_owned()))
}

/// An int attribute.
pub(crate) fn int_attribute(key: &str, value: i64) -> KeyValue {
    attribute(key, Value::IntValue(value))
}

/// An array-of-strings attribute.
pub(crate) fn array(key: &str, values: Vec<&str>) -> KeyValue {
    let values = values
        .into_iter()
        .map(|v| AnyValue {
            value: Some(Value::StringValue(v.to_owned())),
        })
        .collect();
    attribute(key, Value::ArrayValue(ArrayValue { values }))
}

fn attribute(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

/// A resource with these attributes.
pub(crate) fn resource(attributes: Vec<KeyValue>) -> Option<Resource> {
    Some(Resource {
        attributes,
        ..Default::default()
    })
}

/// The string value of an attribute, or "" if it is not a string.
pub(crate) fn string(kv: &KeyValue) -> &str {
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(text)) => text,
        _ => "",
    }
}

/// The string value of `key` among `attributes`.
pub(crate) fn get<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    attributes.iter().find(|kv| kv.key == key).map(string)
}

/// The int value of `key` among `attributes`.
pub(crate) fn get_int(attributes: &[KeyValue], key: &str) -> Option<i64> {
    let kv = attributes.iter().find(|kv| kv.key == key)?;
    match kv.value.as_ref()?.value.as_ref()? {
        Value::IntValue(n) => Some(*n),
        _ => None,
    }
}

/// Runs `f` on a view of `attributes` (as a resource's, in an encoded traces request).
pub(crate) fn viewed<R>(attributes: &[KeyValue], f: impl FnOnce(Attributes<'_>) -> R) -> R {
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(attributes.to_vec()),
            ..Default::default()
        }],
    };
    let bytes = request.encode_to_vec();
    let view = TracesBatch::from_bytes(&bytes).view().expect("valid");
    let resource = view.resources().next().expect("one resource");
    f(resource.attributes())
}

/// The batch passed on, which the processor changed.
pub(crate) fn replaced<T: std::fmt::Debug>(processed: Processed<T>) -> T {
    assert!(!processed.is_unchanged(), "expected a changed batch");
    let outcome = format!("{:?}", processed.outcome());
    processed
        .into_passed_on()
        .unwrap_or_else(|| panic!("expected a changed batch, got {outcome}"))
}
