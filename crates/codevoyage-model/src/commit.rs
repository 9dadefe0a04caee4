//! Commits and the file changes they carry, as produced by the history engine.

use crate::RepoPath;
use serde::{Deserialize, Serialize};

/// A person as git records them (after `.mailmap` resolution when the producer applied it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Identity {
    /// Bots are recognised by the conventions forges use: a `[bot]` suffix, or the
    /// well-known no-reply addresses of automation accounts.
    pub fn is_bot(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        let email = self.email.to_ascii_lowercase();
        name.ends_with("[bot]")
            || email.contains("[bot]@")
            || email.ends_with("@dependabot.com")
            || email.starts_with("bot@")
            || email.contains("renovate")
            || email.starts_with("noreply@github.com")
            || email == "actions@github.com"
            || email.contains("github-actions")
    }
}

/// An identity with the moment of the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    #[serde(flatten)]
    pub identity: Identity,
    /// Seconds since the Unix epoch (UTC).
    pub time: i64,
    /// The author's UTC offset in minutes, as recorded.
    pub offset_minutes: i32,
}

/// How a file changed in a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
    TypeChanged,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed => "renamed",
            ChangeKind::TypeChanged => "type_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "added" => ChangeKind::Added,
            "modified" => ChangeKind::Modified,
            "deleted" => ChangeKind::Deleted,
            "renamed" => ChangeKind::Renamed,
            "type_changed" => ChangeKind::TypeChanged,
            _ => return None,
        })
    }
}

/// One file touched by one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    pub path: RepoPath,
    /// The source path when `kind` is `Renamed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<RepoPath>,
    pub kind: ChangeKind,
    /// Lines added; 0 for binary files and when line counting was skipped.
    pub added: u32,
    /// Lines removed; 0 for binary files and when line counting was skipped.
    pub removed: u32,
    /// True for binary content (`-\t-` in `git log --numstat`).
    pub binary: bool,
}

/// One commit with its changes against its first parent (none for merges by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hexadecimal object id.
    pub id: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    /// The first line of the message.
    pub summary: String,
    /// People named in `Co-authored-by:` trailers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_authors: Vec<Identity>,
    pub changes: Vec<FileChange>,
}

impl Commit {
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_bots() {
        let bot = Identity {
            name: "dependabot[bot]".into(),
            email: "49699333+dependabot[bot]@users.noreply.github.com".into(),
        };
        let human = Identity {
            name: "Ada".into(),
            email: "ada@example.com".into(),
        };
        assert!(bot.is_bot());
        assert!(!human.is_bot());
    }

    #[test]
    fn change_kind_round_trips() {
        for k in [
            ChangeKind::Added,
            ChangeKind::Modified,
            ChangeKind::Deleted,
            ChangeKind::Renamed,
            ChangeKind::TypeChanged,
        ] {
            assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
        }
    }
}
