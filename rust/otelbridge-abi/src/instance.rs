//! A created component instance, as the ABI keeps it.

use std::sync::{Arc, OnceLock};

use otelbridge::private::{self, Instance, LogScope, Tasks};
use otelbridge::{CreateSettings, Error, ErrorKind, Next};

use crate::{library, log};

/// Everything a call needs about its instance. Pending calls hold an `Arc` to it, so freeing the
/// handle never pulls it from under running work.
pub(crate) struct InstanceState {
    pub(crate) instance: Instance,
    pub(crate) scope: LogScope,
    failure: OnceLock<String>,
}

impl InstanceState {
    /// Marks the instance failed after a panic; it refuses further work.
    pub(crate) fn mark_failed(&self, reason: &str) {
        let _ = self.failure.set(reason.to_owned());
    }

    /// Aborts the background tasks the instance left running, once its shutdown has ended
    /// (returned, failed, or run out of time), and says so in the component's log.
    pub(crate) fn abort_leftover_tasks(&self) {
        let aborted = self.scope.tasks.abort_all();
        if aborted == 0 {
            return;
        }
        let id = &self.scope.component_id;
        let tasks = if aborted == 1 { "task" } else { "tasks" };
        private::sync_in_scope(self.scope.clone(), || {
            tracing::warn!(
                tasks = aborted as u64,
                "{id}: {aborted} background {tasks} still running after shutdown; aborted"
            );
        });
    }

    /// The error for calls on a failed instance.
    pub(crate) fn failure(&self) -> Option<Error> {
        self.failure.get().map(|reason| {
            Error::new(
                ErrorKind::Panicked,
                format!(
                    "instance {} failed earlier and accepts no more work: {reason}",
                    self.scope.component_id
                ),
            )
        })
    }
}

impl Drop for InstanceState {
    /// A host that frees an instance it never shut down still stops its tasks.
    fn drop(&mut self) {
        self.abort_leftover_tasks();
    }
}

/// Creates an instance of the component at `index`.
pub(crate) fn create(
    index: u32,
    id: &[u8],
    config_json: &[u8],
    log_sink: u64,
    log_level: u32,
    next: Option<Next>,
) -> Result<Arc<InstanceState>, Error> {
    let factory = library::factory(index)?;
    let id = std::str::from_utf8(id)
        .map_err(|_| Error::new(ErrorKind::Internal, "the component id is not UTF-8"))?;
    let scope = LogScope {
        component_id: id.into(),
        sink: log_sink,
        max_level: log::level_filter(log_level),
        tasks: Tasks::default(),
    };
    log::enable(log_level);
    let instance = private::sync_in_scope(scope.clone(), || {
        let mut settings = CreateSettings::new(id);
        if let Some(next) = next {
            settings = settings.with_next(next);
        }
        private::create(factory, &settings, config_json)
    })?;
    Ok(Arc::new(InstanceState {
        instance,
        scope,
        failure: OnceLock::new(),
    }))
}

/// A created component instance. Opaque; released with `otelbridge_v1_instance_free`.
pub struct OtbInstance {
    pub(crate) state: std::sync::Arc<InstanceState>,
}
