/**
 * Colour mappings for buildings: categorical by language (a colour-blind-safe palette, the
 * Okabe–Ito set without black) or sequential by a numeric metric (the viridis ramp without its
 * darkest end, which would vanish on the dark background). Pure: produces RGB floats in [0, 1]
 * and a legend describing the mapping.
 */
import type { FileNode } from '../api/types';
import { HOTSPOT_METRIC, normalize, type MetricDef } from './metrics';

/** Okabe–Ito, ordered so the most common languages get the most distinct colours. */
export const CATEGORICAL_PALETTE: readonly string[] = [
  '#56B4E9', // sky blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#F0E442', // yellow
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#0072B2', // blue
];
// A light grey: the mid grey it replaced was confused with reddish purple under deuteranopia (cvd.test.ts).
export const OTHER_COLOR = '#C4CAD3';
export const UNKNOWN_COLOR = '#4B5563';
export const UNKNOWN_LANGUAGE = 'Unknown';
export const OTHER_LANGUAGES = 'Other';

/** Viridis from 0.16 to 1. */
export const SEQUENTIAL_RAMP: readonly string[] = [
  '#453781', '#3c508b', '#31668e', '#297b8e', '#218f8d', '#20a386',
  '#34b679', '#5cc863', '#8ed645', '#c8e020', '#fde725',
];

export type ColorMetricId = 'language' | 'hotspot' | 'revisions' | 'cyclomatic' | 'code' | 'comment-ratio';

export const COLOR_METRICS: readonly MetricDef<ColorMetricId>[] = [
  { id: 'language', label: 'Language', unit: '', value: () => 0 },
  HOTSPOT_METRIC,
  { id: 'revisions', label: 'Revisions (churn)', unit: 'commits', value: (f) => f.revisions },
  { id: 'cyclomatic', label: 'Cyclomatic complexity', unit: '', value: (f) => f.cyclomatic },
  { id: 'code', label: 'Lines of code', unit: 'lines', value: (f) => f.lines.code },
  {
    id: 'comment-ratio',
    label: 'Comment ratio',
    unit: '%',
    value: (f) => {
      const total = f.lines.code + f.lines.comment;
      return total > 0 ? Math.round((100 * f.lines.comment) / total) : 0;
    },
  },
];

export function isColorMetricId(id: string): id is ColorMetricId {
  return COLOR_METRICS.some((m) => m.id === id);
}

export function colorMetric(id: string): MetricDef<ColorMetricId> {
  return COLOR_METRICS.find((m) => m.id === id) ?? (COLOR_METRICS[0] as MetricDef<ColorMetricId>);
}

export type Rgb = [number, number, number];

/** Parses `#rrggbb` into floats in [0, 1]. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return [0.5, 0.5, 0.5];
  return [parseInt(m[1] ?? '80', 16) / 255, parseInt(m[2] ?? '80', 16) / 255, parseInt(m[3] ?? '80', 16) / 255];
}

export function rgbToHex([r, g, b]: Rgb): string {
  const c = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** Samples the sequential ramp at `t` in [0, 1], interpolating linearly in sRGB. */
