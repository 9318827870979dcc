/**
 * The field app's directives, kept on the phone (issue 15, item 2): the team's inbox as last
 * fetched (read offline), and the outbox of acknowledgements (read / will do / done with how it was
 * passed on), each a record with its own UUID, sent when the network is there and kept until the
 * server answers it (accepted or duplicate: gone; rejected: kept with the reason to show).
 * IndexedDB through `idb`, a database of its own ("ngoso-directives").
 */
import { type IDBPDatabase, openDB } from 'idb';
import type { AckInput } from '../../../directives/directives.contract.js';
import type { InboxDirective } from '../../../directives/directives.board.js';
import type { ApiClient } from '../../shared/api.js';

export interface Outgoing { id: string; userId: number; record: AckInput; status: 'pending' | 'rejected'; reason?: string }
interface Schema { inbox: { key: number; value: { userId: number; fetchedAt: number; directives: InboxDirective[] } }; outbox: { key: string; value: Outgoing } }

let db: Promise<IDBPDatabase<Schema>> | null = null;
const open = () =>
  (db ??= openDB<Schema>('ngoso-directives', 1, {
    upgrade(d) {
      d.createObjectStore('inbox');
      d.createObjectStore('outbox', { keyPath: 'id' });
    },
  }));

/** The inbox as kept for the account (null: never fetched on this phone). */
export async function cachedInbox(userId: number) {
  return (await (await open()).get('inbox', userId)) ?? null;
}

/** Fetches the team's inbox and keeps it (the server marks new ones received). Errors: the client's ApiError, or a network failure. */
export async function refreshInbox(api: ApiClient, userId: number) {
  const r = await api.call('GET /api/directives/inbox');
  const kept = { userId, fetchedAt: Date.now(), directives: r.directives };
  await (await open()).put('inbox', kept, userId);
  return kept;
}

export async function outbox(userId: number): Promise<Outgoing[]> {
  return (await (await open()).getAll('outbox')).filter((o) => o.userId === userId);
}

export async function queueAck(userId: number, record: AckInput): Promise<void> {
  await (await open()).put('outbox', { id: record.id, userId, record, status: 'pending' });
}

export async function discard(id: string): Promise<void> {
  await (await open()).delete('outbox', id);
}

/** Sends the account's pending acknowledgements in one request; applies the answers. → how many left the phone. */
export async function sendOutbox(api: ApiClient, userId: number): Promise<number> {
  const pending = (await outbox(userId)).filter((o) => o.status === 'pending');
  if (!pending.length) return 0;
  const { results } = await api.call('POST /api/directives/acks/sync', { json: { records: pending.map((p) => p.record) } });
  const d = await open();
  let gone = 0;
  for (const [i, r] of results.entries()) {
    const o = pending[i];
    if (r.status === 'rejected') await d.put('outbox', { ...o, status: 'rejected', reason: r.reason });
    else {
      await d.delete('outbox', o.id);
      gone++;
    }
  }
  return gone;
}
