//! The kit against the collector's own JSON, and its harness against the bridge's rules.
//!
//! `testdata/*.json` and `*.pb` are one batch per signal as pdata v1.71.0 (collector v0.165.0)
//! wrote them with its `JSONMarshaler` and `ProtoMarshaler`: every value type, ids, enums,
//! 64-bit integers, each metric type.

use super::*;
use crate::proto::common::v1::any_value::Value;
use crate::view::ValueView;
use crate::{At, Context, Edits, Outcome, Processor, ProcessorFactory, Signals, Stability};
use crate::{Config, CreateSettings, Error, ErrorKind, Factory, LogsBatch};

fn assert_same_as_pdata<T: OtlpRequest>(json: &str, pb: &[u8]) {
    let decoded: T = from_json(json).expect("pdata's JSON decodes");
    let from_pb = T::decode(pb).expect("pdata's protobuf decodes");
    assert_eq!(decoded, from_pb);
    let again: T = from_json(&to_json(&decoded)).expect("our JSON decodes");
    assert_eq!(again, from_pb, "{}", to_json_pretty(&decoded));
}

#[test]
fn pdata_json_decodes_to_what_pdata_protobuf_does() {
    // Scenario: each signal's batch from Go's JSON and protobuf marshalers. Guarantees: the JSON
    // a Go test or the file exporter writes is the same batch here, and our JSON reads back.
    assert_same_as_pdata::<ExportTraceServiceRequest>(
        include_str!("testdata/traces.json"),
        include_bytes!("testdata/traces.pb"),
    );
    assert_same_as_pdata::<ExportMetricsServiceRequest>(
        include_str!("testdata/metrics.json"),
        include_bytes!("testdata/metrics.pb"),
    );
    assert_same_as_pdata::<ExportLogsServiceRequest>(
        include_str!("testdata/logs.json"),
        include_bytes!("testdata/logs.pb"),
    );
}

#[test]
fn json_values_are_read_as_pdata_writes_them() {
    let traces = traces_from_json(include_str!("testdata/traces.json")).expect("valid");
    let span = &traces.resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(span.trace_id, (1..=16).collect::<Vec<u8>>());
    assert_eq!(span.kind, 2);
    assert_eq!(span.end_time_unix_nano, 1_700_000_000_250_000_000);
    let value = |key: &str| {
        let kv = span.attributes.iter().find(|kv| kv.key == key);
        kv.and_then(|kv| kv.value.clone()?.value)
    };
    assert_eq!(value("http.status_code"), Some(Value::IntValue(200)));
    assert_eq!(value("raw"), Some(Value::BytesValue(vec![0xde, 0xad])));
}

#[test]
fn json_errors_name_the_field() {
    let err = metrics_from_json(r#"{"resourceMetrics":[{"scopeMetrics":{}}]}"#)
        .expect_err("a map is not a list");
    assert_eq!(err.path(), "resourceMetrics[0].scopeMetrics");
    let err = traces_from_json(r#"{"resourceSpans":[]} x"#).expect_err("trailing text");
    assert_eq!(err.path(), ".");
}

#[test]
fn non_finite_doubles_are_refused_not_lost() {
    // pdata writes NaN as a string, which opentelemetry-proto would read as no value at all.
    let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":
        {"dataPoints":[{"asDouble":1},{"asDouble":"NaN"}]}}]}]}]}"#;
    let err = metrics_from_json(json).expect_err("NaN");
    assert_eq!(
        err.path(),
        "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[1].asDouble"
    );
    let json = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","histogram":
        {"dataPoints":[{"explicitBounds":[1,"Infinity"]}]}}]}]}]}"#;
    assert!(metrics_from_json(json).is_err());
}

/// Drops log records whose body is "drop", masks bodies "secret", replaces a batch of one
/// record saying "replace".
struct Editor;

impl Processor for Editor {
    async fn process_logs(
        &self,
        _: &Context,
        batch: LogsBatch<'_>,
    ) -> Result<Outcome<ExportLogsServiceRequest>, Error> {
        let mut edits = Edits::new();
        for (r, resource) in batch.view()?.resources().enumerate() {
            for (s, scope) in resource.scopes().enumerate() {
                for (i, record) in scope.records().enumerate() {
                    let Some(ValueView::Str(body)) = record.body() else {
                        continue;
                    };
                    match body.as_ref() {
                        "drop" => {
                            edits.drop(At::record(r, s, i));
                        }
                        "secret" => {
                            edits.set_body(At::record(r, s, i), "****");
                        }
                        "replace" => {
                            return Ok(Outcome::Replaced(ExportLogsServiceRequest::default()));
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(if edits.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Edited(edits)
        })
    }
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct EditorConfig {}

impl Config for EditorConfig {}

struct EditorFactory;

impl ProcessorFactory for EditorFactory {
    type Config = EditorConfig;
    type Processor = Editor;
    const TYPE: &'static str = "editor";
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::LOGS;

    fn create(&self, _: &CreateSettings, _: EditorConfig) -> Result<Editor, Error> {
        Ok(Editor)
    }
}

fn logs(bodies: &[&str]) -> ExportLogsServiceRequest {
    let records: Vec<String> = bodies
        .iter()
        .map(|b| format!(r#"{{"body":{{"stringValue":"{b}"}}}}"#))
        .collect();
    logs_from_json(&format!(
        r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
        records.join(",")
    ))
    .expect("valid")
}

#[tokio::test]
async fn harness_resolves_each_outcome_to_what_the_collector_passes_on() {
    let editor = Harness::started(&Factory::processor(EditorFactory), "")
        .await
        .expect("starts");
    let unchanged = editor.process(&logs(&["a"])).await.expect("valid");
    assert!(unchanged.is_unchanged());
    assert_eq!(unchanged.passed_on(), Some(&logs(&["a"])));

    let edited = editor
        .process(&logs(&["a", "drop", "secret"]))
        .await
        .expect("valid");
    assert_eq!(edited.edits().map(Edits::len), Some(2));
    assert_eq!(edited.passed_on(), Some(&logs(&["a", "****"])));

    let dropped = editor.process(&logs(&["drop"])).await.expect("valid");
    assert!(dropped.is_dropped());

    let replaced = editor.process(&logs(&["replace"])).await.expect("valid");
    assert_eq!(
        replaced.outcome(),
        &Outcome::Replaced(ExportLogsServiceRequest::default())
    );
    editor.shutdown().await.expect("stops");
}

#[tokio::test]
async fn harness_keeps_the_collectors_lifecycle() {
    let editor = Harness::create(&Factory::processor(EditorFactory), "").expect("valid");
    let err = editor
        .process(&logs(&["a"]))
        .await
        .expect_err("not started");
    assert_eq!(err.kind(), ErrorKind::Internal);
    assert!(
        err.message().contains("between start and shutdown"),
        "{err}"
    );
    editor.start().await.expect("starts");
    let err = editor
        .process(&ExportTraceServiceRequest::default())
        .await
        .expect_err("a logs processor");
    assert!(err.message().contains("is never given traces"), "{err}");
    editor.shutdown().await.expect("stops");
    let err = editor.process(&logs(&["a"])).await.expect_err("shut down");
    assert!(
        err.message().contains("between start and shutdown"),
        "{err}"
    );
}

#[test]
fn config_helpers_give_the_path() {
    let factory = Factory::processor(EditorFactory);
    check_default_config(&factory).expect("the default is valid");
    assert_eq!(config_error(&factory, r#"{"x":1}"#).path(), "x");
    let err = Harness::create(&factory, r#"{"x":1}"#).expect_err("unknown field");
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}
