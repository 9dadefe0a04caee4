//! REST endpoints under `/api/v1`.

use crate::{ApiError, AppState, time::rfc3339};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use codevoyage_model::TreeNode;
use codevoyage_store::{LanguageShare, RepositorySummary};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/repositories", get(list_repositories))
        .route("/api/v1/repositories/{id}", get(get_repository))
        .route("/api/v1/repositories/{id}/tree", get(get_tree))
        .route(
            "/api/v1/repositories/{id}/insights",
            get(crate::views::insights),
        )
        .route(
            "/api/v1/repositories/{id}/hotspots",
            get(crate::views::hotspots),
        )
        .route(
            "/api/v1/repositories/{id}/coupling",
            get(crate::views::coupling),
        )
        .route(
            "/api/v1/repositories/{id}/contributors",
            get(crate::views::contributors),
        )
        .route(
            "/api/v1/repositories/{id}/activity",
            get(crate::views::activity),
        )
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// A repository as the API shows it.
#[derive(Serialize)]
struct RepositoryView {
    id: i64,
    name: String,
    source: String,
    head: Option<String>,
    shallow: bool,
    total_commits: u64,
    total_contributors: u64,
    total_files: u64,
    languages: Vec<LanguageShare>,
    created_at: String,
    last_analyzed_at: Option<String>,
}

impl From<RepositorySummary> for RepositoryView {
    fn from(s: RepositorySummary) -> Self {
        let r = s.repository;
        Self {
            id: r.id,
            name: r.name,
            source: r.source,
            head: r.head,
            shallow: r.is_shallow,
            total_commits: s.total_commits,
            total_contributors: s.total_contributors,
            total_files: s.total_files,
            languages: s.languages,
            created_at: rfc3339(r.created_at),
            last_analyzed_at: r.last_analyzed_at.map(rfc3339),
        }
    }
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
}

async fn list_repositories(
    State(state): State<AppState>,
) -> Result<Json<Page<RepositoryView>>, ApiError> {
    let items = state
        .store
        .list_repositories()
        .await?
        .into_iter()
        .map(RepositoryView::from)
        .collect();
    Ok(Json(Page { items }))
}

pub(crate) fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::BadRequest(format!("repository id {raw:?} is not a positive integer"))
    })
}

async fn find_repository(state: &AppState, id: i64) -> Result<RepositorySummary, ApiError> {
    state
        .store
        .list_repositories()
        .await?
        .into_iter()
        .find(|r| r.repository.id == id)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no repository with id {id}; list them at /api/v1/repositories"
            ))
        })
}

async fn get_repository(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<RepositoryView>, ApiError> {
    let id = parse_id(&raw)?;
    Ok(Json(find_repository(&state, id).await?.into()))
}

#[derive(Serialize)]
struct TreeView {
    repository_id: i64,
    revision: String,
    root: TreeNode,
}

/// The city: the latest analysed revision's files as a nested tree. Cached per revision.
async fn get_tree(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw)?;
    let repo = state.store.repository(id).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "no repository with id {id}; list them at /api/v1/repositories"
        ))
    })?;
    let key = format!("tree:{id}:{}", repo.head.as_deref().unwrap_or("-"));
    let body = match state.cache.get(&key).await {
        Some(hit) => hit,
        None => {
            let (revision, files) = state.store.latest_tree(id).await?.ok_or_else(|| {
                ApiError::NotFound(format!(
                    "repository {id} has no finished analysis yet; run `codevoyage analyze` on it"
                ))
            })?;
            let view = TreeView {
                repository_id: id,
                revision,
                root: TreeNode::from_files(files),
            };
            let body = serde_json::to_vec(&view).map_err(|e| ApiError::Internal(e.to_string()))?;
            state.cache.set(&key, &body, state.cache_ttl).await;
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
