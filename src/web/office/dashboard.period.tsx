/**
 * The dashboards' period: read from the hash (&period=day|week|month|quarter|year&date=YYYY-MM-DD,
 * or &from=…&to=…), named in Vietnamese ("Tháng 11/2026", "Quý IV/2026"), stepped back and forth,
 * and chosen in a small form (dates typed dd/mm/yyyy). The server resolves the period to days
 * (sessions.report.ts resolvePeriod); this only picks what to ask.
 */
import { useState } from 'preact/hooks';
import { REPORT_YEARS } from '../../sessions/sessions.vocabulary.js';
import { readDayVi } from '../../text/day-reason.js';
import type { Endpoints } from '../shared/endpoints.js';
import { fromVn, vnDate, vnToday } from '../shared/time.js';

export type SupportReport = Endpoints['GET /api/reports/support']['response'];
type Kind = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type Period = { kind: Kind; date: string } | { kind: 'range'; from: string; to: string };

export const PERIODS: Record<Kind | 'range', string> = { day: 'Ngày', week: 'Tuần', month: 'Tháng', quarter: 'Quý', year: 'Năm', range: 'Khoảng ngày tùy chọn' };
const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const ROMAN = ['I', 'II', 'III', 'IV'];

const utc = (day: string) => new Date(day + 'T00:00:00Z');
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(new Date(utc(day).getTime() + n * 86_400_000));
const addMonths = (day: string, n: number) => {
  const [y, m] = day.split('-').map(Number);
  return iso(new Date(Date.UTC(y, m - 1 + n, 1)));
};

/** A real YYYY-MM-DD day in the years the report covers; anything else in the address falls back to this month. */
export function isReportDay(s: string | null | undefined): s is string {
  if (!s || !fromVn(s, '00:00')) return false;
  const year = Number(s.slice(0, 4));
  return year >= REPORT_YEARS.first && year <= REPORT_YEARS.last;
}

/**
 * A day typed in the picker → {day} or {error} saying what is wrong, prefixed by the field's
 * label: "Từ ngày: 31/02/2026 không có: tháng 02/2026 chỉ có 28 ngày.", a year outside the
 * report's years, or text that is no date.
 */
export function readPickerDay(label: string, text: string): { day: string } | { error: string } {
  const read = readDayVi(text);
  if ('error' in read) return { error: `${label}: ${read.error}` };
  const year = Number(read.day.slice(0, 4));
  if (year < REPORT_YEARS.first || year > REPORT_YEARS.last) return { error: `${label}: năm ${year} nằm ngoài khoảng ${REPORT_YEARS.first}–${REPORT_YEARS.last} mà báo cáo hỗ trợ.` };
  return read;
}

/**
 * The days the figures cover, after the period's name: " (01/12/2026 – 31/12/2026)" for a past
 * period, " (01/12/2026 – 02/12/2026, đến hôm nay)" for one that runs past today (the report's
 * `until`: charts stop there; " (01/12/2026, hôm nay)" on its first day), " (chưa tới)" for one
 * wholly ahead. A day says only whether it is
 * today or ahead; a range says its end is today.
 */
export function periodSpan(kind: Period['kind'], period: SupportReport['period']): string {
  const { from, to, until } = period;
  if (until === null) return ' (chưa tới: chưa có số liệu)';
  const toToday = until < to;
  if (kind === 'day') return '';
  if (kind === 'range') return toToday ? ` (số liệu đến hôm nay, ${vnDate(until)})` : '';
  // the period's first day is today: one day, not "07/12/2026 – 07/12/2026"
  if (toToday && from === until) return ` (${vnDate(from)}, hôm nay)`;
  return toToday ? ` (${vnDate(from)} – ${vnDate(until)}, đến hôm nay)` : ` (${vnDate(from)} – ${vnDate(to)})`;
}

/** The period of the page, from the hash query (this month by default). */
export function periodOf(query: URLSearchParams): Period {
  const from = query.get('from');
  const to = query.get('to');
  if (isReportDay(from) && isReportDay(to)) return { kind: 'range', from, to };
  const asked = query.get('period');
  const kind: Kind = asked && asked !== 'range' && asked in PERIODS ? (asked as Kind) : 'month';
  const date = query.get('date');
  return { kind, date: isReportDay(date) ? date : vnToday() };
}

/** The period as the report's query: {from, to} or {period, date}. */
export const periodParams = (p: Period): { from: string; to: string } | { period: Kind; date: string } => (p.kind === 'range' ? { from: p.from, to: p.to } : { period: p.kind, date: p.date });

/** The same period one step earlier (-1) or later (+1). */
function shift(p: Extract<Period, { date: string }>, step: number): Period {
  const date = { day: () => addDays(p.date, step), week: () => addDays(p.date, 7 * step), month: () => addMonths(p.date, step), quarter: () => addMonths(p.date, 3 * step), year: () => addMonths(p.date, 12 * step) }[p.kind]();
  return { kind: p.kind, date };
}

