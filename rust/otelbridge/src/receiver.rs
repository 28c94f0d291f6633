//! Receivers: components at the start of a pipeline that bring data in from outside.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, delegate_lifecycle, instance,
    no_data_path,
};
use crate::{Config, Context, CreateSettings, Error, Next, Signals, Stability};
use crate::{Kind, Signal};

/// A receiver instance. The collector creates one per receiver id, whatever the number of
/// pipelines it feeds: [`Next::signals`] says which signals they consume.
///
/// The receiver does its own I/O on the shared tokio runtime: [`Receiver::start`] binds sockets
/// and spawns the work with [`crate::runtime::spawn`], then returns. Each batch it accepts goes
/// to the pipelines through the [`Next`] it was created with; awaiting the send is the
/// backpressure, and the send's error is what the receiver should answer its client.
///
/// ```
/// use std::sync::Mutex;
///
/// use otelbridge::proto::ExportLogsServiceRequest;
/// use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
/// use otelbridge::tokio::task::JoinHandle;
/// use otelbridge::{Context, Error, Next, Receiver};
///
/// /// Sends one log record once started.
/// struct Hello {
///     next: Next,
///     task: Mutex<Option<JoinHandle<Result<(), Error>>>>,
/// }
///
/// impl Receiver for Hello {
///     async fn start(&self, _ctx: &Context) -> Result<(), Error> {
///         let next = self.next.clone();
///         // The work runs on the shared runtime: start returns at once.
///         let task = otelbridge::runtime::spawn(async move {
///             let records = vec![LogRecord::default()];
///             let scope = ScopeLogs { log_records: records, ..Default::default() };
///             let resource = ResourceLogs { scope_logs: vec![scope], ..Default::default() };
///             let batch = ExportLogsServiceRequest { resource_logs: vec![resource] };
///             next.send_logs(&Context::background(), &batch).await
///         });
///         *self.task.lock().expect("not poisoned") = Some(task);
///         Ok(())
///     }
///
///     async fn shutdown(&self, _ctx: &Context) -> Result<(), Error> {
///         // Waits until what was sent has been answered: nothing accepted is lost.
///         let task = self.task.lock().expect("not poisoned").take();
///         match task {
///             Some(task) => task.await.map_err(|err| Error::permanent(err.to_string()))?,
///             None => Ok(()),
///         }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// use otelbridge::Signals;
/// use otelbridge::testing::Sink;
/// let sink = Sink::new(); // the pipelines: records what they are sent
/// let hello = Hello { next: sink.next(Signals::LOGS), task: Mutex::new(None) };
/// hello.start(&Context::background()).await?;
/// hello.shutdown(&Context::background()).await?;
/// let logs = sink.logs();
/// assert_eq!(logs.len(), 1);
/// assert_eq!(logs[0].resource_logs[0].scope_logs[0].log_records.len(), 1);
/// # Ok(())
/// # }
/// ```
pub trait Receiver: Send + Sync + 'static {
    /// Starts intake: binds, listens or begins polling, and returns once it is ready.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;

    /// Stops intake first, then waits (within `ctx`'s deadline) until every batch already
    /// accepted has been sent and answered, so nothing the receiver acknowledged is lost.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Makes receivers of one type from their config.
