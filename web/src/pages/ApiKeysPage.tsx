/**
 * `/api-keys`: the signed-in user's API keys (an admin's list holds everyone's). Create one and
 * see it once, with a copy button; revoke one after a confirmation.
 */
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useApi } from '../api/useApi';
import { useSession } from '../api/useSession';
import { ErrorBox, Spinner } from '../components/Feedback';
import { keyNameProblem, maskedKey, MAX_KEY_NAME, showsOwners, sortKeys, type ApiKey, type CreatedApiKey } from '../data/apiKeys';
import { formatRelative } from '../format';

export default function ApiKeysPage() {
  const current = useSession();
  const [version, setVersion] = useState(0);
  const state = useApi(`apikeys:${version}`, (signal) => api.apiKeys(signal));
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <div className="mx-auto max-w-4xl px-6 py-8">
      <h1 className="text-2xl font-semibold text-slate-100">API keys</h1>
      <p className="mt-1 text-sm text-slate-400">
        Scripts and CI use a key instead of a password: send it as{' '}
        <code className="rounded bg-slate-800 px-1 font-mono text-slate-200">Authorization: Bearer cvk_…</code>. A key acts as you
        {current ? ` (${current.username}, ${current.role})` : ''}; revoke it when it is no longer needed.
      </p>
      <CreateKeyForm
        onCreated={(k) => {
          setCreated(k);
          refresh();
        }}
      />
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
      {state.status === 'loading' && <Spinner label="Loading your keys…" />}
      {state.status === 'error' && <ErrorBox title="Could not load the API keys" message={state.error.message} />}
      {state.status === 'ok' && <KeyTable keys={state.data.items} me={current?.username ?? null} onRevoked={refresh} />}
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = keyNameProblem(name);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    api
      .createApiKey(name.trim())
      .then(
        (k) => {
          setName('');
          onCreated(k);
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form data-testid="apikey-form" onSubmit={submit} className="mt-6 rounded-xl border border-slate-800 bg-slate-900/50 p-4">
      <label htmlFor="apikey-name" className="mb-2 block text-sm font-medium text-slate-200">
        New key
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id="apikey-name"
          data-testid="apikey-name"
          name="name"
          maxLength={MAX_KEY_NAME}
          placeholder="What will use it, e.g. CI pipeline"
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="min-w-64 flex-1 rounded border border-slate-700 bg-slate-950 px-2 py-1 text-sm text-slate-100 placeholder:text-slate-500"
        />
        <button
          type="submit"
          data-testid="apikey-create"
          disabled={busy}
          className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-600 disabled:opacity-50"
        >
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
      {error && (
        <div data-testid="apikey-error" role="alert" className="mt-2 text-sm text-rose-300">
          {error}
        </div>
      )}
    </form>
  );
}

/** The key just created: shown this once, with a copy button. */
export function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  const copy = () => {
    const fallback = () => {
      // No clipboard API (plain http on another host): select the text for Ctrl+C instead.
      field.current?.select();
      setCopied('select');
    };
    if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
      navigator.clipboard.writeText(created.key).then(() => setCopied('yes'), fallback);
    } else fallback();
  };
  return (
    <div data-testid="apikey-created" role="status" className="mt-4 rounded-xl border border-emerald-700/70 bg-emerald-950/30 p-4 text-sm">
      <div className="font-medium text-emerald-200">
        Key “{created.name}” created. Copy it now: it is shown this once and cannot be read again.
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <input
          ref={field}
          data-testid="apikey-secret"
          readOnly
          aria-label="The new API key"
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded border border-slate-700 bg-slate-950 px-2 py-1 font-mono text-sm text-slate-100"
        />
        <button
          type="button"
          data-testid="apikey-copy"
          onClick={copy}
          className="rounded bg-slate-800 px-3 py-1 text-slate-100 hover:bg-slate-700"
        >
          {copied === 'yes' ? 'Copied ✓' : 'Copy'}
        </button>
        <button type="button" onClick={onDone} className="rounded border border-slate-700 px-3 py-1 text-slate-300 hover:bg-slate-800">
          Done
        </button>
      </div>
      <div aria-live="polite" className="mt-1 text-xs text-slate-400">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </div>
    </div>
  );
}

