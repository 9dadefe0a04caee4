//! The harness the store's per-feature test files share: each test runs on SQLite (always)
//! and on PostgreSQL (when `CODEVOYAGE_TEST_DATABASE_URL` is set) in a database of its own,
//! created and dropped around it. Under `CI=true` an unreachable PostgreSQL fails the test.
//!
//! A file uses it with `#[macro_use] mod common;`, defines `const SUITE: &str` (the name in
//! skip notes and database names) and lists its tests in `both!(...)`.

#![allow(dead_code)]

use codevoyage_store::Store;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

pub const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

pub async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    test(store.clone()).await;
    store.close().await;
}

pub async fn run_postgres<F, Fut>(suite: &str, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: PostgreSQL {suite} tests skipped ({PG_VAR} is not set)");
        return;
    };
    let admin = match Store::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("{PG_VAR} is set under CI but PostgreSQL is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("note: PostgreSQL {suite} tests skipped (cannot connect: {e})");
            return;
        }
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "cv_{suite}_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create the test database");
    let (base, query) = admin_url.split_once('?').unwrap_or((&admin_url, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    let url = if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate postgres");
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(admin.pool())
    .await
    .expect("drop the test database");
    admin.close().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::common::run_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::common::run_postgres(crate::SUITE, crate::$name).await } )*
        }
    };
}
