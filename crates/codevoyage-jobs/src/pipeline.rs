//! The analysis pipeline: fetch → history → metrics → insights → compile.
//!
//! Each stage runs its synchronous analysis on blocking threads and streams results to the
//! store in batches, so memory stays bounded by the batch size rather than the history size.
//! Re-running an analysis is incremental: history walks only commits that are new since the
//! last successful analysis, and every write is idempotent. Stages checkpoint: history and
//! metrics record in the store when their rows are written, so a re-run of the same analysis
//! after a crash skips them. Every stage checks the cancel flag (between chunks, and at each
//! stage boundary).

use crate::error::JobError;
use crate::events::{BusProgress, Event, EventBus, EventKind, Stage};
use crate::source::FetchOptions;
use codevoyage_history::{Repository, WalkOptions};
use codevoyage_insights::{AnalysisOptions, Finding, HistoryBuilder, HistoryOptions, Hotspot};
use codevoyage_model::{Commit, Progress};
use codevoyage_store::{
    AnalysisStatus, AnalysisUpdate, CouplingRecord, FileRecord, InsightRecord, LanguageShare, Store,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::mpsc;

mod manifests;
mod progress;
mod staged;

pub(crate) use staged::record_dead;
pub use staged::{
    HISTORY_JOB, INSIGHTS_JOB, METRICS_JOB, StageJob, StageOutcome, job_stage, run_stage,
};

/// Commits per database transaction: large enough to amortise the round trip, small enough to
/// keep memory flat on million-commit histories.
const COMMIT_BATCH: usize = 2_000;
/// Files measured per parallel chunk; bounds the bytes held in memory at once.
const FILE_CHUNK: usize = 256;

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeRequest {
    /// A local repository (work tree or bare).
    pub source: PathBuf,
    /// Display name; defaults to the folder name.
    pub name: Option<String>,
    /// Revision to analyse; defaults to HEAD.
    pub rev: Option<String>,
    /// Threads for diffing and parsing; 0 = all cores.
    pub threads: usize,
}

/// What an analysis found, for the terminal summary and `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisSummary {
    pub repository_id: i64,
    pub analysis_id: i64,
    pub name: String,
    pub source: String,
    pub revision: String,
    pub shallow: bool,
    pub commits_total: u64,
    pub commits_new: u64,
    pub contributors: u64,
    pub files: u64,
    pub languages: Vec<LanguageShare>,
    pub hotspots: Vec<Hotspot>,
    pub hotspot_formula: &'static str,
    /// Avelino et al.'s truck factor of the whole repository.
    pub truck_factor: u32,
    /// File pairs above the temporal-coupling thresholds.
    pub coupled_pairs: u64,
    /// Ranked findings in plain language.
    pub findings: Vec<Finding>,
    /// The executive summary stored with the analysis when a language model is configured
    /// (the model's, or the deterministic one saying why the model's is missing); `None`
    /// without a model. Left out of the JSON: `codevoyage analyze --json` adds it with its label.
    #[serde(skip)]
    pub executive_summary: Option<codevoyage_llm::ExecutiveSummary>,
    pub elapsed_ms: u64,
}

/// A queued analysis: what a worker needs to run it. The analysis row already exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AnalysisJob {
    pub analysis_id: i64,
    #[serde(default)]
    pub rev: Option<String>,
    #[serde(default)]
    pub threads: usize,
}

/// The job kind workers dispatch on.
pub const ANALYZE_JOB: &str = "analyze";

/// Opens a local repository and resolves the revision, before anything is stored: bad input
/// (missing path, not a repository, empty repository, bad revision) leaves no rows behind.
async fn open_and_resolve(
    source: &std::path::Path,
    rev: Option<String>,
) -> Result<(PathBuf, Arc<Repository>, String), JobError> {
    let path =
        std::fs::canonicalize(source).map_err(|_| JobError::PathNotFound(source.to_path_buf()))?;
    let open_path = path.clone();
    let repo =
        Arc::new(tokio::task::spawn_blocking(move || codevoyage_history::open(&open_path)).await??);
    let resolve_repo = repo.clone();
    let head = tokio::task::spawn_blocking(move || resolve_repo.resolve(rev.as_deref()))
        .await??
        .ok_or_else(|| JobError::EmptyRepository(path.clone()))?;
    Ok((path, repo, head))
}

