//! What the receiver answers its clients, following the OTLP/HTTP specification: an empty
//! `Export*ServiceResponse` on success, a `google.rpc.Status` with the reason on failure.

use std::time::Duration;

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use otelbridge::{Error, ErrorKind};
use prost::Message;

/// A response, its body in one piece.
pub(crate) type Reply = Response<Full<Bytes>>;

/// The media type of OTLP protobuf requests and responses.
pub(crate) const PROTOBUF: &str = "application/x-protobuf";

/// `google.rpc.Status`, the body of OTLP/HTTP failures (its `details` are never set here).
#[derive(Clone, PartialEq, Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

/// `200 OK` with an empty `Export*ServiceResponse` (full success, no partial success), whose
/// protobuf encoding is empty for all three signals.
pub(crate) fn exported() -> Reply {
    with_type(StatusCode::OK, PROTOBUF, Bytes::new())
}

/// A failure the receiver found itself, answered with a protobuf `google.rpc.Status`.
pub(crate) fn failed(status: StatusCode, message: impl Into<String>) -> Reply {
    rpc_status(status, grpc_code_for(status), message.into())
}

/// Every place for a request is taken (`max_concurrent_requests`): `503` with `Retry-After: 1`,
/// which OTLP clients retry, as when Go's receiver refuses data under memory pressure.
pub(crate) fn busy(places: usize) -> Reply {
    let mut reply = failed(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the receiver is already serving max_concurrent_requests ({places}) requests; \
             retry later"
        ),
    );
    reply
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    reply
}

/// The receiver is shutting down while the body arrives: `503`, so the client retries (with
/// another instance, or this one once it is back).
pub(crate) fn shutting_down() -> Reply {
    failed(
        StatusCode::SERVICE_UNAVAILABLE,
        "the receiver is shutting down; the request body was not read in full",
    )
}

/// A failure of a request the receiver does not serve at all (wrong path, method or media type),
/// answered in plain text as the Go receiver does.
pub(crate) fn not_served(status: StatusCode, message: impl Into<String>) -> Reply {
    let mut reply = with_type(status, "text/plain; charset=utf-8", message.into().into());
    if status == StatusCode::METHOD_NOT_ALLOWED {
        reply
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
    }
    reply
}

/// The pipeline refused the data: the status tells the client whether to retry, and
/// `Retry-After` how long to wait first when the consumer said.
pub(crate) fn refused(err: &Error) -> Reply {
    let status = status_for(err);
    let code = err.grpc_code().unwrap_or_else(|| grpc_code_for(status));
    let mut reply = rpc_status(status, code, err.message().to_owned());
    if let Some(delay) = err.retry_after() {
        reply
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(whole_seconds(delay)));
    }
    reply
}

/// The HTTP status for a pipeline's error: the consumer's explicit code if it set a 4xx or 5xx
/// one; otherwise `400` for permanent errors (OTLP clients drop the data), `429` when a resource
/// ran out and `503` for everything else (both retried).
pub(crate) fn status_for(err: &Error) -> StatusCode {
    let explicit = err
        .http_code()
        .filter(|code| (400..600).contains(code))
        .and_then(|code| StatusCode::from_u16(code).ok());
    match explicit {
        Some(status) => status,
        None if err.is_permanent() => StatusCode::BAD_REQUEST,
        None if err.kind() == ErrorKind::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        None => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The gRPC code that goes with an HTTP status in the `google.rpc.Status` body.
fn grpc_code_for(status: StatusCode) -> i32 {
    match status.as_u16() {
        400 | 413 | 415 => 3, // INVALID_ARGUMENT
        401 => 16,            // UNAUTHENTICATED
        403 => 7,             // PERMISSION_DENIED
        408 => 4,             // DEADLINE_EXCEEDED
        404 | 405 => 12,      // UNIMPLEMENTED
        429 => 8,             // RESOURCE_EXHAUSTED
        502..=504 => 14,      // UNAVAILABLE
        _ => 13,              // INTERNAL
    }
}

/// `Retry-After` takes whole seconds: round up, so the client never comes back too early.
fn whole_seconds(delay: Duration) -> u64 {
    delay.as_secs() + u64::from(delay.subsec_nanos() > 0)
}

fn rpc_status(status: StatusCode, code: i32, message: String) -> Reply {
    let body = RpcStatus { code, message }.encode_to_vec();
    with_type(status, PROTOBUF, body.into())
}

fn with_type(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
    let mut reply = Response::new(Full::new(body));
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_retryable_or_final_statuses() {
        let cases = [
            (Error::permanent("bad data"), 400),
            (Error::retryable("busy"), 503),
            (Error::resource_exhausted("queue full"), 429),
            (Error::cancelled("gone"), 503),
            (Error::deadline_exceeded("slow"), 503),
            (Error::permanent("no").with_http_code(403), 403),
            (Error::retryable("odd").with_http_code(200), 503),
        ];
        for (err, status) in cases {
            assert_eq!(status_for(&err).as_u16(), status, "{err:?}");
        }
    }

    #[test]
    fn refusals_carry_a_status_body_and_retry_after() {
        let err = Error::retryable("busy").with_retry_after(Duration::from_millis(1500));
        let reply = refused(&err);
        assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.headers()[RETRY_AFTER], "2");
        assert_eq!(reply.headers()[CONTENT_TYPE], PROTOBUF);
        let reply = refused(&Error::permanent("bad").with_grpc_code(9));
        assert!(!reply.headers().contains_key(RETRY_AFTER));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::ZERO), 0);
    }

    #[test]
    fn rpc_status_encodes_code_and_message() {
        let body = RpcStatus {
            code: 8,
            message: "full".into(),
        }
        .encode_to_vec();
        assert_eq!(body, b"\x08\x08\x12\x04full");
    }

    #[test]
    fn busy_asks_to_retry_after_a_second() {
        let reply = busy(64);
        assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.headers()[RETRY_AFTER], "1");
        assert_eq!(shutting_down().status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn method_not_allowed_says_what_is() {
        let reply = not_served(StatusCode::METHOD_NOT_ALLOWED, "use POST");
        assert_eq!(reply.headers()[ALLOW], "POST");
    }
}
