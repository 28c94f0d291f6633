//! Views: read a batch where it lies, without decoding it.
//!
//! [`Batch::decode`](crate::Batch::decode) builds the whole request with prost: every string,
//! every attribute list and every span is allocated, then freed again. A processor that looks at
//! some attributes and changes a few (redaction, filtering, routing) spends most of its time on
//! that. A view walks the same bytes in place instead: strings are borrowed, nothing is
//! allocated, and indices are those [`Edits`](crate::Edits) address. Any part can still be decoded
//! with prost when it is needed (`SpanView::decode`, `AttributeView::decode_value`, ...).
//!
//! ```
//! # use otelbridge::{At, Edits, Error, TracesBatch};
//! fn drop_health_checks(batch: TracesBatch<'_>) -> Result<Edits, Error> {
//!     let mut edits = Edits::new();
//!     for (r, resource) in batch.view()?.resources().enumerate() {
//!         for (s, scope) in resource.scopes().enumerate() {
//!             for (i, span) in scope.records().enumerate() {
//!                 if span.attributes().any(|a| a.key() == "http.route" && a.str().as_deref() == Some("/health")) {
//!                     edits.drop(At::record(r, s, i));
//!                 }
//!             }
//!         }
//!     }
//!     Ok(edits)
//! }
//! ```
//!
//! [`Batch::view`](crate::Batch) checks the batch's framing first, so a malformed batch is
//! refused up front (a permanent error, as with `decode`) and the views themselves never fail.
//!
//! Views take whatever Go's pdata takes. Text is read lossily: a string that is not UTF-8 (Go
//! accepts it) reads with U+FFFD in place of each invalid sequence, borrowed when it is valid;
//! decoding ([`Batch::decode`](crate::Batch::decode), `SpanView::decode`, ...) does the same.
//! Values nested deeper than the check goes ([`MAX_CHECKED_DEPTH`] messages) are not refused:
//! their framing is checked when a component reads them, by [`AttributeView::decode_value`] and
//! friends, which then fail for that value alone.

mod lossy;
mod shapes;
mod wire;

use std::borrow::Cow;
use std::marker::PhantomData;

use prost::Message;

use crate::proto::common::v1::AnyValue;
use crate::proto::logs::v1::LogRecord;
use crate::proto::metrics::v1::Metric;
use crate::proto::trace::v1::Span;
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Batch, Error};
pub(crate) use shapes::{LOGS, METRICS, TRACES};
pub use wire::MAX_CHECKED_DEPTH;
use wire::{Shape, Wire, last, repeated};

/// Text as Go holds it, which need not be UTF-8: borrowed when it is, lossy when not.
fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

fn str_field(bytes: &[u8], number: u32) -> Cow<'_, str> {
    match last(bytes, number) {
        Some(Wire::Bytes(payload)) => text(payload),
        _ => Cow::Borrowed(""),
    }
}

fn bytes_field(bytes: &[u8], number: u32) -> &[u8] {
    match last(bytes, number) {
        Some(Wire::Bytes(payload)) => payload,
        _ => &[],
    }
}

/// Decodes `bytes`, a message of `shape`, with prost, taking what Go's pdata takes: strings that
/// are not UTF-8 decode lossily (U+FFFD for each invalid sequence) instead of failing. What
/// still fails, permanently, is malformed framing, a scalar of the wrong wire type, or nesting
/// past prost's limit of 100 messages (pdata's is 100 below an attribute); views read those.
pub(crate) fn decode_lenient<T: Message + Default>(
    bytes: &[u8],
    shape: &Shape,
) -> Result<T, Error> {
    // Valid text is the rule: only a batch prost refuses pays for the repair.
    T::decode(bytes).or_else(|refused| match lossy::repair_text(bytes, shape) {
        Some(repaired) => Ok(T::decode(repaired.as_slice())?),
        None => Err(refused.into()),
    })
}

