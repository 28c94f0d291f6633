//! Edits: a processor's changes to the batch it received, addressed by index, for the host to
//! apply to its own copy.
//!
//! Returning a whole new batch ([`Outcome::Replaced`](crate::Outcome::Replaced)) costs a full
//! encode in Rust and a full decode in Go, however small the change. Most processors change a few
//! attribute values or drop a few records; [`Outcome::Edited`](crate::Outcome::Edited) sends just
//! those changes, and the collector applies them to the data it already has.
//!
//! Every edit addresses the batch *as the processor received it*: indices are positions in the
//! decoded request (`resource_spans[r].scope_spans[s].spans[i]` and so on). Edits apply in the
//! order they were made, and drops after every other edit, so dropping never shifts the indices
//! of later edits.

pub(crate) mod apply;
mod wire;

use std::fmt;

use crate::proto::common::v1::AnyValue;

pub(crate) use apply::Editable;

/// Where an edit applies: one attribute map (or record) of the batch, by index.
///
/// "Record" means a span, a metric or a log record, as the signal has them. A metric's record
/// attributes are its `metadata`.
///
/// ```
/// use otelbridge::{At, Edits, Outcome, testing};
/// let received = testing::traces_from_json(r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
///     {"name":"a"},{"name":"b","events":[{"name":"retry"},{"name":"exception"}]}]}]}]}"#)?;
/// let at = At::event(0, 0, 1, 1); // resource_spans[0].scope_spans[0].spans[1].events[1]
/// assert_eq!(at, At::Event { resource: 0, scope: 0, span: 1, event: 1 });
/// assert_eq!(at.to_string(), "event 0/0/1/1");
///
/// let mut edits = Edits::new();
/// edits.set(at, "exception.escaped", true).set(At::record(0, 0, 1), "error", true);
/// let output = testing::passed_on(Outcome::Edited(edits), &received)?.expect("not dropped");
/// let span = &output.resource_spans[0].scope_spans[0].spans[1];
/// assert_eq!(span.events[1].attributes[0].key, "exception.escaped");
/// assert_eq!(span.attributes[0].key, "error");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum At {
    /// `resource_*[resource].resource`.
    Resource {
        /// Index of the resource.
        resource: u32,
    },
    /// `resource_*[resource].scope_*[scope].scope`.
    Scope {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
    },
    /// A span, metric or log record.
    Record {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
        /// Index of the span, metric or log record within the scope.
        record: u32,
    },
    /// One event of a span.
    Event {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
        /// Index of the span within the scope.
        span: u32,
        /// Index of the event within the span.
        event: u32,
    },
    /// One link of a span.
    Link {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
        /// Index of the span within the scope.
        span: u32,
        /// Index of the link within the span.
        link: u32,
    },
    /// One data point of a metric, whatever its type.
    DataPoint {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
        /// Index of the metric within the scope.
        metric: u32,
        /// Index of the data point within the metric.
        point: u32,
    },
    /// One exemplar of a data point (its `filtered_attributes`).
    Exemplar {
        /// Index of the resource.
        resource: u32,
        /// Index of the scope within the resource.
        scope: u32,
        /// Index of the metric within the scope.
        metric: u32,
        /// Index of the data point within the metric.
        point: u32,
        /// Index of the exemplar within the data point.
        exemplar: u32,
    },
}

/// Indices come from `enumerate()` over a decoded request: a protobuf message is under 2 GiB,
/// so none exceeds `u32`.
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl At {
    /// The resource at `resource`.
    pub fn resource(resource: usize) -> At {
        At::Resource {
            resource: index(resource),
        }
    }

    /// The scope at `[resource][scope]`.
    pub fn scope(resource: usize, scope: usize) -> At {
        At::Scope {
            resource: index(resource),
            scope: index(scope),
        }
    }

    /// The span, metric or log record at `[resource][scope][record]`.
    pub fn record(resource: usize, scope: usize, record: usize) -> At {
        At::Record {
            resource: index(resource),
            scope: index(scope),
            record: index(record),
        }
    }

    /// The event at `[resource][scope][span].events[event]`.
    pub fn event(resource: usize, scope: usize, span: usize, event: usize) -> At {
        At::Event {
            resource: index(resource),
            scope: index(scope),
            span: index(span),
            event: index(event),
        }
    }

    /// The link at `[resource][scope][span].links[link]`.
    pub fn link(resource: usize, scope: usize, span: usize, link: usize) -> At {
        At::Link {
            resource: index(resource),
            scope: index(scope),
            span: index(span),
            link: index(link),
        }
    }

    /// The data point at `[resource][scope][metric]` data points `[point]`.
    pub fn data_point(resource: usize, scope: usize, metric: usize, point: usize) -> At {
        At::DataPoint {
            resource: index(resource),
            scope: index(scope),
            metric: index(metric),
            point: index(point),
        }
    }

    /// The exemplar at `[resource][scope][metric]` data points `[point]` exemplars `[exemplar]`.
    pub fn exemplar(
        resource: usize,
        scope: usize,
        metric: usize,
        point: usize,
        exemplar: usize,
    ) -> At {
        At::Exemplar {
            resource: index(resource),
            scope: index(scope),
            metric: index(metric),
            point: index(point),
            exemplar: index(exemplar),
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            At::Resource { resource } => write!(f, "resource {resource}"),
            At::Scope { resource, scope } => write!(f, "scope {resource}/{scope}"),
            At::Record {
                resource,
                scope,
                record,
            } => write!(f, "record {resource}/{scope}/{record}"),
            At::Event {
                resource,
                scope,
                span,
                event,
            } => write!(f, "event {resource}/{scope}/{span}/{event}"),
            At::Link {
                resource,
                scope,
                span,
                link,
            } => write!(f, "link {resource}/{scope}/{span}/{link}"),
            At::DataPoint {
                resource,
                scope,
                metric,
                point,
            } => write!(f, "data point {resource}/{scope}/{metric}/{point}"),
            At::Exemplar {
                resource,
                scope,
                metric,
                point,
                exemplar,
            } => write!(f, "exemplar {resource}/{scope}/{metric}/{point}/{exemplar}"),
        }
    }
}

