//! `heartbeat`: an otelbridge extension that runs a background task logging a heartbeat at a
//! fixed interval, and keeps a [`Health`] snapshot of it.
//!
//! ```yaml
//! extensions:
//!   heartbeat:
//!     interval: 30s
//!     message: collector alive
//!
//! service:
//!   extensions: [heartbeat]
//! ```
//!
//! On start the extension spawns its task on the otelbridge runtime (so the task's events reach
//! the extension's own logger). The task beats at once, then every `interval`, logging `message`
//! at info level with a `beats` field. Shutdown stops the task and waits for it within the
//! shutdown deadline, then logs `heartbeat stopped` with the total beats. Starting twice without
//! a shutdown in between is an error; shutting down an extension that never started is not.

mod config;
mod extension;
mod health;

use otelbridge::{CreateSettings, Error, ExtensionFactory, Factory, Stability};

pub use config::{DEFAULT_INTERVAL, DEFAULT_MESSAGE, HeartbeatConfig};
pub use extension::Heartbeat;
pub use health::{Health, State};

/// The component type operators write in the collector config.
pub const TYPE: &str = "heartbeat";

/// The `heartbeat` extension's factory, for `otelbridge_abi::export_components!`.
pub fn factory() -> Factory {
    Factory::extension(HeartbeatFactory)
}

struct HeartbeatFactory;

impl ExtensionFactory for HeartbeatFactory {
    type Config = HeartbeatConfig;
    type Extension = Heartbeat;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;

    fn create(&self, _: &CreateSettings, config: HeartbeatConfig) -> Result<Heartbeat, Error> {
        Heartbeat::new(config)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::testing::{self, Harness};
    use otelbridge::{ErrorKind, Kind, Signals};

    use super::*;

    #[test]
    fn factory_describes_an_extension() {
        let factory = factory();
        assert_eq!(factory.type_name(), "heartbeat");
        assert_eq!(factory.kind(), Kind::Extension);
        assert_eq!(factory.signals(), Signals::NONE);
        testing::check_default_config(&factory).expect("the default config is valid");
        assert_eq!(
            testing::default_config(&factory).expect("encodes"),
            r#"{"interval":"10s","message":"otelbridge heartbeat"}"#
        );
    }

    #[test]
    fn factory_rejects_a_zero_interval_with_its_path() {
        let err = testing::config_error(&factory(), r#"{"interval":"0s"}"#);
        assert_eq!(err.path(), "interval");
        let err = Harness::create(&factory(), r#"{"interval":"0s"}"#).expect_err("zero interval");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    }

    #[tokio::test]
    async fn factory_instance_starts_and_stops_its_task() {
        // Scenario: the extension's lifecycle as the collector drives it. Guarantees: its
        // background task runs while started, and shutdown stops it (the bridge would otherwise
        // abort it and log a warning).
        let settings = CreateSettings::new("heartbeat/fast");
        let heartbeat = Harness::create_with(&factory(), &settings, r#"{"interval":"10ms"}"#)
            .expect("valid config");
        heartbeat.start().await.expect("starts");
        assert_eq!(heartbeat.running_tasks(), 1);
        heartbeat.shutdown().await.expect("stops");
        assert_eq!(
            heartbeat.aborted_tasks(),
            0,
            "shutdown stopped the task itself"
        );
    }
}
