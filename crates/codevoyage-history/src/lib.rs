//! The history engine of CodeVoyage: every commit and every file change of a git repository,
//! read with gitoxide, in `git log` order, with line counts equal to `git log --numstat`.
//!
//! [`open`] a repository, then [`Repository::walk`] streams [`Commit`]s newest first; the
//! diffing runs on all cores in contiguous chunks of commits, each worker with its own object
//! cache and diff buffers, and the results are re-ordered before they reach the caller.
//! [`format`] turns commits into `git log --numstat`, code-maat and JSON-lines text.
//! [`Repository::files_at`] lists the blobs of one commit's tree for the metrics engine;
//! [`Repository::tags`] lists the tags, peeled to commits.

mod blobs;
mod diff;
mod error;
pub mod format;
mod identity;
mod packmap;
mod rename;
mod tags;
mod walk;

use codevoyage_model::RepoPath;
pub use codevoyage_model::{ChangeKind, Commit, FileChange, Identity, Signature};
pub use error::HistoryError;
use gix::objs::FindExt;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
pub use tags::Tag;

/// Options of one history walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// `None` walks from `HEAD`; otherwise a git revision (`main`, `v2.0`) or range
    /// (`v1.0..v2.0`, `main~100..main`, `^a b`).
    pub range: Option<String>,
    /// Count added and removed lines (the default); `false` lists changed files only, faster.
    pub line_counts: bool,
    /// Diff merge commits against their first parent; by default merges carry no changes, as in
    /// `git log`.
    pub diff_merges: bool,
    /// Resolve identities through `.mailmap` (the default).
    pub mailmap: bool,
    /// Detect renames as `git log -M` does (the default): a deleted and an added file that are
    /// at least 50 % similar become one `Renamed` change with its `old_path`. Costs nothing for
    /// commits that do not both add and delete files. `false` gives `--no-renames` output.
    pub renames: bool,
    /// Worker threads for diffing; 0 uses every core.
    pub threads: usize,
    /// Commits already known (full hex ids): they and their ancestors are not walked, which makes
    /// re-analysis incremental.
    pub exclude: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            range: None,
            line_counts: true,
            diff_merges: false,
            mailmap: true,
            renames: true,
            threads: 0,
            exclude: Vec::new(),
        }
    }
}

/// What a walk did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkSummary {
    /// Commits handed to the callback.
    pub commits: u64,
    /// The repository is a shallow clone: history stops at its shallow boundary, whose commits
    /// are shown as if they had no parents (as `git log` does).
    pub shallow: bool,
    /// File changes handed to the callback, over all commits.
    pub changes: u64,
    /// The callback asked to stop before the history was exhausted.
    pub stopped_early: bool,
}

/// One file of a commit's tree, as given to [`Repository::files_at`].
#[derive(Debug)]
pub struct TreeFile<'a> {
    pub path: RepoPath,
    /// Full hex id of the blob: equal ids mean equal content, so measurements can be reused.
    pub blob_id: String,
    pub data: &'a [u8],
    pub executable: bool,
}

/// An opened git repository; cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Repository {
    inner: gix::ThreadSafeRepository,
    path: PathBuf,
}

/// The object cache and delta-base cache sizes of a diffing worker, in bytes.
fn cache_sizes() -> (usize, usize) {
    let mb = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
            * 1024
            * 1024
    };
    (
        mb("CODEVOYAGE_OBJECT_CACHE_MB", 0),
        mb("CODEVOYAGE_PACK_CACHE_MB", 64),
    )
}

/// `repo` set up for a diffing worker: object cache and delta-base cache as [`cache_sizes`]
/// says, the delta-base cache being `shared` when given.
fn tuned_for_worker(
    mut repo: gix::Repository,
    shared: Option<&SharedPackCache>,
) -> gix::Repository {
    let (object_cache, pack_cache) = cache_sizes();
    repo.object_cache_size(object_cache);
    if let Some(cache) = shared {
        let cache = cache.clone();
        repo.objects.set_pack_cache(move || Box::new(cache.clone()));
    } else if pack_cache > 0 {
        repo.objects.set_pack_cache(move || {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                pack_cache,
            ))
        });
    }
    repo
}

/// A delta-base cache shared by all diff workers of one walk. Workers diff neighbouring chunks
/// of history, so one often needs the file versions the other just resolved; with a cache each
/// they were resolved twice and both caches held them. Split into shards by pack offset, each
/// behind its own lock, so two workers rarely wait for each other.
#[derive(Clone)]
pub(crate) struct SharedPackCache(
    std::sync::Arc<Vec<std::sync::Mutex<gix::odb::pack::cache::lru::MemoryCappedHashmap>>>,
);

/// Shards of a [`SharedPackCache`].
const PACK_CACHE_SHARDS: usize = 16;

