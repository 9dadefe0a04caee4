//! The job queue: one interface, two engines.
//!
//! - [`Queue::local`]: in-process and in memory (tests, one-shot runs).
//! - [`Queue::persisted`]: in-process, jobs persisted in the store, for `codevoyage serve` on
//!   one machine: a restarted server resumes its unfinished analyses.
//! - [`Queue::redis`]: Redis Streams with a consumer group (see `docs/adr/0003`), for any
//!   number of `codevoyage worker` processes on any machines.
//!
//! Both give at-least-once delivery: a job is handed to one consumer and stays pending until
//! acknowledged; a consumer that stops heart-beating for longer than the visibility timeout
//! loses the job to the next `take`. Failures are retried with exponential backoff and jitter
//! up to `max_attempts`, then moved to the dead-letter list with their last error. Job
//! handlers must therefore be idempotent, which the pipeline's writes are.

mod local;
mod persisted;
mod redis_streams;

pub use local::LocalQueue;
pub use persisted::PersistedQueue;
pub use redis_streams::RedisQueue;

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What to do, e.g. `"analyze"`; workers dispatch on it.
    pub kind: String,
    /// The job's arguments as JSON text.
    pub payload: String,
    /// Carried into the worker's logs so one request can be followed end to end.
    pub correlation_id: Option<String>,
}

/// A job as stored in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    /// 1 for the first run, incremented by each retry after a failure.
    pub attempt: u32,
    #[serde(default)]
    pub correlation_id: Option<String>,
    pub enqueued_at_ms: i64,
    /// The error of the previous attempt, when this is a retry.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// A job handed to one consumer; settle it with `ack` or `fail`.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub job: Job,
    /// How many times this attempt was handed out (more than 1 after a consumer died).
    pub deliveries: u32,
    /// The engine's handle of this delivery (stream entry id, or a local token).
    pub(crate) token: String,
}

/// What happened to a failed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOutcome {
    /// Scheduled again after `delay`.
    Retried { attempt: u32, delay: Duration },
    /// Out of attempts: moved to the dead-letter list.
    DeadLettered,
}

/// A job that ran out of attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub job: Job,
    pub error: String,
    pub failed_at_ms: i64,
}

/// How many jobs are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueDepth {
    /// Waiting to be taken.
    pub ready: u64,
    /// Waiting for their retry time.
    pub delayed: u64,
    /// Taken and not yet settled.
    pub in_flight: u64,
    /// In the dead-letter list.
    pub dead: u64,
}

/// Retry and liveness settings, shared by both engines.
#[derive(Debug, Clone)]
pub struct QueueOptions {
    /// Attempts before a job is dead-lettered (a crash-redelivery counts as an attempt too).
    pub max_attempts: u32,
    /// A taken job whose consumer has not heart-beaten for this long goes to another consumer.
    pub visibility_timeout: Duration,
    /// Delay before the first retry; doubled for each further attempt.
    pub backoff_base: Duration,
    /// Upper bound of the retry delay.
    pub backoff_max: Duration,
}

impl Default for QueueOptions {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            visibility_timeout: Duration::from_secs(60),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
        }
    }
}

