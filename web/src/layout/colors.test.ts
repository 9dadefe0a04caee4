import { describe, expect, it } from 'vitest';
import {
  CATEGORICAL_PALETTE,
  OTHER_COLOR,
  UNKNOWN_COLOR,
  buildingColors,
  hexToRgb,
  languageLegend,
  rgbToHex,
  sampleRamp,
  SEQUENTIAL_RAMP,
} from './colors';
import { file } from './testTrees';

describe('colours', () => {
  it('round-trips hex colours', () => {
    expect(rgbToHex(hexToRgb('#56b4e9'))).toBe('#56b4e9');
  });

  it('orders languages by lines of code and gives them palette colours', () => {
    const files = [
      file('a.py', 10, { language: 'Python' }),
      file('b.rs', 500, { language: 'Rust' }),
      file('c.rs', 5, { language: 'Rust' }),
      file('d.bin', 0, { language: null, binary: true }),
    ];
    const legend = languageLegend(files);
    expect(legend.map((e) => e.key)).toEqual(['Rust', 'Python', 'Unknown']);
    expect(legend[0]?.color).toBe(CATEGORICAL_PALETTE[0]);
    expect(legend[0]?.files).toBe(2);
    expect(legend[2]?.color).toBe(UNKNOWN_COLOR);
    const { rgb, keys } = buildingColors(files, 'language');
    expect(keys).toEqual(['Python', 'Rust', 'Rust', 'Unknown']);
    expect(rgbToHex([rgb[3] ?? 0, rgb[4] ?? 0, rgb[5] ?? 0])).toBe(CATEGORICAL_PALETTE[0]?.toLowerCase());
  });

  it('puts languages beyond the palette into "Other"', () => {
    const files = Array.from({ length: 12 }, (_, i) => file(`f${i}`, 100 - i, { language: `L${i}` }));
    const legend = languageLegend(files);
    expect(legend).toHaveLength(CATEGORICAL_PALETTE.length + 1);
    expect(legend.at(-1)?.key).toBe('Other');
    expect(legend.at(-1)?.files).toBe(12 - CATEGORICAL_PALETTE.length);
    const { keys, rgb } = buildingColors(files, 'language');
    expect(keys[11]).toBe('Other');
    expect(rgbToHex([rgb[33] ?? 0, rgb[34] ?? 0, rgb[35] ?? 0])).toBe(OTHER_COLOR.toLowerCase());
  });

  it('is deterministic for languages of equal size', () => {
    const files = [file('x', 10, { language: 'Zig' }), file('y', 10, { language: 'Ada' })];
    expect(languageLegend(files).map((e) => e.key)).toEqual(['Ada', 'Zig']);
    expect(languageLegend([...files].reverse()).map((e) => e.key)).toEqual(['Ada', 'Zig']);
  });

  it('colours by revisions on the sequential ramp, low to high', () => {
    const files = [file('a', 1, { revisions: 0 }), file('b', 1, { revisions: 100 })];
    const { rgb, legend } = buildingColors(files, 'revisions');
    expect(rgbToHex([rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0])).toBe(SEQUENTIAL_RAMP[0]);
    expect(rgbToHex([rgb[3] ?? 0, rgb[4] ?? 0, rgb[5] ?? 0])).toBe(SEQUENTIAL_RAMP.at(-1));
    expect(legend).toMatchObject({ kind: 'sequential', min: 0, max: 100 });
  });

  it('samples the ramp at its ends and clamps outside', () => {
    expect(rgbToHex(sampleRamp(0))).toBe(SEQUENTIAL_RAMP[0]);
    expect(rgbToHex(sampleRamp(2))).toBe(SEQUENTIAL_RAMP.at(-1));
    expect(rgbToHex(sampleRamp(Number.NaN))).toBe(SEQUENTIAL_RAMP[0]);
  });
});

describe('hotspot colours', () => {
  it('puts the formula in the legend and the hottest file at the top of the ramp', () => {
    const files = [file('a', 1, { revisions: 2, cyclomatic: 1 }), file('b', 1, { revisions: 50, cyclomatic: 40 })];
    const { rgb, legend } = buildingColors(files, 'hotspot');
    expect(legend.kind).toBe('sequential');
    if (legend.kind === 'sequential') {
      expect(legend.formula).toBe('score = revisions × cyclomatic complexity');
      expect(legend.max).toBe(2000);
    }
    expect(rgbToHex([rgb[3] ?? 0, rgb[4] ?? 0, rgb[5] ?? 0])).toBe(SEQUENTIAL_RAMP[SEQUENTIAL_RAMP.length - 1]);
  });
});
