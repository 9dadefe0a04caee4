/** Commits per month as bars, distinct authors per month as a line on a second axis (D3 scales and axes). */
import { axisBottom, axisLeft, axisRight, line, select } from 'd3';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ActivityMonth } from '../api/types';
import { activityScales, monthLabel, monthTicks } from '../data/charts';
import { useWidth } from './useWidth';

const M = { top: 16, right: 44, bottom: 28, left: 44 };
const HEIGHT = 260;

export function ActivityChart({ items }: { items: readonly ActivityMonth[] }) {
  const [box, width] = useWidth<HTMLDivElement>();
  const w = Math.max(100, width - M.left - M.right);
  const h = HEIGHT - M.top - M.bottom;
  const s = useMemo(() => activityScales(items, w, h), [items, w, h]);
  const xAxis = useRef<SVGGElement>(null);
  const yLeft = useRef<SVGGElement>(null);
  const yRight = useRef<SVGGElement>(null);
  const [hover, setHover] = useState<ActivityMonth | null>(null);

  useLayoutEffect(() => {
    const ticks = monthTicks(
      items.map((d) => d.month),
      Math.max(2, Math.floor(w / 70)),
    );
    if (xAxis.current)
      select(xAxis.current).call(
        axisBottom(s.x)
          .tickValues(ticks)
          .tickFormat((m) => (m.endsWith('-01') && ticks.length > 1 && ticks.every((t) => t.endsWith('-01')) ? m.slice(0, 4) : monthLabel(m)))
          .tickSizeOuter(0),
      );
    // Counts are whole numbers: no 0.5-commit ticks on small repositories.
    const whole = (t: number[]) => t.filter(Number.isInteger);
    if (yLeft.current) select(yLeft.current).call(axisLeft(s.commits).tickValues(whole(s.commits.ticks(5))).tickSize(-w));
    if (yRight.current) select(yRight.current).call(axisRight(s.authors).tickValues(whole(s.authors.ticks(5))));
  }, [s, w, items]);

  const authorsPath = useMemo(
    () =>
      line<ActivityMonth>()
        .x((d) => (s.x(d.month) ?? 0) + s.x.bandwidth() / 2)
        .y((d) => s.authors(d.authors))(items as ActivityMonth[]) ?? '',
    [s, items],
  );
  const bw = s.x.bandwidth();
  // Few months would make slabs; cap the bar width and centre it in its band.
  const barW = Math.min(bw, 36);
  const barX = (bw - barW) / 2;
  return (
    <div ref={box} className="relative w-full">
      <svg data-testid="activity-chart" width={width} height={HEIGHT} role="img" aria-label="Commits and authors per month" className="block">
        <g transform={`translate(${M.left},${M.top})`}>
          <g ref={yLeft} className="chart-grid text-slate-500" />
          <g data-testid="activity-bars">
            {items.map((d) => (
              <rect
                key={d.month}
                x={(s.x(d.month) ?? 0) + barX}
                y={s.commits(d.commits)}
                width={Math.max(0.5, barW)}
                height={Math.max(0, h - s.commits(d.commits))}
                fill={hover?.month === d.month ? '#9fd8f7' : '#56B4E9'}
                opacity={0.85}
              />
            ))}
          </g>
          <path d={authorsPath} fill="none" stroke="#E69F00" strokeWidth={1.6} strokeLinejoin="round" />
          {/* Invisible full-height hit areas so thin bars are easy to hover. */}
          <g>
            {items.map((d) => (
              <rect
                key={d.month}
                x={(s.x(d.month) ?? 0) - (s.x.step() - bw) / 2}
                y={0}
                width={s.x.step()}
                height={h}
                fill="transparent"
                onMouseEnter={() => setHover(d)}
                onMouseLeave={() => setHover((c) => (c === d ? null : c))}
              />
            ))}
          </g>
          <g ref={xAxis} transform={`translate(0,${h})`} className="text-slate-500" />
          <g ref={yRight} transform={`translate(${w},0)`} className="text-slate-500" />
        </g>
      </svg>
      <div className="mt-1 flex items-center gap-4 pl-11 text-xs text-slate-400">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-3 rounded-sm" style={{ background: '#56B4E9' }} /> commits per month (left axis)
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-0.5 w-4" style={{ background: '#E69F00' }} /> authors per month (right axis)
        </span>
        {hover && (
          <span data-testid="activity-hover" className="ml-auto tabular-nums text-slate-200">
            {monthLabel(hover.month)}: {hover.commits} commit{hover.commits === 1 ? '' : 's'}, {hover.authors} author
            {hover.authors === 1 ? '' : 's'}
          </span>
        )}
      </div>
    </div>
  );
}
