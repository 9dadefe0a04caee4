/**
 * Coupling arcs: which buildings the selected file changes together with, and the geometry of
 * the arcs drawn between their roofs. Pure: produces flat arrays that the render layer copies
 * into one `LineSegments` buffer (one draw call for every arc).
 */
import type { Coupling } from '../api/types';
import type { CityLayout } from './city';

/** One file coupled to the selected one. */
export interface CoupledFile {
  path: string;
  /** Building index, or -1 when the file is not in the city (deleted, filtered). */
  index: number;
  shared: number;
  degree: number;
}

/**
 * Files coupled to `path`, strongest first (degree, then shared commits, then path). Pairs
 * list each file on either side; a pair naming `path` twice is ignored.
 */
export function coupledWith(
  path: string,
  pairs: readonly Coupling[],
  indexByPath: ReadonlyMap<string, number>,
): CoupledFile[] {
  const best = new Map<string, CoupledFile>();
  for (const p of pairs) {
    const other = p.path_a === path ? p.path_b : p.path_b === path ? p.path_a : null;
    if (other === null || other === path) continue;
    const degree = Number.isFinite(p.degree) ? Math.min(1, Math.max(0, p.degree)) : 0;
    const shared = Number.isFinite(p.shared) ? Math.max(0, p.shared) : 0;
    const prev = best.get(other);
    if (prev && prev.degree >= degree) continue;
    best.set(other, { path: other, index: indexByPath.get(other) ?? -1, shared, degree });
  }
  return [...best.values()].sort((a, b) =>
    a.degree !== b.degree ? b.degree - a.degree : a.shared !== b.shared ? b.shared - a.shared : a.path < b.path ? -1 : 1,
  );
}

export type Vec3 = [number, number, number];

/**
 * Points of a parabolic arc from `a` to `b` (both roof centres), `segments + 1` points. The
 * midpoint rises `lift` above the higher end, so arcs clear the buildings between them; `lift`
 * grows with the distance so near and far partners stay readable.
 */
export function arcPoints(a: Vec3, b: Vec3, segments: number, lift: number): Vec3[] {
  const n = Math.max(1, Math.floor(segments));
  const top = Math.max(a[1], b[1]) + Math.max(0, lift);
  // Quadratic Bézier with the control point chosen so the curve's midpoint is at `top`.
  const cy = 2 * top - (a[1] + b[1]) / 2;
  const cx = (a[0] + b[0]) / 2;
  const cz = (a[2] + b[2]) / 2;
  const out: Vec3[] = [];
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    const u = 1 - t;
    out.push([
      u * u * a[0] + 2 * u * t * cx + t * t * b[0],
      u * u * a[1] + 2 * u * t * cy + t * t * b[1],
      u * u * a[2] + 2 * u * t * cz + t * t * b[2],
    ]);
  }
  return out;
}

export interface ArcBuffers {
  /** Line-segment vertex positions: two vertices (six floats) per segment. */
  positions: Float32Array;
  /** sRGB colour per vertex, three floats each. */
  colors: Float32Array;
  /** Number of arcs drawn (partners outside the city are skipped). */
  arcs: number;
}

/** The roof centre of building `i`. */
export function roofOf(layout: CityLayout, heights: Float32Array, i: number): Vec3 {
  const b = layout.buildings;
  return [b.x[i] ?? 0, (b.y[i] ?? 0) + (heights[i] ?? 0), b.z[i] ?? 0];
}

/**
 * Line-segment buffers for arcs from building `from` to each partner. Colour runs from a pale
 * tint (weak coupling) to a strong orange (degree 1), and the arc is brighter at its partner's
 * end so direction reads without colour alone mattering.
 */
