/**
 * Where the trainings part keeps things on the phone: its own IndexedDB database
 * "ngoso-trainings" (apart from "ngoso-field", so adding it needs no upgrade of a database the
 * service worker may hold open) with the check-in outbox (store "checkins", key = the record's
 * UUID) and the cached answers (store "cache": the hosting answer and "my trainings" per account).
 * The outbox is the Syncer's queue (sync.ts) through `outboxStore`: records the server took are
 * not deleted but marked `sentAt` (with its answer), so the host's list still shows them until
 * the server's list holds them; the page and the service worker share it.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { AttendanceInput } from '../../../trainings/trainings.contract.js';
import type { RecordAnswer } from '../queue.js';
import { deviceId, getValue, type StoredUser } from '../store.js';
import { type QueueStore, type SyncDeps, Syncer } from '../sync.js';
import type { CheckIn } from './model.js';

/** Sent records older than this are dropped from the phone (a week: the hosting answer covers yesterday to a week ahead). */
export const SENT_KEPT_MS = 8 * 86_400_000;

/** What the outbox needs of its storage (IndexedDB on the phone, a Map in tests). */
export interface OutboxBackend {
  all(): Promise<CheckIn[]>;
  get(id: string): Promise<CheckIn | undefined>;
  put(record: CheckIn): Promise<void>;
  delete(ids: string[]): Promise<void>;
}

/** The outbox as the Syncer's queue, plus what the screens do with it. */
export interface Outbox extends QueueStore<AttendanceInput> {
  /** every record of the phone, taken ones included */
  all(): Promise<CheckIn[]>;
  /** keeps the server's answers of a batch, written onto the records it took (Syncer `onResults`) */
  noteAnswers(results: RecordAnswer[]): void;
  /** takes records off the phone for good (an undo, a refused record dropped, old taken ones) */
  discard(ids: string[]): Promise<void>;
}

/**
 * The outbox over a backend: `list` gives the records not yet taken (the Syncer sends the pending
 * ones and counts the refused ones); `remove` (the Syncer's "done") marks them taken at `now()`
 * with the answer noted for them. `currentUserId` names the signed-in account.
 */
export function outboxStore(backend: OutboxBackend, currentUserId: () => Promise<number | null>, now: () => number = Date.now): Outbox {
  const answers = new Map<string, CheckIn['answer']>();
  return {
    async list() {
      return (await backend.all()).filter((r) => r.sentAt === undefined);
    },
    all: () => backend.all(),
    async put(record) {
      await backend.put(record as CheckIn);
    },
    async remove(ids) {
      for (const id of ids) {
        const r = await backend.get(id);
        if (!r || r.sentAt !== undefined) continue;
        const answer = answers.get(id.toLowerCase());
        answers.delete(id.toLowerCase());
        await backend.put({ ...r, sentAt: now(), ...(answer ? { answer } : {}) });
      }
    },
    noteAnswers(results) {
      for (const r of results) {
        if (!r.id || r.status === 'rejected') continue;
        const x = r as RecordAnswer & { late?: boolean; fullName?: string; notInvited?: boolean };
        answers.set(r.id.toLowerCase(), { status: r.status, ...(x.reason ? { reason: x.reason } : {}), ...(x.late ? { late: true } : {}), ...(x.fullName ? { fullName: x.fullName } : {}), ...(x.notInvited ? { notInvited: true } : {}) });
      }
    },
    discard: (ids) => backend.delete(ids),
    currentUserId,
  };
}

interface TrainingsDb extends DBSchema {
  checkins: { key: string; value: CheckIn };
  cache: { key: string; value: unknown };
}

let dbPromise: Promise<IDBPDatabase<TrainingsDb>> | null = null;
function db(): Promise<IDBPDatabase<TrainingsDb>> {
  dbPromise ??= openDB<TrainingsDb>('ngoso-trainings', 1, {
    upgrade(d) {
      d.createObjectStore('checkins', { keyPath: 'id' });
      d.createObjectStore('cache');
    },
    // a later version opened elsewhere (an updated page or service worker) is not kept waiting
    blocking() {
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
  });
  return dbPromise;
}

/** The IndexedDB backend of the outbox. */
const idbBackend: OutboxBackend = {
  all: async () => (await db()).getAll('checkins'),
  get: async (id) => (await db()).get('checkins', id),
  put: async (r) => void (await (await db()).put('checkins', r)),
  async delete(ids) {
    if (ids.length === 0) return;
    const tx = (await db()).transaction('checkins', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  },
};

/** The phone's check-in outbox (the signed-in account is the field app's, store.ts "user"). */
export const checkIns: Outbox = outboxStore(idbBackend, async () => (await getValue<StoredUser>('user'))?.id ?? null);

/** Where check-ins are sent (trainings.routes.ts): the support sessions' contract, {records, deviceNow} → {results, clock}. */
export const ATTENDANCE_PATH = '/api/trainings/attendance/sync';
/** The Background Sync tag of the check-ins (the service worker sends them when the connection returns). */
export const ATTENDANCE_SYNC_TAG = 'ngoso-attendance';

/** The check-ins' sender: the field app's Syncer on the attendance endpoint over the phone's outbox, keeping the server's answers. */
export function attendanceSyncer(deps: Omit<SyncDeps<AttendanceInput>, 'store' | 'path' | 'onResults'>): Syncer<AttendanceInput> {
  return new Syncer<AttendanceInput>({ deviceId, ...deps, store: checkIns, path: ATTENDANCE_PATH, onResults: (_, results) => checkIns.noteAnswers(results) });
}

/** A cached answer by key ("hosting:USER", "mine:USER"), or undefined. */
export async function cached<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get('cache', key)) as T | undefined;
}

/** Keeps (or, with undefined, drops) a cached answer. */
export async function keep(key: string, value: unknown): Promise<void> {
  const d = await db();
  if (value === undefined) await d.delete('cache', key);
  else await d.put('cache', value, key);
}
