//! `spanstats`: an otelbridge connector that turns spans into metrics. It ends a traces pipeline
//! and feeds a metrics pipeline with, per service, span name, span kind and status code, a call
//! count and a duration histogram.
//!
//! ```yaml
//! connectors:
//!   spanstats:
//!     namespace: spanstats
//!     buckets_ms: [5, 10, 50, 100, 500, 1000]
//!     dimensions: [http.route]
//!
//! service:
//!   pipelines:
//!     traces:
//!       receivers: [otlp]
//!       exporters: [spanstats]
//!     metrics:
//!       receivers: [spanstats]
//!       exporters: [otlp]
//! ```
//!
//! # What it emits
//!
//! Each traces batch becomes one metrics batch, sent before the traces batch is acknowledged, so
//! the next consumer's errors and backpressure go back upstream and nothing is held across
//! batches or lost at shutdown. Counts are deltas: each batch's metrics describe that batch
//! alone, and the counts of all batches add up to the spans consumed. A batch without spans
//! sends nothing.
//!
//! Per service (the resource's `service.name`, or `unknown_service` if it has none), one resource
//! with that `service.name` holds one scope, `otelbridge/spanstats`, with two metrics:
//!
//! - `<namespace>.calls`: a monotonic delta sum of ints, unit `{call}`, the number of spans;
//! - `<namespace>.duration`: a delta histogram, unit `ms`, of end minus start (zero for a span
//!   that ends before it starts), with count, sum, min, max and the configured bucket bounds.
//!
//! Each has one data point per group, with the attributes `span.name`, `span.kind` and
//! `status.code` (the OTLP enum names, as the Go `spanmetrics` connector writes them:
//! `SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`), then each configured dimension the spans of the
//! group have, with the span attribute's value and type. Data points cover from the group's
//! earliest span start to the time the batch was aggregated.

mod aggregate;
mod config;
mod connector;
mod histogram;
mod metrics;
#[cfg(test)]
mod testutil;

use otelbridge::{ConnectorFactory, CreateSettings, Error, Factory, Next, Signals, Stability};

pub use config::{DEFAULT_BUCKETS_MS, DEFAULT_NAMESPACE, SpanStatsConfig};
pub use connector::SpanStatsConnector;
pub use metrics::SCOPE_NAME;

/// The component type operators write in the collector config.
pub const TYPE: &str = "spanstats";

/// The `spanstats` connector's factory, for `otelbridge_abi::export_components!`.
pub fn factory() -> Factory {
    Factory::connector(SpanStatsFactory)
}

struct SpanStatsFactory;

impl ConnectorFactory for SpanStatsFactory {
    type Config = SpanStatsConfig;
    type Connector = SpanStatsConnector;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;
    const INPUTS: Signals = Signals::TRACES;
    const OUTPUTS: Signals = Signals::METRICS;

    fn create(
        &self,
        _: &CreateSettings,
        config: SpanStatsConfig,
        next: Next,
    ) -> Result<SpanStatsConnector, Error> {
        SpanStatsConnector::new(config, next)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::trace::v1::span::SpanKind;
    use otelbridge::testing::{self, Harness, Sink};
    use otelbridge::{ErrorKind, Kind};

    use super::*;
    use crate::testutil::{request, service, span};

    #[test]
    fn factory_describes_a_traces_to_metrics_connector() {
        let factory = factory();
        assert_eq!(factory.type_name(), "spanstats");
        assert_eq!(factory.kind(), Kind::Connector);
        assert_eq!(factory.signals(), Signals::TRACES);
        assert_eq!(factory.signals_out(), Signals::METRICS);
        assert_eq!(factory.stability(), Stability::Development);
        testing::check_default_config(&factory).expect("the default config is valid");
    }

    #[test]
    fn factory_reports_validation_errors_with_their_path() {
        let err = testing::config_error(&factory(), r#"{"buckets_ms":[1,2,3,3]}"#);
        assert_eq!(err.path(), "buckets_ms[3]");
        let settings =
            CreateSettings::new("spanstats").with_next(Sink::new().next(Signals::METRICS));
        let err = Harness::create_with(&factory(), &settings, r#"{"dimensions":[""]}"#)
            .expect_err("empty dimension");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.message(), "dimensions[0]: must not be empty");
    }

    #[tokio::test]
    async fn factory_instance_turns_encoded_spans_into_metrics() {
        // Scenario: one span through a started instance, as the collector runs a connector.
        // Guarantees: the traces are consumed, and one metrics batch goes to the next consumer.
        let sink = Sink::new();
        let settings = CreateSettings::new("spanstats").with_next(sink.next(Signals::METRICS));
        let spanstats = Harness::started_with(&factory(), &settings, "")
            .await
            .expect("default config");
        let input = request(vec![(
            service("shop"),
            vec![span("op", SpanKind::Server, 0, 1)],
        )]);
        spanstats.consume(&input).await.expect("consumed");
        let sent = sink.metrics();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].resource_metrics.len(), 1);
        spanstats.shutdown().await.expect("stops");
    }
}
