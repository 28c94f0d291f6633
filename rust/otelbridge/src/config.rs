//! Component configuration: any serde type, exchanged with Go as JSON.
//!
//! The collector hands each component its YAML section. The Go shim turns it into JSON; this
//! module deserializes it with every unknown field rejected, then runs the component's own
//! [`Config::validate`]. Errors name the path of the offending field, as in
//! `rules[2].pattern: regex parse error: ...`.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::lenient::Lenient;

/// A component's configuration.
///
/// Derive `Serialize`, `Deserialize` and `Default` (the default is what an operator gets for an
/// empty section), mark the struct `#[serde(deny_unknown_fields, default)]`, and override
/// [`Config::validate`] for checks serde cannot express.
///
/// ```
/// use otelbridge::{Config, ConfigError};
///
/// /// `processors: { sample: { ratio: 0.25 } }`
/// #[derive(Debug, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct SampleConfig {
///     /// The share of traces kept, from 0 to 1 (default = 1).
///     ratio: f64,
/// }
///
/// impl Default for SampleConfig {
///     fn default() -> Self {
///         SampleConfig { ratio: 1.0 }
///     }
/// }
///
/// impl Config for SampleConfig {
///     fn validate(&self) -> Result<(), ConfigError> {
///         if !(0.0..=1.0).contains(&self.ratio) {
///             return Err(ConfigError::new("ratio", "must be between 0 and 1"));
///         }
///         Ok(())
///     }
/// }
///
/// use otelbridge::testing::parse_config; // reads the section as the collector does
/// assert_eq!(parse_config::<SampleConfig>("")?.ratio, 1.0, "an empty section");
/// assert_eq!(parse_config::<SampleConfig>(r#"{"ratio":0.25}"#)?.ratio, 0.25);
/// let err = parse_config::<SampleConfig>(r#"{"ratio":2}"#).expect_err("out of range");
/// assert_eq!(err.to_string(), "ratio: must be between 0 and 1");
/// let err = parse_config::<SampleConfig>(r#"{"ration":0.5}"#).expect_err("misspelt");
/// assert_eq!(err.path(), "ration");
/// # Ok::<(), ConfigError>(())
/// ```
pub trait Config: Serialize + DeserializeOwned + Default + Send + Sync + 'static {
    /// Checks the values after deserialization. Report the field's path in the error.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// An invalid configuration value, with the path of the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    path: String,
    message: String,
}

impl ConfigError {
    /// An error about the field at `path` (`"endpoint"`, `"rules[2].pattern"`, or `""` for the
    /// whole section).
    pub fn new(path: impl Into<String>, message: impl fmt::Display) -> ConfigError {
        ConfigError {
            path: path.into(),
            message: message.to_string(),
        }
    }

    /// Puts the error inside the field `name`: `pattern` becomes `rules.pattern`, `[2].pattern`
    /// becomes `rules[2].pattern`. A nested struct validates itself with paths relative to
    /// itself, and its parent says where it sits:
    ///
    /// ```
    /// use otelbridge::ConfigError;
    /// let err = ConfigError::new("endpoint", "must be a URL").within("client");
    /// assert_eq!(err.to_string(), "client.endpoint: must be a URL");
    /// let err = ConfigError::new("pattern", "must not be empty").at_index(2).within("rules");
    /// assert_eq!(err.path(), "rules[2].pattern");
    /// ```
    pub fn within(mut self, name: &str) -> ConfigError {
        self.path = match (self.path.is_empty(), self.path.starts_with('[')) {
            (true, _) => name.to_owned(),
            (false, true) => format!("{name}{}", self.path),
            (false, false) => format!("{name}.{}", self.path),
        };
        self
    }

    /// Puts the error inside element `index` of a list: `pattern` becomes `[2].pattern`; then
    /// [`ConfigError::within`] names the list.
    ///
    /// ```
    /// use otelbridge::ConfigError;
    /// let err = ConfigError::new("", "must not be empty").at_index(0).within("dimensions");
    /// assert_eq!(err.to_string(), "dimensions[0]: must not be empty");
    /// ```
    pub fn at_index(mut self, index: usize) -> ConfigError {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("[{index}]{}", self.path)
        } else {
            format!("[{index}].{}", self.path)
        };
        self
    }

    /// The path of the field, empty for the whole section.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Deserializes a JSON config, rejecting unknown fields, then validates it.
