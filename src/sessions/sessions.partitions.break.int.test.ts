import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { testApp, testDatabase, TEST_SECRETS, type TestAppInstance } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { createVillage } from '../catalogue/catalogue.villages.js';
import { createVillageBody } from '../registry/registry.contract.js';
import { type Database, queryRows } from '../db/client.js';
import { seedDemoSessions } from '../demo/demo.sessions.js';
import { createHelpRequest } from '../help/help.service.js';
import { DataProtector } from '../privacy/protector.js';
import { eraseResidents } from '../residents/residents.service.js';
import { FixedClock, useClock } from '../text/clock.js';
import { ensureSessionPartitions, listSessionPartitions } from './sessions.partitions.js';
import { compareAllRollups } from './sessions.rollup.rebuild.js';
import { syncSessions } from './sessions.sync.js';
import { type ReportTarget, supportReport } from './sessions.report.js';

/**
 * Trying to break the time partitions (migration 0024) through every route that writes sessions,
 * on the suite's database: the same id sent at once with days in two quarters, partition
 * boundaries (30/09→01/10, 31/12→01/01 Vietnamese time), review decisions across quarters, before
 * 2025 (the DEFAULT partition) and in the future, decisions at once, another commune's officer, a
 * help request closed by a reviewed session, the demo generator, duplicate and village merges and a
 * resident's erasure. After each: every rollup equal to its rebuild from the sessions and the
 * rollup reports equal to the reports read from the sessions themselves.
 * Server clock: 10:00 02/01/2027 ICT. Registry: test/sessions.ts; Chiềng An (03664) founded 01/06/2024.
 */
let database: Database;
let app: TestAppInstance;
let officer: TestClient;
let otherOfficer: TestClient;
let leader: TestClient;
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const protector = new DataProtector(TEST_SECRETS);
const NOW = '2027-01-02T10:00:00+07:00';
const clock = new FixedClock(NOW);
const RANGES = [
  ['2024-01-01', '2024-12-31'],
  ['2024-12-31', '2025-01-01'],
  ['2025-01-01', '2025-03-31'],
  ['2026-07-01', '2026-09-30'],
  ['2026-09-30', '2026-10-01'],
  ['2026-10-01', '2026-12-31'],
  ['2026-12-31', '2027-01-01'],
  ['2026-12-15', '2027-01-02'],
  ['2024-06-01', '2027-01-02'],
];

const rec = (occurredAt: string, over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  teamId: team.chiengAn,
  memberIds: [member['Hà Thị Hiền']],
  occurredAt,
  kind: 'home',
  services: [{ code: 'vneid', outcome: 'eid_level2' }],
  ...over,
});
const sync = (client: TestClient, records: unknown[]) => client.post('/api/support-sessions/sync', { records, deviceNow: clock.now().toISOString() });
const decide = (client: TestClient, id: string, body: object) => client.post(`/api/support-sessions/reviews/${id}`, body);
/** Where a session is: its partition and day (one row per stored copy), and whether it is also kept for review. */
const whereIs = async (id: string) => ({
  rows: await queryRows<{ p: string; day: string }>(database.db, sql`select tableoid::regclass::text as p, day::text as day from support_sessions where id = ${id}`),
  members: await queryRows<{ day: string }>(database.db, sql`select day::text as day from support_session_members where session_id = ${id}`),
  services: await queryRows<{ day: string }>(database.db, sql`select day::text as day from support_session_services where session_id = ${id}`),
});
const pending = async (id: string) => (await queryRows<{ status: string }>(database.db, sql`select status from support_session_reviews where session_id = ${id}`))[0]?.status;

