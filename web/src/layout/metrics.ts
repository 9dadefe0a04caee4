/**
 * File metrics that can drive building height (and the sequential colour scales), and the
 * scaling that turns a metric into a height. Pure functions over `FileNode`s.
 */
import type { FileNode } from '../api/types';

export type HeightMetricId = 'code' | 'lines' | 'comment' | 'revisions' | 'cyclomatic' | 'hotspot' | 'bytes';

export interface MetricDef<Id extends string> {
  id: Id;
  label: string;
  /** Short unit shown in legends and tooltips. */
  unit: string;
  value: (file: FileNode) => number;
  /** How the value is computed, for the legend (derived metrics only). */
  formula?: string;
}

/** The hotspot formula, said the same way in the legend and the charts. */
export const HOTSPOT_FORMULA = 'score = revisions × cyclomatic complexity';

/**
 * Hotspot score: how often a file changes times how complex it is. Files that are both
 * complex and busy are where defects and slow changes concentrate. Non-finite or negative
 * inputs count as zero, so bad data never produces NaN heights.
 */
export function hotspotScore(file: Pick<FileNode, 'revisions' | 'cyclomatic'>): number {
  const r = Number.isFinite(file.revisions) && file.revisions > 0 ? file.revisions : 0;
  const c = Number.isFinite(file.cyclomatic) && file.cyclomatic > 0 ? file.cyclomatic : 0;
  return r * c;
}

export const HOTSPOT_METRIC: MetricDef<'hotspot'> = {
  id: 'hotspot',
  label: 'Hotspot score',
  unit: '',
  value: hotspotScore,
  formula: HOTSPOT_FORMULA,
};

export const HEIGHT_METRICS: readonly MetricDef<HeightMetricId>[] = [
  { id: 'code', label: 'Lines of code', unit: 'lines', value: (f) => f.lines.code },
  {
    id: 'lines',
    label: 'Total lines',
    unit: 'lines',
    value: (f) => f.lines.code + f.lines.comment + f.lines.blank,
  },
  { id: 'comment', label: 'Comment lines', unit: 'lines', value: (f) => f.lines.comment },
  { id: 'revisions', label: 'Revisions (churn)', unit: 'commits', value: (f) => f.revisions },
  { id: 'cyclomatic', label: 'Cyclomatic complexity', unit: '', value: (f) => f.cyclomatic },
  HOTSPOT_METRIC,
  { id: 'bytes', label: 'Size in bytes', unit: 'bytes', value: (f) => f.bytes },
];

export function heightMetric(id: string): MetricDef<HeightMetricId> {
  return HEIGHT_METRICS.find((m) => m.id === id) ?? (HEIGHT_METRICS[0] as MetricDef<HeightMetricId>);
}

export function isHeightMetricId(id: string): id is HeightMetricId {
  return HEIGHT_METRICS.some((m) => m.id === id);
}

export type ScaleKind = 'sqrt' | 'log' | 'linear';

/** Maps a non-negative value to [0, 1] relative to `max` under the given scale. */
export function normalize(value: number, max: number, scale: ScaleKind): number {
  const v = Number.isFinite(value) && value > 0 ? value : 0;
  if (!(max > 0)) return 0;
  const clamped = Math.min(v, max);
  switch (scale) {
    case 'linear':
      return clamped / max;
    case 'log':
      return Math.log1p(clamped) / Math.log1p(max);
    case 'sqrt':
      return Math.sqrt(clamped) / Math.sqrt(max);
  }
}

export interface HeightOptions {
  scale?: ScaleKind;
  /** Height of the tallest building, in world units. */
  maxHeight: number;
  /** Height of a building whose metric is zero, so it still shows as a slab. */
  minHeight: number;
}

/** Building heights for `files` under `metric`. */
export function buildingHeights(
  files: readonly FileNode[],
  metric: MetricDef<string>,
  options: HeightOptions,
): Float32Array {
  const scale = options.scale ?? 'sqrt';
  const out = new Float32Array(files.length);
  let max = 0;
  const values = new Float64Array(files.length);
  files.forEach((f, i) => {
    const v = metric.value(f);
    const safe = Number.isFinite(v) && v > 0 ? v : 0;
    values[i] = safe;
    if (safe > max) max = safe;
  });
  const range = options.maxHeight - options.minHeight;
  for (let i = 0; i < files.length; i++) {
    out[i] = options.minHeight + range * normalize(values[i] ?? 0, max, scale);
  }
  return out;
}

/**
 * Default height range for a city of side `citySize` holding `fileCount` buildings. The tallest
 * building is a few typical building widths high (so a big city does not turn into a field of
 * needles), at least 6% and at most 22% of the city's side.
 */
export function defaultHeightOptions(citySize: number, fileCount = 1): HeightOptions {
  const typicalSide = Math.sqrt((citySize * citySize * 0.5) / Math.max(1, fileCount));
  const maxHeight = Math.min(citySize * 0.22, Math.max(citySize * 0.06, typicalSide * 5));
  return { scale: 'sqrt', maxHeight, minHeight: Math.min(citySize * 0.002, maxHeight * 0.05) };
}

/**
 * Indices of the `n` files with the largest `metric` value, largest first; ties broken by path
 * so the ranking is deterministic. Files whose value is 0 are left out.
 */
export function topFiles(files: readonly FileNode[], metric: MetricDef<string>, n: number): number[] {
  const scored: { i: number; v: number; path: string }[] = [];
  files.forEach((f, i) => {
    const v = metric.value(f);
    if (Number.isFinite(v) && v > 0) scored.push({ i, v, path: f.path });
  });
  scored.sort((a, b) => (a.v !== b.v ? b.v - a.v : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scored.slice(0, Math.max(0, n)).map((s) => s.i);
}