export function KeyTable({ keys, me, onRevoked }: { keys: readonly ApiKey[]; me: string | null; onRevoked: () => void }) {
  if (keys.length === 0) {
    return (
      <div data-testid="apikey-empty" className="mt-6 rounded-xl border border-dashed border-slate-700 p-6 text-center text-sm text-slate-400">
        No API keys yet.
      </div>
    );
  }
  const owners = showsOwners(keys, me);
  return (
    <table data-testid="apikey-list" className="mt-6 w-full border-collapse text-left text-sm">
      <caption className="sr-only">API keys</caption>
      <thead className="text-xs uppercase tracking-wide text-slate-500">
        <tr className="border-b border-slate-800">
          <th className="py-2 pr-3 font-medium">Name</th>
          <th className="py-2 pr-3 font-medium">Key</th>
          {owners && <th className="py-2 pr-3 font-medium">Owner</th>}
          <th className="py-2 pr-3 font-medium">Created</th>
          <th className="py-2 pr-3 font-medium">Last used</th>
          <th className="py-2 pr-3 font-medium">Status</th>
          <th className="py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sortKeys(keys).map((k) => (
          <KeyRow key={k.id} k={k} owners={owners} onRevoked={onRevoked} />
        ))}
      </tbody>
    </table>
  );
}

function KeyRow({ k, owners, onRevoked }: { k: ApiKey; owners: boolean; onRevoked: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoked = k.revoked_at !== null;
  const revoke = () => {
    setBusy(true);
    setError(null);
    api.revokeApiKey(k.id).then(
      () => {
        setBusy(false);
        setConfirming(false);
        onRevoked();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  return (
    <tr data-testid="apikey-row" data-revoked={revoked} className={`border-b border-slate-800/70 ${revoked ? 'text-slate-500' : 'text-slate-200'}`}>
      <td className="py-2 pr-3">{k.name}</td>
      <td className="py-2 pr-3 font-mono text-xs">{maskedKey(k.prefix)}</td>
      {owners && <td className="py-2 pr-3">{k.username}</td>}
      <td className="py-2 pr-3" title={k.created_at}>
        {formatRelative(k.created_at)}
      </td>
      <td className="py-2 pr-3" title={k.last_used_at ?? undefined}>
        {k.last_used_at ? formatRelative(k.last_used_at) : 'never'}
      </td>
      <td className="py-2 pr-3">{revoked ? <span title={k.revoked_at ?? undefined}>Revoked {formatRelative(k.revoked_at)}</span> : 'Active'}</td>
      <td className="py-2 text-right">
        {!revoked &&
          (confirming ? (
            <span className="inline-flex items-center gap-2">
              <button
                type="button"
                data-testid="apikey-revoke-confirm"
                disabled={busy}
                onClick={revoke}
                className="rounded bg-rose-800 px-2 py-0.5 text-xs text-white hover:bg-rose-700 disabled:opacity-50"
              >
                {busy ? 'Revoking…' : 'Revoke now'}
              </button>
              <button
                type="button"
                onClick={() => setConfirming(false)}
                className="rounded border border-slate-700 px-2 py-0.5 text-xs text-slate-300 hover:bg-slate-800"
              >
                Keep
              </button>
            </span>
          ) : (
            <button
              type="button"
              data-testid="apikey-revoke"
              aria-label={`Revoke the key ${k.name}`}
              onClick={() => setConfirming(true)}
              className="rounded border border-slate-700 px-2 py-0.5 text-xs text-slate-300 hover:border-rose-700 hover:text-rose-200"
            >
              Revoke
            </button>
          ))}
        {error && (
          <div role="alert" className="mt-1 text-xs text-rose-300">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}
