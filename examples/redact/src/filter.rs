//! Drop filters: which spans, data points and log records to remove.

use otelbridge::proto::common::v1::{KeyValue, any_value::Value};
use regex::Regex;

use crate::config::RedactConfig;

/// The drop filters of one processor, compiled.
#[derive(Debug)]
pub(crate) struct Filters {
    filters: Vec<(String, Regex)>,
}

impl Filters {
    /// Compiles the config's filters; fails on the first invalid pattern.
    pub(crate) fn compile(config: &RedactConfig) -> Result<Filters, regex::Error> {
        let filters = config
            .drop
            .iter()
            .map(|filter| Ok((filter.attribute.clone(), filter.regex()?)))
            .collect::<Result<_, regex::Error>>()?;
        Ok(Filters { filters })
    }

    /// Whether there is no filter at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Whether a record with these attributes is to be dropped: some filter's attribute is
    /// present with a string value its pattern matches.
    pub(crate) fn matches(&self, attributes: &[KeyValue]) -> bool {
        self.filters.iter().any(|(key, pattern)| {
            attributes
                .iter()
                .filter(|kv| kv.key == *key)
                .filter_map(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    Value::StringValue(text) => Some(text),
                    _ => None,
                })
                .any(|text| pattern.is_match(text))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DropFilter;
    use crate::testutil::{int_attribute, string_attribute};

    fn filters(pairs: &[(&str, &str)]) -> Filters {
        let config = RedactConfig {
            drop: pairs
                .iter()
                .map(|(attribute, pattern)| DropFilter {
                    attribute: (*attribute).to_owned(),
                    pattern: (*pattern).to_owned(),
                })
                .collect(),
            ..RedactConfig::default()
        };
        Filters::compile(&config).expect("valid patterns")
    }

    #[test]
    fn matches_the_named_attribute_only() {
        let filters = filters(&[("http.route", "^/health")]);
        assert!(filters.matches(&[string_attribute("http.route", "/healthz")]));
        assert!(!filters.matches(&[string_attribute("http.route", "/api/health")]));
        assert!(!filters.matches(&[string_attribute("url.path", "/healthz")]));
        assert!(!filters.matches(&[]));
    }

    #[test]
    fn any_filter_is_enough() {
        let filters = filters(&[("a", "x"), ("b", "y")]);
        assert!(filters.matches(&[string_attribute("b", "yes")]));
    }

    #[test]
    fn non_string_values_never_match() {
        let filters = filters(&[("code", "200")]);
        assert!(!filters.matches(&[int_attribute("code", 200)]));
    }
}
