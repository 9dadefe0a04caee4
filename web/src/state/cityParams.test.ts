import { describe, expect, it } from 'vitest';
import { DEFAULT_CITY_PARAMS, formatCityParams, parseCityParams } from './cityParams';

describe('city params', () => {
  it('defaults when the query is empty or invalid', () => {
    expect(parseCityParams('')).toEqual(DEFAULT_CITY_PARAMS);
    expect(parseCityParams('?height=bogus&color=nope')).toEqual(DEFAULT_CITY_PARAMS);
  });
  it('round-trips every field', () => {
    const params = { height: 'revisions', color: 'cyclomatic', q: 'src/*.py', file: 'src/app.py' } as const;
    expect(parseCityParams(formatCityParams(params))).toEqual(params);
  });
  it('omits defaults', () => {
    expect(formatCityParams(DEFAULT_CITY_PARAMS)).toBe('');
    expect(formatCityParams({ ...DEFAULT_CITY_PARAMS, height: 'bytes' })).toBe('?height=bytes');
  });
});
