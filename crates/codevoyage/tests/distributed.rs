//! Scaled mode end to end: `codevoyage worker` processes on PostgreSQL and Redis, compared
//! with local mode on SQLite, including a worker killed with SIGKILL in the middle of a job.
//!
//! Needs `CODEVOYAGE_TEST_DATABASE_URL` and `CODEVOYAGE_TEST_REDIS_URL` (always set in CI);
//! without them each test prints how to run it and returns.

mod common;

use codevoyage_store::Store;
use codevoyage_testkit::{Fixture, fixture, shared_bundle};
use common::PgDatabase;
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

fn redis_url() -> Option<String> {
    let url = std::env::var("CODEVOYAGE_TEST_REDIS_URL").ok();
    if url.is_none() {
        eprintln!(
            "skipping: scaled-mode tests need CODEVOYAGE_TEST_REDIS_URL=redis://127.0.0.1:6379 and CODEVOYAGE_TEST_DATABASE_URL"
        );
    }
    url
}

/// The environment of one scaled deployment: a database, a Redis and a queue name of its own.
struct Deployment {
    pg: PgDatabase,
    redis: String,
    queue: String,
    data_dir: tempfile::TempDir,
}

impl Deployment {
    fn create(name: &str) -> Option<Deployment> {
        let redis = redis_url()?;
        let pg = PgDatabase::create()?;
        let queue = format!("cvtest-{name}-{}", std::process::id());
        Some(Deployment {
            pg,
            redis,
            queue,
            data_dir: tempfile::tempdir().expect("tempdir"),
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codevoyage"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .env("CODEVOYAGE_DATABASE_URL", &self.pg.url)
            .env("CODEVOYAGE_REDIS_URL", &self.redis)
            .env("CODEVOYAGE_QUEUE_NAME", &self.queue)
            .env("CODEVOYAGE_QUEUE_VISIBILITY_SECS", "2")
            .env("CODEVOYAGE_LOG", "info");
        cmd
    }

    fn worker(&self, name: &str) -> Child {
        self.command(&["worker", "--name", name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn worker")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run codevoyage")
    }

    async fn store(&self) -> Store {
        Store::connect(&self.pg.url)
            .await
            .expect("connect to the test database")
    }
}

/// Stops workers when a test ends, however it ends.
struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for w in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &w.id().to_string()])
                .status();
        }
        for w in &mut self.0 {
            let _ = w.wait();
        }
    }
}

/// Everything an analysis stores about a repository, in a comparable form.
#[derive(Debug, PartialEq)]
struct Snapshot {
    commits: u64,
    file_changes: u64,
    contributors: Vec<(String, String, u64, u64, u64)>,
    files: Vec<(String, u64, u64, u32)>,
}

async fn snapshot(store: &Store, repository_id: i64) -> Snapshot {
    let mut contributors: Vec<_> = store
        .contributors(repository_id)
        .await
        .expect("contributors")
        .into_iter()
        .map(|c| (c.email, c.name, c.commits, c.lines_added, c.lines_removed))
        .collect();
    contributors.sort();
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
    Snapshot {
        commits: store
            .count_rows("commits", repository_id)
            .await
            .expect("count"),
        file_changes: store
            .count_rows("file_changes", repository_id)
            .await
            .expect("count"),
        contributors,
        files,
    }
}

/// Analyses `repo` in local mode (SQLite) and returns what was stored.
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
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let store = Store::open_sqlite_file(&dir.path().join("codevoyage.db"))
        .await
        .expect("open sqlite");
    snapshot(&store, summary["repository_id"].as_i64().expect("id")).await
}

fn repository_under_test() -> Fixture {
    shared_bundle("flask").unwrap_or_else(|| fixture("basic"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_store_exactly_what_local_mode_stores() {
    let Some(dep) = Deployment::create("three") else {
        return;
    };
    let repo = repository_under_test();
    let _workers = Workers(vec![dep.worker("w1"), dep.worker("w2"), dep.worker("w3")]);
    let out = dep.run(&[
        "analyze",
        repo.path().to_str().expect("utf-8"),
        "--enqueue",
        "--wait",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "distributed analysis failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(done["status"], "succeeded");
    let distributed = snapshot(
        &dep.store().await,
        done["repository_id"].as_i64().expect("id"),
    )
    .await;
    let local = local_snapshot(repo.path()).await;
    assert!(distributed.commits > 0);
    assert_eq!(
        distributed, local,
        "PostgreSQL + Redis + 3 workers must store what local mode stores"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_analysis_is_replaced_without_duplicate_rows() {
    let Some(repo) = shared_bundle("flask") else {
        return;
    };
    let Some(dep) = Deployment::create("sigkill") else {
        return;
    };
    let store = dep.store().await;
    // Held in `Workers` so it is stopped even when an assertion below fails.
    let mut doomed = Workers(vec![dep.worker("doomed")]);
    let out = dep.run(&[
        "analyze",
        repo.path().to_str().expect("utf-8"),
        "--enqueue",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "enqueue failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let queued: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let analysis_id = queued["analysis_id"].as_i64().expect("analysis id");
    let repository_id = queued["repository_id"].as_i64().expect("repository id");

    // Wait until the doomed worker is inside a stage, then kill it without warning.
    let started = Instant::now();
    let stage = loop {
        let row = store
            .analysis(analysis_id)
            .await
            .expect("read")
            .expect("analysis row");
        if row.status == "running" && row.stage.is_some() {
            break row.stage.unwrap_or_default();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the worker never started the analysis: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let mut victim = doomed.0.pop().expect("the doomed worker");
    victim.kill().expect("SIGKILL the worker");
    victim.wait().expect("reap");
    let at_kill = store
        .analysis(analysis_id)
        .await
        .expect("read")
        .expect("row");
    assert_ne!(
        at_kill.status, "succeeded",
        "the analysis finished before the kill (stage {stage}); the test needs a slower repository"
    );

    // Two fresh workers: after the visibility timeout one of them reclaims the job.
    let _workers = Workers(vec![dep.worker("rescuer-1"), dep.worker("rescuer-2")]);
    let row = loop {
        let row = store
            .analysis(analysis_id)
            .await
            .expect("read")
            .expect("row");
        if row.status == "succeeded" {
            break row;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no worker completed the analysis: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(row.error.is_none() || row.status == "succeeded");
    let recovered = snapshot(&store, repository_id).await;
    let clean = local_snapshot(repo.path()).await;
    assert_eq!(
        recovered, clean,
        "after a SIGKILL mid-{stage}, every table holds exactly the rows of a clean run"
    );
}
