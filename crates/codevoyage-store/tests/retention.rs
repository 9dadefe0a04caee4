//! Retention (`Store::delete_analyses_finished_before`) on SQLite (always) and PostgreSQL
//! (when `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database, as in the
//! conformance suite).

use codevoyage_model::{FileMetrics, FunctionMetrics, LineCounts};
use codevoyage_store::{
    AnalysisStatus, AnalysisUpdate, CouplingRecord, FileRecord, InsightRecord, NewJobRow,
    RETENTION_BATCH, Store,
};

#[macro_use]
mod common;

const SUITE: &str = "retention";

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
