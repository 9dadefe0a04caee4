/** The current login session as React state (re-renders on login, logout and expiry). */
import { useSyncExternalStore } from 'react';
import { session, type Session } from './session';

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.get(),
    () => null,
  );
}