impl<'a> Batch<'a, ExportTraceServiceRequest> {
    /// A view of the spans, without decoding them. Fails (permanently) on a malformed batch.
    pub fn view(&self) -> Result<TracesView<'a>, Error> {
        wire::validate(self.bytes(), &shapes::TRACES)?;
        Ok(RequestView::new(self.bytes()))
    }
}

impl<'a> Batch<'a, ExportMetricsServiceRequest> {
    /// A view of the metrics, without decoding them. Fails (permanently) on a malformed batch.
    pub fn view(&self) -> Result<MetricsView<'a>, Error> {
        wire::validate(self.bytes(), &shapes::METRICS)?;
        Ok(RequestView::new(self.bytes()))
    }
}

impl<'a> Batch<'a, ExportLogsServiceRequest> {
    /// A view of the log records, without decoding them. Fails (permanently) on a malformed
    /// batch.
    pub fn view(&self) -> Result<LogsView<'a>, Error> {
        wire::validate(self.bytes(), &shapes::LOGS)?;
        Ok(RequestView::new(self.bytes()))
    }
}

/// What a scope holds: spans, metrics or log records.
///
/// Code written over `RecordView` reads batches of any signal:
///
/// ```
/// use otelbridge::view::{RecordView, RequestView};
///
/// /// How many spans, metrics or log records a batch holds.
/// fn count<'a, R: RecordView<'a> + 'a>(view: RequestView<'a, R>) -> usize {
///     let mut records = 0;
///     for resource in view.resources() {
///         for scope in resource.scopes() {
///             records += scope.records().count();
///         }
///     }
///     records
/// }
///
/// # use otelbridge::prost::Message;
/// use otelbridge::{LogsBatch, TracesBatch, testing};
/// let spans = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{},{}]}]}]}"#;
/// let spans = testing::traces_from_json(spans)?.encode_to_vec();
/// let logs = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{}]},{"logRecords":[{}]}]}]}"#;
/// let logs = testing::logs_from_json(logs)?.encode_to_vec();
/// assert_eq!(count(TracesBatch::from_bytes(&spans).view()?), 2);
/// assert_eq!(count(LogsBatch::from_bytes(&logs).view()?), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait RecordView<'a>: Copy + private::Sealed {
    /// The view of one encoded record.
    #[doc(hidden)]
    fn from_bytes(bytes: &'a [u8]) -> Self;
}

mod private {
    pub trait Sealed {}
}

/// A view of a whole request: `resource_spans`, `resource_metrics` or `resource_logs`.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let bytes = testing::traces_from_json(r#"{"resourceSpans":[{},{}]}"#)?.encode_to_vec();
/// let batch = TracesBatch::from_bytes(&bytes); // as a processor receives it
/// let view = batch.view()?; // checks the framing: reading through it never fails
/// assert_eq!(view.resources().count(), 2);
///
/// let malformed = TracesBatch::from_bytes(&[0xff, 0xff]);
/// assert!(malformed.view().expect_err("refused up front").is_permanent());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a, R> {
    bytes: &'a [u8],
    records: PhantomData<R>,
}

