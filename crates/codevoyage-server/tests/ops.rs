//! Operations through the router (`oneshot`, no socket) on a real SQLite file: Prometheus
//! metrics (who may read them, what they count), request ids, CORS and the rate limit.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_model::{FileMetrics, LineCounts};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, OpsSettings, RateLimit, metrics_router, router};
use codevoyage_store::cache::Cache;
use codevoyage_store::{FileRecord, Store};
use serde_json::Value;
use tower::ServiceExt;

const PASSWORD: &str = "a long enough password";

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    repo: i64,
    admin: String,
    viewer: String,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let mut keys = Vec::new();
    for (name, role) in [("root", Role::Admin), ("vera", Role::Viewer)] {
        let user = auth::create_user(&store, name, PASSWORD, role)
            .await
            .expect("user");
        let (_, key) = auth::create_api_key(&store, user.id, "test")
            .await
            .expect("key");
        keys.push(key);
    }
    let repo = store
        .upsert_repository("demo", "/src/demo")
        .await
        .expect("repo");
    let analysis = store.create_analysis(repo.id).await.expect("analysis");
    let files = vec![FileRecord {
        path: "src/lib.rs".into(),
        blob_id: None,
        metrics: FileMetrics {
            language: Some("Rust".into()),
            lines: LineCounts {
                code: 10,
                comment: 0,
                blank: 0,
            },
            bytes: 100,
            functions: vec![],
            cyclomatic: 1,
            cognitive: 0,
            maintainability_index: None,
            binary: false,
            diagnostics: vec![],
        },
        revisions: 1,
    }];
    store
        .replace_files(repo.id, analysis, &files)
        .await
        .expect("files");
    store
        .finish_analysis(analysis, repo.id, Some(&"a".repeat(40)), false)
        .await
        .expect("finish");
    let viewer = keys.pop().expect("viewer key");
    let admin = keys.pop().expect("admin key");
    World {
        _dir: dir,
        store,
        repo: repo.id,
        admin,
        viewer,
    }
}