export function sampleRamp(t: number, ramp: readonly string[] = SEQUENTIAL_RAMP): Rgb {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const pos = clamped * (ramp.length - 1);
  const i = Math.min(ramp.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = hexToRgb(ramp[i] ?? '#808080');
  const b = hexToRgb(ramp[i + 1] ?? '#808080');
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export interface LegendEntry {
  key: string;
  label: string;
  color: string;
  files: number;
  code: number;
}

export type Legend =
  | { kind: 'categorical'; title: string; entries: LegendEntry[] }
  | {
      kind: 'sequential';
      title: string;
      unit: string;
      min: number;
      max: number;
      scale: 'log';
      stops: string[];
      /** How a derived metric is computed (e.g. the hotspot score). */
      formula?: string;
    };

export interface ColorResult {
  /** RGB triplets, three floats per building. */
  rgb: Float32Array;
  /** Colour key per building: the language bucket, or the metric value as text. */
  keys: string[];
  legend: Legend;
}

/**
 * Language buckets: languages ordered by lines of code (then name), the first ones mapped to
 * the palette, the rest to "Other"; files without a language are "Unknown".
 */
export function languageLegend(files: readonly FileNode[], maxColors = CATEGORICAL_PALETTE.length): LegendEntry[] {
  const stats = new Map<string, { files: number; code: number }>();
  let unknown = { files: 0, code: 0 };
  for (const f of files) {
    if (!f.language) {
      unknown = { files: unknown.files + 1, code: unknown.code + f.lines.code };
      continue;
    }
    const s = stats.get(f.language) ?? { files: 0, code: 0 };
    s.files++;
    s.code += f.lines.code;
    stats.set(f.language, s);
  }
  const ordered = [...stats.entries()].sort((a, b) =>
    b[1].code !== a[1].code ? b[1].code - a[1].code : b[1].files !== a[1].files ? b[1].files - a[1].files : a[0] < b[0] ? -1 : 1,
  );
  // If everything fits, no "Other" bucket is needed; otherwise keep one palette slot's worth.
  const named = ordered.length <= maxColors ? ordered : ordered.slice(0, maxColors);
  const entries: LegendEntry[] = named.map(([lang, s], i) => ({
    key: lang,
    label: lang,
    color: CATEGORICAL_PALETTE[i % CATEGORICAL_PALETTE.length] ?? OTHER_COLOR,
    files: s.files,
    code: s.code,
  }));
  if (ordered.length > named.length) {
    const rest = ordered.slice(named.length);
    entries.push({
      key: OTHER_LANGUAGES,
      label: `Other (${rest.length} languages)`,
      color: OTHER_COLOR,
      files: rest.reduce((n, [, s]) => n + s.files, 0),
      code: rest.reduce((n, [, s]) => n + s.code, 0),
    });
  }
  if (unknown.files > 0) {
    entries.push({ key: UNKNOWN_LANGUAGE, label: 'Unknown / binary', color: UNKNOWN_COLOR, ...unknown });
  }
  return entries;
}

/** Colours for `files` under the colour metric `id`. */
export function buildingColors(files: readonly FileNode[], id: ColorMetricId): ColorResult {
  const rgb = new Float32Array(files.length * 3);
  const keys = new Array<string>(files.length);
  if (id === 'language') {
    const entries = languageLegend(files);
    const byKey = new Map(entries.map((e) => [e.key, hexToRgb(e.color)]));
    const other = hexToRgb(OTHER_COLOR);
    const unknown = hexToRgb(UNKNOWN_COLOR);
    files.forEach((f, i) => {
      let key: string;
      let c: Rgb;
      if (!f.language) {
        key = UNKNOWN_LANGUAGE;
        c = unknown;
      } else if (byKey.has(f.language)) {
        key = f.language;
        c = byKey.get(f.language) ?? other;
      } else {
        key = OTHER_LANGUAGES;
        c = other;
      }
      keys[i] = key;
      rgb.set(c, i * 3);
    });
    return { rgb, keys, legend: { kind: 'categorical', title: 'Language', entries } };
  }
  const metric = colorMetric(id);
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  const values = files.map((f) => {
    const v = metric.value(f);
    const safe = Number.isFinite(v) && v > 0 ? v : 0;
    if (safe > max) max = safe;
    if (safe < min) min = safe;
    return safe;
  });
  values.forEach((v, i) => {
    // Log scale: churn and complexity are heavy-tailed, a linear ramp would paint almost every
    // file with the lowest colour.
    rgb.set(sampleRamp(normalize(v, max, 'log')), i * 3);
    keys[i] = String(v);
  });
  return {
    rgb,
    keys,
    legend: {
      kind: 'sequential',
      title: metric.label,
      unit: metric.unit,
      min: files.length > 0 ? min : 0,
      max,
      scale: 'log',
      stops: [...SEQUENTIAL_RAMP],
      ...(metric.formula ? { formula: metric.formula } : {}),
    },
  };
}

/**
 * Platform colour by nesting level: from `from` (outermost) towards `to` as districts nest
 * deeper (by default slate greys that lighten, for the dark theme).
 */
export function districtColor(level: number, maxLevel: number, from = '#1e293b', to = '#64748b'): Rgb {
  const t = maxLevel > 0 ? Math.min(1, level / Math.max(maxLevel, 4)) : 0;
  const dark: Rgb = hexToRgb(from);
  const light: Rgb = hexToRgb(to);
  return [dark[0] + (light[0] - dark[0]) * t, dark[1] + (light[1] - dark[1]) * t, dark[2] + (light[2] - dark[2]) * t];
}
