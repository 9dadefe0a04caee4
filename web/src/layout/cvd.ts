/**
 * Colour-vision-deficiency checks for the palettes: simulates protanopia, deuteranopia and
 * tritanopia (Machado, Oliveira and Fernandes 2009, severity 1) and measures how far apart two
 * colours stay in CIELAB (ΔE 1976). Used by tests to keep every categorical palette
 * distinguishable without full colour vision.
 */
import { hexToRgb } from './colors';

export type Deficiency = 'protanopia' | 'deuteranopia' | 'tritanopia';

type Matrix = readonly [readonly [number, number, number], readonly [number, number, number], readonly [number, number, number]];

const MACHADO: Record<Deficiency, Matrix> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Linear RGB of `hex` as seen with `deficiency` (or normal vision when null). */
export function simulate(hex: string, deficiency: Deficiency | null): [number, number, number] {
  const lin = hexToRgb(hex).map(toLinear) as [number, number, number];
  if (!deficiency) return lin;
  const m = MACHADO[deficiency];
  return m.map((row) => clamp01(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])) as [number, number, number];
}

/** CIELAB (D65) of a linear RGB colour. */
export function linearToLab([r, g, b]: [number, number, number]): [number, number, number] {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** ΔE (CIE 1976) between two colours as seen with `deficiency`. */
export function distance(a: string, b: string, deficiency: Deficiency | null): number {
  const la = linearToLab(simulate(a, deficiency));
  const lb = linearToLab(simulate(b, deficiency));
  return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

/** The closest pair of `palette` as seen with `deficiency`. */
export function closestPair(palette: readonly string[], deficiency: Deficiency | null): { a: string; b: string; distance: number } {
  let best = { a: '', b: '', distance: Number.POSITIVE_INFINITY };
  for (let i = 0; i < palette.length; i++)
    for (let j = i + 1; j < palette.length; j++) {
      const a = palette[i] ?? '';
      const b = palette[j] ?? '';
      const d = distance(a, b, deficiency);
      if (d < best.distance) best = { a, b, distance: d };
    }
  return best;
}