fn default_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into())
}

/// A repository checked, opened and registered, with its queued analysis.
struct Registered {
    repo: Arc<Repository>,
    head: String,
    repository: codevoyage_store::RepositoryRow,
    analysis_id: i64,
}

/// Checks that the repository can be analysed (nothing is stored otherwise), then registers
/// it by its canonical path together with a queued analysis.
async fn open_and_register(
    store: &Store,
    request: &AnalyzeRequest,
) -> Result<Registered, JobError> {
    let (path, repo, head) = open_and_resolve(&request.source, request.rev.clone()).await?;
    let name = request.name.clone().unwrap_or_else(|| default_name(&path));
    let repository = store
        .upsert_repository(&name, &path.to_string_lossy())
        .await?;
    let analysis_id = store.create_analysis(repository.id).await?;
    Ok(Registered {
        repo,
        head,
        repository,
        analysis_id,
    })
}

/// Checks that a local path holds a git repository with at least one commit (at `rev`, or
/// HEAD), without storing anything.
pub async fn check_repository(path: &std::path::Path, rev: Option<String>) -> Result<(), JobError> {
    open_and_resolve(path, rev).await.map(|_| ())
}

/// Registers a repository (by its canonical path) and a queued analysis of it, after checking
/// that it can be analysed. Returns `(repository_id, analysis_id)`.
pub async fn register(store: &Store, request: &AnalyzeRequest) -> Result<(i64, i64), JobError> {
    let r = open_and_register(store, request).await?;
    Ok((r.repository.id, r.analysis_id))
}

/// Runs the whole pipeline for one local repository, registering it first.
pub async fn analyze(
    store: &Store,
    bus: &EventBus,
    request: AnalyzeRequest,
    cancel: Arc<AtomicBool>,
) -> Result<AnalysisSummary, JobError> {
    analyze_with_summarizer(store, bus, request, cancel, None).await
}

/// [`analyze`], with the insights stage also writing an executive summary by `summarizer`'s
/// language model (see [`insights_stage`]).
pub async fn analyze_with_summarizer(
    store: &Store,
    bus: &EventBus,
    request: AnalyzeRequest,
    cancel: Arc<AtomicBool>,
    summarizer: Option<&codevoyage_llm::Summarizer>,
) -> Result<AnalysisSummary, JobError> {
    let r = open_and_register(store, &request).await?;
    execute(
        store,
        bus,
        r.analysis_id,
        r.repository,
        r.repo,
        r.head,
        &request,
        cancel,
        summarizer,
    )
    .await
}

/// Runs a queued analysis (a worker's entry point). Safe to run again after a crash: the
/// stages' writes are idempotent, so a re-run leaves exactly the rows of one clean run, and
/// stages that completed before the crash are skipped. A remote repository is cloned (or
/// fetched) into `fetch.repos_dir` first.
pub async fn run_job(
    store: &Store,
    bus: &EventBus,
    job: &AnalysisJob,
    cancel: Arc<AtomicBool>,
    fetch: &FetchOptions,
) -> Result<AnalysisSummary, JobError> {
    run_job_with_summarizer(store, bus, job, cancel, fetch, None).await
}

