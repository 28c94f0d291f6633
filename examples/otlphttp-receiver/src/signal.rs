//! What differs between the three OTLP/HTTP endpoints: the path, the request type and what an
//! item is.

use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::view::RequestView;
use otelbridge::{Batch, Error, Signal};

/// The signal whose endpoint is `path`, if it is one of OTLP's.
pub(crate) fn for_path(path: &str) -> Option<Signal> {
    match path {
        "/v1/traces" => Some(Signal::Traces),
        "/v1/metrics" => Some(Signal::Metrics),
        "/v1/logs" => Some(Signal::Logs),
        _ => None,
    }
}

/// Checks the framing of `body` as the `Export*ServiceRequest` of `signal` and counts its items
/// (spans, metric data points or log records), as the Go receiver counts them.
///
/// The bytes are read in place through the SDK's views: nothing is decoded or allocated, so a
/// request of a million empty spans costs its body and no more. Go decodes the batch again
/// when it reaches the pipeline, which refuses what the framing check lets through (a string
/// that is not UTF-8 where Go wants one, a scalar of the wrong wire type).
pub(crate) fn count_items(signal: Signal, body: &[u8]) -> Result<usize, Error> {
    fn records<'a, R: otelbridge::view::RecordView<'a> + 'a>(
        view: RequestView<'a, R>,
        count: impl Fn(R) -> usize,
    ) -> usize {
        let mut items = 0;
        for resource in view.resources() {
            for scope in resource.scopes() {
                items += scope.records().map(&count).sum::<usize>();
            }
        }
        items
    }
    Ok(match signal {
        Signal::Traces => records(
            Batch::<ExportTraceServiceRequest>::from_bytes(body).view()?,
            |_| 1,
        ),
        Signal::Metrics => records(
            Batch::<ExportMetricsServiceRequest>::from_bytes(body).view()?,
            |metric| metric.data_points().count(),
        ),
        Signal::Logs => records(
            Batch::<ExportLogsServiceRequest>::from_bytes(body).view()?,
            |_| 1,
        ),
    })
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use otelbridge::proto::metrics::v1::metric::Data;
    use otelbridge::proto::metrics::v1::{
        ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram, HistogramDataPoint,
        Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary, SummaryDataPoint,
    };
    use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
    use prost::Message;

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
                        Metric {
                            data: Some(Data::Sum(Sum {
                                data_points: vec![NumberDataPoint::default(); 2],
                                ..Sum::default()
                            })),
                            ..Metric::default()
                        },
                        Metric {
                            data: Some(Data::Histogram(Histogram {
                                data_points: vec![HistogramDataPoint::default(); 3],
                                ..Histogram::default()
                            })),
                            ..Metric::default()
                        },
                        Metric {
                            data: Some(Data::ExponentialHistogram(ExponentialHistogram {
                                data_points: vec![ExponentialHistogramDataPoint::default()],
                                ..ExponentialHistogram::default()
                            })),
                            ..Metric::default()
                        },
                        Metric {
                            data: Some(Data::Summary(Summary {
                                data_points: vec![SummaryDataPoint::default(); 5],
                            })),
                            ..Metric::default()
                        },
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
        assert_eq!(
            count(Signal::Metrics, metrics.encode_to_vec()),
            4 + 2 + 3 + 1 + 5
        );
        assert_eq!(count(Signal::Logs, logs.encode_to_vec()), 5);
        assert_eq!(count(Signal::Logs, Vec::new()), 0);
    }

    #[test]
    fn garbage_does_not_decode() {
        let err = count_items(Signal::Traces, b"\xff\xff\xff").expect_err("not protobuf");
        assert!(!err.to_string().is_empty());
    }
}