impl QueueOptions {
    /// `base × 2^(attempt−1)`, capped at `backoff_max`, then scaled by a jitter factor in
    /// [0.8, 1.2) derived from the job id and attempt, so that jobs failing together do not
    /// all retry in the same instant.
    pub fn backoff(&self, job_id: &str, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        let raw = self
            .backoff_base
            .saturating_mul(1u32 << exp)
            .min(self.backoff_max);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in job_id.bytes().chain(attempt.to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let jitter = 0.8 + (h % 4000) as f64 / 10_000.0;
        raw.mul_f64(jitter)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the Redis queue failed: {0} (is Redis reachable at the configured redis_url?)")]
    Redis(#[from] redis::RedisError),
    #[error("a queue entry could not be read: {0}")]
    Corrupt(String),
    #[error("the persisted queue failed: {0}")]
    Store(#[from] codevoyage_store::StoreError),
}

/// The queue, whichever engine runs it. Cloning shares the same queue.
#[derive(Debug, Clone)]
pub enum Queue {
    Local(Arc<LocalQueue>),
    Persisted(Arc<PersistedQueue>),
    Redis(Arc<RedisQueue>),
}

impl Queue {
    pub fn local(options: QueueOptions) -> Queue {
        Queue::Local(Arc::new(LocalQueue::new(options)))
    }

    /// The queue `name` persisted in `store` (which must be migrated).
    pub fn persisted(store: codevoyage_store::Store, name: &str, options: QueueOptions) -> Queue {
        Queue::Persisted(Arc::new(PersistedQueue::new(store, name, options)))
    }

    /// Connects to Redis; `prefix` namespaces the keys (one queue per prefix).
    pub async fn redis(
        url: &str,
        prefix: &str,
        options: QueueOptions,
    ) -> Result<Queue, QueueError> {
        Ok(Queue::Redis(Arc::new(
            RedisQueue::connect(url, prefix, options).await?,
        )))
    }

    pub async fn enqueue(&self, job: NewJob) -> Result<String, QueueError> {
        let job = Job {
            id: new_job_id(),
            kind: job.kind,
            payload: job.payload,
            attempt: 1,
            correlation_id: job.correlation_id,
            enqueued_at_ms: now_ms(),
            last_error: None,
        };
        let id = job.id.clone();
        match self {
            Queue::Local(q) => q.push(job),
            Queue::Persisted(q) => q.push(&job).await?,
            Queue::Redis(q) => q.push(&job).await?,
        }
        Ok(id)
    }

    /// Takes the next job for `consumer`, waiting up to `wait` for one to arrive.
    pub async fn take(
        &self,
        consumer: &str,
        wait: Duration,
    ) -> Result<Option<Delivery>, QueueError> {
        match self {
            Queue::Local(q) => Ok(q.take(consumer, wait).await),
            Queue::Persisted(q) => q.take(consumer, wait).await,
            Queue::Redis(q) => q.take(consumer, wait).await,
        }
    }

    /// The job succeeded: remove it for good.
    pub async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        match self {
            Queue::Local(q) => {
                q.ack(delivery);
                Ok(())
            }
            Queue::Persisted(q) => q.ack(delivery).await,
            Queue::Redis(q) => q.ack(delivery).await,
        }
    }

    /// Tells the queue the consumer is still working on the job (call well within the
    /// visibility timeout during long jobs).
    pub async fn heartbeat(&self, consumer: &str, delivery: &Delivery) -> Result<(), QueueError> {
        match self {
            Queue::Local(q) => {
                q.heartbeat(delivery);
                Ok(())
            }
            Queue::Persisted(q) => q.heartbeat(delivery).await,
            Queue::Redis(q) => q.heartbeat(consumer, delivery).await,
        }
    }

    /// The job failed: retry it later, or dead-letter it when out of attempts.
    pub async fn fail(&self, delivery: &Delivery, error: &str) -> Result<RetryOutcome, QueueError> {
        match self {
            Queue::Local(q) => Ok(q.fail(delivery, error)),
            Queue::Persisted(q) => q.fail(delivery, error).await,
            Queue::Redis(q) => q.fail(delivery, error).await,
        }
    }

    pub async fn depth(&self) -> Result<QueueDepth, QueueError> {
        match self {
            Queue::Local(q) => Ok(q.depth()),
            Queue::Persisted(q) => q.depth().await,
            Queue::Redis(q) => q.depth().await,
        }
    }

    /// The analyses that have a job in the queue: waiting, delayed for a retry, or taken and
    /// not yet settled. The workers' sweep re-enqueues unfinished analyses missing from it
    /// (a Redis restarted without persistence loses its streams).
    pub async fn pending_analyses(&self) -> Result<std::collections::HashSet<i64>, QueueError> {
        let ids = match self {
            Queue::Local(q) => q
                .payloads()
                .iter()
                .filter_map(|p| persisted::analysis_id_of(p))
                .collect(),
            Queue::Persisted(q) => q.pending_analyses().await?,
            Queue::Redis(q) => q.pending_analyses().await?,
        };
        Ok(ids.into_iter().collect())
    }

    /// The newest dead letters first.
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        match self {
            Queue::Local(q) => Ok(q.dead_letters(limit)),
            Queue::Persisted(q) => q.dead_letters(limit).await,
            Queue::Redis(q) => q.dead_letters(limit).await,
        }
    }

    pub fn options(&self) -> &QueueOptions {
        match self {
            Queue::Local(q) => q.options(),
            Queue::Persisted(q) => q.options(),
            Queue::Redis(q) => q.options(),
        }
    }
}

/// What `fail` decides for a delivery, shared by both engines.
pub(crate) fn next_step(
    options: &QueueOptions,
    delivery: &Delivery,
    error: &str,
) -> Result<Job, Box<DeadLetter>> {
    // A redelivery after a crash also used up an attempt: a job that kills its worker every
    // time must not circulate forever.
    let used = delivery.job.attempt + delivery.deliveries.saturating_sub(1);
    if used >= options.max_attempts {
        return Err(Box::new(DeadLetter {
            job: delivery.job.clone(),
            error: error.to_string(),
            failed_at_ms: now_ms(),
        }));
    }
    let mut job = delivery.job.clone();
    job.attempt = used + 1;
    job.last_error = Some(error.to_string());
    Ok(job)
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unique enough across processes and machines: time, process id, a counter and the host's
/// random-ish address-space layout.
pub(crate) fn new_job_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let salt = (&COUNTER as *const AtomicU64 as u64) >> 4;
    format!(
        "{:x}-{:x}-{:x}-{:x}",
        now_ms(),
        std::process::id(),
        salt & 0xffff_ffff,
        n
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered_within_bounds() {
        let o = QueueOptions {
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(10),
            ..Default::default()
        };
        for attempt in 1..=8 {
            let raw = (1u64 << (attempt - 1)).min(10) as f64;
            let d = o.backoff("job", attempt).as_secs_f64();
            assert!(
                d >= raw * 0.8 - 1e-9 && d < raw * 1.2,
                "attempt {attempt}: {d} vs {raw}"
            );
        }
        assert_eq!(
            o.backoff("a", 3),
            o.backoff("a", 3),
            "deterministic for the same job and attempt"
        );
    }

    #[test]
    fn job_ids_are_unique() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_job_id()).collect();
        assert_eq!(ids.len(), 10_000);
    }
}
