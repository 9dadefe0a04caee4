/**
 * Side panels of the history views: the biggest changes between two compared points, and the
 * off-boarding what-if (pick people; see the files and folders that lose their last expert).
 */
import type { FileNode } from '../api/types';
import { formatCount } from '../format';
import type { ChangeStatus, Comparison } from '../layout/timeline';
import { COMPARE_COLORS } from '../layout/timeline';
import type { DistrictBusFactor } from '../layout/offboarding';

const STATUS_LABEL: Record<Exclude<ChangeStatus, 'absent'>, string> = {
  added: 'new',
  grown: 'grew',
  same: 'unchanged',
  shrunk: 'shrank',
  deleted: 'deleted',
};

export function ChangesPanel({
  files,
  comparison,
  rows,
  onPick,
}: {
  files: readonly FileNode[];
  comparison: Comparison;
  rows: readonly { index: number; delta: number; status: ChangeStatus }[];
  onPick: (index: number) => void;
}) {
  const c = comparison.counts;
  return (
    <div data-testid="changes-panel" className="absolute right-3 top-3 max-h-[60%] w-80 overflow-auto rounded-lg border border-slate-800 bg-slate-900/95 p-3 text-xs shadow-xl backdrop-blur">
      <div className="mb-1 font-semibold text-slate-200">Biggest changes</div>
      <div className="mb-2 flex flex-wrap gap-x-3 text-slate-400">
        {(['added', 'deleted', 'grown', 'shrunk'] as const).map((s) => (
          <span key={s}>
            <span className="mr-1 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: COMPARE_COLORS[s] }} />
            {formatCount(c[s])} {STATUS_LABEL[s]}
          </span>
        ))}
      </div>
      {rows.length === 0 ? (
        <div className="text-slate-500">No file changed between these two points.</div>
      ) : (
        <ol className="space-y-0.5">
          {rows.map((r) => {
            const f = files[r.index];
            if (!f) return null;
            return (
              <li key={f.path}>
                <button
                  onClick={() => onPick(r.index)}
                  title={`${f.path}: ${STATUS_LABEL[r.status as Exclude<ChangeStatus, 'absent'>] ?? r.status}`}
                  className="flex w-full items-baseline gap-2 rounded px-1 text-left hover:bg-slate-800"
                >
                  <span
                    className="h-2.5 w-2.5 shrink-0 rounded-sm"
                    style={{ background: COMPARE_COLORS[r.status as Exclude<ChangeStatus, 'absent'>] ?? '#888' }}
                  />
                  <span className="min-w-0 flex-1 truncate font-mono text-slate-300" dir="rtl">
                    &lrm;{f.path}
                  </span>
                  <span className={`shrink-0 tabular-nums ${r.delta >= 0 ? 'text-emerald-300' : 'text-orange-300'}`}>
                    {r.delta >= 0 ? '+' : '−'}
                    {formatCount(Math.abs(r.delta))}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export interface PersonChoice {
  index: number;
  email: string;
  name: string;
  /** Files this person is an expert of. */
  files: number;
  commits: number | null;
}

export function OffboardingPanel({
  people,
  leaving,
  onToggle,
  districts,
  lostFiles,
  formula,
  onClose,
}: {
  people: readonly PersonChoice[];
  leaving: ReadonlySet<string>;
  onToggle: (email: string) => void;
  districts: readonly DistrictBusFactor[];
  lostFiles: number;
  formula: string;
  onClose: () => void;
}) {
  return (
    <div data-testid="offboarding-panel" className="absolute right-3 top-3 max-h-[85%] w-80 overflow-auto rounded-lg border border-slate-800 bg-slate-900/95 p-3 text-xs shadow-xl backdrop-blur">
      <div className="mb-1 flex items-center justify-between font-semibold text-slate-200">
        What if they left?
        <button onClick={onClose} className="text-slate-500 hover:text-slate-200" aria-label="Close the what-if">
          ✕
        </button>
      </div>
      <p className="mb-2 text-slate-400">
        Pick people: files whose every expert leaves turn red, files that keep some expert turn orange.
      </p>
      <ul className="mb-3 max-h-56 space-y-0.5 overflow-auto" data-testid="offboarding-people">
        {people.map((p) => (
          <li key={p.email}>
            <label className="flex cursor-pointer items-center gap-2 rounded px-1 hover:bg-slate-800">
              <input type="checkbox" checked={leaving.has(p.email)} onChange={() => onToggle(p.email)} className="accent-red-500" />
              <span className="min-w-0 flex-1 truncate text-slate-200" title={p.email}>
                {p.name}
              </span>
              <span className="shrink-0 tabular-nums text-slate-500">
                expert of {formatCount(p.files)}
                {p.commits !== null ? ` · ${formatCount(p.commits)} commits` : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <div className="mb-1 font-semibold text-slate-200">
        <span data-testid="offboarding-lost">{lostFiles}</span> files lose their last expert
      </div>
      <table className="w-full text-left" data-testid="offboarding-districts">
        <thead className="text-slate-500">
          <tr>
            <th className="font-normal">folder</th>
            <th className="text-right font-normal" title="Bus factor before → after">
              bus factor
            </th>
            <th className="text-right font-normal">lost</th>
          </tr>
        </thead>
        <tbody>
          {districts.map((d) => (
            <tr key={d.path} className={d.after < d.before ? 'text-red-300' : 'text-slate-300'}>
              <td className="max-w-36 truncate font-mono" title={d.path || '(repository)'}>
                {d.path === '' ? '(repository)' : `${d.path}/`}
              </td>
              <td className="text-right tabular-nums">
                {d.before} → {d.after}
              </td>
              <td className="text-right tabular-nums">{formatCount(d.lost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 font-mono text-[10px] text-slate-500">{formula}</p>
    </div>
  );
}
