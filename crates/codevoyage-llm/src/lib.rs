//! An optional executive summary of the findings, written by a language model behind an
//! OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp's server).
//!
//! Only the findings JSON is sent (kinds, severities, titles, explanations, evidence numbers,
//! file paths and people's names) — never source code. The caller passes the configuration in
//! (this crate reads no environment; the binary reads `CODEVOYAGE_LLM_API_KEY`).
//!
//! Resilience, in the order a call meets it:
//! - **Cache**: the reply is cached by the SHA-256 of (base URL, model, prompt version, the
//!   exact request body), so the same findings never cost a second call while cached.
//! - **Circuit breaker**: after [`LlmConfig::breaker_threshold`] consecutive failed calls the
//!   breaker opens and calls fail fast for [`LlmConfig::breaker_cooldown`]; the next call after
//!   that is a trial that closes it on success or reopens it on failure.
//! - **Token budget**: the input is estimated at one token per 4 bytes of JSON (a common rule of
//!   thumb for English and JSON with BPE tokenizers; it over-counts rather than under-counts
//!   non-ASCII). Over [`LlmConfig::max_input_tokens`], the lowest-ranked findings are dropped
//!   and evidence lists shortened until it fits; if even the top finding does not fit the call
//!   is refused ([`LlmError::OverBudget`]).
//! - **Timeout and retries**: each attempt has [`LlmConfig::timeout`]; timeouts, connection
//!   errors, 429 and 5xx are retried up to [`LlmConfig::max_retries`] times with exponential
//!   backoff `min(max, base × 2^attempt)` and "equal jitter" (a random delay between half and
//!   all of it), or the server's `Retry-After` (seconds or an HTTP date, capped at the
//!   maximum) when it sends one. Other 4xx and malformed replies are not retried.
//!
//! [`executive_summary`] falls back to the deterministic summary
//! ([`codevoyage_insights::summary_text`]) whenever the model is not configured or fails, and
//! says which one it returns.

use codevoyage_insights::Finding;
use codevoyage_store::cache::Cache;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Bumped whenever the prompt changes, so cached replies of an older prompt are not reused.
pub const PROMPT_VERSION: &str = "1";

const SYSTEM_PROMPT: &str = "You write a short executive summary of a source-code repository's risks for engineering managers. \
You are given a JSON list of findings computed by CodeVoyage (each with kind, severity, title, explanation, evidence and action). \
Use only facts from that JSON; do not invent numbers, files or people. Write at most 200 words: three to six sentences or bullets, most urgent first, \
naming the files, folders and people involved and ending with the one action that matters most.";

