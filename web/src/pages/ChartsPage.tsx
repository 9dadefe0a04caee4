/**
 * `/repositories/{id}/charts`: the 2D views of a repository: commit activity per month, the
 * hotspot scatter (click a dot to open the file in the city) and the top contributors. Each
 * card loads on its own, so one failing endpoint does not hide the others.
 */
import type { ReactNode } from 'react';
import { api } from '../api/client';
import { useApi, type ApiState } from '../api/useApi';
import { ActivityChart } from '../charts/ActivityChart';
import { ContributorsTable } from '../charts/ContributorsTable';
import { HotspotScatter } from '../charts/HotspotScatter';
import { BusFactorMap, CodeAgeChart, CouplingNetwork, LanguageMixChart } from '../charts/HistoryCharts';
import { codeAge, couplingGraph, folderBusFactors, languageMix, languageResolver } from '../data/history';
import { ErrorBox, Spinner } from '../components/Feedback';
import { filesOf, scatterPoints, topContributors } from '../data/charts';
import { HOTSPOT_FORMULA } from '../layout/metrics';
import { Link, navigate } from '../router';
import { formatCityParams, DEFAULT_CITY_PARAMS } from '../state/cityParams';

export default function ChartsPage({ id }: { id: number }) {
  const repo = useApi(`repo:${id}`, (signal) => api.repository(id, signal));
  const activity = useApi(`activity:${id}`, async (signal) => (await api.activity(id, signal)).items);
  const contributors = useApi(`contributors:${id}`, async (signal) => (await api.contributors(id, signal)).items);
  const scatter = useApi(`scatter:${id}`, async (signal) => {
    // The hotspots endpoint ranks files; when it is missing, the tree has the same inputs.
    const [hot, tree] = await Promise.all([api.hotspots(id, 2000, signal).catch(() => null), api.tree(id, signal)]);
    const files = filesOf(tree.root);
    return { points: scatterPoints(hot?.items ?? null, files), formula: hot?.formula ?? HOTSPOT_FORMULA };
  });
  const history = useApi(`history:${id}`, async (signal) => {
    const [timeline, tree] = await Promise.all([api.timeline(id, signal), api.tree(id, signal)]);
    const known = new Map(filesOf(tree.root).map((f) => [f.path, f.language] as const));
    return { mix: languageMix(timeline, languageResolver(known)), age: codeAge(timeline), periods: timeline.periods };
  });
  const owners = useApi(`owners:${id}`, async (signal) => folderBusFactors(await api.ownership(id, signal), 2));
  const network = useApi(`network:${id}`, async (signal) => couplingGraph((await api.coupling(id, 200, signal)).items, 60));
  if (repo.status === 'error')
    return (
      <div className="mx-auto max-w-3xl p-8">
        <ErrorBox title={`Could not load repository ${id}`} message={repo.error.message}>
          <Link href="/" className="text-sky-400 underline">
            Back to the repositories
          </Link>
        </ErrorBox>
      </div>
    );
  const name = repo.status === 'ok' ? repo.data.name : `repository ${id}`;
  const openInCity = (path: string) =>
    navigate(`/repositories/${id}${formatCityParams({ ...DEFAULT_CITY_PARAMS, height: 'hotspot', color: 'hotspot', file: path })}`);
  return (
    <div data-testid="charts" className="h-full overflow-y-auto">
      <div className="mx-auto max-w-6xl space-y-5 p-5">
        <div className="flex items-center gap-3">
          <Link href={`/repositories/${id}`} className="text-sm text-slate-400 hover:text-slate-200" aria-label="Back to the city">
            ←
          </Link>
          <h1 className="text-lg font-semibold text-slate-100">{name}</h1>
          <span className="text-sm text-slate-500">2D views</span>
          <Link
            href={`/repositories/${id}`}
            data-testid="open-city"
            className="ml-auto rounded-md border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
          >
            Open the city
          </Link>
        </div>
        <Card title="Commit activity" subtitle="commits and distinct authors per month, first commit to last" state={activity}>
          {(items) =>
            items.length === 0 ? <Empty>No commits recorded.</Empty> : <ActivityChart items={items} />
          }
        </Card>
        <div className="space-y-5">
          <Card title="Hotspots" subtitle="change frequency against complexity: the top right is where to look first" state={scatter}>
            {(d) =>
              d.points.length === 0 ? (
                <Empty>No file has both revisions and measured complexity yet.</Empty>
              ) : (
                <HotspotScatter points={d.points} formula={d.formula} onPick={openInCity} />
              )
            }
          </Card>
          <Card title="Language mix over time" subtitle="lines per language at the end of each period (migrations show as one colour giving way to another)" state={history}>
            {(d) => (d.periods.length === 0 ? <Empty>No history recorded.</Empty> : <LanguageMixChart mix={d.mix} periods={d.periods} />)}
          </Card>
          <div className="grid gap-5 lg:grid-cols-2">
            <Card title="Code age" subtitle="lines by time since their file last changed" state={history}>
              {(d) => <CodeAgeChart buckets={d.age} />}
            </Card>
            <Card title="Coupling network" subtitle="the 60 strongest pairs of files that change together; click a file to open it" state={network}>
              {(g) =>
                g.links.length === 0 ? (
                  <Empty>No pair of files changes together often enough.</Empty>
                ) : (
                  <CouplingNetwork nodes={g.nodes} links={g.links} onPick={openInCity} />
                )
              }
            </Card>
          </div>
          <Card title="Ownership map" subtitle="folders sized by files, coloured by bus factor (how many experts must leave before most files have none); click to find them in the city" state={owners}>
            {(rows) =>
              rows.length === 0 ? (
                <Empty>No file has an expert yet.</Empty>
              ) : (
                <BusFactorMap
                  rows={rows}
                  onPick={(path) => navigate(`/repositories/${id}${formatCityParams({ ...DEFAULT_CITY_PARAMS, q: path ? `${path}/` : '' })}`)}
                />
              )
            }
          </Card>
          <Card title="Contributors" subtitle="top 20 by commits" state={contributors}>
            {(items) =>
              items.length === 0 ? (
                <Empty>No contributors recorded.</Empty>
              ) : (
                <ContributorsTable rows={topContributors(items, 20)} total={items.length} />
              )
            }
          </Card>
        </div>
      </div>
    </div>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <div className="py-8 text-center text-sm text-slate-500">{children}</div>;
}

function Card<T>({
  title,
  subtitle,
  state,
  children,
}: {
  title: string;
  subtitle: string;
  state: ApiState<T>;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className="min-w-0 rounded-xl border border-slate-800 bg-slate-900/60 p-4 shadow-lg">
      <div className="mb-3 flex items-baseline gap-3">
        <h2 className="text-sm font-semibold text-slate-100">{title}</h2>
        <span className="text-xs text-slate-500">{subtitle}</span>
      </div>
      {state.status === 'loading' && <Spinner label={`Loading ${title.toLowerCase()}…`} />}
      {state.status === 'error' && <ErrorBox title={`${title} are not available`} message={state.error.message} />}
      {state.status === 'ok' && children(state.data)}
    </section>
  );
}
