//! The persisted job queue's rows, analysis stage checkpoints and cancellation requests.
//!
//! The queue semantics (attempts, backoff, dead letters) live in `codevoyage-jobs`; this
//! module only stores job rows and hands them out under leases. A claim sets a lease expiry;
//! a job whose lease expired is claimable again (its consumer died). On PostgreSQL the claim
//! takes the row with `FOR UPDATE SKIP LOCKED`, so concurrent claimers never block on or
//! share a job; on SQLite the claim is one `UPDATE … RETURNING` statement, atomic under the
//! database's single write lock.

use crate::error::{Context, StoreError};
use crate::store::{AnalysisRow, Backend, Store, now, text, uint};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A job to persist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJobRow {
    pub id: String,
    /// The queue's name: several queues share the table.
    pub queue: String,
    pub kind: String,
    pub payload: String,
    /// The analysis the job runs, so deleting a repository can drop its jobs.
    pub analysis_id: Option<i64>,
    pub attempt: u32,
    pub correlation_id: Option<String>,
    pub enqueued_at_ms: i64,
}

/// A stored job, as a claim or a dead-letter listing returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempt: u32,
    /// Claims of this attempt so far, this one included.
    pub deliveries: u32,
    pub correlation_id: Option<String>,
    pub enqueued_at_ms: i64,
    pub last_error: Option<String>,
    pub failed_at_ms: Option<i64>,
}

/// How many jobs of a queue are where, at a given time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Claimable now (due, or leased with an expired lease).
    pub ready: u64,
    /// Waiting for their retry time.
    pub delayed: u64,
    /// Leased and the lease still runs.
    pub in_flight: u64,
    pub dead: u64,
}

const JOB_COLUMNS: &str =
    "id, kind, payload, attempt, deliveries, correlation_id, enqueued_at, last_error, failed_at";

fn job_row(row: &AnyRow) -> Result<JobRow, sqlx::Error> {
    let count = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(JobRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        attempt: count(row.try_get("attempt")?),
        deliveries: count(row.try_get("deliveries")?),
        correlation_id: row.try_get("correlation_id")?,
        enqueued_at_ms: row.try_get("enqueued_at")?,
        last_error: row.try_get("last_error")?,
        failed_at_ms: row.try_get("failed_at")?,
    })
}

/// Whether a job that is "ready" or "running" may be claimed at `now` (ms): the two `$n`
/// placeholders are bound to `now`.
fn claimable(a: usize, b: usize) -> String {
    format!("((state = 'ready' AND run_at <= ${a}) OR (state = 'running' AND lease_until <= ${b}))")
}

impl Store {
    // ---------------------------------------------------------------- job queue

