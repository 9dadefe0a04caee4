//! Authentication and authorisation through the router (`oneshot`, no socket), on a real
//! SQLite file: logins, tokens (expired, tampered, `alg: none`, rotated keys), API keys
//! (revoked), roles, private repositories, the audit log and the login rate limit.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use codevoyage_jobs::queue::{Queue, QueueOptions};
use codevoyage_jobs::{EventBus, SourcePolicy};
use codevoyage_model::{FileMetrics, LineCounts};
use codevoyage_server::auth::{self, AuthSettings, Role};
use codevoyage_server::{AppState, Jobs, router};
use codevoyage_store::cache::Cache;
use codevoyage_store::{FileRecord, Store};
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

const SECRET: &str = "the first test secret, long enough to sign tokens";
const OLD_SECRET: &str = "an older test secret, also long enough to sign tokens";
const PASSWORD: &str = "a long enough password";

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    app: axum::Router,
    /// A shared repository and a private one owned by `alice`.
    shared: i64,
    private: i64,
}

fn metrics(code: u64) -> FileMetrics {
    FileMetrics {
        language: Some("Rust".into()),
        lines: LineCounts {
            code,
            comment: 0,
            blank: 0,
        },
        bytes: code * 10,
        functions: vec![],
        cyclomatic: 2,
        cognitive: 0,
        maintainability_index: None,
        binary: false,
        diagnostics: vec![],
    }
}

async fn analysed(store: &Store, name: &str) -> i64 {
    let repo = store
        .upsert_repository(name, &format!("/src/{name}"))
        .await
        .expect("repo");
    let analysis = store.create_analysis(repo.id).await.expect("analysis");
    let files = vec![FileRecord {
        path: "src/lib.rs".into(),
        blob_id: None,
        metrics: metrics(10),
        revisions: 1,
    }];
    store
        .replace_files(repo.id, analysis, &files)
        .await
        .expect("files");
    store
        .finish_analysis(analysis, repo.id, Some(&"a".repeat(40)), false)
        .await
        .expect("finish");
    repo.id
}

fn settings(secrets: &[&str]) -> AuthSettings {
    let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    AuthSettings::new(&secrets, Duration::from_secs(3600)).expect("settings")
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    for (name, role) in [
        ("root", Role::Admin),
        ("alice", Role::Analyst),
        ("bob", Role::Analyst),
        ("vera", Role::Viewer),
    ] {
        auth::create_user(&store, name, PASSWORD, role)
            .await
            .expect("user");
    }
    let alice = store
        .user_by_name("alice")
        .await
        .expect("read")
        .expect("alice");
    let shared = analysed(&store, "shared").await;
    let private = analysed(&store, "secret").await;
    assert!(
        store
            .set_repository_access(private, Some(alice.id), "private")
            .await
            .expect("access")
    );
    // The write side as `serve` wires it: a queue in the store, no local roots allowed.
    let jobs = Jobs {
        queue: Queue::persisted(store.clone(), "analyses", QueueOptions::default()),
        bus: EventBus::default(),
        policy: SourcePolicy {
            allow_private_urls: false,
            allowed_roots: Vec::new(),
        },
        repos_dir: Some(dir.path().join("repos")),
    };
    let app = router(
        AppState::new(store.clone(), Cache::memory())
            .with_auth(settings(&[SECRET]))
            .with_jobs(jobs),
    );
    World {
        _dir: dir,
        store,
        app,
        shared,
        private,
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, axum::http::HeaderMap) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some(v) => {
            request = request.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        headers,
    )
}

