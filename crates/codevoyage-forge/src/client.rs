//! The GitHub REST client: one per process, shared by every analysis, so its token bucket,
//! rate-limit state and circuit breaker see all of the process's requests.

use crate::bucket::TokenBucket;
use crate::url::RepoRef;
use serde::Deserialize;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// GitHub's public API.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The REST API version we speak (sent as `X-GitHub-Api-Version`).
const API_VERSION: &str = "2022-11-28";
/// A repository's JSON is a few KiB; anything far larger is not GitHub talking.
const MAX_BODY: usize = 1024 * 1024;
/// GitHub asks clients hit by a secondary limit without `retry-after` to wait a minute.
const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// How to reach the API and how hard to try.
#[derive(Clone)]
pub struct ForgeConfig {
    /// The API root; `/repos/{owner}/{repo}` is appended. Default [`DEFAULT_API_URL`].
    pub api_base: String,
    /// Sent as `Authorization: Bearer …` when set; without one GitHub allows 60 requests an
    /// hour, which its rate-limit headers then say.
    pub token: Option<String>,
    pub user_agent: String,
    /// The token bucket's rate. Default 5,000 (GitHub's limit for a token).
    pub requests_per_hour: u32,
    /// The token bucket's size: requests allowed at once. Default 100.
    pub burst: u32,
    /// Per attempt. Default 10 s.
    pub timeout: Duration,
    /// Retries after the first attempt (timeouts, connection errors, 5xx). Default 3.
    pub max_retries: u32,
    /// First backoff delay. Default 500 ms.
    pub backoff_base: Duration,
    /// Largest backoff delay. Default 30 s.
    pub backoff_max: Duration,
    /// Longest a call waits for a rate limit to lift (reset, `retry-after`, or a token of
    /// the bucket); longer than this and the call gives up. Default 60 s.
    pub max_wait: Duration,
    /// Consecutive failed calls that open the breaker. Default 5.
    pub breaker_threshold: u32,
    /// How long an open breaker fails calls fast. Default 5 minutes.
    pub breaker_cooldown: Duration,
}

impl Default for ForgeConfig {
    fn default() -> Self {
        Self {
            api_base: DEFAULT_API_URL.to_string(),
            token: None,
            user_agent: concat!("codevoyage/", env!("CARGO_PKG_VERSION")).to_string(),
            requests_per_hour: 5_000,
            burst: 100,
            timeout: Duration::from_secs(10),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(300),
        }
    }
}

impl fmt::Debug for ForgeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForgeConfig")
            .field("api_base", &self.api_base)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("requests_per_hour", &self.requests_per_hour)
            .field("burst", &self.burst)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_wait", &self.max_wait)
            .field("breaker_threshold", &self.breaker_threshold)
            .finish_non_exhaustive()
    }
}

/// Which limit stopped a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// GitHub's hourly budget (`x-ratelimit-remaining: 0`).
    Primary,
    /// GitHub's secondary limits (`retry-after`, or a 403/429 naming a rate limit).
    Secondary,
    /// Our own token bucket ([`ForgeConfig::requests_per_hour`]).
    Local,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::Primary => "GitHub's hourly rate limit is spent",
            LimitKind::Secondary => "GitHub asked to slow down (secondary rate limit)",
            LimitKind::Local => "this process's budget of GitHub requests per hour is spent",
        })
    }
}

/// Why no metadata was read.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error(
        "the GitHub API address {url:?} is not a valid http(s) URL: set github_api_url to e.g. https://api.github.com"
    )]
    BadUrl { url: String },
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
    #[error(
        "GitHub has no repository {repo} (or it is private and the configured github_token cannot see it)"
    )]
    NotFound { repo: String },
    #[error("GitHub refused the credentials (HTTP 401): check github_token")]
    Unauthorized,
    #[error("GitHub forbids reading {repo} (HTTP 403): {message}")]
    Forbidden { repo: String, message: String },
    #[error(
        "{kind}; the next request is allowed in {}s, so the metadata is skipped (a github_token raises the limit to 5,000 an hour)",
        retry_in.as_secs()
    )]
    RateLimited { kind: LimitKind, retry_in: Duration },
    #[error("GitHub did not answer within {0:?} (after retries)")]
    Timeout(Duration),
    #[error("could not reach GitHub at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("GitHub answered HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("GitHub's reply is not a repository: {0}")]
    Malformed(String),
    #[error("GitHub failed {failures} times in a row; not calling it again for {}s", retry_in.as_secs())]
    CircuitOpen { failures: u32, retry_in: Duration },
}