/// A view of a traces request.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::TracesView;
/// use otelbridge::{TracesBatch, testing};
///
/// /// The names of the spans, in order.
/// fn names(view: &TracesView<'_>) -> Vec<String> {
///     let mut names = Vec::new();
///     for resource in view.resources() {
///         for scope in resource.scopes() {
///             names.extend(scope.records().map(|span| span.name().into_owned()));
///         }
///     }
///     names
/// }
///
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
///     {"name":"GET /"},{"name":"SELECT"}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// assert_eq!(names(&TracesBatch::from_bytes(&bytes).view()?), ["GET /", "SELECT"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type TracesView<'a> = RequestView<'a, SpanView<'a>>;
/// A view of a metrics request.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::MetricsView;
/// use otelbridge::{MetricsBatch, testing};
///
/// /// How many data points the batch holds, whatever the metrics' types.
/// fn data_points(view: &MetricsView<'_>) -> usize {
///     let mut points = 0;
///     for resource in view.resources() {
///         for scope in resource.scopes() {
///             points += scope.records().map(|metric| metric.data_points().count()).sum::<usize>();
///         }
///     }
///     points
/// }
///
/// let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
///     {"name":"queue.size","gauge":{"dataPoints":[{"asInt":"3"},{"asInt":"4"}]}},
///     {"name":"requests","sum":{"dataPoints":[{"asInt":"10"}]}}]}]}]}"#;
/// let bytes = testing::metrics_from_json(json)?.encode_to_vec();
/// assert_eq!(data_points(&MetricsBatch::from_bytes(&bytes).view()?), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type MetricsView<'a> = RequestView<'a, MetricView<'a>>;
/// A view of a logs request.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::LogsView;
/// use otelbridge::{LogsBatch, testing};
///
/// /// Whether any record of the batch is an error.
/// fn has_errors(view: &LogsView<'_>) -> bool {
///     view.resources().any(|resource| {
///         let mut scopes = resource.scopes();
///         scopes.any(|scope| scope.records().any(|record| record.severity_text() == "ERROR"))
///     })
/// }
///
/// let json = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
///     {"severityText":"INFO"},{"severityText":"ERROR"}]}]}]}"#;
/// let bytes = testing::logs_from_json(json)?.encode_to_vec();
/// assert!(has_errors(&LogsBatch::from_bytes(&bytes).view()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type LogsView<'a> = RequestView<'a, LogRecordView<'a>>;

impl<'a, R: RecordView<'a> + 'a> RequestView<'a, R> {
    fn new(bytes: &'a [u8]) -> RequestView<'a, R> {
        RequestView {
            bytes,
            records: PhantomData,
        }
    }

    /// The resources, in order (index `r` of [`At`](crate::At)).
    pub fn resources(&self) -> impl Iterator<Item = ResourceView<'a, R>> + use<'a, R> {
        repeated(self.bytes, 1).map(|bytes| ResourceView {
            bytes,
            records: PhantomData,
        })
    }
}

/// One resource and its scopes.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{
///     "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
///     "schemaUrl":"https://opentelemetry.io/schemas/1.26.0","scopeSpans":[{},{}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let resource = view.resources().next().expect("one resource");
/// let service = resource.attributes().find(|a| a.key() == "service.name");
/// assert_eq!(service.and_then(|a| a.str()).as_deref(), Some("cart"));
/// assert_eq!(resource.schema_url(), "https://opentelemetry.io/schemas/1.26.0");
/// assert_eq!(resource.scopes().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ResourceView<'a, R> {
    bytes: &'a [u8],
    records: PhantomData<R>,
}

impl<'a, R: RecordView<'a> + 'a> ResourceView<'a, R> {
    /// The resource's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(bytes_field(self.bytes, 1), 1)
    }

    /// The scopes, in order (index `s` of [`At`](crate::At)).
    pub fn scopes(&self) -> impl Iterator<Item = ScopeView<'a, R>> + use<'a, R> {
        repeated(self.bytes, 2).map(|bytes| ScopeView {
            bytes,
            records: PhantomData,
        })
    }

    /// The schema URL.
    pub fn schema_url(&self) -> Cow<'a, str> {
        str_field(self.bytes, 3)
    }
}

/// One instrumentation scope and its records.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{
///     "scope":{"name":"io.opentelemetry.http","version":"2.1.0"},"spans":[{},{},{}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// assert_eq!((scope.name(), scope.version()), ("io.opentelemetry.http".into(), "2.1.0".into()));
/// assert_eq!(scope.records().count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ScopeView<'a, R> {
    bytes: &'a [u8],
    records: PhantomData<R>,
}

