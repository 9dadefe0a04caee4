/**
 * The city view's state as URL query parameters, so a view can be bookmarked and shared:
 * `?height=revisions&color=language&q=*.py&file=src/app.py&cam=…`. Parsing is forgiving:
 * unknown or invalid values fall back to defaults.
 */
import { isColorMetricId, type ColorMetricId } from '../layout/colors';
import { isHeightMetricId, type HeightMetricId } from '../layout/metrics';

export interface CityParams {
  height: HeightMetricId;
  color: ColorMetricId;
  /** Search query highlighting matching buildings. */
  q: string;
  /** Path of the selected file, if any. */
  file: string | null;
  /** Camera position and orbit target, when the user moved the camera. */
  cam: CameraState | null;
}

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
}

export const DEFAULT_CITY_PARAMS: CityParams = { height: 'code', color: 'language', q: '', file: null, cam: null };

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
  return {
    height: isHeightMetricId(height) ? height : DEFAULT_CITY_PARAMS.height,
    color: isColorMetricId(color) ? color : DEFAULT_CITY_PARAMS.color,
    q: p.get('q') ?? '',
    file: p.get('file') || null,
    cam: parseCamera(p.get('cam')),
  };
}

/** Serializes only what differs from the defaults, keeping URLs short. */
export function formatCityParams(params: CityParams): string {
  const p = new URLSearchParams();
  if (params.height !== DEFAULT_CITY_PARAMS.height) p.set('height', params.height);
  if (params.color !== DEFAULT_CITY_PARAMS.color) p.set('color', params.color);
  if (params.q.trim() !== '') p.set('q', params.q);
  if (params.file) p.set('file', params.file);
  if (params.cam) p.set('cam', formatCamera(params.cam));
  const s = p.toString();
  return s ? `?${s}` : '';
}
