//! The HTTP face of CodeVoyage: the REST API under `/api/v1`, health checks and the embedded
//! web UI.
//!
//! `router(state)` builds the whole application as an axum `Router`, so tests drive it with
//! `oneshot` and no socket; `serve(listener, router, shutdown)` runs it until `shutdown`
//! resolves. Architecture Invariant: the server never runs an analysis itself; it reads the
//! store (and, later, enqueues jobs and streams their events).

mod api;
mod error;
mod time;
mod ui;
mod views;

pub use error::ApiError;

use axum::Router;
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// Everything a request handler may use.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub cache: Cache,
    /// How long computed views stay in the hot cache.
    pub cache_ttl: Duration,
}

impl AppState {
    pub fn new(store: Store, cache: Cache) -> Self {
        Self {
            store,
            cache,
            cache_ttl: Duration::from_secs(300),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    use axum::http::{HeaderValue, header};
    use tower_http::set_header::SetResponseHeaderLayer;
    Router::new()
        .merge(api::routes())
        .fallback(ui::serve_asset)
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Serves `router` on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// True when the web UI was built and embedded (or, in debug builds, is present on disk).
pub fn ui_available() -> bool {
    ui::available()
}
