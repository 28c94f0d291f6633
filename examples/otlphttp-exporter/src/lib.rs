//! `otlphttp_rs`: an otelbridge exporter that posts traces, metrics and logs to an OTLP/HTTP
//! server (a collector or a backend) as protobuf, as Go's `otlphttp` exporter does, over plain
//! HTTP.
//!
//! ```yaml
//! exporters:
//!   otlphttp_rs:
//!     endpoint: http://127.0.0.1:4318      # posts to /v1/traces, /v1/metrics, /v1/logs
//!     headers: { x-tenant: acme }
//!     compression: gzip                    # or none
//!     timeout: 5s                          # these three belong to the Go exporterhelper
//!     retry_on_failure: { enabled: true }
//!     sending_queue: { enabled: true }
//! ```
//!
//! # What it sends
//!
//! Each batch arrives as OTLP `Export*ServiceRequest` protobuf bytes and is posted as they are,
//! never decoded: `Content-Type: application/x-protobuf`, gzip-compressed with
//! `Content-Encoding: gzip` unless `compression: none`, with the configured headers and a
//! `User-Agent` naming the exporter. The request is dropped as soon as the call's deadline (the
//! exporterhelper's `timeout`) passes or the collector cancels it. Redirects are not followed.
//! Only `http://` is supported: the crate is built without TLS.
//!
//! # What the answer means
//!
//! - 2xx: exported. A partial success (some items rejected) is logged as a warning.
//! - 429, 502, 503, 504: retryable, after the `Retry-After` delay (seconds or an HTTP date) when
//!   the server sends one; 429 also carries HTTP code 429.
//! - any other status: permanent (the batch is dropped), with the status and the server's
//!   message (a `google.rpc.Status` body, or the start of the body) in the error.
//! - no answer at all (connection refused or reset): retryable; the deadline passing:
//!   deadline exceeded; the collector giving up: cancelled.
//!
//! Each export adds one to the counter `otelcol_exporter_otlphttp_rs_requests`, by `signal` and
//! `outcome` (`ok`, `retryable`, `permanent` or `cancelled`).

mod compression;
mod config;
mod exporter;
mod response;

use otelbridge::{CreateSettings, Error, ExporterFactory, Factory, Signals, Stability};

pub use compression::Compression;
pub use config::OtlpHttpConfig;
pub use exporter::OtlpHttpExporter;

/// The component type operators write in the collector config.
pub const TYPE: &str = "otlphttp_rs";

/// The `otlphttp_rs` exporter's factory, for `otelbridge_abi::export_components!`.
pub fn factory() -> Factory {
    Factory::exporter(OtlpHttpFactory)
}

struct OtlpHttpFactory;

impl ExporterFactory for OtlpHttpFactory {
    type Config = OtlpHttpConfig;
    type Exporter = OtlpHttpExporter;
    const TYPE: &'static str = TYPE;
    const STABILITY: Stability = Stability::Development;
    const SIGNALS: Signals = Signals::ALL;

    fn create(
        &self,
        _: &CreateSettings,
        config: OtlpHttpConfig,
    ) -> Result<OtlpHttpExporter, Error> {
        OtlpHttpExporter::new(config)
    }
}

#[cfg(test)]
mod tests {
    use otelbridge::testing::{self, Harness};
    use otelbridge::{ErrorKind, Kind, Signal};

    use super::*;

    #[test]
    fn factory_describes_an_exporter_for_every_signal() {
        let factory = factory();
        assert_eq!(factory.type_name(), "otlphttp_rs");
        assert_eq!(factory.kind(), Kind::Exporter);
        assert_eq!(factory.signals(), Signals::ALL);
        assert_eq!(factory.stability(), Stability::Development);
        testing::check_default_config(&factory).expect_err("the endpoint has no default");
    }

    #[test]
    fn create_needs_no_runtime_and_opens_nothing() {
        // Outside any tokio runtime: creating must not spawn, connect or resolve.
        Harness::create(&factory(), r#"{"endpoint":"http://127.0.0.1:1"}"#).expect("created");
        let exporter = OtlpHttpExporter::new(OtlpHttpConfig {
            endpoint: "http://127.0.0.1:1/base".into(),
            logs_endpoint: Some("http://127.0.0.1:2/logs".into()),
            ..OtlpHttpConfig::default()
        })
        .expect("valid");
        assert_eq!(
            exporter.url(Signal::Traces).as_str(),
            "http://127.0.0.1:1/base/v1/traces"
        );
        assert_eq!(
            exporter.url(Signal::Logs).as_str(),
            "http://127.0.0.1:2/logs"
        );
    }

    #[test]
    fn factory_reports_validation_errors_with_their_path() {
        let err = testing::config_error(&factory(), r#"{"endpoint":"https://backend:4318"}"#);
        assert_eq!(err.path(), "endpoint");
        let err = Harness::create(&factory(), r#"{"endpoint":"http://a","timeout":"5s"}"#)
            .expect_err("timeout belongs to the exporterhelper");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().starts_with("timeout: unknown field"), "{err}");
    }
}
