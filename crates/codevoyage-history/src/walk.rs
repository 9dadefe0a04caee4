//! The history walk: git's commit order, then parallel diffing in contiguous chunks.
//!
//! Order. `git log` without ordering options keeps a list of commits sorted by committer date,
//! newest first, where a commit is inserted *after* every commit of the same date (FIFO among
//! ties), pops the head, prints it and inserts its unseen parents. gitoxide's own walk uses a
//! binary heap, which orders ties differently, so we reproduce git's list here. With excluded
//! commits (`a..b`, incremental `exclude`), git first runs the whole limited walk, marking
//! everything reachable from an excluded commit uninteresting, and prints the rest in the order
//! popped; we do the same, holding only the ids of the range.
//!
//! Parallelism. A walker thread cuts the ordered ids into chunks; worker threads (one object
//! cache and one [`Differ`] each, kept for the whole walk) turn chunks into commits; the calling
//! thread re-orders finished chunks and hands commits out in order. A bounded number of chunks
//! is in flight, so memory stays flat whatever the length of the history. Cancellation is
//! checked between chunks.

use crate::diff::Differ;
use crate::identity;
use crate::{HistoryError, Repository, WalkOptions, WalkSummary};
use codevoyage_model::{Commit, Progress};
use gix::ObjectId;
use gix::objs::FindExt;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

/// Commits per chunk handed to a worker: large enough that consecutive commits share cached
/// blobs and trees, small enough to keep every core busy and cancellation prompt.
const CHUNK: usize = 96;

/// Commits a worker diffs over one object database before it opens a fresh one, so the pack
/// pages it touched are unmapped (see [`Repository::fresh_worker_local`]), when the packs are
/// bigger than [`REOPEN_ABOVE_BYTES`]. Reopening costs a cold delta-base cache (measured on a
/// 60,000-commit repository: reopening every 4,000 commits made the walk 20 % slower, so small
/// repositories never reopen). 1,000,000 commits over a 3.1 GB pack: peak RSS 1.4 GB with
/// reopening, 3.7 GB without. `CODEVOYAGE_REOPEN_COMMITS` overrides it (0 never reopens).
pub(crate) const REOPEN_COMMITS: usize = 4_000;

/// Packs (data and index files) up to this size together stay mapped for the whole walk: all
/// of them resident is still a bounded, modest resident set.
const REOPEN_ABOVE_BYTES: u64 = 1 << 30;

/// The size of the repository's pack files and their indexes, in bytes.
fn pack_bytes(repo: &gix::Repository) -> u64 {
    let Ok(dir) = std::fs::read_dir(repo.common_dir().join("objects").join("pack")) else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".pack") || name.ends_with(".idx")
        })
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

type ChunkResult = Result<Vec<Commit>, HistoryError>;

