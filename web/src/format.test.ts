import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatRelative, shortSha } from './format';

describe('format', () => {
  it('abbreviates counts', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1500)).toBe('1.5k');
    expect(formatCount(25_000)).toBe('25k');
    expect(formatCount(2_500_000)).toBe('2.5M');
  });
  it('formats bytes', () => {
    expect(formatBytes(100)).toBe('100 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
  });
  it('formats relative times', () => {
    const now = new Date('2026-11-25T20:00:00Z');
    expect(formatRelative(null, now)).toBe('never');
    expect(formatRelative('2026-11-25T19:30:00Z', now)).toBe('30 min ago');
    expect(formatRelative('2026-11-23T20:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative('garbage', now)).toBe('garbage');
  });
  it('shortens shas', () => {
    expect(shortSha('0123456789abcdef0123456789abcdef01234567')).toBe('01234567');
    expect(shortSha(null)).toBe('–');
  });
});
