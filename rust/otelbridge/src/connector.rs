//! Connectors: components that end one pipeline and feed another, possibly of another signal.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, by_signal, delegate_lifecycle,
    instance,
};
use crate::{Batch, Kind, Outcome};
use crate::{
    Config, Context, CreateSettings, Error, LogsBatch, MetricsBatch, Next, Signal, Signals,
    Stability, TracesBatch,
};

/// A connector instance. The collector creates one per pair of pipeline signals it connects
/// (traces to metrics, say): it consumes batches of one signal as an exporter does, and sends
/// what it derives to the [`Next`] it was created with, whose [`Next::signals`] is the one
/// output signal of this instance.
///
/// The error a `consume_*` method returns goes back to the component that fed it, so a connector
/// that sends synchronously passes its next consumer's backpressure upstream.
///
/// ```
/// use otelbridge::{Connector, Context, Error, LogsBatch, Next, Signal};
///
/// /// Passes each logs batch on to the pipelines it feeds, as it came.
/// struct Forward {
///     next: Next,
/// }
///
/// impl Connector for Forward {
///     async fn consume_logs(&self, ctx: &Context, batch: LogsBatch<'_>) -> Result<(), Error> {
///         // Awaited before returning: the next pipeline's answer goes back upstream.
///         self.next.send_encoded(ctx, Signal::Logs, batch.bytes().to_vec()).await
///     }
/// }
///
/// # use otelbridge::prost::Message;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use otelbridge::Signals;
/// use otelbridge::testing::{self, Sink};
/// let sink = Sink::new(); // the pipelines the connector feeds
/// let forward = Forward { next: sink.next(Signals::LOGS) };
/// let logs = testing::logs_from_json(r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}"#)?;
/// let (ctx, bytes) = (Context::background(), logs.encode_to_vec()); // as the collector calls it
/// forward.consume_logs(&ctx, LogsBatch::from_bytes(&bytes)).await?;
/// assert_eq!(sink.logs(), vec![logs]);
///
/// sink.answer_with(|_| Err(Error::retryable("queue full")));
/// let err = forward.consume_logs(&ctx, LogsBatch::from_bytes(&bytes)).await;
/// assert_eq!(err.expect_err("refused downstream").message(), "queue full");
/// # Ok(())
/// # }
/// ```
pub trait Connector: Send + Sync + 'static {
    /// Starts the connector before the first batch. The default does nothing.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Stops the connector after the last batch, flushing what it holds within `ctx`'s deadline.
    /// The default does nothing.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Consumes a batch of spans.
    fn consume_traces(
        &self,
        ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Traces)) }
    }

    /// Consumes a batch of metrics.
    fn consume_metrics(
        &self,
        ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Metrics)) }
    }

    /// Consumes a batch of log records.
    fn consume_logs(
        &self,
        ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (ctx, batch);
        async { Err(unsupported(Signal::Logs)) }
    }
}

/// Makes connectors of one type from their config.
///
/// ```
/// use otelbridge::{Config, ConnectorFactory, CreateSettings, Error, Factory, Next, Signals};
/// use otelbridge::Stability;
/// # use otelbridge::{Connector, Context, LogsBatch, Signal};
///
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct ForwardConfig {}
///
/// impl Config for ForwardConfig {}
///
/// /// Passes each logs batch on (as in the example of `Connector`).
/// struct Forward {
///     next: Next,
/// }
/// # impl Connector for Forward {
/// #     async fn consume_logs(&self, ctx: &Context, batch: LogsBatch<'_>) -> Result<(), Error> {
/// #         self.next.send_encoded(ctx, Signal::Logs, batch.bytes().to_vec()).await
/// #     }
/// # }
///
/// struct ForwardFactory;
///
/// impl ConnectorFactory for ForwardFactory {
///     type Config = ForwardConfig;
///     type Connector = Forward;
///     const TYPE: &'static str = "forwardlogs";
///     const STABILITY: Stability = Stability::Development;
///     const INPUTS: Signals = Signals::LOGS; // ends logs pipelines,
///     const OUTPUTS: Signals = Signals::LOGS; // feeds logs pipelines
///
///     fn create(&self, _: &CreateSettings, _: ForwardConfig, next: Next) -> Result<Forward, Error> {
///         Ok(Forward { next })
///     }
/// }
///
/// /// What the component crate exposes.
/// pub fn factory() -> Factory {
///     Factory::connector(ForwardFactory)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use otelbridge::testing::{self, Harness, Sink};
/// assert_eq!((factory().signals(), factory().signals_out()), (Signals::LOGS, Signals::LOGS));
/// let sink = Sink::new(); // the pipelines the connector feeds
/// let settings = CreateSettings::new("forwardlogs").with_next(sink.next(Signals::LOGS));
/// let forward = Harness::started_with(&factory(), &settings, "").await?;
/// let logs = testing::logs_from_json(r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}"#)?;
/// forward.consume(&logs).await?;
/// assert_eq!(sink.logs(), vec![logs]);
/// forward.shutdown().await?;
/// # Ok(())
/// # }
/// ```
pub trait ConnectorFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The connector type.
    type Connector: Connector;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the connector is.
    const STABILITY: Stability;
    /// The signals it consumes.
    const INPUTS: Signals;
    /// The signals it produces: every input may be connected to every output.
    const OUTPUTS: Signals;

    /// Creates a connector that sends to `next`. Must have no side effects.
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
        next: Next,
    ) -> Result<Self::Connector, Error>;
}

fn unsupported(signal: Signal) -> Error {
    Error::permanent(format!("this connector does not consume {signal}"))
}

// The bridge's side: the erased factory and instance of this kind.

/// A connector factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsConnector<F>(pub(crate) F);
/// A created connector, type-erased.
struct ConnectorInstance<C>(C);

impl<F: ConnectorFactory> KindOf for AsConnector<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Connector;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = F::INPUTS;
    const SIGNALS_OUT: Signals = F::OUTPUTS;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        let next = settings.take_next(Kind::Connector)?;
        Ok(instance(ConnectorInstance(
            self.0.create(settings, config, next)?,
        )))
    }
}

impl<C: Connector> ErasedInstance for ConnectorInstance<C> {
    delegate_lifecycle!();
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
