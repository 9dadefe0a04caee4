//! `codevoyage serve`: the web UI and the REST API, and in local mode the analysis workers.
//!
//! Local mode (no Redis): the job queue lives in the store, and a pool of `workers` workers
//! (default: one per core) runs in this process, so a restarted `serve` resumes the analyses
//! it had not finished. Scaled mode (`redis_url` set): `serve` only enqueues on the Redis
//! queue; `codevoyage worker` processes run the jobs, and their progress events reach this
//! process's WebSockets through Redis pub/sub.

use crate::config::{Config, open_store};
use codevoyage_jobs::queue::Queue;
use codevoyage_jobs::{EventBus, SourcePolicy, WorkerOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  codevoyage serve\n  codevoyage serve --listen 0.0.0.0:8080 --data-dir /var/lib/codevoyage --allowed-root /srv/git\n\n\
Repository sources given to the API: URLs must resolve to public addresses (allow_private_urls = true\n\
lifts that); local paths must lie under an allowed root. Without --allowed-root or allowed_roots,\n\
a local single-user server (loopback address, no Redis, embedded SQLite) allows the folder it was\n\
started in, as Jupyter does; any other server allows no local path."
)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:7878] [env: CODEVOYAGE_LISTEN]
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Accept local repository paths under DIR (repeatable) [env: CODEVOYAGE_ALLOWED_ROOTS]
    #[arg(long = "allowed-root", value_name = "DIR")]
    pub allowed_roots: Vec<PathBuf>,
    /// Delete analyses that finished more than N days ago, checking every
    /// retention_interval_secs; a repository's latest successful analysis always stays.
    /// 0 keeps them forever [default: 0] [env: CODEVOYAGE_RETENTION_DAYS]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::config::MAX_RETENTION_DAYS)))]
    pub retention_days: Option<u32>,
}

/// The folders the API accepts local paths under: flags, else configuration, else the
/// documented default (the current folder for a local single-user server, nothing otherwise).
fn allowed_roots(config: &Config, args: &ServeArgs, listen: SocketAddr) -> Vec<PathBuf> {
    if !args.allowed_roots.is_empty() {
        return args.allowed_roots.clone();
    }
    if let Some(roots) = &config.allowed_roots {
        return roots.clone();
    }
    let single_user =
        listen.ip().is_loopback() && config.redis_url.is_none() && config.uses_embedded_sqlite();
    match std::env::current_dir() {
        Ok(cwd) if single_user => vec![cwd],
        _ => Vec::new(),
    }
}

