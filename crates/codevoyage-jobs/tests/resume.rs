//! Crash recovery, checkpoints and cancellation of queued analyses, on a real SQLite file and
//! fixture repositories.

use codevoyage_jobs::queue::{NewJob, Queue, QueueOptions};
use codevoyage_jobs::{
    ANALYZE_JOB, AnalysisJob, AnalyzeRequest, Event, EventBus, EventKind, FetchOptions, JobError,
    Stage, WorkerOptions, register, run_job, run_worker,
};
use codevoyage_store::{AnalysisStatus, Store};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::broadcast;

async fn open(path: &Path) -> Store {
    let store = Store::open_sqlite_file(path).await.expect("open sqlite");
    store.migrate().await.expect("migrate");
    store
}

/// Waits (bounded, so a broken pipeline fails instead of hanging) for the first event of
/// `analysis_id` that `pick` accepts.
async fn wait_for(
    rx: &mut broadcast::Receiver<Event>,
    analysis_id: i64,
    pick: impl Fn(&EventKind) -> bool,
) -> Vec<Event> {
    let mut seen = Vec::new();
    let found = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            match rx.recv().await {
                Ok(e) if e.analysis_id == analysis_id => {
                    let done = pick(&e.kind);
                    seen.push(e);
                    if done {
                        return;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("the bus closed"),
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no matching event; saw {seen:?}");
    seen
}

fn started(events: &[Event]) -> Vec<Stage> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::StageStarted { stage } => Some(stage),
            _ => None,
        })
        .collect()
}

async fn row_counts(store: &Store, repository_id: i64) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for table in [
        "commits",
        "file_changes",
        "contributors",
        "files",
        "functions",
        "insights",
        "coupling",
    ] {
        out.push((
            table.to_string(),
            store.count_rows(table, repository_id).await.expect("count"),
        ));
    }
    out
}

