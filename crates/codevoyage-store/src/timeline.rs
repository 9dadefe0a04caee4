//! The input of the time-travel views: every stored commit, oldest first, with the line
//! counts of its file changes, streamed so that a history of any length is read in bounded
//! memory (one commit at a time).

use crate::Store;
use crate::error::{Context, StoreError};
use codevoyage_model::ChangeKind;
use sqlx::Row;

/// One file change as the timeline needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineChange {
    /// Display form of the path (lossy for non-UTF-8 names), as in `files.path`.
    pub path: String,
    /// The rename source, when the history stored the change as a rename.
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    pub added: u64,
    pub removed: u64,
    pub binary: bool,
}

/// One commit with its file changes (none for merges, as in `git log --numstat`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineCommit {
    pub sha: String,
    /// Committer time, Unix seconds: when the change landed, the order the timeline replays.
    pub time: i64,
    /// Lower-cased author e-mail.
    pub author_email: String,
    /// Parent commit ids (several for a merge).
    pub parents: Vec<String>,
    pub changes: Vec<TimelineChange>,
}

impl Store {
    /// Streams every stored commit of a repository oldest first (by committer time, then
    /// sha) with its file changes (by path) to `on_commit`. Returns the number of commits.
    pub async fn for_each_timeline_commit(
        &self,
        repository_id: i64,
        on_commit: &mut (dyn FnMut(TimelineCommit) + Send),
    ) -> Result<u64, StoreError> {
        use futures_util::TryStreamExt;
        const CONTEXT: &str = "reading the history for the timeline";
        let mut rows = sqlx::query(
            "SELECT c.sha, c.committer_time, c.author_email, c.parents, f.path, f.old_path, f.kind, f.added, \
             f.removed, f.is_binary \
             FROM commits c LEFT JOIN file_changes f ON f.repository_id = c.repository_id AND f.commit_sha = c.sha \
             WHERE c.repository_id = $1 ORDER BY c.committer_time, c.sha, f.path",
        )
        .bind(repository_id)
        .fetch(self.pool());
        let mut current: Option<TimelineCommit> = None;
        let mut count = 0u64;
        while let Some(row) = rows.try_next().await.ctx(CONTEXT)? {
            let sha: String = row.try_get("sha").ctx(CONTEXT)?;
            if current.as_ref().is_none_or(|c| c.sha != sha) {
                if let Some(done) = current.take() {
                    count += 1;
                    on_commit(done);
                }
                current = Some(TimelineCommit {
                    time: row.try_get("committer_time").ctx(CONTEXT)?,
                    author_email: row
                        .try_get::<String, _>("author_email")
                        .ctx(CONTEXT)?
                        .to_lowercase(),
                    parents: row
                        .try_get::<String, _>("parents")
                        .ctx(CONTEXT)?
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                    sha,
                    changes: Vec::new(),
                });
            }
            let path: Option<String> = row.try_get("path").ctx(CONTEXT)?;
            if let (Some(path), Some(commit)) = (path, current.as_mut()) {
                let kind: String = row.try_get("kind").ctx(CONTEXT)?;
                commit.changes.push(TimelineChange {
                    path,
                    old_path: row.try_get("old_path").ctx(CONTEXT)?,
                    kind: ChangeKind::parse(&kind).unwrap_or(ChangeKind::Modified),
                    added: u64::try_from(row.try_get::<i64, _>("added").ctx(CONTEXT)?).unwrap_or(0),
                    removed: u64::try_from(row.try_get::<i64, _>("removed").ctx(CONTEXT)?)
                        .unwrap_or(0),
                    binary: row.try_get::<i64, _>("is_binary").ctx(CONTEXT)? != 0,
                });
            }
        }
        if let Some(done) = current.take() {
            count += 1;
            on_commit(done);
        }
        Ok(count)
    }
}
