//! OpenTelemetry export: `codevoyage serve` with `CODEVOYAGE_OTLP_ENDPOINT` pointing at a
//! collector in this test (an axum server taking `POST /v1/traces`, OTLP/HTTP JSON) sends a
//! `request` span carrying the request id, and the `job` and `stage` spans of an analysis it
//! ran, under service.name `codevoyage-serve`; what is still buffered is flushed at shutdown.
//! Without an endpoint nothing is sent. Local mode (SQLite, in-process workers): no external
//! service needed.

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Trace export requests the collector received (their JSON bodies).
type Received = Arc<Mutex<Vec<Value>>>;

/// A collector on a free loopback port; returns its base URL.
async fn collector(received: Received) -> String {
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let received = received.clone();
            async move {
                let value: Value = serde_json::from_slice(&body)
                    .unwrap_or_else(|e| json!({ "unreadable": e.to_string() }));
                received.lock().expect("lock").push(value);
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

/// Every exported span as (service.name, span JSON).
fn spans(received: &Received) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for export in received.lock().expect("lock").iter() {
        for resource_spans in export["resourceSpans"].as_array().into_iter().flatten() {
            let service =
                attribute(&resource_spans["resource"], "service.name").unwrap_or_default();
            for scope in resource_spans["scopeSpans"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    out.push((service.clone(), span.clone()));
                }
            }
        }
    }
    out
}

/// A string or integer attribute of a span or resource, as text.
fn attribute(item: &Value, key: &str) -> Option<String> {
    item["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .and_then(|a| {
            let v = &a["value"];
            v["stringValue"]
                .as_str()
                .map(str::to_string)
                .or_else(|| v["intValue"].as_str().map(str::to_string))
                .or_else(|| v["intValue"].as_i64().map(|i| i.to_string()))
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

fn codevoyage(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codevoyage"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CODEVOYAGE_DATABASE_URL")
        .env_remove("CODEVOYAGE_REDIS_URL")
        .env_remove("CODEVOYAGE_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        // A quiet log: the traces do not depend on the log filter.
        .env("CODEVOYAGE_LOG", "warn");
    cmd
}

/// Stops `serve` with SIGTERM (a graceful shutdown, which flushes the exporter) and waits.
fn stop(mut child: Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait().expect("wait for serve")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..240 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{base} never became ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exports_request_job_and_stage_spans_to_the_otlp_endpoint() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let received: Received = Arc::default();
    let endpoint = collector(received.clone()).await;
    let data = tempfile::tempdir().expect("tempdir");
    let repo = codevoyage_testkit::fixture("basic");

    let password = "traces-test-password";
    let mut add = codevoyage(data.path(), &["user", "add", "admin", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    let added = add.wait_with_output().expect("user add");
    assert!(
        added.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&added.stderr)
    );

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let serve = codevoyage(
        data.path(),
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
    )
    .arg("--allowed-root")
    .arg(repo.path().parent().expect("fixture folder"))
    .env("CODEVOYAGE_OTLP_ENDPOINT", &endpoint)
    .env("CODEVOYAGE_WORKERS", "1")
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(data.path().join("serve.log")).expect("log"))
    .spawn()
    .expect("spawn serve");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    wait_ready(&client, &base).await;

    let request_id = format!("traces-test-{}", std::process::id());
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-request-id", &request_id)
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let token = login.json::<Value>().await.expect("JSON")["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let created: Value = client
        .post(format!("{base}/api/v1/repositories"))
        .bearer_auth(&token)
        .json(&json!({"source": repo.path(), "visibility": "shared"}))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("JSON");
    let repository_id = created["id"].as_i64().expect("repository id");
    let started: Value = client
        .post(format!(
            "{base}/api/v1/repositories/{repository_id}/analyses"
        ))
        .bearer_auth(&token)
        .header("x-request-id", format!("{request_id}-analyse"))
        .send()
        .await
        .expect("analyse")
        .json()
        .await
        .expect("JSON");
    let analysis_id = started["id"].as_i64().expect("analysis id");
    let mut status = String::new();
    for _ in 0..480 {
        let analysis: Value = client
            .get(format!("{base}/api/v1/analyses/{analysis_id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("poll")
            .json()
            .await
            .expect("JSON");
        status = analysis["status"].as_str().unwrap_or_default().to_string();
        if matches!(status.as_str(), "succeeded" | "failed" | "cancelled") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, "succeeded");

    // The shutdown flushes what the batch exporter still holds.
    let exit = stop(serve);
    let log = std::fs::read_to_string(data.path().join("serve.log")).unwrap_or_default();
    assert!(exit.success(), "serve exited with {exit}: {log}");
    assert!(
        log.contains(&format!(
            "Traces go to {endpoint}/v1/traces as codevoyage-serve"
        )),
        "{log}"
    );

    let spans = spans(&received);
    assert!(!spans.is_empty(), "no span reached the collector");
    assert!(
        spans
            .iter()
            .all(|(service, _)| service == "codevoyage-serve"),
        "service names: {:?}",
        spans.iter().map(|(s, _)| s).collect::<Vec<_>>()
    );
    let login_span = spans
        .iter()
        .map(|(_, s)| s)
        .find(|s| {
            s["name"] == "request"
                && attribute(s, "request_id").as_deref() == Some(request_id.as_str())
        })
        .unwrap_or_else(|| panic!("no request span with request_id {request_id}: {spans:?}"));
    assert_eq!(
        attribute(login_span, "path").as_deref(),
        Some("/api/v1/auth/login")
    );
    // The analysis may run as several jobs (stages queued as jobs of their own); each carries
    // the request id that queued the analysis.
    let jobs: Vec<&Value> = spans
        .iter()
        .map(|(_, s)| s)
        .filter(|s| {
            s["name"] == "job"
                && attribute(s, "correlation_id").as_deref()
                    == Some(format!("{request_id}-analyse").as_str())
        })
        .collect();
    assert!(
        !jobs.is_empty(),
        "no job span carrying the request id: {spans:?}"
    );
    let stages: Vec<String> = spans
        .iter()
        .map(|(_, s)| s)
        .filter(|s| {
            s["name"] == "stage" && jobs.iter().any(|job| s["parentSpanId"] == job["spanId"])
        })
        .filter_map(|s| attribute(s, "stage"))
        .collect();
    for stage in ["fetch", "history", "metrics", "compile"] {
        assert!(
            stages.iter().any(|s| s == stage),
            "no {stage} stage span under the jobs: {stages:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_endpoint_nothing_is_exported() {
    let data = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let serve = codevoyage(
        data.path(),
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn serve");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    wait_ready(&client, &format!("http://127.0.0.1:{port}")).await;
    let _ = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status();
    let out = serve.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Traces go to"),
        "traces on without an endpoint: {stderr}"
    );
}
