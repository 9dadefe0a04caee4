//! Builders for hand-made commits: tests write histories oldest first and reverse them, since
//! the history engine emits newest first.
#![allow(dead_code)]

use codevoyage_insights::{History, HistoryOptions};
use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, Signature};

pub const DAY: i64 = 86_400;
/// 2024-01-01T00:00:00Z, the start of every hand-made history.
pub const T0: i64 = 1_704_067_200;

pub fn change(kind: ChangeKind, path: &str, added: u32, removed: u32) -> FileChange {
    FileChange {
        path: path.into(),
        old_path: None,
        kind,
        added,
        removed,
        binary: false,
    }
}

pub fn add(path: &str, added: u32) -> FileChange {
    change(ChangeKind::Added, path, added, 0)
}

pub fn modify(path: &str, added: u32, removed: u32) -> FileChange {
    change(ChangeKind::Modified, path, added, removed)
}

pub fn delete(path: &str, removed: u32) -> FileChange {
    change(ChangeKind::Deleted, path, 0, removed)
}

pub fn rename(old: &str, new: &str, added: u32, removed: u32) -> FileChange {
    FileChange {
        old_path: Some(old.into()),
        ..change(ChangeKind::Renamed, new, added, removed)
    }
}

fn sig(who: &str, time: i64) -> Signature {
    Signature {
        identity: Identity {
            name: who.to_string(),
            email: format!("{}@example.com", who.to_lowercase()),
        },
        time,
        offset_minutes: 0,
    }
}

/// A commit by `who` (e-mail `<who lowercased>@example.com`) at `time`.
pub fn commit(who: &str, time: i64, changes: Vec<FileChange>) -> Commit {
    Commit {
        id: format!("{:040x}", time),
        parents: Vec::new(),
        author: sig(who, time),
        committer: sig(who, time),
        summary: String::new(),
        co_authors: Vec::new(),
        changes,
    }
}

/// A history from commits given oldest first.
pub fn history(mut oldest_first: Vec<Commit>, now: i64) -> History {
    oldest_first.reverse();
    History::from_commits(&oldest_first, now, HistoryOptions::default())
}
