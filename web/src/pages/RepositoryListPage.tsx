/** `/`: the analysed repositories, each linking to its city; analysts add and analyse them here. */
import { useCallback, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Repository, RepositoryList } from '../api/types';
import { useApi } from '../api/useApi';
import { useSession } from '../api/useSession';
import { AddRepositoryForm } from '../components/AddRepositoryForm';
import { AnalysisProgress } from '../components/AnalysisProgress';
import { ErrorBox, Spinner } from '../components/Feedback';
import type { ProgressState } from '../data/analysisProgress';
import { formatCount, formatRelative, shortSha } from '../format';
import { CATEGORICAL_PALETTE, OTHER_COLOR } from '../layout/colors';
import { Link } from '../router';

export function RepositoryListPage() {
  const current = useSession();
  const canWrite = current?.role === 'analyst' || current?.role === 'admin';
  const [version, setVersion] = useState(0);
  const fetched = useApi(`repositories:${version}`, (signal) => api.repositories(signal));
  // While a refresh loads, keep showing the last list (progress bars stay mounted).
  const last = useRef<RepositoryList | null>(null);
  if (fetched.status === 'ok') last.current = fetched.data;
  const state = fetched.status === 'loading' && last.current ? { status: 'ok' as const, data: last.current } : fetched;
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <div className="mb-6 flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold text-slate-100">Repositories</h1>
          <p className="mt-1 text-sm text-slate-400">Pick a repository to walk through its code as a city.</p>
        </div>
      </div>
      {canWrite && <AddRepositoryForm onAdded={refresh} />}
      {state.status === 'loading' && <Spinner label="Loading repositories…" />}
      {state.status === 'error' && (
        <ErrorBox title="Could not load the repositories" message={state.error.message}>
          <button className="rounded bg-rose-900/60 px-3 py-1 hover:bg-rose-800" onClick={() => window.location.reload()}>
            Try again
          </button>
        </ErrorBox>
      )}
      {state.status === 'ok' && state.data.items.length === 0 && <EmptyState canAdd={canWrite} />}
      {state.status === 'ok' && state.data.items.length > 0 && (
        <ul data-testid="repo-list" className="grid gap-4 md:grid-cols-2">
          {state.data.items.map((r) => (
            <li key={r.id}>
              <RepositoryCard repo={r} />
              {canWrite && <AnalyseControls repo={r} token={current?.token ?? null} onEnded={refresh} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The Analyse button of one repository and the progress of the analysis it started. */
function AnalyseControls({ repo, token, onEnded }: { repo: Repository; token: string | null; onEnded: () => void }) {
  const [analysisId, setAnalysisId] = useState<number | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setError(null);
    setRunning(true);
    api.startAnalysis(repo.id).then(
      (started) => setAnalysisId(started.id),
      (err: unknown) => {
        setRunning(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  const ended = useCallback(
    (s: ProgressState) => {
      setRunning(false);
      if (s.status === 'succeeded') onEnded();
    },
    [onEnded],
  );
  const dismiss = useCallback(() => setAnalysisId(null), []);
  return (
    <div className="mt-2">
      <button
        type="button"
        data-testid="analyze"
        disabled={running}
        onClick={start}
        className="rounded bg-slate-800 px-3 py-1 text-sm text-slate-200 hover:bg-sky-800 disabled:opacity-50"
      >
        {running ? 'Analysing…' : 'Analyse'}
      </button>
      {error && (
        <span role="alert" className="ml-3 text-sm text-rose-300">
          {error}
        </span>
      )}
      {analysisId !== null && (
        <AnalysisProgress
          key={analysisId}
          analysisId={analysisId}
          repositoryId={repo.id}
          token={token}
          onEnded={ended}
          onDismiss={dismiss}
        />
      )}
    </div>
  );
}

/**
 * No repository yet. Analysts and admins have the add form right above, so they are pointed
 * at it; viewers cannot add one and are told who can.
 */
export function EmptyState({ canAdd }: { canAdd: boolean }) {
  return (
    <div data-testid="repo-list-empty" className="rounded-xl border border-dashed border-slate-700 bg-slate-900/50 p-10 text-center">
      <div className="text-lg font-medium text-slate-200">No repositories analysed yet</div>
      {canAdd ? (
        <p className="mt-2 text-sm text-slate-400">
          Add one with the form above (a git URL, or a path on the server), then press <strong className="text-slate-200">Analyse</strong>{' '}
          on its card to watch the analysis.
        </p>
      ) : (
        <>
          <p className="mt-2 text-sm text-slate-400">
            Your account can view repositories but not add them. Ask an analyst or an admin to add one here, or an administrator
            can analyse one on the server:
          </p>
          <pre className="mx-auto mt-4 inline-block rounded-lg bg-slate-950 px-4 py-2 text-left font-mono text-sm text-sky-300">
            codevoyage analyze PATH
          </pre>
        </>
      )}
    </div>
  );
}

function percent(part: number, total: number): string {
  const p = (100 * part) / total;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

function LanguageBar({ repo }: { repo: Repository }) {
  const langs = [...repo.languages].sort((a, b) => b.code - a.code);
  const total = langs.reduce((n, l) => n + l.code, 0);
  if (total === 0) return null;
  const top = langs.slice(0, 5);
  const color = (i: number) => CATEGORICAL_PALETTE[i] ?? OTHER_COLOR;
  return (
    <div className="mt-4">
      <div className="flex h-2 overflow-hidden rounded-full bg-slate-800">
        {top.map((l, i) => (
          <div key={l.language} style={{ width: `${(100 * l.code) / total}%`, background: color(i) }} title={l.language} />
        ))}
      </div>
      <div className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-400">
        {top.map((l, i) => (
          <span key={l.language} className="flex items-center gap-1">
            <span className="h-2 w-2 rounded-full" style={{ background: color(i) }} />
            {l.language} <span className="text-slate-500">{percent(l.code, total)}</span>
          </span>
        ))}
      </div>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="text-lg font-semibold tabular-nums text-slate-100">{value}</div>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
    </div>
  );
}

const PROVIDER_NAMES: Record<string, string> = { github: 'GitHub', gitlab: 'GitLab', bitbucket: 'Bitbucket', gitea: 'Gitea' };

/** The forge's description and star count, when the server knows them. */
export function ForgeLine({ repo }: { repo: Repository }) {
  const forge = repo.forge;
  if (!forge || typeof forge !== 'object') return null;
  const description = typeof forge.description === 'string' ? forge.description.trim() : '';
  const stars = typeof forge.stars === 'number' && Number.isFinite(forge.stars) && forge.stars >= 0 ? forge.stars : null;
  if (!description && stars === null) return null;
  const provider = PROVIDER_NAMES[forge.provider] ?? forge.provider;
  return (
    <div data-testid="repo-forge" className="mt-3 flex items-start gap-3 text-sm">
      {description && (
        <p className="line-clamp-2 min-w-0 flex-1 text-slate-300" title={description}>
          {description}
        </p>
      )}
      {stars !== null && (
        <span
          data-testid="repo-stars"
          className="ml-auto shrink-0 whitespace-nowrap tabular-nums text-slate-300"
          title={`${stars.toLocaleString('en-US')} stars on ${provider}`}
        >
          <span aria-hidden>★ </span>
          {formatCount(stars)}
          <span className="sr-only"> stars on {provider}</span>
        </span>
      )}
    </div>
  );
}

export function RepositoryCard({ repo }: { repo: Repository }) {
  return (
    <Link
      href={`/repositories/${repo.id}`}
      data-testid="repo-link"
      className="block rounded-xl border border-slate-800 bg-slate-900/70 p-5 transition hover:border-sky-700 hover:bg-slate-900"
    >
      <div className="flex items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="truncate text-lg font-semibold text-sky-300">{repo.name}</div>
          <div className="truncate font-mono text-xs text-slate-500" title={repo.source}>
            {repo.source}
          </div>
        </div>
        <div className="shrink-0 text-right text-xs text-slate-500">
          <div>analysed {formatRelative(repo.last_analyzed_at)}</div>
          <div className="font-mono">{shortSha(repo.head)}</div>
        </div>
      </div>
      <ForgeLine repo={repo} />
      <div className="mt-4 grid grid-cols-3 gap-4">
        <Stat label="commits" value={formatCount(repo.total_commits)} />
        <Stat label="contributors" value={formatCount(repo.total_contributors)} />
        <Stat label="files" value={formatCount(repo.total_files)} />
      </div>
      <LanguageBar repo={repo} />
    </Link>
  );
}
