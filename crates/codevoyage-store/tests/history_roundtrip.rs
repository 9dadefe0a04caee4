//! `for_each_commit` gives back exactly the commits `insert_commits` stored, newest first.

use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, RepoPath, Signature};
use codevoyage_store::Store;

fn commit(id: &str, time: i64, changes: Vec<FileChange>) -> Commit {
    let sig = |name: &str| Signature {
        identity: Identity {
            name: name.into(),
            email: format!("{name}@example.com"),
        },
        time,
        offset_minutes: 60,
    };
    Commit {
        id: id.into(),
        parents: vec!["p1".into(), "p2".into()],
        author: sig("ada"),
        committer: sig("bob"),
        summary: format!("commit {id}"),
        co_authors: vec![Identity {
            name: "Cy".into(),
            email: "cy@example.com".into(),
        }],
        changes,
    }
}

fn change(path: &[u8], kind: ChangeKind, added: u32, removed: u32) -> FileChange {
    FileChange {
        path: RepoPath::new(path.to_vec()),
        old_path: None,
        kind,
        added,
        removed,
        binary: false,
    }
}

#[tokio::test]
async fn stored_history_streams_back_newest_first_with_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("h.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let repo = store.upsert_repository("r", "/r").await.expect("repo");
    let mut renamed = change(b"new.rs", ChangeKind::Renamed, 1, 0);
    renamed.old_path = Some(RepoPath::from("old.rs"));
    let commits = vec![
        commit(
            "a",
            100,
            vec![
                change(b"x.py", ChangeKind::Added, 10, 0),
                change(b"caf\xe9", ChangeKind::Added, 1, 0),
            ],
        ),
        commit("b", 300, vec![renamed]),
        commit("c", 200, vec![]),
    ];
    store
        .insert_commits(repo.id, &commits)
        .await
        .expect("insert");
    let mut back = Vec::new();
    let n = store
        .for_each_commit(repo.id, &mut |c| back.push(c))
        .await
        .expect("stream");
    assert_eq!(n, 3);
    let ids: Vec<&str> = back.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["b", "c", "a"], "newest first by committer time");
    assert_eq!(back[0], commits[1]);
    assert_eq!(back[1], commits[2]);
    let a = &back[2];
    assert_eq!(a.changes.len(), 2);
    assert!(
        a.changes.iter().any(|c| c.path.as_bytes() == b"caf\xe9"),
        "paths come back byte-exact"
    );
    assert_eq!(a.co_authors, commits[0].co_authors);
}
