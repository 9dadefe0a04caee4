/**
 * What a shared link's `rev` (the analysed revision it was made at) means for the city shown now.
 * Pure.
 *
 * - No `rev`, or `rev` is the analysed head: the link shows what it showed, nothing to say.
 * - `rev` is a commit the timeline knows the time of: the city is shown through time travel at
 *   that commit's day, with a banner saying so.
 * - Otherwise the commit cannot be placed in time: the history was rewritten, a newer analysis
 *   replaced it, or it is an older commit that no tag marks (the API has no look-up of one
 *   commit by sha, and paging through `/commits` does not scale to big repositories). The city
 *   shows the latest analysis, with a banner saying so.
 */
import type { TimelineTag } from '../api/types';
import { dayOf } from '../layout/tags';

export type RevisionLink =
  /** The link's revision is the one shown (or the link carries none). */
  | { kind: 'current' }
  /** An older revision: whether it can be placed in time is known once the timeline loads. */
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
 * The meaning of `rev` given the analysed `head` and the timeline's tags: `tags` is `null` while
 * the timeline is not loaded yet, and `[]` (or whatever an older server sends) once it has
 * loaded or failed to.
 */
export function resolveRevisionLink(rev: string | null, head: string | null, tags: readonly unknown[] | null | undefined): RevisionLink {
  if (!rev || !head || rev === head.toLowerCase()) return { kind: 'current' };
  if (tags === null) return { kind: 'pending', sha: rev };
  const matching = (Array.isArray(tags) ? tags : []).filter(isTag).filter((t) => t.sha.toLowerCase() === rev);
  const first = matching[0];
  if (!first) return { kind: 'unknown', sha: rev };
  return { kind: 'travel', sha: rev, day: dayOf(first.time), tags: matching.map((t) => t.name).sort() };
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
