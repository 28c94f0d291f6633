//! Running a component as the bridge does: create, start, calls, shutdown.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use tracing::level_filters::LevelFilter;

use crate::factory::Instance;
use crate::logging::{self, LogScope};
use crate::runtime::shared::handle;
use crate::runtime::tasks::Tasks;
use crate::{
    Context, CreateSettings, Edits, Error, ErrorKind, ExportRequest, Factory, Kind, Outcome, Signal,
};

use super::OtlpRequest;

/// Where an instance is in its life, as the collector drives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Created,
    Started,
    ShutDown,
}

/// One component instance driven as the bridge drives it, for tests.
///
/// [`Harness::create`] goes through the component's [`Factory`] with a JSON config, as the
/// collector does: unknown fields, types and [`Config::validate`](crate::Config::validate) are
/// checked, and `create` runs in the component's log scope. Every later call runs on the shared
/// otelbridge runtime in that scope (so [`runtime::spawn`](crate::runtime::spawn) counts the component's tasks and
/// `tracing` events belong to it), within the [`Context`]'s deadline when it has one. Calls are
/// accepted only between [`Harness::start`] and [`Harness::shutdown`], which the collector never
/// breaks; once shutdown has ended, the tasks the component left running are aborted, as the
/// bridge does (and logs as a warning): [`Harness::aborted_tasks`] says how many.
///
/// Unlike the bridge, the harness does not catch panics: a component's panic fails the test
/// where it happened.
///
/// ```
/// use otelbridge::testing::Harness;
/// use otelbridge::{Context, CreateSettings, Error, Extension, ExtensionFactory, Factory, Stability};
///
/// #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
/// #[serde(deny_unknown_fields, default)]
/// struct TickConfig { label: String }
/// impl otelbridge::Config for TickConfig {}
///
/// struct Tick;
/// impl Extension for Tick {
///     async fn start(&self, _: &Context) -> Result<(), Error> {
///         otelbridge::runtime::spawn(std::future::pending::<()>()); // never stopped: a leak
///         Ok(())
///     }
///     async fn shutdown(&self, _: &Context) -> Result<(), Error> { Ok(()) }
/// }
///
/// struct TickFactory;
/// impl ExtensionFactory for TickFactory {
///     type Config = TickConfig;
///     type Extension = Tick;
///     const TYPE: &'static str = "tick";
///     const STABILITY: Stability = Stability::Development;
///     fn create(&self, _: &CreateSettings, _: TickConfig) -> Result<Tick, Error> { Ok(Tick) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Error> {
/// let factory = Factory::extension(TickFactory);
/// let err = Harness::create(&factory, r#"{"lable":"x"}"#).expect_err("typo");
/// assert!(err.message().starts_with("lable: unknown field"), "{err}");
///
/// let tick = Harness::started(&factory, r#"{"label":"x"}"#).await?;
/// assert_eq!(tick.running_tasks(), 1);
/// tick.shutdown().await?;
/// assert_eq!(tick.aborted_tasks(), 1, "the task outlived shutdown");
/// # Ok(())
/// # }
/// ```
pub struct Harness {
    factory: Factory,
    instance: Instance,
    scope: LogScope,
    phase: Mutex<Phase>,
    aborted: AtomicUsize,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("id", &self.id())
            .field("factory", &self.factory)
            .field("phase", &self.phase)
            .finish()
    }
}

impl Harness {
    /// Creates an instance of a processor, exporter or extension from a JSON config (`""` or
    /// `"{}"` for the defaults), with the type name as its component id. Receivers and connectors
    /// need their next consumers: use [`Harness::create_with`].
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// let harness = Harness::create(&factory(), "{}")?;
    /// assert_eq!(harness.id(), "nop");
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn create(factory: &Factory, config_json: &str) -> Result<Harness, Error> {
        Harness::create_with(
            factory,
            &CreateSettings::new(factory.type_name()),
            config_json,
        )
    }

