//! The receiver driven by a real HTTP client, with a test double as its pipeline.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use otelbridge::prost::Message;
use otelbridge::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use otelbridge::proto::metrics::v1::{
    Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, metric,
};
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::testing::Harness;
use otelbridge::tokio::sync::mpsc;
use otelbridge::tokio::time::Instant;
use otelbridge::{
    Context, CreateSettings, Error, ErrorKind, MetadataValue, Next, Receiver, Signal, Signals,
};
use otlphttp_receiver::{OtlpHttpConfig, OtlpHttpReceiver};

mod common;

const PROTOBUF: &str = "application/x-protobuf";

/// What the pipeline double saw of one batch.
#[derive(Debug, Clone)]
struct Sent {
    signal: Signal,
    bytes: Vec<u8>,
    peer: Option<String>,
    metadata: Vec<(String, Vec<MetadataValue>)>,
}

type Log = Arc<Mutex<Vec<Sent>>>;

fn record(log: &Log, ctx: &Context, signal: Signal, bytes: Vec<u8>) {
    let metadata = ctx
        .metadata()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_vec()))
        .collect();
    log.lock().expect("lock").push(Sent {
        signal,
        bytes,
        peer: ctx.peer_addr().map(str::to_owned),
        metadata,
    });
}

/// A pipeline of `signals` that records every batch and answers with `answer()`.
fn pipeline(
    signals: Signals,
    answer: impl Fn() -> Result<(), Error> + Send + Sync + 'static,
) -> (Next, Log) {
    let log = Log::default();
    let seen = Arc::clone(&log);
    let answer = Arc::new(answer);
    let next = Next::from_fn(signals, move |ctx, signal, bytes| {
        record(&seen, &ctx, signal, bytes);
        let answer = Arc::clone(&answer);
        async move { answer() }
    });
    (next, log)
}

fn accepting() -> (Next, Log) {
    pipeline(Signals::ALL, || Ok(()))
}

/// A started receiver and a client for it.
struct Server {
    receiver: Arc<OtlpHttpReceiver>,
    addr: SocketAddr,
    client: reqwest::Client,
}

