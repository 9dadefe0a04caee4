//! Time travel and off-boarding views of a repository's stored history.
//!
//! `GET /api/v1/repositories/{id}/timeline` replays every stored commit, parents before
//! children (ties by committer time: when a change landed), and answers, per period (by
//! committer time), the commit activity and,
//! per file, its line count over time: the running sum of lines added minus lines removed
//! (`git log --numstat --no-renames`), a file ceasing to exist when it is deleted, and a stored
//! rename carrying its source's count over. No re-analysis is needed. Merges carry no numstat,
//! so a history with branches is replayed commit by commit: an edit made on a side branch to
//! a file the main line deleted (or moved) meanwhile does not bring the file back.
//! A file deleted, added or kept only by a merge (a conflict resolution, say) has no event in
//! the stored history, or a side branch's deletion the merge did not take; the newest
//! period is therefore reconciled with the analysed tree of the latest analysis (removed there,
//! or added with the analysed line count, without counting a change), so the city at "now" is
//! the analysed tree. The stored history itself stays exactly `git log`'s.
//!
//! The shape is sparse so that a 50,000-commit history stays small: a file has an entry only
//! in the periods where it changed, as flat triples `[period, lines, changes, …]`, `lines`
//! being the count at the end of that period or `-1` when the file no longer exists then.
//! The period unit is the finest of day, week (Monday to Sunday, UTC) and month that keeps
//! the timeline within [`MAX_PERIODS`] periods.
//!
//! `tags` are the bookmarks: every tag (lightweight or annotated, peeled to its commit) whose
//! commit is in the analysed history, oldest first, with the committer time of that commit
//! (`git for-each-ref refs/tags`), as the history stage stored them.
//!
//! `GET /api/v1/repositories/{id}/ownership` gives, for every file alive at the analysed
//! revision, its experts by degree of authorship (`codevoyage_insights::authorship`, Avelino
//! et al.), which the UI's off-boarding what-if and per-folder bus factor are computed from.
//!
//! Both are cached per analysis, like `/activity`.

use crate::api::parse_id;
use crate::auth::{Caller, visible_repository};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use codevoyage_model::ChangeKind;
use codevoyage_store::{AnalysisRow, TimelineCommit};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Most periods a timeline has (a slider with more steps than this is not useful).
pub const MAX_PERIODS: i64 = 400;

const DAY: i64 = 86_400;

/// The length of one period of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Day,
    Week,
    Month,
}

/// Days since 1970-01-01 of a civil date (the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Unit {
    /// A number that grows by one from one period to the next.
    fn ordinal(self, time: i64) -> i64 {
        let day = time.div_euclid(DAY);
        match self {
            Unit::Day => day,
            // 1970-01-05 (day 4) was a Monday.
            Unit::Week => (day - 4).div_euclid(7),
            Unit::Month => {
                let (y, m, _) = codevoyage_model::time::civil_from_days(day);
                y * 12 + i64::from(m) - 1
            }
        }
    }

    /// The first day (days since the epoch) of the period with this ordinal.
    fn start_day(self, ordinal: i64) -> i64 {
        match self {
            Unit::Day => ordinal,
            Unit::Week => ordinal * 7 + 4,
            Unit::Month => {
                let m = u32::try_from(ordinal.rem_euclid(12) + 1).unwrap_or(1);
                days_from_civil(ordinal.div_euclid(12), m, 1)
            }
        }
    }

    /// The finest unit that covers `[first, last]` in at most [`MAX_PERIODS`] periods.
    pub fn for_range(first: i64, last: i64) -> Unit {
        for unit in [Unit::Day, Unit::Week] {
            if unit.ordinal(last) - unit.ordinal(first) < MAX_PERIODS {
                return unit;
            }
        }
        Unit::Month
    }
}

fn date(day: i64) -> String {
    let (y, m, d) = codevoyage_model::time::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Commit activity in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day of the period, `YYYY-MM-DD` (UTC).
    pub start: String,
    pub commits: u64,
    /// Distinct author e-mails.
    pub authors: u64,
    pub added: u64,
    pub removed: u64,
}

/// The line-count history of one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSeries {
    pub path: String,
    /// Flat triples `[period, lines, changes]` for the periods in which the file changed:
    /// `lines` at the end of the period (`-1`: the file does not exist then), `changes` the
    /// commits that touched it in the period.
    pub series: Vec<i64>,
}

