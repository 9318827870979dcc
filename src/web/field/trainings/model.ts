/**
 * The trainings part of the field app (issue 14, item 7) without storage, network or DOM: the
 * screens' addresses (#tap-huan…, and #diem-danh/… which the point's QR holds), the check-in
 * records the phone queues, a point's check-in list (the server's answer merged with what waits
 * on the phone), the diacritic-blind search over it, and the phone's clock against the server's.
 * Pure: tested in Node (model.test.ts). Browser-safe imports only (text/vietnamese.ts,
 * trainings.code.ts and shared/time.ts import nothing of the server).
 */
import { parseCheckInUrl } from '../../../trainings/trainings.code.js';
import type { AttendanceInput } from '../../../trainings/trainings.contract.js';
import { compareVietnameseNames, searchKey } from '../../../text/vietnamese.js';
import type { Endpoints } from '../../shared/endpoints.js';
import { vnDateTime, vnIso } from '../../shared/time.js';
import type { QueuedRecord } from '../queue.js';

export type Hosting = Endpoints['GET /api/trainings/hosting']['response'];
export type HostSession = Hosting['sessions'][number];
export type HostPoint = HostSession['points'][number];
export type Mine = Endpoints['GET /api/trainings/mine']['response'];
export type MyTraining = Mine['trainings'][number];

/** A check-in on the phone: waiting, refused (with the server's reason), or taken by the server (`sentAt`, kept to be shown until the server's lists hold it). */
export interface CheckIn extends QueuedRecord<AttendanceInput> {
  /** the instant of the tap by the server's clock (the phone's clock less its offset then), ms */
  at: number;
  /** when the server took it (accepted or duplicate), phone ms; absent while waiting or refused */
  sentAt?: number;
  /** the server's answer to a record it took */
  answer?: { status: string; reason?: string; late?: boolean; fullName?: string; notInvited?: boolean };
}

/** A server answer kept on the phone with the phone's clock against the server's at that moment. */
export interface Cached<T> {
  data: T;
  /** phone ms when it arrived */
  fetchedAt: number;
  /** phone minus server, ms (positive: the phone is ahead) */
  offsetMs: number;
}

// ---------- addresses ----------

/** The screens of the trainings part, from the address's hash. */
export type Route =
  | { name: 'home' }
  | { name: 'point'; trainingId: number; pointId: number }
  | { name: 'qr'; trainingId: number; pointId: number }
  | { name: 'mine' }
  | { name: 'code' }
  | { name: 'scan'; trainingId: number; pointId: number; window: number; code: string }
  | { name: 'result'; id: string };

/**
 * The route of a hash: "#tap-huan" (the host's sessions), "#tap-huan/diem/T/P" (a point's list),
 * "#tap-huan/qr/T/P", "#tap-huan/cua-toi", "#tap-huan/nhap-ma", "#tap-huan/ket-qua/UUID" (a self
 * check-in's outcome) and "#diem-danh/T/P/WINDOW/CODE" (the QR's address, trainings.code.ts);
 * null for anything else (the record form).
 */
