/**
 * The office UI's API client: the shared client (`../shared/api.ts`) with one rule of this page: a
 * session found gone, or a password change due, is announced as the `ngoso:auth` event, which the
 * router (`app.js`) answers by sending the user to sign in or to change the password.
 */
import { ApiClient } from '../shared/api.js';

export const api = new ApiClient({ onAuth: (err) => window.dispatchEvent(new CustomEvent('ngoso:auth', { detail: err })) });
