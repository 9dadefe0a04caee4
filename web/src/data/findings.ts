/**
 * Shaping of the findings (`/insights`) for display: severity levels with a text label and a
 * shape (never colour alone), the body split into explanation and suggested action, and the
 * evidence numbers turned into readable rows. Pure and tested.
 */
import type { EvidencePerson, Insight } from '../api/types';

export type SeverityLevel = 'critical' | 'warning' | 'info';

export interface SeverityStyle {
  level: SeverityLevel;
  /** Text shown in the badge. */
  label: string;
  /** A glyph that differs per level, so the badge reads without colour. */
  glyph: string;
  /** Badge colours (Okabe–Ito vermillion, orange, sky blue), for the dark theme. */
  color: string;
  background: string;
  /** Text colour on the light theme (the same hues, dark enough to read on white). */
  lightColor: string;
}

const STYLES: Record<SeverityLevel, SeverityStyle> = {
  critical: { level: 'critical', label: 'Critical', glyph: '▲', color: '#ffb38a', background: 'rgba(213, 94, 0, 0.28)', lightColor: '#8a3300' },
  warning: { level: 'warning', label: 'Warning', glyph: '◆', color: '#f5d27a', background: 'rgba(230, 159, 0, 0.22)', lightColor: '#6b4700' },
  info: { level: 'info', label: 'Info', glyph: '●', color: '#a8dcf7', background: 'rgba(86, 180, 233, 0.18)', lightColor: '#0b5380' },
};

/** Maps the server's severity (either vocabulary) to a display level; unknown values are info. */
export function severityLevel(severity: string): SeverityLevel {
  switch (severity.trim().toLowerCase()) {
    case 'critical':
    case 'high':
      return 'critical';
    case 'warning':
    case 'medium':
      return 'warning';
    default:
      return 'info';
  }
}

export function severityStyle(severity: string): SeverityStyle {
  return STYLES[severityLevel(severity)];
}

/** Splits a finding's body into its explanation and its suggested action (if it has one). */
export function splitBody(body: string): { explanation: string; action: string | null } {
  const m = /(?:^|\n)\s*Suggested action:\s*/i.exec(body);
  if (!m) return { explanation: body.trim(), action: null };
  return { explanation: body.slice(0, m.index).trim(), action: body.slice(m.index + m[0].length).trim() || null };
}

/** "lines_added" → "Lines added", "truckFactor" → "Truck factor". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.length > 0 ? words[0]?.toUpperCase() + words.slice(1) : key;
}

/** Formats an evidence number: integers with separators, fractions in 0..1 as percentages. */
export function formatEvidenceNumber(key: string, value: number): string {
  if (!Number.isFinite(value)) return '—';
  const k = key.toLowerCase();
  const isShare = /(share|ratio|degree|fraction|percent|pct|confidence)/.test(k);
  if (isShare && value >= 0 && value <= 1 && !Number.isInteger(value)) return `${Math.round(value * 100)}%`;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export interface ShapedFinding {
  key: string;
  rank: number;
  kind: string;
  kindLabel: string;
  severity: SeverityStyle;
  title: string;
  explanation: string;
  action: string | null;
  numbers: { key: string; label: string; value: string }[];
  files: string[];
  people: EvidencePerson[];
}

function isPerson(v: unknown): v is EvidencePerson {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).name === 'string';
}

/** Findings ordered by rank, with evidence read defensively (any field may be missing). */
export function shapeFindings(items: readonly Insight[]): ShapedFinding[] {
  return [...items]
    .sort((a, b) => a.rank - b.rank)
    .map((it, i) => {
      const ev = typeof it.evidence === 'object' && it.evidence !== null ? it.evidence : {};
      const rawNumbers = typeof ev.numbers === 'object' && ev.numbers !== null ? ev.numbers : {};
      const numbers = Object.entries(rawNumbers)
        .filter((e): e is [string, number] => typeof e[1] === 'number')
        .map(([k, v]) => ({ key: k, label: humanizeKey(k), value: formatEvidenceNumber(k, v) }));
      const files = Array.isArray(ev.files) ? ev.files.filter((f): f is string => typeof f === 'string') : [];
      const people = Array.isArray(ev.people) ? ev.people.filter(isPerson) : [];
      const { explanation, action } = splitBody(typeof it.body === 'string' ? it.body : '');
      return {
        key: `${it.rank}-${it.kind}-${i}`,
        rank: it.rank,
        kind: it.kind,
        kindLabel: humanizeKey(it.kind),
        severity: severityStyle(typeof it.severity === 'string' ? it.severity : 'info'),
        title: it.title,
        explanation,
        action,
        numbers,
        files,
        people,
      };
    });
}

/** How many findings of each level, for the collapsed panel's summary. */
export function severityCounts(findings: readonly ShapedFinding[]): Record<SeverityLevel, number> {
  const out: Record<SeverityLevel, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity.level]++;
  return out;
}
