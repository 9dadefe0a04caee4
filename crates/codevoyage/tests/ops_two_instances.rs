//! Two `serve` instances sharing PostgreSQL and Redis, with a worker process: a WebSocket
//! client on instance B receives every event (queued, stage started, progress, finished) of
//! an analysis requested through instance A and run by the worker; a login token issued by A
//! is accepted by B; A and B read the same repository and the same city. The worker and A
//! export their traces to a collector inside the test: the worker's `job` span (service
//! `codevoyage-worker`) carries the request id of A's `POST .../analyses` and has a `stage`
//! span per stage.
//!
//! Needs `CODEVOYAGE_TEST_DATABASE_URL` and `CODEVOYAGE_TEST_REDIS_URL` (always set in CI);
//! skips with a message otherwise. Each run has a database and a queue name of its own.

mod common;

use common::PgDatabase;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite;

/// Child processes stopped (SIGTERM, then waited for) when the test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        for child in &mut self.0 {
            let _ = child.wait();
        }
    }
}

/// Trace export requests received by the test's OTLP collector (their JSON bodies).
type Received = Arc<Mutex<Vec<Value>>>;

/// An OTLP/HTTP collector (`POST /v1/traces`, JSON) on a free loopback port: its base URL.
async fn collector(received: Received) -> String {
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let received = received.clone();
            async move {
                if let Ok(value) = serde_json::from_slice::<Value>(&body) {
                    received.lock().expect("lock").push(value);
                }
                axum::Json(json!({}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}")
}

/// A string attribute of a span or resource.
fn attribute(item: &Value, key: &str) -> Option<String> {
    item["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"]["stringValue"].as_str().map(str::to_string))
}

/// Every exported span as (service.name, span).
fn spans(received: &Received) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for export in received.lock().expect("lock").iter() {
        for resource in export["resourceSpans"].as_array().into_iter().flatten() {
            let service = attribute(&resource["resource"], "service.name").unwrap_or_default();
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    out.push((service.clone(), span.clone()));
                }
            }
        }
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

struct Deployment {
    pg: PgDatabase,
    redis: String,
    queue: String,
    secret: String,
    root: tempfile::TempDir,
}

impl Deployment {
    fn command(&self, data_dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codevoyage"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(data_dir)
            .env("CODEVOYAGE_DATABASE_URL", &self.pg.url)
            .env("CODEVOYAGE_REDIS_URL", &self.redis)
            .env("CODEVOYAGE_QUEUE_NAME", &self.queue)
            .env("CODEVOYAGE_JWT_SECRETS", &self.secret)
            .env("CODEVOYAGE_LOG", "info")
            .env_remove("CODEVOYAGE_OTLP_ENDPOINT")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        cmd
    }

    fn spawn(&self, name: &str, args: &[&str], allowed_root: &Path, otlp: Option<&str>) -> Child {
        let log = std::fs::File::create(self.root.path().join(format!("{name}.log"))).expect("log");
        let mut command = self.command(&self.root.path().join(name), args);
        if let Some(endpoint) = otlp {
            command.env("CODEVOYAGE_OTLP_ENDPOINT", endpoint);
        }
        command
            .env("CODEVOYAGE_ALLOWED_ROOTS", allowed_root)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn codevoyage")
    }