///
/// A number or boolean read into a string field becomes its text, as the collector's own decoder
/// does for `${env:VAR}` values (see `lenient.rs`). Empty input is an empty section: every field
/// at its default.
pub fn from_json<C: Config>(json: &[u8]) -> Result<C, ConfigError> {
    let json = if json.is_empty() {
        b"{}".as_slice()
    } else {
        json
    };
    let value: serde_json::Value = serde_json::from_slice(json)
        .map_err(|err| ConfigError::new("", format!("the config is not valid JSON: {err}")))?;
    let mut unknown = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let ignoring = serde_ignored::Deserializer::new(Lenient(value), &mut record);
    let config: C = serde_path_to_error::deserialize(ignoring).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        ConfigError::new(path, err.into_inner())
    })?;
    if let Some(path) = unknown.into_iter().next() {
        return Err(ConfigError::new(path, "unknown field"));
    }
    config.validate()?;
    Ok(config)
}

/// The JSON form of the default config.
pub fn default_json<C: Config>() -> Result<Vec<u8>, ConfigError> {
    serde_json::to_vec(&C::default())
        .map_err(|err| ConfigError::new("", format!("encoding the default config: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, default)]
    struct Rule {
        pattern: String,
    }

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    #[serde(default)] // no deny_unknown_fields: the SDK must still reject unknown keys
    struct Sample {
        name: String,
        rules: Vec<Rule>,
    }

    impl Config for Sample {
        fn validate(&self) -> Result<(), ConfigError> {
            for (i, rule) in self.rules.iter().enumerate() {
                if rule.pattern.is_empty() {
                    return Err(ConfigError::new("pattern", "must not be empty")
                        .at_index(i)
                        .within("rules"));
                }
            }
            Ok(())
        }
    }

    #[test]
    fn type_errors_name_the_field_path() {
        let err = from_json::<Sample>(br#"{"rules":[{"pattern":"a"},{"pattern":["x"]}]}"#)
            .expect_err("a list is not a pattern");
        assert_eq!(err.path(), "rules[1].pattern");
        assert!(
            err.message()
                .starts_with("invalid type: sequence, expected a string"),
            "{err}"
        );
        assert!(!err.message().contains("line"), "{err}");
    }

    #[test]
    fn unknown_fields_are_rejected_without_deny_unknown_fields() {
        let err = from_json::<Sample>(br#"{"name":"x","nmae":"y"}"#).expect_err("typo");
        assert_eq!(err.to_string(), "nmae: unknown field");
    }

    #[test]
    fn unknown_nested_fields_name_their_path() {
        let err = from_json::<Sample>(br#"{"rules":[{"pattern":"a","x":1}]}"#)
            .expect_err("unknown nested key");
        assert_eq!(err.path(), "rules[0].x");
        assert!(err.message().contains("unknown field `x`"), "{err}");
    }

    #[test]
    fn component_validation_runs_after_decoding() {
        let err = from_json::<Sample>(br#"{"rules":[{"pattern":"a"},{},{"pattern":""}]}"#)
            .expect_err("empty pattern");
        assert_eq!(err.to_string(), "rules[1].pattern: must not be empty");
    }

    #[test]
    fn env_expanded_numbers_read_into_string_fields() {
        let config = from_json::<Sample>(br#"{"name":1234}"#).expect("lenient");
        assert_eq!(config.name, "1234");
    }

    #[test]
    fn default_round_trips() {
        let json = default_json::<Sample>().expect("encodes");
        assert_eq!(
            from_json::<Sample>(&json).expect("decodes"),
            Sample::default()
        );
        assert_eq!(
            from_json::<Sample>(b"{}").expect("empty"),
            Sample::default()
        );
    }

    #[test]
    fn error_paths_compose() {
        assert_eq!(ConfigError::new("", "x").within("a").path(), "a");
        assert_eq!(
            ConfigError::new("", "x").at_index(1).within("a").path(),
            "a[1]"
        );
        assert_eq!(
            ConfigError::new("b", "x").at_index(0).within("a").path(),
            "a[0].b"
        );
        assert_eq!(ConfigError::new("", "whole").to_string(), "whole");
    }
}
