import { describe, expect, it } from 'vitest';
import type { Insight } from '../api/types';
import { formatEvidenceNumber, humanizeKey, severityCounts, severityLevel, shapeFindings, splitBody } from './findings';

const insight = (over: Partial<Insight>): Insight => ({
  rank: 1,
  kind: 'hotspot',
  severity: 'warning',
  title: 't',
  body: 'why\n\nSuggested action: do it',
  evidence: null,
  ...over,
});

describe('findings', () => {
  it('maps both severity vocabularies to three levels', () => {
    expect(severityLevel('critical')).toBe('critical');
    expect(severityLevel('HIGH')).toBe('critical');
    expect(severityLevel('warning')).toBe('warning');
    expect(severityLevel('medium')).toBe('warning');
    expect(severityLevel('low')).toBe('info');
    expect(severityLevel('info')).toBe('info');
    expect(severityLevel('something new')).toBe('info');
  });

  it('splits the explanation from the suggested action', () => {
    expect(splitBody('Busy and complex.\n\nSuggested action: split it up.')).toEqual({
      explanation: 'Busy and complex.',
      action: 'split it up.',
    });
    expect(splitBody('Only an explanation.')).toEqual({ explanation: 'Only an explanation.', action: null });
  });

  it('humanizes keys and formats numbers', () => {
    expect(humanizeKey('lines_added')).toBe('Lines added');
    expect(humanizeKey('truckFactor')).toBe('Truck factor');
    expect(formatEvidenceNumber('revisions', 41673)).toBe('41,673');
    expect(formatEvidenceNumber('top_share', 0.823)).toBe('82%');
    expect(formatEvidenceNumber('mean', 2.345)).toBe('2.35');
    expect(formatEvidenceNumber('confidence_a_to_b', 0.5)).toBe('50%');
    expect(formatEvidenceNumber('x', Number.NaN)).toBe('—');
  });

  it('orders by rank and reads evidence defensively', () => {
    const shaped = shapeFindings([
      insight({ rank: 2, severity: 'critical', evidence: { numbers: { revisions: 479, note: 'x' as unknown as number }, files: ['a.py', 3 as unknown as string] } }),
      insight({ rank: 1, evidence: { people: [{ name: 'Ada', email: 'ada@example.com' }, { nope: 1 } as unknown as { name: string }] } }),
    ]);
    expect(shaped.map((f) => f.rank)).toEqual([1, 2]);
    expect(shaped[0]?.people).toEqual([{ name: 'Ada', email: 'ada@example.com' }]);
    expect(shaped[0]?.files).toEqual([]);
    expect(shaped[1]?.numbers).toEqual([{ key: 'revisions', label: 'Revisions', value: '479' }]);
    expect(shaped[1]?.files).toEqual(['a.py']);
    expect(shaped[1]?.severity.label).toBe('Critical');
    expect(shaped[1]?.action).toBe('do it');
    expect(severityCounts(shaped)).toEqual({ critical: 1, warning: 1, info: 0 });
  });

  it('gives every level a distinct glyph and label (readable without colour)', () => {
    const levels = ['critical', 'warning', 'info'].map((s) => shapeFindings([insight({ severity: s })])[0]?.severity);
    expect(new Set(levels.map((l) => l?.glyph)).size).toBe(3);
    expect(new Set(levels.map((l) => l?.label)).size).toBe(3);
  });
});
