//! The type-erased face of a component: what a component crate exports and what the ABI drives.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::{self, ConfigError};
use crate::{
    Batch, Config, Connector, ConnectorFactory, Context, Error, ErrorKind, Exporter,
    ExporterFactory, Extension, ExtensionFactory, Kind, Next, Outcome, Processor, ProcessorFactory,
    Receiver, ReceiverFactory, Signal, Signals, Stability,
};

/// What a processor call gives back once erased: replaced batches are already encoded.
pub type ProcessOutcome = Outcome<Vec<u8>>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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

    /// The next consumers, for a receiver or connector.
    pub fn next(&self) -> Option<&Next> {
        self.next.as_ref()
    }

    fn take_next(&self, kind: Kind) -> Result<Next, Error> {
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
    pub fn default_config_json(&self) -> Result<Vec<u8>, ConfigError> {
        self.inner.default_config_json()
    }

    /// Checks a JSON config: unknown fields, types, then the component's own validation.
    pub fn validate_config_json(&self, json: &[u8]) -> Result<(), ConfigError> {
        self.inner.validate_config_json(json)
    }

    /// Creates an instance from a JSON config. Has no side effects beyond the component's own
    /// `create`. Receivers and connectors need [`CreateSettings::with_next`].
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

/// What the eraser needs of a factory of any kind; implemented by one wrapper per kind, since a
/// type could implement several factory traits.
trait KindOf: Send + Sync + 'static {
    type Config: Config;
    const KIND: Kind;
    fn type_name(&self) -> &'static str;
    fn stability(&self) -> Stability;
    fn signals(&self) -> Signals;
    fn signals_out(&self) -> Signals {
        Signals::NONE
    }
    fn build(&self, settings: &CreateSettings, config: Self::Config) -> Result<Instance, Error>;
}

struct Eraser<K>(K);

impl<K: KindOf> ErasedFactory for Eraser<K> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn kind(&self) -> Kind {
        K::KIND
    }
    fn signals(&self) -> Signals {
        self.0.signals()
    }
    fn signals_out(&self) -> Signals {
        self.0.signals_out()
    }
    fn stability(&self) -> Stability {
        self.0.stability()
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

fn instance(erased: impl ErasedInstance + 'static) -> Instance {
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

struct AsProcessor<F>(F);
struct ProcessorInstance<P>(P);

impl<F: ProcessorFactory> KindOf for AsProcessor<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Processor;
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn signals(&self) -> Signals {
        F::SIGNALS
    }
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ProcessorInstance(
            self.0.create(settings, config)?,
        )))
    }
}

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
        let p = &self.0;
        by_signal!(
            signal,
            bytes,
            |batch| Ok(p.process_traces(ctx, batch).await?.encode()),
            Ok(p.process_metrics(ctx, batch).await?.encode()),
            Ok(p.process_logs(ctx, batch).await?.encode())
        )
    }
}

struct AsExporter<F>(F);
struct ExporterInstance<E>(E);

impl<F: ExporterFactory> KindOf for AsExporter<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Exporter;
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn signals(&self) -> Signals {
        F::SIGNALS
    }
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ExporterInstance(self.0.create(settings, config)?)))
    }
}

impl<E: Exporter> ErasedInstance for ExporterInstance<E> {
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
        let e = &self.0;
        by_signal!(
            signal,
            bytes,
            |batch| e.export_traces(ctx, batch).await.map(|()| Outcome::Dropped),
            e.export_metrics(ctx, batch)
                .await
                .map(|()| Outcome::Dropped),
            e.export_logs(ctx, batch).await.map(|()| Outcome::Dropped)
        )
    }
}

struct AsConnector<F>(F);
struct ConnectorInstance<C>(C);

impl<F: ConnectorFactory> KindOf for AsConnector<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Connector;
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn signals(&self) -> Signals {
        F::INPUTS
    }
    fn signals_out(&self) -> Signals {
        F::OUTPUTS
    }
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        let next = settings.take_next(Kind::Connector)?;
        Ok(instance(ConnectorInstance(
            self.0.create(settings, config, next)?,
        )))
    }
}

impl<C: Connector> ErasedInstance for ConnectorInstance<C> {
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
        let c = &self.0;
        by_signal!(
            signal,
            bytes,
            |batch| c
                .consume_traces(ctx, batch)
                .await
                .map(|()| Outcome::Dropped),
            c.consume_metrics(ctx, batch)
                .await
                .map(|()| Outcome::Dropped),
            c.consume_logs(ctx, batch).await.map(|()| Outcome::Dropped)
        )
    }
}

struct AsReceiver<F>(F);
struct ReceiverInstance<R>(R);

impl<F: ReceiverFactory> KindOf for AsReceiver<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Receiver;
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn signals(&self) -> Signals {
        F::SIGNALS
    }
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        let next = settings.take_next(Kind::Receiver)?;
        Ok(instance(ReceiverInstance(
            self.0.create(settings, config, next)?,
        )))
    }
}

impl<R: Receiver> ErasedInstance for ReceiverInstance<R> {
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
        no_data_path(Kind::Receiver, signal)
    }
}

struct AsExtension<F>(F);
struct ExtensionInstance<E>(E);

impl<F: ExtensionFactory> KindOf for AsExtension<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Extension;
    fn type_name(&self) -> &'static str {
        F::TYPE
    }
    fn stability(&self) -> Stability {
        F::STABILITY
    }
    fn signals(&self) -> Signals {
        Signals::NONE
    }
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ExtensionInstance(
            self.0.create(settings, config)?,
        )))
    }
}

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
        no_data_path(Kind::Extension, signal)
    }
}

fn no_data_path<'a>(kind: Kind, signal: Signal) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
    Box::pin(async move {
        Err(Error::new(
            ErrorKind::Internal,
            format!("a {kind} consumes no {signal}"),
        ))
    })
}
