/**
 * The trainings part's state and behaviour (issue 14, item 7), without the DOM, beside the field
 * app's FieldApp (controller.ts), whose API client, signed-in user and network state it follows:
 * the host's sessions (GET /api/trainings/hosting) and "my trainings" (GET /api/trainings/mine)
 * kept in IndexedDB for offline use and refreshed when online; check-ins queued in the outbox
 * (store.ts) and sent by the Syncer to POST /api/trainings/attendance/sync, each settled by its
 * answer; the phone's clock against the server's (measured on every answer that carries the
 * server's time), by which the QR's code window and the shown times are read.
 */
import type { ApiClient } from '../../shared/api.js';
import { newId } from '../device.js';
import { vnIso } from '../../shared/time.js';
import type { StoredUser } from '../store.js';
import type { SyncState } from '../sync.js';
import { type Cached, type CheckIn, hostRecord, type Hosting, measureOffset, type Mine, type Route, routeHash, sameSelf, selfRecord } from './model.js';
import { ATTENDANCE_SYNC_TAG, attendanceSyncer, cached, checkIns, keep, SENT_KEPT_MS } from './store.js';

/** A host's taps are sent together this long after the last one (and may be undone until then). */
export const SEND_DELAY_MS = 4_000;
/** A cached answer younger than this is not asked again when a screen opens. */
const FRESH_MS = 60_000;
const PERIODIC_MS = 60_000;

/** What the trainings part needs of the field app (FieldApp is one). */
export interface FieldHost {
  readonly api: ApiClient;
  readonly state: { user: StoredUser | null; online: boolean };
  subscribe(fn: (s: { user: StoredUser | null; online: boolean }) => void): () => void;
}

/** A point of a session the member may type a code for (from GET /api/trainings/:id). */
export interface TypedPoint {
  pointId: number;
  name: string;
}

export interface TrainingsState {
  userId: number | null;
  online: boolean;
  hosting: Cached<Hosting> | null;
  mine: Cached<Mine> | null;
  /** the points of my sessions of these days, by training id, for "Nhập mã" */
  points: Record<number, TypedPoint[]>;
  /** the signed-in account's check-ins on the phone, oldest first (taken ones too) */
  outbox: CheckIn[];
  sync: SyncState;
  /** phone minus server, ms, at the last answer that told */
  offsetMs: number;
  loading: boolean;
  /** why the last refresh failed (offline, refused), or null */
  error: string | null;
}

/** The trainings part of one page. `attach()` starts it. */
export class Trainings {
  state: TrainingsState;
  private readonly listeners = new Set<(s: TrainingsState) => void>();
  private readonly syncer: ReturnType<typeof attendanceSyncer>;
  private sendTimer: ReturnType<typeof setTimeout> | null = null;
  /** the last sync whose sending was followed by a refresh of the lists */
  private refreshedAfter: number | null = null;