///
/// ```
/// use std::sync::Mutex;
///
/// use otelbridge::tokio::task::JoinHandle;
/// use otelbridge::{Config, CreateSettings, Error, Factory, Next, ReceiverFactory, Signals};
/// use otelbridge::Stability;
/// # use otelbridge::proto::ExportLogsServiceRequest;
/// # use otelbridge::proto::common::v1::{AnyValue, any_value::Value};
/// # use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
/// # use otelbridge::{Context, Receiver};
///
/// /// `receivers: { hello: { body: hi } }`
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct HelloConfig {
///     /// The body of the record sent.
///     body: String,
/// }
///
/// impl Config for HelloConfig {}
///
/// /// Sends one log record with the body once started (as in the example of `Receiver`).
/// struct Hello {
///     body: String,
///     next: Next,
///     task: Mutex<Option<JoinHandle<Result<(), Error>>>>,
/// }
/// # impl Receiver for Hello {
/// #     async fn start(&self, _ctx: &Context) -> Result<(), Error> {
/// #         let (next, body) = (self.next.clone(), self.body.clone());
/// #         let task = otelbridge::runtime::spawn(async move {
/// #             let body = Some(AnyValue { value: Some(Value::StringValue(body)) });
/// #             let record = LogRecord { body, ..Default::default() };
/// #             let scope = ScopeLogs { log_records: vec![record], ..Default::default() };
/// #             let resource = ResourceLogs { scope_logs: vec![scope], ..Default::default() };
/// #             let batch = ExportLogsServiceRequest { resource_logs: vec![resource] };
/// #             next.send_logs(&Context::background(), &batch).await
/// #         });
/// #         *self.task.lock().expect("not poisoned") = Some(task);
/// #         Ok(())
/// #     }
/// #     async fn shutdown(&self, _ctx: &Context) -> Result<(), Error> {
/// #         let task = self.task.lock().expect("not poisoned").take();
/// #         match task {
/// #             Some(task) => task.await.map_err(|err| Error::permanent(err.to_string()))?,
/// #             None => Ok(()),
/// #         }
/// #     }
/// # }
///
/// struct HelloFactory;
///
/// impl ReceiverFactory for HelloFactory {
///     type Config = HelloConfig;
///     type Receiver = Hello;
///     const TYPE: &'static str = "hello";
///     const STABILITY: Stability = Stability::Development;
///     const SIGNALS: Signals = Signals::LOGS;
///
///     fn create(&self, _: &CreateSettings, config: HelloConfig, next: Next) -> Result<Hello, Error> {
///         Ok(Hello { body: config.body, next, task: Mutex::new(None) })
///     }
/// }
///
/// /// What the component crate exposes.
/// pub fn factory() -> Factory {
///     Factory::receiver(HelloFactory)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// use otelbridge::testing::{Harness, Sink};
/// let sink = Sink::new(); // the pipelines the collector connects the receiver to
/// let settings = CreateSettings::new("hello").with_next(sink.next(Signals::LOGS));
/// let hello = Harness::started_with(&factory(), &settings, r#"{"body":"hi"}"#).await?;
/// hello.shutdown().await?;
/// let sent = otelbridge::testing::to_json(&sink.logs()[0]);
/// assert!(sent.contains(r#""body":{"stringValue":"hi"}"#), "{sent}");
/// # Ok(())
/// # }
/// ```
pub trait ReceiverFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The receiver type.
    type Receiver: Receiver;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the receiver is.
    const STABILITY: Stability;
    /// The signals the receiver can produce.
    const SIGNALS: Signals;

    /// Creates a receiver that sends to `next`. Must have no side effects (no sockets or threads):
    /// the collector also creates components just to validate a config. Bind in
    /// [`Receiver::start`].
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
        next: Next,
    ) -> Result<Self::Receiver, Error>;
}

// The bridge's side: the erased factory and instance of this kind.

/// A receiver factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsReceiver<F>(pub(crate) F);
/// A created receiver, type-erased.
struct ReceiverInstance<R>(R);

impl<F: ReceiverFactory> KindOf for AsReceiver<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Receiver;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = F::SIGNALS;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        let next = settings.take_next(Kind::Receiver)?;
        Ok(instance(ReceiverInstance(
            self.0.create(settings, config, next)?,
        )))
    }
}

impl<R: Receiver> ErasedInstance for ReceiverInstance<R> {
    delegate_lifecycle!();
    fn process<'a>(
        &'a self,
        _ctx: &'a Context,
        signal: Signal,
        _bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        no_data_path(Kind::Receiver, signal)
    }
}