/** "Tháng 11/2026", "Quý IV/2026", "Tuần 23/11 – 29/11/2026", "Thứ Hai, 02/11/2026", "01/10/2026 – 30/11/2026". */
export function periodLabel(kind: Period['kind'], from: string, to: string): string {
  const [y, m] = from.split('-').map(Number);
  switch (kind) {
    case 'day':
      return `${WEEKDAYS[utc(from).getUTCDay()]}, ${vnDate(from)}`;
    case 'week':
      return `Tuần ${vnDate(from).slice(0, 5)} – ${vnDate(to)}`;
    case 'month':
      return `Tháng ${String(m).padStart(2, '0')}/${y}`;
    case 'quarter':
      return `Quý ${ROMAN[Math.floor((m - 1) / 3)]}/${y}`;
    case 'year':
      return `Năm ${y}`;
    default:
      return `${vnDate(from)} – ${vnDate(to)}`;
  }
}

function DayField({ id, label, value, onInput, hidden }: { id: string; label: string; value: string; onInput: (v: string) => void; hidden: boolean }) {
  return (
    <div class="field" hidden={hidden}>
      <label for={id}>{label}</label>
      <input type="text" id={id} inputMode="numeric" placeholder="dd/mm/yyyy" maxLength={10} autocomplete="off" pattern="\d{1,2}/\d{1,2}/\d{4}" value={value} onInput={(e) => onInput(e.currentTarget.value)} />
    </div>
  );
}

/**
 * The period picker: its name and days, previous / today / next, and a form (kind, a day in it
 * or a range, dd/mm/yyyy). `go` is called with the period chosen (the page changes the hash);
 * a date that is not one is refused in the form, with a message.
 */
export function PeriodPicker({ period: p, report: r, go }: { period: Period; report: SupportReport; go: (next: Period) => void }) {
  const [kind, setKind] = useState<Period['kind']>(p.kind);
  const [day, setDay] = useState(vnDate(p.kind === 'range' ? r.period.from : p.date));
  const [from, setFrom] = useState(vnDate(r.period.from));
  const [to, setTo] = useState(vnDate(r.period.to));
  const [error, setError] = useState('');
  const range = kind === 'range';

  const submit = (e: Event) => {
    e.preventDefault();
    setError('');
    if (kind === 'range') {
      const a = readPickerDay('Từ ngày', from);
      if ('error' in a) return setError(a.error);
      const b = readPickerDay('Đến ngày', to);
      if ('error' in b) return setError(b.error);
      if (a.day > b.day) return setError(`"Từ ngày" (${vnDate(a.day)}) phải trước hoặc bằng "Đến ngày" (${vnDate(b.day)}).`);
      return go({ kind: 'range', from: a.day, to: b.day });
    }
    const d = readPickerDay('Ngày trong kỳ', day);
    if ('error' in d) return setError(d.error);
    go({ kind, date: d.day });
  };

  const span = periodSpan(p.kind, r.period);
  return (
    <section class="period">
      <p class="period-label" data-period="">
        {periodLabel(p.kind, r.period.from, r.period.to)}
        <span class="muted">{span}</span>
      </p>
      {p.kind === 'range' ? null : (
        <div class="period-steps">
          <button type="button" class="btn-secondary" onClick={() => go(shift(p, -1))} aria-label={`${PERIODS[p.kind]} trước`}>
            {`‹ ${PERIODS[p.kind]} trước`}
          </button>
          <button type="button" class="btn-secondary" onClick={() => go({ kind: p.kind, date: vnToday() })}>
            Hôm nay
          </button>
          <button type="button" class="btn-secondary" onClick={() => go(shift(p, 1))} aria-label={`${PERIODS[p.kind]} sau`}>
            {`${PERIODS[p.kind]} sau ›`}
          </button>
        </div>
      )}
      <form class="period-form card" aria-label="Chọn thời gian" onSubmit={submit}>
        <div class="field">
          <label for="p-kind">Xem theo</label>
          <select id="p-kind" name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Period['kind'])}>
            {(Object.keys(PERIODS) as Period['kind'][]).map((k) => (
              <option key={k} value={k}>
                {PERIODS[k]}
              </option>
            ))}
          </select>
        </div>
        <DayField id="p-date" label="Ngày trong kỳ" value={day} onInput={setDay} hidden={range} />
        <DayField id="p-from" label="Từ ngày" value={from} onInput={setFrom} hidden={!range} />
        <DayField id="p-to" label="Đến ngày" value={to} onInput={setTo} hidden={!range} />
        <button type="submit">Xem</button>
        <p class="form-status error-text" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}
