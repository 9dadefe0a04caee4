//! Insights: pure, deterministic functions from history and metrics to answers.
//!
//! This crate does no I/O. For now it ranks hotspots (change frequency × complexity) for the
//! summary `codevoyage analyze` prints; coupling, ownership and bus factor come next.

use serde::Serialize;

/// One file's inputs to the hotspot ranking.
#[derive(Debug, Clone)]
pub struct FileActivity<'a> {
    pub path: &'a str,
    /// Commits that touched the file.
    pub revisions: u64,
    /// Sum of the functions' cyclomatic complexity (0 when the language is not parsed).
    pub cyclomatic: u64,
    /// Lines of code, the complexity proxy for files without functions.
    pub code_lines: u64,
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
pub const HOTSPOT_FORMULA: &str =
    "score = revisions × complexity, where complexity is the summed cyclomatic complexity of the file's functions, or its lines of code when the file has no parsed functions";

/// Ranks files by `revisions × complexity`, highest first; ties broken by path so the
/// ranking is deterministic. Files with a zero score are left out.
pub fn hotspots(files: &[FileActivity<'_>], limit: usize) -> Vec<Hotspot> {
    let mut ranked: Vec<Hotspot> = files
        .iter()
        .map(|f| {
            let complexity = if f.cyclomatic > 0 { f.cyclomatic } else { f.code_lines };
            Hotspot { path: f.path.to_string(), revisions: f.revisions, complexity, score: f.revisions.saturating_mul(complexity) }
        })
        .filter(|h| h.score > 0)
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, revisions: u64, cyclomatic: u64, code_lines: u64) -> FileActivity<'_> {
        FileActivity { path, revisions, cyclomatic, code_lines }
    }

    #[test]
    fn ranks_by_revisions_times_complexity() {
        let files = [f("a.py", 10, 5, 100), f("b.py", 2, 40, 300), f("c.md", 50, 0, 3), f("d.txt", 0, 0, 10)];
        let h = hotspots(&files, 10);
        let order: Vec<&str> = h.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(order, ["c.md", "b.py", "a.py"]);
        assert_eq!(h[0].score, 150);
        assert_eq!(h[1].score, 80);
    }

    #[test]
    fn ties_are_broken_by_path_and_limit_applies() {
        let files = [f("z", 1, 1, 0), f("a", 1, 1, 0), f("m", 1, 1, 0)];
        let h = hotspots(&files, 2);
        assert_eq!(h.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(), ["a", "m"]);
    }
}
