//! The response cache: in process memory, or in Redis when several instances share it (the
//! hot layer), optionally backed by compressed snapshots on disk (the cold layer,
//! [`snapshots`]); the database the views are computed from is the warm layer in between.
//!
//! A cache must never fail a request: every Redis error is logged and reported as a miss,
//! every Redis call is bounded by a timeout, and after a failure Redis is left alone for a
//! short while so that an unreachable server costs one timeout, not one per request.

pub mod snapshots;

pub use snapshots::{SnapshotError, SnapshotOptions, Snapshots};

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Default number of entries the memory cache holds before evicting.
pub const DEFAULT_MEMORY_ENTRIES: usize = 10_000;
/// Default bound on the bytes of values the memory cache holds (trees can be megabytes).
pub const DEFAULT_MEMORY_BYTES: usize = 256 * 1024 * 1024;
/// Default key namespace in Redis.
pub const DEFAULT_REDIS_PREFIX: &str = "codevoyage:";

/// Longest a Redis call may take before it counts as a miss.
const REDIS_TIMEOUT: Duration = Duration::from_millis(800);
/// How long Redis is skipped after a failure.
const REDIS_BACKOFF: Duration = Duration::from_secs(2);

/// Errors of cache set-up and health checks (never of reads and writes).
#[derive(thiserror::Error, Debug)]
pub enum CacheError {
    #[error(
        "invalid Redis URL {url:?}: {source} (check CODEVOYAGE_REDIS_URL, e.g. redis://127.0.0.1:6379)"
    )]
    InvalidUrl {
        url: String,
        source: redis::RedisError,
    },
    #[error("Redis at {url} did not answer: {reason} (is it running? check CODEVOYAGE_REDIS_URL)")]
    Unreachable { url: String, reason: String },
}

/// Hits and misses since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Counters {
    fn record<T>(&self, value: Option<T>) -> Option<T> {
        let counter = if value.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        value
    }
}

/// The process-local cache: a map with expiry, bounded in entries and in value bytes.
pub struct MemoryCache {
    state: Mutex<MemoryState>,
    max_entries: usize,
    max_bytes: usize,
    counters: Counters,
}

#[derive(Default)]
struct MemoryState {
    entries: HashMap<String, (Instant, Vec<u8>)>,
    /// Sum of the lengths of the values in `entries`.
    bytes: usize,
}

impl MemoryState {
    fn remove(&mut self, key: &str) {
        if let Some((_, value)) = self.entries.remove(key) {
            self.bytes -= value.len();
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&str, &Instant) -> bool) {
        let mut freed = 0;
        self.entries.retain(|k, (expires, value)| {
            let kept = keep(k, expires);
            if !kept {
                freed += value.len();
            }
            kept
        });
        self.bytes -= freed;
    }
}

/// The shared cache in Redis.
pub struct RedisCache {
    manager: ConnectionManager,
    prefix: String,
    url: String,
    /// While `Some(t)` and now < t, Redis is considered down and skipped.
    down_until: Mutex<Option<Instant>>,
    counters: Counters,
}

/// A cache of byte values by string key. Cloning shares the same cache.
///
/// Reads go to the hot layer, then (when [`Cache::with_snapshots`] attached one) to the
/// snapshot folder, whose hits are copied back into the hot layer; writes and invalidations
/// go to both.
#[derive(Clone)]
pub struct Cache {
    hot: Hot,
    cold: Option<Arc<Snapshots>>,
}

/// The hot layer.
#[derive(Clone)]
enum Hot {
    Memory(Arc<MemoryCache>),
    Redis(Arc<RedisCache>),
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hot {
            Hot::Memory(m) => f
                .debug_struct("Cache::Memory")
                .field("max_entries", &m.max_entries)
                .field("max_bytes", &m.max_bytes)
                .field("snapshots", &self.cold)
                .finish(),
            Hot::Redis(r) => f
                .debug_struct("Cache::Redis")
                .field("url", &r.url)
                .field("prefix", &r.prefix)
                .field("snapshots", &self.cold)
                .finish(),
        }
    }
}

impl Cache {
    /// A memory cache of [`DEFAULT_MEMORY_ENTRIES`] entries and [`DEFAULT_MEMORY_BYTES`].
    pub fn memory() -> Cache {
        Cache::memory_with_limits(DEFAULT_MEMORY_ENTRIES, DEFAULT_MEMORY_BYTES)
    }

