//! Bus factor (truck factor), knowledge islands, knowledge loss and off-boarding simulation.
//!
//! **Degree of authorship** (Avelino, Passos, Hora, Valente, "A novel approach for estimating
//! truck factors", ICPC 2016, after Fritz et al.): for person `d` and file `f`, over the whole
//! history,
//!
//! `DOA(d, f) = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)`
//!
//! where `FA` is 1 when `d` created `f` (made the first change of its lineage, renames
//! followed), `DL` the number of changes to `f` credited to `d`, and `AC` the number of changes
//! to `f` credited to other people. `d` is an **author** of `f` when the normalised degree
//! `DOA(d, f) / max_d' DOA(d', f) > 0.75` and `DOA(d, f) ≥ 3.293`.
//!
//! **Truck factor** of a set of files (the files alive at the end of the history): repeatedly
//! remove the person who authors the most files (ties to the smaller e-mail) until more than
//! 50 % of the files have no author left; the truck factor is the number of people removed. It
//! is computed for the repository and for every folder (its files only). It is never more than
//! the number of authors.
//!
//! **Knowledge island**: a live file where one *active* person (a commit within the last
//! `inactive_after_days`) added at least `island_share` (95 %) of all lines ever added.
//! **Knowledge loss**: a live file whose main author by lines added has been inactive for longer
//! than `inactive_after_days` (90 by default); a folder's `share_lost` is the lines added to its
//! lost files over the lines added to all its live files. **Off-boarding**: given people who leave, the files
//! whose every DOA author leaves, and the folders whose every expert leaves.

use crate::history::{DAY, FileId, History, PersonId, Window, folders_of};
use crate::ownership::{Contribution, PersonRef, contributions};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// DOA constant term; also the minimum absolute degree of an author.
pub const DOA_BASE: f64 = 3.293;
/// Minimum normalised degree of an author.
pub const DOA_NORMALISED_THRESHOLD: f64 = 0.75;

/// `3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)`.
pub fn doa(first_author: bool, deliveries: u64, others: u64) -> f64 {
    DOA_BASE + 1.098 * f64::from(u8::from(first_author)) + 0.164 * deliveries as f64
        - 0.321 * (1.0 + others as f64).ln()
}

/// Options of the knowledge analyses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KnowledgeOptions {
    /// A person is inactive when their latest commit is older than this. Default 90.
    pub inactive_after_days: i64,
    /// Share of lines added that makes a knowledge island. Default 0.95.
    pub island_share: f64,
    /// Files with fewer lines added are not islands or losses (empty files, stubs). Default 1.
    pub min_lines: u64,
}

impl Default for KnowledgeOptions {
    fn default() -> Self {
        Self {
            inactive_after_days: 90,
            island_share: 0.95,
            min_lines: 1,
        }
    }
}

/// One author of a file with their degree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileAuthor {
    pub person: PersonRef,
    pub doa: f64,
    pub normalised: f64,
}

/// The DOA authors of one live file, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileAuthorship {
    pub path: String,
    pub authors: Vec<FileAuthor>,
}

/// The truck factor of the repository (`path` `""`) or of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TruckFactor {
    pub path: String,
    pub truck_factor: u32,
    /// Live files in scope.
    pub files: u32,
    /// People who author at least one of them.
    pub authors: u32,
    /// The people removed by the greedy procedure, in order: losing them orphans the majority.
    pub top_authors: Vec<PersonRef>,
}

/// A live file one active person wrote almost alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnowledgeIsland {
    pub path: String,
    pub owner: PersonRef,
    pub share: f64,
    pub lines_added: u64,
}

/// A live file whose main author is inactive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnowledgeLoss {
    pub path: String,
    pub main_author: PersonRef,
    /// The main author's share of lines added.
    pub share: f64,
    pub lines_added: u64,
    pub last_active: i64,
    pub days_inactive: i64,
}