impl<'a, R: RecordView<'a> + 'a> ScopeView<'a, R> {
    /// The scope's name.
    pub fn name(&self) -> Cow<'a, str> {
        str_field(bytes_field(self.bytes, 1), 1)
    }

    /// The scope's version.
    pub fn version(&self) -> Cow<'a, str> {
        str_field(bytes_field(self.bytes, 1), 2)
    }

    /// The scope's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(bytes_field(self.bytes, 1), 3)
    }

    /// The spans, metrics or log records, in order (index `i` of [`At`](crate::At)).
    pub fn records(&self) -> impl Iterator<Item = R> + use<'a, R> {
        repeated(self.bytes, 2).map(R::from_bytes)
    }
}

/// One span.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::{SpanView, ValueView};
/// use otelbridge::{TracesBatch, testing};
///
/// /// Whether the span answered with a server error.
/// fn failed(span: &SpanView<'_>) -> bool {
///     let status = span.attributes().find(|a| a.key() == "http.response.status_code");
///     matches!(status.map(|a| a.value()), Some(ValueView::Int(500..)))
/// }
///
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
///     {"name":"GET /a",
///      "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}]},
///     {"name":"GET /b",
///      "attributes":[{"key":"http.response.status_code","value":{"intValue":"200"}}],
///      "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let names: Vec<_> = scope.records().filter(failed).map(|span| span.name()).collect();
/// assert_eq!(names, ["GET /a"]);
///
/// let b = scope.records().nth(1).expect("two spans");
/// assert_eq!((b.trace_id().len(), b.span_id()), (16, &[1, 2, 3, 4, 5, 6, 7, 8][..]));
/// assert_eq!(b.decode()?.name, "GET /b"); // the whole span, with prost
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SpanView<'a> {
    bytes: &'a [u8],
}

impl private::Sealed for SpanView<'_> {}

impl<'a> RecordView<'a> for SpanView<'a> {
    fn from_bytes(bytes: &'a [u8]) -> SpanView<'a> {
        SpanView { bytes }
    }
}

impl<'a> SpanView<'a> {
    /// The span's name.
    pub fn name(&self) -> Cow<'a, str> {
        str_field(self.bytes, 5)
    }

    /// The trace id (16 bytes, or empty).
    pub fn trace_id(&self) -> &'a [u8] {
        bytes_field(self.bytes, 1)
    }

    /// The span id (8 bytes, or empty).
    pub fn span_id(&self) -> &'a [u8] {
        bytes_field(self.bytes, 2)
    }

    /// The span's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 9)
    }

    /// The span's events, in order.
    pub fn events(&self) -> impl Iterator<Item = EventView<'a>> + use<'a> {
        repeated(self.bytes, 11).map(|bytes| EventView { bytes })
    }

    /// The span's links, in order.
    pub fn links(&self) -> impl Iterator<Item = LinkView<'a>> + use<'a> {
        repeated(self.bytes, 13).map(|bytes| LinkView { bytes })
    }

    /// Decodes the whole span with prost.
    pub fn decode(&self) -> Result<Span, Error> {
        decode_lenient(self.bytes, &shapes::SPAN)
    }
}

/// One span event.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"events":[{"name":"exception",
///     "attributes":[{"key":"exception.type","value":{"stringValue":"Timeout"}}]}]}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let span = scope.records().next().expect("one span");
/// let event = span.events().next().expect("one event");
/// assert_eq!(event.name(), "exception");
/// let kind = event.attributes().find(|a| a.key() == "exception.type");
/// assert_eq!(kind.and_then(|a| a.str()).as_deref(), Some("Timeout"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    bytes: &'a [u8],
}

impl<'a> EventView<'a> {
    /// The event's name.
    pub fn name(&self) -> Cow<'a, str> {
        str_field(self.bytes, 2)
    }

    /// The event's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 3)
    }
}

/// One span link.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{
///     "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
///     "attributes":[{"key":"messaging.operation","value":{"stringValue":"receive"}}]}]}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let span = scope.records().next().expect("one span");
/// let link = span.links().next().expect("one link");
/// assert_eq!(link.trace_id(), (1..=16).collect::<Vec<u8>>());
/// assert_eq!(link.attributes().next().map(|a| a.key()).as_deref(), Some("messaging.operation"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LinkView<'a> {
    bytes: &'a [u8],
}

