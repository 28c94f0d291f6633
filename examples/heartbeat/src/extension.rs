//! The extension: a background task that beats every interval until shutdown.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use otelbridge::CancellationToken;
use otelbridge::tokio::task::JoinHandle;
use otelbridge::tokio::time::{self, MissedTickBehavior};
use otelbridge::{Config, Context, Error, ErrorKind, Extension};

use crate::config::HeartbeatConfig;
use crate::health::{Health, SharedHealth};

/// The `heartbeat` extension. The collector gets it through [`crate::factory`]; Rust code can also
/// build one directly, drive it through [`Extension`], and read its [`Heartbeat::health`].
#[derive(Debug)]
pub struct Heartbeat {
    config: HeartbeatConfig,
    health: Arc<SharedHealth>,
    task: Mutex<Option<Task>>,
}

/// The running background task.
#[derive(Debug)]
struct Task {
    stop: CancellationToken,
    handle: JoinHandle<()>,
}

impl Heartbeat {
    /// Validates `config`. Starts nothing: that is [`Extension::start`]'s job.
    pub fn new(config: HeartbeatConfig) -> Result<Heartbeat, Error> {
        config
            .validate()
            .map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))?;
        Ok(Heartbeat {
            config,
            health: Arc::default(),
            task: Mutex::new(None),
        })
    }

    /// A snapshot of the heartbeat's health.
    pub fn health(&self) -> Health {
        self.health.snapshot()
    }

    fn task(&self) -> MutexGuard<'_, Option<Task>> {
        self.task.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Extension for Heartbeat {
    async fn start(&self, _ctx: &Context) -> Result<(), Error> {
        let mut task = self.task();
        if task.is_some() {
            return Err(Error::permanent(
                "heartbeat is already started; shut it down before starting it again",
            ));
        }
        self.health.reset();
        let stop = CancellationToken::new();
        let handle = otelbridge::runtime::spawn(beat(
            self.config.clone(),
            Arc::clone(&self.health),
            stop.clone(),
        ));
        *task = Some(Task { stop, handle });
        tracing::info!(
            interval = %otelbridge::duration::format(self.config.interval),
            "heartbeat started"
        );
        Ok(())
    }

    async fn shutdown(&self, ctx: &Context) -> Result<(), Error> {
        let task = self.task().take();
        let Some(Task { stop, handle }) = task else {
            return Ok(());
        };
        stop.cancel();
        let stopped = join_within(handle, ctx.remaining()).await;
        let beats = self.health.stop();
        tracing::info!(beats, "heartbeat stopped");
        stopped
    }
}

/// The background task: beats every interval (the first at once) until `stop` is cancelled.
async fn beat(config: HeartbeatConfig, health: Arc<SharedHealth>, stop: CancellationToken) {
    let mut ticker = time::interval(config.interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        otelbridge::tokio::select! {
            biased;
            () = stop.cancelled() => return,
            _ = ticker.tick() => {
                let Some(beats) = health.beat(|| stop.is_cancelled()) else {
                    return;
                };
                tracing::info!(beats, "{}", config.message);
            }
        }
    }
}

/// Waits for the task to end, at most `remaining` if given. A task that outlives the deadline is
/// aborted and the wait fails with a deadline error.
async fn join_within(mut handle: JoinHandle<()>, remaining: Option<Duration>) -> Result<(), Error> {
    let joined = match remaining {
        Some(limit) => match time::timeout(limit, &mut handle).await {
            Ok(joined) => joined,
            Err(_) => {
                handle.abort();
                return Err(Error::deadline_exceeded(format!(
                    "the heartbeat task did not stop within {}; it was aborted",
                    otelbridge::duration::format(limit)
                )));
            }
        },
        None => handle.await,
    };
    joined.map_err(|err| Error::permanent(format!("the heartbeat task failed: {err}")))
}

#[cfg(test)]
mod tests {
    use otelbridge::tokio::time::Instant;

    use super::*;
    use crate::health::State;

    fn heartbeat(interval: Duration) -> Heartbeat {
        Heartbeat::new(HeartbeatConfig {
            interval,
            ..HeartbeatConfig::default()
        })
        .expect("valid config")
    }

    fn with_deadline(limit: Duration) -> Context {
        Context::background().with_deadline(Instant::now() + limit)
    }

    /// Waits (in real time, the task runs on the shared runtime) until `beats` beats happened.
    async fn wait_for_beats(heartbeat: &Heartbeat, beats: u64) -> Health {
        let give_up = Instant::now() + Duration::from_secs(10);
        loop {
            let health = heartbeat.health();
            if health.beats >= beats {
                return health;
            }
            assert!(
                Instant::now() < give_up,
                "no {beats} beats in 10s: {health:?}"
            );
            time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn start_beats_every_interval_until_shutdown() {
        let heartbeat = heartbeat(Duration::from_millis(10));
        assert_eq!(heartbeat.health().state, State::Starting);
        heartbeat
            .start(&Context::background())
            .await
            .expect("starts");

        let health = wait_for_beats(&heartbeat, 3).await;
        assert_eq!(health.state, State::Running);
        assert!(health.last_beat.is_some());

        heartbeat
            .shutdown(&with_deadline(Duration::from_secs(5)))
            .await
            .expect("stops in time");
        assert!(heartbeat.task().is_none(), "the task is gone");
        let stopped = heartbeat.health();
        assert_eq!(stopped.state, State::Stopped);
        assert!(stopped.beats >= 3);

        time::sleep(Duration::from_millis(50)).await;
        assert_eq!(heartbeat.health(), stopped, "no beat after shutdown");
    }

    #[tokio::test]
    async fn start_twice_without_shutdown_is_an_error() {
        let heartbeat = heartbeat(Duration::from_secs(60));
        let ctx = Context::background();
        heartbeat.start(&ctx).await.expect("first start");
        let err = heartbeat.start(&ctx).await.expect_err("second start");
        assert!(err.message().contains("already started"), "{err}");
        heartbeat.shutdown(&ctx).await.expect("stops");
    }

    #[tokio::test]
    async fn shutdown_without_start_is_ok() {
        let heartbeat = heartbeat(Duration::from_secs(1));
        heartbeat
            .shutdown(&Context::background())
            .await
            .expect("nothing to stop");
        assert_eq!(heartbeat.health().beats, 0);
    }

    #[tokio::test]
    async fn restart_after_shutdown_starts_counting_again() {
        // The first beat comes at once; the next would take an hour.
        let heartbeat = heartbeat(Duration::from_secs(3600));
        let ctx = Context::background();
        for _ in 0..2 {
            heartbeat.start(&ctx).await.expect("starts");
            assert_eq!(wait_for_beats(&heartbeat, 1).await.beats, 1);
            heartbeat.shutdown(&ctx).await.expect("stops");
            assert_eq!(heartbeat.health().state, State::Stopped);
        }
    }

    #[tokio::test]
    async fn task_that_outlives_the_deadline_is_aborted() {
        let handle = otelbridge::runtime::spawn(std::future::pending::<()>());
        let err = join_within(handle, Some(Duration::from_millis(10)))
            .await
            .expect_err("never ends");
        assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
        assert!(err.message().contains("within 10ms"), "{err}");
    }

    #[test]
    fn new_rejects_a_zero_interval() {
        let err = Heartbeat::new(HeartbeatConfig {
            interval: Duration::ZERO,
            ..HeartbeatConfig::default()
        })
        .expect_err("zero interval");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(err.message(), "interval: must be greater than 0s");
    }
}
