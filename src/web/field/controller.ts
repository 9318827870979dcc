/**
 * The field app's state and behaviour, without the DOM: who is signed in, the field context
 * (GET /api/field/context), the record form, the queue of records not yet on the server, the sync
 * state and the "Hôm nay / Tuần này" summary. Offline first: the signed-in user and the context
 * are kept in IndexedDB, so the form opens with no network; records wait in IndexedDB and the
 * Syncer sends them when a connection appears. The Preact components (app.tsx and its parts)
 * render `state` and call the methods; every change is announced to `subscribe`d listeners.
 */
import type { FieldContext } from '../../sessions/sessions.field.js';
import { ApiClient } from '../shared/api.js';
import { vnDateTime, vnIso } from '../shared/time.js';
import { counts, type QueuedRecord } from './queue.js';
import { buildRecord, CENTRE, commonKind, emptyForm, emptyPrefs, type FormState, formFromRecord, type Kind, type Prefs, updatePrefs, withDayOrder } from './record.js';
import { deviceId, getQueued, getValue, queueStore, setValue, type StoredUser } from './store.js';
import { Syncer, type SyncState } from './sync.js';
import { newId, requestBackgroundSync } from './device.js';
import type { FieldState, Summary, Team } from './state.js';

export type { FieldState, Summary, Team, View } from './state.js';

const PERIODIC_MS = 60_000;
const FIRST_USE_OFFLINE = 'Lần đầu dùng cần có mạng để đăng nhập. Sau đó ứng dụng dùng được cả khi không có mạng.';

type Me = { user: (StoredUser & { mustChangePassword: boolean }) | null };
interface SessionFetch {
  me: Promise<Me | Error>;
  /** asked only when the phone knows someone is signed in (a signed-out phone's would be a 401) */
  context?: Promise<FieldContext | Error>;
}

/** The app: one per page. `boot()` starts it. */
export class FieldApp {
  readonly api = new ApiClient();
  state: FieldState;
  private readonly listeners = new Set<(s: FieldState) => void>();
  private readonly syncer: Syncer;
  private authAsked = false;
  private queueLoading = false;
  private queueDirty = false;

  constructor() {
    this.syncer = new Syncer({ store: queueStore, api: this.api, online: () => navigator.onLine, onChange: (s) => this.onSync(s), deviceId, onClock: (c) => void this.onClock(c.offsetMs) });
    this.state = {
      view: 'boot',
      online: navigator.onLine,
      user: null,
      ctx: null,
      prefs: emptyPrefs(),
      form: emptyForm({ teamId: null, memberIds: [], place: '', kind: 'home' }),
      formKey: 0,
      editingId: null,
      queue: [],
      sync: this.syncer.state,
      summary: null,
      message: { text: '', ok: false },
      signinNote: null,
      now: Date.now(),
      clockOffsetMs: 0,
      undoId: null,
    };
  }

  /** Now by the server's clock: the phone's clock less its offset at the last sync (0 before any). */
  trueNow(): number {
    return Date.now() - this.state.clockOffsetMs;
  }

