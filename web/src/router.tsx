/**
 * Minimal client-side routing on the history API: the server answers every non-API path with
 * index.html, so `/repositories/3?height=revisions` can be opened, bookmarked and shared.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE_EVENT = 'codevoyage:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query string; re-renders on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, snapshot, () => '/');
  const q = href.indexOf('?');
  return q < 0 ? { pathname: href, search: '' } : { pathname: href.slice(0, q), search: href.slice(q) };
}

/** Navigates to `to`; `replace` rewrites the current history entry (for view state). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export type Route =
  | { name: 'login' }
  | { name: 'repositories' }
  | { name: 'city'; id: number }
  | { name: 'charts'; id: number }
  | { name: 'bench' }
  | { name: 'api-keys' }
  | { name: 'not-found'; path: string };

/** Maps a path to a route. */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/repositories') return { name: 'repositories' };
  if (path === '/login') return { name: 'login' };
  if (path === '/bench') return { name: 'bench' };
  if (path === '/api-keys') return { name: 'api-keys' };
  const m = /^\/repositories\/(\d+)$/.exec(path);
  if (m) return { name: 'city', id: Number(m[1]) };
  const c = /^\/repositories\/(\d+)\/charts$/.exec(path);
  if (c) return { name: 'charts', id: Number(c[1]) };
  return { name: 'not-found', path };
}

/** An anchor that navigates without reloading (plain clicks only; modified clicks open tabs). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
