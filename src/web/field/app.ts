/**
 * The field app's page (/field/): sign-in, the one-screen record form, the queue of records not
 * yet on the server and a small "Hôm nay / Tuần này" summary. Offline first: the signed-in user
 * and the field context (GET /api/field/context) are kept in IndexedDB, so the form opens with no
 * network; records wait in IndexedDB and the Syncer sends them when a connection appears.
 * Bundled by esbuild (src/field/field.build.ts) into /field/app.js.
 */
import type { FieldContext } from '../../sessions/sessions.field.js';
import { byRecent, buildRecord, CENTRE, emptyForm, emptyPrefs, type FormState, formFromRecord, type Kind, type Prefs, updatePrefs } from './record.js';
import { counts, type QueuedRecord } from './queue.js';
import { getQueued, getValue, queueStore, setValue, type StoredUser } from './store.js';
import { Syncer, type SyncState } from './sync.js';
import { vnDateTime, vnLabel } from '../shared/time.js';

type Team = FieldContext['teams'][number];
interface Summary {
  teamId: number;
  at: number;
  day: { sessions: number; headcount: number };
  week: { sessions: number; headcount: number };
}

const SYNC_TAG = 'ngoso-sync';
/** Short labels of the kinds for the buttons (the full ones come with the context). */
const SHORT_KINDS: Record<string, string> = { home: '🏠 Tại nhà', group: '👥 Nhóm', help_desk: '🪑 Bàn hỗ trợ' };
const PERIODIC_MS = 60_000;

// ---------- DOM helpers ----------
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);

// ---------- state ----------
let user: StoredUser | null = null;
let ctx: FieldContext | null = null;
let prefs: Prefs = emptyPrefs();
let form: FormState = emptyForm({ teamId: null, memberIds: [], place: '', kind: 'home' });
let editingId: string | null = null;
let queue: QueuedRecord[] = [];

// ---------- network ----------
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** GET or POST JSON with a timeout (weak 3G must not hang the app); throws ApiError with the server's Vietnamese message. */
async function api<T>(path: string, init: { json?: unknown; timeoutMs?: number } = {}): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), init.timeoutMs ?? 20_000);
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = (await api<{ token: string }>('/api/auth/csrf')).token;
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: body ? 'POST' : 'GET', headers, body, credentials: 'same-origin', cache: 'no-store', signal: ctl.signal });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ: kiểm tra mạng rồi thử lại.');
  } finally {
    clearTimeout(timer);
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? `HTTP_${res.status}`, data?.error?.message ?? `Máy chủ trả lỗi ${res.status}.`);
  return data as T;
}

const syncer = new Syncer({
  store: queueStore,
  fetch: (url, init) => fetch(url, init),
  online: () => navigator.onLine,
  onChange: renderSync,
});

// ---------- views ----------
function show(view: 'signin' | 'password' | 'record') {
  $('boot').hidden = true;
  for (const v of ['signin', 'password', 'record']) $(`view-${v}`).hidden = v !== view;
  $('signout').hidden = !user;
  $('who').textContent = user ? user.fullName : '';
  // for the benchmark (bench/field.ts): when the record form first became usable
  if (view === 'record' && ctx && performance.getEntriesByName('ngoso:form-ready').length === 0) performance.mark('ngoso:form-ready');
  if (view === 'signin' && performance.getEntriesByName('ngoso:signin-ready').length === 0) performance.mark('ngoso:signin-ready');
}

function showSignIn(note?: string) {
  const n = $('signin-note');
  n.hidden = !note;
  n.textContent = note ?? '';
  show('signin');
}

function renderNet() {
  const on = navigator.onLine;
  const net = $('net');
  net.textContent = on ? 'Có mạng' : 'Không có mạng';
  net.dataset.online = on ? '1' : '0';
}

