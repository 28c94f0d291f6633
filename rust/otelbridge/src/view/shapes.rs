//! The OTLP messages views read, as far as views read them: which fields hold nested messages
//! and which hold strings (field numbers from opentelemetry-proto's `.proto` files).

use super::wire::Kind::{Message, Str};
use super::wire::Shape;

static ANY_VALUE: Shape = Shape {
    name: "AnyValue",
    fields: &[
        (1, Str),
        (5, Message(&ARRAY_VALUE)),
        (6, Message(&KEY_VALUE_LIST)),
    ],
};
static ARRAY_VALUE: Shape = Shape {
    name: "ArrayValue",
    fields: &[(1, Message(&ANY_VALUE))],
};
static KEY_VALUE_LIST: Shape = Shape {
    name: "KeyValueList",
    fields: &[(1, Message(&KEY_VALUE))],
};
static KEY_VALUE: Shape = Shape {
    name: "KeyValue",
    fields: &[(1, Str), (2, Message(&ANY_VALUE))],
};
static RESOURCE: Shape = Shape {
    name: "Resource",
    fields: &[(1, Message(&KEY_VALUE))],
};
static SCOPE: Shape = Shape {
    name: "InstrumentationScope",
    fields: &[(1, Str), (2, Str), (3, Message(&KEY_VALUE))],
};

/// `ExportTraceServiceRequest`.
pub(super) static TRACES: Shape = Shape {
    name: "ExportTraceServiceRequest",
    fields: &[(1, Message(&RESOURCE_SPANS))],
};
static RESOURCE_SPANS: Shape = Shape {
    name: "ResourceSpans",
    fields: &[
        (1, Message(&RESOURCE)),
        (2, Message(&SCOPE_SPANS)),
        (3, Str),
    ],
};
static SCOPE_SPANS: Shape = Shape {
    name: "ScopeSpans",
    fields: &[(1, Message(&SCOPE)), (2, Message(&SPAN)), (3, Str)],
};
static SPAN: Shape = Shape {
    name: "Span",
    fields: &[
        (3, Str),
        (5, Str),
        (9, Message(&KEY_VALUE)),
        (11, Message(&EVENT)),
        (13, Message(&LINK)),
    ],
};
static EVENT: Shape = Shape {
    name: "Span.Event",
    fields: &[(2, Str), (3, Message(&KEY_VALUE))],
};
static LINK: Shape = Shape {
    name: "Span.Link",
    fields: &[(3, Str), (4, Message(&KEY_VALUE))],
};

/// `ExportLogsServiceRequest`.
pub(super) static LOGS: Shape = Shape {
    name: "ExportLogsServiceRequest",
    fields: &[(1, Message(&RESOURCE_LOGS))],
};
static RESOURCE_LOGS: Shape = Shape {
    name: "ResourceLogs",
    fields: &[(1, Message(&RESOURCE)), (2, Message(&SCOPE_LOGS)), (3, Str)],
};
static SCOPE_LOGS: Shape = Shape {
    name: "ScopeLogs",
    fields: &[(1, Message(&SCOPE)), (2, Message(&LOG_RECORD)), (3, Str)],
};
static LOG_RECORD: Shape = Shape {
    name: "LogRecord",
    fields: &[
        (3, Str),
        (5, Message(&ANY_VALUE)),
        (6, Message(&KEY_VALUE)),
        (12, Str),
    ],
};

/// `ExportMetricsServiceRequest`.
pub(super) static METRICS: Shape = Shape {
    name: "ExportMetricsServiceRequest",
    fields: &[(1, Message(&RESOURCE_METRICS))],
};
static RESOURCE_METRICS: Shape = Shape {
    name: "ResourceMetrics",
    fields: &[
        (1, Message(&RESOURCE)),
        (2, Message(&SCOPE_METRICS)),
        (3, Str),
    ],
};
static SCOPE_METRICS: Shape = Shape {
    name: "ScopeMetrics",
    fields: &[(1, Message(&SCOPE)), (2, Message(&METRIC)), (3, Str)],
};
static METRIC: Shape = Shape {
    name: "Metric",
    fields: &[
        (1, Str),
        (2, Str),
        (3, Str),
        (5, Message(&NUMBER_POINTS)),
        (7, Message(&NUMBER_POINTS)),
        (9, Message(&HISTOGRAM_POINTS)),
        (10, Message(&EXPONENTIAL_POINTS)),
        (11, Message(&SUMMARY_POINTS)),
        (12, Message(&KEY_VALUE)),
    ],
};
static NUMBER_POINTS: Shape = Shape {
    name: "Gauge/Sum",
    fields: &[(1, Message(&NUMBER_POINT))],
};
static HISTOGRAM_POINTS: Shape = Shape {
    name: "Histogram",
    fields: &[(1, Message(&HISTOGRAM_POINT))],
};
static EXPONENTIAL_POINTS: Shape = Shape {
    name: "ExponentialHistogram",
    fields: &[(1, Message(&EXPONENTIAL_POINT))],
};
static SUMMARY_POINTS: Shape = Shape {
    name: "Summary",
    fields: &[(1, Message(&SUMMARY_POINT))],
};
static NUMBER_POINT: Shape = Shape {
    name: "NumberDataPoint",
    fields: &[(7, Message(&KEY_VALUE)), (5, Message(&EXEMPLAR))],
};
static HISTOGRAM_POINT: Shape = Shape {
    name: "HistogramDataPoint",
    fields: &[(9, Message(&KEY_VALUE)), (8, Message(&EXEMPLAR))],
};
static EXPONENTIAL_POINT: Shape = Shape {
    name: "ExponentialHistogramDataPoint",
    fields: &[(1, Message(&KEY_VALUE)), (11, Message(&EXEMPLAR))],
};
static SUMMARY_POINT: Shape = Shape {
    name: "SummaryDataPoint",
    fields: &[(7, Message(&KEY_VALUE))],
};
static EXEMPLAR: Shape = Shape {
    name: "Exemplar",
    fields: &[(7, Message(&KEY_VALUE))],
};
