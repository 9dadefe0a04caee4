/** Details of the selected file. */
import { useState } from 'react';
import type { FileNode } from '../api/types';
import { formatBytes, formatExact } from '../format';
import type { CoupledFile } from '../layout/arcs';
import { hotspotScore } from '../layout/metrics';

export function DetailsPanel({
  file,
  onClose,
  onFocusFolder,
  coupled,
  couplingError,
  onPickFile,
  onFrameCoupled,
}: {
  file: FileNode;
  onClose: () => void;
  /** Zooms the camera to the file's folder. */
  onFocusFolder?: () => void;
  /** Files that change together with this one, strongest first; null while unknown. */
  coupled?: readonly CoupledFile[] | null;
  couplingError?: string | null;
  /** Selects and flies to another file. */
  onPickFile?: (path: string) => void;
  /** Frames the file and its coupled files together. */
  onFrameCoupled?: () => void;
}) {
  const total = file.lines.code + file.lines.comment + file.lines.blank;
  const rows: [string, string][] = [
    ['Language', file.language ?? (file.binary ? 'binary' : 'unknown')],
    ['Lines of code', formatExact(file.lines.code)],
    ['Comment lines', formatExact(file.lines.comment)],
    ['Blank lines', formatExact(file.lines.blank)],
    ['Total lines', formatExact(total)],
    ['Size', formatBytes(file.bytes)],
    ['Revisions', formatExact(file.revisions)],
  ];
  if (file.cyclomatic > 0) {
    rows.push(['Cyclomatic complexity', formatExact(file.cyclomatic)]);
    rows.push(['Hotspot score', formatExact(hotspotScore(file))]);
  }
  const bar = (n: number) => (total > 0 ? `${(100 * n) / total}%` : '0%');
  const slash = file.path.lastIndexOf('/');
  return (
    <aside
      data-testid="details-panel"
      className="absolute right-3 top-3 max-h-[calc(100%-1.5rem)] w-80 overflow-y-auto rounded-lg border border-slate-700 bg-slate-900/95 p-4 text-sm shadow-2xl backdrop-blur"
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <div className="break-all font-mono text-base font-semibold text-slate-100">{file.name}</div>
          {slash > 0 && <div className="break-all font-mono text-xs text-slate-500">{file.path.slice(0, slash + 1)}</div>}
        </div>
        <button onClick={onClose} aria-label="Close details" className="rounded px-1.5 text-slate-400 hover:bg-slate-800 hover:text-slate-100">
          ✕
        </button>
      </div>
      <div className="mt-3 flex h-2 overflow-hidden rounded-full bg-slate-800" title="code / comments / blank">
        <div style={{ width: bar(file.lines.code), background: '#56B4E9' }} />
        <div style={{ width: bar(file.lines.comment), background: '#009E73' }} />
        <div style={{ width: bar(file.lines.blank), background: '#475569' }} />
      </div>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="text-right tabular-nums text-slate-200">{v}</dd>
          </div>
        ))}
      </dl>
      <CoupledList coupled={coupled ?? null} error={couplingError ?? null} onPickFile={onPickFile} onFrame={onFrameCoupled} />
      <div className="mt-3 break-all font-mono text-[11px] text-slate-600" data-testid="details-path">
        {file.path}
      </div>
      <div className="mt-3 flex gap-2">
        {onFocusFolder && (
          <button
            data-testid="focus-folder"
            onClick={onFocusFolder}
            className="flex-1 truncate rounded-md border border-slate-700 px-2 py-1 text-xs text-slate-300 hover:bg-slate-800"
          >
            Zoom to {slash > 0 ? `${file.path.slice(0, slash)}/` : 'the whole city'}
          </button>
        )}
        <CopyLink />
      </div>
    </aside>
  );
}

/** Files changed in the same commits as the selected one, with the coupling degree. */
function CoupledList({
  coupled,
  error,
  onPickFile,
  onFrame,
}: {
  coupled: readonly CoupledFile[] | null;
  error: string | null;
  onPickFile?: (path: string) => void;
  onFrame?: () => void;
}) {
  const [all, setAll] = useState(false);
  if (error) return <div className="mt-3 text-xs text-slate-500">Coupling not available: {error}</div>;
  if (!coupled) return null;
  const shown = all ? coupled : coupled.slice(0, 8);
  return (
    <div data-testid="coupled-files" className="mt-3 border-t border-slate-800 pt-2">
      <div className="mb-1 flex items-baseline justify-between text-xs">
        <span className="font-semibold text-slate-300">Changes together with</span>
        <span className="text-slate-500">degree · shared commits</span>
      </div>
      {coupled.length === 0 ? (
        <div className="text-xs text-slate-500">No file changes together with this one often enough to count.</div>
      ) : (
        <ul className="space-y-0.5">
          {shown.map((c) => (
            <li key={c.path}>
              <button
                data-testid="coupled-file"
                disabled={c.index < 0 || !onPickFile}
                onClick={() => onPickFile?.(c.path)}
                title={c.index < 0 ? `${c.path} (not in the current city)` : `Fly to ${c.path}`}
                className="flex w-full items-center gap-2 rounded px-1 text-left text-xs hover:bg-slate-800 disabled:hover:bg-transparent"
              >
                <span className="min-w-0 flex-1 truncate font-mono text-slate-300" dir="rtl">
                  &lrm;{c.path}
                </span>
                <span className="h-1.5 w-10 shrink-0 overflow-hidden rounded-full bg-slate-800" aria-hidden>
                  <span className="block h-full" style={{ width: `${Math.round(c.degree * 100)}%`, background: '#ff8a3d' }} />
                </span>
                <span className="w-16 shrink-0 text-right tabular-nums text-slate-400">
                  {Math.round(c.degree * 100)}% · {c.shared}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-1 flex gap-3">
        {coupled.length > shown.length && (
          <button onClick={() => setAll(true)} className="text-xs text-sky-400 hover:underline">
            Show all {coupled.length}
          </button>
        )}
        {onFrame && coupled.some((c) => c.index >= 0) && (
          <button data-testid="frame-coupled" onClick={onFrame} className="text-xs text-sky-400 hover:underline">
            Frame with coupled files
          </button>
        )}
      </div>
    </div>
  );
}

/** Copies the current URL: it carries the selection, metrics, search, camera, time and revision. */
function CopyLink() {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(window.location.href).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <button
      onClick={copy}
      className="shrink-0 rounded-md border border-slate-700 px-2 py-1 text-xs text-slate-300 hover:bg-slate-800"
    >
      {copied ? 'Copied' : 'Copy link'}
    </button>
  );
}
