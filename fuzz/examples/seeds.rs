//! Writes the seed corpora: `fuzz/corpus/<target>/` for cargo-fuzz and `testdata/fuzz/<Fuzz>/`
//! for Go's fuzzing, from real OTLP requests built with opentelemetry-proto's types, edits
//! written by the SDK and context records in the ABI's layout. Run from `fuzz/` with
//! `cargo run --release --example seeds` after changing it; the output is checked in. Names of
//! targets after `--` write only their corpora (`-- otlphttp_request`).

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use otelbridge::prost::Message;
use otelbridge::proto::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value::Value,
};
use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use otelbridge::proto::metrics::v1::{
    Exemplar, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram,
    HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary,
    SummaryDataPoint, metric::Data,
};
use otelbridge::proto::resource::v1::Resource;
use otelbridge::proto::trace::v1::span::{Event, Link};
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{At, Edits};

fn main() -> std::io::Result<()> {
    let traces = traces().encode_to_vec();
    let metrics = metrics().encode_to_vec();
    let logs = logs().encode_to_vec();
    let not_utf8 = not_utf8(&traces);
    let deep = deep().encode_to_vec();

    for (name, bytes) in [
        ("traces", &traces),
        ("metrics", &metrics),
        ("logs", &logs),
        ("traces-not-utf8", &not_utf8),
        ("logs-deep", &deep),
    ] {
        rust("otlp_views", name, bytes)?;
    }
    for (name, selector, bytes) in [
        ("traces", 0, &traces),
        ("metrics", 1, &metrics),
        ("logs", 2, &logs),
        ("traces-not-utf8", 0, &not_utf8),
    ] {
        rust("abi_consume", name, &[&[selector][..], bytes].concat())?;
    }
    for (name, signal, bytes, program) in [
        ("traces", 0, &traces, traces_program()),
        ("metrics", 1, &metrics, metrics_program()),
        ("logs", 2, &logs, logs_program()),
    ] {
        let len = u16::try_from(bytes.len()).expect("seed batches are small");
        let input = [&[signal][..], &len.to_le_bytes(), bytes, &program].concat();
        rust("edits", name, &input)?;
    }
    for (name, json) in CONFIGS {
        rust("config_json", name, json.as_bytes())?;
    }
    for (name, records) in context_records() {
        rust("context_records", name, &[&[0][..], &records].concat())?;
    }
    for (name, input) in http_requests(&traces, &metrics, &logs) {
        rust("otlphttp_request", name, &input)?;
    }

    // Go's corpora, next to the fuzz tests that read them.
    let shimtest = "../go/shimtest/testdata/fuzz";
    for (name, bytes, action) in [
        ("traces-edit-everywhere", &traces, 3),
        ("traces-rewrite", &traces, 1),
        ("traces-not-utf8", &not_utf8, 2),
    ] {
        go(
            shimtest,
            "FuzzTracesThroughRust",
            name,
            &[bytes_arg(bytes), byte_arg(action)],
        )?;
    }
    for (name, json) in &CONFIGS[..4] {
        go(
            shimtest,
            "FuzzConfigThroughRust",
            name,
            &[bytes_arg(json.as_bytes())],
        )?;
    }
    for (name, key, value) in [
        ("tenant", "x-tenant", &b"acme"[..]),
        ("latin1", "x-name", b"caf\xe9"),
        ("binary", "x-key-bin", b"\x00\xff\x80"),
    ] {
        let args = [string_arg(key), bytes_arg(value)];
        go(shimtest, "FuzzClientMetadataReachesRust", name, &args)?;
    }
    let edits = "../go/internal/edits/testdata/fuzz";
    for (name, signal, batch, wire) in [
        ("traces", 0, &traces, sdk_edits(0)),
        ("metrics", 1, &metrics, sdk_edits(1)),
        ("logs", 2, &logs, sdk_edits(2)),
    ] {
        let args = [bytes_arg(&wire), bytes_arg(batch), byte_arg(signal)];
        go(edits, "FuzzApply", name, &args)?;
    }
    for (name, records) in context_records() {
        go(
            "../go/bridge/testdata/fuzz",
            "FuzzDecodeContext",
            name,
            &[bytes_arg(&records)],
        )?;
    }
    Ok(())
}

/// Whether to write `target`'s corpus: every target's unless some are named.
fn wanted(target: &str) -> bool {
    let named: Vec<String> = std::env::args().skip(1).collect();
    named.is_empty() || named.iter().any(|n| n == target)
}

