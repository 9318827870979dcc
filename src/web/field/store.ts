/**
 * The phone's storage, IndexedDB through `idb`: the queue of records not yet on the server
 * (store "queue", key = the record's UUID) and small values (store "kv"): the signed-in user,
 * the cached field context per user, the member's recent choices, the last summary. Shared by the
 * page and the service worker; survives closing the browser and restarting the phone.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { newId } from './device.js';
import type { QueuedRecord } from './queue.js';
import type { QueueStore } from './sync.js';

interface FieldDb extends DBSchema {
  queue: { key: string; value: QueuedRecord };
  kv: { key: string; value: unknown };
}

/** The signed-in account as the app keeps it for offline starts. */
export interface StoredUser {
  id: number;
  fullName: string;
  role: string;
  mustChangePassword: boolean;
}

let dbPromise: Promise<IDBPDatabase<FieldDb>> | null = null;

function db(): Promise<IDBPDatabase<FieldDb>> {
  dbPromise ??= openDB<FieldDb>('ngoso-field', 1, {
    upgrade(d) {
      d.createObjectStore('queue', { keyPath: 'id' });
      d.createObjectStore('kv');
    },
  });
  return dbPromise;
}

/** A small value by key, or undefined. */
export async function getValue<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get('kv', key)) as T | undefined;
}

/** Stores (or, with undefined, deletes) a small value. */
export async function setValue(key: string, value: unknown): Promise<void> {
  const d = await db();
  if (value === undefined) await d.delete('kv', key);
  else await d.put('kv', value, key);
}

/** This installation's UUID (x-device-id of every sync): made once and kept in IndexedDB. */
export async function deviceId(): Promise<string> {
  const known = await getValue<string>('deviceId');
  if (known) return known;
  const id = newId();
  await setValue('deviceId', id);
  return id;
}

/** One queued record by id. */
export async function getQueued(id: string): Promise<QueuedRecord | undefined> {
  return (await db()).get('queue', id);
}

/** The queue in IndexedDB, as the sync engine uses it. */
export const queueStore: QueueStore = {
  async list() {
    return (await db()).getAll('queue');
  },
  async put(record) {
    await (await db()).put('queue', record);
  },
  async remove(ids) {
    if (ids.length === 0) return;
    const tx = (await db()).transaction('queue', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  },
  async currentUserId() {
    return (await getValue<StoredUser>('user'))?.id ?? null;
  },
};
