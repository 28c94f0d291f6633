//! A recording next consumer for receivers and connectors.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::next::{Downstream, SendFuture};
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Context, Error, ExportRequest, Next, Signal, Signals};

use super::OtlpRequest;

type Answer = Arc<dyn Fn(&Sent) -> Result<(), Error> + Send + Sync>;

/// The next consumers of a receiver or connector in a test, what `consumertest.TracesSink` and
/// friends are in Go: it records every batch sent to it, and answers as the test chooses
/// (accepting everything until told otherwise). Clones share the record.
///
/// ```
/// use otelbridge::testing::{self, Sink};
/// use otelbridge::{Context, Error, Signals};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sink = Sink::new();
/// let next = sink.next(Signals::LOGS); // what the receiver gets at `create`
/// let batch = testing::logs_from_json(r#"{"resourceLogs":[{}]}"#)?;
/// next.send_logs(&Context::background(), &batch).await?;
/// assert_eq!(sink.logs(), vec![batch.clone()]);
///
/// sink.answer_with(|_| Err(Error::retryable("queue full")));
/// let err = next.send_logs(&Context::background(), &batch).await.expect_err("refused");
/// assert_eq!(err.message(), "queue full");
/// assert_eq!((sink.sent().len(), sink.logs().len()), (2, 1), "refused batches are not passed on");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Sink {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    sent: Vec<Sent>,
    answer: Option<Answer>,
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sink")
            .field("sent", &self.lock().sent)
            .finish()
    }
}

impl Sink {
    /// A sink that accepts everything.
    ///
    /// ```
    /// assert!(otelbridge::testing::Sink::new().sent().is_empty());
    /// ```
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Next consumers for `signals` that deliver here: what the collector gives a receiver (the
    /// signals its pipelines consume) or a connector (its one output signal). Sending another
    /// signal fails, as in a collector, and is not recorded.
    ///
    /// ```
    /// use otelbridge::{Context, Signals};
    /// use otelbridge::proto::ExportTraceServiceRequest;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sink = otelbridge::testing::Sink::new();
    /// let next = sink.next(Signals::METRICS);
    /// let traces = ExportTraceServiceRequest::default();
    /// let sent = next.send_traces(&Context::background(), &traces).await;
    /// assert!(sent.is_err(), "no pipeline consumes traces");
    /// assert!(sink.sent().is_empty());
    /// # }
    /// ```
    pub fn next(&self, signals: Signals) -> Next {
        Next::new(signals, self.clone())
    }

    /// Answers every later batch with `answer`'s verdict on it (the sink records it either way):
    /// an error is what the receiver or connector gets back from the pipeline.
    ///
    /// ```
    /// use otelbridge::{Context, Error, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sink = otelbridge::testing::Sink::new();
    /// sink.answer_with(|sent| match sent.context().metadata().get("x-tenant").is_empty() {
    ///     true => Err(Error::permanent("no tenant")),
    ///     false => Ok(()),
    /// });
    /// let next = sink.next(Signals::LOGS);
    /// let err = next.send_encoded(&Context::background(), Signal::Logs, Vec::new()).await;
    /// assert_eq!(err.expect_err("no tenant").message(), "no tenant");
    /// # }
    /// ```
    pub fn answer_with(&self, answer: impl Fn(&Sent) -> Result<(), Error> + Send + Sync + 'static) {
        self.lock().answer = Some(Arc::new(answer));
    }

    /// Accepts every later batch again.
    ///
    /// ```
    /// let sink = otelbridge::testing::Sink::new();
    /// sink.answer_with(|_| Err(otelbridge::Error::retryable("busy")));
    /// sink.accept_all();
    /// ```
    pub fn accept_all(&self) {
        self.lock().answer = None;
    }

    /// Every batch sent, in order, with its answer.
    ///
    /// ```
    /// use otelbridge::{Context, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let sink = otelbridge::testing::Sink::new();
    /// let ctx = Context::background().with_peer_addr("10.0.0.1:4318");
    /// sink.next(Signals::LOGS).send_encoded(&ctx, Signal::Logs, Vec::new()).await?;
    /// let sent = sink.sent();
    /// assert_eq!(sent[0].signal(), Signal::Logs);
    /// assert_eq!(sent[0].context().peer_addr(), Some("10.0.0.1:4318"));
    /// assert!(sent[0].answer().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn sent(&self) -> Vec<Sent> {
        self.lock().sent.clone()
    }

    /// The traces batches the sink accepted, decoded, in order.
    ///
    /// ```
    /// assert!(otelbridge::testing::Sink::new().traces().is_empty());
    /// ```
    pub fn traces(&self) -> Vec<ExportTraceServiceRequest> {
        self.accepted()
    }

    /// The metrics batches the sink accepted, decoded, in order.
    ///
    /// ```
    /// assert!(otelbridge::testing::Sink::new().metrics().is_empty());
    /// ```
    pub fn metrics(&self) -> Vec<ExportMetricsServiceRequest> {
        self.accepted()
    }