    /// Creates an instance with these settings: a component id such as `redact/pii`, and for a
    /// receiver or connector its next consumers ([`Sink::next`](super::Sink::next)).
    ///
    /// ```
    /// use otelbridge::{CreateSettings, Signals};
    /// use otelbridge::testing::{Harness, Sink};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// let sink = Sink::new();
    /// let settings = CreateSettings::new("nop/2").with_next(sink.next(Signals::LOGS));
    /// let harness = Harness::create_with(&factory(), &settings, "")?;
    /// assert_eq!(harness.id(), "nop/2");
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn create_with(
        factory: &Factory,
        settings: &CreateSettings,
        config_json: &str,
    ) -> Result<Harness, Error> {
        let scope = LogScope {
            component_id: settings.id().into(),
            sink: 0,
            max_level: LevelFilter::TRACE,
            tasks: Tasks::default(),
        };
        let instance = logging::sync_in_scope(scope.clone(), || {
            factory.create(settings, config_json.as_bytes())
        })?;
        Ok(Harness {
            factory: factory.clone(),
            instance,
            scope,
            phase: Mutex::new(Phase::Created),
            aborted: AtomicUsize::new(0),
        })
    }

    /// [`Harness::create`], then [`Harness::start`].
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let harness = Harness::started(&factory(), "{}").await?;
    /// harness.shutdown().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn started(factory: &Factory, config_json: &str) -> Result<Harness, Error> {
        let harness = Harness::create(factory, config_json)?;
        harness.start().await?;
        Ok(harness)
    }

    /// [`Harness::create_with`], then [`Harness::start`].
    ///
    /// ```
    /// # use otelbridge::testing::{Harness, Sink};
    /// # use otelbridge::{CreateSettings, Signals};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let sink = Sink::new();
    /// let settings = CreateSettings::new("nop").with_next(sink.next(Signals::METRICS));
    /// let harness = Harness::started_with(&factory(), &settings, "{}").await?;
    /// harness.shutdown().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn started_with(
        factory: &Factory,
        settings: &CreateSettings,
        config_json: &str,
    ) -> Result<Harness, Error> {
        let harness = Harness::create_with(factory, settings, config_json)?;
        harness.start().await?;
        Ok(harness)
    }

    /// The component id.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// assert_eq!(Harness::create(&factory(), "")?.id(), "nop");
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.scope.component_id
    }

    /// The factory the instance was created from.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// let harness = Harness::create(&factory(), "")?;
    /// assert_eq!(harness.factory().kind(), otelbridge::Kind::Processor);
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn factory(&self) -> &Factory {
        &self.factory
    }

    /// Starts the instance with a background context.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let harness = Harness::create(&factory(), "")?;
    /// harness.start().await?;
    /// assert!(harness.start().await.is_err(), "the collector starts an instance once");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(&self) -> Result<(), Error> {
        self.start_with(&Context::background()).await
    }

    /// Starts the instance with `ctx` (a deadline, say). Fails if it was started before.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// use otelbridge::Context;
    /// use otelbridge::tokio::time::{Duration, Instant};
    /// let ctx = Context::background().with_deadline(Instant::now() + Duration::from_secs(5));
    /// Harness::create(&factory(), "")?.start_with(&ctx).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_with(&self, ctx: &Context) -> Result<(), Error> {
        self.enter(Phase::Created, Phase::Started, "started once")?;
        self.run(
            ctx,
            |instance, ctx| async move { instance.start(&ctx).await },
        )
        .await
    }

    /// Shuts the instance down with a background context (see [`Harness::shutdown_with`]).
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let harness = Harness::create(&factory(), "")?;
    /// harness.shutdown().await?; // the collector shuts down components that never started
    /// # Ok(())
    /// # }
    /// ```
    pub async fn shutdown(&self) -> Result<(), Error> {
        self.shutdown_with(&Context::background()).await
    }

    /// Shuts the instance down with `ctx`, whether it started or not, once. However the shutdown
    /// ends, the tasks the instance still runs are aborted then, as the bridge does.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// use otelbridge::Context;
    /// use otelbridge::tokio::time::{Duration, Instant};
    /// let harness = Harness::started(&factory(), "").await?;
    /// let ctx = Context::background().with_deadline(Instant::now() + Duration::from_secs(5));
    /// harness.shutdown_with(&ctx).await?;
    /// assert!(harness.shutdown().await.is_err(), "the collector shuts an instance down once");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn shutdown_with(&self, ctx: &Context) -> Result<(), Error> {
        {
            let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
            if *phase == Phase::ShutDown {
                return Err(self.misuse("is shut down once"));
            }
            *phase = Phase::ShutDown;
        }
        let result = self
            .run(
                ctx,
                |instance, ctx| async move { instance.shutdown(&ctx).await },
            )
            .await;
        self.aborted
            .fetch_add(self.scope.tasks.abort_all(), Ordering::Relaxed);
        result
    }

    /// Runs one batch through a processor, as the collector passes it, with a background
    /// context.
    ///
    /// ```
    /// # use otelbridge::testing::{self, Harness};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let harness = Harness::started(&factory(), "").await?;
    /// let input = testing::traces_from_json(r#"{"resourceSpans":[{}]}"#)?;
    /// let processed = harness.process(&input).await?;
    /// assert_eq!(processed.passed_on(), Some(&input));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn process<T: OtlpRequest>(&self, request: &T) -> Result<Processed<T>, Error> {
        self.process_with(&Context::background(), request).await
    }

    /// Runs one batch through a processor with `ctx` (metadata, a deadline), and gives what it
    /// answered and what the collector passes on. Edits are applied as Go applies them; edits that
    /// address something the batch lacks are the permanent error the collector reports.
    ///
    /// ```
    /// # use otelbridge::testing::{self, Harness};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use otelbridge::{Context, Metadata};
    /// let harness = Harness::started(&factory(), "").await?;
    /// let ctx = Context::background().with_metadata(Metadata::new([("x-tenant", ["a"])]));
    /// let input = testing::traces_from_json(r#"{"resourceSpans":[{}]}"#)?;
    /// assert!(harness.process_with(&ctx, &input).await?.is_unchanged());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn process_with<T: OtlpRequest>(
        &self,
        ctx: &Context,
        request: &T,
    ) -> Result<Processed<T>, Error> {
        self.expect_kind(&[Kind::Processor], "process")?;
        let outcome = self.call(ctx, T::SIGNAL, request.encode_to_vec()).await?;
        let outcome = match outcome {
            Outcome::Unchanged => Outcome::Unchanged,
            Outcome::Dropped => Outcome::Dropped,
            Outcome::Edited(edits) => Outcome::Edited(edits),
            Outcome::Replaced(bytes) => {
                Outcome::Replaced(T::decode(bytes.as_slice()).map_err(|err| {
                    Error::permanent(format!("{}: the replaced batch: {err}", self.id()))
                })?)
            }
        };
        let passed_on = passed_on(outcome.clone(), request)?;
        Ok(Processed { outcome, passed_on })
    }

    /// Hands one batch to an exporter or connector, with a background context.
    ///
    /// ```
    /// # use otelbridge::testing::{self, Harness};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let processor = Harness::started(&factory(), "").await?;
    /// let input = testing::traces_from_json(r#"{"resourceSpans":[{}]}"#)?;
    /// let err = processor.consume(&input).await.expect_err("a processor consumes nothing");
    /// assert!(err.message().contains("exporter or connector"), "{err}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn consume<T: OtlpRequest>(&self, request: &T) -> Result<(), Error> {
        self.consume_with(&Context::background(), request).await
    }

    /// Hands one batch to an exporter or connector with `ctx`, and gives its answer: what the
    /// exporterhelper retries or drops, or what goes back to the connector's upstream.
    ///
    /// ```
    /// # use otelbridge::testing::{self, Harness};
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let harness = Harness::started(&factory(), "").await?;
    /// # let input = testing::traces_from_json("{}")?;
    /// let answer = harness.consume_with(&otelbridge::Context::background(), &input).await;
    /// # assert!(answer.is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn consume_with<T: OtlpRequest>(
        &self,
        ctx: &Context,
        request: &T,
    ) -> Result<(), Error> {
        self.expect_kind(&[Kind::Exporter, Kind::Connector], "consume")?;
        self.call(ctx, T::SIGNAL, request.encode_to_vec())
            .await
            .map(drop)
    }

    /// Runs any bytes through the instance as a batch of `signal`, as the bridge calls it, and
    /// gives the raw outcome (a replaced batch encoded, edits unapplied): to test what a
    /// component does with a malformed batch, say.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// use otelbridge::{Context, Outcome, Signal};
    /// let harness = Harness::started(&factory(), "").await?;
    /// // This processor never decodes: garbage passes unchanged.
    /// let outcome = harness.call(&Context::background(), Signal::Traces, vec![0xff, 0xff]).await?;
    /// assert_eq!(outcome, Outcome::Unchanged);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call(
        &self,
        ctx: &Context,
        signal: Signal,
        bytes: Vec<u8>,
    ) -> Result<Outcome<Vec<u8>>, Error> {
        if *self.phase.lock().unwrap_or_else(PoisonError::into_inner) != Phase::Started {
            return Err(self.misuse("is called only between start and shutdown"));
        }
        if !self.factory.signals().contains(signal) {
            return Err(self.misuse(&format!(
                "is never given {signal}: its factory does not list them"
            )));
        }
        self.run(ctx, move |instance, ctx| async move {
            instance.process(&ctx, signal, &bytes).await
        })
        .await
    }

    /// How many tasks the instance started with [`runtime::spawn`](crate::runtime::spawn) still run.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// assert_eq!(Harness::create(&factory(), "")?.running_tasks(), 0);
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn running_tasks(&self) -> usize {
        self.scope.tasks.running()
    }

    /// How many tasks were still running when shutdown ended, and were aborted then (the bridge
    /// logs a warning naming the component). A component that stops its own tasks has 0.
    ///
    /// ```
    /// # use otelbridge::testing::Harness;
    /// # fn factory() -> otelbridge::Factory { otelbridge::testing::__doc::nop_processor() }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), otelbridge::Error> {
    /// let harness = Harness::started(&factory(), "").await?;
    /// harness.shutdown().await?;
    /// assert_eq!(harness.aborted_tasks(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn aborted_tasks(&self) -> usize {
        self.aborted.load(Ordering::Relaxed)
    }

    /// Runs `work` on the shared runtime in the instance's log scope, within the context's
    /// deadline, as the bridge runs a call; a panic resumes here.
    async fn run<W, F, R>(&self, ctx: &Context, work: W) -> Result<R, Error>
    where
        W: FnOnce(Instance, Context) -> F,
        F: Future<Output = Result<R, Error>> + Send + 'static,
        R: Send + 'static,
    {
        let deadline = ctx.deadline();
        let future = work(self.instance.clone(), ctx.clone());
        let task = handle().spawn(logging::in_scope(self.scope.clone(), async move {
            match deadline {
                None => future.await,
                Some(deadline) => tokio::time::timeout_at(deadline, future)
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::deadline_exceeded("the call's deadline passed"))
                    }),
            }
        }));
        match task.await {
            Ok(result) => result,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(err) => Err(Error::cancelled(format!(
                "{}: the call was aborted: {err}",
                self.id()
            ))),
        }
    }

    fn enter(&self, from: Phase, to: Phase, rule: &str) -> Result<(), Error> {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        if *phase != from {
            return Err(self.misuse(&format!("is {rule}")));
        }
        *phase = to;
        Ok(())
    }

    fn expect_kind(&self, kinds: &[Kind], what: &str) -> Result<(), Error> {
        let kind = self.factory.kind();
        if kinds.contains(&kind) {
            return Ok(());
        }
        let expected = match kinds {
            [Kind::Processor] => "a processor",
            _ => "an exporter or connector",
        };
        Err(Error::new(
            ErrorKind::Internal,
            format!(
                "{}: only {expected} can {what} a batch; this is a {kind}",
                self.id()
            ),
        ))
    }

    fn misuse(&self, rule: &str) -> Error {
        Error::new(
            ErrorKind::Internal,
            format!(
                "{}: in a collector, a {} {rule}",
                self.id(),
                self.factory.kind()
            ),
        )
    }
}