impl<'a> LinkView<'a> {
    /// The linked trace id.
    pub fn trace_id(&self) -> &'a [u8] {
        bytes_field(self.bytes, 1)
    }

    /// The link's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 4)
    }
}

/// One log record.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::ValueView;
/// use otelbridge::{LogsBatch, testing};
/// let json = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
///     {"severityText":"ERROR","body":{"stringValue":"disk full"}},
///     {"severityText":"INFO",
///      "attributes":[{"key":"event.name","value":{"stringValue":"login"}}]}]}]}]}"#;
/// let bytes = testing::logs_from_json(json)?.encode_to_vec();
/// let view = LogsBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let mut records = scope.records();
/// let error = records.next().expect("two records");
/// assert_eq!(error.severity_text(), "ERROR");
/// assert_eq!(error.body(), Some(ValueView::Str("disk full".into())));
/// let login = records.next().expect("two records");
/// assert_eq!((login.body(), login.attributes().count()), (None, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LogRecordView<'a> {
    bytes: &'a [u8],
}

impl private::Sealed for LogRecordView<'_> {}

impl<'a> RecordView<'a> for LogRecordView<'a> {
    fn from_bytes(bytes: &'a [u8]) -> LogRecordView<'a> {
        LogRecordView { bytes }
    }
}

impl<'a> LogRecordView<'a> {
    /// The body, if the record has one.
    pub fn body(&self) -> Option<ValueView<'a>> {
        match last(self.bytes, 5) {
            Some(Wire::Bytes(bytes)) => Some(ValueView::of(bytes)),
            _ => None,
        }
    }

    /// Decodes the body with prost (for nested bodies: maps and arrays); the empty value if the
    /// record has none.
    pub fn decode_body(&self) -> Result<AnyValue, Error> {
        decode_lenient(bytes_field(self.bytes, 5), &shapes::ANY_VALUE)
    }

    /// The severity text.
    pub fn severity_text(&self) -> Cow<'a, str> {
        str_field(self.bytes, 3)
    }

    /// The record's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 6)
    }

    /// Decodes the whole record with prost.
    pub fn decode(&self) -> Result<LogRecord, Error> {
        decode_lenient(self.bytes, &shapes::LOG_RECORD)
    }
}

/// One metric.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::proto::metrics::v1::metric::Data;
/// use otelbridge::{MetricsBatch, testing};
/// let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
///     {"name":"http.server.request.duration",
///      "histogram":{"dataPoints":[{"count":"3"},{"count":"1"}]}},
///     {"name":"queue.size","metadata":[{"key":"origin","value":{"stringValue":"broker"}}],
///      "gauge":{"dataPoints":[{"asInt":"42"}]}}]}]}]}"#;
/// let bytes = testing::metrics_from_json(json)?.encode_to_vec();
/// let view = MetricsBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let metrics: Vec<_> = scope.records().collect();
/// assert_eq!(metrics[0].name(), "http.server.request.duration");
/// assert_eq!(metrics[0].data_points().count(), 2);
/// assert_eq!(metrics[1].metadata().next().map(|a| a.key()).as_deref(), Some("origin"));
/// let Some(Data::Gauge(gauge)) = metrics[1].decode()?.data else { panic!("a gauge") };
/// assert_eq!(gauge.data_points.len(), 1); // the values, with prost
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct MetricView<'a> {
    bytes: &'a [u8],
}

impl private::Sealed for MetricView<'_> {}

impl<'a> RecordView<'a> for MetricView<'a> {
    fn from_bytes(bytes: &'a [u8]) -> MetricView<'a> {
        MetricView { bytes }
    }
}

/// Where each data point type keeps its attributes and exemplars: (metric field, attributes
/// field, exemplars field). Gauge, sum, histogram, exponential histogram, summary.
const POINT_FIELDS: [(u32, u32, Option<u32>); 5] = [
    (5, 7, Some(5)),
    (7, 7, Some(5)),
    (9, 9, Some(8)),
    (10, 1, Some(11)),
    (11, 7, None),
];

