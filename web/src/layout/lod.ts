/**
 * Level of detail for the instanced city, pure: buildings are drawn in order of decreasing
 * footprint, and only the prefix whose footprint would cover at least a fraction of a pixel
 * from the camera is drawn. The distance used is the camera's distance to the nearest point of
 * the city, so no building that could be seen is ever dropped: only a zoomed-out view of a
 * large city (where tens of thousands of buildings are smaller than a pixel) skips instances.
 */
import type { CityLayout } from './city';

export interface LodOrder {
  /** Building indices, largest footprint first (ties by index). */
  order: Int32Array;
  /** Slot of each building in `order`. */
  slotOf: Int32Array;
  /** Footprint size (the larger side) per slot, non-increasing. */
  size: Float32Array;
}

export function lodOrder(layout: CityLayout): LodOrder {
  const b = layout.buildings;
  const n = b.count;
  const sizeOf = new Float32Array(n);
  for (let i = 0; i < n; i++) sizeOf[i] = Math.max(b.width[i] ?? 0, b.depth[i] ?? 0);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => (sizeOf[y] ?? 0) - (sizeOf[x] ?? 0) || x - y);
  const slotOf = new Int32Array(n);
  const size = new Float32Array(n);
  order.forEach((building, slot) => {
    slotOf[building] = slot;
    size[slot] = sizeOf[building] ?? 0;
  });
  return { order, slotOf, size };
}

/** How many slots have a size of at least `minSize` (binary search over the sorted sizes). */
export function lodCount(lod: LodOrder, minSize: number): number {
  let lo = 0;
  let hi = lod.size.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((lod.size[mid] ?? 0) >= minSize) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The smallest world size that covers `thresholdPx` pixels at `distance` from a perspective
 * camera with vertical field of view `fovDeg` on a viewport `viewportPx` pixels high.
 */
export function minVisibleSize(distance: number, fovDeg: number, viewportPx: number, thresholdPx: number): number {
  if (!(distance > 0) || !(viewportPx > 0)) return 0;
  const worldPerPixel = (2 * distance * Math.tan((fovDeg * Math.PI) / 360)) / viewportPx;
  return thresholdPx * worldPerPixel;
}

/** Distance from a point to the axis-aligned box of the city (0 inside it). */
export function distanceToCity(layout: CityLayout, topY: number, point: readonly [number, number, number]): number {
  const [x, y, z] = point;
  const hx = layout.width / 2;
  const hz = layout.depth / 2;
  const dx = Math.max(0, Math.abs(x) - hx);
  const dz = Math.max(0, Math.abs(z) - hz);
  const dy = y < 0 ? -y : Math.max(0, y - topY);
  return Math.hypot(dx, dy, dz);
}

/** Buildings to draw from a camera at `position`: every one that may cover `thresholdPx`. */
export function visibleSlots(
  layout: CityLayout,
  lod: LodOrder,
  topY: number,
  position: readonly [number, number, number],
  fovDeg: number,
  viewportPx: number,
  thresholdPx = 0.75,
): number {
  return lodCount(lod, minVisibleSize(distanceToCity(layout, topY, position), fovDeg, viewportPx, thresholdPx));
}
