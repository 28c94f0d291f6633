//! The OTLP messages views read, as far as views read them: which fields hold nested messages and
//! which hold strings (field numbers from opentelemetry-proto's `.proto` files).

use super::wire::Shape;

pub(super) static ANY_VALUE: Shape = Shape {
    name: "AnyValue",
    fields: &[(5, &ARRAY_VALUE), (6, &KEY_VALUE_LIST)],
    strings: &[1],
};
static ARRAY_VALUE: Shape = Shape {
    name: "ArrayValue",
    fields: &[(1, &ANY_VALUE)],
    strings: &[],
};
static KEY_VALUE_LIST: Shape = Shape {
    name: "KeyValueList",
    fields: &[(1, &KEY_VALUE)],
    strings: &[],
};
static KEY_VALUE: Shape = Shape {
    name: "KeyValue",
    fields: &[(2, &ANY_VALUE)],
    strings: &[1],
};
static RESOURCE: Shape = Shape {
    name: "Resource",
    fields: &[(1, &KEY_VALUE), (3, &ENTITY_REF)],
    strings: &[],
};
static ENTITY_REF: Shape = Shape {
    name: "EntityRef",
    fields: &[],
    strings: &[1, 2, 3, 4],
};
static SCOPE: Shape = Shape {
    name: "InstrumentationScope",
    fields: &[(3, &KEY_VALUE)],
    strings: &[1, 2],
};

/// `ExportTraceServiceRequest`.
pub(crate) static TRACES: Shape = Shape {
    name: "ExportTraceServiceRequest",
    fields: &[(1, &RESOURCE_SPANS)],
    strings: &[],
};
static RESOURCE_SPANS: Shape = Shape {
    name: "ResourceSpans",
    fields: &[(1, &RESOURCE), (2, &SCOPE_SPANS)],
    strings: &[3],
};
static SCOPE_SPANS: Shape = Shape {
    name: "ScopeSpans",
    fields: &[(1, &SCOPE), (2, &SPAN)],
    strings: &[3],
};
pub(super) static SPAN: Shape = Shape {
    name: "Span",
    fields: &[(9, &KEY_VALUE), (11, &EVENT), (13, &LINK), (15, &STATUS)],
    strings: &[3, 5],
};
static STATUS: Shape = Shape {
    name: "Status",
    fields: &[],
    strings: &[2],
};
static EVENT: Shape = Shape {
    name: "Span.Event",
    fields: &[(3, &KEY_VALUE)],
    strings: &[2],
};
static LINK: Shape = Shape {
    name: "Span.Link",
    fields: &[(4, &KEY_VALUE)],
    strings: &[3],
};

/// `ExportLogsServiceRequest`.
pub(crate) static LOGS: Shape = Shape {
    name: "ExportLogsServiceRequest",
    fields: &[(1, &RESOURCE_LOGS)],
    strings: &[],
};
static RESOURCE_LOGS: Shape = Shape {
    name: "ResourceLogs",
    fields: &[(1, &RESOURCE), (2, &SCOPE_LOGS)],
    strings: &[3],
};
static SCOPE_LOGS: Shape = Shape {
    name: "ScopeLogs",
    fields: &[(1, &SCOPE), (2, &LOG_RECORD)],
    strings: &[3],
};
pub(super) static LOG_RECORD: Shape = Shape {
    name: "LogRecord",
    fields: &[(5, &ANY_VALUE), (6, &KEY_VALUE)],
    strings: &[3, 12],
};

/// `ExportMetricsServiceRequest`.
pub(crate) static METRICS: Shape = Shape {
    name: "ExportMetricsServiceRequest",
    fields: &[(1, &RESOURCE_METRICS)],
    strings: &[],
};
static RESOURCE_METRICS: Shape = Shape {
    name: "ResourceMetrics",
    fields: &[(1, &RESOURCE), (2, &SCOPE_METRICS)],
    strings: &[3],
};
static SCOPE_METRICS: Shape = Shape {
    name: "ScopeMetrics",
    fields: &[(1, &SCOPE), (2, &METRIC)],
    strings: &[3],
};
pub(super) static METRIC: Shape = Shape {
    name: "Metric",
    fields: &[
        (5, &NUMBER_POINTS),
        (7, &NUMBER_POINTS),
        (9, &HISTOGRAM_POINTS),
        (10, &EXPONENTIAL_POINTS),
        (11, &SUMMARY_POINTS),
        (12, &KEY_VALUE),
    ],
    strings: &[1, 2, 3],
};
static NUMBER_POINTS: Shape = Shape {
    name: "Gauge/Sum",
    fields: &[(1, &NUMBER_POINT)],
    strings: &[],
};
static HISTOGRAM_POINTS: Shape = Shape {
    name: "Histogram",
    fields: &[(1, &HISTOGRAM_POINT)],
    strings: &[],
};
static EXPONENTIAL_POINTS: Shape = Shape {
    name: "ExponentialHistogram",
    fields: &[(1, &EXPONENTIAL_POINT)],
    strings: &[],
};
static SUMMARY_POINTS: Shape = Shape {
    name: "Summary",
    fields: &[(1, &SUMMARY_POINT)],
    strings: &[],
};
static NUMBER_POINT: Shape = Shape {
    name: "NumberDataPoint",
    fields: &[(7, &KEY_VALUE), (5, &EXEMPLAR)],
    strings: &[],
};
static HISTOGRAM_POINT: Shape = Shape {
    name: "HistogramDataPoint",
    fields: &[(9, &KEY_VALUE), (8, &EXEMPLAR)],
    strings: &[],
};
static EXPONENTIAL_POINT: Shape = Shape {
    name: "ExponentialHistogramDataPoint",
    fields: &[(1, &KEY_VALUE), (11, &EXEMPLAR)],
    strings: &[],
};
static SUMMARY_POINT: Shape = Shape {
    name: "SummaryDataPoint",
    fields: &[(7, &KEY_VALUE)],
    strings: &[],
};
static EXEMPLAR: Shape = Shape {
    name: "Exemplar",
    fields: &[(7, &KEY_VALUE)],
    strings: &[],
};
