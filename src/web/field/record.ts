/**
 * The record form's rules, without the DOM: form state → the sync record the server takes
 * (`syncRecordSchema` in src/sessions/sessions.sync.ts), with the phone-side checks and their
 * Vietnamese messages, and back (to edit a record the server refused); the member's recent
 * choices, most recent first. Pure: tested in Node (record.test.ts).
 */
import { checkNationalId } from '../../residents/national-id.js';
import type { SyncRecord } from '../../sessions/sessions.sync.js';
import { FUTURE_TOLERANCE_MS, MAX_GROUP_SIZE } from '../../sessions/sessions.vocabulary.js';
import { fromVn, vnDate, vnDateTime, vnIso } from '../shared/time.js';
import { cleanFreeText, graphemeLength } from '../../text/measure.js';
import { dateProblem, parseDate, parseTime, timeProblem } from './when.js';

export type { SyncRecord };
export type Kind = SyncRecord['kind'];

/** Longest note, in characters as people see them (text/measure.ts, the server's own count). */
export const NOTE_MAX = 500;

/** The place value meaning "at the commune public-service centre". */
export const CENTRE = 'centre';

/** What the form holds, as typed (numbers still text). */
export interface FormState {
  teamId: number | null;
  memberIds: number[];
  /** the date (dd/mm/yyyy) and time (HH:mm, 24 h) as typed, or null for "now" (the moment of saving) */
  when: { date: string; time: string } | null;
  /** '' somewhere in the commune, CENTRE, or a village code */
  place: string;
  kind: Kind;
  residentsCount: string;
  resident: { fullName: string; birthYear: string; gender: '' | 'male' | 'female'; ethnicity: string; phone: string; /** typed CCCD (residents/national-id.ts) */ nationalId?: string; consent: boolean };
  services: { code: string; outcome: string }[];
  note: string;
}

export type BuildResult = { ok: true; record: SyncRecord } | { ok: false; field: string; message: string };

/** An empty form for a team, with the given defaults. */
export function emptyForm(defaults: { teamId: number | null; memberIds: number[]; place: string; kind: Kind }): FormState {
  return {
    ...defaults,
    memberIds: [...defaults.memberIds],
    when: null,
    residentsCount: '',
    resident: { fullName: '', birthYear: '', gender: '', ethnicity: '', phone: '', consent: false },
    services: [],
    note: '',
  };
}

/**
 * Checks the form and builds the record to queue, with id `id` and `deviceSavedAt` = `now`.
 * Refuses (field + Vietnamese message) what the server would refuse and the phone can see: no team,
 * member or service, a date or time that is not one (fields 'date', 'time'), a time in the future ('when'), a group without a head count, a malformed birth year or
 * phone, and a resident's name or phone without their consent.
 */
