//! Rename detection as `git log -M` does it: a port of the decisions in git's
//! `diffcore-rename.c` (exact renames, then unique-basename pairs, then the similarity matrix)
//! and of its similarity estimate in `diffcore-delta.c`.
//!
//! Why not gitoxide's rewrite tracker: it scores similarity with a line diff and skips binary
//! files, while git counts "copied" bytes over hashed chunks of at most 64 bytes (a moved block
//! still counts), compares binary files too, prefers pairs with the same basename, and picks
//! among candidates with a sorted matrix of the best four sources per destination. Reproducing
//! git's arithmetic is what makes `--renames` output agree with `git log -M`.
//!
//! Cost: nothing runs unless a commit both deletes and adds files. Exact renames need only
//! object ids; similarity needs object sizes (pack headers, no inflating) and, for pairs whose
//! sizes are close enough, each blob's chunk hashes, computed once per blob per commit.

use crate::HistoryError;
use gix::ObjectId;
use gix::objs::FindExt;
use gix::objs::FindHeader;
use gix::objs::tree::EntryMode;
use std::collections::HashMap;

/// git's `MAX_SCORE`: similarity scores are fractions of this.
const MAX_SCORE: u64 = 60_000;
/// `-M` without a number: 50 %.
const MIN_SCORE: u64 = MAX_SCORE / 2;
/// git's default `diff.renameLimit`: no similarity matrix beyond limit² pairs.
const RENAME_LIMIT: u64 = 1000;
/// git's `NUM_CANDIDATE_PER_DST`.
const CANDIDATES_PER_DST: usize = 4;
/// git's `HASHBASE` for chunk hashes.
const HASHBASE: u32 = 107_927;

/// One side of an added or deleted path offered to rename detection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Side<'a> {
    pub path: &'a [u8],
    pub mode: EntryMode,
    pub id: ObjectId,
    /// The `diff` attribute: binary content keeps CR before LF in its chunks.
    pub attr: crate::diff::attributes::DiffAttr,
}

/// A detected rename: `sources[src]` became `dests[dst]` with git's similarity `score`
/// (`MAX_SCORE` for identical content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pair {
    pub src: usize,
    pub dst: usize,
    pub score: u64,
}

/// What a similarity check needs to know about a blob, computed at most once per commit.
#[derive(Default)]
struct Facts {
    size: Option<u64>,
    chunks: Option<Vec<(u32, u32)>>,
}

struct Scorer<'r> {
    repo: &'r gix::Repository,
    buf: &'r mut Vec<u8>,
    src: Vec<Facts>,
    dst: Vec<Facts>,
}

