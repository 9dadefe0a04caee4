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
      rev: '0123456789abcdef0123456789abcdef01234567',
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
  it('reads the revision as a full sha in lower case, and ignores anything else', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(parseCityParams(`?rev=${sha.toUpperCase()}`).rev).toBe(sha);
    expect(parseCityParams(`?rev=${'f'.repeat(64)}`).rev).toBe('f'.repeat(64));
    expect(parseCityParams('?rev=0123456').rev).toBeNull();
    expect(parseCityParams(`?rev=${sha}0`).rev).toBeNull();
    expect(parseCityParams(`?rev=${'g'.repeat(40)}`).rev).toBeNull();
    expect(formatCityParams({ ...DEFAULT_CITY_PARAMS, rev: sha })).toBe(`?rev=${sha}`);
  });
  it('keeps links from before the revision working', () => {
    const old = parseCityParams('?height=revisions&t=2021-01-04&file=src%2Fapp.py');
    expect(old).toEqual({ ...DEFAULT_CITY_PARAMS, height: 'revisions', t: '2021-01-04', file: 'src/app.py', rev: null });
  });
});
