//! `codevoyage user`: add and list the people who may log in to the web UI and the API,
//! change a password, print a one-time login link. Also the first-run admin of `serve`.

use crate::config::{Config, open_store};
use crate::exit::InputError;
use codevoyage_server::auth::{self, Role};
use codevoyage_store::{NewAuditEntry, Store};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::time::Duration;

/// How long a printed login link stays usable.
pub const LOGIN_LINK_LIFETIME: Duration = Duration::from_secs(24 * 3600);

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  codevoyage user add alice --role analyst        # asks for the password\n  \
                        printf '%s\\n' \"$PASSWORD\" | codevoyage user add ci --role viewer\n  \
                        codevoyage user list\n  \
                        codevoyage user link admin                      # a one-time login link\n\n\
                        Roles: viewer (reads), analyst (also registers and analyses repositories), \
                        admin (also manages users, keys, deletions and the audit log)."
)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(clap::Subcommand, Debug)]
enum UserCommand {
    /// Add a user. The password is asked for (not echoed) on a terminal, otherwise read
    /// from the first line of standard input.
    Add {
        /// The login name (letters, digits, '.', '_', '-', '@').
        name: String,
        /// viewer, analyst or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List the users.
    List {
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password (asked for, or the first line of standard input).
    Passwd { name: String },
    /// Print a one-time login link for a user (valid 24 hours, works once).
    Link {
        name: String,
        /// The address the server is reached at [default: the configured listen address].
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn run(config: &Config, args: &UserArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(config).await?;
        match &args.command {
            UserCommand::Add { name, role } => {
                auth::check_username(name).map_err(|e| InputError(e.to_string()))?;
                let password = read_password(name)?;
                let user = auth::create_user(&store, name, &password, *role)
                    .await
                    .map_err(|e| InputError(e.to_string()))?;
                audit(
                    &store,
                    "user.create",
                    &format!("user:{}", user.username),
                    &format!("role {}", user.role),
                )
                .await;
                eprintln!("Added {} ({}).", user.username, user.role);
            }
            UserCommand::List { json } => {
                let users = store.list_users().await?;
                if *json {
                    for u in users {
                        println!("{}", serde_json::to_string(&u)?);
                    }
                } else {
                    println!("{:>4}  {:<24} {:<8} created", "id", "username", "role");
                    for u in users {
                        println!(
                            "{:>4}  {:<24} {:<8} {}",
                            u.id,
                            u.username,
                            u.role,
                            crate::cmd::apikey::when(u.created_at)
                        );
                    }
                }
            }
            UserCommand::Passwd { name } => {
                let user = find_user(&store, name).await?;
                let password = read_password(name)?;
                auth::check_password(&password).map_err(|e| InputError(e.to_string()))?;
                let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
                    .await?
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                store.set_password_hash(user.id, &hash).await?;
                audit(
                    &store,
                    "user.password",
                    &format!("user:{name}"),
                    "password changed",
                )
                .await;
                eprintln!("Changed the password of {name}.");
            }
            UserCommand::Link { name, base_url } => {
                let user = find_user(&store, name).await?;
                let base = base_url
                    .clone()
                    .unwrap_or_else(|| base_url_of(config.listen));
                let token = auth::issue_login_token(&store, user.id, LOGIN_LINK_LIFETIME)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                audit(
                    &store,
                    "auth.link",
                    &format!("user:{name}"),
                    "one-time login link issued",
                )
                .await;
                println!("{}", login_link(&base, &token));
                eprintln!("The link logs {name} in once, within 24 hours.");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub(crate) async fn find_user(
    store: &Store,
    name: &str,
) -> anyhow::Result<codevoyage_store::UserRow> {
    store.user_by_name(name).await?.ok_or_else(|| {
        InputError(format!(
            "no user named {name:?}; `codevoyage user list` shows them (check --data-dir)"
        ))
        .into()
    })
}

/// Records a change made from the command line (actor `cli:<OS user>`).
pub(crate) async fn audit(store: &Store, action: &str, target: &str, detail: &str) {
    let actor = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
    let entry = NewAuditEntry {
        actor: &actor,
        action,
        target,
        detail,
        address: None,
    };
    if let Err(e) = store.append_audit(entry).await {
        tracing::error!(error = %e, action, "could not write the audit log");
    }
}

/// Reads a new password: twice without echo on a terminal, else the first line of stdin.
fn read_password(name: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        if first != second {
            return Err(InputError("the two passwords differ; nothing was changed".into()).into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if line.is_empty() {
            return Err(InputError(
                "no password on standard input: give it as the first line, for example \
                 `printf '%s\\n' \"$PASSWORD\" | codevoyage user add NAME --role viewer`"
                    .into(),
            )
            .into());
        }
        line
    };
    auth::check_password(&password).map_err(|e| InputError(e.to_string()))?;
    Ok(password)
}

/// `http://HOST:PORT` for a listen address; an unspecified address (0.0.0.0, ::) is shown
/// as loopback, which works from the machine itself.
pub fn base_url_of(listen: std::net::SocketAddr) -> String {
    let host = match listen.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}", listen.port())
}

/// The link the web UI's login page exchanges for a session: the token rides in the
/// fragment, which browsers never send to a server or put in a Referer.
pub fn login_link(base: &str, token: &str) -> String {
    format!("{}/login#token={token}", base.trim_end_matches('/'))
}

/// On a first start with no users, creates `admin` with a random password nobody sees and
/// prints a one-time login link, like Jupyter: never open anonymous access.
pub async fn first_run(store: &Store, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let password = auth::random_token(24).map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin = match auth::create_user(store, "admin", &password, Role::Admin).await {
        Ok(user) => user,
        // Another instance created it at the same moment: nothing to announce here.
        Err(codevoyage_server::ApiError::Conflict(_)) => return Ok(()),
        Err(e) => return Err(anyhow::anyhow!("cannot create the first user: {e}")),
    };
    audit(
        store,
        "user.create",
        "user:admin",
        "first start: role admin",
    )
    .await;
    let token = auth::issue_login_token(store, admin.id, LOGIN_LINK_LIFETIME)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "First start: created the user `admin`. Log in once with this link (valid 24 hours):\n\n    {}\n\n\
         Then add people with `codevoyage user add NAME --role viewer|analyst|admin`; \
         `codevoyage user link admin` prints a new link, `codevoyage user passwd admin` sets a password.",
        login_link(&base_url_of(listen), &token)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_at_the_login_page_with_the_token_in_the_fragment() {
        let any: std::net::SocketAddr = "0.0.0.0:7878".parse().expect("addr");
        assert_eq!(base_url_of(any), "http://127.0.0.1:7878");
        let v6: std::net::SocketAddr = "[::1]:80".parse().expect("addr");
        assert_eq!(base_url_of(v6), "http://[::1]:80");
        assert_eq!(
            login_link("http://h:1/", "cvl_x"),
            "http://h:1/login#token=cvl_x"
        );
    }
}
