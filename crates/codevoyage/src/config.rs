//! Configuration, read once: defaults < `codevoyage.toml` < `CODEVOYAGE_*` environment < flags.
//!
//! The raw layers are merged with figment into [`RawConfig`], then validated into [`Config`],
//! the typed options passed down to the rest of the program. Nothing else reads the
//! environment. Secrets (database and Redis URLs may carry passwords) are redacted in `Debug`.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Flags every subcommand accepts; they override the file and the environment.
#[derive(clap::Args, Debug, Default, Serialize)]
pub struct GlobalArgs {
    /// Configuration file [default: ./codevoyage.toml when it exists] [env: CODEVOYAGE_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Where CodeVoyage keeps its SQLite database and caches [default: the platform's data
    /// directory, e.g. ~/.local/share/codevoyage] [env: CODEVOYAGE_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [default: SQLite in the data
    /// directory] [env: CODEVOYAGE_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Redis URL for the distributed queue and shared cache, e.g. redis://127.0.0.1:6379
    /// [default: none: in-process queue and memory cache] [env: CODEVOYAGE_REDIS_URL]
    #[arg(long, global = true, value_name = "URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_url: Option<String>,
    /// Log format: text or json [env: CODEVOYAGE_LOG_FORMAT]
    #[arg(long, global = true, value_name = "FORMAT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or codevoyage=debug [env: CODEVOYAGE_LOG]
    #[arg(long = "log", global = true, value_name = "FILTER")]
    #[serde(skip_serializing_if = "Option::is_none", rename = "log")]
    pub log_filter: Option<String>,
}

/// The merged, not yet validated configuration.
#[derive(Deserialize, Serialize)]
struct RawConfig {
    data_dir: Option<PathBuf>,
    listen: String,
    database_url: Option<String>,
    redis_url: Option<String>,
    workers: usize,
    log_format: String,
    log: String,
    queue_name: String,
    queue_visibility_secs: u64,
    queue_max_attempts: u32,
    /// Folders under which the API accepts local repository paths (a list, or one string of
    /// paths separated like PATH). Unset: see `codevoyage serve --help`.
    allowed_roots: Option<PathList>,
    /// Accept repository URLs whose host resolves to a private, loopback or link-local address.
    allow_private_urls: bool,
    /// Longest one clone or fetch of a remote repository may take, in seconds.
    clone_timeout_secs: u64,
    /// Largest clone of a remote repository, in MiB.
    max_clone_mb: u64,
    /// Secrets signing the API's access tokens: the first signs, all verify (key rotation).
    /// A list, or one string with commas. When unset, one is generated and kept in
    /// `<data_dir>/jwt_secret`.
    jwt_secrets: Option<SecretList>,
    /// How long an access token from a login stays valid, in seconds.
    token_lifetime_secs: u64,
    /// Metrics listener, CORS, rate limit and TLS: see [`RawOps`].
    metrics_listen: Option<String>,
    cors_origins: Option<OriginList>,
    rate_limit_per_second: f64,
    rate_limit_burst: u32,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    /// An OpenAI-compatible chat-completions endpoint for the optional executive summary,
    /// e.g. `http://localhost:11434/v1` (Ollama); unset: the deterministic summary only.
    llm_base_url: Option<String>,
    /// The model name at that endpoint.
    llm_model: Option<String>,
    /// Seconds per model request attempt.
    llm_timeout_secs: u64,
    /// Read from `CODEVOYAGE_LLM_API_KEY` (or the file); never printed.
    llm_api_key: Option<String>,
    /// `serve` deletes analyses that finished more than this many days ago (never a
    /// repository's latest successful one); 0 keeps them forever.
    retention_days: u32,
    /// Seconds between two looks for old analyses.
    retention_interval_secs: u64,
    /// OTLP/HTTP collector base URL (e.g. `http://otel-collector:4318`): `serve` and `worker`
    /// export traces there when set. Falls back to `OTEL_EXPORTER_OTLP_ENDPOINT`.
    otlp_endpoint: Option<String>,
    /// Read GitHub's description, stars and default branch of GitHub sources when they are
    /// fetched.
    forge_metadata: bool,
    /// A GitHub token (`CODEVOYAGE_GITHUB_TOKEN`, else `GITHUB_TOKEN`): 5,000 requests an
    /// hour instead of 60. Never printed.
    github_token: Option<String>,
    /// GitHub's REST API root (another one for tests, or a proxy).
    github_api_url: String,
    /// The client's token bucket: requests an hour and burst.
    github_requests_per_hour: u32,
    github_burst: u32,
}

/// `jwt_secrets` as a TOML list or as one comma-separated string (the environment's form).
#[derive(Deserialize, Serialize, Clone)]
#[serde(untagged)]
enum SecretList {
    Many(Vec<String>),
    One(String),
}