/// A value an edit sets.
///
/// Strings, integers, doubles, booleans and `AnyValue`s convert into it, so [`Edits::set`] takes
/// them as they are.
///
/// ```
/// use otelbridge::proto::common::v1::{AnyValue, ArrayValue, any_value::Value};
/// use otelbridge::{At, EditValue, Edits, Outcome, testing};
/// assert_eq!(EditValue::from("GET"), EditValue::Str("GET".to_owned()));
/// assert_eq!(EditValue::from(200_i64), EditValue::Int(200));
///
/// let text = |s: &str| AnyValue { value: Some(Value::StringValue(s.into())) };
/// let roles = Value::ArrayValue(ArrayValue { values: vec![text("admin"), text("dev")] });
/// let received = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}"#;
/// let received = testing::logs_from_json(received)?;
/// let mut edits = Edits::new();
/// edits
///     .set(At::record(0, 0, 0), "user.roles", AnyValue { value: Some(roles.clone()) })
///     .set(At::record(0, 0, 0), "digest", EditValue::Bytes(vec![0xde, 0xad]));
/// let output = testing::passed_on(Outcome::Edited(edits), &received)?.expect("not dropped");
/// let attributes = &output.resource_logs[0].scope_logs[0].log_records[0].attributes;
/// assert_eq!(attributes[0].value.as_ref().and_then(|v| v.value.clone()), Some(roles));
/// let digest = attributes[1].value.as_ref().and_then(|v| v.value.clone());
/// assert_eq!(digest, Some(Value::BytesValue(vec![0xde, 0xad])));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum EditValue {
    /// A string.
    Str(String),
    /// A 64-bit integer.
    Int(i64),
    /// A double.
    Double(f64),
    /// A boolean.
    Bool(bool),
    /// Bytes.
    Bytes(Vec<u8>),
    /// Any other value (arrays, key-value lists), sent as protobuf.
    Any(AnyValue),
}

impl From<&str> for EditValue {
    fn from(value: &str) -> EditValue {
        EditValue::Str(value.to_owned())
    }
}

impl From<String> for EditValue {
    fn from(value: String) -> EditValue {
        EditValue::Str(value)
    }
}

impl From<i64> for EditValue {
    fn from(value: i64) -> EditValue {
        EditValue::Int(value)
    }
}

impl From<f64> for EditValue {
    fn from(value: f64) -> EditValue {
        EditValue::Double(value)
    }
}

impl From<bool> for EditValue {
    fn from(value: bool) -> EditValue {
        EditValue::Bool(value)
    }
}

impl From<AnyValue> for EditValue {
    fn from(value: AnyValue) -> EditValue {
        EditValue::Any(value)
    }
}

