/**
 * The office UI's API client: the shared client (`../shared/api.ts`) with one rule of this page: a
 * session found gone, or a password change due, is announced as the `ngoso:auth` event, which the
 * router (`app.js`) answers by sending the user to sign in or to change the password.
 */
import { ApiClient } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';

export const api = new ApiClient({ onAuth: (err) => window.dispatchEvent(new CustomEvent('ngoso:auth', { detail: err })) });

type Provinces = Extract<Endpoints['GET /api/units']['response'], { units: unknown }>['units'];
let provincesPromise: Promise<Provinces> | undefined;
/** The 34 provinces (GET /api/units), fetched once for the page's life; a failure is not kept. */
export function provinces(): Promise<Provinces> {
  provincesPromise ??= api.call('GET /api/units').then(
    (r) => r.units as Provinces,
    (e) => {
      provincesPromise = undefined;
      throw e;
    },
  );
  return provincesPromise;
}
