//! The one input every analytic reads: a compact, rename-aware view of the commit history.
//!
//! [`History`] is built from commits in the order the history engine emits them (newest first,
//! as `git log` prints them), one at a time through [`HistoryBuilder`] or all at once with
//! [`History::from_commits`]. It keeps only what the analytics need, in flat arrays of small
//! integers, so a million-commit history costs tens of megabytes rather than gigabytes.
//!
//! **Renames.** A file keeps one identity (a *lineage*) across renames: the history is replayed
//! oldest → newest, and a `Renamed` change moves the lineage of `old_path` to `path`. Every
//! lineage is reported under its latest name, so `src/a.py` renamed to `lib/a.py` has one
//! history, reported as `lib/a.py`. A file deleted and later re-added at the same path continues
//! the same lineage (it is the same path to a reader of the tree). Producers that diff without
//! rename detection (the history engine uses `--no-renames` semantics) report a move as a
//! deletion plus an addition; with [`HistoryOptions::infer_renames`] (the default) a pure move
//! within one commit — same file name, as many lines added as removed — is read as a rename,
//! carrying no lines (moving code is not writing it). Edited moves stay a deletion and an
//! addition. Changes a branch made to the old name after the rename landed elsewhere (a
//! history is a graph replayed in a line) are attributed to the renamed file.
//!
//! **People.** Identities are normalised by lowercased e-mail (after the `.mailmap` resolution
//! the history engine applied); the display name is the one on the person's latest commit.
//! Bots (see [`codevoyage_model::Identity::is_bot`]) are, by default, not credited as people:
//! their commits still count as changes, but never make a bot an owner or an expert. People named
//! in `Co-authored-by:` trailers are credited with the commit (revisions, deliveries) but the
//! lines added are credited to the commit's author alone, since git records no split.
//!
//! **Time.** Every timestamp is the *author* time in seconds since the Unix epoch; the analysis
//! time `now` is passed in, never read from the clock, so results are reproducible.

use codevoyage_model::{ChangeKind, Commit, FileChange, Identity};
use serde::Serialize;
use std::collections::HashMap;

/// Index of a file lineage in [`History::files`].
pub type FileId = u32;
/// Index of a person in [`History::people`].
pub type PersonId = u32;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How a [`History`] is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryOptions {
    /// Bots are not credited as people (owners, experts, authors). Default `true`.
    pub ignore_bots: bool,
    /// `Co-authored-by:` people are credited with the commit. Default `true`.
    pub credit_co_authors: bool,
    /// Treat a deletion and an addition in one commit as a rename when they are a pure move:
    /// the same file name and as many lines added as removed (or both binary), matched one to
    /// one. Producers that diff with `--no-renames` (as the history engine does) report moves
    /// this way. Default `true`.
    pub infer_renames: bool,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        Self {
            ignore_bots: true,
            credit_co_authors: true,
            infer_renames: true,
        }
    }
}

/// A time window over the history: commits whose author time is in `[since, until)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Window {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Window {
    /// The whole history.
    pub const ALL: Window = Window {
        since: None,
        until: None,
    };

    /// Commits at or after `since`.
    pub fn since(since: i64) -> Self {
        Window {
            since: Some(since),
            until: None,
        }
    }

    /// The last `days` days before `now`.
    pub fn last_days(now: i64, days: i64) -> Self {
        Self::since(now.saturating_sub(days.saturating_mul(DAY)))
    }

    pub fn contains(&self, time: i64) -> bool {
        self.since.is_none_or(|s| time >= s) && self.until.is_none_or(|u| time < u)
    }
}

/// A person as the analytics see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The lowercased e-mail that identifies them.
    pub key: String,
    /// The name on their latest commit.
    pub name: String,
    pub is_bot: bool,
    /// Author time of their first and latest credited commit.
    pub first_active: i64,
    pub last_active: i64,
}

/// A file lineage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    /// The latest name of the lineage (lossy UTF-8).
    pub path: String,
    /// False when the latest change deleted it (or a rename moved another file over it).
    pub alive: bool,
}

/// One commit, compacted. Changes are `changes[change_start..next.change_start]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommitRec {
    pub time: i64,
    /// The author's UTC offset in minutes (local time = time + offset × 60).
    pub offset_minutes: i16,
    /// `None` when the author is a bot and bots are ignored.
    pub author: Option<PersonId>,
    pub change_start: u32,
    pub credit_start: u32,
}

/// One file touched by one commit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rev {
    pub file: FileId,
    pub added: u32,
    pub removed: u32,
}