export function arcBuffers(
  layout: CityLayout,
  heights: Float32Array,
  from: number,
  partners: readonly { index: number; degree: number }[],
  segments = 24,
): ArcBuffers {
  const valid = partners.filter((p) => p.index >= 0 && p.index < layout.buildings.count && p.index !== from);
  const n = Math.max(1, Math.floor(segments));
  const positions = new Float32Array(valid.length * n * 6);
  const colors = new Float32Array(valid.length * n * 6);
  if (from < 0 || from >= layout.buildings.count) return { positions: new Float32Array(0), colors: new Float32Array(0), arcs: 0 };
  const a = roofOf(layout, heights, from);
  let o = 0;
  for (const p of valid) {
    const b = roofOf(layout, heights, p.index);
    const dist = Math.hypot(b[0] - a[0], b[2] - a[2]);
    const pts = arcPoints(a, b, n, dist * 0.35 + layout.citySize * 0.01);
    const d = Math.min(1, Math.max(0, p.degree));
    // Pale yellow (weak) to vermillion-orange (strong).
    const strong: Vec3 = [1, 0.45, 0.1];
    const weak: Vec3 = [1, 0.92, 0.6];
    const base: Vec3 = [weak[0] + (strong[0] - weak[0]) * d, weak[1] + (strong[1] - weak[1]) * d, weak[2] + (strong[2] - weak[2]) * d];
    for (let k = 0; k < n; k++) {
      const p0 = pts[k] as Vec3;
      const p1 = pts[k + 1] as Vec3;
      positions.set(p0, o);
      positions.set(p1, o + 3);
      const f0 = 0.55 + 0.45 * (k / n);
      const f1 = 0.55 + 0.45 * ((k + 1) / n);
      colors.set([base[0] * f0, base[1] * f0, base[2] * f0], o);
      colors.set([base[0] * f1, base[1] * f1, base[2] * f1], o + 3);
      o += 6;
    }
  }
  return { positions, colors, arcs: valid.length };
}

/**
 * A flat ribbon along line segments (from `arcBuffers`), `halfWidth` either side, as
 * non-indexed triangles (two per segment) with the segments' colours. WebGL draws lines one
 * pixel wide; the ribbon gives arcs a width that reads at city scale. The ribbon lies across
 * the arc's vertical plane, so it is broadest seen from above, and the line is kept for views
 * edge-on.
 */
export function ribbonFromSegments(
  positions: Float32Array,
  colors: Float32Array,
  halfWidth: number,
): { positions: Float32Array; colors: Float32Array } {
  const segments = Math.floor(positions.length / 6);
  const outP = new Float32Array(segments * 18);
  const outC = new Float32Array(segments * 18);
  const w = Math.max(0, halfWidth);
  for (let s = 0; s < segments; s++) {
    const o = s * 6;
    const x0 = positions[o] ?? 0, y0 = positions[o + 1] ?? 0, z0 = positions[o + 2] ?? 0;
    const x1 = positions[o + 3] ?? 0, y1 = positions[o + 4] ?? 0, z1 = positions[o + 5] ?? 0;
    // Horizontal perpendicular of the segment: cross(direction, up) = (-dz, 0, dx).
    let nx = -(z1 - z0);
    let nz = x1 - x0;
    const len = Math.hypot(nx, nz);
    if (len < 1e-9) {
      nx = 1;
      nz = 0;
    } else {
      nx /= len;
      nz /= len;
    }
    const a0: Vec3 = [x0 - nx * w, y0, z0 - nz * w];
    const b0: Vec3 = [x0 + nx * w, y0, z0 + nz * w];
    const a1: Vec3 = [x1 - nx * w, y1, z1 - nz * w];
    const b1: Vec3 = [x1 + nx * w, y1, z1 + nz * w];
    const q = s * 18;
    [a0, b0, a1, b0, b1, a1].forEach((v, k) => outP.set(v, q + k * 3));
    const c0 = [colors[o] ?? 0, colors[o + 1] ?? 0, colors[o + 2] ?? 0];
    const c1 = [colors[o + 3] ?? 0, colors[o + 4] ?? 0, colors[o + 5] ?? 0];
    [c0, c0, c1, c0, c1, c1].forEach((c, k) => outC.set(c, q + k * 3));
  }
  return { positions: outP, colors: outC };
}

/** Ground box around buildings `indices` (skipping invalid ones), with the tallest roof; null if none. */
export function buildingsBox(
  layout: CityLayout,
  heights: Float32Array,
  indices: readonly number[],
): { x: number; z: number; width: number; depth: number; top: number } | null {
  const b = layout.buildings;
  let minX = Infinity, maxX = -Infinity, minZ = Infinity, maxZ = -Infinity, top = 0;
  for (const i of indices) {
    if (i < 0 || i >= b.count) continue;
    const x = b.x[i] ?? 0, z = b.z[i] ?? 0, hw = (b.width[i] ?? 0) / 2, hd = (b.depth[i] ?? 0) / 2;
    minX = Math.min(minX, x - hw);
    maxX = Math.max(maxX, x + hw);
    minZ = Math.min(minZ, z - hd);
    maxZ = Math.max(maxZ, z + hd);
    top = Math.max(top, (b.y[i] ?? 0) + (heights[i] ?? 0));
  }
  if (minX > maxX) return null;
  return { x: (minX + maxX) / 2, z: (minZ + maxZ) / 2, width: maxX - minX, depth: maxZ - minZ, top };
}
