//! Processors: components that see every batch in a pipeline and pass it on, changed or not.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, by_signal, delegate_lifecycle,
    instance,
};
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Batch, Kind};
use crate::{
    Config, Context, CreateSettings, Error, LogsBatch, MetricsBatch, Outcome, Signal, Signals,
    Stability, TracesBatch,
};

/// A processor instance. The collector creates one per pipeline signal it is used in.
///
/// Implement the `process_*` method of each signal your factory lists in
/// [`ProcessorFactory::SIGNALS`]; the others are never called. Methods take `&self`: keep mutable
/// state behind a lock or atomics, since batches may arrive concurrently.
///
/// ```
/// use otelbridge::proto::ExportTraceServiceRequest;
/// use otelbridge::{At, Context, Edits, Error, Outcome, Processor, TracesBatch};
///
/// /// Drops the spans named `healthz`.
/// struct DropHealthz;
///
/// impl Processor for DropHealthz {
///     async fn process_traces(
///         &self,
///         _ctx: &Context,
///         batch: TracesBatch<'_>,
///     ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
///         let mut edits = Edits::new();
///         for (r, resource) in batch.view()?.resources().enumerate() {
///             for (s, scope) in resource.scopes().enumerate() {
///                 for (i, span) in scope.records().enumerate() {
///                     if span.name() == "healthz" {
///                         edits.drop(At::record(r, s, i));
///                     }
///                 }
///             }
///         }
///         Ok(if edits.is_empty() { Outcome::Unchanged } else { Outcome::Edited(edits) })
///     }
/// }
///
/// # use otelbridge::prost::Message;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use otelbridge::testing;
/// let input = testing::traces_from_json(
///     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"healthz"},{"name":"GET /"}]}]}]}"#,
/// )?;
/// let (ctx, bytes) = (Context::background(), input.encode_to_vec()); // as the collector calls it
/// let outcome = DropHealthz.process_traces(&ctx, TracesBatch::from_bytes(&bytes)).await?;
/// let output = testing::passed_on(outcome, &input)?.expect("one span is left");
/// assert_eq!(output.resource_spans[0].scope_spans[0].spans.len(), 1);
/// assert_eq!(output.resource_spans[0].scope_spans[0].spans[0].name, "GET /");
/// # Ok(())
/// # }
/// ```
pub trait Processor: Send + Sync + 'static {
    /// Starts the processor before the first batch. The default does nothing.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Stops the processor after the last batch. The default does nothing.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Processes a batch of spans.
    fn process_traces(
        &self,
        ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> impl Future<Output = Result<Outcome<ExportTraceServiceRequest>, Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Traces)) }
    }

    /// Processes a batch of metrics.
    fn process_metrics(
        &self,
        ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> impl Future<Output = Result<Outcome<ExportMetricsServiceRequest>, Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Metrics)) }
    }

    /// Processes a batch of log records.
    fn process_logs(
        &self,
        ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> impl Future<Output = Result<Outcome<ExportLogsServiceRequest>, Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Logs)) }
    }
}

/// Makes processors of one type from their config.
///
/// ```
/// use otelbridge::proto::ExportLogsServiceRequest;
/// use otelbridge::{At, Config, Context, CreateSettings, Edits, Error, Factory, LogsBatch};
/// use otelbridge::{Outcome, Processor, ProcessorFactory, Signals, Stability};
///
/// /// `processors: { env: { name: prod } }`
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct EnvConfig {
///     /// The environment every resource is tagged with.
///     name: String,
/// }
///
/// impl Config for EnvConfig {}
///
/// /// Sets `deployment.environment.name` on every resource.
/// struct Env {
///     name: String,
/// }
///
/// impl Processor for Env {
///     async fn process_logs(
///         &self,
///         _ctx: &Context,
///         batch: LogsBatch<'_>,
///     ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
///         let mut edits = Edits::new();
///         for (r, _) in batch.view()?.resources().enumerate() {
///             edits.set(At::resource(r), "deployment.environment.name", self.name.as_str());
///         }
///         Ok(Outcome::Edited(edits))
///     }
/// }
///
/// struct EnvFactory;
///
/// impl ProcessorFactory for EnvFactory {
///     type Config = EnvConfig;
///     type Processor = Env;
///     const TYPE: &'static str = "env";
///     const STABILITY: Stability = Stability::Development;
///     const SIGNALS: Signals = Signals::LOGS;
///
///     fn create(&self, _: &CreateSettings, config: EnvConfig) -> Result<Env, Error> {
///         Ok(Env { name: config.name })
///     }
/// }
///
/// /// What the component crate exposes.
/// pub fn factory() -> Factory {
///     Factory::processor(EnvFactory)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use otelbridge::testing::{self, Harness};
/// assert_eq!((factory().type_name(), factory().signals()), ("env", Signals::LOGS));
/// let harness = Harness::started(&factory(), r#"{"name":"prod"}"#).await?;
/// let input = testing::logs_from_json(r#"{"resourceLogs":[{"resource":{}}]}"#)?;
/// let processed = harness.process(&input).await?;
/// let output = testing::to_json(processed.passed_on().expect("not dropped"));
/// let env = r#"{"key":"deployment.environment.name","value":{"stringValue":"prod"}}"#;
/// assert!(output.contains(env), "{output}");
/// harness.shutdown().await?;
/// # Ok(())
/// # }
/// ```
pub trait ProcessorFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The processor type.
    type Processor: Processor;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the processor is.
    const STABILITY: Stability;
    /// The signals the processor handles.
    const SIGNALS: Signals;

    /// Creates a processor. Must have no side effects (no threads, sockets or files): the
    /// collector also creates components just to validate a config. Start real work in
    /// [`Processor::start`].
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
    ) -> Result<Self::Processor, Error>;
}

fn unsupported(signal: Signal) -> Error {
    Error::permanent(format!("this processor does not handle {signal}"))
}

// The bridge's side: the erased factory and instance of this kind.

/// A processor factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsProcessor<F>(pub(crate) F);
/// A created processor, type-erased.
struct ProcessorInstance<P>(P);

impl<F: ProcessorFactory> KindOf for AsProcessor<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Processor;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = F::SIGNALS;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ProcessorInstance(
            self.0.create(settings, config)?,
        )))
    }
}

impl<P: Processor> ErasedInstance for ProcessorInstance<P> {
    delegate_lifecycle!();
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
