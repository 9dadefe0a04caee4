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
        let auth = crate::config::auth_settings(config)?;
        crate::cmd::user::first_run(&store, local).await?;
        let repositories = store.list_repositories().await?.len();
        eprintln!("CodeVoyage is serving http://{local}/  ({repositories} analysed repositories; data in {})", config.data_dir.display());
        if !codevoyage_server::ui_available() {
            eprintln!("note: the web UI is not built into this binary; run `make serve` to build it. The API works.");
        }
        if repositories == 0 {
            eprintln!("note: nothing analysed yet: run `codevoyage analyze PATH` (with the same --data-dir) and reload the page.");
        }
        let app = codevoyage_server::router(codevoyage_server::AppState::new(store, cache).with_auth(auth));
        codevoyage_server::serve(listener, app, shutdown_signal()).await?;
        eprintln!("CodeVoyage stopped.");
        Ok(ExitCode::SUCCESS)
    })
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