pub(crate) fn run(
    repo: &Repository,
    opts: &WalkOptions,
    progress: &dyn Progress,
    interrupt: &AtomicBool,
    on_commit: &mut dyn FnMut(Commit) -> ControlFlow<()>,
) -> Result<WalkSummary, HistoryError> {
    let local = repo.local();
    let shallow: HashSet<ObjectId> = match local.shallow_commits() {
        Ok(Some(list)) => list.iter().copied().collect(),
        _ => HashSet::new(),
    };
    let mut summary = WalkSummary {
        shallow: !shallow.is_empty(),
        ..Default::default()
    };
    let (tips, mut hidden) = tips_and_hidden(&local, opts.range.as_deref())?;
    if tips.is_empty() {
        return Ok(summary);
    }
    for known in &opts.exclude {
        // A known commit that no longer resolves (history rewritten and collected) excludes
        // nothing: the walk falls back to the full history, which is the safe answer.
        if let Ok(id) = crate::resolve_commit(&local, known) {
            hidden.push(id);
        }
    }
    let mailmap = opts.mailmap.then(|| local.open_mailmap());
    // `.gitattributes` lookups only when attribute files exist (see `diff::attributes`).
    let attributes = opts.line_counts && attributes_present(&local);
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let in_flight = threads * 3;
    let stop = AtomicBool::new(false);
    let count_abort = AtomicBool::new(false);
    let has_graph = local.commit_graph_if_enabled().ok().flatten().is_some();
    let reopen_every = std::env::var("CODEVOYAGE_REOPEN_COMMITS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or_else(|| {
            if pack_bytes(&local) > REOPEN_ABOVE_BYTES {
                REOPEN_COMMITS
            } else {
                0
            }
        });

    let shared_cache = (reopen_every == 0
        && std::env::var("CODEVOYAGE_SHARED_PACK_CACHE").map_or(true, |v| v != "0"))
    .then(|| crate::SharedPackCache::new(crate::cache_sizes().1.max(1) * threads));
    let shared_cache = shared_cache.as_ref();
    // Packed trees and blobs found by one hash probe instead of the pack index's binary search
    // (`packmap`); only with the shared delta-base cache (not for repositories big enough to
    // reopen their object database, whose table would be large). `CODEVOYAGE_PACK_MAP=0`
    // turns it off, for comparisons.
    let pack_map = shared_cache
        .filter(|_| std::env::var("CODEVOYAGE_PACK_MAP").map_or(true, |v| v != "0"))
        .and_then(|_| {
            crate::packmap::PackMap::open(&local.common_dir().join("objects"), local.object_hash())
        })
        .map(std::sync::Arc::new);

    std::thread::scope(|scope| -> Result<WalkSummary, HistoryError> {
        let (job_tx, job_rx) = crossbeam_channel::bounded::<(u64, Vec<ObjectId>)>(threads * 2);
        let (res_tx, res_rx) = crossbeam_channel::unbounded::<(u64, ChunkResult)>();
        let (token_tx, token_rx) = crossbeam_channel::bounded::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = token_tx.send(());
        }

        // The walker: produces chunks of ids in git's order.
        {
            let res_tx = res_tx.clone();
            let stop = &stop;
            let shallow = &shallow;
            let (tips, hidden) = (tips.clone(), hidden.clone());
            scope.spawn(move || {
                let local = repo.local();
                let mut seq = 0u64;
                let mut chunk = Vec::with_capacity(CHUNK);
                let send = |chunk: Vec<ObjectId>, seq: &mut u64| -> bool {
                    if token_rx.recv().is_err() || stop.load(Ordering::Relaxed) {
                        return false;
                    }
                    if interrupt.load(Ordering::Relaxed) {
                        let _ = res_tx.send((*seq, Err(HistoryError::Interrupted)));
                        return false;
                    }
                    let ok = job_tx.send((*seq, chunk)).is_ok();
                    *seq += 1;
                    ok
                };
                let mut on_total = |n: u64| progress.set_total(n);
                let result = order(&local, &tips, &hidden, shallow, &mut on_total, &mut |id| {
                    chunk.push(id);
                    if chunk.len() == CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        if !send(full, &mut seq) {
                            return ControlFlow::Break(());
                        }
                    }
                    ControlFlow::Continue(())
                });
                match result {
                    Ok(ControlFlow::Continue(())) if !chunk.is_empty() => {
                        send(chunk, &mut seq);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let _ = res_tx.send((seq, Err(e)));
                    }
                }
            });
        }

        // The total, up front: an unlimited walk streams in order, so the reachable commits are
        // counted apart: from the commit-graph, before the first commit (a fraction of a second
        // for a million commits); without one, on a second thread reading commit objects, which
        // reports the total when done. A limited walk knows its total before emitting.
        if hidden.is_empty() && has_graph {
            if let Ok(Some(n)) = count_reachable(&local, &tips, &shallow, &stop, interrupt) {
                progress.set_total(n);
            }
        } else if hidden.is_empty() {
            // Stopped only when the walk fails or is cut short: after a complete walk the count
            // finishes too (it does less work than the walk), so the total is always reported.
            let (stop, shallow, tips) = (&count_abort, &shallow, tips.clone());
            scope.spawn(move || {
                let local = repo.local();
                if let Ok(Some(n)) = count_reachable(&local, &tips, shallow, stop, interrupt) {
                    progress.set_total(n);
                }
            });
        }

        // The workers: one repository handle (object cache) and one Differ each, for the walk.
        for _ in 0..threads {
            let job_rx = job_rx.clone();
            let res_tx = res_tx.clone();
            let (stop, shallow, mailmap) = (&stop, &shallow, mailmap.as_ref());
            let pack_map = pack_map.clone();
            scope.spawn(move || {
                // A worker that reopens starts on its own database too: the shared one lives
                // as long as the walk, and what a worker touched through it would stay mapped.
                // With the pack table, the shared delta-base cache serves the table's reads
                // alone: the object database numbers its packs its own way, and both keying one
                // cache by pack number could mix them up. The database keeps a cache of its own
                // for what it still reads (rename candidates, loose objects).
                let mut local = if reopen_every > 0 {
                    repo.fresh_worker_local()
                } else if pack_map.is_some() {
                    repo.worker_local(None)
                } else {
                    repo.worker_local(shared_cache)
                };
                let mut since_reopen = 0usize;
                let mut worker = Worker {
                    graph: local.commit_graph_if_enabled().ok().flatten(),
                    differ: Differ::new(opts.line_counts, opts.renames).with_attributes(
                        attributes
                            .then(|| crate::diff::attributes::Attributes::new(&local))
                            .flatten(),
                    ),
                    // Off by default: measured on flask, express and a 60,000-commit repository,
                    // only 13-25 % of lookups hit and the copies made for the misses cost what
                    // the hits saved (see the README). `CODEVOYAGE_COMMIT_CACHE=1` turns it on.
                    cache: {
                        let cache = crate::diff::cache::CommitCache::new(
                            std::env::var("CODEVOYAGE_COMMIT_CACHE").is_ok_and(|v| v == "1"),
                        );
                        match (pack_map, shared_cache) {
                            (Some(map), Some(shared)) => cache.with_pack_map(map, shared.clone()),
                            _ => cache,
                        }
                    },
                    commit_buf: Vec::new(),
                    parent_buf: Vec::new(),
                };
                for (seq, ids) in job_rx.iter() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    // Chunks handed to one worker are not contiguous with each other.
                    worker.cache.clear();
                    since_reopen += ids.len();
                    if reopen_every > 0 && since_reopen > reopen_every {
                        local = repo.fresh_worker_local();
                        since_reopen = ids.len();
                    }
                    let result: ChunkResult = ids
                        .iter()
                        .map(|id| worker.commit(&local, *id, opts, shallow, mailmap))
                        .collect();
                    if res_tx.send((seq, result)).is_err() {
                        break;
                    }
                }
                if std::env::var_os("CODEVOYAGE_CACHE_STATS").is_some() {
                    let (hits, misses) = worker.cache.stats();
                    eprintln!("commit cache: {hits} hits, {misses} misses");
                }
            });
        }
        drop(job_rx);
        drop(res_tx);

        // The caller's thread: re-order and hand out.
        let mut pending: BTreeMap<u64, ChunkResult> = BTreeMap::new();
        let mut next = 0u64;
        let mut outcome = Ok(());
        'receive: for (seq, result) in res_rx.iter() {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                let commits = match result {
                    Ok(c) => c,
                    Err(e) => {
                        outcome = Err(e);
                        break 'receive;
                    }
                };
                let n = commits.len() as u64;
                for commit in commits {
                    summary.commits += 1;
                    summary.changes += commit.changes.len() as u64;
                    if on_commit(commit).is_break() {
                        summary.stopped_early = true;
                        break 'receive;
                    }
                }
                progress.inc(n);
                if interrupt.load(Ordering::Relaxed) {
                    outcome = Err(HistoryError::Interrupted);
                    break 'receive;
                }
                let _ = token_tx.send(());
            }
        }
        stop.store(true, Ordering::Relaxed);
        if outcome.is_err() || summary.stopped_early {
            count_abort.store(true, Ordering::Relaxed);
        }
        // Dropping our ends lets the walker and the workers see closed channels and finish.
        drop(token_tx);
        drop(res_rx);
        outcome.map(|()| summary)
    })
}

