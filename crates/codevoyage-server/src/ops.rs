//! Operations around every request: request ids, metrics, the per-client rate limit, CORS
//! and the request log.
//!
//! Layers, from the outside in: CORS (answers preflights before anything else), request id
//! (an incoming `x-request-id` of up to 128 URL-safe characters is kept, anything else is
//! replaced by a fresh UUID; echoed on the response), metrics, the request log span (carrying
//! the request id, so every log line of a request names it), the rate limit (`/api/` only),
//! then the application.

use crate::metrics::Metrics;
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

/// The request id header, set on every request and echoed on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longest request id accepted from a client.
const MAX_REQUEST_ID: usize = 128;

/// A token bucket per client: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: f64,
}

/// The configurable part of operations.
#[derive(Debug, Clone, Default)]
pub struct OpsSettings {
    /// Origins allowed to call the API from a browser page of another origin; empty: no
    /// CORS headers at all (the embedded UI is same-origin and needs none).
    pub cors_origins: Vec<HeaderValue>,
    /// The general API rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
}

impl OpsSettings {
    /// Checks and converts configured origins: `scheme://host[:port]`, http or https,
    /// nothing after the host (browsers send exactly that in `Origin`).
    pub fn parse_origin(origin: &str) -> Result<HeaderValue, String> {
        let fail = || {
            format!(
                "CORS origin {origin:?} is not an origin like https://codevoyage.example.com or \
                 http://localhost:5173 (scheme, host and optional port; no path, no trailing \
                 slash, no wildcard)"
            )
        };
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or_else(fail)?;
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            // [address] or [address]:port
            let (address, after) = v6.split_once(']').ok_or_else(fail)?;
            if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                return Err(fail());
            }
            match after {
                "" => ("v6", None),
                _ => ("v6", Some(after.strip_prefix(':').ok_or_else(fail)?)),
            }
        } else {
            match rest.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            }
        };
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
        if !host_ok || !port_ok {
            return Err(fail());
        }
        HeaderValue::from_str(origin).map_err(|_| fail())
    }
}

/// Operations state shared by every request of one application.
#[derive(Debug, Clone, Default)]
pub struct Ops {
    pub settings: Arc<OpsSettings>,
    pub metrics: Metrics,
    /// The buckets of the general rate limit (the login limiter's token bucket, with its
    /// own table).
    limiter: Arc<crate::auth::LoginLimiter>,
}

impl Ops {
    pub fn new(settings: OpsSettings) -> Ops {
        Ops {
            settings: Arc::new(settings),
            ..Ops::default()
        }
    }
}

/// Routes of operations: `/metrics` (admins), the OpenAPI document and its page.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/metrics",
            axum::routing::get(crate::metrics::metrics_for_admins),
        )
        .merge(crate::openapi::routes())
}

