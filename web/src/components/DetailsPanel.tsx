/** Details of the selected file. */
import { useState } from 'react';
import type { FileNode } from '../api/types';
import { formatBytes, formatExact } from '../format';

export function DetailsPanel({
  file,
  onClose,
  onFocusFolder,
}: {
  file: FileNode;
  onClose: () => void;
  /** Zooms the camera to the file's folder. */
  onFocusFolder?: () => void;
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
  if (file.cyclomatic > 0) rows.push(['Cyclomatic complexity', formatExact(file.cyclomatic)]);
  const bar = (n: number) => (total > 0 ? `${(100 * n) / total}%` : '0%');
  const slash = file.path.lastIndexOf('/');
  return (
    <aside
      data-testid="details-panel"
      className="absolute right-3 top-3 w-80 rounded-lg border border-slate-700 bg-slate-900/95 p-4 text-sm shadow-2xl backdrop-blur"
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

/** Copies the current URL: it carries the selection, metrics, search and camera. */
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
