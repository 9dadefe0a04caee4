/**
 * What a shared link's `rev` (the analysed revision it was made at) means for the city shown now.
 * Pure.
 *
 * - No `rev`, or `rev` is the analysed head: the link shows what it showed, nothing to say.
 * - `rev` is a tagged commit the timeline knows the time of, or a commit the repository's stored
 *   history has (looked up with `/commits?sha=` once the timeline shows it is no tag): the city
 *   is shown through time travel at that commit's day, with a banner saying so.
 * - Otherwise the commit cannot be placed in time: the history was rewritten or a newer analysis
 *   replaced it. The city shows the latest analysis, with a banner saying so.
 */
import type { TimelineTag } from '../api/types';
import { dayOf } from '../layout/tags';

export type RevisionLink =
  /** The link's revision is the one shown (or the link carries none). */
  | { kind: 'current' }
  /** An older revision: whether it can be placed in time is known once the timeline (and, for a
   *  commit no tag marks, the look-up of the commit) loads. */
  | { kind: 'pending'; sha: string }
  /** An older revision placed in time: `day` (`YYYY-MM-DD`, UTC) of its commit. */
  | { kind: 'travel'; sha: string; day: string; tags: string[] }
  /** A revision that cannot be placed in time: the city shows the latest analysis. */
  | { kind: 'unknown'; sha: string };

function isTag(t: unknown): t is TimelineTag {
  if (typeof t !== 'object' || t === null) return false;
  const v = t as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.sha === 'string' && typeof v.time === 'number' && Number.isFinite(v.time) && Math.abs(v.time) < 8.64e12;
}

/**
 * The answer of `/commits?sha=<rev>`: `null` while it is not asked or not answered yet, `false`
 * when the stored history has no such commit (an empty page, or a failed look-up), else the page's
 * commit (`time`: its author time, RFC 3339).
 */
export type CommitLookup = { sha: string; time: string } | false | null;

/** The matching tags of `rev`, once the timeline has loaded (`null` before). */
function tagsOf(rev: string, tags: readonly unknown[] | null | undefined): TimelineTag[] | null {
  if (tags === null) return null;
  return (Array.isArray(tags) ? tags : []).filter(isTag).filter((t) => t.sha.toLowerCase() === rev);
}

/**
 * The sha to look up with `/commits?sha=`: an older `rev` that no tag of the loaded timeline
 * marks; `null` when there is nothing to ask (yet).
 */
export function commitToLookUp(rev: string | null, head: string | null, tags: readonly unknown[] | null | undefined): string | null {
  if (!rev || !head || rev === head.toLowerCase()) return null;
  const matching = tagsOf(rev, tags);
  return matching !== null && matching.length === 0 ? rev : null;
}

/** The first item of a `/commits` page when it is `sha` with a readable time: its day. */
export function lookedUpCommit(sha: string, page: unknown): CommitLookup {
  const items = typeof page === 'object' && page !== null ? (page as { items?: unknown }).items : undefined;
  const first: unknown = Array.isArray(items) ? items[0] : undefined;
  if (typeof first !== 'object' || first === null) return false;
  const c = first as Record<string, unknown>;
  if (typeof c.sha !== 'string' || c.sha.toLowerCase() !== sha || typeof c.time !== 'string') return false;
  return Number.isFinite(Date.parse(c.time)) ? { sha, time: c.time } : false;
}

/**
 * The meaning of `rev` given the analysed `head`, the timeline's tags and the look-up of the
 * commit: `tags` is `null` while the timeline is not loaded yet, and `[]` (or whatever an older
 * server sends) once it has loaded or failed to; `commit` is the look-up's answer (see
 * `CommitLookup`; only consulted when no tag marks `rev`).
 */
export function resolveRevisionLink(
  rev: string | null,
  head: string | null,
  tags: readonly unknown[] | null | undefined,
  commit: CommitLookup = false,
): RevisionLink {
  if (!rev || !head || rev === head.toLowerCase()) return { kind: 'current' };
  const matching = tagsOf(rev, tags);
  if (matching === null) return { kind: 'pending', sha: rev };
  const first = matching[0];
  if (first) return { kind: 'travel', sha: rev, day: dayOf(first.time), tags: matching.map((t) => t.name).sort() };
  if (commit === null) return { kind: 'pending', sha: rev };
  if (commit && commit.sha === rev) {
    const ms = Date.parse(commit.time);
    if (Number.isFinite(ms)) return { kind: 'travel', sha: rev, day: dayOf(ms / 1000), tags: [] };
  }
  return { kind: 'unknown', sha: rev };
}

/**
 * The time (`t`) a link should open at: a link placed in time opens time travel at its commit's
 * day, unless it already carries a time or a comparison of its own (the view it was made in).
 * `null`: leave the URL as it is.
 */
export function linkTravelDay(link: RevisionLink, t: string | null, cmp: readonly [string, string] | null): string | null {
  if (link.kind !== 'travel' || t !== null || cmp !== null) return null;
  return link.day;
}

/** The short form of a sha shown to people (as `git log --oneline` does). */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