    /// A memory cache holding at most `max_entries` entries (at least one) whose values
    /// total at most `max_bytes`; a single value larger than that is not cached.
    pub fn memory_with_limits(max_entries: usize, max_bytes: usize) -> Cache {
        Cache {
            hot: Hot::Memory(Arc::new(MemoryCache {
                state: Mutex::new(MemoryState::default()),
                max_entries: max_entries.max(1),
                max_bytes,
                counters: Counters::default(),
            })),
            cold: None,
        }
    }

    /// This cache with a cold layer: snapshots in `snapshots` (shared by every clone).
    pub fn with_snapshots(self, snapshots: Snapshots) -> Cache {
        Cache {
            cold: Some(Arc::new(snapshots)),
            ..self
        }
    }

    /// The cold layer, when there is one.
    pub fn snapshots(&self) -> Option<&Snapshots> {
        self.cold.as_deref()
    }

    /// A Redis cache with keys under [`DEFAULT_REDIS_PREFIX`].
    pub async fn redis(url: &str) -> Result<Cache, CacheError> {
        Cache::redis_with_prefix(url, DEFAULT_REDIS_PREFIX).await
    }

    /// A Redis cache with keys under `prefix`. Only a malformed URL is an error: an
    /// unreachable server is logged and the cache starts degraded (every read a miss) and
    /// reconnects by itself; [`Cache::ping`] tells a readiness check the truth.
    pub async fn redis_with_prefix(url: &str, prefix: &str) -> Result<Cache, CacheError> {
        let shown = crate::error::redact_url(url);
        let client = redis::Client::open(url).map_err(|source| CacheError::InvalidUrl {
            url: shown.clone(),
            source,
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let manager =
            ConnectionManager::new_lazy_with_config(client, config).map_err(|source| {
                CacheError::InvalidUrl {
                    url: shown.clone(),
                    source,
                }
            })?;
        let cache = Cache {
            hot: Hot::Redis(Arc::new(RedisCache {
                manager,
                prefix: prefix.to_string(),
                url: shown,
                down_until: Mutex::new(None),
                counters: Counters::default(),
            })),
            cold: None,
        };
        if let Err(e) = cache.ping().await {
            tracing::warn!(error = %e, "Redis cache unavailable at start; serving without it until it answers");
        }
        Ok(cache)
    }

    /// The cached value, or `None` when absent, expired, or the cache is unavailable. A
    /// value found only in the cold layer is copied into the hot one.
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        if let Some(hit) = self.get_hot(key).await {
            return Some(hit);
        }
        let cold = self.cold.clone()?;
        let owned = key.to_string();
        let promote = cold.options().promote_ttl;
        let value = blocking(move || cold.get_blocking(&owned))
            .await
            .flatten()?;
        self.set_hot(key, &value, promote).await;
        Some(value)
    }

    async fn get_hot(&self, key: &str) -> Option<Vec<u8>> {
        match &self.hot {
            Hot::Memory(m) => {
                let value = {
                    let mut state = m.state.lock().unwrap_or_else(|p| p.into_inner());
                    match state.entries.get(key) {
                        Some((expires, value)) if *expires > Instant::now() => Some(value.clone()),
                        Some(_) => {
                            state.remove(key);
                            None
                        }
                        None => None,
                    }
                };
                m.counters.record(value)
            }
            Hot::Redis(r) => {
                let key = format!("{}{key}", r.prefix);
                let value = r
                    .call("get", |mut conn| async move {
                        conn.get::<_, Option<Vec<u8>>>(key).await
                    })
                    .await
                    .flatten();
                r.counters.record(value)
            }
        }
    }

    /// Stores `value` for `ttl` (at least one second in Redis) in the hot layer, and as a
    /// snapshot in the cold one. Failures are logged only.
    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        self.set_hot(key, value, ttl).await;
        if let Some(cold) = self.cold.clone() {
            let (key, value) = (key.to_string(), value.to_vec());
            blocking(move || cold.put_blocking(&key, &value)).await;
        }
    }

