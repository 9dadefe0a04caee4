//! Cache conformance: the memory cache always, Redis when `CODEVOYAGE_TEST_REDIS_URL` is set
//! (each test under its own key prefix), and an unreachable Redis that only ever misses.

use codevoyage_store::cache::{Cache, CacheStats};
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const REDIS_VAR: &str = "CODEVOYAGE_TEST_REDIS_URL";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn note_redis_skipped(reason: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\nnote: Redis cache tests skipped ({reason}); run them with \
             `{REDIS_VAR}=redis://127.0.0.1:6379 cargo test -p codevoyage-store`\n"
        );
    });
}

fn unique_prefix() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "cv_test:{}:{}:{nanos}:",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

async fn run_memory<F, Fut>(test: F)
where
    F: FnOnce(Cache) -> Fut,
    Fut: Future<Output = ()>,
{
    test(Cache::memory()).await;
}

async fn run_redis<F, Fut>(test: F)
where
    F: FnOnce(Cache) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(url) = std::env::var(REDIS_VAR).ok().filter(|u| !u.is_empty()) else {
        note_redis_skipped(&format!("{REDIS_VAR} is not set"));
        return;
    };
    let prefix = unique_prefix();
    let cache = Cache::redis_with_prefix(&url, &prefix)
        .await
        .expect("valid Redis URL");
    if let Err(e) = cache.ping().await {
        assert!(
            !in_ci(),
            "{REDIS_VAR} is set under CI=true but Redis is unreachable: {e}"
        );
        note_redis_skipped(&format!("{e}"));
        return;
    }
    test(cache.clone()).await;
    // Leave nothing behind.
    cache.invalidate_prefix("").await;
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $( #[tokio::test] async fn $name() { crate::run_memory(crate::$name).await } )*
        }
        mod redis {
            $( #[tokio::test] async fn $name() { crate::run_redis(crate::$name).await } )*
        }
    };
}

conformance!(
    set_then_get,
    entries_expire,
    invalidate_prefix_removes_only_that_prefix,
    hits_and_misses_are_counted
);

async fn set_then_get(cache: Cache) {
    assert_eq!(cache.get("a").await, None);
    cache
        .set("a", b"\x00binary\xff", Duration::from_secs(60))
        .await;
    assert_eq!(
        cache.get("a").await.as_deref(),
        Some(&b"\x00binary\xff"[..])
    );
    cache.set("a", b"second", Duration::from_secs(60)).await;
    assert_eq!(cache.get("a").await.as_deref(), Some(&b"second"[..]));
    cache.set("empty", b"", Duration::from_secs(60)).await;
    assert_eq!(cache.get("empty").await, Some(Vec::new()));
    cache.ping().await.expect("ping");
}

async fn entries_expire(cache: Cache) {
    cache.set("short", b"v", Duration::from_secs(1)).await;
    cache.set("long", b"v", Duration::from_secs(60)).await;
    assert!(cache.get("short").await.is_some());
    // Wait on the real clock, bounded: the entry must be gone within 3 seconds.
    let deadline = Instant::now() + Duration::from_secs(3);
    while cache.get("short").await.is_some() {
        assert!(
            Instant::now() < deadline,
            "entry with a 1 s TTL still present after 3 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cache.get("long").await.is_some());
}

async fn invalidate_prefix_removes_only_that_prefix(cache: Cache) {
    for key in [
        "repo:1:tree",
        "repo:1:stats",
        "repo:10:tree",
        "repo:2:tree",
        "repo:1*odd",
    ] {
        cache
            .set(key, key.as_bytes(), Duration::from_secs(60))
            .await;
    }
    cache.invalidate_prefix("repo:1:").await;
    assert_eq!(cache.get("repo:1:tree").await, None);
    assert_eq!(cache.get("repo:1:stats").await, None);
    assert!(
        cache.get("repo:10:tree").await.is_some(),
        "a longer id with the same digits survives"
    );
    assert!(cache.get("repo:2:tree").await.is_some());
    // Glob characters in the prefix are literal.
    cache.invalidate_prefix("repo:1*").await;
    assert_eq!(cache.get("repo:1*odd").await, None);
    assert!(cache.get("repo:10:tree").await.is_some());
}

async fn hits_and_misses_are_counted(cache: Cache) {
    let before = cache.stats();
    cache.get("nothing").await;
    cache.set("k", b"v", Duration::from_secs(60)).await;
    cache.get("k").await;
    cache.get("k").await;
    let after = cache.stats();
    assert_eq!(
        CacheStats {
            hits: after.hits - before.hits,
            misses: after.misses - before.misses
        },
        CacheStats { hits: 2, misses: 1 }
    );
}

#[tokio::test]
async fn memory_cache_stays_within_its_entry_bound() {
    let cache = Cache::memory_with_limits(3, 1 << 20);
    for i in 0..10 {
        cache
            .set(&format!("k{i}"), b"v", Duration::from_secs(60 + i))
            .await;
    }
    let mut present = 0;
    for i in 0..10 {
        if cache.get(&format!("k{i}")).await.is_some() {
            present += 1;
        }
    }
    assert_eq!(present, 3);
    // The newest entry is always kept.
    assert!(cache.get("k9").await.is_some());
}

#[tokio::test]
async fn memory_cache_stays_within_its_byte_bound() {
    let cache = Cache::memory_with_limits(100, 10);
    cache.set("a", &[1; 4], Duration::from_secs(60)).await;
    cache.set("b", &[2; 4], Duration::from_secs(61)).await;
    // 4 + 4 + 4 > 10: the entry closest to expiry ("a") makes room.
    cache.set("c", &[3; 4], Duration::from_secs(62)).await;
    assert_eq!(cache.get("a").await, None);
    assert!(cache.get("b").await.is_some() && cache.get("c").await.is_some());
    // Replacing a value frees the old one's bytes first.
    cache.set("c", &[4; 6], Duration::from_secs(62)).await;
    assert_eq!(cache.get("c").await, Some(vec![4; 6]));
    assert!(cache.get("b").await.is_some());
    // A value larger than the whole cache is simply not cached.
    cache.set("huge", &[0; 11], Duration::from_secs(60)).await;
    assert_eq!(cache.get("huge").await, None);
    assert!(cache.get("b").await.is_some());
}

#[tokio::test]
async fn unreachable_redis_gives_misses_not_errors_or_hangs() {
    // Port 1 is closed. The guard below only catches a hang: every call is bounded by the
    // cache's own timeouts, a few seconds at most.
    let checks = async {
        let cache = Cache::redis_with_prefix("redis://127.0.0.1:1", &unique_prefix())
            .await
            .expect("a valid URL is accepted");
        assert!(cache.ping().await.is_err());
        cache.set("k", b"v", Duration::from_secs(60)).await;
        assert_eq!(cache.get("k").await, None);
        cache.invalidate_prefix("k").await;
        assert_eq!(cache.get("k").await, None);
        assert_eq!(cache.stats(), CacheStats { hits: 0, misses: 2 });
        let err = cache.ping().await.expect_err("still down");
        assert!(err.to_string().contains("CODEVOYAGE_REDIS_URL"), "{err}");
    };
    tokio::time::timeout(Duration::from_secs(60), checks)
        .await
        .expect("an unreachable Redis must not hang the cache");
}

#[tokio::test]
async fn malformed_redis_url_is_an_error() {
    let err = Cache::redis("not a url").await.expect_err("malformed");
    assert!(err.to_string().contains("redis://"), "{err}");
}
