//! `codevoyage worker`: runs analysis jobs from the distributed queue (scaled mode).

use crate::config::{Config, open_redis_queue, open_store};
use codevoyage_jobs::{EventBus, WorkerOptions};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Scaled mode: every worker and every `serve` share one database and one Redis.\n\
Example:\n  CODEVOYAGE_DATABASE_URL=postgres://codevoyage@db/codevoyage \\\n  CODEVOYAGE_REDIS_URL=redis://cache:6379 codevoyage worker\n\n\
Stop it with Ctrl-C or SIGTERM: the job in hand is finished first."
)]
pub struct WorkerArgs {
    /// Name of this worker in the queue [default: HOSTNAME-PID]
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(config: &Config, args: &WorkerArgs) -> anyhow::Result<ExitCode> {
    if config.redis_url.is_none() {
        return Err(crate::exit::InputError(
            "`codevoyage worker` takes jobs from Redis: set --redis-url or CODEVOYAGE_REDIS_URL (and a shared --database-url). \
             On one machine, `codevoyage analyze` runs analyses directly."
                .into(),
        )
        .into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        let queue = open_redis_queue(config)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no queue configured"))?;
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
        let name = args
            .name
            .clone()
            .unwrap_or_else(|| format!("{host}-{}", std::process::id()));
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            crate::cmd::serve::shutdown_signal().await;
            eprintln!("worker: finishing the current job, then stopping");
            let _ = stop.send(true);
        });
        eprintln!("CodeVoyage worker {name} is waiting for jobs");
        // Progress goes to Redis pub/sub so `serve` instances and `analyze --wait` can show it.
        let bus = match &config.redis_url {
            Some(url) => EventBus::with_redis(url, &crate::config::events_channel(config)).await?,
            None => EventBus::default(),
        };
        let options = WorkerOptions {
            fetch: crate::config::fetch_options(config),
            summarizer: crate::config::summarizer(config).await?,
            ..WorkerOptions::new(name)
        };
        let stats = codevoyage_jobs::run_worker(queue, store, bus, options, shutdown).await?;
        eprintln!(
            "worker stopped: {} analyses succeeded, {} failed",
            stats.succeeded, stats.failed
        );
        Ok(ExitCode::SUCCESS)
    })
}
