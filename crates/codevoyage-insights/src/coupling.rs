//! Temporal (change) coupling: files that change together.
//!
//! A *change set* is the set of files one commit changed — or, with
//! [`CouplingOptions::group_by_author_within`], the union over consecutive commits by the same
//! author whose author times lie within that many seconds of the group's first commit (one
//! logical change split over several commits). Change sets with more than
//! [`CouplingOptions::max_changeset_size`] files are skipped *before* any pair is formed (bulk
//! reformatting or licence headers say nothing about design), which bounds the work per change
//! set to `max² / 2` pairs and keeps the analysis linear in the history size.
//!
//! Over the change sets kept:
//! - `revisions(a)` = change sets containing `a`;
//! - `shared(a, b)` = change sets containing both;
//! - `degree(a, b) = shared / ((revisions(a) + revisions(b)) / 2)` — symmetric, in `[0, 1]`;
//! - `confidence(a → b) = shared / revisions(a)` — how often a change to `a` came with `b`;
//! - `sum_of_coupling(a)` = Σ over change sets containing `a` of (size − 1), code-maat's `soc`.
//!
//! A pair is reported when `(revisions(a) + revisions(b)) / 2 ≥ min_revisions`,
//! `shared ≥ min_shared` and `degree ≥ min_degree`; the defaults are code-maat's (5, 5, 30 %,
//! change sets over 30 files ignored).

use crate::history::{FileId, History, PersonId, Window};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Thresholds of the coupling analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CouplingOptions {
    pub window: Window,
    /// Minimum average revisions of the two files. Default 5.
    pub min_revisions: u32,
    /// Minimum shared change sets. Default 5.
    pub min_shared: u32,
    /// Minimum degree, as a fraction. Default 0.30.
    pub min_degree: f64,
    /// Change sets with more files are ignored. Default 30.
    pub max_changeset_size: usize,
    /// Group commits by the same author within this many seconds into one change set.
    /// Default `None` (each commit is a change set).
    pub group_by_author_within: Option<i64>,
}

impl Default for CouplingOptions {
    fn default() -> Self {
        Self {
            window: Window::ALL,
            min_revisions: 5,
            min_shared: 5,
            min_degree: 0.30,
            max_changeset_size: 30,
            group_by_author_within: None,
        }
    }
}

/// Two files that change together; `a < b` by path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CouplingPair {
    pub a: String,
    pub b: String,
    pub shared: u32,
    pub revisions_a: u32,
    pub revisions_b: u32,
    /// `shared / avg(revisions_a, revisions_b)`.
    pub degree: f64,
    /// `shared / revisions_a`.
    pub confidence_a_to_b: f64,
    /// `shared / revisions_b`.
    pub confidence_b_to_a: f64,
}

/// A file's total coupling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCoupling {
    pub path: String,
    pub revisions: u32,
    /// Σ over its change sets of (size − 1).
    pub sum_of_coupling: u64,
    /// Pairs reported for this file (above the thresholds).
    pub partners: u32,
}

/// The coupling analysis result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coupling {
    /// Strongest first (degree, then shared, then paths).
    pub pairs: Vec<CouplingPair>,
    /// Highest sum of coupling first, then path; files in at least one multi-file change set.
    pub files: Vec<FileCoupling>,
    /// Change sets analysed and change sets skipped for size.
    pub change_sets: u64,
    pub skipped_change_sets: u64,
    pub options: CouplingOptions,
}

/// `degree = shared / avg(revs_a, revs_b)`, 0 when both are 0.
pub fn degree(shared: u32, revs_a: u32, revs_b: u32) -> f64 {
    let avg = (f64::from(revs_a) + f64::from(revs_b)) / 2.0;
    if avg == 0.0 {
        0.0
    } else {
        (f64::from(shared) / avg).min(1.0)
    }
}

/// `confidence(a → b) = shared / revs_a`, 0 when `revs_a` is 0.
pub fn confidence(shared: u32, revs_a: u32) -> f64 {
    if revs_a == 0 {
        0.0
    } else {
        (f64::from(shared) / f64::from(revs_a)).min(1.0)
    }
}

