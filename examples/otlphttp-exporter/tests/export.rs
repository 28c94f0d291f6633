//! The exporter against a real HTTP server on a loopback port.

mod backend;

use std::io::Read;
use std::time::Duration;

use flate2::read::GzDecoder;
use otelbridge::CancellationToken;
use otelbridge::prost::Message;
use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use otelbridge::proto::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::testing::Harness;
use otelbridge::{Batch, Context, Error, ErrorKind, Exporter, Outcome, Signal};
use otlphttp_exporter::{Compression, OtlpHttpConfig, OtlpHttpExporter};
use tokio::time::Instant;

use backend::{Backend, Reply};

fn traces() -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span {
                    name: "GET /checkout".into(),
                    trace_id: vec![7; 16],
                    span_id: vec![9; 8],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn metrics() -> Vec<u8> {
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "requests".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn logs() -> Vec<u8> {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    severity_text: "INFO".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
    .encode_to_vec()
}

fn exporter(config: OtlpHttpConfig) -> OtlpHttpExporter {
    OtlpHttpExporter::new(config).expect("valid config")
}

fn to(backend: &Backend) -> OtlpHttpConfig {
    OtlpHttpConfig {
        endpoint: backend.endpoint(),
        ..OtlpHttpConfig::default()
    }
}

async fn export(
    exporter: &OtlpHttpExporter,
    ctx: &Context,
    signal: Signal,
    bytes: &[u8],
) -> Result<(), Error> {
    match signal {
        Signal::Traces => exporter.export_traces(ctx, Batch::from_bytes(bytes)).await,
        Signal::Metrics => exporter.export_metrics(ctx, Batch::from_bytes(bytes)).await,
        Signal::Logs => exporter.export_logs(ctx, Batch::from_bytes(bytes)).await,
    }
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(body)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

fn within(timeout: Duration) -> Context {
    Context::background().with_deadline(Instant::now() + timeout)
}

#[tokio::test]
async fn each_signal_is_posted_gzipped_to_its_path_with_the_headers() {
    let mut backend = Backend::start(Reply::status(200)).await;
    let exporter = exporter(OtlpHttpConfig {
        headers: [("X-Tenant".to_owned(), "acme".to_owned())].into(),
        ..to(&backend)
    });
    for (signal, bytes, path) in [
        (Signal::Traces, traces(), "/v1/traces"),
        (Signal::Metrics, metrics(), "/v1/metrics"),
        (Signal::Logs, logs(), "/v1/logs"),
    ] {
        export(&exporter, &within(Duration::from_secs(5)), signal, &bytes)
            .await
            .expect("exported");
        let request = backend.next_request().await;
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", path)
        );
        assert_eq!(
            request.header("content-type"),
            Some("application/x-protobuf")
        );
        assert_eq!(request.header("content-encoding"), Some("gzip"));
        assert_eq!(request.header("x-tenant"), Some("acme"));
        let agent = request.header("user-agent").expect("a user agent");
        assert!(agent.starts_with("otelbridge-otlphttp-rs/"), "{agent}");
        assert_eq!(gunzip(&request.body), bytes, "{signal}: the exact bytes");
    }
}

#[tokio::test]
async fn no_compression_sends_the_bytes_as_they_are() {
    let mut backend = Backend::start(Reply::status(200)).await;
    let exporter = exporter(OtlpHttpConfig {
        compression: Compression::None,
        ..to(&backend)
    });
    let bytes = logs();
    export(&exporter, &Context::background(), Signal::Logs, &bytes)
        .await
        .expect("exported");
    let request = backend.next_request().await;
    assert_eq!(request.header("content-encoding"), None);
    assert_eq!(request.body, bytes);
}

#[tokio::test]
async fn signal_endpoints_and_headers_replace_the_defaults() {
    let mut backend = Backend::start(Reply::status(202)).await;
    let exporter = exporter(OtlpHttpConfig {
        endpoint: String::new(),
        traces_endpoint: Some(format!("{}/custom/spans", backend.endpoint())),
        metrics_endpoint: Some(format!("{}/m", backend.endpoint())),
        logs_endpoint: Some(format!("{}/l", backend.endpoint())),
        headers: [("user-agent".to_owned(), "mine/1.0".to_owned())].into(),
        ..OtlpHttpConfig::default()
    });
    export(&exporter, &Context::background(), Signal::Traces, &traces())
        .await
        .expect("202 is success");
    let request = backend.next_request().await;
    assert_eq!(request.path, "/custom/spans");
    assert_eq!(request.header("user-agent"), Some("mine/1.0"));
}

#[tokio::test]
async fn unavailable_with_retry_after_is_retryable_after_that_delay() {
    let backend = Backend::start(Reply::With {
        status: 503,
        headers: vec![("Retry-After", "3".into())],
        body: b"overloaded".to_vec(),
    })
    .await;
    let err = export(
        &exporter(to(&backend)),
        &Context::background(),
        Signal::Metrics,
        &metrics(),
    )
    .await
    .expect_err("unavailable");
    assert_eq!(err.kind(), ErrorKind::Retryable);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert!(
        err.message()
            .contains("503 Service Unavailable: overloaded"),
        "{err}"
    );
}

#[tokio::test]
async fn too_many_requests_carries_its_http_code() {
    let backend = Backend::start(Reply::status(429)).await;
    let err = export(
        &exporter(to(&backend)),
        &Context::background(),
        Signal::Logs,
        &logs(),
    )
    .await
    .expect_err("throttled");
    assert_eq!(err.kind(), ErrorKind::Retryable);
    assert_eq!((err.http_code(), err.retry_after()), (Some(429), None));
}

#[tokio::test]
async fn bad_request_is_permanent_and_quotes_the_server() {
    let backend = Backend::start(Reply::With {
        status: 400,
        headers: vec![("Content-Type", "text/plain".into())],
        body: b"proto: cannot parse invalid wire-format data".to_vec(),
    })
    .await;
    let exporter = exporter(to(&backend));
    let err = export(&exporter, &Context::background(), Signal::Traces, &traces())
        .await
        .expect_err("bad request");
    assert_eq!(err.kind(), ErrorKind::Permanent);
    assert_eq!(
        err.message(),
        format!(
            "{}/v1/traces answered 400 Bad Request: proto: cannot parse invalid wire-format data",
            backend.endpoint()
        )
    );
}

#[tokio::test]
async fn a_server_that_never_answers_runs_into_the_deadline() {
    let mut backend = Backend::start(Reply::Never).await;
    let exporter = exporter(to(&backend));
    let started = Instant::now();
    let err = export(
        &exporter,
        &within(Duration::from_millis(300)),
        Signal::Logs,
        &logs(),
    )
    .await
    .expect_err("no answer");
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    backend.next_request().await;
}

#[tokio::test]
async fn cancellation_drops_the_request_at_once() {
    let mut backend = Backend::start(Reply::Never).await;
    let exporter = exporter(to(&backend));
    let token = CancellationToken::new();
    let ctx = within(Duration::from_secs(30)).with_cancellation(token.clone());
    let cancel = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        token.cancel();
    });
    let started = Instant::now();
    let err = export(&exporter, &ctx, Signal::Traces, &traces())
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    cancel.await.expect("the canceller ran");
    backend.next_request().await;
}

