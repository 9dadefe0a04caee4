import { describe, expect, it } from 'vitest';
import { squarify, type Rect } from './squarify';

const overlaps = (a: Rect, b: Rect, eps = 1e-9) =>
  a.x < b.x + b.w - eps && b.x < a.x + a.w - eps && a.y < b.y + b.h - eps && b.y < a.y + a.h - eps;

describe('squarify', () => {
  it('returns nothing for no weights', () => {
    expect(squarify([], { x: 0, y: 0, w: 10, h: 10 })).toEqual([]);
  });

  it('gives a single weight the whole rectangle', () => {
    expect(squarify([5], { x: 1, y: 2, w: 3, h: 4 })).toEqual([{ x: 1, y: 2, w: 3, h: 4 }]);
  });

  it('reproduces the example of the paper (6,6,4,3,2,2,1 in 6x4)', () => {
    const rects = squarify([6, 6, 4, 3, 2, 2, 1], { x: 0, y: 0, w: 6, h: 4 });
    // First row: the two 6s stacked in a 3-wide column on the left.
    expect(rects[0]).toEqual({ x: 0, y: 0, w: 3, h: 2 });
    expect(rects[1]).toEqual({ x: 0, y: 2, w: 3, h: 2 });
    rects.forEach((r, i) => expect(r.w * r.h).toBeCloseTo([6, 6, 4, 3, 2, 2, 1][i] ?? 0, 9));
  });

  it('makes areas proportional to weights, tiles the rectangle and never overlaps', () => {
    const weights = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 500)).sort((a, b) => b - a);
    const rect = { x: 10, y: -5, w: 300, h: 120 };
    const rects = squarify(weights, rect);
    const total = weights.reduce((a, b) => a + b, 0);
    let area = 0;
    rects.forEach((r, i) => {
      expect(r.w * r.h).toBeCloseTo(((weights[i] ?? 0) / total) * rect.w * rect.h, 6);
      expect(r.x).toBeGreaterThanOrEqual(rect.x - 1e-9);
      expect(r.y).toBeGreaterThanOrEqual(rect.y - 1e-9);
      expect(r.x + r.w).toBeLessThanOrEqual(rect.x + rect.w + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(rect.y + rect.h + 1e-9);
      area += r.w * r.h;
    });
    expect(area).toBeCloseTo(rect.w * rect.h, 6);
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i] as Rect, rects[j] as Rect)).toBe(false);
  });

  it('keeps aspect ratios reasonable for similar weights', () => {
    const rects = squarify(Array(100).fill(1), { x: 0, y: 0, w: 100, h: 100 });
    for (const r of rects) expect(Math.max(r.w / r.h, r.h / r.w)).toBeLessThan(3);
  });

  it('handles a degenerate rectangle without NaN', () => {
    const rects = squarify([3, 2, 1], { x: 0, y: 0, w: 0, h: 5 });
    for (const r of rects) {
      expect(Number.isNaN(r.w) || Number.isNaN(r.h)).toBe(false);
      expect(r.w * r.h).toBe(0);
    }
  });
});
