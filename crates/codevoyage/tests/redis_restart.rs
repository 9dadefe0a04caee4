//! Scaled mode with stages as jobs, on a private Redis this test can kill: history and
//! metrics run on two different workers, and a Redis restarted without persistence in the
//! middle of an analysis (stream, consumer group and queued jobs gone) neither loses the
//! analysis nor stops the API, which keeps answering from the database meanwhile.
//!
//! Needs `CODEVOYAGE_TEST_DATABASE_URL` and `/usr/bin/redis-server` (always there in CI);
//! without them each test prints why and returns.

mod common;

use codevoyage_store::Store;
use codevoyage_testkit::{Fixture, fixture, shared_bundle};
use common::PgDatabase;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REDIS_SERVER: &str = "/usr/bin/redis-server";

/// A Redis of this test's own, without persistence, on a port it keeps across restarts.
struct PrivateRedis {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl PrivateRedis {
    fn start() -> Option<PrivateRedis> {
        if !Path::new(REDIS_SERVER).exists() {
            eprintln!("skipping: {REDIS_SERVER} is not installed (apt-get install redis-server)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = PrivateRedis {
            port,
            dir: tempfile::tempdir().expect("tempdir"),
            child: None,
        };
        redis.spawn();
        Some(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server and waits until it answers PING.
    fn spawn(&mut self) {
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let mut reply = [0u8; 5];
                if s.write_all(b"PING\r\n").is_ok()
                    && s.read_exact(&mut reply).is_ok()
                    && &reply == b"+PONG"
                {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server (SIGKILL: nothing is saved, and there is no persistence anyway).
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Processes stopped when a test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for p in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &p.id().to_string()])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        for p in &mut self.0 {
            while matches!(p.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

/// One scaled deployment: its own database, the private Redis and a data folder.
struct Deployment {
    pg: PgDatabase,
    redis: PrivateRedis,
    data_dir: tempfile::TempDir,
}

impl Deployment {
    fn create() -> Option<Deployment> {
        let pg = PgDatabase::create()?;
        let redis = PrivateRedis::start()?;
        Some(Deployment {
            pg,
            redis,
            data_dir: tempfile::tempdir().expect("tempdir"),
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codevoyage"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .env("CODEVOYAGE_DATABASE_URL", &self.pg.url)
            .env("CODEVOYAGE_REDIS_URL", self.redis.url())
            .env("CODEVOYAGE_QUEUE_NAME", "cvtest")
            .env("CODEVOYAGE_QUEUE_VISIBILITY_SECS", "2")
            .env("CODEVOYAGE_LOG", "info");
        cmd
    }

    fn worker(&self, name: &str) -> Child {
        self.command(&["worker", "--name", name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn worker")
    }

    /// Registers `repo` and puts its analysis on the queue: `(repository_id, analysis_id)`.
    fn enqueue(&self, repo: &Path) -> (i64, i64) {
        let out = self
            .command(&[
                "analyze",
                repo.to_str().expect("utf-8"),
                "--enqueue",
                "--json",
            ])
            .output()
            .expect("run analyze --enqueue");
        assert!(
            out.status.success(),
            "enqueue failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let queued: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (
            queued["repository_id"].as_i64().expect("repository id"),
            queued["analysis_id"].as_i64().expect("analysis id"),
        )
    }

    async fn store(&self) -> Store {
        Store::connect(&self.pg.url)
            .await
            .expect("connect to the test database")
    }
}

/// `codevoyage serve` of the deployment, logged in as its first administrator.
struct Server {
    _process: Processes,
    addr: String,
    token: String,
}

impl Server {
    fn start(dep: &Deployment) -> Server {
        let mut child = dep
            .command(&["serve", "--listen", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let process = Processes(vec![child]);
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
                && let Some(rest) = line.split("://").nth(1)
            {
                break rest.split('/').next().expect("address").to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        let mut server = Server {
            _process: process,
            addr,
            token: String::new(),
        };
        let link = link.expect("a first-run login link");
        let body = format!("{{\"token\":\"{link}\"}}");
        let (status, session) = server.request("POST", "/api/v1/auth/exchange", Some(&body));
        assert_eq!(status, 200, "the first-run login link works: {session}");
        server.token = session["access_token"]
            .as_str()
            .expect("an access token")
            .to_string();
        server
    }

    /// One request; a server that does not answer within 20 s fails the test (a hang, not a
    /// slow answer: the cache's breaker skips a dead Redis after one short timeout).
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let auth = if self.token.is_empty() {
            String::new()
        } else {
            format!("Authorization: Bearer {}\r\n", self.token)
        };
        let body = body.unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send");
        let mut raw = Vec::new();
        if let Err(e) = stream.read_to_end(&mut raw) {
            panic!("{method} {path} did not answer: {e}");
        }
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("http response");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

/// What an analysis stored, in a comparable form.
#[derive(Debug, PartialEq)]
struct Snapshot {
    commits: u64,
    file_changes: u64,
    contributors: u64,
    files: Vec<(String, u64, u64, u32)>,
    insights: u64,
    coupling: u64,
}

async fn snapshot(store: &Store, repository_id: i64) -> Snapshot {
    let (_, files) = store
        .latest_tree(repository_id)
        .await
        .expect("tree")
        .expect("a finished analysis");
    let mut files: Vec<_> = files
        .into_iter()
        .map(|f| (f.path, f.lines.code, f.revisions, f.cyclomatic))
        .collect();
    files.sort();
    let count = |table: &'static str| async move {
        store
            .count_rows(table, repository_id)
            .await
            .expect("count rows")
    };
    Snapshot {
        commits: count("commits").await,
        file_changes: count("file_changes").await,
        contributors: count("contributors").await,
        files,
        insights: count("insights").await,
        coupling: count("coupling").await,
    }
}

/// Analyses `repo` in local mode (SQLite), for the reference rows.
async fn local_snapshot(repo: &Path) -> Snapshot {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .args([
            "analyze",
            repo.to_str().expect("utf-8"),
            "--json",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("CODEVOYAGE_DATABASE_URL")
        .env_remove("CODEVOYAGE_REDIS_URL")
        .output()
        .expect("run analyze");
    assert!(
        out.status.success(),
        "local analyze failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let store = Store::open_sqlite_file(&dir.path().join("codevoyage.db"))
        .await
        .expect("open sqlite");
    snapshot(&store, summary["repository_id"].as_i64().expect("id")).await
}

fn repository_under_test() -> Fixture {
    shared_bundle("flask").unwrap_or_else(|| fixture("many"))
}

/// Waits (bounded) until the analysis row satisfies `done`.
async fn wait_row(
    store: &Store,
    analysis_id: i64,
    within: Duration,
    what: &str,
    done: impl Fn(&codevoyage_store::AnalysisRow) -> bool,
) -> codevoyage_store::AnalysisRow {
    let deadline = Instant::now() + within;
    loop {
        let row = store
            .analysis(analysis_id)
            .await
            .expect("read")
            .expect("analysis row");
        if done(&row) {
            return row;
        }
        assert!(Instant::now() < deadline, "{what}: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_and_metrics_run_on_two_different_workers() {
    let Some(dep) = Deployment::create() else {
        return;
    };
    let repo = repository_under_test();
    let _workers = Processes(vec![dep.worker("w1"), dep.worker("w2"), dep.worker("w3")]);
    let (_, analysis_id) = dep.enqueue(repo.path());
    let store = dep.store().await;
    let row = wait_row(
        &store,
        analysis_id,
        Duration::from_secs(300),
        "the analysis did not end",
        |r| matches!(r.status.as_str(), "succeeded" | "failed" | "cancelled"),
    )
    .await;
    assert_eq!(row.status, "succeeded", "{row:?}");
    let stages = store.stage_workers(analysis_id).await.expect("stages");
    let worker = |stage: &str| {
        stages
            .iter()
            .find(|(s, _)| s == stage)
            .and_then(|(_, w)| w.clone())
            .unwrap_or_else(|| panic!("no worker recorded for {stage}: {stages:?}"))
    };
    for stage in ["fetch", "history", "metrics", "insights"] {
        assert!(
            ["w1", "w2", "w3"].contains(&worker(stage).as_str()),
            "{stages:?}"
        );
    }
    // Enqueued together, the two are taken by two idle workers: one worker runs one job at a
    // time, so the same name on both would mean they ran one after the other.
    assert_ne!(
        worker("history"),
        worker("metrics"),
        "history and metrics ran on the same worker: {stages:?}"
    );
    // The progress of the last stage stays on the row.
    assert!(row.total > 0 && row.done == row.total, "{row:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analysis_survives_a_redis_restart_and_the_api_keeps_answering() {
    let Some(repo) = shared_bundle("flask") else {
        return;
    };
    let Some(mut dep) = Deployment::create() else {
        return;
    };
    let server = Server::start(&dep);
    // One worker: while it runs history, the metrics job waits in the stream, so the restart
    // loses a queued job for sure (the sweep must bring it back).
    let _workers = Processes(vec![dep.worker("w1")]);
    let (repository_id, analysis_id) = dep.enqueue(repo.path());
    let store = dep.store().await;

    // Kill Redis once the worker is in the history stage.
    let at_kill = wait_row(
        &store,
        analysis_id,
        Duration::from_secs(120),
        "the worker never reached the history stage",
        |r| r.stage.as_deref() == Some("history"),
    )
    .await;
    dep.redis.kill();
    assert_ne!(
        at_kill.status, "succeeded",
        "the analysis ended before Redis went away; the test needs a slower repository"
    );

    // Redis is down: the API answers from the database (the cache's breaker skips Redis),
    // several times, across the workers' failed attempts.
    let down_since = Instant::now();
    let mut answered = 0;
    while down_since.elapsed() < Duration::from_secs(5) || answered < 3 {
        let (status, body) =
            server.request("GET", &format!("/api/v1/analyses/{analysis_id}"), None);
        assert_eq!(status, 200, "analysis while Redis is down: {body}");
        assert!(
            matches!(body["status"].as_str(), Some("queued" | "running")),
            "{body}"
        );
        let (status, body) = server.request("GET", "/api/v1/repositories", None);
        assert_eq!(status, 200, "repositories while Redis is down: {body}");
        let (status, body) = server.request(
            "GET",
            &format!("/api/v1/repositories/{repository_id}"),
            None,
        );
        assert_eq!(status, 200, "a repository while Redis is down: {body}");
        answered += 1;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // Redis comes back empty on the same port: no stream, no group, no queued jobs.
    dep.redis.spawn();
    let row = wait_row(
        &store,
        analysis_id,
        Duration::from_secs(300),
        "the analysis did not complete after Redis came back",
        |r| matches!(r.status.as_str(), "succeeded" | "failed" | "cancelled"),
    )
    .await;
    assert_eq!(row.status, "succeeded", "{row:?}");
    let (status, body) = server.request("GET", &format!("/api/v1/analyses/{analysis_id}"), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "succeeded", "{body}");
    assert!(
        body["progress"]["total"].as_i64().unwrap_or(0) > 0
            && body["progress"]["done"] == body["progress"]["total"],
        "the last figures of progress stay: {body}"
    );
    let recovered = snapshot(&store, repository_id).await;
    let clean = local_snapshot(repo.path()).await;
    assert_eq!(
        recovered, clean,
        "after a Redis restart, every table holds exactly the rows of a clean run"
    );
    drop(server);
}
