import { describe, expect, it } from 'vitest';
import { CATEGORICAL_PALETTE, OTHER_COLOR, UNKNOWN_COLOR } from './colors';
import { closestPair, distance, type Deficiency } from './cvd';
import { KNOWLEDGE_COLORS } from './offboarding';
import { COMPARE_COLORS } from './timeline';

const KINDS: (Deficiency | null)[] = [null, 'protanopia', 'deuteranopia', 'tritanopia'];
/** Smallest ΔE between two categories of one palette, for every kind of vision. */
const MIN_DELTA_E = 10;

describe('colour-blind safety of the palettes', () => {
  it('the simulation separates what it should and merges what it should', () => {
    // Red and green, far apart for normal vision, come close for a deuteranope.
    expect(distance('#d62728', '#2ca02c', null)).toBeGreaterThan(60);
    expect(distance('#d62728', '#2ca02c', 'deuteranopia')).toBeLessThan(distance('#d62728', '#2ca02c', null) / 2);
    expect(distance('#123456', '#123456', 'protanopia')).toBe(0);
  });

  const palettes: Record<string, readonly string[]> = {
    'languages (with Other and Unknown)': [...CATEGORICAL_PALETTE, OTHER_COLOR, UNKNOWN_COLOR],
    'compare statuses': Object.values(COMPARE_COLORS),
    'knowledge after off-boarding': Object.values(KNOWLEDGE_COLORS),
  };
  for (const [name, palette] of Object.entries(palettes)) {
    it(`${name}: every pair stays apart with each colour-vision deficiency`, () => {
      for (const kind of KINDS) {
        const worst = closestPair(palette, kind);
        expect(worst.distance, `${kind ?? 'normal'}: ${worst.a} vs ${worst.b}`).toBeGreaterThan(MIN_DELTA_E);
      }
    });
  }
});
