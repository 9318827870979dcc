/**
 * Dates in Vietnam's time zone (Asia/Ho_Chi_Minh, UTC+7, no daylight saving). A "day" in
 * Ngõ Số is always a Vietnamese calendar day; dates shown to people are dd/mm/yyyy.
 */
import { now as clockNow } from './clock.js';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Vietnam date (YYYY-MM-DD) of `now`; by default of the current clock (text/clock.ts). */
export function todayInVietnam(now: Date = clockNow()): string {
  const day = dayFormat.format(now);
  // a year before 1000 comes unpadded ("999-06-15"), which PostgreSQL would read as another year
  return day.length === 10 ? day : day.replace(/^\d+/, (y) => y.padStart(4, '0'));
}

/** The Vietnam year of `now`; by default of the current clock. */
export function yearInVietnam(now: Date = clockNow()): number {
  return Number(todayInVietnam(now).slice(0, 4));
}

/** "2025-07-01" → "01/07/2025". */
export function formatDateVi(isoDay: string): string {
  const [y, m, d] = isoDay.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

const timeFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false });

/** An instant as people read it in messages, Vietnam time: "08:05 ngày 05/11/2026". */
export function formatDateTimeVi(at: Date): string {
  return `${timeFormat.format(at)} ngày ${formatDateVi(todayInVietnam(at))}`;
}

/** True when `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(value + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
