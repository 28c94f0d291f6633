//! The connector: decode a traces batch, aggregate it, send the metrics on and answer with what
//! the next consumer answered.

use std::time::{SystemTime, UNIX_EPOCH};

use otelbridge::{Config, Connector, Context, Error, Next, TracesBatch};

use crate::aggregate::aggregate;
use crate::config::SpanStatsConfig;
use crate::metrics;

/// The `spanstats` connector. The collector gets it through [`crate::factory`]; Rust code can
/// also build one directly and call it through [`Connector`].
///
/// It keeps no state between batches: each traces batch becomes one metrics batch of delta
/// counts, sent before `consume_traces` returns, so nothing is lost at shutdown and the next
/// consumer's errors and backpressure reach whoever sent the spans.
#[derive(Debug)]
pub struct SpanStatsConnector {
    config: SpanStatsConfig,
    next: Next,
}

impl SpanStatsConnector {
    /// Validates `config` and makes a connector that sends its metrics to `next`. Has no side
    /// effects.
    pub fn new(config: SpanStatsConfig, next: Next) -> Result<SpanStatsConnector, Error> {
        config.validate()?;
        Ok(SpanStatsConnector { config, next })
    }
}

impl Connector for SpanStatsConnector {
    async fn consume_traces(&self, ctx: &Context, batch: TracesBatch<'_>) -> Result<(), Error> {
        let request = batch.decode()?;
        let config = &self.config;
        let aggregates = aggregate(&request, &config.dimensions, &config.buckets_ms);
        if aggregates.is_empty() {
            return Ok(());
        }
        let output = metrics::build(&config.namespace, &config.buckets_ms, &aggregates, now());
        tracing::debug!(
            spans = aggregates.span_count(),
            groups = aggregates.group_count(),
            "spanstats aggregated a batch"
        );
        self.next.send_metrics(ctx, &output).await
    }
}

/// The wall clock in Unix nanoseconds (0 before 1970, which only a broken clock gives).
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        })
}

#[cfg(test)]
mod tests {
    use otelbridge::CreateSettings;
    use otelbridge::proto::metrics::v1::{
        HistogramDataPoint, NumberDataPoint, ResourceMetrics, metric::Data,
        number_data_point::Value,
    };
    use otelbridge::proto::trace::v1::span::SpanKind;
    use otelbridge::proto::{ExportMetricsServiceRequest, ExportTraceServiceRequest};
    use otelbridge::testing::{Harness, Sink};
    use otelbridge::{ErrorKind, Signal, Signals};

    use super::*;
    use crate::aggregate::string_attribute;
    use crate::testutil::{MS, get, request, service, span};

    /// A started connector from a JSON config, run as the collector runs it, and its next
    /// consumer.
    async fn connector(json: &str) -> (Harness, Sink) {
        let sink = Sink::new();
        let settings = CreateSettings::new("spanstats").with_next(sink.next(Signals::METRICS));
        let connector = Harness::started_with(&crate::factory(), &settings, json)
            .await
            .expect("valid config");
        (connector, sink)
    }

    async fn consume(
        connector: &Harness,
        request: &ExportTraceServiceRequest,
    ) -> Result<(), Error> {
        connector.consume(request).await
    }

    /// Consumes one batch and gives back the one metrics batch it made.
    async fn run(json: &str, request: &ExportTraceServiceRequest) -> ExportMetricsServiceRequest {
        let (connector, sink) = connector(json).await;
        consume(&connector, request).await.expect("consumed");
        let mut sent = sink.metrics();
        assert_eq!(sent.len(), 1, "one metrics batch per traces batch");
        sent.remove(0)
    }

    fn calls(rm: &ResourceMetrics) -> &[NumberDataPoint] {
        match &rm.scope_metrics[0].metrics[0].data {
            Some(Data::Sum(sum)) => &sum.data_points,
            other => panic!("calls is a sum, got {other:?}"),
        }
    }

    fn durations(rm: &ResourceMetrics) -> &[HistogramDataPoint] {
        match &rm.scope_metrics[0].metrics[1].data {
            Some(Data::Histogram(histogram)) => &histogram.data_points,
            other => panic!("duration is a histogram, got {other:?}"),
        }
    }

