//! Prometheus metrics: request counts and latencies per matched route, cache hits and misses,
//! queue depth, analysis outcomes and stage durations, build information.
//!
//! Each [`AppState`] owns its own recorder (a `PrometheusRecorder` held here, never installed
//! as the process-global recorder): two routers in one process, as in the tests, keep their
//! figures apart, and nothing depends on initialisation order. Request metrics are recorded
//! by a middleware; the figures that already live elsewhere (the cache's hit and miss
//! counters, the queue's depth) are read when the metrics are scraped.
//!
//! Routes are labelled by their pattern (`/api/v1/repositories/{id}`), never by the raw
//! path, so a scan of random URLs cannot blow up the number of series: requests that match
//! no route are labelled `unmatched`.
//!
//! The endpoint: `GET /metrics` on the main listener answers admins only (a Prometheus
//! scrape job sends an admin's API key as a bearer token); `metrics_listen` in the
//! configuration serves the same text without authentication on a separate address meant
//! for an internal network ([`metrics_router`]).

use crate::auth::{Caller, Role};
use crate::{ApiError, AppState};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use codevoyage_jobs::{Event, EventKind};
use metrics::{Key, Label, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Histogram buckets of request latencies, in seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Histogram buckets of analysis stage durations, in seconds.
const STAGE_BUCKETS: &[f64] = &[
    0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0,
];
/// Histogram samples wait in lock-free buckets until drained; drain them every this many
/// requests so that a server nobody scrapes does not grow.
const UPKEEP_EVERY: u64 = 4096;
/// Longest a scrape waits for the queue's depth.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(2);

pub const REQUESTS: &str = "codevoyage_http_requests_total";
pub const LATENCY: &str = "codevoyage_http_request_duration_seconds";
pub const IN_FLIGHT: &str = "codevoyage_http_requests_in_flight";
pub const RATE_LIMITED: &str = "codevoyage_http_rate_limited_total";
pub const CACHE_HITS: &str = "codevoyage_cache_hits_total";
pub const CACHE_MISSES: &str = "codevoyage_cache_misses_total";
pub const SNAPSHOT_HITS: &str = "codevoyage_cache_snapshot_hits_total";
pub const SNAPSHOT_MISSES: &str = "codevoyage_cache_snapshot_misses_total";
pub const SNAPSHOT_BYTES: &str = "codevoyage_cache_snapshot_bytes";
pub const QUEUE_JOBS: &str = "codevoyage_queue_jobs";
pub const ANALYSES: &str = "codevoyage_analyses_finished_total";
pub const STAGE_DURATION: &str = "codevoyage_analysis_stage_duration_seconds";
pub const BUILD_INFO: &str = "codevoyage_build_info";
pub const WEBSOCKETS: &str = "codevoyage_websockets_active";
pub const RETENTION_DELETED: &str = "codevoyage_retention_deleted_analyses_total";

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));

