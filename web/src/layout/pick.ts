/**
 * Ray picking of buildings through a uniform grid over the ground plane, so hover and click
 * stay fast on 100,000 buildings (testing every instance costs ~20 ms per pointer move there).
 * Pure: works on the layout arrays and plain numbers; the render layer adapts three.js rays.
 */
import type { CityLayout } from './city';

export interface PickIndex {
  minX: number;
  minZ: number;
  cellSize: number;
  cols: number;
  rows: number;
  /** CSR layout: buildings of cell c are items[offsets[c] .. offsets[c + 1]). */
  offsets: Int32Array;
  items: Int32Array;
  /** Axis-aligned box of each building: x0, x1, y0, y1, z0, z1. */
  boxes: Float32Array;
  maxY: number;
}

export interface PickHit {
  index: number;
  /** Ray parameter (distance for a unit direction) of the entry point. */
  t: number;
}

/**
 * Builds the grid for `layout` with buildings of the given `heights`; buildings flagged in
 * `hidden` (files that do not exist at the time shown) are left out of the grid.
 */
export function buildPickIndex(layout: CityLayout, heights: Float32Array, hidden: Uint8Array | null = null): PickIndex {
  const b = layout.buildings;
  const n = b.count;
  const boxes = new Float32Array(n * 6);
  let minX = Infinity, minZ = Infinity, maxX = -Infinity, maxZ = -Infinity, maxY = 0;
  for (let i = 0; i < n; i++) {
    const x = b.x[i] ?? 0, z = b.z[i] ?? 0, hw = (b.width[i] ?? 0) / 2, hd = (b.depth[i] ?? 0) / 2;
    const y0 = b.y[i] ?? 0, y1 = y0 + (heights[i] ?? 0);
    boxes.set([x - hw, x + hw, y0, y1, z - hd, z + hd], i * 6);
    minX = Math.min(minX, x - hw);
    maxX = Math.max(maxX, x + hw);
    minZ = Math.min(minZ, z - hd);
    maxZ = Math.max(maxZ, z + hd);
    maxY = Math.max(maxY, y1);
  }
  if (n === 0) {
    return { minX: 0, minZ: 0, cellSize: 1, cols: 0, rows: 0, offsets: new Int32Array(1), items: new Int32Array(0), boxes, maxY: 0 };
  }
  const span = Math.max(maxX - minX, maxZ - minZ, 1e-6);
  const perSide = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n))));
  const cellSize = span / perSide;
  const cols = Math.max(1, Math.ceil((maxX - minX) / cellSize));
  const rows = Math.max(1, Math.ceil((maxZ - minZ) / cellSize));
  const cellOf = (v: number, min: number, count: number) => Math.min(count - 1, Math.max(0, Math.floor((v - min) / cellSize)));
  // Two passes: count, then fill (compressed sparse rows, no per-cell arrays).
  const counts = new Int32Array(cols * rows + 1);
  const forEachCell = (i: number, f: (c: number) => void) => {
    const c0 = cellOf(boxes[i * 6] ?? 0, minX, cols), c1 = cellOf(boxes[i * 6 + 1] ?? 0, minX, cols);
    const r0 = cellOf(boxes[i * 6 + 4] ?? 0, minZ, rows), r1 = cellOf(boxes[i * 6 + 5] ?? 0, minZ, rows);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) f(r * cols + c);
  };
  for (let i = 0; i < n; i++) if (!hidden?.[i]) forEachCell(i, (c) => (counts[c + 1] = (counts[c + 1] ?? 0) + 1));
  const offsets = new Int32Array(cols * rows + 1);
  for (let c = 0; c < cols * rows; c++) offsets[c + 1] = (offsets[c] ?? 0) + (counts[c + 1] ?? 0);
  const items = new Int32Array(offsets[cols * rows] ?? 0);
  const fill = offsets.slice(0, cols * rows);
  for (let i = 0; i < n; i++)
    if (!hidden?.[i])
      forEachCell(i, (c) => {
      items[fill[c] ?? 0] = i;
      fill[c] = (fill[c] ?? 0) + 1;
    });
  return { minX, minZ, cellSize, cols, rows, offsets, items, boxes, maxY };
}

/** Slab test: entry parameter of the ray into box i, or Infinity when it misses. */
function hitBox(boxes: Float32Array, i: number, o: readonly number[], d: readonly number[], tMin: number): number {
  let t0 = tMin, t1 = Infinity;
  for (let axis = 0; axis < 3; axis++) {
    const lo = boxes[i * 6 + axis * 2] ?? 0, hi = boxes[i * 6 + axis * 2 + 1] ?? 0;
    const oa = o[axis] ?? 0, da = d[axis] ?? 0;
    if (Math.abs(da) < 1e-12) {
      if (oa < lo || oa > hi) return Infinity;
      continue;
    }
    let ta = (lo - oa) / da, tb = (hi - oa) / da;
    if (ta > tb) [ta, tb] = [tb, ta];
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
    if (t0 > t1) return Infinity;
  }
  return t0;
}

