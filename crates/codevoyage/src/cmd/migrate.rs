//! `codevoyage migrate`: create or upgrade the database schema.

use crate::config::{Config, open_store};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {}

pub fn run(config: &Config, _args: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        store.ping().await?;
        println!(
            "database schema is up to date ({})",
            crate::config::redact(&config.database_url())
        );
        Ok(ExitCode::SUCCESS)
    })
}
