//! `/timeline` and `/ownership` through the router, on fixture repositories analysed by the
//! real pipeline, checked against `git log --numstat --summary -M` (renames followed) and the files of
//! HEAD.

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
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tower::ServiceExt;

/// A fixture analysed by the real pipeline, the router over it, the repository id and an
/// admin's API key (every read endpoint needs a login).
async fn analysed(fixture: &Fixture) -> (tempfile::TempDir, axum::Router, i64, String) {
    analysed_at(fixture.path()).await
}

async fn analysed_at(source: &std::path::Path) -> (tempfile::TempDir, axum::Router, i64, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let summary = analyze(
        &store,
        &EventBus::new(1024),
        AnalyzeRequest {
            source: source.to_path_buf(),
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
    let app = router(AppState::new(store, Cache::memory()));
    (dir, app, summary.repository_id, key)
}

async fn get(app: &axum::Router, uri: &str, key: &str) -> (StatusCode, Vec<u8>) {
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
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    (status, bytes.to_vec())
}

/// One commit of `git log --numstat --summary`: committer time and per path (added, removed,
/// created, deleted, rename source).
struct GitCommit {
    time: i64,
    changes: Vec<(String, i64, i64, bool, bool, Option<String>)>,
}

/// `dir/{a.js => b.js}` or `a.js => b.js` to `(old, new)`; other paths to `(None, path)`.
fn split_rename(p: &str) -> (Option<String>, String) {
    if let (Some(open), Some(close)) = (p.find('{'), p.find('}'))
        && let Some((a, b)) = p[open + 1..close].split_once(" => ")
    {
        let (head, tail) = (&p[..open], &p[close + 1..]);
        let join = |m: &str| format!("{head}{m}{tail}").replace("//", "/");
        return (Some(join(a)), join(b));
    }
    match p.split_once(" => ") {
        Some((a, b)) => (Some(a.to_string()), b.to_string()),
        None => (None, p.to_string()),
    }
}

fn git_log(fixture: &Fixture) -> Vec<GitCommit> {
    let out = fixture.git(&[
        "-c",
        "core.quotepath=off",
        "log",
        "--numstat",
        "--summary",
        "-M",
        "--format=@%ct",
    ]);
    let text = String::from_utf8_lossy(&out);
    let mut commits: Vec<GitCommit> = Vec::new();
    let mut created: Vec<(usize, String, bool)> = Vec::new();
    for line in text.lines() {
        if let Some(t) = line.strip_prefix('@') {
            commits.push(GitCommit {
                time: t.parse().expect("time"),
                changes: Vec::new(),
            });
        } else if let Some(rest) = line
            .strip_prefix(" create mode ")
            .or_else(|| line.strip_prefix(" delete mode "))
        {
            let path = rest.split_once(' ').expect("mode and path").1.to_string();
            created.push((commits.len() - 1, path, line.starts_with(" create")));
        } else if !line.is_empty() && !line.starts_with(' ') {
            let mut parts = line.splitn(3, '\t');
            let (a, r, p) = (
                parts.next().expect("added"),
                parts.next().expect("removed"),
                parts.next().expect("path"),
            );
            let commit = commits.last_mut().expect("a commit header first");
            let (old, new) = split_rename(p);
            commit.changes.push((
                new,
                a.parse().unwrap_or(0),
                r.parse().unwrap_or(0),
                false,
                false,
                old,
            ));
        }
    }
    for (i, path, create) in created {
        let change = commits[i]
            .changes
            .iter_mut()
            .find(|c| c.0 == path)
            .expect("a numstat line for every created or deleted file");
        if create {
            change.3 = true;
        } else {
            change.4 = true;
        }
    }
    // Oldest first by committer time; `git log` lists newest first, so reverse before the
    // stable sort keeps equal times in ancestry order.
    commits.reverse();
    commits.sort_by_key(|c| c.time);
    commits
}

fn utc_date(t: i64) -> String {
    let (y, m, d) = codevoyage_model::time::civil_from_days(t.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The sparse series `git log` implies, given the timeline's period starts.
fn expected_series(commits: &[GitCommit], starts: &[String]) -> BTreeMap<String, Vec<i64>> {
    let period_of = |t: i64| {
        let day = utc_date(t);
        starts
            .iter()
            .rposition(|s| *s <= day)
            .expect("a period for every commit") as i64
    };
    let mut lines: HashMap<String, (i64, bool)> = HashMap::new();
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut i = 0;
    while i < commits.len() {
        let p = period_of(commits[i].time);
        let mut touched: BTreeMap<String, i64> = BTreeMap::new();
        while i < commits.len() && period_of(commits[i].time) == p {
            for (path, a, r, created, deleted, old) in &commits[i].changes {
                let carried = old.as_ref().map(|o| {
                    *touched.entry(o.clone()).or_insert(0) += 1;
                    lines
                        .insert(o.clone(), (0, false))
                        .map_or(0, |(l, alive)| if alive { l } else { 0 })
                });
                let e = lines.entry(path.clone()).or_insert((0, false));
                if *deleted {
                    *e = (0, false);
                } else {
                    let before = carried.unwrap_or(if *created && !e.1 { 0 } else { e.0 });
                    *e = (before + a - r, true);
                }
                *touched.entry(path.clone()).or_insert(0) += 1;
            }
            i += 1;
        }
        for (path, n) in touched {
            let (l, exists) = lines[&path];
            out.entry(path)
                .or_default()
                .extend([p, if exists { l } else { -1 }, n]);
        }
    }
    out
}

fn check_timeline(fixture: &Fixture, body: &Value) {
    let commits = git_log(fixture);
    let periods = body["periods"].as_array().expect("periods");
    let starts: Vec<String> = periods
        .iter()
        .map(|p| p["start"].as_str().expect("start").to_string())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    let total: u64 = periods
        .iter()
        .map(|p| p["commits"].as_u64().expect("n"))
        .sum();
    assert_eq!(total as usize, commits.len(), "every commit in one period");
    if body["unit"] == "day" {
        assert_eq!(
            starts.first(),
            commits.first().map(|c| utc_date(c.time)).as_ref()
        );
    }
    let added: i64 = commits.iter().flat_map(|c| &c.changes).map(|c| c.1).sum();
    let sum_added: u64 = periods
        .iter()
        .map(|p| p["added"].as_u64().expect("n"))
        .sum();
    assert_eq!(sum_added as i64, added);

    let expected = expected_series(&commits, &starts);
    let actual: BTreeMap<String, Vec<i64>> = body["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["series"]
                    .as_array()
                    .expect("series")
                    .iter()
                    .map(|v| v.as_i64().expect("integer"))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(actual, expected);

    // At the end, the files that exist are HEAD's, each with HEAD's line count.
    let head_files = fixture.git(&[
        "-c",
        "core.quotepath=off",
        "ls-tree",
        "-r",
        "--name-only",
        "HEAD",
    ]);
    let head_files = String::from_utf8_lossy(&head_files);
    let mut alive: Vec<&str> = actual
        .iter()
        .filter(|(_, s)| s.chunks(3).last().is_some_and(|t| t[1] >= 0))
        .map(|(p, _)| p.as_str())
        .collect();
    alive.sort_unstable();
    let mut head: Vec<&str> = head_files.lines().collect();
    head.sort_unstable();
    assert_eq!(alive, head);
    for path in head {
        let Some(bytes) = std::fs::read(fixture.path().join(path)).ok() else {
            continue; // a name that is not valid UTF-8 on disk
        };
        let numstat = fixture.git(&[
            "diff",
            "--numstat",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "HEAD",
            "--",
            path,
        ]);
        let numstat = String::from_utf8_lossy(&numstat);
        let lines: i64 = numstat
            .split('\t')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let last = actual[path].chunks(3).last().expect("a series")[1];
        assert_eq!(last, lines, "{path} ({} bytes)", bytes.len());
    }
}

#[tokio::test]
async fn timeline_matches_git_log_numstat_on_the_basic_fixture() {
    let fixture = codevoyage_testkit::fixture("basic");
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["unit"], "day");
    assert_eq!(body["time"], "committer");
    check_timeline(&fixture, &body);
    // The deleted logo: created, then gone.
    let logo = body["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == "docs/logo.png")
        .expect("the deleted logo stays in the timeline");
    let s: Vec<i64> = serde_json::from_value(logo["series"].clone()).expect("series");
    assert_eq!(s.len(), 6);
    assert_eq!((s[1], s[4]), (0, -1));
    // Cached: the second answer is the same bytes.
    let (_, again) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(again, bytes);
}

#[tokio::test]
async fn timeline_matches_git_log_numstat_over_many_commits() {
    let fixture = codevoyage_testkit::fixture("many");
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    check_timeline(&fixture, &body);
}

#[tokio::test]
async fn ownership_names_the_experts_of_live_files() {
    let fixture = codevoyage_testkit::fixture("basic");
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/ownership"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    let people = body["people"].as_array().expect("people");
    let files = body["files"].as_array().expect("files");
    let expert_of = |path: &str| -> Vec<String> {
        files
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| {
                f["authors"]
                    .as_array()
                    .expect("authors")
                    .iter()
                    .map(|a| {
                        people[a[0].as_u64().expect("index") as usize]["email"]
                            .as_str()
                            .expect("email")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // main.py was created and grown by Alice (two e-mails merged by .mailmap).
    assert_eq!(expert_of("src/app/main.py"), ["alice@example.com"]);
    assert_eq!(expert_of("src/app/util.rs"), ["carol@example.com"]);
    // The deleted logo is not alive, so it has no entry.
    assert!(files.iter().all(|f| f["path"] != "docs/logo.png"));
}

#[tokio::test]
async fn unknown_repositories_are_404() {
    let fixture = codevoyage_testkit::fixture("basic");
    let (_dir, app, _, key) = analysed(&fixture).await;
    for uri in [
        "/api/v1/repositories/99/timeline",
        "/api/v1/repositories/99/ownership",
    ] {
        let (status, bytes) = get(&app, uri, &key).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let body: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(body["code"], "not_found");
    }
    let (status, _) = get(&app, "/api/v1/repositories/x/timeline", &key).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/api/v1/repositories/1/timeline", "not-a-key").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// `git for-each-ref` on the tags merged into HEAD that name commits: (name, commit, committer
/// time of the commit), oldest first, then by name.
fn git_tags(fixture: &Fixture) -> Vec<(String, String, i64)> {
    let text = |args: &[&str]| {
        String::from_utf8(codevoyage_testkit::git_output(fixture.path(), args)).expect("utf8")
    };
    let mut tags: Vec<(String, String, i64)> = text(&[
        "for-each-ref",
        "refs/tags",
        "--merged",
        "HEAD",
        "--format=%(refname:short) %(objecttype) %(*objecttype)",
    ])
    .lines()
    .filter(|l| l.split_whitespace().skip(1).any(|k| k == "commit"))
    .map(|l| {
        let name = l.split_whitespace().next().expect("name").to_string();
        let sha = text(&["rev-parse", &format!("refs/tags/{name}^{{commit}}")])
            .trim()
            .to_string();
        let time = text(&["log", "-1", "--format=%ct", &sha])
            .trim()
            .parse()
            .expect("time");
        (name, sha, time)
    })
    .collect();
    tags.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
    tags
}

fn body_tags(body: &Value) -> Vec<(String, String, i64)> {
    body["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().expect("name").to_string(),
                t["sha"].as_str().expect("sha").to_string(),
                t["time"].as_i64().expect("time"),
            )
        })
        .collect()
}

#[tokio::test]
async fn timeline_tags_are_the_tags_of_the_analysed_history() {
    let fixture = codevoyage_testkit::fixture("tags");
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    let expected = git_tags(&fixture);
    let names: Vec<&str> = expected.iter().map(|t| t.0.as_str()).collect();
    // Lightweight and annotated (also a tag of a tag); not the tree tag nor the unmerged one.
    assert_eq!(names, ["v0.1", "v1.0", "v1.0-final", "latest"]);
    assert_eq!(body_tags(&body), expected);
    check_timeline(&fixture, &body);
}

#[tokio::test]
async fn tags_are_replaced_by_each_analysis() {
    let fixture = codevoyage_testkit::fixture("tags");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let bus = EventBus::new(1024);
    let run = || {
        analyze(
            &store,
            &bus,
            AnalyzeRequest {
                source: fixture.path().to_path_buf(),
                name: None,
                rev: None,
                threads: 1,
            },
            Arc::new(AtomicBool::new(false)),
        )
    };
    let id = run().await.expect("analyze").repository_id;
    let names = |tags: Vec<codevoyage_store::TagRow>| -> Vec<String> {
        tags.into_iter().map(|t| t.name).collect()
    };
    let first = names(store.tags(id).await.expect("tags"));
    assert_eq!(first, ["v0.1", "v1.0", "v1.0-final", "latest"]);
    // The same analysis again stores the same tags once.
    run().await.expect("analyze again");
    assert_eq!(names(store.tags(id).await.expect("tags")), first);
    // A deleted tag disappears, a new one appears, with no new commit.
    fixture.git(&["tag", "-d", "latest"]);
    fixture.git(&["tag", "v0.2", "HEAD~2"]);
    run().await.expect("analyze after retagging");
    let mut now = names(store.tags(id).await.expect("tags"));
    now.sort();
    assert_eq!(now, ["v0.1", "v0.2", "v1.0", "v1.0-final"]);
}

#[tokio::test]
async fn a_history_without_tags_has_an_empty_tag_list() {
    let fixture = codevoyage_testkit::fixture("basic");
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (_, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["tags"], serde_json::json!([]));
}

/// Runs git in `repo` with pinned identities and dates and no user configuration.
fn git_in(repo: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = git_run(repo, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn git_run(repo: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ann")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Ann")
        .env("GIT_COMMITTER_EMAIL", "ann@example.com")
        .env("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z")
        .env("TZ", "UTC")
        .output()
        .expect("run git")
}

/// The paths alive at the timeline's end.
fn alive_at_end(body: &Value) -> Vec<String> {
    let mut alive: Vec<String> = body["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| {
            f["series"]
                .as_array()
                .expect("series")
                .chunks(3)
                .last()
                .is_some_and(|t| t[1].as_i64().expect("lines") >= 0)
        })
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect();
    alive.sort_unstable();
    alive
}

fn head_files(repo: &std::path::Path) -> Vec<String> {
    let out = git_in(
        repo,
        &[
            "-c",
            "core.quotepath=off",
            "ls-tree",
            "-r",
            "--name-only",
            "HEAD",
        ],
    );
    let mut files: Vec<String> = String::from_utf8_lossy(&out)
        .lines()
        .map(str::to_string)
        .collect();
    files.sort_unstable();
    files
}

#[tokio::test]
async fn files_deleted_or_added_only_by_merges_follow_the_analysed_tree() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(repo.join(name), text).expect("write");
    git_in(&repo, &["init", "-q", "-b", "main"]);
    write("keep.txt", "a\nb\n");
    write("gone.txt", "x\ny\nz\n");
    write("both.txt", "base\n");
    write("dropped.txt", "d\n");
    write("kept.txt", "k\n");
    git_in(&repo, &["add", "."]);
    git_in(&repo, &["commit", "-q", "-m", "start"]);
    // A side branch deletes gone.txt and edits both.txt; main edits gone.txt and both.txt.
    git_in(&repo, &["checkout", "-q", "-b", "side"]);
    git_in(&repo, &["rm", "-q", "gone.txt", "kept.txt"]);
    write("both.txt", "side\n");
    git_in(&repo, &["commit", "-q", "-am", "side deletes gone.txt"]);
    git_in(&repo, &["checkout", "-q", "main"]);
    write("gone.txt", "x\ny\nz\nw\n");
    write("both.txt", "main\n");
    git_in(&repo, &["commit", "-q", "-am", "main edits"]);
    // The merge conflicts (modify/delete and content); the resolution deletes gone.txt (as the
    // side branch did) and dropped.txt (which no branch deleted), keeps kept.txt (which the
    // side branch deleted), takes main's both.txt and adds resolved.txt, which no other
    // commit has.
    let merge = git_run(&repo, &["merge", "-q", "--no-edit", "side"]);
    assert!(
        !merge.status.success() && repo.join(".git/MERGE_HEAD").exists(),
        "the merge must stop on its conflicts: {}",
        String::from_utf8_lossy(&merge.stderr)
    );
    git_in(&repo, &["rm", "-q", "gone.txt", "dropped.txt"]);
    write("both.txt", "main\n");
    write("kept.txt", "k\n");
    write("resolved.txt", "r1\nr2\n");
    git_in(&repo, &["add", "both.txt", "kept.txt", "resolved.txt"]);
    git_in(&repo, &["commit", "-q", "-m", "merge side"]);
    assert_eq!(
        git_in(&repo, &["rev-list", "--count", "--merges", "HEAD"]),
        b"1\n"
    );
    let head = head_files(&repo);
    assert_eq!(head, ["both.txt", "keep.txt", "kept.txt", "resolved.txt"]);
    let log = String::from_utf8_lossy(&git_in(&repo, &["log", "--numstat", "--format=commit %H"]))
        .to_string();
    assert!(
        !log.contains("resolved.txt"),
        "git log lists no merge changes"
    );

    let (_dir, app, id, key) = analysed_at(&repo).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(alive_at_end(&body), head);
    let resolved = body["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == "resolved.txt")
        .expect("resolved.txt in the timeline");
    let s: Vec<i64> = serde_json::from_value(resolved["series"].clone()).expect("series");
    // Added with its analysed line count, not counted as a commit's change.
    assert_eq!(s[s.len() - 2..], [2, 0]);
}

#[tokio::test]
async fn flask_timeline_ends_with_the_analysed_tree() {
    let Some(fixture) = codevoyage_testkit::shared_bundle("flask") else {
        return;
    };
    let (_dir, app, id, key) = analysed(&fixture).await;
    let (status, bytes) = get(&app, &format!("/api/v1/repositories/{id}/timeline"), &key).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(alive_at_end(&body), head_files(fixture.path()));
}
