//! Grouping one batch's spans: per service, span name, kind, status and configured dimensions,
//! a call count and a duration histogram. Pure functions, no state across batches.

use std::collections::BTreeMap;

use otelbridge::prost::Message;
use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::common::v1::{AnyValue, KeyValue, any_value::Value};
use otelbridge::proto::resource::v1::Resource;
use otelbridge::proto::trace::v1::Span;
use otelbridge::proto::trace::v1::span::SpanKind;
use otelbridge::proto::trace::v1::status::StatusCode;

use crate::histogram::Histogram;

/// The resource attribute spans are grouped by first.
pub(crate) const SERVICE_NAME: &str = "service.name";
/// The service of spans whose resource has no (non-empty, string) `service.name`, as the OTel
/// SDKs name it.
pub(crate) const UNKNOWN_SERVICE: &str = "unknown_service";
/// Data point attribute: the span's name.
pub(crate) const SPAN_NAME: &str = "span.name";
/// Data point attribute: the span's kind, as the OTLP enum names it (`SPAN_KIND_SERVER`).
pub(crate) const SPAN_KIND: &str = "span.kind";
/// Data point attribute: the span's status code, as the OTLP enum names it (`STATUS_CODE_ERROR`).
pub(crate) const STATUS_CODE: &str = "status.code";

/// One batch's spans, grouped: service name, then group. Ordered maps, so the metrics built from
/// them come out in the same order for the same spans.
#[derive(Debug, Default)]
pub(crate) struct Aggregates {
    pub(crate) services: BTreeMap<String, BTreeMap<GroupKey, Group>>,
}

impl Aggregates {
    /// Whether the batch held no span.
    pub(crate) fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// How many spans were counted.
    pub(crate) fn span_count(&self) -> u64 {
        self.groups().map(|group| group.durations.count).sum()
    }

    /// How many groups (data points per metric) there are.
    pub(crate) fn group_count(&self) -> usize {
        self.services.values().map(BTreeMap::len).sum()
    }

    fn groups(&self) -> impl Iterator<Item = &Group> {
        self.services.values().flat_map(BTreeMap::values)
    }
}

/// What tells groups of one service apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GroupKey {
    span_name: String,
    kind: &'static str,
    status: &'static str,
    /// Each dimension's value on the span, protobuf-encoded (an `AnyValue` may hold a float, so it
    /// is neither `Eq` nor `Ord`), or `None` where the span lacks the attribute.
    dimensions: Vec<Option<Vec<u8>>>,
}

/// The spans of one group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    /// The data point attributes: `span.name`, `span.kind`, `status.code`, then the configured
    /// dimensions the spans have, in config order.
    pub(crate) attributes: Vec<KeyValue>,
    /// The earliest span start, in Unix nanoseconds.
    pub(crate) start_time_unix_nano: u64,
    /// The span durations, in milliseconds.
    pub(crate) durations: Histogram,
}

/// Groups the spans of `request`, copying the span attributes named in `dimensions` and
/// counting durations against `bounds_ms`.
pub(crate) fn aggregate(
    request: &ExportTraceServiceRequest,
    dimensions: &[String],
    bounds_ms: &[f64],
) -> Aggregates {
    let mut aggregates = Aggregates::default();
    for resource_spans in &request.resource_spans {
        let spans = resource_spans
            .scope_spans
            .iter()
            .flat_map(|scope_spans| &scope_spans.spans);
        let mut spans = spans.peekable();
        if spans.peek().is_none() {
            continue; // no empty service entry, so an empty batch stays empty
        }
        let service = service_name(resource_spans.resource.as_ref());
        let groups = aggregates.services.entry(service.to_owned()).or_default();
        for span in spans {
            let kind = span_kind(span);
            let status = status_code(span);
            let values: Vec<Option<&AnyValue>> = dimensions
                .iter()
                .map(|key| attribute(&span.attributes, key))
                .collect();
            let key = GroupKey {
                span_name: span.name.clone(),
                kind,
                status,
                dimensions: values
                    .iter()
                    .map(|value| value.map(Message::encode_to_vec))
                    .collect(),
            };
            let group = groups.entry(key).or_insert_with(|| Group {
                attributes: group_attributes(span, kind, status, dimensions, &values),
                start_time_unix_nano: span.start_time_unix_nano,
                durations: Histogram::new(bounds_ms),
            });
            group.start_time_unix_nano = group.start_time_unix_nano.min(span.start_time_unix_nano);
            group.durations.record(bounds_ms, duration_ms(span));
        }
    }
    aggregates
}

