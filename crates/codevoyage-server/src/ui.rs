//! The web UI, embedded in the binary from `web/dist` (built by `npm run build`).
//!
//! Release builds carry the files inside the executable; debug builds read them from disk, so
//! a front-end rebuild shows without recompiling Rust. `build.rs` never runs npm: when the UI
//! has not been built, the server still works and `/` explains how to build it.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Assets;

pub fn available() -> bool {
    Assets::get("index.html").is_some()
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>CodeVoyage</title>\
<body style=\"font-family:sans-serif;background:#0f172a;color:#e2e8f0;padding:3rem\">\
<h1>CodeVoyage</h1><p>The web UI has not been built into this binary.</p>\
<p>Build it with <code>make serve</code> (or <code>npm ci --prefix web &amp;&amp; npm run build --prefix web</code>, then rebuild).\
 The API is available under <a style=\"color:#7dd3fc\" href=\"/api/v1/repositories\">/api/v1/repositories</a>.</p></body>";

/// Serves a built asset, or `index.html` for client-side routes such as `/repositories/3`.
pub async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::ApiError::NotFound(format!("no API endpoint at /{path}")).into_response();
    }
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite puts a content hash in asset names, so they may be cached for long.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(mime.as_ref())
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            file.data.into_owned(),
        )
            .into_response();
    }
    match Assets::get("index.html") {
        Some(index) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
            Html(index.data.into_owned()),
        )
            .into_response(),
        None => (StatusCode::OK, Html(NOT_BUILT)).into_response(),
    }
}
