/** A strip of headline numbers above the city. */
import type { Repository, RepositoryTree } from '../api/types';
import { formatCount, shortSha } from '../format';
import type { CityLayout } from '../layout/city';

export function StatsStrip({ repo, tree, layout }: { repo: Repository; tree: RepositoryTree; layout: CityLayout }) {
  const files = layout.buildings.files;
  let code = 0;
  let revisions = 0;
  const languages = new Set<string>();
  for (const f of files) {
    code += f.lines.code;
    revisions = Math.max(revisions, f.revisions);
    if (f.language) languages.add(f.language);
  }
  const items: [string, string][] = [
    ['files', formatCount(files.length)],
    ['folders', formatCount(layout.districts.count)],
    ['lines of code', formatCount(code)],
    ['languages', String(languages.size)],
    ['commits', formatCount(repo.total_commits)],
    ['contributors', formatCount(repo.total_contributors)],
    ['most revisions', formatCount(revisions)],
  ];
  return (
    <div data-testid="stats" className="flex flex-wrap items-baseline gap-x-6 gap-y-1 border-b border-slate-800 bg-slate-950 px-4 py-1.5 text-sm">
      {items.map(([label, value]) => (
        <span key={label} className="text-slate-500">
          <span className="mr-1 font-semibold tabular-nums text-slate-200">{value}</span>
          {label}
        </span>
      ))}
      <span className="ml-auto font-mono text-xs text-slate-500" title={tree.revision}>
        @ {shortSha(tree.revision)}
      </span>
    </div>
  );
}
