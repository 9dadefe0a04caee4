/**
 * The city of a static export: the same layout, renderer, legend and details panel as the
 * app's city page, fed from the data embedded in the page instead of the API. View state is
 * kept in memory (a file opened from disk has no routes to share).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  buildingColors,
  buildingHeights,
  COLOR_METRICS,
  defaultHeightOptions,
  districtTotals,
  heightMetric,
  HEIGHT_METRICS,
  layoutCity,
  searchMask,
  topFiles,
  type ColorMetricId,
  type HeightMetricId,
} from '../layout';
import { coupledWith } from '../layout/arcs';
import { CityView, type FocusRequest } from '../render/CityView';
import { DetailsPanel } from '../components/DetailsPanel';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { FindingsPanel } from '../components/FindingsPanel';
import { Legend } from '../components/Legend';
import { StatsStrip } from '../components/StatsStrip';
import { TopFiles } from '../components/TopFiles';
import { FolderTooltip, Tooltip } from '../components/Tooltip';
import type { ExportData } from './data';

interface HoverState {
  kind: 'building' | 'district';
  index: number;
  x: number;
  y: number;
}

export function ExportApp({ data }: { data: ExportData }) {
  const { repository: repo, tree } = data;
  const [area, setArea] = useState<HeightMetricId>('code');
  const layout = useMemo(() => layoutCity(tree.root, area === 'code' ? {} : { footprint: heightMetric(area).value }), [tree, area]);
  const files = layout.buildings.files;
  const [height, setHeight] = useState<HeightMetricId>('code');
  const [color, setColor] = useState<ColorMetricId>('language');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [hover, setHover] = useState<HoverState | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const [resetSignal, setResetSignal] = useState(0);

  useEffect(() => {
    document.title = `${repo.name} · CodeVoyage`;
  }, [repo.name]);

  const heightOptions = useMemo(() => defaultHeightOptions(layout.citySize, files.length), [layout.citySize, files.length]);
  const heights = useMemo(() => buildingHeights(files, heightMetric(height), heightOptions), [files, height, heightOptions]);
  const colors = useMemo(() => buildingColors(files, color), [files, color]);
  const searchHighlight = useMemo(() => searchMask(files, query), [files, query]);
  const matches = useMemo(() => (searchHighlight ? searchHighlight.reduce((n, v) => n + v, 0) : null), [searchHighlight]);
  const ranking = useMemo(() => topFiles(files, heightMetric(height), 10), [files, height]);
  const totals = useMemo(() => districtTotals(layout), [layout]);
  const selectedFile = selected !== null ? files[selected] : undefined;
  const coupled = useMemo(
    () => (selectedFile ? coupledWith(selectedFile.path, data.coupling, layout.indexByPath) : null),
    [selectedFile, data.coupling, layout.indexByPath],
  );
  const arcPartners = useMemo(() => (coupled ? coupled.filter((c) => c.index >= 0).slice(0, 40) : null), [coupled]);
  const highlight = useMemo(() => {
    if (searchHighlight || selected === null || !arcPartners || arcPartners.length === 0) return searchHighlight;
    const mask = new Uint8Array(files.length);
    mask[selected] = 1;
    for (const p of arcPartners) mask[p.index] = 1;
    return mask;
  }, [searchHighlight, selected, arcPartners, files.length]);

  const flyTo = useCallback((i: number) => {
    setSelected(i);
    setFocus((f) => ({ kind: 'building', index: i, seq: (f?.seq ?? 0) + 1 }));
  }, []);
  const flyToPath = useCallback(
    (path: string) => {
      const i = layout.indexByPath.get(path);
      if (i !== undefined) flyTo(i);
    },
    [layout.indexByPath, flyTo],
  );
  const isInCity = useCallback((path: string) => layout.indexByPath.has(path), [layout.indexByPath]);
  const onHover = useCallback((index: number | null, x: number, y: number) => {
    setHover((h) => (index === null ? (h?.kind === 'building' ? null : h) : { kind: 'building', index, x, y }));
  }, []);
  const onHoverDistrict = useCallback((index: number | null, x: number, y: number) => {
    setHover((h) => (index === null ? (h?.kind === 'district' ? null : h) : { kind: 'district', index, x, y }));
  }, []);
  const onFocusDistrict = useCallback(
    (district: number) => setFocus((f) => ({ kind: 'district', index: district, seq: (f?.seq ?? 0) + 1 })),
    [],
  );

  // Escape closes the details panel, then clears the search; "/" jumps to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="search"]')?.focus();
      } else if (e.key === 'Escape') {
        if (selected !== null) setSelected(null);
        else setQuery('');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected]);

  const activeLanguage = /^lang:(.+)$/i.exec(query.trim())?.[1] ?? null;
  const pickLanguage = (key: string) => {
    const q = `lang:${key === 'Unknown' ? 'unknown' : key}`;
    setQuery(query.trim().toLowerCase() === q.toLowerCase() ? '' : q);
  };
  const hovered = hover?.kind === 'building' ? files[hover.index] : undefined;
  const hoveredDistrict = hover?.kind === 'district' ? layout.districts.dirs[hover.index] : undefined;
  const generated = data.generated_at ? data.generated_at.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : null;

  return (
    <div className="flex h-full flex-col bg-slate-950 text-slate-200">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-800 bg-slate-900/60 px-4 py-2">
        <span className="font-semibold tracking-tight text-slate-400">CodeVoyage</span>
        <h1 className="mr-2 text-base font-semibold text-slate-100" data-testid="export-title">
          {repo.name}
        </h1>
        <Select testId="metric-area" label="Footprint" value={area} options={HEIGHT_METRICS} onChange={(v) => {
            // Building indices belong to one layout: a new footprint starts without a selection.
            setSelected(null);
            setHover(null);
            setArea(v as HeightMetricId);
          }}
        />
        <Select testId="metric-height" label="Height" value={height} options={HEIGHT_METRICS} onChange={(v) => setHeight(v as HeightMetricId)} />
        <Select testId="metric-color" label="Colour" value={color} options={COLOR_METRICS} onChange={(v) => setColor(v as ColorMetricId)} />
        <input
          data-testid="search"
          type="search"
          value={query}
          placeholder="Search: app, *.py, lang:Python"
          onChange={(e) => setQuery(e.target.value)}
          className="w-72 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-sm text-slate-200 placeholder:text-slate-600 focus:border-sky-600 focus:outline-none"
        />
        {matches !== null && (
          <span data-testid="search-count" className="text-xs text-slate-400">
            {matches} match{matches === 1 ? '' : 'es'}
          </span>
        )}
        <button
          data-testid="preset-hotspots"
          title="Height and colour by hotspot score (revisions × cyclomatic complexity)"
          onClick={() => {
            setHeight('hotspot');
            setColor('hotspot');
          }}
          className={`rounded-md border px-2 py-1 text-sm hover:bg-slate-800 ${
            height === 'hotspot' && color === 'hotspot' ? 'border-amber-500/70 text-amber-200' : 'border-slate-700 text-slate-300'
          }`}
        >
          Hotspots
        </button>
        <button
          className="ml-auto rounded-md border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
          onClick={() => setResetSignal((n) => n + 1)}
        >
          Reset view
        </button>
      </div>
      <StatsStrip repo={repo} tree={tree} layout={layout} />
      <div className="flex min-h-0 flex-1">
        {data.insights.length > 0 && (
          <FindingsPanel state={{ status: 'ok', data: data.insights }} isInCity={isInCity} onPickFile={flyToPath} />
        )}
        <div className="relative min-h-0 min-w-0 flex-1">
          {layout.buildings.count === 0 ? (
            <div className="flex h-full items-center justify-center text-slate-400">This revision has no files to show.</div>
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
                  onSelect={setSelected}
                  resetSignal={resetSignal}
                  focus={focus}
                  onHoverDistrict={onHoverDistrict}
                  onFocusDistrict={onFocusDistrict}
                  coupled={arcPartners}
                />
              </ErrorBoundary>
            </div>
          )}
          <Legend
            legend={colors.legend}
            footprintLabel={heightMetric(area).label.toLowerCase()}
            heightLabel={heightMetric(height).label}
            heightFormula={height === color ? undefined : heightMetric(height).formula}
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
            extra={
              arcPartners && arcPartners.length > 0 ? (
                <div className="border-t border-slate-800 pt-2 text-slate-400">
                  <span className="mr-1 inline-block h-0.5 w-5 align-middle" style={{ background: 'linear-gradient(to right, #fff099, #ff7319)' }} />
                  <span className="text-slate-300">Arcs</span> files that change together with the selected one; deeper orange = stronger
                </div>
              ) : undefined
            }
          />
          {hovered && hover && <Tooltip file={hovered} x={hover.x} y={hover.y} />}
          {hoveredDistrict && hover && (
            <FolderTooltip path={hoveredDistrict.path} files={totals.files[hover.index] ?? 0} code={totals.code[hover.index] ?? 0} x={hover.x} y={hover.y} />
          )}
          {!selectedFile && (
            <TopFiles files={files} ranking={ranking} metricLabel={heightMetric(height).label} value={heightMetric(height).value} onPick={flyTo} />
          )}
          {selectedFile && selected !== null && (
            <DetailsPanel
              file={selectedFile}
              onClose={() => setSelected(null)}
              onFocusFolder={() => {
                const district = layout.buildings.district[selected] ?? -1;
                if (district >= 0) onFocusDistrict(district);
              }}
              coupled={coupled}
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
          <div className="pointer-events-none absolute bottom-3 right-3 text-right text-xs text-slate-500" data-testid="export-footer">
            drag to orbit · right-drag to pan · scroll to zoom · click a building for details
            <br />
            static snapshot of {tree.revision.slice(0, 12)}
            {generated ? `, written ${generated}` : ''}
            {data.generator ? ` by ${data.generator}` : ''}
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
