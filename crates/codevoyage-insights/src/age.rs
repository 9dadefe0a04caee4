//! Code age: how long since each live file last changed, and how long since it was created.
//!
//! Two separate measures, named apart because they answer different questions:
//! - `months_since_change = (now − last_change) / MONTH` — is this code settled or still moving?
//! - `months_since_creation = (now − created) / MONTH` — how old is this file (its lineage,
//!   renames followed)?
//!
//! where `MONTH` = 30.436875 days (the mean Gregorian month) and times are author times. A
//! change later than `now` (clock skew) counts as age 0.

use crate::history::{DAY, History};
use serde::Serialize;

/// Seconds in a mean Gregorian month (365.2425 / 12 days).
pub const MONTH_SECS: f64 = 30.436_875 * DAY as f64;

/// Age of one live file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileAge {
    pub path: String,
    pub created: i64,
    pub last_change: i64,
    pub months_since_change: f64,
    pub months_since_creation: f64,
}

/// Whole months between `then` and `now`, fractional, never negative.
pub fn months_between(then: i64, now: i64) -> f64 {
    (now.saturating_sub(then)).max(0) as f64 / MONTH_SECS
}

/// Age of every live file, by path.
pub fn code_age(h: &History) -> Vec<FileAge> {
    let mut span: Vec<Option<(i64, i64)>> = vec![None; h.files().len()];
    for c in h.commits() {
        for r in c.changes {
            let s = span[r.file as usize].get_or_insert((c.time, c.time));
            s.0 = s.0.min(c.time);
            s.1 = s.1.max(c.time);
        }
    }
    let mut out: Vec<FileAge> = span
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let f = &h.files()[i];
            let (created, last) = s?;
            f.alive.then(|| FileAge {
                path: f.path.clone(),
                created,
                last_change: last,
                months_since_change: months_between(last, h.now()),
                months_since_creation: months_between(created, h.now()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
