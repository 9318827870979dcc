/**
 * The field app's service worker (/field/sw.js, scope /field/), built by esbuild with Workbox:
 * precaches the app shell (HTML, script, style, manifest, icons; list and revisions injected at
 * build time as __FIELD_PRECACHE__) so the app opens with no network after the first visit, answers
 * every navigation under /field/ with the cached page, and on a Background Sync event ("ngoso-sync")
 * sends the queue from IndexedDB even when the app is closed (its own ApiClient over the worker's
 * fetch), and the trainings' check-ins likewise on "ngoso-attendance" (trainings/store.ts). API
 * calls are not cached here: the app keeps what it needs offline in IndexedDB.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { ApiClient } from '../shared/api.js';
import { deviceId, queueStore } from './store.js';
import { Syncer } from './sync.js';
import { ATTENDANCE_SYNC_TAG, attendanceSyncer } from './trainings/store.js';

declare const __FIELD_PRECACHE__: { url: string; revision: string }[];

interface WaitUntilEvent {
  tag?: string;
  waitUntil(p: Promise<unknown>): void;
}
const sw = self as unknown as {
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'sync' | 'push' | 'notificationclick', listener: (e: WaitUntilEvent & { data?: { json(): unknown }; notification?: { data?: { url?: string }; close(): void } }) => void): void;
  registration: { showNotification(title: string, opts: { body: string; data: unknown; icon?: string; tag?: string }): Promise<void> };
  clients: { matchAll(opts?: { includeUncontrolled?: boolean }): Promise<{ postMessage(message: unknown): void }[]>; openWindow(url: string): Promise<unknown> };
  fetch: typeof fetch;
};

sw.addEventListener('install', () => void sw.skipWaiting());
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(__FIELD_PRECACHE__);
registerRoute(new NavigationRoute(createHandlerBoundToURL('/field/index.html'), { allowlist: [/^\/field\//] }));

sw.addEventListener('sync', (e) => {
  if (e.tag !== 'ngoso-sync' && e.tag !== ATTENDANCE_SYNC_TAG) return;
  const api = new ApiClient({ fetch: (url, init) => sw.fetch(url, init) });
  const deps = { api, deviceId, setTimer: () => null, clearTimer: () => {} };
  const syncer = e.tag === ATTENDANCE_SYNC_TAG ? attendanceSyncer(deps) : new Syncer({ store: queueStore, ...deps });
  e.waitUntil(
    syncer.run().then(async (outcome) => {
      for (const c of await sw.clients.matchAll({ includeUncontrolled: true })) c.postMessage({ type: 'synced', ...outcome });
      // a failed run makes the browser retry the sync event later
      if (!outcome.ok && !syncer.state.authRequired) throw new Error(syncer.state.lastError ?? 'sync failed');
    }),
  );
});

// web push (a new directive, a reminder): the server sends {title, body, url} (notify/notify.webpush.ts)
sw.addEventListener('push', (e) => {
  const m = (e.data?.json() ?? {}) as { title?: string; body?: string; url?: string };
  e.waitUntil(sw.registration.showNotification(m.title ?? 'Ngõ Số', { body: m.body ?? '', data: { url: m.url ?? '/field/' }, icon: '/field/icons/icon-192.png', tag: 'ngoso-directive' }));
});
sw.addEventListener('notificationclick', (e) => {
  e.notification?.close();
  e.waitUntil(sw.clients.openWindow(e.notification?.data?.url ?? '/field/'));
});
