import { describe, expect, it } from 'vitest';
import { codeAge, couplingGraph, extensionOf, folderBusFactors, languageMix, languageResolver } from './history';

const periods = ['2020-01-01', '2020-02-01', '2020-03-01', '2022-03-01'].map((start) => ({
  start,
  commits: 1,
  authors: 1,
  added: 0,
  removed: 0,
}));

describe('language mix', () => {
  it('resolves languages of deleted files by extension', () => {
    const of = languageResolver(
      new Map([
        ['a.js', 'JavaScript'],
        ['b.ts', 'TypeScript'],
        ['c.ts', 'TypeScript'],
      ]),
    );
    expect(of('b.ts')).toBe('TypeScript');
    expect(of('old/x.ts')).toBe('TypeScript');
    expect(of('old/y.JS')).toBe('JavaScript');
    expect(of('Makefile')).toBe('Other');
    expect(extensionOf('dir.v2/README')).toBe('');
  });

  it('sums lines per language at the end of each period (a migration from JS to TS)', () => {
    const files = [
      { path: 'a.js', series: [0, 100, 1, 2, -1, 1] },
      { path: 'a.ts', series: [2, 120, 1, 3, 150, 1] },
      { path: 'b.js', series: [1, 10, 1] },
    ];
    const of = (p: string) => (p.endsWith('.ts') ? 'TypeScript' : 'JavaScript');
    const mix = languageMix({ periods, files }, of);
    expect(mix.languages).toEqual(['TypeScript', 'JavaScript']);
    expect(mix.lines).toEqual([
      [0, 100],
      [0, 110],
      [120, 10],
      [150, 10],
    ]);
  });

  it('folds the smaller languages into Other', () => {
    const files = ['a.x', 'b.y', 'c.z'].map((path, i) => ({ path, series: [0, (i + 1) * 10, 1] }));
    const mix = languageMix({ periods, files }, (p) => p.slice(2), 1);
    expect(mix.languages).toEqual(['z', 'Other']);
    expect(mix.lines[3]).toEqual([30, 30]);
  });
});

describe('code age', () => {
  it('buckets alive files by the time since their last change', () => {
    const files = [
      { path: 'new', series: [3, 5, 1] },
      { path: 'old', series: [0, 40, 1] },
      { path: 'gone', series: [0, 40, 1, 1, -1, 1] },
      { path: 'mid', series: [0, 1, 1, 2, 7, 1] },
    ];
    const buckets = codeAge({ periods, files });
    const byLabel = Object.fromEntries(buckets.map((b) => [b.label, [b.files, b.lines]]));
    expect(byLabel['< 1 month']).toEqual([1, 5]);
    // 2020-03-01 → 2022-03-01 is 730 days (1–2 years); 2020-01-01 → 790 days (2–4 years).
    expect(byLabel['1–2 years']).toEqual([1, 7]);
    expect(byLabel['2–4 years']).toEqual([1, 40]);
    expect(buckets.reduce((s, b) => s + b.files, 0)).toBe(3);
  });
});

describe('coupling network', () => {
  it('keeps the strongest pairs and shares nodes', () => {
    const g = couplingGraph(
      [
        { path_a: 'a', path_b: 'b', shared: 5, degree: 0.9 },
        { path_a: 'b', path_b: 'c', shared: 3, degree: 0.5 },
        { path_a: 'c', path_b: 'd', shared: 2, degree: 0.1 },
      ],
      2,
    );
    expect(g.nodes.map((n) => n.path)).toEqual(['a', 'b', 'c']);
    expect(g.links.map((l) => [l.source, l.target])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(g.nodes[1]?.weight).toBeCloseTo(1.4);
  });
});

describe('bus factor per folder', () => {
  it('rolls files up into their folders and names the main expert', () => {
    const rows = folderBusFactors(
      {
        repository_id: 1,
        analysis_id: 1,
        formula: '',
        people: [
          { email: 'a@x', name: 'Ann' },
          { email: 'b@x', name: 'Bob' },
        ],
        files: [
          { path: 'src/core/a.rs', authors: [[0, 1]] },
          { path: 'src/core/b.rs', authors: [[0, 1]] },
          { path: 'src/web/c.ts', authors: [[1, 1]] },
          { path: 'README.md', authors: [[1, 1]] },
        ],
      },
      2,
    );
    expect(rows.map((r) => [r.path, r.files, r.busFactor, r.topExpert?.name])).toEqual([
      ['', 1, 1, 'Bob'],
      ['src', 3, 1, 'Ann'],
      ['src/core', 2, 1, 'Ann'],
      ['src/web', 1, 1, 'Bob'],
    ]);
  });
});