    fn count(point: &NumberDataPoint) -> i64 {
        match point.value {
            Some(Value::AsInt(n)) => n,
            other => panic!("calls are ints, got {other:?}"),
        }
    }

    fn service_of(rm: &ResourceMetrics) -> &str {
        let resource = rm.resource.as_ref().expect("resource");
        get(&resource.attributes, "service.name").expect("service.name")
    }

    #[tokio::test]
    async fn counts_every_span_in_its_group() {
        let input = request(vec![(
            service("shop"),
            vec![
                span("GET /", SpanKind::Server, 0, MS),
                span("GET /", SpanKind::Server, 0, MS),
                span("GET /", SpanKind::Server, 0, MS),
                span("SELECT", SpanKind::Client, 0, MS),
            ],
        )]);
        let output = run("{}", &input).await;
        let rm = &output.resource_metrics[0];
        let names: Vec<_> = rm.scope_metrics[0]
            .metrics
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["spanstats.calls", "spanstats.duration"]);
        let counts: Vec<_> = calls(rm)
            .iter()
            .map(|point| {
                let attributes = &point.attributes;
                (
                    get(attributes, "span.name").expect("name"),
                    get(attributes, "span.kind").expect("kind"),
                    get(attributes, "status.code").expect("status"),
                    count(point),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("GET /", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET", 3),
                ("SELECT", "SPAN_KIND_CLIENT", "STATUS_CODE_UNSET", 1),
            ]
        );
        let histogram_counts: Vec<_> = durations(rm).iter().map(|p| p.count).collect();
        assert_eq!(histogram_counts, [3, 1]);
    }

    #[tokio::test]
    async fn a_5ms_span_lands_in_the_default_4_to_6_bucket() {
        let input = request(vec![(
            service("shop"),
            vec![span("op", SpanKind::Server, 100 * MS, 105 * MS)],
        )]);
        let output = run("{}", &input).await;
        let point = &durations(&output.resource_metrics[0])[0];
        assert_eq!(point.explicit_bounds[1..3], [4.0, 6.0]);
        assert_eq!(point.bucket_counts.len(), point.explicit_bounds.len() + 1);
        let mut expected = vec![0; 17];
        expected[2] = 1;
        assert_eq!(point.bucket_counts, expected);
        assert_eq!(point.count, 1);
        assert_eq!(point.sum, Some(5.0));
        assert_eq!(point.start_time_unix_nano, 100 * MS);
        assert!(point.time_unix_nano >= point.start_time_unix_nano);
    }

    #[tokio::test]
    async fn histogram_buckets_sum_to_the_count_with_sum_min_and_max() {
        let spans = [1, 3, 12, 12, 450, 20_000]
            .iter()
            .map(|ms| span("op", SpanKind::Internal, MS, MS + ms * MS))
            .collect();
        let output = run(
            r#"{"buckets_ms":[2,10,100,1000]}"#,
            &request(vec![(service("shop"), spans)]),
        )
        .await;
        let point = &durations(&output.resource_metrics[0])[0];
        assert_eq!(point.count, 6);
        assert_eq!(point.bucket_counts.iter().sum::<u64>(), point.count);
        assert_eq!(point.bucket_counts, [1, 1, 2, 1, 1]);
        assert_eq!(point.sum, Some(20_478.0));
        assert_eq!((point.min, point.max), (Some(1.0), Some(20_000.0)));
    }

    #[tokio::test]
    async fn two_services_give_two_resources() {
        let input = request(vec![
            (
                service("shop"),
                vec![
                    span("a", SpanKind::Server, 0, MS),
                    span("a", SpanKind::Server, 0, MS),
                ],
            ),
            (service("cart"), vec![span("b", SpanKind::Server, 0, MS)]),
        ]);
        let output = run("{}", &input).await;
        let summary: Vec<_> = output
            .resource_metrics
            .iter()
            .map(|rm| (service_of(rm), count(&calls(rm)[0])))
            .collect();
        assert_eq!(summary, [("cart", 1), ("shop", 2)]);
        for rm in &output.resource_metrics {
            let scope = rm.scope_metrics[0].scope.as_ref().expect("scope");
            assert_eq!(scope.name, "otelbridge/spanstats");
        }
    }

    #[tokio::test]
    async fn missing_service_name_is_unknown_service() {
        let input = request(vec![(None, vec![span("op", SpanKind::Server, 0, MS)])]);
        let output = run("{}", &input).await;
        assert_eq!(service_of(&output.resource_metrics[0]), "unknown_service");
    }

    #[tokio::test]
    async fn configured_dimensions_and_namespace_appear() {
        let mut routed = span("GET", SpanKind::Server, 0, MS);
        routed
            .attributes
            .push(string_attribute("http.route", "/items"));
        routed.attributes.push(string_attribute("ignored", "x"));
        let input = request(vec![(service("shop"), vec![routed])]);
        let output = run(
            r#"{"namespace":"shop.spans","dimensions":["http.route","absent"]}"#,
            &input,
        )
        .await;
        let rm = &output.resource_metrics[0];
        assert_eq!(rm.scope_metrics[0].metrics[0].name, "shop.spans.calls");
        assert_eq!(rm.scope_metrics[0].metrics[1].name, "shop.spans.duration");
        for attributes in [&calls(rm)[0].attributes, &durations(rm)[0].attributes] {
            let keys: Vec<_> = attributes.iter().map(|kv| kv.key.as_str()).collect();
            assert_eq!(
                keys,
                ["span.name", "span.kind", "status.code", "http.route"]
            );
            assert_eq!(get(attributes, "http.route"), Some("/items"));
        }
    }

    #[tokio::test]
    async fn emitted_counts_add_up_to_the_spans_consumed() {
        let (connector, sink) = connector(r#"{"dimensions":["n"]}"#).await;
        let mut spans_in = 0;
        for batch in 0..4_i64 {
            let spans: Vec<_> = (0..batch * 3 + 1)
                .map(|i| {
                    let mut span = span(&format!("op{}", i % 3), SpanKind::Server, 0, i as u64);
                    span.attributes
                        .push(crate::testutil::int_attribute("n", i % 2));
                    span
                })
                .collect();
            spans_in += spans.len() as i64;
            consume(&connector, &request(vec![(service("shop"), spans)]))
                .await
                .expect("consumed");
        }
        let sent = sink.metrics();
        assert_eq!(sent.len(), 4);
        let counted: i64 = sent
            .iter()
            .flat_map(|request| &request.resource_metrics)
            .flat_map(|rm| calls(rm).iter().map(count))
            .sum();
        assert_eq!(counted, spans_in);
    }

    #[tokio::test]
    async fn an_empty_batch_sends_nothing() {
        let (connector, sink) = connector("{}").await;
        consume(&connector, &request(vec![]))
            .await
            .expect("nothing to do");
        consume(&connector, &request(vec![(service("shop"), vec![])]))
            .await
            .expect("nothing to do");
        assert!(sink.sent().is_empty());
    }

    #[tokio::test]
    async fn the_next_consumers_error_is_returned() {
        let (connector, sink) = connector("{}").await;
        sink.answer_with(|_| Err(Error::retryable("queue full")));
        let input = request(vec![(
            service("shop"),
            vec![span("op", SpanKind::Server, 0, 1)],
        )]);
        let err = consume(&connector, &input).await.expect_err("next failed");
        assert_eq!(err.kind(), ErrorKind::Retryable);
        assert_eq!(err.message(), "queue full");
    }

    #[tokio::test]
    async fn malformed_batches_are_a_permanent_error() {
        let (connector, sink) = connector("{}").await;
        let err = connector
            .call(&Context::background(), Signal::Traces, vec![0xff, 0xff])
            .await
            .expect_err("garbage");
        assert!(err.is_permanent());
        assert!(sink.sent().is_empty());
    }

    #[test]
    fn invalid_config_is_refused() {
        let next = Next::from_fn(Signals::METRICS, |_, _, _| async { Ok(()) });
        let config = SpanStatsConfig {
            namespace: String::new(),
            ..Default::default()
        };
        let err = SpanStatsConnector::new(config, next).expect_err("empty namespace");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.message(), "namespace: must not be empty");
    }
}
