import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsRegistry } from '../../test/sessions.js';
import { testDatabase, TEST_SECRETS } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { todayInVietnam } from '../text/dates.js';
import { compareAllRollups, rebuildAllRollups, ROLLUP_TABLES } from './sessions.rollup.rebuild.js';
import { supportReport } from './sessions.report.js';
import { spanOf } from './sessions.report.repo.js';
import { syncSessions, type SyncRecord } from './sessions.sync.js';
import { OUTCOME_CODES } from './sessions.vocabulary.js';

/**
 * The rollups kept incrementally by sync (sessions.rollup.ts) against their rebuild from the
 * sessions (sessions.rollup.rebuild.ts), cell by cell in every table, and the reports read from
 * them against plain GROUP BYs over the sessions (source 'raw') and against figures counted here
 * from the records themselves. Sessions: every hour of the Vietnamese day (00:00–06:59 included,
 * some written in UTC), groups of 2–40 everywhere (also at the commune's service centre), all kinds,
 * both teams, one to three members, 1–3 services of any outcome, residents recognised by phone from a
 * small pool (so people return on other days and months), sent in shuffled batches synced up to 40
 * days after they happened, two batches at once. Registry: SON_LA_ROSTER (test/sessions.ts).
 */
let database: Database;
const protector = new DataProtector(TEST_SECRETS);
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
let records: SyncRecord[] = [];
const accepted: { rec: SyncRecord; day: string }[] = [];

/** A small seeded PRNG (LCG), so the sessions are the same on every run. */
function prng(seed: number) {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
}

function generate(): SyncRecord[] {
  const rnd = prng(13);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const teams = [
    { id: team.chiengAn, members: [member['Hà Thị Hiền'], member['Lò Văn Bình'], member['Quàng Thị Hoà']] },
    { id: team.tieuKhu6, members: [member['Nguyễn Thị Hà'], member['Lê Văn An']] },
  ];
  const services = ['vneid', 'vssid', 'zalo', 'son_la_smart', 'cashless', 'public_services'];
  const out: SyncRecord[] = [];
  for (let i = 0; i < 420; i++) {
    const t = pick(teams);
    // 2026-01-03 … 2026-11-27, any minute of the Vietnamese day; the first ones pinned to the edges of the day
    const day = Date.UTC(2026, 0, 3) + Math.floor(rnd() * 329) * 86_400_000;
    const minute = i < 4 ? [0, 419, 420, 1439][i] : rnd() < 0.35 ? Math.floor(rnd() * 420) : Math.floor(rnd() * 1440);
    const at = new Date(day + minute * 60_000 - 7 * 3_600_000);
    const hh = String(Math.floor(minute / 60)).padStart(2, '0');
    const mm = String(minute % 60).padStart(2, '0');
    const occurredAt = rnd() < 0.3 ? at.toISOString() : `${new Date(day).toISOString().slice(0, 10)}T${hh}:${mm}:00+07:00`;
    const kind = pick(['home', 'group', 'help_desk'] as const);
    const n = 1 + Math.floor(rnd() * 3);
    const chosen = [...new Set(Array.from({ length: n }, () => pick(services)))];
    const who = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(t.members)))];
    const rec: SyncRecord = {
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      teamId: t.id,
      memberIds: who,
      occurredAt,
      kind,
      atServiceCentre: rnd() < (kind === 'group' ? 0.5 : 0.3),
      services: chosen.map((code) => ({ code, outcome: pick(OUTCOME_CODES) })),
    };
    if (kind === 'group') rec.residentsCount = 2 + Math.floor(rnd() * 39);
    else if (rnd() < 0.7) rec.resident = { phone: `09120001${String(Math.floor(rnd() * 40)).padStart(2, '0')}`, consent: true, gender: pick(['male', 'female'] as const) };
    out.push(rec);
  }
  return out;
}

