//! `redact`: an otelbridge processor that masks or hashes sensitive string values and drops
//! unwanted spans, metric data points and log records, for traces, metrics and logs.
//!
//! ```yaml
//! processors:
//!   redact:
//!     rules:
//!       - pattern: '\b\d{4}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b'   # card numbers
//!       - pattern: '[\w.+-]+@[\w-]+\.[\w.]+'                  # e-mail addresses
//!         action: hash
//!       - pattern: '.+'
//!         action: hash
//!         attributes: [user.id]
//!     drop:
//!       - attribute: http.route
//!         pattern: ^/health
//!     mask_text: "[redacted]"
//!     summary_attribute: redact.count
//! ```
//!
//! # What is redacted
//!
//! Rules look at string values only: resource, scope, span, span event, span link, metric
//! metadata, data point (every metric type), exemplar and log record attributes, and log record
//! bodies. Strings nested in array or key-value-list values are redacted too, under their
//! top-level attribute's key. A rule with `attributes` covers only those keys, so it never touches
//! a log body; a rule without covers everything.
//!
//! For each string, the rules covering it run in config order, each on the value as the earlier
//! ones left it:
//!
//! - `mask` (the default) replaces every non-empty match with `mask_text` (default `"****"`,
//!   taken literally) and keeps the rest of the value;
//! - `hash` replaces the whole value, if the pattern matches anywhere in it, with the first 16
//!   lowercase hex digits (64 bits) of the SHA-256 of the value. Equal values give equal hashes,
//!   so they can still be grouped and joined. No later rule sees a hashed value. The hash is not
//!   salted: a value from a small set (a 4-digit PIN) can be found by trying them all.
//!
//! # What is dropped
//!
//! A `drop` filter removes a span, data point or log record when the record's own attribute
//! `attribute` is a string matching `pattern` (resource and scope attributes are not looked at).
//! Filters see the values before any rule changes them. Scopes, metrics and resources left with
//! nothing are removed too; a batch left with nothing is dropped.
//!
//! # Outcome and observability
//!
//! A batch in which nothing matched is passed on as it came, without re-encoding; a config with
//! no rule and no filter does not even decode batches. With `summary_attribute` set, each
//! resource in which values were redacted gets that int attribute, holding how many (absent means
//! none). Each batch logs a `debug` event with `values_redacted` and `records_dropped`, and
//! [`RedactProcessor::stats`] keeps running totals.

mod config;
mod counters;
mod filter;
mod logs;
mod metrics;
mod policy;
mod processor;
mod rules;
#[cfg(test)]
mod testutil;
mod traces;

use otelbridge::{CreateSettings, Error, Factory, ProcessorFactory, Signals, Stability};

pub use config::{Action, DEFAULT_MASK_TEXT, DropFilter, RedactConfig, Rule};
pub use counters::Stats;
pub use processor::RedactProcessor;

/// The component type operators write in the collector config.
pub const TYPE: &str = "redact";

/// The `redact` processor's factory, for `otelbridge_abi::export_components!`.
pub fn factory() -> Factory {
    Factory::processor(RedactFactory)
}

struct RedactFactory;

impl ProcessorFactory for RedactFactory {
    type Config = RedactConfig;
    type Processor = RedactProcessor;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(&self, _: &CreateSettings, config: RedactConfig) -> Result<RedactProcessor, Error> {
        RedactProcessor::new(config)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::testing::{self, Harness};
    use otelbridge::{ErrorKind, Kind};

    use super::*;

    #[test]
    fn factory_describes_a_processor_for_every_signal() {
        let factory = factory();
        assert_eq!(factory.type_name(), "redact");
        assert_eq!(factory.kind(), Kind::Processor);
        assert_eq!(factory.signals(), Signals::ALL);
        testing::check_default_config(&factory).expect("the default config is valid");
    }

    #[test]
    fn factory_reports_validation_errors_with_their_path() {
        let err = testing::config_error(
            &factory(),
            r#"{"rules":[{"pattern":"ok"},{"pattern":"("}]}"#,
        );
        assert_eq!(err.path(), "rules[1].pattern");
        let err = Harness::create(&factory(), r#"{"drop":[{"pattern":"x"}]}"#)
            .expect_err("missing attribute");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.message(), "drop[0].attribute: must not be empty");
    }

    #[tokio::test]
    async fn factory_instance_redacts_encoded_batches() {
        // Scenario: a log record through a started instance, as the collector passes it.
        // Guarantees: the change crosses as one edit, and the batch passed on has it applied.
        let redact = Harness::started(&factory(), r#"{"rules":[{"pattern":"secret"}]}"#)
            .await
            .expect("valid config");
        let input = testing::logs_from_json(
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
                {"attributes":[{"key":"k","value":{"stringValue":"a secret"}}]}]}]}]}"#,
        )
        .expect("valid OTLP JSON");
        let processed = redact.process(&input).await.expect("valid batch");
        assert_eq!(
            processed.edits().map(|e| e.len()),
            Some(1),
            "one value changed"
        );
        let output = processed.passed_on().expect("not dropped");
        let record = &output.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(
            record.attributes,
            [crate::testutil::string_attribute("k", "a ****")]
        );
        redact.shutdown().await.expect("stops");
        assert_eq!(redact.aborted_tasks(), 0);
    }
}