/// [`run_job`], with the insights stage also writing an executive summary by `summarizer`'s
/// language model (see [`insights_stage`]).
pub async fn run_job_with_summarizer(
    store: &Store,
    bus: &EventBus,
    job: &AnalysisJob,
    cancel: Arc<AtomicBool>,
    fetch: &FetchOptions,
    summarizer: Option<&codevoyage_llm::Summarizer>,
) -> Result<AnalysisSummary, JobError> {
    let analysis = store
        .analysis(job.analysis_id)
        .await?
        .ok_or(JobError::AnalysisGone(job.analysis_id))?;
    match analysis.parsed_status() {
        Some(AnalysisStatus::Cancelled) => return Err(JobError::Cancelled),
        Some(status) if status.is_terminal() => {
            return Err(JobError::AlreadyEnded {
                id: analysis.id,
                status: analysis.status,
            });
        }
        _ => {}
    }
    if store.cancel_requested(analysis.id).await? {
        cancel.store(true, Ordering::Relaxed);
    }
    let repository = store
        .repository(analysis.repository_id)
        .await?
        .ok_or(JobError::AnalysisGone(job.analysis_id))?;
    let local = if crate::source::is_remote(&repository.source) {
        let progress = BusProgress::new(bus, analysis.id, repository.id, Stage::Fetch);
        progress.set_total(1);
        // The forge's metadata comes alongside the clone; it never fails the analysis.
        let (fetched, ()) = tokio::join!(
            crate::source::fetch_remote(&repository.source, fetch, &cancel),
            crate::forge::record_forge_metadata(store, &repository, fetch),
        );
        match fetched {
            Ok(dir) => {
                progress.inc(1);
                progress.finish();
                dir
            }
            Err(crate::source::SourceError::Cancelled) => {
                return fail_before_start(store, bus, &analysis, JobError::Cancelled).await;
            }
            Err(e) => return fail_before_start(store, bus, &analysis, e.into()).await,
        }
    } else {
        PathBuf::from(
            repository
                .source
                .strip_prefix("file://")
                .unwrap_or(&repository.source),
        )
    };
    let request = AnalyzeRequest {
        source: local,
        name: Some(repository.name.clone()),
        rev: job.rev.clone(),
        threads: job.threads,
    };
    let opened = open_and_resolve(&request.source, request.rev.clone()).await;
    let (_, repo, head) = match opened {
        Ok(o) => o,
        Err(e) => return fail_before_start(store, bus, &analysis, e).await,
    };
    execute(
        store,
        bus,
        job.analysis_id,
        repository,
        repo,
        head,
        &request,
        cancel,
        summarizer,
    )
    .await
}