/// A lineage moved from one path to another by a commit (a rename, or a pure move inferred
/// from a deletion and an addition).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenameEvent {
    /// Index of the commit in the oldest-first replay.
    pub commit: u32,
    /// Author time of that commit.
    pub time: i64,
    pub file: FileId,
    pub from: String,
    pub to: String,
}

/// The compact history. See the module documentation.
#[derive(Debug, Clone)]
pub struct History {
    now: i64,
    files: Vec<FileInfo>,
    people: Vec<Person>,
    /// Oldest first, with a sentinel at the end holding the array ends.
    commits: Vec<CommitRec>,
    changes: Vec<Rev>,
    /// People credited with each commit (author first, then co-authors), deduplicated.
    credits: Vec<PersonId>,
    /// Every move of an existing lineage to another path, oldest first.
    renames: Vec<RenameEvent>,
}

impl History {
    /// Builds a history from commits in `git log` order (newest first).
    pub fn from_commits(commits: &[Commit], now: i64, opts: HistoryOptions) -> History {
        let mut b = HistoryBuilder::new(opts);
        for c in commits {
            b.push(c);
        }
        b.finish(now)
    }

    /// The analysis time.
    pub fn now(&self) -> i64 {
        self.now
    }

    pub fn files(&self) -> &[FileInfo] {
        &self.files
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Number of commits (merges without changes included).
    pub fn commit_count(&self) -> usize {
        self.commits.len().saturating_sub(1)
    }

    pub(crate) fn file(&self, id: FileId) -> &FileInfo {
        &self.files[id as usize]
    }

    pub(crate) fn person(&self, id: PersonId) -> &Person {
        &self.people[id as usize]
    }

    /// Sets which files exist from the tree at the end of the history (`HEAD`), which is
    /// exact where the replay of a branching history can only guess. `exists` is asked for
    /// each lineage's latest name.
    pub fn mark_live(&mut self, exists: impl Fn(&str) -> bool) {
        for f in &mut self.files {
            f.alive = exists(&f.path);
        }
    }

    /// Looks a person up by e-mail (case-insensitive).
    pub fn person_by_email(&self, email: &str) -> Option<PersonId> {
        let key = email.to_lowercase();
        self.people
            .iter()
            .position(|p| p.key == key)
            .map(|i| i as PersonId)
    }

    /// True when the person with this e-mail committed within the history but not in the last
    /// `days` days before `now`; `None` when nobody has that e-mail.
    pub fn is_inactive(&self, email: &str, days: i64) -> Option<bool> {
        let id = self.person_by_email(email)?;
        Some(self.person(id).last_active < self.now.saturating_sub(days.saturating_mul(DAY)))
    }

    /// Every move of an existing lineage to another path (renames and inferred pure moves),
    /// oldest first. A lineage's path before its first move is that move's `from`.
    pub fn renames(&self) -> &[RenameEvent] {
        &self.renames
    }

    /// Iterates commits oldest first.
    pub(crate) fn commits(&self) -> impl Iterator<Item = CommitView<'_>> + '_ {
        self.commits.windows(2).map(move |w| CommitView {
            time: w[0].time,
            offset_minutes: w[0].offset_minutes,
            author: w[0].author,
            changes: &self.changes[w[0].change_start as usize..w[1].change_start as usize],
            credits: &self.credits[w[0].credit_start as usize..w[1].credit_start as usize],
        })
    }
}

/// One commit as the analytics read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommitView<'a> {
    pub time: i64,
    /// The author's UTC offset in minutes.
    pub offset_minutes: i16,
    /// Credited with the lines added.
    pub author: Option<PersonId>,
    pub changes: &'a [Rev],
    /// Credited with the commit.
    pub credits: &'a [PersonId],
}

/// A raw change, before renames are resolved: path ids index the raw path table.
#[derive(Debug, Clone, Copy)]
struct RawChange {
    path: u32,
    old: u32,
    kind: ChangeKind,
    added: u32,
    removed: u32,
}

const NONE: u32 = u32::MAX;

/// Builds a [`History`] from commits pushed newest first, without holding the commits.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    opts: HistoryOptions,
    paths: Vec<Vec<u8>>,
    path_ids: HashMap<Vec<u8>, u32>,
    people: Vec<Person>,
    person_ids: HashMap<String, PersonId>,
    /// Newest first, as pushed.
    commits: Vec<CommitRec>,
    changes: Vec<RawChange>,
    credits: Vec<PersonId>,
}

impl HistoryBuilder {
    pub fn new(opts: HistoryOptions) -> Self {
        Self {
            opts,
            ..Self::default()
        }
    }

