//! The processor: decode, apply the policy, and hand back the smallest honest outcome.

use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{
    Config, Context, Edits, Error, ErrorKind, LogsBatch, MetricsBatch, Outcome, Processor,
    TracesBatch,
};

use crate::config::RedactConfig;
use crate::counters::{Counters, Stats};
use crate::policy::{Policy, Tally};
use crate::{logs, metrics, traces};

/// The `redact` processor. The collector gets it through [`crate::factory`]; Rust code can also
/// build one directly and call it through [`Processor`].
#[derive(Debug)]
pub struct RedactProcessor {
    policy: Policy,
    counters: Counters,
}

impl RedactProcessor {
    /// Validates `config` and compiles its patterns. Has no side effects.
    pub fn new(config: RedactConfig) -> Result<RedactProcessor, Error> {
        config
            .validate()
            .map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))?;
        let policy = Policy::compile(&config)
            .map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))?;
        Ok(RedactProcessor {
            policy,
            counters: Counters::new(),
        })
    }

    /// What the processor has done so far.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// Applies the policy to one batch through `apply`, which reads it in place (a view) and
    /// records its changes. `Unchanged` (nothing sent back) when no rule or filter matched,
    /// `Dropped` when filters removed every record, and otherwise `Edited`: only the changed
    /// values and dropped records cross back, not the whole batch.
    fn run<T>(
        &self,
        signal: &'static str,
        apply: impl FnOnce(&Policy, &mut Edits) -> Result<Tally, Error>,
    ) -> Result<Outcome<T>, Error> {
        let (tally, outcome) = if self.policy.is_noop() {
            (Tally::default(), Outcome::Unchanged)
        } else {
            let mut edits = Edits::new();
            let tally = apply(&self.policy, &mut edits)?;
            let outcome = if tally.is_nothing() {
                Outcome::Unchanged
            } else if tally.dropped_all() {
                Outcome::Dropped
            } else {
                Outcome::Edited(edits)
            };
            (tally, outcome)
        };
        self.counters.record(tally);
        tracing::debug!(
            signal,
            values_redacted = tally.redacted,
            records_dropped = tally.dropped,
            "redact processed a batch"
        );
        Ok(outcome)
    }
}

impl Processor for RedactProcessor {
    async fn process_traces(
        &self,
        _ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        self.run("traces", |policy, edits| {
            traces::apply(policy, batch.view()?, edits)
        })
    }

    async fn process_metrics(
        &self,
        _ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        self.run("metrics", |policy, edits| {
            metrics::apply(policy, batch.view()?, edits)
        })
    }

    async fn process_logs(
        &self,
        _ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        self.run("logs", |policy, edits| {
            logs::apply(policy, batch.view()?, edits)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::processor;
    use otelbridge::prost::Message;
    use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn one_span_bytes() -> Vec<u8> {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span::default()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
        .encode_to_vec()
    }

    #[tokio::test]
    async fn empty_config_passes_batches_without_decoding_them() {
        let redact = processor("{}");
        // Not valid protobuf: decoding would fail, so Unchanged proves nothing was decoded.
        let garbage = [0xff, 0xff];
        let outcome = redact
            .process_traces(&Context::background(), TracesBatch::from_bytes(&garbage))
            .await
            .expect("not decoded");
        assert_eq!(outcome, Outcome::Unchanged);
        assert_eq!(redact.stats().batches, 1);
    }

    #[tokio::test]
    async fn malformed_batch_is_a_permanent_error() {
        let redact = processor(r#"{"rules":[{"pattern":"x"}]}"#);
        let err = redact
            .process_logs(&Context::background(), LogsBatch::from_bytes(&[0xff, 0xff]))
            .await
            .expect_err("garbage");
        assert!(err.is_permanent());
    }

    #[tokio::test]
    async fn stats_add_up_across_batches() {
        let redact = processor(r#"{"drop":[{"attribute":"k","pattern":"x"}]}"#);
        let bytes = one_span_bytes();
        for _ in 0..3 {
            let outcome = redact
                .process_traces(&Context::background(), TracesBatch::from_bytes(&bytes))
                .await
                .expect("valid");
            assert_eq!(outcome, Outcome::Unchanged);
        }
        assert_eq!(
            redact.stats(),
            Stats {
                batches: 3,
                values_redacted: 0,
                records_dropped: 0
            }
        );
    }

    #[test]
    fn new_rejects_an_invalid_config() {
        let config = RedactConfig {
            mask_text: String::new(),
            rules: vec![crate::Rule {
                pattern: "x".into(),
                ..Default::default()
            }],
            ..RedactConfig::default()
        };
        let err = RedactProcessor::new(config).expect_err("empty mask text");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(
            err.message(),
            "mask_text: must not be empty when a rule masks"
        );
    }
}
