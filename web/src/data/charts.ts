/**
 * Data shaping and scales for the 2D views (commit activity, hotspot scatter, contributors).
 * Pure: D3 scales are built here so their domains and edge cases are unit-tested; the chart
 * components only draw.
 */
import { scaleBand, scaleLinear, scaleLog, type ScaleBand, type ScaleLinear, type ScaleLogarithmic } from 'd3';
import type { ActivityMonth, Contributor, DirNode, FileNode, Hotspot } from '../api/types';
import { hotspotScore } from '../layout/metrics';

/** "2021-01" → "Jan 2021"; anything else is returned unchanged. */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const i = Number(m[2]) - 1;
  return i >= 0 && i < 12 ? `${names[i]} ${m[1]}` : month;
}

/**
 * Months to label on the x axis: at most `maxTicks`, on January when the range spans years
 * (then every k-th year), otherwise every k-th month.
 */
export function monthTicks(months: readonly string[], maxTicks: number): string[] {
  if (months.length === 0 || maxTicks <= 0) return [];
  if (months.length <= maxTicks) return [...months];
  const januaries = months.filter((m) => m.endsWith('-01'));
  if (januaries.length >= 2) {
    const step = Math.ceil(januaries.length / maxTicks);
    return januaries.filter((_, i) => i % step === 0);
  }
  const step = Math.ceil(months.length / maxTicks);
  return months.filter((_, i) => i % step === 0);
}

export interface ActivityScales {
  x: ScaleBand<string>;
  commits: ScaleLinear<number, number>;
  authors: ScaleLinear<number, number>;
}

/** Band scale over months and two linear y scales (commits, authors), both starting at zero. */
export function activityScales(items: readonly ActivityMonth[], width: number, height: number): ActivityScales {
  const x = scaleBand<string>()
    .domain(items.map((d) => d.month))
    .range([0, Math.max(0, width)])
    .paddingInner(items.length > 120 ? 0.05 : 0.2);
  const maxCommits = Math.max(1, ...items.map((d) => (Number.isFinite(d.commits) ? d.commits : 0)));
  const maxAuthors = Math.max(1, ...items.map((d) => (Number.isFinite(d.authors) ? d.authors : 0)));
  return {
    x,
    commits: scaleLinear().domain([0, maxCommits]).nice().range([Math.max(0, height), 0]),
    authors: scaleLinear().domain([0, maxAuthors]).nice().range([Math.max(0, height), 0]),
  };
}

export interface ScatterPoint {
  path: string;
  revisions: number;
  complexity: number;
  score: number;
}

/**
 * Scatter points: from the hotspots endpoint when it answered, otherwise from the tree
 * (revisions and cyclomatic per file). Files with zero revisions or complexity cannot sit on a
 * log axis and are left out.
 */
export function scatterPoints(hotspots: readonly Hotspot[] | null, files: readonly FileNode[]): ScatterPoint[] {
  const source: ScatterPoint[] =
    hotspots && hotspots.length > 0
      ? hotspots.map((h) => ({ path: h.path, revisions: h.revisions, complexity: h.complexity, score: h.score }))
      : files.map((f) => ({ path: f.path, revisions: f.revisions, complexity: f.cyclomatic, score: hotspotScore(f) }));
  return source
    .filter((p) => Number.isFinite(p.revisions) && Number.isFinite(p.complexity) && p.revisions >= 1 && p.complexity >= 1)
    .sort((a, b) => a.score - b.score);
}

export interface ScatterScales {
  x: ScaleLogarithmic<number, number>;
  y: ScaleLogarithmic<number, number>;
  /** Dot radius by score (square-root, so area follows the score). */
  r: (score: number) => number;
}

/** Log scales for revisions (x) and complexity (y); domains start at 1 and are niced. */
export function scatterScales(points: readonly ScatterPoint[], width: number, height: number): ScatterScales {
  const maxX = Math.max(10, ...points.map((p) => p.revisions));
  const maxY = Math.max(10, ...points.map((p) => p.complexity));
  const maxS = Math.max(1, ...points.map((p) => p.score));
  const x = scaleLog().domain([1, maxX]).nice().range([0, Math.max(0, width)]).clamp(true);
  const y = scaleLog().domain([1, maxY]).nice().range([Math.max(0, height), 0]).clamp(true);
  return { x, y, r: (s) => 2.5 + 7 * Math.sqrt(Math.max(0, s) / maxS) };
}

export interface ContributorRow {
  id: number;
  name: string;
  email: string;
  commits: number;
  share: number;
  linesAdded: number;
  linesRemoved: number;
  first: string;
  last: string;
  isBot: boolean;
}

/** The top `n` contributors by commits, with their share of all commits (bots included). */
export function topContributors(items: readonly Contributor[], n = 20): ContributorRow[] {
  const total = items.reduce((s, c) => s + (Number.isFinite(c.commits) ? c.commits : 0), 0);
  return [...items]
    .sort((a, b) => (a.commits !== b.commits ? b.commits - a.commits : a.name < b.name ? -1 : 1))
    .slice(0, Math.max(0, n))
    .map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      commits: c.commits,
      share: total > 0 ? c.commits / total : 0,
      linesAdded: c.lines_added,
      linesRemoved: c.lines_removed,
      first: c.first_commit_at.slice(0, 10),
      last: c.last_commit_at.slice(0, 10),
      isBot: c.is_bot,
    }));
}

/** Every file of a tree, depth first. */
export function filesOf(root: DirNode): FileNode[] {
  const out: FileNode[] = [];
  const stack: DirNode[] = [root];
  while (stack.length > 0) {
    const d = stack.pop();
    if (!d) break;
    for (const c of d.children) {
      if (c.kind === 'file') out.push(c);
      else stack.push(c);
    }
  }
  return out;
}

/** 1, 2, 5, 10, 20, 50, … within [lo, hi] (powers of ten only when that would be too many). */
export function logTickValues(lo: number, hi: number, maxTicks = 10): number[] {
  const out: number[] = [];
  const from = Math.max(1e-9, Math.min(lo, hi));
  const to = Math.max(lo, hi);
  for (let p = Math.floor(Math.log10(from)); p <= Math.ceil(Math.log10(to)); p++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** p;
      if (v >= from - 1e-9 && v <= to + 1e-9) out.push(v);
    }
  }
  if (out.length <= maxTicks) return out;
  return out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
}