async fn login(app: &axum::Router, username: &str) -> String {
    let (status, body, _) = call(
        app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn every_api_endpoint_needs_a_login_but_health_and_ui_do_not() {
    let w = world().await;
    let id = w.shared;
    for uri in [
        "/api/v1/repositories".to_string(),
        format!("/api/v1/repositories/{id}"),
        format!("/api/v1/repositories/{id}/tree"),
        format!("/api/v1/repositories/{id}/insights"),
        format!("/api/v1/repositories/{id}/hotspots"),
        format!("/api/v1/repositories/{id}/coupling"),
        format!("/api/v1/repositories/{id}/contributors"),
        format!("/api/v1/repositories/{id}/activity"),
        format!("/api/v1/repositories/{id}/team"),
        format!("/api/v1/repositories/{id}/migrations"),
        format!("/api/v1/repositories/{id}/timeline"),
        format!("/api/v1/repositories/{id}/ownership"),
        format!("/api/v1/repositories/{id}/analyses"),
        "/api/v1/analyses/1".to_string(),
        "/api/v1/ws".to_string(),
        "/api/v1/auth/me".to_string(),
        "/api/v1/users".to_string(),
        "/api/v1/apikeys".to_string(),
        "/api/v1/audit".to_string(),
    ] {
        let (status, body, headers) = call(&w.app, "GET", &uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(body["code"], "unauthorized", "{uri}");
        let message = body["message"].as_str().expect("message");
        assert!(message.contains("/api/v1/auth/login"), "{message}");
        assert!(headers.contains_key("www-authenticate"));
    }
    for (method, uri) in [
        ("POST", "/api/v1/repositories".to_string()),
        ("DELETE", format!("/api/v1/repositories/{id}")),
        ("POST", format!("/api/v1/repositories/{id}/analyses")),
        ("POST", "/api/v1/analyses/1/cancel".to_string()),
        ("POST", "/api/v1/users".to_string()),
        ("POST", "/api/v1/apikeys".to_string()),
        ("DELETE", "/api/v1/apikeys/1".to_string()),
    ] {
        let (status, body, _) = call(&w.app, method, &uri, None, Some(json!({}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(body["code"], "unauthorized", "{method} {uri}");
    }
    // A query-string token is only for the WebSocket path.
    let token = login(&w.app, "vera").await;
    let (status, _, _) = call(
        &w.app,
        "GET",
        &format!("/api/v1/repositories?access_token={token}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for open in ["/healthz", "/readyz", "/", "/login"] {
        let (status, _, _) = call(&w.app, "GET", open, None, None).await;
        assert_eq!(status, StatusCode::OK, "{open}");
    }
}

#[tokio::test]
async fn login_issues_a_token_that_works_and_wrong_passwords_do_not() {
    let w = world().await;
    let token = login(&w.app, "alice").await;
    let (status, me, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "analyst");

    for (username, password) in [("alice", "wrong password!"), ("nobody", PASSWORD)] {
        let (status, body, _) = call(
            &w.app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["message"], "wrong username or password");
    }
    let (status, body, _) = call(
        &w.app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "alice"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some("garbage"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

fn forge(header: &Value, claims: &Value, signature: &str) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{signature}", b64(header), b64(claims))
}

#[tokio::test]
async fn expired_tampered_unsigned_and_foreign_tokens_are_refused() {
    let w = world().await;
    let alice = w
        .store
        .user_by_name("alice")
        .await
        .expect("read")
        .expect("alice");
    let kid = auth::sha256_hex(SECRET)[..16].to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let sign = |claims: &Value| {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid.clone());
        jsonwebtoken::encode(
            &header,
            claims,
            &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("sign")
    };
    let valid =
        sign(&json!({"sub": alice.id.to_string(), "name": "alice", "iat": now, "exp": now + 600}));
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&valid), None).await;
    assert_eq!(status, StatusCode::OK, "a correctly signed token works");

    let expired = sign(
        &json!({"sub": alice.id.to_string(), "name": "alice", "iat": now - 7200, "exp": now - 3600}),
    );
    let (status, body, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&expired), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("expired")
    );

    // The payload changed to another user, signature kept: refused.
    let parts: Vec<&str> = valid.split('.').collect();
    let tampered = forge(
        &json!({"alg": "HS256", "typ": "JWT", "kid": kid}),
        &json!({"sub": "1", "name": "root", "iat": now, "exp": now + 600}),
        parts[2],
    );
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&tampered), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let unsigned = forge(
        &json!({"alg": "none", "typ": "JWT", "kid": kid}),
        &json!({"sub": "1", "name": "root", "iat": now, "exp": now + 600}),
        "",
    );
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&unsigned), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signed by a key the server does not know.
    let foreign =
        router(AppState::new(w.store.clone(), Cache::memory()).with_auth(settings(&[OLD_SECRET])));
    let token = login(&foreign, "alice").await;
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn rotated_keys_keep_old_tokens_valid_until_the_old_key_is_dropped() {
    let w = world().await;
    let old =
        router(AppState::new(w.store.clone(), Cache::memory()).with_auth(settings(&[OLD_SECRET])));
    let token = login(&old, "vera").await;
    let rotated = router(
        AppState::new(w.store.clone(), Cache::memory()).with_auth(settings(&[SECRET, OLD_SECRET])),
    );
    let (status, _, _) = call(&rotated, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "the old key still verifies");
    let fresh = login(&rotated, "vera").await;
    // w.app knows only SECRET: the rotated server signs with the new key first.
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&fresh), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the dropped key no longer verifies"
    );
}

#[tokio::test]
async fn api_keys_work_until_revoked_and_only_their_owner_or_an_admin_revokes() {
    let w = world().await;
    let alice = login(&w.app, "alice").await;
    let (status, created, _) = call(
        &w.app,
        "POST",
        "/api/v1/apikeys",
        Some(&alice),
        Some(json!({"name": "ci"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let key = created["key"].as_str().expect("key").to_string();
    let id = created["id"].as_i64().expect("id");
    assert!(key.starts_with("cvk_"));

    let (status, me, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "alice");

    let (_, listed, _) = call(&w.app, "GET", "/api/v1/apikeys", Some(&alice), None).await;
    assert_eq!(listed["items"][0]["name"], "ci");
    assert!(
        listed["items"][0].get("key").is_none(),
        "never listed again"
    );
    assert!(listed["items"][0]["last_used_at"].is_string());
    assert!(key.starts_with(listed["items"][0]["prefix"].as_str().expect("prefix")));

    // Bob neither sees nor revokes Alice's key.
    let bob = login(&w.app, "bob").await;
    let (_, listed, _) = call(&w.app, "GET", "/api/v1/apikeys", Some(&bob), None).await;
    assert!(ids(&listed).is_empty());
    let (status, _, _) = call(
        &w.app,
        "DELETE",
        &format!("/api/v1/apikeys/{id}"),
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _, _) = call(
        &w.app,
        "DELETE",
        &format!("/api/v1/apikeys/{id}"),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body, _) = call(&w.app, "GET", "/api/v1/repositories", Some(&key), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("revoked")
    );

    let (status, _, _) = call(&w.app, "DELETE", "/api/v1/apikeys/abc", Some(&alice), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let root = login(&w.app, "root").await;
    let (_, all, _) = call(&w.app, "GET", "/api/v1/apikeys", Some(&root), None).await;
    assert_eq!(ids(&all), vec![id], "an admin sees every key");
}

#[tokio::test]
async fn roles_decide_who_manages_users_and_reads_the_audit_log() {
    let w = world().await;
    let root = login(&w.app, "root").await;
    let alice = login(&w.app, "alice").await;
    let vera = login(&w.app, "vera").await;
    let new_user = json!({"username": "carol", "password": PASSWORD, "role": "viewer"});
    for token in [&alice, &vera] {
        for (method, uri) in [("GET", "/api/v1/users"), ("GET", "/api/v1/audit")] {
            let (status, body, _) = call(&w.app, method, uri, Some(token), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
            assert_eq!(body["code"], "forbidden");
        }
        let (status, _, _) = call(
            &w.app,
            "POST",
            "/api/v1/users",
            Some(token),
            Some(new_user.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Viewers read.
    let (status, _, _) = call(&w.app, "GET", "/api/v1/repositories", Some(&vera), None).await;
    assert_eq!(status, StatusCode::OK);

    let (status, created, _) = call(
        &w.app,
        "POST",
        "/api/v1/users",
        Some(&root),
        Some(new_user.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "viewer");
    assert!(created.get("password_hash").is_none());
    let (status, _, _) = call(&w.app, "POST", "/api/v1/users", Some(&root), Some(new_user)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    for bad in [
        json!({"username": "dave", "password": "short", "role": "viewer"}),
        json!({"username": "dave", "password": PASSWORD, "role": "root"}),
        json!({"username": "da ve", "password": PASSWORD, "role": "viewer"}),
        json!({"username": "dave", "password": PASSWORD, "role": "viewer", "extra": 1}),
    ] {
        let (status, body, _) = call(
            &w.app,
            "POST",
            "/api/v1/users",
            Some(&root),
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} -> {body}");
    }
    let (_, users, _) = call(&w.app, "GET", "/api/v1/users", Some(&root), None).await;
    assert_eq!(users["items"].as_array().expect("items").len(), 5);
    assert!(w.store.user_by_name("dave").await.expect("read").is_none());

    // A failed login, then the log, newest first and paged.
    let (status, _, _) = call(
        &w.app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "alice", "password": "not her password"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, audit, _) = call(&w.app, "GET", "/api/v1/audit?limit=2", Some(&root), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audit["items"][0]["action"], "auth.login_failed");
    assert_eq!(audit["items"][0]["target"], "user:alice");
    assert_eq!(audit["items"][1]["action"], "user.create");
    assert_eq!(audit["items"][1]["actor"], "root");
    let next = audit["next_before"].as_i64().expect("more pages");
    let (_, older, _) = call(
        &w.app,
        "GET",
        &format!("/api/v1/audit?limit=100&before={next}"),
        Some(&root),
        None,
    )
    .await;
    let actions: Vec<&str> = older["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["auth.login", "auth.login", "auth.login"]);
    assert!(older["next_before"].is_null());
    let (status, _, _) = call(&w.app, "GET", "/api/v1/audit?limit=0", Some(&root), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_private_repository_is_invisible_to_other_users_everywhere() {
    let w = world().await;
    let (shared, private) = (w.shared, w.private);
    let alice = login(&w.app, "alice").await;
    let bob = login(&w.app, "bob").await;
    let vera = login(&w.app, "vera").await;
    let root = login(&w.app, "root").await;

    for (token, sees_private) in [(&alice, true), (&root, true), (&bob, false), (&vera, false)] {
        let (status, list, _) =
            call(&w.app, "GET", "/api/v1/repositories", Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
        let expected = if sees_private {
            vec![shared, private]
        } else {
            vec![shared]
        };
        assert_eq!(ids(&list), expected);
        for suffix in [
            "",
            "/tree",
            "/insights",
            "/hotspots",
            "/coupling",
            "/contributors",
            "/activity",
        ] {
            let uri = format!("/api/v1/repositories/{private}{suffix}");
            let (status, body, _) = call(&w.app, "GET", &uri, Some(token), None).await;
            if sees_private {
                assert_eq!(status, StatusCode::OK, "{uri} {body}");
            } else {
                assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
                // Indistinguishable from a repository that does not exist.
                let missing = format!("/api/v1/repositories/999{suffix}");
                let (_, none, _) = call(&w.app, "GET", &missing, Some(token), None).await;
                assert_eq!(
                    body["message"]
                        .as_str()
                        .map(|m| m.replace(&private.to_string(), "999")),
                    none["message"].as_str().map(str::to_string),
                    "{uri}"
                );
            }
            let uri = format!("/api/v1/repositories/{shared}{suffix}");
            let (status, _, _) = call(&w.app, "GET", &uri, Some(token), None).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
        }
    }
    // The views added beside the city: invisible means 404, exactly like a missing repository.
    for suffix in [
        "/team",
        "/migrations",
        "/timeline",
        "/ownership",
        "/analyses",
    ] {
        let missing = format!("/api/v1/repositories/999{suffix}");
        let (_, none, _) = call(&w.app, "GET", &missing, Some(&bob), None).await;
        let uri = format!("/api/v1/repositories/{private}{suffix}");
        let (status, body, _) = call(&w.app, "GET", &uri, Some(&bob), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            body["message"]
                .as_str()
                .map(|m| m.replace(&private.to_string(), "999")),
            none["message"].as_str().map(str::to_string),
            "{uri}"
        );
        let (status, body, _) = call(&w.app, "GET", &uri, Some(&alice), None).await;
        let hidden = status == StatusCode::NOT_FOUND
            && body["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("no repository with id"));
        assert!(!hidden, "{uri}: the owner sees it ({status} {body})");
    }
    let (_, detail, _) = call(
        &w.app,
        "GET",
        &format!("/api/v1/repositories/{private}"),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(detail["visibility"], "private");
}

#[tokio::test]
async fn a_login_link_works_once() {
    let w = world().await;
    let root = w
        .store
        .user_by_name("root")
        .await
        .expect("read")
        .expect("root");
    let link = auth::issue_login_token(&w.store, root.id, Duration::from_secs(600))
        .await
        .expect("token");
    let exchange = |token: String| {
        let app = w.app.clone();
        async move {
            call(
                &app,
                "POST",
                "/api/v1/auth/exchange",
                None,
                Some(json!({"token": token})),
            )
            .await
        }
    };
    let (status, body, _) = exchange(link.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().expect("token");
    let (_, me, _) = call(&w.app, "GET", "/api/v1/auth/me", Some(token), None).await;
    assert_eq!(me["role"], "admin");
    let (status, body, _) = exchange(link).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a second use is refused");
    assert!(body["message"].as_str().expect("message").contains("used"));

    let expired = auth::issue_login_token(&w.store, root.id, Duration::ZERO)
        .await
        .expect("token");
    let (status, _, _) = exchange(expired).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_logins_from_one_address_are_limited_with_retry_after() {
    let w = world().await;
    let mut auth = settings(&[SECRET]);
    auth.login_burst = 2;
    auth.login_refill = Duration::from_secs(600);
    let app = router(AppState::new(w.store.clone(), Cache::memory()).with_auth(auth));
    let attempt = json!({"username": "alice", "password": "guess number n"});
    for _ in 0..2 {
        let (status, _, _) = call(
            &app,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(attempt.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body, headers) = call(
        &app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
    let retry: u64 = headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=600).contains(&retry), "{retry}");
    // Another server state (a fresh limiter) lets the right password through: the limit
    // was the only thing in the way.
    let (status, _, _) = call(
        &w.app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy)]
enum Need {
    Viewer,
    Analyst,
    Admin,
    /// The repository's owner (an analyst) or an admin.
    OwnerOrAdmin,
}

/// One row of the matrix: method, path, who may call it, the same call on another user's
/// private repository (when it names one), body.
type MatrixRow = (&'static str, String, Need, Option<String>, Option<Value>);

/// The authorization matrix: every endpoint × anonymous, viewer, analyst, admin, and another
/// user's private repository. Allowed cells must get neither 401 nor 403 (their own
/// validation may still answer 4xx); refused cells get 403, anonymous ones 401, and the
/// private repository of someone else 404 as if it did not exist. Each row starts from a
/// fresh world and the admin goes last, so destructive calls never spoil another cell.
#[tokio::test]
async fn authorization_matrix() {
    let probe = world().await;
    let analysis_of = |repo: i64| {
        let store = probe.store.clone();
        async move { store.analyses(repo).await.expect("analyses")[0].id }
    };
    let (shared_analysis, private_analysis) = (
        analysis_of(probe.shared).await,
        analysis_of(probe.private).await,
    );
    let (s, p) = (probe.shared, probe.private);
    let mut rows: Vec<MatrixRow> = vec![
        (
            "GET",
            "/api/v1/repositories".into(),
            Need::Viewer,
            None,
            None,
        ),
        (
            "POST",
            "/api/v1/repositories".into(),
            Need::Analyst,
            None,
            Some(json!({"source": "/does/not/exist", "visibility": "private"})),
        ),
        (
            "DELETE",
            format!("/api/v1/repositories/{s}"),
            Need::OwnerOrAdmin,
            Some(format!("/api/v1/repositories/{p}")),
            None,
        ),
        (
            "POST",
            format!("/api/v1/repositories/{s}/analyses"),
            Need::Analyst,
            Some(format!("/api/v1/repositories/{p}/analyses")),
            Some(json!({})),
        ),
        (
            "GET",
            format!("/api/v1/analyses/{shared_analysis}"),
            Need::Viewer,
            Some(format!("/api/v1/analyses/{private_analysis}")),
            None,
        ),
        (
            "POST",
            format!("/api/v1/analyses/{shared_analysis}/cancel"),
            Need::Analyst,
            Some(format!("/api/v1/analyses/{private_analysis}/cancel")),
            None,
        ),
        (
            "GET",
            "/api/v1/admin/dead-letters".into(),
            Need::Admin,
            None,
            None,
        ),
        ("GET", "/api/v1/auth/me".into(), Need::Viewer, None, None),
        ("GET", "/api/v1/users".into(), Need::Admin, None, None),
        (
            "POST",
            "/api/v1/users".into(),
            Need::Admin,
            None,
            Some(json!({"username": "newcomer", "password": PASSWORD, "role": "viewer"})),
        ),
        ("GET", "/api/v1/apikeys".into(), Need::Viewer, None, None),
        (
            "POST",
            "/api/v1/apikeys".into(),
            Need::Viewer,
            None,
            Some(json!({"name": "matrix"})),
        ),
        ("GET", "/api/v1/audit".into(), Need::Admin, None, None),
    ];
    for view in [
        "",
        "/tree",
        "/insights",
        "/hotspots",
        "/coupling",
        "/contributors",
        "/activity",
        "/team",
        "/migrations",
        "/timeline",
        "/ownership",
        "/analyses",
    ] {
        rows.push((
            "GET",
            format!("/api/v1/repositories/{s}{view}"),
            Need::Viewer,
            Some(format!("/api/v1/repositories/{p}{view}")),
            None,
        ));
    }
    drop(probe);

    for (method, uri, need, private_uri, body) in rows {
        let w = world().await;
        let (status, _, _) = call(&w.app, method, &uri, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {method} {uri}");
        if let Some(private_uri) = &private_uri {
            let bob = login(&w.app, "bob").await;
            let (status, body, _) =
                call(&w.app, method, private_uri, Some(&bob), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "another user's private repository: {method} {private_uri} {body}"
            );
        }
        for (user, role) in [
            ("vera", Role::Viewer),
            ("bob", Role::Analyst),
            ("root", Role::Admin),
        ] {
            let allowed = match need {
                Need::Viewer => true,
                Need::Analyst => role >= Role::Analyst,
                Need::Admin | Need::OwnerOrAdmin => role == Role::Admin,
            };
            let token = login(&w.app, user).await;
            let (status, answer, _) = call(&w.app, method, &uri, Some(&token), body.clone()).await;
            if allowed {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{user} ({role}) may {method} {uri}: {status} {answer}"
                );
                assert!(
                    !(status == StatusCode::NOT_FOUND
                        && answer["message"]
                            .as_str()
                            .is_some_and(|m| m.starts_with("no repository with id"))),
                    "{user} ({role}) sees {uri}: {answer}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{user} ({role}) may not {method} {uri}: {answer}"
                );
                assert_eq!(answer["code"], "forbidden");
            }
        }
    }
}
