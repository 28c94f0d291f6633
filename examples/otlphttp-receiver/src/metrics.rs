//! The receiver's own metrics, reported to the collector's meter provider.

use otelbridge::Signal;
use otelbridge::telemetry::{self, Counter};

/// The counters of one receiver instance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    requests: Counter,
    items: Counter,
}

impl Metrics {
    /// Creates the counters for the current component: call from `create` or `start`.
    pub(crate) fn new() -> Metrics {
        Metrics {
            requests: telemetry::counter("otelcol_receiver_otlphttp_rs_requests")
                .description("OTLP/HTTP requests answered, by signal and HTTP status code")
                .unit("{request}")
                .build(),
            items: telemetry::counter("otelcol_receiver_otlphttp_rs_items")
                .description(
                    "Spans, metric data points and log records received, by signal and whether \
                     the pipeline accepted them",
                )
                .unit("{item}")
                .build(),
        }
    }

    /// Counts one answered request.
    pub(crate) fn request(&self, signal: Option<Signal>, status: u16) {
        let signal = signal.map_or_else(|| "none".to_owned(), |s| s.to_string());
        let status = status.to_string();
        self.requests
            .add(1.0, &[("signal", &signal), ("http_status", &status)]);
    }

    /// Counts the items of a request the pipeline accepted (`true`) or refused.
    pub(crate) fn items(&self, signal: Signal, count: usize, accepted: bool) {
        let outcome = if accepted { "accepted" } else { "refused" };
        self.items.add(
            count as f64,
            &[("signal", &signal.to_string()), ("outcome", outcome)],
        );
    }
}
