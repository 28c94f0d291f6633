//! The receiver's bounds on slow, stalled and too many clients (issue 12), driven over raw TCP
//! and a real HTTP client. Durations here are test deadlines, never measured outcomes.

use std::sync::Arc;
use std::time::Duration;

use otelbridge::proto::trace::v1::Span;
use otelbridge::tokio::sync::{Semaphore, mpsc};
use otelbridge::{Context, Error, ErrorKind, Next, Receiver, Signals};
use otlphttp_receiver::{OtlpHttpConfig, OtlpHttpReceiver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

mod common;
use common::{post_traces, start_receiver as start, traces_of};

/// How long a test waits for something that must happen before calling it a failure.
const TEST_DEADLINE: Duration = Duration::from_secs(30);

/// A pipeline that says when a batch arrives and answers `200` once `gate` gives a permit.
fn gated() -> (Next, mpsc::UnboundedReceiver<()>, Arc<Semaphore>) {
    let (arrived, arrivals) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(0));
    let passing = Arc::clone(&gate);
    let next = Next::from_fn(Signals::ALL, move |_, _, _| {
        let _ = arrived.send(());
        let gate = Arc::clone(&passing);
        async move {
            let _pass = gate
                .acquire()
                .await
                .map_err(|_| Error::retryable("closed"))?;
            Ok(())
        }
    });
    (next, arrivals, gate)
}

fn traces() -> Vec<u8> {
    traces_of(vec![Span {
        name: "checkout".into(),
        ..Span::default()
    }])
}

async fn reached_the_pipeline(arrivals: &mut mpsc::UnboundedReceiver<()>) {
    timeout(TEST_DEADLINE, arrivals.recv())
        .await
        .expect("a request reaches the pipeline")
        .expect("open");
}

/// The headers of a traces request announcing `length` body bytes.
fn head(length: usize, extra: &str) -> Vec<u8> {
    format!(
        "POST /v1/traces HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/x-protobuf\r\nContent-Length: {length}\r\n{extra}\r\n"
    )
    .into_bytes()
}

/// Reads until the server closes the connection (or resets it); returns what it sent.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&seen).into_owned(),
            Ok(n) => seen.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads until `needle` arrives.
async fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut chunk = [0; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let n = stream.read(&mut chunk).await.expect("reads");
        assert!(
            n > 0,
            "closed before {needle:?}: {:?}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn with_read_timeout(read_timeout: &str) -> OtlpHttpConfig {
    otelbridge::testing::parse_config(&format!(r#"{{"read_timeout":"{read_timeout}"}}"#))
        .expect("valid config")
}

async fn shutdown(receiver: &OtlpHttpReceiver, ctx: Context) -> Result<(), Error> {
    timeout(TEST_DEADLINE, receiver.shutdown(&ctx))
        .await
        .expect("shutdown returns")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dripping_body_gets_408_and_its_connection_closed() {
    let (receiver, addr) = start(with_read_timeout("1s"), gated().0).await;
    let stream = TcpStream::connect(addr).await.expect("connects");
    let (mut reading, mut writing) = stream.into_split();
    writing.write_all(&head(1000, "")).await.expect("sends");
    // A byte every 50 ms: the connection is never idle, the body never complete.
    let dripping = tokio::spawn(async move {
        while writing.write_all(b"\x0a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let seen = timeout(TEST_DEADLINE, async {
        let mut seen = Vec::new();
        let _ = reading.read_to_end(&mut seen).await;
        String::from_utf8_lossy(&seen).into_owned()
    })
    .await
    .expect("the server ends a body that takes longer than read_timeout");
    assert!(seen.starts_with("HTTP/1.1 408 "), "{seen}");
    assert!(
        seen.contains("read_timeout"),
        "the answer names the setting: {seen}"
    );
    dripping.abort();
    shutdown(&receiver, Context::background())
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_that_never_end_close_the_connection() {
    let (receiver, addr) = start(with_read_timeout("1s"), gated().0).await;
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    stream
        .write_all(b"POST /v1/traces HTTP/1.1\r\nHost: local")
        .await
        .expect("sends");
    let seen = timeout(TEST_DEADLINE, read_to_close(&mut stream))
        .await
        .expect("the server closes a connection whose headers are late");
    assert!(!seen.starts_with("HTTP/1.1 200"), "{seen}");
    shutdown(&receiver, Context::background())
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_beyond_max_concurrent_requests_get_503_with_retry_after() {
    let (next, mut arrivals, gate) = gated();
    let config: OtlpHttpConfig =
        otelbridge::testing::parse_config(r#"{"max_concurrent_requests":2}"#).expect("valid");
    let (receiver, addr) = start(config, next).await;
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/v1/traces");
    let post = || {
        client
            .post(&url)
            .header("content-type", "application/x-protobuf")
            .body(traces())
            .send()
    };
    // Two requests held in the pipeline take both places.
    let held: Vec<_> = (0..2).map(|_| tokio::spawn(post())).collect();
    for _ in 0..2 {
        timeout(TEST_DEADLINE, arrivals.recv())
            .await
            .expect("both reach the pipeline")
            .expect("open");
    }
    let refused = timeout(TEST_DEADLINE, post())
        .await
        .expect("the third is answered without waiting for a place")
        .expect("answered");
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "1");
    assert!(
        arrivals.try_recv().is_err(),
        "the third never reached the pipeline"
    );

    gate.add_permits(3);
    for request in held {
        let answer = request.await.expect("joined").expect("answered");
        assert_eq!(answer.status(), 200);
    }
    let again = post().await.expect("answered");
    assert_eq!(again.status(), 200, "places are given back");
    shutdown(&receiver, Context::background())
        .await
        .expect("stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_body_does_not_hold_up_shutdown_and_accepted_requests_get_their_answer() {
    let (next, mut arrivals, gate) = gated();
    let (receiver, addr) = start(OtlpHttpConfig::default(), next).await;

    // An accepted request, waiting for the pipeline.
    let accepted =
        tokio::spawn(async move { post_traces(&reqwest::Client::new(), addr, traces()).await });
    reached_the_pipeline(&mut arrivals).await;

    // A stalled one: `100 Continue` says the receiver started reading its body.
    let mut stalled = TcpStream::connect(addr).await.expect("connects");
    stalled
        .write_all(&head(1000, "Expect: 100-continue\r\n"))
        .await
        .expect("sends");
    timeout(TEST_DEADLINE, read_until(&mut stalled, "100 Continue"))
        .await
        .expect("the receiver reads the body");
    stalled.write_all(b"\x0a").await.expect("sends a byte");

    // No deadline in the context: the stalled body must not keep shutdown waiting.
    let stopping = tokio::spawn({
        let receiver = Arc::clone(&receiver);
        async move { shutdown(&receiver, Context::background()).await }
    });
    let seen = timeout(TEST_DEADLINE, read_to_close(&mut stalled))
        .await
        .expect("the stalled request is ended at shutdown");
    assert!(
        seen.is_empty() || seen.contains("HTTP/1.1 503 "),
        "answered retryably or closed: {seen}"
    );
    gate.add_permits(1);
    let answer = timeout(TEST_DEADLINE, accepted)
        .await
        .expect("the accepted request is answered")
        .expect("joined")
        .expect("answered");
    assert_eq!(answer.status(), 200);
    stopping.await.expect("joined").expect("stops in time");
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_without_a_deadline_gives_up_after_the_default_one() {
    let (arrived, mut arrivals) = mpsc::unbounded_channel();
    let next = Next::from_fn(Signals::ALL, move |_, _, _| {
        let _ = arrived.send(());
        std::future::pending()
    });
    let (receiver, addr) = start(OtlpHttpConfig::default(), next).await;
    let _never_answered =
        tokio::spawn(async move { post_traces(&reqwest::Client::new(), addr, traces()).await });
    reached_the_pipeline(&mut arrivals).await;
    let err = shutdown(&receiver, Context::background())
        .await
        .expect_err("the pipeline never answers");
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(
        err.message().contains("1 request was still in flight"),
        "{err}"
    );
}

/// A client may shut its write side once the request is sent (a half-close) and still wait
/// for the answer; Go's receiver answers it. Found by the otlphttp_request fuzz target: the
/// receiver dropped such requests unanswered, often after the pipeline had taken the batch, so
/// the client sent it again.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_half_closes_after_its_request_still_gets_the_answer() {
    let (arrived, mut arrivals) = mpsc::unbounded_channel();
    // The pipeline takes a moment, so the client's FIN arrives while the request is served.
    let next = Next::from_fn(Signals::ALL, move |_, _, _| {
        let _ = arrived.send(());
        async {
            tokio::time::sleep(Duration::from_millis(2)).await;
            Ok(())
        }
    });
    let (receiver, addr) = start(OtlpHttpConfig::default(), next).await;
    let body = traces();
    const REQUESTS: usize = 20;
    let mut unanswered = 0;
    for _ in 0..REQUESTS {
        let mut stream = TcpStream::connect(addr).await.expect("connects");
        let mut request = head(body.len(), "Connection: close\r\n");
        request.extend_from_slice(&body);
        stream.write_all(&request).await.expect("writes");
        stream.shutdown().await.expect("half-closes");
        let seen = timeout(TEST_DEADLINE, read_to_close(&mut stream))
            .await
            .expect("the connection ends");
        if !seen.starts_with("HTTP/1.1 200 ") {
            unanswered += 1;
        }
    }
    let mut delivered = 0;
    while arrivals.try_recv().is_ok() {
        delivered += 1;
    }
    assert_eq!(
        unanswered, 0,
        "{unanswered} of {REQUESTS} half-closed requests got no 200"
    );
    assert_eq!(
        delivered, REQUESTS,
        "each request reached the pipeline once"
    );
    shutdown(&receiver, Context::background())
        .await
        .expect("stops");
}
