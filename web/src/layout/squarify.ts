/**
 * Squarified treemap (Bruls, Huizing and van Wijk, 2000).
 *
 * Pure and deterministic: given the same areas in the same order and the same rectangle it
 * always returns the same rectangles. Callers sort the items (largest first, ties broken by a
 * stable key) before calling, which is what the algorithm expects and what keeps layouts
 * stable between revisions.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Worst aspect ratio of a row laid along a side of length `side`, for a row whose areas sum to
 * `sum` with largest `max` and smallest `min` (the formula from the paper).
 */
function worst(sum: number, max: number, min: number, side: number): number {
  const s2 = sum * sum;
  const w2 = side * side;
  return Math.max((w2 * max) / s2, s2 / (w2 * min));
}

/**
 * Lays out `weights` (positive, sorted descending for good aspect ratios) in `rect`, so that each
 * rectangle's area is proportional to its weight and together they tile `rect` exactly.
 * Returns one rectangle per weight, in the same order.
 */
export function squarify(weights: readonly number[], rect: Rect): Rect[] {
  const n = weights.length;
  const out: Rect[] = new Array<Rect>(n);
  if (n === 0) return out;
  let total = 0;
  for (const w of weights) total += w > 0 ? w : 0;
  let { x, y, w, h } = rect;
  if (total <= 0 || w <= 0 || h <= 0) {
    for (let i = 0; i < n; i++) out[i] = { x, y, w: 0, h: 0 };
    return out;
  }
  const scale = (w * h) / total;
  const area = (i: number): number => {
    const v = weights[i] ?? 0;
    return v > 0 ? v * scale : 0;
  };

  let i = 0;
  while (i < n) {
    const side = Math.min(w, h);
    // Grow the row while adding the next item does not worsen its worst aspect ratio.
    const first = area(i);
    let rowSum = first;
    let rowMin = first;
    let end = i + 1;
    if (side > 0) {
      let current = worst(rowSum, first, rowMin, side);
      while (end < n) {
        const a = area(end);
        if (a <= 0) {
          end++;
          continue;
        }
        const nextSum = rowSum + a;
        const nextMin = Math.min(rowMin, a);
        const next = worst(nextSum, Math.max(first, a), nextMin, side);
        if (next > current) break;
        rowSum = nextSum;
        rowMin = nextMin;
        current = next;
        end++;
      }
    } else {
      end = n;
    }
    const last = end >= n;
    if (w >= h) {
      // Row is a column on the left edge, spanning the full height.
      const thickness = last ? w : side > 0 ? rowSum / h : 0;
      let yy = y;
      for (let k = i; k < end; k++) {
        const hh = k === end - 1 ? y + h - yy : rowSum > 0 ? (area(k) / rowSum) * h : 0;
        out[k] = { x, y: yy, w: thickness, h: Math.max(0, hh) };
        yy += hh;
      }
      x += thickness;
      w = Math.max(0, w - thickness);
    } else {
      // Row is a strip along the top edge, spanning the full width.
      const thickness = last ? h : side > 0 ? rowSum / w : 0;
      let xx = x;
      for (let k = i; k < end; k++) {
        const ww = k === end - 1 ? x + w - xx : rowSum > 0 ? (area(k) / rowSum) * w : 0;
        out[k] = { x: xx, y, w: Math.max(0, ww), h: thickness };
        xx += ww;
      }
      y += thickness;
      h = Math.max(0, h - thickness);
    }
    i = end;
  }
  return out;
}
