//! Batches from and to OTLP JSON, the collector's own JSON encoding.

use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};

use super::OtlpRequest;

/// OTLP JSON that does not decode into the request asked for, with the path of the field at
/// fault.
///
/// ```
/// let err = otelbridge::testing::traces_from_json(
///     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}"#,
/// )
/// .expect_err("not hex");
/// assert_eq!(err.path(), "resourceSpans[0].scopeSpans[0].spans[0].traceId");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("OTLP JSON at {path}: {message}")]
pub struct JsonError {
    path: String,
    message: String,
}

impl JsonError {
    /// The path of the field at fault (`resourceSpans[0].scopeSpans[0].spans[1].traceId`), `.`
    /// for the whole document.
    ///
    /// ```
    /// let err = otelbridge::testing::logs_from_json("42").expect_err("not an object");
    /// assert_eq!(err.path(), ".");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    ///
    /// ```
    /// let err = otelbridge::testing::logs_from_json("{").expect_err("cut short");
    /// assert!(err.message().contains("EOF"), "{err}");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Decodes OTLP JSON into a request: the encoding Go's `file` exporter writes and pdata's
/// `JSONMarshaler` produces (lowerCamelCase field names, trace and span ids as hex, enums as
/// integers, 64-bit integers as strings, bytes as base64), or that OTLP/HTTP clients send with
/// `Content-Type: application/json`. Fields left out take their defaults; unknown fields are
/// ignored, as OTLP/JSON readers must. The one value pdata writes that cannot be read is a NaN or
/// infinite double (`"asDouble":"NaN"`): it is an error naming the field, rather than lost.
///
/// ```
/// use otelbridge::proto::ExportMetricsServiceRequest;
/// let request: ExportMetricsServiceRequest = otelbridge::testing::from_json(
///     r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[
///         {"name":"queue.size","gauge":{"dataPoints":[{"asInt":"42"}]}}]}]}]}"#,
/// )?;
/// assert_eq!(request.resource_metrics[0].scope_metrics[0].metrics[0].name, "queue.size");
/// # Ok::<(), otelbridge::testing::JsonError>(())
/// ```
pub fn from_json<T: OtlpRequest>(json: &str) -> Result<T, JsonError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|err| JsonError {
        path: ".".to_owned(),
        message: err.to_string(),
    })?;
    refuse_non_finite(&value, &mut String::new())?;
    serde_path_to_error::deserialize(value).map_err(|err| JsonError {
        path: err.path().to_string(),
        message: err.into_inner().to_string(),
    })
}

/// The double fields of OTLP: pdata writes NaN and infinities in them as `"NaN"`, `"Infinity"`
/// and `"-Infinity"`.
const DOUBLE_FIELDS: [&str; 9] = [
    "asDouble",
    "doubleValue",
    "sum",
    "min",
    "max",
    "value",
    "quantile",
    "zeroThreshold",
    "explicitBounds",
];