fn rust(target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    if !wanted(target) {
        return Ok(());
    }
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join(format!("seed-{name}")), bytes)
}

/// A Go corpus file: a header line, then one line per argument of the fuzz function.
fn go(root: &str, target: &str, name: &str, args: &[String]) -> std::io::Result<()> {
    if !wanted(target) {
        return Ok(());
    }
    let dir = Path::new(root).join(target);
    fs::create_dir_all(&dir)?;
    let text = format!("go test fuzz v1\n{}\n", args.join("\n"));
    fs::write(dir.join(format!("seed-{name}")), text)
}

/// A Go string literal: printable ASCII as is, every other byte as `\xNN`.
fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' | b'\\' => write!(out, "\\{}", b as char),
            0x20..=0x7e => write!(out, "{}", b as char),
            _ => write!(out, "\\x{b:02x}"),
        }
        .expect("writing to a String");
    }
    out + "\""
}

fn bytes_arg(bytes: &[u8]) -> String {
    format!("[]byte({})", quote(bytes))
}

fn string_arg(text: &str) -> String {
    format!("string({})", quote(text.as_bytes()))
}

fn byte_arg(b: u8) -> String {
    format!("byte('\\x{b:02x}')")
}

fn any(value: Value) -> Option<AnyValue> {
    Some(AnyValue { value: Some(value) })
}

fn kv(key: &str, value: Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: any(value),
        ..Default::default()
    }
}

fn str_kv(key: &str, value: &str) -> KeyValue {
    kv(key, Value::StringValue(value.into()))
}

/// Every value type, nested ones included, and values the redact seeds' rules match.
fn attributes() -> Vec<KeyValue> {
    vec![
        str_kv("user.email", "someone@example.com"),
        str_kv("card", "4111 1111 1111 1111"),
        str_kv("note", "a Secret note"),
        str_kv("drop", "yes"),
        kv("i", Value::IntValue(-7)),
        kv("d", Value::DoubleValue(2.5)),
        kv("b", Value::BoolValue(true)),
        kv("bytes", Value::BytesValue(vec![0, 1, 255])),
        kv(
            "array",
            Value::ArrayValue(ArrayValue {
                values: vec![
                    AnyValue {
                        value: Some(Value::StringValue("1234".into())),
                    },
                    AnyValue {
                        value: Some(Value::IntValue(1)),
                    },
                ],
            }),
        ),
        kv(
            "kvlist",
            Value::KvlistValue(KeyValueList {
                values: vec![str_kv("k", "a@b"), kv("n", Value::DoubleValue(0.5))],
            }),
        ),
    ]
}

fn resource() -> Option<Resource> {
    Some(Resource {
        attributes: vec![str_kv("service.name", "checkout"), str_kv("host", "4242")],
        ..Default::default()
    })
}

fn scope() -> Option<InstrumentationScope> {
    Some(InstrumentationScope {
        name: "seed".into(),
        version: "1.0".into(),
        attributes: vec![str_kv("scope.attr", "x")],
        ..Default::default()
    })
}

fn traces() -> ExportTraceServiceRequest {
    let span = |i: u8| Span {
        trace_id: vec![1; 16],
        span_id: vec![2, i, 0, 0, 0, 0, 0, 0],
        name: format!("GET /cart/{i}"),
        attributes: attributes(),
        events: vec![Event {
            name: "exception".into(),
            attributes: vec![str_kv("exception.message", "card 1234 declined")],
            ..Default::default()
        }],
        links: vec![Link {
            trace_id: vec![3; 16],
            span_id: vec![4; 8],
            attributes: vec![str_kv("l", "v")],
            ..Default::default()
        }],
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![
            ResourceSpans {
                resource: resource(),
                scope_spans: vec![
                    ScopeSpans {
                        scope: scope(),
                        spans: vec![span(0), span(1)],
                        schema_url: "https://opentelemetry.io/schemas/1.26.0".into(),
                    },
                    ScopeSpans::default(),
                ],
                schema_url: String::new(),
            },
            ResourceSpans {
                resource: resource(),
                scope_spans: vec![ScopeSpans {
                    scope: scope(),
                    spans: vec![span(2)],
                    ..Default::default()
                }],
                ..Default::default()
            },
        ],
    }
}

