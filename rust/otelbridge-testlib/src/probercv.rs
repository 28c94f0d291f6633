//! The `probercv` receiver: sends a fixed number of batches into the pipelines at start, with
//! metadata and a peer address, and logs how each was answered.

use std::collections::BTreeMap;
use std::sync::Mutex;

use otelbridge::proto::common::v1::{AnyValue, KeyValue, any_value};
use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use otelbridge::proto::metrics::v1::{
    Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric, number_data_point,
};
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::tokio::task::JoinHandle;
use otelbridge::{
    Config, Context, CreateSettings, Error, Factory, Metadata, Next, Receiver, ReceiverFactory,
    Signal, Signals, Stability, runtime,
};

/// The receiver's config.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeRcvConfig {
    /// Batches to send per connected signal (each with one record whose `seq` attribute counts).
    pub batches: u32,
    /// Metadata attached to every batch.
    pub metadata: BTreeMap<String, Vec<String>>,
    /// The peer address attached to every batch.
    pub peer_addr: String,
}

impl Default for ProbeRcvConfig {
    fn default() -> Self {
        ProbeRcvConfig {
            batches: 3,
            metadata: BTreeMap::from([("x-probe".into(), vec!["probercv".into()])]),
            peer_addr: "192.0.2.7:4711".into(),
        }
    }
}

impl Config for ProbeRcvConfig {}

struct ProbeRcv {
    config: ProbeRcvConfig,
    next: Next,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Receiver for ProbeRcv {
    async fn start(&self, _: &Context) -> Result<(), Error> {
        let (config, next) = (self.config.clone(), self.next.clone());
        let task = runtime::spawn(async move { send_all(&config, &next).await });
        *self.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        Ok(())
    }

    async fn shutdown(&self, _: &Context) -> Result<(), Error> {
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            task.await
                .map_err(|e| Error::permanent(format!("probercv task: {e}")))?;
        }
        Ok(())
    }
}

async fn send_all(config: &ProbeRcvConfig, next: &Next) {
    let metadata = Metadata::new(config.metadata.clone());
    let ctx = Context::background()
        .with_metadata(metadata)
        .with_peer_addr(config.peer_addr.as_str());
    for seq in 0..config.batches {
        for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
            if !next.signals().contains(signal) {
                continue;
            }
            let answer = match signal {
                Signal::Traces => next.send_traces(&ctx, &traces(seq)).await,
                Signal::Metrics => next.send_metrics(&ctx, &metrics(seq)).await,
                Signal::Logs => next.send_logs(&ctx, &logs(seq)).await,
            };
            match answer {
                Ok(()) => tracing::info!(seq, %signal, "probercv batch accepted"),
                Err(err) => tracing::warn!(
                    seq,
                    %signal,
                    permanent = err.is_permanent(),
                    error = %err,
                    "probercv batch refused"
                ),
            }
        }
    }
    tracing::info!(batches = config.batches, "probercv done");
}

fn seq_attribute(seq: u32) -> Vec<KeyValue> {
    vec![KeyValue {
        key: "seq".into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::IntValue(i64::from(seq))),
        }),
        ..Default::default()
    }]
}

fn traces(seq: u32) -> ExportTraceServiceRequest {
    let span = Span {
        name: "probercv".into(),
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        attributes: seq_attribute(seq),
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![span],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn metrics(seq: u32) -> ExportMetricsServiceRequest {
    let point = NumberDataPoint {
        attributes: seq_attribute(seq),
        value: Some(number_data_point::Value::AsInt(1)),
        ..Default::default()
    };
    let metric = Metric {
        name: "probercv".into(),
        data: Some(metric::Data::Gauge(Gauge {
            data_points: vec![point],
        })),
        ..Default::default()
    };
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![metric],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn logs(seq: u32) -> ExportLogsServiceRequest {
    let record = LogRecord {
        attributes: seq_attribute(seq),
        ..Default::default()
    };
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![record],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

struct ProbeRcvFactory;

impl ReceiverFactory for ProbeRcvFactory {
    type Config = ProbeRcvConfig;
    type Receiver = ProbeRcv;
    const TYPE: &'static str = "probercv";
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(
        &self,
        _: &CreateSettings,
        config: ProbeRcvConfig,
        next: Next,
    ) -> Result<ProbeRcv, Error> {
        Ok(ProbeRcv {
            config,
            next,
            task: Mutex::new(None),
        })
    }
}

/// The `probercv` factory.
pub fn factory() -> Factory {
    Factory::receiver(ProbeRcvFactory)
}
