/**
 * The field app's help requests, kept on the phone (issue 16, item 3): the team's list as last
 * fetched (read offline) and the outbox of acceptances ("Nhận việc" tapped offline, with the phone's
 * time of the tap), sent when the network is there and kept until the server answers. IndexedDB
 * through `idb`, a database of its own ("ngoso-help").
 */
import { type IDBPDatabase, openDB } from 'idb';
import type { HelpRequestView } from '../../../help/help.views.js';
import { ApiError, type ApiClient } from '../../shared/api.js';

export interface Acceptance { id: number; userId: number; at: string; status: 'pending' | 'refused'; reason?: string }
interface Schema { list: { key: number; value: { userId: number; fetchedAt: number; requests: HelpRequestView[] } }; outbox: { key: number; value: Acceptance } }

let db: Promise<IDBPDatabase<Schema>> | null = null;
const open = () =>
  (db ??= openDB<Schema>('ngoso-help', 1, {
    upgrade(d) {
      d.createObjectStore('list');
      d.createObjectStore('outbox', { keyPath: 'id' });
    },
  }));

export async function cachedList(userId: number) {
  return (await (await open()).get('list', userId)) ?? null;
}

/** Fetches the team's requests and keeps them. Errors: the client's ApiError, or a network failure. */
export async function refreshList(api: ApiClient, userId: number) {
  const r = await api.call('GET /api/help-requests/mine');
  const kept = { userId, fetchedAt: Date.now(), requests: r.requests };
  await (await open()).put('list', kept, userId);
  return kept;
}

export async function acceptances(userId: number): Promise<Acceptance[]> {
  return (await (await open()).getAll('outbox')).filter((a) => a.userId === userId);
}

/** "Nhận việc": kept on the phone with the time of the tap (the phone's clock), sent by sendAcceptances. */
export async function queueAccept(userId: number, id: number): Promise<void> {
  await (await open()).put('outbox', { id, userId, at: new Date().toISOString(), status: 'pending' });
}

export async function forget(id: number): Promise<void> {
  await (await open()).delete('outbox', id);
}

/**
 * Sends the account's pending acceptances, each with the phone's clock (`deviceNow`) so the server
 * corrects the tap's time. Accepted: gone; taken by someone else or closed (409) or not the team's
 * (404): kept as refused with the server's words; a network failure: kept pending. → how many left.
 */
export async function sendAcceptances(api: ApiClient, userId: number): Promise<number> {
  const d = await open();
  let gone = 0;
  for (const a of (await acceptances(userId)).filter((x) => x.status === 'pending')) {
    try {
      await api.call('POST /api/help-requests/:id/accept', { params: { id: a.id }, json: { at: a.at, deviceNow: new Date().toISOString() } });
      await d.delete('outbox', a.id);
      gone++;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) break;
      await d.put('outbox', { ...a, status: 'refused', reason: err.message });
    }
  }
  return gone;
}
