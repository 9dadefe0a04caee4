//! Why an analysis failed.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{} does not exist: check the path and try again", .0.display())]
    PathNotFound(PathBuf),
    #[error("{} has no commits yet: commit something, then analyse it again", .0.display())]
    EmptyRepository(PathBuf),
    #[error(transparent)]
    History(#[from] codevoyage_history::HistoryError),
    #[error("storing the results failed: {0}")]
    Store(#[from] codevoyage_store::StoreError),
    #[error("the analysis was cancelled")]
    Cancelled,
    #[error("analysis {0} no longer exists (its repository was deleted)")]
    AnalysisGone(i64),
    #[error("analysis {id} has already ended ({status}); start a new analysis to run it again")]
    AlreadyEnded { id: i64, status: String },
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    #[error("the job queue failed: {0}")]
    Queue(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl JobError {
    /// True when the input (path, repository, revision) is at fault, not CodeVoyage.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            JobError::PathNotFound(_)
                | JobError::EmptyRepository(_)
                | JobError::History(_)
                | JobError::Source(_)
        )
    }

    /// True when running the job again cannot change anything: the input is at fault, the
    /// analysis was cancelled, deleted or has ended already.
    pub fn is_permanent(&self) -> bool {
        self.is_input()
            || matches!(
                self,
                JobError::Cancelled | JobError::AnalysisGone(_) | JobError::AlreadyEnded { .. }
            )
    }
}

impl From<tokio::task::JoinError> for JobError {
    fn from(e: tokio::task::JoinError) -> Self {
        JobError::Internal(format!("a worker thread failed: {e}"))
    }
}
