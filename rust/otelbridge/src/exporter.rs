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
