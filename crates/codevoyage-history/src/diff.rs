//! The changes of one commit against one parent: a tree diff, then a line count per file that
//! reproduces `git log --numstat --no-renames`.
//!
//! One [`Differ`] lives per worker thread and is reused for every commit it handles: its tree
//! diff state and blob buffers are allocated once (re-creating them per commit was measured at
//! several times slower). Line counts follow git: Myers diff over lines that keep their
//! terminator (so `a` and `a\n` differ, as `\ No newline at end of file` shows), a file is
//! binary when a NUL byte appears in its first 8000 bytes (git's `buffer_is_binary`), and a
//! submodule counts as the one line `Subproject commit <id>`.

pub(crate) mod attributes;
pub(crate) mod cache;
pub(crate) mod lines;

use crate::{HistoryError, rename};
use attributes::{Attributes, DiffAttr};
use cache::Cached;
use codevoyage_model::{ChangeKind, FileChange, RepoPath};
use gix::ObjectId;
use gix::diff::blob::{Algorithm, Diff};
use gix::diff::tree::recorder::Change;
use gix::objs::FindExt;
use gix::objs::tree::EntryMode;
use lines::LineTokens;

/// git's `FIRST_FEW_BYTES`: only this prefix is probed for NUL bytes.
const BINARY_PROBE: usize = 8000;
/// git's default `core.bigFileThreshold`: larger blobs are always treated as binary.
const BIG_FILE: usize = 512 * 1024 * 1024;

/// Per-thread diff machinery, reused across commits.
pub(crate) struct Differ {
    state: gix::diff::tree::State,
    old_tree: Vec<u8>,
    new_tree: Vec<u8>,
    old_blob: Vec<u8>,
    new_blob: Vec<u8>,
    pub(crate) line_counts: bool,
    /// Detect renames as `git log -M` does (see [`rename`]).
    pub(crate) renames: bool,
    /// `.gitattributes` lookups, when the repository has attribute files.
    pub(crate) attrs: Option<Attributes>,
    /// The line diff's result buffers, reused.
    diff: Diff,
    /// The line diff's token tables, reused.
    tokens: LineTokens,
}

/// One path of a tree diff before rename detection.
struct Entry {
    path: Vec<u8>,
    old: Option<(EntryMode, ObjectId)>,
    new: Option<(EntryMode, ObjectId)>,
    kind: ChangeKind,
}

/// The content of one side of a file change, as git diffs it.
enum Side<'a> {
    Absent,
    Bytes(&'a [u8]),
}

impl Differ {
    pub(crate) fn new(line_counts: bool, renames: bool) -> Self {
        Self {
            state: Default::default(),
            old_tree: Vec::new(),
            new_tree: Vec::new(),
            old_blob: Vec::new(),
            new_blob: Vec::new(),
            line_counts,
            renames,
            attrs: None,
            diff: Diff::default(),
            tokens: LineTokens::default(),
        }
    }

    /// Uses `.gitattributes` lookups for the binary/text decision.
    pub(crate) fn with_attributes(mut self, attrs: Option<Attributes>) -> Self {
        self.attrs = attrs;
        self
    }

