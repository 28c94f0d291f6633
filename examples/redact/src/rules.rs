//! Compiled redaction rules, applied to attribute lists and single values.
//!
//! Rules see string values only, including strings nested in array and key-value-list values
//! (such a nested string belongs to its top-level attribute's key). For each string, the rules
//! that cover its key run in config order on the value as the earlier rules left it: a mask rule
//! replaces every non-empty match with the mask text; a hash rule that matches replaces the whole
//! value with its hash and ends the rules for that value.

use otelbridge::proto::common::v1::{AnyValue, any_value::Value};
use otelbridge::view::{Attributes, ValueView};
use otelbridge::{At, EditValue, Edits, Error};
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::config::{Action, RedactConfig};

/// How many hex digits of the SHA-256 a hash rule keeps.
pub(crate) const HASH_HEX_DIGITS: usize = 16;

/// The rules of one processor, compiled.
#[derive(Debug)]
pub(crate) struct Rules {
    rules: Vec<CompiledRule>,
    mask_text: String,
}

#[derive(Debug)]
struct CompiledRule {
    regex: Regex,
    action: Action,
    /// The keys the rule is limited to; empty for every key.
    keys: Vec<String>,
}

impl CompiledRule {
    /// Whether the rule covers a value under `key` (`None` for a log body, which has no key).
    fn covers(&self, key: Option<&str>) -> bool {
        match key {
            _ if self.keys.is_empty() => true,
            Some(key) => self.keys.iter().any(|k| k == key),
            None => false,
        }
    }
}

impl Rules {
    /// Compiles the config's rules; fails on the first invalid pattern.
    pub(crate) fn compile(config: &RedactConfig) -> Result<Rules, regex::Error> {
        let rules = config
            .rules
            .iter()
            .map(|rule| {
                Ok(CompiledRule {
                    regex: rule.regex()?,
                    action: rule.action,
                    keys: rule.attributes.clone(),
                })
            })
            .collect::<Result<_, regex::Error>>()?;
        Ok(Rules {
            rules,
            mask_text: config.mask_text.clone(),
        })
    }

    /// Whether there is no rule at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Redacts the values of the attributes at `at`, read in place, and records each changed
    /// one in `edits`; returns how many string values changed.
    pub(crate) fn redact_attributes_into(
        &self,
        at: At,
        attributes: Attributes<'_>,
        edits: &mut Edits,
    ) -> Result<u64, Error> {
        let mut redacted = 0;
        for attribute in attributes {
            let key = attribute.key();
            let value = attribute.value();
            if let Some((changed, value)) =
                self.redact_view(Some(&key), value, || attribute.decode_value())
            {
                redacted += changed;
                edits.set(at, &key, value);
            }
        }
        Ok(redacted)
    }

    /// Redacts one value read in place (`key` is `None` for a log body, which only rules limited
    /// to no key cover). Strings are redacted where they lie; arrays and maps are decoded first.
    /// Returns how many strings changed and the new value, if any did.
    pub(crate) fn redact_view(
        &self,
        key: Option<&str>,
        value: ValueView<'_>,
        decode: impl FnOnce() -> Result<AnyValue, Error>,
    ) -> Option<(u64, EditValue)> {
        match value {
            ValueView::Str(text) => self
                .redacted(key, &text)
                .map(|new| (1, EditValue::Str(new))),
            ValueView::Array(_) | ValueView::KvList(_) => match decode() {
                Ok(mut decoded) => {
                    let changed = self.redact_value(key, &mut decoded);
                    (changed > 0).then_some((changed, EditValue::Any(decoded)))
                }
                // Go accepted it, but it cannot be read here (nested deeper than prost decodes,
                // say): a value that cannot be checked is masked whole where a rule covers it,
                // rather than passed on unchecked or failing the batch.
                Err(err) if self.rules.iter().any(|rule| rule.covers(key)) => {
                    tracing::debug!(error = %err, "masking a value that cannot be read");
                    Some((1, EditValue::Str(self.mask_text.clone())))
                }
                Err(_) => None,
            },
            _ => None,
        }
    }

