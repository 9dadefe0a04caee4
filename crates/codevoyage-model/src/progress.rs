//! Progress reporting and cancellation for long operations.
//!
//! Long analysis functions take a `&dyn Progress` (where to report) and an interrupt flag
//! (`&AtomicBool`, checked between chunks of work), in the style of gitoxide. The caller
//! decides what progress looks like: a terminal bar, events on a bus, or nothing.

use std::sync::atomic::{AtomicU64, Ordering};

/// A sink for progress of one stage. Implementations must be cheap to call from many threads.
pub trait Progress: Sync {
    /// The amount of work expected, when known.
    fn set_total(&self, total: u64);
    /// `n` more units done.
    fn inc(&self, n: u64);
    /// A short human-readable note on what is happening now.
    fn message(&self, _message: &str) {}
}

/// Discards all progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn set_total(&self, _total: u64) {}
    fn inc(&self, _n: u64) {}
}

/// Counts progress; useful in tests and as a building block.
#[derive(Debug, Default)]
pub struct CountingProgress {
    pub total: AtomicU64,
    pub done: AtomicU64,
}

impl Progress for CountingProgress {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }
    fn inc(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }
}