    /// The file changes from tree `old` (None = the empty tree) to tree `new`, in path order.
    /// Trees and blobs are read through `objects`, the worker's [`cache::CommitCache`].
    pub(crate) fn changes(
        &mut self,
        repo: &gix::Repository,
        objects: &Cached<'_>,
        old: Option<ObjectId>,
        new: ObjectId,
    ) -> Result<Vec<FileChange>, HistoryError> {
        let kind = repo.object_hash();
        let lhs = match old {
            Some(id) => objects
                .find_tree_iter(&id, &mut self.old_tree)
                .map_err(|e| HistoryError::missing(id, e))?,
            None => gix::objs::TreeRefIter::from_bytes(&[], kind),
        };
        let rhs = objects
            .find_tree_iter(&new, &mut self.new_tree)
            .map_err(|e| HistoryError::missing(new, e))?;
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(lhs, rhs, &mut self.state, objects, &mut recorder).map_err(|e| {
            HistoryError::MissingObject {
                id: new.to_string(),
                message: format!("diffing trees: {e}"),
            }
        })?;

        let mut entries: Vec<Entry> = Vec::with_capacity(recorder.records.len());
        for change in recorder.records {
            // Trees themselves are not files; their content shows up as separate records.
            let (old_side, new_side, path) = match change {
                Change::Addition {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => (None, Some((entry_mode, oid)), path),
                Change::Deletion {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => (Some((entry_mode, oid)), None, path),
                Change::Modification {
                    previous_entry_mode,
                    previous_oid,
                    entry_mode,
                    oid,
                    path,
                } => {
                    // Trees written by early git (2005) carry modes such as 100664; git reads
                    // every mode in its canonical form (100644, 100755, …) and sees no change
                    // when only the spelling differs. The tree diff compares modes as written.
                    if previous_oid == oid && previous_entry_mode.kind() == entry_mode.kind() {
                        continue;
                    }
                    (
                        Some((previous_entry_mode, previous_oid)),
                        Some((entry_mode, oid)),
                        path,
                    )
                }
            };
            let old_side = old_side.filter(|(m, _)| !m.is_tree());
            let new_side = new_side.filter(|(m, _)| !m.is_tree());
            if old_side.is_none() && new_side.is_none() {
                continue;
            }
            let kind = match (old_side, new_side) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Deleted,
                (Some((om, _)), Some((nm, _))) if same_type(om, nm) => ChangeKind::Modified,
                _ => ChangeKind::TypeChanged,
            };
            entries.push(Entry {
                path: path.into(),
                old: old_side,
                new: new_side,
                kind,
            });
        }
        // The tree diff is breadth-first; git prints in path order, which for full paths is plain
        // byte order (a directory `a` sorts as `a/`, exactly where its children sort).
        entries.sort_by(|a, b| a.path.cmp(&b.path));

        // Rename detection only when the commit both adds and deletes files.
        let mut source_of: Vec<Option<usize>> = Vec::new();
        let mut consumed: Vec<bool> = Vec::new();
        if self.renames
            && entries.iter().any(|e| e.kind == ChangeKind::Added)
            && entries.iter().any(|e| e.kind == ChangeKind::Deleted)
        {
            fn side(e: &Entry, (mode, id): (EntryMode, ObjectId)) -> rename::Side<'_> {
                rename::Side {
                    path: &e.path,
                    mode,
                    id,
                    attr: DiffAttr::Auto,
                }
            }
            let (mut src_at, mut dst_at) = (Vec::new(), Vec::new());
            let (mut sources, mut dests) = (Vec::new(), Vec::new());
            for (i, e) in entries.iter().enumerate() {
                match (e.kind, e.old, e.new) {
                    (ChangeKind::Deleted, Some(old), _) => {
                        src_at.push(i);
                        sources.push(side(e, old));
                    }
                    (ChangeKind::Added, _, Some(new)) => {
                        dst_at.push(i);
                        dests.push(side(e, new));
                    }
                    _ => {}
                }
            }
            if self.attrs.is_some() {
                for side in sources.iter_mut().chain(dests.iter_mut()) {
                    side.attr = self.attr(repo, side.path);
                }
            }
            let pairs = rename::detect(repo, &sources, &dests, &mut self.old_blob)?;
            if !pairs.is_empty() {
                source_of = vec![None; entries.len()];
                consumed = vec![false; entries.len()];
                for p in pairs {
                    source_of[dst_at[p.dst]] = Some(src_at[p.src]);
                    consumed[src_at[p.src]] = true;
                }
            }
        }

        // Paths move into the changes; a rename's source path is copied first.
        let old_paths: Vec<Option<Vec<u8>>> = source_of
            .iter()
            .map(|s| s.map(|s| entries[s].path.clone()))
            .collect();
        let mut out = Vec::with_capacity(entries.len());
        for i in 0..entries.len() {
            if consumed.get(i).copied().unwrap_or(false) {
                continue;
            }
            let source = source_of.get(i).copied().flatten();
            let (old, new) = (
                source.map_or(entries[i].old, |s| entries[s].old),
                entries[i].new,
            );
            let mut change = FileChange {
                path: RepoPath::new(Vec::new()),
                old_path: old_paths.get(i).cloned().flatten().map(RepoPath::new),
                kind: if source.is_some() {
                    ChangeKind::Renamed
                } else {
                    entries[i].kind
                },
                added: 0,
                removed: 0,
                binary: false,
            };
            if self.line_counts {
                let old_path = &entries[source.unwrap_or(i)].path;
                let new_path = &entries[i].path;
                self.count(repo, objects, (old, old_path), (new, new_path), &mut change)?;
            }
            change.path = RepoPath::new(std::mem::take(&mut entries[i].path));
            out.push(change);
        }
        Ok(out)
    }

    /// The `diff` attribute of `path` (always `Auto` without attribute files).
    fn attr(&mut self, repo: &gix::Repository, path: &[u8]) -> DiffAttr {
        self.attrs
            .as_mut()
            .map_or(DiffAttr::Auto, |a| a.diff(repo, path))
    }