    fn path_id(&mut self, bytes: &[u8]) -> u32 {
        if let Some(&id) = self.path_ids.get(bytes) {
            return id;
        }
        let id = self.paths.len() as u32;
        self.paths.push(bytes.to_vec());
        self.path_ids.insert(bytes.to_vec(), id);
        id
    }

    fn person_id(&mut self, who: &Identity, time: i64) -> Option<PersonId> {
        let is_bot = who.is_bot();
        if is_bot && self.opts.ignore_bots {
            return None;
        }
        let key = who.email.to_lowercase();
        if let Some(&id) = self.person_ids.get(&key) {
            let p = &mut self.people[id as usize];
            if time > p.last_active {
                p.last_active = time;
                p.name.clone_from(&who.name);
            }
            p.first_active = p.first_active.min(time);
            return Some(id);
        }
        let id = self.people.len() as PersonId;
        self.people.push(Person {
            key: key.clone(),
            name: who.name.clone(),
            is_bot,
            first_active: time,
            last_active: time,
        });
        self.person_ids.insert(key, id);
        Some(id)
    }

    /// Adds the next (older) commit.
    pub fn push(&mut self, commit: &Commit) {
        let time = commit.author.time;
        let author = self.person_id(&commit.author.identity, time);
        let credit_start = self.credits.len() as u32;
        if let Some(a) = author {
            self.credits.push(a);
        }
        if self.opts.credit_co_authors {
            for co in &commit.co_authors {
                if let Some(id) = self.person_id(co, time)
                    && !self.credits[credit_start as usize..].contains(&id)
                {
                    self.credits.push(id);
                }
            }
        }
        let change_start = self.changes.len() as u32;
        let moves = if self.opts.infer_renames {
            pure_moves(&commit.changes)
        } else {
            Vec::new()
        };
        for (i, ch) in commit.changes.iter().enumerate() {
            if moves.iter().any(|&(_, deleted)| deleted == i) {
                continue;
            }
            if let Some(&(_, deleted)) = moves.iter().find(|&&(added, _)| added == i) {
                let path = self.path_id(ch.path.as_bytes());
                let old = self.path_id(commit.changes[deleted].path.as_bytes());
                self.changes.push(RawChange {
                    path,
                    old,
                    kind: ChangeKind::Renamed,
                    added: 0,
                    removed: 0,
                });
                continue;
            }
            let path = self.path_id(ch.path.as_bytes());
            let old = match (&ch.old_path, ch.kind) {
                (Some(old), ChangeKind::Renamed) => self.path_id(old.as_bytes()),
                _ => NONE,
            };
            self.changes.push(RawChange {
                path,
                old,
                kind: ch.kind,
                added: if ch.binary { 0 } else { ch.added },
                removed: if ch.binary { 0 } else { ch.removed },
            });
        }
        // Real offsets lie within ±14 h; anything beyond a day is a corrupt header.
        let offset_minutes = i16::try_from(commit.author.offset_minutes)
            .ok()
            .filter(|o| o.unsigned_abs() <= 24 * 60)
            .unwrap_or(0);
        self.commits.push(CommitRec {
            time,
            offset_minutes,
            author,
            change_start,
            credit_start,
        });
    }