/// The whole timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub unit: Unit,
    /// Which commit time places a commit in a period.
    pub time: &'static str,
    pub periods: Vec<Period>,
    /// Every path that ever existed, sorted by path.
    pub files: Vec<FileSeries>,
}

/// One commit reduced to interned path ids.
struct Compact {
    time: i64,
    /// Indices of the parents that are in the history (an incremental or shallow history may
    /// lack some).
    parents: Vec<u32>,
    author: u32,
    added: u64,
    removed: u64,
    /// (path, rename source, kind, added, removed)
    changes: Vec<(u32, Option<u32>, ChangeKind, u64, u64)>,
}

/// Collects commits (oldest first) into a compact form, then folds them into a [`Timeline`].
#[derive(Default)]
pub struct TimelineBuilder {
    paths: Vec<String>,
    path_ids: HashMap<String, u32>,
    authors: HashMap<String, u32>,
    commits: Vec<Compact>,
    shas: HashMap<String, u32>,
    parent_shas: Vec<Vec<String>>,
}

impl TimelineBuilder {
    fn intern(&mut self, path: String) -> u32 {
        if let Some(&id) = self.path_ids.get(&path) {
            return id;
        }
        let id = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
        self.paths.push(path.clone());
        self.path_ids.insert(path, id);
        id
    }

    /// Adds the next commit; commits must come oldest first.
    pub fn push(&mut self, commit: TimelineCommit) {
        let next = u32::try_from(self.authors.len()).unwrap_or(u32::MAX);
        let author = *self.authors.entry(commit.author_email).or_insert(next);
        let index = u32::try_from(self.commits.len()).unwrap_or(u32::MAX);
        self.shas.insert(commit.sha, index);
        self.parent_shas.push(commit.parents);
        let mut c = Compact {
            time: commit.time,
            parents: Vec::new(),
            author,
            added: 0,
            removed: 0,
            changes: Vec::with_capacity(commit.changes.len()),
        };
        for ch in commit.changes {
            c.added += ch.added;
            c.removed += ch.removed;
            let from = match (ch.kind, ch.old_path) {
                (ChangeKind::Renamed, Some(old)) if old != ch.path => Some(self.intern(old)),
                _ => None,
            };
            let path = self.intern(ch.path);
            c.changes.push((path, from, ch.kind, ch.added, ch.removed));
        }
        self.commits.push(c);
    }

