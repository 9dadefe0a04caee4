/**
 * `/login`: the username and password form, and the landing place of one-time login links
 * (`/login#token=…`, printed by `codevoyage serve` on its first start and by
 * `codevoyage user link NAME`). After logging in it goes back to `?next=` (the page that
 * needed the login), or to the repository list.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, auth } from '../api/client';
import { safeNext, tokenFromHash } from '../api/session';
import { navigate, useLocation } from '../router';

function describe(err: unknown, link: boolean): string {
  if (err instanceof ApiError) {
    if (err.status === 401 && !link) return 'Wrong username or password.';
    if (err.status === 429) return `Too many attempts from this address. ${err.message}.`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export default function LoginPage() {
  const { search } = useLocation();
  const next = safeNext(new URLSearchParams(search).get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(
    () => typeof window !== 'undefined' && tokenFromHash(window.location.hash) !== null,
  );

  useEffect(() => {
    const token = tokenFromHash(window.location.hash);
    if (!token) return;
    // The token works once: take it out of the address bar and history straight away.
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    auth.exchange(token).then(
      () => navigate(next, { replace: true }),
      (err: unknown) => {
        setBusy(false);
        setError(describe(err, true));
      },
    );
    // Runs once per page load: the fragment is read and removed here.
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    auth.login(username.trim(), password).then(
      () => navigate(next, { replace: true }),
      (err: unknown) => {
        setBusy(false);
        setError(describe(err, false));
      },
    );
  };

  return (
    <div className="flex h-full items-start justify-center px-6 pt-20">
      <form
        data-testid="login-form"
        onSubmit={submit}
        className="w-full max-w-sm rounded-xl border border-slate-800 bg-slate-900/70 p-6 shadow-xl"
        aria-labelledby="login-title"
      >
        <h1 id="login-title" className="text-xl font-semibold text-slate-100">
          Log in to CodeVoyage
        </h1>
        <p className="mt-1 text-sm text-slate-400">Use the account an administrator created for you.</p>
        <label className="mt-5 block text-sm text-slate-300" htmlFor="login-username">
          Username
        </label>
        <input
          id="login-username"
          data-testid="login-username"
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-slate-100 outline-none focus:border-sky-500"
        />
        <label className="mt-4 block text-sm text-slate-300" htmlFor="login-password">
          Password
        </label>
        <input
          id="login-password"
          data-testid="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-slate-100 outline-none focus:border-sky-500"
        />
        {error && (
          <div role="alert" data-testid="login-error" className="mt-4 rounded-md border border-rose-900/70 bg-rose-950/40 px-3 py-2 text-sm text-rose-100">
            {error}
          </div>
        )}
        <button
          type="submit"
          data-testid="login-submit"
          disabled={busy}
          className="mt-5 w-full rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-60"
        >
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="mt-4 text-xs leading-relaxed text-slate-500">
          First start? <code className="text-slate-400">codevoyage serve</code> printed a one-time login link for the
          <code className="text-slate-400"> admin</code> user. An admin adds people with{' '}
          <code className="text-slate-400">codevoyage user add NAME --role viewer</code>.
        </p>
      </form>
    </div>
  );
}
