import { describe, expect, it } from 'vitest';
import { keyNameProblem, maskedKey, showsOwners, sortKeys, type ApiKey } from './apiKeys';

const key = (id: number, created_at: string, revoked_at: string | null = null, user_id = 1): ApiKey => ({
  id,
  user_id,
  username: user_id === 1 ? 'ana' : 'bob',
  name: `key ${id}`,
  prefix: `cvk_${id}`,
  created_at,
  revoked_at,
  last_used_at: null,
});

describe('API keys', () => {
  it('lists active keys first, newest first', () => {
    const keys = [
      key(1, '2026-01-01T00:00:00Z'),
      key(2, '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z'),
      key(3, '2026-02-01T00:00:00Z'),
      key(4, '2026-02-01T00:00:00Z'),
    ];
    expect(sortKeys(keys).map((k) => k.id)).toEqual([4, 3, 1, 2]);
    // The input is left alone.
    expect(keys.map((k) => k.id)).toEqual([1, 2, 3, 4]);
  });

  it('checks a name as the server does', () => {
    expect(keyNameProblem('  ')).toMatch(/Name the key/);
    expect(keyNameProblem('x'.repeat(101))).toMatch(/at most 100/);
    expect(keyNameProblem(' CI ')).toBeNull();
    expect(keyNameProblem('é'.repeat(100))).toBeNull();
  });

  it('shows owners only when someone else owns a key', () => {
    expect(showsOwners([key(1, 'a'), key(2, 'b')], 'ana')).toBe(false);
    expect(showsOwners([key(1, 'a'), key(2, 'b', null, 2)], 'ana')).toBe(true);
    expect(maskedKey('cvk_abc')).toBe('cvk_abc…');
  });
});
