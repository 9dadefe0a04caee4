import { describe, expect, it } from 'vitest';
import { frameBox } from './framing';

describe('frameBox', () => {
  const box = { x: 10, z: -20, width: 100, depth: 100, top: 20 };
  it('looks at the box centre from above at the requested elevation', () => {
    const f = frameBox(box, 16 / 9, 40, 0, 45);
    expect(f.target[0]).toBe(10);
    expect(f.target[2]).toBe(-20);
    const [dx, dy, dz] = f.position.map((v, i) => v - (f.target[i] ?? 0));
    expect(dx).toBeCloseTo(0, 6);
    expect(dy).toBeCloseTo(dz ?? 0, 6);
    expect(Math.hypot(dx ?? 0, dy ?? 0, dz ?? 0)).toBeCloseTo(f.distance, 6);
  });
  it('backs off further for bigger boxes and narrow viewports', () => {
    const near = frameBox(box, 16 / 9, 40).distance;
    expect(frameBox({ ...box, width: 400, depth: 400 }, 16 / 9, 40).distance).toBeGreaterThan(near * 3);
    expect(frameBox(box, 0.5, 40).distance).toBeGreaterThan(near);
  });
  it('keeps the whole bounding sphere inside the vertical field of view', () => {
    const f = frameBox(box, 2, 40, 35, 44, 1);
    const radius = Math.hypot(100, 100, 20) / 2;
    expect(Math.asin(radius / f.distance)).toBeLessThanOrEqual((20 * Math.PI) / 180 + 1e-9);
  });
});
