/**
 * The one JSON API client of every front-end entry point (office UI, field app, its service
 * worker): same-origin `fetch` with the session cookie, a timeout, the CSRF token on every
 * state-changing request (header x-csrf-token, from GET /api/auth/csrf: fetched once, refreshed
 * and retried once when the server answers 403 CSRF_INVALID), and the server's errors
 * `{error:{code,message,details}}` as typed `ApiError`s carrying its Vietnamese message.
 * AUTH_REQUIRED and PASSWORD_CHANGE_REQUIRED are also passed to `onAuth`, so the page can send the
 * user to sign in. Typed calls (`call`) take their shapes from `endpoints.ts`, which reads them
 * from the server's own services and route schemas.
 */
import type { Endpoint, Endpoints } from './endpoints.js';

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached or did not answer in time */
    readonly status: number,
    /** the server's error code (e.g. VALIDATION_FAILED, OUT_OF_SCOPE), or NETWORK / TIMEOUT / HTTP_<status> */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  /** sent as a JSON body (POST unless `method` says otherwise) */
  json?: unknown;
  /** any other body (FormData for uploads); the caller sets no content-type for FormData */
  body?: BodyInit;
  headers?: Record<string, string>;
  /** ms before the request is abandoned with ApiError TIMEOUT (default: the client's) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A raw answer: status and parsed JSON body (null when the body is not JSON). */