impl Drop for Harness {
    /// A test that never shuts the instance down still stops its tasks, as the bridge does when
    /// a host frees an instance.
    fn drop(&mut self) {
        self.scope.tasks.abort_all();
    }
}

/// What a processor did with one batch, and what the collector passes on.
///
/// ```
/// use otelbridge::{At, Edits, Outcome};
/// use otelbridge::testing::{self, Processed};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let input = testing::logs_from_json(
///     r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a"}}]}]}]}"#,
/// )?;
/// let mut edits = Edits::new();
/// edits.set_body(At::record(0, 0, 0), "b");
/// let processed = Processed::new(Outcome::Edited(edits), &input)?;
/// assert_eq!(processed.edits().map(Edits::len), Some(1));
/// let output = processed.passed_on().expect("not dropped");
/// assert!(testing::to_json(output).contains(r#""body":{"stringValue":"b"}"#));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Processed<T> {
    outcome: Outcome<T>,
    passed_on: Option<T>,
}

impl<T: ExportRequest> Processed<T> {
    /// Resolves what a processor answered for `received`, as [`passed_on`] does.
    ///
    /// ```
    /// use otelbridge::Outcome;
    /// use otelbridge::proto::ExportTraceServiceRequest;
    /// use otelbridge::testing::Processed;
    /// let received = ExportTraceServiceRequest::default();
    /// let processed = Processed::new(Outcome::Dropped, &received)?;
    /// assert!(processed.is_dropped());
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn new(outcome: Outcome<T>, received: &T) -> Result<Processed<T>, Error> {
        let passed_on = passed_on(outcome.clone(), received)?;
        Ok(Processed { outcome, passed_on })
    }
}

