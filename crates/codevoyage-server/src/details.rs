//! Detail endpoints: a repository's commits (filtered, cursor-paginated), one file of the
//! latest successful analysis (metrics, functions, history, owners, coupled files), and the
//! GDPR anonymisation of a contributor.
//!
//! Contributor ids: a contributor row is one author e-mail (lower-cased) within one
//! repository, and the rows are rebuilt by every analysis, so an id names that person in the
//! repository's current analysis. Anonymising it replaces the e-mail everywhere the store
//! keeps it, in every repository (the person is the same), by `anonymous-<id>` and
//! `anonymous-<id>@anonymized.invalid`, and records an erasure (the SHA-256 of the
//! lower-cased e-mail, never the e-mail itself, and the pseudonym). Later analyses keep the
//! pseudonym: the history stage stores new commits by that e-mail (any case; as author,
//! committer or co-author, in any repository) under it, and the contributors and insights are
//! rebuilt from the stored commits. See `codevoyage_store`'s `erasure` module.

use crate::api::parse_id;
use crate::auth::{Caller, ClientAddr, Role, audit, visible_repository};
use crate::time::rfc3339;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use base64::Engine as _;
use codevoyage_store::{CommitFilter, ContributorRow};
use serde::{Deserialize, Serialize};

/// Default and largest page of `/commits`.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 500;
/// Commits of a file's history in `/files/{path}` (the total is reported too).
const HISTORY_CAP: u32 = 100;
/// Coupled files listed in `/files/{path}`.
const COUPLED_CAP: u32 = 50;

