/**
 * Hotspot scatter: change frequency (revisions) against complexity on log axes; dot area
 * follows the hotspot score. Clicking a dot opens the city with that file selected.
 */
import { axisBottom, axisLeft, format, select } from 'd3';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { logTickValues, scatterScales, type ScatterPoint } from '../data/charts';
import { sampleRamp, rgbToHex } from '../layout/colors';
import { useWidth } from './useWidth';

const M = { top: 14, right: 20, bottom: 40, left: 52 };
const HEIGHT = 380;

export function HotspotScatter({
  points,
  formula,
  onPick,
}: {
  points: readonly ScatterPoint[];
  formula: string;
  onPick: (path: string) => void;
}) {
  const [box, width] = useWidth<HTMLDivElement>();
  const w = Math.max(100, width - M.left - M.right);
  const h = HEIGHT - M.top - M.bottom;
  const s = useMemo(() => scatterScales(points, w, h), [points, w, h]);
  const maxScore = useMemo(() => Math.max(1, ...points.map((p) => p.score)), [points]);
  const xAxis = useRef<SVGGElement>(null);
  const yAxis = useRef<SVGGElement>(null);
  const [hover, setHover] = useState<ScatterPoint | null>(null);
  useLayoutEffect(() => {
    const f = format('~s');
    const [x0, x1] = s.x.domain() as [number, number];
    const [y0, y1] = s.y.domain() as [number, number];
    if (xAxis.current) select(xAxis.current).call(axisBottom(s.x).tickValues(logTickValues(x0, x1, 12)).tickFormat((v) => f(Number(v))).tickSize(-h));
    if (yAxis.current) select(yAxis.current).call(axisLeft(s.y).tickValues(logTickValues(y0, y1, 8)).tickFormat((v) => f(Number(v))).tickSize(-w));
  }, [s, w, h]);
  // The top ten are named, so the chart reads without hovering.
  const labelled = useMemo(() => new Set([...points].sort((a, b) => b.score - a.score).slice(0, 8).map((p) => p.path)), [points]);
  const color = (score: number) => rgbToHex(sampleRamp(Math.log1p(score) / Math.log1p(maxScore)));
  return (
    <div ref={box} className="relative w-full">
      <svg data-testid="hotspot-scatter" width={width} height={HEIGHT} role="img" aria-label="Hotspot scatter: revisions against complexity" className="block">
        <g transform={`translate(${M.left},${M.top})`}>
          <g ref={xAxis} transform={`translate(0,${h})`} className="chart-grid text-slate-500" />
          <g ref={yAxis} className="chart-grid text-slate-500" />
          <text x={w / 2} y={h + 34} textAnchor="middle" className="fill-slate-400 text-[11px]">
            revisions (commits that changed the file, log scale)
          </text>
          <text transform={`translate(${-40},${h / 2}) rotate(-90)`} textAnchor="middle" className="fill-slate-400 text-[11px]">
            cyclomatic complexity (log scale)
          </text>
          {points.map((p) => (
            <circle
              key={p.path}
              data-testid="scatter-dot"
              data-path={p.path}
              cx={s.x(p.revisions)}
              cy={s.y(p.complexity)}
              r={s.r(p.score)}
              fill={color(p.score)}
              fillOpacity={hover?.path === p.path ? 1 : 0.75}
              style={{ stroke: hover?.path === p.path ? 'var(--color-white)' : 'var(--color-slate-950)' }}
              strokeWidth={hover?.path === p.path ? 1.5 : 0.6}
              className="cursor-pointer"
              onMouseEnter={() => setHover(p)}
              onMouseLeave={() => setHover((c) => (c === p ? null : c))}
              onClick={() => onPick(p.path)}
              tabIndex={labelled.has(p.path) ? 0 : -1}
              role="link"
              aria-label={`${p.path}: ${p.revisions} revisions, complexity ${p.complexity}, score ${p.score}. Open in the city.`}
              onFocus={() => setHover(p)}
              onBlur={() => setHover((c) => (c === p ? null : c))}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onPick(p.path);
                }
              }}
            >
              <title>{`${p.path}\n${p.revisions} revisions × ${p.complexity} complexity = ${p.score}`}</title>
            </circle>
          ))}
          {points
            .filter((p) => labelled.has(p.path))
            .map((p) => (
              <text
                key={`l-${p.path}`}
                x={s.x(p.revisions) + s.r(p.score) + 3}
                y={s.y(p.complexity) + 3}
                className="pointer-events-none fill-slate-300 font-mono text-[10px]"
                style={{ paintOrder: 'stroke', stroke: 'var(--color-slate-950)', strokeWidth: 3 }}
              >
                {p.path.split('/').pop()}
              </text>
            ))}
        </g>
      </svg>
      <div className="mt-1 flex flex-wrap items-center gap-3 pl-12 text-xs text-slate-400">
        <span className="font-mono text-slate-300">{formula}</span>
        <span>dot size and colour: score · click a dot to open it in the city</span>
        {hover && (
          <span data-testid="scatter-hover" className="ml-auto font-mono text-slate-200">
            {hover.path}: {hover.revisions} × {hover.complexity} = {hover.score.toLocaleString('en-US')}
          </span>
        )}
      </div>
    </div>
  );
}
