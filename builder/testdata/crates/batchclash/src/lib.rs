//! A processor of type `batch` that passes every batch on unchanged.

use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{
    Config, Context, CreateSettings, Error, Factory, LogsBatch, MetricsBatch, Outcome, Processor,
    ProcessorFactory, Signals, Stability, TracesBatch,
};

/// No settings.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClashConfig {}

impl Config for ClashConfig {}

/// Passes everything on.
pub struct Clash;

impl Processor for Clash {
    async fn process_traces(
        &self,
        _ctx: &Context,
        _batch: TracesBatch<'_>,
    ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
        Ok(Outcome::Unchanged)
    }

    async fn process_metrics(
        &self,
        _ctx: &Context,
        _batch: MetricsBatch<'_>,
    ) -> Result<Outcome<ExportMetricsServiceRequest>, Error> {
        Ok(Outcome::Unchanged)
    }

    async fn process_logs(
        &self,
        _ctx: &Context,
        _batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        Ok(Outcome::Unchanged)
    }
}

struct ClashFactory;

impl ProcessorFactory for ClashFactory {
    type Config = ClashConfig;
    type Processor = Clash;
    const TYPE: &'static str = "batch";
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(&self, _: &CreateSettings, _: ClashConfig) -> Result<Clash, Error> {
        Ok(Clash)
    }
}

/// What a collector build registers.
pub fn factory() -> Factory {
    Factory::processor(ClashFactory)
}
