//! The host program's worker threads: they make the ABI calls that do work (a component's first
//! poll may block its thread) and write the REPLY, so the reader stays free for PING and CANCEL.
//!
//! The pool keeps one worker per CPU and grows by one whenever a request waits with no worker
//! idle, up to a ceiling: a component that blocks its thread holds one worker, as in-process it
//! holds one of the collector's threads, and never the others' requests. Workers beyond the base
//! end after an idle spell.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::spawn;

/// A request for a worker.
pub(super) type Job = Box<dyn FnOnce() + Send>;

/// The most workers there may be.
pub(super) const MAX_WORKERS: usize = 64;

/// How long a worker beyond the base may stay idle before it ends.
pub(super) const IDLE_LINGER: Duration = Duration::from_secs(10);

/// Stack of each worker: glibc's usual default (`ulimit -s`), what a collector's thread has when
/// it makes the same call in-process.
const STACK_SIZE: usize = 8 << 20;

/// An elastic pool of worker threads.
pub(super) struct Pool {
    state: Mutex<State>,
    /// Signalled when a job is queued.
    queued: Condvar,
    /// Signalled when the last unfinished job finishes.
    drained: Condvar,
    base: usize,
    max: usize,
    linger: Duration,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Workers waiting for a job.
    idle: usize,
    /// Workers alive.
    workers: usize,
    /// Jobs queued or running.
    unfinished: usize,
    /// Numbers the workers' thread names.
    spawned: u64,
}

impl Pool {
    /// A pool of `base` workers that grows to `max`; those beyond `base` end after `linger` idle.
    /// Starts the base workers.
    pub(super) fn start(base: usize, max: usize, linger: Duration) -> io::Result<Arc<Pool>> {
        let pool = Arc::new(Pool {
            state: Mutex::new(State::default()),
            queued: Condvar::new(),
            drained: Condvar::new(),
            base: base.clamp(1, max),
            max,
            linger,
        });
        for _ in 0..pool.base {
            let mut state = pool.lock();
            state.workers += 1;
            let number = next_number(&mut state);
            drop(state);
            if let Err(err) = Pool::spawn_worker(&pool, number) {
                pool.lock().workers -= 1;
                return Err(err);
            }
        }
        Ok(pool)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock: a poisoned lock still holds consistent counts.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `job`; adds a worker if every worker is busy and the pool may grow.
    pub(super) fn submit(self: &Arc<Self>, job: Job) {
        let mut state = self.lock();
        state.jobs.push_back(job);
        state.unfinished += 1;
        // Each idle worker takes one queued job: grow only for the jobs none will take.
        let grow = state.jobs.len() > state.idle && state.workers < self.max;
        if !grow {
            drop(state);
            self.queued.notify_one();
            return;
        }
        state.workers += 1;
        let number = next_number(&mut state);
        drop(state);
        if let Err(err) = Pool::spawn_worker(self, number) {
            // The job waits for a worker that is there.
            self.lock().workers -= 1;
            super::say(format_args!("cannot start another worker thread: {err}"));
        }
    }

    /// Waits until every job queued so far has finished.
    pub(super) fn wait_drained(&self) {
        let mut state = self.lock();
        while state.unfinished > 0 {
            state = self
                .drained
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn spawn_worker(pool: &Arc<Pool>, number: u64) -> io::Result<()> {
        let pool = Arc::clone(pool);
        spawn(
            format!("otelbridge-host-worker-{number}"),
            Some(STACK_SIZE),
            move || pool.work(),
        )
        .map(drop)
    }

    /// A worker's life: take jobs until idle too long while the pool is above its base.
    fn work(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                drop(state);
                job();
                state = self.lock();
                state.unfinished -= 1;
                if state.unfinished == 0 {
                    self.drained.notify_all();
                }
                continue;
            }
            state.idle += 1;
            let (next, wait) = self
                .queued
                .wait_timeout(state, self.linger)
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
            state.idle -= 1;
            if wait.timed_out() && state.jobs.is_empty() && state.workers > self.base {
                state.workers -= 1;
                return;
            }
        }
    }

    /// Workers alive, for tests.
    #[cfg(test)]
    fn workers(&self) -> usize {
        self.lock().workers
    }
}

fn next_number(state: &mut State) -> u64 {
    state.spawned += 1;
    state.spawned
}

/// The base: one worker per CPU, at least two (one may block in a component while the other
/// answers), at most [`MAX_WORKERS`].
pub(super) fn base_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, MAX_WORKERS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Instant;

    fn eventually(what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !check() {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Blocking jobs get a worker each, up to the ceiling; the ones beyond the base end when idle.
    #[test]
    fn the_pool_grows_while_all_are_busy_and_shrinks_back_to_its_base() {
        let pool = Pool::start(2, 4, Duration::from_millis(50)).expect("pool");
        assert_eq!(pool.workers(), 2);
        let (release, released) = mpsc::channel::<()>();
        let released = Arc::new(Mutex::new(released));
        let (started, starts) = mpsc::channel();
        for i in 0..6 {
            let (released, started) = (Arc::clone(&released), started.clone());
            pool.submit(Box::new(move || {
                started.send(i).expect("test alive");
                let _ = released.lock().expect("receiver").recv();
            }));
        }
        // Four run at once (the ceiling), two wait.
        for _ in 0..4 {
            starts
                .recv_timeout(Duration::from_secs(10))
                .expect("a job starts");
        }
        assert_eq!(pool.workers(), 4);
        assert!(starts.recv_timeout(Duration::from_millis(100)).is_err());
        for _ in 0..6 {
            release.send(()).expect("jobs alive");
        }
        pool.wait_drained();
        eventually("the extra workers end", || pool.workers() == 2);
    }

    /// One idle worker takes one queued job: a second job does not wait for it.
    #[test]
    fn a_job_never_waits_behind_a_busy_worker_while_the_pool_may_grow() {
        let pool = Pool::start(1, 8, Duration::from_secs(10)).expect("pool");
        let (release, released) = mpsc::channel::<()>();
        pool.submit(Box::new(move || {
            let _ = released.recv();
        }));
        let (done, finished) = mpsc::channel();
        pool.submit(Box::new(move || done.send(()).expect("test alive")));
        finished
            .recv_timeout(Duration::from_secs(10))
            .expect("the second job ran beside the blocked one");
        release.send(()).expect("job alive");
        pool.wait_drained();
    }

    #[test]
    fn the_base_is_at_least_two_and_at_most_the_ceiling() {
        assert!((2..=MAX_WORKERS).contains(&base_workers()));
    }
}
