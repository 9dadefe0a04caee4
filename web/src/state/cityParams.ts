/**
 * The city view's state as URL query parameters, so a view can be bookmarked and shared:
 * `?height=revisions&color=language&q=*.py&file=src/app.py`. Parsing is forgiving: unknown or
 * invalid values fall back to defaults. Camera parameters can join here later.
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
}

export const DEFAULT_CITY_PARAMS: CityParams = { height: 'code', color: 'language', q: '', file: null };

export function parseCityParams(search: string): CityParams {
  const p = new URLSearchParams(search);
  const height = p.get('height') ?? '';
  const color = p.get('color') ?? '';
  return {
    height: isHeightMetricId(height) ? height : DEFAULT_CITY_PARAMS.height,
    color: isColorMetricId(color) ? color : DEFAULT_CITY_PARAMS.color,
    q: p.get('q') ?? '',
    file: p.get('file') || null,
  };
}

/** Serializes only what differs from the defaults, keeping URLs short. */
export function formatCityParams(params: CityParams): string {
  const p = new URLSearchParams();
  if (params.height !== DEFAULT_CITY_PARAMS.height) p.set('height', params.height);
  if (params.color !== DEFAULT_CITY_PARAMS.color) p.set('color', params.color);
  if (params.q.trim() !== '') p.set('q', params.q);
  if (params.file) p.set('file', params.file);
  const s = p.toString();
  return s ? `?${s}` : '';
}
