//! The insights stage writes the executive summary with the configured language model, in
//! analyses run by a worker and by `analyze`: against a local server speaking the
//! chat-completions protocol (a scripted HTTP/1.1 responder on 127.0.0.1), on a real SQLite
//! file and the `migrations` fixture. The cache shared by two summarizers stands for two
//! workers sharing Redis (the real Redis when `CODEVOYAGE_TEST_REDIS_URL` is set).

use codevoyage_jobs::queue::{NewJob, Queue, QueueOptions};
use codevoyage_jobs::{
    ANALYZE_JOB, AnalysisJob, AnalyzeRequest, Event, EventBus, EventKind, WorkerOptions,
    analyze_with_summarizer, register, run_worker,
};
use codevoyage_llm::{ExecutiveSummary, LlmConfig, Summarizer, SummarySource};
use codevoyage_store::cache::Cache;
use codevoyage_store::{InsightRecord, Store};
use serde_json::Value;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::broadcast;

/// A chat-completions server answering each request with the next scripted `(status, body)`
/// (500 when the script is empty), recording the request bodies.
#[derive(Default)]
struct Mock {
    script: Mutex<VecDeque<(u16, String)>>,
    bodies: Mutex<Vec<Value>>,
}

impl Mock {
    fn hits(&self) -> usize {
        self.bodies.lock().expect("bodies").len()
    }
}

fn completion(text: &str) -> (u16, String) {
    let body = serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]
    });
    (200, body.to_string())
}

/// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes of body).
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf[end + 4..end + 4 + length].to_vec());
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Starts the mock; returns it and its base URL (`http://127.0.0.1:port/v1`).
async fn start(script: Vec<(u16, String)>) -> (Arc<Mock>, String) {
    let mock = Arc::new(Mock {
        script: Mutex::new(script.into()),
        ..Mock::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = mock.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mock = served.clone();
            tokio::spawn(async move {
                let Some(body) = read_request(&mut socket).await else {
                    return;
                };
                mock.bodies
                    .lock()
                    .expect("bodies")
                    .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                let (status, reply) = mock
                    .script
                    .lock()
                    .expect("script")
                    .pop_front()
                    .unwrap_or_else(|| (500, r#"{"error":{"message":"scripted failure"}}"#.into()));
                let response = format!(
                    "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (mock, format!("http://{addr}/v1"))
}

fn llm_config(url: &str) -> LlmConfig {
    LlmConfig {
        timeout: Duration::from_secs(10),
        max_retries: 1,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..LlmConfig::new(url, "test-model")
    }
}

async fn open(path: &Path) -> Store {
    let store = Store::open_sqlite_file(path).await.expect("open sqlite");
    store.migrate().await.expect("migrate");
    store
}

/// The stored executive-summary row of an analysis, if any.
async fn summary_row(store: &Store, analysis_id: i64) -> Option<InsightRecord> {
    store
        .insights(analysis_id)
        .await
        .expect("insights")
        .into_iter()
        .find(|r| r.kind == codevoyage_insights::EXECUTIVE_SUMMARY_KIND)
}

/// The titles of the stored findings (ranks 1, 2, …) in rank order.
async fn stored_titles(store: &Store, analysis_id: i64) -> Vec<String> {
    let mut rows: Vec<InsightRecord> = store
        .insights(analysis_id)
        .await
        .expect("insights")
        .into_iter()
        .filter(|r| r.rank >= 1)
        .collect();
    rows.sort_by_key(|r| r.rank);
    rows.into_iter().map(|r| r.title).collect()
}

/// Waits (bounded, so a broken pipeline fails instead of hanging) for the end of an analysis.
async fn wait_until_ended(rx: &mut broadcast::Receiver<Event>, analysis_id: i64) -> EventKind {
    let ended = tokio::time::timeout(Duration::from_secs(180), async {
        loop {
            match rx.recv().await {
                Ok(e)
                    if e.analysis_id == analysis_id
                        && matches!(
                            e.kind,
                            EventKind::Finished | EventKind::Failed { .. } | EventKind::Cancelled
                        ) =>
                {
                    return e.kind;
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("the bus closed"),
            }
        }
    })
    .await;
    ended.expect("the analysis ended")
}

/// Runs one queued analysis of `repo` through a worker holding `summarizer`; returns its id.
async fn run_by_worker(store: &Store, repo: &Path, summarizer: Arc<Summarizer>) -> i64 {
    let (_, analysis_id) = register(
        store,
        &AnalyzeRequest {
            source: repo.to_path_buf(),
            ..Default::default()
        },
    )
    .await
    .expect("register");
    let queue = Queue::persisted(store.clone(), "analyses", QueueOptions::default());
    queue
        .enqueue(NewJob {
            kind: ANALYZE_JOB.into(),
            payload: serde_json::to_string(&AnalysisJob {
                analysis_id,
                rev: None,
                threads: 1,
            })
            .expect("json"),
            correlation_id: None,
        })
        .await
        .expect("enqueue");
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(
        queue,
        store.clone(),
        bus,
        WorkerOptions {
            summarizer: Some(summarizer),
            ..WorkerOptions::new("model-test")
        },
        shutdown,
    ));
    let ended = wait_until_ended(&mut rx, analysis_id).await;
    let _ = stop.send(true);
    let stats = worker.await.expect("join").expect("worker");
    assert_eq!(stats.succeeded, 1, "{ended:?}");
    analysis_id
}

/// The cache two workers share: Redis when the test has one, else one memory cache.
async fn shared_cache() -> Cache {
    match std::env::var("CODEVOYAGE_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let prefix = format!(
                "cv-test-llm-{}-{}:",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0)
            );
            Cache::redis_with_prefix(&url, &prefix)
                .await
                .expect("redis cache")
        }
        _ => {
            eprintln!(
                "CODEVOYAGE_TEST_REDIS_URL unset: two workers share a memory cache instead of Redis"
            );
            Cache::memory()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stores_the_model_summary_and_a_second_worker_reuses_it_from_the_cache() {
    let fixture = codevoyage_testkit::fixture("migrations");
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(&dir.path().join("cv.db")).await;
    let (mock, url) = start(vec![completion("  The web folder needs a second owner.  ")]).await;
    let cache = shared_cache().await;
    let first = Arc::new(Summarizer::new(llm_config(&url), cache.clone()).expect("summarizer"));

    let analysis_id = run_by_worker(&store, fixture.path(), first).await;
    let titles = stored_titles(&store, analysis_id).await;
    assert!(!titles.is_empty(), "the fixture has findings");
    let row = summary_row(&store, analysis_id)
        .await
        .expect("an executive_summary row");
    assert_eq!(row.rank, codevoyage_insights::EXECUTIVE_SUMMARY_RANK);
    assert_eq!(row.body, "The web folder needs a second owner.");
    assert_eq!(
        row.title,
        "Summary written by the language model test-model from the findings"
    );
    assert_eq!(row.evidence["source"], "model");
    assert_eq!(row.evidence["model"], "test-model");
    assert_eq!(row.evidence["label"], row.title.as_str());
    let back = ExecutiveSummary::from_record(&row).expect("a summary row");
    assert!(matches!(
        back.source,
        SummarySource::Model { cached: false, .. }
    ));

    // One request, whose user message is exactly the findings as JSON, in rank order.
    assert_eq!(mock.hits(), 1);
    let sent: Value = {
        let bodies = mock.bodies.lock().expect("bodies");
        assert_eq!(bodies[0]["model"], "test-model");
        serde_json::from_str(
            bodies[0]["messages"][1]["content"]
                .as_str()
                .expect("user content"),
        )
        .expect("the user message is JSON")
    };
    let sent_titles: Vec<&str> = sent
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| f["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(sent_titles, titles);

    // Another worker (its own summarizer, the same shared cache) analyses the repository again:
    // the findings are the same, so the summary comes from the cache without a request.
    let second = Arc::new(Summarizer::new(llm_config(&url), cache).expect("summarizer"));
    let again = run_by_worker(&store, fixture.path(), second).await;
    assert_ne!(again, analysis_id);
    let row = summary_row(&store, again).await.expect("a summary row");
    assert_eq!(row.body, "The web folder needs a second owner.");
    assert_eq!(
        row.title,
        "Summary written by the language model test-model (cached) from the findings"
    );
    assert_eq!(mock.hits(), 1, "served from the shared cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_model_failing_the_deterministic_summary_is_stored_and_says_why() {
    let fixture = codevoyage_testkit::fixture("migrations");
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(&dir.path().join("cv.db")).await;
    // Every reply is a 500 (the empty script).
    let (mock, url) = start(Vec::new()).await;
    let summarizer = Summarizer::new(llm_config(&url), Cache::memory()).expect("summarizer");
    let summary = analyze_with_summarizer(
        &store,
        &EventBus::default(),
        AnalyzeRequest {
            source: fixture.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        },
        Arc::new(AtomicBool::new(false)),
        Some(&summarizer),
    )
    .await
    .expect("the analysis succeeds although the model fails");
    assert_eq!(mock.hits(), 2, "the first attempt and one retry");
    let row = summary_row(&store, summary.analysis_id)
        .await
        .expect("an executive_summary row");
    assert_eq!(row.evidence["source"], "deterministic");
    assert!(
        row.title.starts_with(
            "Deterministic summary (the language model was not used: the language model answered HTTP 500"
        ),
        "{}",
        row.title
    );
    assert_eq!(
        row.body,
        codevoyage_insights::summary_text(&summary.findings)
    );
    let returned = summary.executive_summary.expect("returned to the caller");
    assert!(matches!(
        returned.source,
        SummarySource::Deterministic { reason: Some(_) }
    ));
    assert_eq!(returned.label(), row.title);

    // Without a model, nothing is stored: `/summary` derives the deterministic one.
    let plain = codevoyage_jobs::analyze(
        &store,
        &EventBus::default(),
        AnalyzeRequest {
            source: fixture.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("analyze");
    assert!(summary_row(&store, plain.analysis_id).await.is_none());
    assert!(plain.executive_summary.is_none());
}
