import { describe, expect, it } from 'vitest';
import { buildingHeights, defaultHeightOptions, heightMetric, normalize, topFiles } from './metrics';
import { file } from './testTrees';

describe('normalize', () => {
  it('maps 0 to 0 and max to 1 on every scale', () => {
    for (const s of ['sqrt', 'log', 'linear'] as const) {
      expect(normalize(0, 100, s)).toBe(0);
      expect(normalize(100, 100, s)).toBeCloseTo(1, 9);
    }
  });
  it('compresses large values with sqrt and log', () => {
    expect(normalize(25, 100, 'sqrt')).toBeCloseTo(0.5, 9);
    expect(normalize(25, 100, 'log')).toBeGreaterThan(normalize(25, 100, 'sqrt'));
    expect(normalize(25, 100, 'linear')).toBeCloseTo(0.25, 9);
  });
  it('treats bad input as zero', () => {
    expect(normalize(Number.NaN, 10, 'sqrt')).toBe(0);
    expect(normalize(-5, 10, 'log')).toBe(0);
    expect(normalize(5, 0, 'linear')).toBe(0);
  });
});

describe('buildingHeights', () => {
  const files = [file('a', 0), file('b', 100), file('c', 10_000)];
  it('spans [minHeight, maxHeight] and is monotonic in the metric', () => {
    const h = buildingHeights(files, heightMetric('code'), { maxHeight: 200, minHeight: 2, scale: 'sqrt' });
    expect(h[0]).toBeCloseTo(2, 5);
    expect(h[2]).toBeCloseTo(200, 5);
    expect(h[1]).toBeCloseTo(2 + 198 * 0.1, 4);
  });
  it('uses the chosen metric', () => {
    const withRevs = [file('a', 10, { revisions: 50 }), file('b', 1000, { revisions: 5 })];
    const h = buildingHeights(withRevs, heightMetric('revisions'), { maxHeight: 100, minHeight: 1 });
    expect(h[0]).toBeGreaterThan(h[1] ?? Infinity);
  });
  it('falls back to lines of code for an unknown metric id', () => {
    expect(heightMetric('nonsense').id).toBe('code');
  });
  it('gives all-zero metrics the minimum height', () => {
    const h = buildingHeights([file('a', 0), file('b', 0)], heightMetric('code'), { maxHeight: 10, minHeight: 1 });
    expect(Array.from(h)).toEqual([1, 1]);
  });
});

describe('defaultHeightOptions', () => {
  it('keeps big cities lower than small ones, within bounds', () => {
    const small = defaultHeightOptions(1000, 200);
    const big = defaultHeightOptions(1000, 30_000);
    expect(small.maxHeight).toBeCloseTo(220, 5);
    expect(big.maxHeight).toBeCloseTo(60, 5);
    expect(big.minHeight).toBeLessThan(big.maxHeight);
  });
});

describe('topFiles', () => {
  it('ranks by the metric, breaks ties by path and skips zeros', () => {
    const files = [file('b', 10), file('a', 10), file('c', 0), file('d', 99)];
    expect(topFiles(files, heightMetric('code'), 10)).toEqual([3, 1, 0]);
    expect(topFiles(files, heightMetric('code'), 1)).toEqual([3]);
    expect(topFiles([], heightMetric('code'), 5)).toEqual([]);
  });
});

describe('hotspot score', () => {
  it('is revisions times cyclomatic, zero for bad input', async () => {
    const { hotspotScore, heightMetric } = await import('./metrics');
    expect(hotspotScore({ revisions: 479, cyclomatic: 87 })).toBe(41673);
    expect(hotspotScore({ revisions: Number.NaN, cyclomatic: 3 })).toBe(0);
    expect(hotspotScore({ revisions: -2, cyclomatic: 3 })).toBe(0);
    expect(heightMetric('hotspot').formula).toContain('revisions × cyclomatic');
  });
});
