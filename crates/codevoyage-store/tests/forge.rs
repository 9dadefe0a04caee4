//! Forge metadata (migration 0004) on SQLite (always) and PostgreSQL (when
//! `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database, as in the conformance
//! suite).

use codevoyage_store::{ForgeMetadata, Store};

#[macro_use]
mod common;

const SUITE: &str = "forge";

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
