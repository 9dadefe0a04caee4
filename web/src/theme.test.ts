import { describe, expect, it } from 'vitest';
import { hexToRgb } from './layout/colors';
import { otherTheme, resolveTheme, SCENE_COLORS } from './theme';

/** WCAG relative luminance of an sRGB hex colour. */
function luminance(hex: string): number {
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = hexToRgb(hex).map(lin) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe('theme', () => {
  it('keeps a stored choice, else follows the system', () => {
    expect(resolveTheme('light', false)).toBe('light');
    expect(resolveTheme('dark', true)).toBe('dark');
    expect(resolveTheme(null, true)).toBe('light');
    expect(resolveTheme(null, false)).toBe('dark');
    expect(resolveTheme('purple', true)).toBe('light');
    expect(otherTheme('light')).toBe('dark');
  });

  it('gives the light scene a light background and the dark one a dark background', () => {
    expect(luminance(SCENE_COLORS.light.background)).toBeGreaterThan(0.7);
    expect(luminance(SCENE_COLORS.dark.background)).toBeLessThan(0.05);
  });

  it('keeps the selection outline readable against the background in both themes', () => {
    for (const t of ['dark', 'light'] as const) {
      expect(contrast(SCENE_COLORS[t].outline, SCENE_COLORS[t].background)).toBeGreaterThan(7);
    }
  });
});
