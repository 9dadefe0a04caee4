//! The analysis pipeline and the events it emits.
//!
//! `analyze` runs the stages fetch → history → metrics → insights → compile for one
//! repository, persisting each stage's output through the store and reporting progress on an
//! [`EventBus`]. The analysis crates it calls are synchronous; this crate owns the threads
//! (tokio blocking tasks and rayon) that run them. [`queue`] holds the job queue (in memory,
//! persisted in the store, or Redis Streams), [`worker`] the loop that runs queued analyses,
//! and [`source`] the checks and the cloning of where a repository comes from; [`forge`] adds
//! a GitHub repository's description, stars and default branch in the fetch stage.

mod error;
pub mod events;
pub mod forge;
pub mod pipeline;
pub mod queue;
pub mod source;
pub mod worker;

pub use error::JobError;
pub use events::{Event, EventBus, EventKind, Stage};
pub use pipeline::{
    ANALYZE_JOB, AnalysisJob, AnalysisSummary, AnalyzeRequest, analyze, analyze_with_summarizer,
    check_repository, register, run_job, run_job_with_summarizer,
};
pub use source::{CheckedSource, FetchOptions, SourceError, SourcePolicy, check_source};
pub use worker::{WorkerOptions, WorkerStats, run_worker};
