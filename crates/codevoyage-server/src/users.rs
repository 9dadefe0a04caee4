//! `GET|POST /api/v1/users`: user administration, for admins.

use crate::auth::{self, Caller, ClientAddr, Role};
use crate::time::rfc3339;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use codevoyage_store::UserRow;
use serde::{Deserialize, Serialize};

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/users", get(list).post(create))
}

#[derive(Serialize)]
struct UserView {
    id: i64,
    username: String,
    role: String,
    created_at: String,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        UserView {
            id: u.id,
            username: u.username,
            role: u.role,
            created_at: rfc3339(u.created_at),
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
) -> Result<Json<Page<UserView>>, ApiError> {
    caller.require(Role::Admin)?;
    let items = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(UserView::from)
        .collect();
    Ok(Json(Page { items }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    username: String,
    password: String,
    role: Role,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    body: Result<Json<NewUser>, JsonRejection>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    caller.require(Role::Admin)?;
    let Json(new) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be JSON {{\"username\", \"password\", \"role\": \"admin\"|\"analyst\"|\"viewer\"}}: {}",
            e.body_text()
        ))
    })?;
    let user = auth::create_user(&state.store, &new.username, &new.password, new.role).await?;
    auth::audit(
        &state,
        &caller.username,
        "user.create",
        &format!("user:{}", user.username),
        &format!("role {}", user.role),
        address.as_deref(),
    )
    .await;
    Ok((StatusCode::CREATED, Json(user.into())))
}
