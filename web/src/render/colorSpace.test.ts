import { describe, expect, it } from 'vitest';
import { composeBuildingColors, SELECTION_LIFT, srgbToLinear } from './colorSpace';

describe('composeBuildingColors', () => {
  it('converts to linear and lifts the selection towards white', () => {
    const srgb = new Float32Array([0.5, 0.5, 0.5, 1, 0, 0]);
    const out = composeBuildingColors(srgb, null, 1, new Float32Array(6));
    expect(out[0]).toBeCloseTo(srgbToLinear(0.5), 6);
    expect(out[3]).toBe(1);
    expect(out[4]).toBeCloseTo(srgbToLinear(SELECTION_LIFT), 6);
    expect(out[5]).toBeCloseTo(srgbToLinear(SELECTION_LIFT), 6);
  });
  it('dims buildings outside the search highlight', () => {
    const srgb = new Float32Array([1, 1, 0, 1, 1, 0]);
    const out = composeBuildingColors(srgb, new Uint8Array([1, 0]), null, new Float32Array(6));
    expect(out[0]).toBe(1);
    expect(out[3]).toBeLessThan(0.2);
  });
});
