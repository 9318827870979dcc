import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, TestClient } from '../../test/auth.js';
import { sessionIds, sessionsRegistry } from '../../test/sessions.js';
import { testApp, testDatabase, TEST_SECRETS, type TestAppInstance } from '../../test/db.js';
import { ALL, type Scope } from '../access/access.policy.js';
import { type Database, queryRows } from '../db/client.js';
import { DataProtector } from '../privacy/protector.js';
import { savePopulation } from './sessions.population.js';
import { supportReport } from './sessions.report.js';
import { ROLLUP_TABLES } from './sessions.rollup.rebuild.js';
import { syncSessions, type SyncRecord } from './sessions.sync.js';

/**
 * Support sessions end to end below the UI: the sync rules, the periods they land in (Vietnamese
 * days), residents counted once, and the rollup agreeing with a plain GROUP BY over the sessions.
 * Registry: SON_LA_ROSTER — the commune team of Chiềng An (03664: Hà Thị Hiền, Lò Văn Bình,
 * Quàng Thị Hoà) and the village team of Tiểu khu 6 in Mai Sơn (04105: Nguyễn Thị Hà, Lê Văn An).
 */
let database: Database;
let app: TestAppInstance;
const protector = new DataProtector(TEST_SECRETS);
const NOW = new Date('2026-11-29T12:00:00+07:00');
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
const uuid = sessionIds();

