//! The write side of the API: registering and deleting repositories, starting, reading and
//! cancelling analyses, dead letters, and the WebSocket of analysis events (a real socket
//! and a real WebSocket client). Real SQLite file, real persisted queue, fixture repositories.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_jobs::queue::{NewJob, Queue, QueueOptions};
use codevoyage_jobs::{Event, EventBus, EventKind, SourcePolicy, Stage, WorkerOptions};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, Jobs, router};
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite;
use tower::ServiceExt;

struct World {
    _dir: tempfile::TempDir,
    fixture: codevoyage_testkit::Fixture,
    store: Store,
    queue: Queue,
    bus: EventBus,
    app: axum::Router,
    admin: String,
    analyst: String,
    other: String,
    viewer: String,
}

async fn key(store: &Store, name: &str, role: Role) -> String {
    let user = auth::create_user(store, name, "a long enough password", role)
        .await
        .expect("user");
    auth::create_api_key(store, user.id, "tests")
        .await
        .expect("key")
        .1
}

async fn world_with_bus(bus: EventBus) -> World {
    let fixture = codevoyage_testkit::fixture("basic");
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let queue = Queue::persisted(store.clone(), "analyses", QueueOptions::default());
    let root = fixture
        .path()
        .parent()
        .expect("a fixture lives in a folder")
        .to_path_buf();
    let jobs = Jobs {
        queue: queue.clone(),
        bus: bus.clone(),
        policy: SourcePolicy {
            allow_private_urls: false,
            allowed_roots: vec![root],
        },
        repos_dir: Some(dir.path().join("repos")),
    };
    let app = router(AppState::new(store.clone(), Cache::memory()).with_jobs(jobs));
    World {
        admin: key(&store, "root", Role::Admin).await,
        analyst: key(&store, "ana", Role::Analyst).await,
        other: key(&store, "otto", Role::Analyst).await,
        viewer: key(&store, "vic", Role::Viewer).await,
        _dir: dir,
        fixture,
        store,
        queue,
        bus,
        app,
    }
}

