/**
 * The calls of the pages not yet on Preact, kept as they were (`api(path, init)`, `post`, `url`)
 * but answered by the one shared client (`client.ts`): no second copy of fetch, CSRF or errors.
 */
import { ApiError, type RequestOptions, withQuery } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { api as client } from './client.js';

export { ApiError };

/** GET or POST `path` (a JSON body in `init.json`) and return its JSON, or throw ApiError. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const api = (path: string, init: RequestOptions = {}): Promise<any> => client.json(path, init);

/** POST `body` as JSON to `path`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const post = (path: string, body: unknown = {}): Promise<any> => client.json(path, { method: 'POST', json: body });

/** Builds "path?a=1&b=2", skipping empty values. */
export const url = withQuery;

type Provinces = Extract<Endpoints['GET /api/units']['response'], { units: unknown }>['units'];
let provincesPromise: Promise<Provinces> | undefined;
/** The 34 provinces (cached for the page's life). */
export function provinces(): Promise<Provinces> {
  provincesPromise ??= client.call('GET /api/units').then(
    (r) => r.units as Provinces,
    (e) => {
      provincesPromise = undefined;
      throw e;
    },
  );
  return provincesPromise;
}
