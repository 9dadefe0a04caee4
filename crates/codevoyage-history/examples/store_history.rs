//! The pipeline's history stage on its own, for benchmarks: walk a repository's history and
//! stream it into a store (a SQLite file, or a PostgreSQL database given by URL) in batches of
//! 2,000 commits, the way
//! `codevoyage_jobs::pipeline` does (the walk on a blocking thread, a bounded channel of four
//! batches, `Store::insert_commits` on the async side), so time and peak memory can be measured
//! for the history stage alone.
//!
//! ```text
//! cargo run --release -p codevoyage-history --example store_history -- REPO DB.sqlite [--no-renames]
//! cargo run --release -p codevoyage-history --example store_history -- REPO postgres://… [--no-renames]
//! ```
//! A PostgreSQL database should be fresh (empty or already migrated, with no `bench` rows).
//! Prints progress (with the walk's total and an ETA) to standard error every five seconds and a
//! summary line at the end.

use codevoyage_history::WalkOptions;
use codevoyage_model::{Commit, Progress};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const BATCH: usize = 2_000;

/// Prints done/total, rate and ETA at most every five seconds.
struct Printer {
    total: AtomicU64,
    done: AtomicU64,
    started: Instant,
    last: std::sync::Mutex<Instant>,
}

impl Progress for Printer {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        eprintln!(
            "total known after {:.2} s: {total} commits",
            self.started.elapsed().as_secs_f64()
        );
    }
    fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.elapsed() < Duration::from_secs(5) {
            return;
        }
        *last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64();
        let rate = done as f64 / secs.max(1e-9);
        let total = self.total.load(Ordering::Relaxed);
        let eta = if total > done && rate > 0.0 {
            format!("{:.0} s", (total - done) as f64 / rate)
        } else {
            "?".into()
        };
        eprintln!("{done}/{total} commits, {rate:.0}/s, ETA {eta}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(repo), Some(db)) = (args.first(), args.get(1)) else {
        return Err("usage: store_history REPO DB.sqlite|postgres://… [--no-renames]".into());
    };
    let renames = !args.iter().any(|a| a == "--no-renames");
    let started = Instant::now();
    let store = if db.starts_with("postgres:") || db.starts_with("postgresql:") {
        codevoyage_store::Store::connect(db).await?
    } else {
        codevoyage_store::Store::open_sqlite_file(&PathBuf::from(db)).await?
    };
    store.migrate().await?;
    let row = store.upsert_repository("bench", repo).await?;
    let repo = Arc::new(codevoyage_history::open(&PathBuf::from(repo))?);
    let progress = Arc::new(Printer {
        total: AtomicU64::new(0),
        done: AtomicU64::new(0),
        started,
        last: std::sync::Mutex::new(started),
    });
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Commit>>(4);
    let walk_progress = progress.clone();
    let walker = tokio::task::spawn_blocking(move || {
        let cancel = AtomicBool::new(false);
        let opts = WalkOptions {
            renames,
            ..WalkOptions::default()
        };
        let mut batch = Vec::with_capacity(BATCH);
        let result = repo.walk(&opts, walk_progress.as_ref(), &cancel, &mut |commit| {
            batch.push(commit);
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if tx.blocking_send(full).is_err() {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        if result.is_ok() && !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        result
    });
    let mut inserted = 0u64;
    let mut changes = 0u64;
    while let Some(batch) = rx.recv().await {
        changes += batch.iter().map(|c| c.changes.len() as u64).sum::<u64>();
        inserted += store.insert_commits(row.id, &batch).await?;
    }
    let summary = walker.await??;
    println!(
        "stored {inserted} commits ({} walked), {changes} file changes in {:.1} s (renames {})",
        summary.commits,
        started.elapsed().as_secs_f64(),
        if renames { "on" } else { "off" }
    );
    Ok(())
}