/** Syncs `recs` as one batch, `lateDays` after the latest of them (the server's clock then). */
async function syncLate(recs: SyncRecord[], lateDays: number) {
  const latest = Math.max(...recs.map((r) => Date.parse(r.occurredAt)));
  const now = new Date(latest + lateDays * 86_400_000 + 3_600_000);
  // history: batches mix months, so some records reach the server more than 90 days late (kept for review otherwise: sessions.clock.ts)
  const results = await syncSessions(database.db, protector, recs, { userId: null, scope: ALL }, now, { history: true });
  results.forEach((r, i) => {
    if (r.status === 'accepted') accepted.push({ rec: recs[i], day: r.day });
  });
  return results;
}

beforeAll(async () => {
  database = await testDatabase();
  ({ team, member } = await sessionsRegistry(database.db));
  records = generate();
  // shuffled, so most batches mix months and reach days already rolled up (late syncs)
  const rnd = prng(7);
  const order = records.map((r) => ({ r, k: rnd() })).sort((a, b) => a.k - b.k).map((x) => x.r);
  const batches: SyncRecord[][] = [];
  for (let i = 0; i < order.length; ) {
    const size = 1 + Math.floor(rnd() * 40);
    batches.push(order.slice(i, i + size));
    i += size;
  }
  for (let i = 0; i < batches.length; i += 2) {
    // two phones at once (on PostgreSQL two connections; the same people may appear in both)
    await Promise.all(batches.slice(i, i + 2).map((b, j) => syncLate(b, (i + j) % 41)));
  }
});
afterAll(async () => {
  await database.close();
});

