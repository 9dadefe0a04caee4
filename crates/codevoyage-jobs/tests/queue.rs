//! One conformance suite for every queue engine: in-process, persisted in a SQLite file
//! always; persisted in PostgreSQL when `CODEVOYAGE_TEST_DATABASE_URL` is set and Redis
//! Streams when `CODEVOYAGE_TEST_REDIS_URL` is set (always in CI, where an unreachable server
//! fails).

use codevoyage_jobs::queue::{NewJob, Queue, QueueOptions, RetryOutcome};
use std::collections::HashSet;
use std::time::Duration;

fn job(kind: &str, payload: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: payload.into(),
        correlation_id: Some("req-1".into()),
    }
}

fn redis_url() -> Option<String> {
    match std::env::var("CODEVOYAGE_TEST_REDIS_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            eprintln!(
                "skipping the Redis engine: set CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 to run it"
            );
            None
        }
    }
}

fn database_url() -> Option<String> {
    match std::env::var("CODEVOYAGE_TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            eprintln!(
                "skipping the PostgreSQL-persisted engine: set CODEVOYAGE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it"
            );
            None
        }
    }
}

/// What to remove after a test: Redis keys, a temporary folder (dropped), or a queue's rows.
enum Cleanup {
    None,
    Redis(String, String),
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Rows(codevoyage_store::Store, String),
}

