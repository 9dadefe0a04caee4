/**
 * Pure shaping of history data for the 2D views: language mix over time and code age (from
 * `/timeline`), the coupling network (from `/coupling`) and the bus factor per folder (from
 * `/ownership`).
 */
import type { Coupling, OwnershipData, Timeline } from '../api/types';
import { truckFactor } from '../layout/offboarding';

/** The extension of a path's file name, lower case, with the dot ("" when none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * A language for every path of the history: the analysed tree's language when the file still
 * exists, otherwise the language most files with the same extension have in the tree
 * ("Other" when none does).
 */
export function languageResolver(known: ReadonlyMap<string, string | null>): (path: string) => string {
  const byExt = new Map<string, Map<string, number>>();
  for (const [path, lang] of known) {
    if (!lang) continue;
    const ext = extensionOf(path);
    const m = byExt.get(ext) ?? new Map<string, number>();
    m.set(lang, (m.get(lang) ?? 0) + 1);
    byExt.set(ext, m);
  }
  const best = new Map<string, string>();
  for (const [ext, m] of byExt) {
    const top = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (top) best.set(ext, top[0]);
  }
  return (path) => known.get(path) ?? best.get(extensionOf(path)) ?? 'Other';
}

export interface LanguageMix {
  /** Languages by their largest line count at any time, the rest folded into "Other". */
  languages: string[];
  /** `lines[period][language]`: lines of each language at the end of the period. */
  lines: number[][];
}

/**
 * Lines per language at the end of every period, from the sparse series (work proportional to
 * the number of series entries, not files × periods).
 */
export function languageMix(t: Pick<Timeline, 'periods' | 'files'>, languageOf: (path: string) => string, maxLanguages = 7): LanguageMix {
  const periods = t.periods.length;
  const delta = new Map<string, Float64Array>();
  for (const f of t.files) {
    const lang = languageOf(f.path);
    let d = delta.get(lang);
    if (!d) {
      d = new Float64Array(periods + 1);
      delta.set(lang, d);
    }
    let prev = 0;
    for (let k = 0; k + 2 < f.series.length; k += 3) {
      const p = f.series[k] ?? 0;
      const lines = Math.max(0, f.series[k + 1] ?? 0);
      if (p >= 0 && p < periods) d[p] = (d[p] ?? 0) + lines - prev;
      prev = lines;
    }
  }
  const totals = new Map<string, number[]>();
  for (const [lang, d] of delta) {
    const series: number[] = [];
    let acc = 0;
    for (let p = 0; p < periods; p++) {
      acc += d[p] ?? 0;
      series.push(acc);
    }
    totals.set(lang, series);
  }
  const peak = (lang: string) => Math.max(0, ...(totals.get(lang) ?? [0]));
  const ranked = [...totals.keys()].filter((l) => l !== 'Other').sort((a, b) => peak(b) - peak(a) || (a < b ? -1 : 1));
  const shown = ranked.slice(0, maxLanguages);
  const folded = ranked.slice(maxLanguages).concat(totals.has('Other') ? ['Other'] : []);
  const languages = folded.length > 0 ? [...shown, 'Other'] : shown;
  const lines: number[][] = [];
  for (let p = 0; p < periods; p++) {
    const row = shown.map((l) => totals.get(l)?.[p] ?? 0);
    if (folded.length > 0) row.push(folded.reduce((s, l) => s + (totals.get(l)?.[p] ?? 0), 0));
    lines.push(row);
  }
  return { languages, lines };
}

export interface AgeBucket {
  label: string;
  /** Upper bound in days (exclusive); Infinity for the last bucket. */
  maxDays: number;
  files: number;
  lines: number;
}

const AGE_BUCKETS: readonly [string, number][] = [
  ['< 1 month', 31],
  ['1–3 months', 92],
  ['3–6 months', 183],
  ['6–12 months', 366],
  ['1–2 years', 731],
  ['2–4 years', 1461],
  ['4+ years', Infinity],
];

