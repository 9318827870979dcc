/**
 * Why a date someone wrote is not a day, in Vietnamese, with the reason ("31/02/2026 không có
 * (tháng 2 năm 2026 không có ngày 31)"), for the dashboards' period picker (dd/mm/yyyy) and the
 * support report's 400 (from/to/date as YYYY-MM-DD). The calendar rule and its reasons are
 * text/person-date.ts's (one rule for every date people write); this only words the answer for
 * a field or a query parameter. Pure, browser-safe.
 */
import { readPersonDate } from './person-date.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Any year is allowed here (the callers check their own range); four digits are required. */
const ANY_YEAR = { latestYear: 9999 };

/**
 * A day typed by a person: dd/mm/yyyy (also d/m/yyyy, with - or . between) → {day: YYYY-MM-DD},
 * or {error} saying what is wrong: not a date at all, or why it does not exist.
 */
export function readDayVi(text: string): { day: string } | { error: string } {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return { error: text.trim() ? `"${text.trim()}" không phải một ngày: hãy nhập ngày/tháng/năm, ví dụ 01/11/2026.` : 'Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 01/11/2026.' };
  const read = readPersonDate(text, ANY_YEAR);
  if (read?.ok) return { day: read.day };
  return { error: `${pad(Number(m[1]))}/${pad(Number(m[2]))}/${m[3]} không có (${read?.reason ?? 'không phải ngày'}).` };
}

/**
 * What is wrong with a YYYY-MM-DD value of a query parameter `name` (from, to, date), or null
 * when it is a real day: "from=2026-02-31: 31/02/2026 không có (tháng 2 năm 2026 không có ngày 31)."
 */
export function isoDayProblem(name: string, value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return `${name}="${value}" không đúng dạng YYYY-MM-DD (ví dụ ${name}=2026-01-31).`;
  const read = readPersonDate(value, ANY_YEAR);
  if (read?.ok) return null;
  return `${name}=${value}: ${m[3]}/${m[2]}/${m[1]} không có (${read?.reason ?? 'không phải ngày'}).`;
}
