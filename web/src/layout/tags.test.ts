import { describe, expect, it } from 'vitest';
import { dayOf, markerLabel, moveNearestEnd, periodOfDay, tagMarkers } from './tags';

const periods = [{ start: '2024-01-01' }, { start: '2024-02-01' }, { start: '2024-03-01' }, { start: '2024-04-01' }];
const at = (iso: string) => Date.parse(iso) / 1000;
const sha = 'a'.repeat(40);

describe('tags on the timeline', () => {
  it('places a tag in the period holding its commit time', () => {
    const m = tagMarkers(periods, [
      { name: 'v1.1', sha, time: at('2024-03-15T12:00:00Z') },
      { name: 'v1.0', sha, time: at('2024-02-01T00:00:00Z') },
    ]);
    expect(m.map((x) => [x.period, x.tags.map((t) => t.name)])).toEqual([
      [1, ['v1.0']],
      [2, ['v1.1']],
    ]);
  });

  it('uses the UTC day: a tag at 23:30 UTC on the last day of a month stays in that month', () => {
    expect(dayOf(at('2024-01-31T23:30:00Z'))).toBe('2024-01-31');
    expect(tagMarkers(periods, [{ name: 'late', sha, time: at('2024-01-31T23:30:00Z') }])[0]?.period).toBe(0);
  });

  it('groups tags of one period, oldest first, and labels the group', () => {
    const m = tagMarkers(periods, [
      { name: 'v2.0.1', sha, time: at('2024-04-20T00:00:00Z') },
      { name: 'v2.0', sha, time: at('2024-04-02T00:00:00Z') },
      { name: 'v2.0-final', sha, time: at('2024-04-02T00:00:00Z') },
    ]);
    expect(m).toHaveLength(1);
    expect(m[0]?.period).toBe(3);
    expect(m[0]?.tags.map((t) => t.name)).toEqual(['v2.0', 'v2.0-final', 'v2.0.1']);
    expect(markerLabel(m[0]!)).toBe('v2.0 +2');
  });

  it('clamps tags outside the history to its ends', () => {
    const m = tagMarkers(periods, [
      { name: 'ancient', sha, time: at('2020-01-01T00:00:00Z') },
      { name: 'future', sha, time: at('2030-01-01T00:00:00Z') },
    ]);
    expect(m.map((x) => x.period)).toEqual([0, 3]);
  });

  it('treats a missing field or malformed entries as no tags', () => {
    expect(tagMarkers(periods, undefined)).toEqual([]);
    expect(tagMarkers(periods, null)).toEqual([]);
    expect(tagMarkers([], [{ name: 'v1', sha, time: 0 }])).toEqual([]);
    expect(tagMarkers(periods, [{ name: 'v1' }, { name: '', sha, time: 1 }, { name: 'x', sha, time: Number.NaN }, 'v3'])).toEqual([]);
  });

  it('finds the period of a day by binary search', () => {
    expect(periodOfDay(periods, '2023-12-31')).toBe(0);
    expect(periodOfDay(periods, '2024-02-29')).toBe(1);
    expect(periodOfDay(periods, '2024-04-01')).toBe(3);
    expect(periodOfDay([], '2024-04-01')).toBe(-1);
  });

  it('moves the nearer end of a compared range to a picked tag', () => {
    expect(moveNearestEnd([4, 10], 2)).toEqual([2, 10]);
    expect(moveNearestEnd([4, 10], 12)).toEqual([4, 12]);
    expect(moveNearestEnd([4, 10], 6)).toEqual([6, 10]);
    expect(moveNearestEnd([4, 10], 8)).toEqual([4, 8]);
    expect(moveNearestEnd([4, 10], 7)).toEqual([7, 10]);
  });
});
