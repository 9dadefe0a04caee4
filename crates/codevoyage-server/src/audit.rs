//! `GET /api/v1/audit`: the audit log, newest first, for admins. Paged with `before` (the
//! `next_before` of the previous page) and `limit`.

use crate::auth::{Caller, Role};
use crate::time::rfc3339;
use crate::{ApiError, AppState};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Paging {
    before: Option<i64>,
    limit: Option<u32>,
}

#[derive(Serialize)]
struct EntryView {
    id: i64,
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
    address: Option<String>,
}

#[derive(Serialize)]
struct AuditPage {
    items: Vec<EntryView>,
    /// Pass as `before` to read the next (older) page; absent on the last page.
    next_before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    paging: Result<Query<Paging>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    caller.require(Role::Admin)?;
    let Query(paging) = paging.map_err(|e| {
        ApiError::BadRequest(format!(
            "query parameters are `before` (an entry id) and `limit` (1..=1000): {}",
            e.body_text()
        ))
    })?;
    let limit = paging.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    if paging.before.is_some_and(|b| b < 1) {
        return Err(ApiError::BadRequest(
            "before must be a positive entry id".into(),
        ));
    }
    let rows = state.store.audit_log(paging.before, limit).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let items = rows
        .into_iter()
        .map(|r| EntryView {
            id: r.id,
            at: rfc3339(r.at),
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
            address: r.address,
        })
        .collect();
    Ok(Json(AuditPage { items, next_before }))
}