#[tokio::test]
async fn a_call_already_given_up_on_sends_nothing() {
    let mut backend = Backend::start(Reply::status(200)).await;
    let exporter = exporter(to(&backend));
    let token = CancellationToken::new();
    token.cancel();
    let ctx = Context::background().with_cancellation(token);
    let err = export(&exporter, &ctx, Signal::Logs, &logs())
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    let past = Context::background().with_deadline(Instant::now());
    let err = export(&exporter, &past, Signal::Logs, &logs())
        .await
        .expect_err("too late");
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(
        !backend
            .gets_a_request_within(Duration::from_millis(200))
            .await
    );
}

#[tokio::test]
async fn connection_refused_is_retryable() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("bound address")
    };
    let exporter = exporter(OtlpHttpConfig {
        endpoint: format!("http://{closed}"),
        ..OtlpHttpConfig::default()
    });
    let err = export(
        &exporter,
        &within(Duration::from_secs(5)),
        Signal::Metrics,
        &metrics(),
    )
    .await
    .expect_err("nobody listens");
    assert_eq!(err.kind(), ErrorKind::Retryable, "{err}");
    assert!(
        err.message()
            .starts_with(&format!("sending to http://{closed}/v1/metrics: ")),
        "{err}"
    );
}

#[tokio::test]
async fn the_registered_factory_exports_encoded_batches() {
    let mut backend = Backend::start(Reply::status(200)).await;
    let config = format!(
        r#"{{"endpoint":"{}","compression":"none"}}"#,
        backend.endpoint()
    );
    let exporter = Harness::started(&otlphttp_exporter::factory(), &config)
        .await
        .expect("valid config");
    let ctx = within(Duration::from_secs(5));
    let bytes = logs();
    let outcome = exporter
        .call(&ctx, Signal::Logs, bytes.clone())
        .await
        .expect("exported");
    assert_eq!(outcome, Outcome::Dropped, "an exporter passes nothing on");
    let request = backend.next_request().await;
    assert_eq!((request.path.as_str(), request.body), ("/v1/logs", bytes));
    exporter.shutdown().await.expect("stopped");
}
