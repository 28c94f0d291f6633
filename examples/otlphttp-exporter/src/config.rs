//! The `otlphttp_rs` exporter's configuration, as an operator writes it in the collector config.
//!
//! `timeout`, `retry_on_failure` and `sending_queue` are not here on purpose: those keys belong to
//! the Go exporterhelper that wraps every exporter, and the timeout reaches the exporter as the
//! call's deadline.

use std::collections::BTreeMap;

use otelbridge::{Config, ConfigError, Signal};
use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::Compression;

/// The `otlphttp_rs` exporter's config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OtlpHttpConfig {
    /// The base URL of the OTLP/HTTP server, such as `http://127.0.0.1:4318`; each signal goes to
    /// `<endpoint>/v1/<signal>`. Required unless all three per-signal endpoints are set.
    pub endpoint: String,
    /// The full URL for spans, instead of `<endpoint>/v1/traces` (default: unset).
    pub traces_endpoint: Option<String>,
    /// The full URL for metrics, instead of `<endpoint>/v1/metrics` (default: unset).
    pub metrics_endpoint: Option<String>,
    /// The full URL for log records, instead of `<endpoint>/v1/logs` (default: unset).
    pub logs_endpoint: Option<String>,
    /// Headers added to every request (default: none). They may replace `User-Agent`, not the
    /// content headers the exporter sets itself.
    pub headers: BTreeMap<String, String>,
    /// How request bodies are compressed (default `gzip`).
    pub compression: Compression,
}

impl OtlpHttpConfig {
    /// Where batches of `signal` are posted: its own endpoint if set, else the base endpoint with
    /// the signal's OTLP path appended. Errors name the field they come from.
    pub fn signal_url(&self, signal: Signal) -> Result<Url, ConfigError> {
        let (field, own) = match signal {
            Signal::Traces => ("traces_endpoint", &self.traces_endpoint),
            Signal::Metrics => ("metrics_endpoint", &self.metrics_endpoint),
            Signal::Logs => ("logs_endpoint", &self.logs_endpoint),
        };
        if let Some(url) = own {
            return parse_http_url(url).map_err(|message| ConfigError::new(field, message));
        }
        if self.endpoint.is_empty() {
            return Err(ConfigError::new(
                "endpoint",
                format!("must be set (or {field}, and the endpoints of the other signals)"),
            ));
        }
        // Appended as text, as Go's otlphttp does, so a base path such as `/otlp` is kept.
        let separator = if self.endpoint.ends_with('/') {
            ""
        } else {
            "/"
        };
        let url = format!("{}{separator}v1/{signal}", self.endpoint);
        parse_http_url(&url).map_err(|message| ConfigError::new("endpoint", message))
    }
}

impl Config for OtlpHttpConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if !self.endpoint.is_empty() {
            parse_http_url(&self.endpoint)
                .map_err(|message| ConfigError::new("endpoint", message))?;
        }
        for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
            self.signal_url(signal)?;
        }
        for (name, value) in &self.headers {
            check_header(name, value).map_err(|err| err.within("headers"))?;
        }
        Ok(())
    }
}

