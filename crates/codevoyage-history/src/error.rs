//! Errors of the history engine; each message says what went wrong and what to do.

use std::path::PathBuf;

#[derive(thiserror::Error, Debug)]
pub enum HistoryError {
    #[error("{} does not exist: check the path", path.display())]
    PathNotFound { path: PathBuf },
    #[error("{} is not a git repository: run `git init` or point at a clone", path.display())]
    NotARepository { path: PathBuf },
    #[error("could not open the git repository at {}: {message}. Check that `git -C {} status` works", path.display(), path.display())]
    Open { path: PathBuf, message: String },
    #[error(
        "revision `{rev}` could not be resolved ({message}); check it with `git rev-parse {rev}`"
    )]
    BadRevision { rev: String, message: String },
    #[error(
        "git object {id} is missing or unreadable ({message}); the repository is incomplete or a pack is corrupt: run `git fsck`, or re-clone"
    )]
    MissingObject { id: String, message: String },
    #[error("the history walk was cancelled")]
    Interrupted,
    #[error("walking the history failed: {message}")]
    Walk { message: String },
    #[error("a history worker thread failed: {message}")]
    Worker { message: String },
}

impl HistoryError {
    pub(crate) fn missing(id: impl std::fmt::Display, e: impl std::fmt::Display) -> Self {
        HistoryError::MissingObject {
            id: id.to_string(),
            message: e.to_string(),
        }
    }
}
