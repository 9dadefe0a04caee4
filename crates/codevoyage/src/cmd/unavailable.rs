//! Subcommands whose feature has not landed in this build: they say so and exit non-zero.

use std::process::ExitCode;

/// Accepts and ignores any arguments, so `--help` and the message work for every command.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

pub fn run(command: &str, feature: &str) -> anyhow::Result<ExitCode> {
    eprintln!(
        "error: `codevoyage {command}` is not available yet in this build ({feature} is still being built). \
         Available now: analyze, serve, worker, log, metrics, migrate, user, apikey."
    );
    Ok(ExitCode::from(crate::exit::UNAVAILABLE))
}
