//! Repository metadata from the forge a repository was cloned from: for GitHub URLs, the
//! description, star count and default branch, read from `GET /repos/{owner}/{repo}` of the
//! REST API.
//!
//! Metadata is decoration: an analysis never waits long for it and never fails for want of
//! it. The [`GitHubClient`] therefore gives up early rather than block, in the order a call
//! meets its defences:
//! - **Circuit breaker**: after [`ForgeConfig::breaker_threshold`] consecutive failed calls
//!   (timeouts, unreachable, 5xx after retries, malformed replies) calls fail fast for
//!   [`ForgeConfig::breaker_cooldown`]; the first call after that is a trial (half-open) that
//!   closes the breaker on success or re-opens it on failure.
//! - **Rate-limit headers**: every reply's `x-ratelimit-remaining` and `x-ratelimit-reset`
//!   are remembered. When the server says the budget is spent (`remaining: 0` on any reply, or
//!   a 403/429 naming the limit) no request is sent until the reset: the call waits when the
//!   reset is within [`ForgeConfig::max_wait`], otherwise fails at once with
//!   [`ForgeError::RateLimited`] — an analysis is never held for an hour. The same applies to
//!   `retry-after` on 403/429 (GitHub's secondary limits; one minute when a secondary limit
//!   comes without it, as GitHub's documentation asks).
//! - **Token bucket**: at most [`ForgeConfig::requests_per_hour`] requests an hour (GitHub's
//!   5,000 for an authenticated client) with bursts of [`ForgeConfig::burst`]; the bucket is
//!   also lowered to the server's `remaining` count, which other clients of the same token
//!   spend from. Every attempt, retries included, takes a token.
//! - **Retries**: timeouts, connection errors and 5xx are retried up to
//!   [`ForgeConfig::max_retries`] times with exponential backoff `min(max, base × 2^n)` and
//!   equal jitter. 401, 403 (other than rate limits), 404 and malformed replies are final.
//! - **Conditional requests**: given the ETag of the stored metadata, the request carries
//!   `If-None-Match`; a 304 ([`Fetched::NotModified`]) means the stored data is still true (and
//!   GitHub does not count it against the limit).
//!
//! The crate reads no environment and no configuration file: the binary passes a
//! [`ForgeConfig`] (whose token is redacted in `Debug`) in.

mod bucket;
mod client;
mod url;

pub use bucket::TokenBucket;
pub use client::{
    DEFAULT_API_URL, Fetched, ForgeConfig, ForgeError, GitHubClient, LimitKind, RateLimitStatus,
    RepoMetadata,
};
pub use url::{RepoRef, parse_github_url};

/// The provider name stored with GitHub metadata.
pub const GITHUB: &str = "github";
