import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

describe('matchRoute', () => {
  it('maps the known paths', () => {
    expect(matchRoute('/')).toEqual({ name: 'repositories' });
    expect(matchRoute('/repositories/')).toEqual({ name: 'repositories' });
    expect(matchRoute('/repositories/12')).toEqual({ name: 'city', id: 12 });
    expect(matchRoute('/repositories/12/')).toEqual({ name: 'city', id: 12 });
    expect(matchRoute('/repositories/12/charts')).toEqual({ name: 'charts', id: 12 });
    expect(matchRoute('/repositories/12/charts/')).toEqual({ name: 'charts', id: 12 });
    expect(matchRoute('/login')).toEqual({ name: 'login' });
    expect(matchRoute('/bench')).toEqual({ name: 'bench' });
    expect(matchRoute('/api-keys')).toEqual({ name: 'api-keys' });
    expect(matchRoute('/api-keys/')).toEqual({ name: 'api-keys' });
  });
  it('reports unknown paths', () => {
    expect(matchRoute('/repositories/abc')).toEqual({ name: 'not-found', path: '/repositories/abc' });
    expect(matchRoute('/repositories/1/chart')).toEqual({ name: 'not-found', path: '/repositories/1/chart' });
  });
});