// ------------------------------------------------------------------------------- times

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn number(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` to the Unix second of its midnight (UTC).
fn parse_date(s: &str) -> Option<i64> {
    let (y, rest) = s.split_at_checked(4)?;
    let rest = rest.strip_prefix('-')?;
    let (m, d) = rest.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (
        number(y)?,
        u32::try_from(number(m)?).ok()?,
        u32::try_from(number(d)?).ok()?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in)
        .contains(&d)
        .then(|| days_from_civil(y, m, d) * 86_400)
}

/// A time filter: `(instant, whole day?)` from RFC 3339 (`2021-01-05T14:30:00Z`,
/// `…+01:00`, fractions ignored) or a date `YYYY-MM-DD` (UTC). A `+` that the query string
/// turned into a space is read as `+`.
fn parse_time(s: &str) -> Option<(i64, bool)> {
    let s = s.trim_start();
    if s.len() == 10 {
        return parse_date(s).map(|t| (t, true));
    }
    let (date, rest) = s.split_at_checked(10)?;
    let day = parse_date(date)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = rest.split_at_checked(8)?;
    let mut parts = clock.split(':');
    let (h, mi, se) = (
        number(parts.next()?)?,
        number(parts.next()?)?,
        number(parts.next()?)?,
    );
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Fractional seconds are dropped: commit times are whole seconds.
    let zone = match zone.strip_prefix('.') {
        Some(frac) => frac.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => zone,
    };
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.chars().next()? {
                '+' | ' ' => 1,
                '-' => -1,
                _ => return None,
            };
            let (oh, om) = zone[1..].split_once(':')?;
            if oh.len() != 2 || om.len() != 2 {
                return None;
            }
            let (oh, om) = (number(oh)?, number(om)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some((day + h * 3600 + mi * 60 + se - offset, false))
}

fn time_filter(name: &str, raw: &str) -> Result<(i64, bool), ApiError> {
    parse_time(raw).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "{name}={raw:?} is not a time: use RFC 3339 (2021-01-05T14:30:00Z, or with an offset \
             such as +01:00, written %2B01:00 in a URL) or a date YYYY-MM-DD (UTC)"
        ))
    })
}

// ------------------------------------------------------------------------------- cursors

fn encode_cursor(time: i64, sha: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{time}:{sha}"))
}

fn decode_cursor(raw: &str) -> Result<(i64, String), ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "cursor {raw:?} is not one this server issued: pass the next_cursor of the previous \
             page unchanged, or leave cursor out for the first page"
        ))
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (time, sha) = text.split_once(':').ok_or_else(bad)?;
    let time: i64 = time.parse().map_err(|_| bad())?;
    if !(4..=64).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok((time, sha.to_string()))
}

// ------------------------------------------------------------------------------- commits

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitQuery {
    since: Option<String>,
    until: Option<String>,
    author: Option<String>,
    path: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    sha: Option<String>,
}

#[derive(Serialize)]
struct Person {
    name: String,
    email: String,
}

#[derive(Serialize)]
struct CommitView {
    sha: String,
    parents: Vec<String>,
    author: Person,
    time: String,
    summary: String,
    files_changed: u64,
    added: u64,
    removed: u64,
}

#[derive(Serialize)]
pub struct CommitPage {
    repository_id: i64,
    items: Vec<CommitView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

fn query_error(e: QueryRejection) -> ApiError {
    ApiError::BadRequest(format!(
        "bad query string: {}; the filters are since, until, author, path, sha, limit and cursor",
        e.body_text()
    ))
}

fn filter_from(q: CommitQuery) -> Result<CommitFilter, ApiError> {
    let limit = match q.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "limit={raw:?}: give a whole number from 1 to {MAX_LIMIT}"
                )));
            }
        },
    };
    let since = q
        .since
        .as_deref()
        .map(|raw| time_filter("since", raw).map(|(t, _)| t))
        .transpose()?;
    // `until` includes its instant, and a date includes its whole day.
    let until = q
        .until
        .as_deref()
        .map(|raw| time_filter("until", raw).map(|(t, day)| t + if day { 86_400 } else { 1 }))
        .transpose()?;
    if let (Some(s), Some(u)) = (since, until)
        && s >= u
    {
        return Err(ApiError::BadRequest(
            "since is after until: give since earlier than until".into(),
        ));
    }
    let author = match q.author {
        Some(a) if a.trim().is_empty() => {
            return Err(ApiError::BadRequest(
                "author is empty: give part of an e-mail or a name, or leave it out".into(),
            ));
        }
        Some(a) if a.chars().count() > 256 => {
            return Err(ApiError::BadRequest(
                "author is longer than 256 characters".into(),
            ));
        }
        other => other.map(|a| a.trim().to_string()),
    };
    let path = match q.path {
        Some(p) => {
            let p = p.trim_start_matches('/').trim_end_matches('/').to_string();
            if p.is_empty() || p.contains('\0') || p.split('/').any(|s| s == ".." || s == ".") {
                return Err(ApiError::BadRequest(
                    "path must be a file or folder path relative to the repository root, \
                     such as src/main.rs or src/"
                        .into(),
                ));
            }
            if p.chars().count() > 4096 {
                return Err(ApiError::BadRequest(
                    "path is longer than 4096 characters".into(),
                ));
            }
            Some(p)
        }
        None => None,
    };
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let sha = q.sha.as_deref().map(full_sha).transpose()?;
    Ok(CommitFilter {
        since,
        until,
        author,
        path,
        after,
        sha,
        limit,
    })
}

/// The `sha` filter: a full SHA-1 (40) or SHA-256 (64) commit id, lower-cased.
fn full_sha(raw: &str) -> Result<String, ApiError> {
    if matches!(raw.len(), 40 | 64) && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(ApiError::BadRequest(format!(
            "sha={raw:?}: give a full commit id, 40 (SHA-1) or 64 (SHA-256) hexadecimal digits"
        )))
    }
}

/// `GET /api/v1/repositories/{id}/commits`.
pub async fn commits(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    query: Result<Query<CommitQuery>, QueryRejection>,
) -> Result<Json<CommitPage>, ApiError> {
    let id = parse_id(&raw)?;
    visible_repository(&state, &caller, id).await?;
    let Query(query) = query.map_err(query_error)?;
    let mut filter = filter_from(query)?;
    let limit = filter.limit;
    // One more than asked tells whether another page follows.
    filter.limit = limit + 1;
    let mut rows = state.store.filtered_commits(id, &filter).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|c| encode_cursor(c.time, &c.sha))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|c| CommitView {
            sha: c.sha,
            parents: c.parents,
            author: Person {
                name: c.author_name,
                email: c.author_email,
            },
            time: rfc3339(c.time),
            summary: c.summary,
            files_changed: c.files_changed,
            added: c.added,
            removed: c.removed,
        })
        .collect();
    Ok(Json(CommitPage {
        repository_id: id,
        items,
        next_cursor,
    }))
}

// ------------------------------------------------------------------------------- one file

#[derive(Serialize)]
struct Lines {
    code: u64,
    comment: u64,
    blank: u64,
}

#[derive(Serialize)]
struct Metrics {
    language: Option<String>,
    bytes: u64,
    lines: Lines,
    revisions: u64,
    cyclomatic: u64,
    cognitive: u64,
    maintainability_index: Option<f64>,
    binary: bool,
}

#[derive(Serialize)]
struct HistoryItem {
    sha: String,
    time: String,
    author: Person,
    summary: String,
    kind: String,
    old_path: Option<String>,
    added: u64,
    removed: u64,
}

#[derive(Serialize)]
struct History {
    /// Commits that changed this path in all; `items` holds the newest of them.
    total: u64,
    items: Vec<HistoryItem>,
}

#[derive(Serialize)]
struct Owner {
    contributor_id: Option<i64>,
    name: String,
    email: String,
    commits: u64,
    lines_added: u64,
    lines_removed: u64,
    /// Share of the file's added lines, 0..=1.
    lines_share: f64,
    /// Share of the file's commits, 0..=1.
    commits_share: f64,
}

#[derive(Serialize)]
struct Coupled {
    path: String,
    shared: u64,
    degree: f64,
}

#[derive(Serialize)]
pub struct FileView {
    repository_id: i64,
    analysis_id: i64,
    revision: Option<String>,
    path: String,
    metrics: Metrics,
    functions: Vec<codevoyage_store::FunctionRow>,
    history: History,
    owners: Vec<Owner>,
    coupled: Vec<Coupled>,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        ((part as f64 / whole as f64) * 1000.0).round() / 1000.0
    }
}

/// `GET /api/v1/repositories/{id}/files/{*path}`: the path percent-decoded (spaces and
/// non-ASCII names work), matched exactly against the analysed revision's files.
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<FileView>, ApiError> {
    let Path((raw, path)) = path.map_err(|e| {
        ApiError::BadRequest(format!(
            "bad path: {}; percent-encode the file path as UTF-8",
            e.body_text()
        ))
    })?;
    let id = parse_id(&raw)?;
    visible_repository(&state, &caller, id).await?;
    let analysis = state
        .store
        .latest_succeeded_analysis(id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "repository {id} has no finished analysis yet; run `codevoyage analyze` on it"
            ))
        })?;
    let path = path.trim_start_matches('/').to_string();
    if path.is_empty() {
        return Err(ApiError::BadRequest(
            "give a file path after /files/, such as /files/src/main.rs".into(),
        ));
    }
    let revision = analysis.revision.clone();
    let detail = state
        .store
        .file_detail(analysis.id, &path)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no file {path:?} in the analysed revision {} of repository {id}; the files are \
                 listed at /api/v1/repositories/{id}/tree",
                revision.as_deref().unwrap_or("(unknown)")
            ))
        })?;
    let mut functions = state.store.functions(analysis.id, &path).await?;
    functions.sort_by(|a, b| {
        b.cyclomatic
            .cmp(&a.cyclomatic)
            .then(a.start_line.cmp(&b.start_line))
            .then_with(|| a.name.cmp(&b.name))
    });
    let (history, total) = state.store.file_history(id, &path, HISTORY_CAP).await?;
    let owners = state.store.file_owners(id, &path).await?;
    let (all_added, all_commits) = owners
        .iter()
        .fold((0, 0), |(a, c), o| (a + o.added, c + o.commits));
    let coupled = state
        .store
        .coupling_of(analysis.id, &path, COUPLED_CAP)
        .await?
        .into_iter()
        .map(|p| Coupled {
            path: if p.path_a == path { p.path_b } else { p.path_a },
            shared: p.shared,
            degree: p.degree,
        })
        .collect();
    Ok(Json(FileView {
        repository_id: id,
        analysis_id: analysis.id,
        revision,
        metrics: Metrics {
            language: detail.language,
            bytes: detail.bytes,
            lines: Lines {
                code: detail.code,
                comment: detail.comment,
                blank: detail.blank,
            },
            revisions: detail.revisions,
            cyclomatic: detail.cyclomatic,
            cognitive: detail.cognitive,
            maintainability_index: detail.maintainability_index,
            binary: detail.binary,
        },
        path: detail.path,
        functions,
        history: History {
            total,
            items: history
                .into_iter()
                .map(|h| HistoryItem {
                    sha: h.sha,
                    time: rfc3339(h.time),
                    author: Person {
                        name: h.author_name,
                        email: h.author_email,
                    },
                    summary: h.summary,
                    kind: h.kind,
                    old_path: h.old_path,
                    added: h.added,
                    removed: h.removed,
                })
                .collect(),
        },
        owners: owners
            .into_iter()
            .map(|o| Owner {
                contributor_id: o.contributor_id,
                lines_share: share(o.added, all_added),
                commits_share: share(o.commits, all_commits),
                name: o.name,
                email: o.email,
                commits: o.commits,
                lines_added: o.added,
                lines_removed: o.removed,
            })
            .collect(),
        coupled,
    }))
}

// ------------------------------------------------------------------------------- anonymise

#[derive(Serialize)]
pub struct AnonymizedView {
    id: i64,
    repository_id: i64,
    name: String,
    email: String,
    commits: u64,
    lines_added: u64,
    lines_removed: u64,
    first_commit_at: String,
    last_commit_at: String,
    is_bot: bool,
    /// The repositories where the identity was replaced.
    repositories: Vec<i64>,
    /// False when the contributor had been anonymised before (nothing changed).
    changed: bool,
}

/// The cached views that show names or e-mails, or derive from the commits; every one of a
/// repository is dropped after an anonymisation.
const CACHED_VIEWS: &[&str] = &["timeline", "ownership", "activity", "tree"];

/// Drops every cached view of a repository from every cache layer (memory or Redis, and the
/// snapshots on disk).
pub(crate) async fn drop_cached_views(cache: &codevoyage_store::cache::Cache, repository: i64) {
    for view in CACHED_VIEWS {
        cache
            .invalidate_prefix(&format!("{view}:{repository}:"))
            .await;
    }
}

/// Keeps the view cache to the analyses that are shown: when an analysis succeeds, the cached
/// views of its repository (all of earlier analyses, whose keys will never be asked for
/// again) are dropped from every layer, snapshots on disk included. Runs until the event bus
/// closes; events lost to lag only leave snapshots for the size bound to evict.
pub async fn drop_superseded_views(
    mut events: tokio::sync::broadcast::Receiver<codevoyage_jobs::Event>,
    cache: codevoyage_store::cache::Cache,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            Ok(event) if matches!(event.kind, codevoyage_jobs::EventKind::Finished) => {
                drop_cached_views(&cache, event.repository_id).await;
            }
            Ok(_) => {}
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(
                    missed = n,
                    "view cache: event bus lagged; superseded views stay until evicted"
                );
            }
            Err(RecvError::Closed) => break,
        }
    }
}

/// `POST /api/v1/contributors/{id}/anonymize` (admins): see the module's documentation.
pub async fn anonymize(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    Path(raw): Path<String>,
) -> Result<Json<AnonymizedView>, ApiError> {
    caller.require(Role::Admin)?;
    let id = raw
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ApiError::BadRequest(format!("contributor id {raw:?} is not a positive integer"))
        })?;
    let not_found = || {
        ApiError::NotFound(format!(
            "no contributor with id {id}; the ids are listed at \
             /api/v1/repositories/{{id}}/contributors"
        ))
    };
    let ContributorRow { repository_id, .. } =
        state.store.contributor(id).await?.ok_or_else(not_found)?;
    visible_repository(&state, &caller, repository_id).await?;
    let done = state
        .store
        .anonymize_contributor(id)
        .await?
        .ok_or_else(not_found)?;
    for repository in &done.repositories {
        drop_cached_views(&state.cache, *repository).await;
    }
    let c = done.contributor;
    // The audit entry names the pseudonym only: recording the erased identity would keep it.
    audit(
        &state,
        &caller.username,
        "contributor.anonymize",
        &format!("contributor:{id}"),
        &if done.changed {
            format!(
                "replaced by {} in repositories {:?}",
                c.name, done.repositories
            )
        } else {
            format!("{} was anonymised already; nothing changed", c.name)
        },
        address.as_deref(),
    )
    .await;
    Ok(Json(AnonymizedView {
        id: c.id,
        repository_id: c.repository_id,
        name: c.name,
        email: c.email,
        commits: c.commits,
        lines_added: c.lines_added,
        lines_removed: c.lines_removed,
        first_commit_at: rfc3339(c.first_commit_at),
        last_commit_at: rfc3339(c.last_commit_at),
        is_bot: c.is_bot,
        repositories: done.repositories,
        changed: done.changed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_rfc3339_or_dates() {
        assert_eq!(parse_time("1970-01-01"), Some((0, true)));
        assert_eq!(parse_time("2021-01-04"), Some((1_609_718_400, true)));
        assert_eq!(
            parse_time("2021-01-04T08:00:00Z"),
            Some((1_609_747_200, false))
        );
        assert_eq!(
            parse_time("2021-01-04T09:00:00+01:00"),
            Some((1_609_747_200, false))
        );
        // A `+` decoded to a space by the query string.
        assert_eq!(
            parse_time("2021-01-04T09:00:00 01:00"),
            Some((1_609_747_200, false))
        );
        assert_eq!(
            parse_time("2021-01-04T03:00:00.250-05:00"),
            Some((1_609_747_200, false))
        );
        assert_eq!(parse_time("2000-02-29"), Some((951_782_400, true)));
        for bad in [
            "",
            "2021",
            "2021-13-01",
            "2021-02-29",
            "2021-01-04T25:00:00Z",
            "yesterday",
            "2021-01-04T08:00:00",
            "2021-01-04T08:00:00+1",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let c = encode_cursor(1_609_747_200, "abc123");
        assert_eq!(
            decode_cursor(&c).ok(),
            Some((1_609_747_200, "abc123".to_string()))
        );
        assert!(decode_cursor("not a cursor").is_err());
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("1:' OR 1=1");
        assert!(decode_cursor(&forged).is_err());
    }

    #[test]
    fn limits_and_filters_are_checked() {
        let q = |limit: Option<&str>, since: Option<&str>, until: Option<&str>| CommitQuery {
            since: since.map(Into::into),
            until: until.map(Into::into),
            author: None,
            path: None,
            limit: limit.map(Into::into),
            cursor: None,
            sha: None,
        };
        assert_eq!(
            filter_from(q(None, None, None)).map(|f| f.limit).ok(),
            Some(50)
        );
        assert!(filter_from(q(Some("0"), None, None)).is_err());
        assert!(filter_from(q(Some("501"), None, None)).is_err());
        assert!(filter_from(q(Some("ten"), None, None)).is_err());
        let f = filter_from(q(None, Some("2021-01-04"), Some("2021-01-04"))).ok();
        assert_eq!(
            f.map(|f| (f.since, f.until)),
            Some((Some(1_609_718_400), Some(1_609_718_400 + 86_400)))
        );
        assert!(filter_from(q(None, Some("2021-01-05"), Some("2021-01-04"))).is_err());
    }

    #[test]
    fn a_sha_is_full_hex_and_lower_cased() {
        let long = "AB".repeat(32);
        assert_eq!(full_sha(&"0a".repeat(20)).ok(), Some("0a".repeat(20)));
        assert_eq!(full_sha(&long).ok(), Some("ab".repeat(32)));
        for bad in [
            "",
            "abc1234",
            &"a".repeat(41),
            &"g".repeat(40),
            " ".repeat(40).as_str(),
        ] {
            assert!(full_sha(bad).is_err(), "{bad:?}");
        }
    }
}
