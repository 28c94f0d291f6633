//! Applying edits to decoded requests, exactly as the host applies them to its own data: for
//! `cargo test`, and for hosts too old to apply edits themselves.

use std::collections::HashSet;

use prost::Message;

use super::{At, Edit, EditValue, Edits};
use crate::proto::common::v1::{AnyValue, KeyValue, any_value::Value};
use crate::proto::metrics::v1::metric::Data;
use crate::proto::metrics::v1::{Exemplar, Metric, ResourceMetrics};
use crate::proto::trace::v1::{ResourceSpans, Span};
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::request::sealed::{INTERNAL, Internal};
use crate::{Error, ErrorKind, ExportRequest, Outcome, Signal};

/// An OTLP export request that edits apply to: [`ExportRequest`]'s hidden half.
pub trait Editable: Message + Default + Clone {
    /// Applies `edits` as the host would. An edit that addresses something this request lacks is
    /// an error, and the request is then left part-edited.
    fn apply(&mut self, edits: &Edits, _: Internal) -> Result<(), Error>;

    /// Whether no resource is left.
    fn is_empty(&self, _: Internal) -> bool;
}

impl<T: ExportRequest> Outcome<T> {
    /// Resolves [`Outcome::Edited`] against the request the processor received: `Replaced` with
    /// the edits applied, or `Dropped` if edits left no resource. Other outcomes stay as they
    /// are. This is what the collector passes on; tests use it to look at that batch.
    pub fn resolve(self, received: &T) -> Result<Outcome<T>, Error> {
        match self {
            Outcome::Edited(edits) => {
                let mut request = received.clone();
                request.apply(&edits, INTERNAL)?;
                // No edits pass the batch on as it came, as the host does, even an empty one.
                Ok(if request.is_empty(INTERNAL) && !edits.is_empty() {
                    Outcome::Dropped
                } else {
                    Outcome::Replaced(request)
                })
            }
            other => Ok(other),
        }
    }
}

/// Applies `edits` to encoded `bytes` of `signal` and encodes the result; `Dropped` if they
/// removed every resource.
pub fn apply_encoded(
    edits: &Edits,
    signal: Signal,
    bytes: &[u8],
) -> Result<Outcome<Vec<u8>>, Error> {
    fn run<T: ExportRequest>(edits: &Edits, bytes: &[u8]) -> Result<Outcome<Vec<u8>>, Error> {
        let received = T::decode_lenient(bytes, INTERNAL)?;
        Ok(Outcome::Edited(edits.clone()).resolve(&received)?.encode())
    }
    match signal {
        Signal::Traces => run::<ExportTraceServiceRequest>(edits, bytes),
        Signal::Metrics => run::<ExportMetricsServiceRequest>(edits, bytes),
        Signal::Logs => run::<ExportLogsServiceRequest>(edits, bytes),
    }
}

/// How one signal's request is addressed.
trait Targets {
    /// The attributes at `at`, or `None` if the request has no such target.
    fn attributes(&mut self, at: At) -> Option<&mut Vec<KeyValue>>;

    /// The body at `at`: log records only.
    fn body(&mut self, at: At) -> Option<&mut Option<AnyValue>> {
        let _ = at;
        None
    }

    /// Whether `at` can be dropped and exists.
    fn droppable(&mut self, at: At) -> bool;

    /// Removes what `drops` holds, then the containers that emptied.
    fn apply_drops(&mut self, drops: &HashSet<At>);
}

fn apply_edits<T: Targets>(request: &mut T, edits: &Edits) -> Result<(), Error> {
    let mut drops = HashSet::new();
    for (n, edit) in edits.iter().enumerate() {
        match edit {
            Edit::Set { at, key, value } => {
                let attributes = request.attributes(at).ok_or_else(|| missing(n, at))?;
                let value = Some(any_value(value));
                match attributes.iter_mut().find(|kv| kv.key == key) {
                    Some(kv) => kv.value = value,
                    None => attributes.push(KeyValue {
                        key: key.to_owned(),
                        value,
                        ..Default::default()
                    }),
                }
            }
            Edit::Remove { at, key } => {
                let attributes = request.attributes(at).ok_or_else(|| missing(n, at))?;
                if let Some(i) = attributes.iter().position(|kv| kv.key == key) {
                    attributes.swap_remove(i);
                }
            }
            Edit::SetBody { at, value } => {
                *request.body(at).ok_or_else(|| missing(n, at))? = Some(any_value(value));
            }
            Edit::Drop { at } => {
                if !request.droppable(at) {
                    return Err(missing(n, at));
                }
                drops.insert(at);
            }
        }
    }
    if !drops.is_empty() {
        request.apply_drops(&drops);
    }
    Ok(())
}

