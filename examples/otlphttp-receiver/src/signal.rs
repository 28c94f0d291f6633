//! What differs between the three OTLP/HTTP endpoints: the path, the request type and what an
//! item is.

use otelbridge::Signal;
use otelbridge::prost::{DecodeError, Message};
use otelbridge::proto::metrics::v1::metric::Data;
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};

/// The signal whose endpoint is `path`, if it is one of OTLP's.
pub(crate) fn for_path(path: &str) -> Option<Signal> {
    match path {
        "/v1/traces" => Some(Signal::Traces),
        "/v1/metrics" => Some(Signal::Metrics),
        "/v1/logs" => Some(Signal::Logs),
        _ => None,
    }
}

/// Checks that `body` is the `Export*ServiceRequest` of `signal` and counts its items (spans,
/// metric data points or log records), as the Go receiver counts them.
pub(crate) fn count_items(signal: Signal, body: &[u8]) -> Result<usize, DecodeError> {
    Ok(match signal {
        Signal::Traces => ExportTraceServiceRequest::decode(body)?
            .resource_spans
            .iter()
            .flat_map(|r| &r.scope_spans)
            .map(|s| s.spans.len())
            .sum(),
        Signal::Metrics => ExportMetricsServiceRequest::decode(body)?
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .map(|m| match &m.data {
                Some(Data::Gauge(g)) => g.data_points.len(),
                Some(Data::Sum(s)) => s.data_points.len(),
                Some(Data::Histogram(h)) => h.data_points.len(),
                Some(Data::ExponentialHistogram(h)) => h.data_points.len(),
                Some(Data::Summary(s)) => s.data_points.len(),
                None => 0,
            })
            .sum(),
        Signal::Logs => ExportLogsServiceRequest::decode(body)?
            .resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .map(|s| s.log_records.len())
            .sum(),
    })
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use otelbridge::proto::metrics::v1::{
        Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics,
    };
    use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};

    use super::*;

    #[test]
    fn paths_map_to_signals() {
        assert_eq!(for_path("/v1/traces"), Some(Signal::Traces));
        assert_eq!(for_path("/v1/metrics"), Some(Signal::Metrics));
        assert_eq!(for_path("/v1/logs"), Some(Signal::Logs));
        assert_eq!(for_path("/v1/traces/"), None);
        assert_eq!(for_path("/v1/profiles"), None);
    }

    #[test]
    fn items_are_counted_per_signal() {
        let traces = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![
                    ScopeSpans {
                        spans: vec![Span::default(); 2],
                        ..ScopeSpans::default()
                    },
                    ScopeSpans {
                        spans: vec![Span::default()],
                        ..ScopeSpans::default()
                    },
                ],
                ..ResourceSpans::default()
            }],
        };
        let metrics = ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics {
                    metrics: vec![
                        Metric {
                            data: Some(Data::Gauge(Gauge {
                                data_points: vec![NumberDataPoint::default(); 4],
                            })),
                            ..Metric::default()
                        },
                        Metric::default(),
                    ],
                    ..ScopeMetrics::default()
                }],
                ..ResourceMetrics::default()
            }],
        };
        let logs = ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord::default(); 5],
                    ..ScopeLogs::default()
                }],
                ..ResourceLogs::default()
            }],
        };
        let count = |signal, bytes: Vec<u8>| count_items(signal, &bytes).expect("decodes");
        assert_eq!(count(Signal::Traces, traces.encode_to_vec()), 3);
        assert_eq!(count(Signal::Metrics, metrics.encode_to_vec()), 4);
        assert_eq!(count(Signal::Logs, logs.encode_to_vec()), 5);
        assert_eq!(count(Signal::Logs, Vec::new()), 0);
    }

    #[test]
    fn garbage_does_not_decode() {
        let err = count_items(Signal::Traces, b"\xff\xff\xff").expect_err("not protobuf");
        assert!(!err.to_string().is_empty());
    }
}