impl<T> Processed<T> {
    /// What the processor answered (a replaced batch decoded, edits as they were made).
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// # let processed = Processed::new(Outcome::Unchanged, &ExportTraceServiceRequest::default())?;
    /// assert_eq!(processed.outcome(), &Outcome::Unchanged);
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn outcome(&self) -> &Outcome<T> {
        &self.outcome
    }

    /// The edits, if the processor answered with edits.
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// # let processed = Processed::new(Outcome::Unchanged, &ExportTraceServiceRequest::default())?;
    /// assert!(processed.edits().is_none());
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn edits(&self) -> Option<&Edits> {
        match &self.outcome {
            Outcome::Edited(edits) => Some(edits),
            _ => None,
        }
    }

    /// Whether the processor passed the batch on as it came ([`Outcome::Unchanged`]).
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// # let processed = Processed::new(Outcome::Unchanged, &ExportTraceServiceRequest::default())?;
    /// assert!(processed.is_unchanged());
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn is_unchanged(&self) -> bool {
        matches!(self.outcome, Outcome::Unchanged)
    }

    /// Whether nothing is passed on: the processor dropped the batch, or its edits dropped every
    /// record.
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// # let processed = Processed::new(Outcome::Dropped, &ExportTraceServiceRequest::default())?;
    /// assert!(processed.is_dropped());
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn is_dropped(&self) -> bool {
        self.passed_on.is_none()
    }