/// The number of commits reachable from `tips` (shallow boundaries cut), or `None` when the
/// walk stopped first.
pub(crate) fn count_reachable(
    repo: &gix::Repository,
    tips: &[ObjectId],
    shallow: &HashSet<ObjectId>,
    stop: &AtomicBool,
    interrupt: &AtomicBool,
) -> Result<Option<u64>, HistoryError> {
    let mut graph = Graph {
        repo,
        graph: repo.commit_graph_if_enabled().ok().flatten(),
        buf: Vec::new(),
        shallow,
    };
    let mut seen: HashSet<ObjectId> = tips.iter().copied().collect();
    let mut stack: Vec<ObjectId> = seen.iter().copied().collect();
    let mut parents = Vec::new();
    let mut visited = 0u64;
    while let Some(id) = stack.pop() {
        visited += 1;
        if visited.is_multiple_of(4096)
            && (stop.load(Ordering::Relaxed) || interrupt.load(Ordering::Relaxed))
        {
            return Ok(None);
        }
        graph.lookup(id, &mut parents)?;
        for p in parents.drain(..) {
            if seen.insert(p) {
                stack.push(p);
            }
        }
    }
    Ok(Some(seen.len() as u64))
}

/// Whether `.gitattributes` may apply: `info/attributes`, or a work tree whose `HEAD` tree has a
/// `.gitattributes` file somewhere.
fn attributes_present(repo: &gix::Repository) -> bool {
    let head_has = || {
        let Ok(Some(head)) = crate::head_commit(repo) else {
            return false;
        };
        let mut buf = Vec::new();
        match repo.objects.find_commit(&head, &mut buf) {
            Ok(commit) => crate::diff::attributes::tree_has_gitattributes(repo, commit.tree()),
            Err(_) => false,
        }
    };
    crate::diff::attributes::present(repo, repo.workdir().is_some() && head_has())
}

