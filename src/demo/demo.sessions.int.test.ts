import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS, testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { compareSupportRollups, rebuildSupportRollups } from '../sessions/sessions.rollup.js';
import { supportReport } from '../sessions/sessions.report.js';
import { generateDemo } from './demo.service.js';
import { type DemoSessionsResult, generateSessions, loadSessionRegistry, seedDemoSessions } from './demo.sessions.js';

let database: Database;
const protector = new DataProtector(TEST_SECRETS);
/** a fixed clock: 15/06/2026 12:00 in Vietnam */
const now = new Date('2026-06-15T05:00:00Z');
let first: DemoSessionsResult;

beforeAll(async () => {
  database = await testDatabase();
  await generateDemo(database.db);
  first = await seedDemoSessions(database.db, protector, { count: 3000, days: 30, seed: 11, now });
});
afterAll(() => database?.close());

describe('demo support sessions', () => {
  it('sends every generated session through the sync path and all are accepted', () => {
    expect(first).toEqual({ generated: 3000, accepted: 3000, duplicates: 0, rejected: 0, problems: [], from: '2026-05-16', to: '2026-06-14' });
  });

  it('is deterministic: a second run of the same seed is all duplicates', async () => {
    const again = await seedDemoSessions(database.db, protector, { count: 3000, days: 30, seed: 11, now });
    expect(again).toEqual({ generated: 3000, accepted: 0, duplicates: 3000, rejected: 0, problems: [], from: '2026-05-16', to: '2026-06-14' });
  });

  it('has the intended shape', async () => {
    const [shape] = await queryRows<Record<string, number>>(
      database.db,
      sql`select count(*)::int as sessions, count(distinct team_id)::int as teams, count(*) filter (where kind = 'home')::int as home,
                 count(*) filter (where kind = 'group')::int as "group", count(*) filter (where kind = 'help_desk')::int as "helpDesk",
                 count(*) filter (where resident_key is not null)::int as identified, count(distinct resident_key)::int as people,
                 sum(residents_count)::int as headcount, min(day)::text as first, max(day)::text as last
            from support_sessions`,
    );
    expect(shape).toEqual({ sessions: 3000, teams: 968, home: 2385, group: 364, helpDesk: 251, identified: 943, people: 558, headcount: 11092, first: '2026-05-16', last: '2026-06-14' });
    const services = await queryRows<{ code: string; n: number }>(
      database.db,
      sql`select sv.code, count(*)::int as n from support_session_services ss join support_services sv on sv.id = ss.service_id group by sv.code order by 2 desc, 1`,
    );
    expect(services.slice(0, 3)).toEqual([
      { code: 'vneid', n: 1203 },
      { code: 'son_la_smart', n: 667 },
      { code: 'public_services', n: 499 },
    ]);
  });

  it('keeps the rollup equal to the sessions: province report from the rollup equals the raw GROUP BY, field by field', async () => {
    const period = { from: '2026-05-16', to: '2026-06-14' };
    const rollup = await supportReport(database.db, { unit: '14' }, period, ALL);
    const raw = await supportReport(database.db, { unit: '14' }, period, ALL, { source: 'raw' });
    expect(rollup).toEqual(raw);
    expect({ sessions: rollup.sessions, headcount: rollup.headcount, residents: rollup.residents, recognised: rollup.recognised, byKind: rollup.byKind, atServiceCentre: rollup.atServiceCentre }).toEqual({
      sessions: 3000,
      headcount: 11092,
      residents: 10707,
      recognised: 558,
      byKind: { home: 2385, group: 364, help_desk: 251 },
      atServiceCentre: 142,
    });
    expect(rollup.children.reduce((n, c) => n + c.sessions, 0)).toBe(3000);
    // a month and a commune too
    const month = { period: 'month' as const, date: '2026-06-01' };
    expect(await supportReport(database.db, { unit: '14' }, month, ALL)).toEqual(await supportReport(database.db, { unit: '14' }, month, ALL, { source: 'raw' }));
    const commune = rollup.children.find((c) => c.sessions > 0)!.code!;
    expect(await supportReport(database.db, { unit: commune }, period, ALL)).toEqual(await supportReport(database.db, { unit: commune }, period, ALL, { source: 'raw' }));
  });

  it('rebuilding the rollups from the sessions gives the incremental ones exactly', async () => {
    expect(await compareSupportRollups(database.db)).toEqual({ daily: 0, residentDays: 0, residentCounts: 0, dailyRows: 21043 });
    const before = await queryRows(database.db, sql`select * from support_daily order by unit_id, day, service_id, outcome`);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_resident_days`);
    expect(n).toBe(1826);
    expect(await rebuildSupportRollups(database.db)).toEqual({ dailyRows: 21043, residentDays: n });
    expect(await queryRows(database.db, sql`select * from support_daily order by unit_id, day, service_id, outcome`)).toEqual(before);
  });

  it('generates the same sessions for the same seed and registry', async () => {
    const reg = await loadSessionRegistry(database.db, '14');
    const opts = { seed: 5, from: '2026-01-01', to: '2026-01-31', count: 200 };
    const a = [...generateSessions(reg, opts)];
    expect([...generateSessions(reg, opts)]).toEqual(a);
    expect(a).toHaveLength(200);
    expect(new Set(a.map((r) => r.id)).size).toBe(200);
  });
});