const dayOf = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000;

/**
 * Code age at the end of the history: for every file alive in the last period, the time since
 * the start of the period of its last change, bucketed; counted in files and in lines.
 */
export function codeAge(t: Pick<Timeline, 'periods' | 'files'>): AgeBucket[] {
  const out = AGE_BUCKETS.map(([label, maxDays]) => ({ label, maxDays, files: 0, lines: 0 }));
  const last = t.periods[t.periods.length - 1];
  if (!last) return out;
  const end = dayOf(last.start);
  for (const f of t.files) {
    const n = f.series.length;
    if (n < 3) continue;
    const lines = f.series[n - 2] ?? -1;
    if (lines < 0) continue;
    const start = t.periods[f.series[n - 3] ?? 0]?.start;
    if (!start) continue;
    const age = end - dayOf(start);
    const bucket = out.find((b) => age < b.maxDays) ?? out[out.length - 1];
    if (!bucket) continue;
    bucket.files++;
    bucket.lines += lines;
  }
  return out;
}

export interface NetworkNode {
  path: string;
  /** Sum of the degrees of its pairs. */
  weight: number;
}

export interface NetworkLink {
  source: number;
  target: number;
  degree: number;
  shared: number;
}

/** The strongest `maxLinks` coupling pairs as a graph (nodes by first appearance). */
export function couplingGraph(pairs: readonly Coupling[], maxLinks = 60): { nodes: NetworkNode[]; links: NetworkLink[] } {
  const sorted = [...pairs].sort((a, b) => b.degree - a.degree || b.shared - a.shared || (a.path_a < b.path_a ? -1 : 1)).slice(0, maxLinks);
  const nodes: NetworkNode[] = [];
  const index = new Map<string, number>();
  const node = (path: string) => {
    let i = index.get(path);
    if (i === undefined) {
      i = nodes.length;
      nodes.push({ path, weight: 0 });
      index.set(path, i);
    }
    return i;
  };
  const links = sorted.map((p) => {
    const source = node(p.path_a);
    const target = node(p.path_b);
    (nodes[source] as NetworkNode).weight += p.degree;
    (nodes[target] as NetworkNode).weight += p.degree;
    return { source, target, degree: p.degree, shared: p.shared };
  });
  return { nodes, links };
}

export interface FolderBusFactor {
  /** Folder path ("" for files at the top level). */
  path: string;
  files: number;
  busFactor: number;
  /** The person who is an expert of the most of its files, and of how many. */
  topExpert: { name: string; files: number } | null;
}

/**
 * Bus factor of every folder down to `depth` levels (its files at any depth below), from the
 * experts of `/ownership`, with the same greedy truck-factor procedure as the server.
 */
export function folderBusFactors(data: OwnershipData, depth = 2): FolderBusFactor[] {
  const byFolder = new Map<string, number[][]>();
  for (const f of data.files) {
    const parts = f.path.split('/').slice(0, -1);
    const experts = f.authors.map((a) => a[0]);
    for (let d = 1; d <= Math.min(depth, parts.length); d++) {
      const key = parts.slice(0, d).join('/');
      const list = byFolder.get(key) ?? [];
      list.push(experts);
      byFolder.set(key, list);
    }
    if (parts.length === 0) {
      const list = byFolder.get('') ?? [];
      list.push(experts);
      byFolder.set('', list);
    }
  }
  const keyOf = (p: number) => data.people[p]?.email ?? '';
  return [...byFolder.entries()]
    .map(([path, lists]) => {
      const counts = new Map<number, number>();
      for (const l of lists) for (const p of l) counts.set(p, (counts.get(p) ?? 0) + 1);
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (keyOf(a[0]) < keyOf(b[0]) ? -1 : 1))[0];
      return {
        path,
        files: lists.length,
        busFactor: truckFactor(lists, keyOf),
        topExpert: top ? { name: data.people[top[0]]?.name ?? '?', files: top[1] } : null,
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
