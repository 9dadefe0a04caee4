/**
 * Live progress of one analysis: the WebSocket's events (reconnecting with backoff) and, as a
 * fallback, `GET /api/v1/analyses/{id}` every 2 s while it runs. The logic lives in
 * data/analysisProgress.ts; this is the wiring and the drawing.
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';
import {
  backoffDelay,
  formatEta,
  fraction,
  fromView,
  initialProgress,
  isTerminal,
  parseMessage,
  reduceEvent,
  socketUrl,
  type ProgressState,
} from '../data/analysisProgress';

const POLL_MS = 2000;

export function useAnalysisProgress(analysisId: number, repositoryId: number, token: string | null): ProgressState {
  const [state, setState] = useState<ProgressState>(() => initialProgress(analysisId, repositoryId));
  const ended = isTerminal(state.status) && state.analysisId === analysisId;

  useEffect(() => {
    setState((s) => (s.analysisId === analysisId ? s : initialProgress(analysisId, repositoryId)));
  }, [analysisId, repositoryId]);

  useEffect(() => {
    if (ended) return;
    let disposed = false;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const refetch = () => {
      api.analysis(analysisId).then(
        (view) => {
          if (!disposed) setState((s) => fromView(s, view));
        },
        (err: unknown) => {
          // A failed poll is retried on the next tick; a vanished analysis ends the wait.
          if (!disposed && err instanceof ApiError && err.status === 404) {
            setState((s) => ({ ...s, status: 'failed', error: err.message }));
          }
        },
      );
    };

    const connect = () => {
      if (disposed || !token || typeof WebSocket === 'undefined') return;
      const ws = new WebSocket(socketUrl(window.location, token));
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
      };
      ws.onmessage = (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        const msg = parseMessage(e.data);
        if (!msg || disposed) return;
        // Subscribed (or events were lost): catch up with what happened before over REST.
        if (msg.type === 'ready' || msg.type === 'resync') refetch();
        else setState((s) => reduceEvent(s, msg));
      };
      ws.onclose = () => {
        if (disposed) return;
        retry = setTimeout(connect, backoffDelay(attempt));
        attempt += 1;
      };
    };

    connect();
    refetch();
    const poll = setInterval(refetch, POLL_MS);
    return () => {
      disposed = true;
      clearInterval(poll);
      if (retry !== undefined) clearTimeout(retry);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
    };
  }, [analysisId, token, ended]);

  return state;
}

const STATUS_TEXT: Record<ProgressState['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The one-line outcome shown once an analysis ended. */
export function resultLine(state: ProgressState): string {
  switch (state.status) {
    case 'succeeded':
      return 'Analysis finished: the city is up to date.';
    case 'failed':
      return `Analysis failed${state.error ? `: ${state.error}` : '.'}`;
    case 'cancelled':
      return 'Analysis cancelled; the previous results are kept.';
    default:
      return '';
  }
}

/** How long a success stays on the card before it goes away (failures stay until dismissed). */
export const SUCCESS_LINGER_MS = 15_000;

/** The drawing alone (rendered statically in tests). */
export function ProgressView({
  state,
  onCancel,
  cancelError,
  onDismiss,
}: {
  state: ProgressState;
  onCancel?: () => void;
  cancelError?: string | null;
  onDismiss?: () => void;
}) {
  const share = fraction(state);
  const ended = isTerminal(state.status);
  const eta = formatEta(state.etaSecs);
  if (ended) {
    // The box collapses into a short result line; a glyph as well as colour tells the outcome.
    const glyph = state.status === 'succeeded' ? '✓' : state.status === 'failed' ? '✕' : '–';
    const tone = state.status === 'succeeded' ? 'text-emerald-300' : state.status === 'failed' ? 'text-rose-300' : 'text-slate-300';
    return (
      <div
        data-testid="analysis-progress"
        data-status={state.status}
        role={state.status === 'failed' ? 'alert' : 'status'}
        className={`mt-2 flex items-start gap-2 text-sm ${tone}`}
      >
        <span aria-hidden className="font-semibold">
          {glyph}
        </span>
        <span data-testid="analysis-result" className="min-w-0 flex-1 break-words">
          {resultLine(state)}
          {cancelError && <span className="block text-xs text-rose-300">{cancelError}</span>}
        </span>
        {onDismiss && (
          <button
            type="button"
            data-testid="dismiss-analysis"
            aria-label="Dismiss"
            onClick={onDismiss}
            className="rounded px-1 text-slate-400 hover:bg-slate-800 hover:text-slate-200"
          >
            ×
          </button>
        )}
      </div>
    );
  }
  return (
    <div data-testid="analysis-progress" data-status={state.status} className="mt-3 rounded-lg border border-slate-800 bg-slate-950/60 p-3 text-sm">
      <div className="flex items-center justify-between gap-3">
        <div className="text-slate-200">
          <span className="font-medium">{STATUS_TEXT[state.status]}</span>
          {state.stage && <span className="text-slate-400"> · {state.stage}</span>}
        </div>
        {onCancel && (
          <button
            type="button"
            data-testid="cancel-analysis"
            className="rounded bg-slate-800 px-2 py-1 text-xs text-slate-200 hover:bg-rose-900"
            onClick={onCancel}
          >
            Cancel
          </button>
        )}
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-800"
        role="progressbar"
        aria-label={`Analysis progress${state.stage ? `, ${state.stage}` : ''}`}
        aria-valuemin={0}
        aria-valuemax={state.total || undefined}
        aria-valuenow={state.total > 0 ? state.done : undefined}
      >
        <div
          className={`h-full bg-sky-500 transition-all ${share === null ? 'w-1/4 animate-pulse' : ''}`}
          style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }}
        />
      </div>
      <div className="mt-1 flex justify-between text-xs tabular-nums text-slate-400">
        <span>{state.total > 0 ? `${state.done.toLocaleString('en-US')} / ${state.total.toLocaleString('en-US')}` : 'starting…'}</span>
        <span>{eta}</span>
      </div>
      {cancelError && <div className="mt-1 text-xs text-rose-300">{cancelError}</div>}
    </div>
  );
}

/** Follows an analysis and calls `onEnded` once when it ends. */
export function AnalysisProgress({
  analysisId,
  repositoryId,
  token,
  onEnded,
  onDismiss,
}: {
  analysisId: number;
  repositoryId: number;
  token: string | null;
  onEnded: (state: ProgressState) => void;
  /** Removes the result line; called by its × button, and by itself a while after a success. */
  onDismiss?: () => void;
}) {
  const state = useAnalysisProgress(analysisId, repositoryId, token);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const reported = useRef<number | null>(null);
  useEffect(() => {
    if (isTerminal(state.status) && state.analysisId === analysisId && reported.current !== analysisId) {
      reported.current = analysisId;
      onEnded(state);
    }
  }, [state, analysisId, onEnded]);
  const succeeded = state.status === 'succeeded' && state.analysisId === analysisId;
  useEffect(() => {
    if (!succeeded || !onDismiss) return;
    const t = setTimeout(onDismiss, SUCCESS_LINGER_MS);
    return () => clearTimeout(t);
  }, [succeeded, onDismiss]);
  const cancel = () => {
    setCancelError(null);
    api.cancelAnalysis(analysisId).catch((err: unknown) => {
      setCancelError(err instanceof Error ? err.message : String(err));
    });
  };
  return <ProgressView state={state} onCancel={cancel} cancelError={cancelError} onDismiss={onDismiss} />;
}
