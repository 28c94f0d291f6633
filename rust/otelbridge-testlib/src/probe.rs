//! The `probe` processor.

use std::time::Duration;

use otelbridge::proto::common::v1::{AnyValue, KeyValue, any_value};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::telemetry::{self, Counter, Status};
use otelbridge::{
    At, Batch, Config, ConfigError, Context, CreateSettings, Edits, Error, ErrorKind, Factory,
    LogsBatch, MetricsBatch, Outcome, Processor, ProcessorFactory, Signals, Stability, TracesBatch,
};

use crate::everywhere::ProbeRequest;

/// The metadata key whose value overrides the configured action for one call.
pub const ACTION_KEY: &str = "probe-action";

/// What the probe does with a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Pass it on unchanged, without decoding.
    Pass,
    /// Decode, add the resource attribute `probe.seen = true` (and one `probe.md.<key>` per
    /// metadata key, `probe.peer`, and `probe.trace_*` when the call carries them), encode.
    Rewrite,
    /// Make the same change as `Rewrite`, as edits, reading the batch through a view (nothing
    /// decoded).
    Edit,
    /// Make the `edit-everywhere` edits (see `everywhere.rs`).
    EditEverywhere,
    /// Make the `edit-everywhere` edits, resolve them here, and return the whole batch: what
    /// Go must produce from `EditEverywhere`.
    EditEverywhereResolved,
    /// Set an attribute on the first resource, then on a resource the batch does not have (a
    /// buggy component).
    EditOutOfRange,
    /// Replace the batch with itself plus a record whose trace id is 3 bytes long: valid
    /// protobuf no OTLP reader accepts. The worst a component can return through the SDK, whose
    /// edits and batches are always well-formed bytes (malformed ones can only come from a
    /// library that implements the C ABI by hand).
    Garbage,
    /// Drop it.
    Drop,
    /// Fail with this kind (retryable errors carry a 2s retry-after and gRPC/HTTP codes).
    Fail(ErrorKind),
    /// Panic.
    Panic,
    /// Wait this long (honouring cancellation by being dropped), then pass.
    Sleep(Duration),
    /// Hold the calling thread this long without yielding (a component doing heavy or blocking
    /// work in its first poll), then pass.
    Block(Duration),
    /// Yield to the runtime once (so the call goes pending), then rewrite.
    YieldThenRewrite,
    /// Log an info event with fields, then pass.
    Log,
    /// Report this status to the collector, then pass.
    Status(Status),
}

impl Action {
    /// The action's verb, as a metric attribute.
    fn name(&self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Rewrite => "rewrite",
            Action::Edit => "edit",
            Action::EditEverywhere => "edit-everywhere",
            Action::EditEverywhereResolved => "edit-everywhere-resolved",
            Action::EditOutOfRange => "edit-out-of-range",
            Action::Garbage => "garbage",
            Action::Drop => "drop",
            Action::Fail(_) => "fail",
            Action::Panic => "panic",
            Action::Sleep(_) => "sleep",
            Action::Block(_) => "block",
            Action::YieldThenRewrite => "yield",
            Action::Log => "log",
            Action::Status(_) => "status",
        }
    }
}

impl std::str::FromStr for Action {
    type Err = String;

    fn from_str(text: &str) -> Result<Action, String> {
        let (verb, arg) = text.split_once(':').unwrap_or((text, ""));
        Ok(match verb {
            "pass" => Action::Pass,
            "rewrite" => Action::Rewrite,
            "edit" => Action::Edit,
            "edit-everywhere" => Action::EditEverywhere,
            "edit-everywhere-resolved" => Action::EditEverywhereResolved,
            "edit-out-of-range" => Action::EditOutOfRange,
            "garbage" => Action::Garbage,
            "drop" => Action::Drop,
            "panic" => Action::Panic,
            "yield" => Action::YieldThenRewrite,
            "log" => Action::Log,
            "status" => Action::Status(match arg {
                "ok" => Status::Ok,
                "recoverable" => {
                    Status::RecoverableError("probe reports a recoverable error".into())
                }
                "permanent" => Status::PermanentError("probe reports a permanent error".into()),
                "fatal" => Status::FatalError("probe reports a fatal error".into()),
                other => return Err(format!("unknown status {other:?}")),
            }),
            "sleep" => Action::Sleep(otelbridge::duration::parse(arg).map_err(|e| e.to_string())?),
            "block" => Action::Block(otelbridge::duration::parse(arg).map_err(|e| e.to_string())?),
            "fail" => Action::Fail(match arg {
                "permanent" => ErrorKind::Permanent,
                "retryable" => ErrorKind::Retryable,
                "cancelled" => ErrorKind::Cancelled,
                "deadline" => ErrorKind::DeadlineExceeded,
                "exhausted" => ErrorKind::ResourceExhausted,
                "config" => ErrorKind::InvalidConfig,
                other => return Err(format!("unknown error kind {other:?}")),
            }),
            other => return Err(format!("unknown action {other:?}")),
        })
    }
}

/// The probe's config.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeConfig {
    /// The action when the call has no `probe-action` metadata (default = "pass").
    pub action: String,
    /// Must be at least 1 (default = 1); exists to test validation errors.
    pub weight: u32,
}

impl Default for ProbeConfig {
    fn default() -> ProbeConfig {
        ProbeConfig {
            action: "pass".into(),
            weight: 1,
        }
    }
}

impl Config for ProbeConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.action
            .parse::<Action>()
            .map_err(|e| ConfigError::new("action", e))?;
        if self.weight == 0 {
            return Err(ConfigError::new("weight", "must be at least 1"));
        }
        Ok(())
    }
}

