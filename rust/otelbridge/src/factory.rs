//! The type-erased face of a component: what a component crate exports and what the ABI drives.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::{self, ConfigError};
use crate::{
    Context, Error, ErrorKind, Extension, ExtensionFactory, Kind, Outcome, Processor,
    ProcessorFactory, Signal, Signals, Stability,
};

/// What a processor call gives back once erased: replaced batches are already encoded.
pub type ProcessOutcome = Outcome<Vec<u8>>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the collector tells a component when it creates it.
#[derive(Debug, Clone)]
pub struct CreateSettings {
    id: String,
}

impl CreateSettings {
    /// Settings for the component with collector id `id` (`type` or `type/name`).
    pub fn new(id: impl Into<String>) -> CreateSettings {
        CreateSettings { id: id.into() }
    }

    /// The component id from the collector config, such as `redact/pii`.
    pub fn id(&self) -> &str {
        &self.id
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
        Factory {
            inner: Arc::new(ProcessorEraser(factory)),
        }
    }

    /// Erases an extension factory.
    pub fn extension<F: ExtensionFactory>(factory: F) -> Factory {
        Factory {
            inner: Arc::new(ExtensionEraser(factory)),
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

    /// The signals the component handles (none for an extension).
    pub fn signals(&self) -> Signals {
        self.inner.signals()
    }

    /// The stability level.
    pub fn stability(&self) -> Stability {
        self.inner.stability()
    }

    /// The default config as JSON.
    pub fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        self.inner.default_config_json()
    }

    /// Checks a JSON config: unknown fields, types, then the component's own validation.
    pub fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        self.inner.validate_config_json(json)
    }

    /// Creates an instance from a JSON config. Has no side effects beyond the component's own
    /// `create`.
    pub fn create(&self, settings: &CreateSettings, config_json: &[u8]) -> Result<Instance, Error> {
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

    /// Runs one batch of `signal` (OTLP protobuf bytes) through the component.
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
    fn stability(&self) -> Stability;
    fn default_config_json(&self) -> Result<Vec<u8>, ConfigError>;
    fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError>;
    fn create(&self, settings: &CreateSettings, json: &[u8]) -> Result<Instance, Error>;
}

trait ErasedInstance: Send + Sync {
    fn start<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>>;
    fn shutdown<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>>;
    fn process<'a>(
        &'a self,
        ctx: &'a Context,
        signal: Signal,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>>;
}

struct ProcessorEraser<F>(F);

impl<F: ProcessorFactory> ErasedFactory for ProcessorEraser<F> {
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn kind(&self) -> Kind {
        Kind::Processor
    }
    fn signals(&self) -> Signals {
        F::SIGNALS
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        config::default_json::<F::Config>()
    }
    fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        config::from_json::<F::Config>(json).map(drop)
    }
    fn create(&self, settings: &CreateSettings, json: &[u8]) -> Result<Instance, Error> {
        let config = config::from_json::<F::Config>(json)?;
        let processor = self.0.create(settings, config)?;
        Ok(Instance {
            inner: Arc::new(ProcessorInstance(processor)),
        })
    }
}

struct ProcessorInstance<P>(P);

impl<P: Processor> ErasedInstance for ProcessorInstance<P> {
    fn start<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.0.start(ctx))
    }
    fn shutdown<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.0.shutdown(ctx))
    }
    fn process<'a>(
        &'a self,
        ctx: &'a Context,
        signal: Signal,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        use crate::Batch;
        match signal {
            Signal::Traces => Box::pin(async move {
                Ok(self
                    .0
                    .process_traces(ctx, Batch::from_bytes(bytes))
                    .await?
                    .encode())
            }),
            Signal::Metrics => Box::pin(async move {
                Ok(self
                    .0
                    .process_metrics(ctx, Batch::from_bytes(bytes))
                    .await?
                    .encode())
            }),
            Signal::Logs => Box::pin(async move {
                Ok(self
                    .0
                    .process_logs(ctx, Batch::from_bytes(bytes))
                    .await?
                    .encode())
            }),
        }
    }
}

struct ExtensionEraser<F>(F);

impl<F: ExtensionFactory> ErasedFactory for ExtensionEraser<F> {
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn kind(&self) -> Kind {
        Kind::Extension
    }
    fn signals(&self) -> Signals {
        Signals::NONE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        config::default_json::<F::Config>()
    }
    fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        config::from_json::<F::Config>(json).map(drop)
    }
    fn create(&self, settings: &CreateSettings, json: &[u8]) -> Result<Instance, Error> {
        let config = config::from_json::<F::Config>(json)?;
        let extension = self.0.create(settings, config)?;
        Ok(Instance {
            inner: Arc::new(ExtensionInstance(extension)),
        })
    }
}

struct ExtensionInstance<E>(E);

impl<E: Extension> ErasedInstance for ExtensionInstance<E> {
    fn start<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.0.start(ctx))
    }
    fn shutdown<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.0.shutdown(ctx))
    }
    fn process<'a>(
        &'a self,
        _ctx: &'a Context,
        signal: Signal,
        _bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        Box::pin(async move {
            Err(Error::new(
                ErrorKind::Internal,
                format!("an extension has no {signal} data path"),
            ))
        })
    }
}
