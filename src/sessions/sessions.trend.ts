import type { SupportReport } from './sessions.report.js';

/**
 * The support report's trend, bucket by bucket (days, ISO weeks from Monday, months), for the
 * dashboard's chart and table and for the CSV/.xlsx export. Pure: runs in the browser too.
 */

/** The YYYY-MM-DD day `days` after `iso`. */
function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}

/** First day of the bucket (day, ISO week from Monday, month) that contains `iso`. */
function bucketStart(iso: string, bucket: SupportReport['period']['bucket']): string {
  if (bucket === 'day') return iso;
  if (bucket === 'month') return iso.slice(0, 8) + '01';
  const weekday = (new Date(iso + 'T00:00:00Z').getUTCDay() + 6) % 7;
  return addDays(iso, -weekday);
}

function nextBucket(start: string, bucket: SupportReport['period']['bucket']): string {
  if (bucket === 'day') return addDays(start, 1);
  if (bucket === 'week') return addDays(start, 7);
  const [y, m] = start.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** The last day of `period` that has begun by `today` (YYYY-MM-DD, Vietnam days): min(to, today), or null when `today` is before `from`. */
export function elapsedUntil(period: { from: string; to: string }, today: string): string | null {
  return today < period.from ? null : today < period.to ? today : period.to;
}

/** One bucket of the trend: the days it covers (clipped to the period) and its figures. */
export interface TrendRow {
  from: string;
  to: string;
  sessions: number;
  residents: number;
}

/**
 * Every bucket of the report's period up to today (`period.until`), empty ones included (the
 * report lists only buckets with sessions), each with the days it covers clipped to the period
 * and to today: [{from, to, sessions, residents}]. No day after today is listed (it would be drawn
 * at zero as if nothing had been done); a period wholly ahead has no rows.
 */
export function trendRows(report: Pick<SupportReport, 'period' | 'trend'>): TrendRow[] {
  const { from, bucket, until } = report.period;
  if (until === null) return [];
  const to = until;
  const byStart = new Map(report.trend.map((t) => [t.start, t]));
  const rows: TrendRow[] = [];
  for (let start = bucketStart(from, bucket); start <= to; start = nextBucket(start, bucket)) {
    const end = addDays(nextBucket(start, bucket), -1);
    const point = byStart.get(start);
    rows.push({ from: start < from ? from : start, to: end > to ? to : end, sessions: point?.sessions ?? 0, residents: point?.residents ?? 0 });
  }
  return rows;
}
