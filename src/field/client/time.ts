/**
 * Vietnam time on the phone (Asia/Ho_Chi_Minh is UTC+7 all year, no daylight saving), whatever
 * time zone the phone itself is set to. Pure: runs in the browser, the service worker and Node.
 */
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
