//! `faults`: a processor that fails as a batch asks it to, for the example collector's end-to-end
//! tests (examples/collector: `TestAPanickingRustProcessorIsReplaced`, `TestRustFaultIsolation`)
//! and the Go shim's tests (it is in `otelbridge-testlib`). It is no example to follow and the
//! shipped example collector does not have it: the tests build it in (`go build -tags e2e` of
//! the hand-written collector, a `cargo:` line for the builder's).
//!
//! ```yaml
//! processors:
//!   faults:
//!     attribute: faults.panic       # the default
//!     fault_attribute: faults.fault # the default
//! ```
//!
//! A batch with a resource that has `attribute` makes the processor panic, with the attribute's
//! value as the panic message: the bridge catches that, fails the call and replaces the instance.
//! A batch with a resource that has `fault_attribute` asks for a fault that nothing in the
//! process can catch, by its value:
//!
//! - `abort`: `std::process::abort()`;
//! - `stack_overflow`: unbounded recursion on the calling thread;
//! - `exit`: `std::process::exit(7)`;
//! - `leak`: allocates, writes (so it counts in the resident set) and forgets 64 MiB, then returns
//!   as if nothing happened, and a background task goes on leaking 64 MiB every 100 ms until the
//!   process is killed or runs out of memory;
//! - any other value: the call fails with a permanent error naming the value.
//!
//! In-process each of the four ends the collector; in subprocess mode, only the host program.
//! Every other batch passes on unchanged.

mod fault;

pub use fault::{EXIT_STATUS, Fault};

use otelbridge::TracesBatch;
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::view::Attributes;
use otelbridge::{Config, ConfigError, Context, CreateSettings, Error, Factory, LogsBatch};
use otelbridge::{MetricsBatch, Outcome, Processor, ProcessorFactory, Signals, Stability};

/// The component type operators write in the collector config.
pub const TYPE: &str = "faults";

/// `processors: { faults: { attribute: faults.panic, fault_attribute: faults.fault } }`
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultsConfig {
    /// The resource attribute that makes the processor panic (default = faults.panic).
    pub attribute: String,
    /// The resource attribute whose value names a fault, as [`Fault::parse`] reads it
    /// (default = faults.fault).
    pub fault_attribute: String,
}

impl Default for FaultsConfig {
    fn default() -> Self {
        Self {
            attribute: "faults.panic".into(),
            fault_attribute: "faults.fault".into(),
        }
    }
}

impl Config for FaultsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.attribute.is_empty() {
            return Err(ConfigError::new("attribute", "must not be empty"));
        }
        if self.fault_attribute.is_empty() {
            return Err(ConfigError::new("fault_attribute", "must not be empty"));
        }
        if self.fault_attribute == self.attribute {
            return Err(ConfigError::new(
                "fault_attribute",
                "must differ from attribute",
            ));
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

/// Panics or strikes a [`Fault`] on a batch with a resource that has one of the configured
/// attributes; passes the rest on.
#[derive(Debug)]
pub struct FaultsProcessor {
    config: FaultsConfig,
}

impl FaultsProcessor {
    /// Panics if one of `resources` has the panic attribute; strikes the fault the first one with
    /// the fault attribute names, or fails if that names none.
    fn check<'a>(&self, resources: impl Iterator<Item = Attributes<'a>>) -> Result<(), Error> {
        if let Some(fault) = self.fault(resources)? {
            fault.strike();
        }
        Ok(())
    }

    /// Panics if one of `resources` has the panic attribute; returns the fault the first one with
    /// the fault attribute asks for, without striking it.
    fn fault<'a>(
        &self,
        resources: impl Iterator<Item = Attributes<'a>>,
    ) -> Result<Option<Fault>, Error> {
        let config = &self.config;
        for attributes in resources {
            for attribute in attributes {
                let key = attribute.key();
                if key == config.attribute {
                    let message = attribute.str().unwrap_or_default();
                    panic!("faults: {message}");
                }
                if key == config.fault_attribute {
                    let value = attribute.str().unwrap_or_default();
                    return Fault::parse(&config.fault_attribute, &value).map(Some);
                }
            }
        }
        Ok(None)
    }
}

impl Processor for FaultsProcessor {
    async fn process_traces(
        &self,
        _: &Context,
        batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()))?;
        Ok(Outcome::Unchanged)
    }

    async fn process_metrics(
        &self,
        _: &Context,
        batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()))?;
        Ok(Outcome::Unchanged)
    }

    async fn process_logs(
        &self,
        _: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        self.check(batch.view()?.resources().map(|r| r.attributes()))?;
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

    /// A batch whose second resource has `key` = `value`.
    fn asking_for(key: &str, value: &str) -> String {
        format!(
            r#"{{"resourceSpans":[
            {{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"cart"}}}}]}},"scopeSpans":[{{"spans":[{{"name":"a"}}]}}]}},
            {{"resource":{{"attributes":[{{"key":"{key}","value":{{"stringValue":"{value}"}}}}]}},"scopeSpans":[{{"spans":[{{"name":"b"}}]}}]}}]}}"#
        )
    }

    /// The fault a processor with `config` finds in `json`, without striking it.
    fn fault_in(config: FaultsConfig, json: &str) -> Result<Option<Fault>, Error> {
        use otelbridge::prost::Message;
        let bytes = testing::traces_from_json(json)
            .expect("json")
            .encode_to_vec();
        let batch = TracesBatch::from_bytes(&bytes);
        let view = batch.view().expect("view");
        FaultsProcessor { config }.fault(view.resources().map(|r| r.attributes()))
    }

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
    fn the_fault_attribute_of_any_resource_names_the_fault() {
        let found = fault_in(
            FaultsConfig::default(),
            &asking_for("faults.fault", "abort"),
        );
        assert_eq!(found.expect("a known fault"), Some(Fault::Abort));
        assert_eq!(
            fault_in(FaultsConfig::default(), CALM).expect("no fault"),
            None
        );
    }

    #[test]
    fn the_fault_attribute_can_be_renamed() {
        let config = FaultsConfig {
            fault_attribute: "chaos".into(),
            ..FaultsConfig::default()
        };
        let renamed = asking_for("chaos", "stack_overflow");
        assert_eq!(
            fault_in(config.clone(), &renamed).expect("a known fault"),
            Some(Fault::StackOverflow)
        );
        let default = asking_for("faults.fault", "exit");
        assert_eq!(fault_in(config, &default).expect("no fault"), None);
    }

    #[tokio::test]
    async fn an_unknown_fault_fails_the_call_permanently_naming_it() {
        let harness = Harness::started(&factory(), "").await.expect("starts");
        let input =
            testing::traces_from_json(&asking_for("faults.fault", "segfault")).expect("json");
        let err = harness.process(&input).await.expect_err("refused");
        assert!(err.is_permanent(), "{err}");
        assert!(
            err.message().contains(r#"unknown fault "segfault""#),
            "{err}"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let err = testing::config_error(&factory(), r#"{"attribute":""}"#);
        assert_eq!(err.to_string(), "attribute: must not be empty");
        let err = testing::config_error(&factory(), r#"{"fault_attribute":""}"#);
        assert_eq!(err.to_string(), "fault_attribute: must not be empty");
        let err = testing::config_error(&factory(), r#"{"fault_attribute":"faults.panic"}"#);
        assert_eq!(
            err.to_string(),
            "fault_attribute: must differ from attribute"
        );
    }
}
