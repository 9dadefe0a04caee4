/**
 * Time travel, pure: the city at any period of the history, from `/timeline`'s sparse per-file
 * line-count series, and the comparison of two periods.
 *
 * Stability: the time-travel city is laid out once over the union of every path that ever
 * existed, each weighted by its largest line count over the whole history, so a building keeps
 * its lot whatever period is shown; only its height, colour and visibility change.
 */
import type { DirNode, FileNode, Timeline, TreeNode } from '../api/types';
import { layoutCity, type CityLayout, type LayoutOptions } from './city';
import { normalize, type HeightOptions } from './metrics';
import { sampleRamp, type Rgb } from './colors';

/** `/timeline` indexed for fast queries. */
export interface TimeIndex {
  periods: number;
  paths: string[];
  byPath: Map<string, number>;
  /** Triples `[period, lines, changes]` per path, sorted by period. */
  series: Int32Array[];
  /** Largest line count each path ever had. */
  maxLines: Float64Array;
  /** Largest line count of any file at any time. */
  maxLinesEver: number;
}

export function indexTimeline(t: Pick<Timeline, 'periods' | 'files'>): TimeIndex {
  const n = t.files.length;
  const paths = new Array<string>(n);
  const byPath = new Map<string, number>();
  const series = new Array<Int32Array>(n);
  const maxLines = new Float64Array(n);
  let maxLinesEver = 0;
  t.files.forEach((f, i) => {
    paths[i] = f.path;
    byPath.set(f.path, i);
    const s = Int32Array.from(f.series.length % 3 === 0 ? f.series : f.series.slice(0, f.series.length - (f.series.length % 3)));
    series[i] = s;
    let m = 0;
    for (let k = 1; k < s.length; k += 3) m = Math.max(m, s[k] ?? 0);
    maxLines[i] = m;
    maxLinesEver = Math.max(maxLinesEver, m);
  });
  return { periods: t.periods.length, paths, byPath, series, maxLines, maxLinesEver };
}

/**
 * Index of the last triple of `s` whose period is at most `period`, or -1. Binary search over
 * triples.
 */
