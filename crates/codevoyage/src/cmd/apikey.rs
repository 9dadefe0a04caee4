//! `codevoyage apikey`: create (printed once), list and revoke API keys for scripts and CI.

use crate::cmd::user::{audit, find_user};
use crate::config::{Config, open_store};
use crate::exit::InputError;
use codevoyage_server::auth;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  codevoyage apikey create --user alice --name ci   # prints the key once\n  \
                        codevoyage apikey list\n  \
                        codevoyage apikey revoke 3\n\n\
                        Use a key as `Authorization: Bearer <key>`. Only its hash is stored: a lost key \
                        cannot be shown again, revoke it and create another."
)]
pub struct ApikeyArgs {
    #[command(subcommand)]
    command: ApikeyCommand,
}

#[derive(clap::Subcommand, Debug)]
enum ApikeyCommand {
    /// Create a key for a user and print it (on standard output, once).
    Create {
        /// The user the key acts as.
        #[arg(long)]
        user: String,
        /// What the key is for, e.g. "ci" or "laptop".
        #[arg(long)]
        name: String,
    },
    /// List keys (never the keys themselves, only their first characters).
    List {
        /// Only this user's keys.
        #[arg(long)]
        user: Option<String>,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (see `apikey list`); it stops working at once.
    Revoke { id: i64 },
}

/// `YYYY-MM-DD HH:MM` (UTC) for a table.
pub(crate) fn when(secs: i64) -> String {
    let (y, m, d) = codevoyage_model::time::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

pub fn run(config: &Config, args: &ApikeyArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        match &args.command {
            ApikeyCommand::Create { user, name } => {
                let owner = find_user(&store, user).await?;
                let (id, key) = auth::create_api_key(&store, owner.id, name)
                    .await
                    .map_err(|e| InputError(e.to_string()))?;
                audit(
                    &store,
                    "apikey.create",
                    &format!("apikey:{id}"),
                    &format!("{} of {user}", name.trim()),
                )
                .await;
                println!("{key}");
                eprintln!(
                    "Created API key {id} ({}) for {user}. Keep it now: it is not shown again.",
                    name.trim()
                );
            }
            ApikeyCommand::List { user, json } => {
                let owner = match user {
                    Some(name) => Some(find_user(&store, name).await?.id),
                    None => None,
                };
                let keys = store.list_api_keys(owner).await?;
                if *json {
                    for k in keys {
                        println!("{}", serde_json::to_string(&k)?);
                    }
                } else {
                    println!(
                        "{:>4}  {:<16} {:<20} {:<12} {:<17} status",
                        "id", "user", "name", "prefix", "created"
                    );
                    for k in keys {
                        let status = match (k.revoked_at, k.last_used_at) {
                            (Some(at), _) => format!("revoked {}", when(at)),
                            (None, Some(at)) => format!("last used {}", when(at)),
                            (None, None) => "never used".to_string(),
                        };
                        println!(
                            "{:>4}  {:<16} {:<20} {:<12} {:<17} {status}",
                            k.id,
                            k.username,
                            k.name,
                            k.prefix,
                            when(k.created_at)
                        );
                    }
                }
            }
            ApikeyCommand::Revoke { id } => {
                let key = store.api_key(*id).await?.ok_or_else(|| {
                    InputError(format!(
                        "no API key with id {id}; `codevoyage apikey list` shows them"
                    ))
                })?;
                if store.revoke_api_key(*id).await? {
                    audit(
                        &store,
                        "apikey.revoke",
                        &format!("apikey:{id}"),
                        &format!("{} of {}", key.name, key.username),
                    )
                    .await;
                    eprintln!("Revoked API key {id} ({} of {}).", key.name, key.username);
                } else {
                    eprintln!("API key {id} was already revoked.");
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_times_are_utc_minutes() {
        assert_eq!(super::when(0), "1970-01-01 00:00");
        assert_eq!(super::when(951_782_460), "2000-02-29 00:01");
    }
}