    /// Resolves renames (oldest → newest) and returns the history as of `now`.
    pub fn finish(self, now: i64) -> History {
        let HistoryBuilder {
            paths,
            people,
            commits,
            changes: raw,
            credits: raw_credits,
            ..
        } = self;
        // Lineage of each raw path at the current point of the replay.
        let mut lineage_of: Vec<u32> = vec![NONE; paths.len()];
        // Where each raw path's lineage went when it was renamed away. Histories are DAGs
        // replayed in a line: a branch may still modify the old path after the rename landed
        // on another branch, and that work belongs to the renamed file.
        let mut moved_to: Vec<u32> = vec![NONE; paths.len()];
        // Current raw path and liveness of each lineage.
        let mut lineage_path: Vec<u32> = Vec::new();
        let mut alive: Vec<bool> = Vec::new();
        let mut out_commits = Vec::with_capacity(commits.len() + 1);
        let mut changes = Vec::with_capacity(raw.len());
        let mut credits = Vec::with_capacity(raw_credits.len());
        let mut renames: Vec<(u32, i64, FileId, u32, u32)> = Vec::new();
        let n = commits.len();
        for i in (0..n).rev() {
            let c = commits[i];
            let (c_end, k_end) = if i + 1 < n {
                (
                    commits[i + 1].change_start as usize,
                    commits[i + 1].credit_start as usize,
                )
            } else {
                (raw.len(), raw_credits.len())
            };
            let change_start = changes.len() as u32;
            let credit_start = credits.len() as u32;
            credits.extend_from_slice(&raw_credits[c.credit_start as usize..k_end]);
            for ch in &raw[c.change_start as usize..c_end] {
                let mut new_lineage = || {
                    let id = lineage_path.len() as u32;
                    lineage_path.push(ch.path);
                    alive.push(true);
                    id
                };
                let file = if ch.old != NONE {
                    let moved = lineage_of[ch.old as usize];
                    let file = if moved == NONE { new_lineage() } else { moved };
                    if moved != NONE && ch.old != ch.path {
                        renames.push((out_commits.len() as u32, c.time, file, ch.old, ch.path));
                    }
                    if ch.old != ch.path {
                        lineage_of[ch.old as usize] = NONE;
                        moved_to[ch.old as usize] = file;
                    }
                    moved_to[ch.path as usize] = NONE;
                    // A rename over an existing path ends that path's lineage.
                    let displaced = lineage_of[ch.path as usize];
                    if displaced != NONE && displaced != file {
                        alive[displaced as usize] = false;
                    }
                    lineage_of[ch.path as usize] = file;
                    lineage_path[file as usize] = ch.path;
                    alive[file as usize] = true;
                    file
                } else {
                    let existing = lineage_of[ch.path as usize];
                    let moved = moved_to[ch.path as usize];
                    if existing == NONE && moved != NONE && ch.kind != ChangeKind::Added {
                        // A change to the old name on a branch that had not seen the rename.
                        moved
                    } else {
                        let file = if existing == NONE {
                            let id = new_lineage();
                            lineage_of[ch.path as usize] = id;
                            id
                        } else {
                            existing
                        };
                        moved_to[ch.path as usize] = NONE;
                        alive[file as usize] = ch.kind != ChangeKind::Deleted;
                        file
                    }
                };
                changes.push(Rev {
                    file,
                    added: ch.added,
                    removed: ch.removed,
                });
            }
            out_commits.push(CommitRec {
                time: c.time,
                offset_minutes: c.offset_minutes,
                author: c.author,
                change_start,
                credit_start,
            });
        }
        out_commits.push(CommitRec {
            time: 0,
            offset_minutes: 0,
            author: None,
            change_start: changes.len() as u32,
            credit_start: credits.len() as u32,
        });
        let lossy = |p: u32| String::from_utf8_lossy(&paths[p as usize]).into_owned();
        let renames = renames
            .into_iter()
            .map(|(commit, time, file, from, to)| RenameEvent {
                commit,
                time,
                file,
                from: lossy(from),
                to: lossy(to),
            })
            .collect();
        let files = lineage_path
            .iter()
            .zip(&alive)
            .map(|(&p, &alive)| FileInfo {
                path: String::from_utf8_lossy(&paths[p as usize]).into_owned(),
                alive,
            })
            .collect();
        History {
            now,
            files,
            people,
            commits: out_commits,
            changes,
            credits,
            renames,
        }
    }
}

/// Pairs (added index, deleted index) of a commit's changes that are pure moves: same file
/// name, as many lines added as removed (or both binary), each matched at most once and only
/// when the match is unambiguous.
fn pure_moves(changes: &[FileChange]) -> Vec<(usize, usize)> {
    let key = |c: &FileChange, lines: u32| (c.path.file_name().to_vec(), c.binary, lines);
    let mut deleted: HashMap<(Vec<u8>, bool, u32), Vec<usize>> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        if c.kind == ChangeKind::Deleted && (c.binary || c.removed > 0) {
            deleted.entry(key(c, c.removed)).or_default().push(i);
        }
    }
    if deleted.is_empty() {
        return Vec::new();
    }
    let mut added: HashMap<(Vec<u8>, bool, u32), Vec<usize>> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        if c.kind == ChangeKind::Added {
            added.entry(key(c, c.added)).or_default().push(i);
        }
    }
    let mut out: Vec<(usize, usize)> = deleted
        .iter()
        .filter_map(
            |(k, d)| match (added.get(k).map(Vec::as_slice), d.as_slice()) {
                (Some(&[a]), &[d]) => Some((a, d)),
                _ => None,
            },
        )
        .collect();
    out.sort_unstable();
    out
}

/// The folders containing `path`, outermost first, ending with the repository root `""`
/// first: `a/b/c.py` → `["", "a", "a/b"]`.
pub fn folders_of(path: &str) -> impl Iterator<Item = &str> + '_ {
    std::iter::once("").chain(
        path.char_indices()
            .filter(|&(_, c)| c == '/')
            .map(move |(i, _)| &path[..i]),
    )
}

/// The folder directly containing `path` (`""` for the root).
pub fn parent_folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}
