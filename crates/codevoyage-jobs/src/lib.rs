//! The analysis pipeline and the events it emits.
//!
//! `analyze` runs the stages fetch → history → metrics → insights → compile for one
//! repository, persisting each stage's output through the store and reporting progress on an
//! [`EventBus`]. The analysis crates it calls are synchronous; this crate owns the threads
//! (tokio blocking tasks and rayon) that run them. The job queue (in-process and distributed)
//! builds on this in a later step.

mod error;
pub mod events;
pub mod pipeline;
pub mod queue;
pub mod worker;

pub use error::JobError;
pub use events::{Event, EventBus, EventKind, Stage};
pub use pipeline::{
    ANALYZE_JOB, AnalysisJob, AnalysisSummary, AnalyzeRequest, analyze, register, run_job,
};
pub use worker::{WorkerOptions, WorkerStats, run_worker};