impl Server {
    /// Starts a receiver on a free local port, from the shared runtime as the bridge does.
    async fn start(config: OtlpHttpConfig, next: Next) -> Server {
        let (receiver, addr) = common::start_receiver(config, next).await;
        Server {
            receiver,
            addr,
            client: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn post(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", PROTOBUF)
            .body(body)
            .send()
            .await
            .expect("answered")
    }

    async fn shutdown(&self, limit: Duration) -> Result<(), Error> {
        let ctx = Context::background().with_deadline(Instant::now() + limit);
        self.receiver.shutdown(&ctx).await
    }
}

fn traces() -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![Span {
                    name: "checkout".into(),
                    trace_id: vec![7; 16],
                    span_id: vec![9; 8],
                    ..Span::default()
                }],
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

/// `google.rpc.Status`, to read failure bodies.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

async fn rpc_status(response: reqwest::Response) -> RpcStatus {
    assert_eq!(response.headers()["content-type"], PROTOBUF);
    let body = response.bytes().await.expect("body");
    RpcStatus::decode(body).expect("a google.rpc.Status")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("compresses");
    encoder.finish().expect("compresses")
}

#[tokio::test(flavor = "multi_thread")]
async fn traces_reach_the_pipeline_as_sent_and_get_200() {
    let (next, log) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    let body = traces().encode_to_vec();

    let response = server.post("/v1/traces", body.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], PROTOBUF);
    assert!(response.bytes().await.expect("body").is_empty());

    let sent = log.lock().expect("lock").clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].signal, Signal::Traces);
    assert_eq!(sent[0].bytes, body, "the bytes are passed on untouched");
    let peer: SocketAddr = sent[0]
        .peer
        .as_deref()
        .expect("peer address")
        .parse()
        .expect("ip:port");
    assert!(peer.ip().is_loopback());
    assert!(sent[0].metadata.is_empty(), "include_metadata is off");
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_and_logs_have_their_own_paths() {
    let (next, log) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    let metrics = ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "queue.size".into(),
                    data: Some(metric::Data::Gauge(Gauge {
                        data_points: vec![NumberDataPoint::default()],
                    })),
                    ..Metric::default()
                }],
                ..ScopeMetrics::default()
            }],
            ..ResourceMetrics::default()
        }],
    };
    let logs = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord::default()],
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    };
    let response = server.post("/v1/metrics", metrics.encode_to_vec()).await;
    assert_eq!(response.status(), 200);
    let response = server.post("/v1/logs", logs.encode_to_vec()).await;
    assert_eq!(response.status(), 200);
    // A metrics body on the logs path decodes as neither: it is refused.
    let response = server.post("/v1/logs", traces().encode_to_vec()).await;
    assert_eq!(response.status(), 400);

    let sent = log.lock().expect("lock").clone();
    let signals: Vec<_> = sent.iter().map(|s| s.signal).collect();
    assert_eq!(signals, [Signal::Metrics, Signal::Logs]);
    assert_eq!(sent[0].bytes, metrics.encode_to_vec());
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_bodies_are_passed_on_decompressed() {
    let (next, log) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    let body = traces().encode_to_vec();
    let response = server
        .client
        .post(server.url("/v1/traces"))
        .header("content-type", PROTOBUF)
        .header("content-encoding", "gzip")
        .body(gzip(&body))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    assert_eq!(log.lock().expect("lock")[0].bytes, body);
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn include_metadata_passes_every_header_on() {
    let (next, log) = accepting();
    let config = OtlpHttpConfig {
        include_metadata: true,
        ..OtlpHttpConfig::default()
    };
    let server = Server::start(config, next).await;
    let response = server
        .client
        .post(server.url("/v1/traces"))
        .header("content-type", PROTOBUF)
        .header("X-Tenant", "acme")
        .header("x-tenant", "globex")
        .header(
            "x-latin1",
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9").expect("a valid header value"),
        )
        .body(traces().encode_to_vec())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);

    let sent = log.lock().expect("lock")[0].clone();
    let get = |key: &str| {
        sent.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("x-tenant"), Some(vec!["acme".into(), "globex".into()]));
    assert_eq!(get("content-type"), Some(vec![PROTOBUF.into()]));
    // A value that is not UTF-8 goes on as sent: Go's receivers accept it, so must this one.
    assert_eq!(get("x-latin1"), Some(vec![b"caf\xe9".as_slice().into()]));
    assert!(sent.metadata.iter().all(|(k, _)| *k == k.to_lowercase()));
    assert!(sent.peer.is_some());
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn pipeline_errors_become_retryable_or_final_statuses() {
    let cases: [(Error, u16, i32, Option<&str>); 4] = [
        (Error::retryable("exporter queue is full"), 503, 14, None),
        (
            Error::retryable("slow down").with_retry_after(Duration::from_millis(1500)),
            503,
            14,
            Some("2"),
        ),
        (Error::permanent("bad data"), 400, 3, None),
        (Error::resource_exhausted("memory limit"), 429, 8, None),
    ];
    for (err, status, code, retry_after) in cases {
        let message = err.message().to_owned();
        let (next, log) = pipeline(Signals::ALL, move || Err(err.clone()));
        let server = Server::start(OtlpHttpConfig::default(), next).await;
        let response = server.post("/v1/traces", traces().encode_to_vec()).await;
        assert_eq!(response.status(), status, "{message}");
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().expect("ascii")),
            retry_after,
            "{message}"
        );
        let body = rpc_status(response).await;
        assert_eq!((body.code, body.message.as_str()), (code, message.as_str()));
        assert_eq!(log.lock().expect("lock").len(), 1, "the pipeline saw it");
        server
            .shutdown(Duration::from_secs(5))
            .await
            .expect("stops");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_and_unconsumed_signals_are_not_found() {
    let (next, log) = pipeline(Signals::TRACES, || Ok(()));
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    for path in [
        "/v1/logs",
        "/v1/metrics",
        "/v1/profiles",
        "/",
        "/v1/traces/x",
    ] {
        let response = server.post(path, traces().encode_to_vec()).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    assert_eq!(
        server
            .post("/v1/traces", traces().encode_to_vec())
            .await
            .status(),
        200
    );
    assert_eq!(log.lock().expect("lock").len(), 1);
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_the_receiver_does_not_take_are_refused() {
    let (next, log) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    let url = server.url("/v1/traces");
    let body = traces().encode_to_vec();

    for content_type in ["application/json", "text/plain"] {
        let response = server
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 415, "{content_type}");
    }
    let response = server
        .client
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 415, "no content type");
    let response = server
        .client
        .post(&url)
        .header("content-type", PROTOBUF)
        .header("content-encoding", "br")
        .body(body.clone())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 415, "unknown encoding");

    let response = server.client.get(&url).send().await.expect("answered");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    let response = server
        .post("/v1/traces", b"\xff\xff\xff\xff".to_vec())
        .await;
    assert_eq!(response.status(), 400);
    let status = rpc_status(response).await;
    assert!(
        status.message.contains("not an OTLP traces export request"),
        "{status:?}"
    );
    assert!(
        log.lock().expect("lock").is_empty(),
        "nothing reached the pipeline"
    );
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_over_the_limit_are_too_large_as_sent_or_decompressed() {
    let (next, log) = accepting();
    let named = |len| {
        let mut request = traces();
        request.resource_spans[0].scope_spans[0].spans[0].name = "a".repeat(len);
        request
    };
    let body = named(300).encode_to_vec();
    let config = OtlpHttpConfig {
        max_request_body_size: body.len(),
        ..OtlpHttpConfig::default()
    };
    let server = Server::start(config, next).await;

    assert_eq!(server.post("/v1/traces", body.clone()).await.status(), 200);
    let bigger = named(301);
    let response = server.post("/v1/traces", bigger.encode_to_vec()).await;
    assert_eq!(response.status(), 413);
    assert!(
        rpc_status(response)
            .await
            .message
            .contains("max_request_body_size"),
    );

    // Small once compressed, too large once decompressed.
    let compressed = gzip(&bigger.encode_to_vec());
    assert!(compressed.len() <= body.len());
    let response = server
        .client
        .post(server.url("/v1/traces"))
        .header("content-type", PROTOBUF)
        .header("content-encoding", "gzip")
        .body(compressed)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 413);
    assert_eq!(log.lock().expect("lock").len(), 1);
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_requests_are_answered_without_the_pipeline() {
    let (next, log) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next).await;
    let empty = ExportTraceServiceRequest::default().encode_to_vec();
    assert_eq!(server.post("/v1/traces", empty).await.status(), 200);
    assert!(log.lock().expect("lock").is_empty());
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_closes_the_port_first_then_waits_for_in_flight_requests() {
    let (arrived, mut arrivals) = mpsc::unbounded_channel();
    let log = Log::default();
    let seen = Arc::clone(&log);
    let next = Next::from_fn(Signals::ALL, move |ctx, signal, bytes| {
        let seen = Arc::clone(&seen);
        let arrived = arrived.clone();
        async move {
            let _ = arrived.send(());
            tokio::time::sleep(Duration::from_millis(500)).await;
            record(&seen, &ctx, signal, bytes);
            Ok(())
        }
    });
    let server = Arc::new(Server::start(OtlpHttpConfig::default(), next).await);
    let addr = server.addr;

    let posting = Arc::clone(&server);
    let client = tokio::spawn(async move {
        posting
            .post("/v1/traces", traces().encode_to_vec())
            .await
            .status()
    });
    arrivals
        .recv()
        .await
        .expect("the request reached the pipeline");

    let stopping = Arc::clone(&server);
    let shutdown = tokio::spawn(async move { stopping.shutdown(Duration::from_secs(10)).await });
    // Intake stops at once, while the request is still in flight.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!shutdown.is_finished(), "shutdown waits for the request");
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "the listener is closed: {refused:?}");
    let rebound = tokio::net::TcpListener::bind(addr)
        .await
        .expect("the port is free again");
    drop(rebound);

    shutdown
        .await
        .expect("joined")
        .expect("in-flight request finished in time");
    assert_eq!(client.await.expect("joined"), 200);
    assert_eq!(log.lock().expect("lock").len(), 1, "the pipeline got it");
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_past_the_deadline_says_how_many_requests_were_in_flight() {
    let (arrived, mut arrivals) = mpsc::unbounded_channel();
    let next = Next::from_fn(Signals::ALL, move |ctx, _, _| {
        let _ = arrived.send(ctx);
        // Never answers: only the receiver giving up ends the send.
        std::future::pending()
    });
    let server = Arc::new(Server::start(OtlpHttpConfig::default(), next).await);
    let posting = Arc::clone(&server);
    let client = tokio::spawn(async move {
        posting
            .client
            .post(posting.url("/v1/traces"))
            .header("content-type", PROTOBUF)
            .body(traces().encode_to_vec())
            .send()
            .await
    });
    let ctx = arrivals
        .recv()
        .await
        .expect("the request reached the pipeline");
    assert!(!ctx.is_cancelled());

    let err = server
        .shutdown(Duration::from_millis(200))
        .await
        .expect_err("the request never finishes");
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(
        err.message().starts_with("1 request was still in flight"),
        "{err}"
    );
    assert!(
        ctx.is_cancelled(),
        "the send's context says it was given up"
    );
    let answer = client.await.expect("joined");
    assert!(
        answer.is_err(),
        "no answer, so the client retries: {answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_factory_instance_restarts_on_the_same_port() {
    let free = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = free.local_addr().expect("address");
    drop(free);

    let (next, log) = accepting();
    let settings = CreateSettings::new("otlphttp_rs").with_next(next);
    let config = format!(r#"{{"endpoint":"{addr}"}}"#);
    for round in 0..3 {
        // A new client each round: the stopped instance closed the connections a pooled client
        // would try to reuse.
        let client = reqwest::Client::new();
        // The bridge creates a new instance each time.
        let receiver = Harness::started_with(&otlphttp_receiver::factory(), &settings, &config)
            .await
            .expect("the port is free");
        let response = client
            .post(format!("http://{addr}/v1/traces"))
            .header("content-type", PROTOBUF)
            .body(traces().encode_to_vec())
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200, "round {round}");
        let ctx = Context::background().with_deadline(Instant::now() + Duration::from_secs(5));
        receiver.shutdown_with(&ctx).await.expect("stops");
    }
    assert_eq!(log.lock().expect("lock").len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle_errors_and_no_ops() {
    let (next, _) = accepting();
    let server = Server::start(OtlpHttpConfig::default(), next.clone()).await;
    let err = server
        .receiver
        .start(&Context::background())
        .await
        .expect_err("already started");
    assert!(err.message().contains("already started"), "{err}");

    // The port is taken: a second receiver fails naming its endpoint.
    let endpoint = server.addr.to_string();
    let config = OtlpHttpConfig {
        endpoint: endpoint.clone(),
        ..OtlpHttpConfig::default()
    };
    let other = OtlpHttpReceiver::new(config, next.clone()).expect("valid");
    let err = other
        .start(&Context::background())
        .await
        .expect_err("address in use");
    assert!(
        err.message()
            .starts_with(&format!("listening on {endpoint}: ")),
        "{err}"
    );
    assert!(err.is_permanent());
    other
        .shutdown(&Context::background())
        .await
        .expect("never started: nothing to stop");

    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stops");
    server
        .shutdown(Duration::from_secs(5))
        .await
        .expect("stopping twice is fine");
    assert_eq!(server.receiver.local_addr().await, None);
}

#[test]
fn bad_configs_name_the_field() {
    let (next, _) = accepting();
    let config = OtlpHttpConfig {
        endpoint: "localhost:port".into(),
        ..OtlpHttpConfig::default()
    };
    let err = OtlpHttpReceiver::new(config, next).expect_err("not a port");
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().starts_with("endpoint: "), "{err}");
    let err = otelbridge::testing::config_error(
        &otlphttp_receiver::factory(),
        r#"{"max_request_body_size":"big"}"#,
    );
    assert_eq!(err.path(), "max_request_body_size");
}
