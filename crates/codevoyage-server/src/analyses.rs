//! Analyses through the API: start one (enqueue), read its status, list a repository's,
//! cancel one, and the queue's dead letters for admins.
//!
//! The server never runs an analysis: it creates the queued analysis row, puts "run analysis
//! N" on the queue ([`Jobs::queue`]) and announces it on the event bus. Workers (in this
//! process in local mode, `codevoyage worker` processes in scaled mode) do the rest; a
//! cancellation is a flag in the store that the worker running the analysis watches.

use crate::api::parse_id;
use crate::auth::{Caller, ClientAddr, Role, audit, visible_repository};
use crate::{ApiError, AppState, time::rfc3339};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use codevoyage_jobs::queue::{NewJob, Queue};
use codevoyage_jobs::{ANALYZE_JOB, AnalysisJob, Event, EventBus, EventKind, SourcePolicy};
use codevoyage_store::{AnalysisRow, AnalysisStatus};
use serde::Serialize;
use std::path::PathBuf;

/// What the write side of the API needs: the queue to enqueue on, the bus to announce on,
/// and the policy for repository sources.
#[derive(Clone, Debug)]
pub struct Jobs {
    pub queue: Queue,
    pub bus: EventBus,
    /// Which sources `POST /api/v1/repositories` accepts.
    pub policy: SourcePolicy,
    /// Where clones of remote repositories live (`<data_dir>/repos`), removed on DELETE.
    pub repos_dir: Option<PathBuf>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/repositories/{id}/analyses",
            post(start_analysis).get(list_analyses),
        )
        .route("/api/v1/analyses/{id}", get(get_analysis))
        .route("/api/v1/analyses/{id}/cancel", post(cancel_analysis))
        .route("/api/v1/admin/dead-letters", get(dead_letters))
}

/// The job side of the state, or 503 when this server was started without a queue.
pub(crate) fn jobs(state: &AppState) -> Result<&Jobs, ApiError> {
    state.jobs.as_ref().ok_or_else(|| {
        ApiError::Internal(
            "this server was started without a job queue (AppState::with_jobs)".into(),
        )
    })
}

#[derive(Serialize)]
struct Progress {
    done: i64,
    total: i64,
}

/// An analysis as the API shows it.
#[derive(Serialize)]
pub(crate) struct AnalysisView {
    id: i64,
    repository_id: i64,
    /// queued, running, succeeded, failed or cancelled.
    status: String,
    stage: Option<String>,
    progress: Progress,
    error: Option<String>,
    revision: Option<String>,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
}

impl From<AnalysisRow> for AnalysisView {
    fn from(a: AnalysisRow) -> Self {
        Self {
            id: a.id,
            repository_id: a.repository_id,
            status: a.status,
            stage: a.stage,
            progress: Progress {
                done: a.done,
                total: a.total,
            },
            error: a.error,
            revision: a.revision,
            created_at: rfc3339(a.created_at),
            started_at: a.started_at.map(rfc3339),
            finished_at: a.finished_at.map(rfc3339),
        }
    }
}

/// The analysis `id` when the caller may see its repository; 404 otherwise.
async fn visible_analysis(
    state: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<AnalysisRow, ApiError> {
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ApiError::BadRequest(format!("analysis id {raw:?} is not a positive integer"))
        })?;
    let missing = || {
        ApiError::NotFound(format!(
            "no analysis with id {id}; list a repository's at /api/v1/repositories/{{id}}/analyses"
        ))
    };
    let analysis = state.store.analysis(id).await?.ok_or_else(missing)?;
    visible_repository(state, caller, analysis.repository_id)
        .await
        .map_err(|_| missing())?;
    Ok(analysis)
}

#[derive(Serialize)]
struct Started {
    id: i64,
    repository_id: i64,
    status: &'static str,
}

/// `POST /api/v1/repositories/{id}/analyses`: analysts queue an analysis of a repository they
/// can see; 202 with the queued analysis.
async fn start_analysis(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let jobs = jobs(&state)?;
    let repository_id = parse_id(&raw)?;
    visible_repository(&state, &caller, repository_id).await?;
    let analysis_id = state.store.create_analysis(repository_id).await?;
    enqueue(jobs, analysis_id, repository_id, &headers).await?;
    audit(
        &state,
        &caller.username,
        "analysis.start",
        &format!("repository:{repository_id}"),
        &format!("analysis {analysis_id}"),
        address.as_deref(),
    )
    .await;
    Ok((
        StatusCode::ACCEPTED,
        Json(Started {
            id: analysis_id,
            repository_id,
            status: "queued",
        }),
    )
        .into_response())
}

