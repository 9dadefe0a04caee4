import { describe, expect, it } from 'vitest';
import type { DirNode, TreeNode } from '../api/types';
import { layoutCity, type CityLayout } from './city';
import { dir, file, randomTree } from './testTrees';

interface Box {
  x0: number;
  x1: number;
  z0: number;
  z1: number;
}
const eps = 1e-3;
const buildingBox = (c: CityLayout, i: number): Box => {
  const b = c.buildings;
  const x = b.x[i] ?? 0, z = b.z[i] ?? 0, w = b.width[i] ?? 0, d = b.depth[i] ?? 0;
  return { x0: x - w / 2, x1: x + w / 2, z0: z - d / 2, z1: z + d / 2 };
};
const districtBox = (c: CityLayout, i: number): Box => {
  const b = c.districts;
  const x = b.x[i] ?? 0, z = b.z[i] ?? 0, w = b.width[i] ?? 0, d = b.depth[i] ?? 0;
  return { x0: x - w / 2, x1: x + w / 2, z0: z - d / 2, z1: z + d / 2 };
};
const overlap = (a: Box, b: Box) => a.x0 < b.x1 - eps && b.x0 < a.x1 - eps && a.z0 < b.z1 - eps && b.z0 < a.z1 - eps;
const inside = (inner: Box, outer: Box) =>
  inner.x0 >= outer.x0 - eps && inner.x1 <= outer.x1 + eps && inner.z0 >= outer.z0 - eps && inner.z1 <= outer.z1 + eps;

/** Parent district of every district, found through the tree. */
function districtParents(c: CityLayout): number[] {
  const index = new Map(c.districts.dirs.map((d, i) => [d, i]));
  const parents = new Array<number>(c.districts.count).fill(-1);
  c.districts.dirs.forEach((d, i) => {
    for (const ch of d.children) if (ch.kind === 'dir' && index.has(ch)) parents[index.get(ch) ?? 0] = i;
  });
  return parents;
}

function shuffledCopy(node: TreeNode, seed: { v: number }): TreeNode {
  if (node.kind === 'file') return { ...node };
  const kids = node.children.map((c) => shuffledCopy(c, seed));
  // Deterministic "shuffle": reverse and rotate.
  kids.reverse();
  const k = seed.v++ % Math.max(1, kids.length);
  return { ...node, children: [...kids.slice(k), ...kids.slice(0, k)] };
}

