//! The probe's `edit-everywhere` edits: a fixed function of the batch that uses every kind of
//! edit on every kind of target, so a test can check that Go applies edits exactly as the SDK's
//! `Outcome::resolve` does.

use otelbridge::proto::common::v1::{AnyValue, ArrayValue, KeyValue, any_value};
use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use otelbridge::proto::metrics::v1::metric::Data;
use otelbridge::proto::metrics::v1::{
    Exemplar, Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics,
};
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{At, Batch, EditValue, Edits, Error, ExportRequest};

/// A request the probe handles: marked by `rewrite`/`edit`, edited by `edit-everywhere`.
pub(crate) trait ProbeRequest: ExportRequest {
    /// How many resources the encoded request has, read through a view (nothing decoded).
    fn resources(batch: Batch<'_, Self>) -> Result<usize, Error>;
    /// Adds `attributes` to every resource.
    fn mark(&mut self, attributes: &[KeyValue]);
    /// The `edit-everywhere` edits.
    fn everywhere(&self) -> Edits;
    /// Appends a resource whose one record carries a 3-byte trace id: well-formed protobuf that
    /// no OTLP reader accepts (a buggy component's `Replaced` batch).
    fn garble(&mut self);
}

/// A trace id of the wrong length.
const BAD_TRACE_ID: [u8; 3] = [0xba, 0xad, 0x1d];

/// The edits every record gets, by its index: drop one in three, and the rest set and remove
/// attributes of every value type.
fn record_edits(edits: &mut Edits, at: At, index: usize, attributes: &[KeyValue]) {
    match index % 3 {
        0 => {
            edits.drop(at);
        }
        1 => {
            edits.set(at, "probe.str", format!("record {index}"));
            if let Some(first) = attributes.first() {
                edits.remove(at, &first.key);
            }
        }
        _ => {
            edits
                .set(at, "probe.bool", true)
                .set(at, "probe.double", index as f64 / 2.0)
                .set(at, "probe.bytes", EditValue::Bytes(vec![0, index as u8]))
                .set(at, "probe.any", list(index));
        }
    }
}

fn list(index: usize) -> AnyValue {
    let text = |s: String| AnyValue {
        value: Some(any_value::Value::StringValue(s)),
    };
    AnyValue {
        value: Some(any_value::Value::ArrayValue(ArrayValue {
            values: vec![text(format!("a{index}")), text("b".into())],
        })),
    }
}

fn container_edits(edits: &mut Edits, resource: usize, scopes: usize) {
    edits.set(At::resource(resource), "probe.resource", resource as i64);
    for scope in 0..scopes {
        edits.set(At::scope(resource, scope), "probe.scope", scope as i64);
    }
}

impl ProbeRequest for ExportTraceServiceRequest {
    fn resources(batch: Batch<'_, Self>) -> Result<usize, Error> {
        Ok(batch.view()?.resources().count())
    }

    fn mark(&mut self, attributes: &[KeyValue]) {
        for rs in &mut self.resource_spans {
            let resource = rs.resource.get_or_insert_with(Default::default);
            resource.attributes.extend_from_slice(attributes);
        }
    }

    fn everywhere(&self) -> Edits {
        let mut edits = Edits::new();
        for (r, rs) in self.resource_spans.iter().enumerate() {
            container_edits(&mut edits, r, rs.scope_spans.len());
            for (s, ss) in rs.scope_spans.iter().enumerate() {
                for (i, span) in ss.spans.iter().enumerate() {
                    record_edits(&mut edits, At::record(r, s, i), i, &span.attributes);
                    for e in 0..span.events.len() {
                        if e == 0 {
                            edits.drop(At::event(r, s, i, e));
                        } else {
                            edits.set(At::event(r, s, i, e), "probe.event", e as i64);
                        }
                    }
                    for l in 0..span.links.len() {
                        edits.set(At::link(r, s, i, l), "probe.link", list(l));
                    }
                }
            }
        }
        edits
    }

    fn garble(&mut self) {
        let span = Span {
            name: "garbage".into(),
            trace_id: BAD_TRACE_ID.to_vec(),
            ..Default::default()
        };
        self.resource_spans.push(ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![span],
                ..Default::default()
            }],
            ..Default::default()
        });
    }
}

