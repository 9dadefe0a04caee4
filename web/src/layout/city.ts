/**
 * City layout: turns a repository tree into nested districts (folders) and buildings (files)
 * using the squarified treemap, as flat typed arrays ready for instanced rendering.
 *
 * Pure: no three.js, no DOM. Deterministic: children are ordered by footprint weight
 * (descending) and then by path, so the same tree always yields the same city and small
 * changes between revisions move little.
 *
 * Geometry conventions: the ground is the x/z plane, y is up, the city is centred on the origin
 * and its larger side measures `citySize`. `x`/`z` are centres of footprints.
 */
import type { DirNode, FileNode, TreeNode } from '../api/types';
import { squarify, type Rect } from './squarify';

export interface LayoutOptions {
  /** Footprint weight of a file; clamped to at least 1 so empty files still show. */
  footprint?: (file: FileNode) => number;
  /** Length of the city's larger side in world units. */
  citySize?: number;
  /** Fraction of each cell's side that a building fills (the rest is the street around it). */
  buildingFill?: number;
}

export interface BuildingLayout {
  count: number;
  files: FileNode[];
  /** Centre x of the footprint. */
  x: Float32Array;
  /** Centre z of the footprint. */
  z: Float32Array;
  width: Float32Array;
  depth: Float32Array;
  /** Height of the base: the top of the platform the building stands on. */
  y: Float32Array;
  /** Index (in `districts`) of the folder containing the file. */
  district: Int32Array;
}

export interface DistrictLayout {
  count: number;
  dirs: DirNode[];
  x: Float32Array;
  z: Float32Array;
  width: Float32Array;
  depth: Float32Array;
  /** Height of the base of the platform. */
  y: Float32Array;
  /** Thickness of the platform. */
  height: Float32Array;
  /** Nesting level: 0 for the root. */
  level: Uint16Array;
}

export interface CityLayout {
  buildings: BuildingLayout;
  districts: DistrictLayout;
  /** Extent along x. */
  width: number;
  /** Extent along z. */
  depth: number;
  /** Deepest district level. */
  maxLevel: number;
  /** Thickness of one district platform. */
  platformHeight: number;
  citySize: number;
  /** Building index by file path. */
  indexByPath: Map<string, number>;
}

export const DEFAULT_CITY_SIZE = 1000;

/** Default footprint: lines of code. */
export const codeFootprint = (file: FileNode): number => file.lines.code;

interface Prepared {
  node: TreeNode;
  /** Estimated area in weight units, including district padding. */
  area: number;
  children: Prepared[];
}

function byAreaThenPath(a: Prepared, b: Prepared): number {
  if (a.area !== b.area) return b.area - a.area;
  // Plain code-unit comparison: locale-independent, hence deterministic everywhere.
  return a.node.path < b.node.path ? -1 : a.node.path > b.node.path ? 1 : 0;
}

function sumWeights(node: TreeNode, weight: (f: FileNode) => number): number {
  if (node.kind === 'file') return weight(node);
  let s = 0;
  for (const c of node.children) s += sumWeights(c, weight);
  return s;
}

/** Counts files in a tree. */
export function countFiles(node: TreeNode): number {
  if (node.kind === 'file') return 1;
  let n = 0;
  for (const c of node.children) n += countFiles(c);
  return n;
}

/** Empty layout, for an empty tree. */
function emptyLayout(citySize: number, platformHeight: number): CityLayout {
  return {
    buildings: {
      count: 0,
      files: [],
      x: new Float32Array(0),
      z: new Float32Array(0),
      width: new Float32Array(0),
      depth: new Float32Array(0),
      y: new Float32Array(0),
      district: new Int32Array(0),
    },
    districts: {
      count: 0,
      dirs: [],
      x: new Float32Array(0),
      z: new Float32Array(0),
      width: new Float32Array(0),
      depth: new Float32Array(0),
      y: new Float32Array(0),
      height: new Float32Array(0),
      level: new Uint16Array(0),
    },
    width: 0,
    depth: 0,
    maxLevel: 0,
    platformHeight,
    citySize,
    indexByPath: new Map(),
  };
}

