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
  OwnershipData,
  Repository,
  RepositoryList,
  RepositoryTree,
  Timeline,
} from './types';

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

/** Fetches `path` and parses JSON, turning every failure into an `ApiError`. */
export async function getJson<T>(path: string, signal?: AbortSignal, fetcher: Fetcher = fetch): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(path, { signal, headers: { Accept: 'application/json' } });
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
    if (isErrorBody(body)) throw new ApiError(response.status, body.code, body.message);
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${response.status} ${response.statusText} for ${path}.`,
    );
  }
  if (body === undefined) {
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
  hotspots: (id: number, limit: number, signal?: AbortSignal) =>
    getJson<HotspotList>(`/api/v1/repositories/${id}/hotspots?limit=${limit}`, signal),
  coupling: (id: number, limit: number, signal?: AbortSignal) =>
    getJson<CouplingList>(`/api/v1/repositories/${id}/coupling?limit=${limit}`, signal),
  contributors: (id: number, signal?: AbortSignal) =>
    getJson<ContributorList>(`/api/v1/repositories/${id}/contributors`, signal),
  activity: (id: number, signal?: AbortSignal) => getJson<ActivityList>(`/api/v1/repositories/${id}/activity`, signal),
  timeline: (id: number, signal?: AbortSignal) => getJson<Timeline>(`/api/v1/repositories/${id}/timeline`, signal),
  ownership: (id: number, signal?: AbortSignal) =>
    getJson<OwnershipData>(`/api/v1/repositories/${id}/ownership`, signal),
};
