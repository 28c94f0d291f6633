//! The `redact` processor's configuration, as an operator writes it in the collector config.

use otelbridge::{Config, ConfigError};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// What an operator gets for `mask_text` when they leave it out.
pub const DEFAULT_MASK_TEXT: &str = "****";

/// The `redact` processor's config.
///
/// Every field is optional; an empty section gives a processor that passes everything on
/// untouched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactConfig {
    /// Redaction rules, applied in order to every string value they cover (default: none).
    pub rules: Vec<Rule>,
    /// Filters that remove whole spans, metric data points and log records (default: none).
    pub drop: Vec<DropFilter>,
    /// What a [`Action::Mask`] rule puts in place of each match (default `"****"`).
    pub mask_text: String,
    /// If set, every resource in which values were redacted gets an int attribute with this key
    /// holding how many (default: unset).
    pub summary_attribute: Option<String>,
}

impl Default for RedactConfig {
    fn default() -> RedactConfig {
        RedactConfig {
            rules: Vec::new(),
            drop: Vec::new(),
            mask_text: DEFAULT_MASK_TEXT.to_owned(),
            summary_attribute: None,
        }
    }
}

/// One redaction rule: a regex looked for in string values, and what to do where it matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rule {
    /// The regex (Rust `regex` syntax, unanchored: it matches anywhere in the value).
    pub pattern: String,
    /// What to do with a value it matches (default `mask`).
    pub action: Action,
    /// The attribute keys the rule is limited to; empty (the default) means every key, and log
    /// bodies too.
    pub attributes: Vec<String>,
}

/// What a [`Rule`] does with a value it matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Replace each (non-empty) match with `mask_text`, keeping the rest of the value.
    #[default]
    Mask,
    /// Replace the whole value with the first 16 hex digits (64 bits) of its SHA-256, so equal
    /// values stay equal without being readable. No later rule sees a hashed value.
    Hash,
}

/// A filter that removes a span, metric data point or log record when one of its own attributes
/// (not its resource's or scope's) has a string value matching `pattern`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DropFilter {
    /// The attribute key to look at.
    pub attribute: String,
    /// The regex its value must match (unanchored; write `^...$` to match the whole value).
    pub pattern: String,
}

impl Config for RedactConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        for (i, rule) in self.rules.iter().enumerate() {
            rule.validate()
                .map_err(|err| err.at_index(i).within("rules"))?;
        }
        for (i, filter) in self.drop.iter().enumerate() {
            filter
                .validate()
                .map_err(|err| err.at_index(i).within("drop"))?;
        }
        let masks = self.rules.iter().any(|rule| rule.action == Action::Mask);
        if masks && self.mask_text.is_empty() {
            return Err(ConfigError::new(
                "mask_text",
                "must not be empty when a rule masks",
            ));
        }
        if self.summary_attribute.as_deref() == Some("") {
            return Err(ConfigError::new("summary_attribute", "must not be empty"));
        }
        Ok(())
    }
}

impl Rule {
    /// Compiles the pattern.
    pub fn regex(&self) -> Result<Regex, regex::Error> {
        Regex::new(&self.pattern)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        check_pattern(&self.pattern)?;
        for (i, key) in self.attributes.iter().enumerate() {
            if key.is_empty() {
                return Err(ConfigError::new("", "must not be empty")
                    .at_index(i)
                    .within("attributes"));
            }
        }
        Ok(())
    }
}

impl DropFilter {
    /// Compiles the pattern.
    pub fn regex(&self) -> Result<Regex, regex::Error> {
        Regex::new(&self.pattern)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.attribute.is_empty() {
            return Err(ConfigError::new("attribute", "must not be empty"));
        }
        check_pattern(&self.pattern)
    }
}