fn unique(name: &str) -> String {
    format!(
        "cvtest:{name}:{}:{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// Builds each engine with `options`; Redis queues get a unique key prefix and PostgreSQL
/// queues a unique name, removed at the end.
async fn engines(name: &str, options: QueueOptions) -> Vec<(String, Queue, Cleanup)> {
    let mut out = vec![(
        "local".to_string(),
        Queue::local(options.clone()),
        Cleanup::None,
    )];
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = codevoyage_store::Store::open_sqlite_file(&dir.path().join("q.db"))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    out.push((
        "sqlite".to_string(),
        Queue::persisted(store, name, options.clone()),
        Cleanup::Folder(dir),
    ));
    if let Some(url) = database_url() {
        let store = codevoyage_store::Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {url} is unreachable: {e}"));
        store.migrate().await.expect("migrate postgres");
        let queue = unique(name);
        out.push((
            "postgres".to_string(),
            Queue::persisted(store.clone(), &queue, options.clone()),
            Cleanup::Rows(store, queue),
        ));
    }
    if let Some(url) = redis_url() {
        let prefix = unique(name);
        let q = Queue::redis(&url, &prefix, options)
            .await
            .unwrap_or_else(|e| panic!("Redis at {url} is unreachable: {e}"));
        out.push(("redis".to_string(), q, Cleanup::Redis(url, prefix)));
    }
    out
}

async fn cleanup(target: Cleanup) {
    if let Cleanup::Rows(store, queue) = &target {
        store.purge_queue(queue).await.expect("purge");
    }
    if let Cleanup::Redis(url, prefix) = target {
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
    }
}

fn quick() -> QueueOptions {
    QueueOptions {
        max_attempts: 3,
        visibility_timeout: Duration::from_millis(400),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn jobs_come_out_in_order_once_and_ack_removes_them() {
    for (engine, q, target) in engines("order", quick()).await {
        let ids: Vec<String> = [
            q.enqueue(job("analyze", "1")).await,
            q.enqueue(job("analyze", "2")).await,
            q.enqueue(job("analyze", "3")).await,
        ]
        .into_iter()
        .map(|r| r.expect("enqueue"))
        .collect();
        assert_eq!(q.depth().await.expect("depth").ready, 3, "{engine}");
        let mut seen = Vec::new();
        for consumer in ["a", "b", "a"] {
            let d = q
                .take(consumer, Duration::from_secs(1))
                .await
                .expect("take")
                .expect("a job");
            assert_eq!(d.job.attempt, 1);
            assert_eq!(d.deliveries, 1);
            assert_eq!(d.job.correlation_id.as_deref(), Some("req-1"));
            seen.push(d.job.id.clone());
            q.ack(&d).await.expect("ack");
        }
        assert_eq!(seen, ids, "{engine}: FIFO");
        assert!(
            q.take("a", Duration::from_millis(50))
                .await
                .expect("take")
                .is_none(),
            "{engine}: empty"
        );
        let depth = q.depth().await.expect("depth");
        assert_eq!(
            (depth.ready, depth.in_flight, depth.delayed, depth.dead),
            (0, 0, 0, 0),
            "{engine}"
        );
        cleanup(target).await;
    }
}

#[tokio::test]
async fn a_silent_consumer_loses_its_job_to_another() {
    for (engine, q, target) in engines("silent", quick()).await {
        let id = q.enqueue(job("analyze", "x")).await.expect("enqueue");
        let first = q
            .take("dies", Duration::from_secs(1))
            .await
            .expect("take")
            .expect("job");
        assert_eq!(first.job.id, id);
        assert_eq!(q.depth().await.expect("depth").in_flight, 1, "{engine}");
        // "dies" never acks nor heart-beats; after the visibility timeout another consumer
        // gets the same job, marked as a redelivery.
        let second = q
            .take("survivor", Duration::from_secs(5))
            .await
            .expect("take")
            .expect("reclaimed job");
        assert_eq!(second.job.id, id, "{engine}");
        assert_eq!(second.deliveries, 2, "{engine}");
        q.ack(&second).await.expect("ack");
        assert_eq!(q.depth().await.expect("depth").in_flight, 0, "{engine}");
        cleanup(target).await;
    }
}

#[tokio::test]
async fn heartbeats_keep_a_long_job_with_its_consumer() {
    let options = QueueOptions {
        visibility_timeout: Duration::from_millis(1500),
        ..quick()
    };
    for (engine, q, target) in engines("heartbeat", options).await {
        q.enqueue(job("analyze", "long")).await.expect("enqueue");
        let d = q
            .take("worker", Duration::from_secs(1))
            .await
            .expect("take")
            .expect("job");
        for _ in 0..4 {
            // Simulated work, well inside the visibility timeout each time.
            tokio::time::sleep(Duration::from_millis(500)).await;
            q.heartbeat("worker", &d).await.expect("heartbeat");
        }
        assert!(
            q.take("thief", Duration::ZERO)
                .await
                .expect("take")
                .is_none(),
            "{engine}: still held after 2 s of heartbeats"
        );
        q.ack(&d).await.expect("ack");
        cleanup(target).await;
    }
}

#[tokio::test]
async fn failures_retry_with_backoff_then_dead_letter() {
    for (engine, q, target) in engines("retry", quick()).await {
        let id = q.enqueue(job("analyze", "poison")).await.expect("enqueue");
        let mut outcomes = Vec::new();
        for attempt in 1..=3u32 {
            let d = q
                .take("w", Duration::from_secs(5))
                .await
                .expect("take")
                .expect("job");
            assert_eq!(d.job.id, id);
            assert_eq!(d.job.attempt, attempt, "{engine}");
            if attempt > 1 {
                assert_eq!(
                    d.job.last_error.as_deref(),
                    Some(format!("boom {}", attempt - 1).as_str())
                );
            }
            outcomes.push(q.fail(&d, &format!("boom {attempt}")).await.expect("fail"));
        }
        assert!(
            matches!(outcomes[0], RetryOutcome::Retried { attempt: 2, .. }),
            "{engine}: {outcomes:?}"
        );
        assert!(
            matches!(outcomes[1], RetryOutcome::Retried { attempt: 3, .. }),
            "{engine}: {outcomes:?}"
        );
        assert_eq!(outcomes[2], RetryOutcome::DeadLettered, "{engine}");
        let dead = q.dead_letters(10).await.expect("dead letters");
        assert_eq!(dead.len(), 1, "{engine}");
        assert_eq!(dead[0].job.id, id);
        assert_eq!(dead[0].error, "boom 3");
        let depth = q.depth().await.expect("depth");
        assert_eq!(
            (depth.ready, depth.delayed, depth.in_flight, depth.dead),
            (0, 0, 0, 1),
            "{engine}"
        );
        cleanup(target).await;
    }
}

#[tokio::test]
async fn a_poisoned_job_does_not_block_the_others() {
    for (engine, q, target) in engines("poison", quick()).await {
        let poison = q.enqueue(job("analyze", "poison")).await.expect("enqueue");
        let good: HashSet<String> = [
            q.enqueue(job("analyze", "a")).await,
            q.enqueue(job("analyze", "b")).await,
        ]
        .into_iter()
        .map(|r| r.expect("enqueue"))
        .collect();
        let mut done = HashSet::new();
        let mut dead = false;
        while !(dead && done.len() == 2) {
            let d = q
                .take("w", Duration::from_secs(5))
                .await
                .expect("take")
                .expect("a job is pending");
            if d.job.id == poison {
                dead =
                    q.fail(&d, "always fails").await.expect("fail") == RetryOutcome::DeadLettered;
            } else {
                done.insert(d.job.id.clone());
                q.ack(&d).await.expect("ack");
            }
        }
        assert_eq!(done, good, "{engine}");
        assert_eq!(q.dead_letters(10).await.expect("dead")[0].job.id, poison);
        cleanup(target).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_consumers_never_get_the_same_job() {
    let options = QueueOptions {
        visibility_timeout: Duration::from_secs(30),
        ..quick()
    };
    for (engine, q, target) in engines("concurrent", options).await {
        let mut expected = HashSet::new();
        for i in 0..40 {
            expected.insert(
                q.enqueue(job("analyze", &i.to_string()))
                    .await
                    .expect("enqueue"),
            );
        }
        let mut tasks = Vec::new();
        for c in 0..4 {
            let q = q.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some(d) = q
                    .take(&format!("c{c}"), Duration::from_millis(200))
                    .await
                    .expect("take")
                {
                    got.push(d.job.id.clone());
                    q.ack(&d).await.expect("ack");
                }
                got
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("task"));
        }
        let unique: HashSet<String> = all.iter().cloned().collect();
        assert_eq!(all.len(), 40, "{engine}: each job taken exactly once");
        assert_eq!(unique, expected, "{engine}");
        cleanup(target).await;
    }
}
