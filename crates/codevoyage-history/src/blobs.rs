//! Reading single files at a commit, for analyses that need the content of a few files at many
//! points in history (the insights engine reads dependency manifests at every commit that
//! changed them).

use crate::{HistoryError, Repository, resolve_commit};
use gix::bstr::BString;
use std::sync::atomic::{AtomicBool, Ordering};

impl Repository {
    /// The contents of `paths` in the tree of `commit`, in the order asked: `None` for a path
    /// that is absent at that commit or is not a blob (a folder, a submodule, a symlink).
    /// Errors only when the commit or a tree cannot be read at all.
    pub fn read_files_at(
        &self,
        commit: &str,
        paths: &[&[u8]],
        interrupt: &AtomicBool,
    ) -> Result<Vec<Option<Vec<u8>>>, HistoryError> {
        let repo = self.local();
        let id = resolve_commit(&repo, commit)?;
        let tree = repo
            .find_commit(id)
            .map_err(|e| HistoryError::missing(id, e))?
            .tree()
            .map_err(|e| HistoryError::missing(id, e))?;
        let mut out = Vec::with_capacity(paths.len());
        for path in paths {
            if interrupt.load(Ordering::Relaxed) {
                return Err(HistoryError::Interrupted);
            }
            let entry = tree
                .lookup_entry(path.split(|&b| b == b'/').map(BString::from))
                .map_err(|e| HistoryError::Walk {
                    message: format!("looking up {} at {id}: {e}", String::from_utf8_lossy(path)),
                })?;
            let data = match entry {
                Some(e) if e.mode().is_blob() => {
                    let oid = e.object_id();
                    Some(
                        repo.find_object(oid)
                            .map_err(|err| HistoryError::missing(oid, err))?
                            .detach()
                            .data,
                    )
                }
                _ => None,
            };
            out.push(data);
        }
        Ok(out)
    }
}