    /// Replay order: parents before children; among the commits ready, the oldest committer
    /// time first (then the store's order). A rebased or cherry-picked commit can carry an
    /// older time than its parent; time order alone would then replay a file's deletion
    /// before the edits it follows.
    fn replay_order(&self) -> Vec<usize> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let n = self.commits.len();
        let mut waiting = vec![0usize; n];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, c) in self.commits.iter().enumerate() {
            for &p in &c.parents {
                waiting[i] += 1;
                children[p as usize].push(i);
            }
        }
        let mut ready: BinaryHeap<Reverse<(i64, usize)>> = (0..n)
            .filter(|&i| waiting[i] == 0)
            .map(|i| Reverse((self.commits[i].time, i)))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse((_, i))) = ready.pop() {
            order.push(i);
            for &child in &children[i] {
                waiting[child] -= 1;
                if waiting[child] == 0 {
                    ready.push(Reverse((self.commits[child].time, child)));
                }
            }
        }
        // A cycle cannot happen in git; should the data hold one, its commits come last.
        if order.len() < n {
            let mut seen = vec![false; n];
            for &i in &order {
                seen[i] = true;
            }
            order.extend((0..n).filter(|&i| !seen[i]));
        }
        order
    }

    /// The timeline from the stored history alone.
    #[cfg(test)]
    fn finish(self) -> Timeline {
        self.finish_with(None)
    }

    /// The timeline, reconciled at its newest period with `analysed`, the files of the analysed
    /// tree and their line counts: merges carry no file changes (as in `git log`), so a file
    /// deleted or added only by a merge (a conflict resolution, say) has no event in the
    /// replay. Such a file is removed, or added with the analysed line count, in the last
    /// period, so the city at "now" is the analysed tree.
    pub fn finish_with(mut self, analysed: Option<&HashMap<String, u64>>) -> Timeline {
        if let Some(analysed) = analysed {
            let mut missing: Vec<&String> = analysed
                .keys()
                .filter(|p| !self.path_ids.contains_key(*p))
                .collect();
            missing.sort_unstable();
            for path in missing {
                self.intern(path.clone());
            }
        }
        for i in 0..self.commits.len() {
            let parents: Vec<u32> = self.parent_shas[i]
                .iter()
                .filter_map(|p| self.shas.get(p).copied())
                .collect();
            self.commits[i].parents = parents;
        }
        let (Some(first), Some(last)) = (
            self.commits.iter().map(|c| c.time).min(),
            self.commits.iter().map(|c| c.time).max(),
        ) else {
            return Timeline {
                unit: Unit::Day,
                time: "committer",
                periods: Vec::new(),
                files: Vec::new(),
            };
        };
        let unit = Unit::for_range(first, last);
        let base = unit.ordinal(first);
        let count = usize::try_from(unit.ordinal(last) - base + 1).unwrap_or(0);
        let mut periods: Vec<Period> = (0..count)
            .map(|i| Period {
                start: date(unit.start_day(base + i as i64)),
                commits: 0,
                authors: 0,
                added: 0,
                removed: 0,
            })
            .collect();
        let n = self.paths.len();
        let mut lines = vec![0i64; n];
        let mut exists = vec![false; n];
        // Whether a path was seen before: an edit of a path that was deleted earlier in the
        // replay comes from a side branch merged after the deletion (the merge itself carries
        // no numstat), so it does not bring the file back.
        let mut seen = vec![false; n];
        let mut changes = vec![0i64; n];
        let mut dirty: Vec<u32> = Vec::new();
        let mut series: Vec<Vec<i64>> = vec![Vec::new(); n];
        let mut current: Option<usize> = None;

        let flush = |p: usize,
                     dirty: &mut Vec<u32>,
                     changes: &mut [i64],
                     series: &mut [Vec<i64>],
                     lines: &[i64],
                     exists: &[bool]| {
            for &f in dirty.iter() {
                let f = f as usize;
                series[f].extend([p as i64, if exists[f] { lines[f] } else { -1 }, changes[f]]);
                changes[f] = 0;
            }
            dirty.clear();
        };

        // Activity counts each commit in its own period.
        let mut period_authors: Vec<HashSet<u32>> = vec![HashSet::new(); count];
        for c in &self.commits {
            let p = usize::try_from(unit.ordinal(c.time) - base).unwrap_or(0);
            let period = &mut periods[p];
            period.commits += 1;
            period.added += c.added;
            period.removed += c.removed;
            period_authors[p].insert(c.author);
        }
        for (period, authors) in periods.iter_mut().zip(&period_authors) {
            period.authors = authors.len() as u64;
        }
        drop(period_authors);

        // Line counts follow the replay order; a commit replayed after a newer one counts in
        // the newer one's period, so every series moves forward in time.
        for i in self.replay_order() {
            let c = &self.commits[i];
            let own = usize::try_from(unit.ordinal(c.time) - base).unwrap_or(0);
            let p = current.map_or(own, |cur| cur.max(own));
            if current != Some(p) {
                if let Some(prev) = current {
                    flush(prev, &mut dirty, &mut changes, &mut series, &lines, &exists);
                }
                current = Some(p);
            }
            let touch = |f: usize, dirty: &mut Vec<u32>, changes: &mut [i64]| {
                if changes[f] == 0 {
                    dirty.push(f as u32);
                }
                changes[f] += 1;
            };
            for &(path, from, kind, added, removed) in &c.changes {
                let f = path as usize;
                let delta = i64::try_from(added).unwrap_or(i64::MAX)
                    - i64::try_from(removed).unwrap_or(i64::MAX);
                match kind {
                    ChangeKind::Deleted => {
                        lines[f] = 0;
                        exists[f] = false;
                    }
                    ChangeKind::Added => {
                        // A path added again after a deletion starts from nothing.
                        let before = if exists[f] { lines[f] } else { 0 };
                        lines[f] = (before + delta).max(0);
                        exists[f] = true;
                    }
                    _ if from.is_none() && seen[f] && !exists[f] => {}
                    _ => {
                        let before = match from {
                            Some(old) => {
                                let o = old as usize;
                                let carried = if exists[o] { lines[o] } else { 0 };
                                lines[o] = 0;
                                exists[o] = false;
                                seen[o] = true;
                                touch(o, &mut dirty, &mut changes);
                                carried
                            }
                            None => lines[f],
                        };
                        lines[f] = (before + delta).max(0);
                        exists[f] = true;
                    }
                }
                seen[f] = true;
                touch(f, &mut dirty, &mut changes);
            }
        }
        if let Some(analysed) = analysed {
            let last = count.saturating_sub(1);
            if current != Some(last) {
                if let Some(prev) = current {
                    flush(prev, &mut dirty, &mut changes, &mut series, &lines, &exists);
                }
                current = Some(last);
            }
            for (f, path) in self.paths.iter().enumerate() {
                let wanted = analysed.get(path);
                if exists[f] == wanted.is_some() {
                    continue;
                }
                match wanted {
                    Some(&n) => {
                        lines[f] = i64::try_from(n).unwrap_or(i64::MAX);
                        exists[f] = true;
                    }
                    None => {
                        lines[f] = 0;
                        exists[f] = false;
                    }
                }
                // Not a commit: the file is flushed in this period without counting a change.
                if changes[f] == 0 && !dirty.contains(&(f as u32)) {
                    dirty.push(f as u32);
                }
            }
        }
        if let Some(prev) = current {
            flush(prev, &mut dirty, &mut changes, &mut series, &lines, &exists);
        }
        let mut files: Vec<FileSeries> = self
            .paths
            .into_iter()
            .zip(series)
            .map(|(path, series)| FileSeries { path, series })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Timeline {
            unit,
            time: "committer",
            periods,
            files,
        }
    }
}

