//! Stages as jobs: history and metrics in parallel, the join that enqueues insights once,
//! the insights checkpoint, progress figures on the analysis row, the sweep that re-enqueues
//! an analysis whose job the queue lost, and a Redis queue that lost its data.

use codevoyage_jobs::queue::{NewJob, Queue, QueueOptions};
use codevoyage_jobs::{
    ANALYZE_JOB, AnalysisJob, AnalyzeRequest, Event, EventBus, EventKind, FetchOptions, Stage,
    WorkerOptions, WorkerStats, register, run_job, run_worker,
};
use codevoyage_store::Store;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::broadcast;

async fn open(path: &Path) -> Store {
    let store = Store::open_sqlite_file(path).await.expect("open sqlite");
    store.migrate().await.expect("migrate");
    store
}

async fn postgres() -> Option<Store> {
    let Ok(url) = std::env::var("CODEVOYAGE_TEST_DATABASE_URL") else {
        eprintln!(
            "skipping PostgreSQL: set CODEVOYAGE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it"
        );
        return None;
    };
    let store = Store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} is unreachable: {e}"));
    store.migrate().await.expect("migrate");
    Some(store)
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

/// The rows of a clean, uninterrupted in-process run of `repo`.
async fn clean_counts(repo: &Path, dir: &Path) -> Vec<(String, u64)> {
    let clean = open(&dir.join("clean.db")).await;
    let summary = codevoyage_jobs::analyze(
        &clean,
        &EventBus::default(),
        AnalyzeRequest {
            source: repo.to_path_buf(),
            threads: 1,
            ..Default::default()
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("clean run");
    row_counts(&clean, summary.repository_id).await
}

/// Waits (bounded) until every analysis in `ids` has ended.
async fn wait_ended(store: &Store, ids: &[i64]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    for id in ids {
        loop {
            let row = store.analysis(*id).await.expect("read").expect("row");
            if matches!(row.status.as_str(), "succeeded" | "failed" | "cancelled") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "analysis {id} did not end: {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Starts `n` workers on `queue`; returns the stop switch and their handles.
fn workers(
    queue: &Queue,
    store: &Store,
    n: usize,
) -> (
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<Result<WorkerStats, codevoyage_jobs::queue::QueueError>>>,
) {
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let handles = (0..n)
        .map(|i| {
            tokio::spawn(run_worker(
                queue.clone(),
                store.clone(),
                EventBus::default(),
                WorkerOptions::new(format!("w{i}")),
                shutdown.clone(),
            ))
        })
        .collect();
    (stop, handles)
}

async fn stop_all(
    stop: tokio::sync::watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<Result<WorkerStats, codevoyage_jobs::queue::QueueError>>>,
) -> WorkerStats {
    let _ = stop.send(true);
    let mut total = WorkerStats::default();
    for h in handles {
        let s = h.await.expect("join").expect("worker");
        total.succeeded += s.succeeded;
        total.failed += s.failed;
        total.stages += s.stages;
        total.resumed += s.resumed;
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_run_the_stages_as_jobs_with_one_insights_job() {
    let repo = codevoyage_testkit::fixture("many");
    let dir = tempfile::tempdir().expect("tmp");
    let expected = clean_counts(repo.path(), dir.path()).await;

    let store = open(&dir.path().join("codevoyage.db")).await;
    let (repository_id, analysis_id) = register(
        &store,
        &AnalyzeRequest {
            source: repo.path().to_path_buf(),
            ..Default::default()
        },
    )
    .await
    .expect("register");
    let queue = Queue::persisted(store.clone(), "analyses", QueueOptions::default());
    queue
        .enqueue(analyze_job(analysis_id))
        .await
        .expect("enqueue");
    let (stop, handles) = workers(&queue, &store, 2);
    wait_ended(&store, &[analysis_id]).await;
    let stats = stop_all(stop, handles).await;

    let row = store
        .analysis(analysis_id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(row.status, "succeeded", "{row:?}");
    // fetch, history and metrics continued; insights (+ compile) ended the analysis, once:
    // a second insights job would have found the analysis ended and failed.
    assert_eq!(
        (stats.succeeded, stats.stages, stats.failed),
        (1, 3, 0),
        "{stats:?}"
    );
    let stages = store.stage_workers(analysis_id).await.expect("stages");
    let names: Vec<&str> = stages.iter().map(|(s, _)| s.as_str()).collect();
    for stage in ["fetch", "history", "metrics", "insights"] {
        assert!(names.contains(&stage), "{stages:?}");
    }
    assert!(
        stages
            .iter()
            .all(|(_, w)| matches!(w.as_deref(), Some("w0" | "w1"))),
        "each stage records its worker: {stages:?}"
    );
    assert_eq!(row_counts(&store, repository_id).await, expected);
    // The last stage's figures stay on the row (they read 0/0 before).
    assert!(row.total > 0 && row.done == row.total, "{row:?}");
    let depth = queue.depth().await.expect("depth");
    assert_eq!(
        (depth.ready, depth.delayed, depth.in_flight, depth.dead),
        (0, 0, 0, 0)
    );
}

/// History and metrics finishing at the same moment: each records its checkpoint, then
/// claims the join; exactly one of the two claims it, never both, never neither.
async fn join_is_claimed_once(store: &Store, source: &str) {
    let repository = store
        .upsert_repository("join", source)
        .await
        .expect("repository");
    for round in 0..40 {
        let analysis_id = store
            .create_analysis(repository.id)
            .await
            .expect("analysis");
        let finish = |stage: &'static str, job: String| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .complete_stage(analysis_id, stage, Some(&job))
                    .await
                    .expect("checkpoint");
                store
                    .claim_join(analysis_id, "insights", &["history", "metrics"], &job)
                    .await
                    .expect("claim")
            })
        };
        let a = finish("history", format!("h{round}"));
        let b = finish("metrics", format!("m{round}"));
        let (a, b) = (a.await.expect("join"), b.await.expect("join"));
        assert!(
            a ^ b,
            "round {round}: history claimed {a}, metrics claimed {b}"
        );
        // The owner asking again (a redelivery of its job) still owns it; the other does not.
        let owner = if a {
            format!("h{round}")
        } else {
            format!("m{round}")
        };
        assert!(
            store
                .claim_join(analysis_id, "insights", &["history", "metrics"], &owner)
                .await
                .expect("claim")
        );
        assert!(
            !store
                .claim_join(analysis_id, "insights", &["history", "metrics"], "other")
                .await
                .expect("claim")
        );
    }
    // One stage alone never claims it.
    let analysis_id = store
        .create_analysis(repository.id)
        .await
        .expect("analysis");
    store
        .complete_stage(analysis_id, "history", None)
        .await
        .expect("checkpoint");
    assert!(
        !store
            .claim_join(analysis_id, "insights", &["history", "metrics"], "h")
            .await
            .expect("claim")
    );
    assert_eq!(
        store.checkpoints(analysis_id).await.expect("checkpoints"),
        vec!["history".to_string()],
        "the join marker is not a stage"
    );
    assert!(
        store
            .delete_repository(repository.id)
            .await
            .expect("cleanup")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_join_is_claimed_exactly_once_on_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().expect("tmp");
    let sqlite = open(&dir.path().join("join.db")).await;
    join_is_claimed_once(&sqlite, "/join/sqlite").await;
    if let Some(pg) = postgres().await {
        let source = format!(
            "/join/pg/{}/{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        join_is_claimed_once(&pg, &source).await;
    }
}

async fn wait_for(
    rx: &mut broadcast::Receiver<Event>,
    analysis_id: i64,
    pick: impl Fn(&EventKind) -> bool,
) {
    let found = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            match rx.recv().await {
                Ok(e) if e.analysis_id == analysis_id && pick(&e.kind) => return,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => panic!("the bus closed"),
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no matching event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_analysis_skips_the_insights_it_stored_before_a_crash() {
    let repo = codevoyage_testkit::fixture("many");
    let dir = tempfile::tempdir().expect("tmp");
    let expected = clean_counts(repo.path(), dir.path()).await;
    let store = open(&dir.path().join("codevoyage.db")).await;
    let (repository_id, analysis_id) = register(
        &store,
        &AnalyzeRequest {
            source: repo.path().to_path_buf(),
            ..Default::default()
        },
    )
    .await
    .expect("register");
    let job = AnalysisJob {
        analysis_id,
        rev: None,
        threads: 1,
    };
    let fetch = FetchOptions::default();
    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    let crashed = tokio::select! {
        _ = run_job(&store, &bus, &job, Arc::new(AtomicBool::new(false)), &fetch) => false,
        _ = wait_for(&mut rx, analysis_id, |k| matches!(k, EventKind::StageStarted { stage: Stage::Compile })) => true,
    };
    assert!(crashed, "the run was interrupted at the compile stage");
    let done = store.checkpoints(analysis_id).await.expect("checkpoints");
    assert!(done.contains(&"insights".to_string()), "{done:?}");
    assert_ne!(
        store
            .analysis(analysis_id)
            .await
            .expect("read")
            .expect("row")
            .status,
        "succeeded"
    );

    let bus = EventBus::default();
    let mut rx = bus.subscribe();
    run_job(&store, &bus, &job, Arc::new(AtomicBool::new(false)), &fetch)
        .await
        .expect("resumed run");
    let mut stages = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let EventKind::StageStarted { stage } = e.kind {
            stages.push(stage);
        }
    }
    assert_eq!(stages, vec![Stage::Fetch, Stage::Compile]);
    assert_eq!(row_counts(&store, repository_id).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_re_enqueues_an_analysis_whose_job_was_lost_and_only_that_one() {
    let repo = codevoyage_testkit::fixture("basic");
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(&dir.path().join("codevoyage.db")).await;
    let request = AnalyzeRequest {
        source: repo.path().to_path_buf(),
        ..Default::default()
    };
    let options = QueueOptions {
        visibility_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let queue = Queue::persisted(store.clone(), "analyses", options);
    // `lost` was registered but its job never reached the queue (or the queue lost it);
    // `waiting` has its job in the queue, not taken yet.
    let (_, lost) = register(&store, &request).await.expect("register");
    let (_, waiting) = register(&store, &request).await.expect("register");
    queue.enqueue(analyze_job(waiting)).await.expect("enqueue");
    assert_eq!(
        codevoyage_jobs::worker::sweep(&queue, &store)
            .await
            .expect("sweep"),
        0,
        "just registered: left alone"
    );
    // Older than two visibility timeouts (created_at has one-second resolution).
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(
        codevoyage_jobs::worker::sweep(&queue, &store)
            .await
            .expect("sweep"),
        1
    );
    let pending = queue.pending_analyses().await.expect("pending");
    assert!(pending.contains(&lost) && pending.contains(&waiting));
    assert_eq!(
        codevoyage_jobs::worker::sweep(&queue, &store)
            .await
            .expect("sweep"),
        0,
        "re-enqueued once"
    );
    let (stop, handles) = workers(&queue, &store, 1);
    wait_ended(&store, &[lost, waiting]).await;
    let stats = stop_all(stop, handles).await;
    for id in [lost, waiting] {
        let row = store.analysis(id).await.expect("read").expect("row");
        assert_eq!(row.status, "succeeded", "{row:?}");
    }
    assert_eq!((stats.succeeded, stats.failed), (2, 0), "{stats:?}");
}

/// A Redis restarted without persistence has no stream and no consumer group: the queue
/// creates them again, and settling a delivery of the lost stream is harmless.
#[tokio::test]
async fn a_redis_queue_that_lost_its_data_creates_its_group_again() {
    let Ok(url) = std::env::var("CODEVOYAGE_TEST_REDIS_URL") else {
        eprintln!("skipping Redis: set CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 to run it");
        return;
    };
    let prefix = format!(
        "cvtest:lost:{}:{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let queue = Queue::redis(&url, &prefix, QueueOptions::default())
        .await
        .expect("redis queue");
    queue.enqueue(analyze_job(7)).await.expect("enqueue");
    let taken = queue
        .take("a", Duration::from_millis(200))
        .await
        .expect("take")
        .expect("a job");
    assert!(
        queue
            .pending_analyses()
            .await
            .expect("pending")
            .contains(&7)
    );
    // What a restart without persistence leaves: nothing.
    let client = redis::Client::open(url.as_str()).expect("url");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:stream"))
        .arg(format!("{prefix}:delayed"))
        .arg(format!("{prefix}:dead"))
        .query_async(&mut conn)
        .await
        .expect("del");
    assert!(queue.pending_analyses().await.expect("pending").is_empty());
    // A producer adds to a stream without a group; the consumer creates the group from the
    // beginning of the stream, so the job is delivered.
    queue.enqueue(analyze_job(8)).await.expect("enqueue");
    queue.ack(&taken).await.expect("ack of a lost delivery");
    let next = queue
        // Returns as soon as the job is there; the long bound only rides out a loaded machine
        // (500 ms once ran out in CI while the rest of the suite competed for the cores).
        .take("b", Duration::from_secs(5))
        .await
        .expect("take after the loss")
        .expect("the job enqueued after the loss");
    assert!(next.job.payload.contains("\"analysis_id\":8"));
    queue.ack(&next).await.expect("ack");
    let depth = queue.depth().await.expect("depth");
    assert_eq!((depth.ready, depth.in_flight), (0, 0));
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:stream"))
        .query_async(&mut conn)
        .await
        .expect("del");
}
