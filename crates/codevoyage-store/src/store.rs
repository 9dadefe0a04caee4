//! The [`Store`]: connection, rows, and every query, written once for SQLite and PostgreSQL.

use crate::erasure::Erasures;
use crate::error::{Context, StoreError, redact_url};
use codevoyage_model::{Commit, FileChange, FileMetrics, FileNode, Identity, LineCounts};
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Executor, Row};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

mod copy;

/// Rows per multi-row INSERT. Each statement must stay under the bound-parameter limits
/// (SQLite 32766, PostgreSQL 65535): 1000 rows × at most 14 columns = 14000 parameters.
const BATCH_ROWS: usize = 1000;

/// Which database server a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL asks for, by its scheme.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// A handle on the database. Cloning is cheap (the pool is reference-counted).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// On PostgreSQL, a native pool for bulk loads with COPY (which `Any` cannot reach);
    /// its connections open on first use.
    pg: Option<sqlx::PgPool>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// A repository known to CodeVoyage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepositoryRow {
    pub id: i64,
    pub name: String,
    /// Where it was cloned from (a URL or a local path); unique.
    pub source: String,
    /// The revision of the latest successful analysis.
    pub head: Option<String>,
    pub created_at: i64,
    pub last_analyzed_at: Option<i64>,
    pub is_shallow: bool,
    /// The user who registered it; `None` for repositories registered from the command line
    /// or whose owner was deleted.
    pub owner_id: Option<i64>,
    /// "shared" (every user may read it) or "private" (its owner and admins only).
    pub visibility: String,
}

/// Files and lines of code of one language in the latest analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageShare {
    pub language: String,
    pub files: u64,
    pub code: u64,
}

/// A repository with the totals a listing shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepositorySummary {
    pub repository: RepositoryRow,
    pub total_commits: u64,
    pub total_contributors: u64,
    /// Files of the latest succeeded analysis.
    pub total_files: u64,
    /// Languages of the latest succeeded analysis, most code first; files of unknown
    /// language are counted in `total_files` only.
    pub languages: Vec<LanguageShare>,
    /// What the forge (GitHub) says about it, when fetched.
    pub forge: Option<crate::ForgeMetadata>,
}

/// One measured file, as the analysis hands it to the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileRecord {
    pub path: String,
    pub blob_id: Option<String>,
    pub metrics: FileMetrics,
    /// Commits that touched this path.
    pub revisions: u64,
}

/// One contributor of a repository, aggregated from its commits by author email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContributorRow {
    pub id: i64,
    pub repository_id: i64,
    /// The name on their most recent commit.
    pub name: String,
    /// Lower-cased author email (the grouping key).
    pub email: String,
    pub commits: u64,
    pub lines_added: u64,
    pub lines_removed: u64,
    pub first_commit_at: i64,
    pub last_commit_at: i64,
    pub is_bot: bool,
}

/// One ranked finding of an analysis, written by the insights stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsightRecord {
    /// 1 is the most important; unique within an analysis.
    pub rank: i64,
    /// What kind of finding ("hotspot", "bus_factor", …).
    pub kind: String,
    /// "info", "low", "medium", "high".
    pub severity: String,
    pub title: String,
    pub body: String,
    /// The data behind the finding, stored as JSON text.
    pub evidence: serde_json::Value,
}

/// Two files that change together, written by the insights stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouplingRecord {
    pub path_a: String,
    pub path_b: String,
    /// Commits that touched both.
    pub shared: u64,
    /// Strength of the coupling, 0..=1.
    pub degree: f64,
}

/// A stored commit without its changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitRow {
    pub sha: String,
    pub author_name: String,
    pub author_email: String,
    pub author_time: i64,
    pub author_offset: i64,
    pub committer_name: String,
    pub committer_email: String,
    pub committer_time: i64,
    pub summary: String,
    pub parents: Vec<String>,
    pub is_merge: bool,
}

/// A stored function of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionRow {
    pub name: String,
    pub start_line: u32,
    pub end_line: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub parameters: u32,
    pub max_nesting: u32,
}

/// The lifecycle of an analysis: queued → running → succeeded | failed | cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl AnalysisStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisStatus::Queued => "queued",
            AnalysisStatus::Running => "running",
            AnalysisStatus::Succeeded => "succeeded",
            AnalysisStatus::Failed => "failed",
            AnalysisStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => AnalysisStatus::Queued,
            "running" => AnalysisStatus::Running,
            "succeeded" => AnalysisStatus::Succeeded,
            "failed" => AnalysisStatus::Failed,
            "cancelled" => AnalysisStatus::Cancelled,
            _ => return None,
        })
    }

    /// True once the analysis has ended; its status never changes again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            AnalysisStatus::Succeeded | AnalysisStatus::Failed | AnalysisStatus::Cancelled
        )
    }
}

/// One analysis run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalysisRow {
    pub id: i64,
    pub repository_id: i64,
    pub status: String,
    pub stage: Option<String>,
    pub done: i64,
    pub total: i64,
    pub error: Option<String>,
    pub revision: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

impl std::fmt::Display for AnalysisStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AnalysisRow {
    /// The status as an enum; `None` only for a value this version does not know.
    pub fn parsed_status(&self) -> Option<AnalysisStatus> {
        AnalysisStatus::parse(&self.status)
    }
}

/// A partial update of an analysis; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisUpdate {
    pub status: Option<AnalysisStatus>,
    pub stage: Option<String>,
    pub done: Option<i64>,
    pub total: Option<i64>,
    pub error: Option<String>,
    pub revision: Option<String>,
}

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// PostgreSQL refuses NUL characters in TEXT; git data can (rarely) carry them.
pub(crate) fn text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\0') {
        std::borrow::Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Unsigned counts are stored as i64; the few values above i64::MAX saturate.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Counts read back from the database are never negative unless the data is corrupt; clamp.
