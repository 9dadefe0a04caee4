//! The in-process queue engine: a mutex-protected state and a `Notify` to wake waiting
//! consumers. Same semantics as the Redis engine, so one conformance suite covers both.

use super::{DeadLetter, Delivery, Job, QueueDepth, QueueOptions, RetryOutcome, next_step};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Debug)]
struct InFlight {
    job: Job,
    deliveries: u32,
    last_seen: Instant,
}

#[derive(Debug, Default)]
struct State {
    ready: VecDeque<(Job, u32)>,
    delayed: Vec<(Instant, Job)>,
    in_flight: HashMap<String, InFlight>,
    dead: Vec<DeadLetter>,
    next_token: u64,
}

#[derive(Debug)]
pub struct LocalQueue {
    options: QueueOptions,
    state: Mutex<State>,
    notify: Notify,
}

impl LocalQueue {
    pub fn new(options: QueueOptions) -> Self {
        Self {
            options,
            state: Mutex::new(State::default()),
            notify: Notify::new(),
        }
    }

    pub fn options(&self) -> &QueueOptions {
        &self.options
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-updated in a way that
        // matters more than losing the queue, so recover the guard.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The payloads of every job waiting, delayed or in flight.
    pub(crate) fn payloads(&self) -> Vec<String> {
        let state = self.lock();
        state
            .ready
            .iter()
            .map(|(j, _)| j.payload.clone())
            .chain(state.delayed.iter().map(|(_, j)| j.payload.clone()))
            .chain(state.in_flight.values().map(|f| f.job.payload.clone()))
            .collect()
    }

    pub(crate) fn push(&self, job: Job) {
        self.lock().ready.push_back((job, 0));
        self.notify.notify_one();
    }

    /// Moves due retries to `ready` and expired deliveries back to the front of `ready`.
    fn housekeeping(&self, state: &mut State, now: Instant) {
        let mut i = 0;
        while i < state.delayed.len() {
            if state.delayed[i].0 <= now {
                let (_, job) = state.delayed.swap_remove(i);
                state.ready.push_back((job, 0));
            } else {
                i += 1;
            }
        }
        let expired: Vec<String> = state
            .in_flight
            .iter()
            .filter(|(_, f)| now.duration_since(f.last_seen) >= self.options.visibility_timeout)
            .map(|(t, _)| t.clone())
            .collect();
        for token in expired {
            if let Some(f) = state.in_flight.remove(&token) {
                state.ready.push_front((f.job, f.deliveries));
            }
        }
    }

    pub(crate) async fn take(&self, _consumer: &str, wait: Duration) -> Option<Delivery> {
        let deadline = Instant::now() + wait;
        loop {
            let notified = self.notify.notified();
            let next_wake = {
                let mut state = self.lock();
                let now = Instant::now();
                self.housekeeping(&mut state, now);
                if let Some((job, previous)) = state.ready.pop_front() {
                    state.next_token += 1;
                    let token = state.next_token.to_string();
                    let deliveries = previous + 1;
                    state.in_flight.insert(
                        token.clone(),
                        InFlight {
                            job: job.clone(),
                            deliveries,
                            last_seen: now,
                        },
                    );
                    return Some(Delivery {
                        job,
                        deliveries,
                        token,
                    });
                }
                // Wake for the earliest of: the deadline, a retry coming due, a lease expiring.
                let mut wake = deadline;
                for (at, _) in &state.delayed {
                    wake = wake.min(*at);
                }
                for f in state.in_flight.values() {
                    wake = wake.min(f.last_seen + self.options.visibility_timeout);
                }
                wake
            };
            if Instant::now() >= deadline {
                return None;
            }
            let _ = tokio::time::timeout_at(next_wake.into(), notified).await;
        }
    }

    pub(crate) fn ack(&self, delivery: &Delivery) {
        self.lock().in_flight.remove(&delivery.token);
    }

    pub(crate) fn heartbeat(&self, delivery: &Delivery) {
        if let Some(f) = self.lock().in_flight.get_mut(&delivery.token) {
            f.last_seen = Instant::now();
        }
    }

    pub(crate) fn fail(&self, delivery: &Delivery, error: &str) -> RetryOutcome {
        let mut state = self.lock();
        state.in_flight.remove(&delivery.token);
        match next_step(&self.options, delivery, error) {
            Ok(job) => {
                let delay = self.options.backoff(&job.id, job.attempt);
                let attempt = job.attempt;
                state.delayed.push((Instant::now() + delay, job));
                drop(state);
                self.notify.notify_one();
                RetryOutcome::Retried { attempt, delay }
            }
            Err(dead) => {
                tracing::warn!(job = %dead.job.id, error = %dead.error, "job dead-lettered after its last attempt");
                state.dead.push(*dead);
                RetryOutcome::DeadLettered
            }
        }
    }

    pub(crate) fn depth(&self) -> QueueDepth {
        let mut state = self.lock();
        self.housekeeping(&mut state, Instant::now());
        QueueDepth {
            ready: state.ready.len() as u64,
            delayed: state.delayed.len() as u64,
            in_flight: state.in_flight.len() as u64,
            dead: state.dead.len() as u64,
        }
    }

    pub(crate) fn dead_letters(&self, limit: usize) -> Vec<DeadLetter> {
        let state = self.lock();
        state.dead.iter().rev().take(limit).cloned().collect()
    }
}
