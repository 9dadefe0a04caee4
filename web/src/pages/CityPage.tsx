/**
 * `/repositories/{id}`: the city of one repository, with metric mapping, search, legend,
 * stats, hover tooltip and a details panel. View state lives in the URL query.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Repository, RepositoryTree } from '../api/types';
import { useApi } from '../api/useApi';
import { ErrorBox, Spinner } from '../components/Feedback';
import { DetailsPanel } from '../components/DetailsPanel';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { Legend } from '../components/Legend';
import { StatsStrip } from '../components/StatsStrip';
import { TopFiles } from '../components/TopFiles';
import { FolderTooltip, Tooltip } from '../components/Tooltip';
import { FindingsPanel } from '../components/FindingsPanel';
import { coupledWith } from '../layout/arcs';
import {
  buildingColors,
  buildingHeights,
  COLOR_METRICS,
  defaultHeightOptions,
  heightMetric,
  HEIGHT_METRICS,
  districtTotals,
  layoutCity,
  searchMask,
  topFiles,
} from '../layout';
import { CityView, type FocusRequest } from '../render/CityView';
import { Link, navigate, useLocation } from '../router';
import { formatCityParams, parseCityParams, type CameraState, type CityParams } from '../state/cityParams';

export default function CityPage({ id }: { id: number }) {
  const state = useApi(`city:${id}`, async (signal) => {
    const [repo, tree] = await Promise.all([api.repository(id, signal), api.tree(id, signal)]);
    return { repo, tree };
  });
  if (state.status === 'loading') return <Spinner label="Loading the city…" />;
  if (state.status === 'error')
    return (
      <div className="mx-auto max-w-3xl p-8">
        <ErrorBox title={`Could not load repository ${id}`} message={state.error.message}>
          <Link href="/" className="text-sky-400 underline">
            Back to the repositories
          </Link>
        </ErrorBox>
      </div>
    );
  // Keyed by id: view state (camera, focus, hover) belongs to one repository.
  return <City key={id} repo={state.data.repo} tree={state.data.tree} />;
}

interface HoverState {
  kind: 'building' | 'district';
  index: number;
  x: number;
  y: number;
}

function City({ repo, tree }: { repo: Repository; tree: RepositoryTree }) {
  const { pathname, search } = useLocation();
  const params = useMemo(() => parseCityParams(search), [search]);
  const setParams = useCallback(
    (patch: Partial<CityParams>) => {
      const next = { ...parseCityParams(window.location.search), ...patch };
      navigate(pathname + formatCityParams(next), { replace: true });
    },
    [pathname],
  );

  const layout = useMemo(() => layoutCity(tree.root), [tree]);
  const files = layout.buildings.files;
  const heights = useMemo(
    () => buildingHeights(files, heightMetric(params.height), defaultHeightOptions(layout.citySize, files.length)),
    [files, params.height, layout.citySize],
  );
  const colors = useMemo(() => buildingColors(files, params.color), [files, params.color]);
  const searchHighlight = useMemo(() => searchMask(files, params.q), [files, params.q]);
  const ranking = useMemo(() => topFiles(files, heightMetric(params.height), 10), [files, params.height]);
  const matches = useMemo(
    () => (searchHighlight ? searchHighlight.reduce((n, v) => n + v, 0) : null),
    [searchHighlight],
  );
  const selected = params.file !== null ? (layout.indexByPath.get(params.file) ?? null) : null;
  const [hover, setHover] = useState<HoverState | null>(null);
  const [resetSignal, setResetSignal] = useState(0);
  // A deep link naming a file (from the charts or a finding) without a camera flies to it.
  const [focus, setFocus] = useState<FocusRequest | null>(() => {
    if (params.cam || params.file === null) return null;
    const i = layout.indexByPath.get(params.file);
    return i === undefined ? null : { kind: 'building', index: i, seq: 1 };
  });
  // Read once: later camera moves write the URL but must not move the camera again.
  const [initialCamera] = useState(params.cam);
  const onCameraChange = useCallback((cam: CameraState | null) => setParams({ cam }), [setParams]);
  const focusFolder = (building: number) => {
    const district = layout.buildings.district[building] ?? -1;
    if (district >= 0) setFocus((f) => ({ kind: 'district', index: district, seq: (f?.seq ?? 0) + 1 }));
  };
  const [query, setQuery] = useState(params.q);

  const onHover = useCallback((index: number | null, x: number, y: number) => {
    setHover((h) => (index === null ? (h?.kind === 'building' ? null : h) : { kind: 'building', index, x, y }));
  }, []);
  const onHoverDistrict = useCallback((index: number | null, x: number, y: number) => {
    setHover((h) => (index === null ? (h?.kind === 'district' ? null : h) : { kind: 'district', index, x, y }));
  }, []);
  const totals = useMemo(() => districtTotals(layout), [layout]);
  const onFocusDistrict = useCallback(
    (district: number) => setFocus((f) => ({ kind: 'district', index: district, seq: (f?.seq ?? 0) + 1 })),
    [],
  );
  const onSelect = useCallback(
    (index: number | null) => setParams({ file: index === null ? null : (files[index]?.path ?? null) }),
    [files, setParams],
  );

  const setSearch = useCallback(
    (q: string) => {
      setQuery(q);
      setParams({ q });
    },
    [setParams],
  );
  const activeLanguage = /^lang:(.+)$/i.exec(params.q.trim())?.[1] ?? null;
  const pickLanguage = (key: string) => {
    const q = `lang:${key === 'Unknown' ? 'unknown' : key}`;
    setSearch(params.q.trim().toLowerCase() === q.toLowerCase() ? '' : q);
  };

  // Escape closes the details panel, then clears the search; "/" jumps to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="search"]')?.focus();
        return;
      }
      if (e.key !== 'Escape') return;
      const current = parseCityParams(window.location.search);
      if (current.file) setParams({ file: null });
      else if (current.q) setSearch('');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setParams, setSearch]);

  const hovered = hover?.kind === 'building' ? files[hover.index] : undefined;
  const hoveredDistrict = hover?.kind === 'district' ? layout.districts.dirs[hover.index] : undefined;
  const selectedFile = selected !== null ? files[selected] : undefined;

  // Findings and coupling load beside the city; the city never waits for them.
  const insights = useApi(`insights:${repo.id}`, async (signal) => (await api.insights(repo.id, signal)).items);
  const coupling = useApi(`coupling:${repo.id}`, async (signal) => (await api.coupling(repo.id, 2000, signal)).items);
  const coupled = useMemo(
    () =>
      selectedFile && coupling.status === 'ok' ? coupledWith(selectedFile.path, coupling.data, layout.indexByPath) : null,
    [selectedFile, coupling, layout.indexByPath],
  );
  const arcPartners = useMemo(() => (coupled ? coupled.filter((c) => c.index >= 0).slice(0, 40) : null), [coupled]);
  const flyToPath = useCallback(
    (path: string) => {
      const i = layout.indexByPath.get(path);
      if (i === undefined) return;
      onSelect(i);
      setFocus((f) => ({ kind: 'building', index: i, seq: (f?.seq ?? 0) + 1 }));
    },
    [layout.indexByPath, onSelect],
  );
  // Without a search, a selection with coupled files lights up those files and dims the rest.
  const highlight = useMemo(() => {
    if (searchHighlight || selected === null || !arcPartners || arcPartners.length === 0) return searchHighlight;
    const mask = new Uint8Array(files.length);
    mask[selected] = 1;
    for (const p of arcPartners) mask[p.index] = 1;
    return mask;
  }, [searchHighlight, selected, arcPartners, files.length]);
  const isInCity = useCallback((path: string) => layout.indexByPath.has(path), [layout.indexByPath]);

  return (
    <div className="flex h-full flex-col">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-800 bg-slate-900/60 px-4 py-2">
        <Link href="/" className="text-sm text-slate-400 hover:text-slate-200" aria-label="Back to repositories">
          ←
        </Link>
        <h1 className="mr-2 text-base font-semibold text-slate-100">{repo.name}</h1>
        <Select
          testId="metric-height"
          label="Height"
          value={params.height}
          options={HEIGHT_METRICS}
          onChange={(v) => setParams({ height: v as CityParams['height'] })}
        />
        <Select
          testId="metric-color"
          label="Colour"
          value={params.color}
          options={COLOR_METRICS}
          onChange={(v) => setParams({ color: v as CityParams['color'] })}
        />
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setParams({ q: query });
          }}
        >
          <input
            data-testid="search"
            type="search"
            value={query}
            placeholder="Search: app, *.py, lang:Python"
            onChange={(e) => setSearch(e.target.value)}
            className="w-72 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm text-slate-200 placeholder:text-slate-600 focus:border-sky-600 focus:outline-none"
          />
          {matches !== null && (
            <span data-testid="search-count" className="text-xs text-slate-400">
              {matches} match{matches === 1 ? '' : 'es'}
            </span>
          )}
        </form>
        <button
          data-testid="preset-hotspots"
          title="Height and colour by hotspot score (revisions × cyclomatic complexity)"
          onClick={() => setParams({ height: 'hotspot', color: 'hotspot' })}
          className={`rounded-md border px-2 py-1 text-sm hover:bg-slate-800 ${
            params.height === 'hotspot' && params.color === 'hotspot' ? 'border-amber-500/70 text-amber-200' : 'border-slate-700 text-slate-300'
          }`}
        >
          Hotspots
        </button>
        <Link
          href={`/repositories/${repo.id}/charts`}
          data-testid="open-charts"
          className="ml-auto rounded-md border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
        >
          Charts
        </Link>
        <button
          className="rounded-md border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
          onClick={() => setResetSignal((n) => n + 1)}
        >
          Reset view
        </button>
      </div>
      <StatsStrip repo={repo} tree={tree} layout={layout} />
      <div className="flex min-h-0 flex-1">
      <FindingsPanel state={insights} isInCity={isInCity} onPickFile={flyToPath} />
      <div className="relative min-h-0 min-w-0 flex-1">
        {layout.buildings.count === 0 ? (
          <div className="flex h-full items-center justify-center text-slate-400">
            This revision has no files to show.
          </div>
        ) : (
          <div
            data-testid="city-canvas"
            role="img"
            aria-label={`3D city of ${repo.name}: ${files.length} files as buildings in ${layout.districts.count} folders`}
            className="absolute inset-0"
            style={{ cursor: hovered ? 'pointer' : 'grab' }}
          >
            <ErrorBoundary
              title="The 3D view could not start"
              hint="CodeVoyage needs WebGL. Enable hardware acceleration in the browser settings, or try another browser."
            >
              <CityView
                layout={layout}
                heights={heights}
                colors={colors.rgb}
                highlight={highlight}
                selected={selected}
                onHover={onHover}
                onSelect={onSelect}
                resetSignal={resetSignal}
                focus={focus}
                onHoverDistrict={onHoverDistrict}
                onFocusDistrict={onFocusDistrict}
                initialCamera={initialCamera}
                onCameraChange={onCameraChange}
                coupled={arcPartners}
              />
            </ErrorBoundary>
          </div>
        )}
        <Legend
          legend={colors.legend}
          heightLabel={heightMetric(params.height).label}
          heightFormula={
            // Said once when height and colour use the same derived metric.
            params.height === params.color ? undefined : heightMetric(params.height).formula
          }
          extra={
            arcPartners && arcPartners.length > 0 ? (
              <div className="border-t border-slate-800 pt-2 text-slate-400" data-testid="legend-arcs">
                <span className="mr-1 inline-block h-0.5 w-5 align-middle" style={{ background: 'linear-gradient(to right, #fff099, #ff7319)' }} />
                <span className="text-slate-300">Arcs</span> files that change together with the selected one; deeper orange = stronger
              </div>
            ) : undefined
          }
          activeKey={
            activeLanguage === null
              ? null
              : activeLanguage.toLowerCase() === 'unknown'
                ? 'Unknown'
                : (colors.legend.kind === 'categorical'
                    ? colors.legend.entries.find((e) => e.key.toLowerCase() === activeLanguage.toLowerCase())?.key
                    : null) ?? null
          }
          onPick={colors.legend.kind === 'categorical' ? pickLanguage : undefined}
        />
        {hovered && hover && <Tooltip file={hovered} x={hover.x} y={hover.y} />}
        {hoveredDistrict && hover && (
          <FolderTooltip
            path={hoveredDistrict.path}
            files={totals.files[hover.index] ?? 0}
            code={totals.code[hover.index] ?? 0}
            x={hover.x}
            y={hover.y}
          />
        )}
        {!selectedFile && (
          <TopFiles
            files={files}
            ranking={ranking}
            metricLabel={heightMetric(params.height).label}
            value={heightMetric(params.height).value}
            onPick={(i) => {
              onSelect(i);
              setFocus((f) => ({ kind: 'building', index: i, seq: (f?.seq ?? 0) + 1 }));
            }}
          />
        )}
        {selectedFile && selected !== null && (
          <DetailsPanel
            file={selectedFile}
            onClose={() => onSelect(null)}
            onFocusFolder={() => focusFolder(selected)}
            coupled={coupled}
            couplingError={coupling.status === 'error' ? coupling.error.message : null}
            onPickFile={flyToPath}
            onFrameCoupled={() =>
              setFocus((f) => ({
                kind: 'buildings',
                index: selected,
                indices: [selected, ...(arcPartners ?? []).map((p) => p.index)],
                seq: (f?.seq ?? 0) + 1,
              }))
            }
          />
        )}
        <div className="pointer-events-none absolute bottom-3 right-3 text-xs text-slate-500">
          drag to orbit · right-drag to pan · scroll to zoom · click a building for details
        </div>
      </div>
      </div>
    </div>
  );
}

function Select({
  testId,
  label,
  value,
  options,
  onChange,
}: {
  testId: string;
  label: string;
  value: string;
  options: readonly { id: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-400">
      {label}
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-slate-200 focus:border-sky-600 focus:outline-none"
      >
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