/// The metrics of one application. Cloning shares them.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    requests: AtomicU64,
    /// Set once an event-bus watcher runs, so a second router on the same state does not
    /// count every analysis twice.
    watching: AtomicBool,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("requests", &self.inner.requests.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        // The bucket lists are non-empty constants, the only thing the exporter checks;
        // should it still refuse them, summaries without buckets carry the same figures.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.into()), LATENCY_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(STAGE_DURATION.into()), STAGE_BUCKETS)
            })
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "histogram buckets rejected");
                PrometheusBuilder::new()
            });
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let metrics = Metrics {
            inner: Arc::new(Inner {
                recorder,
                handle,
                requests: AtomicU64::new(0),
                watching: AtomicBool::new(false),
            }),
        };
        metrics.describe();
        metrics
            .gauge(
                BUILD_INFO,
                vec![Label::new("version", env!("CARGO_PKG_VERSION"))],
            )
            .set(1.0);
        metrics.gauge(WEBSOCKETS, Vec::new()).set(0.0);
        // Present (at 0) from the start, so an alert can tell "nothing deleted" from "absent".
        metrics.counter(RETENTION_DELETED, Vec::new()).increment(0);
        metrics
    }

    fn describe(&self) {
        let r = &self.inner.recorder;
        let d = |name: &'static str, unit: Option<Unit>, help: &'static str| (name, unit, help);
        for (name, unit, help) in [
            d(
                REQUESTS,
                None,
                "HTTP requests by method, route pattern and status",
            ),
            d(
                RATE_LIMITED,
                None,
                "API requests refused with 429 by the per-client rate limit",
            ),
            d(
                CACHE_HITS,
                None,
                "Reads of the view cache that found a value",
            ),
            d(
                CACHE_MISSES,
                None,
                "Reads of the view cache that found nothing (or the cache was unavailable)",
            ),
            d(
                SNAPSHOT_HITS,
                None,
                "Hot-cache misses answered by a compressed snapshot on disk (the cold layer)",
            ),
            d(
                SNAPSHOT_MISSES,
                None,
                "Hot-cache misses the snapshots on disk could not answer either (computed from the database)",
            ),
            d(
                ANALYSES,
                None,
                "Analyses that ended, by outcome, as seen on this instance's event bus",
            ),
            d(
                RETENTION_DELETED,
                None,
                "Old analyses deleted (with their rows) by this instance's retention task",
            ),
        ] {
            r.describe_counter(name.into(), unit, SharedString::const_str(help));
        }
        for (name, unit, help) in [
            d(
                LATENCY,
                Some(Unit::Seconds),
                "HTTP request latency by method, route pattern and status",
            ),
            d(
                STAGE_DURATION,
                Some(Unit::Seconds),
                "Duration of finished analysis stages",
            ),
        ] {
            r.describe_histogram(name.into(), unit, SharedString::const_str(help));
        }
        for (name, unit, help) in [
            d(IN_FLIGHT, None, "HTTP requests being served"),
            d(
                SNAPSHOT_BYTES,
                Some(Unit::Bytes),
                "Compressed bytes of view snapshots on disk",
            ),
            d(WEBSOCKETS, None, "WebSocket connections open on /api/v1/ws"),
            d(
                QUEUE_JOBS,
                None,
                "Jobs in the analysis queue by state (ready, delayed, in_flight, dead)",
            ),
            d(
                BUILD_INFO,
                None,
                "Always 1; the labels name the running version",
            ),
        ] {
            r.describe_gauge(name.into(), unit, SharedString::const_str(help));
        }
    }

    fn counter(&self, name: &'static str, labels: Vec<Label>) -> metrics::Counter {
        self.inner
            .recorder
            .register_counter(&Key::from_parts(name, labels), &METADATA)
    }

    fn gauge(&self, name: &'static str, labels: Vec<Label>) -> metrics::Gauge {
        self.inner
            .recorder
            .register_gauge(&Key::from_parts(name, labels), &METADATA)
    }

    fn histogram(&self, name: &'static str, labels: Vec<Label>) -> metrics::Histogram {
        self.inner
            .recorder
            .register_histogram(&Key::from_parts(name, labels), &METADATA)
    }

    /// Counts one request refused by the rate limit.
    pub(crate) fn rate_limited(&self) {
        self.counter(RATE_LIMITED, Vec::new()).increment(1);
    }

    /// One open WebSocket: counted in `codevoyage_websockets_active` until the returned guard
    /// is dropped.
    pub(crate) fn websocket_opened(&self) -> InFlight {
        InFlight::start(self.gauge(WEBSOCKETS, Vec::new()))
    }

    /// Counts analyses deleted by the retention task.
    pub fn retention_deleted(&self, analyses: u64) {
        self.counter(RETENTION_DELETED, Vec::new())
            .increment(analyses);
    }

    /// Records one analysis event: outcomes and stage durations.
    pub fn record_event(&self, event: &Event) {
        match &event.kind {
            EventKind::StageFinished {
                stage, elapsed_ms, ..
            } => {
                self.histogram(STAGE_DURATION, vec![Label::new("stage", stage.as_str())])
                    .record(Duration::from_millis(*elapsed_ms).as_secs_f64());
            }
            EventKind::Finished => self.outcome("succeeded"),
            EventKind::Failed { .. } => self.outcome("failed"),
            EventKind::Cancelled => self.outcome("cancelled"),
            EventKind::Queued | EventKind::StageStarted { .. } | EventKind::Progress { .. } => {}
        }
    }

    fn outcome(&self, outcome: &'static str) {
        self.counter(ANALYSES, vec![Label::new("outcome", outcome)])
            .increment(1);
    }

    /// The Prometheus text exposition, with the figures read at scrape time brought up to
    /// date first.
    pub async fn render(&self, state: &AppState) -> String {
        let stats = state.cache.stats();
        self.counter(CACHE_HITS, Vec::new()).absolute(stats.hits);
        self.counter(CACHE_MISSES, Vec::new())
            .absolute(stats.misses);
        if let Some(snapshots) = state.cache.snapshots() {
            let cold = snapshots.stats();
            self.counter(SNAPSHOT_HITS, Vec::new()).absolute(cold.hits);
            self.counter(SNAPSHOT_MISSES, Vec::new())
                .absolute(cold.misses);
            // Far below 2^53: exact as f64.
            self.gauge(SNAPSHOT_BYTES, Vec::new())
                .set(snapshots.bytes() as f64);
        }
        if let Some(jobs) = &state.jobs {
            match tokio::time::timeout(QUEUE_TIMEOUT, jobs.queue.depth()).await {
                Ok(Ok(depth)) => {
                    for (name, value) in [
                        ("ready", depth.ready),
                        ("delayed", depth.delayed),
                        ("in_flight", depth.in_flight),
                        ("dead", depth.dead),
                    ] {
                        // Queue sizes stay far below 2^53: exact as f64.
                        self.gauge(QUEUE_JOBS, vec![Label::new("state", name)])
                            .set(value as f64);
                    }
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "metrics: queue depth unavailable"),
                Err(_) => tracing::warn!("metrics: queue depth timed out"),
            }
        }
        self.inner.handle.run_upkeep();
        self.inner.handle.render()
    }

    /// Starts counting analysis outcomes from the state's event bus (once per `Metrics`).
    /// Needs a tokio runtime; without one (a router built outside any runtime) it does
    /// nothing. The task ends when the bus closes.
    pub(crate) fn watch_events(&self, state: &AppState) {
        let Some(jobs) = &state.jobs else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.inner.watching.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut events = jobs.bus.subscribe();
        let metrics = self.clone();
        runtime.spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match events.recv().await {
                    Ok(event) => metrics.record_event(&event),
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(
                            missed = n,
                            "metrics: event bus lagged; outcomes undercounted"
                        );
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

/// Route-layer middleware: copies the matched route pattern into the response, where the
/// outer [`track`] middleware (which runs before routing) can read it.
pub(crate) async fn remember_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(matched);
    }
    response
}

