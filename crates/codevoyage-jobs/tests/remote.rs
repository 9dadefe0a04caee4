//! Remote repositories: cloned from a local `git daemon` (a real git:// server), fetched
//! again for a later analysis; unreachable URLs and refused addresses give clear errors.

use codevoyage_jobs::source::{FetchOptions, SourceError, SourcePolicy, clone_dir, fetch_remote};
use codevoyage_jobs::{AnalysisJob, EventBus, run_job};
use codevoyage_store::Store;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// A `git daemon` serving `base` on a free loopback port; killed on drop.
struct Daemon {
    child: Child,
    port: u16,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_daemon(base: &Path) -> Daemon {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new("git")
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            &format!("--base-path={}", base.display()),
            &base.display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("git daemon");
    // Owned at once, so it is killed and reaped on every path.
    let daemon = Daemon { child, port };
    // Ready when it accepts connections (bounded wait, not a fixed sleep).
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return daemon;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("git daemon did not start on port {port}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.com")
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

fn options(repos: &Path) -> FetchOptions {
    FetchOptions {
        repos_dir: Some(repos.to_path_buf()),
        timeout: Duration::from_secs(60),
        attempts: 2,
        backoff_base: Duration::from_millis(20),
        policy: SourcePolicy {
            allow_private_urls: true,
            allowed_roots: Vec::new(),
        },
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_then_fetches_a_git_daemon_repository() {
    let fixture = codevoyage_testkit::fixture("basic");
    let served = tempfile::tempdir().expect("tmp");
    let origin = served.path().join("origin.git");
    let status = Command::new("git")
        .args(["clone", "--bare", "--quiet"])
        .arg(fixture.path())
        .arg(&origin)
        .status()
        .expect("git clone");
    assert!(status.success());
    let daemon = start_daemon(served.path());
    let url = format!("git://127.0.0.1:{}/origin.git", daemon.port);

    let data = tempfile::tempdir().expect("tmp");
    let repos = data.path().join("repos");
    let store = Store::open_sqlite_file(&data.path().join("codevoyage.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let repository = store.upsert_repository("origin", &url).await.expect("repo");
    let first = store
        .create_analysis(repository.id)
        .await
        .expect("analysis");
    let fetch = options(&repos);
    let summary = run_job(
        &store,
        &EventBus::default(),
        &AnalysisJob {
            analysis_id: first,
            rev: None,
            threads: 1,
        },
        Arc::new(AtomicBool::new(false)),
        &fetch,
    )
    .await
    .expect("analysis of the clone");
    let expected = codevoyage_testkit::git_output(fixture.path(), &["rev-list", "--count", "HEAD"]);
    let expected: u64 = String::from_utf8_lossy(&expected)
        .trim()
        .parse()
        .expect("count");
    assert_eq!(summary.commits_total, expected);
    assert!(clone_dir(&repos, &url).join("HEAD").is_file());

    // A new commit upstream: the next analysis fetches it.
    let work = tempfile::tempdir().expect("tmp");
    let status = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(&origin)
        .arg(work.path().join("w"))
        .status()
        .expect("clone");
    assert!(status.success());
    let w = work.path().join("w");
    std::fs::write(w.join("NEW.md"), "new\n").expect("write");
    git(&w, &["add", "NEW.md"]);
    git(&w, &["commit", "--quiet", "-m", "upstream change"]);
    git(&w, &["push", "--quiet", "origin", "HEAD"]);
    let second = store
        .create_analysis(repository.id)
        .await
        .expect("analysis");
    let summary = run_job(
        &store,
        &EventBus::default(),
        &AnalysisJob {
            analysis_id: second,
            rev: None,
            threads: 1,
        },
        Arc::new(AtomicBool::new(false)),
        &fetch,
    )
    .await
    .expect("second analysis");
    assert_eq!(summary.commits_new, 1);
    assert_eq!(summary.commits_total, expected + 1);
}

#[tokio::test]
async fn an_unreachable_url_fails_after_its_retries_with_the_reason() {
    let data = tempfile::tempdir().expect("tmp");
    let err = fetch_remote(
        "http://127.0.0.1:9/x.git",
        &options(data.path()),
        &Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect_err("nothing listens on port 9");
    match &err {
        SourceError::Git {
            action, attempts, ..
        } => {
            assert_eq!((*action, *attempts), ("clone", 2));
        }
        other => panic!("unexpected error: {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("could not clone http://127.0.0.1:9/x.git after 2 attempt(s)"),
        "{message}"
    );
    // No half-made clone is left behind.
    assert!(!clone_dir(data.path(), "http://127.0.0.1:9/x.git").exists());
}

#[tokio::test]
async fn loopback_urls_are_refused_by_default_and_the_error_names_the_setting() {
    let data = tempfile::tempdir().expect("tmp");
    let strict = FetchOptions {
        repos_dir: Some(data.path().to_path_buf()),
        ..Default::default()
    };
    let err = fetch_remote(
        "http://127.0.0.1:9/x.git",
        &strict,
        &Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, SourceError::PrivateAddress { .. }), "{err:?}");
    assert!(err.to_string().contains("allow_private_urls"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_size_limit_stops_a_clone() {
    let fixture = codevoyage_testkit::fixture("many");
    let served = tempfile::tempdir().expect("tmp");
    let status = Command::new("git")
        .args(["clone", "--bare", "--quiet"])
        .arg(fixture.path())
        .arg(served.path().join("big.git"))
        .status()
        .expect("git clone");
    assert!(status.success());
    let daemon = start_daemon(served.path());
    let url = format!("git://127.0.0.1:{}/big.git", daemon.port);
    let data = tempfile::tempdir().expect("tmp");
    let tiny = FetchOptions {
        max_bytes: 4096,
        ..options(data.path())
    };
    let err = fetch_remote(&url, &tiny, &Arc::new(AtomicBool::new(false)))
        .await
        .expect_err("over the limit");
    assert!(matches!(err, SourceError::TooLarge { .. }), "{err:?}");
    assert!(!clone_dir(data.path(), &url).exists());
}
