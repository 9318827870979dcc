import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { sessionIds, sessionsRegistry } from '../../test/sessions.js';
import { testApp, testDatabase, TEST_SECRETS, type TestAppInstance } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { FixedClock, useClock } from '../text/clock.js';
import { supportReport } from './sessions.report.js';
import { compareSupportRollups } from './sessions.rollup.js';
import { syncSessions, type SyncRecord } from './sessions.sync.js';

/**
 * Phone clocks and the commune officer's review (issue 13, item 2): the offset from deviceNow,
 * the corrected time counted in its Vietnamese day, the 5-minute flag, and sessions in the future,
 * more than 90 days back or before the team existed kept, listed and not counted until accepted,
 * corrected or deleted (rollups and audit after each), within the officer's scope only.
 * Server clock: 12:00 29/11/2026 ICT. Registry: test/sessions.ts (Chiềng An 03664, Tiểu khu 6 04105).
 */
let database: Database;
let app: TestAppInstance;
let officer: TestClient;
let otherOfficer: TestClient;
const protector = new DataProtector(TEST_SECRETS);
const NOW = new Date('2026-11-29T12:00:00+07:00');
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const uuid = sessionIds();
const rec = (over: Partial<SyncRecord> = {}): SyncRecord =>
  ({ id: uuid(), teamId: team.chiengAn, memberIds: [member['Hà Thị Hiền']], occurredAt: '2026-11-10T09:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'eid_level2' }], ...over }) as SyncRecord;
const dayCount = async (date: string) => (await supportReport(database.db, { unit: '03664' }, { period: 'day', date }, ALL)).sessions;
const held = { future: '', tooOld: '', beforeTeam: '' };

beforeAll(async () => {
  useClock(new FixedClock(NOW));
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
  await database.db.execute(sql`update teams set established_on = '2026-10-01' where id = ${team.chiengAn}`);
  officer = await signedInClient(app, database.db, { username: 'cb.chiengan', role: 'commune_officer', unit: '03664' });
  otherOfficer = await signedInClient(app, database.db, { username: 'cb.maison', role: 'commune_officer', unit: '04105' });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('the phone’s clock', () => {
  it('stores the time as written, the offset, the received and corrected times; counts the corrected day; flags over 5 minutes', async () => {
    // synced at 23:00 on 29/11 by a phone running 3 h ahead: its 01:30 on 30/11 was 22:30 on 29/11, Vietnamese time
    const ahead = rec({ occurredAt: '2026-11-30T01:30:00+07:00' });
    const late = new Date('2026-11-29T23:00:00+07:00');
    const [r] = await syncSessions(database.db, protector, [ahead], { userId: null, scope: ALL }, late, { deviceNow: '2026-11-30T02:00:00+07:00' });
    expect(r).toEqual({ id: ahead.id, status: 'accepted', day: '2026-11-29', clockFlag: true });
    // 2 minutes off: not flagged; no deviceNow (an old app): offset unknown, the phone's time counts
    const close = rec({ occurredAt: '2026-11-28T23:59:00+07:00' });
    const old = rec({ occurredAt: '2026-11-27T08:00:00+07:00' });
    expect(await syncSessions(database.db, protector, [close], { userId: null, scope: ALL }, NOW, { deviceNow: '2026-11-29T12:02:00+07:00' })).toEqual([{ id: close.id, status: 'accepted', day: '2026-11-28' }]);
    expect(await syncSessions(database.db, protector, [old], { userId: null, scope: ALL }, NOW)).toEqual([{ id: old.id, status: 'accepted', day: '2026-11-27' }]);
    const rows = await queryRows<{ id: string; device: string; offset: number | null; flag: boolean; received: string; occurred: string; day: string }>(
      database.db,
      sql`select id, device_occurred_at as device, clock_offset_ms::float8 as offset, clock_flag as flag, received_at as received, occurred_at as occurred, day::text as day
            from support_sessions order by occurred_at`,
    );
    const iso = (v: string) => new Date(v).toISOString();
    expect(rows.map((x) => [x.id, iso(x.device), x.offset, x.flag, iso(x.received), iso(x.occurred), x.day])).toEqual([
      [old.id, '2026-11-27T01:00:00.000Z', null, false, '2026-11-29T05:00:00.000Z', '2026-11-27T01:00:00.000Z', '2026-11-27'],
      // 23:59 by a phone 2 min ahead happened at 23:57
      [close.id, '2026-11-28T16:59:00.000Z', 120000, false, '2026-11-29T05:00:00.000Z', '2026-11-28T16:57:00.000Z', '2026-11-28'],
      [ahead.id, '2026-11-29T18:30:00.000Z', 10800000, true, '2026-11-29T16:00:00.000Z', '2026-11-29T15:30:00.000Z', '2026-11-29'],
    ]);
    expect([await dayCount('2026-11-29'), await dayCount('2026-11-30')]).toEqual([1, 0]);
  });

  it('answers the clock over HTTP: serverNow, offset, wrong', async () => {
    const leader = await signedInClient(app, database.db, { username: 'tt.chiengan', role: 'team_leader', teamId: team.chiengAn });
    const res = await leader.post('/api/support-sessions/sync', { records: [rec({ occurredAt: '2026-11-29T10:00:00+07:00' })], deviceNow: '2026-11-29T11:50:00+07:00' });
    expect(res.statusCode).toBe(200);
    const j = res.json();
    expect(j.clock).toEqual({ serverNow: '2026-11-29T05:00:00.000Z', offsetMs: -600000, wrong: true });
    expect(j.results[0]).toMatchObject({ status: 'accepted', day: '2026-11-29', clockFlag: true });
    const none = await leader.post('/api/support-sessions/sync', { records: [] });
    expect(none.json().clock).toEqual({ serverNow: '2026-11-29T05:00:00.000Z', offsetMs: null, wrong: false });
    const bad = await leader.post('/api/support-sessions/sync', { records: [], deviceNow: 'hôm nay' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('review of sessions in the future, too old, before the team existed', () => {
  beforeAll(async () => {
    const future = rec({ occurredAt: '2026-12-05T09:00:00+07:00' });
    const tooOld = rec({ occurredAt: '2026-08-01T09:00:00+07:00', kind: 'group', residentsCount: 12, services: [{ code: 'vneid', outcome: 'informed' }] });
    const beforeTeam = rec({ occurredAt: '2026-09-20T09:00:00+07:00' });
    Object.assign(held, { future: future.id, tooOld: tooOld.id, beforeTeam: beforeTeam.id });
    const results = await syncSessions(database.db, protector, [future, tooOld, beforeTeam], { userId: null, scope: ALL }, NOW, { deviceNow: NOW.toISOString() });
    expect(results).toEqual([
      { id: future.id, status: 'accepted', day: '2026-12-05', review: true },
      { id: tooOld.id, status: 'accepted', day: '2026-08-01', review: true },
      { id: beforeTeam.id, status: 'accepted', day: '2026-09-20', review: true },
    ]);
    // a resend is a duplicate, not a second kept row
    expect((await syncSessions(database.db, protector, [future], { userId: null, scope: ALL }, NOW)).map((r) => r.status)).toEqual(['duplicate']);
  });

  it('keeps them out of every count and lists them for the commune’s officer only', async () => {
    expect([await dayCount('2026-12-05'), await dayCount('2026-08-01'), await dayCount('2026-09-20')]).toEqual([0, 0, 0]);
    const list = (await officer.get('/api/support-sessions/reviews')).json().reviews as { id: string; reason: string; reasonLabel: string; correctedDay: string; residentsCount: number }[];
    expect(list.map((r) => [r.id, r.reason, r.reasonLabel, r.correctedDay, r.residentsCount]).sort()).toEqual(
      [
        [held.future, 'future', 'Thời điểm ở tương lai', '2026-12-05', 1],
        [held.tooOld, 'too_old', 'Cũ hơn 90 ngày', '2026-08-01', 12],
        [held.beforeTeam, 'before_team', 'Trước ngày tổ được thành lập', '2026-09-20', 1],
      ].sort(),
    );
    // a page at a time, newest received first, with the total; the pages together are the whole list
    const pages = [0, 1, 2, 3].map((offset) => officer.get(`/api/support-sessions/reviews?limit=1&offset=${offset}`));
    const answers = await Promise.all(pages.map(async (p) => (await p).json() as { reviews: { id: string }[]; total: number; offset: number; limit: number }));
    expect(answers.map((a) => [a.total, a.offset, a.limit, a.reviews.length])).toEqual([[3, 0, 1, 1], [3, 1, 1, 1], [3, 2, 1, 1], [3, 3, 1, 0]]);
    expect(answers.flatMap((a) => a.reviews.map((r) => r.id)).sort()).toEqual(list.map((r) => r.id).sort());
    const badLimit = await officer.get('/api/support-sessions/reviews?limit=501');
    expect(badLimit.statusCode).toBe(400);
    expect((await otherOfficer.get('/api/support-sessions/reviews')).json()).toEqual({ reviews: [], total: 0, offset: 0, limit: 200 });
    const refused = await otherOfficer.post(`/api/support-sessions/reviews/${held.tooOld}`, { action: 'accept' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const member = await signedInClient(app, database.db, { username: 'tv.chiengan', role: 'member', teamId: team.chiengAn });
    expect((await member.get('/api/support-sessions/reviews')).statusCode).toBe(403);
    expect(await dayCount('2026-08-01')).toBe(0);
  });

  it('accept counts it at its corrected day, correct at the officer’s, delete never; each audited, rollups exact', async () => {
    const accept = await officer.post(`/api/support-sessions/reviews/${held.tooOld}`, { action: 'accept' });
    expect(accept.json()).toEqual({ id: held.tooOld, status: 'accepted', day: '2026-08-01' });
    const daily = () =>
      queryRows<{ day: string; sessions: number; residents: number }>(
        database.db,
        sql`select d.day::text as day, d.sessions::int as sessions, d.residents::int as residents from support_daily d join admin_units u on u.id = d.unit_id
             where u.code = '03664' and u.valid_to is null and d.service_id = 0 and d.outcome = '' and d.day in ('2026-08-01', '2026-09-20', '2026-10-05', '2026-12-05') order by d.day`,
      );
    expect(await daily()).toEqual([{ day: '2026-08-01', sessions: 1, residents: 12 }]);
    expect((await officer.post(`/api/support-sessions/reviews/${held.tooOld}`, { action: 'accept' })).statusCode).toBe(409);

    // the future one cannot be accepted as it is: its date must be corrected, or it is deleted
    const future = await officer.post(`/api/support-sessions/reviews/${held.future}`, { action: 'accept' });
    expect([future.statusCode, future.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    // a date no report shows, or before the team's founding day (01/10/2026), is refused with the reason
    const ancient = await officer.post(`/api/support-sessions/reviews/${held.beforeTeam}`, { action: 'correct', occurredAt: '0000-01-01T09:00:00+07:00' });
    expect([ancient.statusCode, ancient.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const early = await officer.post(`/api/support-sessions/reviews/${held.beforeTeam}`, { action: 'correct', occurredAt: '2026-09-30T09:00:00+07:00' });
    expect([early.statusCode, early.json().error.message]).toEqual([400, 'Ngày 30/09/2026 trước khi tổ bắt đầu hoạt động (01/10/2026) hoặc ngoài khoảng 2000–2100 của báo cáo: hãy sửa lại ngày (hoặc ngày thành lập của tổ), hoặc xoá buổi này.']);
    const correct = await officer.post(`/api/support-sessions/reviews/${held.beforeTeam}`, { action: 'correct', occurredAt: '2026-10-05T09:00:00+07:00' });
    expect(correct.json()).toEqual({ id: held.beforeTeam, status: 'corrected', day: '2026-10-05' });
    const del = await officer.post(`/api/support-sessions/reviews/${held.future}`, { action: 'delete' });
    expect(del.json()).toEqual({ id: held.future, status: 'deleted', day: null });

    expect(await daily()).toEqual([
      { day: '2026-08-01', sessions: 1, residents: 12 },
      { day: '2026-10-05', sessions: 1, residents: 1 },
    ]);
    expect([await dayCount('2026-08-01'), await dayCount('2026-09-20'), await dayCount('2026-10-05'), await dayCount('2026-12-05')]).toEqual([1, 0, 1, 0]);
    expect((await officer.get('/api/support-sessions/reviews')).json().reviews).toEqual([]);
    expect((await officer.get('/api/support-sessions/reviews?status=deleted')).json().reviews.map((r: { id: string }) => r.id)).toEqual([held.future]);
    // the incremental rollups agree with a rebuild from the sessions
    const diff = await compareSupportRollups(database.db);
    expect([diff.daily, diff.residentDays, diff.residentCounts]).toEqual([0, 0, 0]);
    const audit = await queryRows<{ action: string; entityId: string; after: { status: string; day: string | null } }>(
      database.db,
      sql`select action, entity_id as "entityId", after from audit_log where entity = 'support_session' order by id`,
    );
    expect(audit.map((a) => [a.action, a.entityId, a.after.status, a.after.day])).toEqual([
      ['support_session.review.accept', held.tooOld, 'accepted', '2026-08-01'],
      ['support_session.review.correct', held.beforeTeam, 'corrected', '2026-10-05'],
      ['support_session.review.delete', held.future, 'deleted', null],
    ]);
    const refusals = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where entity_id = ${held.tooOld} or (after->'target'->>'id') = ${held.tooOld}`);
    expect(refusals[0].n).toBeGreaterThanOrEqual(2);
  });
});

describe('a team whose start is unknown', () => {
  it('a roster imported without join dates does not make every earlier session "before the team"', async () => {
    // Tiểu khu 6 as a roster without a 'Ngày vào tổ' column leaves it: its periods start on the import day, 'imported'
    await database.db.execute(sql`update team_members set joined_on = '2026-11-25', start_reason = 'imported' where team_id = ${team.tieuKhu6}`);
    const [someone] = await queryRows<{ id: number }>(database.db, sql`select member_id as id from team_members where team_id = ${team.tieuKhu6} order by member_id limit 1`);
    const early = rec({ teamId: team.tieuKhu6, memberIds: [someone.id], occurredAt: '2026-11-10T09:00:00+07:00' });
    expect(await syncSessions(database.db, protector, [early], { userId: null, scope: ALL }, NOW)).toEqual([{ id: early.id, status: 'accepted', day: '2026-11-10' }]);
    // a join the officer recorded is a real start: a session before it is kept for review
    await database.db.execute(sql`update team_members set start_reason = 'joined' where team_id = ${team.tieuKhu6}`);
    const before = rec({ teamId: team.tieuKhu6, memberIds: [someone.id], occurredAt: '2026-11-10T10:00:00+07:00' });
    expect(await syncSessions(database.db, protector, [before], { userId: null, scope: ALL }, NOW)).toEqual([{ id: before.id, status: 'accepted', day: '2026-11-10', review: true }]);
  });
});

describe('phones far off and records sent twice at once', () => {
  it('a phone a month ahead or set to 1970 still syncs (the offset is stored), and is flagged', async () => {
    const month = rec({ occurredAt: '2026-12-29T10:00:00+07:00' });
    const epoch = rec({ occurredAt: '1970-01-01T10:00:00+07:00' });
    const [a] = await syncSessions(database.db, protector, [month], { userId: null, scope: ALL }, NOW, { deviceNow: '2026-12-29T12:00:00+07:00' });
    const [b] = await syncSessions(database.db, protector, [epoch], { userId: null, scope: ALL }, NOW, { deviceNow: '1970-01-01T12:00:00+07:00' });
    expect([a, b]).toEqual([
      { id: month.id, status: 'accepted', day: '2026-11-29', clockFlag: true },
      { id: epoch.id, status: 'accepted', day: '2026-11-29', clockFlag: true },
    ]);
    const rows = await queryRows<{ offset: string }>(database.db, sql`select clock_offset_ms::text as offset from support_sessions where id in (${month.id}, ${epoch.id}) order by clock_offset_ms`);
    expect(rows.map((r) => r.offset)).toEqual([String(Date.parse('1970-01-01T12:00:00+07:00') - NOW.getTime()), String(30 * 86_400_000)]);
  });

  it('the same record sent twice at once, one send with the clock and one without, is counted or held, never both', async () => {
    const twice = rec({ occurredAt: '2026-11-29T14:00:00+07:00' });
    const results = await Promise.all([
      syncSessions(database.db, protector, [twice], { userId: null, scope: ALL }, NOW),
      syncSessions(database.db, protector, [twice], { userId: null, scope: ALL }, NOW, { deviceNow: '2026-11-29T14:00:00+07:00' }),
    ]);
    expect(results.flat().map((r) => r.status).sort()).toEqual(['accepted', 'duplicate']);
    const where = await queryRows<{ counted: number; held: number }>(
      database.db,
      sql`select (select count(*)::int from support_sessions where id = ${twice.id}) as counted, (select count(*)::int from support_session_reviews where session_id = ${twice.id}) as held`,
    );
    expect(where[0].counted + where[0].held).toBe(1);
  });
});

