/**
 * sRGB → linear conversion for instance colours: three.js shades in linear space, while the
 * layout's palettes (and the legend) are sRGB.
 */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** How far the selected building's colour moves towards white. */
export const SELECTION_LIFT = 0.6;

/** Final per-building colours (linear RGB) after search dimming and selection lift. */
export function composeBuildingColors(
  srgb: Float32Array,
  highlight: Uint8Array | null,
  selected: number | null,
  out: Float32Array,
): Float32Array {
  const n = Math.floor(srgb.length / 3);
  const dim = [0.16, 0.18, 0.22];
  for (let i = 0; i < n; i++) {
    let r = srgb[i * 3] ?? 0;
    let g = srgb[i * 3 + 1] ?? 0;
    let b = srgb[i * 3 + 2] ?? 0;
    if (highlight && highlight[i] === 0) {
      // Non-matching buildings fade into the ground so matches stand out.
      r = dim[0] as number + r * 0.12;
      g = dim[1] as number + g * 0.12;
      b = dim[2] as number + b * 0.12;
    }
    if (selected === i) {
      // Bright but still tinted, so the selection keeps telling its colour-coded value.
      r = r + (1 - r) * SELECTION_LIFT;
      g = g + (1 - g) * SELECTION_LIFT;
      b = b + (1 - b) * SELECTION_LIFT;
    }
    out[i * 3] = srgbToLinear(r);
    out[i * 3 + 1] = srgbToLinear(g);
    out[i * 3 + 2] = srgbToLinear(b);
  }
  return out;
}