    /// The batch the collector passes on, `None` if nothing is.
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// let received = ExportTraceServiceRequest::default();
    /// let processed = Processed::new(Outcome::Unchanged, &received)?;
    /// assert_eq!(processed.passed_on(), Some(&received));
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn passed_on(&self) -> Option<&T> {
        self.passed_on.as_ref()
    }

    /// Takes the batch the collector passes on, `None` if nothing is.
    ///
    /// ```
    /// # use otelbridge::Outcome;
    /// # use otelbridge::proto::ExportTraceServiceRequest;
    /// # use otelbridge::testing::Processed;
    /// # let received = ExportTraceServiceRequest::default();
    /// let processed = Processed::new(Outcome::Replaced(received.clone()), &received)?;
    /// assert_eq!(processed.into_passed_on(), Some(received));
    /// # Ok::<(), otelbridge::Error>(())
    /// ```
    pub fn into_passed_on(self) -> Option<T> {
        self.passed_on
    }
}

/// The batch the collector passes on when a processor answers `outcome` for `received`: the
/// received batch if unchanged, the new one if replaced, the received one with the edits applied
/// (as Go applies them) if edited, and `None` if dropped or if the edits dropped every record.
/// Edits that address something `received` lacks are an error, as in the collector. Built on
/// [`Outcome::resolve`], for calling a component's methods directly.
///
/// ```
/// use otelbridge::{At, Edits, Outcome};
/// use otelbridge::testing;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let received = testing::traces_from_json(
///     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"},{"name":"b"}]}]}]}"#,
/// )?;
/// let mut edits = Edits::new();
/// edits.drop(At::record(0, 0, 0));
/// let output = testing::passed_on(Outcome::Edited(edits), &received)?.expect("one span left");
/// assert_eq!(output.resource_spans[0].scope_spans[0].spans[0].name, "b");
///
/// let mut edits = Edits::new();
/// edits.drop(At::record(0, 0, 0)).drop(At::record(0, 0, 1));
/// assert_eq!(testing::passed_on(Outcome::Edited(edits), &received)?, None);
/// # Ok(())
/// # }
/// ```
pub fn passed_on<T: ExportRequest>(outcome: Outcome<T>, received: &T) -> Result<Option<T>, Error> {
    Ok(match outcome.resolve(received)? {
        Outcome::Unchanged => Some(received.clone()),
        Outcome::Replaced(request) => Some(request),
        Outcome::Dropped => None,
        Outcome::Edited(_) => unreachable!("resolve applies edits"),
    })
}