/// Counts and times every request by method, route pattern and status.
pub(crate) async fn track(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let method = method_label(request.method());
    let started = Instant::now();
    let in_flight = InFlight::start(metrics.gauge(IN_FLIGHT, Vec::new()));
    let response = next.run(request).await;
    drop(in_flight);
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let labels = vec![
        Label::new("method", method),
        Label::new("route", route),
        Label::new("status", response.status().as_u16().to_string()),
    ];
    metrics.counter(REQUESTS, labels.clone()).increment(1);
    metrics
        .histogram(LATENCY, labels)
        .record(started.elapsed().as_secs_f64());
    if metrics.inner.requests.fetch_add(1, Ordering::Relaxed) % UPKEEP_EVERY == UPKEEP_EVERY - 1 {
        metrics.inner.handle.run_upkeep();
    }
    response
}

/// One request in flight (or one open WebSocket); the gauge goes down when it is dropped, also
/// when the client goes away and the request's future is dropped before it finishes.
pub(crate) struct InFlight(metrics::Gauge);

impl InFlight {
    fn start(gauge: metrics::Gauge) -> InFlight {
        gauge.increment(1.0);
        InFlight(gauge)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// The method as a label; methods outside the standard ones share one label value.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics` on the main listener: admins only.
pub(crate) async fn metrics_for_admins(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require(Role::Admin)?;
    Ok(exposition(&state).await)
}

async fn metrics_open(State(state): State<AppState>) -> Response {
    exposition(&state).await
}

async fn exposition(state: &AppState) -> Response {
    let body = state.ops.metrics.render(state).await;
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body,
    )
        .into_response()
}

/// The router of the separate metrics listener (`metrics_listen`): `GET /metrics` without
/// authentication, and nothing else. Bind it to an address only the monitoring network
/// reaches.
pub fn metrics_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(metrics_open))
        .with_state(state)
}
