//! A worker: takes analysis jobs from the queue and runs them, heart-beating while it works.
//!
//! The job's durable state is the analysis row in the store; the queue entry only says "run
//! analysis N". A worker that dies mid-job stops heart-beating, so after the visibility
//! timeout another worker reclaims the entry and re-runs the analysis; idempotent writes
//! make the re-run leave exactly the rows of one clean run.

use crate::events::EventBus;
use crate::pipeline::{ANALYZE_JOB, AnalysisJob, run_job_with_summarizer};
use crate::queue::{Delivery, Queue, QueueError, RetryOutcome};
use codevoyage_store::{AnalysisStatus, AnalysisUpdate, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;

/// Settings of one worker.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The consumer name in the queue; unique per worker process.
    pub consumer: String,
    /// How long one `take` waits before checking for shutdown again.
    pub poll: Duration,
    /// How remote repositories are cloned (and which sources are allowed).
    pub fetch: crate::source::FetchOptions,
    /// How often a running analysis looks for a cancellation request in the store.
    pub cancel_poll: Duration,
    /// Writes the executive summary of each analysis when a language model is configured;
    /// one per process, so its cache and circuit breaker are shared by the process's workers.
    pub summarizer: Option<Arc<codevoyage_llm::Summarizer>>,
}

impl WorkerOptions {
    pub fn new(consumer: impl Into<String>) -> Self {
        Self {
            consumer: consumer.into(),
            poll: Duration::from_secs(1),
            fetch: crate::source::FetchOptions::default(),
            cancel_poll: Duration::from_millis(500),
            summarizer: None,
        }
    }
}

/// Counts of what a worker did, returned when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    pub succeeded: u64,
    pub failed: u64,
}

/// Runs jobs until `shutdown` becomes true. The job in hand when shutdown is asked for is
/// finished first (graceful shutdown loses no job).
pub async fn run_worker(
    queue: Queue,
    store: Store,
    bus: EventBus,
    options: WorkerOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<WorkerStats, QueueError> {
    let mut stats = WorkerStats::default();
    tracing::info!(consumer = %options.consumer, "worker started");
    while !*shutdown.borrow() {
        let delivery = tokio::select! {
            d = queue.take(&options.consumer, options.poll) => d?,
            _ = shutdown.changed() => break,
        };
        let Some(delivery) = delivery else { continue };
        if handle(&queue, &store, &bus, &options, delivery).await? {
            stats.succeeded += 1;
        } else {
            stats.failed += 1;
        }
    }
    tracing::info!(consumer = %options.consumer, ?stats, "worker stopped");
    Ok(stats)
}

/// Runs one delivery inside a span carrying the job id and the request's correlation id;
/// true when it succeeded.
async fn handle(
    queue: &Queue,
    store: &Store,
    bus: &EventBus,
    options: &WorkerOptions,
    delivery: Delivery,
) -> Result<bool, QueueError> {
    let correlation = delivery.job.correlation_id.clone().unwrap_or_default();
    let span = tracing::info_span!("job", job = %delivery.job.id, correlation_id = %correlation, attempt = delivery.job.attempt);
    handle_in_span(queue, store, bus, options, delivery)
        .instrument(span)
        .await
}

async fn handle_in_span(
    queue: &Queue,
    store: &Store,
    bus: &EventBus,
    options: &WorkerOptions,
    delivery: Delivery,
) -> Result<bool, QueueError> {
    if delivery.job.kind != ANALYZE_JOB {
        queue
            .fail(
                &delivery,
                &format!("unknown job kind {:?}", delivery.job.kind),
            )
            .await?;
        return Ok(false);
    }
    let job: AnalysisJob = match serde_json::from_str(&delivery.job.payload) {
        Ok(j) => j,
        Err(e) => {
            // A payload that cannot be read will never succeed: no retries.
            tracing::error!(error = %e, "unreadable job payload");
            let mut last = delivery.clone();
            last.job.attempt = queue.options().max_attempts;
            queue
                .fail(&last, &format!("unreadable payload: {e}"))
                .await?;
            return Ok(false);
        }
    };
    tracing::info!(analysis_id = job.analysis_id, "running analysis");

    // Heart-beat at a third of the visibility timeout while the job runs. The guard aborts
    // the task however this function ends, including when the worker itself is aborted: a
    // heartbeat that outlived its worker would keep the job from ever being reclaimed.
    let beat_every = queue.options().visibility_timeout / 3;
    let (beat_queue, beat_delivery, consumer) =
        (queue.clone(), delivery.clone(), options.consumer.clone());
    let _heartbeat = AbortOnDrop(tokio::spawn(async move {
        let mut tick = tokio::time::interval(beat_every.max(Duration::from_millis(50)));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = beat_queue.heartbeat(&consumer, &beat_delivery).await {
                tracing::warn!(error = %e, "heartbeat failed; the job may be handed to another worker");
            }
        }
    }));
    // Cancellation requests arrive through the store (from any `serve` instance).
    let cancel = Arc::new(AtomicBool::new(false));
    let (watch_store, watch_flag, analysis_id, every) = (
        store.clone(),
        cancel.clone(),
        job.analysis_id,
        options.cancel_poll,
    );
    let _cancel_watch = AbortOnDrop(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
        loop {
            tick.tick().await;
            if watch_store
                .cancel_requested(analysis_id)
                .await
                .unwrap_or(false)
            {
                watch_flag.store(true, Ordering::Relaxed);
                break;
            }
        }
    }));
    let result = run_job_with_summarizer(
        store,
        bus,
        &job,
        cancel,
        &options.fetch,
        options.summarizer.as_deref(),
    )
    .await;

    match result {
        Ok(summary) => {
            tracing::info!(
                analysis_id = job.analysis_id,
                commits = summary.commits_total,
                files = summary.files,
                "analysis succeeded"
            );
            queue.ack(&delivery).await?;
            Ok(true)
        }
        Err(e) if e.is_permanent() => {
            // The repository itself is unusable, or the analysis was cancelled, deleted or has
            // ended already: retrying cannot help.
            tracing::warn!(error = %e, "analysis failed permanently");
            queue.ack(&delivery).await?;
            Ok(false)
        }
        Err(e) => {
            let message = e.to_string();
            match queue.fail(&delivery, &message).await? {
                RetryOutcome::Retried { attempt, delay } => {
                    tracing::warn!(error = %message, next_attempt = attempt, ?delay, "analysis failed; will retry");
                    let update = AnalysisUpdate {
                        status: Some(AnalysisStatus::Queued),
                        error: Some(message),
                        ..Default::default()
                    };
                    if let Err(store_err) = store.update_analysis(job.analysis_id, &update).await {
                        tracing::error!(error = %store_err, "could not mark the analysis for retry");
                    }
                }
                RetryOutcome::DeadLettered => {
                    tracing::error!(error = %message, "analysis failed after its last attempt")
                }
            }
            Ok(false)
        }
    }
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