function renderSync(s: SyncState) {
  const badge = $('sync-badge');
  badge.hidden = !user;
  badge.dataset.count = String(s.total);
  badge.dataset.state = s.total === 0 ? 'done' : s.rejected > 0 ? 'rejected' : 'pending';
  badge.textContent = s.total === 0 ? 'Đã đồng bộ' : `${s.total} chưa đồng bộ${s.running ? ' …' : ''}`;
  const status = s.authRequired
    ? 'Phiên đăng nhập đã hết: đăng nhập lại để gửi. Các bản ghi vẫn được giữ trên máy.'
    : s.running
      ? 'Đang gửi…'
      : s.lastError
        ? s.lastError
        : s.pending > 0
          ? 'Sẽ tự gửi khi có mạng.'
          : s.rejected > 0
            ? 'Máy chủ từ chối các bản ghi dưới đây: hãy sửa hoặc xoá.'
            : '';
  $('queue-status').textContent = status;
  if (s.authRequired && !authAsked && user) {
    // the session ended (or the password must change): ask again, keeping the queue
    authAsked = true;
    void checkSession();
  }
  if (!s.authRequired) authAsked = false;
  void loadQueue();
}
let authAsked = false;

let queueLoading = false;
let queueDirty = false;
/** Re-reads the queue from IndexedDB and renders its list (a call during a read reads once more after it). */
async function loadQueue(): Promise<void> {
  if (queueLoading) {
    queueDirty = true;
    return;
  }
  queueLoading = true;
  try {
    do {
      queueDirty = false;
      queue = user ? (await queueStore.list()).filter((q) => q.userId === user!.id).sort((a, b) => a.savedAt - b.savedAt) : [];
    } while (queueDirty);
    renderQueue();
  } finally {
    queueLoading = false;
  }
}

function serviceLabel(code: string) {
  const s = ctx?.services.find((x) => x.code === code);
  return s ? `${s.icon} ${s.name}` : code;
}

function renderQueue() {
  const list = $('queue-list');
  list.replaceChildren();
  $('queue-box').hidden = queue.length === 0;
  const kinds = new Map(ctx?.kinds.map((k) => [k.code, k.label]) ?? []);
  for (const q of queue) {
    const r = q.record;
    const li = el('li', { 'data-id': q.id, 'data-status': q.status });
    li.append(el('div', { class: 'q-what' }, `${vnLabel(r.occurredAt)} · ${kinds.get(r.kind) ?? r.kind}${r.kind === 'group' ? ` (${r.residentsCount} người)` : ''}`));
    li.append(el('div', { class: 'q-svc' }, r.services.map((s) => serviceLabel(s.code)).join(', ')));
    if (q.status === 'rejected') li.append(el('div', { class: 'q-reason' }, `Bị từ chối: ${q.reason ?? ''}`));
    else li.append(el('div', { class: 'q-wait' }, 'Đang chờ gửi'));
    const actions = el('div', { class: 'q-actions' });
    if (q.status === 'rejected') actions.append(el('button', { type: 'button', class: 'ghost', 'data-action': 'edit' }, 'Sửa'));
    actions.append(el('button', { type: 'button', class: 'ghost danger', 'data-action': 'delete' }, 'Xoá'));
    li.append(actions);
    list.append(li);
  }
}

function team(): Team | undefined {
  return ctx?.teams.find((t) => t.id === form.teamId);
}

/** Where a session of `t` happens by default: the last place used there, else the team's own village. */
function defaultPlace(t: Team): string {
  const valid = (p: string) => p === '' || p === CENTRE || (ctx?.villages.some((v) => v.code === p && v.communeCode === t.communeCode) ?? false);
  return prefs.places.find(valid) ?? t.villageCode ?? '';
}

function startForm(teamId: number | null) {
  const t = ctx?.teams.find((x) => x.id === teamId) ?? ctx?.teams[0];
  const me = ctx?.me.memberId;
  form = emptyForm({
    teamId: t?.id ?? null,
    memberIds: t && me && t.members.some((m) => m.id === me) ? [me] : t && t.members.length === 1 ? [t.members[0].id] : [],
    place: t ? defaultPlace(t) : '',
    kind: prefs.kind ?? 'home',
  });
  editingId = null;
}