impl<'a> MetricView<'a> {
    /// The metric's name.
    pub fn name(&self) -> Cow<'a, str> {
        str_field(self.bytes, 1)
    }

    /// The metric's metadata (its record attributes for [`At::record`](crate::At::record)).
    pub fn metadata(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 12)
    }

    /// The data points, whatever the metric's type, in order (index `point` of
    /// [`At::data_point`](crate::At::data_point)).
    pub fn data_points(&self) -> impl Iterator<Item = DataPointView<'a>> + use<'a> {
        // The last data field wins, as with a protobuf oneof.
        let data = wire::Fields::new(self.bytes)
            .filter_map(|(number, value)| {
                let fields = POINT_FIELDS.iter().find(|(n, ..)| *n == number)?;
                match value {
                    Wire::Bytes(bytes) => Some((bytes, *fields)),
                    _ => None,
                }
            })
            .last();
        data.into_iter()
            .flat_map(|(bytes, (_, attributes, exemplars))| {
                repeated(bytes, 1).map(move |bytes| DataPointView {
                    bytes,
                    attributes,
                    exemplars,
                })
            })
    }

    /// Decodes the whole metric with prost.
    pub fn decode(&self) -> Result<Metric, Error> {
        decode_lenient(self.bytes, &shapes::METRIC)
    }
}

/// One data point of any type.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::edits::Edit;
/// use otelbridge::{At, Edits, MetricsBatch, testing};
/// let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
///     {"name":"requests","sum":{"dataPoints":[
///     {"asInt":"5","attributes":[{"key":"http.route","value":{"stringValue":"/health"}}]},
///     {"asInt":"7","attributes":[{"key":"http.route","value":{"stringValue":"/cart"}}],
///      "exemplars":[{"asInt":"1"}]}]}}]}]}]}"#;
/// let bytes = testing::metrics_from_json(json)?.encode_to_vec();
/// let view = MetricsBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let metric = scope.records().next().expect("one metric"); // resource 0, scope 0, metric 0
/// let mut edits = Edits::new();
/// for (point, data_point) in metric.data_points().enumerate() {
///     if data_point.attributes().any(|a| a.str().as_deref() == Some("/health")) {
///         edits.drop(At::data_point(0, 0, 0, point));
///     }
/// }
/// assert_eq!(edits.iter().collect::<Vec<_>>(), [Edit::Drop { at: At::data_point(0, 0, 0, 0) }]);
/// assert_eq!(metric.data_points().map(|p| p.exemplars().count()).collect::<Vec<_>>(), [0, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DataPointView<'a> {
    bytes: &'a [u8],
    attributes: u32,
    exemplars: Option<u32>,
}

impl<'a> DataPointView<'a> {
    /// The point's attributes.
    pub fn attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, self.attributes)
    }

    /// The point's exemplars (none for summaries), in order.
    pub fn exemplars(&self) -> impl Iterator<Item = ExemplarView<'a>> + use<'a> {
        let bytes = if self.exemplars.is_some() {
            self.bytes
        } else {
            &[]
        };
        repeated(bytes, self.exemplars.unwrap_or(0)).map(|bytes| ExemplarView { bytes })
    }
}

/// One exemplar.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{MetricsBatch, testing};
/// let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
///     {"name":"latency","gauge":{"dataPoints":[
///     {"asDouble":0.5,"exemplars":[{"asDouble":0.5,
///         "filteredAttributes":[{"key":"user.id","value":{"stringValue":"u-42"}}]}]}]}}]}]}]}"#;
/// let bytes = testing::metrics_from_json(json)?.encode_to_vec();
/// let view = MetricsBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let metric = scope.records().next().expect("one metric");
/// let point = metric.data_points().next().expect("one data point");
/// let exemplar = point.exemplars().next().expect("one exemplar");
/// let user = exemplar.filtered_attributes().find(|a| a.key() == "user.id");
/// assert_eq!(user.and_then(|a| a.str()).as_deref(), Some("u-42"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExemplarView<'a> {
    bytes: &'a [u8],
}

