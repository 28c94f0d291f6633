//! `echo`: a processor that reads everything a call's context carries (every metadata value as
//! bytes, text and lossy text, the peer address, the trace context, the deadline) and writes it
//! onto the first resource as edits, as a component that forwards client metadata would. It
//! checks the SDK's promises about what it reads as it goes; a broken promise panics, which the
//! ABI reports and the fuzz target turns into a crash.

use std::borrow::Cow;

use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{
    At, Config, Context, CreateSettings, EditValue, Edits, Error, Factory, LogsBatch, MetricsBatch,
    Outcome, Processor, ProcessorFactory, Signals, Stability, TracesBatch,
};

/// `echo` takes no settings.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EchoConfig {}

impl Config for EchoConfig {}

/// The processor.
pub struct Echo;

impl Echo {
    /// The context as attributes set on resource 0, if the batch has a resource.
    fn edits(ctx: &Context, resources: usize) -> Outcome<()> {
        let mut edits = Edits::new();
        if resources == 0 {
            return Outcome::Unchanged;
        }
        let at = At::resource(0);
        for (key, values) in ctx.metadata().iter() {
            // `get` finds the first entry of an exact key.
            let first = ctx
                .metadata()
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v);
            assert_eq!(Some(ctx.metadata().get(key)), first, "get({key:?})");
            let mut text = Vec::new();
            for value in values {
                let lossy = value.to_str_lossy();
                assert_eq!(lossy, String::from_utf8_lossy(value.as_bytes()));
                match value.to_str() {
                    Some(exact) => {
                        assert_eq!(exact.as_bytes(), value.as_bytes());
                        assert!(matches!(lossy, Cow::Borrowed(_)));
                    }
                    None => assert!(std::str::from_utf8(value.as_bytes()).is_err()),
                }
                text.push(lossy.into_owned());
                edits.set(
                    at,
                    &format!("md.{key}.bytes"),
                    EditValue::Bytes(value.as_bytes().to_vec()),
                );
            }
            edits.set(at, &format!("md.{key}"), text.join(","));
        }
        if let Some(peer) = ctx.peer_addr() {
            edits.set(at, "peer", peer);
        }
        if let Some(trace) = ctx.trace_context() {
            assert_eq!(trace.trace_id_hex().len(), 32);
            assert_eq!(trace.span_id_hex().len(), 16);
            assert_eq!(trace.is_sampled(), trace.flags() & 1 == 1);
            edits.set(at, "trace", trace.trace_id_hex());
            edits.set(at, "span", trace.span_id_hex());
            edits.set(at, "trace_state", trace.trace_state());
        }
        if let Some(remaining) = ctx.remaining() {
            edits.set(at, "remaining_ns", remaining.as_nanos() as i64);
        }
        Outcome::Edited(edits)
    }
}

/// The edits as the signal's outcome.
fn outcome<T>(edits: Outcome<()>) -> Outcome<T> {
    match edits {
        Outcome::Edited(edits) => Outcome::Edited(edits),
        _ => Outcome::Unchanged,
    }
}

impl Processor for Echo {
    async fn process_traces(
        &self,
        ctx: &Context,
        batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        Ok(outcome(Echo::edits(ctx, batch.view()?.resources().count())))
    }

    async fn process_metrics(
        &self,
        ctx: &Context,
        batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        Ok(outcome(Echo::edits(ctx, batch.view()?.resources().count())))
    }

    async fn process_logs(
        &self,
        ctx: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        Ok(outcome(Echo::edits(ctx, batch.view()?.resources().count())))
    }
}

struct EchoFactory;

impl ProcessorFactory for EchoFactory {
    type Config = EchoConfig;
    type Processor = Echo;
    const TYPE: &'static str = "echo";
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(&self, _: &CreateSettings, _: EchoConfig) -> Result<Echo, Error> {
        Ok(Echo)
    }
}

/// The `echo` factory.
pub fn factory() -> Factory {
    Factory::processor(EchoFactory)
}
