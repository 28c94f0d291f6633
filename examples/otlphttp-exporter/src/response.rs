//! What the server's answer means for the batch, as the OTLP/HTTP specification says.
//!
//! 2xx is success, possibly partial; 429, 502, 503 and 504 are worth retrying, after the
//! `Retry-After` delay when the server gives one; anything else drops the batch.

use std::time::{Duration, SystemTime};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use otelbridge::{Error, Signal};
use prost::{DecodeError, Message};
use reqwest::{StatusCode, Url};

/// How much of an answer's body is read: enough for any OTLP response or error status.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// How much of a body an error message quotes.
const QUOTED_BODY: usize = 200;

/// The parts of a server's answer the exporter looks at.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    /// The body, cut at [`MAX_BODY`].
    pub body: Vec<u8>,
}

/// `google.rpc.Status`, which OTLP/HTTP servers send as the body of an error answer. Its
/// `details` (tag 3) are skipped as unknown fields.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

impl Answer {
    /// The export's result: `Ok` for 2xx, otherwise an error whose kind tells the collector
    /// whether to retry. `now` is the clock `Retry-After` dates are read against.
    pub fn into_result(self, signal: Signal, url: &Url, now: SystemTime) -> Result<(), Error> {
        let status = self.status;
        if status.is_success() {
            self.warn_of_partial_success(signal, url);
            return Ok(());
        }
        let message = format!("{url} answered {status}{}", self.quoted_body());
        match status.as_u16() {
            429 | 502 | 503 | 504 => {
                let mut err = Error::retryable(message);
                if let Some(delay) = self
                    .retry_after
                    .as_deref()
                    .and_then(|v| retry_after(v, now))
                {
                    err = err.with_retry_after(delay);
                }
                if status == StatusCode::TOO_MANY_REQUESTS {
                    err = err.with_http_code(429);
                }
                Err(err)
            }
            _ => Err(Error::permanent(message)),
        }
    }

    fn is_protobuf(&self) -> bool {
        // No content type is read as protobuf: it is what was sent, and decoding is harmless.
        self.content_type.as_deref().is_none_or(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-protobuf"))
        })
    }

    fn warn_of_partial_success(&self, signal: Signal, url: &Url) {
        if self.body.is_empty() || !self.is_protobuf() {
            return;
        }
        match partial_success(signal, &self.body) {
            Ok(Some((rejected, error_message))) if rejected > 0 => tracing::warn!(
                %signal,
                %url,
                rejected,
                error_message,
                "the server accepted the batch but rejected part of it"
            ),
            Ok(_) => {}
            Err(err) => tracing::debug!(%url, %err, "the success answer is not an OTLP response"),
        }
    }

    /// `": <message>"` for the error message: the `google.rpc.Status` message if the body is one,
    /// else the start of the body as text; empty if there is no body.
    fn quoted_body(&self) -> String {
        if self.body.is_empty() {
            return String::new();
        }
        if self.is_protobuf() {
            if let Ok(status) = RpcStatus::decode(self.body.as_slice()) {
                if !status.message.is_empty() {
                    return format!(": {}", quote(status.message.as_bytes()));
                }
            }
        }
        format!(": {}", quote(&self.body))
    }
}

/// At most [`QUOTED_BODY`] bytes of `bytes` as one line of text.
fn quote(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(QUOTED_BODY)];
    let mut text: String = String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    text.truncate(text.trim_end().len());
    if bytes.len() > QUOTED_BODY {
        text.push_str("...");
    }
    text
}

