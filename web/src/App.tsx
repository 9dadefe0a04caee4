/** App shell: header and the page for the current route. */
import { lazy, Suspense } from 'react';
import { Link, matchRoute, useLocation } from './router';
import { RepositoryListPage } from './pages/RepositoryListPage';
import { ErrorBox, Spinner } from './components/Feedback';
import LoginPage from './pages/LoginPage';
import { auth } from './api/client';
import { useSession } from './api/useSession';
import { otherTheme, setTheme, useTheme } from './theme';

// The city page pulls in three.js; load it only when a city is opened.
const CityPage = lazy(() => import('./pages/CityPage'));
const ChartsPage = lazy(() => import('./pages/ChartsPage'));
const BenchPage = lazy(() => import('./pages/BenchPage'));
const ApiKeysPage = lazy(() => import('./pages/ApiKeysPage'));

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  return (
    <div className="flex h-full flex-col bg-slate-950 text-slate-200">
      <header className="flex h-12 shrink-0 items-center gap-4 border-b border-slate-800 bg-slate-900/80 px-4 backdrop-blur">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-100 hover:text-white">
          <Logo />
          CodeVoyage
        </Link>
        <nav className="text-sm text-slate-400">
          <Link href="/" className="hover:text-slate-200">
            Repositories
          </Link>
        </nav>
        <div className="flex-1" />
        <UserMenu />
        <ThemeToggle />
      </header>
      <main className="min-h-0 flex-1">
        {route.name === 'login' && <LoginPage />}
        {route.name === 'repositories' && <RepositoryListPage />}
        {route.name === 'city' && (
          <Suspense fallback={<Spinner label="Loading the 3D engine…" />}>
            <CityPage id={route.id} />
          </Suspense>
        )}
        {route.name === 'charts' && (
          <Suspense fallback={<Spinner label="Loading the charts…" />}>
            <ChartsPage id={route.id} />
          </Suspense>
        )}
        {route.name === 'bench' && (
          <Suspense fallback={<Spinner label="Building the benchmark city…" />}>
            <BenchPage />
          </Suspense>
        )}
        {route.name === 'api-keys' && (
          <Suspense fallback={<Spinner label="Loading…" />}>
            <ApiKeysPage />
          </Suspense>
        )}
        {route.name === 'not-found' && (
          <div className="mx-auto max-w-3xl p-8">
            <ErrorBox title="Page not found" message={`Nothing lives at ${route.path}.`}>
              <Link href="/" className="text-sky-400 underline">
                Back to the repositories
              </Link>
            </ErrorBox>
          </div>
        )}
      </main>
    </div>
  );
}

/** Switches between the dark and the light theme (remembered in this browser). */
function ThemeToggle() {
  const theme = useTheme();
  const next = otherTheme(theme);
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      data-theme={theme}
      onClick={() => setTheme(next)}
      aria-label={`Switch to the ${next} theme`}
      title={`Switch to the ${next} theme`}
      className="rounded border border-slate-700 px-2 py-0.5 text-sm text-slate-300 hover:border-slate-500 hover:text-slate-100"
    >
      <span aria-hidden>{theme === 'dark' ? '☀' : '☾'}</span> {next === 'light' ? 'Light' : 'Dark'}
    </button>
  );
}

/** Who is logged in, and the way out. */
function UserMenu() {
  const current = useSession();
  const { pathname } = useLocation();
  if (!current) {
    if (pathname === '/login') return null;
    return (
      <Link href="/login" className="text-sm text-sky-400 hover:text-sky-300">
        Log in
      </Link>
    );
  }
  return (
    <div className="flex items-center gap-3 text-sm">
      <Link
        href="/api-keys"
        data-testid="nav-api-keys"
        aria-current={pathname === '/api-keys' ? 'page' : undefined}
        className="text-slate-400 hover:text-slate-200 aria-[current=page]:text-slate-100"
      >
        API keys
      </Link>
      <span data-testid="current-user" className="text-slate-300" title={`Logged in as ${current.username} (${current.role})`}>
        {current.username} <span className="text-slate-500">· {current.role}</span>
      </span>
      <button
        data-testid="logout"
        onClick={() => auth.logout()}
        className="rounded border border-slate-700 px-2 py-0.5 text-slate-300 hover:border-slate-500 hover:text-white"
      >
        Log out
      </button>
    </div>
  );
}

function Logo() {
  return (
    <svg viewBox="0 0 32 32" className="h-6 w-6" aria-hidden>
      <rect width="32" height="32" rx="6" fill="#1e293b" />
      <rect x="5" y="16" width="6" height="11" fill="#56B4E9" />
      <rect x="13" y="7" width="6" height="20" fill="#E69F00" />
      <rect x="21" y="12" width="6" height="15" fill="#009E73" />
    </svg>
  );
}