/** Nearest building hit by the ray origin + t·dir (t ≥ 0), or null. Brute force, for tests. */
export function pickBruteForce(index: PickIndex, origin: readonly number[], dir: readonly number[]): PickHit | null {
  let best: PickHit | null = null;
  const n = index.boxes.length / 6;
  for (let i = 0; i < n; i++) {
    const t = hitBox(index.boxes, i, origin, dir, 0);
    if (t < (best?.t ?? Infinity)) best = { index: i, t };
  }
  return best;
}

/** Nearest building hit by the ray origin + t·dir (t ≥ 0), or null. Walks grid cells in order. */
export function pickRay(index: PickIndex, origin: readonly number[], dir: readonly number[]): PickHit | null {
  const { minX, minZ, cellSize, cols, rows, offsets, items, boxes } = index;
  if (cols === 0) return null;
  const [ox = 0, oy = 0, oz = 0] = origin;
  const [dx = 0, dy = 0, dz = 0] = dir;
  // Clip the ray to the grid's box (x, z) and the height range [lowest base, tallest top].
  const maxX = minX + cols * cellSize, maxZ = minZ + rows * cellSize;
  let tEnter = 0, tExit = Infinity;
  const clip = (o: number, d: number, lo: number, hi: number): boolean => {
    if (Math.abs(d) < 1e-12) return o >= lo && o <= hi;
    let a = (lo - o) / d, b = (hi - o) / d;
    if (a > b) [a, b] = [b, a];
    tEnter = Math.max(tEnter, a);
    tExit = Math.min(tExit, b);
    return tEnter <= tExit;
  };
  if (!clip(ox, dx, minX, maxX) || !clip(oz, dz, minZ, maxZ) || !clip(oy, dy, -1e-3, index.maxY + 1e-3)) return null;

  // 2D DDA (Amanatides & Woo) over the cells the ray's ground projection crosses.
  const px = ox + dx * tEnter, pz = oz + dz * tEnter;
  let c = Math.min(cols - 1, Math.max(0, Math.floor((px - minX) / cellSize)));
  let r = Math.min(rows - 1, Math.max(0, Math.floor((pz - minZ) / cellSize)));
  const stepC = dx > 0 ? 1 : -1, stepR = dz > 0 ? 1 : -1;
  const nextBoundary = (cell: number, step: number, min: number) => min + (cell + (step > 0 ? 1 : 0)) * cellSize;
  let tMaxC = Math.abs(dx) < 1e-12 ? Infinity : (nextBoundary(c, stepC, minX) - ox) / dx;
  let tMaxR = Math.abs(dz) < 1e-12 ? Infinity : (nextBoundary(r, stepR, minZ) - oz) / dz;
  const tDeltaC = Math.abs(dx) < 1e-12 ? Infinity : cellSize / Math.abs(dx);
  const tDeltaR = Math.abs(dz) < 1e-12 ? Infinity : cellSize / Math.abs(dz);
  let best: PickHit | null = null;
  const dirArr = [dx, dy, dz], orgArr = [ox, oy, oz];
  for (let guard = 0; guard < cols + rows + 2; guard++) {
    const cell = r * cols + c;
    for (let k = offsets[cell] ?? 0; k < (offsets[cell + 1] ?? 0); k++) {
      const i = items[k] ?? 0;
      const t = hitBox(boxes, i, orgArr, dirArr, 0);
      if (t < (best?.t ?? Infinity)) best = { index: i, t };
    }
    const cellExit = Math.min(tMaxC, tMaxR);
    // A hit inside this cell's stretch of the ray cannot be beaten by later cells.
    if (best && best.t <= cellExit) return best;
    if (cellExit > tExit) break;
    if (tMaxC < tMaxR) {
      c += stepC;
      tMaxC += tDeltaC;
    } else {
      r += stepR;
      tMaxR += tDeltaR;
    }
    if (c < 0 || c >= cols || r < 0 || r >= rows) break;
  }
  return best;
}

/**
 * The deepest district whose platform contains the ground point (x, z), or -1. Districts are
 * stored parents-first, so the last match is the deepest.
 */
export function districtAt(layout: CityLayout, x: number, z: number): number {
  const d = layout.districts;
  let found = -1;
  for (let i = 0; i < d.count; i++) {
    const hw = (d.width[i] ?? 0) / 2, hd = (d.depth[i] ?? 0) / 2;
    if (Math.abs(x - (d.x[i] ?? 0)) <= hw && Math.abs(z - (d.z[i] ?? 0)) <= hd) found = i;
  }
  return found;
}

/** Files and lines of code under each district (including nested folders). */
export function districtTotals(layout: CityLayout): { files: Int32Array; code: Float64Array } {
  const d = layout.districts;
  const files = new Int32Array(d.count);
  const code = new Float64Array(d.count);
  const parent = new Int32Array(d.count).fill(-1);
  const index = new Map(d.dirs.map((dir, i) => [dir, i]));
  d.dirs.forEach((dir, i) => {
    for (const c of dir.children) if (c.kind === 'dir') parent[index.get(c) ?? -1] = i;
  });
  const b = layout.buildings;
  for (let k = 0; k < b.count; k++) {
    for (let i = b.district[k] ?? -1; i >= 0; i = parent[i] ?? -1) {
      files[i] = (files[i] ?? 0) + 1;
      code[i] = (code[i] ?? 0) + (b.files[k]?.lines.code ?? 0);
    }
  }
  return { files, code };
}
