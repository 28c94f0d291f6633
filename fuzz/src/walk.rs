//! Reading every field a view offers, the way a component would, and summing up what was seen so
//! a target can compare it with prost's decoding of the same bytes.

use otelbridge::view::{
    Attributes, LogsView, MetricsView, RecordView, RequestView, ResourceView, TracesView, ValueView,
};

/// How deep [`value`] follows nested arrays and lists. Views bound nothing (a value nested past
/// the checked depth reads as well as it can); the walk is bounded so its own stack is.
const MAX_WALK_DEPTH: usize = 200;

/// The shape a view shows: per resource, per scope, per record, a few facts that prost's
/// decoding must agree with for a well-formed batch.
#[derive(Debug, Default, PartialEq)]
pub struct Shape {
    /// `resources[r][s]` is the records of scope `s` of resource `r`.
    pub resources: Vec<Vec<Vec<Record>>>,
}

/// What a view shows of one record.
#[derive(Debug, Default, PartialEq)]
pub struct Record {
    /// The span's, metric's name; a log record's severity text.
    pub name: String,
    /// How many record attributes (a metric's metadata).
    pub attributes: usize,
    /// Span events, or 0.
    pub events: usize,
    /// Span links, or 0.
    pub links: usize,
}

/// Reads every field of every attribute's value.
pub fn attributes(attributes: Attributes<'_>) -> usize {
    let mut n = 0;
    for attribute in attributes {
        let _ = attribute.key();
        let _ = attribute.str();
        value(&attribute.value(), 0);
        n += 1;
    }
    n
}

/// Reads a value and everything nested in it.
pub fn value(value: &ValueView<'_>, depth: usize) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    match value {
        ValueView::Str(text) => assert!(text.len() < 1 << 31),
        ValueView::Array(_) => value.items().for_each(|item| self::value(&item, depth + 1)),
        ValueView::KvList(_) => {
            for entry in value.entries() {
                let _ = entry.key();
                self::value(&entry.value(), depth + 1);
            }
        }
        _ => {}
    }
}

fn resource_common<'a, R: RecordView<'a> + 'a>(
    resource: &ResourceView<'a, R>,
    records: impl Fn(&otelbridge::view::ScopeView<'a, R>) -> Vec<Record>,
) -> Vec<Vec<Record>> {
    attributes(resource.attributes());
    let _ = resource.schema_url();
    resource
        .scopes()
        .map(|scope| {
            let _ = (scope.name(), scope.version());
            attributes(scope.attributes());
            records(&scope)
        })
        .collect()
}

fn shape<'a, R: RecordView<'a> + 'a>(
    view: &RequestView<'a, R>,
    record: impl Fn(R) -> Record + Copy,
) -> Shape {
    Shape {
        resources: view
            .resources()
            .map(|resource| {
                resource_common(&resource, |scope| scope.records().map(record).collect())
            })
            .collect(),
    }
}

/// Reads a traces view whole.
pub fn traces(view: &TracesView<'_>) -> Shape {
    shape(view, |span| {
        let _ = (span.trace_id(), span.span_id());
        let mut events = 0;
        for event in span.events() {
            let _ = event.name();
            attributes(event.attributes());
            events += 1;
        }
        let mut links = 0;
        for link in span.links() {
            let _ = link.trace_id();
            attributes(link.attributes());
            links += 1;
        }
        Record {
            name: span.name().into_owned(),
            attributes: attributes(span.attributes()),
            events,
            links,
        }
    })
}

/// Reads a metrics view whole.
pub fn metrics(view: &MetricsView<'_>) -> Shape {
    shape(view, |metric| {
        for point in metric.data_points() {
            attributes(point.attributes());
            for exemplar in point.exemplars() {
                attributes(exemplar.filtered_attributes());
            }
        }
        Record {
            name: metric.name().into_owned(),
            attributes: attributes(metric.metadata()),
            ..Record::default()
        }
    })
}

/// Reads a logs view whole.
pub fn logs(view: &LogsView<'_>) -> Shape {
    shape(view, |record| {
        if let Some(body) = record.body() {
            value(&body, 0);
        }
        Record {
            name: record.severity_text().into_owned(),
            attributes: attributes(record.attributes()),
            ..Record::default()
        }
    })
}
