import { describe, expect, it } from 'vitest';
import { DEFAULT_CITY_PARAMS, formatCityParams, parseCityParams, type CityParams } from './cityParams';

describe('city params', () => {
  it('defaults when the query is empty or invalid', () => {
    expect(parseCityParams('')).toEqual(DEFAULT_CITY_PARAMS);
    expect(parseCityParams('?height=bogus&color=nope&area=nothing')).toEqual(DEFAULT_CITY_PARAMS);
  });
  it('round-trips every field', () => {
    const params: CityParams = {
      area: 'bytes',
      height: 'revisions',
      color: 'cyclomatic',
      q: 'src/*.py',
      file: 'src/app.py',
      cam: { position: [100.5, 200, -300.2], target: [0, 0, 1.5] },
      t: '2021-01-04',
      cmp: ['2020-12-01', '2021-03-01'],
      leave: ['alice@example.com', 'bob@example.com'],
    };
    expect(parseCityParams(formatCityParams(params))).toEqual(params);
  });
  it('omits defaults', () => {
    expect(formatCityParams(DEFAULT_CITY_PARAMS)).toBe('');
    expect(formatCityParams({ ...DEFAULT_CITY_PARAMS, height: 'bytes' })).toBe('?height=bytes');
  });
  it('rounds the camera and rejects malformed camera values', () => {
    expect(formatCityParams({ ...DEFAULT_CITY_PARAMS, cam: { position: [1.234, 2, 3], target: [0, 0, 0] } })).toBe(
      '?cam=1.2%2C2%2C3%2C0%2C0%2C0',
    );
    expect(parseCityParams('?cam=1,2,3').cam).toBeNull();
    expect(parseCityParams('?cam=1,2,3,4,5,x').cam).toBeNull();
  });
  it('rejects malformed times, ranges and people', () => {
    expect(parseCityParams('?t=yesterday').t).toBeNull();
    expect(parseCityParams('?cmp=2021-01-01').cmp).toBeNull();
    expect(parseCityParams('?cmp=2021-01-01..2021-02-01..2021-03-01').cmp).toBeNull();
    expect(parseCityParams('?leave=nobody,,a@b').leave).toEqual(['a@b']);
  });
});
