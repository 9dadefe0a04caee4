/**
 * Tags as bookmarks on the time-travel timeline: each tag is placed in the period that holds
 * its commit time (the slider position that shows the city as of that tag), tags sharing a
 * period are grouped into one marker. Pure.
 */
import type { TimelinePeriod, TimelineTag } from '../api/types';

export interface TagMarker {
  /** Slider position: index into the periods. */
  period: number;
  /** The tags in that period, oldest first (ties by name). */
  tags: TimelineTag[];
}

/** `YYYY-MM-DD` (UTC) of Unix seconds. */
export function dayOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/**
 * The period holding a moment given as `YYYY-MM-DD`: the last one starting on or before that
 * day; a day before the first period maps to the first one. -1 without periods.
 */
export function periodOfDay(periods: readonly Pick<TimelinePeriod, 'start'>[], day: string): number {
  if (periods.length === 0) return -1;
  let lo = 0;
  let hi = periods.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((periods[mid]?.start ?? '') <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function isTag(t: unknown): t is TimelineTag {
  if (typeof t !== 'object' || t === null) return false;
  const v = t as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    v.name !== '' &&
    typeof v.sha === 'string' &&
    typeof v.time === 'number' &&
    Number.isFinite(v.time) &&
    Math.abs(v.time) < 8.64e12
  );
}

/**
 * Markers for `tags` on `periods`, in period order. A missing `tags` field (older servers), or
 * entries that are not tags, give no markers; tags outside the history are clamped to its ends.
 */
export function tagMarkers(periods: readonly Pick<TimelinePeriod, 'start'>[], tags: readonly unknown[] | null | undefined): TagMarker[] {
  if (!Array.isArray(tags) || periods.length === 0) return [];
  const valid = tags.filter(isTag).sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byPeriod = new Map<number, TimelineTag[]>();
  for (const t of valid) {
    const p = periodOfDay(periods, dayOf(t.time));
    const list = byPeriod.get(p);
    if (list) list.push(t);
    else byPeriod.set(p, [t]);
  }
  return [...byPeriod.entries()].sort((a, b) => a[0] - b[0]).map(([period, list]) => ({ period, tags: list }));
}

/** The label of a marker: one tag's name, or the first and how many more. */
export function markerLabel(m: TagMarker): string {
  const first = m.tags[0]?.name ?? '';
  return m.tags.length <= 1 ? first : `${first} +${m.tags.length - 1}`;
}

/**
 * Compare mode: a tag picked on the timeline moves the nearer end of the compared range there
 * (the start when it lies before the range, the end when after), keeping from ≤ to.
 */
export function moveNearestEnd(range: readonly [number, number], period: number): [number, number] {
  const [from, to] = range;
  if (period <= from) return [period, to];
  if (period >= to) return [from, period];
  return period - from <= to - period ? [period, to] : [from, period];
}
