//! The one tokio runtime every component in the process shares.
//!
//! A collector creates, starts and stops components many times in one process (config reloads,
//! `validate`, tests), so the runtime is created on first use and never shut down: no component's
//! shutdown tears anything global down. Its worker threads are named `otelbridge-rt`.

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::JoinHandle;

use crate::logging;

/// Environment variable that sets the worker count when the host did not.
pub const WORKER_THREADS_ENV: &str = "OTELBRIDGE_WORKER_THREADS";

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static WORKER_THREADS: AtomicUsize = AtomicUsize::new(0);

/// The runtime was already running when [`configure`] was called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the otelbridge runtime is already running with {running} worker threads")]
pub struct AlreadyStarted {
    /// The worker count it runs with.
    pub running: usize,
}

/// Sets the worker thread count (0: one per CPU, or `OTELBRIDGE_WORKER_THREADS`). Only takes
/// effect before the runtime's first use; afterwards it fails unless the count is the same.
pub fn configure(worker_threads: usize) -> Result<(), AlreadyStarted> {
    WORKER_THREADS.store(worker_threads, Ordering::SeqCst);
    match RUNTIME.get() {
        Some(rt) => {
            let running = rt.metrics().num_workers();
            if worker_threads == 0 || worker_threads == running {
                Ok(())
            } else {
                Err(AlreadyStarted { running })
            }
        }
        None => Ok(()),
    }
}

/// The shared runtime, created on first use.
pub fn handle() -> &'static Handle {
    RUNTIME.get_or_init(build).handle()
}

fn build() -> Runtime {
    let configured = WORKER_THREADS.load(Ordering::SeqCst);
    let from_env = std::env::var(WORKER_THREADS_ENV)
        .ok()
        .and_then(|v| v.parse().ok());
    let mut builder = Builder::new_multi_thread();
    // I/O too: receivers and exporters own sockets on this runtime.
    builder.enable_all().thread_name("otelbridge-rt");
    match (configured, from_env) {
        (n, _) if n > 0 => builder.worker_threads(n),
        (_, Some(n)) if n > 0 => builder.worker_threads(n),
        _ => &mut builder,
    };
    builder
        .build()
        .expect("the otelbridge runtime could not start its worker threads")
}

/// Spawns a task on the shared runtime. Unlike `tokio::spawn`, the task's `tracing` events keep
/// going to the logger of the component that spawned it.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle().spawn(logging::in_current_scope(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runtime_serves_every_caller() {
        let a = handle().spawn(async { std::thread::current().name().map(str::to_owned) });
        let name = handle().block_on(a).expect("task ran");
        assert_eq!(name.as_deref(), Some("otelbridge-rt"));
        assert!(std::ptr::eq(handle(), handle()));
        let running = handle().metrics().num_workers();
        assert_eq!(configure(running), Ok(()));
        assert_eq!(configure(running + 1), Err(AlreadyStarted { running }));
    }
}
