//! End to end through the real binary: analyse scripted fixtures and a real repository,
//! compare with `git`, serve the result on an ephemeral port and read it back over HTTP.

mod common;

use codevoyage_testkit::{Fixture, fixture, shared_bundle};
use common::PgDatabase;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

fn codevoyage(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CODEVOYAGE_DATABASE_URL")
        .env_remove("CODEVOYAGE_REDIS_URL")
        .env_remove("CODEVOYAGE_CONFIG")
        .output()
        .expect("run codevoyage")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn analyze_json(data_dir: &Path, repo: &Path) -> Value {
    let out = codevoyage(
        data_dir,
        &["analyze", repo.to_str().expect("utf-8 temp path"), "--json"],
    );
    assert!(out.status.success(), "analyze failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("summary is JSON")
}

fn git_count(repo: &Fixture, args: &[&str]) -> u64 {
    let out = repo.git(args);
    String::from_utf8_lossy(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .count() as u64
}

fn assert_input_error(out: &Output, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(3),
        "exit code 3 for unusable input; stderr: {}",
        stderr(out)
    );
    let err = stderr(out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
}

#[test]
fn bad_paths_give_one_line_errors_and_exit_code_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");

    let missing = dir.path().join("does-not-exist");
    assert_input_error(
        &codevoyage(&data, &["analyze", missing.to_str().expect("utf-8")]),
        "does not exist",
    );

    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).expect("mkdir");
    assert_input_error(
        &codevoyage(&data, &["analyze", plain.to_str().expect("utf-8")]),
        "not a git repository",
    );

    let empty = fixture("empty");
    assert_input_error(
        &codevoyage(&data, &["analyze", empty.path().to_str().expect("utf-8")]),
        "no commits yet",
    );
}

#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = codevoyage(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "serve", "worker", "analyze", "log", "metrics", "export", "user", "apikey", "migrate",
    ] {
        assert!(help.contains(cmd), "--help lists {cmd}");
    }
    // Every command is available: a missing argument is a usage error, not "not available".
    let out = codevoyage(dir.path(), &["export"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
}

#[test]
fn analyze_matches_git_and_is_incremental() {
    let repo = fixture("basic");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = analyze_json(dir.path(), repo.path());
    assert_eq!(
        summary["commits_total"].as_u64(),
        Some(git_count(&repo, &["rev-list", "HEAD"]))
    );
    assert_eq!(summary["commits_new"], summary["commits_total"]);
    assert_eq!(
        summary["files"].as_u64(),
        Some(git_count(&repo, &["ls-tree", "-r", "--name-only", "HEAD"]))
    );
    assert_eq!(
        summary["contributors"], 3,
        "alice's two addresses are merged by .mailmap"
    );
    let head = String::from_utf8(repo.git(&["rev-parse", "HEAD"])).expect("utf-8");
    assert_eq!(summary["revision"], head.trim());
    let languages: Vec<&str> = summary["languages"]
        .as_array()
        .expect("languages")
        .iter()
        .filter_map(|l| l["language"].as_str())
        .collect();
    for lang in ["Python", "JavaScript", "Rust"] {
        assert!(languages.contains(&lang), "{lang} in {languages:?}");
    }

    let again = analyze_json(dir.path(), repo.path());
    assert_eq!(again["commits_new"], 0, "nothing new to walk");
    assert_eq!(again["commits_total"], summary["commits_total"]);
    assert_eq!(again["repository_id"], summary["repository_id"]);
}

/// A running `codevoyage serve`, stopped with SIGTERM on drop. On a first start it logs in
/// with the one-time link the server prints, and sends that session's token on every request.
struct Server {
    child: Child,
    addr: String,
    token: Option<String>,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut link = None;
        let addr = loop {
            let line = lines
                .next()
                .expect("serve exited before listening")
                .expect("read stderr");
            if let Some(token) = line.split("/login#token=").nth(1) {
                link = Some(token.trim().to_string());
            }
            if line.starts_with("CodeVoyage is serving")
                && let Some(rest) = line.split("http://").nth(1)
            {
                break rest.split('/').next().expect("address").to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let mut server = Server {
            child,
            addr,
            token: None,
        };
        if let Some(link) = link {
            let body = format!("{{\"token\":\"{link}\"}}");
            let (status, session) = server.request("POST", "/api/v1/auth/exchange", Some(&body));
            assert_eq!(status, 200, "the first-run login link works: {session}");
            server.token = session["access_token"].as_str().map(str::to_string);
        }
        server
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.request("GET", path, None)
    }

    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        let auth = self
            .token
            .as_ref()
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let body = body.unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read");
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("http response");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("transfer-encoding: chunked"),
            "plain body expected"
        );
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("wait")
    }
}

