/**
 * Sends the phone's queue to POST /api/support-sessions/sync (or, with `path`, another endpoint of
 * the same contract: the trainings' check-ins to POST /api/trainings/attendance/sync): one run at a
 * time, batches of at most 500; applies the per-record answers to the queue; after a network or
 * server failure retries with backoff. The requests go through the shared API client
 * (shared/api.ts: the CSRF token, its refresh on 403 CSRF_INVALID, timeouts); storage, the client,
 * timers and "online" are passed in, so the page and the service worker (Background Sync) share it
 * and Node tests drive it with a fake fetch (sync.test.ts).
 */
import { chunks } from '../../db/batch.js';
import { MAX_SYNC_BATCH } from '../../sessions/sessions.vocabulary.js';
import { type ApiClient, ApiError, type RawResponse } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { vnIso } from '../shared/time.js';
import type { SyncRecord } from '../../sessions/sessions.sync.js';
import { applyResults, backoffMs, counts, type QueuedRecord, type RecordAnswer, toSend } from './queue.js';

const SYNC_PATH = '/api/support-sessions/sync';
/** Beyond this offset the phone's clock counts as wrong (5 minutes, as the server flags it). */
export const CLOCK_WRONG_MS = 5 * 60_000;
type SyncAnswer = Endpoints['POST /api/support-sessions/sync']['response'];
/** 500 records on weak 3G take longer than an ordinary request */
const SYNC_TIMEOUT_MS = 60_000;

/** What the Syncer needs of the API client: `ApiClient` (shared/api.ts) is one. */
export type SyncApi = Pick<ApiClient, 'raw' | 'resetCsrf'>;

/** Where the queue lives (IndexedDB on the phone, a Map in tests). */
export interface QueueStore<R = SyncRecord> {
  list(): Promise<QueuedRecord<R>[]>;
  put(record: QueuedRecord<R>): Promise<void>;
  remove(ids: string[]): Promise<void>;
  /** the signed-in account whose records are sent, or null */
  currentUserId(): Promise<number | null>;
}

export interface SyncState {
  /** records of the current user not on the server (waiting + refused) */
  total: number;
  pending: number;
  rejected: number;
  running: boolean;
  /** the server answered 401: sign in again to send */
  authRequired: boolean;
  /** Vietnamese reason of the last failed run, or null */
  lastError: string | null;
  lastSyncedAt: number | null;
  nextRetryAt: number | null;
}

export interface SyncDeps<R = SyncRecord> {
  store: QueueStore<R>;
  /** the endpoint records are POSTed to as {records, deviceNow}, answering {results, clock} (default POST /api/support-sessions/sync) */
  path?: string;
  /** called with each batch sent and the server's per-record answers, before they are applied to the queue */
  onResults?: (sent: QueuedRecord<R>[], results: RecordAnswer[]) => void | Promise<void>;
  /** the API client: `raw()` gives the per-record answers of a 200 and the status of a failure */
  api: SyncApi;
  online?: () => boolean;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onChange?: (state: SyncState) => void;
  batchSize?: number;
  /** this installation's UUID, sent as `x-device-id` (store.ts deviceId: made once, kept in IndexedDB) */
  deviceId?: () => Promise<string>;
  /** called with the server's clock answer after each batch (phone minus server, ms; `wrong` over 5 min) */
  onClock?: (clock: ClockAnswer) => void;
}

/** The server's view of the phone's clock in a sync answer (contract of issue 13, item 2). */
export interface ClockAnswer {
  serverNow: string;
  /** phone minus server, milliseconds; positive = the phone is ahead */
  offsetMs: number;
  /** |offsetMs| > 5 minutes */
  wrong: boolean;
}

export interface RunOutcome {
  sent: number;
  done: number;
  rejected: number;
  ok: boolean;
}

/** The queue's sender. `run()` sends now; `kick()` sends soon unless a run is going; failures retry by themselves. */
export class Syncer<R = SyncRecord> {
  state: SyncState = { total: 0, pending: 0, rejected: 0, running: false, authRequired: false, lastError: null, lastSyncedAt: null, nextRetryAt: null };
  private current: Promise<RunOutcome> | null = null;
  private again = false;
  private attempt = 0;
  private timer: unknown = null;

  constructor(private readonly deps: SyncDeps<R>) {}

  /** Recounts the queue and tells the listener (after the page saves, edits or deletes a record). */
  async refresh(): Promise<SyncState> {
    const userId = await this.deps.store.currentUserId();
    const c = userId === null ? { pending: 0, rejected: 0, total: 0 } : counts(await this.deps.store.list(), userId);
    this.update(c);
    return this.state;
  }

