//! Operations that run beside the requests: the active WebSockets gauge (a real socket and a
//! real WebSocket client), response compression (gzip and brotli), and the periodic
//! retention task of `serve`. Real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use codevoyage_jobs::EventBus;
use codevoyage_jobs::queue::{Queue, QueueOptions};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, Jobs, RetentionPolicy, router, spawn_retention};
use codevoyage_store::cache::Cache;
use codevoyage_store::{AnalysisStatus, AnalysisUpdate, Store};
use futures_util::{SinkExt, StreamExt};
use std::io::Read;
use std::time::Duration;
use tokio_tungstenite::tungstenite;
use tower::ServiceExt;

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    state: AppState,
    admin: String,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let user = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("user");
    let (_, admin) = auth::create_api_key(&store, user.id, "tests")
        .await
        .expect("key");
    let jobs = Jobs {
        queue: Queue::persisted(store.clone(), "analyses", QueueOptions::default()),
        bus: EventBus::default(),
        policy: codevoyage_jobs::SourcePolicy {
            allow_private_urls: false,
            allowed_roots: Vec::new(),
        },
        repos_dir: None,
    };
    let state = AppState::new(store.clone(), Cache::memory()).with_jobs(jobs);
    World {
        _dir: dir,
        store,
        state,
        admin,
    }
}

/// The value of one series in a Prometheus exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

async fn websockets_active(state: &AppState) -> Option<f64> {
    let text = state.ops.metrics.render(state).await;
    sample(&text, "codevoyage_websockets_active")
}

#[tokio::test]
async fn the_active_websockets_gauge_counts_open_sockets() {
    let w = world().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codevoyage_server::serve(
        listener,
        router(w.state.clone()),
        async move {
            let _ = stopped.await;
        },
    ));
    assert_eq!(websockets_active(&w.state).await, Some(0.0), "0 before");

    let url = format!("ws://{addr}/api/v1/ws?access_token={}", w.admin);
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    // The first message says the server side runs (and counted the socket).
    let ready = tokio::time::timeout(Duration::from_secs(30), ws.next())
        .await
        .expect("ready in time")
        .expect("open")
        .expect("frame");
    assert!(matches!(&ready, tungstenite::Message::Text(t) if t.contains("ready")));
    assert_eq!(websockets_active(&w.state).await, Some(1.0), "1 while open");

    ws.send(tungstenite::Message::Close(None))
        .await
        .expect("close");
    // The server drops its count before it drops the connection: once the stream ends, the
    // gauge is down.
    while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(30), ws.next()).await {}
    assert_eq!(
        websockets_active(&w.state).await,
        Some(0.0),
        "0 after close"
    );

    let _ = stop.send(());
    let _ = server.await;
}

/// A JSON response big enough to be compressed: the OpenAPI document.
async fn openapi_with(encoding: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let w = world().await;
    let response = router(w.state.clone())
        .oneshot(
            Request::get("/api/v1/openapi.json")
                .header(header::ACCEPT_ENCODING, encoding)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let content_encoding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body")
        .to_vec();
    (status, content_encoding, body)
}

#[tokio::test]
async fn responses_are_compressed_with_brotli_or_gzip_as_the_client_asks() {
    let (status, encoding, plain) = openapi_with("identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding, None);
    let document: serde_json::Value = serde_json::from_slice(&plain).expect("json");
    assert!(document["paths"].is_object());

    let (status, encoding, compressed) = openapi_with("br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding.as_deref(), Some("br"));
    assert!(compressed.len() < plain.len() / 2, "brotli shrinks JSON");
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(&compressed[..], 4096)
        .read_to_end(&mut decoded)
        .expect("valid brotli");
    assert_eq!(decoded, plain);

    // A browser's usual header: both offered, brotli preferred by weight.
    let (_, encoding, _) = openapi_with("gzip;q=0.8, br;q=1.0").await;
    assert_eq!(encoding.as_deref(), Some("br"));
    let (_, encoding, compressed) = openapi_with("gzip").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(&compressed[..2], &[0x1f, 0x8b], "a gzip stream");
}

/// An analysis of `repository` that ended with `status` `days` ago.
async fn ended_analysis(store: &Store, repository: i64, status: AnalysisStatus, days: i64) -> i64 {
    let id = store.create_analysis(repository).await.expect("create");
    let running = AnalysisUpdate {
        status: Some(AnalysisStatus::Running),
        ..Default::default()
    };
    store.update_analysis(id, &running).await.expect("running");
    match status {
        AnalysisStatus::Succeeded => store
            .finish_analysis(id, repository, Some("rev"), false)
            .await
            .expect("finish"),
        other => store
            .update_analysis(
                id,
                &AnalysisUpdate {
                    status: Some(other),
                    ..Default::default()
                },
            )
            .await
            .expect("end"),
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let at = i64::try_from(now).expect("time") - days * 86_400;
    sqlx::query("UPDATE analyses SET finished_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(store.pool())
        .await
        .expect("backdate");
    id
}

async fn analysis_ids(store: &Store, repository: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = store
        .analyses(repository)
        .await
        .expect("analyses")
        .iter()
        .map(|a| a.id)
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_retention_task_deletes_old_analyses_periodically_counts_and_audits() {
    let w = world().await;
    let repo = w.store.upsert_repository("r", "/r").await.expect("repo").id;
    let old = ended_analysis(&w.store, repo, AnalysisStatus::Failed, 40).await;
    let kept = ended_analysis(&w.store, repo, AnalysisStatus::Succeeded, 35).await;
    let recent = ended_analysis(&w.store, repo, AnalysisStatus::Failed, 2).await;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = spawn_retention(
        &w.state,
        RetentionPolicy {
            max_age: Duration::from_secs(30 * 86_400),
            interval: Duration::from_millis(50),
        },
        stopped,
    );
    let mut status = task.status();
    // The first run starts at once.
    let first = status
        .wait_for(|s| s.runs >= 1)
        .await
        .expect("the task runs")
        .clone();
    assert_eq!(first.deleted, 1, "{first:?}");
    assert_eq!(analysis_ids(&w.store, repo).await, vec![kept, recent]);

    // A later run (the task is periodic) finds an analysis that became old since.
    let late = ended_analysis(&w.store, repo, AnalysisStatus::Cancelled, 31).await;
    let later = status
        .wait_for(|s| s.deleted >= 2)
        .await
        .expect("a later run")
        .clone();
    assert!(later.runs >= 2, "{later:?}");
    assert_eq!(later.last_error, None);
    assert_eq!(analysis_ids(&w.store, repo).await, vec![kept, recent]);
    let _ = stop.send(true);
    tokio::time::timeout(Duration::from_secs(30), task.stop(Duration::from_secs(10)))
        .await
        .expect("the task ends when told to");

    let text = w.state.ops.metrics.render(&w.state).await;
    assert_eq!(
        sample(&text, "codevoyage_retention_deleted_analyses_total"),
        Some(2.0)
    );
    let audit = w.store.audit_log(None, 50).await.expect("audit");
    let runs: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "retention.delete")
        .collect();
    assert_eq!(runs.len(), 2, "one entry per run that deleted something");
    assert!(runs.iter().all(|e| e.actor == "system"));
    assert!(
        runs[0]
            .detail
            .contains(&format!("repository {repo}: {late}")),
        "{}",
        runs[0].detail
    );
    assert!(
        runs[1]
            .detail
            .contains(&format!("repository {repo}: {old}")),
        "{}",
        runs[1].detail
    );
}
