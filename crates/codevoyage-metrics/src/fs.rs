//! Walking a directory for the CLI: honours `.gitignore` (and `.ignore`, global git
//! excludes), skips `.git`, applies `--exclude` globs, and reports paths relative to the
//! root with `/` separators.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Errors while walking.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("invalid --exclude glob {glob:?}: {source}")]
    Glob {
        glob: String,
        source: globset::Error,
    },
    #[error("cannot read {path}: {source}")]
    Walk {
        path: PathBuf,
        source: ignore::Error,
    },
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
        let glob = Glob::new(g).map_err(|source| WalkError::Glob {
            glob: g.clone(),
            source,
        })?;
        b.add(glob);
    }
    b.build().map_err(|source| WalkError::Glob {
        glob: globs.join(","),
        source,
    })
}

/// Every regular file under `root` (or `root` itself when it is a file), sorted by path.
pub fn walk(root: &Path, exclude: &GlobSet) -> Result<Vec<FoundFile>, WalkError> {
    if root.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![FoundFile {
            relative: name,
            absolute: root.to_path_buf(),
        }]);
    }
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry.map_err(|source| WalkError::Walk {
            path: root.to_path_buf(),
            source,
        })?;
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
        out.push(FoundFile {
            relative,
            absolute: entry.path().to_path_buf(),
        });
    }
    out.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(out)
}

/// One measured file, as the CLI prints it.
#[derive(Debug, Clone)]
pub struct MeasuredFile {
    /// Relative, `/`-separated path.
    pub path: String,
    pub metrics: crate::FileMetrics,
    /// Set when the file looks vendored, generated or minified (see
    /// [`crate::is_generated_or_vendored`]); the file is still measured.
    pub generated: Option<&'static str>,
}

fn measure_one(path: String, bytes: &[u8], opts: &crate::Options) -> MeasuredFile {
    let generated = crate::is_generated_or_vendored(&path, bytes);
    let metrics = crate::measure(&path, bytes, opts);
    MeasuredFile {
        path,
        metrics,
        generated,
    }
}

/// Walks `root` (see [`walk`]) and measures every file on the rayon pool, in path order.
/// A file that cannot be read is reported with a diagnostic instead of failing the run.
pub fn measure_dir(
    root: &Path,
    exclude: &GlobSet,
    opts: &crate::Options,
) -> Result<Vec<MeasuredFile>, WalkError> {
    use rayon::prelude::*;
    let files = walk(root, exclude)?;
    Ok(files
        .into_par_iter()
        .map(|f| match std::fs::read(&f.absolute) {
            Ok(bytes) => measure_one(f.relative, &bytes, opts),
            Err(e) => {
                let mut m = measure_one(f.relative, &[], opts);
                m.metrics.diagnostics.push(format!("cannot read file: {e}"));
                m
            }
        })
        .collect())
}

/// Measures in-memory files (for example blobs read from git at a revision) on the rayon
/// pool, skipping `exclude` matches; identical contents (`key`, e.g. the blob id) are
/// measured once. Input order is kept.
pub fn measure_blobs(
    files: Vec<(String, String, Vec<u8>)>,
    exclude: &GlobSet,
    opts: &crate::Options,
) -> Vec<MeasuredFile> {
    use rayon::prelude::*;
    use std::collections::HashMap;
    let files: Vec<_> = files
        .into_iter()
        .filter(|(p, _, _)| !exclude.is_match(p))
        .collect();
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for (i, (_, key, _)) in files.iter().enumerate() {
        first_of.entry(key.as_str()).or_insert(i);
    }
    let unique: Vec<usize> = {
        let mut v: Vec<usize> = first_of.values().copied().collect();
        v.sort_unstable();
        v
    };
    let measured: HashMap<usize, MeasuredFile> = unique
        .par_iter()
        .map(|&i| (i, measure_one(files[i].0.clone(), &files[i].2, opts)))
        .collect();
    files
        .iter()
        .map(|(path, key, _)| {
            let i = first_of[key.as_str()];
            let mut m = measured[&i].clone();
            // Same content, possibly another language by path: re-measure only then.
            if &m.path != path {
                let lang_here =
                    crate::detect_language(path, &files[i].2[..files[i].2.len().min(256)]);
                if lang_here.map(|l| l.name()) == m.metrics.language.as_deref() {
                    m.generated = crate::is_generated_or_vendored(path, &files[i].2);
                    m.path = path.clone();
                } else {
                    m = measure_one(path.clone(), &files[i].2, opts);
                }
            }
            m
        })
        .collect()
}
