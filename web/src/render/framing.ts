/**
 * Camera framing: where to put a perspective camera so a ground-aligned box fills the view.
 * Plain numbers (no three.js objects) so it is unit-tested in Node.
 */

export interface GroundBox {
  /** Centre on the ground plane. */
  x: number;
  z: number;
  width: number;
  depth: number;
  /** Height of the box's top (its contents' tallest point). */
  top: number;
}

export interface Framing {
  position: [number, number, number];
  target: [number, number, number];
  distance: number;
}

/**
 * Frames `box` looking from `azimuthDeg` (0 = from +z, 90 = from +x) at `elevationDeg` above
 * the ground, fitting its bounding sphere in both the vertical and horizontal field of view.
 */
export function frameBox(
  box: GroundBox,
  aspect: number,
  fovDeg: number,
  azimuthDeg = 35,
  elevationDeg = 44,
  tightness = 0.86,
): Framing {
  const radius = Math.max(1e-3, Math.hypot(box.width, box.depth, box.top) / 2);
  const fov = (fovDeg * Math.PI) / 180;
  const hFov = 2 * Math.atan(Math.tan(fov / 2) * Math.max(0.3, aspect));
  const distance = (radius / Math.sin(Math.min(fov, hFov) / 2)) * tightness;
  const el = (elevationDeg * Math.PI) / 180;
  const az = (azimuthDeg * Math.PI) / 180;
  const target: [number, number, number] = [box.x, box.top * 0.1, box.z];
  return {
    target,
    distance,
    position: [
      target[0] + distance * Math.cos(el) * Math.sin(az),
      target[1] + distance * Math.sin(el),
      target[2] + distance * Math.cos(el) * Math.cos(az),
    ],
  };
}
