//! Read queries of the detail endpoints (filtered commit pages, one file's history, owners
//! and coupled files) and the GDPR anonymisation of a contributor (with the erasure record
//! that keeps later history anonymous). Written once for SQLite and PostgreSQL: `$n`
//! placeholders, `SUBSTR`/`LOWER`/`LIKE … ESCAPE` only, sums cast to BIGINT (PostgreSQL's
//! `SUM(bigint)` is `numeric`).

use crate::erasure::{email_sha256, rewrite_co_authors};
use crate::error::{Context, StoreError};
use crate::store::{
    ContributorRow, CouplingRecord, Store, begin_write, coupling_from_row, now, text, uint,
};
use codevoyage_model::Identity;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeSet, HashMap};

/// Filters of a commit page. Times are Unix seconds of the author time; `until` is exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitFilter {
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// A case-insensitive substring of the author's e-mail or name.
    pub author: Option<String>,
    /// Commits that changed this path, or any path under it when it names a folder.
    pub path: Option<String>,
    /// Continue after this `(author time, sha)`: the last commit of the previous page.
    pub after: Option<(i64, String)>,
    /// Only the commit with this full, lower-case sha (looked up by the primary key
    /// `(repository_id, sha)`).
    pub sha: Option<String>,
    pub limit: u32,
}

/// One commit of a page, with the totals of its file changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitSummary {
    pub sha: String,
    pub parents: Vec<String>,
    pub author_name: String,
    pub author_email: String,
    /// Author time, Unix seconds.
    pub time: i64,
    pub summary: String,
    /// Files changed (merges carry none, as in `git log --numstat`).
    pub files_changed: u64,
    pub added: u64,
    pub removed: u64,
}

/// The stored metrics of one file of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileDetail {
    pub path: String,
    pub language: Option<String>,
    pub bytes: u64,
    pub code: u64,
    pub comment: u64,
    pub blank: u64,
    pub revisions: u64,
    pub cyclomatic: u64,
    pub cognitive: u64,
    pub maintainability_index: Option<f64>,
    pub binary: bool,
    pub blob_id: Option<String>,
}

/// One commit that changed a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCommit {
    pub sha: String,
    pub author_name: String,
    pub author_email: String,
    pub time: i64,
    pub summary: String,
    /// added, modified, deleted, renamed…
    pub kind: String,
    pub old_path: Option<String>,
    pub added: u64,
    pub removed: u64,
}

/// One author of a file: commits and lines over the file's whole stored history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileOwner {
    /// The contributor row of this author, when the contributors are built.
    pub contributor_id: Option<i64>,
    pub name: String,
    /// Lower-cased author e-mail.
    pub email: String,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
}

/// What an anonymisation changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anonymized {
    /// The contributor as it is now.
    pub contributor: ContributorRow,
    /// Every repository where the identity appeared (their cached views are stale).
    pub repositories: Vec<i64>,
    /// False when the contributor was anonymised already (nothing changed).
    pub changed: bool,
}

/// The domain of pseudonymous e-mails (`.invalid` is reserved: it never delivers mail).
pub const ANONYMOUS_DOMAIN: &str = "anonymized.invalid";

/// `%` and `_` and `\` escaped for `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Numbers placeholders as they are added.
#[derive(Default)]
struct Params(usize);

impl Params {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("${}", self.0)
    }
}

/// A value to bind, in placeholder order.
enum Bind {
    Int(i64),
    Text(String),
}

const CONTRIBUTOR_COLUMNS: &str = "id, repository_id, name, email, commits, lines_added, lines_removed, \
     first_commit_at, last_commit_at, is_bot";

fn contributor_row(r: &sqlx::any::AnyRow) -> Result<ContributorRow, sqlx::Error> {
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
}

