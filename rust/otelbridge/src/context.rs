//! The per-call context: what Go's `context.Context` carries, as Rust sees it.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::Metadata;

/// The caller's span context (W3C trace context), so a component can continue the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    flags: u8,
    trace_state: String,
}

impl TraceContext {
    /// A span context from its parts.
    pub fn new(
        trace_id: [u8; 16],
        span_id: [u8; 8],
        flags: u8,
        trace_state: String,
    ) -> TraceContext {
        TraceContext {
            trace_id,
            span_id,
            flags,
            trace_state,
        }
    }

    /// The trace id.
    pub fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// The caller's span id: the parent of any span the component starts.
    pub fn span_id(&self) -> [u8; 8] {
        self.span_id
    }

    /// The trace flags.
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the caller's span is sampled.
    pub fn is_sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The W3C trace state, as text (empty when none).
    pub fn trace_state(&self) -> &str {
        &self.trace_state
    }

    /// The trace id in lowercase hex, as it appears in `traceparent`.
    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }

    /// The span id in lowercase hex.
    pub fn span_id_hex(&self) -> String {
        hex(&self.span_id)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a component can read about the call it is serving: the deadline, whether the caller has
/// given up, the request metadata, the client's address and the caller's trace context. Cheap to
/// clone.
#[derive(Debug, Clone, Default)]
pub struct Context {
    deadline: Option<Instant>,
    cancellation: CancellationToken,
    metadata: Metadata,
    peer_addr: Option<Arc<str>>,
    trace: Option<Arc<TraceContext>>,
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

    /// The same context with the client's address.
    pub fn with_peer_addr(mut self, addr: impl Into<Arc<str>>) -> Context {
        self.peer_addr = Some(addr.into());
        self
    }

    /// The same context with the caller's span context.
    pub fn with_trace_context(mut self, trace: TraceContext) -> Context {
        self.trace = Some(Arc::new(trace));
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

    /// The address of the client that sent the data (`client.Info.Addr` in Go), when known.
    pub fn peer_addr(&self) -> Option<&str> {
        self.peer_addr.as_deref()
    }

    /// The caller's span context, when the call is part of a trace.
    pub fn trace_context(&self) -> Option<&TraceContext> {
        self.trace.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