/// Puts "run analysis N" on the queue and announces it. The request id (when a proxy or the
/// client sent one) travels with the job into the worker's logs.
pub(crate) async fn enqueue(
    jobs: &Jobs,
    analysis_id: i64,
    repository_id: i64,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let payload = serde_json::to_string(&AnalysisJob {
        analysis_id,
        rev: None,
        threads: 0,
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let correlation_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_string);
    jobs.queue
        .enqueue(NewJob {
            kind: ANALYZE_JOB.into(),
            payload,
            correlation_id,
        })
        .await
        .map_err(|e| {
            ApiError::Internal(format!("could not enqueue analysis {analysis_id}: {e}"))
        })?;
    jobs.bus.publish(Event {
        analysis_id,
        repository_id,
        kind: EventKind::Queued,
    });
    Ok(())
}

/// `GET /api/v1/analyses/{id}`.
async fn get_analysis(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<AnalysisView>, ApiError> {
    Ok(Json(visible_analysis(&state, &caller, &raw).await?.into()))
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
}

/// How many analyses a repository's listing shows, newest first.
const RECENT: usize = 50;

/// `GET /api/v1/repositories/{id}/analyses`: the most recent analyses, newest first.
async fn list_analyses(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Page<AnalysisView>>, ApiError> {
    let id = parse_id(&raw)?;
    visible_repository(&state, &caller, id).await?;
    let items = state
        .store
        .analyses(id)
        .await?
        .into_iter()
        .take(RECENT)
        .map(AnalysisView::from)
        .collect();
    Ok(Json(Page { items }))
}

/// `POST /api/v1/analyses/{id}/cancel`: a queued analysis is cancelled at once, a running one
/// stops at its worker's next check (its status becomes `cancelled` then); 202 with the
/// analysis as it is now. 409 when it has already ended.
async fn cancel_analysis(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let analysis = visible_analysis(&state, &caller, &raw).await?;
    if analysis
        .parsed_status()
        .is_some_and(AnalysisStatus::is_terminal)
    {
        return Err(ApiError::Conflict(format!(
            "analysis {} has already ended ({}); there is nothing to cancel",
            analysis.id, analysis.status
        )));
    }
    let after = state
        .store
        .request_cancel(analysis.id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("analysis {} was just deleted", analysis.id)))?;
    if after.status == AnalysisStatus::Cancelled.as_str()
        && let Some(jobs) = &state.jobs
    {
        // Queued: nobody runs it, so nobody else will say so.
        jobs.bus.publish(Event {
            analysis_id: after.id,
            repository_id: after.repository_id,
            kind: EventKind::Cancelled,
        });
    }
    audit(
        &state,
        &caller.username,
        "analysis.cancel",
        &format!("analysis:{}", analysis.id),
        &format!("repository {}", analysis.repository_id),
        address.as_deref(),
    )
    .await;
    Ok((StatusCode::ACCEPTED, Json(AnalysisView::from(after))).into_response())
}

#[derive(Serialize)]
struct DeadLetterView {
    job_id: String,
    kind: String,
    /// The job's arguments (for analyses: `{"analysis_id": N, …}`).
    payload: serde_json::Value,
    attempts: u32,
    error: String,
    failed_at: String,
    correlation_id: Option<String>,
}

/// `GET /api/v1/admin/dead-letters`: jobs that ran out of attempts, newest first (admins).
async fn dead_letters(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<DeadLetterView>>, ApiError> {
    caller.require(Role::Admin)?;
    let jobs = jobs(&state)?;
    let items = jobs
        .queue
        .dead_letters(100)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .into_iter()
        .map(|d| DeadLetterView {
            payload: serde_json::from_str(&d.job.payload)
                .unwrap_or(serde_json::Value::String(d.job.payload.clone())),
            job_id: d.job.id,
            kind: d.job.kind,
            attempts: d.job.attempt,
            error: d.error,
            failed_at: rfc3339(d.failed_at_ms / 1000),
            correlation_id: d.job.correlation_id,
        })
        .collect();
    Ok(Json(Page { items }))
}