impl SharedPackCache {
    pub(crate) fn new(bytes: usize) -> Self {
        let per_shard = (bytes / PACK_CACHE_SHARDS).max(1);
        Self(std::sync::Arc::new(
            (0..PACK_CACHE_SHARDS)
                .map(|_| {
                    std::sync::Mutex::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                        per_shard,
                    ))
                })
                .collect(),
        ))
    }

    fn shard(
        &self,
        offset: u64,
    ) -> Option<std::sync::MutexGuard<'_, gix::odb::pack::cache::lru::MemoryCappedHashmap>> {
        // Fibonacci hashing: pack offsets are spread, but not uniformly in their low bits.
        let at = (offset.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % self.0.len();
        self.0.get(at)?.lock().ok()
    }
}

impl gix::odb::pack::cache::DecodeEntry for SharedPackCache {
    fn put(
        &mut self,
        pack_id: u32,
        offset: u64,
        data: &[u8],
        kind: gix::objs::Kind,
        compressed_size: usize,
    ) {
        if let Some(mut cache) = self.shard(offset) {
            cache.put(pack_id, offset, data, kind, compressed_size);
        }
    }

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix::objs::Kind, usize)> {
        self.shard(offset)?.get(pack_id, offset, out)
    }
}

/// Opens the repository at `path`: a work tree (with `.git` inside) or a bare repository.
pub fn open(path: &Path) -> Result<Repository, HistoryError> {
    if !path.exists() {
        return Err(HistoryError::PathNotFound {
            path: path.to_path_buf(),
        });
    }
    let opts = gix::open::Options::isolated().strict_config(false);
    match gix::open_opts(path, opts) {
        Ok(repo) => Ok(Repository {
            inner: repo.into_sync(),
            path: path.to_path_buf(),
        }),
        Err(e) => {
            let looks_like_repo = path.join(".git").exists()
                || (path.join("HEAD").is_file() && path.join("objects").is_dir());
            if looks_like_repo {
                Err(HistoryError::Open {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })
            } else {
                Err(HistoryError::NotARepository {
                    path: path.to_path_buf(),
                })
            }
        }
    }
}

impl Repository {
    /// The path the repository was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn local(&self) -> gix::Repository {
        let mut repo = self.inner.to_thread_local();
        repo.object_cache_size_if_unset(16 * 1024 * 1024);
        repo
    }

    /// A handle for a diffing worker: a memory-capped delta-base cache, like git's
    /// `core.deltaBaseCacheLimit`, so delta chains are not re-inflated for every blob, and no
    /// object cache: measured on flask and a 60,000-commit repository, copying objects in and
    /// out of it cost more (5.9 s against 5.1 s CPU) than the re-reads it saved, because a
    /// blob's delta base is already in the pack cache. Both are tunable through
    /// `CODEVOYAGE_PACK_CACHE_MB` and `CODEVOYAGE_OBJECT_CACHE_MB` for experiments.
    ///
    /// With `shared`, the worker's delta-base cache is that one cache for all workers (they
    /// share this repository's object database, so pack ids agree); without, its own.
    pub(crate) fn worker_local(&self, shared: Option<&SharedPackCache>) -> gix::Repository {
        tuned_for_worker(self.inner.to_thread_local(), shared)
    }

    /// Like [`Repository::worker_local`], over a freshly opened object database with its own
    /// delta-base cache (falling back to the shared database if the repository cannot be
    /// opened again). Pack files are memory
    /// mapped and gitoxide keeps a pack mapped as long as its object database lives, so every
    /// page a walk has touched would stay resident: a 1,000,000-commit walk over a 3.3 GB pack
    /// ends with the whole pack in its resident set. Workers switch to a fresh database every
    /// [`walk::REOPEN_COMMITS`] commits, which unmaps what the previous one touched (the pages
    /// stay in the page cache, so nothing is read from disk again).
    pub(crate) fn fresh_worker_local(&self) -> gix::Repository {
        let opts = gix::open::Options::isolated().strict_config(false);
        match gix::open_opts(&self.path, opts) {
            Ok(repo) => tuned_for_worker(repo, None),
            Err(_) => self.worker_local(None),
        }
    }

    /// Abbreviates commit ids as git's `%h` does (at least 7 hex digits, more in big
    /// repositories, and long enough to be unique).
    pub fn abbreviator(&self) -> Abbreviator {
        Abbreviator { repo: self.local() }
    }

    /// Whether paths with bytes ≥ 0x80 are quoted in numstat output (`core.quotePath`, default
    /// true).
    pub fn quote_path(&self) -> bool {
        self.local()
            .config_snapshot()
            .boolean("core.quotePath")
            .unwrap_or(true)
    }

    /// True for a shallow clone (history is cut at the shallow boundary).
    pub fn is_shallow(&self) -> bool {
        self.local().is_shallow().unwrap_or(false)
    }

    /// Resolves `rev` (`None` = `HEAD`) to a full hex commit id; `Ok(None)` when the repository
    /// has no commits yet.
    pub fn resolve(&self, rev: Option<&str>) -> Result<Option<String>, HistoryError> {
        let repo = self.local();
        match rev {
            None => Ok(head_commit(&repo)?.map(|id| id.to_string())),
            Some(rev) => Ok(Some(resolve_commit(&repo, rev)?.to_string())),
        }
    }

    /// True when `ancestor` is `descendant` or one of its ancestors. A false answer for the tip
    /// recorded by an earlier analysis means the history was rewritten (force-push, rebase).
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool, HistoryError> {
        let repo = self.local();
        let a = resolve_commit(&repo, ancestor)?;
        let d = resolve_commit(&repo, descendant)?;
        if a == d {
            return Ok(true);
        }
        match repo.merge_base(a, d) {
            Ok(Some(base)) => Ok(base.detach() == a),
            Ok(None) => Ok(false),
            Err(e) => {
                let msg = e.to_string();
                if msg.contains("No merge base") || msg.contains("no merge base") {
                    Ok(false)
                } else {
                    Err(HistoryError::Walk { message: msg })
                }
            }
        }
    }

    /// Walks the history in `git log` order (newest first by commit date), calling `on_commit`
    /// for each commit. See [`WalkOptions`].
    pub fn walk(
        &self,
        opts: &WalkOptions,
        progress: &dyn codevoyage_model::Progress,
        interrupt: &AtomicBool,
        on_commit: &mut dyn FnMut(Commit) -> ControlFlow<()>,
    ) -> Result<WalkSummary, HistoryError> {
        walk::run(self, opts, progress, interrupt, on_commit)
    }

    /// Calls `on_file` for every blob in the tree of `commit`, in path order. Submodules are
    /// skipped (their content lives in another repository); symlinks are skipped too, since
    /// their "content" is a target path, not code. Returns the number of files visited.
    pub fn files_at(
        &self,
        commit: &str,
        interrupt: &AtomicBool,
        on_file: &mut dyn FnMut(TreeFile<'_>) -> ControlFlow<()>,
    ) -> Result<u64, HistoryError> {
        let repo = self.local();
        let id = resolve_commit(&repo, commit)?;
        let mut buf = Vec::new();
        let tree_id = repo
            .objects
            .find_commit(&id, &mut buf)
            .map_err(|e| HistoryError::missing(id, e))?
            .tree();
        let mut recorder = gix::traverse::tree::Recorder::default();
        gix::traverse::tree::depthfirst(
            tree_id,
            gix::traverse::tree::depthfirst::State::default(),
            &repo.objects,
            &mut recorder,
        )
        .map_err(|e| HistoryError::Walk {
            message: format!("reading the tree of {id}: {e}"),
        })?;
        let mut entries: Vec<_> = recorder
            .records
            .into_iter()
            .filter(|e| e.mode.is_blob())
            .collect();
        entries.sort_by(|a, b| a.filepath.cmp(&b.filepath));
        let mut count = 0u64;
        for (i, entry) in entries.into_iter().enumerate() {
            if i % 256 == 0 && interrupt.load(Ordering::Relaxed) {
                return Err(HistoryError::Interrupted);
            }
            let blob = repo
                .objects
                .find_blob(&entry.oid, &mut buf)
                .map_err(|e| HistoryError::missing(entry.oid, e))?;
            count += 1;
            let file = TreeFile {
                path: RepoPath::new(Vec::<u8>::from(entry.filepath)),
                blob_id: entry.oid.to_string(),
                data: blob.data,
                executable: entry.mode.is_executable(),
            };
            if on_file(file).is_break() {
                break;
            }
        }
        Ok(count)
    }
}

