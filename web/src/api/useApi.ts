/** A small hook running one API request per key, with abort on change and unmount. */
import { useEffect, useState } from 'react';
import { ApiError } from './client';

export type ApiState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ok'; data: T };

export function useApi<T>(key: string, load: (signal: AbortSignal) => Promise<T>): ApiState<T> {
  const [state, setState] = useState<{ key: string; value: ApiState<T> }>({ key, value: { status: 'loading' } });
  useEffect(() => {
    const ctrl = new AbortController();
    setState({ key, value: { status: 'loading' } });
    load(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ key, value: { status: 'ok', data } });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        const error =
          err instanceof ApiError ? err : new ApiError(0, 'client', err instanceof Error ? err.message : String(err));
        setState({ key, value: { status: 'error', error } });
      },
    );
    return () => ctrl.abort();
    // `load` is keyed by `key`; callers pass inline closures.
  }, [key]);
  return state.key === key ? state.value : { status: 'loading' };
}