/// Records why an analysis ended before its stages ran, and tells the bus.
async fn fail_before_start<T>(
    store: &Store,
    bus: &EventBus,
    analysis: &codevoyage_store::AnalysisRow,
    e: JobError,
) -> Result<T, JobError> {
    let (status, kind) = match &e {
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
    if let Err(store_err) = store.update_analysis(analysis.id, &update).await {
        tracing::warn!(analysis_id = analysis.id, error = %store_err, "could not record the analysis failure");
    }
    bus.publish(Event {
        analysis_id: analysis.id,
        repository_id: analysis.repository_id,
        kind,
    });
    Err(e)
}

#[allow(clippy::too_many_arguments)]
async fn execute(
    store: &Store,
    bus: &EventBus,
    analysis_id: i64,
    repository: codevoyage_store::RepositoryRow,
    repo: Arc<Repository>,
    head: String,
    request: &AnalyzeRequest,
    cancel: Arc<AtomicBool>,
    summarizer: Option<&codevoyage_llm::Summarizer>,
) -> Result<AnalysisSummary, JobError> {
    let started = Instant::now();
    let name = repository.name.clone();
    let source = repository.source.clone();
    let ctx = Ctx {
        store,
        bus,
        analysis_id,
        repository_id: repository.id,
        cancel: cancel.clone(),
        summarizer,
        worker: None,
        writer: Default::default(),
    };
    // A lease on the analysis while it runs here, so that the workers' sweep of unfinished
    // analyses without a worker leaves this one alone.
    let lease_store = store.clone();
    let _lease = staged::AbortOnDrop(tokio::spawn(async move {
        let mut tick = tokio::time::interval(IN_PROCESS_LEASE / 3);
        loop {
            tick.tick().await;
            let until = crate::queue::now_ms()
                .saturating_add(i64::try_from(IN_PROCESS_LEASE.as_millis()).unwrap_or(i64::MAX));
            if let Err(e) = lease_store.extend_analysis_lease(analysis_id, until).await {
                tracing::debug!(error = %e, "could not extend the analysis lease");
            }
        }
    }));
    let running = store
        .update_analysis(
            analysis_id,
            &AnalysisUpdate {
                status: Some(AnalysisStatus::Running),
                revision: Some(head.clone()),
                ..Default::default()
            },
        )
        .await;
    match running {
        Ok(()) => {}
        // Cancelled (or ended) between the worker's check and now.
        Err(codevoyage_store::StoreError::InvalidTransition { from, .. }) => {
            return Err(if from == AnalysisStatus::Cancelled.as_str() {
                JobError::Cancelled
            } else {
                JobError::AlreadyEnded {
                    id: analysis_id,
                    status: from,
                }
            });
        }
        Err(e) => return Err(e.into()),
    }

    let outcome = run_stages(&ctx, repo, &head, repository.head.clone(), request).await;
    match outcome {
        Ok(mut summary) => {
            summary.name = name;
            summary.source = source;
            summary.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            bus.publish(ctx.event(EventKind::Finished));
            Ok(summary)
        }
        Err(e) => {
            let (status, kind) = match &e {
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
            if let Err(store_err) = store.update_analysis(analysis_id, &update).await {
                tracing::error!(analysis_id, error = %store_err, "could not record the analysis failure");
            }
            bus.publish(ctx.event(kind));
            Err(e)
        }
    }
}

/// How long an analysis run in-process (`analyze`, `run_job`) holds its lease between renewals.
const IN_PROCESS_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

struct Ctx<'a> {
    store: &'a Store,
    bus: &'a EventBus,
    analysis_id: i64,
    repository_id: i64,
    cancel: Arc<AtomicBool>,
    /// Writes the executive summary in the insights stage, when a language model is configured.
    summarizer: Option<&'a codevoyage_llm::Summarizer>,
    /// The worker running the stage (recorded with its checkpoint); `None` in-process.
    worker: Option<&'a str>,
    /// Writes the running stage's progress into the analysis row, throttled.
    writer: std::sync::Mutex<Option<progress::ProgressWriter>>,
}

impl Ctx<'_> {
    fn event(&self, kind: EventKind) -> Event {
        Event {
            analysis_id: self.analysis_id,
            repository_id: self.repository_id,
            kind,
        }
    }

    fn progress(&self, stage: Stage) -> Arc<BusProgress> {
        Arc::new(BusProgress::new(
            self.bus,
            self.analysis_id,
            self.repository_id,
            stage,
        ))
    }

    async fn enter(&self, stage: Stage) -> Result<Arc<BusProgress>, JobError> {
        self.check_cancel()?;
        self.leave().await;
        self.store
            .update_analysis(
                self.analysis_id,
                &AnalysisUpdate {
                    stage: Some(stage.as_str().into()),
                    done: Some(0),
                    total: Some(0),
                    ..Default::default()
                },
            )
            .await?;
        let progress = self.progress(stage);
        let writer =
            progress::ProgressWriter::start(self.store.clone(), self.analysis_id, progress.clone());
        if let Ok(mut slot) = self.writer.lock() {
            *slot = Some(writer);
        }
        Ok(progress)
    }

    /// Stops writing the current stage's progress, after writing its final figures.
    async fn leave(&self) {
        let writer = self.writer.lock().ok().and_then(|mut slot| slot.take());
        if let Some(writer) = writer {
            writer.finish().await;
        }
    }

    async fn checkpoint(&self, stage: Stage) -> Result<(), JobError> {
        Ok(self
            .store
            .complete_stage(self.analysis_id, stage.as_str(), self.worker)
            .await?)
    }

    fn check_cancel(&self) -> Result<(), JobError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(JobError::Cancelled)
        } else {
            Ok(())
        }
    }
}

