/**
 * The session's date and time as typed, the Vietnamese way whatever the browser's language: the
 * date as dd/mm/yyyy, the time on the 24-hour clock (HH:mm). Native date and time inputs follow
 * the browser's locale (mm/dd and AM/PM in an English browser), so the form uses text boxes with
 * a numeric keypad; a phone's numeric keypad often has no "/" or ":", so the separators are put
 * in while typing and other separators (". - space h") are taken too. Pure: tested in Node.
 */
import { fromVnDate, fromVnTime, vnDate } from '../shared/time.js';

const DATE_SEPARATORS = /[.\-\s]+/g;
const TIME_SEPARATORS = /[.hH\s]+/g;

/** How many digits the first part takes: one when no two-digit value starting so can exist ("4" → a 4th day). */
function partLength(digits: string, max: number): number {
  const first = Number(digits[0]);
  if (first > Math.floor(max / 10)) return 1;
  return digits.length >= 2 && Number(digits.slice(0, 2)) > max ? 1 : 2;
}

/**
 * The date box's text after a keystroke: digits only get their slashes ("0601" → "06/01",
 * "06012026" → "06/01/2026"); ". - space" become "/"; anything else is left for the check.
 */
export function typeDate(text: string): string {
  const typed = text.replace(DATE_SEPARATORS, '/');
  // the slashes put in at an earlier keystroke, then more digits ("01/122026"): read the digits anew
  const parts = typed.split('/');
  const t = /^[\d/]+$/.test(typed) && parts.length === 2 && parts[0].length <= 2 && parts[1].length > 2 ? parts.join('') : typed;
  if (!/^\d+$/.test(t)) return t;
  const dayLen = partLength(t, 31);
  const day = t.slice(0, dayLen);
  const rest = t.slice(dayLen);
  if (!rest) return day;
  const monthLen = partLength(rest, 12);
  const month = rest.slice(0, monthLen);
  const year = rest.slice(monthLen, monthLen + 4);
  return year ? `${day}/${month}/${year}` : `${day}/${month}`;
}

/** The time box's text after a keystroke: digits only get their colon ("0930" → "09:30", "930" → "9:30"); ". h space" become ":". */
export function typeTime(text: string): string {
  const t = text.replace(TIME_SEPARATORS, ':');
  if (!/^\d+$/.test(t)) return t;
  const hourLen = partLength(t, 23);
  const hour = t.slice(0, hourLen);
  const minute = t.slice(hourLen, hourLen + 2);
  return minute ? `${hour}:${minute}` : hour;
}

/** The ISO date ("2026-01-06") of a typed date ("06/01/2026", "6/1/2026", "06012026", "6.1.2026"); null when it is no real date. */
export function parseDate(text: string): string | null {
  return fromVnDate(typeDate(text.trim()));
}

/** "HH:mm" of a typed time ("9:30", "09:30", "0930", "9h30"); null when it is no time of day. */
export function parseTime(text: string): string | null {
  return fromVnTime(typeTime(text.trim()));
}

/** The date box tidied when it loses focus: "6/1/2026" → "06/01/2026"; unchanged when it is no date. */
export function tidyDate(text: string): string {
  const iso = parseDate(text);
  return iso ? vnDate(iso) : text;
}

/** The time box tidied when it loses focus: "9:5" stays, "930" → "09:30". */
export function tidyTime(text: string): string {
  return parseTime(text) ?? text;
}

/** The Vietnamese message for a date box that is not a date, or null when it is one. */
export function dateProblem(text: string, today: string): string | null {
  if (!text.trim()) return `Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ ${vnDate(today)}.`;
  return parseDate(text) ? null : `Ngày chưa đúng: nhập ngày/tháng/năm, ví dụ ${vnDate(today)}.`;
}

/** The Vietnamese message for a time box that is not a time of day, or null when it is one. */
export function timeProblem(text: string): string | null {
  if (!text.trim()) return 'Hãy nhập giờ theo dạng giờ:phút (24 giờ), ví dụ 14:30.';
  return parseTime(text) ? null : 'Giờ chưa đúng: nhập giờ:phút theo 24 giờ (0–23), ví dụ 14:30.';
}
