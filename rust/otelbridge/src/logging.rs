//! Which component a `tracing` event belongs to.
//!
//! Component authors log with the `tracing` macros. The bridge runs each call of a component
//! inside a [`LogScope`] naming the component's logger on the Go side, so events reach that zap
//! logger with their level and fields. Tasks started with [`crate::runtime::spawn`] inherit the
//! scope (and are counted among the instance's tasks); tasks started with `tokio::spawn` log to
//! the bridge's own logger.

use std::future::Future;
use std::sync::Arc;

use tracing::level_filters::LevelFilter;

use crate::runtime::tasks::Tasks;

/// Where the events of one component instance go, and the background tasks it started.
#[derive(Debug, Clone)]
pub struct LogScope {
    /// The component id, such as `redact/pii`.
    pub component_id: Arc<str>,
    /// The host's key for the component's logger.
    pub sink: u64,
    /// The most verbose level the host's logger records.
    pub max_level: LevelFilter,
    /// The tasks the instance started with [`crate::runtime::spawn`] that still run; the bridge
    /// aborts them once the instance's shutdown has ended.
    pub tasks: Tasks,
}

tokio::task_local! {
    static SCOPE: LogScope;
}

/// Runs `f` with the current scope, if any.
pub fn with_current<R>(f: impl FnOnce(Option<&LogScope>) -> R) -> R {
    let mut f = Some(f);
    let result = SCOPE.try_with(|scope| (f.take().expect("called once"))(Some(scope)));
    match result {
        Ok(r) => r,
        Err(_) => (f.take().expect("not yet called"))(None),
    }
}

/// Runs `future` inside `scope`.
pub fn in_scope<F: Future>(scope: LogScope, future: F) -> impl Future<Output = F::Output> {
    SCOPE.scope(scope, future)
}

/// Runs `f` inside `scope`, on the calling thread.
pub fn sync_in_scope<R>(scope: LogScope, f: impl FnOnce() -> R) -> R {
    SCOPE.sync_scope(scope, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spawned_tasks_inherit_the_scope() {
        let scope = LogScope {
            component_id: "redact/a".into(),
            sink: 7,
            max_level: LevelFilter::INFO,
            tasks: Tasks::default(),
        };
        let seen = in_scope(scope, async {
            crate::runtime::spawn(async { with_current(|s| s.map(|s| s.sink)) }).await
        })
        .await
        .expect("task ran");
        assert_eq!(seen, Some(7));
        assert_eq!(with_current(|s| s.map(|s| s.sink)), None);
    }
}
