/** The top contributors with a bar of their commits (D3 linear scale for the bar length). */
import { scaleLinear } from 'd3';
import type { ContributorRow } from '../data/charts';

export function ContributorsTable({ rows, total }: { rows: readonly ContributorRow[]; total: number }) {
  const x = scaleLinear()
    .domain([0, Math.max(1, ...rows.map((r) => r.commits))])
    .range([0, 100]);
  return (
    <div>
      <table data-testid="contributors-table" className="w-full text-left text-xs">
        <thead className="text-slate-500">
          <tr className="border-b border-slate-800">
            <th className="w-8 py-1.5 pr-2 text-right font-normal">#</th>
            <th className="w-[24%] py-1.5 pr-2 font-normal">Contributor</th>
            <th className="w-[38%] py-1.5 pr-2 font-normal">Commits</th>
            <th className="py-1.5 pr-2 text-right font-normal">Lines + / −</th>
            <th className="py-1.5 text-right font-normal">Active</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} data-testid="contributor-row" className="border-b border-slate-800/60 hover:bg-slate-800/40">
              <td className="py-1.5 pr-2 text-right tabular-nums text-slate-500">{i + 1}</td>
              <td className="max-w-0 truncate py-1.5 pr-2 text-slate-200" title={r.email}>
                {r.name}
                {r.isBot && <span className="ml-1.5 rounded bg-slate-800 px-1 text-[10px] text-slate-400">bot</span>}
              </td>
              <td className="py-1.5 pr-2">
                <div className="flex items-center gap-2">
                  <div className="h-2.5 flex-1 overflow-hidden rounded-sm bg-slate-800/70">
                    <div data-testid="contributor-bar" className="h-full rounded-sm bg-[#56B4E9]" style={{ width: `${x(r.commits)}%` }} />
                  </div>
                  <span className="w-20 shrink-0 text-right tabular-nums text-slate-300">
                    {r.commits.toLocaleString('en-US')} <span className="text-slate-500">{r.share > 0 && r.share < 0.01 ? '<1' : Math.round(r.share * 100)}%</span>
                  </span>
                </div>
              </td>
              <td className="whitespace-nowrap py-1.5 pr-2 text-right tabular-nums">
                <span className="text-emerald-300/90">+{r.linesAdded.toLocaleString('en-US')}</span>{' '}
                <span className="text-rose-300/90">−{r.linesRemoved.toLocaleString('en-US')}</span>
              </td>
              <td className="whitespace-nowrap py-1.5 text-right tabular-nums text-slate-400">
                {r.first.slice(0, 7)} – {r.last.slice(0, 7)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-2 text-xs text-slate-500">
        Top {rows.length} of {total.toLocaleString('en-US')} contributors, by commits.
      </div>
    </div>
  );
}