async fn run_stages(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    head: &str,
    previous_head: Option<String>,
    request: &AnalyzeRequest,
) -> Result<AnalysisSummary, JobError> {
    let done: HashSet<String> = ctx
        .store
        .checkpoints(ctx.analysis_id)
        .await?
        .into_iter()
        .collect();
    let fetch = ctx.enter(Stage::Fetch).await?;
    fetch.set_total(1);
    fetch.inc(1);
    fetch.finish();

    let commits_new = history_step(
        ctx,
        repo.clone(),
        head,
        previous_head,
        request.threads,
        &done,
    )
    .await?;
    let files = metrics_step(ctx, repo.clone(), head, &done).await?;
    let insights = insights_step(ctx, repo.clone(), &files, &done).await?;
    let contributors = compile_step(ctx, head, repo.is_shallow()).await?;

    let summary = ctx
        .store
        .list_repositories()
        .await?
        .into_iter()
        .find(|r| r.repository.id == ctx.repository_id);
    let (commits_total, languages) = summary
        .map(|s| (s.total_commits, s.languages))
        .unwrap_or_default();
    let (hotspots, truck_factor, coupled_pairs, findings, executive_summary) = match insights {
        Some((insights, executive_summary)) => (
            insights.hotspots.iter().take(10).cloned().collect(),
            insights.bus_factor.repository.truck_factor,
            insights.coupling.pairs.len() as u64,
            insights.findings,
            executive_summary,
        ),
        // Stored by an earlier run of this analysis: see the API for them.
        None => (Vec::new(), 0, 0, Vec::new(), None),
    };
    Ok(AnalysisSummary {
        repository_id: ctx.repository_id,
        analysis_id: ctx.analysis_id,
        name: String::new(),
        source: String::new(),
        revision: head.to_string(),
        shallow: repo.is_shallow(),
        commits_total,
        commits_new,
        contributors,
        files: files.len() as u64,
        languages,
        hotspots,
        hotspot_formula: codevoyage_insights::HOTSPOT_FORMULA,
        truck_factor,
        coupled_pairs,
        findings,
        executive_summary,
        elapsed_ms: 0,
    })
}

/// The history stage unless an earlier run of this analysis stored it; the number of new
/// commits stored.
async fn history_step(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    head: &str,
    previous_head: Option<String>,
    threads: usize,
    done: &HashSet<String>,
) -> Result<u64, JobError> {
    if done.contains(Stage::History.as_str()) {
        tracing::info!(
            analysis_id = ctx.analysis_id,
            "history already stored by an earlier run; skipped"
        );
        return Ok(0);
    }
    let n = history_stage(ctx, repo, head, previous_head, threads).await?;
    ctx.leave().await;
    ctx.checkpoint(Stage::History).await?;
    Ok(n)
}

/// The metrics stage unless an earlier run stored its files: path → cyclomatic complexity of
/// every file of the analysed revision.
async fn metrics_step(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    head: &str,
    done: &HashSet<String>,
) -> Result<Vec<(String, u64)>, JobError> {
    if done.contains(Stage::Metrics.as_str()) {
        tracing::info!(
            analysis_id = ctx.analysis_id,
            "file metrics already stored by an earlier run; skipped"
        );
        return Ok(ctx.store.file_complexities(ctx.analysis_id).await?);
    }
    let files = metrics_stage(ctx, repo, head).await?;
    ctx.check_cancel()?;
    ctx.store
        .replace_files(ctx.repository_id, ctx.analysis_id, &files)
        .await?;
    ctx.leave().await;
    ctx.checkpoint(Stage::Metrics).await?;
    Ok(files
        .into_iter()
        .map(|f| (f.path, u64::from(f.metrics.cyclomatic)))
        .collect())
}

/// What the insights stage computed, for the summary.
type InsightsOutput = (
    codevoyage_insights::Analysis,
    Option<codevoyage_llm::ExecutiveSummary>,
);