/// Replaces the identity's e-mails and names inside a text. E-mails and names of at least
/// three characters anywhere; shorter names only when they are the whole text (a one-letter
/// name replaced everywhere would mangle unrelated words).
fn scrub(s: &str, needles: &[(String, String)]) -> String {
    let mut out = s.to_string();
    for (from, to) in needles {
        if from.is_empty() {
            continue;
        }
        if from.chars().count() >= 3 || from.contains('@') {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        } else if out == *from {
            out = to.clone();
        }
    }
    out
}

/// [`scrub`] on every string of a JSON value (keys are left alone: they are field names).
fn scrub_json(v: &mut serde_json::Value, needles: &[(String, String)]) {
    match v {
        serde_json::Value::String(s) => *s = scrub(s, needles),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| scrub_json(i, needles)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| scrub_json(i, needles)),
        _ => {}
    }
}

impl Store {
    /// One page of a repository's commits, newest first (author time, then sha), filtered.
    pub async fn filtered_commits(
        &self,
        repository_id: i64,
        filter: &CommitFilter,
    ) -> Result<Vec<CommitSummary>, StoreError> {
        const CONTEXT: &str = "listing commits";
        let mut p = Params::default();
        let mut binds = vec![Bind::Int(repository_id)];
        let mut sql = format!(
            "SELECT c.sha, c.parents, c.author_name, c.author_email, c.author_time, c.summary \
             FROM commits c WHERE c.repository_id = {}",
            p.next()
        );
        if let Some(sha) = &filter.sha {
            sql.push_str(&format!(" AND c.sha = {}", p.next()));
            binds.push(Bind::Text(sha.clone()));
        }
        if let Some(since) = filter.since {
            sql.push_str(&format!(" AND c.author_time >= {}", p.next()));
            binds.push(Bind::Int(since));
        }
        if let Some(until) = filter.until {
            sql.push_str(&format!(" AND c.author_time < {}", p.next()));
            binds.push(Bind::Int(until));
        }
        if let Some(author) = &filter.author {
            let pattern = format!("%{}%", like_escape(&author.to_lowercase()));
            sql.push_str(&format!(
                " AND (LOWER(c.author_email) LIKE {} ESCAPE '\\' OR LOWER(c.author_name) LIKE {} ESCAPE '\\')",
                p.next(),
                p.next()
            ));
            binds.push(Bind::Text(pattern.clone()));
            binds.push(Bind::Text(pattern));
        }
        if let Some(path) = &filter.path {
            let path = path.trim_end_matches('/');
            let folder = format!("{path}/");
            let len = i64::try_from(folder.chars().count()).unwrap_or(i64::MAX);
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM file_changes f WHERE f.repository_id = c.repository_id \
                 AND f.commit_sha = c.sha AND (f.path = {} OR SUBSTR(f.path, 1, CAST({} AS INTEGER)) = {} \
                 OR f.old_path = {} OR SUBSTR(f.old_path, 1, CAST({} AS INTEGER)) = {}))",
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next()
            ));
            for _ in 0..2 {
                binds.push(Bind::Text(path.to_string()));
                binds.push(Bind::Int(len));
                binds.push(Bind::Text(folder.clone()));
            }
        }
        if let Some((time, sha)) = &filter.after {
            sql.push_str(&format!(
                " AND (c.author_time < {} OR (c.author_time = {} AND c.sha < {}))",
                p.next(),
                p.next(),
                p.next()
            ));
            binds.push(Bind::Int(*time));
            binds.push(Bind::Int(*time));
            binds.push(Bind::Text(sha.clone()));
        }
        sql.push_str(&format!(
            " ORDER BY c.author_time DESC, c.sha DESC LIMIT {}",
            p.next()
        ));
        binds.push(Bind::Int(i64::from(filter.limit)));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(text(&v).into_owned()),
            };
        }
        let rows = query.fetch_all(self.pool()).await.ctx(CONTEXT)?;
        let mut commits = rows
            .iter()
            .map(|r| {
                let parents: String = r.try_get("parents")?;
                Ok(CommitSummary {
                    sha: r.try_get("sha")?,
                    parents: parents.split_whitespace().map(str::to_string).collect(),
                    author_name: r.try_get("author_name")?,
                    author_email: r.try_get("author_email")?,
                    time: r.try_get("author_time")?,
                    summary: r.try_get("summary")?,
                    files_changed: 0,
                    added: 0,
                    removed: 0,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        if commits.is_empty() {
            return Ok(commits);
        }
        // Totals of this page's commits only: one grouped scan of their changes.
        let mut p = Params::default();
        let head = format!(
            "SELECT commit_sha, COUNT(*) AS n, CAST(COALESCE(SUM(added), 0) AS BIGINT) AS added, \
             CAST(COALESCE(SUM(removed), 0) AS BIGINT) AS removed FROM file_changes \
             WHERE repository_id = {} AND commit_sha IN (",
            p.next()
        );
        let list: Vec<String> = commits.iter().map(|_| p.next()).collect();
        let sql = format!("{head}{}) GROUP BY commit_sha", list.join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(repository_id);
        for c in &commits {
            query = query.bind(c.sha.clone());
        }
        let rows = query.fetch_all(self.pool()).await.ctx(CONTEXT)?;
        let mut totals: HashMap<String, (u64, u64, u64)> = HashMap::with_capacity(rows.len());
        for r in &rows {
            totals.insert(
                r.try_get("commit_sha").ctx(CONTEXT)?,
                (
                    uint(r.try_get("n").ctx(CONTEXT)?),
                    uint(r.try_get("added").ctx(CONTEXT)?),
                    uint(r.try_get("removed").ctx(CONTEXT)?),
                ),
            );
        }
        for c in &mut commits {
            if let Some((n, a, d)) = totals.get(&c.sha) {
                (c.files_changed, c.added, c.removed) = (*n, *a, *d);
            }
        }
        Ok(commits)
    }

    /// The stored metrics of `path` in an analysis, when the analysed revision has it.
    pub async fn file_detail(
        &self,
        analysis_id: i64,
        path: &str,
    ) -> Result<Option<FileDetail>, StoreError> {
        const CONTEXT: &str = "reading a file's metrics";
        let row = sqlx::query(
            "SELECT path, language, bytes, code, comment, blank, revisions, cyclomatic, cognitive, \
             maintainability_index, is_binary, blob_id FROM files WHERE analysis_id = $1 AND path = $2",
        )
        .bind(analysis_id)
        .bind(text(path).into_owned())
        .fetch_optional(self.pool())
        .await
        .ctx(CONTEXT)?;
        row.map(|r| {
            Ok(FileDetail {
                path: r.try_get("path")?,
                language: r.try_get("language")?,
                bytes: uint(r.try_get("bytes")?),
                code: uint(r.try_get("code")?),
                comment: uint(r.try_get("comment")?),
                blank: uint(r.try_get("blank")?),
                revisions: uint(r.try_get("revisions")?),
                cyclomatic: uint(r.try_get("cyclomatic")?),
                cognitive: uint(r.try_get("cognitive")?),
                maintainability_index: r.try_get("maintainability_index")?,
                binary: r.try_get::<i64, _>("is_binary")? != 0,
                blob_id: r.try_get("blob_id")?,
            })
        })
        .transpose()
        .ctx(CONTEXT)
    }

    /// The newest `limit` commits that changed `path` (under that name), and how many there
    /// are in all.
    pub async fn file_history(
        &self,
        repository_id: i64,
        path: &str,
        limit: u32,
    ) -> Result<(Vec<FileCommit>, u64), StoreError> {
        const CONTEXT: &str = "reading a file's history";
        let path = text(path).into_owned();
        let rows = sqlx::query(
            "SELECT c.sha, c.author_name, c.author_email, c.author_time, c.summary, f.kind, f.old_path, \
             f.added, f.removed FROM file_changes f JOIN commits c \
             ON c.repository_id = f.repository_id AND c.sha = f.commit_sha \
             WHERE f.repository_id = $1 AND f.path = $2 ORDER BY c.author_time DESC, c.sha DESC LIMIT $3",
        )
        .bind(repository_id)
        .bind(path.clone())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .ctx(CONTEXT)?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(FileCommit {
                    sha: r.try_get("sha")?,
                    author_name: r.try_get("author_name")?,
                    author_email: r.try_get("author_email")?,
                    time: r.try_get("author_time")?,
                    summary: r.try_get("summary")?,
                    kind: r.try_get("kind")?,
                    old_path: r.try_get("old_path")?,
                    added: uint(r.try_get("added")?),
                    removed: uint(r.try_get("removed")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM file_changes WHERE repository_id = $1 AND path = $2",
        )
        .bind(repository_id)
        .bind(path)
        .fetch_one(self.pool())
        .await
        .ctx(CONTEXT)?;
        Ok((items, uint(total)))
    }

    /// The authors of `path` (grouped by lower-cased e-mail, named as in the contributors),
    /// most lines added first, then most commits.
    pub async fn file_owners(
        &self,
        repository_id: i64,
        path: &str,
    ) -> Result<Vec<FileOwner>, StoreError> {
        const CONTEXT: &str = "reading a file's authors";
        let rows = sqlx::query(
            "SELECT o.email, o.commits, o.added, o.removed, o.name, k.id AS contributor_id, k.name AS known_name \
             FROM (SELECT LOWER(c.author_email) AS email, COUNT(*) AS commits, \
             CAST(COALESCE(SUM(f.added), 0) AS BIGINT) AS added, CAST(COALESCE(SUM(f.removed), 0) AS BIGINT) AS removed, \
             MAX(c.author_name) AS name FROM file_changes f JOIN commits c \
             ON c.repository_id = f.repository_id AND c.sha = f.commit_sha \
             WHERE f.repository_id = $1 AND f.path = $2 GROUP BY LOWER(c.author_email)) o \
             LEFT JOIN contributors k ON k.repository_id = $3 AND k.email = o.email",
        )
        .bind(repository_id)
        .bind(text(path).into_owned())
        .bind(repository_id)
        .fetch_all(self.pool())
        .await
        .ctx(CONTEXT)?;
        let mut owners = rows
            .iter()
            .map(|r| {
                let known: Option<String> = r.try_get("known_name")?;
                Ok(FileOwner {
                    contributor_id: r.try_get("contributor_id")?,
                    name: match known {
                        Some(k) => k,
                        None => r.try_get("name")?,
                    },
                    email: r.try_get("email")?,
                    commits: uint(r.try_get("commits")?),
                    added: uint(r.try_get("added")?),
                    removed: uint(r.try_get("removed")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .ctx(CONTEXT)?;
        owners.sort_by(|a, b| {
            b.added
                .cmp(&a.added)
                .then(b.commits.cmp(&a.commits))
                .then_with(|| a.email.cmp(&b.email))
        });
        Ok(owners)
    }

    /// The stored coupling pairs of an analysis that involve `path`, strongest first.
    pub async fn coupling_of(
        &self,
        analysis_id: i64,
        path: &str,
        limit: u32,
    ) -> Result<Vec<CouplingRecord>, StoreError> {
        const CONTEXT: &str = "reading a file's coupling";
        let path = text(path).into_owned();
        let rows = sqlx::query(
            "SELECT path_a, path_b, shared, degree FROM coupling WHERE analysis_id = $1 \
             AND (path_a = $2 OR path_b = $3) ORDER BY degree DESC, shared DESC, path_a, path_b LIMIT $4",
        )
        .bind(analysis_id)
        .bind(path.clone())
        .bind(path)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .ctx(CONTEXT)?;
        rows.iter()
            .map(coupling_from_row)
            .collect::<Result<_, sqlx::Error>>()
            .ctx(CONTEXT)
    }

    /// One contributor row by its id.
    pub async fn contributor(&self, id: i64) -> Result<Option<ContributorRow>, StoreError> {
        const CONTEXT: &str = "reading a contributor";
        let sql = format!("SELECT {CONTRIBUTOR_COLUMNS} FROM contributors WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .ctx(CONTEXT)?;
        row.as_ref().map(contributor_row).transpose().ctx(CONTEXT)
    }

    /// GDPR anonymisation of contributor `id`: the person's e-mail (the contributor's
    /// grouping key) is replaced in every repository, by `anonymous-<id>` and
    /// `anonymous-<id>@anonymized.invalid`, in the commits (author, committer, co-authors),
    /// the contributor rows and the stored insights (titles, texts, evidence), in one
    /// transaction, and an erasure (the SHA-256 of the lower-cased e-mail and the pseudonym,
    /// see [`crate::erasure`]) is recorded so that commits stored later get the pseudonym
    /// too. Running it again changes nothing. `None` when there is no such contributor.
    pub async fn anonymize_contributor(&self, id: i64) -> Result<Option<Anonymized>, StoreError> {
        const CONTEXT: &str = "anonymising a contributor";
        let Some(before) = self.contributor(id).await? else {
            return Ok(None);
        };
        if before.email.ends_with(&format!("@{ANONYMOUS_DOMAIN}")) {
            return Ok(Some(Anonymized {
                repositories: vec![before.repository_id],
                contributor: before,
                changed: false,
            }));
        }
        let email = before.email.to_lowercase();
        let hash = email_sha256(&email);
        let mut tx = begin_write(self.pool(), self.backend())
            .await
            .ctx(CONTEXT)?;
        // The erasure outlives this call: history stored later (a new analysis of new
        // commits by the same person) gets the pseudonym too. Only the hash of the e-mail is
        // kept. A person erased before keeps the pseudonym recorded then.
        let recorded = sqlx::query(
            "SELECT pseudonym_name, pseudonym_email FROM erasures WHERE email_sha256 = $1",
        )
        .bind(hash.clone())
        .fetch_optional(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        let (new_name, new_email) = match recorded {
            Some(r) => (
                r.try_get::<String, _>("pseudonym_name").ctx(CONTEXT)?,
                r.try_get::<String, _>("pseudonym_email").ctx(CONTEXT)?,
            ),
            None => {
                let (name, mail) = (
                    format!("anonymous-{id}"),
                    format!("anonymous-{id}@{ANONYMOUS_DOMAIN}"),
                );
                sqlx::query(
                    "INSERT INTO erasures (email_sha256, pseudonym_name, pseudonym_email, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(hash.clone())
                .bind(name.clone())
                .bind(mail.clone())
                .bind(now())
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
                (name, mail)
            }
        };
        // Every spelling of the e-mail and every name it was used with, to scrub free texts.
        let mut emails: BTreeSet<String> = BTreeSet::from([email.clone()]);
        let mut names: BTreeSet<String> = BTreeSet::from([before.name.clone()]);
        let mut repositories: BTreeSet<i64> = BTreeSet::from([before.repository_id]);
        let rows = sqlx::query(
            "SELECT repository_id, author_name AS name, author_email AS email FROM commits WHERE LOWER(author_email) = $1 \
             UNION SELECT repository_id, committer_name AS name, committer_email AS email FROM commits \
             WHERE LOWER(committer_email) = $2 \
             UNION SELECT repository_id, name, email FROM contributors WHERE email = $3",
        )
        .bind(email.clone())
        .bind(email.clone())
        .bind(email.clone())
        .fetch_all(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        for r in &rows {
            repositories.insert(r.try_get("repository_id").ctx(CONTEXT)?);
            names.insert(r.try_get("name").ctx(CONTEXT)?);
            emails.insert(r.try_get("email").ctx(CONTEXT)?);
        }
        for sql in [
            "UPDATE commits SET author_name = $1, author_email = $2 WHERE LOWER(author_email) = $3",
            "UPDATE commits SET committer_name = $1, committer_email = $2 WHERE LOWER(committer_email) = $3",
            "UPDATE contributors SET name = $1, email = $2 WHERE email = $3",
        ] {
            sqlx::query(sql)
                .bind(new_name.clone())
                .bind(new_email.clone())
                .bind(email.clone())
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
        }
        // Co-authors are a JSON list of identities per commit.
        let rows = sqlx::query(
            "SELECT repository_id, sha, co_authors FROM commits WHERE LOWER(co_authors) LIKE $1 ESCAPE '\\'",
        )
        .bind(format!("%{}%", like_escape(&email)))
        .fetch_all(&mut *tx)
        .await
        .ctx(CONTEXT)?;
        let pseudonym = Identity {
            name: new_name.clone(),
            email: new_email.clone(),
        };
        let (_, replaced) = rewrite_co_authors(&mut tx, &rows, CONTEXT, |person| {
            (person.email.to_lowercase() == email)
                .then(|| std::mem::replace(person, pseudonym.clone()))
        })
        .await?;
        for (repository_id, was) in replaced {
            names.insert(was.name);
            emails.insert(was.email);
            repositories.insert(repository_id);
        }
        // Longest first, so that a name contained in another is not replaced inside it.
        let mut needles: Vec<(String, String)> = emails
            .into_iter()
            .map(|e| (e, new_email.clone()))
            .chain(names.into_iter().map(|n| (n, new_name.clone())))
            .filter(|(from, _)| !from.is_empty())
            .collect();
        needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        for repository_id in &repositories {
            let rows = sqlx::query(
                "SELECT i.analysis_id, i.rank, i.title, i.body, i.evidence FROM insights i \
                 JOIN analyses a ON a.id = i.analysis_id WHERE a.repository_id = $1",
            )
            .bind(*repository_id)
            .fetch_all(&mut *tx)
            .await
            .ctx(CONTEXT)?;
            for r in &rows {
                let title: String = r.try_get("title").ctx(CONTEXT)?;
                let body: String = r.try_get("body").ctx(CONTEXT)?;
                let evidence: String = r.try_get("evidence").ctx(CONTEXT)?;
                let mut value: serde_json::Value = serde_json::from_str(&evidence)
                    .map_err(|e| StoreError::Corrupt(format!("insight evidence: {e}")))?;
                scrub_json(&mut value, &needles);
                let new_evidence = serde_json::to_string(&value)
                    .map_err(|e| StoreError::Corrupt(format!("insight evidence: {e}")))?;
                let (new_title, new_body) = (scrub(&title, &needles), scrub(&body, &needles));
                if new_title == title && new_body == body && new_evidence == evidence {
                    continue;
                }
                sqlx::query(
                    "UPDATE insights SET title = $1, body = $2, evidence = $3 WHERE analysis_id = $4 AND rank = $5",
                )
                .bind(new_title)
                .bind(new_body)
                .bind(new_evidence)
                .bind(r.try_get::<i64, _>("analysis_id").ctx(CONTEXT)?)
                .bind(r.try_get::<i64, _>("rank").ctx(CONTEXT)?)
                .execute(&mut *tx)
                .await
                .ctx(CONTEXT)?;
            }
        }
        tx.commit().await.ctx(CONTEXT)?;
        let contributor = self.contributor(id).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("contributor {id} vanished while anonymising it"))
        })?;
        Ok(Some(Anonymized {
            contributor,
            repositories: repositories.into_iter().collect(),
            changed: true,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }

    #[test]
    fn scrub_replaces_emails_and_long_names_but_short_names_only_whole() {
        let needles = vec![
            (
                "alice@example.com".to_string(),
                "x@anonymized.invalid".to_string(),
            ),
            ("Alice Archer".to_string(), "anonymous-1".to_string()),
            ("Al".to_string(), "anonymous-1".to_string()),
        ];
        assert_eq!(
            scrub("Alice Archer <alice@example.com> owns All", &needles),
            "anonymous-1 <x@anonymized.invalid> owns All"
        );
        assert_eq!(scrub("Al", &needles), "anonymous-1");
        let mut v = serde_json::json!({"Alice Archer": ["Alice Archer", 3]});
        scrub_json(&mut v, &needles);
        assert_eq!(v, serde_json::json!({"Alice Archer": ["anonymous-1", 3]}));
    }
}
