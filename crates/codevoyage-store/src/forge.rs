//! What the forge a repository comes from says about it (migration 0004): for GitHub URLs the
//! description, star count and default branch, one row per repository, written by the
//! pipeline's fetch stage and shown with the repository by the API.

use crate::error::{Context, StoreError};
use crate::store::{Store, text, uint};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// One repository's forge metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForgeMetadata {
    /// "github".
    pub provider: String,
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub stars: u64,
    pub default_branch: Option<String>,
    /// The forge's ETag of this data, for conditional requests; not shown to users.
    #[serde(skip)]
    pub etag: Option<String>,
    /// Unix seconds when the forge last confirmed this data.
    pub fetched_at: i64,
}

const FORGE_COLUMNS: &str =
    "repository_id, provider, owner, name, description, stars, default_branch, etag, fetched_at";

fn forge_row(row: &AnyRow) -> Result<(i64, ForgeMetadata), sqlx::Error> {
    Ok((
        row.try_get("repository_id")?,
        ForgeMetadata {
            provider: row.try_get("provider")?,
            owner: row.try_get("owner")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            stars: uint(row.try_get("stars")?),
            default_branch: row.try_get("default_branch")?,
            etag: row.try_get("etag")?,
            fetched_at: row.try_get("fetched_at")?,
        },
    ))
}

impl Store {
    /// Stores (or replaces) a repository's forge metadata.
    pub async fn upsert_forge_metadata(
        &self,
        repository_id: i64,
        metadata: &ForgeMetadata,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO forge_metadata (repository_id, provider, owner, name, description, stars, \
             default_branch, etag, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (repository_id) DO UPDATE SET provider = excluded.provider, \
             owner = excluded.owner, name = excluded.name, description = excluded.description, \
             stars = excluded.stars, default_branch = excluded.default_branch, \
             etag = excluded.etag, fetched_at = excluded.fetched_at",
        )
        .bind(repository_id)
        .bind(&*text(&metadata.provider))
        .bind(&*text(&metadata.owner))
        .bind(&*text(&metadata.name))
        .bind(
            metadata
                .description
                .as_deref()
                .map(|v| text(v).into_owned()),
        )
        .bind(i64::try_from(metadata.stars).unwrap_or(i64::MAX))
        .bind(
            metadata
                .default_branch
                .as_deref()
                .map(|v| text(v).into_owned()),
        )
        .bind(metadata.etag.as_deref().map(|v| text(v).into_owned()))
        .bind(metadata.fetched_at)
        .execute(self.pool())
        .await
        .ctx("storing forge metadata")?;
        Ok(())
    }

    /// Records that the forge confirmed the stored metadata (a 304) at `fetched_at`. False when
    /// there is none.
    pub async fn touch_forge_metadata(
        &self,
        repository_id: i64,
        fetched_at: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query("UPDATE forge_metadata SET fetched_at = $1 WHERE repository_id = $2")
            .bind(fetched_at)
            .bind(repository_id)
            .execute(self.pool())
            .await
            .ctx("updating forge metadata")?
            .rows_affected();
        Ok(n > 0)
    }

    /// A repository's forge metadata, if any was fetched.
    pub async fn forge_metadata(
        &self,
        repository_id: i64,
    ) -> Result<Option<ForgeMetadata>, StoreError> {
        let sql = format!("SELECT {FORGE_COLUMNS} FROM forge_metadata WHERE repository_id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(repository_id)
            .fetch_optional(self.pool())
            .await
            .ctx("reading forge metadata")?;
        row.as_ref()
            .map(forge_row)
            .transpose()
            .map(|r| r.map(|(_, m)| m))
            .ctx("reading forge metadata")
    }

    /// Forge metadata by repository id: of every repository, or only of `only`.
    pub(crate) async fn forge_metadata_by_repository(
        &self,
        only: Option<i64>,
    ) -> Result<HashMap<i64, ForgeMetadata>, StoreError> {
        const CONTEXT: &str = "reading forge metadata";
        let rows = match only {
            Some(id) => {
                let sql =
                    format!("SELECT {FORGE_COLUMNS} FROM forge_metadata WHERE repository_id = $1");
                sqlx::query(AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_all(self.pool())
                    .await
            }
            None => {
                let sql = format!("SELECT {FORGE_COLUMNS} FROM forge_metadata");
                sqlx::query(AssertSqlSafe(sql)).fetch_all(self.pool()).await
            }
        }
        .ctx(CONTEXT)?;
        rows.iter()
            .map(forge_row)
            .collect::<Result<HashMap<_, _>, _>>()
            .ctx(CONTEXT)
    }
}