async fn world() -> World {
    world_with_bus(EventBus::default()).await
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let body = match body {
        Some(v) => {
            request = request.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn register(w: &World, key: &str, visibility: &str) -> i64 {
    let (status, body) = call(
        &w.app,
        "POST",
        "/api/v1/repositories",
        Some(key),
        Some(json!({"source": w.fixture.path(), "visibility": visibility})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_analyse_and_follow_an_analysis_to_the_end() {
    let w = world().await;
    let source = w.fixture.path().canonicalize().expect("canonical");
    let (status, body) = call(
        &w.app,
        "POST",
        "/api/v1/repositories",
        Some(&w.analyst),
        Some(json!({"source": w.fixture.path(), "name": "demo", "visibility": "shared"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().expect("id");
    assert_eq!(body["name"], "demo");
    assert_eq!(body["source"], source.to_string_lossy().as_ref());
    assert_eq!(body["visibility"], "shared");
    assert_eq!(body["total_commits"], 0);
    assert_eq!(body["total_contributors"], 0);
    assert_eq!(body["last_analyzed_at"], Value::Null);

    // The same source again: 409 naming the existing repository.
    let (status, body) = call(
        &w.app,
        "POST",
        "/api/v1/repositories",
        Some(&w.other),
        Some(json!({"source": w.fixture.path()})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        (body["code"].as_str(), body["id"].as_i64()),
        (Some("conflict"), Some(id))
    );

    // Viewers read but do not register or analyse.
    let (status, _) = call(
        &w.app,
        "POST",
        "/api/v1/repositories",
        Some(&w.viewer),
        Some(json!({"source": "/tmp"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let analyses = format!("/api/v1/repositories/{id}/analyses");
    let (status, _) = call(&w.app, "POST", &analyses, Some(&w.viewer), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&w.app, "POST", &analyses, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let mut events = w.bus.subscribe();
    let (status, body) = call(&w.app, "POST", &analyses, Some(&w.analyst), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "queued");
    let analysis_id = body["id"].as_i64().expect("id");
    assert_eq!(w.queue.depth().await.expect("depth").ready, 1);
    let queued = events.recv().await.expect("event");
    assert_eq!(queued.kind, EventKind::Queued);

    let uri = format!("/api/v1/analyses/{analysis_id}");
    let (status, body) = call(&w.app, "GET", &uri, Some(&w.viewer), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "queued");
    assert_eq!(body["repository_id"], id);
    assert_eq!(body["progress"], json!({"done": 0, "total": 0}));

    // A worker (what `serve` runs in local mode) takes it and finishes it.
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(codevoyage_jobs::run_worker(
        w.queue.clone(),
        w.store.clone(),
        w.bus.clone(),
        WorkerOptions::new("test"),
        shutdown,
    ));
    let finished = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            if let Ok(e) = events.recv().await
                && e.analysis_id == analysis_id
                && matches!(e.kind, EventKind::Finished | EventKind::Failed { .. })
            {
                return e;
            }
        }
    })
    .await
    .expect("the analysis ends");
    assert_eq!(finished.kind, EventKind::Finished);
    let _ = stop.send(true);
    worker.await.expect("join").expect("worker");

    let (_, body) = call(&w.app, "GET", &uri, Some(&w.analyst), None).await;
    assert_eq!(body["status"], "succeeded", "{body}");
    assert_eq!(body["error"], Value::Null);
    let (_, body) = call(&w.app, "GET", &analyses, Some(&w.analyst), None).await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    let (_, body) = call(
        &w.app,
        "GET",
        &format!("/api/v1/repositories/{id}"),
        Some(&w.viewer),
        None,
    )
    .await;
    assert!(body["total_commits"].as_u64().unwrap_or(0) > 0, "{body}");
    assert!(body["last_analyzed_at"].is_string(), "{body}");
}

#[tokio::test]
async fn sources_are_checked_before_anything_is_stored() {
    let w = world().await;
    let cases = [
        (
            json!({"source": "http://127.0.0.1:9/x.git"}),
            "allow_private_urls",
        ),
        (
            json!({"source": "https://localhost/x.git"}),
            "allow_private_urls",
        ),
        (
            json!({"source": "http://169.254.169.254/latest"}),
            "allow_private_urls",
        ),
        (json!({"source": "/etc"}), "--allowed-root"),
        (
            json!({"source": format!("{}/../..", w.fixture.path().display())}),
            "--allowed-root",
        ),
        (json!({"source": "ftp://example.com/x.git"}), "scheme"),
        (json!({"source": "relative/path"}), "absolute"),
        (
            json!({"source": "https://u:p@example.com/x.git"}),
            "credentials",
        ),
        (
            json!({"source": "/x", "visibility": "public"}),
            "visibility",
        ),
        (json!({"source": "/x", "extra": 1}), "unknown field"),
        (json!({"name": "no source"}), "source"),
    ];
    for (body, hint) in cases {
        let (status, answer) = call(
            &w.app,
            "POST",
            "/api/v1/repositories",
            Some(&w.analyst),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["code"], "bad_request");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(hint), "{body}: {message}");
    }
    // A folder inside the root that is not a git repository.
    let plain = w.fixture.path().parent().expect("parent").join("plain");
    std::fs::create_dir_all(&plain).expect("mkdir");
    let (status, _) = call(
        &w.app,
        "POST",
        "/api/v1/repositories",
        Some(&w.analyst),
        Some(json!({"source": plain})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(w.store.list_repositories().await.expect("list").is_empty());
}

#[tokio::test]
async fn cancelling_a_queued_analysis() {
    let w = world().await;
    let id = register(&w, &w.analyst, "private").await;
    let (_, body) = call(
        &w.app,
        "POST",
        &format!("/api/v1/repositories/{id}/analyses"),
        Some(&w.analyst),
        None,
    )
    .await;
    let analysis = body["id"].as_i64().expect("id");
    let cancel = format!("/api/v1/analyses/{analysis}/cancel");
    // Someone who cannot see the private repository does not learn it exists.
    let (status, _) = call(&w.app, "POST", &cancel, Some(&w.other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&w.app, "POST", &cancel, Some(&w.analyst), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "cancelled");
    let (status, body) = call(&w.app, "POST", &cancel, Some(&w.analyst), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // The queued job ends without running anything.
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(codevoyage_jobs::run_worker(
        w.queue.clone(),
        w.store.clone(),
        w.bus.clone(),
        WorkerOptions::new("test"),
        shutdown,
    ));
    let settled = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let d = w.queue.depth().await.expect("depth");
            if d.ready + d.in_flight + d.delayed == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(settled.is_ok(), "the cancelled job was settled");
    let _ = stop.send(true);
    worker.await.expect("join").expect("worker");
    assert_eq!(w.store.count_rows("commits", id).await.expect("count"), 0);
}

#[tokio::test]
async fn deleting_a_repository_erases_it_for_its_owner_or_an_admin_only() {
    let w = world().await;
    let id = register(&w, &w.analyst, "shared").await;
    let uri = format!("/api/v1/repositories/{id}");
    let (status, _) = call(&w.app, "DELETE", &uri, Some(&w.viewer), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&w.app, "DELETE", &uri, Some(&w.other), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    call(
        &w.app,
        "POST",
        &format!("{uri}/analyses"),
        Some(&w.analyst),
        None,
    )
    .await;
    let (status, _) = call(&w.app, "DELETE", &uri, Some(&w.analyst), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&w.app, "GET", &uri, Some(&w.admin), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for table in ["repositories", "analyses", "commits", "files"] {
        assert_eq!(
            w.store.count_rows(table, id).await.expect("count"),
            0,
            "{table}"
        );
    }
    assert_eq!(
        w.queue.depth().await.expect("depth").ready,
        0,
        "its job is gone"
    );
    // An admin deletes anyone's private repository.
    let id = register(&w, &w.other, "private").await;
    let (status, _) = call(
        &w.app,
        "DELETE",
        &format!("/api/v1/repositories/{id}"),
        Some(&w.analyst),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "invisible to other analysts");
    let (status, _) = call(
        &w.app,
        "DELETE",
        &format!("/api/v1/repositories/{id}"),
        Some(&w.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn dead_letters_are_listed_for_admins() {
    let w = world().await;
    let (status, _) = call(
        &w.app,
        "GET",
        "/api/v1/admin/dead-letters",
        Some(&w.analyst),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let poison = Queue::persisted(
        w.store.clone(),
        "analyses",
        QueueOptions {
            max_attempts: 1,
            ..Default::default()
        },
    );
    poison
        .enqueue(NewJob {
            kind: "analyze".into(),
            payload: r#"{"analysis_id": 424242}"#.into(),
            correlation_id: Some("req-7".into()),
        })
        .await
        .expect("enqueue");
    let d = poison
        .take("w", Duration::from_secs(1))
        .await
        .expect("take")
        .expect("job");
    poison.fail(&d, "always fails").await.expect("fail");
    let (status, body) = call(
        &w.app,
        "GET",
        "/api/v1/admin/dead-letters",
        Some(&w.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["error"], "always fails");
    assert_eq!(items[0]["payload"]["analysis_id"], 424242);
    assert_eq!(items[0]["correlation_id"], "req-7");
}

/// Serves the router on a loopback port until the returned sender is dropped.
async fn serve(app: axum::Router) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(codevoyage_server::serve(listener, app, async move {
        let _ = rx.await;
    }));
    (addr, tx)
}

type Client =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Client) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("a message in time")
            .expect("open")
            .expect("frame");
        match message {
            tungstenite::Message::Text(t) => return serde_json::from_str(&t).expect("json"),
            tungstenite::Message::Ping(_) | tungstenite::Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

async fn connect(addr: std::net::SocketAddr, key: &str) -> Client {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/ws?access_token={key}"))
            .await
            .expect("websocket");
    assert_eq!(next_json(&mut ws).await["type"], "ready");
    ws
}

fn event(repository_id: i64, analysis_id: i64, kind: EventKind) -> Event {
    Event {
        analysis_id,
        repository_id,
        kind,
    }
}

#[tokio::test]
async fn the_websocket_carries_visible_events_and_asks_laggards_to_resync() {
    let w = world_with_bus(EventBus::new(8)).await;
    let shared = register(&w, &w.analyst, "shared").await;
    let other_source = codevoyage_testkit::fixture("basic");
    let private = w
        .store
        .upsert_repository("secret", &other_source.path().to_string_lossy())
        .await
        .expect("repo");
    w.store
        .set_repository_access(private.id, None, "private")
        .await
        .expect("private");
    let (addr, _stop) = serve(w.app.clone()).await;

    // Without a credential the upgrade is refused.
    let refused = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/ws")).await;
    match refused {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }

    let mut viewer = connect(addr, &w.viewer).await;
    let mut admin = connect(addr, &w.admin).await;
    w.bus.publish(event(private.id, 2, EventKind::Queued));
    w.bus.publish(event(
        shared,
        1,
        EventKind::Progress {
            stage: Stage::History,
            done: 5,
            total: 10,
            rate_per_sec: 2.5,
            eta_secs: Some(2.0),
        },
    ));
    // The viewer sees only the shared repository's event; the admin sees both, in order.
    let got = next_json(&mut viewer).await;
    assert_eq!(got["type"], "progress");
    assert_eq!(got["repository_id"], shared);
    assert_eq!(
        (got["done"].as_u64(), got["total"].as_u64()),
        (Some(5), Some(10))
    );
    assert_eq!(got["eta_secs"], 2.0);
    assert_eq!(next_json(&mut admin).await["repository_id"], private.id);
    assert_eq!(next_json(&mut admin).await["type"], "progress");

    // A burst larger than the bus holds, published without yielding: the socket task
    // cannot keep up, and the client is told to resync.
    for i in 0..50 {
        w.bus.publish(event(shared, 100 + i, EventKind::Finished));
    }
    let mut saw_resync = false;
    for _ in 0..10 {
        let got = next_json(&mut viewer).await;
        if got["type"] == "resync" {
            saw_resync = true;
            break;
        }
    }
    assert!(saw_resync, "the lagging client was told to resync");
    viewer.close(None).await.expect("close");
    admin
        .send(tungstenite::Message::Close(None))
        .await
        .expect("close");
}

/// Scaled mode: a worker's bus publishes on Redis, this server's bus relays the channel, and
/// the WebSocket client of this server sees the worker's events (skipped without
/// `CODEVOYAGE_TEST_REDIS_URL`; always set in CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_events_reach_the_websocket_through_redis() {
    let Ok(url) = std::env::var("CODEVOYAGE_TEST_REDIS_URL") else {
        eprintln!(
            "skipping the Redis relay: set CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 to run it"
        );
        return;
    };
    let channel = format!(
        "cvtest:ws:{}:{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let serve_bus = EventBus::default();
    let relay = serve_bus
        .relay_from_redis(&url, &channel)
        .await
        .unwrap_or_else(|e| panic!("Redis at {url} is unreachable: {e}"));
    let w = world_with_bus(serve_bus).await;
    let id = register(&w, &w.analyst, "shared").await;
    let (addr, _stop) = serve(w.app.clone()).await;
    let mut client = connect(addr, &w.viewer).await;

    // Another process's worker: its own bus, publishing to Redis.
    let worker_bus = EventBus::with_redis(&url, &channel)
        .await
        .expect("redis bus");
    worker_bus.publish(event(
        id,
        7,
        EventKind::StageStarted {
            stage: Stage::Metrics,
        },
    ));
    worker_bus.publish(event(id, 7, EventKind::Finished));
    let first = next_json(&mut client).await;
    assert_eq!(
        (
            first["type"].as_str(),
            first["stage"].as_str(),
            first["analysis_id"].as_i64()
        ),
        (Some("stage_started"), Some("metrics"), Some(7))
    );
    assert_eq!(next_json(&mut client).await["type"], "finished");
    relay.abort();
}

#[tokio::test]
async fn deleting_a_remote_repository_removes_its_clone() {
    let w = world().await;
    let url = "https://example.com/team/app.git";
    let repository = w
        .store
        .upsert_repository("app", url)
        .await
        .expect("repository");
    w.store
        .set_repository_access(repository.id, None, "shared")
        .await
        .expect("access");
    let clone = codevoyage_jobs::source::clone_dir(&w._dir.path().join("repos"), url);
    std::fs::create_dir_all(clone.join("objects")).expect("clone folder");
    std::fs::write(clone.join("HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    let (status, _) = call(
        &w.app,
        "DELETE",
        &format!("/api/v1/repositories/{}", repository.id),
        Some(&w.admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!clone.exists(), "the clone folder is erased too");
}
