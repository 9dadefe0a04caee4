//! The API driven through the router with `oneshot` (no socket), on a real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_model::{FileMetrics, LineCounts};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, router};
use codevoyage_store::cache::Cache;
use codevoyage_store::{FileRecord, Store};
use serde_json::Value;
use tower::ServiceExt;

fn metrics(language: &str, code: u64) -> FileMetrics {
    FileMetrics {
        language: Some(language.into()),
        lines: LineCounts {
            code,
            comment: 1,
            blank: 2,
        },
        bytes: code * 20,
        functions: vec![],
        cyclomatic: 3,
        cognitive: 0,
        maintainability_index: None,
        binary: false,
        diagnostics: vec![],
    }
}

/// An API key of a fresh admin: every request of these tests is authenticated.
async fn admin_key(store: &Store) -> String {
    let admin = auth::create_user(store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    auth::create_api_key(store, admin.id, "tests")
        .await
        .expect("key")
        .1
}

async fn seeded() -> (tempfile::TempDir, Store, i64, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let repo = store
        .upsert_repository("demo", "/src/demo")
        .await
        .expect("repo");
    let analysis = store.create_analysis(repo.id).await.expect("analysis");
    let files = vec![
        FileRecord {
            path: "src/app/main.py".into(),
            blob_id: None,
            metrics: metrics("Python", 40),
            revisions: 3,
        },
        FileRecord {
            path: "src/lib.rs".into(),
            blob_id: None,
            metrics: metrics("Rust", 10),
            revisions: 1,
        },
        FileRecord {
            path: "README.md".into(),
            blob_id: None,
            metrics: metrics("Markdown", 5),
            revisions: 2,
        },
    ];
    store
        .replace_files(repo.id, analysis, &files)
        .await
        .expect("files");
    store
        .finish_analysis(
            analysis,
            repo.id,
            Some("0123456789abcdef0123456789abcdef01234567"),
            false,
        )
        .await
        .expect("finish");
    let key = admin_key(&store).await;
    (dir, store, repo.id, key)
}

async fn get(app: axum::Router, uri: &str) -> (StatusCode, Value) {
    get_as(app, uri, None).await
}

async fn get_as(app: axum::Router, uri: &str, key: Option<&str>) -> (StatusCode, Value) {
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
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

#[tokio::test]
async fn health_and_repository_list() {
    let (_dir, store, id, key) = seeded().await;
    let app = router(AppState::new(store, Cache::memory()));
    let (status, body) = get(app.clone(), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");

    let (status, body) = get_as(app.clone(), "/api/v1/repositories", Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
    assert_eq!(items[0]["name"], "demo");
    assert_eq!(items[0]["total_files"], 3);
    assert_eq!(items[0]["languages"][0]["language"], "Python");
    assert!(
        items[0]["last_analyzed_at"]
            .as_str()
            .expect("analysed")
            .ends_with('Z')
    );

    let (status, body) = get_as(app, &format!("/api/v1/repositories/{id}"), Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["head"], "0123456789abcdef0123456789abcdef01234567");
}

#[tokio::test]
async fn tree_nests_files_and_is_served_from_cache_the_second_time() {
    let (_dir, store, id, key) = seeded().await;
    let cache = Cache::memory();
    let app = router(AppState::new(store, cache.clone()));
    let uri = format!("/api/v1/repositories/{id}/tree");
    let (status, first) = get_as(app.clone(), &uri, Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first["revision"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    let root = &first["root"];
    assert_eq!(root["kind"], "dir");
    assert_eq!(root["children"][0]["path"], "src");
    assert_eq!(root["children"][0]["children"][0]["path"], "src/app");
    assert_eq!(
        root["children"][0]["children"][0]["children"][0]["lines"]["code"],
        40
    );
    assert_eq!(
        root["children"][0]["children"][0]["children"][0]["revisions"],
        3
    );
    assert_eq!(root["children"][1]["name"], "README.md");

    let misses = cache.stats().misses;
    let (_, second) = get_as(app, &uri, Some(&key)).await;
    assert_eq!(first, second);
    assert_eq!(cache.stats().misses, misses, "second read is a cache hit");
    assert!(cache.stats().hits >= 1);
}

#[tokio::test]
async fn errors_have_stable_codes_and_helpful_messages() {
    let (_dir, store, _id, key) = seeded().await;
    let app = router(AppState::new(store.clone(), Cache::memory()));
    let (status, body) = get_as(app.clone(), "/api/v1/repositories/999/tree", Some(&key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    assert!(body["message"].as_str().expect("message").contains("999"));

    let (status, body) = get_as(app.clone(), "/api/v1/repositories/abc", Some(&key)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");

    let (status, body) = get_as(app.clone(), "/api/v1/nope", Some(&key)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");

    // A repository registered but never analysed has no city yet.
    let fresh = store
        .upsert_repository("fresh", "/src/fresh")
        .await
        .expect("repo");
    let (status, body) = get_as(
        app,
        &format!("/api/v1/repositories/{}/tree", fresh.id),
        Some(&key),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("analyze")
    );
}

#[tokio::test]
async fn client_side_routes_get_the_ui_shell_with_security_headers() {
    let (_dir, store, _id, _key) = seeded().await;
    let app = router(AppState::new(store, Cache::memory()));
    let response = app
        .oneshot(
            Request::get("/repositories/1")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let ct = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(ct.starts_with("text/html"), "{ct}");
}

#[tokio::test]
async fn readiness_reports_each_dependency_and_503_when_one_is_down() {
    let (_dir, store, _id, _key) = seeded().await;
    let (status, body) = get(
        router(AppState::new(store.clone(), Cache::memory())),
        "/readyz",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["cache"], "ok");

    // Nothing listens on port 1: the cache check fails, the endpoint says so with a 503.
    let dead = Cache::redis("redis://127.0.0.1:1")
        .await
        .expect("a Redis cache starts even when Redis is down");
    let (status, body) = get(router(AppState::new(store, dead)), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["database"], "ok");
    assert_ne!(body["checks"]["cache"], "ok");
}

/// A big city is compressed once per encoding and served compressed from the cache after.
#[tokio::test]
async fn tree_is_compressed_once_per_encoding_and_decodes_to_the_plain_body() {
    use std::io::Read;
    let (_dir, store, id, key) = seeded().await;
    let repo = store
        .upsert_repository("big", "/src/big")
        .await
        .expect("repo");
    let analysis = store.create_analysis(repo.id).await.expect("analysis");
    let files: Vec<FileRecord> = (0..400)
        .map(|i| FileRecord {
            path: format!("src/module{}/file{i}.py", i % 7),
            blob_id: None,
            metrics: metrics("Python", 10 + i),
            revisions: 1 + i % 5,
        })
        .collect();
    store
        .replace_files(repo.id, analysis, &files)
        .await
        .expect("files");
    store
        .finish_analysis(
            analysis,
            repo.id,
            Some("89abcdef0123456789abcdef0123456789abcdef"),
            false,
        )
        .await
        .expect("finish");
    let _ = id;
    let cache = Cache::memory();
    let app = router(AppState::new(store, cache.clone()));
    let uri = format!("/api/v1/repositories/{}/tree", repo.id);
    let fetch = |accept: Option<&'static str>| {
        let app = app.clone();
        let uri = uri.clone();
        let key = key.clone();
        async move {
            let mut request = Request::get(&uri).header("authorization", format!("Bearer {key}"));
            if let Some(accept) = accept {
                request = request.header("accept-encoding", accept);
            }
            let response = app
                .oneshot(request.body(Body::empty()).expect("request"))
                .await
                .expect("response");
            assert_eq!(response.status(), StatusCode::OK);
            let encoding = response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().expect("ascii").to_string());
            let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
                .await
                .expect("body");
            (encoding, bytes.to_vec())
        }
    };
    let (encoding, plain) = fetch(None).await;
    assert_eq!(encoding, None);
    assert!(plain.len() > 4096, "big enough to be compressed");
    let tree: Value = serde_json::from_slice(&plain).expect("json");
    assert_eq!(tree["root"]["children"][0]["path"], "src");

    let (encoding, br) = fetch(Some("gzip, deflate, br")).await;
    assert_eq!(encoding.as_deref(), Some("br"));
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    assert_eq!(decoded, plain);
    assert!(br.len() < plain.len());

    let (encoding, gz) = fetch(Some("gzip")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut decoded)
        .expect("gzip");
    assert_eq!(decoded, plain);

    // The second brotli request is a cache hit for the compressed body.
    let hits = cache.stats().hits;
    let (_, again) = fetch(Some("br")).await;
    assert_eq!(again, br);
    assert!(
        cache.stats().hits >= hits + 2,
        "view and compressed body both hit"
    );
}