export function lastEntryAtOrBefore(s: Int32Array, period: number): number {
  let lo = 0;
  let hi = s.length / 3 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((s[mid * 3] ?? 0) <= period) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Line count of path `i` at the end of `period`; -1 when it does not exist then. */
export function linesOf(index: TimeIndex, i: number, period: number): number {
  const s = index.series[i];
  if (!s) return -1;
  const k = lastEntryAtOrBefore(s, period);
  return k < 0 ? -1 : (s[k * 3 + 1] ?? -1);
}

/** Commits that touched path `i` in the periods `(period - window, period]`. */
export function recentChanges(index: TimeIndex, i: number, period: number, window: number): number {
  const s = index.series[i];
  if (!s) return 0;
  let n = 0;
  for (let k = lastEntryAtOrBefore(s, period); k >= 0; k--) {
    if ((s[k * 3] ?? 0) <= period - window) break;
    n += s[k * 3 + 2] ?? 0;
  }
  return n;
}

/**
 * The repository tree extended with every path that existed at some point of the history, as
 * a file node whose line count is the largest it ever had (files alive at the analysed revision
 * keep their metrics). Paths are sorted, so the result does not depend on input order.
 */
export function unionTree(root: DirNode, index: TimeIndex): DirNode {
  const present = new Map<string, FileNode>();
  const walk = (n: TreeNode) => {
    if (n.kind === 'file') present.set(n.path, n);
    else n.children.forEach(walk);
  };
  walk(root);
  const all = new Set<string>([...present.keys(), ...index.paths]);
  const top: DirNode = { kind: 'dir', name: root.name, path: root.path, children: [] };
  const dirs = new Map<string, DirNode>([['', top]]);
  const dirOf = (path: string): DirNode => {
    const existing = dirs.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = dirOf(slash < 0 ? '' : path.slice(0, slash));
    const d: DirNode = { kind: 'dir', name: path.slice(slash + 1), path, children: [] };
    parent.children.push(d);
    dirs.set(path, d);
    return d;
  };
  for (const path of [...all].sort()) {
    const slash = path.lastIndexOf('/');
    const parent = dirOf(slash < 0 ? '' : path.slice(0, slash));
    const file = present.get(path) ?? {
      kind: 'file' as const,
      name: path.slice(slash + 1),
      path,
      language: null,
      lines: { code: 0, comment: 0, blank: 0 },
      bytes: 0,
      revisions: 0,
      cyclomatic: 0,
      binary: false,
    };
    parent.children.push(file);
  }
  return top;
}

/** Footprint weight in the time-travel city: the largest line count the path ever had. */
export function historicFootprint(index: TimeIndex): (f: FileNode) => number {
  return (f) => {
    const i = index.byPath.get(f.path);
    const total = f.lines.code + f.lines.comment + f.lines.blank;
    return i === undefined ? total : Math.max(index.maxLines[i] ?? 0, 1);
  };
}

/** The time-travel city: one layout over the union of all paths (see the module docs). */
export function timeTravelLayout(root: DirNode, index: TimeIndex, options: LayoutOptions = {}): CityLayout {
  return layoutCity(unionTree(root, index), { ...options, footprint: historicFootprint(index) });
}

/** For each building of `layout`, the index of its path in the timeline (-1: not in it). */
export function timelineSlots(layout: CityLayout, index: TimeIndex): Int32Array {
  const out = new Int32Array(layout.buildings.count);
  layout.buildings.files.forEach((f, i) => (out[i] = index.byPath.get(f.path) ?? -1));
  return out;
}

/** The city at one period. */
export interface CityAt {
  /** Line count per building (0 when absent). */
  lines: Float64Array;
  /** 1 for buildings that exist at the period. */
  alive: Uint8Array;
  /** Commits touching each building in the recent window. */
  recent: Float64Array;
  aliveCount: number;
  maxRecent: number;
}

/**
 * The state of every building at `period`: whether it exists, its line count and its recent
 * activity over the last `window` periods. Buildings without a timeline (a shallow history) are
 * shown at their analysed size throughout.
 */
export function cityAt(layout: CityLayout, index: TimeIndex, slots: Int32Array, period: number, window: number): CityAt {
  const n = layout.buildings.count;
  const lines = new Float64Array(n);
  const alive = new Uint8Array(n);
  const recent = new Float64Array(n);
  let aliveCount = 0;
  let maxRecent = 0;
  for (let b = 0; b < n; b++) {
    const i = slots[b] ?? -1;
    if (i < 0) {
      const f = layout.buildings.files[b];
      lines[b] = f ? f.lines.code + f.lines.comment + f.lines.blank : 0;
      alive[b] = 1;
      aliveCount++;
      continue;
    }
    const l = linesOf(index, i, period);
    if (l < 0) continue;
    lines[b] = l;
    alive[b] = 1;
    aliveCount++;
    const r = recentChanges(index, i, period, window);
    recent[b] = r;
    if (r > maxRecent) maxRecent = r;
  }
  return { lines, alive, recent, aliveCount, maxRecent };
}

/** Heights from line counts, scaled against `maxLines` (the whole history's largest file, so
 * that buildings visibly grow over time). */
export function lineHeights(lines: Float64Array, maxLines: number, options: HeightOptions): Float32Array {
  const out = new Float32Array(lines.length);
  const range = options.maxHeight - options.minHeight;
  const scale = options.scale ?? 'sqrt';
  for (let i = 0; i < lines.length; i++) out[i] = options.minHeight + range * normalize(lines[i] ?? 0, maxLines, scale);
  return out;
}

/** Colour of a building untouched in the recent window. */
export const QUIET_COLOR: Rgb = [0.36, 0.41, 0.49];

/** Recent-activity colours: quiet buildings grey, busy ones along the sequential ramp. */
export function activityColors(at: CityAt): Float32Array {
  const n = at.lines.length;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = at.recent[i] ?? 0;
    const c = r > 0 ? sampleRamp(0.25 + 0.75 * normalize(r, Math.max(1, at.maxRecent), 'log')) : QUIET_COLOR;
    out.set(c, i * 3);
  }
  return out;
}

/** Periods in the "recent activity" window: about a twentieth of the history, at least one. */
export function recentWindow(periods: number): number {
  return Math.max(1, Math.round(periods / 20));
}

