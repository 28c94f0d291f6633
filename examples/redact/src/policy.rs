//! Everything one processor applies to a batch: its rules, its drop filters and its summary key.

use otelbridge::proto::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value::Value};
use otelbridge::proto::resource::v1::Resource;

use crate::config::RedactConfig;
use crate::filter::Filters;
use crate::rules::Rules;

/// A processor's compiled config.
#[derive(Debug)]
pub(crate) struct Policy {
    /// The redaction rules.
    pub(crate) rules: Rules,
    /// The drop filters.
    pub(crate) filters: Filters,
    summary_attribute: Option<String>,
}

/// What applying a policy to one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// String values changed by a rule.
    pub(crate) redacted: u64,
    /// Spans, data points or log records removed by a filter.
    pub(crate) dropped: u64,
}

impl Tally {
    /// Whether the batch came out as it went in.
    pub(crate) fn is_nothing(&self) -> bool {
        self.redacted == 0 && self.dropped == 0
    }
}

impl Policy {
    /// Compiles a (validated) config.
    pub(crate) fn compile(config: &RedactConfig) -> Result<Policy, regex::Error> {
        Ok(Policy {
            rules: Rules::compile(config)?,
            filters: Filters::compile(config)?,
            summary_attribute: config.summary_attribute.clone(),
        })
    }

    /// Whether the policy can change nothing, so batches need not even be decoded.
    pub(crate) fn is_noop(&self) -> bool {
        self.rules.is_empty() && self.filters.is_empty()
    }

    /// Redacts a scope's attributes; returns how many values changed.
    pub(crate) fn redact_scope(&self, scope: Option<&mut InstrumentationScope>) -> u64 {
        scope.map_or(0, |scope| {
            self.rules.redact_attributes(&mut scope.attributes)
        })
    }

    /// Redacts a resource's own attributes, then, if `in_records` (the values redacted in its
    /// scopes and records) plus those is not zero and a summary key is configured, records the
    /// total on the resource. Returns the total.
    pub(crate) fn finish_resource(&self, resource: &mut Option<Resource>, in_records: u64) -> u64 {
        let own = resource
            .as_mut()
            .map_or(0, |r| self.rules.redact_attributes(&mut r.attributes));
        let total = in_records + own;
        if let (Some(key), true) = (&self.summary_attribute, total > 0) {
            let resource = resource.get_or_insert_with(Resource::default);
            set_int(&mut resource.attributes, key, total);
        }
        total
    }
}

/// Sets `key` to an int value, replacing any attribute with that key.
fn set_int(attributes: &mut Vec<KeyValue>, key: &str, value: u64) {
    attributes.retain(|kv| kv.key != key);
    attributes.push(KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(Value::IntValue(i64::try_from(value).unwrap_or(i64::MAX))),
        }),
        ..Default::default()
    });
}
