/**
 * What the field app asks of the phone's browser: record ids, and Background Sync through the
 * service worker.
 */
const SYNC_TAG = 'ngoso-sync';

/** A random UUID v4 for a new record (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Asks the service worker to send the queue when the connection returns, even if the app is closed (Background Sync, where the browser has it). */
export function requestBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((reg) => (reg as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(SYNC_TAG))
    .catch(() => {});
}
