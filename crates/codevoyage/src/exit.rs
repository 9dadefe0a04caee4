//! Exit codes that mean something, and how errors are shown to a person.
//!
//! Scripts can tell "you asked for something wrong" from "the repository is broken" from
//! "something failed inside CodeVoyage" without parsing messages.

use std::process::ExitCode;

/// The command failed for a reason not covered below.
pub const FAILURE: u8 = 1;
/// The configuration (file, environment or flags) is invalid.
pub const CONFIG: u8 = 2;
/// The input (path, repository, revision) cannot be used.
pub const INPUT: u8 = 3;
/// The command exists but its feature is not available in this build yet.
pub const UNAVAILABLE: u8 = 4;
/// Interrupted by the user (Ctrl-C).
pub const INTERRUPTED: u8 = 130;

/// An error the user caused and can fix; shown without a chain of causes.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Prints `error: …` (one line, then causes) and picks the exit code.
pub fn report(e: &anyhow::Error) -> ExitCode {
    if let Some(input) = e.downcast_ref::<InputError>() {
        eprintln!("error: {input}");
        return ExitCode::from(INPUT);
    }
    if let Some(jobs) = e.downcast_ref::<codevoyage_jobs::JobError>() {
        eprintln!("error: {jobs}");
        return match jobs {
            codevoyage_jobs::JobError::Cancelled => ExitCode::from(INTERRUPTED),
            j if j.is_input() => ExitCode::from(INPUT),
            _ => ExitCode::from(FAILURE),
        };
    }
    eprintln!("error: {e:#}");
    ExitCode::from(FAILURE)
}