impl SecretList {
    fn into_vec(self) -> Vec<String> {
        let items = match self {
            SecretList::Many(v) => v,
            SecretList::One(s) => s.split(',').map(str::to_string).collect(),
        };
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// `allowed_roots` as a TOML list or as one string of paths separated like PATH (the
/// environment's form).
#[derive(Deserialize, Serialize, Clone)]
#[serde(untagged)]
enum PathList {
    Many(Vec<PathBuf>),
    One(String),
}

impl PathList {
    fn into_vec(self) -> Vec<PathBuf> {
        match self {
            PathList::Many(v) => v,
            PathList::One(s) => std::env::split_paths(&s).collect(),
        }
        .into_iter()
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
    }
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            data_dir: None,
            listen: "127.0.0.1:7878".into(),
            database_url: None,
            redis_url: None,
            workers: 0,
            log_format: "text".into(),
            log: "warn".into(),
            queue_name: "codevoyage".into(),
            queue_visibility_secs: 60,
            queue_max_attempts: 5,
            allowed_roots: None,
            allow_private_urls: false,
            clone_timeout_secs: 600,
            max_clone_mb: 2048,
            jwt_secrets: None,
            token_lifetime_secs: 12 * 3600,
            metrics_listen: RawOps::default().metrics_listen,
            cors_origins: RawOps::default().cors_origins,
            rate_limit_per_second: RawOps::default().rate_limit_per_second,
            rate_limit_burst: RawOps::default().rate_limit_burst,
            tls_cert: RawOps::default().tls_cert,
            tls_key: RawOps::default().tls_key,
            llm_base_url: None,
            llm_model: None,
            llm_timeout_secs: 60,
            llm_api_key: None,
            retention_days: 0,
            retention_interval_secs: 3600,
            otlp_endpoint: None,
            forge_metadata: true,
            github_token: None,
            github_api_url: codevoyage_forge::DEFAULT_API_URL.into(),
            github_requests_per_hour: 5_000,
            github_burst: 100,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The validated configuration.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// `None` means SQLite in the data directory.
    database_url: Option<String>,
    pub redis_url: Option<String>,
    /// Analysis threads; 0 = all cores.
    pub workers: usize,
    pub log_format: LogFormat,
    pub log_filter: String,
    /// Key prefix of the distributed queue: deployments sharing a Redis keep apart by it.
    pub queue_name: String,
    pub queue: codevoyage_jobs::queue::QueueOptions,
    /// Folders for local repository paths given to the API; `None` when not configured
    /// (`serve` then picks its documented default).
    pub allowed_roots: Option<Vec<PathBuf>>,
    pub allow_private_urls: bool,
    pub clone_timeout: std::time::Duration,
    pub max_clone_bytes: u64,
    /// Configured JWT secrets (empty: use the one kept in the data directory). Never
    /// printed by `Debug`.
    jwt_secrets: Vec<String>,
    /// Lifetime of an access token.
    pub token_lifetime: std::time::Duration,
    /// Metrics listener, CORS, rate limit and TLS of `serve`.
    pub ops: OpsConfig,
    /// The language model of the executive summary, when configured (its key is redacted in
    /// `Debug`).
    pub llm: Option<codevoyage_llm::LlmConfig>,
    /// Days a finished analysis is kept by `serve` (0: forever; `serve --retention-days`
    /// overrides it), and the time between two retention runs.
    pub retention_days: u32,
    pub retention_interval: std::time::Duration,
    /// Where `serve` and `worker` send OpenTelemetry traces (the full `/v1/traces` URL);
    /// `None`: no tracing export.
    pub otlp_traces_url: Option<String>,
    /// The GitHub metadata client's settings; `None` when `forge_metadata` is off (its token
    /// is redacted in `Debug`).
    pub forge: Option<codevoyage_forge::ForgeConfig>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("database_url", &self.database_url.as_deref().map(redact))
            .field("redis_url", &self.redis_url.as_deref().map(redact))
            .field("workers", &self.workers)
            .field("log_format", &self.log_format)
            .field(
                "jwt_secrets",
                &format!("{} configured", self.jwt_secrets.len()),
            )
            .field("token_lifetime", &self.token_lifetime)
            .field("llm", &self.llm)
            .field("retention_days", &self.retention_days)
            .field("retention_interval", &self.retention_interval)
            .field(
                "otlp_traces_url",
                &self.otlp_traces_url.as_deref().map(redact),
            )
            .field("forge", &self.forge)
            .finish()
    }
}

/// Hides the password part of a URL (`postgres://user:secret@host` → `postgres://user:***@host`).
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Environment keys we read (`CODEVOYAGE_<KEY>`); others, such as the test suites'
/// `CODEVOYAGE_TEST_*`, are ignored rather than rejected.
const ENV_KEYS: &[&str] = &[
    "data_dir",
    "listen",
    "database_url",
    "redis_url",
    "workers",
    "log_format",
    "log",
    "queue_name",
    "queue_visibility_secs",
    "queue_max_attempts",
    "allowed_roots",
    "allow_private_urls",
    "clone_timeout_secs",
    "max_clone_mb",
    "jwt_secrets",
    "token_lifetime_secs",
    "metrics_listen",
    "cors_origins",
    "rate_limit_per_second",
    "rate_limit_burst",
    "tls_cert",
    "tls_key",
    "llm_base_url",
    "llm_model",
    "llm_timeout_secs",
    "llm_api_key",
    "retention_days",
    "retention_interval_secs",
    "otlp_endpoint",
    "forge_metadata",
    "github_token",
    "github_api_url",
    "github_requests_per_hour",
    "github_burst",
];

impl Config {
    pub fn load(flags: &GlobalArgs) -> anyhow::Result<Config> {
        let env_config = std::env::var_os("CODEVOYAGE_CONFIG").map(PathBuf::from);
        let file = flags.config.clone().or(env_config);
        let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
        match &file {
            Some(path) => {
                if !path.is_file() {
                    bail!(
                        "configuration file {} does not exist (check --config or CODEVOYAGE_CONFIG)",
                        path.display()
                    );
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => {
                if Path::new("codevoyage.toml").is_file() {
                    figment = figment.merge(Toml::file_exact("codevoyage.toml"));
                }
            }
        }
        figment = figment
            .merge(Env::prefixed("CODEVOYAGE_").only(ENV_KEYS))
            .merge(Serialized::defaults(flags));
        let mut raw: RawConfig = figment.extract().context("invalid configuration")?;
        // The OpenTelemetry convention, when CodeVoyage's own key is not set.
        if raw.otlp_endpoint.is_none() {
            raw.otlp_endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
                .ok()
                .filter(|e| !e.trim().is_empty());
        }
        // GitHub's own convention, when CodeVoyage's key is not set.
        let raw = RawConfig {
            github_token: raw
                .github_token
                .or_else(|| std::env::var("GITHUB_TOKEN").ok()),
            ..raw
        };
        Self::validate(raw)
    }

    fn validate(raw: RawConfig) -> anyhow::Result<Config> {
        let data_dir = match raw.data_dir {
            Some(d) if d.as_os_str().is_empty() => bail!("data_dir is empty: give a directory path"),
            Some(d) => d,
            None => dirs::data_dir()
                .map(|d| d.join("codevoyage"))
                .context("cannot determine the platform data directory: set --data-dir or CODEVOYAGE_DATA_DIR")?,
        };
        let listen: SocketAddr = raw.listen.parse().with_context(|| {
            format!(
                "listen address {:?} is not ADDRESS:PORT (for example 127.0.0.1:7878)",
                raw.listen
            )
        })?;
        if let Some(url) = &raw.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!(
                "database_url {:?} must start with sqlite:, postgres:// or postgresql://",
                redact(url)
            );
        }
        if let Some(url) = &raw.redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            bail!(
                "redis_url {:?} must start with redis:// or rediss://",
                redact(url)
            );
        }
        let log_format = match raw.log_format.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!("log_format {other:?} is not one of: text, json"),
        };
        if raw.queue_visibility_secs == 0 {
            bail!(
                "queue_visibility_secs must be at least 1 (seconds a silent worker keeps its job)"
            );
        }
        if raw.queue_max_attempts == 0 {
            bail!("queue_max_attempts must be at least 1");
        }
        if raw.queue_name.is_empty() || raw.queue_name.contains(char::is_whitespace) {
            bail!("queue_name {:?} must be a non-empty word", raw.queue_name);
        }
        let llm = match (raw.llm_base_url, raw.llm_model) {
            (None, None) => None,
            (Some(url), Some(model)) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!(
                        "llm_base_url {url:?} must start with http:// or https:// (for example http://localhost:11434/v1)"
                    );
                }
                if !(1..=600).contains(&raw.llm_timeout_secs) {
                    bail!(
                        "llm_timeout_secs must be between 1 and 600, not {}",
                        raw.llm_timeout_secs
                    );
                }
                Some(codevoyage_llm::LlmConfig {
                    api_key: raw.llm_api_key.filter(|k| !k.is_empty()),
                    timeout: std::time::Duration::from_secs(raw.llm_timeout_secs),
                    ..codevoyage_llm::LlmConfig::new(url, model)
                })
            }
            (Some(_), None) => {
                bail!("llm_base_url is set but llm_model is not: set both, or neither")
            }
            (None, Some(_)) => {
                bail!("llm_model is set but llm_base_url is not: set both, or neither")
            }
        };
        let otlp_traces_url = match raw.otlp_endpoint.map(|e| e.trim().to_string()) {
            None => None,
            Some(e) if e.is_empty() => None,
            Some(e) if e.starts_with("http://") || e.starts_with("https://") => {
                Some(crate::telemetry::traces_url(&e))
            }
            Some(e) => bail!(
                "otlp_endpoint {:?} must start with http:// or https:// (an OTLP/HTTP collector, for example http://localhost:4318)",
                redact(&e)
            ),
        };
        let jwt_secrets = raw
            .jwt_secrets
            .map(SecretList::into_vec)
            .unwrap_or_default();
        if let Some(short) = jwt_secrets
            .iter()
            .position(|s| s.len() < codevoyage_server::auth::MIN_SECRET_LEN)
        {
            bail!(
                "jwt_secrets: secret number {} is shorter than {} characters; use long random \
                 strings (for example from `openssl rand -base64 48`)",
                short + 1,
                codevoyage_server::auth::MIN_SECRET_LEN
            );
        }
        if !(60..=30 * 86_400).contains(&raw.token_lifetime_secs) {
            bail!(
                "token_lifetime_secs must be between 60 (a minute) and 2592000 (30 days), not {}",
                raw.token_lifetime_secs
            );
        }
        let github_api_url = raw.github_api_url.trim().trim_end_matches('/').to_string();
        if !(github_api_url.starts_with("https://") || github_api_url.starts_with("http://")) {
            bail!(
                "github_api_url {:?} must start with https:// or http:// (for example {})",
                redact(&github_api_url),
                codevoyage_forge::DEFAULT_API_URL
            );
        }
        if raw.github_requests_per_hour == 0 || raw.github_burst == 0 {
            bail!("github_requests_per_hour and github_burst must be at least 1");
        }
        let forge = raw.forge_metadata.then(|| codevoyage_forge::ForgeConfig {
            api_base: github_api_url,
            token: raw
                .github_token
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            requests_per_hour: raw.github_requests_per_hour,
            burst: raw.github_burst,
            ..codevoyage_forge::ForgeConfig::default()
        });
        if raw.retention_days > MAX_RETENTION_DAYS {
            bail!(
                "retention_days must be between 0 (keep analyses forever) and {MAX_RETENTION_DAYS}, not {}",
                raw.retention_days
            );
        }
        if !(1..=7 * 86_400).contains(&raw.retention_interval_secs) {
            bail!(
                "retention_interval_secs must be between 1 and 604800 (a week), not {}",
                raw.retention_interval_secs
            );
        }
        if raw.clone_timeout_secs == 0 || raw.max_clone_mb == 0 {
            bail!("clone_timeout_secs and max_clone_mb must be at least 1");
        }
        let queue = codevoyage_jobs::queue::QueueOptions {
            max_attempts: raw.queue_max_attempts,
            visibility_timeout: std::time::Duration::from_secs(raw.queue_visibility_secs),
            ..Default::default()
        };
        let ops = RawOps {
            metrics_listen: raw.metrics_listen,
            cors_origins: raw.cors_origins,
            rate_limit_per_second: raw.rate_limit_per_second,
            rate_limit_burst: raw.rate_limit_burst,
            tls_cert: raw.tls_cert,
            tls_key: raw.tls_key,
        }
        .validate()?;
        Ok(Config {
            data_dir,
            listen,
            database_url: raw.database_url,
            redis_url: raw.redis_url,
            workers: raw.workers,
            log_format,
            log_filter: raw.log,
            queue_name: raw.queue_name,
            queue,
            allowed_roots: raw.allowed_roots.map(PathList::into_vec),
            allow_private_urls: raw.allow_private_urls,
            clone_timeout: std::time::Duration::from_secs(raw.clone_timeout_secs),
            max_clone_bytes: raw.max_clone_mb.saturating_mul(1024 * 1024),
            jwt_secrets,
            token_lifetime: std::time::Duration::from_secs(raw.token_lifetime_secs),
            ops,
            llm,
            retention_days: raw.retention_days,
            retention_interval: std::time::Duration::from_secs(raw.retention_interval_secs),
            otlp_traces_url,
            forge,
        })
    }

    /// The database URL to connect to: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.sqlite_path().display()),
        }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("codevoyage.db")
    }

    pub fn uses_embedded_sqlite(&self) -> bool {
        self.database_url.is_none()
    }
}

