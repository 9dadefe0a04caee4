/** A collapsible ranking of the files with the largest value of the height metric. */
import { useState } from 'react';
import type { FileNode } from '../api/types';
import { formatCount } from '../format';

export function TopFiles({
  files,
  ranking,
  metricLabel,
  value,
  onPick,
}: {
  files: readonly FileNode[];
  /** Building indices, best first. */
  ranking: readonly number[];
  metricLabel: string;
  value: (file: FileNode) => number;
  onPick: (index: number) => void;
}) {
  const [open, setOpen] = useState(false);
  if (ranking.length === 0) return null;
  return (
    <div data-testid="top-files" className="absolute right-3 top-3 w-72 rounded-lg border border-slate-800 bg-slate-900/90 p-3 text-xs shadow-xl backdrop-blur">
      <button className="flex w-full items-center justify-between font-semibold text-slate-200" onClick={() => setOpen((o) => !o)}>
        Top files by {metricLabel.toLowerCase()} <span className="text-slate-500">{open ? '–' : '+'}</span>
      </button>
      {open && (
        <ol className="mt-2 space-y-0.5">
          {ranking.map((i, rank) => {
            const f = files[i];
            if (!f) return null;
            return (
              <li key={f.path}>
                <button
                  onClick={() => onPick(i)}
                  title={f.path}
                  className="flex w-full items-baseline gap-2 rounded px-1 text-left hover:bg-slate-800"
                >
                  <span className="w-4 shrink-0 text-right tabular-nums text-slate-600">{rank + 1}</span>
                  <span className="min-w-0 flex-1 truncate font-mono text-slate-300" dir="rtl">
                    {/* rtl truncation keeps the file name visible and cuts the folders instead */}
                    &lrm;{f.path}
                  </span>
                  <span className="shrink-0 tabular-nums text-slate-400">{formatCount(value(f))}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