/// The insights stage, which stores its results (findings, reports, executive summary,
/// coupling pairs, the files' revision counts) and then checkpoints: a resumed analysis
/// whose insights are stored skips the stage (and returns `None`) instead of replaying the
/// history and asking the language model again.
async fn insights_step(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    files: &[(String, u64)],
    done: &HashSet<String>,
) -> Result<Option<InsightsOutput>, JobError> {
    if done.contains(Stage::Insights.as_str()) {
        tracing::info!(
            analysis_id = ctx.analysis_id,
            "insights already stored by an earlier run; skipped"
        );
        return Ok(None);
    }
    let (insights, revisions, executive_summary) = insights_stage(ctx, repo, files).await?;
    ctx.check_cancel()?;
    ctx.store
        .set_file_revisions(ctx.analysis_id, &revisions)
        .await?;
    ctx.check_cancel()?;
    store_insights(ctx, &insights, executive_summary.as_ref()).await?;
    ctx.leave().await;
    ctx.checkpoint(Stage::Insights).await?;
    Ok(Some((insights, executive_summary)))
}

/// The compile stage: contributors rebuilt from the stored history, then the analysis marked
/// succeeded (the last figures of progress stay on its row). The number of contributors.
async fn compile_step(ctx: &Ctx<'_>, head: &str, shallow: bool) -> Result<u64, JobError> {
    let compile = ctx.enter(Stage::Compile).await?;
    compile.set_total(2);
    let contributors = ctx.store.rebuild_contributors(ctx.repository_id).await?;
    compile.inc(1);
    ctx.check_cancel()?;
    compile.inc(1);
    compile.finish();
    ctx.leave().await;
    ctx.store
        .finish_analysis(ctx.analysis_id, ctx.repository_id, Some(head), shallow)
        .await?;
    Ok(contributors)
}

/// Replays the stored history (all of it, not only what this run walked) through the
/// insights engine, and computes each file's revisions from it (renames followed).
///
/// With a language model configured (`ctx.summarizer`), it then asks the model for the
/// executive summary of the findings (only the findings JSON is sent; the summarizer caches by
/// input hash, retries and breaks the circuit) and returns it, or the deterministic summary
/// saying why the model's is missing, to be stored with the findings. A failing model never
/// fails the analysis. Without a model nothing is returned and `/summary` derives the
/// deterministic summary from the stored findings.
async fn insights_stage(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    files: &[(String, u64)],
) -> Result<
    (
        codevoyage_insights::Analysis,
        Vec<(String, u64)>,
        Option<codevoyage_llm::ExecutiveSummary>,
    ),
    JobError,