describe('rollups kept by sync', () => {
  it('stored every generated session, counted in its Vietnamese day', () => {
    expect(accepted.length).toBe(420);
    for (const a of accepted) expect(a.day).toBe(todayInVietnam(new Date(a.rec.occurredAt)));
    // the day's edges, written with +07:00: 00:00 and 06:59 belong to that very day, as does 23:59
    for (const a of accepted) {
      const m = /^(\d{4}-\d\d-\d\d)T\d\d:\d\d:00\+07:00$/.exec(a.rec.occurredAt);
      if (m) expect(a.day).toBe(m[1]);
    }
    expect(accepted.filter((a) => /T(00:00|06:59|07:00|23:59):00\+07:00$/.test(a.rec.occurredAt)).length).toBeGreaterThanOrEqual(2);
  });

  it('equal their rebuild from the sessions, cell by cell in every table', async () => {
    const diff = await compareAllRollups(database.db);
    expect(diff).toEqual(Object.fromEntries(ROLLUP_TABLES.map((t) => [t, 0])));
    // and the tables are not trivially empty
    const [rows] = await queryRows<{ monthly: number; members: number; links: number; monthLinks: number }>(
      database.db,
      sql`select (select count(*) from support_monthly)::int as monthly, (select count(*) from support_member_monthly)::int as members,
                 (select count(*) from support_resident_links where residents <> 0)::int as links, (select count(*) from support_resident_month_links where residents <> 0)::int as "monthLinks"`,
    );
    expect(rows.monthly).toBeGreaterThan(100);
    expect(rows.members).toBeGreaterThan(100);
    expect(rows.links).toBeGreaterThan(100);
    expect(rows.monthLinks).toBeGreaterThan(50);
  });

  it('give the figures counted from the records themselves', async () => {
    const year = await supportReport(database.db, { unit: '14' }, { period: 'year', date: '2026-06-01' }, ALL);
    const heads = (r: SyncRecord) => (r.kind === 'group' ? r.residentsCount! : 1);
    const all = accepted.map((a) => a.rec);
    expect(year.sessions).toBe(420);
    expect(year.headcount).toBe(all.reduce((n, r) => n + heads(r), 0));
    expect(year.atServiceCentre).toBe(all.filter((r) => r.atServiceCentre).length);
    // people reached at the centre, groups counted by their size
    const centre = await queryRows<{ residents: number }>(database.db, sql`select sum(residents)::int as residents from support_daily d join admin_units p on p.id = d.unit_id and p.level = 'province' where d.outcome = 'centre'`);
    expect(centre[0].residents).toBe(all.filter((r) => r.atServiceCentre).reduce((n, r) => n + heads(r), 0));
    expect(year.recognised).toBe(new Set(all.flatMap((r) => (r.resident?.phone ? [r.resident.phone] : []))).size);
    // the early-morning sessions (00:00–06:59 Vietnamese time) of one day count in that day
    const early = accepted.filter((a) => new Date(a.rec.occurredAt).getUTCHours() >= 17);
    expect(early.length).toBeGreaterThan(50);
    const d = early[0].day;
    const dayReport = await supportReport(database.db, { unit: '14' }, { period: 'day', date: d }, ALL);
    expect(dayReport.sessions).toBe(accepted.filter((a) => a.day === d).length);
    // distinct people over a custom range, counted here
    const range = { from: '2026-02-17', to: '2026-09-09' };
    const inRange = accepted.filter((a) => a.day >= range.from && a.day <= range.to && a.rec.resident?.phone);
    const r = await supportReport(database.db, { unit: '14' }, range, ALL);
    expect(r.recognised).toBe(new Set(inRange.map((a) => a.rec.resident!.phone)).size);
  });

  it('answer every report as the plain GROUP BY over the sessions does', async () => {
    const periods = [
      { period: 'year' as const, date: '2026-03-01' },
      { period: 'quarter' as const, date: '2026-05-01' },
      { period: 'month' as const, date: '2026-07-31' },
      { period: 'week' as const, date: '2026-04-15' },
      { period: 'day' as const, date: accepted[0].day },
      { from: '2026-01-15', to: '2026-11-14' },
      { from: '2026-02-01', to: '2026-10-20' },
      { from: '2026-03-10', to: '2026-08-31' },
      { from: '2026-05-31', to: '2026-06-01' },
      { from: '2026-04-02', to: '2026-04-29' },
      { from: '2025-12-01', to: '2026-12-31' },
    ];
    const targets = [{ unit: '14' }, { unit: '03664' }, { unit: '04105' }, { teamId: team.chiengAn }, { teamId: team.tieuKhu6 }, ...Object.values(member).map((memberId) => ({ memberId }))];
    for (const target of targets) {
      for (const period of periods) {
        const rollup = await supportReport(database.db, target, period, ALL);
        const raw = await supportReport(database.db, target, period, ALL, { source: 'raw' });
        expect({ target, period, rollup }).toEqual({ target, period, rollup: raw });
      }
    }
  });

  it('cut periods into whole months and partial ends', () => {
    expect(spanOf({ from: '2026-01-15', to: '2026-11-14' })).toEqual({ months: ['2026-02-01', '2026-10-01'], days: [['2026-01-15', '2026-01-31'], ['2026-11-01', '2026-11-14']] });
    expect(spanOf({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ months: ['2026-01-01', '2026-12-01'], days: [] });
    expect(spanOf({ from: '2024-02-01', to: '2024-02-29' })).toEqual({ months: ['2024-02-01', '2024-02-01'], days: [] });
    expect(spanOf({ from: '2026-05-31', to: '2026-06-01' })).toEqual({ months: null, days: [['2026-05-31', '2026-06-01']] });
    expect(spanOf({ from: '2025-12-03', to: '2026-12-02' })).toEqual({ months: ['2026-01-01', '2026-11-01'], days: [['2025-12-03', '2025-12-31'], ['2026-12-01', '2026-12-02']] });
  });

  it('are rebuilt in bulk to the very rows sync kept', async () => {
    const before = await Promise.all(ROLLUP_TABLES.map((t) => queryRows(database.db, sql.raw(`select * from ${t} where ${t.includes('links') ? 'residents <> 0' : 'true'}`))));
    await rebuildAllRollups(database.db);
    const after = await Promise.all(ROLLUP_TABLES.map((t) => queryRows(database.db, sql.raw(`select * from ${t}`))));
    const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).sort();
    for (let i = 0; i < ROLLUP_TABLES.length; i++) expect([ROLLUP_TABLES[i], sorted(after[i])]).toEqual([ROLLUP_TABLES[i], sorted(before[i])]);
  });
});
