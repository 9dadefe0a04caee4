//! `.gitattributes` as `git log --numstat` reads them: the `diff` attribute decides whether a
//! file is text or binary before its content is looked at.
//!
//! - `-diff` (and the `binary` macro, which unsets it): binary, printed `-\t-`.
//! - `diff` set: text, even with NUL bytes.
//! - `diff=<driver>`: `diff.<driver>.binary` from the repository's configuration when set,
//!   else decided by content like an unspecified attribute.
//!
//! Where git reads them from: `git log` does not load the index, so it reads `.gitattributes`
//! files from the work tree (and `$GIT_DIR/info/attributes`), applying today's rules to every
//! historical commit; a bare repository has only `info/attributes`. We do the same with
//! gitoxide's attribute stack over an empty index. The user's global attributes file is not
//! read (the repository is opened isolated), nor are textconv drivers run.

use gix::bstr::ByteSlice;
use std::collections::HashMap;

/// The verdict of the `diff` attribute for one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiffAttr {
    /// Unspecified: decided by content (NUL in the first 8000 bytes).
    Auto,
    Text,
    Binary,
}

/// One worker's attribute lookups; `None` from [`Attributes::new`] when the repository has no
/// attribute files at all, so the common case costs nothing per path.
pub(crate) struct Attributes {
    stack: gix::worktree::Stack,
    out: gix::attrs::search::Outcome,
    drivers: HashMap<Vec<u8>, DiffAttr>,
}

impl std::fmt::Debug for Attributes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attributes").finish_non_exhaustive()
    }
}

/// True when attribute files may apply: `info/attributes` exists, or the work tree has a
/// `.gitattributes` anywhere in the tree of `HEAD` (checked once per walk by the caller).
pub(crate) fn present(repo: &gix::Repository, head_has_gitattributes: bool) -> bool {
    repo.common_dir().join("info").join("attributes").is_file()
        || (repo.workdir().is_some() && head_has_gitattributes)
}

/// Whether the tree of `commit` holds a `.gitattributes` file at any depth.
pub(crate) fn tree_has_gitattributes(repo: &gix::Repository, tree: gix::ObjectId) -> bool {
    let mut recorder = gix::traverse::tree::Recorder::default();
    let walked = gix::traverse::tree::depthfirst(
        tree,
        gix::traverse::tree::depthfirst::State::default(),
        &repo.objects,
        &mut recorder,
    );
    walked.is_ok()
        && recorder.records.iter().any(|e| {
            e.mode.is_blob()
                && e.filepath.rsplit_str("/").next() == Some(b".gitattributes".as_slice())
        })
}

impl Attributes {
    /// The attribute stack of `repo`'s work tree (or `info/attributes` of a bare repository).
    pub(crate) fn new(repo: &gix::Repository) -> Option<Self> {
        let index = gix::index::State::new(repo.object_hash());
        let stack = repo
            .attributes_only(
                &index,
                gix::worktree::stack::state::attributes::Source::WorktreeThenIdMapping,
            )
            .ok()?;
        let out = stack.selected_attribute_matches(["diff"]);
        let stack = stack.detach();
        Some(Self {
            stack,
            out,
            drivers: HashMap::new(),
        })
    }

    /// The `diff` attribute of `path` in `repo`.
    pub(crate) fn diff(&mut self, repo: &gix::Repository, path: &[u8]) -> DiffAttr {
        let Ok(platform) = self.stack.at_entry(path.as_bstr(), None, &repo.objects) else {
            return DiffAttr::Auto;
        };
        self.out.reset();
        if !platform.matching_attributes(&mut self.out) {
            return DiffAttr::Auto;
        }
        let Some(m) = self.out.iter_selected().next() else {
            return DiffAttr::Auto;
        };
        match m.assignment.state {
            gix::attrs::StateRef::Set => DiffAttr::Text,
            gix::attrs::StateRef::Unset => DiffAttr::Binary,
            gix::attrs::StateRef::Unspecified => DiffAttr::Auto,
            gix::attrs::StateRef::Value(v) => {
                let name = v.as_bstr().to_vec();
                if let Some(d) = self.drivers.get(&name) {
                    return *d;
                }
                let key = format!("diff.{}.binary", name.to_str_lossy());
                let d = match repo.config_snapshot().boolean(key.as_str()) {
                    Some(true) => DiffAttr::Binary,
                    Some(false) => DiffAttr::Text,
                    None => DiffAttr::Auto,
                };
                self.drivers.insert(name, d);
                d
            }
        }
    }
}
