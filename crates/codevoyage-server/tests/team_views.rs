//! `/team` and `/migrations` through the router with `oneshot`, on a real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, router};
use codevoyage_store::cache::Cache;
use codevoyage_store::{InsightRecord, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

fn row(rank: i64, kind: &str, evidence: Value) -> InsightRecord {
    InsightRecord {
        rank,
        kind: kind.into(),
        severity: "info".into(),
        title: kind.into(),
        body: String::new(),
        evidence,
    }
}

/// A store with two analysed repositories: `with` has the reports, `without` only a finding
/// (an analysis from before the reports existed). Returns the ids and an admin's API key.
async fn seeded() -> (tempfile::TempDir, Store, i64, i64, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let mut ids = Vec::new();
    for (name, reports) in [("with", true), ("without", false)] {
        let repo = store
            .upsert_repository(name, &format!("/src/{name}"))
            .await
            .expect("repo");
        let analysis = store.create_analysis(repo.id).await.expect("analysis");
        let mut rows = vec![InsightRecord {
            severity: "warning".into(),
            title: "`a.py` is hotspot #1".into(),
            body: "It changed a lot.\n\nSuggested action: Test it.".into(),
            ..row(1, "hotspot", json!({"files": ["a.py"]}))
        }];
        if reports {
            rows.push(row(
                codevoyage_insights::TEAM_REPORT_RANK,
                codevoyage_insights::TEAM_REPORT_KIND,
                json!({"collaboration": [{"strength": 0.75}], "months": []}),
            ));
            rows.push(InsightRecord {
                title: "Summary written by the language model tiny from the findings".into(),
                body: "One hotspot needs tests.".into(),
                ..row(
                    codevoyage_insights::EXECUTIVE_SUMMARY_RANK,
                    codevoyage_insights::EXECUTIVE_SUMMARY_KIND,
                    json!({"source": "model", "model": "tiny", "cached": false}),
                )
            });
            rows.push(row(
                codevoyage_insights::MIGRATIONS_REPORT_RANK,
                codevoyage_insights::MIGRATIONS_REPORT_KIND,
                json!({"dependency_swaps": [{"removed": "moment", "added": "dayjs"}]}),
            ));
        }
        store
            .replace_insights(analysis, &rows)
            .await
            .expect("insights");
        store
            .finish_analysis(analysis, repo.id, Some("0123456789abcdef"), false)
            .await
            .expect("finish");
        ids.push(repo.id);
    }
    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    (dir, store, ids[0], ids[1], key)
}

async fn get(app: axum::Router, uri: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(uri);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let response = app
        .oneshot(request.body(Body::empty()).expect("request"))
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

#[tokio::test]
async fn team_and_migrations_serve_the_stored_reports() {
    let (_dir, store, with, _, key) = seeded().await;
    let app = router(AppState::new(store, Cache::memory()));
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{with}/team"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"]["collaboration"][0]["strength"], 0.75);
    assert!(body["analysis_id"].as_i64().is_some());
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{with}/migrations"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"]["dependency_swaps"][0]["added"], "dayjs");
    // The reports are not findings: /insights lists rank 1 only.
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{with}/insights"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["hotspot"],
        "reports and the model summary are not findings"
    );
}

#[tokio::test]
async fn team_and_migrations_errors_say_what_to_do() {
    let (_dir, store, with, without, key) = seeded().await;
    let app = router(AppState::new(store, Cache::memory()));
    let (status, _) = get(
        app.clone(),
        &format!("/api/v1/repositories/{with}/team"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{without}/migrations"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let message = body.to_string();
    assert!(
        message.contains("has no migrations report") && message.contains("codevoyage analyze"),
        "{message}"
    );
    let (status, body) = get(app.clone(), "/api/v1/repositories/999/team", Some(&key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.to_string().contains("no repository with id 999"),
        "{body}"
    );
    let (status, _) = get(app, "/api/v1/repositories/abc/team", Some(&key)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn summary_says_whether_a_model_or_the_findings_wrote_it() {
    let (_dir, store, with, without, key) = seeded().await;
    let app = router(AppState::new(store, Cache::memory()));
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{with}/summary"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["source"], "model");
    assert_eq!(body["model"], "tiny");
    assert_eq!(body["text"], "One hotspot needs tests.");
    let (status, body) = get(
        app.clone(),
        &format!("/api/v1/repositories/{without}/summary"),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["source"], "deterministic");
    assert_eq!(body["model"], Value::Null);
    assert_eq!(
        body["text"],
        "1 findings: 0 critical, 1 warning, 0 info\n\n1. [warning] `a.py` is hotspot #1\n   It changed a lot.\n   → Test it.\n"
    );
    assert!(
        body["label"]
            .as_str()
            .is_some_and(|l| l.starts_with("Deterministic"))
    );
    let (status, _) = get(app, &format!("/api/v1/repositories/{with}/summary"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_stored_deterministic_summary_is_served_as_deterministic() {
    // The insights stage stores the deterministic summary, with the reason in its label, when
    // the configured model failed.
    let (_dir, store, _, _, key) = seeded().await;
    let repo = store
        .upsert_repository("failed-model", "/src/failed-model")
        .await
        .expect("repo");
    let analysis = store.create_analysis(repo.id).await.expect("analysis");
    let label = "Deterministic summary (the language model was not used: the language model answered HTTP 500: boom)";
    let rows = vec![
        InsightRecord {
            severity: "warning".into(),
            title: "`a.py` is hotspot #1".into(),
            body: "It changed a lot.\n\nSuggested action: Test it.".into(),
            ..row(1, "hotspot", json!({"files": ["a.py"]}))
        },
        InsightRecord {
            title: label.into(),
            body: "1 findings: 0 critical, 1 warning, 0 info\n".into(),
            ..row(
                codevoyage_insights::EXECUTIVE_SUMMARY_RANK,
                codevoyage_insights::EXECUTIVE_SUMMARY_KIND,
                json!({"source": "deterministic", "reason": "the language model answered HTTP 500: boom", "label": label}),
            )
        },
    ];
    store
        .replace_insights(analysis, &rows)
        .await
        .expect("insights");
    store
        .finish_analysis(analysis, repo.id, Some("0123456789abcdef"), false)
        .await
        .expect("finish");
    let app = router(AppState::new(store, Cache::memory()));
    let (status, body) = get(
        app,
        &format!("/api/v1/repositories/{}/summary", repo.id),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["source"], "deterministic");
    assert_eq!(body["model"], Value::Null);
    assert_eq!(body["label"], label);
    assert_eq!(body["text"], "1 findings: 0 critical, 1 warning, 0 info\n");
}
