//! The `spanstats` connector's configuration, as an operator writes it in the collector config.

use otelbridge::{Config, ConfigError};
use serde::{Deserialize, Serialize};

use crate::aggregate::{SPAN_KIND, SPAN_NAME, STATUS_CODE};

/// What an operator gets for `namespace` when they leave it out.
pub const DEFAULT_NAMESPACE: &str = "spanstats";

/// What an operator gets for `buckets_ms` when they leave it out: upper bounds, in milliseconds.
pub const DEFAULT_BUCKETS_MS: [f64; 16] = [
    2.0, 4.0, 6.0, 8.0, 10.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1000.0, 1400.0, 2000.0, 5000.0,
    10000.0, 15000.0,
];

/// The `spanstats` connector's config. Every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpanStatsConfig {
    /// The prefix of the metric names: `<namespace>.calls` and `<namespace>.duration` (default
    /// `"spanstats"`). Must match `[a-zA-Z][a-zA-Z0-9_.]*`.
    pub namespace: String,
    /// The upper bounds of the duration histogram's buckets, in milliseconds, strictly increasing
    /// (default: 2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000).
    /// A last, unbounded bucket holds everything above the last bound.
    pub buckets_ms: Vec<f64>,
    /// Span attribute keys whose values become extra data point attributes (default: none). A
    /// span without the attribute gets no such data point attribute.
    pub dimensions: Vec<String>,
}

impl Default for SpanStatsConfig {
    fn default() -> SpanStatsConfig {
        SpanStatsConfig {
            namespace: DEFAULT_NAMESPACE.to_owned(),
            buckets_ms: DEFAULT_BUCKETS_MS.to_vec(),
            dimensions: Vec::new(),
        }
    }
}

impl Config for SpanStatsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        validate_namespace(&self.namespace).map_err(|err| err.within("namespace"))?;
        validate_buckets(&self.buckets_ms).map_err(|err| err.within("buckets_ms"))?;
        validate_dimensions(&self.dimensions).map_err(|err| err.within("dimensions"))?;
        Ok(())
    }
}

fn validate_namespace(namespace: &str) -> Result<(), ConfigError> {
    let mut chars = namespace.chars();
    let Some(first) = chars.next() else {
        return Err(ConfigError::new("", "must not be empty"));
    };
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !valid {
        return Err(ConfigError::new(
            "",
            format!("{namespace:?} does not match [a-zA-Z][a-zA-Z0-9_.]*"),
        ));
    }
    Ok(())
}

fn validate_buckets(bounds: &[f64]) -> Result<(), ConfigError> {
    if bounds.is_empty() {
        return Err(ConfigError::new("", "must have at least one bound"));
    }
    for (i, bound) in bounds.iter().enumerate() {
        if !bound.is_finite() {
            return Err(ConfigError::new("", "must be a finite number").at_index(i));
        }
        if i > 0 && *bound <= bounds[i - 1] {
            let message = format!(
                "{bound} must be greater than the bound before it ({})",
                bounds[i - 1]
            );
            return Err(ConfigError::new("", message).at_index(i));
        }
    }
    Ok(())
}

