//! Extensions: components that run beside the pipelines, with a lifecycle and no data path.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, delegate_lifecycle, instance,
    no_data_path,
};
use crate::{Config, Context, CreateSettings, Error, Stability};
use crate::{Kind, Signal, Signals};

/// An extension instance.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// use otelbridge::tokio::task::JoinHandle;
/// use otelbridge::{CancellationToken, Context, Error, Extension};
///
/// /// Counts a beat every millisecond while it runs.
/// #[derive(Default)]
/// struct Heartbeat {
///     beats: Arc<AtomicU64>,
///     stop: CancellationToken,
///     task: Mutex<Option<JoinHandle<()>>>,
/// }
///
/// impl Extension for Heartbeat {
///     async fn start(&self, _ctx: &Context) -> Result<(), Error> {
///         let (beats, stop) = (Arc::clone(&self.beats), self.stop.clone());
///         let task = otelbridge::runtime::spawn(async move {
///             let beat = async {
///                 loop {
///                     otelbridge::tokio::time::sleep(Duration::from_millis(1)).await;
///                     beats.fetch_add(1, Ordering::Relaxed);
///                 }
///             };
///             stop.run_until_cancelled(beat).await;
///         });
///         *self.task.lock().expect("not poisoned") = Some(task);
///         Ok(())
///     }
///
///     async fn shutdown(&self, _ctx: &Context) -> Result<(), Error> {
///         self.stop.cancel();
///         let task = self.task.lock().expect("not poisoned").take();
///         if let Some(task) = task {
///             task.await.map_err(|err| Error::permanent(err.to_string()))?;
///         }
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// let heartbeat = Heartbeat::default();
/// heartbeat.start(&Context::background()).await?;
/// while heartbeat.beats.load(Ordering::Relaxed) < 2 {
///     otelbridge::tokio::time::sleep(Duration::from_millis(1)).await;
/// }
/// heartbeat.shutdown(&Context::background()).await?;
/// let beats = heartbeat.beats.load(Ordering::Relaxed);
/// otelbridge::tokio::time::sleep(Duration::from_millis(5)).await;
/// assert_eq!(heartbeat.beats.load(Ordering::Relaxed), beats, "stopped at shutdown");
/// # Ok(())
/// # }
/// ```
pub trait Extension: Send + Sync + 'static {
    /// Starts the extension. Spawn background work here with [`crate::runtime::spawn`], never in
    /// the factory's `create`.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;

    /// Stops the extension and everything it started, within `ctx`'s deadline. Tasks it spawned
    /// with [`crate::runtime::spawn`] and left running are aborted once this returns, with a
    /// warning in the log.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Makes extensions of one type from their config.
///
/// ```
/// use std::sync::Mutex;
/// use std::time::Duration;
///
/// use otelbridge::tokio::task::JoinHandle;
/// use otelbridge::{CancellationToken, Config, ConfigError, CreateSettings, Error};
/// use otelbridge::{ExtensionFactory, Factory, Stability};
/// # use otelbridge::{Context, Extension};
///
/// /// `extensions: { heartbeat: { interval: 30s } }`
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct HeartbeatConfig {
///     /// Time between two beats, as a Go duration.
///     #[serde(with = "otelbridge::duration")]
///     interval: Duration,
/// }
///
/// impl Config for HeartbeatConfig {
///     fn validate(&self) -> Result<(), ConfigError> {
///         if self.interval.is_zero() {
///             return Err(ConfigError::new("interval", "must be greater than 0s"));
///         }
///         Ok(())
///     }
/// }
///
/// /// Beats every `interval` while it runs (as in the example of `Extension`).
/// struct Heartbeat {
///     interval: Duration,
///     stop: CancellationToken,
///     task: Mutex<Option<JoinHandle<()>>>,
/// }
/// # impl Extension for Heartbeat {
/// #     async fn start(&self, _ctx: &Context) -> Result<(), Error> {
/// #         let (stop, interval) = (self.stop.clone(), self.interval);
/// #         let task = otelbridge::runtime::spawn(async move {
/// #             let beat = async { loop { otelbridge::tokio::time::sleep(interval).await } };
/// #             stop.run_until_cancelled(beat).await;
/// #         });
/// #         *self.task.lock().expect("not poisoned") = Some(task);
/// #         Ok(())
/// #     }
/// #     async fn shutdown(&self, _ctx: &Context) -> Result<(), Error> {
/// #         self.stop.cancel();
/// #         let task = self.task.lock().expect("not poisoned").take();
/// #         if let Some(task) = task {
/// #             task.await.map_err(|err| Error::permanent(err.to_string()))?;
/// #         }
/// #         Ok(())
/// #     }
/// # }
///
/// struct HeartbeatFactory;
///
/// impl ExtensionFactory for HeartbeatFactory {
///     type Config = HeartbeatConfig;
///     type Extension = Heartbeat;
///     const TYPE: &'static str = "heartbeat";
///     const STABILITY: Stability = Stability::Development;
///
///     fn create(&self, _: &CreateSettings, config: HeartbeatConfig) -> Result<Heartbeat, Error> {
///         // No task yet: the collector also creates components just to validate a config.
///         let (stop, task) = (CancellationToken::new(), Mutex::new(None));
///         Ok(Heartbeat { interval: config.interval, stop, task })
///     }
/// }
///
/// /// What the component crate exposes.
/// pub fn factory() -> Factory {
///     Factory::extension(HeartbeatFactory)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// use otelbridge::testing::{self, Harness};
/// let err = testing::config_error(&factory(), "{}");
/// assert_eq!(err.to_string(), "interval: must be greater than 0s");
/// let heartbeat = Harness::started(&factory(), r#"{"interval":"30s"}"#).await?;
/// assert_eq!(heartbeat.running_tasks(), 1);
/// heartbeat.shutdown().await?;
/// assert_eq!(heartbeat.aborted_tasks(), 0, "it stopped what it started");
/// # Ok(())
/// # }
/// ```
pub trait ExtensionFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The extension type.
    type Extension: Extension;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the extension is.
    const STABILITY: Stability;

    /// Creates an extension. Must have no side effects: the collector also creates components
    /// just to validate a config.
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
    ) -> Result<Self::Extension, Error>;
}

// The bridge's side: the erased factory and instance of this kind.

/// A extension factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsExtension<F>(pub(crate) F);
/// A created extension, type-erased.
struct ExtensionInstance<E>(E);

impl<F: ExtensionFactory> KindOf for AsExtension<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Extension;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = Signals::NONE;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ExtensionInstance(
            self.0.create(settings, config)?,
        )))
    }
}

impl<E: Extension> ErasedInstance for ExtensionInstance<E> {
    delegate_lifecycle!();
    fn process<'a>(
        &'a self,
        _ctx: &'a Context,
        signal: Signal,
        _bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        no_data_path(Kind::Extension, signal)
    }
}
