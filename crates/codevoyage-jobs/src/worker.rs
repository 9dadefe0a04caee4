//! A worker: takes stage jobs of analyses from the queue and runs them, heart-beating while
//! it works.
//!
//! The analysis row in the store is an analysis's durable state; a queue entry only says "run
//! stage S of analysis N" (see `pipeline::staged`: fetch, then history and metrics in
//! parallel, then insights and compile once both are done). A worker that dies mid-job stops
//! heart-beating, so after the visibility timeout another worker reclaims the entry and
//! re-runs the stage; checkpoints skip what was stored and idempotent writes make the re-run
//! leave exactly the rows of one clean run.
//!
//! The queue itself may lose jobs: a Redis restarted without persistence comes back empty.
//! Workers therefore heart-beat the analysis row too (`analyses.lease_until`) and sweep, every
//! visibility timeout, for unfinished analyses whose lease ran out and which have no job in
//! the queue; one worker (the one that takes the analysis's lease) re-enqueues its fetch job,
//! which resumes from the checkpoints. An unreachable queue never stops a worker: it waits
//! with backoff and carries on when the queue is back.

use crate::events::EventBus;
use crate::pipeline::{ANALYZE_JOB, AnalysisJob, StageJob, StageOutcome, job_stage, run_stage};
use crate::queue::{Delivery, NewJob, Queue, QueueError, RetryOutcome, now_ms};
use codevoyage_store::{AnalysisUpdate, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;

/// Unfinished analyses looked at per sweep.
const SWEEP_BATCH: usize = 100;
/// Longest pause after the queue failed to answer.
const MAX_QUEUE_BACKOFF: Duration = Duration::from_secs(5);

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
    /// How often this worker sweeps for unfinished analyses that lost their jobs; `None`:
    /// never; zero (the default): every visibility timeout of the queue.
    pub sweep_every: Option<Duration>,
}

impl WorkerOptions {
    pub fn new(consumer: impl Into<String>) -> Self {
        Self {
            consumer: consumer.into(),
            poll: Duration::from_secs(1),
            fetch: crate::source::FetchOptions::default(),
            cancel_poll: Duration::from_millis(500),
            summarizer: None,
            sweep_every: Some(Duration::ZERO),
        }
    }
}

/// Counts of what a worker did, returned when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Analyses this worker completed (it ran their last stage).
    pub succeeded: u64,
    /// Stage jobs that failed (each retry counts).
    pub failed: u64,
    /// Stage jobs completed that were not an analysis's last.
    pub stages: u64,
    /// Analyses re-enqueued by this worker's sweep.
    pub resumed: u64,
}

/// Runs jobs until `shutdown` becomes true. The job in hand when shutdown is asked for is
/// finished first (graceful shutdown loses no job). A queue that stops answering is waited
/// for with backoff; the worker only ends when asked to.
pub async fn run_worker(
    queue: Queue,
    store: Store,
    bus: EventBus,
    options: WorkerOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<WorkerStats, QueueError> {
    let mut stats = WorkerStats::default();
    tracing::info!(consumer = %options.consumer, "worker started");
    let sweep_every = options.sweep_every.map(|d| {
        if d.is_zero() {
            queue
                .options()
                .visibility_timeout
                .max(Duration::from_secs(1))
        } else {
            d
        }
    });
    // The first sweep waits one period, so that a fleet starting together has its jobs
    // taken before anyone looks for lost ones.
    let mut next_sweep = sweep_every.map(|d| tokio::time::Instant::now() + d);
    let mut backoff = Duration::from_millis(250);
    while !*shutdown.borrow() {
        if let (Some(every), Some(at)) = (sweep_every, next_sweep)
            && tokio::time::Instant::now() >= at
        {
            match sweep(&queue, &store).await {
                Ok(n) => stats.resumed += n,
                Err(e) => tracing::warn!(error = %e, "the sweep for lost analyses failed"),
            }
            next_sweep = Some(tokio::time::Instant::now() + every);
        }
        let delivery = tokio::select! {
            d = queue.take(&options.consumer, options.poll) => d,
            _ = shutdown.changed() => break,
        };
        let delivery = match delivery {
            Ok(d) => {
                backoff = Duration::from_millis(250);
                d
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "the queue did not answer; waiting for it");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => break,
                }
                backoff = (backoff * 2).min(MAX_QUEUE_BACKOFF);
                continue;
            }
        };
        let Some(delivery) = delivery else { continue };
        match handle(&queue, &store, &bus, &options, delivery).await {
            Handled::Finished => stats.succeeded += 1,
            Handled::Continued => stats.stages += 1,
            Handled::Failed => stats.failed += 1,
        }
    }
    tracing::info!(consumer = %options.consumer, ?stats, "worker stopped");
    Ok(stats)
}

