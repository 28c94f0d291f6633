//! Drop filters: which spans, data points and log records to remove.

use otelbridge::view::Attributes;
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
    pub(crate) fn matches(&self, attributes: Attributes<'_>) -> bool {
        self.filters.iter().any(|(key, pattern)| {
            attributes
                .clone()
                .filter(|attribute| attribute.key() == key.as_str())
                .filter_map(|attribute| attribute.str())
                .any(|text| pattern.is_match(&text))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DropFilter;
    use crate::testutil::{int_attribute, string_attribute, viewed};
    use otelbridge::proto::common::v1::KeyValue;

    fn matches(filters: &Filters, attributes: &[KeyValue]) -> bool {
        viewed(attributes, |view| filters.matches(view))
    }

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
        assert!(matches(
            &filters,
            &[string_attribute("http.route", "/healthz")]
        ));
        assert!(!matches(
            &filters,
            &[string_attribute("http.route", "/api/health")]
        ));
        assert!(!matches(
            &filters,
            &[string_attribute("url.path", "/healthz")]
        ));
        assert!(!matches(&filters, &[]));
    }

    #[test]
    fn any_filter_is_enough() {
        let filters = filters(&[("a", "x"), ("b", "y")]);
        assert!(matches(&filters, &[string_attribute("b", "yes")]));
    }

    #[test]
    fn non_string_values_never_match() {
        let filters = filters(&[("code", "200")]);
        assert!(!matches(&filters, &[int_attribute("code", 200)]));
    }
}
