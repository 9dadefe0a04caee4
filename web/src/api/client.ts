/**
 * Thin fetch wrapper for the CodeVoyage API. Every failure becomes an `ApiError` whose
 * `message` is fit to show a person: the server's own message when it sent one, otherwise a
 * sentence saying what went wrong (server unreachable, unexpected answer) and what to try.
 */
import type {
  ActivityList,
  ApiErrorBody,
  ContributorList,
  CouplingList,
  HotspotList,
  InsightList,
  SummaryView,
  OwnershipData,
  Repository,
  RepositoryList,
  RepositoryTree,
  Timeline,
} from './types';
import { matchRoute, navigate } from '../router';
import { loginUrl, session, sessionFrom, type Session, type TokenResponse } from './session';
import type { AnalysisView } from '../data/analysisProgress';
import type { ApiKeyList, CreatedApiKey } from '../data/apiKeys';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).message === 'string' &&
    typeof (value as Record<string, unknown>).code === 'string'
  );
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

/** Where requests get their credential, and what a 401 does. */
export interface Auth {
  token(): string | null;
  /** Called when the server refused the credential (or there was none). */
  unauthorized(): void;
}

/** The browser's: the stored session; a 401 drops it and opens the login page, which comes back here. */
export const browserAuth: Auth = {
  token: () => session.token(),
  unauthorized: () => {
    session.clear();
    if (typeof window === 'undefined') return;
    const here = window.location.pathname + window.location.search;
    if (matchRoute(window.location.pathname).name !== 'login') navigate(loginUrl(here));
  },
};

/** The request headers: JSON, and the bearer token when there is one. */
export function requestHeaders(auth: Auth, json = false): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (json) headers['Content-Type'] = 'application/json';
  const token = auth.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Fetches `path` and parses JSON, turning every failure into an `ApiError`. */
export async function getJson<T>(
  path: string,
  signal?: AbortSignal,
  fetcher: Fetcher = fetch,
  auth: Auth = browserAuth,
): Promise<T> {
  return request<T>(path, { signal, headers: requestHeaders(auth) }, fetcher, auth, true);
}

/**
 * Posts `body` as JSON. `redirectOn401` is false for the login calls themselves, where a 401
 * means "wrong password", shown on the form.
 */
export async function postJson<T>(
  path: string,
  body: unknown,
  options: { fetcher?: Fetcher; auth?: Auth; redirectOn401?: boolean; method?: string } = {},
): Promise<T> {
  const auth = options.auth ?? browserAuth;
  return request<T>(
    path,
    { method: options.method ?? 'POST', headers: requestHeaders(auth, true), body: JSON.stringify(body) },
    options.fetcher ?? fetch,
    auth,
    options.redirectOn401 ?? true,
  );
}

/** Sends a DELETE; resolves on 2xx (204 carries no body). */
export async function deleteRequest(path: string, fetcher: Fetcher = fetch, auth: Auth = browserAuth): Promise<void> {
  await request<unknown>(path, { method: 'DELETE', headers: requestHeaders(auth) }, fetcher, auth, true);
}