/// Re-enqueues the fetch (resume) job of every unfinished analysis that has neither a live
/// lease nor a job in the queue, i.e. whose job the queue lost. Returns how many.
///
/// The candidates are read from the store before the queue is read, and each must be won
/// with an atomic update of its lease, so a job moving through the queue meanwhile, another
/// worker's sweep, or an analysis being registered right now is never doubled: only
/// analyses created more than two visibility timeouts ago and silent for one are touched.
pub async fn sweep(queue: &Queue, store: &Store) -> Result<u64, QueueError> {
    let visibility = queue.options().visibility_timeout;
    let now = now_ms();
    let grace = i64::try_from((visibility * 2).as_secs().max(2)).unwrap_or(i64::MAX);
    let created_before = now / 1000 - grace;
    let candidates = store
        .unleased_analyses(now, created_before, SWEEP_BATCH)
        .await?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let pending = queue.pending_analyses().await?;
    let lease = i64::try_from(visibility.as_millis()).unwrap_or(i64::MAX);
    let mut resumed = 0;
    for analysis_id in candidates {
        if pending.contains(&analysis_id)
            || !store
                .claim_unleased_analysis(analysis_id, now, now.saturating_add(lease))
                .await?
        {
            continue;
        }
        let payload = serde_json::to_string(&AnalysisJob {
            analysis_id,
            rev: None,
            threads: 0,
        })
        .map_err(|e| QueueError::Corrupt(e.to_string()))?;
        let job = queue
            .enqueue(NewJob {
                kind: ANALYZE_JOB.into(),
                payload,
                correlation_id: Some(format!("sweep-{analysis_id}")),
            })
            .await?;
        tracing::warn!(analysis_id, %job, "an unfinished analysis had no job in the queue and no worker; re-enqueued to resume from its checkpoints");
        resumed += 1;
    }
    Ok(resumed)
}

/// How a delivery ended.
enum Handled {
    Finished,
    Continued,
    Failed,
}

/// Runs one delivery inside a span carrying the job id and the request's correlation id.
async fn handle(
    queue: &Queue,
    store: &Store,
    bus: &EventBus,
    options: &WorkerOptions,
    delivery: Delivery,
) -> Handled {
    let correlation = delivery.job.correlation_id.clone().unwrap_or_default();
    let span = tracing::info_span!("job", job = %delivery.job.id, kind = %delivery.job.kind, correlation_id = %correlation, attempt = delivery.job.attempt);
    handle_in_span(queue, store, bus, options, delivery)
        .instrument(span)
        .await
}

/// Settles a delivery; a queue that cannot be reached is logged, not fatal: the entry comes
/// back after the visibility timeout, or the sweep re-enqueues its analysis.
async fn settle(queue: &Queue, delivery: &Delivery, error: Option<&str>) -> Option<RetryOutcome> {
    let result = match error {
        None => queue.ack(delivery).await.map(|()| None),
        Some(error) => queue.fail(delivery, error).await.map(Some),
    };
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not settle the job with the queue");
        None
    })
}