fn metrics() -> ExportMetricsServiceRequest {
    let exemplar = || Exemplar {
        filtered_attributes: vec![str_kv("x", "1234")],
        ..Default::default()
    };
    let number = || NumberDataPoint {
        attributes: attributes(),
        exemplars: vec![exemplar()],
        ..Default::default()
    };
    let metric = |name: &str, data: Data| Metric {
        name: name.into(),
        metadata: vec![str_kv("meta", "x")],
        data: Some(data),
        ..Default::default()
    };
    let metrics = vec![
        metric(
            "gauge",
            Data::Gauge(Gauge {
                data_points: vec![number(), number()],
            }),
        ),
        metric(
            "sum",
            Data::Sum(Sum {
                data_points: vec![number()],
                ..Default::default()
            }),
        ),
        metric(
            "histogram",
            Data::Histogram(Histogram {
                data_points: vec![HistogramDataPoint {
                    attributes: attributes(),
                    exemplars: vec![exemplar()],
                    bucket_counts: vec![1, 2],
                    explicit_bounds: vec![0.5],
                    ..Default::default()
                }],
                ..Default::default()
            }),
        ),
        metric(
            "exponential",
            Data::ExponentialHistogram(ExponentialHistogram {
                data_points: vec![ExponentialHistogramDataPoint {
                    attributes: attributes(),
                    exemplars: vec![exemplar()],
                    ..Default::default()
                }],
                ..Default::default()
            }),
        ),
        metric(
            "summary",
            Data::Summary(Summary {
                data_points: vec![SummaryDataPoint {
                    attributes: attributes(),
                    ..Default::default()
                }],
            }),
        ),
    ];
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: scope(),
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn logs() -> ExportLogsServiceRequest {
    let record = |body: Value| LogRecord {
        severity_text: "INFO".into(),
        body: any(body),
        attributes: attributes(),
        ..Default::default()
    };
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: scope(),
                log_records: vec![
                    record(Value::StringValue("login by someone@example.com".into())),
                    record(Value::KvlistValue(KeyValueList {
                        values: vec![str_kv("card", "4111 1111 1111 1111")],
                    })),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// A log attribute nested 90 arrays deep: past the view's checked depth, within prost's limit.
fn deep() -> ExportLogsServiceRequest {
    let mut value = AnyValue {
        value: Some(Value::StringValue("bottom".into())),
    };
    for _ in 0..90 {
        value = AnyValue {
            value: Some(Value::ArrayValue(ArrayValue {
                values: vec![value],
            })),
        };
    }
    let mut request = logs();
    request.resource_logs[0].scope_logs[0].log_records[0]
        .attributes
        .push(KeyValue {
            key: "deep".into(),
            value: Some(value),
            ..Default::default()
        });
    request
}

/// The traces seed with its span names made invalid UTF-8 (Go's pdata takes such text).
fn not_utf8(traces: &[u8]) -> Vec<u8> {
    let mut bytes = traces.to_vec();
    let needle = b"GET /cart/";
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        if &bytes[i..i + needle.len()] == needle {
            bytes[i + 4] = 0xff;
        }
        i += 1;
    }
    bytes
}

/// Edits programs in the `edits` target's input format: op, target kind, five indices, then a
/// key (length, bytes) for set and remove, a value (tag, payload) for set and set body.
fn traces_program() -> Vec<u8> {
    [
        &[0, 0, 0, 0, 0, 0, 0, 1, b'k', 0, 1, b'v'][..], // set resource 0 "k" = "v"
        &[1, 2, 0, 0, 1, 0, 0, 4, b'n', b'o', b't', b'e'], // remove record 0/0/1 "note"
        &[0, 3, 0, 0, 0, 0, 0, 1, b'e', 5, 3, 0x03, b'x'], // set event attribute to nested
        &[3, 2, 1, 0, 0, 0, 0],                          // drop record 1/0/0
        &[3, 4, 0, 0, 1, 0, 0],                          // drop link 0/0/1/0
    ]
    .concat()
}

fn metrics_program() -> Vec<u8> {
    [
        &[0, 5, 0, 0, 0, 1, 0, 1, b'p', 1, 42, 0, 0, 0, 0, 0, 0, 0][..], // set point attribute int
        &[
            0, 6, 0, 0, 2, 0, 0, 1, b'x', 2, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f,
        ], // exemplar: NaN
        &[3, 5, 0, 0, 0, 0, 0],                                          // drop a gauge point
        &[3, 2, 0, 0, 4, 0, 0],                                          // drop the summary
    ]
    .concat()
}

fn logs_program() -> Vec<u8> {
    [
        &[2, 2, 0, 0, 0, 0, 0, 0, 3, b'n', b'e', b'w'][..], // set body of record 0/0/0
        &[2, 2, 0, 0, 1, 0, 0, 5, 60, 0x55, 0],             // set a body nested 60 deep
        &[0, 1, 0, 0, 0, 0, 0, 1, b's', 3, 1],              // set scope attribute bool
        &[3, 2, 0, 0, 1, 0, 0],                             // drop record 0/0/1
    ]
    .concat()
}

/// Edits the SDK writes, for Go's decoder.
fn sdk_edits(signal: u8) -> Vec<u8> {
    let mut edits = Edits::new();
    edits.set(At::resource(0), "probe.seen", "true");
    match signal {
        0 => {
            edits
                .set(At::record(0, 0, 0), "n", 7_i64)
                .set(At::event(0, 0, 1, 0), "d", 0.25)
                .remove(At::link(0, 0, 0, 0), "l")
                .drop(At::record(0, 0, 1));
        }
        1 => {
            edits
                .set(At::data_point(0, 0, 0, 1), "b", true)
                .set(At::exemplar(0, 0, 2, 0, 0), "x", "masked")
                .drop(At::data_point(0, 0, 0, 0));
        }
        _ => {
            let nested = AnyValue {
                value: Some(Value::KvlistValue(KeyValueList {
                    values: vec![str_kv("k", "v")],
                })),
            };
            edits
                .set_body(At::record(0, 0, 0), nested)
                .set(
                    At::scope(0, 0),
                    "bytes",
                    otelbridge::EditValue::Bytes(vec![0, 255]),
                )
                .drop(At::record(0, 0, 1));
        }
    }
    otelbridge::private::edits_into_bytes(edits)
}

const CONFIGS: [(&str, &str); 8] = [
    (
        "redact",
        r##"{"rules":[{"pattern":"[0-9]{4}","action":"hash","attributes":["card"]},{"pattern":"@"}],"drop":[{"attribute":"drop","pattern":"^y"}],"mask_text":"#","summary_attribute":"redacted"}"##,
    ),
    ("bad-regex", r#"{"rules":[{"pattern":"("}]}"#),
    ("unknown-field", r#"{"rules":[{"patern":"x"}]}"#),
    ("wrong-type", r#"{"rules":{"pattern":"x"},"mask_text":7}"#),
    ("empty", "{}"),
    (
        "runtime",
        r#"{"worker_threads":2,"max_blocking_threads":8,"thread_stack_size":"2MiB","thread_keep_alive":"10s","event_interval":61}"#,
    ),
    (
        "runtime-bad",
        r#"{"thread_stack_size":"1KiB","thread_keep_alive":5}"#,
    ),
    ("heartbeat", r#"{"interval":"5s"}"#),
];

/// Context records as the Go shim encodes them (ffi/README.md, "Context records").
fn context_records() -> Vec<(&'static str, Vec<u8>)> {
    fn string(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    fn record(out: &mut Vec<u8>, tag: u8, payload: &[u8]) {
        out.push(tag);
        string(out, payload);
    }
    let metadata = |key: &[u8], values: &[&[u8]]| {
        let mut payload = Vec::new();
        string(&mut payload, key);
        payload.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for value in values {
            string(&mut payload, value);
        }
        payload
    };
    let mut full = Vec::new();
    record(&mut full, 1, &metadata(b"x-tenant", &[b"acme", b"beta"]));
    record(&mut full, 1, &metadata(b"x-name", &[b"caf\xe9"]));
    record(&mut full, 2, b"127.0.0.1:4318");
    let mut trace = vec![1; 16];
    trace.extend_from_slice(&[2; 8]);
    trace.push(1);
    trace.extend_from_slice(b"vendor=x,other=y");
    record(&mut full, 3, &trace);
    let mut unknown = Vec::new();
    record(&mut unknown, 99, b"from a newer host");
    record(
        &mut unknown,
        1,
        &metadata(b"x-key-bin", &[b"\x00\xff", b""]),
    );
    vec![("full", full), ("unknown-tag", unknown)]
}

/// Inputs of the `otlphttp_request` target (its doc says the layout; the indices are into its
/// METHODS, TARGETS, CONTENT_TYPES, ENCODINGS and CHUNK_SIZES tables): valid requests of each
/// signal, compressed, chunked, at and over the body limit, refused ones, and raw requests.
fn http_requests(traces: &[u8], metrics: &[u8], logs: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    const POST: u8 = 0;
    const GET: u8 = 4;
    const TRACES: u8 = 0;
    const METRICS: u8 = 1;
    const LOGS: u8 = 2;
    const PROFILES: u8 = 7;
    const PROTOBUF: u8 = 0;
    const JSON: u8 = 6;
    const PLAIN: u8 = 0;
    const GZIP: u8 = 1;
    const DEFLATE: u8 = 2;
    const ZLIB: u8 = 3;
    const BR: u8 = 8;
    // Flags: 3 as is, 4 chunked, 0x18 padded, 0x20 two gzip members, 0x40 per level step.
    const AS_IS: u8 = 3;
    const CHUNKED: u8 = 4;
    const PADDED: u8 = 0x18;
    const TWO_MEMBERS: u8 = 0x20;
    const LEVEL_6: u8 = 0x80;
    // shape, method, target, content type, encoding, flags, [pad], [chunk], headers, body
    let structured = |head: &[u8], headers: &[(&[u8], &[u8])], body: &[u8]| {
        let mut input = head.to_vec();
        input.push(headers.len() as u8);
        for (name, value) in headers {
            input.push(name.len() as u8);
            input.extend_from_slice(name);
            input.push(value.len() as u8);
            input.extend_from_slice(value);
        }
        input.extend_from_slice(body);
        input
    };
    let zlib = {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(metrics).expect("compresses");
        encoder.finish().expect("compresses")
    };
    let tenant: &[(&[u8], &[u8])] = &[(b"X-Tenant", b"acme"), (b"x-tenant", b" beta ")];
    let raw = [
        &[0xf0][..],
        format!(
            "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n\
             Content-Length: {}\r\n\r\n",
            logs.len()
        )
        .as_bytes(),
        logs,
        b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n\
          Transfer-Encoding: chunked\r\n\r\n10\r\n",
        &traces[..16],
        b"\r\n",
    ]
    .concat();
    let cut_short = [
        &[0xf0][..],
        b"POST /v1/traces HTTP/1.1\r\nContent-Type: application/x-protobuf\r\n\
          Content-Length: 1000\r\n\r\n",
        &traces[..100],
    ]
    .concat();
    vec![
        (
            "traces",
            structured(&[0, POST, TRACES, PROTOBUF, PLAIN, 0], tenant, traces),
        ),
        (
            "metrics-not-utf8-header",
            structured(
                &[0, POST, METRICS, 1, PLAIN, 0],
                &[(b"x-name", b"caf\xe9"), (b"x-bin", b"\x80\xff")],
                metrics,
            ),
        ),
        (
            "logs-chunked",
            structured(&[0, POST, LOGS, PROTOBUF, PLAIN, CHUNKED, 2], &[], logs),
        ),
        (
            "traces-gzip",
            structured(
                &[0, POST, TRACES, PROTOBUF, GZIP, LEVEL_6 | TWO_MEMBERS],
                tenant,
                traces,
            ),
        ),
        (
            "logs-deflate",
            structured(&[0, POST, LOGS, PROTOBUF, DEFLATE, LEVEL_6], &[], logs),
        ),
        (
            "metrics-zlib-as-sent",
            structured(&[0, POST, METRICS, PROTOBUF, ZLIB, AS_IS], &[], &zlib),
        ),
        (
            "traces-at-limit",
            structured(&[0, POST, TRACES, PROTOBUF, PLAIN, PADDED, 0], &[], traces),
        ),
        (
            "traces-over-limit",
            structured(&[0, POST, TRACES, PROTOBUF, PLAIN, PADDED, 1], &[], traces),
        ),
        (
            "logs-gzip-over-limit-decompressed",
            structured(
                &[0, POST, LOGS, PROTOBUF, GZIP, PADDED | LEVEL_6, 1],
                &[],
                logs,
            ),
        ),
        (
            "traces-chunked-over-limit",
            structured(
                &[0, POST, TRACES, PROTOBUF, PLAIN, PADDED | CHUNKED, 1, 4],
                &[],
                traces,
            ),
        ),
        (
            "wrong-content-type",
            structured(&[0, POST, TRACES, JSON, PLAIN, 0], &[], traces),
        ),
        (
            "unknown-encoding",
            structured(&[0, POST, LOGS, PROTOBUF, BR, 0], &[], logs),
        ),
        (
            "unknown-path",
            structured(&[0, POST, PROFILES, PROTOBUF, PLAIN, 0], &[], traces),
        ),
        (
            "get",
            structured(&[0, GET, METRICS, PROTOBUF, PLAIN, 0], &[], &[]),
        ),
        ("raw-pipelined", raw),
        ("raw-cut-short", cut_short),
    ]
}
