//! The stages of an analysis as jobs of their own, which is how workers run analyses.
//!
//! ```text
//! analyze (fetch) ──► analyze:history ──┐
//!                 └─► analyze:metrics ──┴─(join)─► analyze:insights (insights + compile)
//! ```
//!
//! The fetch job resolves the revision (cloning or fetching a remote repository first),
//! stores it on the analysis row and enqueues history and metrics together, so two workers
//! run them in parallel: metrics measures the files at the resolved revision and needs
//! nothing from history. Each of the two records its checkpoint, then tries to claim the
//! join ([`Store::claim_join`]): the claim succeeds only once both checkpoints exist and only
//! for one job, so insights is enqueued exactly once however the two finish. A job is
//! acknowledged only after it enqueued what follows it; a redelivered job (its worker died)
//! finds its checkpoint, skips the work, and enqueues again what it owns (the join belongs to
//! the job that claimed it, by job id), so a crash can duplicate a job but never lose one.
//! Every stage is idempotent, so a duplicate leaves the rows of one run.
//!
//! The fetch job is also the resume job: when the workers' sweep re-enqueues an analysis
//! whose jobs were lost (see `worker`), fetch skips its own work when checkpointed and
//! enqueues every stage whose inputs are complete and which is not.

use super::{
    ANALYZE_JOB, AnalysisJob, Ctx, compile_step, history_step, insights_step, metrics_step,
    open_and_resolve,
};
use crate::error::JobError;
use crate::events::{EventBus, EventKind, Stage};
use crate::queue::{NewJob, Queue};
use crate::source::FetchOptions;
use codevoyage_history::Repository;
use codevoyage_model::Progress;
use codevoyage_store::{AnalysisRow, AnalysisStatus, AnalysisUpdate, RepositoryRow, Store};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The job kind of the history stage.
pub const HISTORY_JOB: &str = "analyze:history";
/// The job kind of the metrics stage.
pub const METRICS_JOB: &str = "analyze:metrics";
/// The job kind of the insights and compile stages.
pub const INSIGHTS_JOB: &str = "analyze:insights";

/// The join of history and metrics, recorded as the checkpoint `join:insights`.
const JOIN: &str = "insights";
const JOIN_REQUIRES: [&str; 2] = ["history", "metrics"];

/// How long a finished stage keeps trying to enqueue what follows it while the queue is
/// unreachable (Redis restarting) before it gives up and leaves the analysis to the sweep.
const ENQUEUE_RETRY_FOR: Duration = Duration::from_secs(60);

/// The stage a job kind runs (`analyze` is the fetch stage, where an analysis starts).
pub fn job_stage(kind: &str) -> Option<Stage> {
    match kind {
        ANALYZE_JOB => Some(Stage::Fetch),
        HISTORY_JOB => Some(Stage::History),
        METRICS_JOB => Some(Stage::Metrics),
        INSIGHTS_JOB => Some(Stage::Insights),
        _ => None,
    }
}

/// What a stage job led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageOutcome {
    /// The stage is done; what follows it is queued (or owned by another job).
    Continued,
    /// The last stage: the analysis succeeded.
    Finished,
}

/// One stage job and what running it needs.
pub struct StageJob<'a> {
    pub store: &'a Store,
    pub bus: &'a EventBus,
    /// Where the following stages are enqueued.
    pub queue: &'a Queue,
    pub job: &'a AnalysisJob,
    /// The queue's id of this job (owner of the join it claims).
    pub job_id: &'a str,
    pub correlation_id: Option<&'a str>,
    /// The worker running it, recorded with the stage's checkpoint.
    pub worker: &'a str,
    pub fetch: &'a FetchOptions,
    pub cancel: Arc<AtomicBool>,
    pub summarizer: Option<&'a codevoyage_llm::Summarizer>,
}