impl Scorer<'_> {
    fn size(repo: &gix::Repository, facts: &mut Facts, id: ObjectId) -> Result<u64, HistoryError> {
        if let Some(s) = facts.size {
            return Ok(s);
        }
        let size = repo
            .objects
            .try_header(&id)
            .map_err(|e| HistoryError::missing(id, e))?
            .ok_or_else(|| HistoryError::missing(id, "object not found"))?
            .size;
        facts.size = Some(size);
        Ok(size)
    }

    fn chunks<'f>(
        repo: &gix::Repository,
        buf: &mut Vec<u8>,
        facts: &'f mut Facts,
        side: &Side<'_>,
    ) -> Result<&'f [(u32, u32)], HistoryError> {
        if facts.chunks.is_none() {
            let blob = repo
                .objects
                .find_blob(&side.id, buf)
                .map_err(|e| HistoryError::missing(side.id, e))?;
            let is_text = match side.attr {
                crate::diff::attributes::DiffAttr::Text => true,
                crate::diff::attributes::DiffAttr::Binary => false,
                crate::diff::attributes::DiffAttr::Auto => !crate::diff::is_binary(blob.data),
            };
            facts.chunks = Some(hash_chunks(blob.data, is_text));
        }
        Ok(facts.chunks.as_deref().unwrap_or_default())
    }

    /// git's `estimate_similarity`: the share of the larger file made of chunks copied from the
    /// source, 0 when the sizes alone rule out reaching `min_score`.
    fn similarity(
        &mut self,
        sources: &[Side<'_>],
        dests: &[Side<'_>],
        s: usize,
        d: usize,
        min_score: u64,
    ) -> Result<u64, HistoryError> {
        let (src, dst) = (&sources[s], &dests[d]);
        if !is_regular(src.mode) || !is_regular(dst.mode) {
            return Ok(0);
        }
        let src_size = Self::size(self.repo, &mut self.src[s], src.id)?;
        let dst_size = Self::size(self.repo, &mut self.dst[d], dst.id)?;
        let max_size = src_size.max(dst_size);
        let delta = max_size - src_size.min(dst_size);
        if max_size * (MAX_SCORE - min_score) < delta * MAX_SCORE {
            return Ok(0);
        }
        if dst_size == 0 {
            return Ok(0);
        }
        let Scorer {
            repo,
            buf,
            src: src_facts,
            dst: dst_facts,
        } = self;
        let a = Self::chunks(repo, buf, &mut src_facts[s], src)?;
        let b = Self::chunks(repo, buf, &mut dst_facts[d], dst)?;
        let copied = copied_bytes(a, b);
        Ok(copied * MAX_SCORE / max_size)
    }
}

/// Regular files (`S_ISREG`): blobs, executable or not; not symlinks, not submodules.
fn is_regular(mode: EntryMode) -> bool {
    mode.is_blob()
}

/// git's `basename_same`: the paths end in the same file name (after the last `/`).
fn basename_same(a: &[u8], b: &[u8]) -> bool {
    basename(a) == basename(b)
}

fn basename(p: &[u8]) -> &[u8] {
    p.rsplit(|b| *b == b'/').next().unwrap_or(p)
}

/// One slot of git's candidate matrix (`struct diff_score`).
#[derive(Debug, Clone, Copy)]
struct Score {
    dst: Option<usize>,
    src: usize,
    score: u64,
    name_score: bool,
}

/// git's `score_compare`: unused slots last, then higher score, then same basename first.
fn score_cmp(a: &Score, b: &Score) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.dst, b.dst) {
        (None, None) => Equal,
        (None, Some(_)) => Greater,
        (Some(_), None) => Less,
        _ if a.score == b.score => b.name_score.cmp(&a.name_score),
        _ => b.score.cmp(&a.score),
    }
}

/// git's `record_if_better`: replace the worst of the four slots when `o` is strictly better.
fn record_if_better(m: &mut [Score], o: Score) {
    let mut worst = 0;
    for i in 1..m.len() {
        if score_cmp(&m[i], &m[worst]) == std::cmp::Ordering::Greater {
            worst = i;
        }
    }
    if score_cmp(&m[worst], &o) != std::cmp::Ordering::Greater {
        return;
    }
    m[worst] = o;
}

