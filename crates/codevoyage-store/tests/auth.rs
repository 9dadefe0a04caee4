//! Users, API keys, login tokens, the audit log and repository visibility, on SQLite (always)
//! and PostgreSQL (when `CODEVOYAGE_TEST_DATABASE_URL` is set; each test in its own database,
//! as in the conformance suite).

use codevoyage_store::{NewAuditEntry, Store, StoreError, Viewer};

#[macro_use]
mod common;

const SUITE: &str = "auth";

both!(
    users_are_created_listed_and_unique,
    api_keys_are_found_by_hash_until_revoked,
    login_tokens_work_once_and_expire,
    audit_log_is_paged_newest_first,
    private_repositories_are_visible_to_owner_and_admins_only,
    deleting_a_user_keeps_their_repositories_without_owner,
);

async fn users_are_created_listed_and_unique(store: Store) {
    assert_eq!(store.count_users().await.expect("count"), 0);
    let ada = store
        .create_user("ada", "$argon2id$hash-a", "admin")
        .await
        .expect("create");
    let bo = store
        .create_user("bo", "$argon2id$hash-b", "viewer")
        .await
        .expect("create");
    assert!(bo.id > ada.id);
    let err = store
        .create_user("ada", "$argon2id$other", "viewer")
        .await
        .expect_err("taken");
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
    assert!(err.to_string().contains("ada"));
    assert_eq!(store.count_users().await.expect("count"), 2);
    let names: Vec<String> = store
        .list_users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["ada", "bo"]);
    let read = store.user_by_name("ada").await.expect("read").expect("ada");
    assert_eq!(read, ada);
    assert_eq!(read.password_hash, "$argon2id$hash-a");
    assert!(
        !format!("{read:?}").contains("hash-a"),
        "Debug hides the hash"
    );
    assert_eq!(store.user(bo.id).await.expect("read"), Some(bo));
    assert_eq!(store.user_by_name("nobody").await.expect("read"), None);
}

async fn api_keys_are_found_by_hash_until_revoked(store: Store) {
    let ada = store
        .create_user("ada", "h", "analyst")
        .await
        .expect("user");
    let bo = store.create_user("bo", "h", "viewer").await.expect("user");
    let k1 = store
        .create_api_key(ada.id, "ci", "hash-1", "cvk_abc")
        .await
        .expect("key");
    let k2 = store
        .create_api_key(bo.id, "laptop", "hash-2", "cvk_def")
        .await
        .expect("key");
    let listed = store.list_api_keys(Some(ada.id)).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, k1);
    assert_eq!(listed[0].username, "ada");
    assert_eq!(listed[0].last_used_at, None);
    assert_eq!(store.list_api_keys(None).await.expect("list").len(), 2);

    let (key, user) = store
        .user_by_api_key_hash("hash-1")
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!((key.id, user.id), (k1, ada.id));
    let used = store.api_key(k1).await.expect("read").expect("key");
    assert!(used.last_used_at.is_some(), "lookup marks the key used");
    assert_eq!(
        store.user_by_api_key_hash("nope").await.expect("lookup"),
        None
    );

    assert!(store.revoke_api_key(k2).await.expect("revoke"));
    assert!(
        !store.revoke_api_key(k2).await.expect("again"),
        "already revoked"
    );
    assert!(!store.revoke_api_key(9999).await.expect("missing"));
    assert_eq!(
        store.user_by_api_key_hash("hash-2").await.expect("lookup"),
        None
    );
    let revoked = store.api_key(k2).await.expect("read").expect("key");
    assert!(revoked.revoked_at.is_some());
}

async fn login_tokens_work_once_and_expire(store: Store) {
    let ada = store.create_user("ada", "h", "admin").await.expect("user");
    let later = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        + 600;
    store
        .create_login_token(ada.id, "t-1", later)
        .await
        .expect("token");
    store
        .create_login_token(ada.id, "t-old", later - 1200)
        .await
        .expect("token");
    let redeemed = store.redeem_login_token("t-1").await.expect("redeem");
    assert_eq!(redeemed.map(|u| u.id), Some(ada.id));
    assert_eq!(store.redeem_login_token("t-1").await.expect("again"), None);
    assert_eq!(
        store.redeem_login_token("t-old").await.expect("expired"),
        None
    );
    assert_eq!(
        store.redeem_login_token("t-none").await.expect("unknown"),
        None
    );
}