/// Runs one stage of a queued analysis and enqueues what follows it. A permanent failure
/// (cancelled, unusable input) is recorded on the analysis row; a transient one is left to
/// the queue's retries (and, after the last, to the worker, which marks the analysis failed).
pub async fn run_stage(s: &StageJob<'_>, stage: Stage) -> Result<StageOutcome, JobError> {
    let id = s.job.analysis_id;
    let analysis = s
        .store
        .analysis(id)
        .await?
        .ok_or(JobError::AnalysisGone(id))?;
    match analysis.parsed_status() {
        Some(AnalysisStatus::Cancelled) => return Err(JobError::Cancelled),
        Some(status) if status.is_terminal() => {
            return Err(JobError::AlreadyEnded {
                id,
                status: analysis.status,
            });
        }
        _ => {}
    }
    if s.store.cancel_requested(id).await? {
        s.cancel.store(true, Ordering::Relaxed);
    }
    let repository = s
        .store
        .repository(analysis.repository_id)
        .await?
        .ok_or(JobError::AnalysisGone(id))?;
    let ctx = Ctx {
        store: s.store,
        bus: s.bus,
        analysis_id: id,
        repository_id: repository.id,
        cancel: s.cancel.clone(),
        summarizer: s.summarizer,
        worker: Some(s.worker),
        writer: Default::default(),
    };
    let result = match stage {
        Stage::Fetch => fetch_job(s, &ctx, &analysis, &repository).await,
        Stage::History | Stage::Metrics => {
            parallel_job(s, &ctx, &analysis, &repository, stage).await
        }
        Stage::Insights | Stage::Compile => insights_job(s, &ctx, &analysis, &repository).await,
    };
    ctx.leave().await;
    match result {
        Err(e @ (JobError::AnalysisGone(_) | JobError::AlreadyEnded { .. })) => Err(e),
        Err(e) if e.is_permanent() => {
            record_end(&ctx, &e).await;
            Err(e)
        }
        other => other,
    }
}

/// Marks the analysis cancelled or failed by `e`, and tells the bus.
pub(crate) async fn record_end(ctx: &Ctx<'_>, e: &JobError) {
    let (status, kind) = match e {
        JobError::Cancelled => (AnalysisStatus::Cancelled, EventKind::Cancelled),
        other => (
            AnalysisStatus::Failed,
            EventKind::Failed {
                error: other.to_string(),
            },
        ),
    };
    let update = AnalysisUpdate {
        status: Some(status),
        error: Some(e.to_string()),
        ..Default::default()
    };
    match ctx.store.update_analysis(ctx.analysis_id, &update).await {
        Ok(()) => ctx.bus.publish(ctx.event(kind)),
        Err(store_err) => {
            tracing::warn!(analysis_id = ctx.analysis_id, error = %store_err, "could not record the end of the analysis")
        }
    }
}

/// Marks an analysis failed after its job's last attempt (the worker's dead-letter path).
pub(crate) async fn record_dead(store: &Store, bus: &EventBus, analysis_id: i64, error: &str) {
    let Ok(Some(row)) = store.analysis(analysis_id).await else {
        return;
    };
    let ctx = Ctx {
        store,
        bus,
        analysis_id,
        repository_id: row.repository_id,
        cancel: Arc::new(AtomicBool::new(false)),
        summarizer: None,
        worker: None,
        writer: Default::default(),
    };
    record_end(&ctx, &JobError::Internal(error.to_string())).await;
}

async fn checkpoints(ctx: &Ctx<'_>) -> Result<HashSet<String>, JobError> {
    Ok(ctx
        .store
        .checkpoints(ctx.analysis_id)
        .await?
        .into_iter()
        .collect())
}

