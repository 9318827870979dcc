// JSON API client. Errors from the server ({error:{code,message,details?}}) become ApiError.
// Every state-changing request carries the CSRF token (header x-csrf-token, from GET /api/auth/csrf);
// the session and CSRF cookies travel with every same-origin fetch.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
let csrfPromise;

/** The CSRF token of this page (fetched once; `fresh` fetches a new one). */
function csrfToken(fresh = false) {
  if (fresh) csrfPromise = undefined;
  csrfPromise ??= request('/api/auth/csrf', {}).then((r) => r.token).catch((e) => ((csrfPromise = undefined), Promise.reject(e)));
  return csrfPromise;
}

async function request(path, init) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error;
    const err = new ApiError(res.status, e?.code ?? 'HTTP_' + res.status, e?.message ?? `Máy chủ trả lỗi ${res.status}.`, e?.details);
    // the session ended (or the password must be changed first): the router decides where to go
    if (err.code === 'AUTH_REQUIRED' || err.code === 'PASSWORD_CHANGE_REQUIRED') window.dispatchEvent(new CustomEvent('ngoso:auth', { detail: err }));
    throw err;
  }
  return body;
}

/**
 * GET or POST `path` and return the parsed JSON, or throw ApiError with the server's Vietnamese
 * message. `init.json` is sent as a JSON body. A state-changing request refused for a stale CSRF
 * token (403 CSRF_INVALID) is retried once with a new token.
 */
export async function api(path, init = {}) {
  const { json, ...rest } = init;
  const method = (rest.method ?? (json !== undefined ? 'POST' : 'GET')).toUpperCase();
  const opts = { ...rest, method, headers: { ...rest.headers } };
  if (json !== undefined) {
    opts.body = JSON.stringify(json);
    opts.headers['content-type'] = 'application/json';
  }
  if (SAFE.has(method)) return request(path, opts);
  opts.headers['x-csrf-token'] = await csrfToken();
  try {
    return await request(path, opts);
  } catch (err) {
    if (err.code !== 'CSRF_INVALID') throw err;
    opts.headers['x-csrf-token'] = await csrfToken(true);
    return request(path, opts);
  }
}

/** POST `body` as JSON to `path`. */
export const post = (path, body = {}) => api(path, { method: 'POST', json: body });

/** Builds "path?a=1&b=2", skipping empty values. */
export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

let provincesPromise;
/** The 34 provinces (cached for the session): [{code, name, …}]. */
export function provinces() {
  provincesPromise ??= api('/api/units').then((r) => r.units).catch((e) => ((provincesPromise = undefined), Promise.reject(e)));
  return provincesPromise;
}
