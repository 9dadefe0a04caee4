//! Forge metadata (migration 0004) on SQLite (always) and PostgreSQL (when
//! `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database, as in the conformance
//! suite).

use codevoyage_store::{ForgeMetadata, Store};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

const PG_VAR: &str = "CODEVOYAGE_TEST_DATABASE_URL";

async fn run_sqlite<F, Fut>(test: F)
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

async fn run_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: PostgreSQL forge tests skipped ({PG_VAR} is not set)");
        return;
    };
    let admin = match Store::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("{PG_VAR} is set under CI but PostgreSQL is unreachable: {e}")
        }
        Err(e) => {
            eprintln!("note: PostgreSQL forge tests skipped (cannot connect: {e})");
            return;
        }
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "cv_forge_{}_{}_{nanos}",
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
            $( #[tokio::test] async fn $name() { crate::run_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::run_postgres(crate::$name).await } )*
        }
    };
}

both!(
    forge_metadata_is_stored_replaced_and_listed_with_its_repository,
    deleting_a_repository_deletes_its_forge_metadata,
    the_forge_migration_runs_even_after_higher_versions,
);

fn hello_world(stars: u64) -> ForgeMetadata {
    ForgeMetadata {
        provider: "github".into(),
        owner: "octocat".into(),
        name: "Hello-World".into(),
        description: Some("My first repository on GitHub!".into()),
        stars,
        default_branch: Some("master".into()),
        etag: Some("W/\"abc\"".into()),
        fetched_at: 1_700_000_000,
    }
}

async fn forge_metadata_is_stored_replaced_and_listed_with_its_repository(store: Store) {
    let gh = store
        .upsert_repository("Hello-World", "https://github.com/octocat/Hello-World.git")
        .await
        .expect("repository");
    let local = store
        .upsert_repository("local", "/srv/repos/local")
        .await
        .expect("repository");
    assert_eq!(store.forge_metadata(gh.id).await.expect("read"), None);
    assert!(
        !store.touch_forge_metadata(gh.id, 1).await.expect("touch"),
        "nothing to confirm yet"
    );

    store
        .upsert_forge_metadata(gh.id, &hello_world(80))
        .await
        .expect("store");
    assert_eq!(
        store.forge_metadata(gh.id).await.expect("read"),
        Some(hello_world(80))
    );

    // A second fetch replaces the row; nulls stay nulls.
    let newer = ForgeMetadata {
        description: None,
        default_branch: None,
        etag: None,
        fetched_at: 1_700_000_100,
        ..hello_world(81)
    };
    store
        .upsert_forge_metadata(gh.id, &newer)
        .await
        .expect("store again");
    assert_eq!(
        store.forge_metadata(gh.id).await.expect("read"),
        Some(newer.clone())
    );

    // A 304 only moves fetched_at.
    assert!(
        store
            .touch_forge_metadata(gh.id, 1_700_000_200)
            .await
            .expect("touch")
    );
    let touched = store
        .forge_metadata(gh.id)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(touched.fetched_at, 1_700_000_200);
    assert_eq!(touched.stars, 81);

    let listed = store.list_repositories().await.expect("list");
    let forge_of = |id: i64| {
        listed
            .iter()
            .find(|s| s.repository.id == id)
            .map(|s| s.forge.clone())
    };
    assert_eq!(forge_of(gh.id).flatten().map(|f| f.stars), Some(81));
    assert_eq!(forge_of(local.id), Some(None));
    let one = store
        .repository_summary(gh.id)
        .await
        .expect("summary")
        .expect("exists");
    assert_eq!(one.forge.map(|f| f.owner), Some("octocat".to_string()));
    let other = store
        .repository_summary(local.id)
        .await
        .expect("summary")
        .expect("exists");
    assert_eq!(other.forge, None);

    // The ETag is for conditional requests, never shown.
    let json = serde_json::to_string(&hello_world(1)).expect("json");
    assert!(!json.contains("etag"), "{json}");
}

async fn deleting_a_repository_deletes_its_forge_metadata(store: Store) {
    let gh = store
        .upsert_repository("Hello-World", "git@github.com:octocat/Hello-World.git")
        .await
        .expect("repository");
    store
        .upsert_forge_metadata(gh.id, &hello_world(1))
        .await
        .expect("store");
    assert!(store.delete_repository(gh.id).await.expect("delete"));
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM forge_metadata")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
    // Metadata of a repository that no longer exists is refused, not stored.
    assert!(
        store
            .upsert_forge_metadata(gh.id, &hello_world(1))
            .await
            .is_err()
    );
}

async fn the_forge_migration_runs_even_after_higher_versions(store: Store) {
    // A database that got later migrations before this one (numbers are reserved before the
    // work lands): migrating again must still create the forge table.
    sqlx::query("DROP TABLE forge_metadata")
        .execute(store.pool())
        .await
        .expect("drop");
    sqlx::query("DELETE FROM schema_migrations WHERE version = 4")
        .execute(store.pool())
        .await
        .expect("forget version 4");
    let highest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(store.pool())
        .await
        .expect("highest");
    assert!(highest >= 3);
    store.migrate().await.expect("migrate again");
    let gh = store
        .upsert_repository("r", "https://github.com/o/r")
        .await
        .expect("repository");
    store
        .upsert_forge_metadata(gh.id, &hello_world(2))
        .await
        .expect("the table is back");
}
