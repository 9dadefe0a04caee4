//! The cold layer of the view cache: gzip-compressed snapshots of computed views in a folder
//! of the data directory, one file per cache key.
//!
//! A read that misses the hot layer (memory or Redis) looks here before the view is computed
//! again from the database (the warm layer), so a restarted server, or one whose memory cache
//! evicted a big tree, answers from disk. The folder is bounded in bytes (oldest snapshots go
//! first), snapshots expire after a time to live, and a snapshot that cannot be read back
//! intact (truncated, bit-flipped, another key's) is deleted and reported as a miss, so the
//! caller recomputes and writes it again: a bad file never fails a request.
//!
//! File names are the key with every byte outside `[A-Za-z0-9._-]` written as `%XX`, so a
//! key prefix is a file-name prefix and [`Snapshots::invalidate_prefix`] is a directory scan.
//! Each file holds, compressed, a header line, the key, and the value; the gzip CRC catches
//! corruption and the stored key catches a file under the wrong name.

use super::{CacheStats, Counters};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// First line of every snapshot (the format version).
const MAGIC: &[u8] = b"codevoyage-snapshot 1\n";
/// Longest file name written; longer keys are not snapshotted (names are limited to 255 bytes).
const MAX_NAME: usize = 240;
/// Ending of snapshot files; temporary files start with `.tmp-` instead.
const SUFFIX: &str = ".gz";
const TEMP_PREFIX: &str = ".tmp-";

/// Limits of the snapshot folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotOptions {
    /// Bound on the compressed bytes in the folder; the oldest snapshots are deleted beyond it.
    pub max_bytes: u64,
    /// A snapshot older than this is a miss (and is deleted).
    pub ttl: Duration,
    /// How long a value read from disk is kept in the hot layer.
    pub promote_ttl: Duration,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            max_bytes: 1024 * 1024 * 1024,
            ttl: Duration::from_secs(7 * 24 * 3600),
            promote_ttl: Duration::from_secs(300),
        }
    }
}

/// Errors of opening the snapshot folder (reads and writes never fail a caller).
#[derive(thiserror::Error, Debug)]
#[error(
    "cannot use {path} for cache snapshots: {source} (check that the data directory is writable)"
)]
pub struct SnapshotError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The snapshot folder. Shared behind an `Arc` by every clone of a [`super::Cache`].
pub struct Snapshots {
    dir: PathBuf,
    options: SnapshotOptions,
    /// Compressed bytes in the folder, as far as this process knows (re-measured on eviction).
    bytes: AtomicU64,
    counters: Counters,
    /// Numbers temporary files.
    seq: AtomicU64,
    /// One eviction at a time.
    evicting: Mutex<()>,
}

impl std::fmt::Debug for Snapshots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshots")
            .field("dir", &self.dir)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The file name of a key, or `None` when it would be too long.
fn file_name(key: &str) -> Option<String> {
    let mut name = escape(key);
    name.push_str(SUFFIX);
    (name.len() <= MAX_NAME).then_some(name)
}

