//! The runtime itself, created on first use, and its settings.
//!
//! Its settings ([`RuntimeSettings`], the collector's `otelbridge` extension) are fixed once per
//! process: [`configure`] records them before the first use, and afterwards only accepts the
//! settings the runtime runs with. Two different settings in one process are an error either way,
//! since one of them could not be honoured.

use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::runtime::{Builder, Handle, Runtime};

use crate::config::{self, Config, ConfigError};
use crate::{bytesize, duration};

/// Environment variable that sets the worker count when the settings do not.
pub const WORKER_THREADS_ENV: &str = "OTELBRIDGE_WORKER_THREADS";

/// The smallest `thread_stack_size` accepted: a thread that overflows its stack aborts the whole
/// collector, so tiny stacks are refused rather than tried.
pub const MIN_THREAD_STACK_SIZE: usize = 64 << 10;

/// The most `worker_threads` accepted: a typo should fail validation, not spawn a million threads.
pub const MAX_WORKER_THREADS: usize = 1024;

/// The runtime's settings, as an operator writes them in the collector's `otelbridge` extension.
///
/// Every field has tokio's default; `worker_threads` and `global_queue_interval` use 0 for
/// "decide for me".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeSettings {
    /// Threads that run tasks (default = 0: `OTELBRIDGE_WORKER_THREADS`, else one per CPU; at
    /// most 1024).
    pub worker_threads: usize,
    /// Most threads for blocking work beyond the workers: file I/O, DNS lookups,
    /// `spawn_blocking` (default = 512).
    pub max_blocking_threads: usize,
    /// Stack size of each runtime thread, in bytes or with a binary unit like `"2MiB"`
    /// (default = 2MiB; at least 64KiB).
    #[serde(with = "bytesize")]
    pub thread_stack_size: usize,
    /// How long an idle blocking thread waits for work before it exits (default = 10s).
    #[serde(with = "duration")]
    pub thread_keep_alive: Duration,
    /// Scheduler ticks between two looks at the global task queue (default = 0: tuned by the
    /// scheduler to about every 10ms).
    pub global_queue_interval: u32,
    /// Scheduler ticks between two polls for I/O and timer events (default = 61).
    pub event_interval: u32,
    /// Most I/O events handled in one poll (default = 1024).
    pub max_io_events_per_tick: usize,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        RuntimeSettings {
            worker_threads: 0,
            max_blocking_threads: 512,
            thread_stack_size: 2 << 20,
            thread_keep_alive: Duration::from_secs(10),
            global_queue_interval: 0,
            event_interval: 61,
            max_io_events_per_tick: 1024,
        }
    }
}

impl Config for RuntimeSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        let at_least_one = [
            ("max_blocking_threads", self.max_blocking_threads == 0),
            ("event_interval", self.event_interval == 0),
            ("max_io_events_per_tick", self.max_io_events_per_tick == 0),
        ];
        if let Some((field, _)) = at_least_one.iter().find(|(_, zero)| *zero) {
            return Err(ConfigError::new(*field, "must be at least 1"));
        }
        if self.worker_threads > MAX_WORKER_THREADS {
            return Err(ConfigError::new(
                "worker_threads",
                format!("must be at most {MAX_WORKER_THREADS} (0: one per CPU)"),
            ));
        }
        if self.thread_stack_size < MIN_THREAD_STACK_SIZE {
            return Err(ConfigError::new(
                "thread_stack_size",
                format!(
                    "must be at least {}: a thread that overflows its stack aborts the collector",
                    bytesize::format(MIN_THREAD_STACK_SIZE)
                ),
            ));
        }
        Ok(())
    }
}

impl RuntimeSettings {
    /// Reads settings from JSON as a component config is read: unknown fields rejected, durations
    /// in Go's form, then validated. Errors name the field.
    pub fn from_json(json: &[u8]) -> Result<RuntimeSettings, ConfigError> {
        config::from_json(json)
    }

    /// The same settings with a worker count of 0 resolved: `OTELBRIDGE_WORKER_THREADS` when it
    /// holds a positive number, else one per CPU.
    pub fn resolved(mut self) -> RuntimeSettings {
        if self.worker_threads == 0 {
            self.worker_threads = std::env::var(WORKER_THREADS_ENV)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        }
        self
    }

