import { describe, expect, it } from 'vitest';
import { FixedClock, useClock } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { resolvePeriod } from './sessions.report.js';
import { elapsedUntil, trendRows } from './sessions.trend.js';

/** The trend stops at today (issue 13, item 9): no day after today is listed, so none is drawn at zero. */
const periodAt = (query: Parameters<typeof resolvePeriod>[0], now: string) => {
  const restore = useClock(new FixedClock(now));
  try {
    const p = resolvePeriod(query);
    return { ...p, until: elapsedUntil(p, todayInVietnam()) };
  } finally {
    restore();
  }
};

describe('trend up to today', () => {
  it('a month that has begun stops at today, a Vietnam day (00:30 on 03/12 in Vietnam is still 02/12 in UTC)', () => {
    const period = periodAt({ period: 'month', date: '2026-12-01' }, '2026-12-02T17:30:00Z');
    expect(period).toEqual({ from: '2026-12-01', to: '2026-12-31', bucket: 'day', until: '2026-12-03' });
    const rows = trendRows({ period, trend: [{ start: '2026-12-02', sessions: 2, residents: 5 }] });
    expect(rows.length).toBe(3);
    expect(rows).toEqual([
      { from: '2026-12-01', to: '2026-12-01', sessions: 0, residents: 0 },
      { from: '2026-12-02', to: '2026-12-02', sessions: 2, residents: 5 },
      { from: '2026-12-03', to: '2026-12-03', sessions: 0, residents: 0 },
    ]);
  });

  it('at 06:59 in Vietnam the day is already the Vietnam day', () => {
    const period = periodAt({ period: 'week', date: '2026-12-02' }, '2026-12-02T23:59:00Z');
    expect(period).toEqual({ from: '2026-11-30', to: '2026-12-06', bucket: 'day', until: '2026-12-03' });
    expect(trendRows({ period, trend: [] }).map((r) => r.from)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']);
  });

  it('a year in months stops at the current month, cut at today', () => {
    const period = periodAt({ period: 'year', date: '2026-06-01' }, '2026-12-02T03:00:00Z');
    const rows = trendRows({ period, trend: [{ start: '2026-11-01', sessions: 4, residents: 13 }] });
    expect(rows.length).toBe(12);
    expect(rows.slice(-2)).toEqual([
      { from: '2026-11-01', to: '2026-11-30', sessions: 4, residents: 13 },
      { from: '2026-12-01', to: '2026-12-02', sessions: 0, residents: 0 },
    ]);
  });

  it('a quarter in ISO weeks stops at the week of today, cut at today', () => {
    const period = periodAt({ period: 'quarter', date: '2026-11-01' }, '2026-11-04T03:00:00Z');
    const rows = trendRows({ period, trend: [] });
    expect(rows.length).toBe(6);
    expect(rows[0]).toEqual({ from: '2026-10-01', to: '2026-10-04', sessions: 0, residents: 0 });
    expect(rows[5]).toEqual({ from: '2026-11-02', to: '2026-11-04', sessions: 0, residents: 0 });
  });

  it('a past period is whole; a period wholly ahead has no rows', () => {
    const past = periodAt({ from: '2026-10-01', to: '2026-10-31' }, '2026-12-02T03:00:00Z');
    expect([past.until, trendRows({ period: past, trend: [] }).length]).toEqual(['2026-10-31', 31]);
    const ahead = periodAt({ period: 'month', date: '2027-01-15' }, '2026-12-02T03:00:00Z');
    expect([ahead.until, trendRows({ period: ahead, trend: [] })]).toEqual([null, []]);
  });
});
