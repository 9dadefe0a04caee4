//! The API's description: `GET /api/v1/openapi.json` (an OpenAPI 3.1 document of every
//! route) and `GET /api/docs` (a page that renders it). Both are compiled into the binary;
//! the page loads nothing from elsewhere.
//!
//! The document is written by hand in `openapi.json`, next to this file. The tests in
//! `tests/ops_openapi.rs` keep it honest: they fail when a route registered in the router
//! source is missing from it or it names a route that does not exist, when its error codes
//! differ from `ApiError`'s, and when a documented GET answers a status or a body the document
//! does not declare.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;

use crate::AppState;

/// The OpenAPI document.
pub const DOCUMENT: &str = include_str!("openapi.json");
const PAGE: &str = include_str!("openapi.html");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(document))
        .route("/api/docs", get(page))
}

async fn document() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        DOCUMENT,
    )
}

async fn page() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_SECURITY_POLICY,
                // Its own inline script and style, and the document from this server only.
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                     connect-src 'self'; img-src 'self' data:",
                ),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Html(PAGE),
    )
}
