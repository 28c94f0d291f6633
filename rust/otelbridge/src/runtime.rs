//! The one tokio runtime every component in the process shares.
//!
//! A collector creates, starts and stops components many times in one process (config reloads,
//! `validate`, tests), so the runtime is created on first use and never shut down: no component's
//! shutdown tears anything global down. Its worker threads are named `otelbridge-rt`; operators
//! size it with the collector's `otelbridge` extension. A component's calls already run on it; a
//! component starts its background tasks with [`spawn`].

pub(crate) mod shared;
pub(crate) mod tasks;

use std::future::Future;

use tokio::task::JoinHandle;

use crate::logging;
use shared::handle;

/// Spawns a task on the shared runtime. Unlike `tokio::spawn`, the task belongs to the component
/// instance that spawned it (in one of its calls, or in a task it spawned this way): its `tracing`
/// events go to that component's logger, and it counts among the instance's tasks.
///
/// A component stops its own tasks in `shutdown`. Whatever still runs once the instance's
/// shutdown has returned, failed or run out of time is aborted by the bridge, which logs a warning
/// naming the component and how many tasks it aborted: the task's future is dropped at its next
/// await point (a task that blocks its thread without awaiting cannot be aborted). A task spawned
/// after that never runs (its handle answers cancelled). Outside any component the task is a
/// plain runtime task.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let Some(scope) = logging::with_current(|s| s.cloned()) else {
        return handle().spawn(future);
    };
    let tasks = scope.tasks.clone();
    let Some(entry) = tasks.register() else {
        // The instance is shut down: a task that never runs.
        let task = handle().spawn(async move {
            std::future::pending::<()>().await;
            future.await
        });
        task.abort();
        return task;
    };
    let id = entry.id;
    // The entry lives in the task's future, so it leaves the registry when the task ends, is
    // aborted, or is dropped before it ever ran.
    let task = handle().spawn(logging::in_scope(scope, async move {
        let _entry = entry;
        future.await
    }));
    tasks.track(id, task.abort_handle());
    task
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::shared::*;
    use super::tasks::Tasks;
    use super::*;

    fn scope(tasks: &Tasks) -> logging::LogScope {
        logging::LogScope {
            component_id: "probeext/leaky".into(),
            sink: 3,
            max_level: tracing::level_filters::LevelFilter::INFO,
            tasks: tasks.clone(),
        }
    }

    #[test]
    fn an_instances_tasks_are_counted_until_they_end_and_aborted_after_shutdown() {
        let tasks = Tasks::default();
        let (done, forever) = logging::sync_in_scope(scope(&tasks), || {
            (
                spawn(async {}),
                // A nested spawn belongs to the same instance.
                spawn(async {
                    drop(spawn(std::future::pending::<()>()));
                    std::future::pending::<()>().await
                }),
            )
        });
        handle().block_on(done).expect("ran");
        // The nested task starts when its parent first runs, on another thread.
        for _ in 0..1000 {
            if tasks.running() == 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(tasks.running(), 2, "the finished task left, two wait");
        assert_eq!(tasks.abort_all(), 2);
        let err = handle().block_on(forever).expect_err("aborted");
        assert!(err.is_cancelled(), "{err}");
        let late = logging::sync_in_scope(scope(&tasks), || spawn(async { 7 }));
        assert!(handle().block_on(late).expect_err("aborted").is_cancelled());
        assert_eq!(tasks.abort_all(), 0, "nothing runs any more");
        let outside = spawn(async { 7 });
        assert_eq!(
            handle().block_on(outside).expect("ran"),
            7,
            "no scope, no registry"
        );
    }

    #[test]
    fn one_runtime_serves_every_caller() {
        let a = handle().spawn(async { std::thread::current().name().map(str::to_owned) });
        let name = handle().block_on(a).expect("task ran");
        assert_eq!(name.as_deref(), Some("otelbridge-rt"));
        assert!(std::ptr::eq(handle(), handle()));
        let running = running().expect("running");
        assert_eq!(handle().metrics().num_workers(), running.worker_threads);
        assert_eq!(configure(&running), Ok(()));
        assert_eq!(configure_worker_threads(running.worker_threads), Ok(()));
        let err = configure_worker_threads(running.worker_threads + 1).expect_err("running");
        assert!(matches!(err, SettingsError::AlreadyRunning(_)), "{err}");
    }
}