struct Worker {
    /// Parent trees come from the commit-graph when it has them: no parent commit to inflate.
    graph: Option<gix::commitgraph::Graph>,
    differ: Differ,
    /// The previous commit's decoded objects, for this commit's new side.
    cache: crate::diff::cache::CommitCache,
    commit_buf: Vec<u8>,
    parent_buf: Vec<u8>,
}

impl Worker {
    fn commit(
        &mut self,
        repo: &gix::Repository,
        id: ObjectId,
        opts: &WalkOptions,
        shallow: &HashSet<ObjectId>,
        mailmap: Option<&gix::mailmap::Snapshot>,
    ) -> Result<Commit, HistoryError> {
        let commit = self
            .cache
            .over(&repo.objects)
            .find_commit(&id, &mut self.commit_buf)
            .map_err(|e| HistoryError::missing(id, e))?;
        let tree = commit.tree();
        // git shows the commits at a shallow boundary without parents.
        let parents: Vec<ObjectId> = if shallow.contains(&id) {
            Vec::new()
        } else {
            commit.parents().collect()
        };
        let malformed = |what: &str, e: &dyn std::fmt::Display| HistoryError::MissingObject {
            id: id.to_string(),
            message: format!("malformed {what}: {e}"),
        };
        let author = identity::signature(
            commit.author().map_err(|e| malformed("author", &e))?,
            mailmap,
        );
        let committer = identity::signature(
            commit.committer().map_err(|e| malformed("committer", &e))?,
            mailmap,
        );
        let summary = identity::summary(commit.message);
        let co_authors = identity::co_authors(commit.message, mailmap);
        drop(commit);

        let changes = match parents.as_slice() {
            [] => {
                self.cache.next_commit();
                let objects = self.cache.over(&repo.objects);
                self.differ.changes(repo, &objects, None, tree)?
            }
            [first] => {
                let old = self.parent_tree(repo, *first)?;
                self.cache.next_commit();
                let objects = self.cache.over(&repo.objects);
                self.differ.changes(repo, &objects, Some(old), tree)?
            }
            [first, ..] if opts.diff_merges => {
                let old = self.parent_tree(repo, *first)?;
                self.cache.next_commit();
                let objects = self.cache.over(&repo.objects);
                self.differ.changes(repo, &objects, Some(old), tree)?
            }
            _ => Vec::new(),
        };
        Ok(Commit {
            id: id.to_string(),
            parents: parents.iter().map(ToString::to_string).collect(),
            author,
            committer,
            summary,
            co_authors,
            changes,
        })
    }