fn parse_http_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|err| format!("{text:?} is not a valid URL: {err}"))?;
    match url.scheme() {
        "http" => {}
        "https" => {
            return Err(format!(
                "{text:?}: https is not supported, this exporter is built without TLS \
                 (use an http:// URL, or Go's otlphttp exporter for TLS)"
            ));
        }
        other => {
            return Err(format!(
                "{text:?}: the scheme must be http, not {other:?} (write http://host:port)"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} has no host"));
    }
    Ok(url)
}

fn check_header(name: &str, value: &str) -> Result<(), ConfigError> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::new(name, "is not a valid HTTP header name"))?;
    if header == reqwest::header::CONTENT_TYPE
        || header == reqwest::header::CONTENT_ENCODING
        || header == reqwest::header::CONTENT_LENGTH
    {
        return Err(ConfigError::new(name, "is set by the exporter itself"));
    }
    HeaderValue::from_str(value).map_err(|_| {
        ConfigError::new(
            name,
            "is not a valid HTTP header value (visible ASCII and spaces)",
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<OtlpHttpConfig, ConfigError> {
        otelbridge::testing::parse_config(json)
    }

    fn error_of(json: &str) -> ConfigError {
        parse(json).expect_err("the config is invalid")
    }

    #[test]
    fn endpoint_alone_is_enough() {
        let config = parse(r#"{"endpoint":"http://127.0.0.1:4318"}"#).expect("valid");
        assert_eq!(config.compression, Compression::Gzip);
        assert!(config.headers.is_empty());
        let url = |s| config.signal_url(s).expect("valid").to_string();
        assert_eq!(url(Signal::Traces), "http://127.0.0.1:4318/v1/traces");
        assert_eq!(url(Signal::Metrics), "http://127.0.0.1:4318/v1/metrics");
        assert_eq!(url(Signal::Logs), "http://127.0.0.1:4318/v1/logs");
    }

    #[test]
    fn base_paths_are_kept() {
        let config = parse(r#"{"endpoint":"http://collector:4318/otlp/"}"#).expect("valid");
        let url = config.signal_url(Signal::Logs).expect("valid");
        assert_eq!(url.as_str(), "http://collector:4318/otlp/v1/logs");
    }

    #[test]
    fn signal_endpoints_override_the_base() {
        let config = parse(
            r#"{"endpoint":"http://a:4318","traces_endpoint":"http://b:9411/spans",
                "compression":"none","headers":{"x-tenant":"acme"}}"#,
        )
        .expect("valid");
        let url = config.signal_url(Signal::Traces).expect("valid");
        assert_eq!(url.as_str(), "http://b:9411/spans");
        assert_eq!(config.compression, Compression::None);
        assert_eq!(config.headers["x-tenant"], "acme");
    }

    #[test]
    fn signal_endpoints_can_replace_the_base() {
        parse(
            r#"{"traces_endpoint":"http://a/t","metrics_endpoint":"http://a/m",
                "logs_endpoint":"http://a/l"}"#,
        )
        .expect("valid without endpoint");
    }

    #[test]
    fn missing_endpoint_is_named() {
        let err = error_of("{}");
        assert_eq!(err.path(), "endpoint");
        assert!(err.message().starts_with("must be set"), "{err}");
        let err = error_of(r#"{"traces_endpoint":"http://a/t"}"#);
        assert_eq!(err.path(), "endpoint");
    }

    #[test]
    fn invalid_urls_are_named() {
        let err = error_of(r#"{"endpoint":"not a url"}"#);
        assert_eq!(err.path(), "endpoint");
        assert!(err.message().contains("not a valid URL"), "{err}");
        let err = error_of(r#"{"endpoint":"localhost:4318"}"#);
        assert_eq!(err.path(), "endpoint");
        assert!(err.message().contains("scheme must be http"), "{err}");
        let err = error_of(r#"{"endpoint":"http://a","metrics_endpoint":"ftp://a/m"}"#);
        assert_eq!(err.path(), "metrics_endpoint");
    }

    #[test]
    fn https_is_refused_with_the_reason() {
        let err = error_of(r#"{"endpoint":"https://otlp.example.com"}"#);
        assert_eq!(err.path(), "endpoint");
        assert!(err.message().contains("https is not supported"), "{err}");
        assert!(err.message().contains("without TLS"), "{err}");
        let err = error_of(r#"{"endpoint":"http://a","logs_endpoint":"https://b/v1/logs"}"#);
        assert_eq!(err.path(), "logs_endpoint");
    }

    #[test]
    fn bad_headers_name_their_key() {
        let err = error_of(r#"{"endpoint":"http://a","headers":{"ok":"1","bad key":"v"}}"#);
        assert_eq!(
            err.to_string(),
            "headers.bad key: is not a valid HTTP header name"
        );
        let err = error_of(r#"{"endpoint":"http://a","headers":{"x-token":"a\nb"}}"#);
        assert_eq!(err.path(), "headers.x-token");
        let err = error_of(r#"{"endpoint":"http://a","headers":{"Content-Encoding":"br"}}"#);
        assert_eq!(
            err.to_string(),
            "headers.Content-Encoding: is set by the exporter itself"
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = error_of(r#"{"endpoint":"http://a","compresion":"gzip"}"#);
        assert_eq!(err.path(), "compresion");
        let err = error_of(r#"{"endpoint":"http://a","compression":"zstd"}"#);
        assert_eq!(err.path(), "compression");
    }

    #[test]
    fn default_config_round_trips_through_json() {
        let json = otelbridge::testing::default_config(&crate::factory()).expect("encodes");
        let mut values: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        values["endpoint"] = "http://a:4318".into();
        let config = parse(&values.to_string()).expect("decodes");
        assert_eq!(
            config,
            OtlpHttpConfig {
                endpoint: "http://a:4318".into(),
                ..OtlpHttpConfig::default()
            }
        );
    }
}
