//! The one error type a component returns, with the kinds the collector understands.

use std::time::Duration;

/// What went wrong, in the terms the collector's helpers act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Retrying will not help: the data is dropped (`consumererror.NewPermanent` in Go).
    Permanent,
    /// The same data may succeed later, possibly after [`Error::retry_after`].
    Retryable,
    /// The caller gave up on the call.
    Cancelled,
    /// The call's deadline passed before the work finished.
    DeadlineExceeded,
    /// Out of a resource (memory, queue space, quota); the caller should slow down.
    ResourceExhausted,
    /// The configuration is invalid.
    InvalidConfig,
    /// The component panicked; the instance is marked failed.
    Panicked,
    /// The caller broke the protocol (a bug in the bridge or its host, not in the data).
    Internal,
}

impl ErrorKind {
    /// Whether the collector must not retry data that failed with this kind.
    pub const fn is_permanent(self) -> bool {
        matches!(
            self,
            ErrorKind::Permanent
                | ErrorKind::InvalidConfig
                | ErrorKind::Panicked
                | ErrorKind::Internal
        )
    }
}

/// An error from a component: a kind, a message, and optional hints for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    retry_after: Option<Duration>,
    grpc_code: Option<i32>,
    http_code: Option<u16>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            retry_after: None,
            grpc_code: None,
            http_code: None,
        }
    }

    /// An error that retrying will not fix.
    pub fn permanent(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Permanent, message)
    }

    /// An error that may go away if the same data is sent again.
    pub fn retryable(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Retryable, message)
    }

    /// The caller cancelled the call.
    pub fn cancelled(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Cancelled, message)
    }

    /// The call's deadline passed.
    pub fn deadline_exceeded(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::DeadlineExceeded, message)
    }

    /// A resource ran out; the caller should slow down.
    pub fn resource_exhausted(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::ResourceExhausted, message)
    }

    /// Tells the caller to wait at least `delay` before retrying.
    pub fn with_retry_after(mut self, delay: Duration) -> Error {
        self.retry_after = Some(delay);
        self
    }

    /// Sets the gRPC status code the collector reports for this error.
    pub fn with_grpc_code(mut self, code: i32) -> Error {
        self.grpc_code = Some(code);
        self
    }

    /// Sets the HTTP status code the collector reports for this error.
    pub fn with_http_code(mut self, code: u16) -> Error {
        self.http_code = Some(code);
        self
    }

    /// Prefixes the message with some context, keeping kind and hints.
    pub fn context(mut self, prefix: impl std::fmt::Display) -> Error {
        self.message = format!("{prefix}: {}", self.message);
        self
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the collector must not retry.
    pub fn is_permanent(&self) -> bool {
        self.kind.is_permanent()
    }

    /// How long to wait before retrying, if the component said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The explicit gRPC status code, if set.
    pub fn grpc_code(&self) -> Option<i32> {
        self.grpc_code
    }

    /// The explicit HTTP status code, if set.
    pub fn http_code(&self) -> Option<u16> {
        self.http_code
    }
}

impl From<crate::ConfigError> for Error {
    fn from(err: crate::ConfigError) -> Error {
        Error::new(ErrorKind::InvalidConfig, err.to_string())
    }
}

impl From<prost::DecodeError> for Error {
    fn from(err: prost::DecodeError) -> Error {
        Error::permanent(format!("decoding OTLP protobuf: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_say_whether_to_retry() {
        assert!(Error::permanent("x").is_permanent());
        assert!(!Error::retryable("x").is_permanent());
        assert!(!Error::resource_exhausted("x").is_permanent());
        assert!(ErrorKind::Panicked.is_permanent() && !ErrorKind::Cancelled.is_permanent());
    }

    #[test]
    fn hints_are_kept_through_context() {
        let err = Error::retryable("busy")
            .with_retry_after(Duration::from_secs(2))
            .with_grpc_code(14)
            .with_http_code(503)
            .context("sending");
        assert_eq!(err.to_string(), "sending: busy");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!((err.grpc_code(), err.http_code()), (Some(14), Some(503)));
    }
}
