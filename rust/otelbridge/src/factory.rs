//! The type-erased face of a component: what a component crate exports and what the ABI drives.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::{self, ConfigError};
use crate::connector::AsConnector;
use crate::exporter::AsExporter;
use crate::extension::AsExtension;
use crate::processor::AsProcessor;
use crate::receiver::AsReceiver;
use crate::{
    Config, ConnectorFactory, Context, Error, ErrorKind, ExporterFactory, ExtensionFactory, Kind,
    Next, Outcome, ProcessorFactory, ReceiverFactory, Signal, Signals, Stability,
};

/// What a processor call gives back once erased: replaced batches are already encoded.
pub type ProcessOutcome = Outcome<Vec<u8>>;

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the collector tells a component when it creates it.
#[derive(Debug, Clone)]
pub struct CreateSettings {
    id: String,
    next: Option<Next>,
}

impl CreateSettings {
    /// Settings for the component with collector id `id` (`type` or `type/name`).
    pub fn new(id: impl Into<String>) -> CreateSettings {
        CreateSettings {
            id: id.into(),
            next: None,
        }
    }

    /// Adds the next consumers, which receivers and connectors need.
    pub fn with_next(mut self, next: Next) -> CreateSettings {
        self.next = Some(next);
        self
    }

    /// The component id from the collector config, such as `redact/pii`.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn take_next(&self, kind: Kind) -> Result<Next, Error> {
        self.next.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                format!("a {kind} needs its next consumers at creation"),
            )
        })
    }
}

/// A component factory of any kind, as a component crate exports it:
/// `pub fn factory() -> otelbridge::Factory`.
#[derive(Clone)]
pub struct Factory {
    inner: Arc<dyn ErasedFactory>,
}

impl std::fmt::Debug for Factory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Factory")
            .field("type", &self.type_name())
            .field("kind", &self.kind())
            .finish()
    }
}

impl Factory {
    /// Erases a processor factory.
    pub fn processor<F: ProcessorFactory>(factory: F) -> Factory {
        Factory::erase(AsProcessor(factory))
    }

    /// Erases an extension factory.
    pub fn extension<F: ExtensionFactory>(factory: F) -> Factory {
        Factory::erase(AsExtension(factory))
    }

    /// Erases an exporter factory.
    pub fn exporter<F: ExporterFactory>(factory: F) -> Factory {
        Factory::erase(AsExporter(factory))
    }

    /// Erases a receiver factory.
    pub fn receiver<F: ReceiverFactory>(factory: F) -> Factory {
        Factory::erase(AsReceiver(factory))
    }

    /// Erases a connector factory.
    pub fn connector<F: ConnectorFactory>(factory: F) -> Factory {
        Factory::erase(AsConnector(factory))
    }

    fn erase<K: KindOf>(factory: K) -> Factory {
        Factory {
            inner: Arc::new(Eraser(factory)),
        }
    }

    /// The component type name.
    pub fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    /// The component kind.
    pub fn kind(&self) -> Kind {
        self.inner.kind()
    }

    /// The signals the component consumes, or produces for a receiver (none for an extension).
    pub fn signals(&self) -> Signals {
        self.inner.signals()
    }

    /// The signals a connector produces (none for other kinds).
    pub fn signals_out(&self) -> Signals {
        self.inner.signals_out()
    }

    /// The stability level.
    pub fn stability(&self) -> Stability {
        self.inner.stability()
    }

    /// The default config as JSON.
    pub(crate) fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        self.inner.default_config_json()
    }

    /// Checks a JSON config: unknown fields, types, then the component's own validation.
    pub(crate) fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        self.inner.validate_config_json(json)
    }

    /// Creates an instance from a JSON config. Has no side effects beyond the component's own
    /// `create`. Receivers and connectors need [`CreateSettings::with_next`].
    pub(crate) fn create(
        &self,
        settings: &CreateSettings,
        config_json: &[u8],
    ) -> Result<Instance, Error> {
        self.inner.create(settings, config_json)
    }
}

/// A created component of any kind.
#[derive(Clone)]
pub struct Instance {
    inner: Arc<dyn ErasedInstance>,
}