/// Fetch: resolve the revision (after cloning or fetching a remote repository), store it,
/// then enqueue the stages that can run.
async fn fetch_job(
    s: &StageJob<'_>,
    ctx: &Ctx<'_>,
    analysis: &AnalysisRow,
    repository: &RepositoryRow,
) -> Result<StageOutcome, JobError> {
    let done = checkpoints(ctx).await?;
    if analysis.revision.is_none() || !done.contains(Stage::Fetch.as_str()) {
        mark_running(ctx).await?;
        let progress = ctx.enter(Stage::Fetch).await?;
        progress.set_total(1);
        // The forge's metadata (GitHub sources) comes alongside the clone; it never fails
        // the analysis.
        let (local, ()) = tokio::join!(
            local_source(repository, s.fetch, &s.cancel),
            crate::forge::record_forge_metadata(ctx.store, repository, s.fetch),
        );
        let local = local?;
        let (_, _, head) = open_and_resolve(&local, s.job.rev.clone()).await?;
        ctx.store
            .update_analysis(
                ctx.analysis_id,
                &AnalysisUpdate {
                    revision: Some(head),
                    ..Default::default()
                },
            )
            .await?;
        progress.inc(1);
        progress.finish();
        ctx.leave().await;
        ctx.checkpoint(Stage::Fetch).await?;
    }
    // What can run now: both parallel stages on a first run; on a resume, whatever is
    // missing. A cancelled analysis stops here rather than in its next stage.
    ctx.check_cancel()?;
    let done = checkpoints(ctx).await?;
    let mut next = Vec::new();
    for (stage, kind) in [(Stage::History, HISTORY_JOB), (Stage::Metrics, METRICS_JOB)] {
        if !done.contains(stage.as_str()) {
            next.push(kind);
        }
    }
    if next.is_empty() {
        // Both done (a resume): the join may have been claimed by a job that was lost.
        ctx.store
            .claim_join(ctx.analysis_id, JOIN, &JOIN_REQUIRES, s.job_id)
            .await?;
        next.push(INSIGHTS_JOB);
    }
    for kind in next {
        enqueue(s, kind).await?;
    }
    Ok(StageOutcome::Continued)
}

