/**
 * `/repositories/{id}`: the city of one repository, with metric mapping, search, legend,
 * stats, hover tooltip and a details panel. View state lives in the URL query.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Legend as LegendData } from '../layout/colors';
import { SEQUENTIAL_RAMP, rgbToHex, sampleRamp } from '../layout/colors';
import {
  activityColors,
  biggestChanges,
  cityAt,
  compare,
  COMPARE_COLORS,
  compareColors,
  indexTimeline,
  lineHeights,
  periodOfDate,
  recentWindow,
  timelineSlots,
  timeTravelLayout,
  type CityAt,
  type Comparison,
} from '../layout/timeline';
import { districtBusFactors, expertsByBuilding, knowledgeAfter, knowledgeColors, KNOWLEDGE_COLORS } from '../layout/offboarding';
import { BASE_STEP_MS, TimeControls } from '../components/TimeControls';
import { tagMarkers } from '../layout/tags';
import { ChangesPanel, OffboardingPanel, type PersonChoice } from '../components/WhatIfPanels';
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
import { commitToLookUp, linkTravelDay, lookedUpCommit, resolveRevisionLink } from '../state/revisionLink';
import { RevisionBanner } from '../components/RevisionBanner';
import { useTheme } from '../theme';

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
  const theme = useTheme();
  const params = useMemo(() => parseCityParams(search), [search]);
  const setParams = useCallback(
    (patch: Partial<CityParams>) => {
      const next = { ...parseCityParams(window.location.search), ...patch };
      navigate(pathname + formatCityParams(next), { replace: true });
    },
    [pathname],
  );

  // The footprint metric lays the city out anew (lines of code, the default, keeps the layout
  // stable between revisions; other metrics are for a one-off look).
  const baseLayout = useMemo(
    () => layoutCity(tree.root, params.area === 'code' ? {} : { footprint: heightMetric(params.area).value }),
    [tree, params.area],
  );

  // The analysed revision goes into the URL, so a shared link says which revision it shows.
  const head = tree.revision || repo.head || null;
  const linkedOlder = params.rev !== null && head !== null && params.rev !== head.toLowerCase();
  useEffect(() => {
    if (head && parseCityParams(window.location.search).rev === null) setParams({ rev: head.toLowerCase() });
  }, [head, params.rev, setParams]);

  // Time travel and comparison: the timeline is loaded the first time either is asked for (or a
  // link made at an older revision needs placing in time).
  const timeMode = params.t !== null || params.cmp !== null;
  const [wantTimeline, setWantTimeline] = useState(timeMode || linkedOlder);
  useEffect(() => {
    if (timeMode || linkedOlder) setWantTimeline(true);
  }, [timeMode, linkedOlder]);
  const timeline = useApi(wantTimeline ? `timeline:${repo.id}` : 'timeline:none', async (signal) =>
    wantTimeline ? api.timeline(repo.id, signal) : null,
  );
  const timelineData = timeline.status === 'ok' ? timeline.data : null;
  const loadedTags = useMemo(
    () => (timeline.status === 'ok' && timeline.data ? (timeline.data.tags ?? []) : timeline.status === 'error' ? [] : null),
    [timeline],
  );
  // A revision no tag marks is looked up by sha in the stored history.
  const lookUp = commitToLookUp(params.rev, head, loadedTags);
  const commitLookup = useApi(lookUp ? `commit:${repo.id}:${lookUp}` : 'commit:none', async (signal) =>
    lookUp ? lookedUpCommit(lookUp, await api.commitBySha(repo.id, lookUp, signal)) : null,
  );
  const revisionLink = useMemo(
    () =>
      resolveRevisionLink(
        params.rev,
        head,
        loadedTags,
        commitLookup.status === 'ok' ? commitLookup.data : commitLookup.status === 'error' ? false : null,
      ),
    [params.rev, head, loadedTags, commitLookup],
  );
  // A link made at an older revision opens time travel at that commit's day, once.
  const travelledTo = useRef<string | null>(null);
  useEffect(() => {
    if (revisionLink.kind !== 'travel' || travelledTo.current === revisionLink.sha) return;
    travelledTo.current = revisionLink.sha;
    const current = parseCityParams(window.location.search);
    const day = linkTravelDay(revisionLink, current.t, current.cmp);
    if (day) setParams({ t: day });
  }, [revisionLink, setParams]);
  const index = useMemo(() => (timelineData ? indexTimeline(timelineData) : null), [timelineData]);
  const travelLayout = useMemo(() => (index ? timeTravelLayout(tree.root, index) : null), [index, tree]);
  const slots = useMemo(() => (travelLayout && index ? timelineSlots(travelLayout, index) : null), [travelLayout, index]);
  const periods = timelineData?.periods ?? [];
  const tags = useMemo(() => (timelineData ? tagMarkers(timelineData.periods, timelineData.tags) : []), [timelineData]);
  const lastPeriod = Math.max(0, periods.length - 1);
  const traveling = timeMode && travelLayout !== null && index !== null && slots !== null && periods.length > 0;
  const layout = traveling && travelLayout ? travelLayout : baseLayout;
  const files = layout.buildings.files;

  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [livePeriod, setLivePeriod] = useState<number | null>(null);
  const urlPeriod = params.t !== null ? periodOfDate(periods, params.t) : lastPeriod;
  const period = Math.min(lastPeriod, Math.max(0, livePeriod ?? urlPeriod));
  const compareRange = useMemo<[number, number] | null>(
    () => (params.cmp && periods.length > 0 ? [periodOfDate(periods, params.cmp[0]), periodOfDate(periods, params.cmp[1])] : null),
    [params.cmp, periods],
  );
  const setPeriod = useCallback(
    (p: number) => {
      setLivePeriod(p);
      const start = periods[p]?.start;
      if (start && !playing) setParams({ t: start });
    },
    [periods, playing, setParams],
  );
  useEffect(() => {
    if (!playing) return;
    const id = window.setInterval(() => setLivePeriod((p) => Math.min(lastPeriod, (p ?? urlPeriod) + 1)), BASE_STEP_MS / speed);
    return () => window.clearInterval(id);
  }, [playing, speed, lastPeriod, urlPeriod]);
  useEffect(() => {
    if (playing && period >= lastPeriod) setPlaying(false);
  }, [playing, period, lastPeriod]);
  // The URL follows the slider once playing stops (not on every animation step).
  useEffect(() => {
    if (!playing && livePeriod !== null && traveling) {
      const start = periods[livePeriod]?.start;
      if (start && start !== parseCityParams(window.location.search).t) setParams({ t: start });
    }
  }, [playing]);
  const play = (on: boolean) => {
    if (on && period >= lastPeriod) setLivePeriod(0);
    setPlaying(on);
  };

  const heightOptions = useMemo(() => defaultHeightOptions(layout.citySize, baseLayout.buildings.count), [layout.citySize, baseLayout]);
  const recentSpan = recentWindow(periods.length);
  const at: CityAt | null = useMemo(
    () => (traveling && !compareRange && index && slots ? cityAt(layout, index, slots, period, recentSpan) : null),
    [traveling, compareRange, index, slots, layout, period, recentSpan],
  );
  const comparison: Comparison | null = useMemo(
    () => (traveling && compareRange && index && slots ? compare(layout, index, slots, compareRange[0], compareRange[1]) : null),
    [traveling, compareRange, index, slots, layout],
  );
  const nowHeights = useMemo(
    () => buildingHeights(files, heightMetric(params.height), heightOptions),
    [files, params.height, heightOptions],
  );
  const heights = useMemo(() => {
    if (at && index) return lineHeights(at.lines, index.maxLinesEver, heightOptions);
    if (comparison && index) {
      // Deleted files stand as they were before, so that what was lost is seen.
      const lines = new Float64Array(comparison.status.length);
      comparison.status.forEach((s, i) => (lines[i] = Math.max(0, s === 'deleted' ? (comparison.before[i] ?? 0) : (comparison.after[i] ?? 0))));
      return lineHeights(lines, index.maxLinesEver, heightOptions);
    }
    return nowHeights;
  }, [at, comparison, index, heightOptions, nowHeights]);
  const hidden = useMemo(() => {
    if (at) return at.alive.map((v) => 1 - v);
    if (comparison) return Uint8Array.from(comparison.status, (s) => (s === 'absent' ? 1 : 0));
    return null;
  }, [at, comparison]);

  // Off-boarding what-if: ownership is loaded when the panel opens.
  const [whatIfOpen, setWhatIfOpen] = useState(params.leave.length > 0);
  const whatIf = whatIfOpen && !traveling;
  const ownership = useApi(whatIfOpen ? `ownership:${repo.id}` : 'ownership:none', async (signal) =>
    whatIfOpen ? api.ownership(repo.id, signal) : null,
  );
  const ownershipData = ownership.status === 'ok' ? ownership.data : null;
  const contributors = useApi(whatIfOpen ? `contributors:${repo.id}` : 'contributors:none', async (signal) =>
    whatIfOpen ? (await api.contributors(repo.id, signal)).items : null,
  );
  const experts = useMemo(() => (ownershipData ? expertsByBuilding(baseLayout, ownershipData) : null), [ownershipData, baseLayout]);
  const leavingSet = useMemo(() => {
    const out = new Set<number>();
    ownershipData?.people.forEach((p, i) => {
      if (params.leave.includes(p.email)) out.add(i);
    });
    return out;
  }, [ownershipData, params.leave]);
  const knowledge = useMemo(() => (whatIf && experts ? knowledgeAfter(experts, leavingSet) : null), [whatIf, experts, leavingSet]);
  const busFactors = useMemo(() => {
    if (!whatIf || !experts || !ownershipData) return [];
    const d = baseLayout.districts;
    const tops: number[] = [];
    for (let i = 0; i < d.count; i++) if ((d.level[i] ?? 0) <= 1) tops.push(i);
    const totals = districtTotals(baseLayout);
    tops.sort((a, b) => (d.level[a] ?? 0) - (d.level[b] ?? 0) || (totals.files[b] ?? 0) - (totals.files[a] ?? 0));
    const people = ownershipData.people;
    return districtBusFactors(baseLayout, experts, leavingSet, (p) => people[p]?.email ?? '', tops.slice(0, 14));
  }, [whatIf, experts, ownershipData, baseLayout, leavingSet]);
  const personChoices = useMemo<PersonChoice[]>(() => {
    if (!ownershipData) return [];
    const counts = new Map<number, number>();
    for (const f of ownershipData.files) for (const [p] of f.authors) counts.set(p, (counts.get(p) ?? 0) + 1);
    const commits = new Map<string, number>();
    if (contributors.status === 'ok' && contributors.data) for (const c of contributors.data) commits.set(c.email.toLowerCase(), c.commits);
    return ownershipData.people
      .map((p, index) => ({ index, email: p.email, name: p.name, files: counts.get(index) ?? 0, commits: commits.get(p.email) ?? null }))
      .filter((p) => p.files > 0 || params.leave.includes(p.email))
      .sort((a, b) => b.files - a.files || (a.email < b.email ? -1 : 1))
      .slice(0, 30);
  }, [ownershipData, contributors, params.leave]);
  const toggleLeaving = (email: string) =>
    setParams({ leave: params.leave.includes(email) ? params.leave.filter((e) => e !== email) : [...params.leave, email] });

  const nowColors = useMemo(() => buildingColors(files, params.color), [files, params.color]);
  const colors = useMemo((): { rgb: Float32Array; legend: LegendData } => {
    if (at) {
      const stops = [0.25, 0.5, 0.75, 1].map((t) => rgbToHex(sampleRamp(t, SEQUENTIAL_RAMP)));
      return {
        rgb: activityColors(at),
        legend: {
          kind: 'sequential',
          title: `Commits in the last ${recentSpan} ${timelineData?.unit ?? 'period'}${recentSpan === 1 ? '' : 's'}`,
          unit: 'commits',
          min: 1,
          max: Math.max(1, at.maxRecent),
          scale: 'log',
          stops,
        },
      };
    }
    if (comparison) {
      const labels = { added: 'New', grown: 'Grew', same: 'Unchanged', shrunk: 'Shrank', deleted: 'Deleted (as it was)' } as const;
      return {
        rgb: compareColors(comparison),
        legend: {
          kind: 'categorical',
          title: 'Change in lines between the two points',
          entries: (['added', 'grown', 'same', 'shrunk', 'deleted'] as const).map((k) => ({
            key: k,
            label: labels[k],
            color: COMPARE_COLORS[k],
            files: comparison.counts[k],
            code: 0,
          })),
        },
      };
    }
    if (knowledge) {
      const labels = { lost: 'Loses its last expert', 'at-risk': 'Loses some experts', safe: 'Keeps its experts', none: 'No expert (already)' } as const;
      return {
        rgb: knowledgeColors(knowledge),
        legend: {
          kind: 'categorical',
          title: 'Knowledge after the departures',
          entries: (['lost', 'at-risk', 'safe', 'none'] as const).map((k) => ({
            key: k,
            label: labels[k],
            color: KNOWLEDGE_COLORS[k],
            files: knowledge.filter((s) => s === k).length,
            code: 0,
          })),
        },
      };
    }
    return nowColors;
  }, [at, comparison, knowledge, nowColors, recentSpan, timelineData]);
  const changeRows = useMemo(() => (comparison ? biggestChanges(layout, comparison, 25) : []), [comparison, layout]);
  const searchHighlight = useMemo(() => searchMask(files, params.q), [files, params.q]);
  const ranking = useMemo(() => topFiles(files, heightMetric(params.height), 10), [files, params.height]);
  const enterTime = () => {
    setWhatIfOpen(false);
    setParams({ t: periods[lastPeriod]?.start ?? new Date().toISOString().slice(0, 10), cmp: null, leave: [] });
  };
  // Leaving time travel shows the latest analysis, and so does the banner's button.
  const exitTime = () => {
    setPlaying(false);
    setLivePeriod(null);
    setParams({ t: null, cmp: null, ...(head ? { rev: head.toLowerCase() } : {}) });
  };
  const showLatest = () => {
    if (revisionLink.kind === 'travel') exitTime();
    else if (head) setParams({ rev: head.toLowerCase() });
  };
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
  const summary = useApi(`summary:${repo.id}`, async (signal) => api.summary(repo.id, signal));
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
          testId="metric-area"
          label="Footprint"
          value={params.area}
          options={HEIGHT_METRICS}
          disabled={traveling}
          title={traveling ? 'In time travel, the footprint is the largest line count each file ever had' : undefined}
          onChange={(v) => setParams({ area: v as CityParams['area'] })}
        />
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
        <button
          data-testid="time-travel"
          title="Replay the city through its history"
          onClick={() => (timeMode ? exitTime() : enterTime())}
          className={`rounded-md border px-2 py-1 text-sm hover:bg-slate-800 ${timeMode ? 'border-sky-500/70 text-sky-200' : 'border-slate-700 text-slate-300'}`}
        >
          Time travel
        </button>
        <button
          data-testid="what-if"
          title="Off-boarding what-if: pick people and see whose knowledge would be lost"
          onClick={() => {
            if (whatIfOpen) {
              setWhatIfOpen(false);
              setParams({ leave: [] });
            } else {
              exitTime();
              setWhatIfOpen(true);
            }
          }}
          className={`rounded-md border px-2 py-1 text-sm hover:bg-slate-800 ${whatIfOpen ? 'border-red-500/70 text-red-200' : 'border-slate-700 text-slate-300'}`}
        >
          What if…
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
      {head && <RevisionBanner link={revisionLink} head={head} onShowLatest={showLatest} />}
      <StatsStrip repo={repo} tree={tree} layout={baseLayout} />
      <div className="flex min-h-0 flex-1">
      <FindingsPanel state={insights} summary={summary} isInCity={isInCity} onPickFile={flyToPath} />
      <div className="relative min-h-0 min-w-0 flex-1">
        {layout.buildings.count === 0 ? (
          <div className="flex h-full items-center justify-center text-slate-400">
            This revision has no files to show.
          </div>
        ) : (
          <div
            data-testid="city-canvas"
            role="img"
            aria-label={
              at
                ? `3D city of ${repo.name} in the ${timelineData?.unit ?? 'period'} of ${periods[period]?.start ?? ''}: ${at.aliveCount} files`
                : `3D city of ${repo.name}: ${files.length} files as buildings in ${layout.districts.count} folders`
            }
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
                coupled={traveling ? null : arcPartners}
                hidden={hidden}
                animate={traveling}
                theme={theme}
              />
            </ErrorBoundary>
          </div>
        )}
        {timeMode && timeline.status === 'loading' && (
          <div className="absolute inset-x-3 bottom-3 rounded-lg border border-slate-800 bg-slate-900/95 p-3 text-xs text-slate-400">
            Loading the history…
          </div>
        )}
        {timeMode && timeline.status === 'error' && (
          <div className="absolute inset-x-3 bottom-3 rounded-lg border border-red-900 bg-slate-900/95 p-3 text-xs text-red-300">
            Could not load the history: {timeline.error.message}
          </div>
        )}
        {traveling && (
          <TimeControls
            periods={periods}
            unit={timelineData?.unit ?? 'period'}
            period={period}
            onPeriod={setPeriod}
            playing={playing}
            onPlay={play}
            speed={speed}
            onSpeed={setSpeed}
            compare={compareRange}
            onCompare={(range) => {
              setPlaying(false);
              setParams({
                cmp: range ? [periods[range[0]]?.start ?? '', periods[range[1]]?.start ?? ''] : null,
                t: periods[period]?.start ?? null,
              });
            }}
            aliveCount={at?.aliveCount ?? 0}
            onExit={exitTime}
            tags={tags}
          />
        )}
        <Legend
          raised={timeMode}
          footprintLabel={traveling ? 'largest line count the file ever had' : heightMetric(params.area).label.toLowerCase()}
          legend={colors.legend}
          heightLabel={traveling ? 'Lines at that time (all lines)' : heightMetric(params.height).label}
          heightFormula={
            // Said once when height and colour use the same derived metric.
            params.height === params.color ? undefined : heightMetric(params.height).formula
          }
          extra={
            at ? (
              <div className="border-t border-slate-800 pt-2 text-slate-400">
                <span className="mr-1 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: '#5c697d' }} />
                no commit in that window
              </div>
            ) : !traveling && arcPartners && arcPartners.length > 0 ? (
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
          onPick={colors === nowColors && colors.legend.kind === 'categorical' ? pickLanguage : undefined}
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
        {!selectedFile && comparison && (
          <ChangesPanel
            files={files}
            comparison={comparison}
            rows={changeRows}
            onPick={(i) => {
              onSelect(i);
              setFocus((f) => ({ kind: 'building', index: i, seq: (f?.seq ?? 0) + 1 }));
            }}
          />
        )}
        {!selectedFile && whatIf && (
          ownershipData ? (
            <OffboardingPanel
              people={personChoices}
              leaving={new Set(params.leave)}
              onToggle={toggleLeaving}
              districts={busFactors}
              lostFiles={knowledge ? knowledge.filter((k) => k === 'lost').length : 0}
              formula={ownershipData.formula}
              onClose={() => {
                setWhatIfOpen(false);
                setParams({ leave: [] });
              }}
            />
          ) : (
            <div className="absolute right-3 top-3 w-80 rounded-lg border border-slate-800 bg-slate-900/95 p-3 text-xs text-slate-400">
              {ownership.status === 'error' ? `Could not load ownership: ${ownership.error.message}` : 'Loading who knows what…'}
            </div>
          )
        )}
        {!selectedFile && !comparison && !whatIf && !traveling && (
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
        <div className={`pointer-events-none absolute bottom-3 right-3 text-xs text-slate-500 ${timeMode || selectedFile ? 'hidden' : ''}`}>
          drag or arrows: orbit · right-drag or Shift+arrows: pan · scroll or + −: zoom · click a building
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
  disabled,
  title,
}: {
  testId: string;
  label: string;
  value: string;
  options: readonly { id: string; label: string }[];
  onChange: (value: string) => void;
  disabled?: boolean;
  title?: string;
}) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-400" title={title}>
      {label}
      <select
        data-testid={testId}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        className="max-w-44 rounded-md border border-slate-700 bg-slate-950 px-2 py-1 text-slate-200 focus:border-sky-600 focus:outline-none disabled:opacity-50"
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