function renderForm() {
  if (!ctx) return;
  const t = team();
  // team (officers may record for several teams)
  $('team-box').hidden = ctx.teams.length <= 1;
  select('team').replaceChildren(...ctx.teams.map((x) => el('option', { value: String(x.id) }, `${x.name} (${x.communeName})`)));
  if (t) select('team').value = String(t.id);
  // who
  const members = $('members');
  members.replaceChildren(
    ...(t?.members ?? []).map((m) =>
      el('button', { type: 'button', class: 'chip', 'data-member': String(m.id), 'aria-pressed': String(form.memberIds.includes(m.id)) }, m.id === ctx!.me.memberId ? `${m.fullName} (tôi)` : m.fullName),
    ),
  );
  if (!t?.members.length) members.append(el('p', { class: 'note' }, 'Tổ chưa có thành viên trong sổ.'));
  // when
  renderWhen();
  // where
  const villages = byRecent(
    (ctx.villages ?? []).filter((v) => v.communeCode === t?.communeCode),
    (v) => v.code,
    prefs.places,
  );
  select('place').replaceChildren(
    el('option', { value: '' }, `Trong ${t?.communeName ?? 'xã'} (không ghi thôn, bản)`),
    el('option', { value: CENTRE }, 'Tại Trung tâm phục vụ hành chính công xã'),
    ...villages.map((v) => el('option', { value: v.code }, v.name)),
  );
  select('place').value = form.place;
  // kind
  $('kinds').replaceChildren(
    ...ctx.kinds.map((k) => el('button', { type: 'button', class: 'seg-btn', 'data-kind': k.code, 'aria-pressed': String(form.kind === k.code), title: k.label }, SHORT_KINDS[k.code] ?? k.label)),
  );
  $('group-box').hidden = form.kind !== 'group';
  $('person-box').hidden = form.kind === 'group';
  input('count').value = form.residentsCount;
  // resident
  const r = form.resident;
  input('birth-year').value = r.birthYear;
  select('gender').value = r.gender;
  if (select('ethnicity').options.length <= 1) select('ethnicity').append(...ctx.ethnicGroups.map((g) => el('option', { value: g.code }, g.name)));
  select('ethnicity').value = r.ethnicity;
  input('consent').checked = r.consent;
  input('full-name').value = r.fullName;
  input('phone').value = r.phone;
  input('full-name').disabled = input('phone').disabled = !r.consent;
  $<HTMLDetailsElement>('person-box').open = !!(r.fullName || r.birthYear || r.gender || r.ethnicity || r.phone);
  // services, recent first
  renderServices();
  $<HTMLTextAreaElement>('note').value = form.note;
  $('editing').hidden = !editingId;
  $('save').textContent = editingId ? 'Lưu và gửi lại' : 'Lưu';
}

function renderWhen() {
  const at = form.when ?? vnDateTime(new Date());
  input('date').value = at.date;
  input('time').value = at.time;
  $('when-now').hidden = form.when !== null;
  $('now-btn').hidden = form.when === null;
}

function renderServices() {
  if (!ctx) return;
  const chosen = new Map(form.services.map((s) => [s.code, s.outcome]));
  const grid = $('services');
  grid.replaceChildren(
    ...byRecent(ctx.services, (s) => s.code, prefs.services).map((s) => {
      const on = chosen.has(s.code);
      const box = el('div', { class: 'svc', 'data-code': s.code, 'data-on': on ? '1' : '0' });
      box.append(el('button', { type: 'button', class: 'svc-btn', 'aria-pressed': String(on) }, el('span', { class: 'svc-icon', 'aria-hidden': 'true' }, s.icon), el('span', { class: 'svc-name' }, s.name)));
      if (on) {
        const sel = el('select', { class: 'svc-outcome', 'aria-label': `Kết quả: ${s.name}` }, ...ctx!.outcomes.map((o) => el('option', { value: o.code }, o.label)));
        sel.value = chosen.get(s.code)!;
        box.append(sel);
      }
      return box;
    }),
  );
}

function renderSummary(s: Summary | undefined) {
  const box = $('summary');
  if (!s || s.teamId !== form.teamId) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const part = (label: string, x: { sessions: number; headcount: number }) =>
    el('div', { class: 'sum-part' }, el('span', { class: 'sum-label' }, label), el('strong', {}, `${x.sessions} buổi`), el('span', {}, ` · ${x.headcount} lượt người dân`));
  box.replaceChildren(part('Hôm nay', s.day), part('Tuần này', s.week), el('span', { class: 'sum-at' }, `(trên máy chủ, lúc ${vnDateTime(new Date(s.at)).time})`));
}

