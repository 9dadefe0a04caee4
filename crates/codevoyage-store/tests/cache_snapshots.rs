//! The cold layer of the view cache: compressed snapshots on disk behind the memory cache.
//! A fresh memory cache over the same folder stands for a restarted server (the hot layer
//! flushed); corrupt files are made by hand.

use codevoyage_store::cache::{Cache, CacheStats, SnapshotOptions, Snapshots};
use std::path::{Path, PathBuf};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(60);

fn cache_over(dir: &Path, options: SnapshotOptions) -> Cache {
    Cache::memory().with_snapshots(Snapshots::open(dir, options).expect("open snapshots"))
}

fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("list snapshots")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn cold_stats(cache: &Cache) -> CacheStats {
    cache.snapshots().expect("a cold layer").stats()
}

#[tokio::test]
async fn a_flushed_hot_layer_is_refilled_from_disk() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let value = br#"{"tree": "a big view", "files": [1, 2, 3]}"#.repeat(1000);
    {
        let cache = cache_over(dir.path(), SnapshotOptions::default());
        cache.set("tree:1:abc", &value, TTL).await;
    }
    let files = snapshot_files(dir.path());
    assert_eq!(files.len(), 1);
    let on_disk = std::fs::metadata(&files[0]).expect("stat").len();
    assert!(
        on_disk < value.len() as u64 / 10,
        "compressed: {on_disk} bytes for {}",
        value.len()
    );

    // A new process: nothing in memory.
    let cache = cache_over(dir.path(), SnapshotOptions::default());
    assert_eq!(cache.get("tree:1:abc").await.as_deref(), Some(&value[..]));
    assert_eq!(cache.stats(), CacheStats { hits: 0, misses: 1 });
    assert_eq!(cold_stats(&cache), CacheStats { hits: 1, misses: 0 });
    // The cold hit was copied into the hot layer.
    assert_eq!(cache.get("tree:1:abc").await.as_deref(), Some(&value[..]));
    assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 1 });
    assert_eq!(cold_stats(&cache), CacheStats { hits: 1, misses: 0 });
    // A key never stored misses both layers.
    assert_eq!(cache.get("tree:1:other").await, None);
    assert_eq!(cold_stats(&cache), CacheStats { hits: 1, misses: 1 });
}

#[tokio::test]
async fn invalidation_removes_snapshots_by_prefix() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cache = cache_over(dir.path(), SnapshotOptions::default());
    for key in [
        "timeline:1:10",
        "timeline:1:11",
        "timeline:12:13",
        "tree:1:x",
    ] {
        cache.set(key, key.as_bytes(), TTL).await;
    }
    cache.invalidate_prefix("timeline:1:").await;
    assert_eq!(snapshot_files(dir.path()).len(), 2);
    let fresh = cache_over(dir.path(), SnapshotOptions::default());
    assert_eq!(fresh.get("timeline:1:10").await, None);
    assert_eq!(fresh.get("timeline:1:11").await, None);
    // `timeline:1:` is not a prefix of repository 12's keys.
    assert_eq!(
        fresh.get("timeline:12:13").await.as_deref(),
        Some(&b"timeline:12:13"[..])
    );
    assert_eq!(
        fresh.get("tree:1:x").await.as_deref(),
        Some(&b"tree:1:x"[..])
    );
    // Invalidation reaches the hot layer too.
    cache.invalidate_prefix("tree:").await;
    assert_eq!(cache.get("tree:1:x").await, None);
}

#[tokio::test]
async fn corrupt_snapshots_are_ignored_and_rewritten() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let value = b"the real view".repeat(50);
    let cache = cache_over(dir.path(), SnapshotOptions::default());
    cache.set("activity:3:4", &value, TTL).await;
    let path = snapshot_files(dir.path()).remove(0);
    let good = std::fs::read(&path).expect("read snapshot");

    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    let corruptions: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("a flipped byte", flipped),
        ("empty", Vec::new()),
        ("not gzip", b"plain text, not a snapshot".to_vec()),
    ];
    for (what, bytes) in corruptions {
        std::fs::write(&path, &bytes).expect("corrupt the snapshot");
        let fresh = cache_over(dir.path(), SnapshotOptions::default());
        assert_eq!(fresh.get("activity:3:4").await, None, "{what}");
        assert_eq!(cold_stats(&fresh), CacheStats { hits: 0, misses: 1 });
        assert!(!path.exists(), "{what}: the bad file is removed");
        // The caller recomputes and stores the view again; it reads back.
        fresh.set("activity:3:4", &value, TTL).await;
        let again = cache_over(dir.path(), SnapshotOptions::default());
        assert_eq!(
            again.get("activity:3:4").await.as_deref(),
            Some(&value[..]),
            "{what}"
        );
    }

    // A valid snapshot of another key under this key's name is not served either.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    let cache_b = cache_over(&other, SnapshotOptions::default());
    cache_b
        .set("activity:9:9", b"someone else's view", TTL)
        .await;
    let foreign = snapshot_files(&other).remove(0);
    std::fs::copy(&foreign, &path).expect("copy");
    let fresh = cache_over(dir.path(), SnapshotOptions::default());
    assert_eq!(fresh.get("activity:3:4").await, None);
}

#[tokio::test]
async fn the_folder_stays_under_its_bound_and_expired_snapshots_miss() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Values that do not compress, so each file is about 2 KiB.
    let noise = |seed: u64| -> Vec<u8> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (0..2048)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    };
    let options = SnapshotOptions {
        max_bytes: 20 * 1024,
        ..SnapshotOptions::default()
    };
    let cache = cache_over(dir.path(), options);
    for i in 0..30u64 {
        cache.set(&format!("tree:{i}:x"), &noise(i + 1), TTL).await;
    }
    let total: u64 = snapshot_files(dir.path())
        .iter()
        .map(|p| std::fs::metadata(p).expect("stat").len())
        .sum();
    assert!(total <= 20 * 1024, "{total} bytes on disk");
    let snapshots = cache.snapshots().expect("cold layer");
    assert_eq!(snapshots.bytes(), total);
    // The newest survive.
    let fresh = cache_over(dir.path(), options);
    assert_eq!(fresh.get("tree:29:x").await, Some(noise(30)));
    // A value larger than the whole bound is not written.
    cache.set("huge", &noise(99).repeat(20), TTL).await;
    assert!(
        !snapshot_files(dir.path())
            .iter()
            .any(|p| p.ends_with("huge.gz"))
    );

    // With no time to live left, a snapshot is a miss and is deleted.
    let expired = cache_over(
        dir.path(),
        SnapshotOptions {
            ttl: Duration::ZERO,
            ..options
        },
    );
    assert_eq!(expired.get("tree:29:x").await, None);
    assert!(
        !snapshot_files(dir.path())
            .iter()
            .any(|p| p.ends_with("tree%3A29%3Ax.gz"))
    );
}

#[tokio::test]
async fn an_unwritable_folder_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let err = Snapshots::open(&file.join("snapshots"), SnapshotOptions::default())
        .expect_err("a folder under a file cannot exist");
    assert!(err.to_string().contains("a-file"), "{err}");
}

#[tokio::test]
async fn leftover_temporary_files_are_cleaned_at_open() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join(".tmp-1-1"), b"half a snapshot").expect("write");
    let cache = cache_over(dir.path(), SnapshotOptions::default());
    assert!(snapshot_files(dir.path()).is_empty());
    assert_eq!(cache.snapshots().map(Snapshots::bytes), Some(0));
}