impl ForgeError {
    /// The service is failing (as opposed to answering "no", or us holding back): these count
    /// towards the circuit breaker.
    fn is_outage(&self) -> bool {
        match self {
            ForgeError::Timeout(_) | ForgeError::Unreachable { .. } | ForgeError::Malformed(_) => {
                true
            }
            ForgeError::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The service answered (even "no"): the breaker closes.
    fn is_answer(&self) -> bool {
        matches!(
            self,
            ForgeError::NotFound { .. }
                | ForgeError::Unauthorized
                | ForgeError::Forbidden { .. }
                | ForgeError::Status { .. }
        ) && !self.is_outage()
    }
}

/// A repository's metadata as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoMetadata {
    /// The owner's login, as GitHub spells it (the URL's casing may differ).
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub stars: u64,
    /// `None` only for the rare reply without one.
    pub default_branch: Option<String>,
    /// For the next conditional request.
    pub etag: Option<String>,
}

/// What a call found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Modified(RepoMetadata),
    /// 304: the metadata stored with this ETag is still current.
    NotModified {
        etag: String,
    },
}

/// The rate-limit headers of the latest reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    pub limit: Option<u64>,
    pub remaining: u64,
    /// Unix seconds when the budget is renewed.
    pub reset: Option<u64>,
}

#[derive(Deserialize)]
struct RepoJson {
    name: String,
    owner: OwnerJson,
    description: Option<String>,
    stargazers_count: u64,
    default_branch: Option<String>,
}

#[derive(Deserialize)]
struct OwnerJson {
    login: String,
}

#[derive(Deserialize)]
struct ErrorJson {
    message: Option<String>,
}

#[derive(Debug)]
struct State {
    /// Consecutive failed calls.
    failures: u32,
    open_until: Option<Instant>,
    /// No request before this (a rate limit the server announced).
    blocked_until: Option<(Instant, LimitKind)>,
    rate: Option<RateLimitStatus>,
}

/// One attempt's outcome.
enum Step {
    Done(Result<Fetched, ForgeError>),
    /// Worth another attempt, after the backoff (or the server's `retry-after`).
    Retry(ForgeError, Option<Duration>),
}

/// A GitHub REST client with its limits. Share one per process (behind an `Arc`).
pub struct GitHubClient {
    http: reqwest::Client,
    config: ForgeConfig,
    base: String,
    bucket: Mutex<TokenBucket>,
    state: Mutex<State>,
}