/// Wraps the application in the operations layers (see the module docs for the order).
pub(crate) fn wrap(app: Router, state: &AppState) -> Router {
    let ops = &state.ops;
    ops.metrics.watch_events(state);
    let app = app
        .layer(from_fn_with_state(state.ops.clone(), rate_limit))
        .layer(
            // One INFO line per response (status, latency) inside the request's span: the
            // access log, with the request id.
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .layer(from_fn_with_state(
            ops.metrics.clone(),
            crate::metrics::track,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(from_fn(drop_bad_request_id));
    match cors(&ops.settings.cors_origins) {
        Some(layer) => app.layer(layer),
        None => app,
    }
}

fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, REQUEST_ID])
            .expose_headers([REQUEST_ID, header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

/// Removes a client's request id that is too long or holds characters other than letters,
/// digits, `-`, `_` and `.`, so that a fresh one is made (log lines stay clean).
async fn drop_bad_request_id(mut request: Request, next: Next) -> Response {
    let bad = request.headers().get(&REQUEST_ID).is_some_and(|v| {
        let b = v.as_bytes();
        b.is_empty()
            || b.len() > MAX_REQUEST_ID
            || !b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    });
    if bad {
        request.headers_mut().remove(&REQUEST_ID);
    }
    next.run(request).await
}

/// Longest text of a framework rejection carried into the JSON error.
const MAX_REJECTION_TEXT: usize = 500;

/// Puts the plain-text rejections of axum's extractors (a query string, path or body that
/// does not parse, a missing WebSocket handshake) under `/api/` into the one error shape
/// `{"code","message"}`, keeping their status, so clients never see another error format.
/// Applied inside the compression layer (in `router`), where bodies are still plain.
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    // Plain text, or nothing at all (axum's 405 for a method a route does not have).
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !api || !plain || !status.is_client_error() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let text: String = text.chars().take(MAX_REJECTION_TEXT).collect();
    let code = match status.as_u16() {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        429 => "rate_limited",
        _ => "bad_request",
    };
    let message = if status == axum::http::StatusCode::METHOD_NOT_ALLOWED {
        match parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
        {
            Some(allowed) if !allowed.is_empty() => {
                format!("this path answers {allowed}, not this method; see /api/docs")
            }
            _ => "this path does not answer this method; /api/docs lists the methods of each \
                  path"
                .to_string(),
        }
    } else if text.is_empty() {
        format!("the request was refused ({status})")
    } else {
        format!("the request was not understood: {text}")
    };
    let body = serde_json::json!({ "code": code, "message": message }).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The log span of a request: method, path and request id.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

/// Requests with credentials from one address may reach this many times one client's
/// limit: several people behind one NAT address keep working, while a client inventing a new
/// credential for every request cannot escape the limit.
const ADDRESS_FACTOR: u32 = 4;

/// The general rate limit on `/api/`, token buckets per client: a request with credentials
/// takes from the bucket of its credential (a fingerprint of the bearer token or API key) and
/// from its address's bucket for credentialed requests ([`ADDRESS_FACTOR`] times larger); a
/// request without takes from its address's anonymous bucket. Over the limit: 429
/// `rate_limited` with `Retry-After`.
async fn rate_limit(State(ops): State<Ops>, request: Request, next: Next) -> Response {
    let Some(limit) = ops.settings.rate_limit else {
        return next.run(request).await;
    };
    if !request.uri().path().starts_with("/api/") || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let (credential, address) = client_keys(&request);
    let refill = Duration::from_secs_f64(1.0 / limit.per_second.max(0.001));
    let outcome = match &credential {
        None => ops
            .limiter
            .check(&format!("anon:{address}"), limit.burst, refill),
        Some(key) => ops
            .limiter
            .check(
                &format!("addr:{address}"),
                limit.burst.saturating_mul(ADDRESS_FACTOR),
                refill / ADDRESS_FACTOR,
            )
            .and_then(|()| ops.limiter.check(key, limit.burst, refill)),
    };
    match outcome {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            ops.metrics.rate_limited();
            tracing::info!(
                credential = credential.as_deref().unwrap_or("-"),
                %address,
                retry_after = seconds,
                "rate limited"
            );
            ApiError::RateLimited(seconds).into_response()
        }
    }
}

/// A request's credential fingerprint (when it has one) and client address.
fn client_keys(request: &Request) -> (Option<String>, String) {
    let credential = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        // A fingerprint: the table never holds a usable credential.
        .map(|c| format!("key:{}", &crate::auth::sha256_hex(c)[..24]));
    let address = match request.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(addr)) => addr.ip().to_string(),
        None => "unknown".to_string(),
    };
    (credential, address)
}

/// How long finished analyses are kept (`retention_days`) and how often old ones are
/// looked for (`retention_interval_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Analyses that finished longer ago than this are deleted (never the latest successful
    /// analysis of a repository: see `codevoyage_store`'s retention module).
    pub max_age: Duration,
    /// Time between two runs; the first run starts at once.
    pub interval: Duration,
}

/// What the retention task has done so far (for the operator's log and for tests, which wait
/// on it rather than sleeping).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetentionStatus {
    /// Runs finished, successful or not.
    pub runs: u64,
    /// Analyses deleted by all runs together.
    pub deleted: u64,
    /// The error of the last run, when it failed (the next run tries again).
    pub last_error: Option<String>,
}

/// The periodic retention task of `serve`; [`RetentionTask::stop`] ends it.
#[derive(Debug)]
pub struct RetentionTask {
    handle: tokio::task::JoinHandle<()>,
    status: tokio::sync::watch::Receiver<RetentionStatus>,
}

impl RetentionTask {
    /// Follows the task's progress.
    pub fn status(&self) -> tokio::sync::watch::Receiver<RetentionStatus> {
        self.status.clone()
    }