fn files_of(node: &Value, out: &mut Vec<String>) {
    match node["kind"].as_str() {
        Some("file") => out.push(node["path"].as_str().expect("path").to_string()),
        _ => {
            for child in node["children"].as_array().expect("children") {
                files_of(child, out);
            }
        }
    }
}

#[test]
fn serve_returns_the_analysed_tree_over_http_and_stops_gracefully() {
    let repo = fixture("basic");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = analyze_json(dir.path(), repo.path());
    let id = summary["repository_id"].as_i64().expect("id");

    let server = Server::start(dir.path());
    let (status, health) = server.get("/healthz");
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));

    let (status, list) = server.get("/api/v1/repositories");
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(list["items"][0]["total_commits"], summary["commits_total"]);

    let (status, tree) = server.get(&format!("/api/v1/repositories/{id}/tree"));
    assert_eq!(status, 200);
    let mut served = Vec::new();
    files_of(&tree["root"], &mut served);
    served.sort();
    let listed = repo.git(&[
        "-c",
        "core.quotePath=false",
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        "HEAD",
    ]);
    let mut expected: Vec<String> = listed
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    expected.sort();
    assert_eq!(served, expected);
    assert!(
        served.iter().any(|p| p.contains('\u{fffd}')),
        "the Latin-1 file name is shown lossily"
    );

    let (status, contributors) = server.get(&format!("/api/v1/repositories/{id}/contributors"));
    assert_eq!(status, 200);
    let people = contributors["items"].as_array().expect("items");
    assert_eq!(people.len(), 3, "mailmap-merged: alice, bob, carol");
    let commits: u64 = people.iter().filter_map(|p| p["commits"].as_u64()).sum();
    assert_eq!(
        commits,
        summary["commits_total"].as_u64().expect("total"),
        "every commit, merges included, has one author"
    );

    let (status, hotspots) = server.get(&format!("/api/v1/repositories/{id}/hotspots?limit=2"));
    assert_eq!(status, 200);
    let top = &hotspots["items"][0];
    assert_eq!(
        top["path"], "src/app/main.py",
        "the most changed complex file"
    );
    assert_eq!(
        top["score"].as_u64(),
        Some(
            top["revisions"].as_u64().expect("revisions")
                * top["complexity"].as_u64().expect("complexity")
        )
    );
    assert!(
        hotspots["formula"]
            .as_str()
            .expect("formula")
            .contains("revisions")
    );

    let (status, activity) = server.get(&format!("/api/v1/repositories/{id}/activity"));
    assert_eq!(status, 200);
    let months: Vec<&str> = activity["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["month"].as_str())
        .collect();
    assert_eq!(months, ["2021-01", "2021-02", "2021-03"]);

    for view in ["insights", "coupling"] {
        let (status, body) = server.get(&format!("/api/v1/repositories/{id}/{view}"));
        assert_eq!(status, 200, "{view}");
        assert!(body["items"].is_array(), "{view}: {body}");
    }
    let (status, err) = server.get(&format!("/api/v1/repositories/{id}/hotspots?limit=0"));
    assert_eq!((status, err["code"].as_str()), (400, Some("bad_request")));

    let (status, err) = server.get("/api/v1/repositories/4242/tree");
    assert_eq!(status, 404);
    assert_eq!(err["code"], "not_found");

    let exit = server.stop();
    assert!(
        exit.success(),
        "graceful shutdown on SIGTERM exits 0, got {exit:?}"
    );
}