    /// Stores a new job, ready at once.
    pub async fn enqueue_job(&self, job: &NewJobRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO jobs (id, queue, kind, payload, analysis_id, attempt, deliveries, correlation_id, \
             enqueued_at, state, run_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, 'ready', $9)",
        )
        .bind(&*text(&job.id))
        .bind(&*text(&job.queue))
        .bind(&*text(&job.kind))
        .bind(&*text(&job.payload))
        .bind(job.analysis_id)
        .bind(i64::from(job.attempt))
        .bind(job.correlation_id.as_deref().map(|c| text(c).into_owned()))
        .bind(job.enqueued_at_ms)
        .bind(job.enqueued_at_ms)
        .execute(self.pool())
        .await
        .ctx("enqueueing a job")?;
        Ok(())
    }

    /// Leases the oldest claimable job of `queue` to `owner` until `lease_until_ms`, under the
    /// new lease `token`; `None` when nothing is claimable at `now_ms`.
    pub async fn claim_job(
        &self,
        queue: &str,
        owner: &str,
        token: &str,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<Option<JobRow>, StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_token = $2, lease_until = $3, \
             deliveries = deliveries + 1 \
             WHERE seq = (SELECT seq FROM jobs WHERE queue = $4 AND {} ORDER BY seq LIMIT 1{lock}) \
             RETURNING {JOB_COLUMNS}",
            claimable(5, 6)
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&*text(owner))
            .bind(&*text(token))
            .bind(lease_until_ms)
            .bind(&*text(queue))
            .bind(now_ms)
            .bind(now_ms)
            .fetch_optional(self.pool())
            .await
            .ctx("claiming a job")?;
        row.as_ref().map(job_row).transpose().ctx("reading a job")
    }

    /// Removes a job for good (it succeeded). False when the lease was lost meanwhile.
    pub async fn ack_job(&self, id: &str, token: &str) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "DELETE FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(token)
        .execute(self.pool())
        .await
        .ctx("acknowledging a job")?
        .rows_affected();
        Ok(n > 0)
    }

    /// Extends a lease. False when the lease was lost (expired and claimed by another).
    pub async fn extend_job_lease(
        &self,
        id: &str,
        token: &str,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(lease_until_ms)
        .bind(id)
        .bind(token)
        .execute(self.pool())
        .await
        .ctx("extending a job lease")?
        .rows_affected();
        Ok(n > 0)
    }

    /// Puts a failed job back for another attempt at `run_at_ms`. False when the lease was lost.
    pub async fn retry_job(
        &self,
        id: &str,
        token: &str,
        attempt: u32,
        error: &str,
        run_at_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE jobs SET state = 'ready', attempt = $1, deliveries = 0, last_error = $2, run_at = $3, \
             lease_owner = NULL, lease_token = NULL, lease_until = NULL \
             WHERE id = $4 AND lease_token = $5 AND state = 'running'",
        )
        .bind(i64::from(attempt))
        .bind(&*text(error))
        .bind(run_at_ms)
        .bind(id)
        .bind(token)
        .execute(self.pool())
        .await
        .ctx("scheduling a job retry")?
        .rows_affected();
        Ok(n > 0)
    }

    /// Moves a job to the dead letters with its last error. False when the lease was lost.
    pub async fn dead_letter_job(
        &self,
        id: &str,
        token: &str,
        error: &str,
        failed_at_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE jobs SET state = 'dead', last_error = $1, failed_at = $2, \
             lease_owner = NULL, lease_token = NULL, lease_until = NULL \
             WHERE id = $3 AND lease_token = $4 AND state = 'running'",
        )
        .bind(&*text(error))
        .bind(failed_at_ms)
        .bind(id)
        .bind(token)
        .execute(self.pool())
        .await
        .ctx("dead-lettering a job")?
        .rows_affected();
        Ok(n > 0)
    }

    /// Counts the jobs of `queue` by where they are at `now_ms`.
    pub async fn job_counts(&self, queue: &str, now_ms: i64) -> Result<JobCounts, StoreError> {
        const CONTEXT: &str = "counting jobs";
        let sql = format!(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'ready' AND run_at > $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'running' AND lease_until > $4 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM jobs WHERE queue = $5",
            claimable(1, 2)
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(now_ms)
            .bind(now_ms)
            .bind(now_ms)
            .bind(now_ms)
            .bind(queue)
            .fetch_one(self.pool())
            .await
            .ctx(CONTEXT)?;
        let get = |i: usize| row.try_get::<i64, _>(i).map(uint).ctx(CONTEXT);
        Ok(JobCounts {
            ready: get(0)?,
            delayed: get(1)?,
            in_flight: get(2)?,
            dead: get(3)?,
        })
    }

    /// When (ms) the next job of `queue` becomes claimable: the earliest retry time or lease
    /// expiry; `None` when no job is waiting or running.
    pub async fn next_job_due(&self, queue: &str) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar(
            "SELECT MIN(CASE WHEN state = 'ready' THEN run_at ELSE lease_until END) FROM jobs \
             WHERE queue = $1 AND state IN ('ready', 'running')",
        )
        .bind(queue)
        .fetch_one(self.pool())
        .await
        .ctx("reading the next job time")
    }

    /// The dead letters of `queue`, newest first.
    pub async fn dead_jobs(&self, queue: &str, limit: usize) -> Result<Vec<JobRow>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE queue = $1 AND state = 'dead' \
             ORDER BY failed_at DESC, seq DESC LIMIT $2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(queue)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await
            .ctx("listing dead letters")?;
        rows.iter()
            .map(job_row)
            .collect::<Result<_, _>>()
            .ctx("listing dead letters")
    }

    /// Deletes the jobs (waiting, running or dead) of a repository's analyses; call before
    /// deleting the repository.
    pub async fn delete_jobs_of_repository(&self, repository_id: i64) -> Result<u64, StoreError> {
        let n = sqlx::query(
            "DELETE FROM jobs WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)",
        )
        .bind(repository_id)
        .execute(self.pool())
        .await
        .ctx("deleting a repository's jobs")?
        .rows_affected();
        Ok(n)
    }

    /// Deletes every job of `queue` (tests and operators resetting a queue).
    pub async fn purge_queue(&self, queue: &str) -> Result<u64, StoreError> {
        let n = sqlx::query("DELETE FROM jobs WHERE queue = $1")
            .bind(queue)
            .execute(self.pool())
            .await
            .ctx("purging a queue")?
            .rows_affected();
        Ok(n)
    }

    // ---------------------------------------------------------------- checkpoints

    /// Records that `stage` of the analysis completed and its rows are stored.
    pub async fn record_checkpoint(&self, analysis_id: i64, stage: &str) -> Result<(), StoreError> {
        self.complete_stage(analysis_id, stage, None).await
    }

    /// Records that `stage` of the analysis completed, and which worker completed it. The
    /// first record of a stage wins (a re-run after a crash keeps the original).
    pub async fn complete_stage(
        &self,
        analysis_id: i64,
        stage: &str,
        worker: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO analysis_checkpoints (analysis_id, stage, completed_at, worker) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(analysis_id)
        .bind(stage)
        .bind(now())
        .bind(worker.map(|w| text(w).into_owned()))
        .execute(self.pool())
        .await
        .ctx("recording a stage checkpoint")?;
        Ok(())
    }

    /// The completed stages of an analysis with the worker that completed each (`None` for
    /// an in-process run), in the order they completed; join markers left out.
    pub async fn stage_workers(
        &self,
        analysis_id: i64,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        const CONTEXT: &str = "reading the stages' workers";
        let rows = sqlx::query(
            "SELECT stage, worker FROM analysis_checkpoints WHERE analysis_id = $1 \
             AND stage NOT LIKE 'join:%' ORDER BY completed_at, stage",
        )
        .bind(analysis_id)
        .fetch_all(self.pool())
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| Ok((r.try_get("stage")?, r.try_get("worker")?)))
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// The join of parallel stages: records the marker `join:<name>` for the job `job_id`
    /// when every stage of `requires` has completed, unless another job recorded it first.
    /// True when the marker belongs to `job_id` (now, or from an earlier delivery of the
    /// same job), i.e. when this job must enqueue what follows the join.
    ///
    /// Race-safe: each stage records its own checkpoint before it calls this, so of two
    /// stages finishing together at least the later call sees both checkpoints; the marker
    /// is a primary key, so at most one insert succeeds.
    pub async fn claim_join(
        &self,
        analysis_id: i64,
        name: &str,
        requires: &[&str],
        job_id: &str,
    ) -> Result<bool, StoreError> {
        const CONTEXT: &str = "claiming a stage join";
        let marker = format!("join:{name}");
        let list: Vec<String> = (0..requires.len()).map(|i| format!("${}", i + 6)).collect();
        let sql = format!(
            "INSERT INTO analysis_checkpoints (analysis_id, stage, completed_at, job_id) \
             SELECT $1, $2, $3, $4 WHERE (SELECT COUNT(*) FROM analysis_checkpoints \
             WHERE analysis_id = $5 AND stage IN ({})) = {} ON CONFLICT DO NOTHING",
            list.join(", "),
            requires.len()
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(analysis_id)
            .bind(marker.clone())
            .bind(now())
            .bind(text(job_id).into_owned())
            .bind(analysis_id);
        for stage in requires {
            query = query.bind(stage.to_string());
        }
        query.execute(self.pool()).await.ctx(CONTEXT)?;
        let owner: Option<Option<String>> = sqlx::query_scalar(
            "SELECT job_id FROM analysis_checkpoints WHERE analysis_id = $1 AND stage = $2",
        )
        .bind(analysis_id)
        .bind(marker)
        .fetch_optional(self.pool())
        .await
        .ctx(CONTEXT)?;
        Ok(owner.flatten().as_deref() == Some(job_id))
    }

    /// Extends the analysis's liveness lease to `until_ms` (never shortens it): a worker
    /// running one of its stages calls this as it heart-beats.
    pub async fn extend_analysis_lease(
        &self,
        analysis_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE analyses SET lease_until = $1 WHERE id = $2 \
             AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(until_ms)
        .bind(analysis_id)
        .bind(until_ms)
        .execute(self.pool())
        .await
        .ctx("extending an analysis lease")?;
        Ok(())
    }

    /// Unfinished analyses (queued or running) created before `created_before` (Unix
    /// seconds) whose lease ran out by `now_ms` or never existed: candidates for
    /// re-enqueueing when the queue holds no job of theirs. Oldest first, at most `limit`.
    pub async fn unleased_analyses(
        &self,
        now_ms: i64,
        created_before: i64,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar(
            "SELECT id FROM analyses WHERE status IN ('queued', 'running') \
             AND (lease_until IS NULL OR lease_until < $1) AND created_at < $2 ORDER BY id LIMIT $3",
        )
        .bind(now_ms)
        .bind(created_before)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await
        .ctx("looking for unfinished analyses without a worker")
    }

    /// Takes the lease of an unfinished analysis whose lease ran out by `now_ms`, until
    /// `until_ms`. True for exactly one of several callers racing for it: that one
    /// re-enqueues the analysis.
    pub async fn claim_unleased_analysis(
        &self,
        analysis_id: i64,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE analyses SET lease_until = $1 WHERE id = $2 AND status IN ('queued', 'running') \
             AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(until_ms)
        .bind(analysis_id)
        .bind(now_ms)
        .execute(self.pool())
        .await
        .ctx("claiming an unfinished analysis")?
        .rows_affected();
        Ok(n > 0)
    }

    /// The analyses with a waiting or running job in the persisted queue `queue`.
    pub async fn analyses_with_jobs(&self, queue: &str) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar(
            "SELECT DISTINCT analysis_id FROM jobs WHERE queue = $1 \
             AND state IN ('ready', 'running') AND analysis_id IS NOT NULL",
        )
        .bind(queue)
        .fetch_all(self.pool())
        .await
        .ctx("listing the analyses with jobs")
    }

    /// The stages of the analysis that completed, in the order they did.
    pub async fn checkpoints(&self, analysis_id: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT stage FROM analysis_checkpoints WHERE analysis_id = $1 \
             AND stage NOT LIKE 'join:%' ORDER BY completed_at, stage",
        )
        .bind(analysis_id)
        .fetch_all(self.pool())
        .await
        .ctx("reading stage checkpoints")
    }

    /// Each stored file of an analysis with its cyclomatic complexity, by path.
    pub async fn file_complexities(
        &self,
        analysis_id: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        const CONTEXT: &str = "reading file complexities";
        let rows =
            sqlx::query("SELECT path, cyclomatic FROM files WHERE analysis_id = $1 ORDER BY path")
                .bind(analysis_id)
                .fetch_all(self.pool())
                .await
                .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| Ok((r.try_get("path")?, uint(r.try_get("cyclomatic")?))))
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// Sets the revision counts of an analysis's stored files, in one transaction of
    /// multi-row `UPDATE … FROM (VALUES …)` statements.
    pub async fn set_file_revisions(
        &self,
        analysis_id: i64,
        revisions: &[(String, u64)],
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "storing file revisions";
        const ROWS: usize = 1000;
        let mut tx = crate::store::begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        for chunk in revisions.chunks(ROWS) {
            let mut values = String::with_capacity(chunk.len() * 12);
            let mut n = 0;
            let mut param = |backend: Backend| {
                n += 1;
                match backend {
                    Backend::Sqlite => "?".to_string(),
                    Backend::Postgres => format!("${n}"),
                }
            };
            for i in 0..chunk.len() {
                if i > 0 {
                    values.push_str(", ");
                }
                let (a, b) = (param(self.backend()), param(self.backend()));
                values.push_str(&format!("({a}, {b})"));
            }
            let id = param(self.backend());
            let sql = format!(
                "UPDATE files SET revisions = v.column2 FROM (VALUES {values}) AS v \
                 WHERE files.analysis_id = {id} AND files.path = v.column1"
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (path, n) in chunk {
                query = query
                    .bind(text(path).into_owned())
                    .bind(i64::try_from(*n).unwrap_or(i64::MAX));
            }
            query
                .bind(analysis_id)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
        }
        tx.commit().await.ctx(CONTEXT)
    }

    // ---------------------------------------------------------------- cancellation

    /// Asks for an analysis to stop. A queued analysis is cancelled at once; a running one
    /// is flagged, and the worker running it stops at its next check. Returns the analysis
    /// as it is afterwards; an analysis that already ended is left as it is.
    pub async fn request_cancel(
        &self,
        analysis_id: i64,
    ) -> Result<Option<AnalysisRow>, StoreError> {
        const CONTEXT: &str = "cancelling an analysis";
        let at = now();
        sqlx::query(
            "UPDATE analyses SET cancel_requested = 1 WHERE id = $1 \
             AND status NOT IN ('succeeded', 'failed', 'cancelled')",
        )
        .bind(analysis_id)
        .execute(self.pool())
        .await
        .ctx(CONTEXT)?;
        sqlx::query(
            "UPDATE analyses SET status = 'cancelled', finished_at = $1, error = 'the analysis was cancelled' \
             WHERE id = $2 AND status = 'queued'",
        )
        .bind(at)
        .bind(analysis_id)
        .execute(self.pool())
        .await
        .ctx(CONTEXT)?;
        self.analysis(analysis_id).await
    }

    /// True when someone asked for the analysis to stop, or it was deleted (with its
    /// repository) while it ran.
    pub async fn cancel_requested(&self, analysis_id: i64) -> Result<bool, StoreError> {
        let flag: Option<i64> =
            sqlx::query_scalar("SELECT cancel_requested FROM analyses WHERE id = $1")
                .bind(analysis_id)
                .fetch_optional(self.pool())
                .await
                .ctx("reading a cancellation request")?;
        Ok(flag.is_none_or(|f| f != 0))
    }
}
