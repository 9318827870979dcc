// JSON API client. Errors from the server ({error:{code,message,details?}}) become ApiError.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** GET or POST `path` and return the parsed JSON, or throw ApiError with the server's Vietnamese message. */
export async function api(path, init) {
  let res;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, ...init });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error;
    throw new ApiError(res.status, e?.code ?? 'HTTP_' + res.status, e?.message ?? `Máy chủ trả lỗi ${res.status}.`, e?.details);
  }
  return body;
}

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