/// Finds which deleted `sources` became which added `dests`, as `git log -M` does. Both lists
/// are in git's queue order (path order).
pub(crate) fn detect(
    repo: &gix::Repository,
    sources: &[Side<'_>],
    dests: &[Side<'_>],
    buf: &mut Vec<u8>,
) -> Result<Vec<Pair>, HistoryError> {
    let mut pairs = Vec::new();
    if sources.is_empty() || dests.is_empty() {
        return Ok(pairs);
    }
    let mut src_used = vec![false; sources.len()];
    let mut dst_done = vec![false; dests.len()];

    // 1. Exact renames (find_identical_files): same object id; among unused sources prefer one
    //    with the same basename, else the first; non-regular files need equal modes.
    let mut by_id: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        by_id.entry(s.id).or_default().push(i);
    }
    for (d, dst) in dests.iter().enumerate() {
        let Some(candidates) = by_id.get(&dst.id) else {
            continue;
        };
        let mut best: Option<(usize, u8)> = None;
        for &s in candidates.iter().take(100) {
            let src = &sources[s];
            if (!is_regular(src.mode) || !is_regular(dst.mode)) && src.mode != dst.mode {
                continue;
            }
            if src_used[s] {
                continue;
            }
            let score = 1 + u8::from(basename_same(src.path, dst.path));
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((s, score));
                if score == 2 {
                    break;
                }
            }
        }
        if let Some((s, _)) = best {
            src_used[s] = true;
            dst_done[d] = true;
            pairs.push(Pair {
                src: s,
                dst: d,
                score: MAX_SCORE,
            });
        }
    }

    let mut scorer = Scorer {
        repo,
        buf,
        src: (0..sources.len()).map(|_| Facts::default()).collect(),
        dst: (0..dests.len()).map(|_| Facts::default()).collect(),
    };

    // 2. Basename matches (find_basename_matches): a source and a destination whose file name
    //    is unique among the remaining sources and destinations are paired when at least 75 %
    //    similar (halfway between the minimum and identical).
    let min_basename_score = MIN_SCORE + (MAX_SCORE - MIN_SCORE) / 2;
    fn unique<'a>(
        names: impl Iterator<Item = (usize, &'a [u8])>,
    ) -> HashMap<&'a [u8], Option<usize>> {
        let mut map: HashMap<&[u8], Option<usize>> = HashMap::new();
        for (i, name) in names {
            map.entry(basename(name))
                .and_modify(|v| *v = None)
                .or_insert(Some(i));
        }
        map
    }
    let src_names = unique(
        sources
            .iter()
            .enumerate()
            .filter(|(i, _)| !src_used[*i])
            .map(|(i, s)| (i, s.path)),
    );
    let dst_names = unique(
        dests
            .iter()
            .enumerate()
            .filter(|(i, _)| !dst_done[*i])
            .map(|(i, d)| (i, d.path)),
    );
    for s in 0..sources.len() {
        if src_used[s] {
            continue;
        }
        let base = basename(sources[s].path);
        let (Some(Some(si)), Some(Some(d))) = (src_names.get(base), dst_names.get(base)) else {
            continue;
        };
        let (si, d) = (*si, *d);
        if si != s || dst_done[d] {
            continue;
        }
        let score = scorer.similarity(sources, dests, s, d, min_basename_score)?;
        if score < min_basename_score {
            continue;
        }
        src_used[s] = true;
        dst_done[d] = true;
        pairs.push(Pair {
            src: s,
            dst: d,
            score,
        });
    }

    // 3. The similarity matrix, unless it would exceed the rename limit.
    let live_src: Vec<usize> = (0..sources.len()).filter(|i| !src_used[*i]).collect();
    let live_dst: Vec<usize> = (0..dests.len()).filter(|i| !dst_done[*i]).collect();
    let (n_src, n_dst) = (live_src.len() as u64, live_dst.len() as u64);
    if n_src == 0 || n_dst == 0 || n_src * n_dst > RENAME_LIMIT * RENAME_LIMIT {
        return Ok(pairs);
    }
    let empty = Score {
        dst: None,
        src: 0,
        score: 0,
        name_score: false,
    };
    let mut mx = vec![empty; live_dst.len() * CANDIDATES_PER_DST];
    for (k, &d) in live_dst.iter().enumerate() {
        let slots = &mut mx[k * CANDIDATES_PER_DST..(k + 1) * CANDIDATES_PER_DST];
        for &s in &live_src {
            let score = scorer.similarity(sources, dests, s, d, MIN_SCORE)?;
            record_if_better(
                slots,
                Score {
                    dst: Some(d),
                    src: s,
                    score,
                    name_score: basename_same(sources[s].path, dests[d].path),
                },
            );
        }
    }
    // git sorts with a stable sort (STABLE_QSORT): equal entries keep matrix order.
    mx.sort_by(score_cmp);
    for m in &mx {
        let Some(d) = m.dst else { break };
        if m.score < MIN_SCORE {
            break;
        }
        if dst_done[d] || src_used[m.src] {
            continue;
        }
        dst_done[d] = true;
        src_used[m.src] = true;
        pairs.push(Pair {
            src: m.src,
            dst: d,
            score: m.score,
        });
    }
    Ok(pairs)
}