fn missing(n: usize, at: At) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("edit {n} addresses {at}, which the batch does not have"),
    )
}

fn any_value(value: EditValue) -> AnyValue {
    let value = match value {
        EditValue::Str(text) => Value::StringValue(text),
        EditValue::Int(n) => Value::IntValue(n),
        EditValue::Double(x) => Value::DoubleValue(x),
        EditValue::Bool(b) => Value::BoolValue(b),
        EditValue::Bytes(bytes) => Value::BytesValue(bytes),
        EditValue::Any(value) => return value,
    };
    AnyValue { value: Some(value) }
}

fn at<T>(items: &mut [T], index: u32) -> Option<&mut T> {
    items.get_mut(usize::try_from(index).ok()?)
}

/// Keeps the items whose index `keep` accepts; returns whether that emptied a non-empty list.
fn retain_indexed<T>(items: &mut Vec<T>, mut keep: impl FnMut(usize, &mut T) -> bool) -> bool {
    let before = items.len();
    let mut index = 0;
    items.retain_mut(|item| {
        index += 1;
        keep(index - 1, item)
    });
    before > 0 && items.is_empty()
}

/// Walks resources and scopes the same way for the three signals: `records` drops within one
/// scope and says whether that emptied it.
macro_rules! drop_records {
    ($resources:expr, $scopes:ident, |$r:ident, $s:ident, $scope:ident| $records:expr) => {{
        retain_indexed($resources, |$r, resource| {
            let emptied = retain_indexed(&mut resource.$scopes, |$s, $scope| !$records);
            !emptied
        });
    }};
}

impl Editable for ExportTraceServiceRequest {
    fn apply(&mut self, edits: &Edits, _: Internal) -> Result<(), Error> {
        apply_edits(self, edits)
    }

    fn is_empty(&self, _: Internal) -> bool {
        self.resource_spans.is_empty()
    }
}

impl Targets for ExportTraceServiceRequest {
    fn attributes(&mut self, target: At) -> Option<&mut Vec<KeyValue>> {
        let resources = &mut self.resource_spans;
        Some(match target {
            At::Resource { resource } => {
                &mut at(resources, resource)?
                    .resource
                    .get_or_insert_default()
                    .attributes
            }
            At::Scope { resource, scope } => {
                let scope = at(&mut at(resources, resource)?.scope_spans, scope)?;
                &mut scope.scope.get_or_insert_default().attributes
            }
            At::Record {
                resource,
                scope,
                record,
            } => &mut span(resources, resource, scope, record)?.attributes,
            At::Event {
                resource,
                scope,
                span: i,
                event,
            } => &mut at(&mut span(resources, resource, scope, i)?.events, event)?.attributes,
            At::Link {
                resource,
                scope,
                span: i,
                link,
            } => &mut at(&mut span(resources, resource, scope, i)?.links, link)?.attributes,
            At::DataPoint { .. } | At::Exemplar { .. } => return None,
        })
    }

    fn droppable(&mut self, target: At) -> bool {
        matches!(
            target,
            At::Record { .. } | At::Event { .. } | At::Link { .. }
        ) && self.attributes(target).is_some()
    }

    fn apply_drops(&mut self, drops: &HashSet<At>) {
        drop_records!(&mut self.resource_spans, scope_spans, |r, s, scope| {
            retain_indexed(&mut scope.spans, |i, span| {
                if drops.contains(&At::record(r, s, i)) {
                    return false;
                }
                retain_indexed(&mut span.events, |e, _| {
                    !drops.contains(&At::event(r, s, i, e))
                });
                retain_indexed(&mut span.links, |l, _| {
                    !drops.contains(&At::link(r, s, i, l))
                });
                true
            })
        });
    }
}

fn span(
    resources: &mut [ResourceSpans],
    resource: u32,
    scope: u32,
    span: u32,
) -> Option<&mut Span> {
    at(
        &mut at(&mut at(resources, resource)?.scope_spans, scope)?.spans,
        span,
    )
}

