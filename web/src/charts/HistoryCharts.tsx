/**
 * 2D views of the history (D3 scales, layouts and shapes, drawn as SVG by React): language
 * mix over time (stacked areas), code-age distribution (bars), the coupling network (a
 * force layout, run to rest before drawing so the picture is stable) and the ownership map
 * (a treemap of folders coloured by bus factor).
 */
import { area, hierarchy, treemap, forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, scaleBand, scaleLinear, stack, type SimulationNodeDatum } from 'd3';
import { useMemo, useState } from 'react';
import type { TimelinePeriod } from '../api/types';
import { formatCount } from '../format';
import { CATEGORICAL_PALETTE, OTHER_COLOR } from '../layout/colors';
import type { AgeBucket, FolderBusFactor, LanguageMix, NetworkLink, NetworkNode } from '../data/history';
import { useWidth } from './useWidth';

const M = { top: 12, right: 16, bottom: 24, left: 52 };

/** Ink of labels drawn on the fixed palette colours (not the theme's: those cells keep their colours). */
const CELL_INK = '#0b1120';

export function LanguageMixChart({ mix, periods }: { mix: LanguageMix; periods: readonly TimelinePeriod[] }) {
  const [box, width] = useWidth<HTMLDivElement>();
  const h = 220;
  const w = Math.max(100, width - M.left - M.right);
  const colorOf = (i: number, lang: string) => (lang === 'Other' ? OTHER_COLOR : (CATEGORICAL_PALETTE[i % CATEGORICAL_PALETTE.length] ?? OTHER_COLOR));
  const layers = useMemo(() => {
    const rows = mix.lines.map((r) => Object.fromEntries(mix.languages.map((l, i) => [l, r[i] ?? 0])));
    return stack<Record<string, number>>().keys(mix.languages)(rows);
  }, [mix]);
  const max = Math.max(1, ...mix.lines.map((r) => r.reduce((s, v) => s + v, 0)));
  const x = scaleLinear().domain([0, Math.max(1, periods.length - 1)]).range([0, w]);
  const y = scaleLinear().domain([0, max]).nice().range([h, 0]);
  const shape = area<[number, number]>()
    .x((_, i) => x(i))
    .y0((d) => y(d[0]))
    .y1((d) => y(d[1]));
  const ticks = y.ticks(4);
  return (
    <div ref={box} data-testid="language-mix">
      <svg width={width} height={h + M.top + M.bottom} role="img" aria-label="Lines per language over time">
        <g transform={`translate(${M.left},${M.top})`}>
          {ticks.map((t) => (
            <g key={t} transform={`translate(0,${y(t)})`}>
              <line x2={w} className="stroke-slate-800" />
              <text x={-6} dy="0.32em" textAnchor="end" className="fill-slate-500 text-[10px]">
                {formatCount(t)}
              </text>
            </g>
          ))}
          {layers.map((layer, i) => (
            <path key={layer.key} d={shape(layer.map((d) => [d[0], d[1]] as [number, number])) ?? ''} fill={colorOf(i, layer.key)} opacity={0.9}>
              <title>{layer.key}</title>
            </path>
          ))}
          <text y={h + 16} className="fill-slate-500 text-[10px]">
            {periods[0]?.start}
          </text>
          <text x={w} y={h + 16} textAnchor="end" className="fill-slate-500 text-[10px]">
            {periods[periods.length - 1]?.start}
          </text>
        </g>
      </svg>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-400">
        {mix.languages.map((l, i) => (
          <span key={l}>
            <span className="mr-1 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: colorOf(i, l) }} />
            {l} <span className="tabular-nums text-slate-500">{formatCount(mix.lines[mix.lines.length - 1]?.[i] ?? 0)}</span>
          </span>
        ))}
      </div>
    </div>
  );
}

