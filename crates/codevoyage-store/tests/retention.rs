//! Retention (`Store::delete_analyses_finished_before`) on SQLite (always) and PostgreSQL
//! (when `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database, as in the
//! conformance suite).

use codevoyage_model::{FileMetrics, FunctionMetrics, LineCounts};
use codevoyage_store::{
    AnalysisStatus, AnalysisUpdate, CouplingRecord, FileRecord, InsightRecord, NewJobRow,
    RETENTION_BATCH, Store,
};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    test(store.clone()).await;
    store.close().await;
}

async fn run_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: PostgreSQL retention tests skipped ({PG_VAR} is not set)");
        return;
    };
    let admin = match Store::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("{PG_VAR} is set under CI but PostgreSQL is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("note: PostgreSQL retention tests skipped (cannot connect: {e})");
            return;
        }
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "cv_retention_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create the test database");
    let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    let url = if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate postgres");
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(admin.pool())
    .await
    .expect("drop the test database");
    admin.close().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::run_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::run_postgres(crate::$name).await } )*
        }
    };
}

both!(
    old_analyses_go_with_their_rows_but_the_latest_success_stays,
    a_backlog_larger_than_a_batch_is_deleted,
);

// ------------------------------------------------------------------------- fixtures

const DAY: i64 = 86_400;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn file(path: &str) -> FileRecord {
    FileRecord {
        path: path.to_string(),
        blob_id: None,
        revisions: 1,
        metrics: FileMetrics {
            language: Some("Rust".into()),
            lines: LineCounts {
                code: 10,
                comment: 1,
                blank: 1,
            },
            bytes: 200,
            functions: vec![FunctionMetrics {
                name: "f".into(),
                start_line: 1,
                end_line: 5,
                cyclomatic: 1,
                cognitive: 0,
                parameters: 0,
                max_nesting: 0,
                halstead: Default::default(),
            }],
            cyclomatic: 1,
            cognitive: 0,
            maintainability_index: None,
            binary: false,
            diagnostics: Vec::new(),
        },
    }
}

/// An analysis ended with `status` `age_days` ago, holding one file, one function, one
/// insight, one coupling pair, a checkpoint and a (dead) job.
async fn analysis(store: &Store, repository: i64, status: AnalysisStatus, age_days: i64) -> i64 {
    let id = store.create_analysis(repository).await.expect("create");
    let running = AnalysisUpdate {
        status: Some(AnalysisStatus::Running),
        ..Default::default()
    };
    store.update_analysis(id, &running).await.expect("running");
    store
        .replace_files(repository, id, &[file("src/a.rs"), file("src/b.rs")])
        .await
        .expect("files");
    store
        .replace_insights(
            id,
            &[InsightRecord {
                rank: 1,
                kind: "hotspot".into(),
                severity: "high".into(),
                title: "t".into(),
                body: "b".into(),
                evidence: serde_json::json!({}),
            }],
        )
        .await
        .expect("insights");
    store
        .replace_coupling(
            id,
            &[CouplingRecord {
                path_a: "src/a.rs".into(),
                path_b: "src/b.rs".into(),
                shared: 3,
                degree: 0.5,
            }],
        )
        .await
        .expect("coupling");
    store
        .record_checkpoint(id, "metrics")
        .await
        .expect("checkpoint");
    store
        .enqueue_job(&NewJobRow {
            id: format!("job-{id}"),
            queue: "q".into(),
            kind: "analyze".into(),
            payload: "{}".into(),
            analysis_id: Some(id),
            attempt: 1,
            correlation_id: None,
            enqueued_at_ms: 0,
        })
        .await
        .expect("job");
    match status {
        AnalysisStatus::Succeeded => store
            .finish_analysis(id, repository, Some("rev"), false)
            .await
            .expect("finish"),
        AnalysisStatus::Running => {}
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
    let at = now() - age_days * DAY;
    sqlx::query("UPDATE analyses SET created_at = $1, finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE $2 END WHERE id = $3")
        .bind(at)
        .bind(at)
        .bind(id)
        .execute(store.pool())
        .await
        .expect("backdate");
    id
}

/// Rows of every table that belong to analysis `id` (the analysis row included).
async fn rows_of(store: &Store, id: i64) -> i64 {
    let mut total = 0;
    for table in [
        "files",
        "functions",
        "insights",
        "coupling",
        "analysis_checkpoints",
        "jobs",
    ] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE analysis_id = $1"
        )))
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("count");
        total += n;
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM analyses WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("count");
    total + n
}

