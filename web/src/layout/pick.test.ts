import { describe, expect, it } from 'vitest';
import { layoutCity } from './city';
import { buildingHeights, defaultHeightOptions, heightMetric } from './metrics';
import { buildPickIndex, districtAt, districtTotals, pickBruteForce, pickRay } from './pick';
import { dir, file, randomTree, rng } from './testTrees';

describe('pickRay', () => {
  it('finds nothing in an empty city', () => {
    const c = layoutCity(dir('', []));
    expect(pickRay(buildPickIndex(c, new Float32Array(0)), [0, 100, 0], [0, -1, 0])).toBeNull();
  });

  it('hits a single building from above and misses beside it', () => {
    const c = layoutCity(dir('', [file('a.py', 100)]), { citySize: 100 });
    const idx = buildPickIndex(c, new Float32Array([30]));
    const hit = pickRay(idx, [0, 100, 0], [0, -1, 0]);
    expect(hit?.index).toBe(0);
    expect(hit?.t).toBeCloseTo(100 - 30 - c.platformHeight, 3);
    expect(pickRay(idx, [49, 100, 49], [0, -1, 0])).toBeNull();
  });

  it('never picks a hidden building', () => {
    const c = layoutCity(dir('', [file('a.py', 100)]), { citySize: 100 });
    const idx = buildPickIndex(c, new Float32Array([30]), Uint8Array.from([1]));
    expect(pickRay(idx, [0, 100, 0], [0, -1, 0])).toBeNull();
  });

  it('agrees with brute force on random rays over a random city', () => {
    const c = layoutCity(randomTree(3000, 21));
    const heights = buildingHeights(c.buildings.files, heightMetric('code'), defaultHeightOptions(c.citySize, c.buildings.count));
    const idx = buildPickIndex(c, heights);
    const rand = rng(99);
    let hits = 0;
    for (let k = 0; k < 400; k++) {
      // Cameras above and around the city looking at random ground points.
      const o = [(rand() - 0.5) * 2400, 50 + rand() * 1200, (rand() - 0.5) * 2400];
      const target = [(rand() - 0.5) * 1000, 0, (rand() - 0.5) * 1000];
      const d = target.map((v, i) => v - (o[i] ?? 0));
      const len = Math.hypot(...d);
      const dn = d.map((v) => v / len);
      const fast = pickRay(idx, o, dn);
      const slow = pickBruteForce(idx, o, dn);
      expect(fast?.index ?? null).toBe(slow?.index ?? null);
      if (slow) hits++;
    }
    expect(hits).toBeGreaterThan(200);
  });
});

describe('districtAt and districtTotals', () => {
  const tree = dir('', [dir('src', [dir('src/core', [file('src/core/a.py', 100)]), file('src/b.py', 50)]), file('README.md', 10)]);
  const c = layoutCity(tree);
  const byPath = (p: string) => c.districts.dirs.findIndex((d) => d.path === p);

  it('finds the deepest district under a point', () => {
    const core = byPath('src/core');
    expect(districtAt(c, c.districts.x[core] ?? 0, c.districts.z[core] ?? 0)).toBe(core);
    const a = c.indexByPath.get('README.md') ?? -1;
    expect(districtAt(c, c.buildings.x[a] ?? 0, c.buildings.z[a] ?? 0)).toBe(byPath(''));
    expect(districtAt(c, 10_000, 0)).toBe(-1);
  });

  it('sums files and lines of code through nested folders', () => {
    const t = districtTotals(c);
    expect(t.files[byPath('')]).toBe(3);
    expect(t.files[byPath('src')]).toBe(2);
    expect(t.code[byPath('src')]).toBe(150);
    expect(t.code[byPath('src/core')]).toBe(100);
  });
});
