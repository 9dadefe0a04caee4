import { describe, expect, it } from 'vitest';
import { layoutCity } from './city';
import { buildingHeights, defaultHeightOptions, heightMetric } from './metrics';
import { buildPickIndex, pickBruteForce, pickRay } from './pick';
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