    fn logs(&self) -> String {
        let mut all = String::new();
        for name in ["serve-a", "serve-b", "worker"] {
            let text = std::fs::read_to_string(self.root.path().join(format!("{name}.log")))
                .unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            all.push_str(&format!("----- {name}.log (last lines)\n"));
            for line in tail.into_iter().rev() {
                all.push_str(line);
                all.push('\n');
            }
        }
        all
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str, dep: &Deployment) {
    for _ in 0..240 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{base} never became ready\n{}", dep.logs());
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, &url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Socket, dep: &Deployment) -> Value {
    loop {
        let message = match tokio::time::timeout(Duration::from_secs(120), ws.next()).await {
            Ok(Some(Ok(m))) => m,
            other => panic!(
                "no WebSocket message from serve-b: {other:?}\n{}",
                dep.logs()
            ),
        };
        match message {
            tungstenite::Message::Text(t) => return serde_json::from_str(&t).expect("json"),
            tungstenite::Message::Ping(_) | tungstenite::Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_on_one_instance_sees_an_analysis_requested_through_the_other() {
    let Ok(redis) = std::env::var("CODEVOYAGE_TEST_REDIS_URL") else {
        eprintln!(
            "skipping: the two-instance test needs CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 and CODEVOYAGE_TEST_DATABASE_URL"
        );
        return;
    };
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dep = Deployment {
        pg,
        redis,
        queue: format!("cvtest-two-{}", std::process::id()),
        secret: format!("two-instances-test-secret-{:032}", std::process::id()),
        root: tempfile::tempdir().expect("tempdir"),
    };
    let repo = codevoyage_testkit::fixture("basic");
    let allowed = repo.path().parent().expect("fixture folder").to_path_buf();

    // An admin made with the CLI (password on stdin).
    let password = "two-instances-password";
    let mut add = dep
        .command(
            &dep.root.path().join("cli"),
            &["user", "add", "admin", "--role", "admin"],
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    let added = add.wait_with_output().expect("user add");
    assert!(
        added.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&added.stderr)
    );

    let received: Received = Arc::default();
    let otlp = collector(received.clone()).await;
    let (port_a, port_b) = (free_port(), free_port());
    let (a, b) = (
        format!("http://127.0.0.1:{port_a}"),
        format!("http://127.0.0.1:{port_b}"),
    );
    let processes = Processes(vec![
        dep.spawn(
            "serve-a",
            &["serve", "--listen", &format!("127.0.0.1:{port_a}")],
            &allowed,
            Some(&otlp),
        ),
        dep.spawn(
            "serve-b",
            &["serve", "--listen", &format!("127.0.0.1:{port_b}")],
            &allowed,
            None,
        ),
        dep.spawn(
            "worker",
            &["worker", "--name", "two-instances-worker"],
            &allowed,
            Some(&otlp),
        ),
    ]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    wait_ready(&client, &a, &dep).await;
    wait_ready(&client, &b, &dep).await;

    // A token issued by A is accepted by B (shared jwt_secrets).
    let login = client
        .post(format!("{a}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200, "login on A");
    let login: Value = login.json().await.expect("login JSON");
    let token = login["access_token"].as_str().expect("token").to_string();
    let (status, listed) = call(
        &client,
        reqwest::Method::GET,
        format!("{b}/api/v1/repositories"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "B must accept A's token: {listed}");

    // A client on B, subscribed before anything happens.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "ws://127.0.0.1:{port_b}/api/v1/ws?access_token={token}"
    ))
    .await
    .expect("WebSocket on B");
    assert_eq!(next_json(&mut ws, &dep).await["type"], "ready");

    // Registered and analysed through A.
    let (status, created) = call(
        &client,
        reqwest::Method::POST,
        format!("{a}/api/v1/repositories"),
        &token,
        Some(json!({"source": repo.path(), "visibility": "shared"})),
    )
    .await;
    assert_eq!(status, 201, "register through A: {created}");
    let repository_id = created["id"].as_i64().expect("repository id");
    let request_id = format!("two-instances-{}", std::process::id());
    let started = client
        .post(format!("{a}/api/v1/repositories/{repository_id}/analyses"))
        .bearer_auth(&token)
        .header("x-request-id", &request_id)
        .send()
        .await
        .expect("analyse through A");
    assert_eq!(started.status(), 202, "analyse through A");
    let started: Value = started.json().await.expect("JSON");
    let analysis_id = started["id"].as_i64().expect("analysis id");

    // Everything the worker reports reaches B's socket, in order, ending with `finished`.
    let mut kinds: Vec<String> = Vec::new();
    loop {
        let event = next_json(&mut ws, &dep).await;
        if event["analysis_id"].as_i64() != Some(analysis_id) {
            continue;
        }
        assert_eq!(event["repository_id"].as_i64(), Some(repository_id));
        let kind = event["type"].as_str().expect("type").to_string();
        assert_ne!(
            kind,
            "failed",
            "the analysis failed: {event}\n{}",
            dep.logs()
        );
        assert_ne!(kind, "resync", "the client on B lagged");
        let done = kind == "finished";
        kinds.push(kind);
        if done {
            break;
        }
    }
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("queued"),
        "B's client must hear of the analysis queued on A first: {kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "queued").count(),
        1,
        "each event once: {kinds:?}"
    );
    for expected in ["stage_started", "progress", "stage_finished"] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "no {expected} event on B: {kinds:?}"
        );
    }

    // The worker, not serve, ran it; both instances read the same repository and city.
    let (status, on_b) = call(
        &client,
        reqwest::Method::GET,
        format!("{b}/api/v1/analyses/{analysis_id}"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(on_b["status"], "succeeded", "{on_b}");
    for path in [
        format!("/api/v1/repositories/{repository_id}"),
        format!("/api/v1/repositories/{repository_id}/tree"),
    ] {
        let (status_a, body_a) = call(
            &client,
            reqwest::Method::GET,
            format!("{a}{path}"),
            &token,
            None,
        )
        .await;
        let (status_b, body_b) = call(
            &client,
            reqwest::Method::GET,
            format!("{b}{path}"),
            &token,
            None,
        )
        .await;
        assert_eq!(
            (status_a, status_b),
            (200, 200),
            "{path}: {body_a} / {body_b}"
        );
        assert_eq!(body_a, body_b, "A and B disagree on {path}");
    }
    let (_, repository) = call(
        &client,
        reqwest::Method::GET,
        format!("{b}/api/v1/repositories/{repository_id}"),
        &token,
        None,
    )
    .await;
    assert!(
        repository["total_commits"].as_u64().unwrap_or(0) > 0,
        "{repository}"
    );
    let worker_log =
        std::fs::read_to_string(dep.root.path().join("worker.log")).expect("worker log");
    assert!(
        worker_log.contains(&request_id),
        "the worker did not run the analysis queued with request id {request_id}\n{}",
        dep.logs()
    );

    // Stopping the processes flushes their traces.
    drop(processes);
    let spans = spans(&received);
    let request = spans.iter().find(|(service, s)| {
        service == "codevoyage-serve"
            && s["name"] == "request"
            && attribute(s, "request_id").as_deref() == Some(request_id.as_str())
    });
    assert!(request.is_some(), "no request span from serve-a: {spans:?}");
    // The analysis may run as several jobs (stages queued as jobs of their own); each carries
    // the request id that queued the analysis.
    let jobs: Vec<&Value> = spans
        .iter()
        .filter(|(service, s)| {
            service == "codevoyage-worker"
                && s["name"] == "job"
                && attribute(s, "correlation_id").as_deref() == Some(request_id.as_str())
        })
        .map(|(_, s)| s)
        .collect();
    assert!(!jobs.is_empty(), "no job span from the worker: {spans:?}");
    let stages: Vec<String> = spans
        .iter()
        .filter(|(service, s)| {
            service == "codevoyage-worker"
                && s["name"] == "stage"
                && jobs.iter().any(|job| s["parentSpanId"] == job["spanId"])
        })
        .filter_map(|(_, s)| attribute(s, "stage"))
        .collect();
    for stage in ["fetch", "history", "metrics", "compile"] {
        assert!(
            stages.iter().any(|s| s == stage),
            "no {stage} stage span under the worker's jobs: {stages:?}"
        );
    }
}