fn validate_dimensions(dimensions: &[String]) -> Result<(), ConfigError> {
    for (i, key) in dimensions.iter().enumerate() {
        if key.is_empty() {
            return Err(ConfigError::new("", "must not be empty").at_index(i));
        }
        // A data point with two attributes of one key is invalid OTLP.
        if [SPAN_NAME, SPAN_KIND, STATUS_CODE].contains(&key.as_str()) {
            let message = format!("{key:?} is an attribute spanstats always sets");
            return Err(ConfigError::new("", message).at_index(i));
        }
        if let Some(first) = dimensions[..i].iter().position(|k| k == key) {
            let message = format!("{key:?} is already dimensions[{first}]");
            return Err(ConfigError::new("", message).at_index(i));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<SpanStatsConfig, ConfigError> {
        otelbridge::testing::parse_config(json)
    }

    fn error_of(json: &str) -> ConfigError {
        parse(json).expect_err("invalid config")
    }

    #[test]
    fn empty_section_gives_the_defaults() {
        let config = parse("{}").expect("valid");
        assert_eq!(config, SpanStatsConfig::default());
        assert_eq!(config.namespace, "spanstats");
        assert_eq!(config.buckets_ms.len(), 16);
        assert_eq!(config.buckets_ms.first(), Some(&2.0));
        assert_eq!(config.buckets_ms.last(), Some(&15000.0));
        assert!(config.dimensions.is_empty());
    }

    #[test]
    fn default_config_round_trips_through_json() {
        let json = otelbridge::testing::default_config(&crate::factory()).expect("encodes");
        assert_eq!(parse(&json).expect("decodes"), SpanStatsConfig::default());
    }

    #[test]
    fn full_config_parses() {
        let config = parse(
            r#"{"namespace":"shop.traces_2","buckets_ms":[0.5,1,250],
                "dimensions":["http.route","db.system"]}"#,
        )
        .expect("valid");
        assert_eq!(config.namespace, "shop.traces_2");
        assert_eq!(config.buckets_ms, [0.5, 1.0, 250.0]);
        assert_eq!(config.dimensions, ["http.route", "db.system"]);
    }

    #[test]
    fn empty_namespace_is_rejected() {
        let err = error_of(r#"{"namespace":""}"#);
        assert_eq!(err.to_string(), "namespace: must not be empty");
    }

    #[test]
    fn malformed_namespaces_are_rejected() {
        for namespace in ["1calls", "_x", "span stats", "spän", "a-b", ".a"] {
            let err = error_of(&format!(r#"{{"namespace":"{namespace}"}}"#));
            assert_eq!(err.path(), "namespace", "{namespace}");
            assert!(err.message().contains("does not match"), "{err}");
        }
    }

    #[test]
    fn empty_buckets_are_rejected() {
        let err = error_of(r#"{"buckets_ms":[]}"#);
        assert_eq!(err.to_string(), "buckets_ms: must have at least one bound");
    }

    #[test]
    fn buckets_out_of_order_name_their_index() {
        let err = error_of(r#"{"buckets_ms":[1,2,5,5,10]}"#);
        assert_eq!(err.path(), "buckets_ms[3]");
        assert!(err.message().contains("greater than"), "{err}");
        let err = error_of(r#"{"buckets_ms":[10,2]}"#);
        assert_eq!(err.path(), "buckets_ms[1]");
    }

    #[test]
    fn non_finite_buckets_are_rejected() {
        // JSON has no infinity or NaN; a Rust caller can still build such a config.
        let config = SpanStatsConfig {
            buckets_ms: vec![1.0, f64::INFINITY],
            ..Default::default()
        };
        let err = config.validate().expect_err("infinite bound");
        assert_eq!(err.to_string(), "buckets_ms[1]: must be a finite number");
        let config = SpanStatsConfig {
            buckets_ms: vec![f64::NAN],
            ..Default::default()
        };
        assert_eq!(
            config.validate().expect_err("NaN bound").path(),
            "buckets_ms[0]"
        );
    }

    #[test]
    fn buckets_of_the_wrong_type_name_their_index() {
        let err = error_of(r#"{"buckets_ms":[1,"x"]}"#);
        assert_eq!(err.path(), "buckets_ms[1]");
    }

    #[test]
    fn empty_dimension_is_rejected() {
        let err = error_of(r#"{"dimensions":["http.route",""]}"#);
        assert_eq!(err.to_string(), "dimensions[1]: must not be empty");
    }

    #[test]
    fn duplicate_dimension_is_rejected() {
        let err = error_of(r#"{"dimensions":["a","b","a"]}"#);
        assert_eq!(
            err.to_string(),
            r#"dimensions[2]: "a" is already dimensions[0]"#
        );
    }

    #[test]
    fn built_in_attribute_as_dimension_is_rejected() {
        let err = error_of(r#"{"dimensions":["status.code"]}"#);
        assert_eq!(err.path(), "dimensions[0]");
        assert!(err.message().contains("always sets"), "{err}");
    }

    #[test]
    fn unknown_field_is_rejected() {
        let err = error_of(r#"{"bucket_ms":[1]}"#);
        assert_eq!(err.path(), "bucket_ms");
    }
}
