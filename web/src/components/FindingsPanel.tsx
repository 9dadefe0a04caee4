/**
 * The findings beside the city: ranked, with a severity badge that carries text and a glyph
 * (not colour alone), the explanation, the suggested action and the evidence. Files named in
 * the evidence select and fly to their building.
 */
import { useTheme } from '../theme';
import { useState } from 'react';
import type { ApiState } from '../api/useApi';
import type { Insight, SummaryView } from '../api/types';
import { severityCounts, shapeFindings, type SeverityStyle, type ShapedFinding } from '../data/findings';

/** Renders `code spans` in backticks as monospace. */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <code key={i} className="rounded bg-slate-800 px-1 font-mono text-[0.92em] text-slate-100">
            {p}
          </code>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

export function SeverityBadge({ severity }: { severity: SeverityStyle }) {
  const color = useTheme() === 'light' ? severity.lightColor : severity.color;
  return (
    <span
      data-testid="severity-badge"
      data-severity={severity.level}
      className="inline-flex shrink-0 items-center gap-1 rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide"
      style={{ color, background: severity.background, boxShadow: `inset 0 0 0 1px ${color}55` }}
    >
      <span aria-hidden>{severity.glyph}</span>
      {severity.label}
    </span>
  );
}

function Finding({
  f,
  open,
  onToggle,
  isInCity,
  onPickFile,
}: {
  f: ShapedFinding;
  open: boolean;
  onToggle: () => void;
  isInCity: (path: string) => boolean;
  onPickFile: (path: string) => void;
}) {
  const [allFiles, setAllFiles] = useState(false);
  const FILES_SHOWN = 6;
  const files = allFiles ? f.files : f.files.slice(0, FILES_SHOWN);
  return (
    <li data-testid="finding" data-kind={f.kind} className="border-b border-slate-800/80 last:border-b-0">
      <button onClick={onToggle} aria-expanded={open} className="flex w-full items-start gap-2 px-3 py-2.5 text-left hover:bg-slate-800/50">
        <span className="mt-0.5 w-5 shrink-0 text-right text-xs tabular-nums text-slate-500">{f.rank}</span>
        <span className="min-w-0 flex-1">
          <span className="flex items-center gap-2">
            <SeverityBadge severity={f.severity} />
            <span className="truncate text-[10px] uppercase tracking-wide text-slate-500">{f.kindLabel}</span>
          </span>
          <span className="mt-1 block text-[13px] leading-snug text-slate-100">
            <InlineCode text={f.title} />
          </span>
        </span>
        <span className="mt-0.5 text-xs text-slate-500" aria-hidden>
          {open ? '▾' : '▸'}
        </span>
      </button>
      {open && (
        <div className="space-y-2.5 px-3 pb-3 pl-10 text-xs leading-relaxed text-slate-300">
          {f.explanation && (
            <p>
              <InlineCode text={f.explanation} />
            </p>
          )}
          {f.action && (
            <div data-testid="finding-action" className="rounded-md border-l-2 border-sky-500 bg-sky-950/40 px-2.5 py-1.5 text-sky-100">
              <div className="text-[10px] font-semibold uppercase tracking-wide text-sky-300">Suggested action</div>
              <InlineCode text={f.action} />
            </div>
          )}
          {f.numbers.length > 0 && (
            <dl className="grid grid-cols-2 gap-x-3 gap-y-1 rounded-md bg-slate-950/60 px-2.5 py-2">
              {f.numbers.map((n) => (
                <div key={n.key} className="flex items-baseline justify-between gap-2">
                  <dt className="leading-tight text-slate-500">{n.label}</dt>
                  <dd className="tabular-nums text-slate-100">{n.value}</dd>
                </div>
              ))}
            </dl>
          )}
          {f.files.length > 0 && (
            <ul className="space-y-0.5">
              {files.map((path) => {
                const inCity = isInCity(path);
                return (
                  <li key={path}>
                    <button
                      data-testid="finding-file"
                      disabled={!inCity}
                      onClick={() => onPickFile(path)}
                      title={inCity ? `Select ${path} in the city` : `${path} is not in the current city`}
                      className="flex w-full items-center gap-1.5 rounded px-1 py-0.5 text-left font-mono text-[11px] text-sky-300 hover:bg-slate-800 disabled:cursor-default disabled:text-slate-500 disabled:hover:bg-transparent"
                    >
                      <span aria-hidden>{inCity ? '→' : '·'}</span>
                      <span className="min-w-0 flex-1 truncate" dir="rtl">
                        &lrm;{path}
                      </span>
                    </button>
                  </li>
                );
              })}
              {f.files.length > files.length && (
                <li>
                  <button onClick={() => setAllFiles(true)} className="px-1 text-[11px] text-slate-400 hover:text-slate-200 hover:underline">
                    … and {f.files.length - files.length} more
                  </button>
                </li>
              )}
            </ul>
          )}
          {f.people.length > 0 && (
            <div className="flex flex-wrap gap-1">
              {f.people.map((p) => (
                <span key={`${p.name}-${p.email ?? ''}`} title={p.email} className="rounded-full bg-slate-800 px-2 py-0.5 text-[11px] text-slate-300">
                  {p.name}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </li>
  );
}

const COLLAPSED_KEY = 'codevoyage.findings.collapsed';

function readCollapsed(): boolean {
  try {
    return typeof window !== 'undefined' && window.localStorage.getItem(COLLAPSED_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * The executive summary above the findings, labelled with which one it is: a language model's
 * (open, since it is the short read) or the deterministic one built from the findings
 * (folded, since the list below says the same). Nothing is shown while it loads or when the
 * server has none (an older server, or no finished analysis).
 */
export function ExecutiveSummary({ state }: { state?: ApiState<SummaryView> }) {
  if (!state || state.status !== 'ok' || state.data.text.trim() === '') return null;
  const s = state.data;
  return (
    <details
      data-testid="executive-summary"
      data-source={s.source}
      open={s.source === 'model'}
      className="border-b border-slate-800 px-3 py-2 text-xs text-slate-300"
    >
      <summary className="cursor-pointer font-semibold text-slate-100">
        Executive summary{' '}
        <span className="font-normal text-slate-400">
          ({s.source === 'model' ? `written by ${s.model ?? 'a language model'}` : 'deterministic'})
        </span>
      </summary>
      <p data-testid="executive-summary-label" className="mt-1 italic text-slate-400">
        {s.label}
      </p>
      <div data-testid="executive-summary-text" className="mt-1 whitespace-pre-wrap leading-relaxed">
        {s.text}
      </div>
    </details>
  );
}

export function FindingsPanel({
  state,
  summary,
  isInCity,
  onPickFile,
}: {
  state: ApiState<Insight[]>;
  /** The executive summary (`/summary`); optional so the panel works without it. */
  summary?: ApiState<SummaryView>;
  isInCity: (path: string) => boolean;
  onPickFile: (path: string) => void;
}) {
  // The choice to hide the panel is remembered across cities and reloads.
  const [collapsed, setCollapsedState] = useState(() => readCollapsed());
  const setCollapsed = (v: boolean) => {
    setCollapsedState(v);
    try {
      window.localStorage.setItem(COLLAPSED_KEY, v ? '1' : '0');
    } catch {
      // Storage may be disabled (private mode); the panel still toggles.
    }
  };
  const [openKey, setOpenKey] = useState<string | null | undefined>(undefined);
  const findings = state.status === 'ok' ? shapeFindings(state.data) : [];
  const counts = severityCounts(findings);
  // The first finding starts open so the panel shows what a finding looks like.
  const expanded = openKey === undefined ? (findings[0]?.key ?? null) : openKey;

  if (collapsed) {
    return (
      <aside data-testid="findings" data-collapsed="true" className="flex w-10 shrink-0 flex-col items-center gap-2 border-r border-slate-800 bg-slate-900/70 py-2">
        <button
          data-testid="findings-toggle"
          onClick={() => setCollapsed(false)}
          aria-label="Show findings"
          title="Show findings"
          className="rounded p-1 text-slate-400 hover:bg-slate-800 hover:text-slate-100"
        >
          »
        </button>
        <span className="text-xs text-slate-400 [writing-mode:vertical-rl]">Findings {findings.length > 0 ? `(${findings.length})` : ''}</span>
      </aside>
    );
  }
  return (
    <aside data-testid="findings" data-collapsed="false" className="flex w-[22rem] shrink-0 flex-col border-r border-slate-800 bg-slate-900/70">
      <div className="flex items-center gap-2 border-b border-slate-800 px-3 py-2">
        <h2 className="text-sm font-semibold text-slate-100">Findings</h2>
        {findings.length > 0 && (
          <span className="text-xs text-slate-400" data-testid="findings-summary">
            {findings.length} · {counts.critical} critical · {counts.warning} warning{counts.warning === 1 ? '' : 's'}
          </span>
        )}
        <button
          data-testid="findings-toggle"
          onClick={() => setCollapsed(true)}
          aria-label="Hide findings"
          title="Hide findings"
          className="ml-auto rounded px-1.5 text-slate-400 hover:bg-slate-800 hover:text-slate-100"
        >
          «
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <ExecutiveSummary state={summary} />
        {state.status === 'loading' && <div className="p-3 text-xs text-slate-400">Loading findings…</div>}
        {state.status === 'error' && (
          <div data-testid="findings-error" role="alert" className="m-3 rounded-md border border-rose-900/70 bg-rose-950/40 p-2.5 text-xs text-rose-100">
            Findings are not available: {state.error.message}
          </div>
        )}
        {state.status === 'ok' && findings.length === 0 && (
          <div data-testid="findings-empty" className="p-3 text-xs text-slate-400">
            No findings for this repository: nothing stood out in its history.
          </div>
        )}
        {findings.length > 0 && (
          <ol data-testid="findings-list">
            {findings.map((f) => (
              <Finding
                key={f.key}
                f={f}
                open={expanded === f.key}
                onToggle={() => setOpenKey(expanded === f.key ? null : f.key)}
                isInCity={isInCity}
                onPickFile={onPickFile}
              />
            ))}
          </ol>
        )}
      </div>
    </aside>
  );
}