    fn parent_tree(
        &mut self,
        repo: &gix::Repository,
        parent: ObjectId,
    ) -> Result<ObjectId, HistoryError> {
        if let Some(commit) = self.graph.as_ref().and_then(|g| g.commit_by_id(parent)) {
            return Ok(commit.root_tree_id().to_owned());
        }
        Ok(self
            .cache
            .over(&repo.objects)
            .find_commit(&parent, &mut self.parent_buf)
            .map_err(|e| HistoryError::missing(parent, e))?
            .tree())
    }
}

/// Splits a revision argument into commits to start from and commits to exclude, the way
/// `git log` reads its arguments: whitespace-separated, `^x` excludes, `a..b`, `a...b`.
fn tips_and_hidden(
    repo: &gix::Repository,
    range: Option<&str>,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), HistoryError> {
    let Some(range) = range.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok((crate::head_commit(repo)?.into_iter().collect(), Vec::new()));
    };
    let mut tips = Vec::new();
    let mut hidden = Vec::new();
    for token in range.split_whitespace() {
        if let Some(rest) = token.strip_prefix('^')
            && !rest.contains("..")
        {
            hidden.push(crate::resolve_commit(repo, rest)?);
            continue;
        }
        if let Some((a, b)) = token.split_once("...") {
            let a = crate::resolve_commit(repo, if a.is_empty() { "HEAD" } else { a })?;
            let b = crate::resolve_commit(repo, if b.is_empty() { "HEAD" } else { b })?;
            tips.extend([a, b]);
            if let Ok(Some(base)) = repo.merge_base(a, b) {
                hidden.push(base.detach());
            }
            continue;
        }
        if let Some((a, b)) = token.split_once("..") {
            hidden.push(crate::resolve_commit(
                repo,
                if a.is_empty() { "HEAD" } else { a },
            )?);
            tips.push(crate::resolve_commit(
                repo,
                if b.is_empty() { "HEAD" } else { b },
            )?);
            continue;
        }
        tips.push(crate::resolve_commit(repo, token)?);
    }
    Ok((tips, hidden))
}

/// Where the walk reads a commit's date and parents: the commit-graph file when present (no
/// object decoding at all), else the commit objects.
struct Graph<'r> {
    repo: &'r gix::Repository,
    graph: Option<gix::commitgraph::Graph>,
    buf: Vec<u8>,
    shallow: &'r HashSet<ObjectId>,
}

impl Graph<'_> {
    fn lookup(&mut self, id: ObjectId, parents: &mut Vec<ObjectId>) -> Result<i64, HistoryError> {
        parents.clear();
        let is_shallow = self.shallow.contains(&id);
        if let Some(graph) = &self.graph
            && let Some(commit) = graph.commit_by_id(id)
        {
            if !is_shallow {
                for parent in commit.iter_parents() {
                    let pos = parent.map_err(|e| HistoryError::Walk {
                        message: format!("commit-graph: {e}"),
                    })?;
                    parents.push(graph.id_at(pos).to_owned());
                }
            }
            return Ok(i64::try_from(commit.committer_timestamp()).unwrap_or(i64::MAX));
        }
        let iter = self
            .repo
            .objects
            .find_commit_iter(&id, &mut self.buf)
            .map_err(|e| HistoryError::missing(id, e))?;
        if !is_shallow {
            parents.extend(iter.parent_ids());
        }
        let date = iter.committer().map(|s| s.seconds()).unwrap_or(0);
        Ok(date)
    }
}

/// git's date-ordered list: insert after all entries of the same or a newer date. Each entry
/// keeps the parents read when it was inserted, so every commit is looked up once.
#[derive(Default)]
struct DateList {
    items: VecDeque<(i64, ObjectId, Vec<ObjectId>)>,
}