/// A folder's share of code whose main author is inactive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderLoss {
    pub path: String,
    /// Live files below the folder with lines added.
    pub files: u32,
    pub files_lost: u32,
    /// Lines added to those files, and to the ones whose main author is inactive.
    pub lines: u64,
    pub lines_lost: u64,
    /// `lines_lost / lines`.
    pub share_lost: f64,
}

/// Bus factor and knowledge results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusFactorReport {
    pub repository: TruckFactor,
    /// Every folder holding live files, by path (the repository, `""`, included).
    pub folders: Vec<TruckFactor>,
    /// Biggest first (lines added), then path.
    pub islands: Vec<KnowledgeIsland>,
    /// Biggest first (lines added), then path.
    pub loss: Vec<KnowledgeLoss>,
    /// Folders with any loss, by path (the repository is `""`).
    pub folder_loss: Vec<FolderLoss>,
    pub options: KnowledgeOptions,
}

/// One file's authors: (person, DOA, normalised DOA), strongest first.
type AuthorList = Vec<(PersonId, f64, f64)>;

/// The DOA authors of live files, computed once and shared by the analyses here.
struct Authorship {
    /// Live file ids, by path.
    files: Vec<FileId>,
    /// Parallel to `files`: (person, doa, normalised) of each author, strongest first.
    authors: Vec<AuthorList>,
    /// Parallel to `files`: all-time contributions.
    contributions: Vec<Vec<Contribution>>,
}

fn creators(h: &History) -> Vec<Option<PersonId>> {
    let mut out: Vec<Option<Option<PersonId>>> = vec![None; h.files().len()];
    for c in h.commits() {
        for r in c.changes {
            out[r.file as usize].get_or_insert(c.author);
        }
    }
    out.into_iter().map(Option::flatten).collect()
}

fn authorship_of(h: &History) -> Authorship {
    let mut all = contributions(h, Window::ALL);
    let created = creators(h);
    let mut files: Vec<FileId> = (0..h.files().len() as FileId)
        .filter(|&f| h.file(f).alive && !all[f as usize].is_empty())
        .collect();
    files.sort_by(|&a, &b| h.file(a).path.cmp(&h.file(b).path));
    let mut authors = Vec::with_capacity(files.len());
    let mut contribs = Vec::with_capacity(files.len());
    for &f in &files {
        let cs = std::mem::take(&mut all[f as usize]);
        let total: u64 = cs.iter().map(|c| c.commits).sum();
        let degrees: Vec<(PersonId, f64)> = cs
            .iter()
            .map(|c| {
                let fa = created[f as usize] == Some(c.person);
                (c.person, doa(fa, c.commits, total - c.commits))
            })
            .collect();
        let max = degrees.iter().map(|d| d.1).fold(f64::MIN, f64::max);
        let mut list: AuthorList = degrees
            .into_iter()
            .map(|(p, d)| (p, d, d / max))
            .filter(|&(_, d, n)| n > DOA_NORMALISED_THRESHOLD && d >= DOA_BASE)
            .collect();
        list.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| h.person(a.0).key.cmp(&h.person(b.0).key))
        });
        authors.push(list);
        contribs.push(cs);
    }
    Authorship {
        files,
        authors,
        contributions: contribs,
    }
}

/// The DOA authors of every live file, by path.
pub fn authorship(h: &History) -> Vec<FileAuthorship> {
    let a = authorship_of(h);
    a.files
        .iter()
        .zip(&a.authors)
        .map(|(&f, list)| FileAuthorship {
            path: h.file(f).path.clone(),
            authors: list
                .iter()
                .map(|&(p, doa, normalised)| FileAuthor {
                    person: PersonRef::of(h, p),
                    doa,
                    normalised,
                })
                .collect(),
        })
        .collect()
}

