/**
 * Live progress of an analysis: the WebSocket events of `GET /api/v1/ws` (and the REST view of
 * `GET /api/v1/analyses/{id}`) reduced to one state a progress bar is drawn from, the ETA as
 * words, and the reconnect backoff. Pure, so it is tested without a browser or a server.
 */

export type AnalysisStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One event of an analysis, as `crates/codevoyage-jobs/src/events.rs` serialises it. */
export type AnalysisEvent =
  | { type: 'queued'; analysis_id: number; repository_id: number }
  | { type: 'stage_started'; analysis_id: number; repository_id: number; stage: string }
  | {
      type: 'progress';
      analysis_id: number;
      repository_id: number;
      stage: string;
      done: number;
      total: number;
      rate_per_sec: number;
      eta_secs: number | null;
    }
  | { type: 'stage_finished'; analysis_id: number; repository_id: number; stage: string; done: number; elapsed_ms: number }
  | { type: 'finished'; analysis_id: number; repository_id: number }
  | { type: 'failed'; analysis_id: number; repository_id: number; error: string }
  | { type: 'cancelled'; analysis_id: number; repository_id: number };

/** What the socket sends: `ready` once subscribed, `resync` when events were lost, else events. */
export type SocketMessage = { type: 'ready' } | { type: 'resync' } | AnalysisEvent;

/** `GET /api/v1/analyses/{id}`. */
export interface AnalysisView {
  id: number;
  repository_id: number;
  status: AnalysisStatus;
  stage: string | null;
  progress: { done: number; total: number };
  error: string | null;
}

export interface ProgressState {
  analysisId: number;
  repositoryId: number;
  status: AnalysisStatus;
  stage: string | null;
  done: number;
  total: number;
  /** Items per second of the current stage, when the server measured it. */
  ratePerSec: number | null;
  etaSecs: number | null;
  error: string | null;
}

const EVENT_TYPES = new Set(['queued', 'stage_started', 'progress', 'stage_finished', 'finished', 'failed', 'cancelled']);

/** Parses one text message of the socket; null for anything unreadable or unknown. */
export function parseMessage(text: string): SocketMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'ready' || v.type === 'resync') return { type: v.type };
  if (typeof v.type !== 'string' || !EVENT_TYPES.has(v.type)) return null;
  if (typeof v.analysis_id !== 'number' || typeof v.repository_id !== 'number') return null;
  return value as AnalysisEvent;
}

export function initialProgress(analysisId: number, repositoryId: number): ProgressState {
  return {
    analysisId,
    repositoryId,
    status: 'queued',
    stage: null,
    done: 0,
    total: 0,
    ratePerSec: null,
    etaSecs: null,
    error: null,
  };
}

export function isTerminal(status: AnalysisStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** Applies one event; events of other analyses, and any event after the end, change nothing. */
export function reduceEvent(state: ProgressState, event: AnalysisEvent): ProgressState {
  if (event.analysis_id !== state.analysisId || isTerminal(state.status)) return state;
  switch (event.type) {
    case 'queued':
      return { ...state, status: 'queued' };
    case 'stage_started':
      return { ...state, status: 'running', stage: event.stage, done: 0, total: 0, ratePerSec: null, etaSecs: null };
    case 'progress':
      return {
        ...state,
        status: 'running',
        stage: event.stage,
        done: event.done,
        total: event.total,
        ratePerSec: Number.isFinite(event.rate_per_sec) ? event.rate_per_sec : null,
        etaSecs: event.eta_secs ?? null,
      };
    case 'stage_finished':
      return {
        ...state,
        status: 'running',
        stage: event.stage,
        done: event.done,
        total: Math.max(state.total, event.done),
        etaSecs: null,
      };
    case 'finished':
      return { ...state, status: 'succeeded', etaSecs: null };
    case 'failed':
      return { ...state, status: 'failed', error: event.error, etaSecs: null };
    case 'cancelled':
      return { ...state, status: 'cancelled', etaSecs: null };
  }
}

/** The state from the REST view (after a resync, or when polling instead of the socket). */
export function fromView(state: ProgressState, view: AnalysisView): ProgressState {
  if (view.id !== state.analysisId || isTerminal(state.status)) return state;
  const sameStage = view.stage === state.stage;
  return {
    ...state,
    status: view.status,
    stage: view.stage,
    done: view.progress.done,
    total: view.progress.total,
    // The view carries no rate: keep the socket's while the stage is the same.
    ratePerSec: sameStage && !isTerminal(view.status) ? state.ratePerSec : null,
    etaSecs: sameStage && !isTerminal(view.status) ? state.etaSecs : null,
    error: view.error,
  };
}

/** Share done, 0..1, or null when the total is not known yet. */
export function fraction(state: ProgressState): number | null {
  if (state.total <= 0) return state.status === 'succeeded' ? 1 : null;
  return Math.min(1, Math.max(0, state.done / state.total));
}

/** "about 3 s", "about 2 min 5 s", "about 1 h 4 min"; "" when unknown. */
export function formatEta(secs: number | null | undefined): string {
  if (secs === null || secs === undefined || !Number.isFinite(secs) || secs < 0) return '';
  const s = Math.round(secs);
  if (s < 1) return 'less than a second left';
  if (s < 60) return `about ${s} s left`;
  const m = Math.floor(s / 60);
  if (m < 60) {
    const rest = s % 60;
    return rest === 0 ? `about ${m} min left` : `about ${m} min ${rest} s left`;
  }
  const h = Math.floor(m / 60);
  const restM = m % 60;
  return restM === 0 ? `about ${h} h left` : `about ${h} h ${restM} min left`;
}

/**
 * How long to wait before reconnecting after `attempt` failed tries (0 = first retry):
 * exponential from `baseMs`, capped at `maxMs`, with up to 20 % subtracted at random
 * (`random` in [0, 1)) so many tabs do not reconnect in step.
 */
export function backoffDelay(attempt: number, random: number = Math.random(), baseMs = 500, maxMs = 30_000): number {
  const n = Math.max(0, Math.floor(attempt));
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
  const jitter = Math.min(Math.max(random, 0), 1) * 0.2;
  return Math.round(raw * (1 - jitter));
}

/** The socket's URL on the page's host: ws(s)://host/api/v1/ws?access_token=… */
export function socketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/ws?access_token=${encodeURIComponent(token)}`;
}
