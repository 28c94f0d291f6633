//! Exporters: components at the end of a pipeline that send each batch somewhere.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, by_signal, delegate_lifecycle,
    instance,
};
use crate::{Batch, Kind, Outcome};
use crate::{
    Config, Context, CreateSettings, Error, LogsBatch, MetricsBatch, Signal, Signals, Stability,
    TracesBatch,
};

/// An exporter instance. The collector creates one per pipeline signal it is used in.
///
/// In a collector, each exporter runs behind Go's exporterhelper: operators configure `timeout`,
/// `retry_on_failure` and `sending_queue` in the exporter's own section, and the helper retries
/// the batches an `export_*` method fails with a retryable error (after the error's
/// [`Error::with_retry_after`] delay, when given) and drops those it fails permanently. Those
/// three keys are therefore reserved: the exporter's own config must not use them.
///
/// Implement the `export_*` method of each signal your factory lists in
/// [`ExporterFactory::SIGNALS`]. Batches may arrive concurrently (with a queue of several
/// consumers). The context's cancellation fires when the collector gives up on the batch (its
/// timeout, or shutdown past its deadline): stop the work then.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// use otelbridge::{Context, Error, Exporter, TracesBatch};
///
/// /// Counts the spans it is given (a real exporter sends them somewhere).
/// #[derive(Default)]
/// struct SpanCounter {
///     spans: AtomicUsize,
/// }
///
/// impl Exporter for SpanCounter {
///     async fn export_traces(&self, _ctx: &Context, batch: TracesBatch<'_>) -> Result<(), Error> {
///         let request = batch.decode()?; // a malformed batch is a permanent error
///         for resource in &request.resource_spans {
///             for scope in &resource.scope_spans {
///                 self.spans.fetch_add(scope.spans.len(), Ordering::Relaxed);
///             }
///         }
///         Ok(())
///     }
/// }
///
/// # use otelbridge::prost::Message;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let input = otelbridge::testing::traces_from_json(
///     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"},{"name":"b"}]}]}]}"#,
/// )?;
/// let (ctx, bytes) = (Context::background(), input.encode_to_vec()); // as the collector calls it
/// let exporter = SpanCounter::default();
/// exporter.export_traces(&ctx, TracesBatch::from_bytes(&bytes)).await?;
/// assert_eq!(exporter.spans.load(Ordering::Relaxed), 2);
///
/// let err = exporter.export_traces(&ctx, TracesBatch::from_bytes(&[0xff, 0xff])).await;
/// assert!(err.expect_err("malformed").is_permanent(), "dropped, never retried");
/// # Ok(())
/// # }
/// ```
pub trait Exporter: Send + Sync + 'static {
    /// Starts the exporter before the first batch. The default does nothing.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Stops the exporter after the queue has drained, within `ctx`'s deadline. The default does
    /// nothing.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Exports a batch of spans.
    fn export_traces(
        &self,
        ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Traces)) }
    }

    /// Exports a batch of metrics.
    fn export_metrics(
        &self,
        ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Metrics)) }
    }

    /// Exports a batch of log records.
    fn export_logs(
        &self,
        ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Logs)) }
    }
}

/// Makes exporters of one type from their config.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// use otelbridge::{Config, Context, CreateSettings, Error, Exporter, ExporterFactory, Factory};
/// use otelbridge::{LogsBatch, Signals, Stability};
///
/// /// `exporters: { count: { max_records: 1000 } }`
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct CountConfig {
///     /// Refuse batches of more records than this (default = 0: no limit).
///     max_records: usize,
/// }
///
/// impl Config for CountConfig {}
///
/// /// Adds up the log records it is given.
/// struct Count {
///     max_records: usize,
///     total: Arc<AtomicUsize>,
/// }
///
/// impl Exporter for Count {
///     async fn export_logs(&self, _ctx: &Context, batch: LogsBatch<'_>) -> Result<(), Error> {
///         let mut records = 0;
///         for resource in batch.view()?.resources() {
///             for scope in resource.scopes() {
///                 records += scope.records().count();
///             }
///         }
///         if self.max_records > 0 && records > self.max_records {
///             let max = self.max_records;
///             return Err(Error::permanent(format!("{records} records: more than {max}")));
///         }
///         self.total.fetch_add(records, Ordering::Relaxed);
///         Ok(())
///     }
/// }
///
/// /// Gives every exporter it creates the same total.
/// struct CountFactory {
///     total: Arc<AtomicUsize>,
/// }
///
/// impl ExporterFactory for CountFactory {
///     type Config = CountConfig;
///     type Exporter = Count;
///     const TYPE: &'static str = "count";
///     const STABILITY: Stability = Stability::Development;
///     const SIGNALS: Signals = Signals::LOGS;
///
///     fn create(&self, _: &CreateSettings, config: CountConfig) -> Result<Count, Error> {
///         Ok(Count { max_records: config.max_records, total: Arc::clone(&self.total) })
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use otelbridge::testing::{self, Harness};
/// let total = Arc::new(AtomicUsize::new(0));
/// let factory = Factory::exporter(CountFactory { total: Arc::clone(&total) });
/// let count = Harness::started(&factory, r#"{"max_records":2}"#).await?;
/// let two = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{}]}]}]}"#;
/// let two = testing::logs_from_json(two)?;
/// count.consume(&two).await?;
/// assert_eq!(total.load(Ordering::Relaxed), 2);
///
/// let three = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{},{}]}]}]}"#;
/// let three = testing::logs_from_json(three)?;
/// let err = count.consume(&three).await.expect_err("over the limit");
/// assert_eq!(err.message(), "3 records: more than 2");
/// count.shutdown().await?;
/// # Ok(())
/// # }
/// ```
pub trait ExporterFactory: Send + Sync + 'static {
    /// The config type. Must not have `timeout`, `retry_on_failure` or `sending_queue` fields:
    /// those belong to the Go exporterhelper around the exporter.
    type Config: Config;
    /// The exporter type.
    type Exporter: Exporter;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the exporter is.
    const STABILITY: Stability;
    /// The signals the exporter handles.
    const SIGNALS: Signals;

    /// Creates an exporter. Must have no side effects (no connections, threads or files): the
    /// collector also creates components just to validate a config. Connect in
    /// [`Exporter::start`] or lazily.
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
    ) -> Result<Self::Exporter, Error>;
}

fn unsupported(signal: Signal) -> Error {
    Error::permanent(format!("this exporter does not handle {signal}"))
}

// The bridge's side: the erased factory and instance of this kind.

/// A exporter factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsExporter<F>(pub(crate) F);
/// A created exporter, type-erased.
struct ExporterInstance<E>(E);

impl<F: ExporterFactory> KindOf for AsExporter<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Exporter;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = F::SIGNALS;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ExporterInstance(self.0.create(settings, config)?)))
    }
}

impl<E: Exporter> ErasedInstance for ExporterInstance<E> {
    delegate_lifecycle!();
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