/// One edit, as [`Edits::iter`] reads it back.
///
/// A test can check the edits a processor made without applying them:
///
/// ```
/// use otelbridge::edits::Edit;
/// use otelbridge::{At, EditValue, Edits};
/// let mut edits = Edits::new(); // what a processor answered
/// edits.set(At::resource(0), "env", "prod").drop(At::record(0, 0, 2));
///
/// let made: Vec<Edit<'_>> = edits.iter().collect();
/// assert_eq!(made[0], Edit::Set { at: At::resource(0), key: "env", value: EditValue::from("prod") });
/// let dropped: Vec<At> = edits
///     .iter()
///     .filter_map(|edit| match edit {
///         Edit::Drop { at } => Some(at),
///         _ => None,
///     })
///     .collect();
/// assert_eq!(dropped, [At::record(0, 0, 2)]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Edit<'a> {
    /// Sets attribute `key` at `at`, in place if present, else appended.
    Set {
        /// Where.
        at: At,
        /// The attribute key.
        key: &'a str,
        /// The new value.
        value: EditValue,
    },
    /// Removes attribute `key` at `at` (the last attribute takes its place, as pdata does).
    Remove {
        /// Where.
        at: At,
        /// The attribute key.
        key: &'a str,
    },
    /// Sets the body of the log record at `at`.
    SetBody {
        /// The log record.
        at: At,
        /// The new body.
        value: EditValue,
    },
    /// Drops the record, data point, event or link at `at`.
    Drop {
        /// What goes.
        at: At,
    },
}

/// A processor's changes to one batch, kept in the flat encoding the host reads (see
/// `ffi/README.md`, "Edits"), so handing them over copies nothing.
///
/// A processor returns them as [`Outcome::Edited`](crate::Outcome::Edited); here, the test kit's
/// `testing::passed_on` applies them as the collector does:
///
/// ```
/// use otelbridge::{At, Edits, Outcome, testing};
/// let received = testing::logs_from_json(r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
///     {"body":{"stringValue":"debug"}},
///     {"body":{"stringValue":"ada logged in"},
///      "attributes":[{"key":"password","value":{"stringValue":"hunter2"}}]}]}]}]}"#)?;
/// let mut edits = Edits::new();
/// edits
///     .drop(At::record(0, 0, 0)) // drops apply last, so record 1 is still record 1 below
///     .remove(At::record(0, 0, 1), "password")
///     .set_body(At::record(0, 0, 1), "a user logged in");
/// assert_eq!(edits.len(), 3);
///
/// let output = testing::passed_on(Outcome::Edited(edits), &received)?.expect("a record is left");
/// let records = &output.resource_logs[0].scope_logs[0].log_records;
/// assert_eq!((records.len(), records[0].attributes.len()), (1, 0));
/// let json = testing::to_json(&output);
/// assert!(json.contains(r#""body":{"stringValue":"a user logged in"}"#), "{json}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Edits {
    wire: Vec<u8>,
    count: usize,
    /// The [`EditValue::Any`] values, in order, as given. The wire holds them as protobuf for
    /// the host, but reading them back from there would decode them with prost, whose recursion
    /// limit refuses a value nested deeper than it allows (Go reads any depth): reading from
    /// here, every edit reads back as it was written.
    anys: Vec<AnyValue>,
}

impl Edits {
    /// No edits yet.
    pub fn new() -> Edits {
        Edits::default()
    }

    /// Whether there are no edits.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many edits there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Sets attribute `key` at `at` to `value`, in place if the key is there (the first attribute
    /// with that key, as pdata's `Map.Put*` does), else appended.
    pub fn set(&mut self, at: At, key: &str, value: impl Into<EditValue>) -> &mut Edits {
        let value = value.into();
        wire::put_set(&mut self.wire, at, key, &value);
        self.keep(value);
        self
    }

    /// Removes attribute `key` at `at` (the first with that key, as pdata's `Map.Remove` does),
    /// if present.
    pub fn remove(&mut self, at: At, key: &str) -> &mut Edits {
        wire::put_remove(&mut self.wire, at, key);
        self.count += 1;
        self
    }

    /// Sets the body of the log record at `at` (an [`At::Record`] of a logs batch).
    pub fn set_body(&mut self, at: At, value: impl Into<EditValue>) -> &mut Edits {
        let value = value.into();
        wire::put_set_body(&mut self.wire, at, &value);
        self.keep(value);
        self
    }

    /// Counts an edit just written with `value`, keeping it if [`Edits::iter`] reads it from
    /// `anys`.
    fn keep(&mut self, value: EditValue) {
        if let EditValue::Any(value) = value {
            self.anys.push(value);
        }
        self.count += 1;
    }

    /// Drops the span, metric, log record, data point, event or link at `at`.
    ///
    /// Drops apply after every other edit. A metric left with no data points by drops goes too,
    /// then a scope left with no records, then a resource left with no scopes; containers that
    /// were empty to begin with stay.
    pub fn drop(&mut self, at: At) -> &mut Edits {
        wire::put_drop(&mut self.wire, at);
        self.count += 1;
        self
    }

    /// Reads the edits back in order.
    pub fn iter(&self) -> impl Iterator<Item = Edit<'_>> + '_ {
        wire::Reader::with_anys(&self.wire, &self.anys)
            .map(|edit| edit.expect("Edits holds only what it encoded"))
    }

    /// Takes the flat encoding.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.wire
    }
}

impl fmt::Debug for Edits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