function showMessage(text: string, ok = false) {
  const m = $('form-msg');
  m.textContent = text;
  m.classList.toggle('ok', ok);
}

// ---------- data ----------
async function loadSummary() {
  const teamId = form.teamId;
  if (!teamId || !navigator.onLine || !user) return;
  try {
    type R = { sessions: number; headcount: number };
    const [day, week] = await Promise.all([api<R>(`/api/reports/support?team=${teamId}&period=day`), api<R>(`/api/reports/support?team=${teamId}&period=week`)]);
    const s: Summary = { teamId, at: Date.now(), day: { sessions: day.sessions, headcount: day.headcount }, week: { sessions: week.sessions, headcount: week.headcount } };
    await setValue(`summary:${user.id}`, s);
    renderSummary(s);
  } catch {
    /* offline or refused: keep what is shown */
  }
}

async function useContext(fresh: FieldContext) {
  const first = !ctx;
  ctx = fresh;
  if (first || !ctx.teams.some((t) => t.id === form.teamId)) startForm(prefs.teamId);
  renderForm();
  renderQueue();
}

type Me = { user: (StoredUser & { mustChangePassword: boolean }) | null };
interface SessionFetch {
  me: Promise<Me | Error>;
  context: Promise<FieldContext | Error>;
}

const fetchContext = () => api<FieldContext>('/api/field/context', { timeoutMs: 30_000 }).catch((e: Error) => e);

/** Asks who is signed in and for the field context at once (one round trip less on 3G; the context is a 401 when signed out). */
function fetchSession(): SessionFetch {
  return { me: api<Me>('/api/auth/me', { timeoutMs: 15_000 }).catch((e: Error) => e), context: fetchContext() };
}

/** The signed-in user from the server (when reachable): keeps IndexedDB in step and opens the right view. */
async function checkSession(pre: SessionFetch = fetchSession()): Promise<void> {
  const me = await pre.me;
  if (me instanceof Error) {
    if (!user || !ctx) showSignIn(navigator.onLine ? 'Không kết nối được máy chủ.' : 'Lần đầu dùng cần có mạng để đăng nhập. Sau đó ứng dụng dùng được cả khi không có mạng.');
    return;
  }
  if (!me.user) {
    const had = user;
    await signedOut();
    const waiting = had ? counts(await queueStore.list(), had.id).total : 0;
    showSignIn(had ? `Phiên đăng nhập đã hết: hãy đăng nhập lại.${waiting ? ` ${waiting} bản ghi chưa đồng bộ vẫn được giữ trên máy.` : ''}` : undefined);
    return;
  }
  await signedIn(me.user, pre.context);
}

async function signedIn(u: StoredUser, context?: Promise<FieldContext | Error>) {
  const changed = user?.id !== u.id;
  user = { id: u.id, fullName: u.fullName, role: u.role, mustChangePassword: u.mustChangePassword };
  await setValue('user', user);
  if (changed) {
    prefs = (await getValue<Prefs>(`prefs:${user.id}`)) ?? emptyPrefs();
    ctx = null;
    const cached = await getValue<FieldContext>(`context:${user.id}`);
    if (cached) await useContext(cached);
  }
  if (user.mustChangePassword) {
    show('password');
    return;
  }
  syncer.reset();
  if (ctx) show('record');
  try {
    const fresh = await (context ?? fetchContext());
    if (fresh instanceof Error) throw fresh;
    await setValue(`context:${user.id}`, fresh);
    await useContext(fresh);
    show('record');
    if (fresh.teams.length === 0) showMessage('Tài khoản của bạn chưa gắn với tổ nào: hãy nhờ cán bộ xã kiểm tra.');
  } catch (err) {
    if (!ctx) showSignIn((err as Error).message);
  }
  renderSummary(await getValue<Summary>(`summary:${user.id}`));
  void loadSummary();
  syncer.kick();
}

async function signedOut() {
  if (user) await setValue(`context:${user.id}`, undefined);
  user = null;
  ctx = null;
  await setValue('user', undefined);
  await syncer.refresh();
}

