//! `GET|POST /api/v1/apikeys`, `DELETE /api/v1/apikeys/{id}`: a user's own API keys (an
//! admin sees and revokes everyone's). A new key is returned once; only its hash is kept.

use crate::auth::{self, Caller, ClientAddr, Role};
use crate::time::rfc3339;
use crate::{ApiError, AppState};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use codevoyage_store::ApiKeyRow;
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/apikeys", get(list).post(create))
        .route("/api/v1/apikeys/{id}", delete(revoke))
}

#[derive(Serialize)]
struct KeyView {
    id: i64,
    user_id: i64,
    username: String,
    name: String,
    prefix: String,
    created_at: String,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

impl From<ApiKeyRow> for KeyView {
    fn from(k: ApiKeyRow) -> Self {
        KeyView {
            id: k.id,
            user_id: k.user_id,
            username: k.username,
            name: k.name,
            prefix: k.prefix,
            created_at: rfc3339(k.created_at),
            revoked_at: k.revoked_at.map(rfc3339),
            last_used_at: k.last_used_at.map(rfc3339),
        }
    }
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<KeyView>>, ApiError> {
    let owner = (caller.role != Role::Admin).then_some(caller.user_id);
    let items = state
        .store
        .list_api_keys(owner)
        .await?
        .into_iter()
        .map(KeyView::from)
        .collect();
    Ok(Json(Page { items }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
}

#[derive(Serialize)]
struct CreatedKey {
    id: i64,
    name: String,
    /// The key itself: shown this once, never again.
    key: String,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    body: Result<Json<NewKey>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let Json(new) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be JSON {{\"name\": \"what the key is for\"}}: {}",
            e.body_text()
        ))
    })?;
    let (id, key) = auth::create_api_key(&state.store, caller.user_id, &new.name).await?;
    auth::audit(
        &state,
        &caller.username,
        "apikey.create",
        &format!("apikey:{id}"),
        new.name.trim(),
        address.as_deref(),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            id,
            name: new.name.trim().to_string(),
            key,
        }),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ApiError::BadRequest(format!("API key id {raw:?} is not a positive integer"))
        })?;
    let missing = || {
        ApiError::NotFound(format!(
            "no API key with id {id}; list yours at /api/v1/apikeys"
        ))
    };
    // Someone else's key is as invisible as a missing one, unless the caller is an admin.
    let key = state
        .store
        .api_key(id)
        .await?
        .filter(|k| caller.role == Role::Admin || k.user_id == caller.user_id)
        .ok_or_else(missing)?;
    if key.revoked_at.is_none() {
        state.store.revoke_api_key(id).await?;
        auth::audit(
            &state,
            &caller.username,
            "apikey.revoke",
            &format!("apikey:{id}"),
            &format!("{} of {}", key.name, key.username),
            address.as_deref(),
        )
        .await;
    }
    Ok(StatusCode::NO_CONTENT)
}