/// git's `hash_chars`: the content cut after each newline or every 64 bytes, each chunk hashed
/// into `HASHBASE` buckets; returns (hash, bytes) sorted by hash with equal hashes summed. In
/// text, a CR right before LF is skipped.
pub(crate) fn hash_chunks(data: &[u8], is_text: bool) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(data.len() / 24 + 1);
    let (mut accum1, mut accum2, mut n) = (0u32, 0u32, 0u32);
    for (i, &c) in data.iter().enumerate() {
        if is_text && c == b'\r' && data.get(i + 1) == Some(&b'\n') {
            continue;
        }
        let old1 = accum1;
        accum1 = (accum1 << 7) ^ (accum2 >> 25);
        accum2 = (accum2 << 7) ^ (old1 >> 25);
        accum1 = accum1.wrapping_add(u32::from(c));
        n += 1;
        if n < 64 && c != b'\n' {
            continue;
        }
        out.push((accum1.wrapping_add(accum2.wrapping_mul(0x61)) % HASHBASE, n));
        n = 0;
        accum1 = 0;
        accum2 = 0;
    }
    if n > 0 {
        out.push((accum1.wrapping_add(accum2.wrapping_mul(0x61)) % HASHBASE, n));
    }
    out.sort_unstable_by_key(|e| e.0);
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(out.len());
    for (h, c) in out {
        match merged.last_mut() {
            Some(last) if last.0 == h => last.1 = last.1.wrapping_add(c),
            _ => merged.push((h, c)),
        }
    }
    merged
}

/// git's `diffcore_count_changes`, the `src_copied` half: bytes of the source whose chunks
/// also occur in the destination (per hash, the smaller of the two counts).
pub(crate) fn copied_bytes(src: &[(u32, u32)], dst: &[(u32, u32)]) -> u64 {
    let mut copied = 0u64;
    let mut d = 0;
    for &(hash, src_cnt) in src {
        while d < dst.len() && dst[d].0 < hash {
            d += 1;
        }
        if d < dst.len() && dst[d].0 == hash {
            copied += u64::from(src_cnt.min(dst[d].1));
            d += 1;
        }
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cut_at_newlines_and_64_bytes() {
        let c = hash_chunks(b"a\nb\n", true);
        assert_eq!(c.iter().map(|e| e.1).sum::<u32>(), 4);
        assert_eq!(c.len(), 2);
        let long = vec![b'x'; 130];
        let c = hash_chunks(&long, true);
        // Two full 64-byte chunks with equal hashes merged, and a 2-byte tail.
        assert_eq!(c.iter().map(|e| e.1).sum::<u32>(), 130);
        assert!(c.iter().any(|e| e.1 == 128));
        // CRLF counts as LF in text, not in binary content.
        assert_eq!(hash_chunks(b"a\r\n", true), hash_chunks(b"a\n", true));
        assert_ne!(hash_chunks(b"a\r\n", false), hash_chunks(b"a\n", false));
    }

    #[test]
    fn copied_bytes_counts_shared_chunks() {
        let a = hash_chunks(b"one\ntwo\nthree\n", true);
        let b = hash_chunks(b"three\none\nfour\n", true);
        assert_eq!(copied_bytes(&a, &b), 4 + 6);
        assert_eq!(copied_bytes(&a, &a), 14);
    }

    #[test]
    fn basenames() {
        assert!(basename_same(b"a/b/c.txt", b"c.txt"));
        assert!(basename_same(b"x/c.txt", b"y/z/c.txt"));
        assert!(!basename_same(b"x/c.txt", b"x/bc.txt"));
    }

    #[test]
    fn matrix_slots_keep_the_best_four() {
        let empty = Score {
            dst: None,
            src: 0,
            score: 0,
            name_score: false,
        };
        let mut m = [empty; 4];
        for (src, score) in [(0, 10), (1, 50), (2, 20), (3, 40), (4, 30), (5, 5)] {
            record_if_better(
                &mut m,
                Score {
                    dst: Some(0),
                    src,
                    score,
                    name_score: false,
                },
            );
        }
        let mut kept: Vec<usize> = m.iter().map(|s| s.src).collect();
        kept.sort_unstable();
        assert_eq!(kept, vec![1, 2, 3, 4]);
    }
}
