//! Walking a directory for the CLI: honours `.gitignore` (and `.ignore`, global git
//! excludes), skips `.git`, applies `--exclude` globs, and reports paths relative to the
//! root with `/` separators.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Errors while walking.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("invalid --exclude glob {glob:?}: {source}")]
    Glob { glob: String, source: globset::Error },
    #[error("cannot read {path}: {source}")]
    Walk { path: PathBuf, source: ignore::Error },
}

/// A file found by [`walk`].
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Path relative to the walked root, `/`-separated (the file name for a single file).
    pub relative: String,
    pub absolute: PathBuf,
}

/// Builds a matcher from `--exclude` globs (matched against the relative path).
pub fn exclude_set(globs: &[String]) -> Result<GlobSet, WalkError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|source| WalkError::Glob { glob: g.clone(), source })?;
        b.add(glob);
    }
    b.build().map_err(|source| WalkError::Glob { glob: globs.join(","), source })
}

/// Every regular file under `root` (or `root` itself when it is a file), sorted by path.
pub fn walk(root: &Path, exclude: &GlobSet) -> Result<Vec<FoundFile>, WalkError> {
    if root.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![FoundFile { relative: name, absolute: root.to_path_buf() }]);
    }
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry.map_err(|source| WalkError::Walk { path: root.to_path_buf(), source })?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let relative = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if exclude.is_match(&relative) {
            continue;
        }
        out.push(FoundFile { relative, absolute: entry.path().to_path_buf() });
    }
    out.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(out)
}