struct Probe {
    default_action: Action,
    /// `probe_batches_total{action}`: every batch the probe saw.
    batches: Counter,
}

impl Probe {
    fn action(&self, ctx: &Context) -> Result<Action, Error> {
        match ctx.metadata().get(ACTION_KEY).first() {
            Some(value) => value.to_str_lossy().parse().map_err(Error::permanent),
            None => Ok(self.default_action.clone()),
        }
    }

    async fn run<T: ProbeRequest>(
        &self,
        ctx: &Context,
        batch: Batch<'_, T>,
    ) -> Result<Outcome<T>, Error> {
        let mut action = self.action(ctx)?;
        self.batches.add(1.0, &[("action", action.name())]);
        if action == Action::YieldThenRewrite {
            otelbridge::tokio::task::yield_now().await;
            action = Action::Rewrite;
        }
        match action {
            Action::Pass | Action::YieldThenRewrite => Ok(Outcome::Unchanged),
            Action::EditEverywhere => Ok(Outcome::Edited(batch.decode()?.everywhere())),
            Action::EditOutOfRange => {
                let mut edits = Edits::new();
                edits.set(At::resource(0), "probe.seen", "true").set(
                    At::resource(999),
                    "probe.seen",
                    "true",
                );
                Ok(Outcome::Edited(edits))
            }
            Action::Garbage => {
                let mut message = batch.decode()?;
                message.garble();
                Ok(Outcome::Replaced(message))
            }
            Action::EditEverywhereResolved => {
                let message = batch.decode()?;
                Outcome::Edited(message.everywhere()).resolve(&message)
            }
            Action::Rewrite | Action::Edit => {
                let mut attributes = vec![string_attribute("probe.seen", "true")];
                for (key, values) in ctx.metadata().iter() {
                    let text: Vec<_> = values.iter().map(|v| v.to_str_lossy()).collect();
                    attributes.push(string_attribute(
                        &format!("probe.md.{key}"),
                        &text.join(","),
                    ));
                    // What a client sent that is not text, byte for byte.
                    if values.iter().any(|v| v.to_str().is_none()) {
                        let hex: Vec<_> = values.iter().map(|v| hex(v.as_bytes())).collect();
                        attributes.push(string_attribute(
                            &format!("probe.md.{key}.hex"),
                            &hex.join(","),
                        ));
                    }
                }
                if let Some(peer) = ctx.peer_addr() {
                    attributes.push(string_attribute("probe.peer", peer));
                }
                if let Some(trace) = ctx.trace_context() {
                    attributes.push(string_attribute("probe.trace_id", &trace.trace_id_hex()));
                    attributes.push(string_attribute("probe.span_id", &trace.span_id_hex()));
                    let flags = trace.flags().to_string();
                    attributes.push(string_attribute("probe.trace_flags", &flags));
                    attributes.push(string_attribute("probe.trace_state", trace.trace_state()));
                }
                if action == Action::Edit {
                    let mut edits = Edits::new();
                    for resource in 0..T::resources(batch)? {
                        for kv in &attributes {
                            edits.set(At::resource(resource), &kv.key, string(kv));
                        }
                    }
                    return Ok(Outcome::Edited(edits));
                }
                let mut message = batch.decode()?;
                message.mark(&attributes);
                Ok(Outcome::Replaced(message))
            }
            Action::Drop => Ok(Outcome::Dropped),
            Action::Fail(kind) => Err(failure(kind)),
            Action::Panic => panic!("probe panicked on purpose"),
            Action::Block(work) => {
                std::thread::sleep(work);
                Ok(Outcome::Unchanged)
            }
            Action::Sleep(delay) => {
                otelbridge::tokio::time::sleep(delay).await;
                Ok(Outcome::Unchanged)
            }
            Action::Status(status) => {
                telemetry::report_status(status);
                Ok(Outcome::Unchanged)
            }
            Action::Log => {
                tracing::info!(
                    batch.bytes = batch.bytes().len() as u64,
                    probe.ok = true,
                    ratio = 0.5,
                    "probe saw a batch"
                );
                Ok(Outcome::Unchanged)
            }
        }
    }
}

fn failure(kind: ErrorKind) -> Error {
    let err = Error::new(kind, format!("probe failed on purpose with {kind:?}"));
    match kind {
        ErrorKind::Retryable => err.with_retry_after(Duration::from_secs(2)),
        ErrorKind::ResourceExhausted => err.with_grpc_code(8).with_http_code(429),
        _ => err,
    }
}

fn string(kv: &KeyValue) -> &str {
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(text)) => text,
        _ => "",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn string_attribute(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_owned())),
        }),
        ..Default::default()
    }
}

impl Processor for Probe {
    async fn process_traces(
        &self,
        ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        self.run(ctx, batch).await
    }

    async fn process_metrics(
        &self,
        ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        self.run(ctx, batch).await
    }

    async fn process_logs(
        &self,
        ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        self.run(ctx, batch).await
    }
}

struct ProbeFactory;

impl ProcessorFactory for ProbeFactory {
    type Config = ProbeConfig;
    type Processor = Probe;
    const TYPE: &'static str = "probe";
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(&self, _: &CreateSettings, config: ProbeConfig) -> Result<Probe, Error> {
        let default_action = config.action.parse().map_err(Error::permanent)?;
        let batches = telemetry::counter("probe_batches")
            .description("Batches the probe saw, by action")
            .unit("{batch}")
            .build();
        Ok(Probe {
            default_action,
            batches,
        })
    }
}

/// The probe's factory.
pub fn factory() -> Factory {
    Factory::processor(ProbeFactory)
}