impl DateList {
    fn insert(&mut self, date: i64, id: ObjectId, parents: Vec<ObjectId>) {
        let at = self.items.partition_point(|(d, _, _)| *d >= date);
        self.items.insert(at, (date, id, parents));
    }
    fn pop(&mut self) -> Option<(ObjectId, Vec<ObjectId>)> {
        self.items.pop_front().map(|(_, id, parents)| (id, parents))
    }
}

const SEEN: u8 = 1;
const UNINTERESTING: u8 = 2;

/// Queues `id` unless already seen; `flag` is added to its flags either way.
fn add(
    id: ObjectId,
    flag: u8,
    list: &mut DateList,
    graph: &mut Graph<'_>,
    flags: &mut HashMap<ObjectId, u8>,
) -> Result<(), HistoryError> {
    let entry = flags.entry(id).or_insert(0);
    if *entry & SEEN != 0 {
        *entry |= flag;
        return Ok(());
    }
    *entry |= SEEN | flag;
    let mut parents = Vec::new();
    let date = graph.lookup(id, &mut parents)?;
    list.insert(date, id, parents);
    Ok(())
}

/// Calls `emit` with every commit reachable from `tips` but not from `hidden`, in `git log`
/// order.
/// `on_total` is called with the number of commits before the first is emitted when a limited
/// walk knows it (an unlimited walk streams and never calls it).
pub(crate) fn order(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    shallow: &HashSet<ObjectId>,
    on_total: &mut dyn FnMut(u64),
    emit: &mut dyn FnMut(ObjectId) -> ControlFlow<()>,
) -> Result<ControlFlow<()>, HistoryError> {
    let graph = repo.commit_graph_if_enabled().ok().flatten();
    let mut graph = Graph {
        repo,
        graph,
        buf: Vec::new(),
        shallow,
    };
    let mut flags: HashMap<ObjectId, u8> = HashMap::new();
    let mut list = DateList::default();
    for id in hidden {
        add(*id, UNINTERESTING, &mut list, &mut graph, &mut flags)?;
    }
    for id in tips {
        add(*id, 0, &mut list, &mut graph, &mut flags)?;
    }

    if hidden.is_empty() {
        // Unlimited walk: stream commits as they are popped.
        while let Some((id, parents)) = list.pop() {
            for p in parents {
                add(p, 0, &mut list, &mut graph, &mut flags)?;
            }
            if emit(id).is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        return Ok(ControlFlow::Continue(()));
    }

    // Limited walk (git's limit_list): run until only uninteresting commits remain queued,
    // propagating the mark to parents, then print what stayed interesting in popped order.
    let mut popped: Vec<ObjectId> = Vec::new();
    while let Some((id, parents)) = list.pop() {
        let flag = flags.get(&id).copied().unwrap_or(0) & UNINTERESTING;
        for p in parents {
            if flag != 0 {
                mark_uninteresting(p, &mut flags, &mut graph)?;
            }
            add(p, flag, &mut list, &mut graph, &mut flags)?;
        }
        if flag == 0 {
            popped.push(id);
        }
        if list
            .items
            .iter()
            .all(|(_, id, _)| flags.get(id).is_some_and(|f| f & UNINTERESTING != 0))
        {
            break;
        }
    }
    popped.retain(|id| flags.get(id).is_none_or(|f| f & UNINTERESTING == 0));
    on_total(popped.len() as u64);
    for id in popped {
        if emit(id).is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// Marks `id` and its already-seen ancestors uninteresting (git's mark_parents_uninteresting),
/// so that a commit reached first through an interesting path is still excluded.
fn mark_uninteresting(
    id: ObjectId,
    flags: &mut HashMap<ObjectId, u8>,
    graph: &mut Graph<'_>,
) -> Result<(), HistoryError> {
    let mut stack = vec![id];
    let mut parents = Vec::new();
    while let Some(id) = stack.pop() {
        let Some(f) = flags.get_mut(&id) else {
            continue;
        };
        if *f & UNINTERESTING != 0 {
            continue;
        }
        *f |= UNINTERESTING;
        if *f & SEEN != 0 {
            graph.lookup(id, &mut parents)?;
            stack.append(&mut parents);
        }
    }
    Ok(())
}
