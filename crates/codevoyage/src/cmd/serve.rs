//! `codevoyage serve`: the web UI and the REST API.

use crate::config::{Config, open_store};
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  codevoyage serve\n  codevoyage serve --listen 0.0.0.0:8080 --data-dir /var/lib/codevoyage"
)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:7878] [env: CODEVOYAGE_LISTEN]
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
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
            None => codevoyage_store::cache::Cache::memory(),
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
        let state = codevoyage_server::AppState::new(store, cache).with_auth(auth).with_ops(config.ops.server.clone());
        serve_with_ops(config, state, listener, tls).await?;
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
