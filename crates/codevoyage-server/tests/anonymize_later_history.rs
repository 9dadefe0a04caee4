//! GDPR anonymisation end to end, across a later analysis: a fixture repository is analysed
//! by the real pipeline, a contributor is anonymised through the API, she commits again
//! (under another spelling of her e-mail, as author and as co-author), the repository is
//! analysed again, and every view still shows only her pseudonym. On SQLite, and on
//! PostgreSQL when `CODEVOYAGE_TEST_DATABASE_URL` is set (in a database of its own).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_jobs::events::EventBus;
use codevoyage_jobs::pipeline::{AnalyzeRequest, analyze};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, router};
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use codevoyage_testkit::Fixture;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tower::ServiceExt;

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

async fn analyse(store: &Store, fixture: &Fixture) -> i64 {
    analyze(
        store,
        &EventBus::new(1024),
        AnalyzeRequest {
            source: fixture.path().to_path_buf(),
            name: None,
            rev: None,
            threads: 1,
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("analyze")
    .repository_id
}

async fn call(app: &axum::Router, method: &str, uri: &str, key: &str) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {key}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Commits in the fixture as `name <email>`, with pinned dates (isolated from the user's
/// git configuration, as the fixture scripts are).
fn commit_as(repo: &Path, name: &str, email: &str, date: &str, message: &str) {
    let home = tempfile::tempdir().expect("home");
    let out = Command::new("git")
        .args(["commit", "--quiet", "-m", message])
        .current_dir(repo)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.path().join(".gitconfig"))
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git commit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every view of the repository, lower-cased, after checking that it answers 200.
async fn views(app: &axum::Router, key: &str, id: i64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for view in [
        "",
        "/insights",
        "/hotspots",
        "/contributors",
        "/activity",
        "/team",
        "/summary",
        "/timeline",
        "/ownership",
        "/commits?limit=500",
        "/files/src/app/util.rs",
        "/files/src/app/erased.rs",
        "/files/README.md",
    ] {
        let uri = format!("/api/v1/repositories/{id}{view}");
        let (status, body) = call(app, "GET", &uri, key).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        out.push((uri, body.to_lowercase()));
    }
    out
}

async fn check(store: Store) {
    let fixture = codevoyage_testkit::fixture("basic");
    let id = analyse(&store, &fixture).await;
    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    let app = router(AppState::new(store.clone(), Cache::memory()));

    let carol = store
        .contributors(id)
        .await
        .expect("contributors")
        .into_iter()
        .find(|c| c.email == "carol@example.com")
        .expect("carol");
    let (status, body) = call(
        &app,
        "POST",
        &format!("/api/v1/contributors/{}/anonymize", carol.id),
        &key,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pseudonym = format!("anonymous-{}", carol.id);
    let pseudonym_email = format!("{pseudonym}@anonymized.invalid");

    // She commits again, with her e-mail in another case, and co-authors Bob's next commit.
    std::fs::write(
        fixture.path().join("src/app/erased.rs"),
        "pub fn again() -> u32 {\n    1\n}\n",
    )
    .expect("write");
    fixture.git(&["add", "-A"]);
    commit_as(
        fixture.path(),
        "Carol Chen",
        "Carol@Example.COM",
        "2021-04-01T09:00:00+0000",
        "Add erased.rs",
    );
    std::fs::write(fixture.path().join("README.md"), "# Demo\n\nAgain.\n").expect("write");
    fixture.git(&["add", "-A"]);
    commit_as(
        fixture.path(),
        "Bob Builder",
        "bob@example.com",
        "2021-04-02T09:00:00-0500",
        "Reword README\n\nCo-authored-by: Carol Chen <CAROL@example.com>",
    );
    let hers = String::from_utf8(fixture.git(&["rev-parse", "HEAD~1"])).expect("sha");
    let hers = hers.trim();
    let total: usize = String::from_utf8(fixture.git(&["rev-list", "--count", "HEAD"]))
        .expect("count")
        .trim()
        .parse()
        .expect("a number");
    assert_eq!(analyse(&store, &fixture).await, id, "the same repository");

    // Her new commit is stored under the pseudonym; so is her co-authorship.
    let (status, body) = call(
        &app,
        "GET",
        &format!("/api/v1/repositories/{id}/commits?sha={hers}"),
        &key,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(page["items"][0]["summary"], "Add erased.rs", "{page}");
    assert_eq!(page["items"][0]["author"]["name"], pseudonym.as_str());
    assert_eq!(
        page["items"][0]["author"]["email"],
        pseudonym_email.as_str()
    );
    let mut stored = Vec::new();
    store
        .for_each_commit(id, &mut |c| stored.push(c))
        .await
        .expect("history");
    assert_eq!(
        stored.len(),
        total,
        "every commit, the two new ones included"
    );
    assert!(
        stored.iter().any(|c| c.summary == "Reword README"
            && c.co_authors.iter().any(|p| p.email == pseudonym_email))
    );

    // One contributor row for her, under the pseudonym, with the new commit counted.
    let people = store.contributors(id).await.expect("contributors");
    let hers: Vec<_> = people
        .iter()
        .filter(|c| c.email == pseudonym_email)
        .collect();
    assert_eq!(hers.len(), 1, "{people:?}");
    assert_eq!(hers[0].name, pseudonym);
    assert_eq!(hers[0].commits, carol.commits + 1);

    // Nowhere in any view (the views were computed for the new analysis).
    for (uri, body) in views(&app, &key, id).await {
        assert!(
            !body.contains("carol") && !body.contains("chen"),
            "{uri} names her again: {body}"
        );
    }
}

#[tokio::test]
async fn a_later_analysis_keeps_an_anonymised_contributor_anonymous() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    check(store.clone()).await;
    store.close().await;
}

#[tokio::test]
async fn a_later_analysis_keeps_an_anonymised_contributor_anonymous_on_postgresql() {
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: PostgreSQL skipped ({PG_VAR} is not set)");
        return;
    };
    let admin = Store::connect(&admin_url).await.expect("connect");
    let name = format!("cv_anonymize_later_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(admin.pool())
            .await
            .expect("prepare the test database");
    }
    let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    let url = if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let outcome = tokio::spawn(check(store.clone())).await;
    store.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(admin.pool())
    .await
    .expect("drop the test database");
    admin.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
