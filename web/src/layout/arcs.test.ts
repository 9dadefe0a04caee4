import { describe, expect, it } from 'vitest';
import { arcBuffers, arcPoints, coupledWith } from './arcs';
import { layoutCity } from './city';
import { dir, file } from './testTrees';

describe('coupled files', () => {
  const index = new Map([
    ['a.py', 0],
    ['b.py', 1],
    ['c.py', 2],
  ]);
  it('lists partners on either side of a pair, strongest first', () => {
    const got = coupledWith(
      'a.py',
      [
        { path_a: 'a.py', path_b: 'b.py', shared: 4, degree: 0.4 },
        { path_a: 'c.py', path_b: 'a.py', shared: 9, degree: 0.9 },
        { path_a: 'b.py', path_b: 'c.py', shared: 9, degree: 1 },
        { path_a: 'a.py', path_b: 'gone.py', shared: 2, degree: 2 },
        { path_a: 'a.py', path_b: 'a.py', shared: 2, degree: 1 },
      ],
      index,
    );
    expect(got.map((g) => [g.path, g.index, g.degree])).toEqual([
      ['gone.py', -1, 1],
      ['c.py', 2, 0.9],
      ['b.py', 1, 0.4],
    ]);
  });
});

describe('arc geometry', () => {
  it('starts and ends on the roofs and peaks above the higher one', () => {
    const pts = arcPoints([0, 10, 0], [100, 30, 0], 20, 50);
    expect(pts).toHaveLength(21);
    expect(pts[0]).toEqual([0, 10, 0]);
    const last = pts[20] ?? [0, 0, 0];
    expect(last[0]).toBeCloseTo(100);
    expect(last[1]).toBeCloseTo(30);
    const peak = Math.max(...pts.map((p) => p[1]));
    expect(peak).toBeGreaterThan(30);
    // The midpoint sits `lift` above the higher roof; the true apex is barely above it.
    expect(pts[10]?.[1]).toBeCloseTo(80);
    expect(peak).toBeLessThan(82);
  });

  it('builds one segment buffer for all partners, skipping those outside the city', () => {
    const layout = layoutCity(dir('', [file('a.py', 100), file('b.py', 50), file('c.py', 10)]));
    const heights = new Float32Array([5, 10, 2]);
    const ia = layout.indexByPath.get('a.py') ?? -1;
    const ib = layout.indexByPath.get('b.py') ?? -1;
    const buf = arcBuffers(layout, heights, ia, [{ index: ib, degree: 1 }, { index: -1, degree: 1 }, { index: ia, degree: 1 }], 8);
    expect(buf.arcs).toBe(1);
    expect(buf.positions.length).toBe(8 * 6);
    expect(buf.colors.length).toBe(buf.positions.length);
    // First vertex on a's roof, last on b's.
    expect(buf.positions[0]).toBeCloseTo(layout.buildings.x[ia] ?? 0);
    expect(buf.positions[1]).toBeCloseTo((layout.buildings.y[ia] ?? 0) + 5);
    expect(buf.positions[buf.positions.length - 3]).toBeCloseTo(layout.buildings.x[ib] ?? 0);
    expect(buf.positions[buf.positions.length - 2]).toBeCloseTo((layout.buildings.y[ib] ?? 0) + 10);
    expect(arcBuffers(layout, heights, 99, [{ index: ib, degree: 1 }]).arcs).toBe(0);
  });
});

describe('arc ribbon', () => {
  it('makes two triangles per segment, halfWidth either side, across the direction of travel', async () => {
    const { ribbonFromSegments } = await import('./arcs');
    const seg = new Float32Array([0, 5, 0, 10, 5, 0]);
    const col = new Float32Array([1, 0, 0, 0, 1, 0]);
    const r = ribbonFromSegments(seg, col, 0.5);
    expect(r.positions.length).toBe(18);
    // Along +x, the ribbon spreads along z.
    const zs = new Set(Array.from({ length: 6 }, (_, k) => r.positions[k * 3 + 2]));
    expect([...zs].sort()).toEqual([-0.5, 0.5]);
    expect(Array.from({ length: 6 }, (_, k) => r.positions[k * 3 + 1]).every((y) => y === 5)).toBe(true);
    expect(Array.from(r.colors.slice(0, 3))).toEqual([1, 0, 0]);
    // A vertical segment still gets a width instead of NaNs.
    const up = ribbonFromSegments(new Float32Array([0, 0, 0, 0, 5, 0]), col, 1);
    expect(Array.from(up.positions).every(Number.isFinite)).toBe(true);
  });
});

describe('buildings box', () => {
  it('covers every listed building and its tallest roof', async () => {
    const { buildingsBox } = await import('./arcs');
    const layout = layoutCity(dir('', [file('a.py', 100), file('b.py', 50), file('c.py', 10)]));
    const heights = new Float32Array([5, 10, 2]);
    const box = buildingsBox(layout, heights, [0, 2, 99, -1]);
    expect(box).not.toBeNull();
    const b = layout.buildings;
    for (const i of [0, 2]) {
      expect(Math.abs((b.x[i] ?? 0) - (box?.x ?? 0))).toBeLessThanOrEqual((box?.width ?? 0) / 2 + 1e-6);
      expect(Math.abs((b.z[i] ?? 0) - (box?.z ?? 0))).toBeLessThanOrEqual((box?.depth ?? 0) / 2 + 1e-6);
    }
    expect(box?.top).toBeCloseTo(Math.max((b.y[0] ?? 0) + 5, (b.y[2] ?? 0) + 2));
    expect(buildingsBox(layout, heights, [42])).toBeNull();
  });
});