/// `key` with every byte outside `[A-Za-z0-9._-]` as `%XX`; a prefix of a key escapes to a
/// prefix of its escaped form.
fn escape(key: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Why a snapshot could not be used.
enum Unusable {
    Absent,
    Expired,
    Corrupt(String),
}

impl Snapshots {
    /// Opens (creating it when missing) the snapshot folder `dir`, removing temporary files
    /// a crash left behind and measuring what is there.
    pub fn open(dir: &Path, options: SnapshotOptions) -> Result<Snapshots, SnapshotError> {
        let error = |source| SnapshotError {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(error)?;
        let mut bytes = 0;
        for entry in std::fs::read_dir(dir).map_err(error)? {
            let entry = entry.map_err(error)?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) {
                if let Err(e) = std::fs::remove_file(entry.path()) {
                    tracing::warn!(error = %e, file = %entry.path().display(), "could not remove a temporary snapshot");
                }
            } else if name.ends_with(SUFFIX) {
                bytes += entry.metadata().map_or(0, |m| m.len());
            }
        }
        Ok(Snapshots {
            dir: dir.to_path_buf(),
            options,
            bytes: AtomicU64::new(bytes),
            counters: Counters::default(),
            seq: AtomicU64::new(0),
            evicting: Mutex::new(()),
        })
    }

    pub fn options(&self) -> SnapshotOptions {
        self.options
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Hits and misses of this layer since start.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.counters.hits.load(Ordering::Relaxed),
            misses: self.counters.misses.load(Ordering::Relaxed),
        }
    }

    /// Compressed bytes in the folder, as far as this process knows.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The value stored under `key`, or `None` (absent, expired, unreadable: never an error).
    pub(crate) fn get_blocking(&self, key: &str) -> Option<Vec<u8>> {
        let Some(name) = file_name(key) else {
            return self.counters.record(None);
        };
        let path = self.dir.join(name);
        let value = match self.read(&path, key) {
            Ok(value) => Some(value),
            Err(Unusable::Absent) => None,
            Err(Unusable::Expired) => {
                self.remove(&path);
                None
            }
            Err(Unusable::Corrupt(reason)) => {
                tracing::warn!(file = %path.display(), %reason, "unreadable cache snapshot removed; the view is computed again");
                self.remove(&path);
                None
            }
        };
        self.counters.record(value)
    }

    fn read(&self, path: &Path, key: &str) -> Result<Vec<u8>, Unusable> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Absent),
            Err(e) => return Err(Unusable::Corrupt(e.to_string())),
        };
        let modified = file
            .metadata()
            .and_then(|m| m.modified())
            .map_err(|e| Unusable::Corrupt(e.to_string()))?;
        let age = SystemTime::now()
            .duration_since(modified)
            .unwrap_or_default();
        if age >= self.options.ttl {
            return Err(Unusable::Expired);
        }
        let mut data = Vec::new();
        // A corrupt length can never make us read more than the folder may hold.
        GzDecoder::new(file)
            .take(self.options.max_bytes.saturating_mul(64).max(1 << 20))
            .read_to_end(&mut data)
            .map_err(|e| Unusable::Corrupt(e.to_string()))?;
        let rest = data
            .strip_prefix(MAGIC)
            .ok_or_else(|| Unusable::Corrupt("no snapshot header".into()))?;
        let newline = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| Unusable::Corrupt("no key line".into()))?;
        if &rest[..newline] != key.as_bytes() {
            return Err(Unusable::Corrupt("the snapshot holds another key".into()));
        }
        let start = MAGIC.len() + newline + 1;
        Ok(data.split_off(start))
    }

    fn remove(&self, path: &Path) {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        match std::fs::remove_file(path) {
            Ok(()) => self.sub_bytes(size),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, file = %path.display(), "could not remove a cache snapshot")
            }
        }
    }

    fn sub_bytes(&self, n: u64) {
        // Never below zero, even if another process shrank the folder behind our back.
        let _ = self
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(n))
            });
    }

    /// Writes the snapshot of `key` (atomically: a temporary file renamed over the old one),
    /// then evicts the oldest snapshots when the folder is over its bound. Failures are
    /// logged only.
    pub(crate) fn put_blocking(&self, key: &str, value: &[u8]) {
        let Some(name) = file_name(key) else { return };
        if value.len() as u64 > self.options.max_bytes {
            return;
        }
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            self.seq.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| -> std::io::Result<u64> {
            let file = std::fs::File::create(&temp)?;
            let mut encoder = GzEncoder::new(std::io::BufWriter::new(file), Compression::new(3));
            encoder.write_all(MAGIC)?;
            encoder.write_all(key.as_bytes())?;
            encoder.write_all(b"\n")?;
            encoder.write_all(value)?;
            encoder.finish()?.flush()?;
            let size = std::fs::metadata(&temp)?.len();
            let replaced = std::fs::metadata(&path).map_or(0, |m| m.len());
            std::fs::rename(&temp, &path)?;
            self.sub_bytes(replaced);
            Ok(size)
        })();
        match written {
            Ok(size) => {
                let total = self.bytes.fetch_add(size, Ordering::Relaxed) + size;
                if total > self.options.max_bytes {
                    self.evict(&path);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, dir = %self.dir.display(), "could not write a cache snapshot");
                let _ = std::fs::remove_file(&temp);
            }
        }
    }

    /// Deletes the oldest snapshots (never `keep`, the one just written: file times are
    /// coarse, so it may look as old as others) until the folder holds at most 90 % of its
    /// bound.
    fn evict(&self, keep: &Path) {
        let _one = self.evicting.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(SUFFIX))
            .filter(|e| e.path() != keep)
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let kept = std::fs::metadata(keep).map_or(0, |m| m.len());
        let mut total: u64 = kept + files.iter().map(|f| f.1).sum::<u64>();
        let low = self.options.max_bytes / 10 * 9;
        files.sort();
        for (_, size, path) in files {
            if total <= low {
                break;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => total = total.saturating_sub(size),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    total = total.saturating_sub(size)
                }
                Err(e) => {
                    tracing::warn!(error = %e, file = %path.display(), "could not evict a cache snapshot")
                }
            }
        }
        self.bytes.store(total, Ordering::Relaxed);
    }

    /// Deletes every snapshot whose key starts with `prefix`.
    pub(crate) fn invalidate_prefix_blocking(&self, prefix: &str) {
        let escaped = escape(prefix);
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&escaped) && name.ends_with(SUFFIX) {
                self.remove(&entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, file_name};

    #[test]
    fn names_keep_key_prefixes_and_refuse_long_keys() {
        assert_eq!(escape("tree:12:ab/c d"), "tree%3A12%3Aab%2Fc%20d");
        assert!(escape("tree:12:abc").starts_with(&escape("tree:12:")));
        assert_eq!(escape("../x"), "..%2Fx");
        assert_eq!(file_name("a").as_deref(), Some("a.gz"));
        assert_eq!(file_name(&"k".repeat(300)), None);
    }
}
