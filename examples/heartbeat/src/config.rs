//! The `heartbeat` extension's configuration.

use std::time::Duration;

use otelbridge::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// What an operator gets for `interval` when they leave it out.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
/// What an operator gets for `message` when they leave it out.
pub const DEFAULT_MESSAGE: &str = "otelbridge heartbeat";

/// The `heartbeat` extension's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeartbeatConfig {
    /// Time between beats, as a Go duration such as `"10s"` or `"250ms"` (default `"10s"`);
    /// must be greater than zero.
    #[serde(with = "otelbridge::duration")]
    pub interval: Duration,
    /// The message logged at each beat (default `"otelbridge heartbeat"`).
    pub message: String,
}

impl Default for HeartbeatConfig {
    fn default() -> HeartbeatConfig {
        HeartbeatConfig {
            interval: DEFAULT_INTERVAL,
            message: DEFAULT_MESSAGE.to_owned(),
        }
    }
}

impl Config for HeartbeatConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.interval.is_zero() {
            return Err(ConfigError::new("interval", "must be greater than 0s"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<HeartbeatConfig, ConfigError> {
        otelbridge::testing::parse_config(json)
    }

    #[test]
    fn empty_section_gives_the_defaults() {
        let config = parse("{}").expect("valid");
        assert_eq!(config.interval, Duration::from_secs(10));
        assert_eq!(config.message, "otelbridge heartbeat");
        assert_eq!(config, HeartbeatConfig::default());
    }

    #[test]
    fn default_config_is_written_as_go_durations() {
        let json = otelbridge::testing::default_config(&crate::factory()).expect("encodes");
        assert_eq!(
            json,
            r#"{"interval":"10s","message":"otelbridge heartbeat"}"#
        );
    }

    #[test]
    fn interval_reads_go_durations() {
        let config = parse(r#"{"interval":"1m30s","message":"alive"}"#).expect("valid");
        assert_eq!(config.interval, Duration::from_secs(90));
        assert_eq!(config.message, "alive");
    }

    #[test]
    fn zero_interval_is_rejected() {
        let err = parse(r#"{"interval":"0s"}"#).expect_err("zero");
        assert_eq!(err.to_string(), "interval: must be greater than 0s");
    }

    #[test]
    fn malformed_interval_names_the_field() {
        let err = parse(r#"{"interval":"10 seconds"}"#).expect_err("not a Go duration");
        assert_eq!(err.path(), "interval");
    }
}
