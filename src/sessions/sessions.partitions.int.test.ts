import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS, testDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { addMemberBody, createTeamBody } from '../registry/registry.contract.js';
import { addMember } from '../registry/registry.members.js';
import { createTeam } from '../registry/registry.teams.js';
import { ensureSessionPartitions, listSessionPartitions, PARTITIONED_TABLES } from './sessions.partitions.js';
import { compareAllRollups } from './sessions.rollup.rebuild.js';
import { supportReport } from './sessions.report.js';
import { syncSessions } from './sessions.sync.js';

/**
 * The support sessions and their rollups partitioned by time (issue 18, item 1), on both
 * databases: sessions synced in two quarters land in those quarters' partitions with their
 * rollups; a session resent with another day (another partition) is still the same session,
 * counted once, and the database refuses a second row with its id (support_session_ids); partitions are made ahead idempotently, and a range whose rows already sit in the
 * DEFAULT partition is left there, still counted, not failed.
 */
let database: Database;
let team: { id: number; memberId: number };
const protector = new DataProtector(TEST_SECRETS);
const actor = { userId: null, scope: ALL };
const editor = { userId: null, ip: null, scope: ALL };
const now = new Date('2026-11-20T03:00:00Z');
const sync = (records: unknown[]) => syncSessions(database.db, protector, records, actor, now, { deviceNow: now.toISOString() });
const record = (id: string, occurredAt: string) => ({ id, teamId: team.id, memberIds: [team.memberId], occurredAt, kind: 'home', services: [{ code: 'vneid', outcome: 'informed' }] });
const where = (table: string) => queryRows<{ partition: string; n: number }>(database.db, sql`select tableoid::regclass::text as partition, count(*)::int as n from ${sql.raw(table)} group by 1 order by 1`);

beforeAll(async () => {
  database = await testDatabase();
  const t = await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: '03664', name: 'Tổ công nghệ số cộng đồng phường Chiềng An', establishedOn: '2025-08-01' }), editor);
  const m = await addMember(database.db, t.id, addMemberBody.parse({ person: { fullName: 'Lò Thị Hoa', gender: 'female', birthYear: 1992 }, role: 'leader', joinedOn: '2025-08-01' }), editor);
  team = { id: t.id, memberId: m.memberId };
});
afterAll(async () => {
  await database.close();
});

describe('time partitions of the support sessions and rollups', () => {
  it('has, for every partitioned table, its partitions from 2025 by quarter or year and a DEFAULT one', async () => {
    const parts = await listSessionPartitions(database.db);
    for (const p of PARTITIONED_TABLES) {
      const mine = parts.filter((x) => x.table === p.table);
      const first = p.months === 3 ? `${p.table}_2025q1` : `${p.table}_2025`;
      expect([p.table, mine[0].partition, mine[0].bound]).toEqual([p.table, first, p.months === 3 ? "FOR VALUES FROM ('2025-01-01') TO ('2025-04-01')" : "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"]);
      expect(mine.find((x) => x.partition === `${p.table}_default`)?.bound).toBe('DEFAULT');
      // a year ahead of today is made (the migration, then every start)
      expect(mine.some((x) => x.partition === (p.months === 3 ? `${p.table}_2027q3` : `${p.table}_2027`))).toBe(true);
    }
  });

  it('stores each session and its rollups in the partition of its day, and counts a resent session once whatever day it now says', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const first = await sync([record(a, '2026-09-28T09:00:00+07:00'), record(b, '2026-11-19T15:00:00+07:00')]);
    expect(first.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(await where('support_sessions')).toEqual([
      { partition: 'support_sessions_2026q3', n: 1 },
      { partition: 'support_sessions_2026q4', n: 1 },
    ]);
    expect(await where('support_session_services')).toEqual([{ partition: 'support_session_services', n: 2 }]);
    expect((await where('support_daily')).map((r) => r.partition)).toEqual(['support_daily_2026q3', 'support_daily_2026q4']);
    expect((await where('support_monthly')).map((r) => r.partition)).toEqual(['support_monthly_2026']);
    // the same id again, the phone's clock now saying another day of another quarter: a duplicate
    const again = await sync([record(a, '2026-11-18T09:00:00+07:00')]);
    expect(again.map((r) => r.status)).toEqual(['duplicate']);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_sessions where id = ${a}`))[0].n).toBe(1);
    // and the database itself refuses a second session with that id on another day (support_session_ids)
    const insert = sql`insert into support_sessions (id, province_code, commune_id, team_id, occurred_at, day, kind, residents_count)
      select ${a}, province_code, commune_id, team_id, occurred_at + interval '60 days', day + 60, kind, residents_count from support_sessions where id = ${a}`;
    await expect(database.db.execute(insert)).rejects.toMatchObject({ cause: { code: '23505' } });
    expect(await queryRows(database.db, sql`select id, day::text as day from support_session_ids order by day`)).toEqual([
      { id: a, day: '2026-09-28' },
      { id: b, day: '2026-11-19' },
    ]);
    const year = await supportReport(database.db, { unit: '03664' }, { from: '2026-01-01', to: '2026-11-20' }, ALL);
    expect([year.sessions, year.residents]).toEqual([2, 2]);
    expect(Object.values(await compareAllRollups(database.db)).every((n) => n === 0)).toBe(true);
  });

  it('makes the partitions ahead once, and leaves a range whose rows are already in the DEFAULT partition there, still counted', async () => {
    const unitId = (await queryRows<{ id: number }>(database.db, sql`select id from admin_units where code = '03664' and valid_to is null`))[0].id;
    // a row beyond every partition made: kept by the DEFAULT partition
    await database.db.execute(sql`insert into support_daily (unit_id, day, service_id, outcome, sessions, residents) values (${unitId}, '2031-02-01', 0, '', 1, 1)`);
    expect(await where('support_daily')).toContainEqual({ partition: 'support_daily_default', n: 1 });
    // a year ahead of 01/06/2030: the quarters up to 2031q2, but not 2031q1, which holds that row
    const made = await ensureSessionPartitions(database.db, '2030-06-01');
    const parts = (await listSessionPartitions(database.db)).filter((p) => p.table === 'support_daily').map((p) => p.partition);
    expect(parts.includes('support_daily_2031q1')).toBe(false);
    expect(['support_daily_2030q4', 'support_daily_2031q2'].every((p) => parts.includes(p))).toBe(true);
    expect(made.support_sessions - made.support_daily).toBe(1);
    const years = (await listSessionPartitions(database.db)).filter((p) => p.table === 'support_monthly').map((p) => p.partition);
    expect(['support_monthly_2030', 'support_monthly_2031'].every((p) => years.includes(p))).toBe(true);
    expect((await queryRows<{ n: number }>(database.db, sql`select sessions::int as n from support_daily where day = '2031-02-01'`))[0].n).toBe(1);
    // again: nothing to make
    expect(Object.values(await ensureSessionPartitions(database.db, '2030-06-01')).every((n) => n === 0)).toBe(true);
  });
});