export function buildRecord(s: FormState, id: string, now: Date): BuildResult {
  const fail = (field: string, message: string): BuildResult => ({ ok: false, field, message });
  if (s.teamId === null) return fail('team', 'Hãy chọn tổ.');
  if (s.memberIds.length === 0) return fail('members', 'Hãy chọn ít nhất một người thực hiện.');
  let occurred = now;
  if (s.when) {
    const dateWrong = dateProblem(s.when.date, vnDateTime(now).date);
    if (dateWrong) return fail('date', dateWrong);
    const timeWrong = timeProblem(s.when.time);
    if (timeWrong) return fail('time', timeWrong);
    const d = fromVn(parseDate(s.when.date)!, parseTime(s.when.time)!);
    if (!d) return fail('date', 'Ngày giờ chưa đúng: hãy nhập lại ngày và giờ.');
    occurred = d;
  }
  if (occurred.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return fail('when', 'Thời điểm này ở tương lai: hãy kiểm tra ngày giờ.');
  if (s.services.length === 0) return fail('services', 'Hãy chọn ít nhất một dịch vụ đã hướng dẫn.');
  const record: SyncRecord = {
    id,
    teamId: s.teamId,
    memberIds: [...new Set(s.memberIds)],
    occurredAt: vnIso(occurred),
    deviceSavedAt: vnIso(now),
    kind: s.kind,
    services: s.services.map((x) => ({ code: x.code, outcome: x.outcome })),
  };
  if (s.place === CENTRE) record.atServiceCentre = true;
  else if (s.place) record.villageCode = s.place;
  if (s.kind === 'group') {
    const n = Number(s.residentsCount.trim());
    if (!s.residentsCount.trim() || !Number.isInteger(n) || n < 1 || n > MAX_GROUP_SIZE) return fail('residentsCount', `Hãy nhập số người dân tham dự (1–${MAX_GROUP_SIZE}).`);
    record.residentsCount = n;
  } else {
    const r = s.resident;
    const resident: NonNullable<SyncRecord['resident']> = {};
    if (r.birthYear.trim()) {
      const y = Number(r.birthYear.trim());
      const thisYear = Number(vnDateTime(now).date.slice(0, 4));
      if (!Number.isInteger(y) || y < 1900 || y > thisYear) return fail('birthYear', `Năm sinh chưa đúng (từ 1900 đến ${thisYear}).`);
      resident.birthYear = y;
    }
    if (r.gender) resident.gender = r.gender;
    if (r.ethnicity) resident.ethnicity = r.ethnicity;
    const name = r.fullName.trim().replace(/\s+/g, ' ');
    const phone = r.phone.trim();
    if ((name || phone) && !r.consent) return fail('consent', 'Chỉ ghi họ tên, số điện thoại khi người dân đồng ý: hãy đánh dấu "Người dân đồng ý" hoặc xoá các thông tin đó.');
    if (phone && !/^(\+84|84|0)\d{9}$/.test(phone.replace(/[\s.-]/g, ''))) return fail('phone', 'Số điện thoại chưa đúng: 10 chữ số, ví dụ 0912 345 678.');
    const typedId = (r.nationalId ?? '').trim();
    if (typedId && !r.consent) return fail('consent', 'Chỉ ghi số căn cước khi người dân đồng ý: hãy đánh dấu "Người dân đồng ý" hoặc xoá số đó.');
    if (typedId) {
      // same rules as the server; a value that lost leading zeros waits for the user to confirm the suggestion
      const id = checkNationalId(typedId);
      if (id.kind === 'invalid') return fail('nationalId', id.reason);
      if (id.kind === 'repair') return fail('nationalId', id.message);
      resident.nationalId = id.value;
    }
    if (name) resident.fullName = name;
    if (phone) resident.phone = phone;
    if (name || phone || typedId) resident.consent = true;
    if (Object.keys(resident).length) record.resident = resident;
  }
  const note = cleanFreeText(s.note);
  if (graphemeLength(note) > NOTE_MAX) return fail('note', `Ghi chú dài quá ${NOTE_MAX} ký tự.`);
  if (note) record.note = note;
  return { ok: true, record };
}

/** The form state of a stored record (to correct a record the server refused). */
export function formFromRecord(r: SyncRecord): FormState {
  const at = vnDateTime(new Date(r.occurredAt));
  return {
    teamId: r.teamId,
    memberIds: [...r.memberIds],
    when: { date: vnDate(at.date), time: at.time },
    place: r.atServiceCentre ? CENTRE : r.villageCode ?? '',
    kind: r.kind,
    residentsCount: r.residentsCount ? String(r.residentsCount) : '',
    resident: {
      fullName: r.resident?.fullName ?? '',
      birthYear: r.resident?.birthYear ? String(r.resident.birthYear) : '',
      gender: r.resident?.gender ?? '',
      ethnicity: r.resident?.ethnicity ?? '',
      phone: r.resident?.phone ?? '',
      ...(r.resident?.nationalId ? { nationalId: r.resident.nationalId } : {}),
      consent: r.resident?.consent ?? false,
    },
    services: r.services.map((s) => ({ ...s })),
    note: r.note ?? '',
  };
}

/** The member's recent choices on this phone (kept in IndexedDB per user). */
export interface Prefs {
  /** service codes, most recently used first */
  services: string[];
  /** the outcome last chosen per service */
  outcomes: Record<string, string>;
  /** places (village codes, CENTRE, or '' for the commune), most recent first */
  places: string[];
  kind: Kind | null;
  teamId: number | null;
  /** how many sessions of each kind were saved on this phone (the form starts with the most common) */
  kinds?: Partial<Record<Kind, number>>;
  /** the order of the service buttons, fixed once per Vietnam day (YYYY-MM-DD) so a save never reshuffles them */
  order?: { day: string; codes: string[] };
}

export const emptyPrefs = (): Prefs => ({ services: [], outcomes: {}, places: [], kind: null, teamId: null });

/** The kind a new form starts with: the one saved most often on this phone (ties and no history: home). */
export function commonKind(p: Prefs): Kind {
  let best: Kind = 'home';
  for (const [k, n] of Object.entries(p.kinds ?? {}) as [Kind, number][]) if (n > (p.kinds?.[best] ?? 0)) best = k;
  return best;
}

/**
 * The prefs with the service order of `today` (YYYY-MM-DD, Vietnam): the order kept when it is
 * today's, else the recent services pinned for the day. Saves change `services`, not this order.
 */
export function withDayOrder(p: Prefs, today: string): Prefs {
  return p.order?.day === today ? p : { ...p, order: { day: today, codes: [...p.services] } };
}

/** The outcome codes for a service's buttons: the one last chosen for it first, then the vocabulary's order (least to furthest). */
export function outcomeOrder(p: Prefs, code: string, outcomes: readonly string[]): string[] {
  const last = p.outcomes[code];
  return last && outcomes.includes(last) ? [last, ...outcomes.filter((o) => o !== last)] : [...outcomes];
}

/** `list` with `used` moved to the front (in their order), at most `max` long. */
export function remember(list: string[], used: string[], max = 12): string[] {
  return [...new Set([...used, ...list])].slice(0, max);
}

/** The prefs after saving `record`. */
export function updatePrefs(p: Prefs, record: SyncRecord): Prefs {
  const place = record.atServiceCentre ? CENTRE : record.villageCode ?? '';
  return {
    services: remember(p.services, record.services.map((s) => s.code)),
    outcomes: { ...p.outcomes, ...Object.fromEntries(record.services.map((s) => [s.code, s.outcome])) },
    places: remember(p.places, [place], 5),
    kind: record.kind,
    teamId: record.teamId,
    kinds: { ...p.kinds, [record.kind]: (p.kinds?.[record.kind] ?? 0) + 1 },
    ...(p.order ? { order: p.order } : {}),
  };
}

/** `items` with those named in `recent` first, in the order of `recent`; the rest keep their order. */
export function byRecent<T>(items: readonly T[], key: (item: T) => string, recent: readonly string[]): T[] {
  const rank = new Map(recent.map((k, i) => [k, i]));
  return items
    .map((item, i) => ({ item, i, r: rank.get(key(item)) ?? recent.length }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}
