//! `otlphttp_rs`: an otelbridge receiver that serves OTLP/HTTP and feeds what it receives to the
//! collector's pipelines, for traces, metrics and logs.
//!
//! ```yaml
//! receivers:
//!   otlphttp_rs:
//!     endpoint: 0.0.0.0:4318
//!     include_metadata: true
//!     max_request_body_size: 10485760
//!     read_timeout: 30s
//!     max_concurrent_requests: 64
//!
//! service:
//!   pipelines:
//!     traces:
//!       receivers: [otlphttp_rs]
//!       exporters: [debug]
//! ```
//!
//! # Requests
//!
//! `POST /v1/traces`, `/v1/metrics` and `/v1/logs` take an OTLP `Export*ServiceRequest` as
//! `application/x-protobuf` (JSON is not supported), optionally compressed with
//! `Content-Encoding: gzip` (or `deflate`/`zlib`). Only the signals some pipeline consumes from the
//! receiver are served; the other paths answer `404`. The body must decode as the signal's request;
//! it is then passed on exactly as it came (decompressed), without re-encoding. A request with no
//! span, data point or log record is answered at once without reaching the pipeline, as in the Go
//! receiver.
//!
//! Each batch is sent with a context carrying the client's address (`client.Info.Addr` in Go)
//! and, with `include_metadata`, every request header (keys lowercased, all values kept) as
//! metadata (`client.Info.Metadata`). The receiver waits for the pipeline's answer before
//! answering the client: that is the backpressure.
//!
//! # Limits
//!
//! A client has `read_timeout` to send its headers and then its whole body. At most
//! `max_concurrent_requests` requests are read and served at once; one more is answered `503`
//! with `Retry-After: 1` before its body is read. A request holds its body once and counts its
//! items in place (views), so the bodies held at once take at most
//! `max_concurrent_requests` x `max_request_body_size` (twice with compression).
//!
//! # Answers
//!
//! | Case | Status |
//! |---|---|
//! | the pipeline accepted the data | `200`, an empty `Export*ServiceResponse` |
//! | the pipeline refused it for good (permanent error) | `400` |
//! | the pipeline ran out of a resource | `429` |
//! | any other pipeline error (retryable, cancelled, deadline) | `503` |
//! | the body is not valid protobuf for the signal, or corrupt compressed data | `400` |
//! | unknown path, or a signal no pipeline consumes | `404` |
//! | method other than `POST` | `405` |
//! | content type other than `application/x-protobuf`, or unknown `Content-Encoding` | `415` |
//! | body larger than `max_request_body_size`, as sent or decompressed | `413` |
//! | body not received within `read_timeout` (connection closed) | `408` |
//! | `max_concurrent_requests` already served, or shutting down while the body arrives | `503` |
//!
//! A pipeline error with an explicit 4xx or 5xx HTTP code is answered with that code, and one
//! with a retry delay gets a `Retry-After` header (whole seconds, rounded up). Failure bodies are
//! a protobuf `google.rpc.Status` with the reason, except for `404`, `405` and `415` on the media
//! type, which are plain text.
//!
//! # Lifecycle
//!
//! `start` binds the endpoint (failing with `listening on <endpoint>: ...` if it cannot) and
//! returns once listening. `shutdown` first stops accepting and closes the listener, so the port
//! is free at once, answers `503` to requests whose bodies are still arriving, then lets every
//! request already read finish, within the shutdown deadline (5 s when the context has none).
//! Past the deadline the remaining connections are closed without an answer (so their clients
//! retry; nothing answered `200` is lost) and shutdown fails saying how many requests were still
//! in flight. A stopped receiver can be started again.
//!
//! The server speaks HTTP/1.1, without TLS. The listener, its accept loop and the connections
//! all run on the shared otelbridge runtime, in the receiver's log scope.
//!
//! The counters `otelcol_receiver_otlphttp_rs_requests` (by `signal` and `http_status`) and
//! `otelcol_receiver_otlphttp_rs_items` (by `signal` and `outcome`: `accepted` or `refused`)
//! reach the collector's own metrics.

mod answer;
mod body;
mod config;
mod handler;
mod in_flight;
mod metrics;
mod receiver;
mod server;
mod signal;

use otelbridge::{CreateSettings, Error, Factory, Next, ReceiverFactory, Signals, Stability};

pub use config::{
    DEFAULT_ENDPOINT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_REQUEST_BODY_SIZE,
    DEFAULT_READ_TIMEOUT, OtlpHttpConfig,
};
pub use receiver::OtlpHttpReceiver;

/// The component type operators write in the collector config.
pub const TYPE: &str = "otlphttp_rs";

/// The `otlphttp_rs` receiver's factory, for `otelbridge_abi::export_components!`.
pub fn factory() -> Factory {
    Factory::receiver(OtlpHttpReceiverFactory)
}

struct OtlpHttpReceiverFactory;

impl ReceiverFactory for OtlpHttpReceiverFactory {
    type Config = OtlpHttpConfig;
    type Receiver = OtlpHttpReceiver;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(
        &self,
        _: &CreateSettings,
        config: OtlpHttpConfig,
        next: Next,
    ) -> Result<OtlpHttpReceiver, Error> {
        OtlpHttpReceiver::new(config, next)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::testing::{self, Harness};
    use otelbridge::{ErrorKind, Kind};

    use super::*;

    fn settings() -> CreateSettings {
        CreateSettings::new("otlphttp_rs")
            .with_next(Next::from_fn(Signals::ALL, |_, _, _| async { Ok(()) }))
    }

    #[test]
    fn factory_describes_a_receiver_of_every_signal() {
        let factory = factory();
        assert_eq!(factory.type_name(), "otlphttp_rs");
        assert_eq!(factory.kind(), Kind::Receiver);
        assert_eq!(factory.signals(), Signals::ALL);
        assert_eq!(factory.stability(), Stability::Development);
        assert_eq!(
            testing::default_config(&factory).expect("encodes"),
            r#"{"endpoint":"localhost:4318","include_metadata":false,"max_request_body_size":20971520,"read_timeout":"30s","max_concurrent_requests":64}"#
        );
    }

    #[test]
    fn factory_rejects_bad_config_with_its_path() {
        let err = testing::config_error(&factory(), r#"{"endpoint":"localhost"}"#);
        assert_eq!(err.path(), "endpoint");
        let err = Harness::create_with(&factory(), &settings(), r#"{"max_request_body_size":0}"#)
            .expect_err("zero limit");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().starts_with("max_request_body_size:"), "{err}");
    }

    #[test]
    fn create_opens_nothing() {
        // Someone else holds the port: binding it in `create` would fail.
        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let endpoint = taken.local_addr().expect("address");
        let config = format!(r#"{{"endpoint":"{endpoint}"}}"#);
        Harness::create_with(&factory(), &settings(), &config).expect("created without binding");
    }
}