export function parseRoute(hash: string): Route | null {
  const scan = parseCheckInUrl(hash);
  if (scan) return { name: 'scan', ...scan };
  const parts = hash.replace(/^#/, '').split('/');
  if (parts[0] !== 'tap-huan') return null;
  const n = (s: string | undefined) => (s && /^\d{1,9}$/.test(s) ? Number(s) : null);
  const [, what, a, b] = parts;
  if (what === undefined || what === '') return { name: 'home' };
  if ((what === 'diem' || what === 'qr') && n(a) && n(b)) return { name: what === 'diem' ? 'point' : 'qr', trainingId: n(a)!, pointId: n(b)! };
  if (what === 'cua-toi') return { name: 'mine' };
  if (what === 'nhap-ma') return { name: 'code' };
  if (what === 'ket-qua' && a && /^[0-9a-f-]{36}$/i.test(a)) return { name: 'result', id: a };
  return { name: 'home' };
}

/** The hash of a route (the inverse of parseRoute, but for 'scan', which only a QR makes). */
export function routeHash(r: Exclude<Route, { name: 'scan' }>): string {
  switch (r.name) {
    case 'home':
      return '#tap-huan';
    case 'point':
      return `#tap-huan/diem/${r.trainingId}/${r.pointId}`;
    case 'qr':
      return `#tap-huan/qr/${r.trainingId}/${r.pointId}`;
    case 'mine':
      return '#tap-huan/cua-toi';
    case 'code':
      return '#tap-huan/nhap-ma';
    case 'result':
      return `#tap-huan/ket-qua/${r.id}`;
  }
}

// ---------- the phone's clock ----------

/**
 * The phone's offset against the server (phone minus server, ms) from a request sent at `sentAt`
 * and answered at `receivedAt` (phone ms) carrying the server's `serverNow` (ISO): the server read
 * its clock about halfway through the round trip.
 */
export function measureOffset(sentAt: number, receivedAt: number, serverNow: string): number {
  return Math.round((sentAt + receivedAt) / 2 - Date.parse(serverNow));
}

/** "08:00–11:00" of a session, Vietnam time; the end's date is added when it ends another day. */
export function timeRange(startsAt: string | null, endsAt: string | null): string {
  if (!startsAt || !endsAt) return '';
  const a = vnDateTime(new Date(startsAt));
  const b = vnDateTime(new Date(endsAt));
  return `${a.time}–${b.time}${a.date === b.date ? '' : ` ${b.date.split('-').reverse().join('/')}`}`;
}

/** "Hôm nay", "Ngày mai", "Hôm qua" or "Thứ … dd/mm/yyyy" for a Vietnamese day against today's (both YYYY-MM-DD). */
export function dayLabel(day: string, today: string): string {
  const diff = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  const date = day.split('-').reverse().join('/');
  if (diff === 0) return `Hôm nay, ${date}`;
  if (diff === 1) return `Ngày mai, ${date}`;
  if (diff === -1) return `Hôm qua, ${date}`;
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return `${wd === 0 ? 'Chủ nhật' : `Thứ ${['', 'hai', 'ba', 'tư', 'năm', 'sáu', 'bảy'][wd]}`}, ${date}`;
}

// ---------- records ----------

/**
 * A check-in by the point's host: a registry member (`who` = member id) or a walk-in (name and
 * phone as typed). `phoneNow` is the phone's own clock: the server subtracts the offset it measures
 * from the sync's `deviceNow`, so the time is not corrected twice.
 */
export function hostRecord(id: string, trainingId: number, pointId: number, who: number | { fullName: string; phone?: string }, phoneNow: Date): AttendanceInput {
  const base = { id, trainingId, pointId, method: 'host' as const, checkedInAt: vnIso(phoneNow) };
  if (typeof who === 'number') return { ...base, memberId: who };
  const phone = who.phone?.trim();
  return { ...base, walkIn: { fullName: who.fullName.trim(), ...(phone ? { phone } : {}) } };
}

/** A member's own check-in with the point's code (scanned: with its window; typed: without, the server tries the current windows). */
export function selfRecord(id: string, c: { trainingId: number; pointId: number; code: string; window?: number }, phoneNow: Date): AttendanceInput {
  return { id, trainingId: c.trainingId, pointId: c.pointId, method: 'self', ...(c.window !== undefined ? { window: c.window } : {}), code: c.code, checkedInAt: vnIso(phoneNow) };
}

/** The self check-in already made on this phone from the same code (a QR opened twice is one check-in), if any. */
export function sameSelf(outbox: readonly CheckIn[], c: { trainingId: number; pointId: number; code: string; window?: number }): CheckIn | undefined {
  return outbox.find((q) => q.record.method === 'self' && q.record.trainingId === c.trainingId && q.record.pointId === c.pointId && q.record.code === c.code && q.record.window === c.window && q.status !== 'rejected');
}

/** Why a walk-in cannot be recorded as typed (name of at least 2 letters; a phone of 9–11 digits, +84 allowed), or null. */
export function walkInProblem(fullName: string, phone: string): { field: 'fullName' | 'phone'; message: string } | null {
  if (fullName.trim().length < 2) return { field: 'fullName', message: 'Hãy nhập họ và tên (ít nhất 2 ký tự).' };
  const digits = phone.replace(/[\s.\-()]/g, '');
  if (digits && !/^(\+84|0)\d{8,10}$/.test(digits)) return { field: 'phone', message: 'Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84); bỏ trống nếu không có.' };
  return null;
}

// ---------- a point's check-in list ----------

/** Where one person stands at the point: not yet, waiting on the phone (can be undone), taken, refused, or checked in at another point of the session. */
export type RowState =
  | { kind: 'none' }
  | { kind: 'pending'; id: string; at: number }
  | { kind: 'done'; at: number; note?: string }
  | { kind: 'rejected'; id: string; reason: string }
  | { kind: 'elsewhere' };

export interface RosterRow {
  /** stable key: "m<member id>", or "w<record id>" for a walk-in */
  key: string;
  memberId: number | null;
  fullName: string;
  teamName: string | null;
  state: RowState;
  /** the name's search key (diacritics dropped), for `filterRoster` */
  search: string;
}

export interface Roster {
  /** the invited members (and anyone else checked in here), by given name as the server sorts them */
  members: RosterRow[];
  /** people not in the registry, recorded by name */
  walkIns: RosterRow[];
  /** people checked in here: by the server's list or on the phone (waiting included) */
  checkedIn: number;
  invited: number;
}

/**
 * The check-in list of `pointId` in `session` (the hosting answer) with the phone's own records
 * of the signed-in host (`outbox`: waiting, refused, taken): one row per invited member, sorted by
 * given name as served; a member checked in here who was not invited is added; walk-ins apart.
 * A record's time is the instant of the tap by the server's clock; the server's are its own.
 */
export function pointRoster(session: HostSession, pointId: number, outbox: readonly CheckIn[]): Roster {
  const point = session.points.find((p) => p.pointId === pointId);
  const server = point?.checkedIn ?? [];
  const mine = outbox.filter((q) => q.record.trainingId === session.id && q.record.pointId === pointId && q.record.method === 'host');
  const serverIds = new Set(server.map((s) => s.id.toLowerCase()));
  const elsewhere = new Set(session.elsewhere);
  const at = (iso: string | null) => (iso ? Date.parse(iso) : 0);

  const stateOf = (memberId: number): RowState => {
    const s = server.find((x) => x.memberId === memberId);
    if (s) return { kind: 'done', at: at(s.checkedInAt) };
    const local = mine.filter((q) => q.record.memberId === memberId);
    const sent = local.find((q) => q.sentAt !== undefined);
    if (sent) return { kind: 'done', at: sent.at, ...(sent.answer?.status === 'duplicate' && sent.answer.reason ? { note: sent.answer.reason } : {}) };
    const pending = local.find((q) => q.status === 'pending');
    if (pending) return { kind: 'pending', id: pending.id, at: pending.at };
    const refused = local.find((q) => q.status === 'rejected');
    if (refused) return { kind: 'rejected', id: refused.id, reason: refused.reason ?? '' };
    return elsewhere.has(memberId) ? { kind: 'elsewhere' } : { kind: 'none' };
  };
  const row = (memberId: number, fullName: string, teamName: string | null): RosterRow => ({ key: `m${memberId}`, memberId, fullName, teamName, state: stateOf(memberId), search: searchKey(fullName) });

  const members = session.invited.map((m) => row(m.memberId, m.fullName, m.teamName));
  const listed = new Set(session.invited.map((m) => m.memberId));
  const extra = server.filter((s) => s.memberId !== null && !listed.has(s.memberId)).map((s) => row(s.memberId!, s.fullName, null));
  extra.sort((a, b) => compareVietnameseNames(a.fullName, b.fullName));

  const walkIns: RosterRow[] = server
    .filter((s) => s.memberId === null)
    .map((s) => ({ key: `w${s.id}`, memberId: null, fullName: s.fullName, teamName: null, state: { kind: 'done', at: at(s.checkedInAt) } as RowState, search: searchKey(s.fullName) }));
  for (const q of mine) {
    const w = q.record.walkIn;
    if (!w || serverIds.has(q.id.toLowerCase())) continue;
    const state: RowState = q.sentAt !== undefined ? { kind: 'done', at: q.at } : q.status === 'pending' ? { kind: 'pending', id: q.id, at: q.at } : { kind: 'rejected', id: q.id, reason: q.reason ?? '' };
    walkIns.push({ key: `w${q.id}`, memberId: null, fullName: w.fullName, teamName: w.phone ?? null, state, search: searchKey(w.fullName) });
  }
  const all = [...members, ...extra];
  const counted = (r: RosterRow) => r.state.kind === 'done' || r.state.kind === 'pending';
  // checked in of the invited list: walk-ins are shown apart, never against the invited total
  return { members: all, walkIns, checkedIn: all.filter(counted).length, invited: session.invited.length };
}

/** The rows whose name holds every word of `query`, diacritics and case ignored ("hoa" finds "Quàng Thị Hoà"). */
export function filterRoster(rows: readonly RosterRow[], query: string): RosterRow[] {
  const words = searchKey(query).split(' ').filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((r) => words.every((w) => r.search.split(' ').some((part) => part.startsWith(w))));
}

/** The sessions of the hosting answer from `today` on (a session of yesterday only while it runs on), in order, grouped by day. */
export function sessionsByDay(hosting: Hosting, today: string): { day: string; sessions: HostSession[] }[] {
  const groups = new Map<string, HostSession[]>();
  for (const s of hosting.sessions) {
    const last = s.endsAt ? vnDateTime(new Date(s.endsAt)).date : s.day;
    if (last < today) continue;
    groups.set(s.day, [...(groups.get(s.day) ?? []), s]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, sessions]) => ({ day, sessions }));
}