/// The analysis is running (a worker has it); cancelled or ended meanwhile stops here.
async fn mark_running(ctx: &Ctx<'_>) -> Result<(), JobError> {
    let running = ctx
        .store
        .update_analysis(
            ctx.analysis_id,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Running),
                ..Default::default()
            },
        )
        .await;
    match running {
        Ok(()) => Ok(()),
        Err(codevoyage_store::StoreError::InvalidTransition { from, .. }) => {
            Err(if from == AnalysisStatus::Cancelled.as_str() {
                JobError::Cancelled
            } else {
                JobError::AlreadyEnded {
                    id: ctx.analysis_id,
                    status: from,
                }
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// History or metrics, then the join.
async fn parallel_job(
    s: &StageJob<'_>,
    ctx: &Ctx<'_>,
    analysis: &AnalysisRow,
    repository: &RepositoryRow,
    stage: Stage,
) -> Result<StageOutcome, JobError> {
    let head = resolved(analysis)?;
    let done = checkpoints(ctx).await?;
    if !done.contains(stage.as_str()) {
        let repo = open_at(repository, &head, s.fetch, &s.cancel).await?;
        if stage == Stage::History {
            history_step(
                ctx,
                repo,
                &head,
                repository.head.clone(),
                s.job.threads,
                &done,
            )
            .await?;
        } else {
            metrics_step(ctx, repo, &head, &done).await?;
        }
    }
    if ctx
        .store
        .claim_join(ctx.analysis_id, JOIN, &JOIN_REQUIRES, s.job_id)
        .await?
    {
        enqueue(s, INSIGHTS_JOB).await?;
    }
    Ok(StageOutcome::Continued)
}

/// Insights (skipped when checkpointed), then compile, which ends the analysis.
async fn insights_job(
    s: &StageJob<'_>,
    ctx: &Ctx<'_>,
    analysis: &AnalysisRow,
    repository: &RepositoryRow,
) -> Result<StageOutcome, JobError> {
    let head = resolved(analysis)?;
    let done = checkpoints(ctx).await?;
    if let Some(missing) = JOIN_REQUIRES.iter().find(|stage| !done.contains(**stage)) {
        return Err(JobError::Internal(format!(
            "analysis {}: insights queued before its {missing} stage completed",
            ctx.analysis_id
        )));
    }
    let repo = open_at(repository, &head, s.fetch, &s.cancel).await?;
    let files = ctx.store.file_complexities(ctx.analysis_id).await?;
    insights_step(ctx, repo.clone(), &files, &done).await?;
    compile_step(ctx, &head, repo.is_shallow()).await?;
    ctx.bus.publish(ctx.event(EventKind::Finished));
    Ok(StageOutcome::Finished)
}

fn resolved(analysis: &AnalysisRow) -> Result<String, JobError> {
    analysis.revision.clone().ok_or_else(|| {
        JobError::Internal(format!(
            "analysis {} has no resolved revision: its fetch stage has not run",
            analysis.id
        ))
    })
}

/// Where the repository is on this machine: a local path as registered, a remote one cloned
/// or fetched into the clone folder.
async fn local_source(
    repository: &RepositoryRow,
    fetch: &FetchOptions,
    cancel: &Arc<AtomicBool>,
) -> Result<PathBuf, JobError> {
    if crate::source::is_remote(&repository.source) {
        match crate::source::fetch_remote(&repository.source, fetch, cancel).await {
            Ok(dir) => Ok(dir),
            Err(crate::source::SourceError::Cancelled) => Err(JobError::Cancelled),
            Err(e) => Err(e.into()),
        }
    } else {
        Ok(PathBuf::from(
            repository
                .source
                .strip_prefix("file://")
                .unwrap_or(&repository.source),
        ))
    }
}

/// The repository opened at the resolved revision. A stage on another machine than the
/// fetch finds no clone there (or one without the revision) and fetches first.
async fn open_at(
    repository: &RepositoryRow,
    head: &str,
    fetch: &FetchOptions,
    cancel: &Arc<AtomicBool>,
) -> Result<Arc<Repository>, JobError> {
    if crate::source::is_remote(&repository.source)
        && let Some(dir) = &fetch.repos_dir
    {
        let clone = crate::source::clone_dir(dir, &repository.source);
        if let Ok((_, repo, _)) = open_and_resolve(&clone, Some(head.to_string())).await {
            return Ok(repo);
        }
    }
    let local = local_source(repository, fetch, cancel).await?;
    let (_, repo, _) = open_and_resolve(&local, Some(head.to_string())).await?;
    Ok(repo)
}

/// Enqueues the stage job `kind` of the same analysis. While the queue is unreachable it
/// retries with exponential backoff for [`ENQUEUE_RETRY_FOR`]; the job in hand keeps its
/// lease meanwhile, so nothing else takes the analysis over.
async fn enqueue(s: &StageJob<'_>, kind: &str) -> Result<(), JobError> {
    let payload = serde_json::to_string(s.job)
        .map_err(|e| JobError::Internal(format!("a job payload could not be written: {e}")))?;
    let give_up = Instant::now() + ENQUEUE_RETRY_FOR;
    let mut delay = Duration::from_millis(250);
    loop {
        let job = NewJob {
            kind: kind.to_string(),
            payload: payload.clone(),
            correlation_id: s.correlation_id.map(str::to_string),
        };
        match s.queue.enqueue(job).await {
            Ok(job_id) => {
                tracing::debug!(analysis_id = s.job.analysis_id, kind, job = %job_id, "enqueued the next stage");
                return Ok(());
            }
            Err(e) if Instant::now() + delay < give_up => {
                tracing::warn!(analysis_id = s.job.analysis_id, kind, error = %e, ?delay, "could not enqueue the next stage; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(JobError::Queue(e.to_string())),
        }
    }
}

/// Aborts a background task when dropped.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
