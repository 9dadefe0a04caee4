//! REST endpoints under `/api/v1`.

use crate::auth::{Caller, visible_repository};
use crate::{ApiError, AppState, time::rfc3339};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use codevoyage_model::TreeNode;
use codevoyage_store::{LanguageShare, RepositorySummary};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(crate::auth::routes())
        .merge(crate::analyses::routes())
        .merge(crate::repositories_write::routes())
        .merge(crate::ws::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
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
        .route(
            "/api/v1/repositories/{id}/team",
            get(crate::team_views::team),
        )
        .route(
            "/api/v1/repositories/{id}/migrations",
            get(crate::team_views::migrations),
        )
        .route(
            "/api/v1/repositories/{id}/summary",
            get(crate::team_views::summary),
        )
        .route(
            "/api/v1/repositories/{id}/timeline",
            get(crate::timeline::timeline),
        )
        .route(
            "/api/v1/repositories/{id}/ownership",
            get(crate::timeline::ownership),
        )
        .route(
            "/api/v1/repositories/{id}/commits",
            get(crate::details::commits),
        )
        .route(
            "/api/v1/repositories/{id}/files/{*path}",
            get(crate::details::file),
        )
        .route(
            "/api/v1/contributors/{id}/anonymize",
            axum::routing::post(crate::details::anonymize),
        )
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    checks: std::collections::BTreeMap<&'static str, String>,
}

/// Ready when every dependency answers: 200 with each check "ok", or 503 naming what failed
/// (so a load balancer stops sending traffic, and an operator sees why).
async fn readyz(State(state): State<AppState>) -> Response {
    let mut checks = std::collections::BTreeMap::new();
    let mut ready = true;
    let (database, cache) = tokio::join!(state.store.ping(), state.cache.ping());
    for (name, result) in [
        ("database", database.map_err(|e| e.to_string())),
        ("cache", cache.map_err(|e| e.to_string())),
    ] {
        match result {
            Ok(()) => {
                checks.insert(name, "ok".to_string());
            }
            Err(e) => {
                tracing::warn!(check = name, error = %e, "not ready");
                ready = false;
                checks.insert(name, e);
            }
        }
    }
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            status: if ready { "ready" } else { "unavailable" },
            checks,
        }),
    )
        .into_response()
}

/// A repository as the API shows it.
#[derive(Serialize)]
pub(crate) struct RepositoryView {
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
    /// "private" (its owner and admins only) or "shared".
    visibility: String,
    owner_id: Option<i64>,
    /// What the forge (GitHub) says about the repository; `null` when its source is on no
    /// forge or the metadata could not be read.
    forge: Option<ForgeView>,
}

/// A repository's forge metadata as the API shows it (its ETag stays inside).
#[derive(Serialize)]
struct ForgeView {
    provider: String,
    owner: String,
    name: String,
    description: Option<String>,
    stars: u64,
    default_branch: Option<String>,
    fetched_at: String,
}

impl From<codevoyage_store::ForgeMetadata> for ForgeView {
    fn from(f: codevoyage_store::ForgeMetadata) -> Self {
        Self {
            provider: f.provider,
            owner: f.owner,
            name: f.name,
            description: f.description,
            stars: f.stars,
            default_branch: f.default_branch,
            fetched_at: rfc3339(f.fetched_at),
        }
    }
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
            visibility: r.visibility,
            owner_id: r.owner_id,
            forge: s.forge.map(ForgeView::from),
        }
    }
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
}

async fn list_repositories(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<RepositoryView>>, ApiError> {
    let items = state
        .store
        .list_visible_repositories(caller.viewer())
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

async fn get_repository(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<RepositoryView>, ApiError> {
    let id = parse_id(&raw)?;
    Ok(Json(visible_repository(&state, &caller, id).await?.into()))
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
    caller: Caller,
    Path(raw): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw)?;
    let repo = state
        .store
        .visible_repository(caller.viewer(), id)
        .await?
        .ok_or_else(|| {
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
    Ok(crate::encoded::json_response(&state, &headers, &key, body).await)
}