/// The greedy truck-factor procedure over files given by their author lists.
/// Returns the people removed, in order.
fn greedy(h: &History, file_authors: &[&AuthorList]) -> (Vec<PersonId>, u32) {
    let total = file_authors.len();
    let mut remaining: Vec<u32> = file_authors.iter().map(|a| a.len() as u32).collect();
    let mut orphans = remaining.iter().filter(|&&n| n == 0).count();
    let mut by_person: HashMap<PersonId, Vec<usize>> = HashMap::new();
    for (i, list) in file_authors.iter().enumerate() {
        for &(p, _, _) in *list {
            by_person.entry(p).or_default().push(i);
        }
    }
    let authors = by_person.len() as u32;
    let mut removed = Vec::new();
    while orphans * 2 <= total {
        let Some(top) = by_person
            .iter()
            .max_by(|a, b| {
                a.1.len()
                    .cmp(&b.1.len())
                    .then_with(|| h.person(*b.0).key.cmp(&h.person(*a.0).key))
            })
            .map(|(&p, _)| p)
        else {
            break;
        };
        for i in by_person.remove(&top).unwrap_or_default() {
            remaining[i] -= 1;
            if remaining[i] == 0 {
                orphans += 1;
            }
        }
        removed.push(top);
    }
    (removed, authors)
}

fn truck_factor_of(h: &History, path: &str, file_authors: &[&AuthorList]) -> TruckFactor {
    let (removed, authors) = greedy(h, file_authors);
    TruckFactor {
        path: path.to_string(),
        truck_factor: removed.len() as u32,
        files: file_authors.len() as u32,
        authors,
        top_authors: removed.iter().map(|&p| PersonRef::of(h, p)).collect(),
    }
}

/// Truck factor per repository and folder, knowledge islands and knowledge loss.
pub fn bus_factor(h: &History, opts: &KnowledgeOptions) -> BusFactorReport {
    let a = authorship_of(h);
    let mut by_folder: BTreeMap<&str, Vec<&AuthorList>> = BTreeMap::new();
    for (i, &f) in a.files.iter().enumerate() {
        for d in folders_of(&h.file(f).path) {
            by_folder.entry(d).or_default().push(&a.authors[i]);
        }
    }
    let folders: Vec<TruckFactor> = by_folder
        .iter()
        .map(|(d, lists)| truck_factor_of(h, d, lists))
        .collect();
    let repository = folders
        .iter()
        .find(|t| t.path.is_empty())
        .cloned()
        .unwrap_or(TruckFactor {
            path: String::new(),
            truck_factor: 0,
            files: 0,
            authors: 0,
            top_authors: Vec::new(),
        });
    let mut islands = Vec::new();
    let mut loss = Vec::new();
    let cutoff = h
        .now()
        .saturating_sub(opts.inactive_after_days.saturating_mul(DAY));
    // Per folder: files, files lost, lines, lines lost.
    let mut folder_acc: BTreeMap<&str, (u32, u32, u64, u64)> = BTreeMap::new();
    for (i, &f) in a.files.iter().enumerate() {
        let cs = &a.contributions[i];
        let total: u64 = cs.iter().map(|c| c.added).sum();
        if total < opts.min_lines.max(1) {
            continue;
        }
        let Some(main) = cs.iter().filter(|c| c.added > 0).max_by(|x, y| {
            x.added
                .cmp(&y.added)
                .then_with(|| h.person(y.person).key.cmp(&h.person(x.person).key))
        }) else {
            continue;
        };
        let share = main.added as f64 / total as f64;
        let last = h.person(main.person).last_active;
        let path = h.file(f).path.clone();
        let is_lost = last < cutoff;
        for d in folders_of(&h.file(f).path) {
            let e = folder_acc.entry(d).or_default();
            e.0 += 1;
            e.1 += u32::from(is_lost);
            e.2 += total;
            e.3 += if is_lost { total } else { 0 };
        }
        if is_lost {
            loss.push(KnowledgeLoss {
                path,
                main_author: PersonRef::of(h, main.person),
                share,
                lines_added: total,
                last_active: last,
                days_inactive: h.now().saturating_sub(last) / DAY,
            });
        } else if share >= opts.island_share {
            islands.push(KnowledgeIsland {
                path,
                owner: PersonRef::of(h, main.person),
                share,
                lines_added: total,
            });
        }
    }
    islands.sort_by(|x, y| {
        y.lines_added
            .cmp(&x.lines_added)
            .then_with(|| x.path.cmp(&y.path))
    });
    loss.sort_by(|x, y| {
        y.lines_added
            .cmp(&x.lines_added)
            .then_with(|| x.path.cmp(&y.path))
    });
    let folder_loss = folder_acc
        .into_iter()
        .filter(|(_, e)| e.1 > 0)
        .map(|(d, (files, files_lost, lines, lines_lost))| FolderLoss {
            path: d.to_string(),
            files,
            files_lost,
            lines,
            lines_lost,
            share_lost: lines_lost as f64 / lines.max(1) as f64,
        })
        .collect();
    BusFactorReport {
        repository,
        folders,
        islands,
        loss,
        folder_loss,
        options: *opts,
    }
}

