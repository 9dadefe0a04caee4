//! Change frequency and churn per file and per folder over a time window.
//!
//! Formulas, over the commits whose author time falls in the [`Window`]:
//! - `revisions(file)` = number of commits that changed the file (its lineage, across renames);
//! - `added`, `removed` = sums of the lines added and removed by those commits (binary changes
//!   count 0 lines);
//! - `churn` = `added + removed`;
//! - `authors(file)` = number of distinct people credited with those commits (bots excluded by
//!   default, see [`crate::history`]).
//!
//! For a folder, `revisions` is the number of distinct commits that changed anything below it
//! (not the sum of its files' revisions, which would count a commit touching ten files ten
//! times); lines are summed over its files; `authors` is distinct over the folder. The
//! repository itself is the folder `""`.

use crate::history::{History, Window, folders_of};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Change frequency and churn of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChurn {
    pub path: String,
    /// False when the file no longer exists at the end of the history.
    pub alive: bool,
    pub revisions: u64,
    pub added: u64,
    pub removed: u64,
    pub churn: u64,
    pub authors: u32,
    /// Author time of the first and last change in the window.
    pub first_change: i64,
    pub last_change: i64,
}

/// Change frequency and churn of one folder (`""` is the repository).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderChurn {
    pub path: String,
    /// Files below the folder changed in the window.
    pub files: u64,
    pub revisions: u64,
    pub added: u64,
    pub removed: u64,
    pub churn: u64,
    pub authors: u32,
}

/// Per-file churn of the files changed in the window, sorted by path.
pub fn file_churn(h: &History, window: Window) -> Vec<FileChurn> {
    let n = h.files().len();
    let mut acc: Vec<Option<FileChurn>> = vec![None; n];
    let mut authors: Vec<(u32, u32)> = Vec::new();
    for c in h.commits().filter(|c| window.contains(c.time)) {
        for r in c.changes {
            let f = acc[r.file as usize].get_or_insert_with(|| FileChurn {
                path: h.file(r.file).path.clone(),
                alive: h.file(r.file).alive,
                revisions: 0,
                added: 0,
                removed: 0,
                churn: 0,
                authors: 0,
                first_change: c.time,
                last_change: c.time,
            });
            f.revisions += 1;
            f.added += u64::from(r.added);
            f.removed += u64::from(r.removed);
            f.first_change = f.first_change.min(c.time);
            f.last_change = f.last_change.max(c.time);
            authors.extend(c.credits.iter().map(|&p| (r.file, p)));
        }
    }
    authors.sort_unstable();
    authors.dedup();
    for (file, _) in authors {
        if let Some(f) = acc[file as usize].as_mut() {
            f.authors += 1;
        }
    }
    let mut out: Vec<FileChurn> = acc
        .into_iter()
        .flatten()
        .map(|mut f| {
            f.churn = f.added + f.removed;
            f
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Per-folder churn, sorted by path; the repository is the folder `""`.
pub fn folder_churn(h: &History, window: Window) -> Vec<FolderChurn> {
    // Folder names are derived from each lineage's latest path once.
    let mut folder_ids: BTreeMap<String, u32> = BTreeMap::new();
    let file_folders: Vec<Vec<u32>> = h
        .files()
        .iter()
        .map(|f| {
            folders_of(&f.path)
                .map(|d| {
                    let next = folder_ids.len() as u32;
                    *folder_ids.entry(d.to_string()).or_insert(next)
                })
                .collect()
        })
        .collect();
    let nf = folder_ids.len();
    let mut acc = vec![(0u64, 0u64, 0u64, 0u64); nf]; // revisions, added, removed, files
    let mut last_commit = vec![usize::MAX; nf];
    let mut authors: HashSet<(u32, u32)> = HashSet::new();
    let mut files_seen = vec![false; h.files().len()];
    for (ci, c) in h
        .commits()
        .enumerate()
        .filter(|(_, c)| window.contains(c.time))
    {
        for r in c.changes {
            let first_seen = !std::mem::replace(&mut files_seen[r.file as usize], true);
            for &d in &file_folders[r.file as usize] {
                let a = &mut acc[d as usize];
                if last_commit[d as usize] != ci {
                    last_commit[d as usize] = ci;
                    a.0 += 1;
                    authors.extend(c.credits.iter().map(|&p| (d, p)));
                }
                a.1 += u64::from(r.added);
                a.2 += u64::from(r.removed);
                if first_seen {
                    a.3 += 1;
                }
            }
        }
    }
    let mut author_counts = vec![0u32; nf];
    for (d, _) in authors {
        author_counts[d as usize] += 1;
    }
    folder_ids
        .into_iter()
        .filter(|&(_, id)| acc[id as usize].0 > 0)
        .map(|(path, id)| {
            let (revisions, added, removed, files) = acc[id as usize];
            FolderChurn {
                path,
                files,
                revisions,
                added,
                removed,
                churn: added + removed,
                authors: author_counts[id as usize],
            }
        })
        .collect()
}