async function request<T>(path: string, init: RequestInit, fetcher: Fetcher, auth: Auth, redirectOn401: boolean): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'network',
      'Could not reach the CodeVoyage server. Is `codevoyage serve` still running?',
    );
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && redirectOn401) auth.unauthorized();
    if (isErrorBody(body)) throw new ApiError(response.status, body.code, body.message);
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${response.status} ${response.statusText} for ${path}.`,
    );
  }
  if (body === undefined) {
    if (response.status === 204) return undefined as T;
    throw new ApiError(
      response.status,
      'bad_response',
      `The server sent something other than JSON for ${path}. Is this a CodeVoyage server?`,
    );
  }
  return body as T;
}

export const api = {
  repositories: (signal?: AbortSignal) => getJson<RepositoryList>('/api/v1/repositories', signal),
  repository: (id: number, signal?: AbortSignal) => getJson<Repository>(`/api/v1/repositories/${id}`, signal),
  tree: (id: number, signal?: AbortSignal) => getJson<RepositoryTree>(`/api/v1/repositories/${id}/tree`, signal),
  insights: (id: number, signal?: AbortSignal) => getJson<InsightList>(`/api/v1/repositories/${id}/insights`, signal),
  summary: (id: number, signal?: AbortSignal) => getJson<SummaryView>(`/api/v1/repositories/${id}/summary`, signal),
  hotspots: (id: number, limit: number, signal?: AbortSignal) =>
    getJson<HotspotList>(`/api/v1/repositories/${id}/hotspots?limit=${limit}`, signal),
  coupling: (id: number, limit: number, signal?: AbortSignal) =>
    getJson<CouplingList>(`/api/v1/repositories/${id}/coupling?limit=${limit}`, signal),
  contributors: (id: number, signal?: AbortSignal) =>
    getJson<ContributorList>(`/api/v1/repositories/${id}/contributors`, signal),
  activity: (id: number, signal?: AbortSignal) => getJson<ActivityList>(`/api/v1/repositories/${id}/activity`, signal),
  timeline: (id: number, signal?: AbortSignal) => getJson<Timeline>(`/api/v1/repositories/${id}/timeline`, signal),
  /** The page of one commit by its full sha (empty when the stored history has none such). */
  commitBySha: (id: number, sha: string, signal?: AbortSignal) =>
    getJson<unknown>(`/api/v1/repositories/${id}/commits?sha=${encodeURIComponent(sha)}`, signal),
  ownership: (id: number, signal?: AbortSignal) =>
    getJson<OwnershipData>(`/api/v1/repositories/${id}/ownership`, signal),
  /** Registers a repository by URL or server-local path (analysts and admins); 409 names an existing one. */
  addRepository: (body: NewRepository) => postJson<Repository>('/api/v1/repositories', body),
  /** Queues an analysis (analysts and admins). */
  startAnalysis: (repositoryId: number) =>
    postJson<StartedAnalysis>(`/api/v1/repositories/${repositoryId}/analyses`, {}),
  analysis: (id: number, signal?: AbortSignal) => getJson<AnalysisView>(`/api/v1/analyses/${id}`, signal),
  cancelAnalysis: (id: number) => postJson<AnalysisView>(`/api/v1/analyses/${id}/cancel`, {}),
  /** The signed-in user's API keys (an admin's list holds everyone's). */
  apiKeys: (signal?: AbortSignal) => getJson<ApiKeyList>('/api/v1/apikeys', signal),
  /** Creates a key; the answer holds the key itself, once. */
  createApiKey: (name: string) => postJson<CreatedApiKey>('/api/v1/apikeys', { name }),
  revokeApiKey: (id: number) => deleteRequest(`/api/v1/apikeys/${id}`),
};

export interface NewRepository {
  source: string;
  name?: string;
  visibility: 'private' | 'shared';
}

export interface StartedAnalysis {
  id: number;
  repository_id: number;
  status: 'queued';
}

/** Logging in and out. A successful login stores the session. */
export const auth = {
  async login(username: string, password: string, fetcher: Fetcher = fetch): Promise<Session> {
    const response = await postJson<TokenResponse>(
      '/api/v1/auth/login',
      { username, password },
      { fetcher, redirectOn401: false },
    );
    const s = sessionFrom(response, Date.now());
    session.set(s);
    return s;
  },
  /** Trades the one-time token of a login link (`/login#token=…`) for a session. */
  async exchange(token: string, fetcher: Fetcher = fetch): Promise<Session> {
    const response = await postJson<TokenResponse>('/api/v1/auth/exchange', { token }, { fetcher, redirectOn401: false });
    const s = sessionFrom(response, Date.now());
    session.set(s);
    return s;
  },
  logout(): void {
    session.clear();
    navigate('/login');
  },
};
