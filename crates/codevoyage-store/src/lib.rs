//! Storage of CodeVoyage: repositories, analyses, history, metrics, and a cache.
//!
//! One concrete [`Store`] talks to SQLite (a file, the default for a single machine) or
//! PostgreSQL (for several instances) through sqlx's `Any` driver, so both backends run the
//! same SQL. That choice limits us to primitive column types: times are Unix seconds
//! (`i64`), booleans are `0/1`, JSON is text. The backend is chosen by the URL scheme.
//!
//! Every write is idempotent: a stage that crashed half-way can simply run again and leaves
//! exactly one copy of each row. The [`cache`] module holds the response cache (memory or
//! Redis) that never fails a request.

mod auth;
pub mod cache;
mod erasure;
mod error;
mod forge;
mod jobs;
mod migrations;
mod queries;
mod retention;
mod store;
mod tags;
mod timeline;

pub use auth::{ApiKeyRow, AuditEntry, NewAuditEntry, UserRow, Viewer};
pub use erasure::{Erasures, email_sha256};
pub use error::StoreError;
pub use forge::ForgeMetadata;
pub use jobs::{JobCounts, JobRow, NewJobRow};
pub use queries::{
    ANONYMOUS_DOMAIN, Anonymized, CommitFilter, CommitSummary, FileCommit, FileDetail, FileOwner,
};
pub use retention::{RETENTION_BATCH, RetentionReport};
pub use store::{
    AnalysisRow, AnalysisStatus, AnalysisUpdate, Backend, CommitRow, ContributorRow,
    CouplingRecord, FileRecord, FunctionRow, InsightRecord, LanguageShare, RepositoryRow,
    RepositorySummary, Store,
};
pub use tags::{TagRecord, TagRow};
pub use timeline::{TimelineChange, TimelineCommit};