#[test]
fn first_serve_creates_an_admin_with_a_one_time_link_and_never_opens_anonymous_access() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path());
    let (status, me) = server.get("/api/v1/auth/me");
    assert_eq!((status, me["username"].as_str()), (200, Some("admin")));
    assert_eq!(me["role"], "admin");
    let anonymous = Server {
        child: Command::new("true").spawn().expect("placeholder child"),
        addr: server.addr.clone(),
        token: None,
    };
    let (status, err) = anonymous.get("/api/v1/repositories");
    assert_eq!((status, err["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = anonymous.get("/healthz");
    assert_eq!(status, 200);
    assert!(server.stop().success());

    // The JWT secret was generated once, for the owner's eyes only, and is reused.
    let secret = dir.path().join("jwt_secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret)
            .expect("jwt_secret")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read_to_string(&secret).expect("read");
    // A second start has a user already: no new admin, no link.
    let again = Server::start(dir.path());
    assert!(again.token.is_none(), "no link on the second start");
    // A served request also means the shutdown handler is installed before SIGTERM.
    assert_eq!(again.get("/healthz").0, 200);
    assert!(again.stop().success());
    assert_eq!(std::fs::read_to_string(&secret).expect("read"), before);
}

fn codevoyage_stdin(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CODEVOYAGE_DATABASE_URL")
        .env_remove("CODEVOYAGE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run codevoyage");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn users_and_api_keys_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let out = codevoyage_stdin(
        data,
        &["user", "add", "alice", "--role", "analyst"],
        "a long enough password\nignored second line\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = codevoyage_stdin(
        data,
        &["user", "add", "alice", "--role", "viewer"],
        "another long password\n",
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a taken name is the caller's mistake"
    );
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = codevoyage_stdin(data, &["user", "add", "bob", "--role", "viewer"], "short\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("at least 10"), "{}", stderr(&out));
    let out = codevoyage_stdin(data, &["user", "add", "bob", "--role", "viewer"], "");
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("first line"), "{}", stderr(&out));
    let out = codevoyage(data, &["user", "add", "bob", "--role", "root"]);
    assert_eq!(out.status.code(), Some(2), "clap rejects an unknown role");

    let out = codevoyage(data, &["user", "list", "--json"]);
    assert!(out.status.success());
    let users: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["username"], "alice");
    assert_eq!(users[0]["role"], "analyst");
    assert!(users[0].get("password_hash").is_none());

    let out = codevoyage(
        data,
        &["apikey", "create", "--user", "alice", "--name", "ci"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(key.starts_with("cvk_") && key.len() > 40, "{key}");
    let out = codevoyage(
        data,
        &["apikey", "create", "--user", "nobody", "--name", "ci"],
    );
    assert_eq!(out.status.code(), Some(3));

    // The key works against a server on the same data, until it is revoked.
    let mut server = Server::start(data);
    assert!(server.token.is_none(), "users exist: no first-run link");
    server.token = Some(key.clone());
    let (status, me) = server.get("/api/v1/auth/me");
    assert_eq!((status, me["username"].as_str()), (200, Some("alice")));
    let out = codevoyage(data, &["apikey", "list", "--json"]);
    let listed: Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).expect("JSON");
    assert!(key.starts_with(listed["prefix"].as_str().expect("prefix")));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(&key),
        "the key is never listed"
    );
    let id = listed["id"].as_i64().expect("id").to_string();
    let out = codevoyage(data, &["apikey", "revoke", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (status, _) = server.get("/api/v1/auth/me");
    assert_eq!(status, 401, "a revoked key stops working at once");

    // A one-time link from the command line logs alice in once.
    let out = codevoyage(data, &["user", "link", "alice"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let token = link.split("#token=").nth(1).expect("token in the fragment");
    let body = format!("{{\"token\":\"{token}\"}}");
    let (status, _) = server.request("POST", "/api/v1/auth/exchange", Some(&body));
    assert_eq!(status, 200);
    let (status, _) = server.request("POST", "/api/v1/auth/exchange", Some(&body));
    assert_eq!(status, 401);
    assert!(server.stop().success());

    let out = codevoyage(data, &["audit-is-not-a-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn analyses_the_flask_repository_like_git_counts_it() {
    let Some(repo) = shared_bundle("flask") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = analyze_json(dir.path(), repo.path());
    assert_eq!(
        summary["commits_total"].as_u64(),
        Some(git_count(&repo, &["rev-list", "HEAD"]))
    );
    assert_eq!(
        summary["files"].as_u64(),
        Some(git_count(&repo, &["ls-tree", "-r", "--name-only", "HEAD"]))
    );
    assert_eq!(summary["languages"][0]["language"], "Python");
    assert!(summary["contributors"].as_u64().expect("contributors") > 100);
    assert!(!summary["hotspots"].as_array().expect("hotspots").is_empty());
}

#[test]
fn analysis_on_postgresql_equals_analysis_on_sqlite() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let repo = fixture("basic");
    let dir = tempfile::tempdir().expect("tempdir");
    let on_sqlite = analyze_json(&dir.path().join("sqlite"), repo.path());
    let out = codevoyage(
        &dir.path().join("pg"),
        &[
            "analyze",
            repo.path().to_str().expect("utf-8"),
            "--json",
            "--database-url",
            &pg.url,
        ],
    );
    assert!(
        out.status.success(),
        "analyze on PostgreSQL failed: {}",
        stderr(&out)
    );
    let on_pg: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for key in [
        "commits_total",
        "commits_new",
        "contributors",
        "files",
        "languages",
        "hotspots",
        "revision",
    ] {
        assert_eq!(
            on_pg[key], on_sqlite[key],
            "{key} differs between PostgreSQL and SQLite"
        );
    }
}
