//! `/commits`, `/files/{*path}` and `/contributors/{id}/anonymize` through the router, on
//! fixture repositories analysed by the real pipeline, checked against `git log`.

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
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tower::ServiceExt;

struct Setup {
    _dir: tempfile::TempDir,
    store: Store,
    app: axum::Router,
    id: i64,
    admin_id: i64,
    admin: String,
}

async fn analysed(fixture: &Fixture) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    analysed_in(store, dir, fixture).await
}

async fn analysed_in(store: Store, dir: tempfile::TempDir, fixture: &Fixture) -> Setup {
    store.migrate().await.expect("migrate");
    let summary = analyze(
        &store,
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
    .expect("analyze");
    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    let app = router(AppState::new(store.clone(), Cache::memory()));
    Setup {
        _dir: dir,
        store,
        app,
        id: summary.repository_id,
        admin_id: admin.id,
        admin: key,
    }
}

async fn call(app: &axum::Router, method: &str, uri: &str, key: &str) -> (StatusCode, Vec<u8>) {
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
    (status, bytes.to_vec())
}

async fn get_json(app: &axum::Router, uri: &str, key: &str) -> (StatusCode, Value) {
    let (status, body) = call(app, "GET", uri, key).await;
    (
        status,
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{uri}: not JSON: {}", String::from_utf8_lossy(&body))),
    )
}

/// Every commit of `/commits?{query}` by following the cursor with pages of `limit`.
async fn all_pages(s: &Setup, query: &str, limit: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut uri = format!(
            "/api/v1/repositories/{}/commits?limit={limit}&{query}",
            s.id
        );
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        let page_items = page["items"].as_array().expect("items");
        assert!(page_items.len() <= limit as usize);
        items.extend(page_items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(
                    page_items.len(),
                    limit as usize,
                    "a short page has a cursor"
                );
                cursor = Some(next.to_string());
            }
            None => return items,
        }
    }
    panic!("the cursor never ended");
}

fn shas(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|c| c["sha"].as_str().expect("sha").to_string())
        .collect()
}

/// `git log` of the fixture: sha → (author time, author e-mail, added, removed, files).
fn git_commits(fixture: &Fixture, args: &[&str]) -> BTreeMap<String, (i64, String, u64, u64, u64)> {
    let mut all = vec![
        "-c",
        "core.quotepath=off",
        "log",
        "--numstat",
        "-M",
        "--format=@%H %at %ae",
    ];
    all.extend_from_slice(args);
    let out = fixture.git(&all);
    let mut commits = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in String::from_utf8_lossy(&out).lines() {
        if let Some(head) = line.strip_prefix('@') {
            let mut parts = head.split(' ');
            let sha = parts.next().expect("sha").to_string();
            let time = parts.next().expect("time").parse().expect("int");
            let email = parts.next().expect("email").to_string();
            commits.insert(sha.clone(), (time, email, 0, 0, 0));
            current = Some(sha);
        } else if !line.is_empty() {
            let mut parts = line.splitn(3, '\t');
            let (a, r) = (parts.next().expect("added"), parts.next().expect("removed"));
            let entry = commits
                .get_mut(current.as_deref().expect("a commit first"))
                .expect("entry");
            entry.2 += a.parse::<u64>().unwrap_or(0);
            entry.3 += r.parse::<u64>().unwrap_or(0);
            entry.4 += 1;
        }
    }
    commits
}

#[tokio::test]
async fn commits_page_through_every_commit_once_newest_first_with_gits_numbers() {
    let fixture = codevoyage_testkit::fixture("basic");
    let s = analysed(&fixture).await;
    check_commits_page_through_every_commit_once_newest_first_with_gits_numbers(&fixture, &s).await;
}

