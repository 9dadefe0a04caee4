import { describe, expect, it } from 'vitest';
import { pathMatcher, searchMask } from './search';
import { file } from './testTrees';

describe('search', () => {
  it('returns null for a blank query', () => {
    expect(pathMatcher('  ')).toBeNull();
    expect(searchMask([file('a', 1)], '')).toBeNull();
  });
  it('matches substrings case-insensitively', () => {
    const m = pathMatcher('App');
    expect(m?.('src/app.py')).toBe(true);
    expect(m?.('src/main.py')).toBe(false);
  });
  it('matches globs: * stays in a folder, ** crosses folders', () => {
    expect(pathMatcher('*.py')?.('src/flask/app.py')).toBe(true);
    expect(pathMatcher('src/*.py')?.('src/flask/app.py')).toBe(false);
    expect(pathMatcher('src/**.py')?.('src/flask/app.py')).toBe(true);
    expect(pathMatcher('test?.py')?.('tests/test1.py')).toBe(true);
    expect(pathMatcher('*.py')?.('src/app.pyc')).toBe(false);
  });
  it('builds a mask over files', () => {
    const mask = searchMask([file('a/x.ts', 1), file('b/y.py', 1)], '.py');
    expect(Array.from(mask ?? [])).toEqual([0, 1]);
  });
  it('matches languages with lang:', () => {
    const files = [file('a.py', 1, { language: 'Python' }), file('b', 1, { language: null }), file('c.rs', 1, { language: 'Rust' })];
    expect(Array.from(searchMask(files, 'lang:python') ?? [])).toEqual([1, 0, 0]);
    expect(Array.from(searchMask(files, 'lang: Unknown') ?? [])).toEqual([0, 1, 0]);
    expect(searchMask(files, 'lang:')).toBeNull();
  });
});
