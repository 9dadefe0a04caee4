/**
 * The city view's state as URL query parameters, so a view can be bookmarked and shared:
 * `?area=bytes&height=revisions&color=language&q=*.py&file=src/app.py&cam=…&rev=<sha>`. Parsing is
 * forgiving: unknown or invalid values fall back to defaults.
 */
import { isColorMetricId, type ColorMetricId } from '../layout/colors';
import { isHeightMetricId, type HeightMetricId } from '../layout/metrics';

export interface CityParams {
  /** Footprint (building area) metric. */
  area: HeightMetricId;
  height: HeightMetricId;
  color: ColorMetricId;
  /** Search query highlighting matching buildings. */
  q: string;
  /** Path of the selected file, if any. */
  file: string | null;
  /** Camera position and orbit target, when the user moved the camera. */
  cam: CameraState | null;
  /** Time travel: the city at the period starting on this date (`YYYY-MM-DD`). */
  t: string | null;
  /** Comparison of two points in history: the periods starting on these dates. */
  cmp: [string, string] | null;
  /** Off-boarding what-if: e-mails of the people who leave. */
  leave: string[];
  /**
   * The analysed revision (commit sha, lower case) the link was made at; `null` in links from
   * before the field existed, which mean "the latest analysis".
   */
  rev: string | null;
}

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
}

export const DEFAULT_CITY_PARAMS: CityParams = {
  area: 'code',
  height: 'code',
  color: 'language',
  q: '',
  file: null,
  cam: null,
  t: null,
  cmp: null,
  leave: [],
  rev: null,
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A full commit id: SHA-1 (40 hex digits) or SHA-256 (64). */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A full commit sha in lower case, or `null` for anything else (abbreviations included). */
export function parseSha(text: string | null): string | null {
  const sha = (text ?? '').trim().toLowerCase();
  return SHA.test(sha) ? sha : null;
}

function parseDate(text: string | null): string | null {
  return text && DATE.test(text) ? text : null;
}

/** `from..to`, two dates. */
function parseRange(text: string | null): [string, string] | null {
  const [a, b, ...rest] = (text ?? '').split('..');
  const from = parseDate(a ?? null);
  const to = parseDate(b ?? null);
  return from && to && rest.length === 0 ? [from, to] : null;
}

/** `px,py,pz,tx,ty,tz`, one decimal: short, and precise enough for a city 1000 units wide. */
export function formatCamera(cam: CameraState): string {
  return [...cam.position, ...cam.target].map((v) => (Math.round(v * 10) / 10).toString()).join(',');
}

export function parseCamera(text: string | null): CameraState | null {
  if (!text) return null;
  const parts = text.split(',').map(Number);
  if (parts.length !== 6 || parts.some((v) => !Number.isFinite(v))) return null;
  const [px, py, pz, tx, ty, tz] = parts as [number, number, number, number, number, number];
  return { position: [px, py, pz], target: [tx, ty, tz] };
}

export function parseCityParams(search: string): CityParams {
  const p = new URLSearchParams(search);
  const height = p.get('height') ?? '';
  const color = p.get('color') ?? '';
  const area = p.get('area') ?? '';
  return {
    area: isHeightMetricId(area) ? area : DEFAULT_CITY_PARAMS.area,
    height: isHeightMetricId(height) ? height : DEFAULT_CITY_PARAMS.height,
    color: isColorMetricId(color) ? color : DEFAULT_CITY_PARAMS.color,
    q: p.get('q') ?? '',
    file: p.get('file') || null,
    cam: parseCamera(p.get('cam')),
    t: parseDate(p.get('t')),
    cmp: parseRange(p.get('cmp')),
    leave: (p.get('leave') ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.includes('@')),
    rev: parseSha(p.get('rev')),
  };
}

/** Serializes only what differs from the defaults, keeping URLs short. */
export function formatCityParams(params: CityParams): string {
  const p = new URLSearchParams();
  if (params.area !== DEFAULT_CITY_PARAMS.area) p.set('area', params.area);
  if (params.height !== DEFAULT_CITY_PARAMS.height) p.set('height', params.height);
  if (params.color !== DEFAULT_CITY_PARAMS.color) p.set('color', params.color);
  if (params.q.trim() !== '') p.set('q', params.q);
  if (params.file) p.set('file', params.file);
  if (params.cam) p.set('cam', formatCamera(params.cam));
  if (params.t) p.set('t', params.t);
  if (params.cmp) p.set('cmp', `${params.cmp[0]}..${params.cmp[1]}`);
  if (params.leave.length > 0) p.set('leave', params.leave.join(','));
  if (params.rev) p.set('rev', params.rev);
  const s = p.toString();
  return s ? `?${s}` : '';
}
