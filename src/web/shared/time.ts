/**
 * Vietnam time on the phone (Asia/Ho_Chi_Minh is UTC+7 all year, no daylight saving), whatever
 * time zone the phone itself is set to. Pure: runs in the browser, the service worker and Node.
 */
import { formatDateVi, isIsoDay, todayInVietnam } from '../../text/dates.js';

const VN_OFFSET_MS = 7 * 3_600_000;

/** The Vietnamese date ("YYYY-MM-DD") and time ("HH:mm") of an instant. */
export function vnDateTime(at: Date): { date: string; time: string } {
  const s = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return { date: s.slice(0, 10), time: s.slice(11, 16) };
}

/** An instant as ISO 8601 in Vietnam time with its offset: "2026-11-29T08:30:00+07:00". */
export function vnIso(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 19) + '+07:00';
}

/** The instant of a Vietnamese date ("YYYY-MM-DD") and time ("HH:mm"); null when either is malformed or not a real date. */
export function fromVn(date: string, time: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const d = new Date(`${date}T${time}:00+07:00`);
  if (Number.isNaN(d.getTime()) || vnDateTime(d).date !== date) return null;
  return d;
}

/** "08:30 29/11/2026" for an ISO instant, in Vietnam time. */
export function vnLabel(iso: string): string {
  const { date, time } = vnDateTime(new Date(iso));
  return `${time} ${date.split('-').reverse().join('/')}`;
}

/** Today's date in Vietnam as "YYYY-MM-DD" (the server's own rule, text/dates.ts). */
export const vnToday = todayInVietnam;

/** "2025-07-01" (or an ISO timestamp's date part) → "01/07/2025"; '' for null or anything else. */
export function vnDate(iso: string | null | undefined): string {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? formatDateVi(iso) : '';
}

/** "01/07/2025" (also "1/7/2025", "01-07-2025", "01.07.2025") → "2025-07-01"; null when it is no real date. */
export function fromVnDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isIsoDay(iso) ? iso : null;
}

/** A moment (Date or ISO timestamp; default now) in Vietnam time as "dd/mm/yyyy HH:mm" (with ":ss" when `seconds`). */
export function vnDateTimeLabel(at: Date | string = new Date(), seconds = false): string {
  const d = new Date(at);
  const s = new Date(d.getTime() + VN_OFFSET_MS).toISOString();
  return `${vnDate(s)} ${s.slice(11, seconds ? 19 : 16)}`;
}

/** "9:05", "09:05" (24-hour clock) → "09:05"; null when it is no time of day (also for "9:05 AM"). */
export function fromVnTime(text: string): string | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}
