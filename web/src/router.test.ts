import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

describe('matchRoute', () => {
  it('maps the known paths', () => {
    expect(matchRoute('/')).toEqual({ name: 'repositories' });
    expect(matchRoute('/repositories/')).toEqual({ name: 'repositories' });
    expect(matchRoute('/repositories/12')).toEqual({ name: 'city', id: 12 });
    expect(matchRoute('/repositories/12/')).toEqual({ name: 'city', id: 12 });
  });
  it('reports unknown paths', () => {
    expect(matchRoute('/repositories/abc')).toEqual({ name: 'not-found', path: '/repositories/abc' });
  });
});
