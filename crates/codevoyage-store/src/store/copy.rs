//! PostgreSQL bulk loading with `COPY … FROM STDIN` in the text format.
//!
//! sqlx's `Any` driver cannot reach the PostgreSQL connection underneath, so a PostgreSQL
//! [`Store`](super::Store) keeps a second, small native pool for these loads. Rows are encoded
//! into a buffer with [`CopyRows`] (escaping exactly what the text format gives a meaning to)
//! and streamed in chunks.
//!
//! Idempotence: tables with a key are loaded with [`copy_merge`], which tries a plain COPY
//! inside a savepoint (the common case: every row is new) and, when a row already exists
//! (or the same key comes twice in one batch), rolls back to the savepoint and goes through
//! a temporary staging table and `INSERT … SELECT … ON CONFLICT DO NOTHING` instead — the
//! same outcome as the multi-row INSERTs of the SQLite path, which keep the first copy of a
//! key.

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Executor};

/// Bytes per CopyData message sent to the server.
const CHUNK: usize = 1 << 20;

/// Rows in PostgreSQL's COPY text format: fields separated by tabs, rows ended by a
/// newline, `\N` for NULL, and backslash escapes for backslash, tab, newline and carriage
/// return. Text goes through the same NUL replacement as the INSERT path
/// ([`super::text`]), so both paths store the same values.
#[derive(Debug, Default)]
pub(crate) struct CopyRows {
    buf: Vec<u8>,
    /// True at the start of a row (no tab before the first field).
    row_start: bool,
    rows: u64,
}

impl CopyRows {
    pub(crate) fn new() -> CopyRows {
        CopyRows {
            buf: Vec::new(),
            row_start: true,
            rows: 0,
        }
    }

    fn field(&mut self) {
        if !self.row_start {
            self.buf.push(b'\t');
        }
        self.row_start = false;
    }

    pub(crate) fn int(&mut self, value: i64) -> &mut Self {
        use std::io::Write;
        self.field();
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{value}");
        self
    }

    /// A DOUBLE PRECISION value; `None` (and anything not finite) is NULL. `{:?}` prints
    /// the shortest decimal that parses back to the same f64, which PostgreSQL reads exactly.
    pub(crate) fn float(&mut self, value: Option<f64>) -> &mut Self {
        use std::io::Write;
        self.field();
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                let _ = write!(self.buf, "{v:?}");
            }
            None => self.buf.extend_from_slice(b"\\N"),
        }
        self
    }

    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.field();
        for byte in super::text(value).bytes() {
            match byte {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                other => self.buf.push(other),
            }
        }
        self
    }

    pub(crate) fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => {
                self.field();
                self.buf.extend_from_slice(b"\\N");
                self
            }
        }
    }

    /// A BYTEA value in hex form (`\x…`, its backslash escaped for the text format).
    pub(crate) fn bytes(&mut self, value: &[u8]) -> &mut Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.field();
        self.buf.reserve(3 + value.len() * 2);
        self.buf.extend_from_slice(b"\\\\x");
        for b in value {
            self.buf.push(HEX[usize::from(b >> 4)]);
            self.buf.push(HEX[usize::from(b & 0x0f)]);
        }
        self
    }

    pub(crate) fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.row_start = true;
        self.rows += 1;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0
    }

    #[cfg(test)]
    fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// `COPY table (columns) FROM STDIN` with `rows`; returns the rows the server stored.
/// `table` and `columns` are our own identifiers, never user input.
pub(crate) async fn copy_in(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: &CopyRows,
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut copy = conn
        .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN"))
        .await?;
    for chunk in rows.buf.chunks(CHUNK) {
        let sent = copy.send(chunk).await.map(|_| ());
        if let Err(e) = sent {
            // The connection must leave COPY mode before it can be used (or returned) again.
            if let Err(abort) = copy.abort("sending COPY data failed").await {
                tracing::debug!(error = %abort, "aborting a failed COPY");
            }
            return Err(e);
        }
    }
    copy.finish().await
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23505"))
}

