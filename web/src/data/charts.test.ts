import { describe, expect, it } from 'vitest';
import type { Contributor } from '../api/types';
import { dir, file } from '../layout/testTrees';
import { activityScales, filesOf, monthLabel, monthTicks, scatterPoints, scatterScales, topContributors } from './charts';

describe('activity', () => {
  const months = ['2020-11', '2020-12', '2021-01', '2021-02'];
  it('labels months', () => {
    expect(monthLabel('2021-01')).toBe('Jan 2021');
    expect(monthLabel('2021-13')).toBe('2021-13');
    expect(monthLabel('garbage')).toBe('garbage');
  });

  it('picks January ticks over long ranges and all months over short ones', () => {
    expect(monthTicks(months, 10)).toEqual(months);
    const long: string[] = [];
    for (let y = 2010; y < 2024; y++) for (let m = 1; m <= 12; m++) long.push(`${y}-${String(m).padStart(2, '0')}`);
    const ticks = monthTicks(long, 8);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every((t) => t.endsWith('-01'))).toBe(true);
    expect(ticks[0]).toBe('2010-01');
    expect(monthTicks([], 5)).toEqual([]);
  });

  it('scales bars from zero and fits every month in the width', () => {
    const items = months.map((month, i) => ({ month, commits: i * 10, authors: i }));
    const s = activityScales(items, 400, 200);
    expect(s.commits(0)).toBe(200);
    expect(s.commits(30)).toBeGreaterThanOrEqual(0);
    expect(s.commits(30)).toBeLessThan(200);
    const last = s.x('2021-02') ?? -1;
    expect(last + s.x.bandwidth()).toBeLessThanOrEqual(400.0001);
    expect(s.x('2020-11')).toBeGreaterThanOrEqual(0);
    // All-zero activity still yields a usable scale.
    const zero = activityScales([{ month: '2021-01', commits: 0, authors: 0 }], 100, 50);
    expect(Number.isFinite(zero.commits(0))).toBe(true);
  });
});

describe('hotspot scatter', () => {
  it('falls back to the tree and drops points that cannot sit on log axes', () => {
    const files = [
      file('a.py', 10, { revisions: 10, cyclomatic: 5 }),
      file('b.py', 10, { revisions: 3, cyclomatic: 0 }),
      file('c.py', 10, { revisions: 100, cyclomatic: 20 }),
    ];
    const pts = scatterPoints(null, files);
    expect(pts.map((p) => p.path)).toEqual(['a.py', 'c.py']);
    expect(pts[1]?.score).toBe(2000);
    const fromApi = scatterPoints([{ path: 'z.py', revisions: 4, complexity: 2, score: 8 }], files);
    expect(fromApi.map((p) => p.path)).toEqual(['z.py']);
  });

  it('uses log scales starting at 1, clamped, with area following the score', () => {
    const pts = [
      { path: 'a', revisions: 1, complexity: 1, score: 1 },
      { path: 'b', revisions: 1000, complexity: 50, score: 50000 },
    ];
    const s = scatterScales(pts, 500, 300);
    expect(s.x(1)).toBe(0);
    expect(s.x(1000)).toBeCloseTo(500);
    expect(s.x(0.001)).toBe(0);
    expect(s.x(10)).toBeCloseTo(500 / 3);
    expect(s.y(1)).toBe(300);
    expect(s.r(50000)).toBeGreaterThan(s.r(1));
  });
});

describe('contributors', () => {
  const c = (id: number, name: string, commits: number): Contributor => ({
    id,
    name,
    email: `${name}@example.com`,
    commits,
    lines_added: 1,
    lines_removed: 0,
    first_commit_at: '2021-01-04T08:00:00Z',
    last_commit_at: '2024-03-01T10:00:00Z',
    is_bot: false,
  });
  it('keeps the top n by commits with their share', () => {
    const rows = topContributors([c(1, 'b', 10), c(2, 'a', 30), c(3, 'c', 60)], 2);
    expect(rows.map((r) => r.name)).toEqual(['c', 'a']);
    expect(rows[0]?.share).toBeCloseTo(0.6);
    expect(rows[0]?.first).toBe('2021-01-04');
    expect(topContributors([], 20)).toEqual([]);
  });
});

describe('filesOf', () => {
  it('lists every file of nested folders', () => {
    const root = dir('', [dir('src', [file('src/a.py', 1), dir('src/x', [file('src/x/b.py', 1)])]), file('c.md', 1)]);
    expect(filesOf(root).map((f) => f.path).sort()).toEqual(['c.md', 'src/a.py', 'src/x/b.py']);
  });
});

describe('log ticks', () => {
  it('uses 1-2-5 steps, falling back to powers of ten over wide ranges', async () => {
    const { logTickValues } = await import('./charts');
    expect(logTickValues(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTickValues(1, 1_000_000)).toEqual([1, 10, 100, 1000, 10_000, 100_000, 1_000_000]);
    expect(logTickValues(3, 40)).toEqual([5, 10, 20]);
  });
});