/// The caller must see the repository (404 otherwise, like every read view).
async fn latest_analysis(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<AnalysisRow, ApiError> {
    visible_repository(state, caller, id).await?;
    state
        .store
        .latest_succeeded_analysis(id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "repository {id} has no finished analysis yet; run `codevoyage analyze` on it"
            ))
        })
}

#[derive(Serialize)]
struct TimelineView {
    repository_id: i64,
    analysis_id: i64,
    revision: Option<String>,
    #[serde(flatten)]
    timeline: Timeline,
    tags: Vec<codevoyage_store::TagRow>,
}

fn json(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /api/v1/repositories/{id}/timeline`.
pub async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw)?;
    let analysis = latest_analysis(&state, &caller, id).await?;
    let key = format!("timeline:{id}:{}", analysis.id);
    if let Some(hit) = state.cache.get(&key).await {
        return Ok(json(hit));
    }
    let mut builder = TimelineBuilder::default();
    state
        .store
        .for_each_timeline_commit(id, &mut |c| builder.push(c))
        .await?;
    let analysed: Option<HashMap<String, u64>> =
        state.store.latest_tree(id).await?.map(|(_, files)| {
            files
                .into_iter()
                .map(|f| (f.path, if f.binary { 0 } else { f.lines.total() }))
                .collect()
        });
    let timeline = tokio::task::spawn_blocking(move || builder.finish_with(analysed.as_ref()))
        .await
        .map_err(|e| ApiError::Internal(format!("building the timeline: {e}")))?;
    let tags = state.store.tags(id).await?;
    let body = serde_json::to_vec(&TimelineView {
        repository_id: id,
        analysis_id: analysis.id,
        revision: analysis.revision,
        timeline,
        tags,
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    state.cache.set(&key, &body, state.cache_ttl).await;
    Ok(json(body))
}

#[derive(Serialize)]
struct Person {
    email: String,
    name: String,
}

#[derive(Serialize)]
struct FileExperts {
    path: String,
    /// `[person index, normalised degree of authorship]`, strongest first.
    authors: Vec<(usize, f64)>,
}

#[derive(Serialize)]
struct OwnershipView {
    repository_id: i64,
    analysis_id: i64,
    formula: &'static str,
    people: Vec<Person>,
    files: Vec<FileExperts>,
}

const DOA_FORMULA: &str = "DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC); an expert has \
     DOA ≥ 3.293 and at least 0.75 of the file's highest DOA";

/// `GET /api/v1/repositories/{id}/ownership`: the experts of every live file.
pub async fn ownership(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    use codevoyage_insights::{HistoryBuilder, HistoryOptions};
    let id = parse_id(&raw)?;
    let analysis = latest_analysis(&state, &caller, id).await?;
    let key = format!("ownership:{id}:{}", analysis.id);
    if let Some(hit) = state.cache.get(&key).await {
        return Ok(json(hit));
    }
    let (_, files) = state.store.latest_tree(id).await?.unwrap_or_default();
    let live: HashSet<String> = files.into_iter().map(|f| f.path).collect();
    let mut builder = HistoryBuilder::new(HistoryOptions::default());
    let mut newest = i64::MIN;
    // Same replay as the insights stage, so the experts agree with its bus-factor findings.
    state
        .store
        .for_each_commit(id, &mut |commit| {
            newest = newest.max(commit.committer.time);
            builder.push(&commit);
        })
        .await?;
    let now = if newest == i64::MIN { 0 } else { newest };
    let view = tokio::task::spawn_blocking(move || {
        let mut history = builder.finish(now);
        history.mark_live(|p| live.contains(p));
        let mut people: Vec<Person> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let files = codevoyage_insights::busfactor::authorship(&history)
            .into_iter()
            .map(|f| FileExperts {
                path: f.path,
                authors: f
                    .authors
                    .into_iter()
                    .map(|a| {
                        let i = *index.entry(a.person.email.clone()).or_insert_with(|| {
                            people.push(Person {
                                email: a.person.email.clone(),
                                name: a.person.name.clone(),
                            });
                            people.len() - 1
                        });
                        (i, (a.normalised * 1000.0).round() / 1000.0)
                    })
                    .collect(),
            })
            .collect();
        (people, files)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("computing ownership: {e}")))?;
    let body = serde_json::to_vec(&OwnershipView {
        repository_id: id,
        analysis_id: analysis.id,
        formula: DOA_FORMULA,
        people: view.0,
        files: view.1,
    })
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    state.cache.set(&key, &body, state.cache_ttl).await;
    Ok(json(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use codevoyage_store::TimelineChange;

    fn change(path: &str, kind: ChangeKind, added: u64, removed: u64) -> TimelineChange {
        TimelineChange {
            path: path.into(),
            old_path: None,
            kind,
            added,
            removed,
            binary: false,
        }
    }

    fn commit(time: i64, email: &str, changes: Vec<TimelineChange>) -> TimelineCommit {
        TimelineCommit {
            sha: format!("{time}"),
            time,
            author_email: email.into(),
            parents: Vec::new(),
            changes,
        }
    }

    fn series<'a>(t: &'a Timeline, path: &str) -> &'a [i64] {
        t.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.series.as_slice())
            .unwrap_or(&[])
    }

    #[test]
    fn civil_round_trip() {
        for day in [-800_000, -1, 0, 59, 11_016, 18_628, 20_000, 2_000_000] {
            let (y, m, d) = codevoyage_model::time::civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day, "day {day}");
        }
    }

    #[test]
    fn units_and_period_starts() {
        let mon = 1_609_718_400; // 2021-01-04, a Monday
        assert_eq!(Unit::for_range(mon, mon + 399 * DAY), Unit::Day);
        assert_eq!(Unit::for_range(mon, mon + 400 * DAY), Unit::Week);
        assert_eq!(Unit::for_range(mon, mon + 3000 * DAY), Unit::Month);
        let sunday_night = mon + 6 * DAY + 86_399;
        assert_eq!(Unit::Week.ordinal(mon), Unit::Week.ordinal(sunday_night));
        assert_eq!(
            Unit::Week.ordinal(mon) + 1,
            Unit::Week.ordinal(mon + 7 * DAY)
        );
        assert_eq!(
            date(Unit::Week.start_day(Unit::Week.ordinal(mon + 3 * DAY))),
            "2021-01-04"
        );
        assert_eq!(
            date(Unit::Month.start_day(Unit::Month.ordinal(mon))),
            "2021-01-01"
        );
        let dec = Unit::Month.ordinal(1_638_316_800); // 2021-12-01
        assert_eq!(date(Unit::Month.start_day(dec + 1)), "2022-01-01");
    }

    #[test]
    fn sparse_line_counts_follow_adds_edits_deletes_and_renames() {
        let t0 = 1_609_718_400;
        let mut b = TimelineBuilder::default();
        b.push(commit(
            t0,
            "a",
            vec![change("a.txt", ChangeKind::Added, 10, 0)],
        ));
        b.push(commit(
            t0 + 60,
            "b",
            vec![change("a.txt", ChangeKind::Modified, 2, 5)],
        ));
        b.push(commit(t0 + 2 * DAY, "a", vec![]));
        let mut renamed = change("b.txt", ChangeKind::Renamed, 1, 0);
        renamed.old_path = Some("a.txt".into());
        b.push(commit(t0 + 3 * DAY, "a", vec![renamed]));
        b.push(commit(
            t0 + 4 * DAY,
            "c",
            vec![
                change("b.txt", ChangeKind::Deleted, 0, 8),
                change("a.txt", ChangeKind::Added, 4, 0),
            ],
        ));
        let t = b.finish();
        assert_eq!(t.unit, Unit::Day);
        assert_eq!(t.periods.len(), 5);
        assert_eq!(t.periods[0].start, "2021-01-04");
        assert_eq!(
            (
                t.periods[0].commits,
                t.periods[0].authors,
                t.periods[0].added,
                t.periods[0].removed
            ),
            (2, 2, 12, 5)
        );
        assert_eq!((t.periods[1].commits, t.periods[2].commits), (0, 1));
        // Day 0: 10 − 3 = 7 lines, two changes; day 3: renamed away; day 4: added anew.
        assert_eq!(series(&t, "a.txt"), [0, 7, 2, 3, -1, 1, 4, 4, 1]);
        assert_eq!(series(&t, "b.txt"), [3, 8, 1, 4, -1, 1]);
        assert_eq!(
            t.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["a.txt", "b.txt"]
        );
    }

    #[test]
    fn parents_replay_before_children_even_with_older_times() {
        // The deletion's parent edited the file but carries a later (rebased) time.
        let t0 = 1_609_718_400;
        let mut create = commit(t0, "a", vec![change("x.txt", ChangeKind::Added, 5, 0)]);
        create.sha = "c1".into();
        let mut edit = commit(
            t0 + 3 * DAY,
            "a",
            vec![change("x.txt", ChangeKind::Modified, 2, 0)],
        );
        edit.sha = "c2".into();
        edit.parents = vec!["c1".into()];
        let mut delete = commit(
            t0 + 2 * DAY,
            "b",
            vec![change("x.txt", ChangeKind::Deleted, 0, 7)],
        );
        delete.sha = "c3".into();
        delete.parents = vec!["c2".into()];
        let mut b = TimelineBuilder::default();
        // Store order: by time.
        for c in [create, delete, edit] {
            b.push(c);
        }
        let t = b.finish();
        // Replayed c1, c2 (day 3), then c3 (day 2, counted on day 3): gone at the end.
        assert_eq!(series(&t, "x.txt"), [0, 5, 1, 3, -1, 2]);
        // Activity stays in each commit's own period.
        assert_eq!(
            t.periods.iter().map(|p| p.commits).collect::<Vec<_>>(),
            [1, 0, 1, 1]
        );
    }

    #[test]
    fn a_side_branch_edit_does_not_bring_a_deleted_file_back() {
        let t0 = 1_609_718_400;
        let mut b = TimelineBuilder::default();
        b.push(commit(
            t0,
            "a",
            vec![change("x.txt", ChangeKind::Added, 5, 0)],
        ));
        b.push(commit(
            t0 + DAY,
            "a",
            vec![change("x.txt", ChangeKind::Deleted, 0, 5)],
        ));
        b.push(commit(
            t0 + 2 * DAY,
            "b",
            vec![change("x.txt", ChangeKind::Modified, 1, 1)],
        ));
        let t = b.finish();
        assert_eq!(series(&t, "x.txt"), [0, 5, 1, 1, -1, 1, 2, -1, 1]);
    }

    #[test]
    fn the_last_period_is_reconciled_with_the_analysed_tree() {
        let t0 = 1_609_718_400;
        let mut b = TimelineBuilder::default();
        b.push(commit(
            t0,
            "a",
            vec![
                change("stay.txt", ChangeKind::Added, 3, 0),
                change("merged-away.txt", ChangeKind::Added, 5, 0),
            ],
        ));
        // A merge (no file changes) two days later deleted merged-away.txt and added new.txt.
        b.push(commit(t0 + 2 * DAY, "b", vec![]));
        let analysed: HashMap<String, u64> =
            [("stay.txt".to_string(), 3), ("new.txt".to_string(), 7)].into();
        let t = b.finish_with(Some(&analysed));
        assert_eq!(series(&t, "stay.txt"), [0, 3, 1]);
        assert_eq!(series(&t, "merged-away.txt"), [0, 5, 1, 2, -1, 0]);
        assert_eq!(series(&t, "new.txt"), [2, 7, 0]);
        // Without the analysed tree, the replay alone keeps the merged-away file.
        let mut b = TimelineBuilder::default();
        b.push(commit(
            t0,
            "a",
            vec![change("merged-away.txt", ChangeKind::Added, 5, 0)],
        ));
        assert_eq!(series(&b.finish(), "merged-away.txt"), [0, 5, 1]);
    }

    #[test]
    fn empty_history_has_no_periods() {
        let t = TimelineBuilder::default().finish();
        assert!(t.periods.is_empty() && t.files.is_empty());
    }
}