impl fmt::Debug for GitHubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch, by the wall clock (rate-limit resets are given that way).
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn header_u64(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn header_text(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl GitHubClient {
    /// A client for `config`. Installs rustls' ring provider as the process default when none
    /// is installed yet (this build carries no other).
    pub fn new(config: ForgeConfig) -> Result<Self, ForgeError> {
        let base = config.api_base.trim().trim_end_matches('/').to_string();
        let valid = ["https://", "http://"].iter().any(|scheme| {
            base.get(..scheme.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                && base.len() > scheme.len()
        });
        if !valid {
            return Err(ForgeError::BadUrl {
                url: config.api_base.clone(),
            });
        }
        // Err means a provider is already installed, which is what we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(config.user_agent.clone())
            // GitHub answers a renamed repository with a redirect to its new address.
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| ForgeError::Client(e.to_string()))?;
        let bucket = TokenBucket::new(config.requests_per_hour, config.burst, Instant::now());
        Ok(Self {
            http,
            base,
            bucket: Mutex::new(bucket),
            state: Mutex::new(State {
                failures: 0,
                open_until: None,
                blocked_until: None,
                rate: None,
            }),
            config,
        })
    }

    pub fn config(&self) -> &ForgeConfig {
        &self.config
    }

    /// The rate-limit headers of the latest reply, if any came.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        self.lock_state().rate
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads `owner/name`. With `etag` (of the metadata stored earlier) the request is
    /// conditional, and [`Fetched::NotModified`] says the stored metadata is current.
    pub async fn repository(
        &self,
        repo: &RepoRef,
        etag: Option<&str>,
    ) -> Result<Fetched, ForgeError> {
        self.breaker_check()?;
        let mut attempt = 0u32;
        loop {
            self.gate().await?;
            match self.attempt(repo, etag).await {
                Step::Done(result) => {
                    self.breaker_record(&result);
                    return result;
                }
                Step::Retry(error, after) => {
                    if attempt >= self.config.max_retries {
                        let result = Err(error);
                        self.breaker_record(&result);
                        return result;
                    }
                    let delay = self.backoff(attempt, after);
                    tracing::debug!(repository = %repo, attempt, ?delay, error = %error, "retrying a GitHub request");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Waits out an announced rate limit and takes a token from the bucket, or gives up when
    /// that would take longer than `max_wait`.
    async fn gate(&self) -> Result<(), ForgeError> {
        loop {
            let blocked = {
                let mut state = self.lock_state();
                let now = Instant::now();
                match state.blocked_until {
                    Some((until, kind)) if until > now => Some((until - now, kind)),
                    _ => {
                        state.blocked_until = None;
                        None
                    }
                }
            };
            if let Some((wait, kind)) = blocked {
                if wait > self.config.max_wait {
                    return Err(ForgeError::RateLimited {
                        kind,
                        retry_in: wait,
                    });
                }
                tracing::info!(?wait, "waiting for GitHub's rate limit to lift");
                tokio::time::sleep(wait).await;
                continue;
            }
            let token = self
                .bucket
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .try_take(Instant::now());
            match token {
                Ok(()) => return Ok(()),
                Err(wait) if wait > self.config.max_wait => {
                    return Err(ForgeError::RateLimited {
                        kind: LimitKind::Local,
                        retry_in: wait,
                    });
                }
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Remembers the rate-limit headers; a spent budget blocks requests until its reset.
    fn observe_rate(&self, headers: &reqwest::header::HeaderMap) {
        let Some(remaining) = header_u64(headers, "x-ratelimit-remaining") else {
            return;
        };
        let reset = header_u64(headers, "x-ratelimit-reset");
        let now = Instant::now();
        self.bucket
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .limit_to(remaining, now);
        let mut state = self.lock_state();
        state.rate = Some(RateLimitStatus {
            limit: header_u64(headers, "x-ratelimit-limit"),
            remaining,
            reset,
        });
        if remaining == 0 {
            // Without a reset time, a minute; a reset in the past (clock skew), a second.
            let wait = reset.map_or(SECONDARY_LIMIT_WAIT, |r| {
                Duration::from_secs(r.saturating_sub(unix_now()).max(1))
            });
            Self::block(&mut state, now + wait, LimitKind::Primary);
        }
    }

    fn block(state: &mut State, until: Instant, kind: LimitKind) {
        let later = state.blocked_until.is_none_or(|(old, _)| old < until);
        if later {
            state.blocked_until = Some((until, kind));
        }
    }

    fn block_for(&self, wait: Duration, kind: LimitKind) {
        let mut state = self.lock_state();
        Self::block(&mut state, Instant::now() + wait, kind);
    }

    /// How long requests are still held back by an announced limit.
    fn blocked_for(&self) -> Duration {
        self.lock_state()
            .blocked_until
            .map_or(Duration::ZERO, |(until, _)| {
                until.saturating_duration_since(Instant::now())
            })
    }

    async fn attempt(&self, repo: &RepoRef, etag: Option<&str>) -> Step {
        let url = format!("{}/repos/{}/{}", self.base, repo.owner, repo.name);
        let mut request = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION);
        if let Some(token) = &self.config.token {
            request = request.bearer_auth(token);
        }
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Step::Retry(self.transport_error(&url, &e), None),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.observe_rate(&headers);
        let retry_after = header_u64(&headers, "retry-after").map(Duration::from_secs);
        let body = match read_limited(response).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return Step::Done(Err(ForgeError::Malformed(format!(
                    "the reply is larger than {MAX_BODY} bytes"
                ))));
            }
            Err(BodyError::Transport(e)) => {
                return Step::Retry(self.transport_error(&url, &e), None);
            }
        };
        match status {
            200 => Step::Done(parse_repository(&body, header_text(&headers, "etag"))),
            304 => Step::Done(Ok(Fetched::NotModified {
                etag: header_text(&headers, "etag")
                    .or_else(|| etag.map(str::to_string))
                    .unwrap_or_default(),
            })),
            401 => Step::Done(Err(ForgeError::Unauthorized)),
            404 | 410 => Step::Done(Err(ForgeError::NotFound {
                repo: repo.to_string(),
            })),
            403 | 429 => {
                let message = error_message(&body);
                let primary = header_u64(&headers, "x-ratelimit-remaining") == Some(0);
                let limited = status == 429
                    || primary
                    || retry_after.is_some()
                    || message.to_ascii_lowercase().contains("rate limit");
                if !limited {
                    return Step::Done(Err(ForgeError::Forbidden {
                        repo: repo.to_string(),
                        message,
                    }));
                }
                // The primary limit already blocks until its reset (observe_rate).
                let kind = if primary {
                    LimitKind::Primary
                } else {
                    LimitKind::Secondary
                };
                if !primary {
                    self.block_for(retry_after.unwrap_or(SECONDARY_LIMIT_WAIT), kind);
                }
                tracing::warn!(repository = %repo, status, %message, "GitHub rate limit");
                // The gate waits (or gives up) before the next attempt.
                Step::Retry(
                    ForgeError::RateLimited {
                        kind,
                        retry_in: self.blocked_for(),
                    },
                    Some(Duration::ZERO),
                )
            }
            s if s >= 500 => Step::Retry(
                ForgeError::Status {
                    status: s,
                    message: error_message(&body),
                },
                retry_after,
            ),
            s => Step::Done(Err(ForgeError::Status {
                status: s,
                message: error_message(&body),
            })),
        }
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> ForgeError {
        if e.is_timeout() {
            return ForgeError::Timeout(self.config.timeout);
        }
        // The source chain says why (refused, DNS, TLS); reqwest's own message does not.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        ForgeError::Unreachable {
            url: url.to_string(),
            message,
        }
    }

    /// Closed: every call passes. Open: calls fail fast until the cooldown ends; the first call
    /// after it is the trial (half-open) and re-arms the cooldown, so concurrent callers keep
    /// failing fast until the trial's outcome closes or re-opens the breaker.
    fn breaker_check(&self) -> Result<(), ForgeError> {
        let mut state = self.lock_state();
        let now = Instant::now();
        match state.open_until {
            Some(until) if now < until => Err(ForgeError::CircuitOpen {
                failures: state.failures,
                retry_in: until - now,
            }),
            Some(_) => {
                state.open_until = Some(now + self.config.breaker_cooldown);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn breaker_record(&self, result: &Result<Fetched, ForgeError>) {
        let mut state = self.lock_state();
        match result {
            Ok(_) => {
                state.failures = 0;
                state.open_until = None;
            }
            Err(e) if e.is_answer() => {
                state.failures = 0;
                state.open_until = None;
            }
            Err(e) if e.is_outage() => {
                state.failures += 1;
                if state.failures >= self.config.breaker_threshold {
                    state.open_until = Some(Instant::now() + self.config.breaker_cooldown);
                    tracing::warn!(
                        failures = state.failures,
                        cooldown = ?self.config.breaker_cooldown,
                        "GitHub keeps failing; metadata calls stop for the cooldown"
                    );
                }
            }
            // Rate limits: we held back; the service's health is unknown.
            Err(_) => {}
        }
    }

    /// The delay before retry `attempt` (0-based): the server's `retry-after` when it sent
    /// one, else exponential with equal jitter; capped at `backoff_max`.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.config.backoff_max);
        }
        let exp = self
            .config
            .backoff_base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.config.backoff_max);
        // A random fraction in [0, 1) from the standard library's randomly keyed hasher.
        let r = std::collections::hash_map::RandomState::new().hash_one(attempt);
        let frac = (r >> 11) as f64 / (1u64 << 53) as f64;
        exp / 2 + exp.mul_f64(frac / 2.0)
    }
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// GitHub's `{"message": …}`, else the start of the body.
fn error_message(body: &[u8]) -> String {
    if let Ok(ErrorJson {
        message: Some(message),
    }) = serde_json::from_slice(body)
    {
        return message;
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "(no message)".to_string(),
        None => text.to_string(),
    }
}

fn parse_repository(body: &[u8], etag: Option<String>) -> Result<Fetched, ForgeError> {
    let json: RepoJson =
        serde_json::from_slice(body).map_err(|e| ForgeError::Malformed(e.to_string()))?;
    if json.name.is_empty() || json.owner.login.is_empty() {
        return Err(ForgeError::Malformed(
            "the repository has no name or owner".into(),
        ));
    }
    Ok(Fetched::Modified(RepoMetadata {
        owner: json.owner.login,
        name: json.name,
        description: json.description.filter(|d| !d.is_empty()),
        stars: json.stargazers_count,
        default_branch: json.default_branch.filter(|b| !b.is_empty()),
        etag,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let client = GitHubClient::new(ForgeConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_secs(1),
            ..ForgeConfig::default()
        })
        .expect("client");
        for attempt in 0..6 {
            let exp = Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1));
            let d = client.backoff(attempt, None);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
        assert_eq!(
            client.backoff(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn bad_api_urls_are_refused_and_the_token_is_not_printed() {
        for url in ["", "api.github.com", "ftp://x", "https://"] {
            let e = GitHubClient::new(ForgeConfig {
                api_base: url.into(),
                ..ForgeConfig::default()
            })
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
            assert!(e.contains("github_api_url"), "{url}: {e}");
        }
        let config = ForgeConfig {
            token: Some("ghp_secret".into()),
            ..ForgeConfig::default()
        };
        assert!(!format!("{config:?}").contains("ghp_secret"));
    }

    #[test]
    fn error_messages_come_from_githubs_json_or_the_body() {
        assert_eq!(
            error_message(br#"{"message":"Not Found","documentation_url":"x"}"#),
            "Not Found"
        );
        assert_eq!(error_message(b"  oops \n"), "oops");
        assert_eq!(error_message(b""), "(no message)");
        assert_eq!(
            error_message("é".repeat(300).as_bytes()).chars().count(),
            201
        );
    }
}