// ---------- events ----------
function wire() {
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const msg = f.querySelector('.msg')!;
    const button = f.querySelector('button')!;
    msg.textContent = '';
    button.disabled = true;
    try {
      const r = await api<{ user: StoredUser }>('/api/auth/login', { json: { login: input('login').value.trim(), password: input('password').value } });
      input('password').value = '';
      await signedIn(r.user);
    } catch (err) {
      msg.textContent = (err as Error).message;
    } finally {
      button.disabled = false;
    }
  });

  $('password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const msg = f.querySelector('.msg')!;
    msg.textContent = '';
    if (input('pw-new').value !== input('pw-new2').value) {
      msg.textContent = 'Hai lần nhập mật khẩu mới không khớp.';
      return;
    }
    try {
      await api('/api/auth/password', { json: { currentPassword: input('pw-current').value, newPassword: input('pw-new').value } });
      for (const id of ['pw-current', 'pw-new', 'pw-new2']) input(id).value = '';
      await signedIn({ ...user!, mustChangePassword: false });
    } catch (err) {
      msg.textContent = (err as Error).message;
    }
  });

  select('team').addEventListener('change', () => {
    startForm(Number(select('team').value));
    renderForm();
    void loadSummary();
  });

  $('members').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('[data-member]');
    if (!b) return;
    const id = Number(b.dataset.member);
    form.memberIds = form.memberIds.includes(id) ? form.memberIds.filter((x) => x !== id) : [...form.memberIds, id];
    b.setAttribute('aria-pressed', String(form.memberIds.includes(id)));
  });

  for (const id of ['date', 'time'])
    for (const type of ['input', 'change'])
      input(id).addEventListener(type, () => {
        form.when = { date: input('date').value, time: input('time').value };
        $('when-now').hidden = true;
        $('now-btn').hidden = false;
      });
  $('now-btn').addEventListener('click', () => {
    form.when = null;
    renderWhen();
  });

  select('place').addEventListener('change', () => (form.place = select('place').value));

  $('kinds').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('[data-kind]');
    if (!b) return;
    form.kind = b.dataset.kind as Kind;
    for (const x of $('kinds').querySelectorAll('[data-kind]')) x.setAttribute('aria-pressed', String(x === b));
    $('group-box').hidden = form.kind !== 'group';
    $('person-box').hidden = form.kind === 'group';
    if (form.kind === 'group') input('count').focus();
  });

  input('count').addEventListener('input', () => (form.residentsCount = input('count').value));
  input('birth-year').addEventListener('input', () => (form.resident.birthYear = input('birth-year').value));
  select('gender').addEventListener('change', () => (form.resident.gender = select('gender').value as FormState['resident']['gender']));
  select('ethnicity').addEventListener('change', () => (form.resident.ethnicity = select('ethnicity').value));
  input('consent').addEventListener('change', () => {
    form.resident.consent = input('consent').checked;
    input('full-name').disabled = input('phone').disabled = !form.resident.consent;
  });
  input('full-name').addEventListener('input', () => (form.resident.fullName = input('full-name').value));
  input('phone').addEventListener('input', () => (form.resident.phone = input('phone').value));
  $('note').addEventListener('input', () => (form.note = $<HTMLTextAreaElement>('note').value));

  $('services').addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('.svc-btn');
    if (!b) return;
    const code = b.parentElement!.dataset.code!;
    if (form.services.some((s) => s.code === code)) form.services = form.services.filter((s) => s.code !== code);
    else form.services = [...form.services, { code, outcome: prefs.outcomes[code] ?? 'informed' }];
    renderServices();
    $('services').querySelector<HTMLElement>(`[data-code="${code}"] .svc-btn`)?.focus();
  });
  $('services').addEventListener('change', (e) => {
    const sel = e.target as HTMLSelectElement;
    const code = sel.closest<HTMLElement>('.svc')?.dataset.code;
    const s = form.services.find((x) => x.code === code);
    if (s) s.outcome = sel.value;
  });

  $('record-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
  $('cancel-edit').addEventListener('click', () => {
    startForm(form.teamId);
    renderForm();
    showMessage('');
  });

  $('queue-list').addEventListener('click', async (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const id = b?.closest<HTMLElement>('[data-id]')?.dataset.id;
    if (!b || !id) return;
    const q = await getQueued(id);
    if (!q) return;
    if (b.dataset.action === 'delete') {
      if (!confirm('Xoá bản ghi này khỏi máy? Bản ghi chưa được gửi lên máy chủ.')) return;
      await queueStore.remove([id]);
      if (editingId === id) startForm(form.teamId), renderForm();
      await syncer.refresh();
    } else {
      form = formFromRecord(q.record);
      editingId = id;
      renderForm();
      showMessage(`Bị từ chối: ${q.reason ?? ''}`);
      $('record-form').scrollIntoView();
    }
  });

  $('sync-now').addEventListener('click', () => syncer.kick());
  $('sync-badge').addEventListener('click', () => {
    syncer.kick();
    if (!$('queue-box').hidden) $('queue-box').scrollIntoView();
  });
  $('signout').addEventListener('click', async () => {
    const waiting = user ? counts(await queueStore.list(), user.id).total : 0;
    if (waiting && !confirm(`Còn ${waiting} bản ghi chưa đồng bộ. Chúng vẫn được giữ trên máy và sẽ gửi khi bạn đăng nhập lại. Đăng xuất?`)) return;
    await api('/api/auth/logout', { json: {} }).catch(() => {});
    await signedOut();
    showSignIn();
  });

  window.addEventListener('online', () => {
    renderNet();
    syncer.kick();
    if (user) void checkSession();
  });
  window.addEventListener('offline', renderNet);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncer.kick();
  });
  // periodic retry while records wait (backoff after failures is the Syncer's own)
  setInterval(() => {
    if (syncer.state.pending > 0 && !syncer.state.running && syncer.state.nextRetryAt === null) syncer.kick();
    if (form.when === null && !$('view-record').hidden) renderWhen();
  }, PERIODIC_MS);
  navigator.serviceWorker?.addEventListener('message', (e) => {
    if ((e.data as { type?: string })?.type === 'synced') void syncer.refresh().then(() => loadSummary());
  });
}

