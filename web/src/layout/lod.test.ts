import { describe, expect, it } from 'vitest';
import { layoutCity } from './city';
import { distanceToCity, lodCount, lodOrder, minVisibleSize, visibleSlots } from './lod';
import { dir, file, randomTree } from './testTrees';

describe('level of detail', () => {
  it('orders buildings by footprint and maps slots both ways', () => {
    const c = layoutCity(dir('', [file('small.py', 5), file('big.py', 500), file('mid.py', 50)]));
    const lod = lodOrder(c);
    expect(Array.from(lod.order).map((i) => c.buildings.files[i]?.path)).toEqual(['big.py', 'mid.py', 'small.py']);
    lod.order.forEach((b, s) => expect(lod.slotOf[b]).toBe(s));
    for (let s = 1; s < lod.size.length; s++) expect(lod.size[s]).toBeLessThanOrEqual(lod.size[s - 1] ?? 0);
  });

  it('counts the slots at or above a size', () => {
    const c = layoutCity(dir('', [file('small.py', 5), file('big.py', 500), file('mid.py', 50)]));
    const lod = lodOrder(c);
    expect(lodCount(lod, 0)).toBe(3);
    expect(lodCount(lod, Infinity)).toBe(0);
    expect(lodCount(lod, lod.size[1] ?? 0)).toBe(2);
  });

  it('projects pixels to world sizes', () => {
    // 90° field of view: at distance 1 the viewport spans 2 world units.
    expect(minVisibleSize(1, 90, 200, 1)).toBeCloseTo(0.01);
    expect(minVisibleSize(0, 90, 200, 1)).toBe(0);
  });

  it('measures the distance to the city box', () => {
    const c = layoutCity(randomTree(50, 3));
    expect(distanceToCity(c, 100, [0, 50, 0])).toBe(0);
    expect(distanceToCity(c, 100, [0, 130, 0])).toBeCloseTo(30);
    expect(distanceToCity(c, 100, [c.width / 2 + 3, 104, 0])).toBeCloseTo(5);
  });

  it('draws everything up close and skips sub-pixel buildings of a large city seen from afar', () => {
    const c = layoutCity(randomTree(20_000, 7));
    const lod = lodOrder(c);
    const near = visibleSlots(c, lod, 200, [0, 250, 0], 40, 720);
    const far = visibleSlots(c, lod, 200, [0, 6000, 6000], 40, 720);
    expect(near).toBe(c.buildings.count);
    expect(far).toBeLessThan(c.buildings.count);
    expect(far).toBeGreaterThan(0);
    // What is skipped is smaller than what is drawn.
    expect(lod.size[far - 1] ?? 0).toBeGreaterThanOrEqual(lod.size[far] ?? 0);
  });
});
