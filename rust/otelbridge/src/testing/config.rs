//! Config checks as the collector runs them, giving the field path of an error.

use crate::Factory;
use crate::config::{self, Config, ConfigError};

/// Reads a config section given as JSON (the form the Go shim hands over: the YAML section as
/// JSON), as the collector does: unknown fields and types, then
/// [`Config::validate`]. `""` is an empty section. The error names the field's path.
///
/// ```
/// use otelbridge::{Config, ConfigError};
///
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct Rule { pattern: String }
///
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct Rules { rules: Vec<Rule> }
///
/// impl Config for Rules {
///     fn validate(&self) -> Result<(), ConfigError> {
///         for (i, rule) in self.rules.iter().enumerate() {
///             if rule.pattern.is_empty() {
///                 return Err(ConfigError::new("pattern", "must not be empty").at_index(i).within("rules"));
///             }
///         }
///         Ok(())
///     }
/// }
///
/// let rules: Rules = otelbridge::testing::parse_config(r#"{"rules":[{"pattern":"a"}]}"#)?;
/// assert_eq!(rules.rules.len(), 1);
/// let err = otelbridge::testing::parse_config::<Rules>(r#"{"rules":[{"pattern":"a"},{}]}"#)
///     .expect_err("empty pattern");
/// assert_eq!(err.path(), "rules[1].pattern");
/// # Ok::<(), ConfigError>(())
/// ```
pub fn parse_config<C: Config>(json: &str) -> Result<C, ConfigError> {
    config::from_json(json.as_bytes())
}

/// The error the collector reports for this config of the factory's component (`otelcol
/// validate` prints it as `<id>: <path>: <message>`). Panics, naming the config, if it is
/// valid.
///
/// ```
/// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
/// let err = otelbridge::testing::config_error(&factory(), r#"{"verbose":true}"#);
/// assert_eq!(err.path(), "verbose");
/// assert!(err.message().starts_with("unknown field"), "{err}");
/// ```
pub fn config_error(factory: &Factory, json: &str) -> ConfigError {
    match factory.validate_config_json(json.as_bytes()) {
        Ok(()) => panic!(
            "the config {json} of {} is valid, but the test expected an error",
            factory.type_name()
        ),
        Err(err) => err,
    }
}

/// Checks the factory's default config as the collector uses it for an empty section: it
/// encodes as JSON, and that JSON reads back and validates.
///
/// ```
/// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
/// otelbridge::testing::check_default_config(&factory())?;
/// # Ok::<(), otelbridge::ConfigError>(())
/// ```
pub fn check_default_config(factory: &Factory) -> Result<(), ConfigError> {
    let json = factory.default_config_json()?;
    factory.validate_config_json(&json).map_err(|err| {
        ConfigError::new(
            err.path(),
            format!("in the default config: {}", err.message()),
        )
    })
}

/// The factory's default config as the collector sees it: the JSON the Go shim turns into the
/// component's default section (durations in Go's form, sizes as numbers).
///
/// ```
/// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
/// assert_eq!(otelbridge::testing::default_config(&factory())?, "{}");
/// # Ok::<(), otelbridge::ConfigError>(())
/// ```
pub fn default_config(factory: &Factory) -> Result<String, ConfigError> {
    let json = factory.default_config_json()?;
    String::from_utf8(json)
        .map_err(|err| ConfigError::new("", format!("the default config is not UTF-8: {err}")))
}