/// Loads `rows` into a table with a key, keeping rows already present (and the first of
/// duplicate keys within `rows`); returns how many rows were added. Must run inside a
/// transaction (it uses a savepoint).
pub(crate) async fn copy_merge(
    conn: &mut PgConnection,
    table: &str,
    columns: &str,
    rows: &CopyRows,
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    conn.execute("SAVEPOINT cv_copy").await?;
    match copy_in(conn, table, columns, rows).await {
        Ok(n) => {
            conn.execute("RELEASE SAVEPOINT cv_copy").await?;
            return Ok(n);
        }
        Err(e) if is_unique_violation(&e) => {
            conn.execute("ROLLBACK TO SAVEPOINT cv_copy").await?;
            conn.execute("RELEASE SAVEPOINT cv_copy").await?;
        }
        Err(e) => {
            // Leave the transaction usable for the caller's error handling (it rolls back).
            if let Err(rollback) = conn.execute("ROLLBACK TO SAVEPOINT cv_copy").await {
                tracing::debug!(error = %rollback, "rolling back a failed COPY");
            }
            return Err(e);
        }
    }
    // Some rows exist already: stage them all, then insert what is missing. A seq scan of a
    // freshly filled table returns rows in insertion order, so the first of a duplicated key
    // wins, as with a multi-row INSERT.
    let staging = format!("cv_copy_{table}");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA; \
         TRUNCATE {staging}"
    )))
    .execute(&mut *conn)
    .await?;
    copy_in(conn, &staging, columns, rows).await?;
    let inserted = sqlx::raw_sql(AssertSqlSafe(format!(
        "INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} ON CONFLICT DO NOTHING"
    )))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(inserted)
}

// ------------------------------------------------------------------ the bulk writes

use super::{CouplingRecord, FileRecord, co_authors_json, int, sorted_changes};
use crate::error::{Context, StoreError};
use codevoyage_model::Commit;

const COMMIT_COLUMNS: &str = "repository_id, sha, author_name, author_email, author_time, author_offset, \
     committer_name, committer_email, committer_time, committer_offset, summary, parents, co_authors, is_merge";
const CHANGE_COLUMNS: &str =
    "repository_id, commit_sha, path, path_bytes, old_path, kind, added, removed, is_binary";
const FILE_COLUMNS: &str = "repository_id, analysis_id, path, language, bytes, code, comment, blank, revisions, \
     cyclomatic, cognitive, maintainability_index, is_binary, blob_id";
const FUNCTION_COLUMNS: &str =
    "analysis_id, path, name, start_line, end_line, cyclomatic, cognitive, parameters, max_nesting";
const COUPLING_COLUMNS: &str = "analysis_id, path_a, path_b, shared, degree";

/// [`Store::insert_commits`](super::Store::insert_commits) on PostgreSQL: `ordered` is sorted
/// by id without duplicates. Returns how many commits were new.
pub(super) async fn insert_commits(
    pg: &sqlx::PgPool,
    repository_id: i64,
    ordered: &[&Commit],
) -> Result<u64, StoreError> {
    const CONTEXT: &str = "storing commits";
    let mut commits = CopyRows::new();
    for commit in ordered {
        commits
            .int(repository_id)
            .text(&commit.id)
            .text(&commit.author.identity.name)
            .text(&commit.author.identity.email)
            .int(commit.author.time)
            .int(i64::from(commit.author.offset_minutes))
            .text(&commit.committer.identity.name)
            .text(&commit.committer.identity.email)
            .int(commit.committer.time)
            .int(i64::from(commit.committer.offset_minutes))
            .text(&commit.summary)
            .text(&commit.parents.join(" "))
            .text(&co_authors_json(commit))
            .int(i64::from(commit.is_merge()));
        commits.end_row();
    }
    let mut changes = CopyRows::new();
    for (sha, change) in sorted_changes(ordered) {
        changes
            .int(repository_id)
            .text(sha)
            .text(&change.path.to_string_lossy())
            .bytes(change.path.as_bytes())
            .opt_text(
                change
                    .old_path
                    .as_ref()
                    .map(|p| p.to_string_lossy())
                    .as_deref(),
            )
            .text(change.kind.as_str())
            .int(i64::from(change.added))
            .int(i64::from(change.removed))
            .int(i64::from(change.binary));
        changes.end_row();
    }
    let mut tx = pg.begin().await.ctx(CONTEXT)?;
    let inserted = copy_merge(&mut tx, "commits", COMMIT_COLUMNS, &commits)
        .await
        .ctx(CONTEXT)?;
    copy_merge(&mut tx, "file_changes", CHANGE_COLUMNS, &changes)
        .await
        .ctx("storing file changes")?;
    tx.commit().await.ctx(CONTEXT)?;
    Ok(inserted)
}

