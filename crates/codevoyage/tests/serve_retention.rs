//! `codevoyage serve --retention-days N` deletes old analyses while it runs: a data folder
//! with old analyses, a server with a one-second retention interval, and the analyses it must
//! delete gone (the latest successful one kept) once it logs that it deleted them.

use codevoyage_store::{AnalysisStatus, AnalysisUpdate, Store};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

/// An analysis of `repository` that ended with `status` `days` ago.
async fn ended(store: &Store, repository: i64, status: AnalysisStatus, days: i64) -> i64 {
    let id = store.create_analysis(repository).await.expect("create");
    let running = AnalysisUpdate {
        status: Some(AnalysisStatus::Running),
        ..Default::default()
    };
    store.update_analysis(id, &running).await.expect("running");
    match status {
        AnalysisStatus::Succeeded => store
            .finish_analysis(id, repository, Some("rev"), false)
            .await
            .expect("finish"),
        other => store
            .update_analysis(
                id,
                &AnalysisUpdate {
                    status: Some(other),
                    ..Default::default()
                },
            )
            .await
            .expect("end"),
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let at = i64::try_from(now).expect("time") - days * 86_400;
    sqlx::query("UPDATE analyses SET finished_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(store.pool())
        .await
        .expect("backdate");
    id
}

#[tokio::test]
async fn serve_deletes_analyses_older_than_the_retention() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let store = Store::open_sqlite_file(&data.join("codevoyage.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let repo = store.upsert_repository("r", "/r").await.expect("repo").id;
    let old_success = ended(&store, repo, AnalysisStatus::Succeeded, 60).await;
    let old_failure = ended(&store, repo, AnalysisStatus::Failed, 50).await;
    let latest = ended(&store, repo, AnalysisStatus::Succeeded, 45).await;
    let recent = ended(&store, repo, AnalysisStatus::Failed, 1).await;
    store.close().await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
        .args(["serve", "--listen", "127.0.0.1:0", "--retention-days", "30"])
        .arg("--data-dir")
        .arg(&data)
        .env("CODEVOYAGE_RETENTION_INTERVAL_SECS", "1")
        .env("CODEVOYAGE_WORKERS", "1")
        .env("CODEVOYAGE_LOG", "codevoyage_server=info")
        .env_remove("CODEVOYAGE_RETENTION_DAYS")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().expect("piped stderr");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut announced = false;
    let mut seen = Vec::new();
    let outcome = loop {
        match received.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                announced |= line.contains("more than 30 days ago are deleted");
                let done = line.contains("retention: deleted old analyses");
                seen.push(line);
                if done {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    outcome.unwrap_or_else(|e| panic!("no retention run logged ({e}); stderr: {seen:#?}"));
    assert!(announced, "serve says what it deletes: {seen:#?}");

    let store = Store::open_sqlite_file(&data.join("codevoyage.db"))
        .await
        .expect("reopen");
    let mut left: Vec<i64> = store
        .analyses(repo)
        .await
        .expect("analyses")
        .iter()
        .map(|a| a.id)
        .collect();
    left.sort_unstable();
    assert_eq!(left, vec![latest, recent]);
    let audit = store.audit_log(None, 10).await.expect("audit");
    let entry = audit
        .iter()
        .find(|e| e.action == "retention.delete")
        .expect("an audit entry");
    assert_eq!(entry.actor, "system");
    assert!(
        entry
            .detail
            .contains(&format!("repository {repo}: {old_success}, {old_failure}")),
        "{}",
        entry.detail
    );
    store.close().await;
}
