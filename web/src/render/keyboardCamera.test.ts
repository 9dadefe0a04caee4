import { describe, expect, it } from 'vitest';
import { keyboardMove, type KeyLimits } from './keyboardCamera';

const limits: KeyLimits = { minDistance: 10, maxDistance: 1000, maxPolar: Math.PI / 2 - 0.08, panStep: 5 };
const cam = { position: [0, 100, 100] as [number, number, number], target: [0, 0, 0] as [number, number, number] };
const dist = (c: { position: number[]; target: number[] }) =>
  Math.hypot(c.position[0]! - c.target[0]!, c.position[1]! - c.target[1]!, c.position[2]! - c.target[2]!);

describe('keyboard camera', () => {
  it('orbits around the target at the same distance', () => {
    const m = keyboardMove('ArrowRight', false, cam, limits);
    expect(m).not.toBeNull();
    expect(dist(m!)).toBeCloseTo(dist(cam), 6);
    expect(m!.target).toEqual([0, 0, 0]);
    expect(m!.position[0]).toBeGreaterThan(0);
    const back = keyboardMove('ArrowLeft', false, m!, limits)!;
    back.position.forEach((v, i) => expect(v).toBeCloseTo(cam.position[i]!, 6));
  });

  it('tilts without going under the ground', () => {
    let c = cam;
    for (let i = 0; i < 40; i++) c = keyboardMove('ArrowDown', false, c, limits)!;
    expect(c.position[1]).toBeGreaterThan(0);
    for (let i = 0; i < 80; i++) c = keyboardMove('ArrowUp', false, c, limits)!;
    expect(c.position[1]).toBeGreaterThan(dist(c) * 0.99);
  });

  it('zooms within the limits', () => {
    const z = keyboardMove('+', false, cam, limits)!;
    expect(dist(z)).toBeCloseTo(dist(cam) * 0.85, 6);
    let c = cam;
    for (let i = 0; i < 100; i++) c = keyboardMove('-', false, c, limits)!;
    expect(dist(c)).toBeCloseTo(1000, 6);
  });

  it('pans target and camera together with Shift, away from the viewer on Shift+Up', () => {
    const p = keyboardMove('ArrowUp', true, cam, limits)!;
    // The camera looks towards -z from +z: moving away from the viewer decreases z.
    expect(p.target[2]).toBeCloseTo(-5, 6);
    expect(p.position[2]).toBeCloseTo(95, 6);
    expect(dist(p)).toBeCloseTo(dist(cam), 6);
    const r = keyboardMove('ArrowRight', true, cam, limits)!;
    expect(r.target[0]).toBeCloseTo(5, 6);
  });

  it('ignores other keys', () => {
    expect(keyboardMove('a', false, cam, limits)).toBeNull();
    expect(keyboardMove('Enter', false, cam, limits)).toBeNull();
  });
});