  /** Keeps the offset the last sync measured (phone minus server, ms) and shows the form's "now" by it. */
  private async onClock(offsetMs: number) {
    await setValue('clockOffsetMs', offsetMs);
    this.set({ clockOffsetMs: offsetMs, now: Date.now() - offsetMs });
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn: (s: FieldState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<FieldState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  // ---------- the form ----------

  /** The form's team, if any. */
  team(): Team | undefined {
    return this.state.ctx?.teams.find((t) => t.id === this.state.form.teamId);
  }

  /** Changes the form (typing, choosing). */
  setForm(patch: Partial<FormState>): void {
    const { message } = this.state;
    // a change answers the refusal of a field: no longer marked wrong (the message stays until the next save);
    // the next session begun hides "Đã lưu" and its undo
    const next = message.ok ? { text: '', ok: false } : message.field ? { text: message.text, ok: message.ok } : message;
    this.set({ form: { ...this.state.form, ...patch }, message: next, undoId: message.ok ? null : this.state.undoId });
  }

  /** Changes the resident part of the form. */
  setResident(patch: Partial<FormState['resident']>): void {
    this.setForm({ resident: { ...this.state.form.resident, ...patch } });
  }

  toggleMember(id: number): void {
    const ids = this.state.form.memberIds;
    this.setForm({ memberIds: ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id] });
  }

  setKind(kind: Kind): void {
    this.setForm({ kind });
  }

  /**
   * Picks a service with the lowest outcome ("informed": never the one chosen last time, which
   * would be inherited silently; the member picks the outcome of this session), or drops it.
   */
  toggleService(code: string): void {
    const { form } = this.state;
    if (form.services.some((s) => s.code === code)) this.setForm({ services: form.services.filter((s) => s.code !== code) });
    else this.setForm({ services: [...form.services, { code, outcome: 'informed' }] });
  }

  setOutcome(code: string, outcome: string): void {
    this.setForm({ services: this.state.form.services.map((s) => (s.code === code ? { ...s, outcome } : s)) });
  }

  /** A new form for another team. */
  chooseTeam(teamId: number): void {
    this.startForm(teamId);
    void this.loadSummary();
  }

  /** Drops the edit of a refused record: a new form. */
  cancelEdit(): void {
    this.startForm(this.state.form.teamId);
    this.set({ message: { text: '', ok: false } });
  }

  /** Where a session of `t` happens by default: the last place used there, else the team's own village. */
  private defaultPlace(t: Team): string {
    const { ctx, prefs } = this.state;
    const valid = (p: string) => p === '' || p === CENTRE || (ctx?.villages.some((v) => v.code === p && v.communeCode === t.communeCode) ?? false);
    return prefs.places.find(valid) ?? t.villageCode ?? '';
  }

  private startForm(teamId: number | null) {
    const { ctx, prefs } = this.state;
    const t = ctx?.teams.find((x) => x.id === teamId) ?? ctx?.teams[0];
    const me = ctx?.me.memberId;
    const form = emptyForm({
      teamId: t?.id ?? null,
      memberIds: t && me && t.members.some((m) => m.id === me) ? [me] : t && t.members.length === 1 ? [t.members[0].id] : [],
      place: t ? this.defaultPlace(t) : '',
      // the most common kind, not the last one: a group session does not make the next one a group
      kind: commonKind(prefs),
    });
    // the service buttons keep one order per day (recent services pinned at the day's first form)
    const dayPrefs = withDayOrder(prefs, vnDateTime(new Date(this.trueNow())).date);
    if (dayPrefs !== prefs && this.state.user) void setValue(`prefs:${this.state.user.id}`, dayPrefs);
    this.set({ form, editingId: null, formKey: this.state.formKey + 1, prefs: dayPrefs });
  }

  /** Checks the form as saving would (record.ts buildRecord); on a refusal shows why and returns false. */
  check(): boolean {
    const built = buildRecord(this.state.form, this.state.editingId ?? 'check', new Date(this.trueNow()));
    if (!built.ok) this.set({ message: { text: built.message, ok: false, field: built.field } });
    return built.ok;
  }

  /** Checks the form, queues the record on the phone and tries to send it. */
  async save(): Promise<void> {
    const { user, ctx, editingId } = this.state;
    if (!user || !ctx) return;
    const id = editingId ?? newId();
    // checked by the true time (the phone's clock less the last offset); written in the phone's own
    // clock, since the server subtracts the offset it measures at sync (a typed 09:00 stays 09:00)
    const offset = this.state.clockOffsetMs;
    const built = buildRecord(this.state.form, id, new Date(this.trueNow()));
    if (!built.ok) {
      this.set({ message: { text: built.message, ok: false, field: built.field } });
      return;
    }
    if (offset !== 0) {
      const r = built.record;
      r.occurredAt = vnIso(new Date(Date.parse(r.occurredAt) + offset));
      if (r.deviceSavedAt) r.deviceSavedAt = vnIso(new Date(Date.parse(r.deviceSavedAt) + offset));
    }
    await queueStore.put({ id, userId: user.id, record: built.record, savedAt: Date.now(), status: 'pending' });
    const prefs = updatePrefs(this.state.prefs, built.record);
    await setValue(`prefs:${user.id}`, prefs);
    this.set({ prefs });
    this.startForm(this.state.form.teamId);
    this.set({ undoId: id, message: { text: `${editingId !== null ? 'Đã sửa' : 'Đã lưu'} lúc ${vnDateTime(new Date()).time}.${navigator.onLine ? '' : ' Sẽ tự đồng bộ khi có mạng.'}`, ok: true } });
    // the new form starts at the top; the notice is fixed on screen (record-parts.tsx SavedNotice)
    window.scrollTo(0, 0);
    await this.syncer.refresh();
    requestBackgroundSync();
    const outcome = await this.syncer.run().catch(() => null);
    if (outcome && outcome.done > 0) void this.loadSummary();
  }

  // ---------- the queue ----------

  /** Opens a refused record in the form to correct it. */
  async editQueued(id: string): Promise<void> {
    const q = await getQueued(id);
    if (!q) return;
    this.set({ form: formFromRecord(q.record), editingId: id, formKey: this.state.formKey + 1, message: { text: `Bị từ chối: ${q.reason ?? ''}`, ok: false } });
    requestAnimationFrame(() => document.getElementById('record-form')?.scrollIntoView());
  }

  /** "Hoàn tác": takes the record just saved off the phone while it has not been sent, and opens it in the form again. */
  async undoSave(): Promise<void> {
    const id = this.state.undoId;
    const q = id ? await getQueued(id) : undefined;
    if (!id || !q || q.status !== 'pending') {
      this.set({ undoId: null, message: { text: 'Bản ghi đã gửi lên máy chủ: không hoàn tác được nữa (nhờ cán bộ xã xoá nếu ghi nhầm).', ok: false } });
      return;
    }
    await queueStore.remove([id]);
    this.set({ form: formFromRecord(q.record), editingId: null, undoId: null, formKey: this.state.formKey + 1, message: { text: 'Đã hoàn tác: bản ghi chưa được lưu, hãy sửa rồi lưu lại.', ok: false } });
    await this.syncer.refresh();
  }

  /** Deletes a record from the phone (the caller has asked the member). */
  async deleteQueued(id: string): Promise<void> {
    await queueStore.remove([id]);
    if (this.state.editingId === id) this.startForm(this.state.form.teamId);
    await this.syncer.refresh();
  }

  /** Sends the queue now (badge, "Gửi ngay"). */
  syncNow(): void {
    this.syncer.kick();
  }

  /** How many of the signed-in user's records are not on the server (asked before signing out). */
  async waiting(): Promise<number> {
    return this.state.user ? counts(await queueStore.list(), this.state.user.id).total : 0;
  }

  private onSync(s: SyncState) {
    this.set({ sync: s });
    if (s.authRequired && !this.authAsked && this.state.user) {
      // the session ended (or the password must change): ask again, keeping the queue
      this.authAsked = true;
      void this.checkSession();
    }
    if (!s.authRequired) this.authAsked = false;
    void this.loadQueue();
  }

  /** Re-reads the queue from IndexedDB (a call during a read reads once more after it). */
  private async loadQueue(): Promise<void> {
    if (this.queueLoading) {
      this.queueDirty = true;
      return;
    }
    this.queueLoading = true;
    try {
      let queue: QueuedRecord[];
      do {
        this.queueDirty = false;
        const user = this.state.user;
        queue = user ? (await queueStore.list()).filter((q) => q.userId === user.id).sort((a, b) => a.savedAt - b.savedAt) : [];
      } while (this.queueDirty);
      this.set({ queue });
    } finally {
      this.queueLoading = false;
    }
  }

  // ---------- session ----------

  private showSignIn(note?: string) {
    this.set({ view: 'signin', signinNote: note ?? null });
  }

  /** Signs in; throws ApiError with the server's Vietnamese message. */
  async signIn(login: string, password: string): Promise<void> {
    const r = await this.api.call('POST /api/auth/login', { json: { login, password } });
    await this.signedIn(r.user);
  }

  /** Changes the issued password to the member's own; throws ApiError with the server's message. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.api.call('POST /api/auth/password', { json: { currentPassword, newPassword } });
    await this.signedIn({ ...this.state.user!, mustChangePassword: false });
  }

  /** Signs out on the server (when reachable) and on the phone; the queue stays. */
  async signOut(): Promise<void> {
    await this.api.call('POST /api/auth/logout', { json: {} }).catch(() => {});
    this.api.resetCsrf();
    await this.signedOut();
    this.showSignIn();
  }

  private fetchContext(): Promise<FieldContext | Error> {
    return this.api.call('GET /api/field/context', { query: {} }, { timeoutMs: 30_000 }).catch((e: Error) => e);
  }

  /**
   * Asks who is signed in, and for the field context at once when the phone holds a signed-in
   * user (one round trip less on 3G). A phone that knows it is signed out asks only GET
   * /api/auth/me (public): it never calls an authenticated route in the background.
   */
  private fetchSession(signedIn = this.state.user !== null): SessionFetch {
    return { me: this.api.call('GET /api/auth/me', {}, { timeoutMs: 15_000 }).catch((e: Error) => e) as Promise<Me | Error>, ...(signedIn ? { context: this.fetchContext() } : {}) };
  }

  /** The signed-in user from the server (when reachable): keeps IndexedDB in step and opens the right view. */
  async checkSession(pre: SessionFetch = this.fetchSession()): Promise<void> {
    const me = await pre.me;
    const { user, ctx } = this.state;
    if (me instanceof Error) {
      if (!user || !ctx) this.showSignIn(navigator.onLine ? 'Không kết nối được máy chủ.' : FIRST_USE_OFFLINE);
      return;
    }
    if (!me.user) {
      const had = user;
      await this.signedOut();
      const waiting = had ? counts(await queueStore.list(), had.id).total : 0;
      this.showSignIn(had ? `Phiên đăng nhập đã hết: hãy đăng nhập lại.${waiting ? ` ${waiting} bản ghi chưa đồng bộ vẫn được giữ trên máy.` : ''}` : undefined);
      return;
    }
    await this.signedIn(me.user, pre.context);
  }

  private async useContext(fresh: FieldContext) {
    const first = !this.state.ctx;
    this.set({ ctx: fresh });
    if (first || !fresh.teams.some((t) => t.id === this.state.form.teamId)) this.startForm(this.state.prefs.teamId);
  }

  private async signedIn(u: StoredUser, context?: Promise<FieldContext | Error>) {
    const changed = this.state.user?.id !== u.id;
    const user: StoredUser = { id: u.id, fullName: u.fullName, role: u.role, mustChangePassword: u.mustChangePassword };
    this.set({ user });
    await setValue('user', user);
    if (changed) {
      this.set({ prefs: (await getValue<Prefs>(`prefs:${user.id}`)) ?? emptyPrefs(), ctx: null });
      const cached = await getValue<FieldContext>(`context:${user.id}`);
      if (cached) await this.useContext(cached);
    }
    if (user.mustChangePassword) {
      this.set({ view: 'password' });
      return;
    }
    this.syncer.reset();
    if (this.state.ctx) this.set({ view: 'record' });
    try {
      const fresh = await (context ?? this.fetchContext());
      if (fresh instanceof Error) throw fresh;
      await setValue(`context:${user.id}`, fresh);
      await this.useContext(fresh);
      this.set({ view: 'record' });
      if (fresh.teams.length === 0) this.set({ message: { text: 'Tài khoản của bạn chưa gắn với tổ nào: hãy nhờ cán bộ xã kiểm tra.', ok: false } });
    } catch (err) {
      if (!this.state.ctx) this.showSignIn((err as Error).message);
    }
    this.set({ summary: (await getValue<Summary>(`summary:${user.id}`)) ?? null });
    void this.loadSummary();
    this.syncer.kick();
  }

  private async signedOut() {
    const { user } = this.state;
    if (user) await setValue(`context:${user.id}`, undefined);
    this.set({ user: null, ctx: null });
    await setValue('user', undefined);
    await this.syncer.refresh();
  }

  /** Today's and this week's counts of the form's team from the server (kept for offline starts). */
  private async loadSummary() {
    const { user } = this.state;
    const teamId = this.state.form.teamId;
    if (!teamId || !navigator.onLine || !user) return;
    try {
      const [day, week] = await Promise.all([
        this.api.call('GET /api/reports/support', { query: { team: teamId, period: 'day' } }),
        this.api.call('GET /api/reports/support', { query: { team: teamId, period: 'week' } }),
      ]);
      const s: Summary = { teamId, at: this.trueNow(), day: { sessions: day.sessions, headcount: day.headcount }, week: { sessions: week.sessions, headcount: week.headcount } };
      await setValue(`summary:${user.id}`, s);
      this.set({ summary: s });
    } catch {
      /* offline or refused: keep what is shown */
    }
  }

  // ---------- start ----------

  /** Opens from IndexedDB while the server is asked, then takes its answer; listens to the network and the service worker. */
  async boot(): Promise<void> {
    this.listen();
    const stored = await getValue<StoredUser>('user').catch(() => undefined);
    const pre = navigator.onLine ? this.fetchSession(stored !== undefined) : null;
    if (stored) {
      this.set({ user: stored, prefs: (await getValue<Prefs>(`prefs:${stored.id}`)) ?? emptyPrefs() });
      const cached = await getValue<FieldContext>(`context:${stored.id}`);
      if (cached && !stored.mustChangePassword) {
        await this.useContext(cached);
        this.set({ view: 'record', summary: (await getValue<Summary>(`summary:${stored.id}`)) ?? null });
      }
    }
    await this.syncer.refresh();
    if (pre) await this.checkSession(pre);
    else if (!this.state.user || !this.state.ctx) this.showSignIn(FIRST_USE_OFFLINE);
    // the service worker (and the download of its offline copy) only once the form is up: on 3G it would compete with the API calls
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch(() => {});
  }

  private listen() {
    window.addEventListener('online', () => {
      this.set({ online: true });
      this.syncer.kick();
      if (this.state.user) void this.checkSession();
    });
    window.addEventListener('offline', () => this.set({ online: false }));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.syncer.kick();
    });
    // periodic retry while records wait (backoff after failures is the Syncer's own); the form's "now" moves on
    setInterval(() => {
      const s = this.syncer.state;
      if (s.pending > 0 && !s.running && s.nextRetryAt === null) this.syncer.kick();
      if (this.state.form.when === null && this.state.view === 'record') this.set({ now: this.trueNow() });
    }, PERIODIC_MS);
    navigator.serviceWorker?.addEventListener('message', (e) => {
      if ((e.data as { type?: string })?.type === 'synced') void this.syncer.refresh().then(() => this.loadSummary());
    });
  }
}
