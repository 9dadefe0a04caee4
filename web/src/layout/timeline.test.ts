import { describe, expect, it } from 'vitest';
import type { Timeline } from '../api/types';
import {
  activityColors,
  biggestChanges,
  cityAt,
  compare,
  indexTimeline,
  lastEntryAtOrBefore,
  lineHeights,
  linesOf,
  periodOfDate,
  recentChanges,
  recentWindow,
  timelineSlots,
  timeTravelLayout,
  unionTree,
} from './timeline';
import { dir, file } from './testTrees';
import type { CityLayout } from './city';

// Five days: a.py created (10), grows (25); b.py created day 1, deleted day 3; c.py created
// day 4; docs/old.md renamed away on day 2 (gone afterwards).
const TIMELINE: Pick<Timeline, 'periods' | 'files' | 'unit'> = {
  unit: 'day',
  periods: ['2021-01-04', '2021-01-05', '2021-01-06', '2021-01-07', '2021-01-08'].map((start, i) => ({
    start,
    commits: [2, 1, 1, 1, 1][i] ?? 0,
    authors: 1,
    added: 0,
    removed: 0,
  })),
  files: [
    { path: 'src/a.py', series: [0, 10, 1, 2, 25, 1] },
    { path: 'src/b.py', series: [1, 40, 1, 3, -1, 1] },
    { path: 'src/c.py', series: [4, 5, 1] },
    { path: 'docs/old.md', series: [0, 7, 1, 2, -1, 1] },
  ],
};

// The analysed revision: a.py and c.py.
const TREE = dir('', [dir('src', [file('src/a.py', 20), file('src/c.py', 4)])]);

const pathsAlive = (layout: CityLayout, alive: Uint8Array) =>
  layout.buildings.files.filter((_, i) => alive[i] === 1).map((f) => f.path).sort();

