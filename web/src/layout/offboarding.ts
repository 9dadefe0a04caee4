/**
 * Off-boarding what-if, pure: given the experts of each file (degree of authorship, from
 * `/ownership`) and people who leave, which files lose every expert, and the bus factor (truck
 * factor) of each district before and after.
 *
 * The truck factor follows the server's insights engine (Avelino et al.): repeatedly remove the
 * person who is an expert of the most files (ties to the smaller e-mail) until more than half
 * of the files have no expert left; the number of people removed is the truck factor.
 */
import type { OwnershipData } from '../api/types';
import type { CityLayout } from './city';

export type Knowledge = 'none' | 'safe' | 'at-risk' | 'lost';

/** Expert lists (indices into `people`) per building; null for files without ownership data. */
export function expertsByBuilding(layout: CityLayout, data: OwnershipData): (number[] | null)[] {
  const byPath = new Map<string, number[]>();
  for (const f of data.files) byPath.set(f.path, f.authors.map((a) => a[0]));
  return layout.buildings.files.map((f) => byPath.get(f.path) ?? null);
}

/**
 * What happens to each file when `leaving` (indices into `people`) leave: `lost` when every
 * expert leaves, `at-risk` when some do, `safe` when none do, `none` for files without experts.
 */
export function knowledgeAfter(experts: readonly (readonly number[] | null)[], leaving: ReadonlySet<number>): Knowledge[] {
  return experts.map((list) => {
    if (!list || list.length === 0) return 'none';
    const gone = list.filter((p) => leaving.has(p)).length;
    return gone === 0 ? 'safe' : gone === list.length ? 'lost' : 'at-risk';
  });
}

/**
 * Truck factor of a set of files given by their expert lists. `keyOf` orders people for ties
 * (the smaller key is removed first), as the server does.
 */
export function truckFactor(files: readonly (readonly number[])[], keyOf: (p: number) => string): number {
  const total = files.length;
  if (total === 0) return 0;
  const remaining = files.map((f) => f.length);
  let orphans = remaining.filter((n) => n === 0).length;
  const byPerson = new Map<number, number[]>();
  files.forEach((list, i) => {
    for (const p of list) {
      const l = byPerson.get(p);
      if (l) l.push(i);
      else byPerson.set(p, [i]);
    }
  });
  let removed = 0;
  while (orphans * 2 <= total && byPerson.size > 0) {
    let top = -1;
    let topCount = -1;
    for (const [p, list] of byPerson) {
      if (list.length > topCount || (list.length === topCount && keyOf(p) < keyOf(top))) {
        top = p;
        topCount = list.length;
      }
    }
    for (const i of byPerson.get(top) ?? []) {
      remaining[i] = (remaining[i] ?? 1) - 1;
      if (remaining[i] === 0) orphans++;
    }
    byPerson.delete(top);
    removed++;
  }
  return removed;
}

export interface DistrictBusFactor {
  district: number;
  path: string;
  files: number;
  before: number;
  after: number;
  /** Files of the district whose every expert leaves. */
  lost: number;
}

/**
 * Bus factor of each district (the files below it that have ownership data) before and after
 * `leaving` leave; "after" is the truck factor of the remaining experts (files left without an
 * expert count as already orphaned).
 */
export function districtBusFactors(
  layout: CityLayout,
  experts: readonly (readonly number[] | null)[],
  leaving: ReadonlySet<number>,
  keyOf: (p: number) => string,
  districts: readonly number[],
): DistrictBusFactor[] {
  const d = layout.districts;
  const b = layout.buildings;
  // A district holds the files whose path starts with its folder's path (the root holds all).
  const prefixes = districts.map((i) => d.dirs[i]?.path ?? '');
  return districts.map((di, k) => {
    const prefix = prefixes[k] ?? '';
    const lists: (readonly number[])[] = [];
    for (let i = 0; i < b.count; i++) {
      const path = b.files[i]?.path ?? '';
      if (prefix !== '' && !path.startsWith(`${prefix}/`)) continue;
      const e = experts[i];
      if (e) lists.push(e);
    }
    const after = lists.map((l) => l.filter((p) => !leaving.has(p)));
    return {
      district: di,
      path: prefix,
      files: lists.length,
      before: truckFactor(lists, keyOf),
      after: truckFactor(after, keyOf),
      lost: lists.filter((l) => l.length > 0 && l.every((p) => leaving.has(p))).length,
    };
  });
}

/** Knowledge colours (sRGB): lost files red, at-risk orange, safe and unowned muted. */
export const KNOWLEDGE_COLORS: Record<Knowledge, string> = {
  lost: '#E4002B',
  'at-risk': '#E69F00',
  safe: '#4B5C73',
  none: '#2F3542',
};

export function knowledgeColors(k: readonly Knowledge[]): Float32Array {
  const out = new Float32Array(k.length * 3);
  const rgb = (h: string) => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255];
  const table = Object.fromEntries(Object.entries(KNOWLEDGE_COLORS).map(([key, h]) => [key, rgb(h)])) as Record<Knowledge, number[]>;
  k.forEach((s, i) => out.set(table[s], i * 3));
  return out;
}