// ------------------------------------------------------------------------- checks

async fn old_analyses_go_with_their_rows_but_the_latest_success_stays(store: Store) {
    use AnalysisStatus::{Cancelled, Failed, Running, Succeeded};
    let a = store.upsert_repository("a", "/a").await.expect("repo").id;
    let b = store.upsert_repository("b", "/b").await.expect("repo").id;
    let c = store.upsert_repository("c", "/c").await.expect("repo").id;
    // a: two old successes, an old failure, an old cancelled one, a recent failure and one
    // still running (started long ago).
    let a1 = analysis(&store, a, Succeeded, 100).await;
    let a2 = analysis(&store, a, Failed, 90).await;
    let a3 = analysis(&store, a, Succeeded, 80).await;
    let a4 = analysis(&store, a, Cancelled, 70).await;
    let a5 = analysis(&store, a, Failed, 1).await;
    let a6 = analysis(&store, a, Running, 60).await;
    // b: one old success, the only one: it serves the views and stays.
    let b1 = analysis(&store, b, Succeeded, 365).await;
    // c: an old success, then a newer old failure: the success is still the latest one.
    let c1 = analysis(&store, c, Succeeded, 50).await;
    let c2 = analysis(&store, c, Failed, 40).await;
    let per_analysis = rows_of(&store, a1).await;
    assert_eq!(per_analysis, 2 + 2 + 1 + 1 + 1 + 1 + 1, "fixture rows");
    let commits_before = store.count_rows("commits", a).await.expect("count");

    let cutoff = now() - 30 * DAY;
    let report = store
        .delete_analyses_finished_before(cutoff)
        .await
        .expect("retention");
    assert_eq!(report.analyses, vec![(a, a1), (a, a2), (a, a4), (c, c2)]);
    assert_eq!(
        report.rows,
        4 * u64::try_from(per_analysis - 1).expect("small")
    );
    for gone in [a1, a2, a4, c2] {
        assert_eq!(rows_of(&store, gone).await, 0, "analysis {gone} left rows");
    }
    for kept in [a3, a5, a6, b1, c1] {
        assert_eq!(rows_of(&store, kept).await, per_analysis, "analysis {kept}");
    }
    assert_eq!(
        store
            .latest_succeeded_analysis(a)
            .await
            .expect("latest")
            .map(|r| r.id),
        Some(a3)
    );
    let tree = store
        .latest_tree(b)
        .await
        .expect("tree")
        .expect("b has a tree");
    assert_eq!(tree.1.len(), 2, "the views of b still work");
    assert_eq!(
        store.count_rows("commits", a).await.expect("count"),
        commits_before,
        "history belongs to the repository"
    );

    // Idempotent: a second run finds nothing.
    let again = store
        .delete_analyses_finished_before(cutoff)
        .await
        .expect("retention again");
    assert!(again.is_empty(), "{again:?}");
    // A later cutoff reaches the recent failure, still never the latest successes.
    let all = store
        .delete_analyses_finished_before(now() + DAY)
        .await
        .expect("retention, everything");
    assert_eq!(all.analyses, vec![(a, a5)]);
    for kept in [a3, a6, b1, c1] {
        assert_eq!(rows_of(&store, kept).await, per_analysis, "analysis {kept}");
    }
}

async fn a_backlog_larger_than_a_batch_is_deleted(store: Store) {
    let r = store.upsert_repository("r", "/r").await.expect("repo").id;
    let total = RETENTION_BATCH * 2 + 7;
    let mut ids = Vec::new();
    for _ in 0..total {
        let id = store.create_analysis(r).await.expect("create");
        store
            .update_analysis(
                id,
                &AnalysisUpdate {
                    status: Some(AnalysisStatus::Failed),
                    error: Some("boom".into()),
                    ..Default::default()
                },
            )
            .await
            .expect("fail");
        ids.push(id);
    }
    let last = analysis(&store, r, AnalysisStatus::Succeeded, 400).await;
    sqlx::query("UPDATE analyses SET finished_at = $1 WHERE repository_id = $2")
        .bind(now() - 400 * DAY)
        .bind(r)
        .execute(store.pool())
        .await
        .expect("backdate");
    let report = store
        .delete_analyses_finished_before(now() - DAY)
        .await
        .expect("retention");
    let deleted: Vec<i64> = report.analyses.iter().map(|&(_, id)| id).collect();
    assert_eq!(deleted, ids);
    let left: Vec<i64> = store
        .analyses(r)
        .await
        .expect("list")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, vec![last]);
}
