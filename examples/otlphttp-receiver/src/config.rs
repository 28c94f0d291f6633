//! The `otlphttp_rs` receiver's configuration.

use otelbridge::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// What an operator gets for `endpoint` when they leave it out: the OTLP/HTTP port, local only.
pub const DEFAULT_ENDPOINT: &str = "localhost:4318";
/// What an operator gets for `max_request_body_size` when they leave it out: 20 MiB, as the Go
/// collector's HTTP servers.
pub const DEFAULT_MAX_REQUEST_BODY_SIZE: usize = 20 * 1024 * 1024;

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
}

impl Default for OtlpHttpConfig {
    fn default() -> OtlpHttpConfig {
        OtlpHttpConfig {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            include_metadata: false,
            max_request_body_size: DEFAULT_MAX_REQUEST_BODY_SIZE,
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
        otelbridge::config::from_json(json.as_bytes())
    }

    #[test]
    fn empty_section_gives_the_defaults() {
        let config = parse("{}").expect("valid");
        assert_eq!(config, OtlpHttpConfig::default());
        assert_eq!(config.endpoint, "localhost:4318");
        assert!(!config.include_metadata);
        assert_eq!(config.max_request_body_size, 20 * 1024 * 1024);
    }

    #[test]
    fn default_config_round_trips_as_json() {
        let json = otelbridge::config::default_json::<OtlpHttpConfig>().expect("encodes");
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"endpoint":"localhost:4318","include_metadata":false,"max_request_body_size":20971520}"#
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
