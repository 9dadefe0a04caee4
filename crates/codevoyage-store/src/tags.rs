//! The tags of a repository (migration 5): bookmarks of the timeline, each peeled to the
//! commit it names. An analysis replaces them all; a tag whose commit is not in the stored
//! history (a branch never merged, a commit beyond a shallow boundary) is not kept.

use crate::Store;
use crate::error::{Context, StoreError};
use crate::store::{begin_write, text};
use sqlx::Row;

/// A tag as the history stage hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRecord {
    /// The name below `refs/tags/`.
    pub name: String,
    /// Full hex id of the commit the tag names.
    pub sha: String,
}

/// A stored tag with its commit's committer time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagRow {
    pub name: String,
    pub sha: String,
    /// Committer time of the tagged commit, Unix seconds (the time the timeline places
    /// commits by).
    pub time: i64,
}

impl Store {
    /// Replaces the tags of a repository with `tags`, keeping only those whose commit is
    /// stored. Returns how many were kept. Running it twice with the same tags changes nothing.
    pub async fn replace_tags(
        &self,
        repository_id: i64,
        tags: &[TagRecord],
    ) -> Result<u64, StoreError> {
        const CONTEXT: &str = "storing tags";
        let mut tx = begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        sqlx::query("DELETE FROM tags WHERE repository_id = $1")
            .bind(repository_id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?;
        let mut kept = 0;
        for tag in tags {
            let done = sqlx::query(
                "INSERT INTO tags (repository_id, name, sha) SELECT $1, $2, $3 \
                 WHERE EXISTS (SELECT 1 FROM commits WHERE repository_id = $4 AND sha = $5) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(repository_id)
            .bind(&*text(&tag.name))
            .bind(&*text(&tag.sha))
            .bind(repository_id)
            .bind(&*text(&tag.sha))
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?;
            kept += done.rows_affected();
        }
        tx.commit().await.ctx(CONTEXT)?;
        Ok(kept)
    }

    /// The stored tags of a repository, oldest commit first (then by name).
    pub async fn tags(&self, repository_id: i64) -> Result<Vec<TagRow>, StoreError> {
        const CONTEXT: &str = "reading tags";
        let rows = sqlx::query(
            "SELECT t.name, t.sha, c.committer_time FROM tags t \
             JOIN commits c ON c.repository_id = t.repository_id AND c.sha = t.sha \
             WHERE t.repository_id = $1 ORDER BY c.committer_time, t.name",
        )
        .bind(repository_id)
        .fetch_all(self.pool())
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| {
                Ok(TagRow {
                    name: r.try_get("name")?,
                    sha: r.try_get("sha")?,
                    time: r.try_get("committer_time")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }
}