impl ProbeRequest for ExportLogsServiceRequest {
    fn resources(batch: Batch<'_, Self>) -> Result<usize, Error> {
        Ok(batch.view()?.resources().count())
    }

    fn mark(&mut self, attributes: &[KeyValue]) {
        for rl in &mut self.resource_logs {
            let resource = rl.resource.get_or_insert_with(Default::default);
            resource.attributes.extend_from_slice(attributes);
        }
    }

    fn everywhere(&self) -> Edits {
        let mut edits = Edits::new();
        for (r, rl) in self.resource_logs.iter().enumerate() {
            container_edits(&mut edits, r, rl.scope_logs.len());
            for (s, sl) in rl.scope_logs.iter().enumerate() {
                for (i, record) in sl.log_records.iter().enumerate() {
                    let at = At::record(r, s, i);
                    record_edits(&mut edits, at, i, &record.attributes);
                    if i % 3 == 1 {
                        edits.set_body(at, format!("body {i}"));
                    }
                }
            }
        }
        edits
    }

    fn garble(&mut self) {
        let record = LogRecord {
            trace_id: BAD_TRACE_ID.to_vec(),
            ..Default::default()
        };
        self.resource_logs.push(ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![record],
                ..Default::default()
            }],
            ..Default::default()
        });
    }
}

impl ProbeRequest for ExportMetricsServiceRequest {
    fn resources(batch: Batch<'_, Self>) -> Result<usize, Error> {
        Ok(batch.view()?.resources().count())
    }

    fn mark(&mut self, attributes: &[KeyValue]) {
        for rm in &mut self.resource_metrics {
            let resource = rm.resource.get_or_insert_with(Default::default);
            resource.attributes.extend_from_slice(attributes);
        }
    }

    fn everywhere(&self) -> Edits {
        let mut edits = Edits::new();
        for (r, rm) in self.resource_metrics.iter().enumerate() {
            container_edits(&mut edits, r, rm.scope_metrics.len());
            for (s, sm) in rm.scope_metrics.iter().enumerate() {
                for (m, metric) in sm.metrics.iter().enumerate() {
                    if m % 4 == 3 {
                        edits.drop(At::record(r, s, m));
                        continue;
                    }
                    edits.set(At::record(r, s, m), "probe.metric", m as i64);
                    for (p, exemplars) in points(metric).into_iter().enumerate() {
                        let at = At::data_point(r, s, m, p);
                        // Metrics 0 lose every point (and so go); the others lose odd ones.
                        if m % 4 == 0 || p % 2 == 1 {
                            edits.drop(at);
                            continue;
                        }
                        edits.set(at, "probe.point", p as i64);
                        for x in 0..exemplars {
                            edits.set(At::exemplar(r, s, m, p, x), "probe.exemplar", true);
                        }
                    }
                }
            }
        }
        edits
    }

    fn garble(&mut self) {
        let point = NumberDataPoint {
            exemplars: vec![Exemplar {
                trace_id: BAD_TRACE_ID.to_vec(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let metric = Metric {
            name: "garbage".into(),
            data: Some(Data::Gauge(Gauge {
                data_points: vec![point],
            })),
            ..Default::default()
        };
        self.resource_metrics.push(ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![metric],
                ..Default::default()
            }],
            ..Default::default()
        });
    }
}

/// The exemplar count of each data point of a metric.
fn points(metric: &otelbridge::proto::metrics::v1::Metric) -> Vec<usize> {
    match &metric.data {
        Some(Data::Gauge(g)) => g.data_points.iter().map(|p| p.exemplars.len()).collect(),
        Some(Data::Sum(s)) => s.data_points.iter().map(|p| p.exemplars.len()).collect(),
        Some(Data::Histogram(h)) => h.data_points.iter().map(|p| p.exemplars.len()).collect(),
        Some(Data::ExponentialHistogram(h)) => {
            h.data_points.iter().map(|p| p.exemplars.len()).collect()
        }
        Some(Data::Summary(s)) => vec![0; s.data_points.len()],
        None => Vec::new(),
    }
}