    fn count(
        &mut self,
        repo: &gix::Repository,
        objects: &Cached<'_>,
        (old, old_path): (Option<(EntryMode, ObjectId)>, &[u8]),
        (new, new_path): (Option<(EntryMode, ObjectId)>, &[u8]),
        change: &mut FileChange,
    ) -> Result<(), HistoryError> {
        // `.gitattributes` first: `-diff`/`binary` on either side means `-\t-` without reading
        // the content; `diff` set means text whatever the content.
        let file = |side: Option<(EntryMode, ObjectId)>| side.is_some_and(|(m, _)| !m.is_commit());
        let old_attr = if file(old) {
            self.attr(repo, old_path)
        } else {
            DiffAttr::Auto
        };
        let new_attr = if file(new) {
            self.attr(repo, new_path)
        } else {
            DiffAttr::Auto
        };
        if old_attr == DiffAttr::Binary || new_attr == DiffAttr::Binary {
            change.binary = true;
            return Ok(());
        }
        let binary_side = |attr: DiffAttr, s: &Side<'_>| {
            attr == DiffAttr::Auto && matches!(s, Side::Bytes(b) if is_binary(b))
        };
        if let (Some((om, oid)), Some((nm, nid))) = (old, new)
            && oid == nid
            && om.is_commit() == nm.is_commit()
        {
            // A mode-only change (e.g. chmod +x): git prints 0 0, or `-\t-` for binary content.
            let mut synthetic = String::new();
            let side = load(objects, new, &mut self.new_blob, &mut synthetic)?;
            change.binary = binary_side(new_attr, &side);
            return Ok(());
        }
        let mut old_synthetic = String::new();
        let mut new_synthetic = String::new();
        let old_side = load(objects, old, &mut self.old_blob, &mut old_synthetic)?;
        let new_side = load(objects, new, &mut self.new_blob, &mut new_synthetic)?;
        if binary_side(old_attr, &old_side) || binary_side(new_attr, &new_side) {
            change.binary = true;
            return Ok(());
        }
        match (old_side, new_side) {
            (Side::Absent, Side::Bytes(b)) => change.added = count_lines(b),
            (Side::Bytes(a), Side::Absent) => change.removed = count_lines(a),
            (Side::Bytes(a), Side::Bytes(b)) => {
                let (added, removed) = line_diff_with(&mut self.diff, &mut self.tokens, a, b);
                change.added = added;
                change.removed = removed;
            }
            (Side::Absent, Side::Absent) => {}
        }
        Ok(())
    }
}

/// git's `buffer_is_binary`: a NUL byte in the first 8000 bytes (or a blob beyond
/// `core.bigFileThreshold`).
pub(crate) fn is_binary(data: &[u8]) -> bool {
    data.len() > BIG_FILE || data[..data.len().min(BINARY_PROBE)].contains(&0)
}

fn same_type(a: EntryMode, b: EntryMode) -> bool {
    (a.is_link() == b.is_link()) && (a.is_commit() == b.is_commit())
}

fn load<'a>(
    objects: &Cached<'_>,
    side: Option<(EntryMode, ObjectId)>,
    buf: &'a mut Vec<u8>,
    synthetic: &'a mut String,
) -> Result<Side<'a>, HistoryError> {
    let Some((mode, id)) = side else {
        return Ok(Side::Absent);
    };
    if mode.is_commit() {
        // git diffs a submodule as the single line "Subproject commit <id>".
        *synthetic = format!("Subproject commit {id}\n");
        return Ok(Side::Bytes(synthetic.as_bytes()));
    }
    let blob = objects
        .find_blob(&id, buf)
        .map_err(|e| HistoryError::missing(id, e))?;
    Ok(Side::Bytes(blob.data))
}

/// Lines in `data` as git counts them: a final line without a newline still counts.
pub(crate) fn count_lines(data: &[u8]) -> u32 {
    let newlines = data.iter().filter(|b| **b == b'\n').count();
    let partial = usize::from(data.last().is_some_and(|b| *b != b'\n'));
    u32::try_from(newlines + partial).unwrap_or(u32::MAX)
}

/// Added and removed lines between `old` and `new` with Myers' algorithm, as git's default.
#[cfg(test)]
pub(crate) fn line_diff(old: &[u8], new: &[u8]) -> (u32, u32) {
    if old == new {
        return (0, 0);
    }
    line_diff_with(&mut Diff::default(), &mut LineTokens::default(), old, new)
}

/// [`line_diff`] reusing the allocations of `diff` and `tokens` (one of each per worker).
pub(crate) fn line_diff_with(
    diff: &mut Diff,
    tokens: &mut LineTokens,
    old: &[u8],
    new: &[u8],
) -> (u32, u32) {
    if old == new {
        return (0, 0);
    }
    // No trimming of shared leading and trailing lines here: git's xdiff (and imara-diff)
    // count every line's occurrences over the whole file to decide which lines to discard
    // before Myers, so trimming first changes the heuristic outcome (measured: 5 flask commits
    // then differ from git by a few lines).
    let distinct = tokens.intern(old, new);
    diff.compute_with(Algorithm::Myers, tokens.before(), tokens.after(), distinct);
    (diff.count_additions(), diff.count_removals())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_like_git() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"a\r\nb\r\n"), 2);
    }

    #[test]
    fn missing_final_newline_is_a_changed_line() {
        assert_eq!(line_diff(b"a\nb", b"a\nb\n"), (1, 1));
        assert_eq!(line_diff(b"a\nb\n", b"a\nx\nb\n"), (1, 0));
        assert_eq!(line_diff(b"one\r\n", b"one\n"), (1, 1));
    }
}