pub(crate) fn uint(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `head VALUES ($1, …), (…) tail` for `rows` rows of `cols` columns.
///
/// SQLite gets anonymous `?` placeholders instead (bound in the same order): sqlx looks up
/// the name of every numbered parameter, and SQLite finds a name by a linear scan, so a
/// statement with n numbered parameters costs O(n²) to bind — measured here, 1000 rows of
/// commits bound 7× slower per row than 50 rows. PostgreSQL only understands `$n`.
fn insert_sql(backend: Backend, head: &str, cols: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 7);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

/// A `sqlite://` URL for a file path; `%`, `?` and `#` are escaped because sqlx decodes them.
fn sqlite_url(path: &Path) -> Option<String> {
    let path = path.to_str()?;
    let mut escaped = String::with_capacity(path.len());
    for ch in path.chars() {
        match ch {
            '%' => escaped.push_str("%25"),
            '?' => escaped.push_str("%3F"),
            '#' => escaped.push_str("%23"),
            _ => escaped.push(ch),
        }
    }
    Some(format!("sqlite://{escaped}?mode=rwc"))
}

static DRIVERS: Once = Once::new();

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`, waiting up to `busy_timeout`): a deferred transaction that reads
/// first and writes later fails at once with "database is locked" when another connection
/// wrote in between, which no amount of waiting fixes.
pub(crate) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

pub(crate) const REPOSITORY_COLUMNS: &str =
    "id, name, source, head, created_at, last_analyzed_at, is_shallow, owner_id, visibility";
const ANALYSIS_COLUMNS: &str = "id, repository_id, status, stage, done, total, error, revision, created_at, started_at, finished_at";

pub(crate) fn repository_row(row: &AnyRow) -> Result<RepositoryRow, sqlx::Error> {
    Ok(RepositoryRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        source: row.try_get("source")?,
        head: row.try_get("head")?,
        created_at: row.try_get("created_at")?,
        last_analyzed_at: row.try_get("last_analyzed_at")?,
        is_shallow: row.try_get::<i64, _>("is_shallow")? != 0,
        owner_id: row.try_get("owner_id")?,
        visibility: row.try_get("visibility")?,
    })
}

fn analysis_row(row: &AnyRow) -> Result<AnalysisRow, sqlx::Error> {
    Ok(AnalysisRow {
        id: row.try_get("id")?,
        repository_id: row.try_get("repository_id")?,
        status: row.try_get("status")?,
        stage: row.try_get("stage")?,
        done: row.try_get("done")?,
        total: row.try_get("total")?,
        error: row.try_get("error")?,
        revision: row.try_get("revision")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

impl Store {
    /// Connects to `sqlite://<path>?mode=rwc` or `postgres://…`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(url).ok_or_else(|| StoreError::UnsupportedUrl {
            url: redact_url(url),
        })?;
        if backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory")) {
            return Err(StoreError::InMemorySqlite {
                url: url.to_string(),
            });
        }
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        options = match backend {
            Backend::Sqlite => options.max_connections(8).after_connect(|conn, _meta| {
                Box::pin(async move {
                    // busy_timeout first: the other pragmas may have to wait for a lock.
                    conn.execute("PRAGMA busy_timeout=5000").await?;
                    conn.execute("PRAGMA journal_mode=WAL").await?;
                    conn.execute("PRAGMA foreign_keys=ON").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(10),
        };
        let pool = options
            .connect(url)
            .await
            .map_err(|source| StoreError::Connect {
                target: redact_url(url),
                source,
            })?;
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy(url)
                    .map_err(|source| StoreError::Connect {
                        target: redact_url(url),
                        source,
                    })?,
            ),
        };
        Ok(Store { pool, backend, pg })
    }

    /// Opens (creating it and its folder when missing) the SQLite database file at `path`.
    pub async fn open_sqlite_file(path: &Path) -> Result<Store, StoreError> {
        // Absolute, so the URL never depends on how sqlx reads a relative one.
        let absolute = std::path::absolute(path).map_err(|source| StoreError::CreateDir {
            path: path.to_path_buf(),
            source,
        })?;
        let path = absolute.as_path();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let url = sqlite_url(path).ok_or_else(|| StoreError::Connect {
            target: path.display().to_string(),
            source: sqlx::Error::Configuration(
                "the path is not valid UTF-8; choose another data folder".into(),
            ),
        })?;
        Store::connect(&url).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The underlying pool, for queries other crates own (users, API keys, insights…).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Brings the schema to the latest version; a no-op when it already is.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        crate::migrations::migrate(&self.pool, self.backend).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .ctx("pinging the database")?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!("SELECT 1 returned {one}")))
        }
    }

    /// Closes every connection (waits for checked-out ones to come back).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
    }

    // ---------------------------------------------------------------- repositories

    /// Creates the repository with this `source`, or renames the existing one.
    pub async fn upsert_repository(
        &self,
        name: &str,
        source: &str,
    ) -> Result<RepositoryRow, StoreError> {
        let sql = format!(
            "INSERT INTO repositories (name, source, created_at, is_shallow) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (source) DO UPDATE SET name = excluded.name RETURNING {REPOSITORY_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(&*text(name))
            .bind(&*text(source))
            .bind(now())
            .fetch_one(&self.pool)
            .await
            .ctx("saving a repository")?;
        repository_row(&row).ctx("reading a repository")
    }

    pub async fn repository(&self, id: i64) -> Result<Option<RepositoryRow>, StoreError> {
        let sql = format!("SELECT {REPOSITORY_COLUMNS} FROM repositories WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a repository")?;
        row.as_ref()
            .map(repository_row)
            .transpose()
            .ctx("reading a repository")
    }

    /// Every repository with its totals, in creation order.
    pub async fn list_repositories(&self) -> Result<Vec<RepositorySummary>, StoreError> {
        self.summaries(None).await
    }

    /// One repository with its totals (the per-request path of the API: counts only its rows).
    pub async fn repository_summary(
        &self,
        id: i64,
    ) -> Result<Option<RepositorySummary>, StoreError> {
        Ok(self.summaries(Some(id)).await?.into_iter().next())
    }

    /// Repositories with their totals, all of them or only `only`.
    async fn summaries(&self, only: Option<i64>) -> Result<Vec<RepositorySummary>, StoreError> {
        const CONTEXT: &str = "listing repositories";
        let query = |sql: String| {
            let q = sqlx::query(AssertSqlSafe(sql));
            match only {
                Some(id) => q.bind(id),
                None => q,
            }
        };
        let (where_id, where_repository) = match only {
            Some(_) => ("WHERE id = $1", "WHERE repository_id = $1"),
            None => ("", ""),
        };
        let repositories = query(format!(
            "SELECT {REPOSITORY_COLUMNS} FROM repositories {where_id} ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        let counts = |table: &'static str| {
            let q = query(format!(
                "SELECT repository_id, COUNT(*) FROM {table} {where_repository} GROUP BY repository_id"
            ));
            async move {
                let rows = q.fetch_all(&self.pool).await.ctx(CONTEXT)?;
                rows.iter()
                    .map(|r| Ok((r.try_get::<i64, _>(0)?, uint(r.try_get::<i64, _>(1)?))))
                    .collect::<Result<HashMap<i64, u64>, sqlx::Error>>()
                    .ctx(CONTEXT)
            }
        };
        let commits = counts("commits").await?;
        let contributors = counts("contributors").await?;
        let mut forge = self.forge_metadata_by_repository(only).await?;
        let languages = query(format!(
            "SELECT f.repository_id, f.language, COUNT(*), CAST(COALESCE(SUM(f.code), 0) AS BIGINT) \
             FROM files f JOIN (SELECT repository_id, MAX(id) AS id FROM analyses WHERE status = 'succeeded' \
             GROUP BY repository_id) latest ON latest.id = f.analysis_id \
             {} GROUP BY f.repository_id, f.language",
            if only.is_some() { "WHERE f.repository_id = $1" } else { "" }
        ))
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        let mut files: HashMap<i64, u64> = HashMap::new();
        let mut shares: HashMap<i64, Vec<LanguageShare>> = HashMap::new();
        for row in &languages {
            let repository: i64 = row.try_get(0).ctx(CONTEXT)?;
            let language: Option<String> = row.try_get(1).ctx(CONTEXT)?;
            let count = uint(row.try_get(2).ctx(CONTEXT)?);
            let code = uint(row.try_get(3).ctx(CONTEXT)?);
            *files.entry(repository).or_default() += count;
            if let Some(language) = language {
                shares.entry(repository).or_default().push(LanguageShare {
                    language,
                    files: count,
                    code,
                });
            }
        }
        let mut out = Vec::with_capacity(repositories.len());
        for row in &repositories {
            let repository = repository_row(row).ctx(CONTEXT)?;
            let id = repository.id;
            let mut languages = shares.remove(&id).unwrap_or_default();
            languages.sort_by(|a, b| {
                b.code
                    .cmp(&a.code)
                    .then_with(|| a.language.cmp(&b.language))
            });
            out.push(RepositorySummary {
                total_commits: commits.get(&id).copied().unwrap_or(0),
                total_contributors: contributors.get(&id).copied().unwrap_or(0),
                total_files: files.get(&id).copied().unwrap_or(0),
                languages,
                forge: forge.remove(&id),
                repository,
            });
        }
        Ok(out)
    }

    /// Deletes a repository and every row that belongs to it. False when it did not exist.
    pub async fn delete_repository(&self, id: i64) -> Result<bool, StoreError> {
        const CONTEXT: &str = "deleting a repository";
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        // Explicit deletes, children first, rather than trusting ON DELETE CASCADE alone: the
        // result is the same with foreign keys off, and the big tables go in one statement each.
        for sql in [
            "DELETE FROM functions WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)",
            "DELETE FROM insights WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)",
            "DELETE FROM coupling WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)",
            "DELETE FROM files WHERE repository_id = $1",
            "DELETE FROM file_changes WHERE repository_id = $1",
            "DELETE FROM commits WHERE repository_id = $1",
            "DELETE FROM contributors WHERE repository_id = $1",
            "DELETE FROM forge_metadata WHERE repository_id = $1",
            "DELETE FROM analyses WHERE repository_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
        }
        let deleted = sqlx::query("DELETE FROM repositories WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?
            .rows_affected();
        tx.commit().await.ctx(CONTEXT)?;
        Ok(deleted > 0)
    }

    // ---------------------------------------------------------------- analyses

    /// Queues a new analysis of the repository.
    pub async fn create_analysis(&self, repository_id: i64) -> Result<i64, StoreError> {
        let exists = self.repository(repository_id).await?.is_some();
        if !exists {
            return Err(StoreError::NotFound {
                what: "repository",
                id: repository_id,
            });
        }
        sqlx::query_scalar(
            "INSERT INTO analyses (repository_id, status, done, total, created_at) VALUES ($1, 'queued', 0, 0, $2) RETURNING id",
        )
        .bind(repository_id)
        .bind(now())
        .fetch_one(&self.pool)
        .await
        .ctx("creating an analysis")
    }

    pub async fn analysis(&self, id: i64) -> Result<Option<AnalysisRow>, StoreError> {
        let sql = format!("SELECT {ANALYSIS_COLUMNS} FROM analyses WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading an analysis")?;
        row.as_ref()
            .map(analysis_row)
            .transpose()
            .ctx("reading an analysis")
    }

    /// The analyses of a repository, newest first.
    pub async fn analyses(&self, repository_id: i64) -> Result<Vec<AnalysisRow>, StoreError> {
        let sql = format!(
            "SELECT {ANALYSIS_COLUMNS} FROM analyses WHERE repository_id = $1 ORDER BY id DESC"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(repository_id)
            .fetch_all(&self.pool)
            .await
            .ctx("listing analyses")?;
        rows.iter()
            .map(analysis_row)
            .collect::<Result<_, _>>()
            .ctx("listing analyses")
    }

    /// Changes the given fields. A status change stamps `started_at` (first time running) or
    /// `finished_at` (ended); an analysis that has ended keeps its status
    /// ([`StoreError::InvalidTransition`]), except that repeating the same status is a no-op.
    pub async fn update_analysis(
        &self,
        id: i64,
        update: &AnalysisUpdate,
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "updating an analysis";
        let mut sets: Vec<String> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        let status = update.status;
        if let Some(status) = status {
            sets.push(format!("status = {}", next()));
            match status {
                AnalysisStatus::Queued => sets.push("started_at = NULL, finished_at = NULL".into()),
                AnalysisStatus::Running => {
                    sets.push(format!("started_at = COALESCE(started_at, {})", next()))
                }
                _ => sets.push(format!("finished_at = COALESCE(finished_at, {})", next())),
            }
        }
        let fields: [(&str, bool); 5] = [
            ("stage", update.stage.is_some()),
            ("done", update.done.is_some()),
            ("total", update.total.is_some()),
            ("error", update.error.is_some()),
            ("revision", update.revision.is_some()),
        ];
        for (column, present) in fields {
            if present {
                sets.push(format!("{column} = {}", next()));
            }
        }
        let id_param = next();
        if sets.is_empty() {
            return match self.analysis(id).await? {
                Some(_) => Ok(()),
                None => Err(StoreError::NotFound {
                    what: "analysis",
                    id,
                }),
            };
        }
        let mut sql = format!(
            "UPDATE analyses SET {} WHERE id = {id_param}",
            sets.join(", ")
        );
        if let Some(status) = status {
            // Ended analyses keep their status; the same status again is allowed (retries).
            sql.push_str(&format!(
                " AND (status NOT IN ('succeeded', 'failed', 'cancelled') OR status = '{}')",
                status.as_str()
            ));
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(status) = status {
            query = query.bind(status.as_str());
            if !matches!(status, AnalysisStatus::Queued) {
                query = query.bind(now());
            }
        }
        if let Some(stage) = &update.stage {
            query = query.bind(text(stage).into_owned());
        }
        if let Some(done) = update.done {
            query = query.bind(done);
        }
        if let Some(total) = update.total {
            query = query.bind(total);
        }
        if let Some(error) = &update.error {
            query = query.bind(text(error).into_owned());
        }
        if let Some(revision) = &update.revision {
            query = query.bind(text(revision).into_owned());
        }
        let changed = query
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx(CONTEXT)?
            .rows_affected();
        if changed == 0 {
            return match (self.analysis(id).await?, status) {
                (None, _) => Err(StoreError::NotFound {
                    what: "analysis",
                    id,
                }),
                (Some(row), Some(to)) => Err(StoreError::InvalidTransition {
                    id,
                    from: row.status,
                    to: to.as_str(),
                }),
                (Some(_), None) => Ok(()),
            };
        }
        Ok(())
    }

    /// Marks the analysis succeeded and records what it saw on the repository.
    pub async fn finish_analysis(
        &self,
        analysis_id: i64,
        repository_id: i64,
        revision: Option<&str>,
        is_shallow: bool,
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "finishing an analysis";
        let at = now();
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        let changed = sqlx::query(
            "UPDATE analyses SET status = 'succeeded', finished_at = $1, revision = COALESCE($2, revision), \
             stage = NULL, error = NULL \
             WHERE id = $3 AND repository_id = $4 AND status NOT IN ('failed', 'cancelled')",
        )
        .bind(at)
        .bind(revision.map(|r| text(r).into_owned()))
        .bind(analysis_id)
        .bind(repository_id)
        .execute(&mut *tx)
        .await
        .ctx(CONTEXT)?
        .rows_affected();
        if changed == 0 {
            tx.rollback().await.ctx(CONTEXT)?;
            return match self.analysis(analysis_id).await? {
                Some(row) if row.repository_id == repository_id => {
                    Err(StoreError::InvalidTransition {
                        id: analysis_id,
                        from: row.status,
                        to: "succeeded",
                    })
                }
                _ => Err(StoreError::NotFound {
                    what: "analysis",
                    id: analysis_id,
                }),
            };
        }
        sqlx::query(
            "UPDATE repositories SET head = COALESCE($1, head), last_analyzed_at = $2, is_shallow = $3 WHERE id = $4",
        )
        .bind(revision.map(|r| text(r).into_owned()))
        .bind(at)
        .bind(i64::from(is_shallow))
        .bind(repository_id)
        .execute(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        tx.commit().await.ctx(CONTEXT)
    }

    // ---------------------------------------------------------------- history

    /// The ids of the commits already stored, so that an incremental run skips them.
    pub async fn known_commit_ids(
        &self,
        repository_id: i64,
    ) -> Result<HashSet<String>, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT sha FROM commits WHERE repository_id = $1")
                .bind(repository_id)
                .fetch_all(&self.pool)
                .await
                .ctx("reading known commits")?;
        Ok(ids.into_iter().collect())
    }

    /// Stores commits and their file changes in one transaction, with multi-row INSERTs.
    /// Rows already present are left alone; returns how many commits were new.
    ///
    /// The identities of erased people are replaced by their pseudonyms first (see
    /// [`crate::erasure`]); this reads the erasures on every call, so a writer of many
    /// batches reads them once and calls [`Store::insert_commits_erasing`].
    pub async fn insert_commits(
        &self,
        repository_id: i64,
        commits: &[Commit],
    ) -> Result<u64, StoreError> {
        if commits.is_empty() {
            return Ok(0);
        }
        let erasures = self.erasures().await?;
        self.insert_commits_erasing(repository_id, commits, &erasures)
            .await
    }

    /// [`Store::insert_commits`] with the erasures read beforehand (`Store::erasures`, once
    /// per history stage): every author, committer and co-author whose e-mail is erased is
    /// stored under the pseudonym instead.
    pub async fn insert_commits_erasing(
        &self,
        repository_id: i64,
        commits: &[Commit],
        erasures: &Erasures,
    ) -> Result<u64, StoreError> {
        const CONTEXT: &str = "storing commits";
        if commits.is_empty() {
            return Ok(0);
        }
        let commits = erasures.apply(commits);
        // Rows go in key order: two transactions inserting overlapping commits (two analyses
        // of one repository) then take their row locks in the same order and cannot
        // deadlock on PostgreSQL.
        let mut ordered: Vec<&Commit> = commits.iter().map(AsRef::as_ref).collect();
        ordered.sort_by(|a, b| a.id.cmp(&b.id));
        ordered.dedup_by(|a, b| a.id == b.id);
        if let Some(pg) = &self.pg {
            return copy::insert_commits(pg, repository_id, &ordered).await;
        }
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        let mut inserted = 0;
        for chunk in ordered.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO commits (repository_id, sha, author_name, author_email, author_time, author_offset, \
                 committer_name, committer_email, committer_time, committer_offset, summary, parents, co_authors, is_merge)",
                14,
                chunk.len(),
                "ON CONFLICT DO NOTHING",
            );
            // Only full batches are worth keeping prepared; a tail's size rarely repeats.
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for commit in chunk {
                let co_authors = co_authors_json(commit);
                query = query
                    .bind(repository_id)
                    .bind(&*text(&commit.id))
                    .bind(&*text(&commit.author.identity.name))
                    .bind(&*text(&commit.author.identity.email))
                    .bind(commit.author.time)
                    .bind(i64::from(commit.author.offset_minutes))
                    .bind(&*text(&commit.committer.identity.name))
                    .bind(&*text(&commit.committer.identity.email))
                    .bind(commit.committer.time)
                    .bind(i64::from(commit.committer.offset_minutes))
                    .bind(&*text(&commit.summary))
                    .bind(&*text(&commit.parents.join(" ")))
                    .bind(&*text(&co_authors))
                    .bind(i64::from(commit.is_merge()));
            }
            inserted += query.execute(&mut *tx).await.ctx(CONTEXT)?.rows_affected();
        }
        let changes = sorted_changes(&ordered);
        for chunk in changes.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO file_changes (repository_id, commit_sha, path, path_bytes, old_path, kind, added, removed, is_binary)",
                9,
                chunk.len(),
                "ON CONFLICT DO NOTHING",
            );
            // Only full batches are worth keeping prepared; a tail's size rarely repeats.
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for (sha, change) in chunk {
                query = query
                    .bind(repository_id)
                    .bind(&*text(sha))
                    .bind(text(&change.path.to_string_lossy()).into_owned())
                    .bind(change.path.as_bytes())
                    .bind(
                        change
                            .old_path
                            .as_ref()
                            .map(|p| text(&p.to_string_lossy()).into_owned()),
                    )
                    .bind(change.kind.as_str())
                    .bind(i64::from(change.added))
                    .bind(i64::from(change.removed))
                    .bind(i64::from(change.binary));
            }
            query.execute(&mut *tx).await.ctx("storing file changes")?;
        }
        tx.commit().await.ctx(CONTEXT)?;
        Ok(inserted)
    }

    /// Number of stored file changes of a repository.
    pub async fn count_file_changes(&self, repository_id: i64) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM file_changes WHERE repository_id = $1")
                .bind(repository_id)
                .fetch_one(&self.pool)
                .await
                .ctx("counting file changes")?;
        Ok(uint(n))
    }

    /// Recomputes the contributors of a repository from its commits (grouped by lower-cased
    /// author email, named after their latest commit). Returns how many there are.
    pub async fn rebuild_contributors(&self, repository_id: i64) -> Result<u64, StoreError> {
        const CONTEXT: &str = "rebuilding contributors";
        struct Acc {
            name: String,
            commits: i64,
            added: i64,
            removed: i64,
            first: i64,
            last: i64,
        }
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        // Lines are summed per commit first (a streaming scan of the file_changes primary key)
        // and only then joined to the commits: joining every change to its commit was 3×
        // slower on SQLite with 100,000 commits.
        let rows = sqlx::query(
            "SELECT LOWER(c.author_email), COUNT(*), MIN(c.author_time), MAX(c.author_time), \
             CAST(COALESCE(SUM(s.added), 0) AS BIGINT), CAST(COALESCE(SUM(s.removed), 0) AS BIGINT) \
             FROM commits c LEFT JOIN (SELECT commit_sha, SUM(added) AS added, SUM(removed) AS removed \
             FROM file_changes WHERE repository_id = $1 GROUP BY commit_sha) s ON s.commit_sha = c.sha \
             WHERE c.repository_id = $1 GROUP BY LOWER(c.author_email)",
        )
        .bind(repository_id)
        .fetch_all(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        let mut acc: HashMap<String, Acc> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let email: String = row.try_get(0).ctx(CONTEXT)?;
            acc.insert(
                email,
                Acc {
                    name: String::new(),
                    commits: row.try_get(1).ctx(CONTEXT)?,
                    first: row.try_get(2).ctx(CONTEXT)?,
                    last: row.try_get(3).ctx(CONTEXT)?,
                    added: row.try_get(4).ctx(CONTEXT)?,
                    removed: row.try_get(5).ctx(CONTEXT)?,
                },
            );
        }
        // The name on each author's most recent commit (ties broken by sha for determinism).
        let names = sqlx::query(
            "SELECT email, author_name FROM (SELECT LOWER(author_email) AS email, author_name, \
             ROW_NUMBER() OVER (PARTITION BY LOWER(author_email) ORDER BY author_time DESC, sha DESC) AS rn \
             FROM commits WHERE repository_id = $1) latest WHERE rn = 1",
        )
        .bind(repository_id)
        .fetch_all(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        for row in &names {
            let email: String = row.try_get(0).ctx(CONTEXT)?;
            if let Some(a) = acc.get_mut(&email) {
                a.name = row.try_get(1).ctx(CONTEXT)?;
            }
        }
        sqlx::query("DELETE FROM contributors WHERE repository_id = $1")
            .bind(repository_id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?;
        let mut contributors: Vec<(String, Acc)> = acc.into_iter().collect();
        contributors.sort_by(|a, b| b.1.commits.cmp(&a.1.commits).then_with(|| a.0.cmp(&b.0)));
        for chunk in contributors.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO contributors (repository_id, name, email, commits, lines_added, lines_removed, \
                 first_commit_at, last_commit_at, is_bot)",
                9,
                chunk.len(),
                // Two rebuilds of one repository at once: the second one's DELETE cannot see
                // rows the first inserted after it started, so it must overwrite them.
                "ON CONFLICT (repository_id, email) DO UPDATE SET name = excluded.name, \
                 commits = excluded.commits, lines_added = excluded.lines_added, \
                 lines_removed = excluded.lines_removed, first_commit_at = excluded.first_commit_at, \
                 last_commit_at = excluded.last_commit_at, is_bot = excluded.is_bot",
            );
            // Only full batches are worth keeping prepared; a tail's size rarely repeats.
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for (email, a) in chunk {
                let is_bot = Identity {
                    name: a.name.clone(),
                    email: email.clone(),
                }
                .is_bot();
                query = query
                    .bind(repository_id)
                    .bind(a.name.as_str())
                    .bind(email.as_str())
                    .bind(a.commits)
                    .bind(a.added)
                    .bind(a.removed)
                    .bind(a.first)
                    .bind(a.last)
                    .bind(i64::from(is_bot));
            }
            query.execute(&mut *tx).await.ctx(CONTEXT)?;
        }
        tx.commit().await.ctx(CONTEXT)?;
        Ok(contributors.len() as u64)
    }

    /// The contributors of a repository, most commits first.
    pub async fn contributors(
        &self,
        repository_id: i64,
    ) -> Result<Vec<ContributorRow>, StoreError> {
        const CONTEXT: &str = "listing contributors";
        let rows = sqlx::query(
            "SELECT id, repository_id, name, email, commits, lines_added, lines_removed, first_commit_at, \
             last_commit_at, is_bot FROM contributors WHERE repository_id = $1 ORDER BY commits DESC, email",
        )
        .bind(repository_id)
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| {
                Ok(ContributorRow {
                    id: r.try_get("id")?,
                    repository_id: r.try_get("repository_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    commits: uint(r.try_get("commits")?),
                    lines_added: uint(r.try_get("lines_added")?),
                    lines_removed: uint(r.try_get("lines_removed")?),
                    first_commit_at: r.try_get("first_commit_at")?,
                    last_commit_at: r.try_get("last_commit_at")?,
                    is_bot: r.try_get::<i64, _>("is_bot")? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// How many commits touched each path (by its display form).
    pub async fn revisions_by_path(
        &self,
        repository_id: i64,
    ) -> Result<HashMap<String, u64>, StoreError> {
        const CONTEXT: &str = "counting revisions per path";
        let rows = sqlx::query(
            "SELECT path, COUNT(DISTINCT commit_sha) FROM file_changes WHERE repository_id = $1 GROUP BY path",
        )
        .bind(repository_id)
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, uint(r.try_get::<i64, _>(1)?))))
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    // ---------------------------------------------------------------- commits, insights

    /// Commits of a repository, newest first (by author time, then sha), one page.
    pub async fn commits(
        &self,
        repository_id: i64,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<CommitRow>, StoreError> {
        const CONTEXT: &str = "listing commits";
        let rows = sqlx::query(
            "SELECT sha, author_name, author_email, author_time, author_offset, committer_name, committer_email, \
             committer_time, summary, parents, is_merge FROM commits WHERE repository_id = $1 \
             ORDER BY author_time DESC, sha DESC LIMIT $2 OFFSET $3",
        )
        .bind(repository_id)
        .bind(i64::from(limit))
        .bind(int(offset))
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| {
                let parents: String = r.try_get("parents")?;
                Ok(CommitRow {
                    sha: r.try_get("sha")?,
                    author_name: r.try_get("author_name")?,
                    author_email: r.try_get("author_email")?,
                    author_time: r.try_get("author_time")?,
                    author_offset: r.try_get("author_offset")?,
                    committer_name: r.try_get("committer_name")?,
                    committer_email: r.try_get("committer_email")?,
                    committer_time: r.try_get("committer_time")?,
                    summary: r.try_get("summary")?,
                    parents: parents.split_whitespace().map(str::to_string).collect(),
                    is_merge: r.try_get::<i64, _>("is_merge")? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// Author time and lower-cased author email of every stored commit, oldest first: the
    /// input of activity timelines.
    pub async fn commit_times(&self, repository_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        const CONTEXT: &str = "reading commit times";
        let rows = sqlx::query("SELECT author_time, author_email FROM commits WHERE repository_id = $1 ORDER BY author_time")
            .bind(repository_id)
            .fetch_all(&self.pool)
            .await
            .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("author_time")?,
                    r.try_get::<String, _>("author_email")?.to_lowercase(),
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// Streams every stored commit of a repository with its file changes, newest first (by
    /// committer time, then id), to `on_commit`. Memory stays at one commit at a time, so the
    /// insights stage can replay a million-commit history from the database.
    pub async fn for_each_commit(
        &self,
        repository_id: i64,
        on_commit: &mut (dyn FnMut(Commit) + Send),
    ) -> Result<u64, StoreError> {
        use futures_util::TryStreamExt;
        const CONTEXT: &str = "reading the stored history";
        let mut rows = sqlx::query(
            "SELECT c.sha, c.author_name, c.author_email, c.author_time, c.author_offset, c.committer_name, \
             c.committer_email, c.committer_time, c.committer_offset, c.summary, c.parents, c.co_authors, \
             f.path_bytes, f.old_path, f.kind, f.added, f.removed, f.is_binary \
             FROM commits c LEFT JOIN file_changes f ON f.repository_id = c.repository_id AND f.commit_sha = c.sha \
             WHERE c.repository_id = $1 ORDER BY c.committer_time DESC, c.sha DESC, f.path_bytes",
        )
        .bind(repository_id)
        .fetch(&self.pool);
        let mut current: Option<Commit> = None;
        let mut count = 0u64;
        while let Some(row) = rows.try_next().await.ctx(CONTEXT)? {
            let sha: String = row.try_get("sha").ctx(CONTEXT)?;
            if current.as_ref().is_none_or(|c| c.id != sha) {
                if let Some(done) = current.take() {
                    count += 1;
                    on_commit(done);
                }
                current = Some(commit_from_row(&row, sha).ctx(CONTEXT)?);
            }
            let path: Option<Vec<u8>> = row.try_get("path_bytes").ctx(CONTEXT)?;
            if let (Some(path), Some(commit)) = (path, current.as_mut()) {
                let kind: String = row.try_get("kind").ctx(CONTEXT)?;
                let old_path: Option<String> = row.try_get("old_path").ctx(CONTEXT)?;
                commit.changes.push(FileChange {
                    path: codevoyage_model::RepoPath::new(path),
                    old_path: old_path.map(codevoyage_model::RepoPath::from),
                    kind: codevoyage_model::ChangeKind::parse(&kind)
                        .unwrap_or(codevoyage_model::ChangeKind::Modified),
                    added: u32::try_from(row.try_get::<i64, _>("added").ctx(CONTEXT)?).unwrap_or(0),
                    removed: u32::try_from(row.try_get::<i64, _>("removed").ctx(CONTEXT)?)
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

    /// Replaces the insights of an analysis (ranks must be unique; a repeated rank keeps
    /// the first).
    pub async fn replace_insights(
        &self,
        analysis_id: i64,
        insights: &[InsightRecord],
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "storing insights";
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        sqlx::query("DELETE FROM insights WHERE analysis_id = $1")
            .bind(analysis_id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?;
        for chunk in insights.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO insights (analysis_id, rank, kind, severity, title, body, evidence)",
                7,
                chunk.len(),
                "ON CONFLICT DO NOTHING",
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(false);
            for insight in chunk {
                query = query
                    .bind(analysis_id)
                    .bind(insight.rank)
                    .bind(text(&insight.kind).into_owned())
                    .bind(text(&insight.severity).into_owned())
                    .bind(text(&insight.title).into_owned())
                    .bind(text(&insight.body).into_owned())
                    .bind(text(&insight.evidence.to_string()).into_owned());
            }
            query.execute(&mut *tx).await.ctx(CONTEXT)?;
        }
        tx.commit().await.ctx(CONTEXT)
    }

    /// The insights of an analysis, by rank.
    pub async fn insights(&self, analysis_id: i64) -> Result<Vec<InsightRecord>, StoreError> {
        const CONTEXT: &str = "reading insights";
        let rows = sqlx::query(
            "SELECT rank, kind, severity, title, body, evidence FROM insights WHERE analysis_id = $1 ORDER BY rank",
        )
        .bind(analysis_id)
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(|r| {
                let evidence: String = r.try_get("evidence").ctx(CONTEXT)?;
                Ok(InsightRecord {
                    rank: r.try_get("rank").ctx(CONTEXT)?,
                    kind: r.try_get("kind").ctx(CONTEXT)?,
                    severity: r.try_get("severity").ctx(CONTEXT)?,
                    title: r.try_get("title").ctx(CONTEXT)?,
                    body: r.try_get("body").ctx(CONTEXT)?,
                    evidence: serde_json::from_str(&evidence).map_err(|e| {
                        StoreError::Corrupt(format!("insight evidence is not JSON: {e}"))
                    })?,
                })
            })
            .collect()
    }

    /// Replaces the coupled file pairs of an analysis.
    pub async fn replace_coupling(
        &self,
        analysis_id: i64,
        pairs: &[CouplingRecord],
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "storing coupling";
        if let Some(pg) = &self.pg {
            return copy::replace_coupling(pg, analysis_id, pairs).await;
        }
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        sqlx::query("DELETE FROM coupling WHERE analysis_id = $1")
            .bind(analysis_id)
            .execute(&mut *tx)
            .await
            .ctx(CONTEXT)?;
        for chunk in pairs.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO coupling (analysis_id, path_a, path_b, shared, degree)",
                5,
                chunk.len(),
                "ON CONFLICT DO NOTHING",
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for pair in chunk {
                query = query
                    .bind(analysis_id)
                    .bind(text(&pair.path_a).into_owned())
                    .bind(text(&pair.path_b).into_owned())
                    .bind(int(pair.shared))
                    .bind(if pair.degree.is_finite() {
                        pair.degree
                    } else {
                        0.0
                    });
            }
            query.execute(&mut *tx).await.ctx(CONTEXT)?;
        }
        tx.commit().await.ctx(CONTEXT)
    }

    /// The most strongly coupled pairs of an analysis (by degree, then shared commits).
    pub async fn coupling(
        &self,
        analysis_id: i64,
        limit: u32,
    ) -> Result<Vec<CouplingRecord>, StoreError> {
        const CONTEXT: &str = "reading coupling";
        let rows = sqlx::query(
            "SELECT path_a, path_b, shared, degree FROM coupling WHERE analysis_id = $1 \
             ORDER BY degree DESC, shared DESC, path_a, path_b LIMIT $2",
        )
        .bind(analysis_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(coupling_from_row)
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// The functions of one file of an analysis, in source order.
    pub async fn functions(
        &self,
        analysis_id: i64,
        path: &str,
    ) -> Result<Vec<FunctionRow>, StoreError> {
        const CONTEXT: &str = "reading functions";
        let rows = sqlx::query(
            "SELECT name, start_line, end_line, cyclomatic, cognitive, parameters, max_nesting FROM functions \
             WHERE analysis_id = $1 AND path = $2 ORDER BY start_line, name",
        )
        .bind(analysis_id)
        .bind(path)
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        let small = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        rows.iter()
            .map(|r| {
                Ok(FunctionRow {
                    name: r.try_get("name")?,
                    start_line: small(r.try_get("start_line")?),
                    end_line: small(r.try_get("end_line")?),
                    cyclomatic: small(r.try_get("cyclomatic")?),
                    cognitive: small(r.try_get("cognitive")?),
                    parameters: small(r.try_get("parameters")?),
                    max_nesting: small(r.try_get("max_nesting")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    // ---------------------------------------------------------------- files

    /// Replaces the files (and their functions) of an analysis, in one transaction.
    pub async fn replace_files(
        &self,
        repository_id: i64,
        analysis_id: i64,
        files: &[FileRecord],
    ) -> Result<(), StoreError> {
        const CONTEXT: &str = "storing file metrics";
        if let Some(pg) = &self.pg {
            return copy::replace_files(pg, repository_id, analysis_id, files).await;
        }
        let mut tx = begin_write(&self.pool, self.backend).await.ctx(CONTEXT)?;
        for sql in [
            "DELETE FROM functions WHERE analysis_id = $1",
            "DELETE FROM files WHERE analysis_id = $1",
        ] {
            sqlx::query(sql)
                .bind(analysis_id)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
        }
        for chunk in files.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO files (repository_id, analysis_id, path, language, bytes, code, comment, blank, revisions, \
                 cyclomatic, cognitive, maintainability_index, is_binary, blob_id)",
                14,
                chunk.len(),
                // The same path twice in one call keeps the first: a caller bug must not
                // abort the whole stage.
                "ON CONFLICT DO NOTHING",
            );
            // Only full batches are worth keeping prepared; a tail's size rarely repeats.
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for file in chunk {
                let m = &file.metrics;
                query = query
                    .bind(repository_id)
                    .bind(analysis_id)
                    .bind(&*text(&file.path))
                    .bind(m.language.as_deref().map(|l| text(l).into_owned()))
                    .bind(int(m.bytes))
                    .bind(int(m.lines.code))
                    .bind(int(m.lines.comment))
                    .bind(int(m.lines.blank))
                    .bind(int(file.revisions))
                    .bind(i64::from(m.cyclomatic))
                    .bind(i64::from(m.cognitive))
                    .bind(m.maintainability_index.filter(|v| v.is_finite()))
                    .bind(i64::from(m.binary))
                    .bind(file.blob_id.as_deref().map(|b| text(b).into_owned()));
            }
            query.execute(&mut *tx).await.ctx(CONTEXT)?;
        }
        let functions: Vec<(&str, &codevoyage_model::FunctionMetrics)> = files
            .iter()
            .flat_map(|f| {
                f.metrics
                    .functions
                    .iter()
                    .map(move |m| (f.path.as_str(), m))
            })
            .collect();
        for chunk in functions.chunks(BATCH_ROWS) {
            let sql = insert_sql(
                self.backend,
                "INSERT INTO functions (analysis_id, path, name, start_line, end_line, cyclomatic, cognitive, \
                 parameters, max_nesting)",
                9,
                chunk.len(),
                "",
            );
            // Only full batches are worth keeping prepared; a tail's size rarely repeats.
            let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(chunk.len() == BATCH_ROWS);
            for (path, f) in chunk {
                query = query
                    .bind(analysis_id)
                    .bind(&*text(path))
                    .bind(&*text(&f.name))
                    .bind(i64::from(f.start_line))
                    .bind(i64::from(f.end_line))
                    .bind(i64::from(f.cyclomatic))
                    .bind(i64::from(f.cognitive))
                    .bind(i64::from(f.parameters))
                    .bind(i64::from(f.max_nesting));
            }
            query.execute(&mut *tx).await.ctx(CONTEXT)?;
        }
        tx.commit().await.ctx(CONTEXT)
    }

    /// Number of stored functions of an analysis.
    pub async fn count_functions(&self, analysis_id: i64) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM functions WHERE analysis_id = $1")
            .bind(analysis_id)
            .fetch_one(&self.pool)
            .await
            .ctx("counting functions")?;
        Ok(uint(n))
    }

    /// The id of the newest succeeded analysis of a repository.
    pub async fn latest_succeeded_analysis(
        &self,
        repository_id: i64,
    ) -> Result<Option<AnalysisRow>, StoreError> {
        let sql = format!(
            "SELECT {ANALYSIS_COLUMNS} FROM analyses WHERE repository_id = $1 AND status = 'succeeded' \
             ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(repository_id)
            .fetch_optional(&self.pool)
            .await
            .ctx("finding the latest analysis")?;
        row.as_ref()
            .map(analysis_row)
            .transpose()
            .ctx("finding the latest analysis")
    }

    /// The revision and files (sorted by path) of the newest succeeded analysis.
    pub async fn latest_tree(
        &self,
        repository_id: i64,
    ) -> Result<Option<(String, Vec<FileNode>)>, StoreError> {
        const CONTEXT: &str = "reading the file tree";
        let Some(analysis) = self.latest_succeeded_analysis(repository_id).await? else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT path, language, bytes, code, comment, blank, revisions, cyclomatic, is_binary \
             FROM files WHERE analysis_id = $1 ORDER BY path",
        )
        .bind(analysis.id)
        .fetch_all(&self.pool)
        .await
        .ctx(CONTEXT)?;
        let files = rows
            .iter()
            .map(|r| {
                let path: String = r.try_get("path")?;
                let cyclomatic: i64 = r.try_get("cyclomatic")?;
                Ok(FileNode {
                    name: path.rsplit('/').next().unwrap_or(&path).to_string(),
                    language: r.try_get("language")?,
                    lines: LineCounts {
                        code: uint(r.try_get("code")?),
                        comment: uint(r.try_get("comment")?),
                        blank: uint(r.try_get("blank")?),
                    },
                    bytes: uint(r.try_get("bytes")?),
                    revisions: uint(r.try_get("revisions")?),
                    cyclomatic: u32::try_from(cyclomatic).unwrap_or(u32::MAX),
                    binary: r.try_get::<i64, _>("is_binary")? != 0,
                    path,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        Ok(Some((analysis.revision.unwrap_or_default(), files)))
    }

    /// Rows of `table` that belong to a repository (directly or through its analyses);
    /// used to verify deletions. `table` must be one of the schema's table names.
    pub async fn count_rows(&self, table: &str, repository_id: i64) -> Result<u64, StoreError> {
        let sql = match table {
            "repositories" => "SELECT COUNT(*) FROM repositories WHERE id = $1",
            "analyses" => "SELECT COUNT(*) FROM analyses WHERE repository_id = $1",
            "commits" => "SELECT COUNT(*) FROM commits WHERE repository_id = $1",
            "file_changes" => "SELECT COUNT(*) FROM file_changes WHERE repository_id = $1",
            "contributors" => "SELECT COUNT(*) FROM contributors WHERE repository_id = $1",
            "files" => "SELECT COUNT(*) FROM files WHERE repository_id = $1",
            "functions" => {
                "SELECT COUNT(*) FROM functions WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)"
            }
            "insights" => {
                "SELECT COUNT(*) FROM insights WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)"
            }
            "coupling" => {
                "SELECT COUNT(*) FROM coupling WHERE analysis_id IN (SELECT id FROM analyses WHERE repository_id = $1)"
            }
            other => {
                return Err(StoreError::Corrupt(format!(
                    "no repository-scoped table named {other:?}"
                )));
            }
        };
        let n: i64 = sqlx::query_scalar(sql)
            .bind(repository_id)
            .fetch_one(&self.pool)
            .await
            .ctx("counting rows")?;
        Ok(uint(n))
    }
}

/// The co-authors of a commit as stored: a JSON array, `[]` when there are none.
fn co_authors_json(commit: &Commit) -> String {
    if commit.co_authors.is_empty() {
        "[]".to_string()
    } else {
        serde_json::to_string(&commit.co_authors).unwrap_or_else(|_| "[]".to_string())
    }
}

/// The file changes of `commits` with their commit id, in key order (commit, path bytes),
/// so concurrent loads take their row locks in the same order.
fn sorted_changes<'a>(commits: &[&'a Commit]) -> Vec<(&'a str, &'a FileChange)> {
    let mut changes: Vec<(&str, &FileChange)> = commits
        .iter()
        .flat_map(|c| c.changes.iter().map(move |f| (c.id.as_str(), f)))
        .collect();
    changes.sort_by(|a, b| (a.0, a.1.path.as_bytes()).cmp(&(b.0, b.1.path.as_bytes())));
    changes
}

/// The commit part of a `for_each_commit` row (its changes are added row by row).
fn commit_from_row(row: &AnyRow, id: String) -> Result<Commit, sqlx::Error> {
    let signature = |who: &str| -> Result<codevoyage_model::Signature, sqlx::Error> {
        Ok(codevoyage_model::Signature {
            identity: Identity {
                name: row.try_get(format!("{who}_name").as_str())?,
                email: row.try_get(format!("{who}_email").as_str())?,
            },
            time: row.try_get(format!("{who}_time").as_str())?,
            offset_minutes: i32::try_from(row.try_get::<i64, _>(format!("{who}_offset").as_str())?)
                .unwrap_or(0),
        })
    };
    let parents: String = row.try_get("parents")?;
    let co_authors: String = row.try_get("co_authors")?;
    Ok(Commit {
        id,
        parents: parents.split_whitespace().map(str::to_string).collect(),
        author: signature("author")?,
        committer: signature("committer")?,
        summary: row.try_get("summary")?,
        co_authors: serde_json::from_str(&co_authors).unwrap_or_default(),
        changes: Vec::new(),
    })
}

/// A `coupling` row (`path_a, path_b, shared, degree`) as a record.
pub(crate) fn coupling_from_row(r: &sqlx::any::AnyRow) -> Result<CouplingRecord, sqlx::Error> {
    Ok(CouplingRecord {
        path_a: r.try_get("path_a")?,
        path_b: r.try_get("path_b")?,
        shared: uint(r.try_get("shared")?),
        degree: r.try_get("degree")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_numbered_multi_row_inserts() {
        assert_eq!(
            insert_sql(
                Backend::Postgres,
                "INSERT INTO t (a, b)",
                2,
                2,
                "ON CONFLICT DO NOTHING"
            ),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            insert_sql(Backend::Sqlite, "INSERT INTO t (a, b)", 2, 2, ""),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) "
        );
    }

    #[test]
    fn sqlite_urls_escape_what_sqlx_decodes() {
        assert_eq!(
            sqlite_url(Path::new("/tmp/a b/c?d#e%f.db")).as_deref(),
            Some("sqlite:///tmp/a b/c%3Fd%23e%25f.db?mode=rwc")
        );
        assert_eq!(
            Backend::from_url("postgresql://x/y"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://x/y"), None);
    }

    #[test]
    fn status_round_trips() {
        for s in [
            AnalysisStatus::Queued,
            AnalysisStatus::Running,
            AnalysisStatus::Succeeded,
            AnalysisStatus::Failed,
            AnalysisStatus::Cancelled,
        ] {
            assert_eq!(AnalysisStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AnalysisStatus::parse("done"), None);
        assert_eq!(text("a\0b"), "a\u{fffd}b");
    }
}