    /// Each field's name and value, as the errors show them.
    fn fields(&self) -> [(&'static str, String); 7] {
        [
            ("worker_threads", self.worker_threads.to_string()),
            (
                "max_blocking_threads",
                self.max_blocking_threads.to_string(),
            ),
            (
                "thread_stack_size",
                bytesize::format(self.thread_stack_size),
            ),
            (
                "thread_keep_alive",
                duration::format(self.thread_keep_alive),
            ),
            (
                "global_queue_interval",
                self.global_queue_interval.to_string(),
            ),
            ("event_interval", self.event_interval.to_string()),
            (
                "max_io_events_per_tick",
                self.max_io_events_per_tick.to_string(),
            ),
        ]
    }

    /// The fields whose values differ, each with this side's value first.
    fn differences(&self, wanted: &RuntimeSettings) -> Vec<Difference> {
        self.fields()
            .into_iter()
            .zip(wanted.fields())
            .filter(|((_, fixed), (_, wanted))| fixed != wanted)
            .map(|((field, fixed), (_, wanted))| Difference {
                field,
                fixed,
                wanted,
            })
            .collect()
    }

    /// A builder for a runtime with these (resolved) settings.
    fn builder(&self) -> Builder {
        let mut builder = Builder::new_multi_thread();
        // I/O too: receivers and exporters own sockets on this runtime.
        builder
            .enable_all()
            .thread_name("otelbridge-rt")
            .worker_threads(self.worker_threads.max(1))
            .max_blocking_threads(self.max_blocking_threads.max(1))
            .thread_stack_size(self.thread_stack_size)
            .thread_keep_alive(self.thread_keep_alive)
            .event_interval(self.event_interval.max(1))
            .max_io_events_per_tick(self.max_io_events_per_tick.max(1));
        if self.global_queue_interval > 0 {
            builder.global_queue_interval(self.global_queue_interval);
        }
        builder
    }
}

/// One setting that differs from the one in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The field's name, as in the config.
    pub field: &'static str,
    /// The value in force (running, or configured earlier).
    pub fixed: String,
    /// The value asked for.
    pub wanted: String,
}

/// Why settings could not be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A value is invalid; the error names the field.
    #[error(transparent)]
    Invalid(#[from] ConfigError),
    /// The runtime already runs with other settings: only a new process can change them.
    #[error(
        "{}; the runtime's settings apply when it starts: restart the collector to change them",
        list(.0, |d| format!("{}: the otelbridge runtime is already running with {}, not {}", d.field, d.fixed, d.wanted))
    )]
    AlreadyRunning(Vec<Difference>),
    /// Other settings were configured earlier in this process, and the runtime has not started.
    #[error(
        "{}; the otelbridge runtime is one per process, so its settings must agree wherever they are given, and changing them needs a collector restart",
        list(.0, |d| format!("{}: {} conflicts with {}, configured earlier in this process", d.field, d.wanted, d.fixed))
    )]
    Conflict(Vec<Difference>),
}

fn list(differences: &[Difference], describe: impl Fn(&Difference) -> String) -> String {
    differences
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Where the process stands: settings may still be given, or the runtime runs with its own.
#[derive(Debug)]
enum State {
    /// Not started; `Some` once settings were configured (resolved).
    Open(Option<RuntimeSettings>),
    /// Started with these (resolved) settings.
    Running(RuntimeSettings),
}

impl State {
    /// Whether `wanted` (resolved) agrees with what is fixed, if anything is.
    fn check(&self, wanted: &RuntimeSettings) -> Result<(), SettingsError> {
        match self {
            State::Open(None) => Ok(()),
            State::Open(Some(configured)) => match configured.differences(wanted) {
                d if d.is_empty() => Ok(()),
                d => Err(SettingsError::Conflict(d)),
            },
            State::Running(running) => match running.differences(wanted) {
                d if d.is_empty() => Ok(()),
                d => Err(SettingsError::AlreadyRunning(d)),
            },
        }
    }

    /// Records `wanted` (resolved) unless something else is fixed.
    fn configure(&mut self, wanted: RuntimeSettings) -> Result<(), SettingsError> {
        self.check(&wanted)?;
        if let State::Open(slot @ None) = self {
            *slot = Some(wanted);
        }
        Ok(())
    }

    /// Fixes the settings the runtime starts with: the configured ones, else the defaults.
    fn start(&mut self) -> RuntimeSettings {
        let settings = match self {
            State::Open(configured) => configured
                .take()
                .unwrap_or_else(|| RuntimeSettings::default().resolved()),
            State::Running(running) => running.clone(),
        };
        *self = State::Running(settings.clone());
        settings
    }
}

static STATE: Mutex<State> = Mutex::new(State::Open(None));
static RUNTIME: OnceLock<Runtime> = OnceLock::new();

fn state() -> MutexGuard<'static, State> {
    // The state is replaced whole, never left half-written: a panic elsewhere cannot corrupt it.
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sets the runtime's settings. Before the runtime's first use this records them, and fails if
/// different settings were recorded earlier; afterwards it succeeds only if the settings are the
/// ones it runs with. Settings compare after a worker count of 0 is resolved (see
/// [`RuntimeSettings::resolved`]).
pub fn configure(settings: &RuntimeSettings) -> Result<(), SettingsError> {
    settings.validate()?;
    state().configure(settings.clone().resolved())
}

/// Checks settings as [`configure`] would, without recording them.
pub fn check(settings: &RuntimeSettings) -> Result<(), SettingsError> {
    settings.validate()?;
    state().check(&settings.clone().resolved())
}

/// Sets only the worker count (0: no opinion, always accepted), the other settings at their
/// defaults unless some were configured already. The ABI's first runtime call.
pub fn configure_worker_threads(worker_threads: usize) -> Result<(), SettingsError> {
    if worker_threads == 0 {
        return Ok(());
    }
    let mut state = state();
    let mut wanted = match &*state {
        State::Open(Some(fixed)) | State::Running(fixed) => fixed.clone(),
        State::Open(None) => RuntimeSettings::default(),
    };
    wanted.worker_threads = worker_threads;
    wanted.validate()?;
    state.configure(wanted)
}

/// The settings the runtime runs with, once it runs.
pub fn running() -> Option<RuntimeSettings> {
    match &*state() {
        State::Running(settings) => Some(settings.clone()),
        State::Open(_) => None,
    }
}

/// The shared runtime, created on first use.
pub fn handle() -> &'static Handle {
    RUNTIME.get_or_init(build).handle()
}

