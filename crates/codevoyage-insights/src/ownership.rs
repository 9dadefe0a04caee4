//! Ownership: who wrote each file and folder, and how fragmented that authorship is.
//!
//! Per file, over the commits in the window (people as in [`crate::history`]):
//! - `added_i` = lines added by person `i` (credited to the commit's author);
//! - `commits_i` = commits credited to person `i` that changed the file;
//! - main author by lines = `argmax added_i`, with `lines_share = added_i / Σ added`;
//! - main author by commits = `argmax commits_i`, with `commits_share = commits_i / Σ commits`;
//! - `fragmentation = 1 − Σ (commits_i / Σ commits)²` (0 for a single author, approaching 1 as
//!   work spreads over many people; D'Ambros et al.'s and code-maat's measure).
//!
//! A folder rolls up the per-person sums of every file below it and applies the same formulas.
//! Ties go to the person whose key (lowercased e-mail) sorts first.

use crate::coupling::IdMap;
use crate::history::{FileId, History, PersonId, Window, folders_of};
use serde::Serialize;
use std::collections::BTreeMap;

/// One person's contribution to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Contribution {
    pub person: PersonId,
    pub added: u64,
    pub commits: u64,
}

/// Per file (indexed by `FileId`), the contributions sorted by person id.
pub(crate) fn contributions(h: &History, window: Window) -> Vec<Vec<Contribution>> {
    let mut map: IdMap<(FileId, PersonId), (u64, u64)> = IdMap::default();
    for c in h.commits().filter(|c| window.contains(c.time)) {
        for r in c.changes {
            for &p in c.credits {
                let e = map.entry((r.file, p)).or_insert((0, 0));
                e.1 += 1;
                if Some(p) == c.author {
                    e.0 += u64::from(r.added);
                }
            }
        }
    }
    let mut out = vec![Vec::new(); h.files().len()];
    for ((f, p), (added, commits)) in map {
        out[f as usize].push(Contribution {
            person: p,
            added,
            commits,
        });
    }
    for v in &mut out {
        v.sort_unstable_by_key(|c| c.person);
    }
    out
}

/// A person named in a result: their key (lowercased e-mail) and display name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PersonRef {
    pub email: String,
    pub name: String,
}

impl PersonRef {
    pub(crate) fn of(h: &History, id: PersonId) -> Self {
        let p = h.person(id);
        PersonRef {
            email: p.key.clone(),
            name: p.name.clone(),
        }
    }
}

/// Ownership of one file or folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ownership {
    pub path: String,
    /// People credited with at least one commit.
    pub authors: u32,
    pub total_added: u64,
    pub total_commits: u64,
    pub main_by_lines: Option<PersonRef>,
    pub lines_share: f64,
    pub main_by_commits: Option<PersonRef>,
    pub commits_share: f64,
    pub fragmentation: f64,
}

/// `1 − Σ (n_i / Σ n)²`; 0 for an empty distribution.
pub fn fragmentation(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let t = total as f64;
    let sum_sq: f64 = counts.iter().map(|&n| (n as f64 / t).powi(2)).sum();
    (1.0 - sum_sq).max(0.0)
}

/// The index of the maximum by `key`, ties to the smaller person key.
fn argmax(h: &History, cs: &[Contribution], key: impl Fn(&Contribution) -> u64) -> Option<usize> {
    (0..cs.len()).filter(|&i| key(&cs[i]) > 0).max_by(|&i, &j| {
        key(&cs[i])
            .cmp(&key(&cs[j]))
            .then_with(|| h.person(cs[j].person).key.cmp(&h.person(cs[i].person).key))
    })
}

fn summarise(h: &History, path: String, cs: &[Contribution]) -> Ownership {
    let total_added: u64 = cs.iter().map(|c| c.added).sum();
    let total_commits: u64 = cs.iter().map(|c| c.commits).sum();
    let by_lines = argmax(h, cs, |c| c.added);
    let by_commits = argmax(h, cs, |c| c.commits);
    let share = |n: u64, t: u64| if t == 0 { 0.0 } else { n as f64 / t as f64 };
    let commits: Vec<u64> = cs.iter().map(|c| c.commits).collect();
    Ownership {
        path,
        authors: cs.iter().filter(|c| c.commits > 0).count() as u32,
        total_added,
        total_commits,
        main_by_lines: by_lines.map(|i| PersonRef::of(h, cs[i].person)),
        lines_share: by_lines.map_or(0.0, |i| share(cs[i].added, total_added)),
        main_by_commits: by_commits.map(|i| PersonRef::of(h, cs[i].person)),
        commits_share: by_commits.map_or(0.0, |i| share(cs[i].commits, total_commits)),
        fragmentation: fragmentation(&commits),
    }
}

/// Ownership of files and folders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnershipReport {
    /// Files with at least one credited commit in the window, by path.
    pub files: Vec<Ownership>,
    /// Folders (the repository is `""`), by path.
    pub folders: Vec<Ownership>,
}

/// Ownership of every file and folder changed by people in the window.
pub fn ownership(h: &History, window: Window) -> OwnershipReport {
    let per_file = contributions(h, window);
    let mut folder_acc: BTreeMap<&str, BTreeMap<PersonId, Contribution>> = BTreeMap::new();
    let mut files = Vec::new();
    for (fid, cs) in per_file.iter().enumerate() {
        if cs.is_empty() {
            continue;
        }
        let path = &h.files()[fid].path;
        files.push(summarise(h, path.clone(), cs));
        for d in folders_of(path) {
            let acc = folder_acc.entry(d).or_default();
            for c in cs {
                let e = acc.entry(c.person).or_insert(Contribution {
                    person: c.person,
                    added: 0,
                    commits: 0,
                });
                e.added += c.added;
                e.commits += c.commits;
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let folders = folder_acc
        .into_iter()
        .map(|(d, acc)| {
            let cs: Vec<Contribution> = acc.into_values().collect();
            summarise(h, d.to_string(), &cs)
        })
        .collect();
    OwnershipReport { files, folders }
}