/// Longest configurable retention: a hundred years.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

/// The retention policy of `serve` for `days` (0: none, analyses are kept forever).
pub fn retention_policy(config: &Config, days: u32) -> Option<codevoyage_server::RetentionPolicy> {
    (days > 0).then(|| codevoyage_server::RetentionPolicy {
        max_age: std::time::Duration::from_secs(u64::from(days) * 86_400),
        interval: config.retention_interval,
    })
}

/// Name of the file in the data directory that keeps the generated JWT secret.
pub const JWT_SECRET_FILE: &str = "jwt_secret";

/// The JWT secrets to use: the configured ones, or else the one kept in
/// `<data_dir>/jwt_secret`, generated (readable by the owner only) on first use. Several
/// `serve` instances must share configured secrets, since each has its own data directory.
pub fn jwt_secrets(config: &Config) -> anyhow::Result<Vec<String>> {
    if !config.jwt_secrets.is_empty() {
        return Ok(config.jwt_secrets.clone());
    }
    let path = config.data_dir.join(JWT_SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().to_string();
            if secret.len() < codevoyage_server::auth::MIN_SECRET_LEN {
                bail!(
                    "{} holds no usable secret; delete it to have a new one generated (every \
                     login token becomes invalid) or set jwt_secrets",
                    path.display()
                );
            }
            Ok(vec![secret])
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir).with_context(|| {
                format!(
                    "cannot create the data folder {}",
                    config.data_dir.display()
                )
            })?;
            let secret = codevoyage_server::auth::generate_secret()
                .map_err(|e| anyhow::anyhow!("cannot generate a JWT secret: {e}"))?;
            write_private(&path, &secret)?;
            // Read back: when another process created the file first, its secret is the one.
            let kept = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(vec![kept.trim().to_string()])
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Creates `path` with `content`, readable and writable by the owner only; fails when it
/// exists (another process won the race: read theirs instead).
fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(content.as_bytes())
                .and_then(|()| file.write_all(b"\n"))
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// The server's authentication settings from the configuration.
pub fn auth_settings(config: &Config) -> anyhow::Result<codevoyage_server::auth::AuthSettings> {
    if config.jwt_secrets.is_empty() && !config.uses_embedded_sqlite() {
        eprintln!(
            "note: jwt_secrets is not configured, so this instance signs logins with the secret in \
             {}; other `serve` instances on the same database will not accept them. Give every \
             instance the same CODEVOYAGE_JWT_SECRETS.",
            config.data_dir.join(JWT_SECRET_FILE).display()
        );
    }
    let secrets = jwt_secrets(config)?;
    codevoyage_server::auth::AuthSettings::new(&secrets, config.token_lifetime)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The distributed queue, when a Redis URL is configured.
pub async fn open_redis_queue(
    config: &Config,
) -> anyhow::Result<Option<codevoyage_jobs::queue::Queue>> {
    match &config.redis_url {
        None => Ok(None),
        Some(url) => Ok(Some(
            codevoyage_jobs::queue::Queue::redis(
                url,
                &format!("{}:jobs", config.queue_name),
                config.queue.clone(),
            )
            .await
            .with_context(|| format!("cannot reach the job queue at {}", redact(url)))?,
        )),
    }
}

/// How remote repositories are cloned by this process: into `<data_dir>/repos`, with the
/// configured limits; URLs are checked again at clone time.
pub fn fetch_options(config: &Config) -> codevoyage_jobs::FetchOptions {
    codevoyage_jobs::FetchOptions {
        repos_dir: Some(config.data_dir.join("repos")),
        timeout: config.clone_timeout,
        max_bytes: config.max_clone_bytes,
        policy: codevoyage_jobs::SourcePolicy {
            allow_private_urls: config.allow_private_urls,
            allowed_roots: config.allowed_roots.clone().unwrap_or_default(),
        },
        forge: forge_client(config),
        ..Default::default()
    }
}

/// The process's GitHub metadata client, when `forge_metadata` is on. A client that cannot be
/// set up only costs the metadata: the problem is logged.
fn forge_client(config: &Config) -> Option<std::sync::Arc<codevoyage_forge::GitHubClient>> {
    let settings = config.forge.clone()?;
    match codevoyage_forge::GitHubClient::new(settings) {
        Ok(client) => Some(std::sync::Arc::new(client)),
        Err(e) => {
            tracing::warn!(error = %e, "GitHub metadata is off");
            None
        }
    }
}

/// The language model's summarizer when `llm_base_url` and `llm_model` are configured, one
/// per process (its circuit breaker and, without Redis, its cache are per process). Replies
/// are cached in Redis when `redis_url` is set, so every worker and `analyze` run shares them;
/// otherwise in this process's memory.
pub async fn summarizer(
    config: &Config,
) -> anyhow::Result<Option<std::sync::Arc<codevoyage_llm::Summarizer>>> {
    let Some(llm) = &config.llm else {
        return Ok(None);
    };
    let cache = match &config.redis_url {
        Some(url) => codevoyage_store::cache::Cache::redis(url)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "Redis unavailable; the model summaries are cached in memory");
                codevoyage_store::cache::Cache::memory()
            }),
        None => codevoyage_store::cache::Cache::memory(),
    };
    let summarizer = codevoyage_llm::Summarizer::new(llm.clone(), cache)
        .context("cannot set up the language model client (llm_base_url, llm_model)")?;
    Ok(Some(std::sync::Arc::new(summarizer)))
}

