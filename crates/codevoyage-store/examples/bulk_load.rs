//! Bulk-load benchmark of the store: N synthetic commits with 3 file changes each, then the
//! aggregate queries an analysis runs after them.
//!
//! ```text
//! cargo run --release -p codevoyage-store --example bulk_load -- [commits] [postgres-admin-url]
//! ```
//! Without a URL it uses a SQLite file in a temporary folder; with one it creates a database
//! `cv_bench_<pid>` on that server and drops it afterwards.

use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, Signature};
use codevoyage_store::Store;
use std::time::Instant;

fn signature(i: i64) -> Signature {
    Signature {
        identity: Identity {
            name: format!("Dev {}", i % 50),
            email: format!("dev{}@example.com", i % 50),
        },
        time: 1_600_000_000 + i,
        offset_minutes: 0,
    }
}

fn commits(n: i64) -> Vec<Commit> {
    (0..n)
        .map(|i| Commit {
            id: format!("{i:040x}"),
            parents: if i == 0 {
                vec![]
            } else {
                vec![format!("{:040x}", i - 1)]
            },
            author: signature(i),
            committer: signature(i),
            summary: format!("change number {i}"),
            co_authors: Vec::new(),
            changes: (0..3)
                .map(|j| FileChange {
                    path: format!("src/module{}/file{j}.rs", i % 200).into(),
                    old_path: None,
                    kind: ChangeKind::Modified,
                    added: 3,
                    removed: 1,
                    binary: false,
                })
                .collect(),
        })
        .collect()
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = base[scheme_end..]
        .find('/')
        .map_or(base, |slash| &base[..scheme_end + slash]);
    query.map_or_else(
        || format!("{base}/{database}"),
        |q| format!("{base}/{database}?{q}"),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: i64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20_000);
    let admin_url = args.next();
    let dir = tempfile::tempdir()?;
    let database = format!("cv_bench_{}", std::process::id());
    let (store, admin) = match &admin_url {
        Some(url) => {
            let admin = Store::connect(url).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
                .execute(admin.pool())
                .await?;
            (
                Store::connect(&with_database(url, &database)).await?,
                Some(admin),
            )
        }
        None => (
            Store::open_sqlite_file(&dir.path().join("bench.db")).await?,
            None,
        ),
    };
    let result = run(&store, n).await;
    store.close().await;
    if let Some(admin) = admin {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
        )))
        .execute(admin.pool())
        .await?;
    }
    result
}

async fn run(store: &Store, n: i64) -> Result<(), Box<dyn std::error::Error>> {
    store.migrate().await?;
    let repo = store.upsert_repository("bench", "bench").await?.id;
    let all = commits(n);
    let started = Instant::now();
    for batch in all.chunks(5_000) {
        store.insert_commits(repo, batch).await?;
    }
    let elapsed = started.elapsed();
    let rows = n as f64 * 4.0;
    println!(
        "{:?}: inserted {n} commits + {} changes in {elapsed:.2?} ({:.0} rows/s)",
        store.backend(),
        n * 3,
        rows / elapsed.as_secs_f64()
    );
    let timed = Instant::now();
    store.insert_commits(repo, &all).await?;
    println!(
        "re-inserting all (idempotent no-op): {:.2?}",
        timed.elapsed()
    );
    let timed = Instant::now();
    let people = store.rebuild_contributors(repo).await?;
    println!("rebuild_contributors ({people}): {:.2?}", timed.elapsed());
    let timed = Instant::now();
    let paths = store.revisions_by_path(repo).await?.len();
    println!("revisions_by_path ({paths} paths): {:.2?}", timed.elapsed());
    let timed = Instant::now();
    store.delete_repository(repo).await?;
    println!("delete_repository: {:.2?}", timed.elapsed());
    Ok(())
}