/// How to reach the model and how hard to try.
#[derive(Clone)]
pub struct LlmConfig {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`;
    /// `/chat/completions` is appended.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set (local servers often need none).
    pub api_key: Option<String>,
    /// Per attempt. Default 60 s.
    pub timeout: Duration,
    /// Retries after the first attempt. Default 3.
    pub max_retries: u32,
    /// First backoff delay. Default 500 ms.
    pub backoff_base: Duration,
    /// Largest backoff delay (and largest `Retry-After` honoured, in either form). Default 30 s.
    pub backoff_max: Duration,
    /// Consecutive failed calls that open the breaker. Default 3.
    pub breaker_threshold: u32,
    /// How long an open breaker fails calls fast. Default 5 minutes.
    pub breaker_cooldown: Duration,
    /// Estimated input tokens allowed. Default 6,000.
    pub max_input_tokens: usize,
    /// `max_tokens` of the reply. Default 400.
    pub max_output_tokens: u32,
    /// How long a summary stays cached. Default 7 days.
    pub cache_ttl: Duration,
}

impl LlmConfig {
    /// A configuration with the defaults above.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(60),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            breaker_threshold: 3,
            breaker_cooldown: Duration::from_secs(300),
            max_input_tokens: 6_000,
            max_output_tokens: 400,
            cache_ttl: Duration::from_secs(7 * 86_400),
        }
    }
}

impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("breaker_threshold", &self.breaker_threshold)
            .field("max_input_tokens", &self.max_input_tokens)
            .finish_non_exhaustive()
    }
}

/// Why no model summary was produced.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error(
        "the language model endpoint {url} is not a valid http(s) URL: set llm_base_url to e.g. http://localhost:11434/v1"
    )]
    BadUrl { url: String },
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
    #[error(
        "the language model did not answer within {0:?} (after retries); raise llm_timeout_secs or check the server"
    )]
    Timeout(Duration),
    #[error("could not reach the language model at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("the language model answered HTTP {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the language model's reply is not a chat completion: {0}")]
    Malformed(String),
    #[error(
        "the findings need about {estimated} tokens even trimmed to one, over the budget of {budget}"
    )]
    OverBudget { estimated: usize, budget: usize },
    #[error(
        "the language model failed {failures} times in a row; not calling it again for {retry_in:?}"
    )]
    CircuitOpen { failures: u32, retry_in: Duration },
    #[error("there are no findings to summarise")]
    NoFindings,
}

impl LlmError {
    fn retryable(&self) -> bool {
        match self {
            LlmError::Timeout(_) | LlmError::Unreachable { .. } => true,
            LlmError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// A summary the model wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub text: String,
    pub model: String,
    /// Served from the cache, without a call.
    pub cached: bool,
    /// Findings sent (after trimming to the budget).
    pub findings_sent: usize,
    /// Estimated input tokens of the request.
    pub estimated_tokens: usize,
}

#[derive(Debug)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

/// A client of one chat-completions endpoint, with its breaker and cache. Share one per process.
pub struct Summarizer {
    client: reqwest::Client,
    config: LlmConfig,
    cache: Cache,
    breaker: Mutex<Breaker>,
    url: String,
}

impl fmt::Debug for Summarizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Summarizer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The delay a `Retry-After` header value asks for, at `now`: either delay-seconds (`120`) or
/// an HTTP date (RFC 9110 §10.2.3; IMF-fixdate `Wed, 21 Oct 2015 07:28:00 GMT`, and the
/// obsolete RFC 850 and asctime forms recipients must also accept). A date already past means
/// "retry now" (zero). `None` for a value that is neither, which is then ignored (the
/// exponential backoff applies). The caller caps the result at [`LlmConfig::backoff_max`].
pub fn retry_after_delay(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// One token per 4 bytes, rounded up. See the crate documentation.
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    temperature: f32,
    max_tokens: u32,
    stream: bool,
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ReplyMessage,
}

#[derive(Deserialize)]
struct ReplyMessage {
    content: Option<String>,
}

/// The findings as sent: the fields a summary needs, evidence lists shortened.
#[derive(Serialize)]
struct SentFinding<'a> {
    kind: codevoyage_insights::FindingKind,
    severity: &'a str,
    title: &'a str,
    explanation: &'a str,
    action: &'a str,
    numbers: &'a std::collections::BTreeMap<String, f64>,
    files: &'a [String],
    people: Vec<&'a str>,
}

fn sent_json(findings: &[Finding], count: usize, list_cap: usize) -> String {
    let sent: Vec<SentFinding<'_>> = findings
        .iter()
        .take(count)
        .map(|f| SentFinding {
            kind: f.kind,
            severity: f.severity.as_str(),
            title: &f.title,
            explanation: &f.explanation,
            action: &f.action,
            numbers: &f.evidence.numbers,
            files: &f.evidence.files[..f.evidence.files.len().min(list_cap)],
            people: f
                .evidence
                .people
                .iter()
                .take(list_cap)
                .map(|p| p.name.as_str())
                .collect(),
        })
        .collect();
    serde_json::to_string(&sent).unwrap_or_else(|_| "[]".to_string())
}

/// The findings JSON within `budget` tokens (system prompt included), with the number of
/// findings it holds; trims lowest-ranked findings first, then evidence lists.
pub fn fit_to_budget(findings: &[Finding], budget: usize) -> Result<(String, usize), LlmError> {
    if findings.is_empty() {
        return Err(LlmError::NoFindings);
    }
    let fixed = estimate_tokens(SYSTEM_PROMPT);
    let mut smallest = usize::MAX;
    for list_cap in [20, 5, 1] {
        let mut count = findings.len();
        while count > 0 {
            let json = sent_json(findings, count, list_cap);
            let tokens = fixed + estimate_tokens(&json);
            if tokens <= budget {
                return Ok((json, count));
            }
            smallest = smallest.min(tokens);
            // Drop about a tenth at a time, so long lists converge quickly.
            count -= (count / 10).max(1);
        }
    }
    Err(LlmError::OverBudget {
        estimated: smallest,
        budget,
    })
}

impl Summarizer {
    /// A summarizer for `config`, caching in `cache`. Installs rustls' ring provider as the
    /// process default when none is installed yet (this build carries no other).
    pub fn new(config: LlmConfig, cache: Cache) -> Result<Self, LlmError> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(LlmError::BadUrl {
                url: config.base_url.clone(),
            });
        }
        let url = format!("{base}/chat/completions");
        // Err means a provider is already installed, which is what we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| LlmError::Client(e.to_string()))?;
        Ok(Self {
            client,
            config,
            cache,
            breaker: Mutex::new(Breaker {
                failures: 0,
                open_until: None,
            }),
            url,
        })
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    fn cache_key(&self, body: &str) -> String {
        let mut h = Sha256::new();
        for part in [&self.url, &self.config.model, PROMPT_VERSION, body] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("llm:summary:{hex}")
    }

    /// Closed: every call passes. Open: calls fail fast until the cooldown ends; the first call
    /// after it is the trial (half-open) and re-arms the cooldown, so concurrent callers keep
    /// failing fast until the trial's outcome closes or re-opens the breaker.
    fn breaker_check(&self) -> Result<(), LlmError> {
        let mut b = self.breaker.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match b.open_until {
            Some(until) if now < until => Err(LlmError::CircuitOpen {
                failures: b.failures,
                retry_in: until.saturating_duration_since(now),
            }),
            Some(_) => {
                b.open_until = Some(now + self.config.breaker_cooldown);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn breaker_record(&self, ok: bool) {
        let mut b = self.breaker.lock().unwrap_or_else(|e| e.into_inner());
        if ok {
            b.failures = 0;
            b.open_until = None;
        } else {
            b.failures += 1;
            if b.failures >= self.config.breaker_threshold {
                b.open_until = Some(Instant::now() + self.config.breaker_cooldown);
            }
        }
    }

    /// The delay before retry `attempt` (0-based): exponential with equal jitter, or the
    /// server's `Retry-After`, capped at `backoff_max`.
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

    /// Asks the model for an executive summary of `findings` (ranked, most important first).
    pub async fn summarize(&self, findings: &[Finding]) -> Result<ModelSummary, LlmError> {
        let (json, count) = fit_to_budget(findings, self.config.max_input_tokens)?;
        let request = ChatRequest {
            model: &self.config.model,
            messages: [
                Message {
                    role: "system",
                    content: SYSTEM_PROMPT,
                },
                Message {
                    role: "user",
                    content: &json,
                },
            ],
            temperature: 0.0,
            max_tokens: self.config.max_output_tokens,
            stream: false,
        };
        let body = serde_json::to_string(&request).map_err(|e| LlmError::Client(e.to_string()))?;
        let estimated_tokens = estimate_tokens(SYSTEM_PROMPT) + estimate_tokens(&json);
        let key = self.cache_key(&body);
        if let Some(hit) = self.cache.get(&key).await
            && let Ok(text) = String::from_utf8(hit)
        {
            return Ok(ModelSummary {
                text,
                model: self.config.model.clone(),
                cached: true,
                findings_sent: count,
                estimated_tokens,
            });
        }
        self.breaker_check()?;
        let result = self.call_with_retries(&body).await;
        self.breaker_record(result.is_ok());
        let text = result?;
        self.cache
            .set(&key, text.as_bytes(), self.config.cache_ttl)
            .await;
        Ok(ModelSummary {
            text,
            model: self.config.model.clone(),
            cached: false,
            findings_sent: count,
            estimated_tokens,
        })
    }

    async fn call_with_retries(&self, body: &str) -> Result<String, LlmError> {
        let mut attempt = 0u32;
        loop {
            match self.call_once(body).await {
                Ok(text) => return Ok(text),
                Err((e, retry_after)) => {
                    if !e.retryable() || attempt >= self.config.max_retries {
                        return Err(e);
                    }
                    let delay = self.backoff(attempt, retry_after);
                    tracing::info!(attempt, error = %e, ?delay, "language model call failed; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn call_once(&self, body: &str) -> Result<String, (LlmError, Option<Duration>)> {
        let mut request = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| (self.transport(e), None))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after_delay(v, std::time::SystemTime::now()));
            let text = response.text().await.unwrap_or_default();
            let body: String = text.chars().take(300).collect();
            return Err((
                LlmError::Status {
                    status: status.as_u16(),
                    body,
                },
                retry_after,
            ));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| (self.transport(e), None))?;
        let parsed: ChatResponse = serde_json::from_slice(&bytes)
            .map_err(|e| (LlmError::Malformed(e.to_string()), None))?;
        parsed
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                (
                    LlmError::Malformed("no choices[0].message.content".into()),
                    None,
                )
            })
    }

    fn transport(&self, e: reqwest::Error) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout(self.config.timeout)
        } else {
            LlmError::Unreachable {
                url: self.url.clone(),
                message: e.to_string(),
            }
        }
    }
}

/// Which summary an [`ExecutiveSummary`] holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum SummarySource {
    /// Written by the configured model from the findings JSON.
    Model { model: String, cached: bool },
    /// CodeVoyage's own plain-text summary of the findings.
    Deterministic {
        /// Why the model's was not used (`None`: no model configured).
        reason: Option<String>,
    },
}

/// The summary to show, and which one it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecutiveSummary {
    #[serde(flatten)]
    pub source: SummarySource,
    pub text: String,
}

impl ExecutiveSummary {
    /// A one-line label for the UI and the terminal ("Summary by model gpt-4o-mini" /
    /// "Deterministic summary (model failed: …)").
    pub fn label(&self) -> String {
        match &self.source {
            SummarySource::Model { model, cached } => format!(
                "Summary written by the language model {model}{} from the findings",
                if *cached { " (cached)" } else { "" }
            ),
            SummarySource::Deterministic { reason: None } => {
                "Deterministic summary (no language model configured)".to_string()
            }
            SummarySource::Deterministic { reason: Some(r) } => {
                format!("Deterministic summary (the language model was not used: {r})")
            }
        }
    }
}

impl ExecutiveSummary {
    /// The insight row the summary is stored as (kind
    /// [`codevoyage_insights::EXECUTIVE_SUMMARY_KIND`], rank
    /// [`codevoyage_insights::EXECUTIVE_SUMMARY_RANK`]): the label as title, the text as body,
    /// and `{source, model | reason, text, label}` as evidence, so a reader can tell a model's
    /// summary from the deterministic fallback and see why the model was not used.
    pub fn record(&self) -> codevoyage_store::InsightRecord {
        let mut evidence = serde_json::to_value(self).unwrap_or_default();
        evidence["label"] = self.label().into();
        codevoyage_store::InsightRecord {
            rank: codevoyage_insights::EXECUTIVE_SUMMARY_RANK,
            kind: codevoyage_insights::EXECUTIVE_SUMMARY_KIND.to_string(),
            severity: "info".to_string(),
            title: self.label(),
            body: self.text.clone(),
            evidence,
        }
    }

    /// Reads back a summary stored by [`ExecutiveSummary::record`]; `None` when the row is not
    /// one.
    pub fn from_record(row: &codevoyage_store::InsightRecord) -> Option<Self> {
        if row.kind != codevoyage_insights::EXECUTIVE_SUMMARY_KIND {
            return None;
        }
        let source = match row.evidence["source"].as_str() {
            Some("model") => SummarySource::Model {
                model: row.evidence["model"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                cached: row.evidence["cached"].as_bool().unwrap_or(false),
            },
            Some("deterministic") => SummarySource::Deterministic {
                reason: row.evidence["reason"].as_str().map(str::to_string),
            },
            _ => return None,
        };
        Some(Self {
            source,
            text: row.body.clone(),
        })
    }
}

/// The model's summary when `summarizer` is configured and succeeds, else the deterministic
/// one ([`codevoyage_insights::summary_text`]), saying which it is and why.
pub async fn executive_summary(
    summarizer: Option<&Summarizer>,
    findings: &[Finding],
) -> ExecutiveSummary {
    let fallback = |reason: Option<String>| ExecutiveSummary {
        source: SummarySource::Deterministic { reason },
        text: codevoyage_insights::summary_text(findings),
    };
    let Some(s) = summarizer else {
        return fallback(None);
    };
    match s.summarize(findings).await {
        Ok(m) => ExecutiveSummary {
            source: SummarySource::Model {
                model: m.model,
                cached: m.cached,
            },
            text: m.text,
        },
        Err(e) => {
            tracing::warn!(error = %e, "language model summary failed; using the deterministic one");
            fallback(Some(e.to_string()))
        }
    }
}