> {
    let progress = ctx.enter(Stage::Insights).await?;
    let mut builder = HistoryBuilder::new(HistoryOptions::default());
    let replay_progress = progress.clone();
    // Inactivity ("has not committed for N days") is measured up to the newest commit, not the
    // wall clock: the analysis of a given history is then reproducible, and an old clone does
    // not make every author look gone.
    let mut newest = i64::MIN;
    let mut manifest_changes = Vec::new();
    ctx.store
        .for_each_commit(ctx.repository_id, &mut |commit| {
            newest = newest.max(commit.committer.time);
            manifests::collect(&commit, &mut manifest_changes);
            builder.push(&commit);
            replay_progress.inc(1);
        })
        .await?;
    ctx.check_cancel()?;
    let live: HashSet<String> = files.iter().map(|(path, _)| path.clone()).collect();
    let complexity: HashMap<String, u64> = files.iter().cloned().collect();
    let now = if newest == i64::MIN { 0 } else { newest };
    // The dependency manifests at the commits that changed them, for the migrations analysis.
    let cancel = ctx.cancel.clone();
    let (manifest_versions, skipped) = match tokio::task::spawn_blocking(move || {
        manifests::read_versions(&repo, manifest_changes, &cancel)
    })
    .await?
    {
        Err(_) if ctx.cancel.load(Ordering::Relaxed) => return Err(JobError::Cancelled),
        other => other?,
    };
    if skipped > 0 {
        tracing::info!(
            skipped,
            "manifest versions unreadable or unparsable; left out of the dependency history"
        );
    }
    let analysis = tokio::task::spawn_blocking(move || {
        let mut history = builder.finish(now);
        history.mark_live(|p| live.contains(p));
        codevoyage_insights::analyze_with_manifests(
            &history,
            &|p| complexity.get(p).copied(),
            &manifest_versions,
            &AnalysisOptions::default(),
        )
    })
    .await?;
    ctx.check_cancel()?;
    let by_path: HashMap<&str, u64> = analysis
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.revisions))
        .collect();
    let revisions = files
        .iter()
        .map(|(path, _)| {
            (
                path.clone(),
                by_path.get(path.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    let executive_summary = match ctx.summarizer {
        Some(s) => {
            // The call may take minutes (timeouts × retries): look at the cancel flag meanwhile.
            let call = codevoyage_llm::executive_summary(Some(s), &analysis.findings);
            tokio::pin!(call);
            let summary = loop {
                tokio::select! {
                    summary = &mut call => break summary,
                    () = tokio::time::sleep(std::time::Duration::from_millis(250)) => ctx.check_cancel()?,
                }
            };
            Some(summary)
        }
        None => None,
    };
    progress.finish();
    Ok((analysis, revisions, executive_summary))
}

/// Writes the findings, reports, executive summary (when one was written) and coupling pairs
/// of this analysis (replacing any earlier attempt's).
async fn store_insights(
    ctx: &Ctx<'_>,
    analysis: &codevoyage_insights::Analysis,
    executive_summary: Option<&codevoyage_llm::ExecutiveSummary>,
) -> Result<(), JobError> {
    let records: Vec<InsightRecord> = analysis
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| InsightRecord {
            rank: i as i64 + 1,
            kind: serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            severity: f.severity.as_str().to_string(),
            title: f.title.clone(),
            body: format!("{}\n\nSuggested action: {}", f.explanation, f.action),
            evidence: serde_json::to_value(&f.evidence).unwrap_or_default(),
        })
        .chain(manifests::report_records(analysis))
        .chain(executive_summary.map(codevoyage_llm::ExecutiveSummary::record))
        .collect();
    ctx.store
        .replace_insights(ctx.analysis_id, &records)
        .await?;
    let pairs: Vec<CouplingRecord> = analysis
        .coupling
        .pairs
        .iter()
        .map(|p| CouplingRecord {
            path_a: p.a.clone(),
            path_b: p.b.clone(),
            shared: u64::from(p.shared),
            degree: p.degree,
        })
        .collect();
    ctx.store.replace_coupling(ctx.analysis_id, &pairs).await?;
    Ok(())
}

/// Walks the commits not yet stored and streams them into the store in batches.
async fn history_stage(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    head: &str,
    previous_head: Option<String>,
    threads: usize,
) -> Result<u64, JobError> {
    let progress = ctx.enter(Stage::History).await?;
    // Incremental: when the last analysed tip is still an ancestor, walk only what is new.
    // A rewritten history (old tip gone) falls back to a full walk; inserts are idempotent.
    let mut exclude = Vec::new();
    if let Some(old) = previous_head {
        let (r, h, o) = (repo.clone(), head.to_string(), old.clone());
        if tokio::task::spawn_blocking(move || r.is_ancestor(&o, &h))
            .await?
            .unwrap_or(false)
        {
            exclude.push(old);
        }
    }
    let options = WalkOptions {
        range: Some(head.to_string()),
        threads,
        exclude,
        ..WalkOptions::default()
    };
    // People erased by a GDPR anonymisation are stored under their pseudonym in this new
    // history too; read once per run (usually empty: then nothing is hashed).
    let erasures = ctx.store.erasures().await?;
    let tag_repo = repo.clone();
    let (tx, mut rx) = mpsc::channel::<Vec<Commit>>(4);
    let walk_progress = progress.clone();
    let cancel = ctx.cancel.clone();
    let walker = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(COMMIT_BATCH);
        let mut on_commit = |commit: Commit| {
            batch.push(commit);
            if batch.len() >= COMMIT_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(COMMIT_BATCH));
                // The receiver only goes away when storing failed: stop walking then.
                if tx.blocking_send(full).is_err() {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        };
        let result = repo.walk(&options, walk_progress.as_ref(), &cancel, &mut on_commit);
        if result.is_ok() && !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        result
    });
    let mut inserted = 0u64;
    let mut store_error = None;
    while let Some(batch) = rx.recv().await {
        match ctx
            .store
            .insert_commits_erasing(ctx.repository_id, &batch, &erasures)
            .await
        {
            Ok(n) => inserted += n,
            Err(e) => {
                store_error = Some(e);
                break;
            }
        }
    }
    drop(rx);
    let walked = walker.await?;
    if let Some(e) = store_error {
        return Err(e.into());
    }
    match walked {
        Err(e) if ctx.cancel.load(Ordering::Relaxed) => {
            tracing::debug!(error = %e, "history walk stopped by cancellation");
            return Err(JobError::Cancelled);
        }
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    // An anonymisation recorded while the batches were stored under the set read above:
    // rewrite what this run stored (erasures are only ever added, so a longer set is a newer
    // one). One query when nothing changed.
    let now_erased = ctx.store.erasures().await?;
    if now_erased.len() != erasures.len() {
        ctx.store
            .erase_stored_commits(ctx.repository_id, &now_erased)
            .await?;
    }
    store_tags(ctx, tag_repo).await?;
    progress.finish();
    Ok(inserted)
}

/// Replaces the repository's tags (the timeline's bookmarks) with those whose commit is in the
/// stored history. Tags that cannot be read leave the previous ones and do not fail the analysis.
async fn store_tags(ctx: &Ctx<'_>, repo: Arc<Repository>) -> Result<(), JobError> {
    let tags = match tokio::task::spawn_blocking(move || repo.tags()).await? {
        Ok(tags) => tags,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the tags; the timeline keeps its earlier bookmarks");
            return Ok(());
        }
    };
    let records: Vec<codevoyage_store::TagRecord> = tags
        .into_iter()
        .map(|t| codevoyage_store::TagRecord {
            name: t.name,
            sha: t.commit,
        })
        .collect();
    ctx.store.replace_tags(ctx.repository_id, &records).await?;
    Ok(())
}

