/** The "Add repository" form of the list page (analysts and admins). */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Repository } from '../api/types';

export function AddRepositoryForm({ onAdded }: { onAdded: (repo: Repository) => void }) {
  const [source, setSource] = useState('');
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'private' | 'shared'>('private');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const src = source.trim();
    if (!src) {
      setError('Enter a Git URL or a path on the server.');
      return;
    }
    setBusy(true);
    setError(null);
    const trimmedName = name.trim();
    api
      .addRepository({ source: src, ...(trimmedName ? { name: trimmedName } : {}), visibility })
      .then(
        (repo) => {
          setSource('');
          setName('');
          onAdded(repo);
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => setBusy(false));
  };

  const input = 'rounded border border-slate-700 bg-slate-950 px-2 py-1 text-sm text-slate-100 placeholder:text-slate-500';
  return (
    <form data-testid="add-repository" onSubmit={submit} className="mb-6 rounded-xl border border-slate-800 bg-slate-900/50 p-4">
      <div className="mb-2 text-sm font-medium text-slate-200">Add repository</div>
      <div className="flex flex-wrap items-center gap-2">
        <input
          name="source"
          aria-label="Git URL or server path"
          placeholder="https://github.com/org/repo.git or /srv/git/repo"
          className={`${input} min-w-64 flex-1`}
          value={source}
          onChange={(e) => setSource(e.target.value)}
        />
        <input
          name="name"
          aria-label="Name (optional)"
          placeholder="name (optional)"
          className={`${input} w-40`}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select
          name="visibility"
          aria-label="Visibility"
          className={input}
          value={visibility}
          onChange={(e) => setVisibility(e.target.value === 'shared' ? 'shared' : 'private')}
        >
          <option value="private">private</option>
          <option value="shared">shared</option>
        </select>
        <button type="submit" disabled={busy} className="rounded bg-sky-700 px-3 py-1 text-sm text-white hover:bg-sky-600 disabled:opacity-50">
          {busy ? 'Adding…' : 'Add'}
        </button>
      </div>
      {error && (
        <div data-testid="add-repository-error" role="alert" className="mt-2 text-sm text-rose-300">
          {error}
        </div>
      )}
    </form>
  );
}