async fn audit_log_is_paged_newest_first(store: Store) {
    for i in 0..5 {
        store
            .append_audit(NewAuditEntry {
                actor: "ada",
                action: "user.create",
                target: &format!("user:u{i}"),
                detail: "role viewer",
                address: (i % 2 == 0).then_some("127.0.0.1"),
            })
            .await
            .expect("append");
    }
    let first = store.audit_log(None, 2).await.expect("page");
    let targets: Vec<&str> = first.iter().map(|e| e.target.as_str()).collect();
    assert_eq!(targets, ["user:u4", "user:u3"]);
    assert_eq!(first[0].address.as_deref(), Some("127.0.0.1"));
    assert_eq!(first[1].address, None);
    let rest = store
        .audit_log(first.last().map(|e| e.id), 10)
        .await
        .expect("page");
    let targets: Vec<&str> = rest.iter().map(|e| e.target.as_str()).collect();
    assert_eq!(targets, ["user:u2", "user:u1", "user:u0"]);
}

async fn private_repositories_are_visible_to_owner_and_admins_only(store: Store) {
    let ada = store
        .create_user("ada", "h", "analyst")
        .await
        .expect("user");
    let bo = store.create_user("bo", "h", "analyst").await.expect("user");
    let shared = store.upsert_repository("shared", "/s").await.expect("repo");
    assert_eq!(shared.visibility, "shared", "the default");
    assert_eq!(shared.owner_id, None);
    let private = store
        .upsert_repository("private", "/p")
        .await
        .expect("repo");
    assert!(
        store
            .set_repository_access(private.id, Some(ada.id), "private")
            .await
            .expect("access")
    );
    assert!(
        !store
            .set_repository_access(9999, Some(ada.id), "private")
            .await
            .expect("missing")
    );
    assert!(
        store
            .set_repository_access(private.id, None, "public")
            .await
            .is_err()
    );

    let ids = |list: Vec<codevoyage_store::RepositorySummary>| {
        list.into_iter()
            .map(|s| s.repository.id)
            .collect::<Vec<_>>()
    };
    for (viewer, expected) in [
        (Viewer::User(ada.id), vec![shared.id, private.id]),
        (Viewer::Admin, vec![shared.id, private.id]),
        (Viewer::User(bo.id), vec![shared.id]),
    ] {
        assert_eq!(
            ids(store.list_visible_repositories(viewer).await.expect("list")),
            expected
        );
        assert_eq!(
            store.visible_repository_ids(viewer).await.expect("ids"),
            expected
        );
        assert_eq!(
            store
                .visible_repository(viewer, private.id)
                .await
                .expect("read")
                .is_some(),
            expected.contains(&private.id)
        );
    }
    let read = store
        .repository(private.id)
        .await
        .expect("read")
        .expect("repo");
    assert_eq!(
        (read.owner_id, read.visibility.as_str()),
        (Some(ada.id), "private")
    );
}

async fn deleting_a_user_keeps_their_repositories_without_owner(store: Store) {
    let ada = store
        .create_user("ada", "h", "analyst")
        .await
        .expect("user");
    let repo = store.upsert_repository("r", "/r").await.expect("repo");
    store
        .set_repository_access(repo.id, Some(ada.id), "shared")
        .await
        .expect("access");
    store
        .create_api_key(ada.id, "k", "hash", "cvk_x")
        .await
        .expect("key");
    assert!(store.delete_user(ada.id).await.expect("delete"));
    assert!(!store.delete_user(ada.id).await.expect("again"));
    let read = store
        .repository(repo.id)
        .await
        .expect("read")
        .expect("repo");
    assert_eq!(read.owner_id, None);
    assert!(store.list_api_keys(None).await.expect("keys").is_empty());
}
