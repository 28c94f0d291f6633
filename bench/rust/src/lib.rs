//! The Rust side of the benchmark suite: what a component's own work on a batch costs, measured
//! on the very bytes the Go benchmarks send (`make bench` writes them with `bench/cmd/batches`
//! into the directory `OTELBRIDGE_BENCH_BATCHES` names), so the report can take it out of the
//! crossing's total and leave the bridge's own share.

use std::path::Path;

use otelbridge::proto::common::v1::{AnyValue, KeyValue, any_value};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use prost::Message;

/// The batch sizes, in records, the suite measures.
pub const SIZES: [usize; 5] = [1, 10, 100, 1000, 10000];

/// The signals, as the batch files name them.
pub const SIGNALS: [&str; 3] = ["traces", "metrics", "logs"];

/// Reads the batch of `signal` with `size` records from `dir` (`<signal>-<size>.pb`).
pub fn read_batch(dir: &Path, signal: &str, size: usize) -> std::io::Result<Vec<u8>> {
    std::fs::read(dir.join(format!("{signal}-{size}.pb")))
}

/// What the benchmarks' Rust processor does (the probe's `rewrite`): decode, add the resource
/// attribute `probe.seen = true` to every resource, encode.
pub fn decode_change_encode(signal: &str, bytes: &[u8]) -> Vec<u8> {
    let seen = KeyValue {
        key: "probe.seen".into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue("true".into())),
        }),
        ..Default::default()
    };
    match signal {
        "traces" => {
            let mut m = ExportTraceServiceRequest::decode(bytes).expect("valid traces");
            for rs in &mut m.resource_spans {
                let resource = rs.resource.get_or_insert_with(Default::default);
                resource.attributes.push(seen.clone());
            }
            m.encode_to_vec()
        }
        "metrics" => {
            let mut m = ExportMetricsServiceRequest::decode(bytes).expect("valid metrics");
            for rm in &mut m.resource_metrics {
                let resource = rm.resource.get_or_insert_with(Default::default);
                resource.attributes.push(seen.clone());
            }
            m.encode_to_vec()
        }
        _ => {
            let mut m = ExportLogsServiceRequest::decode(bytes).expect("valid logs");
            for rl in &mut m.resource_logs {
                let resource = rl.resource.get_or_insert_with(Default::default);
                resource.attributes.push(seen.clone());
            }
            m.encode_to_vec()
        }
    }
}

/// Decodes only, for the report's breakdown.
pub fn decode(signal: &str, bytes: &[u8]) -> usize {
    match signal {
        "traces" => ExportTraceServiceRequest::decode(bytes).map_or(0, |m| m.resource_spans.len()),
        "metrics" => {
            ExportMetricsServiceRequest::decode(bytes).map_or(0, |m| m.resource_metrics.len())
        }
        _ => ExportLogsServiceRequest::decode(bytes).map_or(0, |m| m.resource_logs.len()),
    }
}
