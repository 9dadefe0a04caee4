//! Forge metadata from the fetch stage to the API: a repository registered with a GitHub URL
//! gets its description, stars and default branch from a local server that answers as
//! GitHub's REST API does; `GET /api/v1/repositories(/{id})` then shows them as `forge`
//! (`null` for a local repository, or when GitHub failed: the fetch stage never fails).

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use codevoyage_forge::{ForgeConfig, GitHubClient};
use codevoyage_jobs::FetchOptions;
use codevoyage_jobs::forge::{ForgeOutcome, record_forge_metadata, refresh};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, router};
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

/// A GitHub look-alike: `GET /repos/octocat/Hello-World` with an ETag, 304 for a matching
/// `If-None-Match`, or a 500 for everything while `failing`.
#[derive(Default)]
struct Fake {
    hits: AtomicUsize,
    if_none_match: Mutex<Vec<Option<String>>>,
    failing: std::sync::atomic::AtomicBool,
}

const ETAG: &str = "W/\"7dc470913f1fe9bb6c7355b50a0737bc\"";

async fn repo(State(fake): State<Arc<Fake>>, headers: HeaderMap) -> Response {
    fake.hits.fetch_add(1, Ordering::SeqCst);
    let sent = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    fake.if_none_match.lock().expect("lock").push(sent.clone());
    let rate = [
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "4999"),
        ("x-ratelimit-reset", "4102444800"),
    ];
    if fake.failing.load(Ordering::SeqCst) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            rate,
            "{\"message\":\"Server Error\"}",
        )
            .into_response();
    }
    if sent.as_deref() == Some(ETAG) {
        return (StatusCode::NOT_MODIFIED, rate, [("etag", ETAG)]).into_response();
    }
    let body = serde_json::json!({
        "id": 1296269,
        "name": "Hello-World",
        "full_name": "octocat/Hello-World",
        "owner": {"login": "octocat", "id": 1},
        "private": false,
        "description": "My first repository on GitHub!",
        "stargazers_count": 2875,
        "watchers_count": 2875,
        "forks_count": 2712,
        "default_branch": "master",
        "visibility": "public"
    });
    (
        StatusCode::OK,
        rate,
        [
            ("etag", ETAG),
            ("content-type", "application/json; charset=utf-8"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn github(fake: Arc<Fake>) -> String {
    let app = Router::new()
        .route("/repos/octocat/Hello-World", get(repo))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn fetch_options(api_base: &str) -> FetchOptions {
    let client = GitHubClient::new(ForgeConfig {
        api_base: api_base.to_string(),
        token: Some("ghp_test".into()),
        max_retries: 1,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        ..ForgeConfig::default()
    })
    .expect("client");
    FetchOptions {
        forge: Some(Arc::new(client)),
        ..FetchOptions::default()
    }
}

async fn get_json(app: &Router, key: &str, uri: &str) -> Value {
    let response = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header("authorization", format!("Bearer {key}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK, "GET {uri}");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn documented_forge_fields() -> Vec<String> {
    let doc: Value =
        serde_json::from_str(include_str!("../src/openapi.json")).expect("openapi.json");
    let mut fields: Vec<String> = doc["components"]["schemas"]["ForgeMetadata"]["required"]
        .as_array()
        .expect("ForgeMetadata is documented")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    fields.sort();
    fields
}

#[tokio::test]
async fn github_metadata_lands_in_the_store_and_the_api_and_failures_do_not() {
    let fake = Arc::new(Fake::default());
    let fetch = fetch_options(&github(fake.clone()).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let gh = store
        .upsert_repository("Hello-World", "https://github.com/octocat/Hello-World.git")
        .await
        .expect("repository");
    let local = store
        .upsert_repository("local", "/srv/repos/local")
        .await
        .expect("repository");

    // The fetch stage's call: GitHub source → metadata stored; local source → nothing asked.
    record_forge_metadata(&store, &gh, &fetch).await;
    record_forge_metadata(&store, &local, &fetch).await;
    assert_eq!(fake.hits.load(Ordering::SeqCst), 1);
    let stored = store
        .forge_metadata(gh.id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.stars, 2875);
    assert_eq!(stored.etag.as_deref(), Some(ETAG));
    assert_eq!(store.forge_metadata(local.id).await.expect("read"), None);

    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    let app = router(AppState::new(store.clone(), Cache::memory()));
    let one = get_json(&app, &key, &format!("/api/v1/repositories/{}", gh.id)).await;
    let forge = &one["forge"];
    assert_eq!(forge["provider"], "github");
    assert_eq!(forge["owner"], "octocat");
    assert_eq!(forge["name"], "Hello-World");
    assert_eq!(forge["description"], "My first repository on GitHub!");
    assert_eq!(forge["stars"], 2875);
    assert_eq!(forge["default_branch"], "master");
    assert!(
        forge["fetched_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{forge}"
    );
    let mut keys: Vec<String> = forge.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        documented_forge_fields(),
        "the API shape is the documented one"
    );
    let list = get_json(&app, &key, "/api/v1/repositories").await;
    let items = list["items"].as_array().expect("items");
    let by_id = |id: i64| {
        items
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["forge"].clone())
            .expect("listed")
    };
    assert_eq!(by_id(gh.id)["stars"], 2875);
    assert_eq!(by_id(local.id), Value::Null);

    // The next analysis asks with the ETag: a 304 keeps the data and moves fetched_at.
    let again = refresh(&store, &gh, fetch.forge.as_deref().expect("client"))
        .await
        .expect("refresh");
    assert_eq!(again, ForgeOutcome::Confirmed);
    assert_eq!(
        fake.if_none_match
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .flatten()
            .as_deref(),
        Some(ETAG)
    );
    assert_eq!(
        store
            .forge_metadata(gh.id)
            .await
            .expect("read")
            .map(|m| m.stars),
        Some(2875)
    );

    // GitHub failing: the fetch stage logs and goes on; the stored data stays as it was.
    fake.failing.store(true, Ordering::SeqCst);
    let before = fake.hits.load(Ordering::SeqCst);
    record_forge_metadata(&store, &gh, &fetch).await;
    assert_eq!(
        fake.hits.load(Ordering::SeqCst),
        before + 2,
        "one retry, then given up"
    );
    let failed = refresh(&store, &gh, fetch.forge.as_deref().expect("client")).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        store
            .forge_metadata(gh.id)
            .await
            .expect("read")
            .map(|m| m.stars),
        Some(2875)
    );

    // Without a client (forge_metadata = false) nothing is asked.
    let hits = fake.hits.load(Ordering::SeqCst);
    record_forge_metadata(&store, &gh, &FetchOptions::default()).await;
    assert_eq!(fake.hits.load(Ordering::SeqCst), hits);
}

#[tokio::test]
async fn a_repository_first_seen_while_github_fails_shows_null() {
    let fake = Arc::new(Fake::default());
    fake.failing.store(true, Ordering::SeqCst);
    let fetch = fetch_options(&github(fake.clone()).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let gh = store
        .upsert_repository("Hello-World", "git@github.com:octocat/Hello-World.git")
        .await
        .expect("repository");
    record_forge_metadata(&store, &gh, &fetch).await;
    assert!(fake.hits.load(Ordering::SeqCst) >= 1);
    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    let app = router(AppState::new(store, Cache::memory()));
    let one = get_json(&app, &key, &format!("/api/v1/repositories/{}", gh.id)).await;
    assert_eq!(one["forge"], Value::Null);
}