async fn check_commits_page_through_every_commit_once_newest_first_with_gits_numbers(
    fixture: &Fixture,
    s: &Setup,
) {
    let git = git_commits(fixture, &[]);
    for limit in [1, 2, 3, 500] {
        let items = all_pages(s, "", limit).await;
        let got = shas(&items);
        let unique: BTreeSet<&String> = got.iter().collect();
        assert_eq!(
            unique.len(),
            got.len(),
            "a commit came twice with limit {limit}"
        );
        assert_eq!(
            unique.into_iter().cloned().collect::<BTreeSet<_>>(),
            git.keys().cloned().collect::<BTreeSet<_>>(),
            "limit {limit}"
        );
        // Newest first by time, then sha.
        let keys: Vec<(String, String)> = items
            .iter()
            .map(|c| {
                (
                    c["time"].as_str().expect("time").to_string(),
                    c["sha"].as_str().expect("sha").to_string(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(keys, sorted);
    }
    let items = all_pages(s, "", 50).await;
    assert_eq!(items.len(), git.len());
    for c in &items {
        let sha = c["sha"].as_str().expect("sha");
        let (_, _, added, removed, files) = &git[sha];
        assert_eq!(c["added"].as_u64(), Some(*added), "{sha} added");
        assert_eq!(c["removed"].as_u64(), Some(*removed), "{sha} removed");
        assert_eq!(c["files_changed"].as_u64(), Some(*files), "{sha} files");
        assert!(c["author"]["name"].is_string() && c["author"]["email"].is_string());
    }
    let merge = items
        .iter()
        .find(|c| c["parents"].as_array().is_some_and(|p| p.len() == 2))
        .expect("the fixture has a merge");
    assert_eq!(merge["summary"], "Merge branch 'feature'");
}

#[tokio::test]
async fn commit_filters_match_git_and_bad_filters_are_400() {
    let fixture = codevoyage_testkit::fixture("basic");
    let s = analysed(&fixture).await;
    check_commit_filters_match_git_and_bad_filters_are_400(&fixture, &s).await;
}

async fn check_commit_filters_match_git_and_bad_filters_are_400(fixture: &Fixture, s: &Setup) {
    let set = |items: Vec<Value>| shas(&items).into_iter().collect::<BTreeSet<_>>();
    let git_set = |args: &[&str]| {
        let out = fixture.git(args);
        String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
    };
    // A folder, a folder with a trailing slash, a file.
    for (query, path) in [
        ("path=src/app", "src/app"),
        ("path=src/app/", "src/app"),
        ("path=README.md", "README.md"),
    ] {
        assert_eq!(
            set(all_pages(s, query, 2).await),
            git_set(&[
                "log",
                "--full-history",
                "--no-merges",
                "--format=%H",
                "--",
                path
            ]),
            "{query}"
        );
    }
    // A time window: dates are whole UTC days.
    let git = git_commits(fixture, &[]);
    let (from, to) = (1_609_891_200, 1_610_236_800); // 2021-01-06, 2021-01-10 (until a day: all of it)
    let expected: BTreeSet<String> = git
        .iter()
        .filter(|(_, v)| v.0 >= from && v.0 < to)
        .map(|(k, _)| k.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        set(all_pages(s, "since=2021-01-06&until=2021-01-09", 2).await),
        expected
    );
    assert_eq!(
        set(all_pages(
            s,
            "since=2021-01-06T01:00:00%2B01:00&until=2021-01-09T23:59:59Z",
            2
        )
        .await),
        expected
    );
    // Author: a case-insensitive part of the e-mail or name.
    let bob: BTreeSet<String> = git
        .iter()
        .filter(|(_, v)| v.1 == "bob@example.com")
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(set(all_pages(s, "author=BOB%20build", 2).await), bob);
    assert_eq!(set(all_pages(s, "author=bob@example", 2).await), bob);
    assert!(all_pages(s, "author=nobody_here", 2).await.is_empty());
    // Combined.
    let combined = all_pages(s, "author=carol&path=docs", 5).await;
    assert!(!combined.is_empty());
    assert!(
        combined
            .iter()
            .all(|c| c["author"]["email"] == "carol@example.com")
    );

    // One commit by its full sha, in any case; an unknown sha is an empty page.
    let (sha, (_, email, added, removed, files)) = git.iter().next().expect("a commit");
    for query in [format!("sha={sha}"), format!("sha={}", sha.to_uppercase())] {
        let uri = format!("/api/v1/repositories/{}/commits?{query}", s.id);
        let (status, page) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        let items = page["items"].as_array().expect("items");
        assert_eq!(shas(items), vec![sha.clone()], "{query}");
        assert_eq!(items[0]["author"]["email"].as_str(), Some(email.as_str()));
        assert_eq!(items[0]["added"].as_u64(), Some(*added));
        assert_eq!(items[0]["removed"].as_u64(), Some(*removed));
        assert_eq!(items[0]["files_changed"].as_u64(), Some(*files));
        assert!(page["next_cursor"].is_null());
    }
    // It combines with the other filters.
    let at = all_pages(s, &format!("sha={sha}"), 5).await[0]["time"]
        .as_str()
        .expect("time")
        .replace('+', "%2B");
    assert_eq!(
        shas(&all_pages(s, &format!("sha={sha}&since={at}&until={at}"), 5).await),
        vec![sha.clone()]
    );
    assert!(
        all_pages(s, &format!("sha={sha}&author=nobody_here"), 5)
            .await
            .is_empty()
    );
    for absent in ["0".repeat(40), "f".repeat(64)] {
        assert!(
            all_pages(s, &format!("sha={absent}"), 5).await.is_empty(),
            "{absent}"
        );
    }

    for bad in [
        "sha=",
        "sha=abc1234",
        "sha=HEAD",
        "sha=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "since=yesterday",
        "until=2021-02-30",
        "since=2021-02-01&until=2021-01-01",
        "limit=0",
        "limit=501",
        "limit=many",
        "cursor=not-a-cursor",
        "author=",
        "path=../etc",
        "colour=red",
    ] {
        let uri = format!("/api/v1/repositories/{}/commits?{bad}", s.id);
        let (status, body) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["code"], "bad_request", "{bad}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.len() > 10),
            "{bad}"
        );
        if bad.starts_with("sha=") {
            assert!(
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("40") && m.contains("64")),
                "{bad}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn a_file_has_metrics_functions_history_owners_and_coupling() {
    let fixture = codevoyage_testkit::fixture("basic");
    let s = analysed(&fixture).await;
    check_a_file_has_metrics_functions_history_owners_and_coupling(&fixture, &s).await;
}

async fn check_a_file_has_metrics_functions_history_owners_and_coupling(
    fixture: &Fixture,
    s: &Setup,
) {
    let uri = format!("/api/v1/repositories/{}/files/src/app/main.py", s.id);
    let (status, f) = get_json(&s.app, &uri, &s.admin).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["path"], "src/app/main.py");
    assert_eq!(f["metrics"]["language"], "Python");
    let lines = &f["metrics"]["lines"];
    let on_disk = std::fs::read_to_string(fixture.path().join("src/app/main.py")).expect("read");
    assert_eq!(
        lines["code"].as_u64().expect("code")
            + lines["comment"].as_u64().expect("comment")
            + lines["blank"].as_u64().expect("blank"),
        on_disk.lines().count() as u64
    );
    let functions = f["functions"].as_array().expect("functions");
    let names: BTreeSet<&str> = functions
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    assert!(
        names.contains("main") && names.contains("helper"),
        "{names:?}"
    );
    let cc: Vec<u64> = functions
        .iter()
        .map(|x| x["cyclomatic"].as_u64().expect("cc"))
        .collect();
    assert!(cc.windows(2).all(|w| w[0] >= w[1]), "{cc:?}");
    // History: the commits git names for the path.
    let git: Vec<String> = String::from_utf8_lossy(&fixture.git(&[
        "log",
        "--full-history",
        "--no-merges",
        "--format=%H",
        "--",
        "src/app/main.py",
    ]))
    .lines()
    .map(str::to_string)
    .collect();
    assert_eq!(f["history"]["total"].as_u64(), Some(git.len() as u64));
    let history: Vec<String> = f["history"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["sha"].as_str().expect("sha").to_string())
        .collect();
    assert_eq!(history, git);
    // Owners: Alice wrote it all (her two e-mails are one person through .mailmap or two
    // rows; either way every owner is Alice and the shares add up to 1).
    let owners = f["owners"].as_array().expect("owners");
    assert!(!owners.is_empty());
    assert!(
        owners.iter().all(|o| o["name"] == "Alice Archer"),
        "{owners:?}"
    );
    let share: f64 = owners
        .iter()
        .filter_map(|o| o["lines_share"].as_f64())
        .sum();
    assert!((share - 1.0).abs() < 0.01, "{share}");
    assert!(f["coupled"].is_array());
    // Coupled files agree with /coupling.
    let (_, coupling) = get_json(
        &s.app,
        &format!("/api/v1/repositories/{}/coupling", s.id),
        &s.admin,
    )
    .await;
    let expected = coupling["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|p| p["path_a"] == "src/app/main.py" || p["path_b"] == "src/app/main.py")
        .count();
    assert_eq!(f["coupled"].as_array().map(Vec::len), Some(expected));

    // Absent paths: 404 with the path in the message.
    for missing in ["src/app/nope.py", "src/app", "web/app.js"] {
        let uri = format!("/api/v1/repositories/{}/files/{missing}", s.id);
        let (status, body) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains(missing)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn paths_with_spaces_and_non_ascii_names_work_percent_encoded() {
    let fixture = codevoyage_testkit::fixture("edge");
    let s = analysed(&fixture).await;
    check_paths_with_spaces_and_non_ascii_names_work_percent_encoded(&fixture, &s).await;
}

async fn check_paths_with_spaces_and_non_ascii_names_work_percent_encoded(
    _fixture: &Fixture,
    s: &Setup,
) {
    for (encoded, path) in [
        ("with%20space.txt", "with space.txt"),
        ("%C3%BCn%C3%AF.txt", "ünï.txt"),
    ] {
        let uri = format!("/api/v1/repositories/{}/files/{encoded}", s.id);
        let (status, f) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::OK, "{path}: {f}");
        assert_eq!(f["path"], path);
        assert_eq!(f["history"]["total"], 1, "{path}");
        assert_eq!(
            f["history"]["items"][0]["summary"],
            "Paths that need quoting"
        );
        assert_eq!(f["history"]["items"][0]["added"], 1);
        let (status, page) = get_json(
            &s.app,
            &format!("/api/v1/repositories/{}/commits?path={encoded}", s.id),
            &s.admin,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{path}");
    }
}

#[tokio::test]
async fn another_users_private_repository_is_404_and_anonymize_needs_an_admin() {
    let fixture = codevoyage_testkit::fixture("basic");
    let s = analysed(&fixture).await;
    check_another_users_private_repository_is_404_and_anonymize_needs_an_admin(&fixture, &s).await;
}

async fn check_another_users_private_repository_is_404_and_anonymize_needs_an_admin(
    fixture: &Fixture,
    s: &Setup,
) {
    s.store
        .set_repository_access(s.id, Some(s.admin_id), "private")
        .await
        .expect("private");
    let other = auth::create_user(&s.store, "vera", "another long password", Role::Analyst)
        .await
        .expect("user");
    let key = auth::create_api_key(&s.store, other.id, "tests")
        .await
        .expect("key")
        .1;
    let sha = String::from_utf8_lossy(&fixture.git(&["rev-parse", "HEAD"]))
        .trim()
        .to_string();
    for uri in [
        format!("/api/v1/repositories/{}/commits", s.id),
        format!("/api/v1/repositories/{}/commits?sha={sha}", s.id),
        format!("/api/v1/repositories/{}/files/README.md", s.id),
    ] {
        let (status, body) = get_json(&s.app, &uri, &key).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        let (status, _) = get_json(&s.app, &uri, &s.admin).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let (status, _) = call(&s.app, "GET", &uri, "").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    let contributor = s.store.contributors(s.id).await.expect("contributors")[0].id;
    let uri = format!("/api/v1/contributors/{contributor}/anonymize");
    let (status, _) = call(&s.app, "POST", &uri, &key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &s.app,
        "POST",
        "/api/v1/contributors/999999/anonymize",
        &s.admin,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &s.app,
        "POST",
        "/api/v1/contributors/abc/anonymize",
        &s.admin,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Nothing changed.
    assert!(
        s.store
            .contributors(s.id)
            .await
            .expect("contributors")
            .iter()
            .all(|c| !c.name.starts_with("anonymous-"))
    );
}

#[tokio::test]
async fn anonymize_removes_the_name_and_email_from_every_endpoint() {
    let fixture = codevoyage_testkit::fixture("basic");
    let s = analysed(&fixture).await;
    check_anonymize_removes_the_name_and_email_from_every_endpoint(&fixture, &s).await;
}

async fn check_anonymize_removes_the_name_and_email_from_every_endpoint(
    _fixture: &Fixture,
    s: &Setup,
) {
    let views = [
        "",
        "/tree",
        "/insights",
        "/hotspots",
        "/coupling",
        "/contributors",
        "/activity",
        "/team",
        "/migrations",
        "/summary",
        "/timeline",
        "/ownership",
        "/commits?limit=500",
        "/commits?limit=500&author=anonymous",
        "/files/src/app/util.rs",
        "/files/README.md",
        "/files/src/app/main.py",
    ];
    let bodies = async |s: &Setup| {
        let mut out = Vec::new();
        for view in views {
            let uri = format!("/api/v1/repositories/{}{view}", s.id);
            let (status, body) = call(&s.app, "GET", &uri, &s.admin).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            out.push((uri, String::from_utf8_lossy(&body).to_lowercase()));
        }
        out
    };
    // Carol authors commits and co-authors one; fill the caches first.
    let before = bodies(s).await;
    assert!(before.iter().any(|(_, b)| b.contains("carol")));
    let carol = s
        .store
        .contributors(s.id)
        .await
        .expect("contributors")
        .into_iter()
        .find(|c| c.email == "carol@example.com")
        .expect("carol");
    let uri = format!("/api/v1/contributors/{}/anonymize", carol.id);
    let (status, body) = call(&s.app, "POST", &uri, &s.admin).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let view: Value = serde_json::from_slice(&body).expect("json");
    let pseudonym = format!("anonymous-{}", carol.id);
    assert_eq!(view["name"], pseudonym.as_str());
    assert_eq!(
        view["email"],
        format!("{pseudonym}@anonymized.invalid").as_str()
    );
    assert_eq!(view["commits"].as_u64(), Some(carol.commits));
    assert_eq!(view["changed"], true);
    for (uri, body) in bodies(s).await {
        assert!(
            !body.contains("carol") && !body.contains("chen"),
            "{uri} still names her: {body}"
        );
    }
    let (_, page) = get_json(
        &s.app,
        &format!("/api/v1/repositories/{}/commits?author={pseudonym}", s.id),
        &s.admin,
    )
    .await;
    assert_eq!(
        page["items"].as_array().map(Vec::len),
        Some(carol.commits as usize)
    );
    // Co-authors in the store.
    let mut stored = Vec::new();
    s.store
        .for_each_commit(s.id, &mut |c| stored.push(c))
        .await
        .expect("history");
    for c in &stored {
        for who in std::iter::once(&c.author.identity)
            .chain(std::iter::once(&c.committer.identity))
            .chain(c.co_authors.iter())
        {
            assert!(!who.email.contains("carol") && !who.name.contains("Carol"));
        }
    }
    assert!(
        stored
            .iter()
            .any(|c| c.co_authors.iter().any(|p| p.name == pseudonym))
    );
    // Again: nothing changes; the audit log has both calls and never her name.
    let (status, body) = call(&s.app, "POST", &uri, &s.admin).await;
    assert_eq!(status, StatusCode::OK);
    let again: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(again["changed"], false);
    assert_eq!(again["name"], pseudonym.as_str());
    let (status, audit) = call(&s.app, "GET", "/api/v1/audit", &s.admin).await;
    assert_eq!(status, StatusCode::OK);
    let audit = String::from_utf8_lossy(&audit).to_lowercase();
    assert_eq!(audit.matches("contributor.anonymize").count(), 2, "{audit}");
    assert!(!audit.contains("carol"));
}

// ------------------------------------------------------------------ the same on PostgreSQL

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

/// Every check above, each in a database of its own, when PostgreSQL is configured: the
/// queries use only SQL both backends understand.
#[tokio::test]
async fn every_check_passes_on_postgresql() {
    let Some(url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: PostgreSQL skipped ({PG_VAR} is not set)");
        return;
    };
    for (n, (fixture_name, check)) in [
        (
            "basic",
            "commits_page_through_every_commit_once_newest_first_with_gits_numbers",
        ),
        ("basic", "commit_filters_match_git_and_bad_filters_are_400"),
        (
            "basic",
            "a_file_has_metrics_functions_history_owners_and_coupling",
        ),
        (
            "edge",
            "paths_with_spaces_and_non_ascii_names_work_percent_encoded",
        ),
        (
            "basic",
            "another_users_private_repository_is_404_and_anonymize_needs_an_admin",
        ),
        (
            "basic",
            "anonymize_removes_the_name_and_email_from_every_endpoint",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let database = format!("cv_details_{}_{n}", std::process::id());
        psql(&url, &format!("DROP DATABASE IF EXISTS {database}")).await;
        psql(&url, &format!("CREATE DATABASE {database}")).await;
        let store = Store::connect(&with_database(&url, &database))
            .await
            .expect("connect to the test database");
        let fixture = codevoyage_testkit::fixture(fixture_name);
        let s = analysed_in(
            store.clone(),
            tempfile::tempdir().expect("tempdir"),
            &fixture,
        )
        .await;
        match check {
            "commits_page_through_every_commit_once_newest_first_with_gits_numbers" => {
                check_commits_page_through_every_commit_once_newest_first_with_gits_numbers(
                    &fixture, &s,
                )
                .await
            }
            "commit_filters_match_git_and_bad_filters_are_400" => {
                check_commit_filters_match_git_and_bad_filters_are_400(&fixture, &s).await
            }
            "a_file_has_metrics_functions_history_owners_and_coupling" => {
                check_a_file_has_metrics_functions_history_owners_and_coupling(&fixture, &s).await
            }
            "paths_with_spaces_and_non_ascii_names_work_percent_encoded" => {
                check_paths_with_spaces_and_non_ascii_names_work_percent_encoded(&fixture, &s).await
            }
            "another_users_private_repository_is_404_and_anonymize_needs_an_admin" => {
                check_another_users_private_repository_is_404_and_anonymize_needs_an_admin(
                    &fixture, &s,
                )
                .await
            }
            "anonymize_removes_the_name_and_email_from_every_endpoint" => {
                check_anonymize_removes_the_name_and_email_from_every_endpoint(&fixture, &s).await
            }
            other => panic!("no check {other}"),
        }
        drop(s);
        store.close().await;
        psql(
            &url,
            &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        )
        .await;
    }
}

/// Runs one statement with `psql` (as the binary's PostgreSQL tests do).
async fn psql(url: &str, sql: &str) {
    let out = std::process::Command::new("psql")
        .arg(url)
        .args(["-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("run psql (install postgresql-client)");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