/// The rejected count and message of an `Export*ServiceResponse`, if it has a partial success.
fn partial_success(signal: Signal, body: &[u8]) -> Result<Option<(i64, String)>, DecodeError> {
    Ok(match signal {
        Signal::Traces => ExportTraceServiceResponse::decode(body)?
            .partial_success
            .map(|p| (p.rejected_spans, p.error_message)),
        Signal::Metrics => ExportMetricsServiceResponse::decode(body)?
            .partial_success
            .map(|p| (p.rejected_data_points, p.error_message)),
        Signal::Logs => ExportLogsServiceResponse::decode(body)?
            .partial_success
            .map(|p| (p.rejected_log_records, p.error_message)),
    })
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date. `None` if it is neither, or says
/// not to wait.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(now)
            .ok()?,
    };
    (!delay.is_zero()).then_some(delay)
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess;
    use otelbridge::ErrorKind;

    use super::*;

    fn url() -> Url {
        Url::parse("http://backend:4318/v1/traces").expect("valid")
    }

    fn answer(status: u16, body: &[u8]) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).expect("valid status"),
            content_type: Some("text/plain".into()),
            retry_after: None,
            body: body.to_vec(),
        }
    }

    fn result_of(answer: Answer) -> Result<(), Error> {
        answer.into_result(Signal::Traces, &url(), SystemTime::now())
    }

    #[test]
    fn every_2xx_is_success() {
        for status in [200, 202, 204] {
            assert_eq!(result_of(answer(status, b"")), Ok(()));
        }
    }

    #[test]
    fn partial_success_is_still_success() {
        let response = ExportTraceServiceResponse {
            partial_success: Some(ExportTracePartialSuccess {
                rejected_spans: 2,
                error_message: "spans too old".into(),
            }),
        };
        let body = response.encode_to_vec();
        assert_eq!(
            partial_success(Signal::Traces, &body),
            Ok(Some((2, "spans too old".into())))
        );
        let mut ok = answer(200, &body);
        ok.content_type = Some("application/x-protobuf".into());
        assert_eq!(result_of(ok), Ok(()));
        // A body that is not an OTLP response does not fail a batch the server accepted.
        let mut garbage = answer(200, b"\xff\xff");
        garbage.content_type = None;
        assert_eq!(result_of(garbage), Ok(()));
    }

    #[test]
    fn throttling_and_gateway_errors_are_retryable() {
        for status in [429, 502, 503, 504] {
            let err = result_of(answer(status, b"busy")).expect_err("an error status");
            assert_eq!(err.kind(), ErrorKind::Retryable, "{status}");
            assert_eq!(err.retry_after(), None);
        }
        let err = result_of(answer(429, b"")).expect_err("throttled");
        assert_eq!(err.http_code(), Some(429));
        assert_eq!(
            err.message(),
            "http://backend:4318/v1/traces answered 429 Too Many Requests"
        );
    }

    #[test]
    fn retry_after_is_passed_on() {
        let mut busy = answer(503, b"");
        busy.retry_after = Some("3".into());
        let err = result_of(busy).expect_err("unavailable");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn other_statuses_are_permanent_and_quote_the_body() {
        for status in [400, 401, 404, 413, 500, 501] {
            let err = result_of(answer(status, b"no\nthanks")).expect_err("an error status");
            assert_eq!(err.kind(), ErrorKind::Permanent, "{status}");
            assert!(err.message().ends_with(": no thanks"), "{err}");
        }
        let long = vec![b'x'; 1000];
        let err = result_of(answer(400, &long)).expect_err("bad request");
        let quoted = err.message().split(": ").nth(1).expect("a body");
        assert_eq!(quoted, format!("{}...", "x".repeat(200)));
    }

    #[test]
    fn rpc_status_bodies_give_their_message() {
        let status = RpcStatus {
            code: 3,
            message: "unknown field in span".into(),
        };
        let mut bad = answer(400, &status.encode_to_vec());
        bad.content_type = Some("application/x-protobuf; charset=binary".into());
        let err = result_of(bad).expect_err("bad request");
        assert_eq!(
            err.message(),
            "http://backend:4318/v1/traces answered 400 Bad Request: unknown field in span"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&earlier, now), None);
        assert_eq!(retry_after("0", now), None);
        assert_eq!(retry_after("-1", now), None);
        assert_eq!(retry_after("soon", now), None);
    }
}