describe('timeline index', () => {
  const index = indexTimeline(TIMELINE);

  it('finds the last entry at or before a period', () => {
    const s = Int32Array.from([0, 1, 1, 2, 2, 1, 5, 3, 1]);
    expect([-1, 0, 1, 2, 4, 5, 9].map((p) => lastEntryAtOrBefore(s, p))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
  });

  it('answers line counts and existence at every period', () => {
    const a = index.byPath.get('src/a.py') ?? -1;
    const b = index.byPath.get('src/b.py') ?? -1;
    expect([0, 1, 2, 3, 4].map((p) => linesOf(index, a, p))).toEqual([10, 10, 25, 25, 25]);
    expect([0, 1, 2, 3, 4].map((p) => linesOf(index, b, p))).toEqual([-1, 40, 40, -1, -1]);
    expect(index.maxLines[b]).toBe(40);
    expect(index.maxLinesEver).toBe(40);
  });

  it('counts recent changes in a window of periods', () => {
    const a = index.byPath.get('src/a.py') ?? -1;
    expect(recentChanges(index, a, 2, 1)).toBe(1);
    expect(recentChanges(index, a, 3, 1)).toBe(0);
    expect(recentChanges(index, a, 2, 3)).toBe(2);
    expect(recentWindow(400)).toBe(20);
    expect(recentWindow(3)).toBe(1);
  });

  it('maps dates to periods', () => {
    expect(periodOfDate(TIMELINE.periods, '2021-01-06T12:00:00Z')).toBe(2);
    expect(periodOfDate(TIMELINE.periods, '2020-01-01')).toBe(0);
    expect(periodOfDate(TIMELINE.periods, '2030-01-01')).toBe(4);
    expect(periodOfDate([], '2021-01-01')).toBe(-1);
  });
});

describe('time-travel city', () => {
  const index = indexTimeline(TIMELINE);
  const layout = timeTravelLayout(TREE, index);
  const slots = timelineSlots(layout, index);

  it('lays out the union of every path that ever existed', () => {
    const union = unionTree(TREE, index);
    expect(layout.buildings.files.map((f) => f.path).sort()).toEqual(['docs/old.md', 'src/a.py', 'src/b.py', 'src/c.py']);
    // Files alive at the analysed revision keep their metrics.
    const a = union.children.find((c) => c.path === 'src');
    expect(a?.kind === 'dir' && a.children.find((c) => c.path === 'src/a.py')).toMatchObject({ lines: { code: 20 } });
  });

  it('shows only the files that existed at each period', () => {
    expect(pathsAlive(layout, cityAt(layout, index, slots, 0, 1).alive)).toEqual(['docs/old.md', 'src/a.py']);
    expect(pathsAlive(layout, cityAt(layout, index, slots, 1, 1).alive)).toEqual(['docs/old.md', 'src/a.py', 'src/b.py']);
    expect(pathsAlive(layout, cityAt(layout, index, slots, 3, 1).alive)).toEqual(['src/a.py']);
    const last = cityAt(layout, index, slots, 4, 1);
    expect(pathsAlive(layout, last.alive)).toEqual(['src/a.py', 'src/c.py']);
    expect(last.aliveCount).toBe(2);
    expect(last.lines[layout.indexByPath.get('src/a.py') ?? -1]).toBe(25);
  });

  it('keeps every building on the same lot whatever the period, and independent of input order', () => {
    // The layout does not depend on the period: it is computed once; a tree listing its
    // children in another order, and a timeline listing files in another order, give the same lots.
    const shuffledTree = dir('', [dir('src', [file('src/c.py', 4), file('src/a.py', 20)])]);
    const shuffled = indexTimeline({ ...TIMELINE, files: [...TIMELINE.files].reverse() });
    const other = timeTravelLayout(shuffledTree, shuffled);
    for (const path of ['docs/old.md', 'src/a.py', 'src/b.py', 'src/c.py']) {
      const i = layout.indexByPath.get(path) ?? -1;
      const j = other.indexByPath.get(path) ?? -1;
      expect([other.buildings.x[j], other.buildings.z[j], other.buildings.width[j]]).toEqual([
        layout.buildings.x[i],
        layout.buildings.z[i],
        layout.buildings.width[i],
      ]);
    }
  });

  it('sizes footprints by the largest line count ever, so the deleted big file keeps the biggest lot', () => {
    const area = (p: string) => {
      const i = layout.indexByPath.get(p) ?? -1;
      return (layout.buildings.width[i] ?? 0) * (layout.buildings.depth[i] ?? 0);
    };
    expect(area('src/b.py')).toBeGreaterThan(area('src/a.py'));
    expect(area('src/a.py')).toBeGreaterThan(area('src/c.py'));
  });

  it('grows heights with lines against the whole history, and colours recent activity', () => {
    const at2 = cityAt(layout, index, slots, 2, 1);
    const h = lineHeights(at2.lines, index.maxLinesEver, { maxHeight: 100, minHeight: 1, scale: 'linear' });
    expect(h[layout.indexByPath.get('src/b.py') ?? -1]).toBeCloseTo(100);
    expect(h[layout.indexByPath.get('src/a.py') ?? -1]).toBeCloseTo(1 + 99 * (25 / 40));
    const colors = activityColors(at2);
    const a = layout.indexByPath.get('src/a.py') ?? -1;
    const b = layout.indexByPath.get('src/b.py') ?? -1;
    // a.py changed in period 2, b.py did not: different colours.
    expect(Array.from(colors.subarray(a * 3, a * 3 + 3))).not.toEqual(Array.from(colors.subarray(b * 3, b * 3 + 3)));
  });
});

describe('comparing two periods', () => {
  const index = indexTimeline(TIMELINE);
  const layout = timeTravelLayout(TREE, index);
  const slots = timelineSlots(layout, index);

  it('classifies files as added, deleted, grown, shrunk or unchanged', () => {
    const c = compare(layout, index, slots, 1, 4);
    const of = (p: string) => c.status[layout.indexByPath.get(p) ?? -1];
    expect(of('src/a.py')).toBe('grown');
    expect(of('src/b.py')).toBe('deleted');
    expect(of('src/c.py')).toBe('added');
    expect(of('docs/old.md')).toBe('deleted');
    expect(c.counts).toMatchObject({ added: 1, deleted: 2, grown: 1 });
    const back = compare(layout, index, slots, 2, 0);
    expect(back.status[layout.indexByPath.get('src/a.py') ?? -1]).toBe('shrunk');
    expect(back.status[layout.indexByPath.get('src/c.py') ?? -1]).toBe('absent');
  });

  it('lists the biggest changes first', () => {
    const c = compare(layout, index, slots, 1, 4);
    const rows = biggestChanges(layout, c, 3).map((r) => [layout.buildings.files[r.index]?.path, r.delta, r.status]);
    expect(rows).toEqual([
      ['src/b.py', -40, 'deleted'],
      ['src/a.py', 15, 'grown'],
      ['docs/old.md', -7, 'deleted'],
    ]);
  });
});
