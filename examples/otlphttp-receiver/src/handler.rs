//! Serving one OTLP/HTTP request: route it, check it, read and validate the body, send it through
//! the pipeline and answer with the pipeline's verdict.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, Method, Request, StatusCode};
use hyper::body::Body;
use otelbridge::CancellationToken;
use otelbridge::tokio::sync::Semaphore;
use otelbridge::{Context, Metadata, Next, Signal};

use crate::answer::{self, PROTOBUF, Reply};
use crate::body::{self, BodyError, Encoding};
use crate::in_flight::InFlight;
use crate::metrics::Metrics;
use crate::signal;

/// What every request of one running receiver shares.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Where accepted data goes.
    pub(crate) next: Next,
    /// Whether request headers become context metadata.
    pub(crate) include_metadata: bool,
    /// The body limit, as sent and decompressed.
    pub(crate) max_body: usize,
    /// How long a body may take to arrive, from the end of its headers.
    pub(crate) read_timeout: Duration,
    /// One per request that may be read, checked and sent at once (`max_concurrent_requests`).
    pub(crate) places: Semaphore,
    /// The number of places, for the answer to the requests that find none.
    pub(crate) places_total: usize,
    /// Cancelled when shutdown starts: bodies still arriving are cut short.
    pub(crate) stopping: CancellationToken,
    /// The receiver's counters.
    pub(crate) metrics: Metrics,
    /// The requests being served.
    pub(crate) in_flight: InFlight,
    /// Cancelled when shutdown gives up waiting: the contexts of sends still running say so.
    pub(crate) abort: CancellationToken,
}

/// Serves one request from `peer`. Never fails: every problem is an HTTP answer.
pub(crate) async fn handle<B>(
    shared: Arc<Shared>,
    peer: SocketAddr,
    request: Request<B>,
) -> Result<Reply, Infallible>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let _serving = shared.in_flight.enter();
    let signal = signal::for_path(request.uri().path());
    let reply = serve(&shared, signal, peer, request).await;
    shared.metrics.request(signal, reply.status().as_u16());
    Ok(reply)
}

async fn serve<B>(
    shared: &Shared,
    signal: Option<Signal>,
    peer: SocketAddr,
    request: Request<B>,
) -> Reply
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // A signal no pipeline consumes is not served at all, as in the Go receiver.
    let Some(signal) = signal.filter(|s| shared.next.signals().contains(*s)) else {
        return answer::not_served(
            StatusCode::NOT_FOUND,
            format!("404 page not found: {}", request.uri().path()),
        );
    };
    if request.method() != Method::POST {
        return answer::not_served(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "405 method not allowed, supported: [POST]; got {}",
                request.method()
            ),
        );
    }
    if let Err(media_type) = check_protobuf(request.headers()) {
        return answer::not_served(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("415 unsupported media type {media_type:?}, supported: [{PROTOBUF}]"),
        );
    }
    let encoding = match Encoding::from_headers(request.headers()) {
        Ok(encoding) => encoding,
        Err(name) => {
            return answer::failed(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported Content-Encoding {name:?}, supported: gzip, deflate, zlib"),
            );
        }
    };

    // Only now does the request cost memory: a place bounds how many bodies are held at once,
    // from their first byte until the pipeline has answered.
    let Ok(_place) = shared.places.try_acquire() else {
        return answer::busy(shared.places_total);
    };
    let (parts, body) = request.into_parts();
    let reading = tokio::time::timeout(
        shared.read_timeout,
        body::read(body, encoding, shared.max_body),
    );
    let read = tokio::select! {
        biased;
        () = shared.stopping.cancelled() => return answer::shutting_down(),
        read = reading => read,
    };
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(err @ BodyError::TooLarge { .. })) => {
            return answer::failed(StatusCode::PAYLOAD_TOO_LARGE, err.to_string());
        }
        Ok(Err(err @ BodyError::Unreadable(_))) => {
            return answer::failed(StatusCode::BAD_REQUEST, err.to_string());
        }
        // hyper closes the connection after the answer: the rest of the body is not read.
        Err(_elapsed) => {
            return answer::failed(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within read_timeout ({})",
                    otelbridge::duration::format(shared.read_timeout)
                ),
            );
        }
    };
    let items = match signal::count_items(signal, &bytes) {
        Ok(items) => items,
        Err(err) => {
            return answer::failed(
                StatusCode::BAD_REQUEST,
                format!("the body is not an OTLP {signal} export request: {err}"),
            );
        }
    };
    // Nothing to deliver: succeed without bothering the pipeline, as the Go receiver does.
    if items == 0 {
        return answer::exported();
    }

    let mut ctx = Context::background()
        .with_peer_addr(peer.to_string())
        .with_cancellation(shared.abort.child_token());
    if shared.include_metadata {
        ctx = ctx.with_metadata(metadata(&parts.headers));
    }
    // Awaiting the pipeline is the backpressure; only its answer decides the reply.
    let sent = shared.next.send_encoded(&ctx, signal, bytes).await;
    shared.metrics.items(signal, items, sent.is_ok());
    match sent {
        Ok(()) => answer::exported(),
        Err(err) => {
            tracing::debug!(%signal, items, error = %err, "the pipeline refused a request");
            answer::refused(&err)
        }
    }
}

/// Accepts `application/x-protobuf` (with any parameters); returns the media type otherwise.
fn check_protobuf(headers: &HeaderMap) -> Result<(), String> {
    let value = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let media_type = value.split(';').next().unwrap_or_default().trim();
    if media_type.eq_ignore_ascii_case(PROTOBUF) {
        Ok(())
    } else {
        Err(value)
    }
}

/// Every header as metadata: lowercase keys (as `http` stores them), every value in order and
/// as sent (a header value need not be UTF-8).
fn metadata(headers: &HeaderMap) -> Metadata {
    Metadata::new(headers.keys().map(|key| {
        let values = headers.get_all(key).iter().map(|v| v.as_bytes());
        (key.as_str(), values)
    }))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn protobuf_is_the_accepted_media_type() {
        let mut headers = HeaderMap::new();
        assert_eq!(check_protobuf(&headers), Err(String::new()));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("Application/X-Protobuf; charset=binary"),
        );
        assert_eq!(check_protobuf(&headers), Ok(()));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert_eq!(check_protobuf(&headers), Err("application/json".to_owned()));
    }

    #[test]
    fn headers_become_metadata_with_every_value() {
        let mut headers = HeaderMap::new();
        headers.append("X-Tenant", HeaderValue::from_static("a"));
        headers.append("x-tenant", HeaderValue::from_static("b"));
        headers.append("Authorization", HeaderValue::from_static("Bearer t"));
        let md = metadata(&headers);
        assert_eq!(md.get("x-tenant"), ["a", "b"]);
        let keys: Vec<_> = md.iter().map(|(k, _)| k.to_owned()).collect();
        assert_eq!(keys, ["x-tenant", "authorization"]);
    }
}