/// The resource's `service.name`, or [`UNKNOWN_SERVICE`].
pub(crate) fn service_name(resource: Option<&Resource>) -> &str {
    let value = resource.and_then(|resource| attribute(&resource.attributes, SERVICE_NAME));
    match value.and_then(|value| value.value.as_ref()) {
        Some(Value::StringValue(name)) if !name.is_empty() => name,
        _ => UNKNOWN_SERVICE,
    }
}

/// The span's duration in milliseconds; zero if it ends before it starts.
pub(crate) fn duration_ms(span: &Span) -> f64 {
    let nanos = span
        .end_time_unix_nano
        .saturating_sub(span.start_time_unix_nano);
    nanos as f64 / 1_000_000.0
}

/// A string attribute.
pub(crate) fn string_attribute(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(Value::StringValue(value.to_owned())),
        }),
        ..Default::default()
    }
}

// Numbers outside the enums (from newer or broken senders) count as unspecified and unset.
fn span_kind(span: &Span) -> &'static str {
    SpanKind::try_from(span.kind)
        .unwrap_or(SpanKind::Unspecified)
        .as_str_name()
}

fn status_code(span: &Span) -> &'static str {
    let code = span.status.as_ref().map_or(0, |status| status.code);
    StatusCode::try_from(code)
        .unwrap_or(StatusCode::Unset)
        .as_str_name()
}

/// The value of the first attribute named `key`, if it has one.
fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
}

