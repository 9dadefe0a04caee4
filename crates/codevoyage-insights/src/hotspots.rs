//! Hotspots: change frequency × complexity, ranked, with folder roll-ups.
//!
//! Formula (also in [`HOTSPOT_FORMULA`], returned with the results):
//! `score(file) = revisions(file) × cyclomatic(file)`, where `revisions` is the number of commits
//! that changed the file (see [`crate::churn`]) and `cyclomatic` the summed cyclomatic complexity
//! of its functions. Files with a zero score are not ranked. A folder's score is the sum of its
//! files' scores; its `top_file` is its highest-scoring file.
//!
//! The idea is Adam Tornhill's (*Your Code as a Crime Scene*): complicated code that changes
//! often is where defects and slow-downs concentrate.

use crate::history::folders_of;
use serde::Serialize;
use std::collections::BTreeMap;

/// One file's inputs to the hotspot ranking.
#[derive(Debug, Clone)]
pub struct FileActivity<'a> {
    pub path: &'a str,
    /// Commits that touched the file.
    pub revisions: u64,
    /// Sum of the functions' cyclomatic complexity (0 when the language is not parsed).
    pub cyclomatic: u64,
}

/// A ranked hotspot with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hotspot {
    pub path: String,
    pub revisions: u64,
    pub complexity: u64,
    pub score: u64,
}

/// The published formula, returned with the results so the UI and docs can show it.
pub const HOTSPOT_FORMULA: &str = "score = revisions × complexity, where revisions is the number of commits that changed the file and complexity is the summed cyclomatic complexity of its functions; files without functions (documentation, data) are not ranked";

/// Ranks files by `revisions × complexity`, highest first; ties broken by path so the
/// ranking is deterministic. Files with a zero score (never changed, or no functions: prose
/// and data change often but are not where complexity hides) are left out.
pub fn hotspots(files: &[FileActivity<'_>], limit: usize) -> Vec<Hotspot> {
    let mut ranked: Vec<Hotspot> = files
        .iter()
        .map(|f| Hotspot {
            path: f.path.to_string(),
            revisions: f.revisions,
            complexity: f.cyclomatic,
            score: f.revisions.saturating_mul(f.cyclomatic),
        })
        .filter(|h| h.score > 0)
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    ranked.truncate(limit);
    ranked
}

/// A folder's hotspot roll-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderHotspot {
    pub path: String,
    /// Ranked files below the folder.
    pub files: u64,
    pub revisions: u64,
    pub complexity: u64,
    /// Sum of the files' scores.
    pub score: u64,
    /// The folder's highest-scoring file.
    pub top_file: String,
}

/// Rolls ranked hotspots up into every folder containing them (the repository is `""`),
/// highest score first, ties by path. Pass the unlimited ranking (`hotspots(files, usize::MAX)`)
/// for complete roll-ups.
pub fn folder_hotspots(ranked: &[Hotspot]) -> Vec<FolderHotspot> {
    let mut acc: BTreeMap<&str, FolderHotspot> = BTreeMap::new();
    for h in ranked {
        for d in folders_of(&h.path) {
            let f = acc.entry(d).or_insert_with(|| FolderHotspot {
                path: d.to_string(),
                files: 0,
                revisions: 0,
                complexity: 0,
                score: 0,
                top_file: h.path.clone(),
            });
            f.files += 1;
            f.revisions += h.revisions;
            f.complexity += h.complexity;
            f.score = f.score.saturating_add(h.score);
        }
    }
    // `ranked` is in score order, so the first file inserted for a folder is its top file.
    let mut out: Vec<FolderHotspot> = acc.into_values().collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, revisions: u64, cyclomatic: u64) -> FileActivity<'_> {
        FileActivity {
            path,
            revisions,
            cyclomatic,
        }
    }

    #[test]
    fn ranks_by_revisions_times_complexity() {
        let files = [
            f("a.py", 10, 5),
            f("b.py", 2, 40),
            f("c.md", 50, 0),
            f("d.py", 0, 30),
        ];
        let h = hotspots(&files, 10);
        let order: Vec<&str> = h.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(
            order,
            ["b.py", "a.py"],
            "prose and never-changed files are not hotspots"
        );
        assert_eq!(h[0].score, 80);
        assert_eq!(h[1].score, 50);
    }

    #[test]
    fn ties_are_broken_by_path_and_limit_applies() {
        let files = [f("z", 1, 1), f("a", 1, 1), f("m", 1, 1)];
        let h = hotspots(&files, 2);
        assert_eq!(
            h.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(),
            ["a", "m"]
        );
    }
}
