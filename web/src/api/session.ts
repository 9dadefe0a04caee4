/**
 * The login session: the access token (a JWT from `POST /api/v1/auth/login` or
 * `/auth/exchange`) and who it belongs to, kept in localStorage so a reload stays logged in.
 * Pure logic with an injectable storage and clock, so it is tested without a browser.
 */

export type Role = 'viewer' | 'analyst' | 'admin';

export interface Session {
  token: string;
  username: string;
  role: Role;
  /** Milliseconds since the epoch after which the token no longer works. */
  expiresAt: number;
}

/** What `/auth/login` and `/auth/exchange` answer. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  user: { user_id: number; username: string; role: Role };
}

/** The part of the Web Storage API we use. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const STORAGE_KEY = 'codevoyage.session';

function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

function defaultStore(): KeyValueStore {
  try {
    if (typeof globalThis.localStorage !== 'undefined') return globalThis.localStorage;
  } catch {
    // Storage disabled (privacy settings): keep the session in memory for this tab.
  }
  return memoryStore();
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === 'string' &&
    v.token.length > 0 &&
    typeof v.username === 'string' &&
    (v.role === 'viewer' || v.role === 'analyst' || v.role === 'admin') &&
    typeof v.expiresAt === 'number'
  );
}

/** A session from a token response received at `now` (ms). */
export function sessionFrom(response: TokenResponse, now: number): Session {
  return {
    token: response.access_token,
    username: response.user.username,
    role: response.user.role,
    expiresAt: now + response.expires_in * 1000,
  };
}

export class SessionStore {
  private readonly listeners = new Set<() => void>();
  private cached: Session | null | undefined = undefined;

  constructor(
    private readonly store: KeyValueStore = defaultStore(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The current session, or null when logged out or expired (an expired one is dropped). */
  get(): Session | null {
    if (this.cached === undefined) {
      let parsed: unknown = null;
      try {
        const raw = this.store.getItem(STORAGE_KEY);
        parsed = raw ? JSON.parse(raw) : null;
      } catch {
        parsed = null;
      }
      this.cached = isSession(parsed) ? parsed : null;
    }
    if (this.cached && this.cached.expiresAt <= this.now()) {
      // Dropped quietly: this runs while rendering, where notifying listeners is not allowed.
      this.cached = null;
      try {
        this.store.removeItem(STORAGE_KEY);
      } catch {
        // Nothing to remove.
      }
      return null;
    }
    return this.cached;
  }

  /** The bearer token to send, if any. */
  token(): string | null {
    return this.get()?.token ?? null;
  }

  set(session: Session): void {
    this.cached = session;
    try {
      this.store.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch {
      // Quota or disabled storage: the session still lives in memory for this tab.
    }
    this.emit();
  }

  clear(): void {
    const had = this.cached !== null;
    this.cached = null;
    try {
      this.store.removeItem(STORAGE_KEY);
    } catch {
      // Nothing to remove.
    }
    if (had) this.emit();
  }

  /** Forgets the cached value so the next `get` reads storage again (another tab changed it). */
  reload(): void {
    this.cached = undefined;
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/** The app's one session store. */
export const session = new SessionStore();

if (typeof window !== 'undefined') {
  // Logging in or out in another tab applies here too.
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY) session.reload();
  });
}

/**
 * Where to go after logging in: `next` when it is a path on this site, else `/`. Anything
 * that could leave the site (`//host`, `https://…`, `/\host`) is refused.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login#')) return '/';
  return next;
}

/** The login page's URL that comes back to `here` (path and query) afterwards. */
export function loginUrl(here: string): string {
  const next = safeNext(here);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** The one-time token of a `/login#token=…` link, if the fragment carries one. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token && token.trim().length > 0 ? token.trim() : null;
}
