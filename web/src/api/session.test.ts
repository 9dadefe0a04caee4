import { describe, expect, it } from 'vitest';
import {
  STORAGE_KEY,
  SessionStore,
  loginUrl,
  safeNext,
  sessionFrom,
  tokenFromHash,
  type KeyValueStore,
  type Session,
} from './session';

function memory(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const alice: Session = { token: 'jwt-a', username: 'alice', role: 'analyst', expiresAt: 10_000 };

describe('SessionStore', () => {
  it('keeps the session in storage and gives its token', () => {
    const store = memory();
    const s = new SessionStore(store, () => 1_000);
    expect(s.token()).toBeNull();
    s.set(alice);
    expect(s.token()).toBe('jwt-a');
    expect(JSON.parse(store.data.get(STORAGE_KEY) ?? 'null')).toEqual(alice);
    // A new page load reads it back.
    expect(new SessionStore(store, () => 1_000).get()).toEqual(alice);
  });

  it('drops an expired session', () => {
    let now = 1_000;
    const store = memory();
    const s = new SessionStore(store, () => now);
    s.set(alice);
    now = 10_000;
    expect(s.get()).toBeNull();
    expect(store.data.has(STORAGE_KEY)).toBe(false);
  });

  it('ignores garbage in storage', () => {
    for (const raw of ['not json', '{"token":""}', '{"token":"x","username":"a","role":"root","expiresAt":5}', 'null']) {
      const s = new SessionStore(memory({ [STORAGE_KEY]: raw }), () => 0);
      expect(s.get()).toBeNull();
    }
  });

  it('notifies on login and logout, and clear forgets the token', () => {
    const s = new SessionStore(memory(), () => 0);
    let calls = 0;
    const stop = s.subscribe(() => calls++);
    s.set(alice);
    s.clear();
    expect(calls).toBe(2);
    expect(s.token()).toBeNull();
    s.clear();
    expect(calls).toBe(2);
    stop();
    s.set(alice);
    expect(calls).toBe(2);
  });

  it('builds a session from a token response', () => {
    expect(
      sessionFrom(
        { access_token: 't', token_type: 'Bearer', expires_in: 60, user: { user_id: 1, username: 'bo', role: 'viewer' } },
        5_000,
      ),
    ).toEqual({ token: 't', username: 'bo', role: 'viewer', expiresAt: 65_000 });
  });
});

describe('login redirects', () => {
  it('comes back only to paths on this site', () => {
    expect(safeNext('/repositories/3?height=revisions')).toBe('/repositories/3?height=revisions');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login', '/login?next=/x']) {
      expect(safeNext(bad)).toBe('/');
    }
  });
  it('puts the current page in ?next=', () => {
    expect(loginUrl('/repositories/3?height=revisions')).toBe('/login?next=%2Frepositories%2F3%3Fheight%3Drevisions');
    expect(loginUrl('/')).toBe('/login');
    expect(loginUrl('/login?next=/x')).toBe('/login');
  });
  it('reads the one-time token of a login link', () => {
    expect(tokenFromHash('#token=cvl_abc-_')).toBe('cvl_abc-_');
    expect(tokenFromHash('#other=1')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });
});