async function save() {
  if (!user || !ctx) return;
  const id = editingId ?? newId();
  const built = buildRecord(form, id, new Date());
  if (!built.ok) {
    showMessage(built.message);
    return;
  }
  await queueStore.put({ id, userId: user.id, record: built.record, savedAt: Date.now(), status: 'pending' });
  prefs = updatePrefs(prefs, built.record);
  await setValue(`prefs:${user.id}`, prefs);
  const wasEditing = editingId !== null;
  startForm(form.teamId);
  renderForm();
  showMessage(`${wasEditing ? 'Đã sửa' : 'Đã lưu'} lúc ${vnDateTime(new Date()).time}.${navigator.onLine ? '' : ' Sẽ tự đồng bộ khi có mạng.'}`, true);
  window.scrollTo(0, 0);
  await syncer.refresh();
  requestBackgroundSync();
  const outcome = await syncer.run().catch(() => null);
  if (outcome && outcome.done > 0) void loadSummary();
}

/** A random UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Asks the service worker to send the queue when the connection returns, even if the app is closed (Background Sync, where the browser has it). */
function requestBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((reg) => (reg as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(SYNC_TAG))
    .catch(() => {});
}

async function boot() {
  renderNet();
  wire();
  // offline first: open from IndexedDB while the server is asked, then take its answer
  const pre = navigator.onLine ? fetchSession() : null;
  const stored = await getValue<StoredUser>('user').catch(() => undefined);
  if (stored) {
    user = stored;
    prefs = (await getValue<Prefs>(`prefs:${stored.id}`)) ?? emptyPrefs();
    const cached = await getValue<FieldContext>(`context:${stored.id}`);
    if (cached && !stored.mustChangePassword) {
      await useContext(cached);
      show('record');
      renderSummary(await getValue<Summary>(`summary:${stored.id}`));
    }
  }
  await syncer.refresh();
  if (pre) await checkSession(pre);
  else if (!user || !ctx) showSignIn('Lần đầu dùng cần có mạng để đăng nhập. Sau đó ứng dụng dùng được cả khi không có mạng.');
  // the service worker (and the download of its offline copy) only once the form is up: on 3G it would compete with the API calls
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch(() => {});
}

void boot();