    /// Waits for the task to end (it ends when the `stop` given to [`spawn_retention`] turns
    /// true or its sender goes away); a run in progress finishes its current batch first, or
    /// is abandoned after `grace` (its open transaction is rolled back).
    pub async fn stop(self, grace: Duration) {
        let mut handle = self.handle;
        if tokio::time::timeout(grace, &mut handle).await.is_err() {
            handle.abort();
            let _ = handle.await;
        }
    }
}

/// Starts the retention task: every `policy.interval` (first at once) it deletes the analyses
/// that finished longer ago than `policy.max_age` ([`run_retention`]). It ends when `stop`
/// becomes true. Several instances may run it against one database: the deletion is
/// idempotent and each reports only what it deleted itself.
pub fn spawn_retention(
    state: &AppState,
    policy: RetentionPolicy,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> RetentionTask {
    let (report, status) = tokio::sync::watch::channel(RetentionStatus::default());
    let store = state.store.clone();
    let metrics = state.ops.metrics.clone();
    let handle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(policy.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                _ = tick.tick() => {}
                changed = stop.changed() => {
                    if changed.is_err() { break }
                    continue;
                }
            }
            let outcome = run_retention(&store, &metrics, policy.max_age).await;
            report.send_modify(|s| {
                s.runs += 1;
                match outcome {
                    Ok(n) => {
                        s.deleted += n;
                        s.last_error = None;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "retention: deleting old analyses failed; trying again at the next run");
                        s.last_error = Some(e.to_string());
                    }
                }
            });
        }
    });
    RetentionTask { handle, status }
}

/// Most analysis ids named per repository in the audit entry of one retention run.
const AUDIT_IDS: usize = 50;

/// One retention run: deletes the analyses that finished more than `max_age` ago, counts
/// them in `codevoyage_retention_deleted_analyses_total` and, when it deleted any, writes one
/// audit entry (actor `system`, action `retention.delete`). Returns how many it deleted.
pub async fn run_retention(
    store: &codevoyage_store::Store,
    metrics: &Metrics,
    max_age: Duration,
) -> Result<u64, codevoyage_store::StoreError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let cutoff = now.saturating_sub(max_age).as_secs();
    let cutoff = i64::try_from(cutoff).unwrap_or(i64::MAX);
    let report = store.delete_analyses_finished_before(cutoff).await?;
    if report.is_empty() {
        return Ok(0);
    }
    let deleted = u64::try_from(report.analyses.len()).unwrap_or(u64::MAX);
    metrics.retention_deleted(deleted);
    let mut by_repository: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for &(repository, analysis) in &report.analyses {
        by_repository.entry(repository).or_default().push(analysis);
    }
    let listed: Vec<String> = by_repository
        .iter()
        .map(|(repository, ids)| {
            let mut shown: Vec<String> = ids.iter().take(AUDIT_IDS).map(i64::to_string).collect();
            if ids.len() > AUDIT_IDS {
                shown.push(format!("and {} more", ids.len() - AUDIT_IDS));
            }
            format!("repository {repository}: {}", shown.join(", "))
        })
        .collect();
    let detail = format!(
        "{deleted} analyses that finished before {cutoff} (Unix seconds; older than {} days) \
         deleted with {} rows; {}",
        max_age.as_secs() / 86_400,
        report.rows,
        listed.join("; ")
    );
    store
        .append_audit(codevoyage_store::NewAuditEntry {
            actor: "system",
            action: "retention.delete",
            target: "analyses",
            detail: &detail,
            address: None,
        })
        .await?;
    // Logged last: when this line appears, the deletion is committed and audited.
    tracing::info!(
        analyses = deleted,
        rows = report.rows,
        "retention: deleted old analyses"
    );
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::OpsSettings;

    #[test]
    fn origins_are_checked() {
        for good in [
            "https://codevoyage.example.com",
            "http://localhost:5173",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(OpsSettings::parse_origin(good).is_ok(), "{good}");
        }
        for bad in [
            "*",
            "codevoyage.example.com",
            "https://example.com/",
            "https://example.com/app",
            "ftp://example.com",
            "https://example.com:0",
            "https://example.com:99999",
            "https://",
        ] {
            let err = OpsSettings::parse_origin(bad).err().unwrap_or_default();
            assert!(err.contains("is not an origin"), "{bad}: {err}");
        }
    }
}
