/** Explains the city's mapping: footprint, height and colour. */
import { useState, type ReactNode } from 'react';
import { formatCount } from '../format';
import type { Legend as LegendData } from '../layout/colors';

export function Legend({
  legend,
  heightLabel,
  heightFormula,
  activeKey,
  onPick,
  extra,
  footprintLabel = 'lines of code',
  raised = false,
}: {
  /** What a building's footprint stands for. */
  footprintLabel?: string;
  /** Sits above the timeline instead of at the bottom edge. */
  raised?: boolean;
  legend: LegendData;
  heightLabel: string;
  /** How the height metric is computed, when it is derived. */
  heightFormula?: string;
  /** Extra legend lines (e.g. what the coupling arcs mean). */
  extra?: ReactNode;
  /** Legend key currently highlighted, if any. */
  activeKey?: string | null;
  /** Called with a language key when its entry is clicked (not offered for "Other"). */
  onPick?: (key: string) => void;
}) {
  const [open, setOpen] = useState(true);
  return (
    <div data-testid="legend" className={`absolute ${raised ? 'bottom-36' : 'bottom-3'} left-3 w-64 rounded-lg border border-slate-800 bg-slate-900/90 p-3 text-xs shadow-xl backdrop-blur`}>
      <button className="flex w-full items-center justify-between font-semibold text-slate-200" onClick={() => setOpen((o) => !o)}>
        Legend <span className="text-slate-500">{open ? '–' : '+'}</span>
      </button>
      {open && (
        <div className="mt-2 space-y-2">
          <div className="space-y-0.5 text-slate-400">
            <div>
              <span className="text-slate-300">Footprint</span> {footprintLabel}
            </div>
            <div>
              <span className="text-slate-300">Height</span> {heightLabel.toLowerCase()}, square-root scale
              {heightFormula && <div className="pl-2 font-mono text-[10px] text-slate-500">{heightFormula}</div>}
            </div>
            <div>
              <span className="text-slate-300">Platforms</span> folders, raised per nesting level
            </div>
          </div>
          <div className="border-t border-slate-800 pt-2">
            <div className="mb-1 text-slate-300">Colour: {legend.title.toLowerCase()}</div>
            {legend.kind === 'categorical' ? (
              <ul className="space-y-0.5">
                {legend.entries.map((e) => {
                  const pickable = onPick && e.key !== 'Other';
                  const active = activeKey === e.key;
                  return (
                    <li key={e.key}>
                      <button
                        disabled={!pickable}
                        onClick={() => pickable && onPick(e.key)}
                        title={pickable ? `Highlight ${e.label} files` : undefined}
                        className={`flex w-full items-center gap-2 rounded px-1 text-left text-slate-300 ${pickable ? 'hover:bg-slate-800' : ''} ${active ? 'bg-slate-700/70' : ''}`}
                      >
                        <span className="h-3 w-3 shrink-0 rounded-sm" style={{ background: e.color }} />
                        <span className="flex-1 truncate">{e.label}</span>
                        <span className="tabular-nums text-slate-500">{formatCount(e.files)} files</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            ) : (
              <div>
                {legend.formula && (
                  <div data-testid="legend-formula" className="mb-1 font-mono text-[10px] text-slate-400">
                    {legend.formula}
                  </div>
                )}
                <div className="h-3 rounded-sm" style={{ background: `linear-gradient(to right, ${legend.stops.join(', ')})` }} />
                <div className="mt-1 flex justify-between tabular-nums text-slate-400">
                  <span>{formatCount(legend.min)}</span>
                  <span className="text-slate-500">log scale</span>
                  <span>
                    {formatCount(legend.max)} {legend.unit}
                  </span>
                </div>
              </div>
            )}
          </div>
          {extra}
        </div>
      )}
    </div>
  );
}