fn group_attributes(
    span: &Span,
    kind: &str,
    status: &str,
    dimensions: &[String],
    values: &[Option<&AnyValue>],
) -> Vec<KeyValue> {
    let mut attributes = vec![
        string_attribute(SPAN_NAME, &span.name),
        string_attribute(SPAN_KIND, kind),
        string_attribute(STATUS_CODE, status),
    ];
    for (key, value) in dimensions.iter().zip(values) {
        if let Some(value) = value {
            attributes.push(KeyValue {
                key: key.clone(),
                value: Some((*value).clone()),
                ..Default::default()
            });
        }
    }
    attributes
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::trace::v1::Status;

    use super::*;
    use crate::config::DEFAULT_BUCKETS_MS;
    use crate::testutil::{MS, get, int_attribute, request, service, span};

    fn groups<'a>(aggregates: &'a Aggregates, service: &str) -> Vec<&'a Group> {
        aggregates.services[service].values().collect()
    }

    #[test]
    fn groups_by_name_kind_and_status() {
        let mut error = span("GET /", SpanKind::Server, 0, 5 * MS);
        error.status = Some(Status {
            code: StatusCode::Error as i32,
            ..Default::default()
        });
        let input = request(vec![(
            service("shop"),
            vec![
                span("GET /", SpanKind::Server, 0, 5 * MS),
                span("GET /", SpanKind::Server, 0, 7 * MS),
                span("GET /", SpanKind::Client, 0, 1),
                span("query", SpanKind::Server, 0, 1),
                error,
            ],
        )]);
        let aggregates = aggregate(&input, &[], &DEFAULT_BUCKETS_MS);
        assert_eq!(aggregates.span_count(), 5);
        assert_eq!(aggregates.group_count(), 4);
        let counts: Vec<_> = groups(&aggregates, "shop")
            .iter()
            .map(|group| {
                let attributes = &group.attributes;
                (
                    get(attributes, SPAN_NAME).expect("name"),
                    get(attributes, SPAN_KIND).expect("kind"),
                    get(attributes, STATUS_CODE).expect("status"),
                    group.durations.count,
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("GET /", "SPAN_KIND_CLIENT", "STATUS_CODE_UNSET", 1),
                ("GET /", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR", 1),
                ("GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET", 2),
                ("query", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET", 1),
            ]
        );
    }

    #[test]
    fn durations_are_milliseconds_and_start_is_the_earliest() {
        let input = request(vec![(
            service("shop"),
            vec![
                span("op", SpanKind::Internal, 10 * MS, 15 * MS),
                span("op", SpanKind::Internal, 3 * MS, 3 * MS + MS / 2),
            ],
        )]);
        let aggregates = aggregate(&input, &[], &DEFAULT_BUCKETS_MS);
        let group = groups(&aggregates, "shop")[0];
        assert_eq!(group.start_time_unix_nano, 3 * MS);
        assert_eq!(group.durations.count, 2);
        assert_eq!(group.durations.sum, 5.5);
        assert_eq!((group.durations.min, group.durations.max), (0.5, 5.0));
        assert_eq!(group.durations.bucket_counts[0], 1, "0.5ms <= 2");
        assert_eq!(group.durations.bucket_counts[2], 1, "4 < 5ms <= 6");
    }

    #[test]
    fn spans_ending_before_they_start_last_zero() {
        assert_eq!(duration_ms(&span("op", SpanKind::Internal, 9, 3)), 0.0);
    }

    #[test]
    fn services_are_grouped_apart_and_merged_across_resources() {
        let input = request(vec![
            (service("shop"), vec![span("op", SpanKind::Server, 0, 1)]),
            (service("cart"), vec![span("op", SpanKind::Server, 0, 1)]),
            (service("shop"), vec![span("op", SpanKind::Server, 0, 1)]),
        ]);
        let aggregates = aggregate(&input, &[], &DEFAULT_BUCKETS_MS);
        let services: Vec<_> = aggregates.services.keys().map(String::as_str).collect();
        assert_eq!(services, ["cart", "shop"]);
        assert_eq!(groups(&aggregates, "shop")[0].durations.count, 2);
    }

    #[test]
    fn missing_or_unusable_service_name_is_unknown_service() {
        assert_eq!(service_name(None), UNKNOWN_SERVICE);
        assert_eq!(service_name(service("").as_ref()), UNKNOWN_SERVICE);
        let numeric = Resource {
            attributes: vec![int_attribute(SERVICE_NAME, 7)],
            ..Default::default()
        };
        assert_eq!(service_name(Some(&numeric)), UNKNOWN_SERVICE);
        assert_eq!(service_name(service("shop").as_ref()), "shop");
    }

    #[test]
    fn dimensions_split_groups_and_become_attributes() {
        let with = |route: Option<&str>| {
            let mut span = span("GET", SpanKind::Server, 0, 1);
            span.attributes.push(int_attribute("http.status", 200));
            if let Some(route) = route {
                span.attributes.push(string_attribute("http.route", route));
            }
            span
        };
        let input = request(vec![(
            service("shop"),
            vec![
                with(Some("/a")),
                with(Some("/b")),
                with(Some("/a")),
                with(None),
            ],
        )]);
        let dimensions = ["http.route".to_owned(), "http.status".to_owned()];
        let aggregates = aggregate(&input, &dimensions, &DEFAULT_BUCKETS_MS);
        let summary: Vec<_> = groups(&aggregates, "shop")
            .iter()
            .map(|group| {
                let keys: Vec<_> = group.attributes.iter().map(|kv| kv.key.as_str()).collect();
                (
                    keys,
                    get(&group.attributes, "http.route"),
                    group.durations.count,
                )
            })
            .collect();
        let with_route = vec![
            SPAN_NAME,
            SPAN_KIND,
            STATUS_CODE,
            "http.route",
            "http.status",
        ];
        let without_route = vec![SPAN_NAME, SPAN_KIND, STATUS_CODE, "http.status"];
        assert_eq!(
            summary,
            [
                (without_route, None, 1),
                (with_route.clone(), Some("/a"), 2),
                (with_route, Some("/b"), 1),
            ]
        );
        // Values keep their type.
        let status = groups(&aggregates, "shop")[0]
            .attributes
            .iter()
            .find(|kv| kv.key == "http.status")
            .expect("copied");
        assert_eq!(status, &int_attribute("http.status", 200));
    }

    #[test]
    fn a_batch_without_spans_is_empty() {
        let aggregates = aggregate(&request(vec![]), &[], &DEFAULT_BUCKETS_MS);
        assert!(aggregates.is_empty());
        let aggregates = aggregate(
            &request(vec![(service("shop"), vec![])]),
            &[],
            &DEFAULT_BUCKETS_MS,
        );
        assert!(aggregates.is_empty());
        assert_eq!(aggregates.span_count(), 0);
    }
}