const rec = (over: Partial<SyncRecord> & Record<string, unknown> = {}): SyncRecord =>
  ({ id: uuid(), teamId: team.chiengAn, memberIds: [member['Hà Thị Hiền']], occurredAt: '2026-11-10T09:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'eid_level2' }], ...over }) as SyncRecord;
const sync = (records: unknown[], scope: Scope = ALL) => syncSessions(database.db, protector, records, { userId: null, scope }, NOW);
const report = (target: Parameters<typeof supportReport>[1], period: Parameters<typeof supportReport>[2], source: 'rollup' | 'raw' = 'rollup') => supportReport(database.db, target, period, ALL, { source });

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('sync', () => {
  it('accepts the valid records of a batch and explains each rejection, in order', async () => {
    await database.db.execute(sql`insert into support_services (code, province_code, name, icon) values ('ha_noi_app', '01', 'iHanoi', '🏙️')`);
    const good = rec({ occurredAt: '2026-11-20T08:00:00+07:00' });
    const batch = [
      good,
      rec({ occurredAt: '2026-11-29T13:30:00+07:00' }), // 90 minutes ahead of the server
      rec({ occurredAt: '2025-11-01T08:00:00+07:00' }), // ten months before the members joined
      rec({ memberIds: [member['Lê Văn An']] }), // member of the other team
      rec({ memberIds: [999999] }),
      rec({ teamId: 999999 }),
      rec({ services: [{ code: 'ha_noi_app', outcome: 'installed' }] }), // another province's service
      rec({ services: [{ code: 'vneid', outcome: 'installed' }, { code: 'vneid', outcome: 'informed' }] }),
      rec({ villageCode: '04105.001' }), // a village of another commune
      rec({ kind: 'group' }),
      rec({ resident: { fullName: 'Lò Thị Dân', phone: '0912000999' } }), // no consent
      rec({ resident: { phone: '0912', consent: true } }),
      rec({ resident: { ethnicity: '99' } }),
      { ...rec(), id: 'not-a-uuid' },
      { teamId: team.chiengAn },
      'garbage',
      rec({ kind: 'home', residentsCount: 50 }),
      { ...good }, // the same id again in the batch
    ];
    const results = await sync(batch);
    expect(results.map((r) => [r.status, 'field' in r ? r.field : ''])).toEqual([
      ['accepted', ''],
      ['accepted', ''], // kept for review (sessions.review.int.test.ts), not counted
      ['accepted', ''],
      ['rejected', 'memberIds'],
      ['rejected', 'memberIds'],
      ['rejected', 'teamId'],
      ['rejected', 'services'],
      ['rejected', 'services'],
      ['rejected', 'villageCode'],
      ['rejected', 'residentsCount'],
      ['rejected', 'resident.consent'],
      ['rejected', 'resident.phone'],
      ['rejected', 'resident.ethnicity'],
      ['rejected', 'id'],
      ['rejected', 'id'],
      ['rejected', 'record'],
      ['rejected', 'residentsCount'],
      ['duplicate', ''],
    ]);
    expect(results[0]).toEqual({ id: good.id, status: 'accepted', day: '2026-11-20' });
    expect(results[1]).toEqual({ id: (batch[1] as SyncRecord).id, status: 'accepted', day: '2026-11-29', review: true });
    expect(results[2]).toEqual({ id: (batch[2] as SyncRecord).id, status: 'accepted', day: '2025-11-01', review: true });
    expect(results[6]).toMatchObject({ reason: 'Không có dịch vụ "ha_noi_app" trong danh mục của tỉnh; hãy cập nhật ứng dụng.' });
    const stored = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_sessions`);
    expect(stored[0].n).toBe(1);
    // a resend of the whole batch (the phone never saw the answer) stores nothing new
    expect((await sync([good])).map((r) => r.status)).toEqual(['duplicate']);
    const rollup = await queryRows<{ sessions: number }>(database.db, sql`select sum(sessions)::int as sessions from support_daily where service_id = 0 and outcome = ''`);
    expect(rollup[0].sessions).toBe(3); // one session, counted for the commune, the province and the team
    for (const table of ['support_sessions', 'support_session_reviews', ...ROLLUP_TABLES]) await database.db.execute(sql.raw(`delete from ${table}`));
  });

  it('refuses a team outside the recorder’s scope', async () => {
    const scope: Scope = { kind: 'team', teamId: team.tieuKhu6, unitId: 0, communeId: 0, provinceCode: '14' };
    const [r] = await sync([rec()], scope);
    expect(r).toMatchObject({ status: 'rejected', field: 'teamId' });
    // the same answer as for a team that does not exist: whether it exists is not disclosed
    const [none] = await sync([{ ...rec(), id: crypto.randomUUID(), teamId: 999999 }], scope);
    const reason = (x: unknown) => (x as { reason: string }).reason.replace(/mã \d+/, "mã N");
    expect(reason(r)).toBe(reason(none));
    expect((r as { reason: string }).reason).toMatch(/^Không có tổ mã \d+ trong phạm vi tài khoản của bạn/);
  });

  it('refuses ids beyond the database integers per record, and keeps the rest of the batch', async () => {
    const good = rec();
    const results = await sync([{ ...rec(), teamId: 2147483648 }, good, { ...rec(), memberIds: [9007199254740991] }]);
    expect(results.map((r) => [r.status, 'field' in r ? r.field : null])).toEqual([['rejected', 'teamId'], ['accepted', null], ['rejected', 'memberIds.0']]);
    for (const table of ['support_sessions', ...ROLLUP_TABLES]) await database.db.execute(sql.raw(`delete from ${table}`));
  });
});

describe('periods, late records and residents counted once', () => {
  beforeAll(async () => {
    const results = await sync([
      // the last minute of 1 November and the first of 2 November, Vietnamese time
      rec({ occurredAt: '2026-11-01T23:59:00+07:00', services: [{ code: 'vneid', outcome: 'eid_level2' }, { code: 'zalo', outcome: 'installed' }], resident: { phone: '0912 000 999', consent: true, gender: 'female', birthYear: 1960, ethnicity: '03' } }),
      rec({ occurredAt: '2026-11-01T17:00:00Z', services: [{ code: 'son_la_smart', outcome: 'account_created' }], resident: { phone: '+84912000999', consent: true } }),
      // a group of 10 at the commune centre, sent with a UTC clock
      rec({ occurredAt: '2026-10-31T17:30:00Z', kind: 'group', residentsCount: 10, atServiceCentre: true, memberIds: [member['Hà Thị Hiền'], member['Lò Văn Bình']], services: [{ code: 'vneid', outcome: 'informed' }] }),
      // recorded in October, synced only now: it counts in October
      rec({ occurredAt: '2026-10-15T10:00:00+07:00', kind: 'help_desk', memberIds: [member['Quàng Thị Hoà']], services: [{ code: 'public_services', outcome: 'submitted_online' }] }),
      // the village team in Mai Sơn
      rec({ teamId: team.tieuKhu6, memberIds: [member['Nguyễn Thị Hà']], occurredAt: '2026-11-02T08:00:00+07:00', services: [{ code: 'cashless', outcome: 'payment_made' }], resident: { nationalId: '014190000123', consent: true } }),
    ]);
    expect(results.map((r) => (r.status === 'accepted' ? r.day : r.status))).toEqual(['2026-11-01', '2026-11-02', '2026-11-01', '2026-10-15', '2026-11-02']);
  });

  it('counts a session in the Vietnamese day it happened in', async () => {
    const day = async (date: string) => (await report({ unit: '03664' }, { period: 'day', date })).sessions;
    expect([await day('2026-10-31'), await day('2026-11-01'), await day('2026-11-02')]).toEqual([0, 2, 1]);
    expect((await report({ unit: '03664' }, { period: 'month', date: '2026-10-20' })).sessions).toBe(1);
    expect((await report({ unit: '03664' }, { period: 'month', date: '2026-11-20' })).sessions).toBe(3);
  });

  it('gives the exact commune report: people counted once by keyed phone hash, services by outcome', async () => {
    const r = await report({ unit: '03664' }, { from: '2026-10-01', to: '2026-11-30' });
    expect(r).toMatchObject({
      target: { kind: 'commune', code: '03664', name: 'Phường Chiềng An' },
      period: { from: '2026-10-01', to: '2026-11-30', bucket: 'day' },
      sessions: 4,
      headcount: 13,
      residents: 12,
      recognised: 1,
      byKind: { home: 2, group: 1, help_desk: 1 },
      atServiceCentre: 1,
      coverage: null,
      sentence: 'Các tổ công nghệ số cộng đồng ở Phường Chiềng An đã hướng dẫn 12 người dân cài đặt và sử dụng: VNeID (định danh điện tử), Dịch vụ công trực tuyến, Sơn La Smart, Zalo.',
    });
    expect(r.services.map((s) => [s.code, s.sessions, s.headcount, Object.entries(s.outcomes).filter(([, n]) => n > 0)])).toEqual([
      ['vneid', 2, 11, [['informed', 10], ['eid_level2', 1]]],
      ['public_services', 1, 1, [['submitted_online', 1]]],
      ['son_la_smart', 1, 1, [['account_created', 1]]],
      ['zalo', 1, 1, [['installed', 1]]],
    ]);
    expect(r.trend).toEqual([
      { start: '2026-10-15', sessions: 1, residents: 1 },
      { start: '2026-11-01', sessions: 2, residents: 11 },
      { start: '2026-11-02', sessions: 1, residents: 1 },
    ]);
    expect(r.children).toEqual([{ kind: 'team', id: team.chiengAn, code: null, name: 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', sessions: 4, headcount: 13 }]);
    const stored = await queryRows<{ phoneEnc: string; phoneHash: string; n: number }>(database.db, sql`select phone_enc as "phoneEnc", phone_hash as "phoneHash", (select count(*)::int from residents) as n from residents where phone_hash is not null`);
    expect(stored.length).toBe(1);
    expect([stored[0].n, protector.decrypt(stored[0].phoneEnc), stored[0].phoneHash]).toEqual([2, '+84912000999', protector.hash('+84912000999')]);
  });

  it('adds up: the province equals the sum of its communes, and the rollup equals a GROUP BY over the sessions', async () => {
    const period = { from: '2026-10-01', to: '2026-11-30' };
    const province = await report({ unit: '14' }, period);
    expect([province.sessions, province.headcount, province.residents, province.recognised]).toEqual([5, 14, 13, 2]);
    const active = province.children.filter((c) => c.sessions > 0).map((c) => [c.code, c.sessions, c.headcount]);
    expect(active).toEqual([['03664', 4, 13], ['04105', 1, 1]]);
    expect(province.children.reduce((n, c) => n + c.sessions, 0)).toBe(province.sessions);
    expect(province.children.reduce((n, c) => n + c.headcount, 0)).toBe(province.headcount);
    expect(province.children.length).toBe(75);
    for (const target of [{ unit: '14' }, { unit: '03664' }, { unit: '04105' }, { teamId: team.chiengAn }, { teamId: team.tieuKhu6 }]) {
      for (const p of [period, { period: 'day' as const, date: '2026-11-01' }, { period: 'year' as const, date: '2026-06-01' }]) {
        expect(await report(target, p, 'rollup')).toEqual(await report(target, p, 'raw'));
      }
    }
  });

  it('reports a village, a team and a member, with the article’s sentence', async () => {
    const village = await report({ unit: '04105.001' }, { period: 'month', date: '2026-11-01' });
    expect([village.target.kind, village.sessions, village.residents, village.services.map((s) => s.code)]).toEqual(['village', 1, 1, ['cashless']]);
    const t = await report({ teamId: team.chiengAn }, { period: 'month', date: '2026-11-01' });
    expect(t.sentence).toBe('Tổ công nghệ số cộng đồng xã Chiềng Xôm đã hướng dẫn 11 người dân cài đặt và sử dụng: VNeID (định danh điện tử), Sơn La Smart, Zalo.');
    // members of a shared session each count it; by given name: Bình, Hiền
    expect(t.children.map((c) => [c.name, c.sessions, c.headcount])).toEqual([['Lò Văn Bình', 1, 10], ['Hà Thị Hiền', 3, 12], ['Quàng Thị Hoà', 0, 0]]);
    const m = await report({ memberId: member['Quàng Thị Hoà'] }, { period: 'year', date: '2026-01-01' });
    expect([m.target, m.sessions, m.byKind.help_desk]).toEqual([{ kind: 'member', code: null, id: member['Quàng Thị Hoà'], name: 'Quàng Thị Hoà' }, 1, 1]);
  });

  it('measures coverage against the commune population', async () => {
    await savePopulation(database.db, [{ unit: '03664', year: 2025, population: 2400, households: 600 }], { userId: null, ip: null, scope: ALL });
    const r = await report({ unit: '03664' }, { from: '2026-10-01', to: '2026-11-30' });
    expect(r.coverage).toEqual({ population: 2400, year: 2025, communesWithFigures: 1, communes: 1, ratio: 0.005 });
    const p = await report({ unit: '14' }, { from: '2026-10-01', to: '2026-11-30' });
    expect(p.coverage).toMatchObject({ population: 2400, communesWithFigures: 1, communes: 75 });
    // what the province map draws per commune (issue 17): population and people reached per service, the same from the sessions
    const active = p.children.filter((c) => c.sessions > 0 || c.population !== null).map((c) => [c.code, c.population, c.services, c.teams, c.activeTeams]);
    expect(active).toEqual([['03664', 2400, { vneid: 11, son_la_smart: 1, zalo: 1, public_services: 1 }, 1, 1], ['04105', null, { cashless: 1 }, 1, 1]]);
    // the same figures as each commune's own report lists per service
    for (const code of ['03664', '04105']) {
      const own = await report({ unit: code }, { from: '2026-10-01', to: '2026-11-30' });
      expect(p.children.find((c) => c.code === code)!.services).toEqual(Object.fromEntries(own.services.map((x) => [x.code, x.headcount])));
    }
    expect(await report({ unit: '14' }, { from: '2026-10-01', to: '2026-11-30' }, 'raw')).toEqual(p);
  });
});

describe('HTTP', () => {
  let officer: TestClient;
  beforeAll(async () => {
    officer = await signedInClient(app, database.db, { username: 'cb.chienganx', role: 'commune_officer', unit: '03664' });
  });

  it('answers per record and stores before answering', async () => {
    const record = rec({ occurredAt: '2026-11-25T08:00:00+07:00' });
    const res = await officer.post('/api/support-sessions/sync', { records: [record, rec({ memberIds: [member['Lê Văn An']], teamId: team.tieuKhu6 })] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: 1, results: [{ id: record.id, status: 'accepted' }, { status: 'rejected', field: 'teamId' }] });
    const rows = await queryRows<{ recordedBy: number; receivedAt: string }>(database.db, sql`select recorded_by as "recordedBy", received_at as "receivedAt" from support_sessions where id = ${record.id}`);
    expect(rows.length).toBe(1);
    expect(rows[0].recordedBy).toBeGreaterThan(0);
  });

  it('refuses bad requests with 4xx and a reason, never a 500', async () => {
    const raw = await officer.request({ method: 'POST', url: '/api/support-sessions/sync', payload: '{"records": [', headers: { 'content-type': 'application/json' } });
    expect([raw.statusCode, raw.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const notArray = await officer.post('/api/support-sessions/sync', { records: 'x' });
    expect([notArray.statusCode, notArray.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const big = await officer.post('/api/support-sessions/sync', { records: Array.from({ length: 501 }, () => rec()) });
    expect([big.statusCode, big.json().error]).toEqual([413, { code: 'SYNC_BATCH_TOO_LARGE', message: 'Một lần đồng bộ tối đa 500 buổi; lần này có 501. Hãy chia nhỏ.' }]);
    const period = await officer.get('/api/reports/support?unit=03664&from=2026-12-01&to=2026-11-01');
    expect([period.statusCode, period.json().error.message]).toEqual([400, 'Ngày bắt đầu 2026-12-01 sau ngày kết thúc 2026-11-01.']);
    const both = await officer.get('/api/reports/support?unit=03664&team=1');
    expect(both.statusCode).toBe(400);
    const away = await officer.get('/api/reports/support?unit=04105');
    expect([away.statusCode, away.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    for (const q of ['period=day&date=0000-01-01', 'from=0000-01-01&to=0000-01-02', 'period=month&date=0099-01-01']) {
      const bad = await officer.get(`/api/reports/support?unit=03664&${q}`);
      expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    // U+0000 cannot be stored: refused with its place, never a 500
    const nulLogin = await new TestClient(app).post('/api/auth/login', { login: 'a\u0000b', password: 'xxxxxxxxx' });
    expect([nulLogin.statusCode, nulLogin.json().error.message]).toEqual([400, 'Dữ liệu gửi lên có ký tự rỗng (NUL, \\u0000) ở body.login; hãy xoá ký tự đó rồi gửi lại.']);
    const nulService = await officer.get('/api/support-services?province=1\u0000');
    expect(nulService.statusCode).toBe(400);
    const good = rec({ occurredAt: '2026-11-26T08:00:00+07:00' });
    const nulSync = await officer.post('/api/support-sessions/sync', { records: [rec({ note: 'ghi \u0000 chú' }), good] });
    expect(nulSync.json()).toMatchObject({ accepted: 1, rejected: 1, results: [{ status: 'rejected', field: 'note' }, { id: good.id, status: 'accepted' }] });
    const population = await officer.post('/api/population', { rows: [{ unit: '99999', year: 2026, population: 10 }] });
    expect([population.statusCode, population.json().error.message]).toEqual([400, 'Dòng 1: không có xã/phường hiện hành mã "99999" (mã 5 chữ số của Tổng cục Thống kê, sau 01/07/2025).']);
  });

  it('gives the field app its team, roster, villages and catalogue', async () => {
    const res = await officer.get('/api/field/context');
    const ctx = res.json();
    expect(ctx.teams.map((t: { name: string; members: { fullName: string }[] }) => [t.name, t.members.map((m) => m.fullName)])).toEqual([
      ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', ['Lò Văn Bình', 'Hà Thị Hiền', 'Quàng Thị Hoà']],
    ]);
    expect(ctx.services.map((s: { code: string }) => s.code)).toEqual(['vneid', 'son_la_smart', 'vssid', 'public_services', 'cashless', 'bills', 'zalo', 'ehealth', 'procedure_lookup', 'ecommerce', 'digital_skills']);
    expect([ctx.ethnicGroups.length, ctx.ethnicGroups[2], ctx.ethnicGroups[53]]).toEqual([54, { code: '03', name: 'Thái' }, { code: '54', name: 'Rơ-măm' }]);
  });
});

describe('the service catalogue is data', () => {
  it('a province officer adds the province’s own service; it reaches the field app; codes keep their province', async () => {
    const officer = await signedInClient(app, database.db, { username: 'cb.tinh.sonla', role: 'province_officer', unit: '14' });
    const res = await officer.post('/api/support-services', { code: 'son_la_dien_tu', name: 'Cổng  dịch vụ  Sơn La', icon: '🏔️', province: '14', sortOrder: 16 });
    expect(res.json()).toMatchObject({ code: 'son_la_dien_tu', provinceCode: '14', name: 'Cổng dịch vụ Sơn La', active: true });
    const national = await officer.post('/api/support-services', { code: 'vneid', name: 'VNeID', icon: '🪪', province: null });
    expect([national.statusCode, national.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const list = (await officer.get('/api/support-services')).json().services.map((s: { code: string }) => s.code);
    expect(list.slice(0, 4)).toEqual(['vneid', 'son_la_smart', 'son_la_dien_tu', 'vssid']);
    const [r] = await sync([rec({ services: [{ code: 'son_la_dien_tu', outcome: 'submitted_online' }] })]);
    expect(r.status).toBe('accepted');
    const off = await officer.post('/api/support-services', { code: 'son_la_dien_tu', name: 'Cổng dịch vụ Sơn La', icon: '🏔️', province: '14', active: false });
    expect(off.json().active).toBe(false);
    const [late] = await sync([rec({ services: [{ code: 'son_la_dien_tu', outcome: 'submitted_online' }] })]);
    expect(late).toMatchObject({ status: 'rejected', field: 'services' });
  });
});