impl<'a> ExemplarView<'a> {
    /// The exemplar's filtered attributes.
    pub fn filtered_attributes(&self) -> Attributes<'a> {
        Attributes::of(self.bytes, 7)
    }
}

/// The attributes of one map (`repeated KeyValue`), in order.
///
/// An iterator: search it, count it, or enumerate it for the position of each attribute.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[
///     {"key":"http.request.method","value":{"stringValue":"GET"}},
///     {"key":"url.path","value":{"stringValue":"/cart"}}]}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let span = scope.records().next().expect("one span");
/// let attributes = span.attributes();
/// let keys: Vec<_> = attributes.clone().map(|a| a.key()).collect();
/// assert_eq!(keys, ["http.request.method", "url.path"]);
/// let path = attributes.clone().find(|a| a.key() == "url.path").and_then(|a| a.str());
/// assert_eq!(path.as_deref(), Some("/cart"));
/// assert!(attributes.clone().all(|a| a.str().is_some()), "both are strings");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Attributes<'a> {
    fields: wire::Fields<'a>,
    number: u32,
}

impl<'a> Attributes<'a> {
    fn of(bytes: &'a [u8], number: u32) -> Attributes<'a> {
        Attributes {
            fields: wire::Fields::new(bytes),
            number,
        }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = AttributeView<'a>;

    fn next(&mut self) -> Option<AttributeView<'a>> {
        let number = self.number;
        self.fields.find_map(|(n, value)| match value {
            Wire::Bytes(bytes) if n == number => Some(AttributeView::of(bytes)),
            _ => None,
        })
    }
}

/// One attribute: a key and a value, borrowed from the batch.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::proto::common::v1::any_value::Value;
/// use otelbridge::view::ValueView;
/// use otelbridge::{TracesBatch, testing};
/// let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[
///     {"key":"url.path","value":{"stringValue":"/cart"}},
///     {"key":"http.response.status_code","value":{"intValue":"200"}}]}]}]}]}"#;
/// let bytes = testing::traces_from_json(json)?.encode_to_vec();
/// let view = TracesBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let span = scope.records().next().expect("one span");
/// let mut attributes = span.attributes();
/// let path = attributes.next().expect("two attributes");
/// assert_eq!((path.key(), path.str()), ("url.path".into(), Some("/cart".into())));
/// let status = attributes.next().expect("two attributes");
/// assert_eq!((status.value(), status.str()), (ValueView::Int(200), None));
/// assert_eq!(status.decode_value()?.value, Some(Value::IntValue(200))); // with prost
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AttributeView<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

impl<'a> AttributeView<'a> {
    fn of(bytes: &'a [u8]) -> AttributeView<'a> {
        // One pass over the KeyValue's fields (the last occurrence of each wins).
        let (mut key, mut value) = (&[][..], &[][..]);
        for (number, field) in wire::Fields::new(bytes) {
            match (number, field) {
                (1, Wire::Bytes(bytes)) => key = bytes,
                (2, Wire::Bytes(bytes)) => value = bytes,
                _ => {}
            }
        }
        AttributeView { key, value }
    }

    /// The key, borrowed, or lossy when it is not UTF-8 (`Cow::Owned` exactly then, with U+FFFD
    /// for each invalid sequence).
    pub fn key(&self) -> Cow<'a, str> {
        text(self.key)
    }

    /// The value.
    pub fn value(&self) -> ValueView<'a> {
        ValueView::of(self.value)
    }

    /// The value if it is a string: borrowed, or lossy when it is not UTF-8 (`Cow::Owned` exactly
    /// then, with U+FFFD for each invalid sequence). Go's pdata keeps such text as it came, so a
    /// lossy value written back with an edit changes those bytes: check `Cow::Owned` first if
    /// that matters.
    pub fn str(&self) -> Option<Cow<'a, str>> {
        match self.value() {
            ValueView::Str(text) => Some(text),
            _ => None,
        }
    }

    /// Decodes the value with prost.
    pub fn decode_value(&self) -> Result<AnyValue, Error> {
        decode_lenient(self.value, &shapes::ANY_VALUE)
    }
}

