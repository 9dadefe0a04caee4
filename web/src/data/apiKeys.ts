/**
 * API keys as the keys page shows them: the key resource of `GET /api/v1/apikeys`, its status
 * in words, and the order of the list (active keys first, newest first). Pure, so it is tested
 * without a browser.
 */

/** `GET /api/v1/apikeys` item. */
export interface ApiKey {
  id: number;
  user_id: number;
  username: string;
  name: string;
  /** The first characters of the key, to recognise it. */
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ApiKeyList {
  items: ApiKey[];
}

/** `POST /api/v1/apikeys`: the key itself is in this answer and never again. */
export interface CreatedApiKey {
  id: number;
  name: string;
  key: string;
}

export const MAX_KEY_NAME = 100;

/** Why a key name cannot be sent, or null when it can (the server's rule: 1 to 100 characters). */
export function keyNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Name the key after what will use it, e.g. "CI pipeline".';
  if ([...trimmed].length > MAX_KEY_NAME) return `A key name has at most ${MAX_KEY_NAME} characters.`;
  return null;
}

/** Active keys first, then by creation time, newest first; ties by id, newest first. */
export function sortKeys(keys: readonly ApiKey[]): ApiKey[] {
  return [...keys].sort((a, b) => {
    const ra = a.revoked_at === null ? 0 : 1;
    const rb = b.revoked_at === null ? 0 : 1;
    if (ra !== rb) return ra - rb;
    if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
    return b.id - a.id;
  });
}

/** Whether any key in the list belongs to someone other than `username` (admins see everyone's). */
export function showsOwners(keys: readonly ApiKey[], username: string | null): boolean {
  return keys.some((k) => username === null || k.username !== username);
}

/** A key shown by its prefix: `cvk_ab12cd…`. */
export function maskedKey(prefix: string): string {
  return `${prefix}…`;
}
