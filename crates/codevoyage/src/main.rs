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

fn main() -> ExitCode {
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
