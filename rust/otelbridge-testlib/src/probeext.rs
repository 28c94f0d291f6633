//! The `probeext` extension.

use std::time::Duration;

use otelbridge::{
    Config, Context, CreateSettings, Error, Extension, ExtensionFactory, Factory, Stability,
};

/// The extension's config.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeExtConfig {
    /// Fail `start` with a permanent error.
    pub fail_start: bool,
    /// Panic in `start`.
    pub panic_on_start: bool,
    /// Wait this long in `start` (default = 0s).
    #[serde(with = "otelbridge::duration")]
    pub start_delay: Duration,
}

impl Config for ProbeExtConfig {}

struct ProbeExt {
    config: ProbeExtConfig,
}

impl Extension for ProbeExt {
    async fn start(&self, _: &Context) -> Result<(), Error> {
        if self.config.panic_on_start {
            panic!("probeext panicked on purpose in start");
        }
        if !self.config.start_delay.is_zero() {
            otelbridge::tokio::time::sleep(self.config.start_delay).await;
        }
        if self.config.fail_start {
            return Err(Error::permanent("probeext refused to start"));
        }
        tracing::info!("probeext started");
        Ok(())
    }

    async fn shutdown(&self, _: &Context) -> Result<(), Error> {
        tracing::info!("probeext stopped");
        Ok(())
    }
}

struct ProbeExtFactory;

impl ExtensionFactory for ProbeExtFactory {
    type Config = ProbeExtConfig;
    type Extension = ProbeExt;
    const TYPE: &'static str = "probeext";
    const STABILITY: Stability = Stability::Development;

    fn create(&self, _: &CreateSettings, config: ProbeExtConfig) -> Result<ProbeExt, Error> {
        Ok(ProbeExt { config })
    }
}

/// The extension's factory.
pub fn factory() -> Factory {
    Factory::extension(ProbeExtFactory)
}
