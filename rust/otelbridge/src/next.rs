//! Where receivers and connectors send what they produce: the next consumers in the pipelines.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use prost::Message;

use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Context, Error, Signal, Signals};

/// A boxed future returned by a [`Downstream`].
pub type SendFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'static>>;

/// What actually delivers a batch: the Go pipeline in a collector, or a test double.
pub trait Downstream: Send + Sync + 'static {
    /// Delivers one encoded batch of `signal` and resolves with the consumer's answer. Reads what
    /// it needs of `ctx` (metadata, deadline) before returning the future.
    fn send(&self, ctx: &Context, signal: Signal, bytes: Vec<u8>) -> SendFuture;
}

/// The next consumers of a receiver or connector: one per signal the collector's pipelines
/// connect to it.
///
/// Sending is async and resolves only once the next consumer has taken the batch (or failed):
/// awaiting it is how a receiver applies backpressure, and its error is what the receiver
/// answers its own client (retryable errors ask the client to send again; permanent ones mean
/// the data was rejected for good). The metadata of the [`Context`] passed in reaches Go
/// consumers as `client.Info` metadata, its peer address as `client.Info.Addr`.
#[derive(Clone)]
pub struct Next {
    signals: Signals,
    downstream: Arc<dyn Downstream>,
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("signals", &self.signals)
            .finish()
    }
}

impl Next {
    /// Next consumers for `signals`, delivered by `downstream`.
    pub(crate) fn new(signals: Signals, downstream: impl Downstream) -> Next {
        Next {
            signals,
            downstream: Arc::new(downstream),
        }
    }

    /// Next consumers backed by a closure, for tests: `send` gets an owned copy of the context.
    pub fn from_fn<F, Fut>(signals: Signals, send: F) -> Next
    where
        F: Fn(Context, Signal, Vec<u8>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        Next::new(signals, FnDownstream(send))
    }

    /// The signals some pipeline consumes from this component. Sending any other signal fails.
    pub fn signals(&self) -> Signals {
        self.signals
    }

    /// Sends a batch of spans.
    pub async fn send_traces(
        &self,
        ctx: &Context,
        batch: &ExportTraceServiceRequest,
    ) -> Result<(), Error> {
        self.send_encoded(ctx, Signal::Traces, batch.encode_to_vec())
            .await
    }

    /// Sends a batch of metrics.
    pub async fn send_metrics(
        &self,
        ctx: &Context,
        batch: &ExportMetricsServiceRequest,
    ) -> Result<(), Error> {
        self.send_encoded(ctx, Signal::Metrics, batch.encode_to_vec())
            .await
    }

    /// Sends a batch of log records.
    pub async fn send_logs(
        &self,
        ctx: &Context,
        batch: &ExportLogsServiceRequest,
    ) -> Result<(), Error> {
        self.send_encoded(ctx, Signal::Logs, batch.encode_to_vec())
            .await
    }

    /// Sends a batch already encoded as an OTLP `Export*ServiceRequest` of `signal`, without
    /// decoding it (a receiver of OTLP protobuf passes its request body on as it came).
    pub fn send_encoded(
        &self,
        ctx: &Context,
        signal: Signal,
        bytes: Vec<u8>,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let sent = if self.signals.contains(signal) {
            Ok(self.downstream.send(ctx, signal, bytes))
        } else {
            Err(Error::permanent(format!(
                "no pipeline consumes {signal} from this component"
            )))
        };
        async move { sent?.await }
    }
}

struct FnDownstream<F>(F);

impl<F, Fut> Downstream for FnDownstream<F>
where
    F: Fn(Context, Signal, Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), Error>> + Send + 'static,
{
    fn send(&self, ctx: &Context, signal: Signal, bytes: Vec<u8>) -> SendFuture {
        Box::pin((self.0)(ctx.clone(), signal, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Metadata;
    use std::sync::Mutex;

    #[tokio::test]
    async fn sends_encoded_batches_with_their_context() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let next = Next::from_fn(Signals::LOGS, move |ctx, signal, bytes| {
            let record = Arc::clone(&record);
            async move {
                let tenant = ctx.metadata().get("tenant").to_vec();
                record
                    .lock()
                    .expect("lock")
                    .push((signal, bytes.len(), tenant));
                Ok(())
            }
        });
        let ctx = Context::background().with_metadata(Metadata::new([("tenant", ["a"])]));
        next.send_logs(&ctx, &ExportLogsServiceRequest::default())
            .await
            .expect("sent");
        assert_eq!(
            *seen.lock().expect("lock"),
            vec![(Signal::Logs, 0, vec!["a".into()])]
        );
    }

    #[tokio::test]
    async fn refuses_signals_no_pipeline_consumes() {
        let next = Next::from_fn(Signals::LOGS, |_, _, _| async { Ok(()) });
        let err = next
            .send_traces(
                &Context::background(),
                &ExportTraceServiceRequest::default(),
            )
            .await
            .expect_err("no traces pipeline");
        assert!(err.is_permanent());
        assert!(
            err.message().contains("no pipeline consumes traces"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn passes_the_consumers_error_back() {
        let next = Next::from_fn(Signals::TRACES, |_, _, _| async {
            Err(Error::retryable("queue full"))
        });
        let err = next
            .send_traces(
                &Context::background(),
                &ExportTraceServiceRequest::default(),
            )
            .await
            .expect_err("consumer failed");
        assert!(!err.is_permanent());
    }
}
