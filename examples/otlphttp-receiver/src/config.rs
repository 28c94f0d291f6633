//! The `otlphttp_rs` receiver's configuration.

use std::time::Duration;

use otelbridge::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// What an operator gets for `endpoint` when they leave it out: the OTLP/HTTP port, local only.
pub const DEFAULT_ENDPOINT: &str = "localhost:4318";
/// What an operator gets for `max_request_body_size` when they leave it out: 20 MiB, as the Go
/// collector's HTTP servers.
pub const DEFAULT_MAX_REQUEST_BODY_SIZE: usize = 20 * 1024 * 1024;
/// What an operator gets for `read_timeout` when they leave it out: 30 s for the headers, and
/// 30 s again for the body.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// What an operator gets for `max_concurrent_requests` when they leave it out.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;

/// The `otlphttp_rs` receiver's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OtlpHttpConfig {
    /// Where to listen, as `host:port` (default `"localhost:4318"`). The host is a name, an IPv4
    /// address or a bracketed IPv6 address (`[::1]:4318`); an empty host (`:4318`) listens on
    /// every IPv4 interface. Port 0 picks a free port.
    pub endpoint: String,
    /// Whether every request header becomes request metadata (Go's `client.Info.Metadata`), its
    /// key lowercased and all its values kept (default `false`).
    pub include_metadata: bool,
    /// The largest request body accepted, in bytes, both as sent and once decompressed
    /// (default 20 MiB); larger bodies get `413 Payload Too Large`. Must be at least 1.
    pub max_request_body_size: usize,
    /// How long a client may take to send a request's headers, and then again its whole body,
    /// as a Go duration such as `"30s"` (default `"30s"`); must be greater than zero. A request
    /// whose body is late gets `408 Request Timeout` and its connection is closed; a connection
    /// whose headers are late is closed.
    #[serde(with = "otelbridge::duration")]
    pub read_timeout: Duration,
    /// How many requests may be read, checked and sent through the pipeline at once
    /// (default 64); must be at least 1. Requests beyond it are answered at once with
    /// `503 Service Unavailable` and `Retry-After: 1`, which OTLP clients retry, as they do when
    /// Go's receiver refuses data under memory pressure. Together with `max_request_body_size`
    /// it bounds the memory request bodies take.
    pub max_concurrent_requests: usize,
}

impl Default for OtlpHttpConfig {
    fn default() -> OtlpHttpConfig {
        OtlpHttpConfig {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            include_metadata: false,
            max_request_body_size: DEFAULT_MAX_REQUEST_BODY_SIZE,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
        }
    }
}