impl Editable for ExportLogsServiceRequest {
    fn apply(&mut self, edits: &Edits, _: Internal) -> Result<(), Error> {
        apply_edits(self, edits)
    }

    fn is_empty(&self, _: Internal) -> bool {
        self.resource_logs.is_empty()
    }
}

impl Targets for ExportLogsServiceRequest {
    fn attributes(&mut self, target: At) -> Option<&mut Vec<KeyValue>> {
        let resources = &mut self.resource_logs;
        Some(match target {
            At::Resource { resource } => {
                &mut at(resources, resource)?
                    .resource
                    .get_or_insert_default()
                    .attributes
            }
            At::Scope { resource, scope } => {
                let scope = at(&mut at(resources, resource)?.scope_logs, scope)?;
                &mut scope.scope.get_or_insert_default().attributes
            }
            At::Record {
                resource,
                scope,
                record,
            } => {
                let scope = at(&mut at(resources, resource)?.scope_logs, scope)?;
                &mut at(&mut scope.log_records, record)?.attributes
            }
            _ => return None,
        })
    }

    fn body(&mut self, target: At) -> Option<&mut Option<AnyValue>> {
        let At::Record {
            resource,
            scope,
            record,
        } = target
        else {
            return None;
        };
        let scope = at(
            &mut at(&mut self.resource_logs, resource)?.scope_logs,
            scope,
        )?;
        Some(&mut at(&mut scope.log_records, record)?.body)
    }

    fn droppable(&mut self, target: At) -> bool {
        matches!(target, At::Record { .. }) && self.attributes(target).is_some()
    }

    fn apply_drops(&mut self, drops: &HashSet<At>) {
        drop_records!(&mut self.resource_logs, scope_logs, |r, s, scope| {
            retain_indexed(&mut scope.log_records, |i, _| {
                !drops.contains(&At::record(r, s, i))
            })
        });
    }
}

impl Editable for ExportMetricsServiceRequest {
    fn apply(&mut self, edits: &Edits, _: Internal) -> Result<(), Error> {
        apply_edits(self, edits)
    }

    fn is_empty(&self, _: Internal) -> bool {
        self.resource_metrics.is_empty()
    }
}

impl Targets for ExportMetricsServiceRequest {
    fn attributes(&mut self, target: At) -> Option<&mut Vec<KeyValue>> {
        let resources = &mut self.resource_metrics;
        Some(match target {
            At::Resource { resource } => {
                &mut at(resources, resource)?
                    .resource
                    .get_or_insert_default()
                    .attributes
            }
            At::Scope { resource, scope } => {
                let scope = at(&mut at(resources, resource)?.scope_metrics, scope)?;
                &mut scope.scope.get_or_insert_default().attributes
            }
            At::Record {
                resource,
                scope,
                record,
            } => &mut metric(resources, resource, scope, record)?.metadata,
            At::DataPoint {
                resource,
                scope,
                metric: m,
                point,
            } => point_attributes(metric(resources, resource, scope, m)?, point)?,
            At::Exemplar {
                resource,
                scope,
                metric: m,
                point,
                exemplar,
            } => {
                let exemplars = exemplars(metric(resources, resource, scope, m)?, point)?;
                &mut at(exemplars, exemplar)?.filtered_attributes
            }
            At::Event { .. } | At::Link { .. } => return None,
        })
    }

    fn droppable(&mut self, target: At) -> bool {
        matches!(target, At::Record { .. } | At::DataPoint { .. })
            && self.attributes(target).is_some()
    }

    fn apply_drops(&mut self, drops: &HashSet<At>) {
        drop_records!(&mut self.resource_metrics, scope_metrics, |r, s, scope| {
            retain_indexed(&mut scope.metrics, |m, metric| {
                !drops.contains(&At::record(r, s, m))
                    && !retain_points(metric, |p| !drops.contains(&At::data_point(r, s, m, p)))
            })
        });
    }
}

fn metric(
    resources: &mut [ResourceMetrics],
    resource: u32,
    scope: u32,
    metric: u32,
) -> Option<&mut Metric> {
    at(
        &mut at(&mut at(resources, resource)?.scope_metrics, scope)?.metrics,
        metric,
    )
}

