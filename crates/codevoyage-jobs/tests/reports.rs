//! The insights stage stores the team and migrations reports, with dependency swaps read from
//! the manifests' versions in git, on a real SQLite file and the `migrations` fixture (whose
//! expected answers are written in its script).

use codevoyage_jobs::{AnalyzeRequest, EventBus, analyze};
use codevoyage_store::Store;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[tokio::test]
async fn insights_stage_stores_team_and_migrations_reports() {
    let fixture = codevoyage_testkit::fixture("migrations");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let summary = analyze(
        &store,
        &EventBus::default(),
        AnalyzeRequest {
            source: fixture.path().to_path_buf(),
            ..AnalyzeRequest::default()
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("analyze");
    let rows = store.insights(summary.analysis_id).await.expect("insights");
    let report = |kind: &str| -> Value {
        rows.iter()
            .find(|r| r.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} row in {rows:?}"))
            .evidence
            .clone()
    };
    // Reports sit below rank 1; findings keep ranks 1, 2, ...
    assert!(rows.iter().filter(|r| r.rank < 1).count() == 2);
    assert!(
        rows.iter()
            .filter(|r| r.rank >= 1)
            .all(|r| !r.kind.ends_with("_report"))
    );

    let team = report("team_report");
    // Ann: 3 commits, Bob: 2. They share web/a.js (Ann's first commit, Bob's second: shares
    // 1/2 and 1/2) and requirements.txt (Ann's first, Bob's "httpx": 1/2 and 1/2), so the
    // strength is min(1/2, 1/2) + min(1/2, 1/2) = 1.0 over 2 files.
    assert_eq!(team["collaboration"].as_array().map(Vec::len), Some(1));
    let pair = &team["collaboration"][0];
    assert_eq!(pair["a"]["name"], "Ann Lee");
    assert_eq!(pair["b"]["name"], "Bob Roy");
    assert_eq!(pair["shared_files"], 2);
    let strength = pair["strength"].as_f64().expect("strength");
    assert!((strength - 1.0).abs() < 1e-9, "{strength}");
    // Ann at 09:00 local on Monday 2024-01-08, Friday 2024-03-01 and Wednesday 2024-05-01;
    // Bob at 22:00 local on Tuesday 2024-02-06 and Monday 2024-04-01.
    let m = &team["weekday_hour"];
    assert_eq!(m[0][9], 1);
    assert_eq!(m[4][9], 1);
    assert_eq!(m[2][9], 1);
    assert_eq!(m[1][22], 1);
    assert_eq!(m[0][22], 1);
    assert_eq!(team["months"].as_array().map(Vec::len), Some(5));

    let mig = report("migrations_report");
    assert_eq!(
        mig["manifest_versions"], 4,
        "package.json ×2, requirements.txt ×2"
    );
    let swaps = mig["dependency_swaps"].as_array().expect("swaps");
    assert_eq!(swaps.len(), 1, "{swaps:?}");
    assert_eq!(swaps[0]["removed"], "moment");
    assert_eq!(swaps[0]["added"], "dayjs");
    assert_eq!(swaps[0]["ecosystem"], "npm");
    // web/a.js 26 lines + web/b.js 25 = 51 JavaScript; c.ts + d.ts = 50 TypeScript.
    let last = mig["languages"]
        .as_array()
        .and_then(|m| m.last())
        .expect("months");
    assert_eq!(last["month"], "2024-05");
    assert_eq!(last["lines"]["JavaScript"], 51);
    assert_eq!(last["lines"]["TypeScript"], 50);
    let moves = mig["folder_moves"].as_array().expect("moves");
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0]["from"], "tools");
    assert_eq!(moves[0]["to"], "scripts/tools");
    assert_eq!(moves[0]["files"], 6);
    // The swap and the move are recent (within the last year): both are findings.
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert!(kinds.contains(&"dependency_swap"), "{kinds:?}");
    assert!(kinds.contains(&"folder_move"), "{kinds:?}");
}