describe('layoutCity', () => {
  it('lays out an empty tree as an empty city', () => {
    const c = layoutCity(dir('', []));
    expect(c.buildings.count).toBe(0);
    expect(c.districts.count).toBe(0);
    expect(c.buildings.x.length).toBe(0);
  });

  it('drops folders that hold no files', () => {
    const c = layoutCity(dir('', [dir('empty', [dir('empty/deeper', [])]), file('a.py', 10)]));
    expect(c.buildings.count).toBe(1);
    expect(c.districts.count).toBe(1);
    expect(c.districts.dirs[0]?.path).toBe('');
  });

  it('places a single file inside the root platform, on top of it', () => {
    const c = layoutCity(dir('', [file('main.rs', 42)]), { citySize: 100 });
    expect(c.buildings.count).toBe(1);
    expect(c.districts.count).toBe(1);
    const root = districtBox(c, 0);
    expect(root.x1 - root.x0).toBeCloseTo(100, 3);
    const b = buildingBox(c, 0);
    expect(inside(b, root)).toBe(true);
    expect(b.x1 - b.x0).toBeGreaterThan(10);
    expect(c.buildings.y[0]).toBeCloseTo(c.platformHeight, 6);
    expect(c.indexByPath.get('main.rs')).toBe(0);
  });

  it('gives an empty file a footprint (minimum weight 1)', () => {
    const c = layoutCity(dir('', [file('big.py', 99), file('empty.py', 0)]));
    const i = c.indexByPath.get('empty.py') ?? -1;
    const j = c.indexByPath.get('big.py') ?? -1;
    const area = (k: number) => (c.buildings.width[k] ?? 0) * (c.buildings.depth[k] ?? 0);
    expect(area(i)).toBeGreaterThan(0);
    expect(area(j) / area(i)).toBeCloseTo(99, 2);
  });

  it('makes sibling footprints exactly proportional to lines of code', () => {
    const files = [5, 10, 20, 40, 80, 160, 320].map((n) => file(`src/f${n}.py`, n));
    const c = layoutCity(dir('', [dir('src', files), file('README.md', 30)]));
    const area = (p: string) => {
      const k = c.indexByPath.get(p) ?? -1;
      return (c.buildings.width[k] ?? 0) * (c.buildings.depth[k] ?? 0);
    };
    const unit = area('src/f5.py') / 5;
    for (const n of [10, 20, 40, 80, 160, 320]) expect(area(`src/f${n}.py`) / unit).toBeCloseTo(n, 2);
  });

  it('keeps footprints roughly proportional across districts', () => {
    const c = layoutCity(randomTree(2000, 7));
    const ratios: number[] = [];
    for (let i = 0; i < c.buildings.count; i++) {
      const f = c.buildings.files[i];
      const w = Math.max(1, f?.lines.code ?? 0);
      ratios.push(((c.buildings.width[i] ?? 0) * (c.buildings.depth[i] ?? 0)) / w);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)] ?? 1;
    // Padding eats a little more of small, oblong districts; the bulk stays within 2x.
    const p05 = ratios[Math.floor(ratios.length * 0.05)] ?? 0;
    const p95 = ratios[Math.floor(ratios.length * 0.95)] ?? 0;
    expect(p05 / median).toBeGreaterThan(0.5);
    expect(p95 / median).toBeLessThan(2);
  });

  it('never overlaps siblings and keeps everything inside its parent', () => {
    const c = layoutCity(randomTree(1500, 3));
    const parents = districtParents(c);
    // Buildings: inside their district, and no overlap with any other building of it.
    const byDistrict = new Map<number, number[]>();
    for (let i = 0; i < c.buildings.count; i++) {
      const d = c.buildings.district[i] ?? -1;
      expect(d).toBeGreaterThanOrEqual(0);
      expect(inside(buildingBox(c, i), districtBox(c, d))).toBe(true);
      expect(c.buildings.y[i]).toBeCloseTo(((c.districts.level[d] ?? 0) + 1) * c.platformHeight, 4);
      byDistrict.set(d, [...(byDistrict.get(d) ?? []), i]);
    }
    // Districts: inside their parent, one level up, and disjoint from sibling districts and
    // from the buildings standing beside them.
    const childDistricts = new Map<number, number[]>();
    parents.forEach((p, i) => {
      if (p < 0) return;
      expect(inside(districtBox(c, i), districtBox(c, p))).toBe(true);
      expect(c.districts.level[i]).toBe((c.districts.level[p] ?? 0) + 1);
      expect(c.districts.y[i]).toBeGreaterThan(c.districts.y[p] ?? 0);
      childDistricts.set(p, [...(childDistricts.get(p) ?? []), i]);
    });
    let pairs = 0;
    for (let d = 0; d < c.districts.count; d++) {
      const boxes = [
        ...(byDistrict.get(d) ?? []).map((i) => buildingBox(c, i)),
        ...(childDistricts.get(d) ?? []).map((i) => districtBox(c, i)),
      ];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          pairs++;
          expect(overlap(boxes[i] as Box, boxes[j] as Box)).toBe(false);
        }
    }
    expect(pairs).toBeGreaterThan(1000);
  });

  it('is deterministic, whatever the input order of children', () => {
    const tree = randomTree(800, 11);
    const a = layoutCity(tree);
    const b = layoutCity(tree);
    const c = layoutCity(shuffledCopy(tree, { v: 1 }) as DirNode);
    for (const other of [b, c]) {
      expect(other.buildings.files.map((f) => f.path)).toEqual(a.buildings.files.map((f) => f.path));
      expect(Array.from(other.buildings.x)).toEqual(Array.from(a.buildings.x));
      expect(Array.from(other.buildings.z)).toEqual(Array.from(a.buildings.z));
      expect(Array.from(other.buildings.width)).toEqual(Array.from(a.buildings.width));
      expect(Array.from(other.districts.depth)).toEqual(Array.from(a.districts.depth));
    }
  });

  it('moves little when one file changes size', () => {
    const tree = randomTree(300, 5);
    const before = layoutCity(tree);
    const bump = (n: TreeNode): TreeNode =>
      n.kind === 'file'
        ? n.path === before.buildings.files[10]?.path
          ? { ...n, lines: { ...n.lines, code: n.lines.code + 1 } }
          : n
        : { ...n, children: n.children.map(bump) };
    const after = layoutCity(bump(tree) as DirNode);
    let moved = 0;
    before.buildings.files.forEach((f, i) => {
      const j = after.indexByPath.get(f.path) ?? -1;
      const dx = Math.abs((after.buildings.x[j] ?? 0) - (before.buildings.x[i] ?? 0));
      if (dx > before.citySize * 0.05) moved++;
    });
    expect(moved / before.buildings.count).toBeLessThan(0.2);
  });

  it('centres the city on the origin with the requested size', () => {
    const c = layoutCity(randomTree(100, 9), { citySize: 500 });
    const root = districtBox(c, 0);
    expect(root.x0).toBeCloseTo(-250, 3);
    expect(root.x1).toBeCloseTo(250, 3);
    expect(root.z0).toBeCloseTo(-250, 3);
    expect(root.z1).toBeCloseTo(250, 3);
  });

  it('lays out 10,000 files', () => {
    const tree = randomTree(10_000, 1, 7);
    const c = layoutCity(tree);
    expect(c.buildings.count).toBe(10_000);
    for (let i = 0; i < c.buildings.count; i++) {
      expect(Number.isFinite(c.buildings.x[i])).toBe(true);
      expect(c.buildings.width[i]).toBeGreaterThan(0);
    }
  });
});