/** Every rollup equals its rebuild, and the rollup reports equal those read from the sessions, for every range and target. */
async function exact(targets: Exclude<ReportTarget, { nation: true }>[] = [{ unit: '03664' }, { unit: '14' }, { teamId: team.chiengAn }, { memberId: member['Hà Thị Hiền'] }]) {
  expect(Object.entries(await compareAllRollups(database.db)).filter(([, n]) => n !== 0)).toEqual([]);
  for (const target of targets) {
    for (const [from, to] of RANGES) {
      const rollup = await supportReport(database.db, target, { from, to }, ALL);
      const raw = await supportReport(database.db, target, { from, to }, ALL, { source: 'raw' });
      const [c] = await queryRows<{ n: number; heads: number }>(
        database.db,
        sql`select count(*)::int as n, coalesce(sum(residents_count), 0)::int as heads from support_sessions s
             where s.day between ${from} and ${to}
               and ${'unit' in target ? (target.unit === '14' ? sql`s.province_code = '14'` : sql`s.commune_id = (select id from admin_units where code = ${target.unit} and valid_to is null)`) : 'teamId' in target ? sql`s.team_id = ${target.teamId}` : sql`s.id in (select session_id from support_session_members where member_id = ${target.memberId})`}`,
      );
      expect({ target, from, to, sessions: rollup.sessions, headcount: rollup.headcount }).toEqual({ target, from, to, sessions: c.n, headcount: c.heads });
      expect({ target, from, to, residents: rollup.residents, services: rollup.services, trend: rollup.trend }).toEqual({ target, from, to, residents: raw.residents, services: raw.services, trend: raw.trend });
    }
  }
}