impl Config for OtlpHttpConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        check_endpoint(&self.endpoint).map_err(|msg| ConfigError::new("endpoint", msg))?;
        if self.max_request_body_size == 0 {
            return Err(ConfigError::new(
                "max_request_body_size",
                "must be at least 1 byte",
            ));
        }
        if self.read_timeout.is_zero() {
            return Err(ConfigError::new(
                "read_timeout",
                "must be greater than 0s: without it a slow client holds its connection and \
                 buffers forever",
            ));
        }
        if self.max_concurrent_requests == 0 {
            return Err(ConfigError::new(
                "max_concurrent_requests",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

impl OtlpHttpConfig {
    /// The address to bind: the endpoint, with an empty host meaning every IPv4 interface.
    pub(crate) fn bind_address(&self) -> String {
        match self.endpoint.strip_prefix(':') {
            Some(port) => format!("0.0.0.0:{port}"),
            None => self.endpoint.clone(),
        }
    }
}

/// Checks that `endpoint` is `host:port` with a numeric port; says what is wrong otherwise.
fn check_endpoint(endpoint: &str) -> Result<(), String> {
    let Some((host, port)) = endpoint.rsplit_once(':') else {
        return Err(format!(
            "{endpoint:?} is not host:port (such as localhost:4318)"
        ));
    };
    // All digits: `u16::from_str` alone would also take "+80".
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err()
    {
        return Err(format!(
            "the port of {endpoint:?} must be a number from 0 to 65535"
        ));
    }
    if let Some(inner) = host.strip_prefix('[') {
        let is_ipv6 = inner
            .strip_suffix(']')
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
        if !is_ipv6 {
            return Err(format!(
                "the host of {endpoint:?} is not a bracketed IPv6 address"
            ));
        }
    } else if host.contains(':') {
        return Err(format!(
            "the host of {endpoint:?} must be in brackets, as in [::1]:4318"
        ));
    } else if host.contains(|c: char| c.is_whitespace() || c == '/') {
        return Err(format!("the host of {endpoint:?} is not a host name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<OtlpHttpConfig, ConfigError> {
        otelbridge::testing::parse_config(json)
    }

    #[test]
    fn empty_section_gives_the_defaults() {
        let config = parse("{}").expect("valid");
        assert_eq!(config, OtlpHttpConfig::default());
        assert_eq!(config.endpoint, "localhost:4318");
        assert!(!config.include_metadata);
        assert_eq!(config.max_request_body_size, 20 * 1024 * 1024);
        assert_eq!(config.read_timeout, Duration::from_secs(30));
        assert_eq!(config.max_concurrent_requests, 64);
    }

    #[test]
    fn default_config_round_trips_as_json() {
        let json = otelbridge::testing::default_config(&crate::factory()).expect("encodes");
        assert_eq!(
            json,
            r#"{"endpoint":"localhost:4318","include_metadata":false,"max_request_body_size":20971520,"read_timeout":"30s","max_concurrent_requests":64}"#
        );
    }

    #[test]
    fn read_timeout_is_a_go_duration_greater_than_zero() {
        let config = parse(r#"{"read_timeout":"1m30s"}"#).expect("valid");
        assert_eq!(config.read_timeout, Duration::from_secs(90));
        let err = parse(r#"{"read_timeout":"0s"}"#).expect_err("zero");
        assert_eq!(err.path(), "read_timeout");
        assert!(err.to_string().contains("must be greater than 0s"), "{err}");
        let err = parse(r#"{"read_timeout":"30 seconds"}"#).expect_err("not a Go duration");
        assert_eq!(err.path(), "read_timeout");
    }

    #[test]
    fn zero_concurrent_requests_is_rejected() {
        let err = parse(r#"{"max_concurrent_requests":0}"#).expect_err("zero");
        assert_eq!(
            err.to_string(),
            "max_concurrent_requests: must be at least 1"
        );
    }

    #[test]
    fn good_endpoints_are_accepted() {
        for endpoint in [
            "localhost:4318",
            "0.0.0.0:4318",
            "127.0.0.1:0",
            "[::1]:4318",
            ":4318",
            "collector.internal:65535",
        ] {
            let json = format!(r#"{{"endpoint":"{endpoint}"}}"#);
            assert!(parse(&json).is_ok(), "{endpoint}");
        }
    }

    #[test]
    fn bad_endpoints_name_the_field() {
        for endpoint in [
            "localhost",
            "localhost:",
            "localhost:http",
            "localhost:+80",
            "localhost:65536",
            "::1:4318",
            "[::1:4318",
            "[nope]:4318",
            "http://localhost:4318",
            "",
        ] {
            let json = format!(r#"{{"endpoint":"{endpoint}"}}"#);
            let err = parse(&json).expect_err(endpoint);
            assert_eq!(err.path(), "endpoint", "{endpoint}: {err}");
        }
    }

    #[test]
    fn zero_body_size_is_rejected() {
        let err = parse(r#"{"max_request_body_size":0}"#).expect_err("zero");
        assert_eq!(
            err.to_string(),
            "max_request_body_size: must be at least 1 byte"
        );
    }

    #[test]
    fn unknown_and_mistyped_fields_name_their_path() {
        let err = parse(r#"{"endpoint":"localhost:4318","tls":{}}"#).expect_err("unknown");
        assert_eq!(err.path(), "tls");
        let err = parse(r#"{"include_metadata":"maybe"}"#).expect_err("not a bool");
        assert_eq!(err.path(), "include_metadata");
    }

    #[test]
    fn an_empty_host_binds_every_interface() {
        let config = OtlpHttpConfig {
            endpoint: ":4318".into(),
            ..OtlpHttpConfig::default()
        };
        assert_eq!(config.bind_address(), "0.0.0.0:4318");
        assert_eq!(OtlpHttpConfig::default().bind_address(), "localhost:4318");
    }
}