/// The Redis pub/sub channel carrying progress events between workers and other processes.
pub fn events_channel(config: &Config) -> String {
    format!("{}:events", config.queue_name)
}

/// Opens the configured store and brings its schema up to date.
pub async fn open_store(config: &Config) -> anyhow::Result<codevoyage_store::Store> {
    let store = if config.uses_embedded_sqlite() {
        codevoyage_store::Store::open_sqlite_file(&config.sqlite_path()).await?
    } else {
        codevoyage_store::Store::connect(&config.database_url()).await?
    };
    store.migrate().await?;
    Ok(store)
}

/// Sets up the logs (filtered by `log`) and, for `serve` and `worker` when `otlp_endpoint` is
/// configured, the OpenTelemetry export of spans (its own filter,
/// [`crate::telemetry::SPAN_FILTER`]). Keep the returned value until the command ends: its
/// shutdown flushes the last spans.
pub fn init_logging(
    config: &Config,
    service: Option<crate::telemetry::Service>,
) -> crate::telemetry::Telemetry {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("warn"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let logs = match config.log_format {
        LogFormat::Json => fmt.json().with_filter(filter).boxed(),
        LogFormat::Text => fmt.with_filter(filter).boxed(),
    };
    let (telemetry, traces) = match (&config.otlp_traces_url, service) {
        (Some(url), Some(service)) => match crate::telemetry::Telemetry::start(url, service) {
            Ok((telemetry, tracer)) => {
                eprintln!("Traces go to {} as {}", redact(url), service.name());
                let layer = tracing_opentelemetry::layer()
                    .with_tracer(tracer)
                    .with_filter(EnvFilter::new(crate::telemetry::SPAN_FILTER));
                (telemetry, Some(layer))
            }
            Err(e) => {
                eprintln!("warning: traces are not exported: {e:#}");
                (crate::telemetry::Telemetry::off(), None)
            }
        },
        _ => (crate::telemetry::Telemetry::off(), None),
    };
    // A second initialisation (tests) is harmless; ignore its error.
    let _ = tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .try_init();
    telemetry
}

/// The operations settings as configured, not yet validated (fields of [`RawConfig`]).
struct RawOps {
    /// A second address serving `GET /metrics` without authentication (for a monitoring
    /// network); unset: `/metrics` on the main listener, for admins only.
    metrics_listen: Option<String>,
    /// Origins allowed to call the API from other web pages (CORS); a list, or one string
    /// with commas. Unset: no CORS (the web UI is served from the same origin).
    cors_origins: Option<OriginList>,
    /// The API rate limit per client (credential, else address): requests per second, and
    /// the burst allowed at once. 0 requests per second turns it off.
    rate_limit_per_second: f64,
    rate_limit_burst: u32,
    /// PEM certificate chain and private key: `serve` speaks HTTPS when both are set.
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
}

impl Default for RawOps {
    fn default() -> Self {
        Self {
            metrics_listen: None,
            cors_origins: None,
            // The web UI loads about ten views at once; 200 at once and 20 a second leave
            // people unhindered and stop a runaway script.
            rate_limit_per_second: 20.0,
            rate_limit_burst: 200,
            tls_cert: None,
            tls_key: None,
        }
    }
}

/// `cors_origins` as a TOML list or one comma-separated string.
#[derive(Deserialize, Serialize, Clone)]
#[serde(untagged)]
enum OriginList {
    Many(Vec<String>),
    One(String),
}

/// TLS certificate chain and key files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Validated operations settings of `serve`.
#[derive(Clone, Debug, Default)]
pub struct OpsConfig {
    pub metrics_listen: Option<SocketAddr>,
    /// CORS origins and the rate limit, as the server takes them.
    pub server: codevoyage_server::OpsSettings,
    pub tls: Option<TlsFiles>,
}

impl RawOps {
    fn validate(self) -> anyhow::Result<OpsConfig> {
        let metrics_listen = match self.metrics_listen.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(addr) => Some(addr.parse::<SocketAddr>().with_context(|| {
                format!("metrics_listen {addr:?} is not ADDRESS:PORT (for example 10.0.0.5:9464)")
            })?),
        };
        let origins = match self.cors_origins {
            None => Vec::new(),
            Some(OriginList::Many(v)) => v,
            Some(OriginList::One(s)) => s.split(',').map(str::to_string).collect(),
        };
        let cors_origins = origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .map(|o| codevoyage_server::OpsSettings::parse_origin(o).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<Vec<_>>>()
            .context("invalid cors_origins")?;
        let per_second = self.rate_limit_per_second;
        if !per_second.is_finite() || per_second < 0.0 {
            bail!("rate_limit_per_second must be 0 (off) or a positive number, not {per_second}");
        }
        let rate_limit = if per_second == 0.0 {
            None
        } else {
            if self.rate_limit_burst == 0 {
                bail!("rate_limit_burst must be at least 1 (requests a client may send at once)");
            }
            Some(codevoyage_server::RateLimit {
                burst: self.rate_limit_burst,
                per_second,
            })
        };
        let tls = match (self.tls_cert, self.tls_key) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            _ => bail!(
                "tls_cert and tls_key go together: set both (PEM certificate chain and private \
                 key) to serve HTTPS, or neither"
            ),
        };
        Ok(OpsConfig {
            metrics_listen,
            server: codevoyage_server::OpsSettings {
                cors_origins,
                rate_limit,
            },
            tls,
        })
    }
}

