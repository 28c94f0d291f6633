//! The `probeext` extension.

use std::time::Duration;

use otelbridge::{
    Config, Context, CreateSettings, Error, Extension, ExtensionFactory, Factory, Stability,
    runtime,
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
    /// Spawn a background task in `start` that never ends, and that `shutdown` forgets to stop
    /// (a buggy extension).
    pub leak_task: bool,
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
        if self.config.leak_task {
            // Detached: nothing keeps its handle, so nothing of the extension can stop it.
            drop(runtime::spawn(async {
                loop {
                    otelbridge::tokio::time::sleep(Duration::from_secs(1)).await;
                    tracing::debug!("probeext's leaked task is still running");
                }
            }));
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