export function CodeAgeChart({ buckets }: { buckets: readonly AgeBucket[] }) {
  const [box, width] = useWidth<HTMLDivElement>(500);
  const h = 180;
  const w = Math.max(100, width - M.left - M.right);
  const x = scaleBand<string>().domain(buckets.map((b) => b.label)).range([0, w]).padding(0.2);
  const y = scaleLinear().domain([0, Math.max(1, ...buckets.map((b) => b.lines))]).nice().range([h, 0]);
  return (
    <div ref={box} data-testid="code-age">
      <svg width={width} height={h + M.top + M.bottom + 4} role="img" aria-label="Lines by time since their file last changed">
        <g transform={`translate(${M.left},${M.top})`}>
          {y.ticks(4).map((t) => (
            <g key={t} transform={`translate(0,${y(t)})`}>
              <line x2={w} className="stroke-slate-800" />
              <text x={-6} dy="0.32em" textAnchor="end" className="fill-slate-500 text-[10px]">
                {formatCount(t)}
              </text>
            </g>
          ))}
          {buckets.map((b) => (
            <g key={b.label}>
              <rect x={x(b.label)} width={x.bandwidth()} y={y(b.lines)} height={h - y(b.lines)} className="fill-sky-500/80">
                <title>{`${b.label}: ${b.files} files, ${b.lines} lines`}</title>
              </rect>
              <text x={(x(b.label) ?? 0) + x.bandwidth() / 2} y={h + 14} textAnchor="middle" className="fill-slate-400 text-[10px]">
                {b.label}
              </text>
              <text x={(x(b.label) ?? 0) + x.bandwidth() / 2} y={y(b.lines) - 3} textAnchor="middle" className="fill-slate-500 text-[10px]">
                {b.files > 0 ? `${formatCount(b.files)} files` : ''}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}

interface SimNode extends SimulationNodeDatum {
  i: number;
}

export function CouplingNetwork({
  nodes,
  links,
  onPick,
}: {
  nodes: readonly NetworkNode[];
  links: readonly NetworkLink[];
  onPick: (path: string) => void;
}) {
  const [box, width] = useWidth<HTMLDivElement>(500);
  const h = 360;
  const [hover, setHover] = useState<number | null>(null);
  // Run the simulation to rest once per graph and size; d3-force's initial placement and its
  // random source are deterministic, so the same data always gives the same picture.
  const positions = useMemo(() => {
    const sim: SimNode[] = nodes.map((_, i) => ({ i }));
    const simulation = forceSimulation(sim)
      .force(
        'link',
        forceLink<SimNode, { source: number; target: number; degree: number }>(links.map((l) => ({ ...l })))
          .id((d) => d.i)
          .distance((l) => 30 + 60 * (1 - l.degree))
          .strength((l) => 0.2 + 0.8 * l.degree),
      )
      .force('charge', forceManyBody().strength(-60))
      .force('collide', forceCollide(9))
      .force('x', forceX(0).strength(0.06))
      .force('y', forceY(0).strength(0.09))
      .stop();
    simulation.tick(300);
    const xs = sim.map((n) => n.x ?? 0);
    const ys = sim.map((n) => n.y ?? 0);
    const [x0, x1, y0, y1] = [Math.min(...xs, 0), Math.max(...xs, 0), Math.min(...ys, 0), Math.max(...ys, 0)];
    const sx = scaleLinear().domain([x0, x1]).range([20, Math.max(40, width - 20)]);
    const sy = scaleLinear().domain([y0, y1]).range([20, h - 20]);
    return sim.map((n) => [sx(n.x ?? 0), sy(n.y ?? 0)] as const);
  }, [nodes, links, width]);
  const r = (n: NetworkNode) => 4 + Math.sqrt(n.weight) * 3;
  const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  return (
    <div ref={box} data-testid="coupling-network" className="relative">
      <svg width={width} height={h} role="img" aria-label="Files that change together, linked by coupling degree">
        {links.map((l, k) => {
          const a = positions[l.source];
          const b = positions[l.target];
          if (!a || !b) return null;
          const lit = hover === l.source || hover === l.target;
          return (
            <line
              key={k}
              x1={a[0]}
              y1={a[1]}
              x2={b[0]}
              y2={b[1]}
              strokeWidth={0.5 + 3 * l.degree}
              className={lit ? 'stroke-amber-300' : 'stroke-slate-600'}
              opacity={lit ? 1 : 0.7}
            />
          );
        })}
        {nodes.map((n, i) => {
          const p = positions[i];
          if (!p) return null;
          return (
            <g key={n.path} transform={`translate(${p[0]},${p[1]})`}>
              <circle
                r={r(n)}
                tabIndex={0}
                role="button"
                aria-label={`${n.path}: open in the city`}
                data-testid="network-node"
                className={`cursor-pointer stroke-slate-950 ${hover === i ? 'fill-amber-300' : 'fill-sky-400'}`}
                onMouseEnter={() => setHover(i)}
                onMouseLeave={() => setHover(null)}
                onFocus={() => setHover(i)}
                onBlur={() => setHover(null)}
                onClick={() => onPick(n.path)}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onPick(n.path)}
              >
                <title>{n.path}</title>
              </circle>
              {(hover === i || n.weight >= 1.5) && (
                <text x={r(n) + 3} dy="0.32em" className="pointer-events-none fill-slate-300 text-[10px]">
                  {name(n.path)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Colour of a bus factor: 1 is a single point of failure (colour-blind safe, Okabe–Ito). */
export function busFactorColor(bf: number): string {
  return bf <= 1 ? '#D55E00' : bf === 2 ? '#E69F00' : bf <= 4 ? '#56B4E9' : '#009E73';
}

export function BusFactorMap({ rows, onPick }: { rows: readonly FolderBusFactor[]; onPick: (path: string) => void }) {
  const [box, width] = useWidth<HTMLDivElement>(900);
  const h = 320;
  const cells = useMemo(() => {
    // Leaves: second-level folders, plus what a top-level folder holds outside them.
    const depthOf = (p: string) => (p === '' ? 0 : p.split('/').length);
    const leaves: FolderBusFactor[] = [];
    for (const r of rows) {
      if (depthOf(r.path) === 2) leaves.push(r);
      if (depthOf(r.path) === 1) {
        const inChildren = rows.filter((c) => depthOf(c.path) === 2 && c.path.startsWith(`${r.path}/`)).reduce((s, c) => s + c.files, 0);
        if (r.files > inChildren) leaves.push({ ...r, files: r.files - inChildren });
      }
      if (r.path === '') leaves.push(r);
    }
    type Datum = { name: string; row?: FolderBusFactor; children?: Datum[] };
    const root = hierarchy<Datum>({ name: '', children: leaves.map((row) => ({ name: row.path, row })) })
      .sum((d) => d.row?.files ?? 0)
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    return treemap<Datum>().size([width, h]).paddingInner(2).round(true)(root).leaves();
  }, [rows, width]);
  return (
    <div ref={box} data-testid="bus-factor-map">
      <svg width={width} height={h} role="img" aria-label="Folders sized by files and coloured by bus factor">
        {cells.map((c) => {
          const row = c.data.row;
          if (!row) return null;
          const w = c.x1 - c.x0;
          const hh = c.y1 - c.y0;
          return (
            <g
              key={row.path}
              transform={`translate(${c.x0},${c.y0})`}
              className="cursor-pointer outline-none focus-visible:[&>rect]:stroke-sky-400 focus-visible:[&>rect]:stroke-2"
              tabIndex={0}
              role="link"
              aria-label={`${row.path || 'top level'}: ${row.files} files, bus factor ${row.busFactor}. Open in the city.`}
              onClick={() => onPick(row.path)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onPick(row.path);
                }
              }}
            >
              <rect width={w} height={hh} fill={busFactorColor(row.busFactor)} opacity={0.85} rx={2}>
                <title>{`${row.path || '(top level)'}: ${row.files} files, bus factor ${row.busFactor}${row.topExpert ? `; ${row.topExpert.name} is an expert of ${row.topExpert.files}` : ''}`}</title>
              </rect>
              {w > 70 && hh > 26 && (
                <>
                  <text x={4} y={13} fill={CELL_INK} className="pointer-events-none text-[11px] font-semibold">
                    {(row.path || '(top level)').slice(-Math.floor(w / 6.5))}
                  </text>
                  <text x={4} y={25} fill={CELL_INK} className="pointer-events-none text-[10px]">
                    bus factor {row.busFactor} · {formatCount(row.files)} files
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
      <div className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-400">
        {[
          [1, 'bus factor 1: one person'],
          [2, '2'],
          [3, '3–4'],
          [5, '5 or more'],
        ].map(([bf, label]) => (
          <span key={String(bf)}>
            <span className="mr-1 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: busFactorColor(Number(bf)) }} />
            {label}
          </span>
        ))}
      </div>
    </div>
  );
}