/// A folder's exposure in an off-boarding simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderImpact {
    pub path: String,
    /// Live files below the folder with at least one author today.
    pub files_with_experts: u32,
    /// Of those, files left with no author.
    pub files_orphaned: u32,
    /// True when every expert of the folder (author of any of its files) leaves.
    pub loses_last_expert: bool,
}

/// What happens when some people leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offboarding {
    /// The leaving people found in the history.
    pub leaving: Vec<PersonRef>,
    /// E-mails given that match nobody in the history.
    pub unknown: Vec<String>,
    /// Live files whose every DOA author leaves, by path.
    pub files_losing_last_expert: Vec<String>,
    /// Folders whose every expert leaves, by path.
    pub folders_losing_last_expert: Vec<String>,
    /// Folders with at least one orphaned file, by path.
    pub folders: Vec<FolderImpact>,
}

/// Simulates the departure of the people with the given e-mails (case-insensitive).
pub fn offboard(h: &History, leaving: &[&str]) -> Offboarding {
    let mut ids = BTreeSet::new();
    let mut unknown = Vec::new();
    for e in leaving {
        match h.person_by_email(e) {
            Some(id) => {
                ids.insert(id);
            }
            None => unknown.push((*e).to_string()),
        }
    }
    let a = authorship_of(h);
    let mut lost_files = Vec::new();
    // Per folder: files with experts, orphaned files, whether any expert stays.
    let mut folders: BTreeMap<&str, (u32, u32, bool)> = BTreeMap::new();
    for (i, &f) in a.files.iter().enumerate() {
        let list = &a.authors[i];
        if list.is_empty() {
            continue;
        }
        let stays = list.iter().any(|(p, _, _)| !ids.contains(p));
        let path = &h.file(f).path;
        if !stays {
            lost_files.push(path.clone());
        }
        for d in folders_of(path) {
            let e = folders.entry(d).or_insert((0, 0, false));
            e.0 += 1;
            e.1 += u32::from(!stays);
            e.2 |= stays;
        }
    }
    let impacts: Vec<FolderImpact> = folders
        .into_iter()
        .filter(|(_, (_, orphaned, _))| *orphaned > 0)
        .map(|(d, (n, orphaned, stays))| FolderImpact {
            path: d.to_string(),
            files_with_experts: n,
            files_orphaned: orphaned,
            loses_last_expert: !stays,
        })
        .collect();
    let mut leaving_refs: Vec<PersonRef> = ids.iter().map(|&p| PersonRef::of(h, p)).collect();
    leaving_refs.sort();
    Offboarding {
        leaving: leaving_refs,
        unknown,
        files_losing_last_expert: lost_files,
        folders_losing_last_expert: impacts
            .iter()
            .filter(|i| i.loses_last_expert)
            .map(|i| i.path.clone())
            .collect(),
        folders: impacts,
    }
}
