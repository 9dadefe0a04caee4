//! Registering and deleting repositories.
//!
//! `POST /api/v1/repositories` checks the source before storing anything: a URL must point
//! at a public address (unless `allow_private_urls`), a local path must be a git repository
//! inside one of the configured `allowed_roots`. `DELETE /api/v1/repositories/{id}` is the
//! GDPR erasure: every row of the repository, its queued jobs and its clone folder.

use crate::analyses::jobs;
use crate::api::{RepositoryView, parse_id};
use crate::auth::{Caller, ClientAddr, Role, audit, visible_repository};
use crate::{ApiError, AppState};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use codevoyage_jobs::source::{CheckedSource, check_source, clone_dir};
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repositories", post(register))
        .route("/api/v1/repositories/{id}", delete(remove))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRepository {
    /// A URL (https, http, ssh, git, file, or user@host:path) or an absolute local path.
    source: String,
    /// Display name; defaults to the folder or the URL's last segment.
    name: Option<String>,
    /// "private" (the default: its owner and admins only) or "shared".
    visibility: Option<String>,
}

const MAX_SOURCE: usize = 2048;
const MAX_NAME: usize = 200;

/// 409 with the id of the repository already registered under this source (when the caller
/// may see it; otherwise only that it exists).
#[derive(Serialize)]
struct ConflictBody {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
}

fn validate(body: &NewRepository) -> Result<(String, String), ApiError> {
    let source = body.source.trim();
    if source.is_empty() || source.len() > MAX_SOURCE {
        return Err(ApiError::BadRequest(format!(
            "source must be a URL or an absolute path of 1 to {MAX_SOURCE} characters"
        )));
    }
    let visibility = body.visibility.as_deref().unwrap_or("private");
    if !matches!(visibility, "private" | "shared") {
        return Err(ApiError::BadRequest(format!(
            "visibility {visibility:?} must be \"private\" or \"shared\""
        )));
    }
    if let Some(name) = &body.name
        && (name.trim().is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control))
    {
        return Err(ApiError::BadRequest(format!(
            "name must be 1 to {MAX_NAME} printable characters"
        )));
    }
    Ok((source.to_string(), visibility.to_string()))
}

/// `POST /api/v1/repositories` (analysts and admins): 201 with the repository, owned by the
/// caller.
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    body: Result<Json<NewRepository>, JsonRejection>,
) -> Result<Response, ApiError> {
    caller.require(Role::Analyst)?;
    let Json(body) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be JSON {{\"source\", \"name\"?, \"visibility\"?}}: {}",
            e.body_text()
        ))
    })?;
    let (source, visibility) = validate(&body)?;
    let jobs = jobs(&state)?;
    let checked = check_source(&source, &jobs.policy)
        .await
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if let CheckedSource::Local(path) = &checked {
        codevoyage_jobs::check_repository(path, None)
            .await
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    let stored = checked.as_stored();
    if let Some(existing) = state
        .store
        .list_repositories()
        .await?
        .into_iter()
        .find(|r| r.repository.source == stored)
    {
        let r = existing.repository;
        let visible = caller.can_see(r.owner_id, &r.visibility);
        let body = ConflictBody {
            code: "conflict",
            message: if visible {
                format!("{stored} is already registered as repository {}", r.id)
            } else {
                format!("{stored} is already registered by another user")
            },
            id: visible.then_some(r.id),
        };
        return Ok((StatusCode::CONFLICT, Json(body)).into_response());
    }
    let name = body
        .name
        .as_deref()
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| checked.default_name());
    let row = state.store.upsert_repository(&name, &stored).await?;
    state
        .store
        .set_repository_access(row.id, Some(caller.user_id), &visibility)
        .await?;
    audit(
        &state,
        &caller.username,
        "repository.create",
        &format!("repository:{}", row.id),
        &format!("{stored} ({visibility})"),
        address.as_deref(),
    )
    .await;
    let view: RepositoryView = visible_repository(&state, &caller, row.id).await?.into();
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `DELETE /api/v1/repositories/{id}` (its owner or an admin): 204. Running analyses of it
/// are told to stop, its jobs dropped, every row deleted, its clone folder removed.
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&raw)?;
    let repository = visible_repository(&state, &caller, id).await?.repository;
    let owner = repository.owner_id == Some(caller.user_id);
    if !(caller.role == Role::Admin || (owner && caller.role >= Role::Analyst)) {
        return Err(ApiError::Forbidden(format!(
            "only the owner of repository {id} or an admin may delete it"
        )));
    }
    for analysis in state.store.analyses(id).await? {
        if !analysis
            .parsed_status()
            .is_some_and(codevoyage_store::AnalysisStatus::is_terminal)
        {
            state.store.request_cancel(analysis.id).await?;
        }
    }
    state.store.delete_jobs_of_repository(id).await?;
    if !state.store.delete_repository(id).await? {
        return Err(ApiError::NotFound(format!("no repository with id {id}")));
    }
    crate::details::drop_cached_views(&state.cache, id).await;
    if let Some(repos_dir) = state.jobs.as_ref().and_then(|j| j.repos_dir.as_ref())
        && codevoyage_jobs::source::is_remote(&repository.source)
    {
        let dir = clone_dir(repos_dir, &repository.source);
        if dir.exists()
            && let Err(e) = std::fs::remove_dir_all(&dir)
        {
            tracing::error!(error = %e, dir = %dir.display(), "could not remove a deleted repository's clone");
        }
    }
    audit(
        &state,
        &caller.username,
        "repository.delete",
        &format!("repository:{id}"),
        &repository.source,
        address.as_deref(),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