#[cfg(test)]
// figment's Jail API returns its large error type from every closure; boxing is not ours to choose.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }

    #[test]
    fn flags_override_file_and_file_overrides_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "codevoyage.toml",
                "listen = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\nworkers = 3",
            )?;
            jail.set_env("CODEVOYAGE_WORKERS", "5");
            jail.set_env("CODEVOYAGE_TEST_DATABASE_URL", "postgres://ignored");
            let flags = GlobalArgs {
                data_dir: Some("/from/flag".into()),
                ..Default::default()
            };
            let c = Config::load(&flags).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.data_dir, PathBuf::from("/from/flag"));
            assert_eq!(c.workers, 5);
            assert!(c.uses_embedded_sqlite());
            Ok(())
        });
    }

    #[test]
    fn rejects_bad_values_with_a_hint() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CODEVOYAGE_LISTEN", "nonsense");
            let err = Config::load(&GlobalArgs::default())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(err.contains("ADDRESS:PORT"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn queue_settings_come_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CODEVOYAGE_QUEUE_NAME", "team-a");
            jail.set_env("CODEVOYAGE_QUEUE_VISIBILITY_SECS", "7");
            jail.set_env("CODEVOYAGE_QUEUE_MAX_ATTEMPTS", "2");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.queue_name, "team-a");
            assert_eq!(
                c.queue.visibility_timeout,
                std::time::Duration::from_secs(7)
            );
            assert_eq!(c.queue.max_attempts, 2);
            jail.set_env("CODEVOYAGE_QUEUE_MAX_ATTEMPTS", "0");
            assert!(Config::load(&GlobalArgs::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn jwt_secrets_come_as_a_list_or_comma_separated_and_must_be_long() {
        figment::Jail::expect_with(|jail| {
            let a = "a".repeat(40);
            let b = "b".repeat(40);
            jail.create_file("codevoyage.toml", &format!("jwt_secrets = [\"{b}\"]"))?;
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.jwt_secrets, vec![b.clone()]);
            assert_eq!(c.token_lifetime, std::time::Duration::from_secs(12 * 3600));
            // The environment's form: one string, commas between secrets; it wins over the file.
            jail.set_env("CODEVOYAGE_JWT_SECRETS", format!("{a}, {b}"));
            jail.set_env("CODEVOYAGE_TOKEN_LIFETIME_SECS", "600");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.jwt_secrets, vec![a.clone(), b]);
            assert_eq!(c.token_lifetime, std::time::Duration::from_secs(600));
            assert!(!format!("{c:?}").contains(&a), "Debug hides the secrets");
            jail.set_env("CODEVOYAGE_JWT_SECRETS", "short");
            let err = Config::load(&GlobalArgs::default())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(err.contains("shorter than 32"), "{err}");
            jail.set_env("CODEVOYAGE_JWT_SECRETS", &a);
            jail.set_env("CODEVOYAGE_TOKEN_LIFETIME_SECS", "5");
            assert!(Config::load(&GlobalArgs::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn a_generated_jwt_secret_is_kept_private_in_the_data_dir() {
        let dir = tempfile::tempdir().expect("tempdir");
        figment::Jail::expect_with(|_jail| {
            let flags = GlobalArgs {
                data_dir: Some(dir.path().join("data")),
                ..Default::default()
            };
            let c = Config::load(&flags).map_err(|e| e.to_string())?;
            let first = jwt_secrets(&c).map_err(|e| e.to_string())?;
            let again = jwt_secrets(&c).map_err(|e| e.to_string())?;
            assert_eq!(first, again, "generated once, then read back");
            assert!(first[0].len() >= 32);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(dir.path().join("data").join(JWT_SECRET_FILE))
                    .map_err(|e| e.to_string())?
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            assert!(auth_settings(&c).is_ok());
            Ok(())
        });
    }

    #[test]
    fn source_settings_come_from_file_and_environment() {
        figment::Jail::expect_with(|jail| {
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.allowed_roots, None);
            assert!(!c.allow_private_urls);
            jail.set_env("CODEVOYAGE_ALLOWED_ROOTS", "/srv/a:/srv/b");
            jail.set_env("CODEVOYAGE_ALLOW_PRIVATE_URLS", "true");
            jail.set_env("CODEVOYAGE_MAX_CLONE_MB", "10");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(
                c.allowed_roots,
                Some(vec![PathBuf::from("/srv/a"), PathBuf::from("/srv/b")])
            );
            assert!(c.allow_private_urls);
            assert_eq!(c.max_clone_bytes, 10 * 1024 * 1024);
            jail.clear_env();
            jail.create_file("codevoyage.toml", "allowed_roots = [\"/x\", \"/y\"]")?;
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(
                c.allowed_roots,
                Some(vec![PathBuf::from("/x"), PathBuf::from("/y")])
            );
            Ok(())
        });
    }

    #[test]
    fn forge_settings_come_from_file_and_environment_and_the_token_stays_hidden() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GITHUB_TOKEN", "");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            let forge = c.forge.clone().expect("on by default");
            assert_eq!(forge.api_base, "https://api.github.com");
            assert_eq!((forge.requests_per_hour, forge.burst), (5_000, 100));
            assert_eq!(forge.token, None);
            assert!(fetch_options(&c).forge.is_some());

            // GitHub's variable is the fallback; CodeVoyage's own wins.
            jail.set_env("GITHUB_TOKEN", "ghp_from_github_env");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            let token = c.forge.as_ref().and_then(|f| f.token.clone());
            assert_eq!(token.as_deref(), Some("ghp_from_github_env"));
            jail.set_env("CODEVOYAGE_GITHUB_TOKEN", "ghp_ours");
            jail.set_env("CODEVOYAGE_GITHUB_API_URL", "http://127.0.0.1:9999/api/");
            jail.set_env("CODEVOYAGE_GITHUB_BURST", "7");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            let forge = c.forge.clone().expect("on");
            assert_eq!(forge.token.as_deref(), Some("ghp_ours"));
            assert_eq!(forge.api_base, "http://127.0.0.1:9999/api");
            assert_eq!(forge.burst, 7);
            let dump = format!("{c:?}");
            assert!(!dump.contains("ghp_ours"), "{dump}");
            assert!(dump.contains("<redacted>"), "{dump}");

            jail.create_file("codevoyage.toml", "forge_metadata = false\n")?;
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert!(c.forge.is_none());
            assert!(fetch_options(&c).forge.is_none());

            jail.set_env("CODEVOYAGE_GITHUB_API_URL", "api.github.com");
            let e = Config::load(&GlobalArgs::default())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(e.contains("github_api_url"), "{e}");
            jail.set_env("CODEVOYAGE_GITHUB_API_URL", "https://api.github.com");
            jail.set_env("CODEVOYAGE_GITHUB_REQUESTS_PER_HOUR", "0");
            assert!(Config::load(&GlobalArgs::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn retention_comes_from_file_and_environment_and_is_checked() {
        figment::Jail::expect_with(|jail| {
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.retention_days, 0, "kept forever by default");
            assert_eq!(retention_policy(&c, c.retention_days), None);
            jail.create_file(
                "codevoyage.toml",
                "retention_days = 90\nretention_interval_secs = 60\n",
            )?;
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(
                retention_policy(&c, c.retention_days),
                Some(codevoyage_server::RetentionPolicy {
                    max_age: std::time::Duration::from_secs(90 * 86_400),
                    interval: std::time::Duration::from_secs(60),
                })
            );
            jail.set_env("CODEVOYAGE_RETENTION_DAYS", "7");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.retention_days, 7, "the environment wins over the file");
            assert!(format!("{c:?}").contains("retention_days: 7"));
            for (key, value, hint) in [
                ("CODEVOYAGE_RETENTION_DAYS", "36501", "retention_days"),
                ("CODEVOYAGE_RETENTION_DAYS", "-1", "invalid configuration"),
                (
                    "CODEVOYAGE_RETENTION_INTERVAL_SECS",
                    "0",
                    "retention_interval_secs",
                ),
            ] {
                jail.set_env(key, value);
                let e = Config::load(&GlobalArgs::default())
                    .err()
                    .map(|e| format!("{e:#}"))
                    .unwrap_or_default();
                assert!(e.contains(hint), "{key}={value}: {e}");
                jail.set_env(key, "7");
            }
            Ok(())
        });
    }

    #[test]
    fn debug_hides_secrets() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CODEVOYAGE_DATABASE_URL", "postgres://u:hunter2@db/x");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert!(!format!("{c:?}").contains("hunter2"));
            Ok(())
        });
    }
    #[test]
    fn ops_settings_come_from_file_and_environment_and_are_checked() {
        figment::Jail::expect_with(|jail| {
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.ops.metrics_listen, None);
            assert!(c.ops.server.cors_origins.is_empty(), "CORS off by default");
            assert_eq!(
                c.ops.server.rate_limit,
                Some(codevoyage_server::RateLimit {
                    burst: 200,
                    per_second: 20.0
                })
            );
            assert_eq!(c.ops.tls, None);

            jail.create_file(
                "codevoyage.toml",
                "cors_origins = [\"https://a.example\", \"http://localhost:5173\"]\n\
                 metrics_listen = \"127.0.0.1:9464\"\n\
                 rate_limit_per_second = 0.5\nrate_limit_burst = 3\n\
                 tls_cert = \"/etc/cv/cert.pem\"\ntls_key = \"/etc/cv/key.pem\"\n",
            )?;
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.ops.server.cors_origins.len(), 2);
            assert_eq!(c.ops.metrics_listen.map(|a| a.port()), Some(9464));
            assert_eq!(
                c.ops.server.rate_limit,
                Some(codevoyage_server::RateLimit {
                    burst: 3,
                    per_second: 0.5
                })
            );
            assert_eq!(
                c.ops.tls,
                Some(TlsFiles {
                    cert: "/etc/cv/cert.pem".into(),
                    key: "/etc/cv/key.pem".into()
                })
            );

            jail.set_env(
                "CODEVOYAGE_CORS_ORIGINS",
                "https://b.example, https://c.example:8443",
            );
            jail.set_env("CODEVOYAGE_RATE_LIMIT_PER_SECOND", "0");
            let c = Config::load(&GlobalArgs::default()).map_err(|e| e.to_string())?;
            let origins: Vec<_> = c
                .ops
                .server
                .cors_origins
                .iter()
                .map(|o| o.to_str().unwrap_or(""))
                .collect();
            assert_eq!(origins, ["https://b.example", "https://c.example:8443"]);
            assert_eq!(c.ops.server.rate_limit, None, "0 turns the limit off");

            let error = |jail: &mut figment::Jail, key: &str, value: &str| {
                jail.set_env(key, value);
                let e = Config::load(&GlobalArgs::default())
                    .err()
                    .map(|e| format!("{e:#}"))
                    .unwrap_or_default();
                jail.set_env(key, "");
                e
            };
            let e = error(jail, "CODEVOYAGE_CORS_ORIGINS", "*");
            assert!(e.contains("is not an origin"), "{e}");
            let e = error(jail, "CODEVOYAGE_METRICS_LISTEN", "nowhere");
            assert!(e.contains("metrics_listen"), "{e}");
            jail.set_env("CODEVOYAGE_RATE_LIMIT_PER_SECOND", "-1");
            let e = Config::load(&GlobalArgs::default())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(e.contains("rate_limit_per_second"), "{e}");
            jail.set_env("CODEVOYAGE_RATE_LIMIT_PER_SECOND", "5");
            jail.create_file("codevoyage.toml", "tls_cert = \"/etc/cv/cert.pem\"\n")?;
            let e = Config::load(&GlobalArgs::default())
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(e.contains("tls_cert and tls_key go together"), "{e}");
            Ok(())
        });
    }
}
