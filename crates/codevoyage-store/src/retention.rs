//! Retention: deleting analyses that finished longer ago than a configured age.
//!
//! An analysis owns the rows it wrote for its revision: `files`, `functions`, `insights`,
//! `coupling`, its stage checkpoints and its queue rows (`jobs`). Those go with it. The
//! history (`commits`, `file_changes`) and `contributors` belong to the repository, not to
//! one analysis: every later analysis reads all of it, so retention never touches them (the
//! GDPR deletion of a whole repository does, see [`Store::delete_repository`]).
//!
//! **Invariant:** the latest successful analysis of a repository (the highest id with status
//! `succeeded`, the one every read view serves) is never deleted, however old it is, so a
//! repository nobody re-analyses keeps working. Queued and running analyses are never
//! deleted either; only `succeeded`, `failed` and `cancelled` ones whose `finished_at` (or,
//! for a terminal row without it, `created_at`) is older than the cutoff.
//!
//! The work goes in batches of [`RETENTION_BATCH`] analyses, one write transaction each,
//! so a large backlog never holds the database's write lock for long. Each batch selects its
//! candidates inside its transaction, and the selection is the whole condition: running it
//! twice, or two instances running it at once, deletes the same set once.

use crate::error::{Context, StoreError};
use crate::store::{Store, begin_write};
use sqlx::{AssertSqlSafe, Row};

/// Analyses deleted per transaction.
pub const RETENTION_BATCH: usize = 50;

/// What one retention run deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetentionReport {
    /// The deleted analyses as `(repository id, analysis id)`, in id order.
    pub analyses: Vec<(i64, i64)>,
    /// Rows deleted with them (files, functions, insights, coupling pairs, checkpoints,
    /// jobs), not counting the analysis rows themselves.
    pub rows: u64,
}

impl RetentionReport {
    /// True when the run deleted nothing.
    pub fn is_empty(&self) -> bool {
        self.analyses.is_empty()
    }
}

/// Terminal analyses older than `$1`, except each repository's latest successful one.
const CANDIDATES: &str = "SELECT a.id, a.repository_id FROM analyses a \
     WHERE a.status IN ('succeeded', 'failed', 'cancelled') \
     AND COALESCE(a.finished_at, a.created_at) < $1 \
     AND a.id <> COALESCE((SELECT MAX(b.id) FROM analyses b \
         WHERE b.repository_id = a.repository_id AND b.status = 'succeeded'), -1) \
     ORDER BY a.id LIMIT $2";

/// The tables holding rows of one analysis, children before the analysis row itself.
const CHILD_TABLES: &[&str] = &[
    "functions",
    "insights",
    "coupling",
    "files",
    "analysis_checkpoints",
    "jobs",
];

impl Store {
    /// Deletes every terminal analysis that finished before `cutoff` (Unix seconds), with
    /// its rows, except the latest successful analysis of each repository (see the module
    /// docs). Idempotent; safe to run from several processes at once.
    pub async fn delete_analyses_finished_before(
        &self,
        cutoff: i64,
    ) -> Result<RetentionReport, StoreError> {
        let mut report = RetentionReport::default();
        loop {
            let (candidates, deleted, rows) = self.delete_retention_batch(cutoff).await?;
            report.rows += rows;
            report.analyses.extend(deleted);
            let done = candidates < RETENTION_BATCH;
            if done {
                break;
            }
        }
        report.analyses.sort_unstable_by_key(|&(_, id)| id);
        Ok(report)
    }

    /// One batch: selects up to [`RETENTION_BATCH`] candidates and deletes them, in one
    /// write transaction. Returns how many candidates it found, the analyses it deleted
    /// and the rows deleted with them.
    async fn delete_retention_batch(
        &self,
        cutoff: i64,
    ) -> Result<(usize, Vec<(i64, i64)>, u64), StoreError> {
        const CONTEXT: &str = "deleting old analyses";
        let mut tx = begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        let found = sqlx::query(CANDIDATES)
            .bind(cutoff)
            .bind(i64::try_from(RETENTION_BATCH).unwrap_or(i64::MAX))
            .fetch_all(&mut *tx)
            .await
            .ctx(CONTEXT)?;
        let batch = found
            .iter()
            .map(|r| Ok((r.try_get("repository_id")?, r.try_get("id")?)))
            .collect::<Result<Vec<(i64, i64)>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        if batch.is_empty() {
            tx.rollback().await.ctx(CONTEXT)?;
            return Ok((0, batch, 0));
        }
        // `$1, …, $n`: at most RETENTION_BATCH parameters, far below either backend's limit.
        let list = (1..=batch.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut rows = 0;
        for table in CHILD_TABLES {
            let sql = format!("DELETE FROM {table} WHERE analysis_id IN ({list})");
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for &(_, id) in &batch {
                query = query.bind(id);
            }
            rows += query.execute(&mut *tx).await.ctx(CONTEXT)?.rows_affected();
        }
        // RETURNING names what this transaction really deleted: on PostgreSQL another
        // instance may have deleted some of the same candidates first (its rows then vanish
        // under our DELETE), and only the rest are ours to report.
        let sql = format!("DELETE FROM analyses WHERE id IN ({list}) RETURNING repository_id, id");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for &(_, id) in &batch {
            query = query.bind(id);
        }
        let deleted = query
            .fetch_all(&mut *tx)
            .await
            .ctx(CONTEXT)?
            .iter()
            .map(|r| Ok((r.try_get("repository_id")?, r.try_get("id")?)))
            .collect::<Result<Vec<(i64, i64)>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        tx.commit().await.ctx(CONTEXT)?;
        Ok((batch.len(), deleted, rows))
    }
}