fn analyze_job(analysis_id: i64) -> NewJob {
    NewJob {
        kind: ANALYZE_JOB.into(),
        payload: serde_json::to_string(&AnalysisJob {
            analysis_id,
            rev: None,
            threads: 1,
        })
        .expect("json"),
        correlation_id: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_worker_s_job_completes_after_a_restart_and_skips_finished_stages() {
    let repo = codevoyage_testkit::fixture("many");
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("codevoyage.db");
    let options = QueueOptions {
        visibility_timeout: Duration::from_secs(1),
        ..Default::default()
    };

    // The reference: a clean, uninterrupted run in another database.
    let clean = open(&dir.path().join("clean.db")).await;
    let summary = codevoyage_jobs::analyze(
        &clean,
        &EventBus::default(),
        AnalyzeRequest {
            source: repo.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("clean run");
    let expected = row_counts(&clean, summary.repository_id).await;

    // First life: enqueue, start a worker, kill it once history is stored.
    let store = open(&db).await;
    let (repository_id, analysis_id) = register(
        &store,
        &AnalyzeRequest {
            source: repo.path().to_path_buf(),
            ..Default::default()
        },
    )
    .await
    .expect("register");
    let queue = Queue::persisted(store.clone(), "analyses", options.clone());
    queue
        .enqueue(analyze_job(analysis_id))
        .await
        .expect("enqueue");
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let (_stop, shutdown) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(
        queue.clone(),
        store.clone(),
        bus,
        WorkerOptions::new("first"),
        shutdown,
    ));
    wait_for(&mut rx, analysis_id, |k| {
        matches!(
            k,
            EventKind::StageStarted {
                stage: Stage::Metrics
            }
        )
    })
    .await;
    worker.abort();
    assert!(worker.await.is_err(), "the worker was killed, not stopped");
    let done_before = store.checkpoints(analysis_id).await.expect("checkpoints");
    assert!(
        done_before.contains(&"history".to_string()),
        "{done_before:?}"
    );
    assert_eq!(
        store
            .analysis(analysis_id)
            .await
            .expect("read")
            .expect("row")
            .status,
        "running",
        "the crash left the analysis running"
    );
    drop(queue);
    store.close().await;

    // Second life: a new store and queue on the same file; the lease runs out, a new worker
    // takes the job and finishes it.
    let store = open(&db).await;
    let queue = Queue::persisted(store.clone(), "analyses", options);
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(
        queue.clone(),
        store.clone(),
        bus,
        WorkerOptions::new("second"),
        shutdown,
    ));
    let events = wait_for(&mut rx, analysis_id, |k| {
        matches!(
            k,
            EventKind::Finished | EventKind::Failed { .. } | EventKind::Cancelled
        )
    })
    .await;
    let _ = stop.send(true);
    let stats = worker.await.expect("join").expect("worker");
    assert_eq!(stats.succeeded, 1, "{events:?}");
    let stages = started(&events);
    assert!(
        !stages.contains(&Stage::History),
        "history re-ran: {stages:?}"
    );
    for skipped in &done_before {
        assert!(
            !stages.iter().any(|s| s.as_str() == skipped),
            "{skipped} re-ran: {stages:?}"
        );
    }
    assert!(stages.contains(&Stage::Insights), "{stages:?}");
    let row = store
        .analysis(analysis_id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(row.status, "succeeded");
    assert_eq!(row_counts(&store, repository_id).await, expected);
    let depth = queue.depth().await.expect("depth");
    assert_eq!(
        (depth.ready, depth.delayed, depth.in_flight, depth.dead),
        (0, 0, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_running_analysis_stops_it() {
    let repo = codevoyage_testkit::fixture("many");
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(&dir.path().join("codevoyage.db")).await;
    let (_, analysis_id) = register(
        &store,
        &AnalyzeRequest {
            source: repo.path().to_path_buf(),
            ..Default::default()
        },
    )
    .await
    .expect("register");
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let watcher = tokio::spawn(async move {
        let events = wait_for(&mut rx, analysis_id, |k| {
            matches!(
                k,
                EventKind::StageStarted {
                    stage: Stage::History
                }
            )
        })
        .await;
        flag.store(true, Ordering::Relaxed);
        let more = wait_for(&mut rx, analysis_id, |k| {
            matches!(
                k,
                EventKind::Finished | EventKind::Failed { .. } | EventKind::Cancelled
            )
        })
        .await;
        (events, more)
    });
    let job = AnalysisJob {
        analysis_id,
        rev: None,
        threads: 1,
    };
    let result = run_job(&store, &bus, &job, cancel, &FetchOptions::default()).await;
    assert!(matches!(result, Err(JobError::Cancelled)), "{result:?}");
    let (_, after) = watcher.await.expect("watcher");
    assert!(matches!(
        after.last().map(|e| &e.kind),
        Some(EventKind::Cancelled)
    ));
    let row = store
        .analysis(analysis_id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(row.parsed_status(), Some(AnalysisStatus::Cancelled));
    // A cancelled analysis is never run again: a redelivered job ends at once.
    let again = run_job(
        &store,
        &EventBus::default(),
        &job,
        Arc::new(AtomicBool::new(false)),
        &FetchOptions::default(),
    )
    .await;
    assert!(matches!(again, Err(JobError::Cancelled)), "{again:?}");
}

#[tokio::test]
async fn a_cancel_request_in_the_store_reaches_a_queued_and_a_running_analysis() {
    let repo = codevoyage_testkit::fixture("basic");
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(&dir.path().join("codevoyage.db")).await;
    let request = AnalyzeRequest {
        source: repo.path().to_path_buf(),
        ..Default::default()
    };
    // Queued: cancelled at once, and a worker taking it later does nothing.
    let (_, queued) = register(&store, &request).await.expect("register");
    let row = store
        .request_cancel(queued)
        .await
        .expect("cancel")
        .expect("row");
    assert_eq!(row.status, "cancelled");
    let job = AnalysisJob {
        analysis_id: queued,
        rev: None,
        threads: 1,
    };
    let result = run_job(
        &store,
        &EventBus::default(),
        &job,
        Arc::new(AtomicBool::new(false)),
        &FetchOptions::default(),
    )
    .await;
    assert!(matches!(result, Err(JobError::Cancelled)), "{result:?}");
    assert_eq!(
        store
            .count_rows("commits", row.repository_id)
            .await
            .expect("count"),
        0
    );
    // Running (flagged while it was taken): the run sees the flag and stops.
    let (_, running) = register(&store, &request).await.expect("register");
    store
        .update_analysis(
            running,
            &codevoyage_store::AnalysisUpdate {
                status: Some(AnalysisStatus::Running),
                ..Default::default()
            },
        )
        .await
        .expect("running");
    let row = store
        .request_cancel(running)
        .await
        .expect("cancel")
        .expect("row");
    assert_eq!(row.status, "running", "a running analysis is only flagged");
    let result = run_job(
        &store,
        &EventBus::default(),
        &AnalysisJob {
            analysis_id: running,
            rev: None,
            threads: 1,
        },
        Arc::new(AtomicBool::new(false)),
        &FetchOptions::default(),
    )
    .await;
    assert!(matches!(result, Err(JobError::Cancelled)), "{result:?}");
    let row = store.analysis(running).await.expect("read").expect("row");
    assert_eq!(row.status, "cancelled");
    // An analysis deleted with its repository counts as cancelled for the worker running it.
    assert!(
        store
            .delete_repository(row.repository_id)
            .await
            .expect("delete")
    );
    assert!(store.cancel_requested(running).await.expect("read"));
}

/// The same crash-and-resume through `run_job` on PostgreSQL (when
/// `CODEVOYAGE_TEST_DATABASE_URL` is set): checkpoints, the early file write and the batched
/// revision update give the rows of a clean run there too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_on_postgresql_gives_the_rows_of_a_clean_run() {
    let Ok(url) = std::env::var("CODEVOYAGE_TEST_DATABASE_URL") else {
        eprintln!(
            "skipping PostgreSQL: set CODEVOYAGE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it"
        );
        return;
    };
    let repo = codevoyage_testkit::fixture("many");
    let dir = tempfile::tempdir().expect("tmp");
    let clean = open(&dir.path().join("clean.db")).await;
    let request = AnalyzeRequest {
        source: repo.path().to_path_buf(),
        threads: 1,
        ..Default::default()
    };
    let summary = codevoyage_jobs::analyze(
        &clean,
        &EventBus::default(),
        request.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("clean run");
    let expected = row_counts(&clean, summary.repository_id).await;
    let expected_tree = clean
        .latest_tree(summary.repository_id)
        .await
        .expect("tree")
        .expect("analysed");

    let store = Store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} is unreachable: {e}"));
    store.migrate().await.expect("migrate");
    // The fixture's path is unique to this run, so its rows are this test's alone.
    let (repository_id, analysis_id) = register(&store, &request).await.expect("register");
    let job = AnalysisJob {
        analysis_id,
        rev: None,
        threads: 1,
    };
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let fetch = FetchOptions::default();
    let crashed = tokio::select! {
        _ = run_job(&store, &bus, &job, Arc::new(AtomicBool::new(false)), &fetch) => false,
        _ = wait_for(&mut rx, analysis_id, |k| matches!(k, EventKind::StageStarted { stage: Stage::Insights })) => true,
    };
    assert!(crashed, "the run was interrupted at the insights stage");
    let done = store.checkpoints(analysis_id).await.expect("checkpoints");
    assert_eq!(done, vec!["history".to_string(), "metrics".to_string()]);
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    run_job(
        &store,
        &bus,
        &job,
        Arc::new(AtomicBool::new(false)),
        &FetchOptions::default(),
    )
    .await
    .expect("resumed run");
    let mut stages = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let EventKind::StageStarted { stage } = e.kind {
            stages.push(stage);
        }
    }
    assert_eq!(stages, vec![Stage::Fetch, Stage::Insights, Stage::Compile]);
    let counts = row_counts(&store, repository_id).await;
    let tree = store
        .latest_tree(repository_id)
        .await
        .expect("tree")
        .expect("analysed");
    assert!(
        store
            .delete_repository(repository_id)
            .await
            .expect("cleanup")
    );
    assert_eq!(counts, expected);
    assert_eq!(
        tree, expected_tree,
        "same files, metrics and revision counts"
    );
}
