/**
 * Dates as people write them in rosters and forms (issue 13, item 6), read into a Vietnam calendar
 * day (YYYY-MM-DD) or refused with the reason. Browser-safe (office date inputs use it too).
 *
 * - dd/mm/yyyy, d/m/yyyy (separators / . -) and yyyy-mm-dd (what the .xlsx reader gives for a
 *   date-formatted cell, maybe with a time): a day that does not exist is refused with why
 *   ("tháng 2 năm 1990 không có ngày 31", "không có tháng 13").
 * - dd/mm/yy: a two-digit year is read in the century that does not put it after `latestYear`
 *   (90 → 1990, 05 → 2005 in 2026) and the reading is returned as a warning
 *   ("đọc là 03/04/1990") for the caller to show.
 * - a 5-digit number, maybe with a fraction ("32874", "32874.5"): an Excel serial day (1900 date
 *   system) of a cell not formatted as a date, when `serials` allows it (a date column).
 */
export type PersonDate = { ok: true; day: string; warning?: string } | { ok: false; reason: string };

const pad = (n: number) => String(n).padStart(2, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** "1990-04-03" → "03/04/1990" */
const shown = (day: string) => day.split('-').reverse().join('/');

/** Checks day, month and year and builds YYYY-MM-DD, or the reason it does not exist. */
function dayOf(y: number, m: number, d: number): PersonDate {
  if (m < 1 || m > 12) return { ok: false, reason: `không có tháng ${m}` };
  if (d < 1) return { ok: false, reason: `không có ngày ${d}` };
  if (d > daysIn(y, m)) return { ok: false, reason: `tháng ${m} năm ${y} không có ngày ${d}` };
  return { ok: true, day: `${y}-${pad(m)}-${pad(d)}` };
}

/** The Excel serial `n` (1900 date system) as YYYY-MM-DD. */
export function excelSerialDay(n: number): string {
  return new Date(Math.round((Math.floor(n) - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

/**
 * Reads `text` as a day. `latestYear`: the last year a two-digit year may fall in (today's year in
 * Vietnam); `serials`: whether a bare 5-digit number is an Excel serial day. Returns null when the
 * text is not written as a date at all (the caller says what it expected).
 */
export function readPersonDate(text: string, opts: { latestYear: number; serials?: boolean }): PersonDate | null {
  const t = text.trim();
  let m = t.match(/^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})$/);
  if (m) {
    const [d, mo] = [Number(m[1]), Number(m[2])];
    if (m[3].length === 4) return dayOf(Number(m[3]), mo, d);
    const yy = Number(m[3]);
    const y = 2000 + yy <= opts.latestYear ? 2000 + yy : 1900 + yy;
    const r = dayOf(y, mo, d);
    return r.ok ? { ...r, warning: `năm viết 2 chữ số ("${t}"): đọc là ${shown(r.day)}` } : r;
  }
  m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/);
  if (m) return dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  if (opts.serials && /^\d{5}(?:\.\d+)?$/.test(t)) return { ok: true, day: excelSerialDay(Number(t)) };
  return null;
}