  /** Sends every pending record of the current user. A call during a run waits for it and runs once more. */
  run(): Promise<RunOutcome> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      let outcome: RunOutcome;
      do {
        this.again = false;
        outcome = await this.once();
      } while (this.again && outcome.ok);
      return outcome;
    })().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  /** A run, ignoring its outcome (for event handlers). */
  kick(): void {
    void this.run().catch(() => {});
  }

  /** Forgets the retry count and any sign-in problem (after signing in again). */
  reset(): void {
    this.attempt = 0;
    this.deps.api.resetCsrf();
    this.update({ authRequired: false, lastError: null });
  }

  private async once(): Promise<RunOutcome> {
    const { store } = this.deps;
    const none: RunOutcome = { sent: 0, done: 0, rejected: 0, ok: true };
    const userId = await store.currentUserId();
    if (userId === null) {
      this.update({ pending: 0, rejected: 0, total: 0 });
      return none;
    }
    const queue = await store.list();
    const pending = toSend(queue, userId);
    this.update(counts(queue, userId));
    if (pending.length === 0) {
      this.attempt = 0;
      this.cancelRetry();
      return none;
    }
    if (this.deps.online && !this.deps.online()) {
      this.update({ lastError: 'Chưa có mạng: sẽ tự gửi khi có kết nối.' });
      return { ...none, ok: false };
    }
    this.cancelRetry();
    this.update({ running: true });
    const outcome: RunOutcome = { sent: 0, done: 0, rejected: 0, ok: true };
    try {
      for (const batch of chunks(pending, this.deps.batchSize ?? MAX_SYNC_BATCH)) {
        const results = await this.send(batch);
        await this.deps.onResults?.(batch, results);
        const applied = applyResults(batch, results);
        await store.remove(applied.done);
        const byId = new Map(batch.map((q) => [q.id, q]));
        for (const r of applied.rejected) await store.put({ ...byId.get(r.id)!, status: 'rejected', field: r.field, reason: r.reason });
        outcome.sent += batch.length;
        outcome.done += applied.done.length;
        outcome.rejected += applied.rejected.length;
      }
      this.attempt = 0;
      this.update({ lastError: null, authRequired: false, lastSyncedAt: this.now() });
    } catch (err) {
      outcome.ok = false;
      if (err instanceof ApiError && (err.status === 401 || err.code === 'PASSWORD_CHANGE_REQUIRED')) {
        // nothing to retry until the member signs in again (the page asks)
        this.update({ authRequired: true, lastError: err.message });
      } else {
        this.attempt += 1;
        const wait = backoffMs(this.attempt, this.deps.random);
        this.update({ lastError: (err as Error).message });
        this.scheduleRetry(wait);
      }
    } finally {
      this.update({ running: false, ...counts(await store.list(), userId) });
    }
    return outcome;
  }

  /** Sends one batch; its per-record answers, or throws ApiError (NETWORK with the Syncer's own message, else the server's). */
  private async send(batch: QueuedRecord<R>[]): Promise<RecordAnswer[]> {
    let res: RawResponse;
    try {
      const headers: Record<string, string> = this.deps.deviceId ? { 'x-device-id': await this.deps.deviceId() } : {};
      // the phone's clock as it sends (ISO 8601 with +07:00): the server works out the phone's offset from it
      const deviceNow = vnIso(new Date(this.now()));
      res = await this.deps.api.raw(this.deps.path ?? SYNC_PATH, { json: { records: batch.map((q) => q.record), deviceNow }, headers, timeoutMs: SYNC_TIMEOUT_MS });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NETWORK') throw new ApiError(0, 'NETWORK', 'Mất kết nối khi gửi: sẽ thử lại.');
      throw err;
    }
    if (res.ok) {
      const clock = (res.body as { clock?: Partial<ClockAnswer> }).clock;
      if (clock && typeof clock.offsetMs === 'number' && Number.isFinite(clock.offsetMs)) {
        this.deps.onClock?.({ serverNow: String(clock.serverNow ?? ''), offsetMs: clock.offsetMs, wrong: clock.wrong ?? Math.abs(clock.offsetMs) > CLOCK_WRONG_MS });
      }
      return (res.body as SyncAnswer).results;
    }
    const e = (res.body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `Máy chủ trả lỗi ${res.status}: sẽ thử lại.`);
  }

  private scheduleRetry(ms: number) {
    this.cancelRetry();
    const set = this.deps.setTimer ?? ((fn, wait) => setTimeout(fn, wait));
    this.timer = set(() => {
      this.timer = null;
      this.update({ nextRetryAt: null });
      this.kick();
    }, ms);
    this.update({ nextRetryAt: this.now() + ms });
  }

  private cancelRetry() {
    if (this.timer !== null) (this.deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.timer);
    this.timer = null;
    if (this.state.nextRetryAt !== null) this.update({ nextRetryAt: null });
  }

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  private update(patch: Partial<SyncState>) {
    this.state = { ...this.state, ...patch };
    this.deps.onChange?.(this.state);
  }
}

/**
 * "Giờ trên điện thoại đang sai khoảng N phút/giờ" for an offset (phone minus server, ms), or
 * null when it is within 5 minutes: minutes under an hour, hours under two days, days beyond.
 */
export function clockWarning(offsetMs: number): string | null {
  const abs = Math.abs(offsetMs);
  if (!(abs > CLOCK_WRONG_MS)) return null;
  const way = offsetMs > 0 ? 'nhanh' : 'chậm';
  const minutes = Math.round(abs / 60_000);
  const hours = Math.round(abs / 3_600_000);
  const size = minutes < 60 ? `${minutes} phút` : hours < 48 ? `${hours} giờ` : `${Math.round(abs / 86_400_000)} ngày`;
  return `Giờ trên điện thoại đang sai khoảng ${size} (${way} hơn giờ chuẩn): ứng dụng dùng giờ chuẩn; hãy chỉnh lại giờ của điện thoại.`;
}