  constructor(private readonly field: FieldHost) {
    this.syncer = attendanceSyncer({ api: field.api, online: () => navigator.onLine, onChange: (s) => this.onSync(s), onClock: (c) => void this.setOffset(c.offsetMs) });
    this.state = { userId: null, online: field.state.online, hosting: null, mine: null, points: {}, outbox: [], sync: this.syncer.state, offsetMs: 0, loading: false, error: null };
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn: (s: TrainingsState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<TrainingsState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  /** Follows the field app's user and network; sends what waits when the connection returns; prefetches the lists a few seconds after start for offline use. */
  attach(): void {
    const follow = (s: { user: StoredUser | null; online: boolean }) => {
      if (s.online !== this.state.online) {
        this.set({ online: s.online });
        if (s.online && this.state.userId !== null) {
          this.syncer.kick();
          void this.refresh(true);
        }
      }
      if ((s.user?.id ?? null) !== this.state.userId) void this.useUser(s.user);
    };
    this.field.subscribe(follow);
    follow(this.field.state);
    // the service worker sent the outbox (Background Sync): show what it settled
    navigator.serviceWorker?.addEventListener('message', (e) => {
      if ((e.data as { type?: string })?.type === 'synced') void this.loadOutbox().then(() => this.syncer.refresh());
    });
    setInterval(() => {
      const s = this.syncer.state;
      if (s.pending > 0 && !s.running && s.nextRetryAt === null) this.syncer.kick();
    }, PERIODIC_MS);
  }

  private async useUser(user: StoredUser | null) {
    const userId = user?.id ?? null;
    this.set({ userId, hosting: null, mine: null, points: {}, outbox: [], error: null });
    if (userId === null) return;
    const [hosting, mine, points, offset] = await Promise.all([
      cached<Cached<Hosting>>(`hosting:${userId}`),
      cached<Cached<Mine>>(`mine:${userId}`),
      cached<Record<number, TypedPoint[]>>(`points:${userId}`),
      cached<number>('offsetMs'),
    ]);
    if (this.state.userId !== userId) return;
    // an answer fetched meanwhile is newer than the copy
    const s = this.state;
    this.set({ hosting: s.hosting ?? hosting ?? null, mine: s.mine ?? mine ?? null, points: s.hosting || s.mine ? s.points : (points ?? {}), offsetMs: s.hosting ? s.offsetMs : (offset ?? hosting?.offsetMs ?? 0) });
    await this.loadOutbox();
    this.syncer.reset();
    this.syncer.kick();
    // the lists for offline use, once the record form has had the network to itself
    setTimeout(() => void this.refresh(false), 5_000);
  }

  /** Now by the server's clock (the phone's less its offset), ms. */
  trueNow(): number {
    return Date.now() - this.state.offsetMs;
  }

  private async setOffset(offsetMs: number) {
    await keep('offsetMs', offsetMs);
    this.set({ offsetMs });
  }

  // ---------- the server's lists ----------

  /**
   * Asks the server for the host's sessions and my trainings (not when offline; with `force`, even
   * when the copy is fresh). Each is kept apart: one refused or lost leaves the other's copy new. A
   * read-only account never hosts, so it is not asked for the host's list (the refusal would be audited).
   */
  async refresh(force: boolean): Promise<void> {
    const userId = this.state.userId;
    if (userId === null || !navigator.onLine) return;
    const stale = (c: Cached<unknown> | null) => force || c === null || Date.now() - c.fetchedAt >= FRESH_MS;
    const hosts = this.field.state.user?.role !== 'viewer';
    const askHosting = hosts && stale(this.state.hosting);
    const askMine = stale(this.state.mine);
    if (!askHosting && !askMine) return;
    this.set({ loading: true });
    const sentAt = Date.now();
    const [hosting, mine] = await Promise.all([
      askHosting ? this.field.api.call('GET /api/trainings/hosting').catch((e: Error) => e) : null,
      askMine ? this.field.api.call('GET /api/trainings/mine').catch((e: Error) => e) : null,
    ]);
    const receivedAt = Date.now();
    if (this.state.userId !== userId) return;
    const failed = [hosting, mine].find((x): x is Error => x instanceof Error);
    this.set({ loading: false, error: failed ? failed.message : null });
    const offsetMs = hosting && !(hosting instanceof Error) ? measureOffset(sentAt, receivedAt, hosting.serverNow) : this.state.offsetMs;
    if (hosting && !(hosting instanceof Error)) {
      const h: Cached<Hosting> = { data: hosting, fetchedAt: receivedAt, offsetMs };
      await Promise.all([keep(`hosting:${userId}`, h), this.setOffset(offsetMs)]);
      this.set({ hosting: h });
      await this.prune(hosting);
    }
    if (mine && !(mine instanceof Error)) {
      const m: Cached<Mine> = { data: mine, fetchedAt: receivedAt, offsetMs };
      await keep(`mine:${userId}`, m);
      this.set({ mine: m });
      await this.loadPoints(mine);
    }
  }

  /** The points of my sessions of yesterday to tomorrow not yet closed, so "Nhập mã" works offline. */
  private async loadPoints(mine: Mine) {
    const userId = this.state.userId!;
    const now = this.trueNow();
    const near = mine.trainings.filter((t) => !t.closedAt && t.startsAt && t.endsAt && Date.parse(t.startsAt) - now < 86_400_000 && now - Date.parse(t.endsAt) < 86_400_000).slice(0, 5);
    const points: Record<number, TypedPoint[]> = {};
    for (const t of near) {
      try {
        const detail = await this.field.api.call('GET /api/trainings/:id', { params: { id: t.id } });
        points[t.id] = detail.points.map((p) => ({ pointId: p.pointId, name: p.name }));
      } catch {
        if (this.state.points[t.id]) points[t.id] = this.state.points[t.id];
      }
    }
    await keep(`points:${userId}`, points);
    this.set({ points });
  }

  /** Drops taken records the server's lists now hold, and any taken more than a week ago. */
  private async prune(hosting: Hosting) {
    const seen = new Set(hosting.sessions.flatMap((s) => s.points.flatMap((p) => p.checkedIn.map((c) => c.id.toLowerCase()))));
    const old = Date.now() - SENT_KEPT_MS;
    const drop = this.state.outbox.filter((q) => q.sentAt !== undefined && q.record.method === 'host' && (seen.has(q.id.toLowerCase()) || q.sentAt < old)).map((q) => q.id);
    const stale = this.state.outbox.filter((q) => q.sentAt !== undefined && q.record.method === 'self' && q.sentAt < old).map((q) => q.id);
    if (drop.length + stale.length) {
      await checkIns.discard([...drop, ...stale]);
      await this.loadOutbox();
    }
  }

  // ---------- check-ins ----------

  private async queue(record: CheckIn['record'], soon: boolean): Promise<string> {
    const userId = this.state.userId;
    if (userId === null) throw new Error('Hãy đăng nhập lại.');
    const q: CheckIn = { id: record.id, userId, record, savedAt: Date.now(), status: 'pending', at: this.trueNow() };
    await checkIns.put(q);
    await this.loadOutbox();
    await this.syncer.refresh();
    if (soon) this.sendSoon();
    else {
      // online the page sends now; offline the service worker's background sync sends when the network returns (not both: one request)
      if (navigator.onLine) this.syncer.kick();
      else requestSync();
    }
    return q.id;
  }

  /** The host checks an invited member in at a point (one tap): queued now, sent with the next taps. */
  checkIn(trainingId: number, pointId: number, memberId: number): Promise<string> {
    return this.queue(hostRecord(newId(), trainingId, pointId, memberId, new Date()), true);
  }

  /**
   * The host records that a checked-in member left (early): a record of the same member with the
   * leaving time; the server keeps the first check-in and adds the leaving time to it (only the
   * host who recorded the check-in may).
   */
  leave(trainingId: number, pointId: number, memberId: number): Promise<string> {
    const now = new Date();
    return this.queue({ ...hostRecord(newId(), trainingId, pointId, memberId, now), leftAt: vnIso(now) }, true);
  }

  /** The host records someone not in the registry, by name and phone (as typed). */
  walkIn(trainingId: number, pointId: number, fullName: string, phone: string): Promise<string> {
    return this.queue(hostRecord(newId(), trainingId, pointId, { fullName, phone }, new Date()), true);
  }

  /**
   * A member's own check-in with a point's code: scanned (`window` from the QR) or typed. The same
   * code opened again gives the check-in already made, not a second one. Sent at once. → its id.
   */
  async selfCheckIn(c: { trainingId: number; pointId: number; code: string; window?: number }): Promise<string> {
    await this.loadOutbox();
    const known = sameSelf(this.state.outbox, c);
    if (known) return known.id;
    return this.queue(selfRecord(newId(), c, new Date()), false);
  }

  /** "Hoàn tác": takes a check-in not yet sent off the phone; false when it has gone to the server meanwhile. */
  async undo(id: string): Promise<boolean> {
    const q = (await checkIns.all()).find((r) => r.id === id);
    if (!q || q.sentAt !== undefined || this.syncer.state.running) return false;
    await checkIns.discard([id]);
    await this.loadOutbox();
    await this.syncer.refresh();
    return true;
  }

  /** Drops a refused check-in (the host or member has read the reason). */
  async discard(id: string): Promise<void> {
    await checkIns.discard([id]);
    await this.loadOutbox();
    await this.syncer.refresh();
  }

  /** Sends a refused walk-in again with the name and phone corrected. */
  async correctWalkIn(id: string, fullName: string, phone: string): Promise<void> {
    const q = (await checkIns.all()).find((r) => r.id === id);
    if (!q || !q.record.walkIn) return;
    const p = phone.trim();
    await checkIns.put({ ...q, status: 'pending', field: undefined, reason: undefined, record: { ...q.record, walkIn: { fullName: fullName.trim(), ...(p ? { phone: p } : {}) } } });
    await this.loadOutbox();
    await this.syncer.refresh();
    this.syncer.kick();
  }

  /** The address of my certificate of a session (a PDF download with the session cookie). */
  certificateUrl(trainingId: number): string {
    return this.field.api.path('GET /api/trainings/:id/certificates/mine.pdf', { params: { id: trainingId } });
  }

  /** Sends what waits now ("Gửi ngay"). */
  sendNow(): void {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.sendTimer = null;
    this.syncer.kick();
  }

  private sendSoon() {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => {
      this.sendTimer = null;
      // online the page sends now; offline the service worker's background sync sends when the network returns (not both: one request)
      if (navigator.onLine) this.syncer.kick();
      else requestSync();
    }, SEND_DELAY_MS);
  }

  private onSync(s: SyncState) {
    this.set({ sync: s });
    void this.loadOutbox();
    // a run that sent something: the server's lists now hold it
    if (!s.running && s.lastSyncedAt !== null && s.lastSyncedAt !== this.refreshedAfter) {
      this.refreshedAfter = s.lastSyncedAt;
      void this.refresh(true);
    }
  }

  private async loadOutbox() {
    const userId = this.state.userId;
    let all = userId === null ? [] : (await checkIns.all()).filter((q) => q.userId === userId).sort((a, b) => a.savedAt - b.savedAt);
    // a refused self check-in of a session the member is checked in at after all (a later scan, the host) is settled: dropped
    const self = (q: CheckIn) => q.record.method === 'self';
    const inAt = new Set([...all.filter((q) => self(q) && q.sentAt !== undefined).map((q) => q.record.trainingId), ...(this.state.mine?.data.trainings ?? []).filter((x) => x.checkedInAt).map((x) => x.id)]);
    const stale = all.filter((q) => self(q) && q.status === 'rejected' && inAt.has(q.record.trainingId)).map((q) => q.id);
    if (stale.length) {
      await checkIns.discard(stale);
      all = all.filter((q) => !stale.includes(q.id));
      void this.syncer.refresh();
    }
    if (this.state.userId === userId) this.set({ outbox: all });
  }
}

/** Goes to another trainings screen (a history entry, so the phone's back button returns; `replace`: none). */
export function go(r: Exclude<Route, { name: 'scan' }>, replace = false): void {
  if (replace) location.replace(routeHash(r));
  else location.hash = routeHash(r);
}

/** Asks the service worker to send the check-ins when the connection returns, even with the app closed (Background Sync, where the browser has it). */
function requestSync() {
  navigator.serviceWorker?.ready
    .then((reg) => (reg as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(ATTENDANCE_SYNC_TAG))
    .catch(() => {});
}