    fn redact_value(&self, key: Option<&str>, value: &mut AnyValue) -> u64 {
        match value.value.as_mut() {
            Some(Value::StringValue(text)) => u64::from(self.redact_string(key, text)),
            Some(Value::ArrayValue(array)) => array
                .values
                .iter_mut()
                .map(|v| self.redact_value(key, v))
                .sum(),
            Some(Value::KvlistValue(list)) => list
                .values
                .iter_mut()
                .filter_map(|kv| kv.value.as_mut())
                .map(|v| self.redact_value(key, v))
                .sum(),
            _ => 0,
        }
    }

    /// Runs the rules covering `key` over `text`; returns whether it changed.
    fn redact_string(&self, key: Option<&str>, text: &mut String) -> bool {
        match self.redacted(key, text) {
            Some(new) => {
                *text = new;
                true
            }
            None => false,
        }
    }

    /// `text` after the rules covering `key`, each on what the earlier ones left, or `None` if
    /// they change nothing.
    fn redacted(&self, key: Option<&str>, text: &str) -> Option<String> {
        let mut current: Option<String> = None;
        for rule in self.rules.iter().filter(|rule| rule.covers(key)) {
            let now = current.as_deref().unwrap_or(text);
            match rule.action {
                Action::Mask => {
                    if let Some(masked) = mask(&rule.regex, now, &self.mask_text) {
                        current = Some(masked);
                    }
                }
                Action::Hash => {
                    if rule.regex.is_match(now) {
                        return Some(hash(now));
                    }
                }
            }
        }
        current
    }
}

/// `text` with every non-empty match of `regex` replaced by `mask_text`, or `None` if that
/// changes nothing. Empty matches are skipped: masking them would only insert the mask text.
fn mask(regex: &Regex, text: &str, mask_text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for found in regex.find_iter(text).filter(|m| !m.is_empty()) {
        out.push_str(&text[copied..found.start()]);
        out.push_str(mask_text);
        copied = found.end();
    }
    out.push_str(&text[copied..]);
    (out != text).then_some(out)
}

