/**
 * `/bench?files=100000&seed=7[&lod=0]`: a synthetic city for the UI benchmark (`bench/ui/run.mjs`).
 * Builds a reproducible random tree of the asked size, lays it out and renders it with the
 * same rendering layer as a real city, and publishes the build timings on
 * `window.__codevoyageBench` (the frame timings come from the city's test hook). No API calls.
 */
import { useMemo } from 'react';
import { buildingColors, buildingHeights, defaultHeightOptions, heightMetric, layoutCity } from '../layout';
import { countFiles } from '../layout/city';
import { randomTree } from '../layout/testTrees';
import { CityView } from '../render/CityView';
import { useLocation } from '../router';

export interface BenchTimings {
  files: number;
  districts: number;
  treeMs: number;
  layoutMs: number;
  heightsMs: number;
  colorsMs: number;
}

declare global {
  interface Window {
    __codevoyageBench?: BenchTimings;
  }
}

const noop = () => undefined;

export default function BenchPage() {
  const { search } = useLocation();
  const q = new URLSearchParams(search);
  const files = Math.min(500_000, Math.max(1, Number(q.get('files')) || 100_000));
  const seed = Number(q.get('seed')) || 7;
  const lod = q.get('lod') !== '0';
  const built = useMemo(() => {
    const t0 = performance.now();
    const tree = randomTree(files, seed);
    const t1 = performance.now();
    const layout = layoutCity(tree);
    const t2 = performance.now();
    const heights = buildingHeights(layout.buildings.files, heightMetric('code'), defaultHeightOptions(layout.citySize, layout.buildings.count));
    const t3 = performance.now();
    const colors = buildingColors(layout.buildings.files, 'language');
    const t4 = performance.now();
    const timings: BenchTimings = {
      files: countFiles(tree),
      districts: layout.districts.count,
      treeMs: t1 - t0,
      layoutMs: t2 - t1,
      heightsMs: t3 - t2,
      colorsMs: t4 - t3,
    };
    window.__codevoyageBench = timings;
    return { layout, heights, colors, timings };
  }, [files, seed]);
  return (
    <div className="relative h-full" data-testid="bench">
      <div className="absolute left-3 top-3 z-10 rounded bg-slate-900/90 px-2 py-1 font-mono text-xs text-slate-300">
        {built.timings.files} files · {built.timings.districts} folders · layout {built.timings.layoutMs.toFixed(0)} ms
      </div>
      <div data-testid="city-canvas" className="absolute inset-0">
        <CityView
          layout={built.layout}
          heights={built.heights}
          colors={built.colors.rgb}
          highlight={null}
          selected={null}
          onHover={noop}
          onSelect={noop}
          resetSignal={0}
          lod={lod}
        />
      </div>
    </div>
  );
}