export type ChangeStatus = 'absent' | 'added' | 'deleted' | 'grown' | 'shrunk' | 'same';

export interface Comparison {
  status: ChangeStatus[];
  /** Lines at the first and at the second period (-1: absent). */
  before: Float64Array;
  after: Float64Array;
  counts: Record<ChangeStatus, number>;
}

/** Compares two periods building by building, by line count. */
export function compare(layout: CityLayout, index: TimeIndex, slots: Int32Array, from: number, to: number): Comparison {
  const n = layout.buildings.count;
  const status = new Array<ChangeStatus>(n);
  const before = new Float64Array(n);
  const after = new Float64Array(n);
  const counts: Record<ChangeStatus, number> = { absent: 0, added: 0, deleted: 0, grown: 0, shrunk: 0, same: 0 };
  for (let b = 0; b < n; b++) {
    const i = slots[b] ?? -1;
    const f = layout.buildings.files[b];
    const now = f ? f.lines.code + f.lines.comment + f.lines.blank : 0;
    const a = i < 0 ? now : linesOf(index, i, from);
    const z = i < 0 ? now : linesOf(index, i, to);
    before[b] = a;
    after[b] = z;
    const s: ChangeStatus =
      a < 0 && z < 0 ? 'absent' : a < 0 ? 'added' : z < 0 ? 'deleted' : z > a ? 'grown' : z < a ? 'shrunk' : 'same';
    status[b] = s;
    counts[s]++;
  }
  return { status, before, after, counts };
}

/** Colour-blind safe comparison colours (Okabe–Ito), as hex for the legend. */
export const COMPARE_COLORS: Record<Exclude<ChangeStatus, 'absent'>, string> = {
  added: '#56B4E9',
  grown: '#009E73',
  same: '#5B6472',
  shrunk: '#E69F00',
  deleted: '#D55E00',
};

const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255];

/**
 * Comparison colours: growth and shrinkage shaded by how much the file changed relative to its
 * size (a file that doubled is fully saturated), new and deleted files in their own colours.
 */
export function compareColors(c: Comparison): Float32Array {
  const n = c.status.length;
  const out = new Float32Array(n * 3);
  const same = hex(COMPARE_COLORS.same);
  for (let i = 0; i < n; i++) {
    const s = c.status[i] ?? 'absent';
    let rgb: Rgb = same;
    if (s === 'grown' || s === 'shrunk') {
      const a = c.before[i] ?? 0;
      const z = c.after[i] ?? 0;
      const t = Math.min(1, Math.abs(z - a) / Math.max(1, Math.min(a, z)));
      const full = hex(COMPARE_COLORS[s]);
      const k = 0.35 + 0.65 * t;
      rgb = [same[0] + (full[0] - same[0]) * k, same[1] + (full[1] - same[1]) * k, same[2] + (full[2] - same[2]) * k];
    } else if (s !== 'absent') {
      rgb = hex(COMPARE_COLORS[s]);
    }
    out.set(rgb, i * 3);
  }
  return out;
}

/** The buildings with the largest absolute change in lines, largest first (ties by path). */
export function biggestChanges(layout: CityLayout, c: Comparison, n: number): { index: number; delta: number; status: ChangeStatus }[] {
  const rows: { index: number; delta: number; status: ChangeStatus; path: string }[] = [];
  c.status.forEach((s, i) => {
    if (s === 'absent' || s === 'same') return;
    const delta = Math.max(0, c.after[i] ?? 0) - Math.max(0, c.before[i] ?? 0);
    rows.push({ index: i, delta, status: s, path: layout.buildings.files[i]?.path ?? '' });
  });
  rows.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return rows.slice(0, n).map(({ index, delta, status }) => ({ index, delta, status }));
}

/** The period at or before a date (`YYYY-MM-DD…`), clamped to the history; -1 without periods. */
export function periodOfDate(periods: readonly { start: string }[], date: string): number {
  if (periods.length === 0) return -1;
  let found = 0;
  const day = date.slice(0, 10);
  periods.forEach((p, i) => {
    if (p.start <= day) found = i;
  });
  return found;
}