    /// The logs batches the sink accepted, decoded, in order.
    ///
    /// ```
    /// assert!(otelbridge::testing::Sink::new().logs().is_empty());
    /// ```
    pub fn logs(&self) -> Vec<ExportLogsServiceRequest> {
        self.accepted()
    }

    /// Forgets what was sent so far.
    ///
    /// ```
    /// let sink = otelbridge::testing::Sink::new();
    /// sink.clear();
    /// assert!(sink.sent().is_empty());
    /// ```
    pub fn clear(&self) {
        self.lock().sent.clear();
    }

    fn accepted<T: OtlpRequest>(&self) -> Vec<T> {
        self.lock()
            .sent
            .iter()
            .filter(|sent| sent.signal == T::SIGNAL && sent.answer.is_ok())
            .map(|sent| {
                sent.decode()
                    .expect("a batch sent to the sink is not valid OTLP protobuf")
            })
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Downstream for Sink {
    fn send(&self, ctx: &Context, signal: Signal, bytes: Vec<u8>) -> SendFuture {
        let mut state = self.lock();
        let mut sent = Sent {
            signal,
            bytes,
            context: ctx.clone(),
            answer: Ok(()),
        };
        if let Some(answer) = &state.answer {
            sent.answer = answer(&sent);
        }
        let answer = sent.answer.clone();
        state.sent.push(sent);
        Box::pin(async move { answer })
    }
}

/// One batch a [`Sink`] received: its signal, its OTLP protobuf bytes, the context it came with
/// and the sink's answer.
///
/// ```
/// use otelbridge::{Context, Metadata, Signals};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sink = otelbridge::testing::Sink::new();
/// let ctx = Context::background().with_metadata(Metadata::new([("x-tenant", ["a"])]));
/// let batch = otelbridge::testing::metrics_from_json(r#"{"resourceMetrics":[{}]}"#)?;
/// sink.next(Signals::METRICS).send_metrics(&ctx, &batch).await?;
/// let sent = &sink.sent()[0];
/// assert_eq!(sent.context().metadata().get("x-tenant")[0].to_str(), Some("a"));
/// assert_eq!(sent.decode::<otelbridge::proto::ExportMetricsServiceRequest>()?, batch);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Sent {
    signal: Signal,
    bytes: Vec<u8>,
    context: Context,
    answer: Result<(), Error>,
}

impl Sent {
    /// The signal.
    ///
    /// ```
    /// # use otelbridge::{Context, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// # let sink = otelbridge::testing::Sink::new();
    /// # sink.next(Signals::LOGS).send_encoded(&Context::background(), Signal::Logs, Vec::new()).await?;
    /// assert_eq!(sink.sent()[0].signal(), Signal::Logs);
    /// # Ok(())
    /// # }
    /// ```
    pub fn signal(&self) -> Signal {
        self.signal
    }

    /// The batch as OTLP protobuf, as it would reach Go.
    ///
    /// ```
    /// # use otelbridge::{Context, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// # let sink = otelbridge::testing::Sink::new();
    /// # sink.next(Signals::LOGS).send_encoded(&Context::background(), Signal::Logs, Vec::new()).await?;
    /// assert!(sink.sent()[0].bytes().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The context the batch was sent with: its metadata and peer address reach Go consumers as
    /// `client.Info`.
    ///
    /// ```
    /// # use otelbridge::{Context, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// # let sink = otelbridge::testing::Sink::new();
    /// # sink.next(Signals::LOGS).send_encoded(&Context::background(), Signal::Logs, Vec::new()).await?;
    /// assert!(sink.sent()[0].context().metadata().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// What the sink answered.
    ///
    /// ```
    /// # use otelbridge::{Context, Signal, Signals};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// # let sink = otelbridge::testing::Sink::new();
    /// # sink.next(Signals::LOGS).send_encoded(&Context::background(), Signal::Logs, Vec::new()).await?;
    /// assert_eq!(sink.sent()[0].answer(), &Ok(()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer(&self) -> &Result<(), Error> {
        &self.answer
    }

    /// Decodes the batch as [`Batch::decode`](crate::Batch::decode) does (text that is not
    /// UTF-8 reads lossily, as Go's pipeline would take it). Fails (permanently) if it is not
    /// valid OTLP protobuf of `T`.
    ///
    /// ```
    /// # use otelbridge::{Context, Signal, Signals};
    /// # use otelbridge::proto::ExportLogsServiceRequest;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// # let sink = otelbridge::testing::Sink::new();
    /// # sink.next(Signals::LOGS).send_encoded(&Context::background(), Signal::Logs, Vec::new()).await?;
    /// let logs: ExportLogsServiceRequest = sink.sent()[0].decode()?;
    /// assert!(logs.resource_logs.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn decode<T: ExportRequest>(&self) -> Result<T, Error> {
        crate::Batch::<T>::from_bytes(&self.bytes).decode()
    }
}