/** Lays out `root` as a city. */
export function layoutCity(root: DirNode, options: LayoutOptions = {}): CityLayout {
  const footprint = options.footprint ?? codeFootprint;
  const citySize = options.citySize ?? DEFAULT_CITY_SIZE;
  const fill = Math.min(1, Math.max(0.1, options.buildingFill ?? 0.8));
  const platformHeight = citySize * 0.004;
  const weight = (f: FileNode): number => {
    const v = footprint(f);
    return Number.isFinite(v) && v > 1 ? v : 1;
  };

  const totalWeight = sumWeights(root, weight);
  const fileCount = countFiles(root);
  if (fileCount === 0) return emptyLayout(citySize, platformHeight);

  // Padding around the contents of a district and margin between sibling districts, in weight
  // units (area = weight): proportional to the city's scale so nesting stays visible both in a
  // tiny repository and in a huge one.
  const padding = Math.max(0.6, 0.01 * Math.sqrt(totalWeight));
  const margin = padding * 0.6;
  const border = padding + margin;

  let dirCount = 0;
  const prepare = (node: TreeNode): Prepared | null => {
    if (node.kind === 'file') return { node, area: weight(node), children: [] };
    const children: Prepared[] = [];
    let inner = 0;
    for (const c of node.children) {
      const p = prepare(c);
      if (p) {
        children.push(p);
        inner += p.area;
      }
    }
    if (children.length === 0) return null;
    children.sort(byAreaThenPath);
    dirCount++;
    // Estimate the area the district needs as if it were square: its contents plus a border.
    const side = Math.sqrt(inner) + 2 * border;
    return { node, area: side * side, children };
  };
  const prepared = prepare(root);
  if (!prepared) return emptyLayout(citySize, platformHeight);

  const b: BuildingLayout = {
    count: fileCount,
    files: new Array<FileNode>(fileCount),
    x: new Float32Array(fileCount),
    z: new Float32Array(fileCount),
    width: new Float32Array(fileCount),
    depth: new Float32Array(fileCount),
    y: new Float32Array(fileCount),
    district: new Int32Array(fileCount),
  };
  const d: DistrictLayout = {
    count: dirCount,
    dirs: new Array<DirNode>(dirCount),
    x: new Float32Array(dirCount),
    z: new Float32Array(dirCount),
    width: new Float32Array(dirCount),
    depth: new Float32Array(dirCount),
    y: new Float32Array(dirCount),
    height: new Float32Array(dirCount),
    level: new Uint16Array(dirCount),
  };

  // The root is square; scale weight units to world units so its side is `citySize`.
  const rootSide = Math.sqrt(prepared.area);
  const scale = citySize / rootSide;
  const half = citySize / 2;
  let bi = 0;
  let di = 0;
  let maxLevel = 0;
  const indexByPath = new Map<string, number>();

  const shrink = (r: Rect, by: number): Rect => {
    // Never eat more than a fifth of a side: a thin district keeps room for its contents.
    const bx = Math.min(by, r.w * 0.2);
    const by2 = Math.min(by, r.h * 0.2);
    return { x: r.x + bx, y: r.y + by2, w: r.w - 2 * bx, h: r.h - 2 * by2 };
  };

  const place = (p: Prepared, cell: Rect, level: number, parent: number): void => {
    if (p.node.kind === 'file') {
      const w = cell.w * fill;
      const h = cell.h * fill;
      b.files[bi] = p.node;
      b.x[bi] = (cell.x + cell.w / 2) * scale - half;
      b.z[bi] = (cell.y + cell.h / 2) * scale - half;
      b.width[bi] = w * scale;
      b.depth[bi] = h * scale;
      b.y[bi] = level * platformHeight;
      b.district[bi] = parent;
      indexByPath.set(p.node.path, bi);
      bi++;
      return;
    }
    const platform = level === 0 ? cell : shrink(cell, margin);
    const index = di++;
    d.dirs[index] = p.node;
    d.x[index] = (platform.x + platform.w / 2) * scale - half;
    d.z[index] = (platform.y + platform.h / 2) * scale - half;
    d.width[index] = platform.w * scale;
    d.depth[index] = platform.h * scale;
    d.y[index] = level * platformHeight;
    d.height[index] = platformHeight;
    d.level[index] = level;
    if (level > maxLevel) maxLevel = level;
    const inner = shrink(platform, padding);
    const rects = squarify(
      p.children.map((c) => c.area),
      inner,
    );
    p.children.forEach((c, k) => {
      const r = rects[k];
      if (r) place(c, r, level + 1, index);
    });
  };
  place(prepared, { x: 0, y: 0, w: rootSide, h: rootSide }, 0, -1);

  return {
    buildings: b,
    districts: d,
    width: citySize,
    depth: citySize,
    maxLevel,
    platformHeight,
    citySize,
    indexByPath,
  };
}
