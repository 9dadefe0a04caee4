//! Objects decoded for one commit, handed to the next one in the chunk.
//!
//! A worker diffs contiguous commits newest first, so the old side of one diff (the parent's
//! trees and blobs) is the new side of the very next diff. This cache keeps every object
//! decoded while diffing one commit (up to a byte budget) and, while diffing the next, hands
//! them back by swapping buffers: no second inflate or delta resolution, and no copy on a hit.
//! Two generations only (this commit, the previous one), so memory stays bounded and nothing
//! is kept that the walk will not ask for again.
//!
//! Measured: a blob is reused only when consecutive commits touch the same file, a tree only
//! along shared directories, so 13-25 % of lookups hit (60,000-commit synthetic repository,
//! flask, express), and the copies kept for the misses cost as much as the hits save (CPU
//! within noise either way). Off by default; kept behind `CODEVOYAGE_COMMIT_CACHE=1` for
//! experiments.

use crate::packmap::PackMap;
use gix::ObjectId;
use gix::objs::Find;
use std::cell::RefCell;
use std::collections::HashMap;

/// Objects larger than this are not kept (they are rare and would crowd out the rest).
const MAX_OBJECT: usize = 4 * 1024 * 1024;
/// Bytes kept per commit.
const BUDGET: usize = 48 * 1024 * 1024;

#[derive(Default)]
struct Generations {
    current: HashMap<ObjectId, (gix::objs::Kind, Vec<u8>)>,
    current_bytes: usize,
    previous: HashMap<ObjectId, (gix::objs::Kind, Vec<u8>)>,
    /// Spare buffers from evicted entries, reused for new copies.
    spare: Vec<Vec<u8>>,
    hits: u64,
    misses: u64,
}

/// The per-worker cache; wrap the object database with [`CommitCache::over`] for one commit.
#[derive(Default)]
pub(crate) struct CommitCache {
    inner: RefCell<Generations>,
    enabled: bool,
    /// Packed objects are found through this table first (see `packmap`), with the worker's
    /// inflate state and the walk's delta-base cache; the object database answers the rest.
    packs: Option<PackLookup>,
}

/// A worker's way into a [`PackMap`].
struct PackLookup {
    map: std::sync::Arc<PackMap>,
    inflate: RefCell<gix::zlib::Inflate>,
    cache: RefCell<crate::SharedPackCache>,
}

impl CommitCache {
    /// A cache; a disabled one only forwards to the object database (the default; enabled
    /// with `CODEVOYAGE_COMMIT_CACHE=1` for measurements).
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            inner: RefCell::default(),
            enabled,
            packs: None,
        }
    }

    /// Finds packed objects through `map` first, resolving deltas with `cache`.
    pub(crate) fn with_pack_map(
        mut self,
        map: std::sync::Arc<PackMap>,
        cache: crate::SharedPackCache,
    ) -> Self {
        self.packs = Some(PackLookup {
            map,
            inflate: RefCell::new(gix::zlib::Inflate::default()),
            cache: RefCell::new(cache),
        });
        self
    }

    /// Starts the next commit: what the last commit decoded becomes the previous generation.
    pub(crate) fn next_commit(&mut self) {
        let g = self.inner.get_mut();
        let old = std::mem::take(&mut g.previous);
        g.previous = std::mem::take(&mut g.current);
        g.current_bytes = 0;
        for (_, (_, mut buf)) in old {
            if g.spare.len() < 256 {
                buf.clear();
                g.spare.push(buf);
            }
        }
    }

    /// Forgets everything (a new, non-contiguous chunk starts).
    pub(crate) fn clear(&mut self) {
        let g = self.inner.get_mut();
        g.current.clear();
        g.previous.clear();
        g.current_bytes = 0;
    }

    /// (hits, misses) so far, for tuning.
    #[allow(dead_code)]
    pub(crate) fn stats(&self) -> (u64, u64) {
        let g = self.inner.borrow();
        (g.hits, g.misses)
    }

    /// An object database view that serves from, and fills, this cache.
    pub(crate) fn over<'a>(&'a self, odb: &'a gix::OdbHandle) -> Cached<'a> {
        Cached { odb, cache: self }
    }
}

/// See [`CommitCache::over`].
pub(crate) struct Cached<'a> {
    odb: &'a gix::OdbHandle,
    cache: &'a CommitCache,
}

impl Cached<'_> {
    /// From the pack table if there is one and it holds `id`, else from the object database.
    fn lookup<'b>(
        &self,
        id: &gix::hash::oid,
        buffer: &'b mut Vec<u8>,
    ) -> gix::Result<Option<gix::objs::Data<'b>>> {
        if let Some(p) = &self.cache.packs
            && let (Ok(mut inflate), Ok(mut cache)) =
                (p.inflate.try_borrow_mut(), p.cache.try_borrow_mut())
            && let Some(kind) = p.map.find(id, buffer, &mut inflate, &mut *cache)?
        {
            return Ok(Some(gix::objs::Data {
                kind,
                object_hash: id.kind(),
                data: buffer.as_slice(),
            }));
        }
        self.odb.try_find(id, buffer)
    }
}

impl Find for Cached<'_> {
    fn try_find<'b>(
        &self,
        id: &gix::hash::oid,
        buffer: &'b mut Vec<u8>,
    ) -> gix::Result<Option<gix::objs::Data<'b>>> {
        if !self.cache.enabled {
            return self.lookup(id, buffer);
        }
        {
            let mut guard = self.cache.inner.borrow_mut();
            let g = &mut *guard;
            if let Some((kind, mut data)) = g.previous.remove(id) {
                // The previous commit decoded it; this is its last use: swap, no copy.
                g.hits += 1;
                std::mem::swap(buffer, &mut data);
                data.clear();
                if g.spare.len() < 256 {
                    g.spare.push(data);
                }
                return Ok(Some(gix::objs::Data {
                    kind,
                    object_hash: id.kind(),
                    data: buffer.as_slice(),
                }));
            }
            if let Some((kind, data)) = g.current.get(id) {
                let kind = *kind;
                buffer.clear();
                buffer.extend_from_slice(data);
                g.hits += 1;
                return Ok(Some(gix::objs::Data {
                    kind,
                    object_hash: id.kind(),
                    data: buffer.as_slice(),
                }));
            }
            g.misses += 1;
        }
        let found = self.lookup(id, buffer)?;
        if let Some(obj) = &found {
            let len = obj.data.len();
            let mut g = self.cache.inner.borrow_mut();
            if len <= MAX_OBJECT && g.current_bytes + len <= BUDGET {
                let mut copy = g.spare.pop().unwrap_or_default();
                copy.extend_from_slice(obj.data);
                g.current_bytes += len;
                g.current.insert(id.to_owned(), (obj.kind, copy));
            }
        }
        Ok(found)
    }
}