fn point_attributes(metric: &mut Metric, point: u32) -> Option<&mut Vec<KeyValue>> {
    Some(match metric.data.as_mut()? {
        Data::Gauge(gauge) => &mut at(&mut gauge.data_points, point)?.attributes,
        Data::Sum(sum) => &mut at(&mut sum.data_points, point)?.attributes,
        Data::Histogram(h) => &mut at(&mut h.data_points, point)?.attributes,
        Data::ExponentialHistogram(h) => &mut at(&mut h.data_points, point)?.attributes,
        Data::Summary(summary) => &mut at(&mut summary.data_points, point)?.attributes,
    })
}

fn exemplars(metric: &mut Metric, point: u32) -> Option<&mut Vec<Exemplar>> {
    Some(match metric.data.as_mut()? {
        Data::Gauge(gauge) => &mut at(&mut gauge.data_points, point)?.exemplars,
        Data::Sum(sum) => &mut at(&mut sum.data_points, point)?.exemplars,
        Data::Histogram(h) => &mut at(&mut h.data_points, point)?.exemplars,
        Data::ExponentialHistogram(h) => &mut at(&mut h.data_points, point)?.exemplars,
        Data::Summary(_) => return None,
    })
}

/// Keeps the data points `keep` accepts; returns whether that emptied the metric.
fn retain_points(metric: &mut Metric, keep: impl Fn(usize) -> bool) -> bool {
    match metric.data.as_mut() {
        Some(Data::Gauge(gauge)) => retain_indexed(&mut gauge.data_points, |p, _| keep(p)),
        Some(Data::Sum(sum)) => retain_indexed(&mut sum.data_points, |p, _| keep(p)),
        Some(Data::Histogram(h)) => retain_indexed(&mut h.data_points, |p, _| keep(p)),
        Some(Data::ExponentialHistogram(h)) => retain_indexed(&mut h.data_points, |p, _| keep(p)),
        Some(Data::Summary(summary)) => retain_indexed(&mut summary.data_points, |p, _| keep(p)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    use crate::proto::metrics::v1::{Gauge, NumberDataPoint, ScopeMetrics};
    use crate::proto::trace::v1::ScopeSpans;
    use crate::proto::trace::v1::span::Event;

    fn kv(key: &str, value: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(any_value(EditValue::from(value))),
            ..Default::default()
        }
    }

    fn spans(names: &[&str]) -> ScopeSpans {
        ScopeSpans {
            spans: names
                .iter()
                .map(|name| Span {
                    name: (*name).into(),
                    attributes: vec![kv("a", "1"), kv("b", "2"), kv("c", "3")],
                    events: vec![Event::default(), Event::default()],
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn traces() -> ExportTraceServiceRequest {
        ExportTraceServiceRequest {
            resource_spans: vec![
                ResourceSpans {
                    scope_spans: vec![spans(&["x", "y"]), spans(&[])],
                    ..Default::default()
                },
                ResourceSpans {
                    scope_spans: vec![spans(&["z"])],
                    ..Default::default()
                },
            ],
        }
    }

    #[test]
    fn no_edits_on_an_empty_batch_pass_it_on_as_the_host_does() {
        // Found by the Go shim's FuzzTracesThroughRust: with no edits the host passes the batch
        // on, empty or not; resolve dropped an empty one.
        let empty = ExportTraceServiceRequest::default();
        let outcome = Outcome::Edited(Edits::new()).resolve(&empty);
        assert_eq!(outcome.expect("no edits"), Outcome::Replaced(empty));
        let mut edits = Edits::new();
        edits.drop(At::record(0, 0, 0)).drop(At::record(0, 1, 0));
        let one = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![spans(&["a"]), spans(&["b"])],
                ..Default::default()
            }],
        };
        assert_eq!(
            Outcome::Edited(edits).resolve(&one).expect("drops"),
            Outcome::Dropped
        );
    }

    #[test]
    fn set_replaces_in_place_or_appends_and_remove_swaps_in_the_last() {
        let mut request = traces();
        let mut edits = Edits::new();
        edits
            .set(At::record(0, 0, 1), "b", 7_i64)
            .set(At::record(0, 0, 1), "d", true)
            .remove(At::record(0, 0, 1), "a")
            .set(At::resource(1), "service.name", "shop");
        request.apply(&edits, INTERNAL).expect("all targets exist");
        let keys: Vec<_> = request.resource_spans[0].scope_spans[0].spans[1]
            .attributes
            .iter()
            .map(|kv| kv.key.as_str())
            .collect();
        assert_eq!(keys, ["d", "b", "c"]);
        let resource = request.resource_spans[1].resource.as_ref().expect("made");
        assert_eq!(resource.attributes, vec![kv("service.name", "shop")]);
    }

    #[test]
    fn drops_apply_last_against_the_original_indices_and_prune_what_they_empty() {
        let mut edits = Edits::new();
        edits
            .drop(At::record(0, 0, 0))
            .set(At::record(0, 0, 1), "kept", "yes")
            .drop(At::record(1, 0, 0))
            .drop(At::event(0, 0, 1, 0));
        let Outcome::Replaced(out) = Outcome::Edited(edits).resolve(&traces()).expect("valid")
        else {
            panic!("something is left");
        };
        // The second resource lost its only span, so it went; the first keeps its empty scope,
        // which was empty before.
        assert_eq!(out.resource_spans.len(), 1);
        let scopes = &out.resource_spans[0].scope_spans;
        assert_eq!(scopes.len(), 2);
        assert_eq!(scopes[0].spans.len(), 1);
        assert_eq!(scopes[0].spans[0].name, "y");
        assert_eq!(scopes[0].spans[0].events.len(), 1);
        assert!(scopes[0].spans[0].attributes.contains(&kv("kept", "yes")));
    }

    #[test]
    fn dropping_everything_resolves_to_dropped() {
        let mut edits = Edits::new();
        for (r, s, i) in [(0, 0, 0), (0, 0, 1), (1, 0, 0)] {
            edits.drop(At::record(r, s, i));
        }
        let mut request = traces();
        // Without the scope that was empty to begin with, which drops would leave alone.
        request.resource_spans[0].scope_spans.pop();
        let outcome = Outcome::Edited(edits).resolve(&request);
        assert_eq!(outcome.expect("valid"), Outcome::Dropped);
    }

    #[test]
    fn an_edit_beyond_the_batch_is_an_error_naming_it() {
        for at in [
            At::record(0, 1, 0),
            At::resource(2),
            At::data_point(0, 0, 0, 0),
        ] {
            let mut edits = Edits::new();
            edits.set(At::resource(0), "ok", "1").set(at, "k", "v");
            let err = traces()
                .apply(&edits, INTERNAL)
                .expect_err("missing target");
            assert_eq!(err.kind(), ErrorKind::Internal);
            assert!(
                err.message().contains(&format!("edit 1 addresses {at}")),
                "{err}"
            );
        }
        let mut edits = Edits::new();
        edits.drop(At::scope(0, 0));
        assert!(
            traces().apply(&edits, INTERNAL).is_err(),
            "scopes are not dropped directly"
        );
    }

    #[test]
    fn metric_points_drop_and_an_emptied_metric_goes() {
        let gauge = |n: usize| Metric {
            data: Some(Data::Gauge(Gauge {
                data_points: vec![NumberDataPoint::default(); n],
            })),
            ..Default::default()
        };
        let request = ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics {
                    metrics: vec![gauge(1), gauge(2)],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let mut edits = Edits::new();
        edits
            .drop(At::data_point(0, 0, 0, 0))
            .drop(At::data_point(0, 0, 1, 1))
            .set(At::data_point(0, 0, 1, 0), "k", "v");
        let Outcome::Replaced(out) = Outcome::Edited(edits).resolve(&request).expect("valid")
        else {
            panic!("one point is left");
        };
        let metrics = &out.resource_metrics[0].scope_metrics[0].metrics;
        assert_eq!(metrics.len(), 1);
        let Some(Data::Gauge(gauge)) = &metrics[0].data else {
            panic!("a gauge");
        };
        assert_eq!(gauge.data_points.len(), 1);
        assert_eq!(gauge.data_points[0].attributes, vec![kv("k", "v")]);
    }

    #[test]
    fn log_bodies_are_set_and_encoded_requests_round_trip() {
        let request = ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord::default()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let mut edits = Edits::new();
        edits.set_body(At::record(0, 0, 0), "****");
        let out = apply_encoded(&edits, Signal::Logs, &request.encode_to_vec()).expect("valid");
        let Outcome::Replaced(bytes) = out else {
            panic!("replaced");
        };
        let out = ExportLogsServiceRequest::decode(bytes.as_slice()).expect("valid");
        assert_eq!(
            out.resource_logs[0].scope_logs[0].log_records[0].body,
            Some(any_value(EditValue::from("****")))
        );
    }
}