/// The first [`HASH_HEX_DIGITS`] lowercase hex digits of the SHA-256 of `text`.
pub(crate) fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..HASH_HEX_DIGITS / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rule;
    use crate::testutil::{array, int_attribute, resource, string, string_attribute, viewed};
    use otelbridge::Outcome;
    use otelbridge::proto::ExportTraceServiceRequest;
    use otelbridge::proto::common::v1::KeyValue;
    use otelbridge::proto::trace::v1::ResourceSpans;

    /// Redacts `attributes` as a resource's, read through a view, then applies the edits that
    /// made to them.
    fn redact(rules: &Rules, attributes: &mut Vec<KeyValue>) -> u64 {
        let mut edits = Edits::new();
        let redacted = viewed(attributes, |view| {
            rules
                .redact_attributes_into(At::resource(0), view, &mut edits)
                .expect("valid values")
        });
        let request = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: resource(attributes.clone()),
                ..Default::default()
            }],
        };
        let mut request = otelbridge::testing::passed_on(Outcome::Edited(edits), &request)
            .expect("edits address the resource")
            .expect("the resource is kept");
        *attributes = request
            .resource_spans
            .remove(0)
            .resource
            .expect("kept")
            .attributes;
        redacted
    }

    fn rules(rules: Vec<Rule>) -> Rules {
        let config = RedactConfig {
            rules,
            ..RedactConfig::default()
        };
        Rules::compile(&config).expect("valid patterns")
    }

    fn rule(pattern: &str, action: Action, keys: &[&str]) -> Rule {
        Rule {
            pattern: pattern.to_owned(),
            action,
            attributes: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn mask_replaces_every_match_and_keeps_the_rest() {
        let rules = rules(vec![rule(r"\d{4}", Action::Mask, &[])]);
        let mut attrs = vec![string_attribute("card", "card 1234 and 5678 end")];
        assert_eq!(redact(&rules, &mut attrs), 1);
        assert_eq!(string(&attrs[0]), "card **** and **** end");
    }

    #[test]
    fn mask_text_is_literal_not_a_replacement_template() {
        let config = RedactConfig {
            rules: vec![rule("secret", Action::Mask, &[])],
            mask_text: "$0${1}".to_owned(),
            ..RedactConfig::default()
        };
        let rules = Rules::compile(&config).expect("valid");
        let mut attrs = vec![string_attribute("k", "a secret")];
        redact(&rules, &mut attrs);
        assert_eq!(string(&attrs[0]), "a $0${1}");
    }

    #[test]
    fn mask_ignores_empty_matches() {
        let rules = rules(vec![rule("x*", Action::Mask, &[])]);
        let mut attrs = vec![string_attribute("k", "abxxc")];
        assert_eq!(redact(&rules, &mut attrs), 1);
        assert_eq!(string(&attrs[0]), "ab****c");
        let mut untouched = vec![string_attribute("k", "abc")];
        assert_eq!(redact(&rules, &mut untouched), 0);
    }

    #[test]
    fn mask_that_yields_the_same_text_is_no_change() {
        let rules = rules(vec![rule(r"\*+", Action::Mask, &[])]);
        let mut attrs = vec![string_attribute("k", "****")];
        assert_eq!(redact(&rules, &mut attrs), 0);
    }

    #[test]
    fn hash_replaces_the_whole_value_with_16_hex_digits() {
        let rules = rules(vec![rule("@", Action::Hash, &[])]);
        let mut attrs = vec![string_attribute("email", "ann@example.com")];
        assert_eq!(redact(&rules, &mut attrs), 1);
        let hashed = string(&attrs[0]);
        assert_eq!(hashed.len(), 16);
        assert!(
            hashed
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(hashed, "71d4f55f72fa128d", "the token the README shows");
        // The well-known SHA-256 of "abc" is ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(hash("abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn hash_ends_the_rules_for_that_value() {
        let rules = rules(vec![
            rule("a", Action::Hash, &[]),
            rule("[0-9a-f]", Action::Mask, &[]),
        ]);
        let mut attrs = vec![string_attribute("k", "a")];
        assert_eq!(redact(&rules, &mut attrs), 1);
        assert_eq!(string(&attrs[0]), hash("a"));
    }

    #[test]
    fn rules_run_in_order_on_the_current_value() {
        let rules = rules(vec![
            rule("secret", Action::Mask, &[]),
            rule(r"\*", Action::Hash, &[]),
        ]);
        let mut attrs = vec![string_attribute("k", "my secret")];
        assert_eq!(redact(&rules, &mut attrs), 1);
        assert_eq!(string(&attrs[0]), hash("my ****"));
    }

    #[test]
    fn attribute_limited_rule_touches_only_its_keys() {
        let rules = rules(vec![rule(".+", Action::Hash, &["user.id", "user.name"])]);
        let mut attrs = vec![
            string_attribute("user.id", "42"),
            string_attribute("http.method", "GET"),
            string_attribute("user.name", "ann"),
        ];
        assert_eq!(redact(&rules, &mut attrs), 2);
        assert_eq!(string(&attrs[0]), hash("42"));
        assert_eq!(string(&attrs[1]), "GET");
        assert_eq!(string(&attrs[2]), hash("ann"));
    }

    #[test]
    fn non_string_values_are_left_alone() {
        let rules = rules(vec![rule(".", Action::Mask, &[])]);
        let mut attrs = vec![int_attribute("n", 1234), KeyValue::default()];
        assert_eq!(redact(&rules, &mut attrs), 0);
    }

    #[test]
    fn nested_strings_count_under_their_top_level_key() {
        let rules = rules(vec![rule("x", Action::Mask, &["tags"])]);
        let mut attrs = vec![
            array("tags", vec!["x1", "y", "x2"]),
            array("other", vec!["x"]),
        ];
        assert_eq!(redact(&rules, &mut attrs), 2);
        let Some(Value::ArrayValue(tags)) = attrs[0].value.as_ref().and_then(|v| v.value.clone())
        else {
            panic!("still an array");
        };
        let texts: Vec<_> = tags
            .values
            .iter()
            .map(|v| match &v.value {
                Some(Value::StringValue(s)) => s.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(texts, ["****1", "y", "****2"]);
    }

    #[test]
    fn bodies_see_only_rules_for_every_key() {
        let rules = rules(vec![
            rule("a", Action::Mask, &["k"]),
            rule("b", Action::Mask, &[]),
        ]);
        let redacted =
            rules.redact_view(
                None,
                ValueView::Str("ab".into()),
                || Ok(AnyValue::default()),
            );
        assert_eq!(redacted, Some((1, EditValue::Str("a****".into()))));
    }
}