/// A fast multiplicative hasher for integer keys (FxHash's constant); the keys are our own
/// interned ids, so there is no untrusted input to defend against.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Builds the change sets of the window (each sorted and deduplicated) and calls `f` on each.
fn change_sets(h: &History, opts: &CouplingOptions, mut f: impl FnMut(&[FileId])) {
    let mut buf: Vec<FileId> = Vec::new();
    let emit = |buf: &mut Vec<FileId>, f: &mut dyn FnMut(&[FileId])| {
        buf.sort_unstable();
        buf.dedup();
        if !buf.is_empty() {
            f(buf);
        }
        buf.clear();
    };
    match opts.group_by_author_within {
        None => {
            for c in h.commits().filter(|c| opts.window.contains(c.time)) {
                buf.extend(c.changes.iter().map(|r| r.file));
                emit(&mut buf, &mut f);
            }
        }
        Some(within) => {
            // Commits ordered by (author, time); bots and unknown authors never group.
            let mut order: Vec<(Option<PersonId>, i64, usize)> = h
                .commits()
                .enumerate()
                .filter(|(_, c)| opts.window.contains(c.time))
                .map(|(i, c)| (c.author, c.time, i))
                .collect();
            order.sort_unstable();
            let commits: Vec<_> = h.commits().collect();
            let mut group: Option<(PersonId, i64)> = None;
            for (author, time, i) in order {
                let joins = matches!((group, author), (Some((ga, gt)), Some(a)) if ga == a && time.saturating_sub(gt) <= within);
                if !joins {
                    emit(&mut buf, &mut f);
                    group = author.map(|a| (a, time));
                }
                buf.extend(commits[i].changes.iter().map(|r| r.file));
            }
            emit(&mut buf, &mut f);
        }
    }
}

/// Runs the coupling analysis. See the module documentation for the formulas.
pub fn coupling(h: &History, opts: &CouplingOptions) -> Coupling {
    let n = h.files().len();
    let mut revs = vec![0u32; n];
    let mut soc = vec![0u64; n];
    let mut shared: IdMap<(FileId, FileId), u32> = IdMap::default();
    let (mut kept, mut skipped) = (0u64, 0u64);
    change_sets(h, opts, |set| {
        if set.len() > opts.max_changeset_size {
            skipped += 1;
            return;
        }
        kept += 1;
        let extra = (set.len() - 1) as u64;
        for (i, &a) in set.iter().enumerate() {
            revs[a as usize] += 1;
            soc[a as usize] += extra;
            for &b in &set[i + 1..] {
                *shared.entry((a, b)).or_insert(0) += 1;
            }
        }
    });
    let mut partners = vec![0u32; n];
    let mut pairs: Vec<CouplingPair> = Vec::new();
    for (&(x, y), &s) in &shared {
        let (rx, ry) = (revs[x as usize], revs[y as usize]);
        let avg = (f64::from(rx) + f64::from(ry)) / 2.0;
        let d = degree(s, rx, ry);
        if avg < f64::from(opts.min_revisions) || s < opts.min_shared || d < opts.min_degree {
            continue;
        }
        partners[x as usize] += 1;
        partners[y as usize] += 1;
        let (px, py) = (&h.file(x).path, &h.file(y).path);
        let (a, b, ra, rb) = if px <= py {
            (px, py, rx, ry)
        } else {
            (py, px, ry, rx)
        };
        pairs.push(CouplingPair {
            a: a.clone(),
            b: b.clone(),
            shared: s,
            revisions_a: ra,
            revisions_b: rb,
            degree: d,
            confidence_a_to_b: confidence(s, ra),
            confidence_b_to_a: confidence(s, rb),
        });
    }
    pairs.sort_by(|p, q| {
        q.degree
            .total_cmp(&p.degree)
            .then(q.shared.cmp(&p.shared))
            .then_with(|| p.a.cmp(&q.a))
            .then_with(|| p.b.cmp(&q.b))
    });
    let mut files: Vec<FileCoupling> = (0..n)
        .filter(|&i| soc[i] > 0)
        .map(|i| FileCoupling {
            path: h.files()[i].path.clone(),
            revisions: revs[i],
            sum_of_coupling: soc[i],
            partners: partners[i],
        })
        .collect();
    files.sort_by(|p, q| {
        q.sum_of_coupling
            .cmp(&p.sum_of_coupling)
            .then_with(|| p.path.cmp(&q.path))
    });
    Coupling {
        pairs,
        files,
        change_sets: kept,
        skipped_change_sets: skipped,
        options: *opts,
    }
}
