//! The per-call context: what Go's `context.Context` carries, as Rust sees it.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Request metadata, as the collector's `client.Info.Metadata` holds it: each key has one or more
/// values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Arc<Vec<(String, Vec<String>)>>,
}

impl Metadata {
    /// Metadata from `(key, values)` pairs.
    pub fn new(entries: Vec<(String, Vec<String>)>) -> Metadata {
        Metadata {
            entries: Arc::new(entries),
        }
    }

    /// The values of `key`, matched case-insensitively as HTTP and gRPC headers are; empty if the
    /// key is absent.
    pub fn get(&self, key: &str) -> &[String] {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
            })
            .map_or(&[], |(_, values)| values.as_slice())
    }

    /// Every key with its values, in the order Go sent them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What a component can read about the call it is serving: the deadline, whether the caller has
/// given up, and the request metadata. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Context {
    deadline: Option<Instant>,
    cancellation: CancellationToken,
    metadata: Metadata,
}

impl Context {
    /// A context with no deadline and no metadata that is never cancelled from outside: what a
    /// test or a background task uses.
    pub fn background() -> Context {
        Context::default()
    }

    /// The same context with a deadline.
    pub fn with_deadline(mut self, deadline: Instant) -> Context {
        self.deadline = Some(deadline);
        self
    }

    /// The same context with request metadata.
    pub fn with_metadata(mut self, metadata: Metadata) -> Context {
        self.metadata = metadata;
        self
    }

    /// The same context, cancelled when `token` is.
    pub fn with_cancellation(mut self, token: CancellationToken) -> Context {
        self.cancellation = token;
        self
    }

    /// When the caller stops waiting, if it set a deadline.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The time left before the deadline (zero once it has passed), if there is one.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// Whether the caller has given up. The bridge also drops the call's future then, so checking
    /// this is only needed in synchronous loops.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Completes when the caller gives up on this call.
    pub async fn cancelled(&self) {
        self.cancellation.cancelled().await
    }

    /// The token that cancels this call, to hand to spawned work.
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.cancellation
    }

    /// The request metadata (`client.Info.Metadata` in Go).
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lookup_is_case_insensitive() {
        let md = Metadata::new(vec![("X-Tenant".into(), vec!["a".into(), "b".into()])]);
        assert_eq!(md.get("x-tenant"), ["a", "b"]);
        assert_eq!(md.get("X-Tenant"), ["a", "b"]);
        assert!(md.get("missing").is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn remaining_time_counts_down_to_zero() {
        let ctx = Context::background().with_deadline(Instant::now() + Duration::from_secs(2));
        assert_eq!(ctx.remaining(), Some(Duration::from_secs(2)));
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(ctx.remaining(), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn cancellation_reaches_the_component() {
        let token = CancellationToken::new();
        let ctx = Context::background().with_cancellation(token.clone());
        assert!(!ctx.is_cancelled());
        token.cancel();
        ctx.cancelled().await;
        assert!(ctx.is_cancelled());
    }
}
