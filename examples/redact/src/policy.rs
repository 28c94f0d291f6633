//! Everything one processor applies to a batch: its rules, its drop filters and its summary key.

use otelbridge::view::Attributes;
use otelbridge::{At, Edits, Error};

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
    /// Spans, data points or log records seen.
    pub(crate) records: u64,
}

impl Tally {
    /// Whether the batch came out as it went in.
    pub(crate) fn is_nothing(&self) -> bool {
        self.redacted == 0 && self.dropped == 0
    }

    /// Whether every record was dropped.
    pub(crate) fn dropped_all(&self) -> bool {
        self.dropped > 0 && self.dropped == self.records
    }

    /// Counts one record, and whether the filters drop it (recording the drop at `at`).
    pub(crate) fn drops(
        &mut self,
        policy: &Policy,
        attributes: Attributes<'_>,
        at: At,
        edits: &mut Edits,
    ) -> bool {
        self.records += 1;
        let drop = policy.filters.matches(attributes);
        if drop {
            self.dropped += 1;
            edits.drop(at);
        }
        drop
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

    /// Redacts the attributes at `at` into `edits`; returns how many values changed.
    pub(crate) fn redact(
        &self,
        at: At,
        attributes: Attributes<'_>,
        edits: &mut Edits,
    ) -> Result<u64, Error> {
        if self.rules.is_empty() {
            return Ok(0);
        }
        self.rules.redact_attributes_into(at, attributes, edits)
    }

    /// Redacts resource `index`'s own attributes into `edits`, then, if `in_records` (the values
    /// redacted in its scopes and records) plus those is not zero and a summary key is
    /// configured, sets the total on the resource. Returns the total.
    pub(crate) fn finish_resource(
        &self,
        index: usize,
        attributes: Attributes<'_>,
        in_records: u64,
        edits: &mut Edits,
    ) -> Result<u64, Error> {
        let at = At::resource(index);
        let own = self.redact(at, attributes, edits)?;
        let total = in_records + own;
        if let (Some(key), true) = (&self.summary_attribute, total > 0) {
            edits.set(at, key, i64::try_from(total).unwrap_or(i64::MAX));
        }
        Ok(total)
    }
}
