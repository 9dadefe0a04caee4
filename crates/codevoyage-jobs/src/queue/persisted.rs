//! The persisted local queue engine: jobs are rows of the store's `jobs` table, so a
//! restarted `codevoyage serve` finds and resumes its unfinished analyses.
//!
//! A `take` claims the oldest claimable row under a lease (see `codevoyage_store`'s jobs
//! module: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one atomic statement on SQLite); the
//! consumer extends the lease by heart-beating; a lease that runs out (the process died, or
//! hangs) makes the job claimable again, counted as a further delivery. Ack, heartbeat and
//! fail name the lease token, so a consumer that lost its lease cannot settle the job that
//! another consumer now holds. Waiting consumers are woken at once by enqueues in this
//! process, and otherwise poll at the earliest retry time or lease expiry (at most every
//! [`POLL`], for jobs enqueued by other processes).

use super::{
    DeadLetter, Delivery, Job, QueueDepth, QueueError, QueueOptions, RetryOutcome, new_job_id,
    next_step, now_ms,
};
use codevoyage_store::{JobRow, NewJobRow, Store};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Longest wait between two claim attempts when nothing in this process signals new work.
const POLL: Duration = Duration::from_millis(500);

#[derive(Debug)]
pub struct PersistedQueue {
    store: Store,
    name: String,
    options: QueueOptions,
    notify: Notify,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn job_from_row(row: JobRow) -> Job {
    Job {
        id: row.id,
        kind: row.kind,
        payload: row.payload,
        attempt: row.attempt,
        correlation_id: row.correlation_id,
        enqueued_at_ms: row.enqueued_at_ms,
        last_error: row.last_error,
    }
}

/// The analysis a job's payload names, when it names one (for deleting a repository's jobs).
pub(crate) fn analysis_id_of(payload: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()?
        .get("analysis_id")?
        .as_i64()
}

impl PersistedQueue {
    /// A queue named `name` in `store` (migrated); several names share one table.
    pub fn new(store: Store, name: &str, options: QueueOptions) -> Self {
        Self {
            store,
            name: name.to_string(),
            options,
            notify: Notify::new(),
        }
    }

    pub fn options(&self) -> &QueueOptions {
        &self.options
    }

    pub(crate) async fn push(&self, job: &Job) -> Result<(), QueueError> {
        self.store
            .enqueue_job(&NewJobRow {
                id: job.id.clone(),
                queue: self.name.clone(),
                kind: job.kind.clone(),
                payload: job.payload.clone(),
                analysis_id: analysis_id_of(&job.payload),
                attempt: job.attempt,
                correlation_id: job.correlation_id.clone(),
                enqueued_at_ms: job.enqueued_at_ms,
            })
            .await?;
        self.notify.notify_one();
        Ok(())
    }

    pub(crate) async fn take(
        &self,
        consumer: &str,
        wait: Duration,
    ) -> Result<Option<Delivery>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            let notified = self.notify.notified();
            let token = new_job_id();
            let now = now_ms();
            let lease_until = now.saturating_add(ms(self.options.visibility_timeout));
            if let Some(row) = self
                .store
                .claim_job(&self.name, consumer, &token, now, lease_until)
                .await?
            {
                let deliveries = row.deliveries;
                return Ok(Some(Delivery {
                    job: job_from_row(row),
                    deliveries,
                    token,
                }));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            // Sleep until the earliest of: the deadline, the poll interval, the next retry or
            // lease expiry; an enqueue or failure in this process wakes us earlier.
            let mut nap = left.min(POLL);
            if let Some(due) = self.store.next_job_due(&self.name).await? {
                let until_due = u64::try_from(due.saturating_sub(now_ms())).unwrap_or(0);
                nap = nap.min(Duration::from_millis(until_due));
            }
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }

    pub(crate) async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        if !self
            .store
            .ack_job(&delivery.job.id, &delivery.token)
            .await?
        {
            tracing::warn!(job = %delivery.job.id, "acknowledged a job whose lease had been lost; another consumer holds it now");
        }
        Ok(())
    }

    pub(crate) async fn heartbeat(&self, delivery: &Delivery) -> Result<(), QueueError> {
        let until = now_ms().saturating_add(ms(self.options.visibility_timeout));
        if !self
            .store
            .extend_job_lease(&delivery.job.id, &delivery.token, until)
            .await?
        {
            tracing::warn!(job = %delivery.job.id, "heartbeat of a job whose lease was lost");
        }
        Ok(())
    }

    pub(crate) async fn fail(
        &self,
        delivery: &Delivery,
        error: &str,
    ) -> Result<RetryOutcome, QueueError> {
        let (outcome, applied) = match next_step(&self.options, delivery, error) {
            Ok(job) => {
                let delay = self.options.backoff(&job.id, job.attempt);
                let applied = self
                    .store
                    .retry_job(
                        &job.id,
                        &delivery.token,
                        job.attempt,
                        error,
                        now_ms().saturating_add(ms(delay)),
                    )
                    .await?;
                (
                    RetryOutcome::Retried {
                        attempt: job.attempt,
                        delay,
                    },
                    applied,
                )
            }
            Err(dead) => {
                let applied = self
                    .store
                    .dead_letter_job(&dead.job.id, &delivery.token, error, dead.failed_at_ms)
                    .await?;
                if applied {
                    tracing::warn!(job = %dead.job.id, error = %dead.error, "job dead-lettered after its last attempt");
                }
                (RetryOutcome::DeadLettered, applied)
            }
        };
        if !applied {
            tracing::warn!(job = %delivery.job.id, "failure of a job whose lease had been lost; another consumer holds it now");
        }
        self.notify.notify_one();
        Ok(outcome)
    }

    /// The analyses with a job waiting, delayed or running in this queue.
    pub(crate) async fn pending_analyses(&self) -> Result<Vec<i64>, QueueError> {
        Ok(self.store.analyses_with_jobs(&self.name).await?)
    }

    pub(crate) async fn depth(&self) -> Result<QueueDepth, QueueError> {
        let c = self.store.job_counts(&self.name, now_ms()).await?;
        Ok(QueueDepth {
            ready: c.ready,
            delayed: c.delayed,
            in_flight: c.in_flight,
            dead: c.dead,
        })
    }

    pub(crate) async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        Ok(self
            .store
            .dead_jobs(&self.name, limit)
            .await?
            .into_iter()
            .map(|row| {
                let error = row.last_error.clone().unwrap_or_default();
                let failed_at_ms = row.failed_at_ms.unwrap_or(0);
                DeadLetter {
                    job: job_from_row(row),
                    error,
                    failed_at_ms,
                }
            })
            .collect())
    }
}
