/**
 * Why a date someone wrote is not a day, in Vietnamese, with the reason ("31/02/2026 không có:
 * tháng 02/2026 chỉ có 28 ngày"), for the dashboards' period picker (dd/mm/yyyy) and the support
 * report's 400 (from/to/date as YYYY-MM-DD). Proleptic Gregorian calendar; pure, browser-safe.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Why year `y`, month `m`, day `d` is no calendar day ("13/13/2026 không có: tháng chỉ từ 01 đến
 * 12."), or null when it is one. The date is shown dd/mm/yyyy as written.
 */
export function impossibleDayReason(y: number, m: number, d: number): string | null {
  const shown = `${pad(d)}/${pad(m)}/${pad(y, 4)}`;
  if (m < 1 || m > 12) return `${shown} không có: tháng chỉ từ 01 đến 12.`;
  if (d < 1) return `${shown} không có: ngày bắt đầu từ 01.`;
  const last = daysInMonth(y, m);
  if (d > last) return `${shown} không có: tháng ${pad(m)}/${pad(y, 4)} chỉ có ${last} ngày.`;
  return null;
}

/**
 * A day typed by a person: dd/mm/yyyy (also d/m/yyyy, with - or . between) → {day: YYYY-MM-DD},
 * or {error} saying what is wrong: not a date at all, or which part is impossible.
 */
export function readDayVi(text: string): { day: string } | { error: string } {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return { error: text.trim() ? `"${text.trim()}" không phải một ngày: hãy nhập ngày/tháng/năm, ví dụ 01/11/2026.` : 'Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 01/11/2026.' };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const reason = impossibleDayReason(y, mo, d);
  return reason ? { error: reason } : { day: `${pad(y, 4)}-${pad(mo)}-${pad(d)}` };
}

/**
 * What is wrong with a YYYY-MM-DD value of a query parameter `name` (from, to, date), or null
 * when it is a real day: "from=2026-02-31: 31/02/2026 không có: tháng 02/2026 chỉ có 28 ngày."
 */
export function isoDayProblem(name: string, value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return `${name}="${value}" không đúng dạng YYYY-MM-DD (ví dụ ${name}=2026-01-31).`;
  const reason = impossibleDayReason(Number(m[1]), Number(m[2]), Number(m[3]));
  return reason ? `${name}=${value}: ${reason}` : null;
}
