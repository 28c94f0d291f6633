//! `faults`: a processor that panics when a batch asks it to, for the example collector's
//! end-to-end tests (examples/collector, `TestAPanickingRustProcessorIsReplaced`). It is no
//! example to follow and the shipped example collector does not have it: the tests build it in
//! (`go build -tags e2e` of the hand-written collector, a `cargo:` line for the builder's).
//!
//! ```yaml
//! processors:
//!   faults:
//!     attribute: faults.panic # the default
//! ```
//!
//! A batch with a resource that has the attribute makes the processor panic, with the
//! attribute's value as the panic message; every other batch passes on unchanged.

use otelbridge::TracesBatch;
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::view::Attributes;
use otelbridge::{Config, ConfigError, Context, CreateSettings, Error, Factory, LogsBatch};
use otelbridge::{MetricsBatch, Outcome, Processor, ProcessorFactory, Signals, Stability};

/// The component type operators write in the collector config.
pub const TYPE: &str = "faults";

/// `processors: { faults: { attribute: faults.panic } }`
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultsConfig {
    /// The resource attribute that makes the processor panic (default = faults.panic).
    pub attribute: String,
}

impl Default for FaultsConfig {
    fn default() -> Self {
        Self {
            attribute: "faults.panic".into(),
        }
    }
}

impl Config for FaultsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.attribute.is_empty() {
            return Err(ConfigError::new("attribute", "must not be empty"));
        }
        Ok(())
    }
}

/// The processor's factory, for `otelbridge_abi::export_components!` or a `cargo:` line.
pub fn factory() -> Factory {
    Factory::processor(FaultsFactory)
}

struct FaultsFactory;

impl ProcessorFactory for FaultsFactory {
    type Config = FaultsConfig;
    type Processor = FaultsProcessor;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(&self, _: &CreateSettings, config: FaultsConfig) -> Result<FaultsProcessor, Error> {
        Ok(FaultsProcessor { config })
    }
}

/// Panics on a batch with a resource that has the configured attribute; passes the rest on.
#[derive(Debug)]
pub struct FaultsProcessor {
    config: FaultsConfig,
}

impl FaultsProcessor {
    /// Panics if one of `resources` has the attribute.
    fn check<'a>(&self, resources: impl Iterator<Item = Attributes<'a>>) {
        for mut attributes in resources {
            if let Some(attribute) = attributes.find(|a| a.key() == self.config.attribute) {
                let message = attribute.str().unwrap_or_default();
                panic!("faults: {message}");
            }
        }
    }
}

impl Processor for FaultsProcessor {
    async fn process_traces(
        &self,
        _: &Context,
        batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()));
        Ok(Outcome::Unchanged)
    }

    async fn process_metrics(
        &self,
        _: &Context,
        batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()));
        Ok(Outcome::Unchanged)
    }

    async fn process_logs(
        &self,
        _: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()));
        Ok(Outcome::Unchanged)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::testing::{self, Harness};

    use super::*;

    const CALM: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"cart"}}]},"scopeSpans":[{"spans":[{"name":"a"}]}]}]}"#;
    const ASKING: &str = r#"{"resourceSpans":[{"resource":{"attributes":[
        {"key":"faults.panic","value":{"stringValue":"as asked"}}]},"scopeSpans":[{"spans":[{"name":"a"}]}]}]}"#;

    #[tokio::test]
    async fn batches_without_the_attribute_pass_on_unchanged() {
        let harness = Harness::started(&factory(), "").await.expect("starts");
        let input = testing::traces_from_json(CALM).expect("json");
        assert!(
            harness
                .process(&input)
                .await
                .expect("processed")
                .is_unchanged()
        );
    }

    #[tokio::test]
    #[should_panic(expected = "faults: as asked")]
    async fn a_batch_with_the_attribute_panics() {
        let harness = Harness::started(&factory(), "").await.expect("starts");
        let input = testing::traces_from_json(ASKING).expect("json");
        let _ = harness.process(&input).await;
    }

    #[test]
    fn errors_name_the_field() {
        let err = testing::config_error(&factory(), r#"{"attribute":""}"#);
        assert_eq!(err.to_string(), "attribute: must not be empty");
    }
}