/// Workers of the local pool: `workers`, or one per core.
fn pool_size(config: &Config) -> usize {
    if config.workers > 0 {
        config.workers
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

pub fn run(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let listen = args.listen.unwrap_or(config.listen);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        let cache = match &config.redis_url {
            Some(url) => codevoyage_store::cache::Cache::redis(url).await?,
            // Local mode: computed views are also kept as compressed snapshots in the data
            // directory (the cold layer), so a restarted server answers from disk. Not in
            // scaled mode: an invalidation on one instance could not reach another's disk.
            None => codevoyage_store::cache::Cache::memory().with_snapshots(
                codevoyage_store::cache::Snapshots::open(&config.data_dir.join("cache"), Default::default())?,
            ),
        };
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            crate::exit::InputError(format!("cannot listen on {listen}: {e} (is another server running there? choose another with --listen)"))
        })?;
        let local = listener.local_addr()?;
        let tls = tls_config(config)?;
        let auth = crate::config::auth_settings(config)?;
        crate::cmd::user::first_run(&store, local).await?;
        let repositories = store.list_repositories().await?.len();
        eprintln!("CodeVoyage is serving {}://{local}/  ({repositories} analysed repositories; data in {})", if tls.is_some() { "https" } else { "http" }, config.data_dir.display());
        if !codevoyage_server::ui_available() {
            eprintln!("note: the web UI is not built into this binary; run `make serve` to build it. The API works.");
        }
        if repositories == 0 {
            eprintln!("note: nothing analysed yet: run `codevoyage analyze PATH` (with the same --data-dir) and reload the page.");
        }
        let roots = allowed_roots(config, args, local);
        if roots.is_empty() {
            eprintln!("note: the API accepts no local repository paths; allow some with --allowed-root DIR.");
        } else {
            let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
            eprintln!("Local repositories are accepted under: {}", shown.join(", "));
        }
        let policy = SourcePolicy {
            allow_private_urls: config.allow_private_urls,
            allowed_roots: roots,
        };
        // Scaled mode: events go through Redis both ways, so a socket on any instance sees the
        // workers' progress and the analyses queued or cancelled through any other instance.
        let (bus, relay) = match &config.redis_url {
            None => (EventBus::default(), None),
            Some(url) => {
                let channel = crate::config::events_channel(config);
                let (bus, relay) = EventBus::shared_through_redis(url, &channel).await?;
                (bus, Some(relay))
            }
        };
        let (stop_workers, stopped) = tokio::sync::watch::channel(false);
        let mut workers = Vec::new();
        let queue = match &config.redis_url {
            None => {
                let queue = Queue::persisted(store.clone(), &config.queue_name, config.queue.clone());
                let size = pool_size(config);
                let mut fetch = crate::config::fetch_options(config);
                fetch.policy = policy.clone();
                let summarizer = crate::config::summarizer(config).await?;
                for i in 0..size {
                    let options = WorkerOptions {
                        fetch: fetch.clone(),
                        summarizer: summarizer.clone(),
                        ..WorkerOptions::new(format!("serve-{}-{i}", std::process::id()))
                    };
                    workers.push(tokio::spawn(codevoyage_jobs::run_worker(
                        queue.clone(),
                        store.clone(),
                        bus.clone(),
                        options,
                        stopped.clone(),
                    )));
                }
                let depth = queue.depth().await?;
                eprintln!("{size} analysis workers ready ({} queued or unfinished analyses)", depth.ready + depth.delayed + depth.in_flight);
                queue
            }
            Some(_) => {
                let queue = crate::config::open_redis_queue(config)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no queue configured"))?;
                eprintln!("Scaled mode: analyses are queued on Redis for `codevoyage worker` processes.");
                queue
            }
        };
        let jobs = codevoyage_server::Jobs {
            queue,
            bus,
            policy,
            repos_dir: Some(config.data_dir.join("repos")),
        };
        let views = config.redis_url.is_none().then(|| tokio::spawn(codevoyage_server::drop_superseded_views(jobs.bus.subscribe(), cache.clone())));
        let state = codevoyage_server::AppState::new(store, cache).with_auth(auth).with_jobs(jobs).with_ops(config.ops.server.clone());
        let retention_days = args.retention_days.unwrap_or(config.retention_days);
        let retention = crate::config::retention_policy(config, retention_days).map(|policy| {
            eprintln!("Analyses that finished more than {retention_days} days ago are deleted (checked every {} s; each repository keeps its latest successful one).", policy.interval.as_secs());
            codevoyage_server::spawn_retention(&state, policy, stopped.clone())
        });
        serve_with_ops(config, state, listener, tls).await?;
        // The workers finish their current analysis if it ends soon; otherwise it is handed
        // back (its lease runs out) and the next start resumes it from its checkpoints.
        let _ = stop_workers.send(true);
        if let Some(retention) = retention {
            retention.stop(Duration::from_secs(10)).await;
        }
        let drain = async {
            for w in workers.iter_mut() {
                let _ = w.await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(10), drain).await.is_err() {
            eprintln!("analyses still running were handed back; the next start resumes them");
            for w in &workers {
                w.abort();
            }
        }
        if let Some(relay) = relay {
            relay.abort();
        }
        if let Some(views) = views {
            views.abort();
            let _ = views.await;
        }
        eprintln!("CodeVoyage stopped.");
        Ok(ExitCode::SUCCESS)
    })
}

/// The TLS configuration when `tls_cert` and `tls_key` are set (checked before listening).
fn tls_config(
    config: &Config,
) -> anyhow::Result<Option<std::sync::Arc<codevoyage_server::tls::ServerConfig>>> {
    match &config.ops.tls {
        None => Ok(None),
        Some(files) => codevoyage_server::tls::server_config(&files.cert, &files.key)
            .map(Some)
            .map_err(|e| crate::exit::InputError(e.to_string()).into()),
    }
}

/// Serves the application (over TLS when configured) until a shutdown signal, with the
/// metrics listener beside it when `metrics_listen` is set.
async fn serve_with_ops(
    config: &Config,
    state: codevoyage_server::AppState,
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<codevoyage_server::tls::ServerConfig>>,
) -> anyhow::Result<()> {
    let metrics = match config.ops.metrics_listen {
        None => None,
        Some(address) => {
            let metrics_listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
                crate::exit::InputError(format!(
                    "cannot listen on {address} for metrics: {e} (choose another metrics_listen)"
                ))
            })?;
            eprintln!(
                "Prometheus metrics at http://{}/metrics (no login: keep this address internal)",
                metrics_listener.local_addr()?
            );
            let router = codevoyage_server::metrics_router(state.clone());
            Some(tokio::spawn(codevoyage_server::serve(
                metrics_listener,
                router,
                shutdown_signal(),
            )))
        }
    };
    let app = codevoyage_server::router(state);
    match tls {
        Some(tls) => {
            let listener = codevoyage_server::tls::TlsListener::new(listener, tls)?;
            codevoyage_server::tls::serve_tls(listener, app, shutdown_signal()).await?;
        }
        None => codevoyage_server::serve(listener, app, shutdown_signal()).await?,
    }
    if let Some(metrics) = metrics {
        // It saw the same signal; a scrape in progress is the most it waits for.
        metrics.abort();
        let _ = metrics.await;
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so open requests drain before the process exits.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