/// [`Store::replace_files`](super::Store::replace_files) on PostgreSQL.
pub(super) async fn replace_files(
    pg: &sqlx::PgPool,
    repository_id: i64,
    analysis_id: i64,
    files: &[FileRecord],
) -> Result<(), StoreError> {
    const CONTEXT: &str = "storing file metrics";
    let mut rows = CopyRows::new();
    let mut functions = CopyRows::new();
    for file in files {
        let m = &file.metrics;
        rows.int(repository_id)
            .int(analysis_id)
            .text(&file.path)
            .opt_text(m.language.as_deref())
            .int(int(m.bytes))
            .int(int(m.lines.code))
            .int(int(m.lines.comment))
            .int(int(m.lines.blank))
            .int(int(file.revisions))
            .int(i64::from(m.cyclomatic))
            .int(i64::from(m.cognitive))
            .float(m.maintainability_index)
            .int(i64::from(m.binary))
            .opt_text(file.blob_id.as_deref());
        rows.end_row();
        for f in &m.functions {
            functions
                .int(analysis_id)
                .text(&file.path)
                .text(&f.name)
                .int(i64::from(f.start_line))
                .int(i64::from(f.end_line))
                .int(i64::from(f.cyclomatic))
                .int(i64::from(f.cognitive))
                .int(i64::from(f.parameters))
                .int(i64::from(f.max_nesting));
            functions.end_row();
        }
    }
    let mut tx = pg.begin().await.ctx(CONTEXT)?;
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
    // The same path twice in one call keeps the first (as the INSERT path does): a caller
    // bug must not abort the whole stage.
    copy_merge(&mut tx, "files", FILE_COLUMNS, &rows)
        .await
        .ctx(CONTEXT)?;
    // Functions have no key: a plain COPY after the DELETE leaves exactly one copy.
    copy_in(&mut tx, "functions", FUNCTION_COLUMNS, &functions)
        .await
        .ctx(CONTEXT)?;
    tx.commit().await.ctx(CONTEXT)
}

/// [`Store::replace_coupling`](super::Store::replace_coupling) on PostgreSQL.
pub(super) async fn replace_coupling(
    pg: &sqlx::PgPool,
    analysis_id: i64,
    pairs: &[CouplingRecord],
) -> Result<(), StoreError> {
    const CONTEXT: &str = "storing coupling";
    let mut rows = CopyRows::new();
    for pair in pairs {
        rows.int(analysis_id)
            .text(&pair.path_a)
            .text(&pair.path_b)
            .int(int(pair.shared))
            .float(Some(if pair.degree.is_finite() {
                pair.degree
            } else {
                0.0
            }));
        rows.end_row();
    }
    let mut tx = pg.begin().await.ctx(CONTEXT)?;
    sqlx::query("DELETE FROM coupling WHERE analysis_id = $1")
        .bind(analysis_id)
        .execute(&mut *tx)
        .await
        .ctx(CONTEXT)?;
    copy_merge(&mut tx, "coupling", COUPLING_COLUMNS, &rows)
        .await
        .ctx(CONTEXT)?;
    tx.commit().await.ctx(CONTEXT)
}

#[cfg(test)]
mod tests {
    use super::CopyRows;

    #[test]
    fn escapes_what_the_text_format_interprets() {
        let mut rows = CopyRows::new();
        rows.int(-7)
            .text("a\tb\nc\rd\\e\"f'g é \\N \\.")
            .opt_text(None)
            .float(Some(0.1))
            .float(Some(f64::NAN))
            .bytes(&[0x00, 0xff, b'\\']);
        rows.end_row();
        rows.text("nul\0here");
        rows.end_row();
        assert_eq!(
            std::str::from_utf8(rows.as_bytes()).expect("utf-8"),
            "-7\ta\\tb\\nc\\rd\\\\e\"f'g é \\\\N \\\\.\t\\N\t0.1\t\\N\t\\\\x00ff5c\n\
             nul\u{fffd}here\n"
        );
        assert!(!rows.is_empty());
        assert!(CopyRows::new().is_empty());
    }
}