fn check_pattern(pattern: &str) -> Result<(), ConfigError> {
    if pattern.is_empty() {
        return Err(ConfigError::new("pattern", "must not be empty"));
    }
    Regex::new(pattern).map_err(|err| ConfigError::new("pattern", err))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<RedactConfig, ConfigError> {
        otelbridge::testing::parse_config(json)
    }

    fn error_of(json: &str) -> ConfigError {
        parse(json).expect_err("the config is invalid")
    }

    #[test]
    fn empty_section_gives_the_defaults() {
        let config = parse("{}").expect("valid");
        assert_eq!(config, RedactConfig::default());
        assert!(config.rules.is_empty() && config.drop.is_empty());
        assert_eq!(config.mask_text, "****");
        assert_eq!(config.summary_attribute, None);
    }

    #[test]
    fn rule_defaults_to_mask_on_every_key() {
        let config = parse(r#"{"rules":[{"pattern":"x"}]}"#).expect("valid");
        assert_eq!(config.rules[0].action, Action::Mask);
        assert!(config.rules[0].attributes.is_empty());
    }

    #[test]
    fn default_config_round_trips_through_json() {
        let json = otelbridge::testing::default_config(&crate::factory()).expect("encodes");
        assert_eq!(parse(&json).expect("decodes"), RedactConfig::default());
    }

    #[test]
    fn full_config_parses() {
        let config = parse(
            r#"{"rules":[{"pattern":"\\d+","action":"hash","attributes":["user.id"]}],
                "drop":[{"attribute":"http.route","pattern":"^/health"}],
                "mask_text":"[redacted]","summary_attribute":"redact.count"}"#,
        )
        .expect("valid");
        assert_eq!(config.rules[0].action, Action::Hash);
        assert_eq!(config.rules[0].attributes, ["user.id"]);
        assert_eq!(config.drop[0].attribute, "http.route");
        assert_eq!(config.mask_text, "[redacted]");
        assert_eq!(config.summary_attribute.as_deref(), Some("redact.count"));
    }

    #[test]
    fn invalid_rule_pattern_names_its_index() {
        let err = error_of(r#"{"rules":[{"pattern":"a"},{"pattern":"b"},{"pattern":"(x"}]}"#);
        assert_eq!(err.path(), "rules[2].pattern");
        assert!(err.message().contains("unclosed group"), "{err}");
    }

    #[test]
    fn empty_rule_pattern_is_rejected() {
        let err = error_of(r#"{"rules":[{"action":"hash"}]}"#);
        assert_eq!(err.to_string(), "rules[0].pattern: must not be empty");
    }

    #[test]
    fn empty_rule_attribute_key_is_rejected() {
        let err = error_of(r#"{"rules":[{"pattern":"a","attributes":["k",""]}]}"#);
        assert_eq!(err.to_string(), "rules[0].attributes[1]: must not be empty");
    }

    #[test]
    fn unknown_action_names_its_path() {
        let err = error_of(r#"{"rules":[{"pattern":"a","action":"encrypt"}]}"#);
        assert_eq!(err.path(), "rules[0].action");
    }

    #[test]
    fn invalid_drop_pattern_names_its_index() {
        let err = error_of(r#"{"drop":[{"attribute":"k","pattern":"[z-a]"}]}"#);
        assert_eq!(err.path(), "drop[0].pattern");
    }

    #[test]
    fn empty_drop_attribute_is_rejected() {
        let err = error_of(r#"{"drop":[{"attribute":"k","pattern":"a"},{"pattern":"a"}]}"#);
        assert_eq!(err.to_string(), "drop[1].attribute: must not be empty");
    }

    #[test]
    fn empty_mask_text_is_rejected_when_a_rule_masks() {
        let err = error_of(r#"{"mask_text":"","rules":[{"pattern":"a"}]}"#);
        assert_eq!(
            err.to_string(),
            "mask_text: must not be empty when a rule masks"
        );
    }

    #[test]
    fn empty_mask_text_is_fine_when_every_rule_hashes() {
        parse(r#"{"mask_text":"","rules":[{"pattern":"a","action":"hash"}]}"#).expect("valid");
    }

    #[test]
    fn empty_summary_attribute_is_rejected() {
        let err = error_of(r#"{"summary_attribute":""}"#);
        assert_eq!(err.to_string(), "summary_attribute: must not be empty");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let err = error_of(r#"{"rules":[{"pattern":"a","atributes":["k"]}]}"#);
        assert_eq!(err.path(), "rules[0].atributes");
    }
}