async fn handle_in_span(
    queue: &Queue,
    store: &Store,
    bus: &EventBus,
    options: &WorkerOptions,
    delivery: Delivery,
) -> Handled {
    let Some(stage) = job_stage(&delivery.job.kind) else {
        let error = format!("unknown job kind {:?}", delivery.job.kind);
        settle(queue, &delivery, Some(&error)).await;
        return Handled::Failed;
    };
    let job: AnalysisJob = match serde_json::from_str(&delivery.job.payload) {
        Ok(j) => j,
        Err(e) => {
            // A payload that cannot be read will never succeed: no retries.
            tracing::error!(error = %e, "unreadable job payload");
            let mut last = delivery.clone();
            last.job.attempt = queue.options().max_attempts;
            settle(queue, &last, Some(&format!("unreadable payload: {e}"))).await;
            return Handled::Failed;
        }
    };
    tracing::info!(
        analysis_id = job.analysis_id,
        stage = stage.as_str(),
        "running a stage"
    );

    // Heart-beat at a third of the visibility timeout while the job runs, to the queue and to
    // the analysis row (the sweep's liveness). The guard aborts the task however this
    // function ends, including when the worker itself is aborted: a heartbeat that outlived
    // its worker would keep the job from ever being reclaimed.
    let visibility = queue.options().visibility_timeout;
    let lease_ms = i64::try_from(visibility.as_millis()).unwrap_or(i64::MAX);
    if let Err(e) = store
        .extend_analysis_lease(job.analysis_id, now_ms().saturating_add(lease_ms))
        .await
    {
        tracing::warn!(error = %e, "could not take the analysis lease");
    }
    let beat_every = visibility / 3;
    let (beat_queue, beat_store, beat_delivery, consumer, beat_id) = (
        queue.clone(),
        store.clone(),
        delivery.clone(),
        options.consumer.clone(),
        job.analysis_id,
    );
    let _heartbeat = AbortOnDrop(tokio::spawn(async move {
        let mut tick = tokio::time::interval(beat_every.max(Duration::from_millis(50)));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = beat_store
                .extend_analysis_lease(beat_id, now_ms().saturating_add(lease_ms))
                .await
            {
                tracing::warn!(error = %e, "could not extend the analysis lease");
            }
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
    let stage_job = StageJob {
        store,
        bus,
        queue,
        job: &job,
        job_id: &delivery.job.id,
        correlation_id: delivery.job.correlation_id.as_deref(),
        worker: &options.consumer,
        fetch: &options.fetch,
        cancel,
        summarizer: options.summarizer.as_deref(),
    };
    let result = run_stage(&stage_job, stage).await;

    match result {
        Ok(outcome) => {
            tracing::info!(
                analysis_id = job.analysis_id,
                stage = stage.as_str(),
                ?outcome,
                "stage done"
            );
            settle(queue, &delivery, None).await;
            match outcome {
                StageOutcome::Finished => Handled::Finished,
                StageOutcome::Continued => Handled::Continued,
            }
        }
        Err(e) if e.is_permanent() => {
            // The repository itself is unusable, or the analysis was cancelled, deleted or has
            // ended already (recorded on its row): retrying cannot help.
            tracing::warn!(error = %e, "stage failed permanently");
            settle(queue, &delivery, None).await;
            Handled::Failed
        }
        Err(e) => {
            let message = e.to_string();
            match settle(queue, &delivery, Some(&message)).await {
                Some(RetryOutcome::Retried { attempt, delay }) => {
                    tracing::warn!(error = %message, next_attempt = attempt, ?delay, "stage failed; will retry");
                    // The analysis stays as it is (its other stage may be running); the error
                    // says why it is slow.
                    let update = AnalysisUpdate {
                        error: Some(format!("retrying the {} stage: {message}", stage.as_str())),
                        ..Default::default()
                    };
                    if let Err(store_err) = store.update_analysis(job.analysis_id, &update).await {
                        tracing::warn!(error = %store_err, "could not record the retry");
                    }
                }
                Some(RetryOutcome::DeadLettered) => {
                    tracing::error!(error = %message, "stage failed after its last attempt");
                    crate::pipeline::record_dead(store, bus, job.analysis_id, &message).await;
                }
                // The queue is unreachable: the entry comes back after the visibility
                // timeout (or the sweep re-enqueues the analysis).
                None => {}
            }
            Handled::Failed
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