    async fn set_hot(&self, key: &str, value: &[u8], ttl: Duration) {
        match &self.hot {
            Hot::Memory(m) => {
                let Some(expires) = Instant::now().checked_add(ttl) else {
                    return;
                };
                let mut state = m.state.lock().unwrap_or_else(|p| p.into_inner());
                state.remove(key);
                if value.len() > m.max_bytes {
                    return;
                }
                let full = |state: &MemoryState| {
                    state.entries.len() >= m.max_entries || state.bytes + value.len() > m.max_bytes
                };
                if full(&state) {
                    let now = Instant::now();
                    state.retain(|_, expires| *expires > now);
                }
                // Still full: drop the entries closest to expiry, the ones the cache would
                // have lost first anyway.
                while full(&state) {
                    let Some(victim) = state
                        .entries
                        .iter()
                        .min_by_key(|(_, (e, _))| *e)
                        .map(|(k, _)| k.clone())
                    else {
                        break;
                    };
                    state.remove(&victim);
                }
                state.bytes += value.len();
                state
                    .entries
                    .insert(key.to_string(), (expires, value.to_vec()));
            }
            Hot::Redis(r) => {
                let key = format!("{}{key}", r.prefix);
                let value = value.to_vec();
                let seconds = ttl.as_secs().max(1);
                r.call("set", |mut conn| async move {
                    conn.set_ex::<_, _, ()>(key, value, seconds).await
                })
                .await;
            }
        }
    }

    /// Removes every entry whose key starts with `prefix`, from both layers.
    pub async fn invalidate_prefix(&self, prefix: &str) {
        if let Some(cold) = self.cold.clone() {
            let owned = prefix.to_string();
            blocking(move || cold.invalidate_prefix_blocking(&owned)).await;
        }
        match &self.hot {
            Hot::Memory(m) => {
                m.state
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .retain(|k, _| !k.starts_with(prefix));
            }
            Hot::Redis(r) => {
                let pattern = format!("{}{}*", glob_escape(&r.prefix), glob_escape(prefix));
                r.call("invalidate", |mut conn| async move {
                    // SCAN, never KEYS: KEYS blocks the server for the whole keyspace.
                    let mut cursor: u64 = 0;
                    loop {
                        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                            .arg(cursor)
                            .arg("MATCH")
                            .arg(&pattern)
                            .arg("COUNT")
                            .arg(500)
                            .query_async(&mut conn)
                            .await?;
                        if !keys.is_empty() {
                            conn.del::<_, ()>(keys).await?;
                        }
                        if next == 0 {
                            return Ok(());
                        }
                        cursor = next;
                    }
                })
                .await;
            }
        }
    }

    /// Checks that the cache works (always true for memory).
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.hot {
            Hot::Memory(_) => Ok(()),
            Hot::Redis(r) => {
                let mut conn = r.manager.clone();
                let reply = tokio::time::timeout(REDIS_TIMEOUT * 3, async move {
                    redis::cmd("PING").query_async::<String>(&mut conn).await
                })
                .await;
                match reply {
                    Ok(Ok(_)) => {
                        *r.down_until.lock().unwrap_or_else(|p| p.into_inner()) = None;
                        Ok(())
                    }
                    Ok(Err(e)) => Err(CacheError::Unreachable {
                        url: r.url.clone(),
                        reason: e.to_string(),
                    }),
                    Err(_) => Err(CacheError::Unreachable {
                        url: r.url.clone(),
                        reason: "timed out".into(),
                    }),
                }
            }
        }
    }

    /// Hits and misses of the hot layer (a read answered by the cold layer counts as a hot
    /// miss).
    pub fn stats(&self) -> CacheStats {
        let counters = match &self.hot {
            Hot::Memory(m) => &m.counters,
            Hot::Redis(r) => &r.counters,
        };
        CacheStats {
            hits: counters.hits.load(Ordering::Relaxed),
            misses: counters.misses.load(Ordering::Relaxed),
        }
    }
}

/// Runs blocking file work off the async threads; `None` only if it panicked (logged).
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Some(value),
        Err(e) => {
            tracing::error!(error = %e, "cache snapshot task failed; treated as a miss");
            None
        }
    }
}

impl RedisCache {
    /// Runs one Redis operation with a timeout; on failure logs, backs off, returns `None`.
    async fn call<T, F, Fut>(&self, what: &'static str, op: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        {
            let down = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
            if down.is_some_and(|until| Instant::now() < until) {
                return None;
            }
        }
        let outcome = tokio::time::timeout(REDIS_TIMEOUT * 3, op(self.manager.clone())).await;
        let reason = match outcome {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "timed out".to_string(),
        };
        tracing::warn!(operation = what, url = %self.url, %reason, "Redis cache call failed; treated as a miss");
        *self.down_until.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(Instant::now() + REDIS_BACKOFF);
        None
    }
}

/// Escapes Redis glob characters so a prefix matches literally.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::glob_escape;

    #[test]
    fn glob_characters_match_literally() {
        assert_eq!(glob_escape("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\");
    }
}
