//! The vocabulary shared by every CodeVoyage crate.
//!
//! This crate holds plain data: no I/O, no git, no database. The analysis crates produce these
//! types, the store persists them, and the server turns them into JSON. Keeping them here lets
//! the analysis core stay independent of storage and transport.

pub mod commit;
pub mod metrics;
pub mod path;
pub mod progress;
pub mod time;
pub mod tree;

pub use commit::{ChangeKind, Commit, FileChange, Identity, Signature};
pub use metrics::{FileMetrics, FunctionMetrics, Halstead, LineCounts};
pub use path::RepoPath;
pub use progress::{CountingProgress, NoProgress, Progress};
pub use tree::{FileNode, TreeNode};