/// A value (OTLP `AnyValue`), borrowed from the batch.
///
/// ```
/// # use otelbridge::prost::Message;
/// use otelbridge::view::{AttributeView, ValueView};
/// use otelbridge::{LogsBatch, testing};
///
/// /// The value as text, arrays and maps included.
/// fn render(value: &ValueView<'_>) -> String {
///     match value {
///         ValueView::Str(text) => text.to_string(),
///         ValueView::Int(n) => n.to_string(),
///         ValueView::Bool(b) => b.to_string(),
///         ValueView::Array(_) => {
///             let items: Vec<_> = value.items().map(|item| render(&item)).collect();
///             format!("[{}]", items.join(","))
///         }
///         ValueView::KvList(_) => {
///             let entry = |a: AttributeView<'_>| format!("{}={}", a.key(), render(&a.value()));
///             let entries: Vec<_> = value.entries().map(entry).collect();
///             format!("{{{}}}", entries.join(","))
///         }
///         _ => String::new(),
///     }
/// }
///
/// let json = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[
///     {"key":"user","value":{"stringValue":"ada"}},
///     {"key":"roles","value":{"arrayValue":{"values":[
///         {"stringValue":"admin"},{"intValue":"7"}]}}}]}}}]}]}]}"#;
/// let bytes = testing::logs_from_json(json)?.encode_to_vec();
/// let view = LogsBatch::from_bytes(&bytes).view()?;
/// let scope = view.resources().next().and_then(|r| r.scopes().next()).expect("one scope");
/// let body = scope.records().next().and_then(|record| record.body()).expect("a body");
/// assert_eq!(render(&body), "{user=ada,roles=[admin,7]}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ValueView<'a> {
    /// No value.
    Empty,
    /// A string: borrowed, or lossy when it is not UTF-8 (`Cow::Owned` exactly then).
    Str(Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A double.
    Double(f64),
    /// Bytes.
    Bytes(&'a [u8]),
    /// An array (its encoded `ArrayValue`): iterate it with [`ValueView::items`].
    Array(&'a [u8]),
    /// A key-value list (its encoded `KeyValueList`): iterate it with [`ValueView::entries`].
    KvList(&'a [u8]),
}

impl<'a> ValueView<'a> {
    fn of(any_value: &'a [u8]) -> ValueView<'a> {
        // AnyValue is one oneof: its last field is the value.
        let Some((number, value)) = wire::Fields::new(any_value).last() else {
            return ValueView::Empty;
        };
        match (number, value) {
            (1, Wire::Bytes(payload)) => ValueView::Str(text(payload)),
            (2, Wire::Varint(b)) => ValueView::Bool(b != 0),
            (3, Wire::Varint(n)) => ValueView::Int(n as i64),
            (4, Wire::Fixed64(bits)) => ValueView::Double(f64::from_bits(bits)),
            (5, Wire::Bytes(array)) => ValueView::Array(array),
            (6, Wire::Bytes(list)) => ValueView::KvList(list),
            (7, Wire::Bytes(bytes)) => ValueView::Bytes(bytes),
            _ => ValueView::Empty,
        }
    }

    /// The items of an array value (empty for any other value).
    pub fn items(&self) -> impl Iterator<Item = ValueView<'a>> + use<'a> {
        let bytes = match self {
            ValueView::Array(bytes) => bytes,
            _ => &[][..],
        };
        repeated(bytes, 1).map(ValueView::of)
    }

    /// The entries of a key-value list value (empty for any other value).
    pub fn entries(&self) -> Attributes<'a> {
        match self {
            ValueView::KvList(bytes) => Attributes::of(bytes, 1),
            _ => Attributes::of(&[], 1),
        }
    }
}

#[cfg(test)]
mod tests;
