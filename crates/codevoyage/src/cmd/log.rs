//! `codevoyage log REPO [RANGE]`: prints a repository's history in `git log --numstat` form,
//! code-maat's `git2` form or JSON lines. The formatting lives in `codevoyage_history::format`;
//! this file only wires arguments, output buffering and a closed pipe (`| head`).

use codevoyage_history::{WalkOptions, format};
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

/// Output forms of `codevoyage log`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Same bytes as `git log --numstat --no-renames --format='commit %H'` (with `--renames`:
    /// `git log --numstat -M --format='commit %H'`).
    Numstat,
    /// code-maat's `git2` input (`git log --numstat --date=short --pretty=format:'--%h--%ad--%aN' --no-renames`).
    CodeMaat,
    /// One JSON object per commit: ids, parents, author, committer, summary, co-authors, changes.
    Jsonl,
}

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// The repository: a work tree or a bare repository.
    pub repo: PathBuf,
    /// A revision or range as git reads it (`main`, `v1.0..v2.0`, `main~100..main`); default HEAD.
    pub range: Option<String>,
    /// Output form.
    #[arg(long, value_enum, default_value = "numstat")]
    pub format: LogFormat,
    /// List changed files without counting lines (faster; counts print as 0).
    #[arg(long)]
    pub no_line_counts: bool,
    /// Diff merge commits against their first parent (by default merges show no changes).
    #[arg(long)]
    pub diff_merges: bool,
    /// Detect renames as `git log -M` does (50 % similarity): a renamed file is one change
    /// `old => new`. On by default for jsonl; numstat and code-maat default to `--no-renames`.
    #[arg(long, overrides_with = "no_renames")]
    pub renames: bool,
    /// Report a renamed file as a deletion and an addition (git's `--no-renames`).
    #[arg(long, overrides_with = "renames")]
    pub no_renames: bool,
    /// Do not resolve names and emails through `.mailmap`.
    #[arg(long)]
    pub no_mailmap: bool,
    /// Worker threads for diffing; 0 uses every core.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

pub fn run(args: &LogArgs) -> anyhow::Result<ExitCode> {
    let repo = codevoyage_history::open(&args.repo)?;
    let opts = WalkOptions {
        range: args.range.clone(),
        line_counts: !args.no_line_counts,
        diff_merges: args.diff_merges,
        mailmap: !args.no_mailmap,
        // numstat and code-maat reproduce `--no-renames` output unless asked; jsonl carries the
        // richer change kinds by default.
        renames: args.renames || (args.format == LogFormat::Jsonl && !args.no_renames),
        threads: args.threads,
        exclude: Vec::new(),
    };
    let quote = repo.quote_path();
    let abbrev = (args.format == LogFormat::CodeMaat).then(|| repo.abbreviator());
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut write_error: Option<io::Error> = None;
    let mut first = true;
    let interrupt = AtomicBool::new(false);
    let summary = repo.walk(
        &opts,
        &codevoyage_model::NoProgress,
        &interrupt,
        &mut |commit| {
            let result = match (args.format, &abbrev) {
                (LogFormat::Numstat, _) => format::numstat_with(&mut out, &commit, quote),
                (LogFormat::Jsonl, _) => format::jsonl(&mut out, &commit),
                (LogFormat::CodeMaat, Some(a)) => {
                    format::code_maat_with(&mut out, &commit, &a.short(&commit.id), first, quote)
                }
                (LogFormat::CodeMaat, None) => {
                    format::code_maat_with(&mut out, &commit, &commit.id, first, quote)
                }
            };
            first = false;
            match result {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    write_error = Some(e);
                    ControlFlow::Break(())
                }
            }
        },
    )?;
    let flushed = out.flush();
    match write_error.map_or(flushed, Err) {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => {
            return Err(anyhow::Error::new(e).context("writing the history to standard output"));
        }
        Ok(()) => {}
    }
    if summary.shallow {
        eprintln!(
            "note: {} is a shallow clone; history stops at its shallow boundary",
            args.repo.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
