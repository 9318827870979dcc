import { NotifyError } from './notify.types.js';

/**
 * One JSON request to a provider with Node's fetch: a network error, a timeout (the caller's
 * signal) or a 5xx/429 is transient (retried); another 4xx is permanent. → the parsed JSON body.
 */
export async function providerJson(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown }, signal: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { method: init.method, headers: { 'content-type': 'application/json', ...init.headers }, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal });
  } catch (err) {
    throw new NotifyError(signal.aborted ? 'hết thời gian chờ nhà cung cấp' : `không kết nối được nhà cung cấp: ${(err as Error).message}`, true);
  }
  const text = await res.text();
  if (res.status >= 500 || res.status === 429) throw new NotifyError(`nhà cung cấp trả lỗi HTTP ${res.status}`, true);
  if (res.status >= 400) throw new NotifyError(`nhà cung cấp từ chối (HTTP ${res.status}): ${text.slice(0, 200)}`, false);
  try {
    return JSON.parse(text);
  } catch {
    throw new NotifyError(`nhà cung cấp trả về không phải JSON: ${text.slice(0, 200)}`, true);
  }
}
