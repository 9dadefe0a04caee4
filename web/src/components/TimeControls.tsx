/**
 * The timeline under the city: commit activity per period as a histogram (D3 scales), tags as
 * bookmarks on it (click one, or pick it from the list, to jump there), a slider and a play
 * button with a speed, and, in compare mode, the two points being compared.
 */
import { scaleBand, scaleLinear } from 'd3';
import { useMemo } from 'react';
import type { TimelinePeriod } from '../api/types';
import { formatCount } from '../format';
import { useWidth } from '../charts/useWidth';
import { markerLabel, moveNearestEnd, type TagMarker } from '../layout/tags';

export const SPEEDS = [1, 2, 4, 8] as const;
/** Milliseconds per period at 1×. */
export const BASE_STEP_MS = 320;

const HEIGHT = 46;

export function TimeControls({
  periods,
  unit,
  period,
  onPeriod,
  playing,
  onPlay,
  speed,
  onSpeed,
  compare,
  onCompare,
  aliveCount,
  onExit,
  tags = [],
}: {
  periods: readonly TimelinePeriod[];
  unit: string;
  period: number;
  onPeriod: (p: number) => void;
  playing: boolean;
  onPlay: (playing: boolean) => void;
  speed: number;
  onSpeed: (s: number) => void;
  /** The compared periods, or null when not comparing. */
  compare: [number, number] | null;
  onCompare: (range: [number, number] | null) => void;
  aliveCount: number;
  onExit: () => void;
  /** Tag markers, in period order. */
  tags?: readonly TagMarker[];
}) {
  const [box, width] = useWidth<HTMLDivElement>(900);
  const last = Math.max(0, periods.length - 1);
  const x = useMemo(
    () => scaleBand<number>().domain(periods.map((_, i) => i)).range([0, width]).paddingInner(periods.length > 120 ? 0 : 0.15),
    [periods, width],
  );
  const maxCommits = useMemo(() => periods.reduce((m, p) => Math.max(m, p.commits), 0), [periods]);
  const y = useMemo(() => scaleLinear().domain([0, Math.max(1, maxCommits)]).range([0, HEIGHT - 4]), [maxCommits]);
  const current = periods[period];
  const tagHere = tags.find((m) => m.period === period) ?? null;
  const bandCentre = (i: number) => (x(i) ?? 0) + x.bandwidth() / 2;
  const pickFromPointer = (clientX: number, el: Element) => {
    const r = el.getBoundingClientRect();
    const i = Math.round(((clientX - r.left) / Math.max(1, r.width)) * last);
    onPeriod(Math.min(last, Math.max(0, i)));
  };

  return (
    <div
      data-testid="timeline"
      className="absolute inset-x-3 bottom-3 z-10 rounded-lg border border-slate-800 bg-slate-900/95 px-3 pb-2 pt-2 text-xs text-slate-300 shadow-xl backdrop-blur"
    >
      <div className="mb-1 flex flex-wrap items-center gap-3">
        {!compare && (
        <button
          data-testid="time-play"
          aria-label={playing ? 'Pause' : 'Play the history'}
          onClick={() => onPlay(!playing)}
          className="w-16 rounded-md border border-sky-700 bg-sky-900/40 px-2 py-0.5 text-sky-100 hover:bg-sky-800/60"
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        )}
        {!compare && (
        <label className="flex items-center gap-1 text-slate-400">
          Speed
          <select
            data-testid="time-speed"
            value={speed}
            onChange={(e) => onSpeed(Number(e.target.value))}
            className="rounded border border-slate-700 bg-slate-950 px-1 py-0.5 text-slate-200"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        )}
        {tags.length > 0 && (
          <label className="flex items-center gap-1 text-slate-400">
            Tag
            <select
              data-testid="time-tags"
              aria-label={compare ? 'Compare from or to a tag (moves the nearer end)' : 'Jump to the city as of a tag'}
              value={!compare && tagHere ? String(tagHere.period) : ''}
              onChange={(e) => {
                if (e.target.value === '') return;
                const p = Number(e.target.value);
                if (compare) onCompare(moveNearestEnd(compare, p));
                else onPeriod(p);
              }}
              className="max-w-40 rounded border border-slate-700 bg-slate-950 px-1 py-0.5 text-slate-200"
            >
              <option value="">{`${tags.reduce((n, m) => n + m.tags.length, 0)} tags…`}</option>
              {tags.map((m) => (
                <option key={m.period} value={m.period}>
                  {m.tags.map((t) => t.name).join(', ')} ({periods[m.period]?.start ?? '?'})
                </option>
              ))}
            </select>
          </label>
        )}
        <span data-testid="time-label" className="font-mono text-slate-100">
          {compare
            ? `${periods[compare[0]]?.start ?? '?'} → ${periods[compare[1]]?.start ?? '?'}`
            : `${unit} of ${current?.start ?? '?'}`}
          {!compare && tagHere && <span data-testid="time-tag-current" className="ml-2 text-slate-300">⚑ {markerLabel(tagHere)}</span>}
        </span>
        {!compare && current && (
          <span className="text-slate-400">
            {formatCount(aliveCount)} files · {formatCount(current.commits)} commit{current.commits === 1 ? '' : 's'} by{' '}
            {formatCount(current.authors)} author{current.authors === 1 ? '' : 's'} this {unit}
          </span>
        )}
        <span className="ml-auto flex items-center gap-2">
          <button
            data-testid="time-compare"
            onClick={() => onCompare(compare ? null : [Math.min(period, Math.max(0, last - 1)), last])}
            className={`rounded-md border px-2 py-0.5 hover:bg-slate-800 ${compare ? 'border-amber-500/70 text-amber-200' : 'border-slate-700'}`}
            title="Compare two points in history: growth, shrinkage, new and deleted files"
          >
            {compare ? 'Stop comparing' : 'Compare…'}
          </button>
          <button data-testid="time-exit" onClick={onExit} className="rounded-md border border-slate-700 px-2 py-0.5 hover:bg-slate-800">
            Back to today
          </button>
        </span>
      </div>
      <div ref={box} className="relative">
        <svg
          width={width}
          height={HEIGHT}
          role="img"
          aria-label={`Commits per ${unit}, ${periods.length} ${unit}s`}
          className="block cursor-pointer"
          onClick={(e) => !compare && pickFromPointer(e.clientX, e.currentTarget)}
        >
          {periods.map((p, i) =>
            p.commits > 0 ? (
              <rect
                key={i}
                x={x(i)}
                width={Math.max(1, x.bandwidth())}
                y={HEIGHT - y(p.commits)}
                height={y(p.commits)}
                className={
                  compare
                    ? i >= compare[0] && i <= compare[1]
                      ? 'fill-amber-400/70'
                      : 'fill-slate-600'
                    : i <= period
                      ? 'fill-sky-400/80'
                      : 'fill-slate-600'
                }
              >
                <title>{`${p.start}: ${p.commits} commits, ${p.authors} authors, +${p.added} −${p.removed} lines`}</title>
              </rect>
            ) : null,
          )}
          {tags.map((m) => {
            const cx = bandCentre(m.period);
            const names = m.tags.map((t) => `${t.name} (${t.sha.slice(0, 10)})`).join(', ');
            return (
              <g
                key={`tag-${m.period}`}
                data-testid="time-tag-marker"
                data-period={m.period}
                className="cursor-pointer"
                onClick={(e) => {
                  e.stopPropagation();
                  if (compare) onCompare(moveNearestEnd(compare, m.period));
                  else onPeriod(m.period);
                }}
              >
                <title>{`Tag${m.tags.length > 1 ? 's' : ''} ${names}, ${periods[m.period]?.start ?? ''}: ${
                  compare ? 'click to compare from or to it' : 'click to show the city then'
                }`}</title>
                {/* A wide transparent hit area around the thin flag. */}
                <rect x={cx - 5} y={0} width={10} height={HEIGHT} fill="transparent" />
                <line x1={cx} x2={cx} y1={0} y2={HEIGHT} className="stroke-slate-300" strokeWidth={1} strokeDasharray="2 2" />
                <path d={`M${cx},0 h7 l-2.5,3.5 l2.5,3.5 h-7 z`} className="fill-slate-100 stroke-slate-950" strokeWidth={0.5} />
              </g>
            );
          })}
          {(compare ?? [period]).map((i, k) => (
            <line key={k} x1={bandCentre(i)} x2={bandCentre(i)} y1={0} y2={HEIGHT} className="stroke-white" strokeWidth={1.5} />
          ))}
        </svg>
        {compare ? (
          <div className="mt-1 grid grid-cols-2 gap-3">
            <label className="flex items-center gap-2">
              <span className="w-10 text-slate-400">From</span>
              <input
                data-testid="compare-from"
                type="range"
                min={0}
                max={last}
                value={compare[0]}
                onChange={(e) => onCompare([Math.min(Number(e.target.value), compare[1]), compare[1]])}
                className="w-full accent-amber-400"
              />
            </label>
            <label className="flex items-center gap-2">
              <span className="w-10 text-slate-400">To</span>
              <input
                data-testid="compare-to"
                type="range"
                min={0}
                max={last}
                value={compare[1]}
                onChange={(e) => onCompare([compare[0], Math.max(Number(e.target.value), compare[0])])}
                className="w-full accent-amber-400"
              />
            </label>
          </div>
        ) : (
          <input
            data-testid="time-slider"
            type="range"
            aria-label="Point in history"
            min={0}
            max={last}
            value={period}
            onChange={(e) => onPeriod(Number(e.target.value))}
            className="mt-1 w-full accent-sky-400"
          />
        )}
        <div className="flex justify-between font-mono text-[10px] text-slate-500">
          <span>{periods[0]?.start}</span>
          <span>{periods[last]?.start}</span>
        </div>
      </div>
    </div>
  );
}