beforeAll(async () => {
  useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
  await database.db.execute(sql`update teams set established_on = '2024-06-01' where id = ${team.chiengAn}`);
  officer = await signedInClient(app, database.db, { username: 'cb.chiengan', role: 'commune_officer', unit: '03664' });
  otherOfficer = await signedInClient(app, database.db, { username: 'cb.maison', role: 'commune_officer', unit: '04105' });
  leader = await signedInClient(app, database.db, { username: 'tt.chiengan', role: 'team_leader', teamId: team.chiengAn });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('POST /api/support-sessions/sync across partitions', () => {
  it('one id sent three times at once with days in two quarters and in the future is one session, counted once', async () => {
    const a = rec('2026-12-31T23:59:59+07:00');
    const sends = await Promise.all([sync(leader, [a]), sync(leader, [{ ...a, occurredAt: '2027-01-01T00:00:00+07:00' }]), sync(leader, [{ ...a, occurredAt: '2027-03-01T09:00:00+07:00' }])]);
    expect(sends.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(sends.map((r) => r.json().results[0].status).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
    const w = await whereIs(a.id);
    expect(w.rows.length + (await queryRows(database.db, sql`select 1 from support_session_reviews where session_id = ${a.id}`)).length).toBe(1);
    // the same id in capitals, then within one batch with another day: still duplicates
    const again = await sync(leader, [{ ...a, id: a.id.toUpperCase(), occurredAt: '2026-10-01T00:00:00+07:00' }, { ...a, occurredAt: '2026-12-01T08:00:00+07:00' }]);
    expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
    await exact();
  });

  it('counts a session at 23:59:59 on 31/12 in Q4 and one at 00:00 on 01/01 in Q1 of the next year, rollups in the same partitions', async () => {
    const [end, start] = [rec('2026-12-31T23:59:59+07:00', { memberIds: [member['Lò Văn Bình']] }), rec('2027-01-01T00:00:00+07:00', { memberIds: [member['Lò Văn Bình']] })];
    const res = await sync(leader, [end, start]);
    expect(res.json().results.map((r: { day: string }) => r.day)).toEqual(['2026-12-31', '2027-01-01']);
    expect((await whereIs(end.id)).rows).toEqual([{ p: 'support_sessions_2026q4', day: '2026-12-31' }]);
    expect((await whereIs(start.id)).rows).toEqual([{ p: 'support_sessions_2027q1', day: '2027-01-01' }]);
    const monthly = await queryRows<{ p: string; month: string }>(
      database.db,
      sql`select distinct tableoid::regclass::text as p, month::text as month from support_member_monthly where member_id = ${member['Lò Văn Bình']} order by 2`,
    );
    expect(monthly).toEqual([{ p: 'support_member_monthly_2026', month: '2026-12-01' }, { p: 'support_member_monthly_2027', month: '2027-01-01' }]);
    await exact([{ unit: '03664' }, { memberId: member['Lò Văn Bình'] }]);
  });
});

describe('the review across partitions', () => {
  const held: Record<string, ReturnType<typeof rec>> = {};
  beforeAll(async () => {
    Object.assign(held, {
      q3end: rec('2026-09-30T23:59:59+07:00'),
      q4start: rec('2026-10-01T00:00:00+07:00'),
      toDefault: rec('2026-05-01T09:00:00+07:00', { kind: 'group', residentsCount: 7 }),
      to2025: rec('2026-05-02T09:00:00+07:00'),
      future: rec('2027-06-01T09:00:00+07:00'),
      twice: rec('2026-06-01T09:00:00+07:00'),
    });
    const res = await sync(leader, Object.values(held));
    expect(res.json().results.map((r: { status: string; review?: boolean }) => [r.status, r.review])).toEqual(Object.values(held).map(() => ['accepted', true]));
  });

  it('accepts at 30/09 23:59:59 and 01/10 00:00 into Q3 and Q4, corrects into the DEFAULT partition (2024) and into 2025 Q1; a resend is a duplicate', async () => {
    expect((await decide(officer, held.q3end.id, { action: 'accept' })).json()).toEqual({ id: held.q3end.id, status: 'accepted', day: '2026-09-30' });
    expect((await decide(officer, held.q4start.id, { action: 'accept' })).json()).toEqual({ id: held.q4start.id, status: 'accepted', day: '2026-10-01' });
    expect((await decide(officer, held.toDefault.id, { action: 'correct', occurredAt: '2024-12-31T23:59:59+07:00' })).json()).toEqual({ id: held.toDefault.id, status: 'corrected', day: '2024-12-31' });
    expect((await decide(officer, held.to2025.id, { action: 'correct', occurredAt: '2025-01-01T00:00:00+07:00' })).json()).toEqual({ id: held.to2025.id, status: 'corrected', day: '2025-01-01' });
    const at = async (id: string) => {
      const w = await whereIs(id);
      // members and services carry the session's day (their key to it)
      expect(new Set([...w.members, ...w.services].map((x) => x.day))).toEqual(new Set(w.rows.map((r) => r.day)));
      return w.rows;
    };
    expect(await at(held.q3end.id)).toEqual([{ p: 'support_sessions_2026q3', day: '2026-09-30' }]);
    expect(await at(held.q4start.id)).toEqual([{ p: 'support_sessions_2026q4', day: '2026-10-01' }]);
    expect(await at(held.toDefault.id)).toEqual([{ p: 'support_sessions_default', day: '2024-12-31' }]);
    expect(await at(held.to2025.id)).toEqual([{ p: 'support_sessions_2025q1', day: '2025-01-01' }]);
    // the phone sends them again, with its own date or with the officer's
    const resend = await sync(leader, [held.q3end, held.toDefault, { ...held.toDefault, occurredAt: '2024-12-31T23:59:59+07:00' }, { ...held.to2025, occurredAt: '2025-01-01T00:00:00+07:00' }]);
    expect(resend.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect((await whereIs(held.toDefault.id)).rows).toHaveLength(1);
    const y2024 = await supportReport(database.db, { unit: '03664' }, { period: 'year', date: '2024-06-01' }, ALL);
    expect([y2024.sessions, y2024.headcount]).toEqual([1, 7]);
    await exact();
  });

  it('refuses a date years ahead, before 2000 or before the team, writing nothing; decisions at once: one wins, counted once', async () => {
    for (const occurredAt of ['2031-01-01T09:00:00+07:00', '1999-12-31T09:00:00+07:00', '2024-05-31T09:00:00+07:00']) {
      const r = await decide(officer, held.future.id, { action: 'correct', occurredAt });
      expect([occurredAt, r.statusCode, r.json().error.code]).toEqual([occurredAt, 400, 'VALIDATION_FAILED']);
    }
    expect([(await decide(officer, held.future.id, { action: 'accept' })).statusCode, await pending(held.future.id), (await whereIs(held.future.id)).rows]).toEqual([400, 'pending', []]);
    const decisions = await Promise.all([
      decide(officer, held.twice.id, { action: 'accept' }),
      decide(officer, held.twice.id, { action: 'correct', occurredAt: '2027-01-01T08:00:00+07:00' }),
      decide(officer, held.twice.id, { action: 'delete' }),
      sync(leader, [{ ...held.twice, occurredAt: '2027-01-02T08:00:00+07:00' }]),
    ]);
    expect(decisions.map((r) => r.statusCode).sort()).toEqual([200, 200, 409, 409]);
    expect(decisions[3].json().results[0].status).toBe('duplicate');
    const status = await pending(held.twice.id);
    expect((await whereIs(held.twice.id)).rows).toHaveLength(status === 'deleted' ? 0 : 1);
    await exact();
  });

  it('refuses alone a record a phone clock thousands of years off would put out of range, and never counts a date before 1000 in another year', async () => {
    // deviceNow in year 9999: a record written in year 0001 corrects to year −7972 (was: the whole batch a 500)
    const [wild, fine] = [rec('0001-01-01T09:00:00+07:00'), rec('9999-12-31T20:00:00+07:00')];
    const res = await leader.post('/api/support-sessions/sync', { records: [wild, fine], deviceNow: '9999-12-31T21:00:00+07:00' });
    expect([res.statusCode, res.json().results.map((r: { status: string; field?: string }) => [r.status, r.field])]).toEqual([200, [['rejected', 'occurredAt'], ['accepted', undefined]]]);
    // an old app (no deviceNow) writing years 0001, 0050, 0999: kept for review with the right day, which no decision can count
    const ancient = ['0001-01-01T09:00:00+07:00', '0050-06-15T09:00:00+07:00', '0999-06-15T09:00:00+07:00'].map((t) => rec(t));
    const kept = await leader.post('/api/support-sessions/sync', { records: ancient });
    expect(kept.json().results.map((r: { day: string; review: boolean }) => [r.day, r.review])).toEqual([['0001-01-01', true], ['0050-06-15', true], ['0999-06-15', true]]);
    const listed = (await officer.get('/api/support-sessions/reviews?limit=500')).json().reviews as { id: string; correctedAt: string; correctedDay: string }[];
    expect(listed.find((r) => r.id === ancient[0].id)).toMatchObject({ correctedAt: '0001-01-01T02:00:00.000Z', correctedDay: '0001-01-01' });
    for (const r of ancient) {
      // was: 0001 counted on 01/01/2001, 0999 counted in year 999 (DEFAULT partition), 0050 corrected a 500
      const accept = await decide(officer, r.id, { action: 'accept' });
      const correct = await decide(officer, r.id, { action: 'correct', occurredAt: r.occurredAt });
      expect([r.occurredAt, accept.statusCode, correct.statusCode, await pending(r.id), (await whereIs(r.id)).rows]).toEqual([r.occurredAt, 400, 400, 'pending', []]);
    }
    await exact();
  });

  it('another commune’s officer neither sees nor decides them, and cannot write into that commune’s partitions', async () => {
    expect((await otherOfficer.get('/api/support-sessions/reviews')).json().total).toBe(0);
    const refused = await decide(otherOfficer, held.future.id, { action: 'correct', occurredAt: '2026-12-01T09:00:00+07:00' });
    expect([refused.statusCode, await pending(held.future.id), (await whereIs(held.future.id)).rows]).toEqual([404, 'pending', []]);
    const stranger = await signedInClient(app, database.db, { username: 'tt.tieukhu6', role: 'team_leader', teamId: team.tieuKhu6 });
    const foreign = await sync(stranger, [held.q3end, rec('2026-12-20T09:00:00+07:00')]);
    expect(foreign.json().results.map((r: { status: string; field?: string }) => [r.status, r.field])).toEqual([['duplicate', undefined], ['rejected', 'teamId']]);
    const range = 'unit=03664&from=2024-06-01&to=2027-01-02';
    expect((await otherOfficer.get(`/api/reports/support?${range}&format=csv&table=children`)).statusCode).toBe(403);
    // the export over the DEFAULT partition and six quarters: its total row is the sessions stored
    const csv = await officer.get(`/api/reports/support?${range}&format=csv&table=children`);
    const [stored] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_sessions where team_id = ${team.chiengAn} and day between '2024-06-01' and '2027-01-02'`);
    expect([csv.statusCode, Number(csv.body.trim().split('\n').pop()!.split(',')[2])]).toEqual([200, stored.n]);
    expect((await officer.get(`/api/reports/support?${range}&format=xlsx`)).statusCode).toBe(200);
    await exact();
  });
});

describe('the other writers', () => {
  it('a help request closed by a session kept for review closes when the officer corrects it into another quarter', async () => {
    const made = await createHelpRequest(database.db, protector, { province: '14', commune: '03664', service: 'vneid', problem: 'Cần cài VNeID mức 2', name: 'Lường Văn Tám', phone: '0912000333', consent: true } as never);
    if (!('id' in made)) throw new Error(JSON.stringify(made));
    const session = rec('2027-05-01T09:00:00+07:00', { helpRequestId: made.id });
    expect((await sync(leader, [session])).json().results[0]).toMatchObject({ status: 'accepted', review: true });
    expect((await decide(officer, session.id, { action: 'correct', occurredAt: '2027-01-01T00:00:00+07:00' })).json().day).toBe('2027-01-01');
    const [r] = await queryRows<{ status: string; sessionId: string }>(database.db, sql`select status, session_id as "sessionId" from help_requests where id = ${made.id}`);
    expect(r).toEqual({ status: 'closed', sessionId: session.id });
    expect((await whereIs(session.id)).rows).toEqual([{ p: 'support_sessions_2027q1', day: '2027-01-01' }]);
    await exact();
  });

  it('the demo generator over three quarters', async () => {
    const s = await seedDemoSessions(database.db, protector, { count: 150, days: 110, seed: 3, now: clock.now() });
    expect([s.accepted, s.rejected]).toEqual([150, 0]);
    const parts = await queryRows<{ p: string }>(database.db, sql`select distinct tableoid::regclass::text as p from support_sessions where recorded_by is null order by 1`);
    expect(parts.map((p) => p.p)).toEqual(expect.arrayContaining(['support_sessions_2026q3', 'support_sessions_2026q4', 'support_sessions_2027q1']));
    await exact();
  });

  it('a resident seen in three quarters, then erased: counts unchanged', async () => {
    const resident = { fullName: 'Lò Thị Mai', phone: '0912000444', consent: true };
    const seen = [rec('2026-09-30T10:00:00+07:00', { resident }), rec('2026-12-31T10:00:00+07:00', { resident }), rec('2027-01-01T10:00:00+07:00', { resident })];
    clock.set('2026-10-02T10:00:00+07:00');
    expect((await sync(leader, [seen[0]])).json().results[0].status).toBe('accepted');
    clock.set(NOW);
    expect((await sync(leader, seen.slice(1))).json().accepted).toBe(2);
    const before = await supportReport(database.db, { unit: '03664' }, { from: '2026-07-01', to: '2027-01-02' }, ALL);
    await eraseResidents(database.db, protector, { phone: '0912000444' }, { userId: null, ip: null });
    const after = await supportReport(database.db, { unit: '03664' }, { from: '2026-07-01', to: '2027-01-02' }, ALL);
    expect([after.sessions, after.residents, after.recognised]).toEqual([before.sessions, before.residents, before.recognised]);
    await exact();
  });

  it('a village merge moves the sessions of both quarters; the village’s report follows', async () => {
    const editor = { userId: null, ip: null, scope: ALL };
    const [a, b] = [await createVillage(database.db, createVillageBody.parse({ commune: '03664', name: 'Bản Ban', validFrom: '2024-01-01' }), editor), await createVillage(database.db, createVillageBody.parse({ commune: '03664', name: 'Bản Bó', validFrom: '2024-01-01' }), editor)];
    const res = await sync(leader, [rec('2026-10-05T09:00:00+07:00', { villageCode: a.code }), rec('2026-12-31T23:00:00+07:00', { villageCode: a.code }), rec('2027-01-01T09:00:00+07:00', { villageCode: b.code })]);
    expect(res.json().accepted).toBe(3);
    const merged = await officer.post(`/api/villages/${a.code}/merge`, { into: b.code, on: '2027-01-02' });
    expect([merged.statusCode, merged.json().sessionsMoved]).toEqual([200, 2]);
    expect((await supportReport(database.db, { unit: b.code! }, { from: '2026-10-01', to: '2027-01-02' }, ALL)).sessions).toBe(3);
    await exact();
  });

  it('a duplicates merge moves the member’s sessions of both quarters, and the member rollups with them', async () => {
    const [dup, into] = [member['Quàng Thị Hoà'], member['Lò Văn Bình']];
    const shared = rec('2026-12-31T22:00:00+07:00', { memberIds: [dup, into] });
    const heldOne = rec('2026-06-02T09:00:00+07:00', { memberIds: [dup] });
    const res = await sync(leader, [rec('2026-10-02T09:00:00+07:00', { memberIds: [dup] }), rec('2027-01-01T09:00:00+07:00', { memberIds: [dup] }), shared, heldOne]);
    expect(res.json().accepted).toBe(4);
    const v = async (id: number) => (await queryRows<{ v: number }>(database.db, sql`select version as v from members where id = ${id}`))[0].v;
    // the merge while the phone syncs sessions of both people (the one of the duplicate refused if it comes after)
    const [merged, phone] = await Promise.all([
      officer.post(`/api/members/${dup}/merge`, { version: await v(dup), into, intoVersion: await v(into) }),
      sync(leader, [rec('2027-01-02T08:00:00+07:00', { memberIds: [into] }), rec('2026-12-31T23:30:00+07:00', { memberIds: [dup] })]),
    ]);
    expect([merged.statusCode, phone.statusCode]).toEqual([200, 200]);
    const left = await queryRows<{ n: number }>(database.db, sql`select (select count(*) from support_member_daily where member_id = ${dup})::int + (select count(*) from support_session_members where member_id = ${dup})::int as n`);
    expect(left[0].n).toBe(0);
    // a session of the duplicate kept for review counts, once accepted, as the kept record's
    expect((await decide(officer, heldOne.id, { action: 'correct', occurredAt: '2026-12-30T09:00:00+07:00' })).statusCode).toBe(200);
    expect(await queryRows(database.db, sql`select member_id as m from support_session_members where session_id = ${heldOne.id}`)).toEqual([{ m: into }]);
    await exact([{ unit: '03664' }, { memberId: into }]);
  });
});

describe('partitions made while phones sync, and rows beyond them', () => {
  it('a server clock years ahead puts sessions in the DEFAULT partitions; partitions made at once by two processes, while a phone syncs, are made once and leave them counted', async () => {
    const resident = { phone: '0912000555', consent: true };
    const at = (t: string) => syncSessions(database.db, protector, [rec(t, { resident })], { userId: null, scope: ALL }, new Date(t), { deviceNow: t });
    expect((await at('2031-02-01T09:00:00+07:00'))[0]).toMatchObject({ status: 'accepted', day: '2031-02-01' });
    const inDefault = await queryRows<{ p: string }>(database.db, sql`select distinct tableoid::regclass::text as p from support_sessions where day >= '2031-01-01'`);
    expect(inDefault).toEqual([{ p: 'support_sessions_default' }]);
    const count = async () => (await listSessionPartitions(database.db)).reduce((m, p) => m.set(p.table, (m.get(p.table) ?? 0) + 1), new Map<string, number>());
    const before = await count();
    // was on PostgreSQL: "relation … already exists" or "deadlock detected" for all but one
    const [a, b, phone] = await Promise.all([ensureSessionPartitions(database.db, '2030-06-01'), ensureSessionPartitions(database.db, '2030-06-01'), sync(leader, [rec('2027-01-02T09:30:00+07:00')])]);
    expect(phone.json().accepted).toBe(1);
    const after = await count();
    for (const [table, n] of after) expect([table, a[table] + b[table]]).toEqual([table, n - before.get(table)!]);
    const names = (await listSessionPartitions(database.db)).map((p) => p.partition);
    // the quarter and the year holding those rows are left in DEFAULT (the resident tables' rows are there too)
    expect(names.filter((n) => /_2031(q1)?$/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['support_sessions_2030q4', 'support_sessions_2031q2', 'support_monthly_2030']));
    expect((await at('2031-02-02T09:00:00+07:00'))[0]).toMatchObject({ status: 'accepted', day: '2031-02-02' });
    const [rollup, raw] = await Promise.all([
      supportReport(database.db, { unit: '03664' }, { from: '2031-01-01', to: '2031-03-31' }, ALL),
      supportReport(database.db, { unit: '03664' }, { from: '2031-01-01', to: '2031-03-31' }, ALL, { source: 'raw' }),
    ]);
    expect([rollup.sessions, rollup.residents, rollup.recognised]).toEqual([2, 1, 1]);
    expect([rollup.sessions, rollup.residents, rollup.recognised]).toEqual([raw.sessions, raw.residents, raw.recognised]);
    await exact();
  });
});