/// Refuses the NaN and infinite doubles pdata writes as strings: opentelemetry-proto reads
/// doubles from JSON numbers only, and would drop a data point's value without a word.
fn refuse_non_finite(value: &serde_json::Value, path: &mut String) -> Result<(), JsonError> {
    let non_finite =
        |v: &serde_json::Value| matches!(v.as_str(), Some("NaN" | "Infinity" | "-Infinity"));
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let bad = DOUBLE_FIELDS.contains(&key.as_str())
                    && (non_finite(field)
                        || field
                            .as_array()
                            .is_some_and(|items| items.iter().any(non_finite)));
                if bad {
                    return Err(JsonError {
                        path: path.clone(),
                        message: "NaN and infinite doubles cannot be read: opentelemetry-proto \
                                  reads doubles from JSON numbers only"
                            .to_owned(),
                    });
                }
                refuse_non_finite(field, path)?;
                path.truncate(len);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                refuse_non_finite(item, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Decodes OTLP JSON into a traces request (see [`from_json`]).
///
/// ```
/// let request = otelbridge::testing::traces_from_json(
///     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{
///         "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
///         "name":"GET /cart","kind":2,"startTimeUnixNano":"1700000000000000000"}]}]}]}"#,
/// )?;
/// let span = &request.resource_spans[0].scope_spans[0].spans[0];
/// assert_eq!((span.span_id[7], span.kind, span.start_time_unix_nano), (8, 2, 1_700_000_000_000_000_000));
/// # Ok::<(), otelbridge::testing::JsonError>(())
/// ```
pub fn traces_from_json(json: &str) -> Result<ExportTraceServiceRequest, JsonError> {
    from_json(json)
}

/// Decodes OTLP JSON into a metrics request (see [`from_json`]).
///
/// ```
/// let request = otelbridge::testing::metrics_from_json(r#"{"resourceMetrics":[]}"#)?;
/// assert!(request.resource_metrics.is_empty());
/// # Ok::<(), otelbridge::testing::JsonError>(())
/// ```
pub fn metrics_from_json(json: &str) -> Result<ExportMetricsServiceRequest, JsonError> {
    from_json(json)
}

/// Decodes OTLP JSON into a logs request (see [`from_json`]).
///
/// ```
/// let request = otelbridge::testing::logs_from_json(
///     r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},"severityNumber":9}]}]}]}"#,
/// )?;
/// assert_eq!(request.resource_logs[0].scope_logs[0].log_records[0].severity_number, 9);
/// # Ok::<(), otelbridge::testing::JsonError>(())
/// ```
pub fn logs_from_json(json: &str) -> Result<ExportLogsServiceRequest, JsonError> {
    from_json(json)
}

/// Encodes a request as OTLP JSON on one line, to print it or compare it.
///
/// The field names and value encodings are those of pdata's `JSONMarshaler`, and pdata reads the
/// result back as the same batch, but fields at their default are written out
/// (`"droppedAttributesCount":0`, `"traceState":""`) where pdata leaves them out, and fields come
/// in declaration order: compare requests, or JSON parsed into values, rather than JSON text from
/// Go. A double that is NaN or infinite is left out (JSON has no such number; pdata writes
/// `"NaN"` and `"Infinity"`).
///
/// ```
/// use otelbridge::testing;
/// let json = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"}}]}]}]}"#;
/// let request = testing::logs_from_json(json)?;
/// let again = testing::to_json(&request);
/// assert!(again.contains(r#""body":{"stringValue":"hi"}"#), "{again}");
/// assert_eq!(testing::logs_from_json(&again)?, request);
/// # Ok::<(), testing::JsonError>(())
/// ```
pub fn to_json<T: OtlpRequest>(request: &T) -> String {
    serde_json::to_string(&json_value(request)).expect("a JSON value always prints")
}

/// Encodes a request as indented OTLP JSON (see [`to_json`]), for a test's failure message.
///
/// ```
/// use otelbridge::proto::ExportTraceServiceRequest;
/// let json = otelbridge::testing::to_json_pretty(&ExportTraceServiceRequest::default());
/// assert_eq!(json, "{\n  \"resourceSpans\": []\n}");
/// ```
pub fn to_json_pretty<T: OtlpRequest>(request: &T) -> String {
    serde_json::to_string_pretty(&json_value(request)).expect("a JSON value always prints")
}

/// The request as JSON pdata reads: opentelemetry-proto writes an unset optional field (a
/// histogram's `sum`, `min` and `max`, a missing resource or value) as `null`, which pdata's
/// reader refuses, so those fields are left out, as pdata leaves them out.
fn json_value<T: OtlpRequest>(request: &T) -> serde_json::Value {
    let mut value = serde_json::to_value(request).expect("OTLP requests always encode as JSON");
    drop_nulls(&mut value);
    value
}

fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            fields.retain(|_, field| !field.is_null());
            fields.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