impl Instance {
    /// Starts the component.
    pub fn start<'a>(
        &'a self,
        ctx: &'a Context,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        self.inner.start(ctx)
    }

    /// Shuts the component down.
    pub fn shutdown<'a>(
        &'a self,
        ctx: &'a Context,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        self.inner.shutdown(ctx)
    }

    /// Runs one batch of `signal` (OTLP protobuf bytes) through the component. Exporters and
    /// connectors answer [`Outcome::Dropped`] when they have consumed it; receivers and
    /// extensions consume nothing.
    pub fn process<'a>(
        &'a self,
        ctx: &'a Context,
        signal: Signal,
        bytes: &'a [u8],
    ) -> impl Future<Output = Result<ProcessOutcome, Error>> + Send + 'a {
        self.inner.process(ctx, signal, bytes)
    }
}

trait ErasedFactory: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn kind(&self) -> Kind;
    fn signals(&self) -> Signals;
    fn signals_out(&self) -> Signals;
    fn stability(&self) -> Stability;
    fn default_config_json(&self) -> Result<Vec<u8>, ConfigError>;
    fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError>;
    fn create(&self, settings: &CreateSettings, json: &[u8]) -> Result<Instance, Error>;
}

pub(crate) trait ErasedInstance: Send + Sync {
    fn start<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>>;
    fn shutdown<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>>;
    fn process<'a>(
        &'a self,
        ctx: &'a Context,
        signal: Signal,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>>;
}

/// What the eraser needs of a factory of any kind; implemented by one wrapper per kind, since a
/// type could implement several factory traits.
pub(crate) trait KindOf: Send + Sync + 'static {
    type Config: Config;
    const KIND: Kind;
    const TYPE: &'static str;
    const STABILITY: Stability;
    /// Consumed, or produced for a receiver.
    const SIGNALS: Signals;
    /// Produced, for a connector.
    const SIGNALS_OUT: Signals = Signals::NONE;
    fn build(&self, settings: &CreateSettings, config: Self::Config) -> Result<Instance, Error>;
}

struct Eraser<K>(K);

impl<K: KindOf> ErasedFactory for Eraser<K> {
    fn type_name(&self) -> &'static str {
        K::TYPE
    }
    fn kind(&self) -> Kind {
        K::KIND
    }
    fn signals(&self) -> Signals {
        K::SIGNALS
    }
    fn signals_out(&self) -> Signals {
        K::SIGNALS_OUT
    }
    fn stability(&self) -> Stability {
        K::STABILITY
    }
    fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        config::default_json::<K::Config>()
    }
    fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        config::from_json::<K::Config>(json).map(drop)
    }
    fn create(&self, settings: &CreateSettings, json: &[u8]) -> Result<Instance, Error> {
        let config = config::from_json::<K::Config>(json)?;
        self.0.build(settings, config)
    }
}

pub(crate) fn instance(erased: impl ErasedInstance + 'static) -> Instance {
    Instance {
        inner: Arc::new(erased),
    }
}

/// Dispatches one batch to the method of its signal, each decoding on demand.
macro_rules! by_signal {
    ($signal:expr, $bytes:expr, |$batch:ident| $traces:expr, $metrics:expr, $logs:expr) => {
        match $signal {
            Signal::Traces => {
                let $batch = Batch::from_bytes($bytes);
                Box::pin(async move { $traces })
            }
            Signal::Metrics => {
                let $batch = Batch::from_bytes($bytes);
                Box::pin(async move { $metrics })
            }
            Signal::Logs => {
                let $batch = Batch::from_bytes($bytes);
                Box::pin(async move { $logs })
            }
        }
    };
}
pub(crate) use by_signal;

/// `start` and `shutdown` of an erased instance, passed to the component's own.
macro_rules! delegate_lifecycle {
    () => {
        fn start<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(self.0.start(ctx))
        }
        fn shutdown<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(self.0.shutdown(ctx))
        }
    };
}
pub(crate) use delegate_lifecycle;

/// The answer of a kind that has no data path (receivers and extensions) to a batch.
pub(crate) fn no_data_path<'a>(
    kind: Kind,
    signal: Signal,
) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
    Box::pin(async move {
        Err(Error::new(
            ErrorKind::Internal,
            format!("a {kind} consumes no {signal}"),
        ))
    })
}