fn build() -> Runtime {
    // The settings are fixed under the lock, so a concurrent `configure` either lands before
    // (and is used) or sees the runtime running.
    let settings = state().start();
    settings
        .builder()
        .build()
        .expect("the otelbridge runtime could not start its worker threads")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_workers(worker_threads: usize) -> RuntimeSettings {
        RuntimeSettings {
            worker_threads,
            ..RuntimeSettings::default()
        }
    }

    #[test]
    fn settings_read_like_a_config_and_name_the_field() {
        let json = br#"{"worker_threads":4,"thread_stack_size":"1MiB","thread_keep_alive":"1m30s","global_queue_interval":31}"#;
        let settings = RuntimeSettings::from_json(json).expect("valid");
        assert_eq!(
            settings,
            RuntimeSettings {
                worker_threads: 4,
                thread_stack_size: 1 << 20,
                thread_keep_alive: Duration::from_secs(90),
                global_queue_interval: 31,
                ..RuntimeSettings::default()
            }
        );
        let cases: [(&[u8], &str); 7] = [
            (br#"{"worker_thread":4}"#, "worker_thread: unknown field"),
            (
                br#"{"max_blocking_threads":0}"#,
                "max_blocking_threads: must be at least 1",
            ),
            (
                br#"{"event_interval":0}"#,
                "event_interval: must be at least 1",
            ),
            (
                br#"{"worker_threads":5000}"#,
                "worker_threads: must be at most 1024",
            ),
            (
                br#"{"thread_stack_size":"16KiB"}"#,
                "thread_stack_size: must be at least 64KiB",
            ),
            (
                br#"{"thread_stack_size":"2MB"}"#,
                "thread_stack_size: invalid size \"2MB\"",
            ),
            (
                br#"{"thread_keep_alive":"-1s"}"#,
                "thread_keep_alive: invalid duration",
            ),
        ];
        for (json, want) in cases {
            let err = RuntimeSettings::from_json(json).expect_err(want);
            assert!(err.to_string().starts_with(want), "{err}");
        }
        assert_eq!(
            RuntimeSettings::from_json(b"").expect("empty"),
            RuntimeSettings::default()
        );
    }

    #[test]
    fn before_start_the_first_settings_win_and_others_conflict() {
        let mut state = State::Open(None);
        assert_eq!(state.check(&with_workers(3)), Ok(()));
        assert_eq!(state.configure(with_workers(3)), Ok(()));
        assert_eq!(state.configure(with_workers(3)), Ok(()), "identical");
        let err = state.configure(with_workers(2)).expect_err("conflict");
        assert_eq!(
            err,
            SettingsError::Conflict(vec![Difference {
                field: "worker_threads",
                fixed: "3".into(),
                wanted: "2".into()
            }])
        );
        assert!(
            err.to_string().starts_with(
                "worker_threads: 2 conflicts with 3, configured earlier in this process;"
            ),
            "{err}"
        );
        assert_eq!(state.start(), with_workers(3), "the first settings start");
    }

    #[test]
    fn once_running_only_the_running_settings_are_accepted() {
        let mut state = State::Open(None);
        let started = state.start();
        assert_eq!(started, RuntimeSettings::default().resolved());
        assert_eq!(state.configure(started.clone()), Ok(()));
        let wanted = RuntimeSettings {
            thread_stack_size: 1 << 20,
            thread_keep_alive: Duration::from_secs(5),
            ..started.clone()
        };
        let err = state.check(&wanted).expect_err("running");
        assert_eq!(
            err.to_string(),
            "thread_stack_size: the otelbridge runtime is already running with 2MiB, not 1MiB; \
             thread_keep_alive: the otelbridge runtime is already running with 10s, not 5s; \
             the runtime's settings apply when it starts: restart the collector to change them"
        );
        assert_eq!(state.configure(wanted), Err(err));
    }

    #[test]
    fn a_zero_worker_count_resolves_to_the_cpu_count() {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        if std::env::var_os(WORKER_THREADS_ENV).is_none() {
            assert_eq!(with_workers(0).resolved().worker_threads, cpus);
        }
        assert_eq!(with_workers(7).resolved().worker_threads, 7);
    }
}
