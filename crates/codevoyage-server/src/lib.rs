//! The HTTP face of CodeVoyage: the REST API under `/api/v1`, health checks and the embedded
//! web UI.
//!
//! `router(state)` builds the whole application as an axum `Router`, so tests drive it with
//! `oneshot` and no socket; `serve(listener, router, shutdown)` runs it until `shutdown`
//! resolves. Architecture Invariant: the server never runs an analysis itself; it reads the
//! store (and, later, enqueues jobs and streams their events).

mod analyses;
mod api;
mod apikeys;
mod audit;
pub mod auth;
mod details;
mod encoded;
mod error;
pub mod metrics;
pub mod openapi;
pub mod ops;
mod repositories_write;
mod team_views;
mod time;
mod timeline;
pub mod tls;
mod ui;
mod users;
mod views;
mod ws;

pub use analyses::Jobs;
pub use details::drop_superseded_views;
pub use error::ApiError;
pub use metrics::metrics_router;
pub use ops::{Ops, OpsSettings, RateLimit, RetentionPolicy, spawn_retention};

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
    /// JWT signing keys, token lifetime, login rate limit.
    pub auth: std::sync::Arc<auth::AuthSettings>,
    /// Login attempts per client address (brute-force guard).
    pub login_limiter: std::sync::Arc<auth::LoginLimiter>,
    /// The queue, event bus and source policy of the write side (analyses, registration,
    /// WebSocket); `None` serves the read endpoints only.
    pub jobs: Option<Jobs>,
    /// Metrics, rate limit and CORS settings (see `ops`).
    pub ops: ops::Ops,
}

impl AppState {
    pub fn new(store: Store, cache: Cache) -> Self {
        Self {
            store,
            cache,
            cache_ttl: Duration::from_secs(300),
            auth: std::sync::Arc::new(auth::AuthSettings::ephemeral()),
            login_limiter: std::sync::Arc::default(),
            jobs: None,
            ops: ops::Ops::default(),
        }
    }

    /// The same state with these operations settings (CORS origins, rate limit); the
    /// metrics collected so far are kept.
    pub fn with_ops(mut self, settings: OpsSettings) -> Self {
        self.ops.settings = std::sync::Arc::new(settings);
        self
    }

    /// The same state with a job queue and event bus: enables registering repositories,
    /// starting and cancelling analyses, and the WebSocket.
    pub fn with_jobs(mut self, jobs: Jobs) -> Self {
        self.jobs = Some(jobs);
        self
    }

    /// The same state with these authentication settings (configured JWT secrets).
    pub fn with_auth(mut self, auth: auth::AuthSettings) -> Self {
        self.auth = std::sync::Arc::new(auth);
        self
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    use axum::http::{HeaderValue, header};
    use tower_http::set_header::SetResponseHeaderLayer;
    let app = Router::new()
        .merge(api::routes())
        .merge(ops::routes())
        .route_layer(axum::middleware::from_fn(metrics::remember_route))
        .fallback(ui::serve_asset)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(ops::json_errors))
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
        .layer(tower_http::compression::CompressionLayer::new());
    // Request ids, metrics, the request log, the rate limit and CORS.
    ops::wrap(app, &state)
}

/// Serves `router` on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Connection info gives handlers the client address (login rate limit, audit log).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// True when the web UI was built and embedded (or, in debug builds, is present on disk).
pub fn ui_available() -> bool {
    ui::available()
}
