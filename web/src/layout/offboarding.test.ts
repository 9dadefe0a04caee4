import { describe, expect, it } from 'vitest';
import type { OwnershipData } from '../api/types';
import { layoutCity } from './city';
import { districtBusFactors, expertsByBuilding, knowledgeAfter, knowledgeColors, truckFactor, KNOWLEDGE_COLORS } from './offboarding';
import { dir, file } from './testTrees';

const KEYS = ['alice@x', 'bob@x', 'carol@x'];
const keyOf = (p: number) => KEYS[p] ?? '';

describe('truck factor', () => {
  it('removes the person with the most files until more than half are orphaned', () => {
    // Alice knows 3 of 4 files alone: removing her orphans 3 > 2 → 1.
    expect(truckFactor([[0], [0], [0], [1]], keyOf)).toBe(1);
    // Two people share everything: both must go.
    expect(truckFactor([[0, 1], [0, 1]], keyOf)).toBe(2);
    // Half orphaned is not more than half: the second person goes too.
    expect(truckFactor([[0], [1]], keyOf)).toBe(2);
    // Already orphaned files count: nothing to remove.
    expect(truckFactor([[], [], [0]], keyOf)).toBe(0);
    expect(truckFactor([], keyOf)).toBe(0);
  });
});

describe('off-boarding what-if', () => {
  const tree = dir('', [
    dir('core', [file('core/a.rs', 50), file('core/b.rs', 40), file('core/c.rs', 30)]),
    dir('web', [file('web/x.ts', 20), file('web/y.ts', 10)]),
    file('README.md', 5),
  ]);
  const layout = layoutCity(tree);
  const data: OwnershipData = {
    repository_id: 1,
    analysis_id: 1,
    formula: '',
    people: KEYS.map((email) => ({ email, name: email })),
    files: [
      { path: 'core/a.rs', authors: [[0, 1]] },
      { path: 'core/b.rs', authors: [[0, 1], [1, 0.8]] },
      { path: 'core/c.rs', authors: [[0, 1]] },
      { path: 'web/x.ts', authors: [[2, 1]] },
      { path: 'web/y.ts', authors: [[2, 1], [1, 0.9]] },
    ],
  };
  const experts = expertsByBuilding(layout, data);
  const at = (p: string) => layout.indexByPath.get(p) ?? -1;

  it('marks files whose every expert leaves as lost', () => {
    const k = knowledgeAfter(experts, new Set([0]));
    expect(k[at('core/a.rs')]).toBe('lost');
    expect(k[at('core/b.rs')]).toBe('at-risk');
    expect(k[at('web/x.ts')]).toBe('safe');
    expect(k[at('README.md')]).toBe('none');
    const nobody = knowledgeAfter(experts, new Set());
    expect(nobody.filter((s) => s === 'lost')).toHaveLength(0);
  });

  it('updates the bus factor of each district', () => {
    const core = layout.districts.dirs.findIndex((d) => d.path === 'core');
    const web = layout.districts.dirs.findIndex((d) => d.path === 'web');
    const root = layout.districts.dirs.findIndex((d) => d.path === '');
    const rows = districtBusFactors(layout, experts, new Set([0]), keyOf, [root, core, web]);
    expect(rows.map((r) => [r.path, r.files, r.before, r.after, r.lost])).toEqual([
      ['', 5, 2, 1, 2],
      ['core', 3, 1, 0, 2],
      ['web', 2, 2, 2, 0],
    ]);
  });

  it('colours lost files red', () => {
    const k = knowledgeAfter(experts, new Set([0]));
    const c = knowledgeColors(k);
    const i = at('core/a.rs');
    const red = KNOWLEDGE_COLORS.lost;
    expect(Math.round((c[i * 3] ?? 0) * 255)).toBe(parseInt(red.slice(1, 3), 16));
  });
});