impl World {
    fn state(&self) -> AppState {
        AppState::new(self.store.clone(), Cache::memory())
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn send(app: &axum::Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str, key: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().uri(uri);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    request.body(Body::empty()).expect("request")
}

/// The value of the sample `name{labels}` in a Prometheus exposition (labels in the order
/// the exporter writes them, which is the order they were given).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_on_the_main_listener_are_for_admins_only() {
    let w = world().await;
    let app = router(w.state());
    let anonymous = send(&app, get("/metrics", None)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["code"], "unauthorized");
    let viewer = send(&app, get("/metrics", Some(&w.viewer))).await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);
    assert_eq!(viewer.json()["code"], "forbidden");
    let admin = send(&app, get("/metrics", Some(&w.admin))).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(
        admin.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain; version=0.0.4"),
        "{:?}",
        admin.headers
    );
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        sample(
            &admin.text,
            &format!("codevoyage_build_info{{version=\"{version}\"}}")
        ),
        Some(1.0),
        "{}",
        admin.text
    );
    assert!(admin.text.contains("# HELP codevoyage_http_requests_total"));
}

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_pattern_and_status() {
    let w = world().await;
    let app = router(w.state());
    let id = w.repo;
    for _ in 0..3 {
        let r = send(
            &app,
            get(&format!("/api/v1/repositories/{id}"), Some(&w.viewer)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = send(&app, get("/api/v1/repositories/999999", Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = send(&app, get("/api/v1/no/such/thing", Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let text = send(&app, get("/metrics", Some(&w.admin))).await.text;
    let route = "/api/v1/repositories/{id}";
    let series = |status: u16| {
        format!(
            "codevoyage_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\"}}"
        )
    };
    assert_eq!(sample(&text, &series(200)), Some(3.0), "{text}");
    assert_eq!(sample(&text, &series(404)), Some(1.0), "{text}");
    assert_eq!(
        sample(
            &text,
            "codevoyage_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "unknown paths share one label, never their raw path: {text}"
    );
    assert!(!text.contains("/no/such/thing"));
    assert_eq!(
        sample(&text, "codevoyage_http_requests_in_flight"),
        Some(1.0),
        "only the scrape itself is in flight: {text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "codevoyage_http_request_duration_seconds_count{{method=\"GET\",route=\"{route}\",status=\"200\"}}"
            )
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(
                "codevoyage_http_request_duration_seconds_bucket{{method=\"GET\",route=\"{route}\",status=\"200\",le=\"+Inf\"}}"
            )
        ),
        Some(3.0),
        "a histogram with buckets: {text}"
    );
}

#[tokio::test]
async fn cache_hits_and_misses_are_exported() {
    let w = world().await;
    let app = router(w.state());
    let uri = format!("/api/v1/repositories/{}/tree", w.repo);
    for _ in 0..3 {
        let r = send(&app, get(&uri, Some(&w.viewer))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let text = send(&app, get("/metrics", Some(&w.admin))).await.text;
    assert_eq!(
        sample(&text, "codevoyage_cache_misses_total"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "codevoyage_cache_hits_total"),
        Some(2.0),
        "{text}"
    );
}

#[tokio::test]
async fn a_restarted_server_answers_from_snapshots_and_exports_both_layers() {
    use codevoyage_store::cache::{SnapshotOptions, Snapshots};
    let w = world().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let cache = || {
        Cache::memory().with_snapshots(
            Snapshots::open(folder.path(), SnapshotOptions::default()).expect("snapshots"),
        )
    };
    let uri = format!("/api/v1/repositories/{}/tree", w.repo);
    let first = router(AppState::new(w.store.clone(), cache()));
    let computed = send(&first, get(&uri, Some(&w.viewer))).await;
    assert_eq!(computed.status, StatusCode::OK, "{}", computed.text);
    let text = send(&first, get("/metrics", Some(&w.admin))).await.text;
    assert_eq!(
        sample(&text, "codevoyage_cache_snapshot_misses_total"),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(&text, "codevoyage_cache_snapshot_bytes").is_some_and(|b| b > 0.0),
        "{text}"
    );
    // The database changes under the same key: a view served from the snapshot still shows
    // the stored one, which proves where it came from.
    let analysis = w
        .store
        .latest_succeeded_analysis(w.repo)
        .await
        .expect("latest")
        .expect("an analysis");
    w.store
        .replace_files(w.repo, analysis.id, &[])
        .await
        .expect("files");
    // A restarted server: nothing in memory, the same folder.
    let second = router(AppState::new(w.store.clone(), cache()));
    let served = send(&second, get(&uri, Some(&w.viewer))).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.text, computed.text);
    let text = send(&second, get("/metrics", Some(&w.admin))).await.text;
    for (series, value) in [
        ("codevoyage_cache_misses_total", 1.0),
        ("codevoyage_cache_snapshot_hits_total", 1.0),
        ("codevoyage_cache_snapshot_misses_total", 0.0),
    ] {
        assert_eq!(sample(&text, series), Some(value), "{series}: {text}");
    }
}

#[tokio::test]
async fn the_separate_metrics_listener_needs_no_login_and_serves_nothing_else() {
    let w = world().await;
    let state = w.state();
    let app = router(state.clone());
    let r = send(&app, get("/api/v1/repositories", Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::OK);
    let metrics = metrics_router(state);
    let r = send(&metrics, get("/metrics", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        sample(
            &r.text,
            "codevoyage_http_requests_total{method=\"GET\",route=\"/api/v1/repositories\",status=\"200\"}"
        ),
        Some(1.0),
        "the same figures as the main router's: {}",
        r.text
    );
    let r = send(&metrics, get("/api/v1/repositories", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn analysis_outcomes_and_stage_durations_come_from_the_event_bus() {
    use codevoyage_jobs::{Event, EventBus, EventKind, SourcePolicy, Stage};
    let w = world().await;
    let bus = EventBus::new(64);
    let jobs = codevoyage_server::Jobs {
        queue: codevoyage_jobs::queue::Queue::local(Default::default()),
        bus: bus.clone(),
        policy: SourcePolicy::default(),
        repos_dir: None,
    };
    let state = w.state().with_jobs(jobs);
    let app = router(state.clone());
    let event = |kind| Event {
        analysis_id: 1,
        repository_id: w.repo,
        kind,
    };
    bus.publish(event(EventKind::StageFinished {
        stage: Stage::History,
        done: 10,
        elapsed_ms: 1500,
    }));
    bus.publish(event(EventKind::Finished));
    bus.publish(event(EventKind::Failed {
        error: "boom".into(),
    }));
    // The watcher runs on its own task: wait for it to have seen the last event.
    let mut text = String::new();
    for _ in 0..1000 {
        text = send(&app, get("/metrics", Some(&w.admin))).await.text;
        if text.contains("outcome=\"failed\"") {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        sample(
            &text,
            "codevoyage_analyses_finished_total{outcome=\"succeeded\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "codevoyage_analyses_finished_total{outcome=\"failed\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "codevoyage_analysis_stage_duration_seconds_sum{stage=\"history\"}"
        ),
        Some(1.5),
        "{text}"
    );
    assert_eq!(
        sample(&text, "codevoyage_queue_jobs{state=\"ready\"}"),
        Some(0.0),
        "queue depth read at scrape time: {text}"
    );
    // A second router on the same state does not count events twice.
    let _again = router(state);
    bus.publish(event(EventKind::Cancelled));
    for _ in 0..1000 {
        text = send(&app, get("/metrics", Some(&w.admin))).await.text;
        if text.contains("outcome=\"cancelled\"") {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        sample(
            &text,
            "codevoyage_analyses_finished_total{outcome=\"cancelled\"}"
        ),
        Some(1.0),
        "{text}"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let w = world().await;
    let app = router(w.state());
    let fresh = send(&app, get("/healthz", None)).await;
    let id = fresh.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let other = send(&app, get("/healthz", None)).await;
    assert_ne!(other.headers["x-request-id"], fresh.headers["x-request-id"]);

    let mut request = get("/api/v1/repositories", None);
    request
        .headers_mut()
        .insert("x-request-id", "trace-42.abc_DEF".parse().expect("header"));
    let echoed = send(&app, request).await;
    assert_eq!(echoed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        echoed.headers["x-request-id"], "trace-42.abc_DEF",
        "echoed, errors too"
    );

    for bad in ["has spaces in it", &"x".repeat(129), "quote\"s"] {
        let mut request = get("/healthz", None);
        request
            .headers_mut()
            .insert("x-request-id", bad.parse().expect("header"));
        let replaced = send(&app, request).await;
        let id = replaced.headers["x-request-id"].to_str().expect("ascii");
        assert_eq!(id.len(), 36, "{bad:?} replaced by a fresh id, got {id}");
    }
}

#[tokio::test]
async fn no_cors_headers_unless_origins_are_configured() {
    let w = world().await;
    let app = router(w.state());
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/api/v1/repositories")
        .header("origin", "https://elsewhere.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .body(Body::empty())
        .expect("request");
    let r = send(&app, preflight).await;
    assert!(
        !r.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        r.headers
    );
    let r = send(
        &app,
        Request::builder()
            .uri("/healthz")
            .header("origin", "https://elsewhere.example")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.headers.contains_key("access-control-allow-origin"));
}

fn preflight(origin: &str, method: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/api/v1/repositories")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn cors_allows_the_configured_origins_only() {
    let w = world().await;
    let allowed = "https://dashboard.example.com";
    let settings = OpsSettings {
        cors_origins: vec![
            OpsSettings::parse_origin(allowed).expect("origin"),
            OpsSettings::parse_origin("http://localhost:5173").expect("origin"),
        ],
        ..OpsSettings::default()
    };
    let app = router(w.state().with_ops(settings));

    let r = send(&app, preflight(allowed, "POST")).await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers["access-control-allow-origin"], allowed);
    let methods = r.headers["access-control-allow-methods"]
        .to_str()
        .expect("ascii");
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
    let headers = r.headers["access-control-allow-headers"]
        .to_str()
        .expect("ascii")
        .to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"));
    assert!(
        !r.headers.contains_key("access-control-allow-credentials"),
        "bearer tokens, no cookies: credentials are never allowed"
    );

    let r = send(&app, preflight("https://evil.example", "POST")).await;
    assert!(
        !r.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        r.headers
    );

    let mut request = get("/api/v1/repositories", Some(&w.viewer));
    request
        .headers_mut()
        .insert("origin", allowed.parse().expect("header"));
    let r = send(&app, request).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["access-control-allow-origin"], allowed);
    let exposed = r.headers["access-control-expose-headers"]
        .to_str()
        .expect("ascii");
    assert!(exposed.contains("x-request-id"), "{exposed}");

    let mut request = get("/api/v1/repositories", Some(&w.viewer));
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().expect("header"));
    let r = send(&app, request).await;
    assert!(!r.headers.contains_key("access-control-allow-origin"));
}

fn from(address: &str, request: Request<Body>) -> Request<Body> {
    let mut request = request;
    let addr: std::net::SocketAddr = address.parse().expect("address");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    request
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_per_client_and_recovers() {
    let w = world().await;
    let settings = OpsSettings {
        rate_limit: Some(RateLimit {
            burst: 3,
            per_second: 1.0,
        }),
        ..OpsSettings::default()
    };
    let app = router(w.state().with_ops(settings));
    for i in 0..3 {
        let r = send(&app, get("/api/v1/repositories", Some(&w.viewer))).await;
        assert_eq!(r.status, StatusCode::OK, "request {i}");
    }
    let r = send(&app, get("/api/v1/repositories", Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["code"], "rate_limited");
    assert!(
        r.json()["message"]
            .as_str()
            .expect("message")
            .contains("retry")
    );
    let retry: u64 = r.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    assert!(r.headers.contains_key("x-request-id"));

    // Another credential has its own bucket; so has an anonymous client per address.
    let r = send(&app, get("/api/v1/repositories", Some(&w.admin))).await;
    assert_eq!(r.status, StatusCode::OK);
    for _ in 0..3 {
        let r = send(
            &app,
            from("10.0.0.1:5000", get("/api/v1/repositories", None)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &app,
        from("10.0.0.1:5001", get("/api/v1/repositories", None)),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "same address, other port"
    );
    let r = send(
        &app,
        from("10.0.0.2:5000", get("/api/v1/repositories", None)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "another address");

    // Inventing a credential per request does not escape the limit: an address's
    // credentialed requests share a bucket four times a client's (12 here).
    for i in 0..12 {
        let r = send(
            &app,
            from(
                "10.0.0.7:5000",
                get("/api/v1/repositories", Some(&format!("made-up-{i}"))),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "request {i}");
    }
    let r = send(
        &app,
        from(
            "10.0.0.7:5000",
            get("/api/v1/repositories", Some("made-up-13")),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

    // Health checks, metrics and the UI are outside the API limit.
    for _ in 0..5 {
        let r = send(&app, get("/healthz", None)).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let text = send(&app, get("/metrics", Some(&w.admin))).await.text;
    assert_eq!(
        sample(&text, "codevoyage_http_rate_limited_total"),
        Some(3.0),
        "{text}"
    );

    // The bucket refills: after Retry-After seconds the viewer may call again.
    tokio::time::sleep(std::time::Duration::from_secs(retry)).await;
    let r = send(&app, get("/api/v1/repositories", Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::OK, "recovered after Retry-After");
}

#[tokio::test]
async fn without_a_configured_rate_limit_nothing_is_refused() {
    let w = world().await;
    let app = router(w.state());
    for _ in 0..50 {
        let r = send(&app, get("/api/v1/repositories", Some(&w.viewer))).await;
        assert_eq!(r.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn framework_rejections_under_the_api_come_in_the_one_error_shape() {
    let w = world().await;
    let app = router(w.state());
    let uri = format!("/api/v1/repositories/{}/hotspots?limit=many", w.repo);
    let r = send(&app, get(&uri, Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "bad_request", "{}", r.text);
    // Also when the client accepts compressed responses (the shape is made before compression).
    let mut request = get(&uri, Some(&w.viewer));
    request
        .headers_mut()
        .insert("accept-encoding", "gzip".parse().expect("header"));
    let response = app.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/json");
    let gzip = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    if gzip {
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip body, compressed once");
    } else {
        let body: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(body["code"], "bad_request");
    }
    let r = send(&app, get(&uri, Some(&w.viewer))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    assert_eq!(r.json()["code"], "bad_request", "{}", r.text);
    let message = r.json()["message"].as_str().expect("message").to_string();
    assert!(message.contains("limit"), "{message}");

    let mut request = Request::builder()
        .method("POST")
        .uri("/api/v1/apikeys")
        .header("authorization", format!("Bearer {}", w.viewer))
        .body(Body::from("{not json"))
        .expect("request");
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("header"));
    let r = send(&app, request).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(r.json()["code"], "bad_request", "{}", r.text);

    let r = send(
        &app,
        Request::builder()
            .method("PUT")
            .uri("/api/v1/repositories")
            .header("authorization", format!("Bearer {}", w.viewer))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["code"], "bad_request", "{}", r.text);
    let message = r.json()["message"].as_str().expect("message").to_string();
    assert!(message.contains("/api/docs"), "{message}");
}
