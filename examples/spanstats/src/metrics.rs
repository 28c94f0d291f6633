//! Turning one batch's [`Aggregates`] into an OTLP metrics request: per service, a delta call
//! counter and a delta duration histogram, one data point per group.

use otelbridge::proto::ExportMetricsServiceRequest;
use otelbridge::proto::common::v1::InstrumentationScope;
use otelbridge::proto::metrics::v1::{
    AggregationTemporality, Histogram, HistogramDataPoint, Metric, NumberDataPoint,
    ResourceMetrics, ScopeMetrics, Sum, metric::Data, number_data_point::Value,
};
use otelbridge::proto::resource::v1::Resource;

use crate::aggregate::{Aggregates, Group, SERVICE_NAME, string_attribute};

/// The instrumentation scope of every metric the connector emits.
pub const SCOPE_NAME: &str = "otelbridge/spanstats";

/// Builds the metrics request for one batch. Data points cover from their group's earliest span
/// start (never later than `now`) to `now`, in Unix nanoseconds; each batch is its own delta, so
/// nothing carries over to the next.
pub(crate) fn build(
    namespace: &str,
    bounds_ms: &[f64],
    aggregates: &Aggregates,
    now: u64,
) -> ExportMetricsServiceRequest {
    let resource_metrics = aggregates
        .services
        .iter()
        .map(|(service, groups)| {
            let groups: Vec<&Group> = groups.values().collect();
            ResourceMetrics {
                resource: Some(Resource {
                    attributes: vec![string_attribute(SERVICE_NAME, service)],
                    ..Default::default()
                }),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(InstrumentationScope {
                        name: SCOPE_NAME.to_owned(),
                        version: env!("CARGO_PKG_VERSION").to_owned(),
                        ..Default::default()
                    }),
                    metrics: vec![
                        calls(namespace, &groups, now),
                        durations(namespace, bounds_ms, &groups, now),
                    ],
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }
        })
        .collect();
    ExportMetricsServiceRequest { resource_metrics }
}

fn calls(namespace: &str, groups: &[&Group], now: u64) -> Metric {
    let data_points = groups
        .iter()
        .map(|group| NumberDataPoint {
            attributes: group.attributes.clone(),
            start_time_unix_nano: group.start_time_unix_nano.min(now),
            time_unix_nano: now,
            value: Some(Value::AsInt(
                i64::try_from(group.durations.count).unwrap_or(i64::MAX),
            )),
            ..Default::default()
        })
        .collect();
    Metric {
        name: format!("{namespace}.calls"),
        description: "Spans, by service, span name, kind and status".to_owned(),
        unit: "{call}".to_owned(),
        data: Some(Data::Sum(Sum {
            data_points,
            aggregation_temporality: AggregationTemporality::Delta as i32,
            is_monotonic: true,
        })),
        ..Default::default()
    }
}

fn durations(namespace: &str, bounds_ms: &[f64], groups: &[&Group], now: u64) -> Metric {
    let data_points = groups
        .iter()
        .map(|group| {
            let histogram = &group.durations;
            HistogramDataPoint {
                attributes: group.attributes.clone(),
                start_time_unix_nano: group.start_time_unix_nano.min(now),
                time_unix_nano: now,
                count: histogram.count,
                sum: Some(histogram.sum),
                bucket_counts: histogram.bucket_counts.clone(),
                explicit_bounds: bounds_ms.to_vec(),
                min: Some(histogram.min),
                max: Some(histogram.max),
                ..Default::default()
            }
        })
        .collect();
    Metric {
        name: format!("{namespace}.duration"),
        description: "Span durations, by service, span name, kind and status".to_owned(),
        unit: "ms".to_owned(),
        data: Some(Data::Histogram(Histogram {
            data_points,
            aggregation_temporality: AggregationTemporality::Delta as i32,
        })),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::trace::v1::span::SpanKind;

    use super::*;
    use crate::aggregate::aggregate;
    use crate::testutil::{MS, get, request, service, span};

    const NOW: u64 = 1_000 * MS;

    fn build_for(spans: Vec<otelbridge::proto::trace::v1::Span>) -> ExportMetricsServiceRequest {
        let bounds = [1.0, 10.0];
        let aggregates = aggregate(&request(vec![(service("shop"), spans)]), &[], &bounds);
        build("web", &bounds, &aggregates, NOW)
    }

    #[test]
    fn one_resource_with_one_scope_and_two_metrics() {
        let output = build_for(vec![span("op", SpanKind::Server, 0, 1)]);
        assert_eq!(output.resource_metrics.len(), 1);
        let rm = &output.resource_metrics[0];
        let resource = rm.resource.as_ref().expect("resource");
        assert_eq!(get(&resource.attributes, SERVICE_NAME), Some("shop"));
        assert_eq!(rm.scope_metrics.len(), 1);
        let scope = rm.scope_metrics[0].scope.as_ref().expect("scope");
        assert_eq!(scope.name, SCOPE_NAME);
        let metrics = &rm.scope_metrics[0].metrics;
        let described: Vec<_> = metrics
            .iter()
            .map(|m| (m.name.as_str(), m.unit.as_str()))
            .collect();
        assert_eq!(described, [("web.calls", "{call}"), ("web.duration", "ms")]);
    }

    #[test]
    fn calls_are_a_monotonic_delta_sum_of_ints() {
        let output = build_for(vec![
            span("op", SpanKind::Server, 20 * MS, 21 * MS),
            span("op", SpanKind::Server, 10 * MS, 30 * MS),
        ]);
        let Some(Data::Sum(sum)) = &output.resource_metrics[0].scope_metrics[0].metrics[0].data
        else {
            panic!("calls is a sum");
        };
        assert!(sum.is_monotonic);
        assert_eq!(
            sum.aggregation_temporality,
            AggregationTemporality::Delta as i32
        );
        let point = &sum.data_points[0];
        assert_eq!(point.value, Some(Value::AsInt(2)));
        assert_eq!(
            (point.start_time_unix_nano, point.time_unix_nano),
            (10 * MS, NOW)
        );
        assert_eq!(get(&point.attributes, "span.name"), Some("op"));
    }

    #[test]
    fn durations_are_a_delta_histogram_with_bounds_and_extremes() {
        let output = build_for(vec![
            span("op", SpanKind::Server, 0, MS / 2),
            span("op", SpanKind::Server, 0, 5 * MS),
            span("op", SpanKind::Server, 0, 20 * MS),
        ]);
        let metric = &output.resource_metrics[0].scope_metrics[0].metrics[1];
        let Some(Data::Histogram(histogram)) = &metric.data else {
            panic!("duration is a histogram");
        };
        assert_eq!(
            histogram.aggregation_temporality,
            AggregationTemporality::Delta as i32
        );
        let point = &histogram.data_points[0];
        assert_eq!(point.count, 3);
        assert_eq!(point.sum, Some(25.5));
        assert_eq!((point.min, point.max), (Some(0.5), Some(20.0)));
        assert_eq!(point.explicit_bounds, [1.0, 10.0]);
        assert_eq!(point.bucket_counts, [1, 1, 1]);
    }

    #[test]
    fn start_is_never_after_now() {
        let output = build_for(vec![span("op", SpanKind::Server, NOW + MS, NOW + 2 * MS)]);
        let metric = &output.resource_metrics[0].scope_metrics[0].metrics[1];
        let Some(Data::Histogram(histogram)) = &metric.data else {
            panic!("duration is a histogram");
        };
        assert_eq!(histogram.data_points[0].start_time_unix_nano, NOW);
    }
}