/// Shortens commit ids; see [`Repository::abbreviator`].
#[derive(Debug)]
pub struct Abbreviator {
    repo: gix::Repository,
}

impl Abbreviator {
    /// The shortest unique prefix of `id` of at least git's default length; `id` unchanged when
    /// it is not a valid id.
    pub fn short(&self, id: &str) -> String {
        match gix::ObjectId::from_hex(id.as_bytes()) {
            Ok(oid) => gix::prelude::ObjectIdExt::attach(oid, &self.repo)
                .shorten_or_id()
                .to_string(),
            Err(_) => id.to_owned(),
        }
    }
}

/// The commit `HEAD` points to, or `None` for an unborn `HEAD` (no commits yet).
pub(crate) fn head_commit(repo: &gix::Repository) -> Result<Option<gix::ObjectId>, HistoryError> {
    let head = repo.head().map_err(|e| HistoryError::Walk {
        message: format!("reading HEAD: {e}"),
    })?;
    if head.is_unborn() {
        return Ok(None);
    }
    let id = head.id().map(|id| id.detach());
    match id {
        Some(id) => Ok(Some(peel_to_commit(repo, id, "HEAD")?)),
        None => Ok(None),
    }
}

pub(crate) fn resolve_commit(
    repo: &gix::Repository,
    rev: &str,
) -> Result<gix::ObjectId, HistoryError> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| HistoryError::BadRevision {
            rev: rev.to_owned(),
            message: e.to_string(),
        })?
        .detach();
    peel_to_commit(repo, id, rev)
}

fn peel_to_commit(
    repo: &gix::Repository,
    id: gix::ObjectId,
    rev: &str,
) -> Result<gix::ObjectId, HistoryError> {
    let object = repo
        .find_object(id)
        .map_err(|e| HistoryError::missing(id, e))?;
    let commit = object
        .peel_to_commit()
        .map_err(|e| HistoryError::BadRevision {
            rev: rev.to_owned(),
            message: format!("not a commit: {e}"),
        })?;
    Ok(commit.id)
}
