//! The tags of a repository, peeled to the commits they name: the bookmarks of the timeline.

use crate::{HistoryError, Repository};

/// One tag, lightweight or annotated, peeled to its commit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag {
    /// The name below `refs/tags/` (`v1.0`, `release/2.3`); lossy for non-UTF-8 names.
    pub name: String,
    /// Full hex id of the commit the tag names (an annotated tag, or a chain of them, peeled).
    pub commit: String,
}

impl Repository {
    /// Every tag whose target peels to a commit, sorted by name (as `git tag` lists them).
    /// Tags of trees or blobs (rare: `git tag t HEAD^{tree}`) name no point in history and are
    /// left out; so are tags whose objects are missing (a shallow or partial clone).
    pub fn tags(&self) -> Result<Vec<Tag>, HistoryError> {
        let repo = self.local();
        let walk_error = |e: &dyn std::fmt::Display| HistoryError::Walk {
            message: format!("listing the tags: {e}"),
        };
        let platform = repo.references().map_err(|e| walk_error(&e))?;
        let mut tags = Vec::new();
        for reference in platform.tags().map_err(|e| walk_error(&e))? {
            let mut reference = reference.map_err(|e| walk_error(&e))?;
            let full = reference.name().as_bstr().to_string();
            let name = full
                .strip_prefix("refs/tags/")
                .unwrap_or(full.as_str())
                .to_string();
            // A target that cannot be read or is not a commit is skipped (see above).
            let Ok(id) = reference.peel_to_id() else {
                continue;
            };
            let id = id.detach();
            if let Ok(header) = repo.find_header(id)
                && header.kind() == gix::object::Kind::Commit
            {
                tags.push(Tag {
                    name,
                    commit: id.to_string(),
                });
            }
        }
        tags.sort();
        Ok(tags)
    }
}
