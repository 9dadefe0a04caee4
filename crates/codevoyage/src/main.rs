//! `codevoyage`: the one binary. It parses the command line, loads the configuration once,
//! wires concrete backends (SQLite or PostgreSQL, the in-process event bus) and hands them to
//! the library crates. Only this crate reads the environment and decides exit codes.

mod cmd;
mod config;
mod exit;
mod progress;
mod telemetry;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// History diffing allocates and frees many small buffers per file (paths, interned lines,
/// pack entries); mimalloc serves those faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command line, as clap parses it.
#[derive(Parser, Debug)]
#[command(
    name = "codevoyage",
    version,
    about = "CodeVoyage turns a git repository into an explorable 3D city and a set of answers: \
             where the risk is, who knows what, what changes together, and how the code got here.",
    after_help = "Quick start:\n  codevoyage analyze ~/src/myproject   # walk history, measure files, store results\n  \
                  codevoyage serve                     # open http://127.0.0.1:7878 and explore the city\n\n\
                  `codevoyage COMMAND --help` explains each command, with examples.",
    propagate_version = true
)]
struct Cli {
    #[command(flatten)]
    global: config::GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the web UI and the REST API (default http://127.0.0.1:7878).
    Serve(cmd::serve::ServeArgs),
    /// Run a worker that takes analysis jobs from the shared queue (scaled mode).
    Worker(cmd::worker::WorkerArgs),
    /// Analyse a local repository: history, code metrics, summary. Shows progress; stores the
    /// results in the data directory so `serve` can show the city.
    Analyze(cmd::analyze::AnalyzeArgs),
    /// Print a repository's history: `git log --numstat` form, code-maat's form, or JSON lines.
    Log(cmd::log::LogArgs),
    /// Measure files: lines of code, comments, blanks and per-function complexity.
    Metrics(cmd::metrics::MetricsArgs),
    /// Write a self-contained HTML snapshot of a repository's city.
    Export(cmd::export::ExportArgs),
    /// Manage the users of the web UI and API: add, list, passwd, link (a one-time login link).
    User(cmd::user::UserArgs),
    /// Manage API keys for scripts: create (printed once), list, revoke.
    Apikey(cmd::apikey::ApikeyArgs),
    /// Create or upgrade the database schema (also done automatically at start-up).
    Migrate(cmd::migrate::MigrateArgs),
}

/// mimalloc's `mi_option_purge_delay`: position 15 of `mi_option_e` in the mimalloc.h of both
/// the v2 and the v3 sources `libmimalloc-sys` builds (it names only some options as constants).
/// A test below checks that this position holds the option's default in the v3 sources built
/// here (1,000 ms, from `src/options.c`; the header's comment still says 10).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before returning it to the system, instead of its
/// default 1 s. The history walk frees and re-allocates its delta-base cache entries all the
/// time; returned after 1 s, the same memory was faulted in again as fresh (zeroed) huge
/// pages: 0.5 s of 4.5 s CPU in the kernel's page clearing for `codevoyage log` on a
/// 60,000-commit repository, 0.05 s with 5 s. Memory is still handed back a few seconds
/// after a burst ends. An explicit `MIMALLOC_PURGE_DELAY` in the environment wins
/// (`VARIANT=MIMALLOC_PURGE_DELAY=1000 bench/history/vs-git.sh` compares).
const PURGE_DELAY_MS: std::ffi::c_long = 5000;

/// Transparent huge pages off for this process (Linux `PR_SET_THP_DISABLE`), unless
/// `MIMALLOC_ALLOW_THP` is set in the environment (then mimalloc decides, as documented in
/// its options). mimalloc asks the kernel for huge pages (`MADV_HUGEPAGE`) on the memory it
/// maps; each first touch of a 2 MiB page then costs the kernel a 2 MiB clear, and every
/// page the purge returns is cleared again when it comes back. With 4 KiB pages
/// `codevoyage log` on a 60,000-commit repository spent 0.16 s in the kernel instead of
/// 0.37–0.45 s and finished ~12 % sooner (`VARIANT=MIMALLOC_ALLOW_THP=1
/// bench/history/vs-git.sh` compares). Returns whether the kernel accepted the setting.
#[allow(unsafe_code)]
fn disable_transparent_huge_pages() -> bool {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` only sets a flag on this process's
        // memory map; it takes no pointers.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Allocator settings made once, first thing in `main`: transparent huge pages off (above),
/// the purge delay above, and tree-sitter's C allocations (every parse stack entry and syntax node) routed through
/// mimalloc like the rest of the process (`CODEVOYAGE_TS_LIBC_MALLOC=1` keeps libc's malloc
/// for them, for comparisons with `bench/metrics/bench.sh`).
#[allow(unsafe_code)]
fn tune_allocator() {
    disable_transparent_huge_pages();
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option; mimalloc reads options atomically.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
    if std::env::var_os("CODEVOYAGE_TS_LIBC_MALLOC").is_none() {
        // SAFETY: runs first in `main`, before any tree-sitter object exists and before any
        // other thread starts; the four functions are one allocator family (mimalloc) with the
        // C signatures and the alignment of libc's `malloc`.
        unsafe {
            tree_sitter::set_allocator(Some(tree_sitter::Allocator {
                malloc: libmimalloc_sys::mi_malloc,
                calloc: libmimalloc_sys::mi_calloc,
                realloc: libmimalloc_sys::mi_realloc,
                free: libmimalloc_sys::mi_free,
            }));
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let config = match config::Config::load(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(exit::CONFIG);
        }
    };
    let service = match &cli.command {
        Command::Serve(_) => Some(telemetry::Service::Serve),
        Command::Worker(_) => Some(telemetry::Service::Worker),
        _ => None,
    };
    let mut telemetry = config::init_logging(&config, service);
    let result = match &cli.command {
        Command::Serve(args) => cmd::serve::run(&config, args),
        Command::Analyze(args) => cmd::analyze::run(&config, args),
        Command::Migrate(args) => cmd::migrate::run(&config, args),
        Command::Log(args) => cmd::log::run(args),
        Command::Metrics(args) => cmd::metrics::run(args),
        Command::Worker(args) => cmd::worker::run(&config, args),
        Command::Export(args) => cmd::export::run(&config, args),
        Command::User(args) => cmd::user::run(&config, args),
        Command::Apikey(args) => cmd::apikey::run(&config, args),
    };
    // Outside the runtime (the exporter's blocking client needs that): send the last spans.
    telemetry.shutdown();
    match result {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

#[cfg(test)]
mod tests {
    /// The option position assumed by `MI_OPTION_PURGE_DELAY` holds mimalloc's default purge
    /// delay (1,000 ms in the v3 sources), so a mimalloc upgrade that moves it fails here.
    #[test]
    #[allow(unsafe_code)]
    fn purge_delay_option_position() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            eprintln!("skipped: MIMALLOC_PURGE_DELAY is set in the environment");
            return;
        }
        // SAFETY: reads an integer option.
        let value = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }

    /// The kernel reports transparent huge pages off for the process afterwards (the
    /// `THP_enabled` line of `/proc/self/status`, Linux 5.0 and later).
    #[test]
    #[cfg(target_os = "linux")]
    fn transparent_huge_pages_are_disabled() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            eprintln!("skipped: MIMALLOC_ALLOW_THP is set in the environment");
            return;
        }
        assert!(super::disable_transparent_huge_pages());
        let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
        match status.lines().find(|l| l.starts_with("THP_enabled:")) {
            Some(line) => assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}"),
            None => eprintln!("skipped the status check: this kernel has no THP_enabled line"),
        }
    }
}