/// Measures every file of the analysed revision, in parallel chunks.
async fn metrics_stage(
    ctx: &Ctx<'_>,
    repo: Arc<Repository>,
    head: &str,
) -> Result<Vec<FileRecord>, JobError> {
    let progress = ctx.enter(Stage::Metrics).await?;
    let head = head.to_string();
    let cancel = ctx.cancel.clone();
    let stage_progress = progress.clone();
    let files = tokio::task::spawn_blocking(move || -> Result<Vec<FileRecord>, JobError> {
        let options = codevoyage_metrics::Options::default();
        let mut records = Vec::new();
        let mut chunk: Vec<(String, String, Vec<u8>)> = Vec::with_capacity(FILE_CHUNK);
        let measure_chunk = |chunk: &mut Vec<(String, String, Vec<u8>)>,
                             records: &mut Vec<FileRecord>| {
            let measured: Vec<FileRecord> = chunk
                .par_drain(..)
                .map(|(path, blob_id, data)| {
                    let metrics = codevoyage_metrics::measure(&path, &data, &options);
                    FileRecord {
                        path,
                        blob_id: Some(blob_id),
                        metrics,
                        revisions: 0,
                    }
                })
                .collect();
            stage_progress.inc(measured.len() as u64);
            records.extend(measured);
        };
        repo.files_at(&head, &cancel, &mut |file| {
            chunk.push((
                file.path.to_string_lossy(),
                file.blob_id.clone(),
                file.data.to_vec(),
            ));
            if chunk.len() >= FILE_CHUNK {
                measure_chunk(&mut chunk, &mut records);
            }
            ControlFlow::Continue(())
        })?;
        measure_chunk(&mut chunk, &mut records);
        Ok(records)
    })
    .await;
    let files = match files? {
        Err(_) if ctx.cancel.load(Ordering::Relaxed) => return Err(JobError::Cancelled),
        other => other?,
    };
    progress.set_total(files.len() as u64);
    progress.finish();
    Ok(files)
}
