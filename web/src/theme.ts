/**
 * Dark and light themes. The choice is kept in localStorage; without one, the system's
 * `prefers-color-scheme` decides. The theme is `data-theme` on <html> (index.css mirrors the
 * palette for light), set before the first paint by the inline script of index.html and kept
 * in sync here. Components that draw outside CSS (three.js, inline chart colours) read it
 * with `useTheme()`.
 */
import { useSyncExternalStore } from 'react';

export type Theme = 'dark' | 'light';

export const THEME_STORAGE_KEY = 'codevoyage.theme';
const CHANGE_EVENT = 'codevoyage:theme';

/** The stored choice when it is a theme, else the system preference. */
export function resolveTheme(stored: string | null, prefersLight: boolean): Theme {
  if (stored === 'dark' || stored === 'light') return stored;
  return prefersLight ? 'light' : 'dark';
}

export function otherTheme(t: Theme): Theme {
  return t === 'dark' ? 'light' : 'dark';
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(THEME_STORAGE_KEY);
  } catch {
    return null;
  }
}

function systemPrefersLight(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: light)').matches;
}

/**
 * The theme shown now: what `data-theme` on <html> says, which is what the CSS follows. A page
 * that never set it (the static export) is dark.
 */
export function currentTheme(): Theme {
  if (typeof document === 'undefined') return 'dark';
  return document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

function apply(t: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = t;
  root.classList.toggle('dark', t === 'dark');
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** Shows and remembers `t`. */
export function setTheme(t: Theme): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, t);
  } catch {
    // Private mode or storage disabled: the theme still changes for this page.
  }
  apply(t);
}

/** Applies the stored or system theme, and follows system changes while nothing is stored. */
export function initTheme(): void {
  if (typeof window === 'undefined') return;
  apply(resolveTheme(readStored(), systemPrefersLight()));
  if (typeof window.matchMedia !== 'function') return;
  window.matchMedia('(prefers-color-scheme: light)').addEventListener('change', (e) => {
    if (readStored() === null) apply(e.matches ? 'light' : 'dark');
  });
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => window.removeEventListener(CHANGE_EVENT, onChange);
}

/** The current theme; re-renders when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme, () => 'dark');
}

/** Colours of the 3D scene per theme: clear colour, ground, district platforms, lights. */
export interface SceneColors {
  background: string;
  ground: string;
  /** District platforms from the outermost (level 0) to the deepest. */
  districtFrom: string;
  districtTo: string;
  skyLight: string;
  groundLight: string;
  /** Selection outline. */
  outline: string;
}

export const SCENE_COLORS: Record<Theme, SceneColors> = {
  dark: {
    background: '#0b1120',
    ground: '#080d1a',
    districtFrom: '#1e293b',
    districtTo: '#64748b',
    skyLight: '#dbe4f0',
    groundLight: '#1e293b',
    outline: '#ffffff',
  },
  light: {
    background: '#e8edf3',
    ground: '#d5dde7',
    districtFrom: '#b6c2d1',
    districtTo: '#f1f5f9',
    skyLight: '#ffffff',
    groundLight: '#94a3b8',
    outline: '#0f172a',
  },
};
