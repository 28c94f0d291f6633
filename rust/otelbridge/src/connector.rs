//! Connectors: components that end one pipeline and feed another, possibly of another signal.

use std::future::Future;

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