export interface RawResponse {
  status: number;
  ok: boolean;
  body: unknown;
  headers: Headers;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  /** default timeout, ms (20 s: weak 3G must not hang a page forever) */
  timeoutMs?: number;
  /** called when the session is gone or a password change is due */
  onAuth?: (err: ApiError) => void;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ApiClient {
  private csrf: Promise<string> | null = null;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ClientOptions = {}) {
    this.doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Forgets the CSRF token (after sign-in or sign-out the server issues a new one). */
  resetCsrf(): void {
    this.csrf = null;
  }

  /** The CSRF token of this page: fetched once, or anew with `fresh`. */
  csrfToken(fresh = false): Promise<string> {
    if (fresh) this.csrf = null;
    this.csrf ??= this.json<{ token: string }>('/api/auth/csrf').then(
      (r) => r.token,
      (err) => {
        this.csrf = null;
        throw err;
      },
    );
    return this.csrf;
  }

  /**
   * Sends one request and returns status and body whatever the status (the sync engine reads
   * per-record answers from a 200 and backs off on 5xx). Adds the CSRF token to state-changing
   * requests and retries once with a fresh token on 403 CSRF_INVALID. Throws ApiError NETWORK or
   * TIMEOUT when no answer came.
   */
  async raw(path: string, init: RequestOptions = {}): Promise<RawResponse> {
    const method = (init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET')).toUpperCase();
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const send = async (): Promise<RawResponse> => {
      if (!SAFE.has(method)) headers['x-csrf-token'] = await this.csrfToken();
      return this.send(path, { method, headers, body }, init);
    };
    const first = await send();
    if (first.status === 403 && errorOf(first.body)?.code === 'CSRF_INVALID') {
      this.csrf = null;
      return send();
    }
    return first;
  }

  /** GET or POST `path` and return its JSON, or throw ApiError with the server's message. */
  async json<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, init);
    if (res.ok) return res.body as T;
    const e = errorOf(res.body);
    const err = new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `Máy chủ trả lỗi ${res.status}.`, e?.details);
    if (err.code === 'AUTH_REQUIRED' || err.code === 'PASSWORD_CHANGE_REQUIRED') this.opts.onAuth?.(err);
    throw err;
  }

  /**
   * A typed call of an endpoint named as in `endpoints.ts` ("GET /api/teams/:id"): `params` fill
   * the path, `query` the query string (empty values left out), `json` the body.
   */
  call<K extends keyof Endpoints>(endpoint: K, input: Input<Endpoints[K]> = {} as Input<Endpoints[K]>, init: Omit<RequestOptions, 'method' | 'json'> = {}): Promise<Endpoints[K]['response']> {
    const method = (endpoint as string).split(' ')[0];
    return this.json(this.path(endpoint, input), { ...init, method, json: (input as { json?: unknown }).json });
  }

  /** The path and query of a typed endpoint ("GET /api/reports/network", { query: { unit: '14', format: 'csv' } } → "/api/reports/network?unit=14&format=csv"), for links and downloads. */
  path<K extends keyof Endpoints>(endpoint: K, input: Omit<Input<Endpoints[K]>, 'json'> = {} as Input<Endpoints[K]>): string {
    const pattern = (endpoint as string).split(' ')[1];
    const { params, query } = input as { params?: Record<string, string | number>; query?: Record<string, unknown> };
    const path = pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? '')));
    return query ? withQuery(path, query) : path;
  }

  /**
   * GETs a file (a CSV or .xlsx download) with the session cookie: its bytes and the file name of
   * its Content-Disposition (null when it names none). Throws ApiError with the server's message
   * when the server refuses (JSON `{error}`), or NETWORK / TIMEOUT (default 2 minutes: big exports
   * take a while).
   */
  async file(path: string, init: Omit<RequestOptions, 'json' | 'body'> = {}): Promise<{ blob: Blob; fileName: string | null }> {
    const res = await this.fetch(path, { method: 'GET', headers: { accept: '*/*', ...init.headers } }, { timeoutMs: 120_000, ...init });
    if (res.ok) return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition')) };
    const e = errorOf(await res.json().catch(() => null));
    const err = new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `Máy chủ trả lỗi ${res.status}.`, e?.details);
    if (err.code === 'AUTH_REQUIRED' || err.code === 'PASSWORD_CHANGE_REQUIRED') this.opts.onAuth?.(err);
    throw err;
  }

  private async send(path: string, request: RequestInit, init: RequestOptions): Promise<RawResponse> {
    const res = await this.fetch(path, request, init);
    const body = await res.json().catch(() => null);
    return { status: res.status, ok: res.ok, body, headers: res.headers };
  }

  /** One same-origin fetch with the cookie, no cache, the timeout and the caller's abort signal. */
  private async fetch(path: string, request: RequestInit, init: RequestOptions): Promise<Response> {
    const ctl = new AbortController();
    const abort = () => ctl.abort();
    init.signal?.addEventListener('abort', abort);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), ctl.abort()), init.timeoutMs ?? this.opts.timeoutMs ?? 20_000);
    let res: Response;
    try {
      res = await this.doFetch(path, { ...request, credentials: 'same-origin', cache: 'no-store', signal: ctl.signal });
    } catch {
      if (timedOut) throw new ApiError(0, 'TIMEOUT', 'Máy chủ không trả lời kịp: mạng yếu hoặc máy chủ bận. Thử lại sau ít phút.');
      if (init.signal?.aborted) throw new ApiError(0, 'ABORTED', 'Đã huỷ.');
      throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
    } finally {
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', abort);
    }
    return res;
  }
}

type Input<E extends Endpoint> = (E extends { params: infer P } ? { params: P } : { params?: never }) &
  (E extends { query: infer Q } ? { query: Q } : { query?: never }) &
  (E extends { body: infer B } ? { json: B } : { json?: never });

function errorOf(body: unknown): { code?: string; message?: string; details?: unknown } | undefined {
  return body && typeof body === 'object' && 'error' in body ? ((body as { error: { code?: string; message?: string; details?: unknown } }).error ?? undefined) : undefined;
}

/** The file name of a Content-Disposition header: `filename*=UTF-8''…` (RFC 6266) or `filename="…"`; null when none. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* malformed: try the plain name */
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
  const name = plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1') : '';
  return name || null;
}

/** Builds "path?a=1&b=2", leaving out empty values (undefined, null, ''). */
export function withQuery(path: string, params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
