/**
 * Keyboard camera moves for the city (pure math, no three.js): arrows orbit around the target,
 * Shift+arrows pan over the ground, + and − zoom. The caller applies the result to the camera
 * and the orbit controls.
 */
import type { CameraState } from '../state/cityParams';

export interface KeyLimits {
  /** Smallest and largest camera distance from the target. */
  minDistance: number;
  maxDistance: number;
  /** Largest polar angle (0 = straight down), so the camera stays above the ground. */
  maxPolar: number;
  /** Ground distance of one pan step. */
  panStep: number;
}

const ORBIT_STEP = Math.PI / 18; // 10°
const ZOOM_STEP = 0.85;
const MIN_POLAR = 0.05;

type Vec = [number, number, number];

/** The camera after `key` (a KeyboardEvent.key), or null when the key is not a camera key. */
export function keyboardMove(key: string, shift: boolean, cam: CameraState, limits: KeyLimits): CameraState | null {
  const [tx, ty, tz] = cam.target;
  const off: Vec = [cam.position[0] - tx, cam.position[1] - ty, cam.position[2] - tz];
  const radius = Math.hypot(off[0], off[1], off[2]);
  if (!(radius > 0)) return null;
  let theta = Math.atan2(off[0], off[2]); // azimuth around +y
  let phi = Math.acos(Math.min(1, Math.max(-1, off[1] / radius))); // polar from +y
  let r = radius;
  const target: Vec = [tx, ty, tz];
  const arrow = key === 'ArrowLeft' || key === 'ArrowRight' || key === 'ArrowUp' || key === 'ArrowDown';
  if (arrow && shift) {
    // Pan on the ground, relative to where the camera looks: up = away from the viewer.
    const fx = -Math.sin(theta);
    const fz = -Math.cos(theta);
    const [dx, dz] =
      key === 'ArrowUp' ? [fx, fz] : key === 'ArrowDown' ? [-fx, -fz] : key === 'ArrowLeft' ? [fz, -fx] : [-fz, fx];
    target[0] += dx * limits.panStep;
    target[2] += dz * limits.panStep;
    const position: Vec = [cam.position[0] + dx * limits.panStep, cam.position[1], cam.position[2] + dz * limits.panStep];
    return { position, target };
  }
  switch (key) {
    case 'ArrowLeft':
      theta -= ORBIT_STEP;
      break;
    case 'ArrowRight':
      theta += ORBIT_STEP;
      break;
    case 'ArrowUp':
      phi -= ORBIT_STEP / 2;
      break;
    case 'ArrowDown':
      phi += ORBIT_STEP / 2;
      break;
    case '+':
    case '=':
      r *= ZOOM_STEP;
      break;
    case '-':
    case '_':
      r /= ZOOM_STEP;
      break;
    default:
      return null;
  }
  phi = Math.min(limits.maxPolar, Math.max(MIN_POLAR, phi));
  r = Math.min(limits.maxDistance, Math.max(limits.minDistance, r));
  const position: Vec = [
    tx + r * Math.sin(phi) * Math.sin(theta),
    ty + r * Math.cos(phi),
    tz + r * Math.sin(phi) * Math.cos(theta),
  ];
  return { position, target };
}
