import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCluster, clusterVersion, provinceServer, type TestCluster } from '../../test/clusters.js';
import { signedInClient } from '../../test/auth.js';
import { copyTemplateDatabase, TEST_SECRETS, testApp } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { type Database, type Db, openDatabase, queryRows } from '../db/client.js';
import { generateDemo } from '../demo/demo.service.js';
import { seedDemoSessions } from '../demo/demo.sessions.js';
import { DataProtector } from '../privacy/protector.js';
import { addMember } from '../registry/registry.members.js';
import { createTeam } from '../registry/registry.teams.js';
import { addMemberBody, createTeamBody } from '../registry/registry.contract.js';
import { networkReport } from '../reports/network.service.js';
import { supportReport } from '../sessions/sessions.report.js';
import { applyProvinceRanges } from './national.keys.js';
import { publishProvince, rowsOutsideRange } from './national.publication.js';
import { nationalNetworkReport } from './national.report.js';
import { refreshProvince, replicationStatus, subscribeProvince, unsubscribeProvince } from './national.subscription.js';

/**
 * Issue 18, item 2: two province servers and a national subscriber, by PostgreSQL's logical
 * replication. Two clusters of their own (pg_createcluster on free ports, wal_level = logical) are
 * Sơn La (14, the demo: 1,459 teams, 1,200 sessions) and Hà Nội (01, three teams made by hand, 150
 * sessions); the national database is on the test server. Both provinces write before and after
 * the subscription; Sơn La's server restarts and writes again. Each time the national server's
 * network and support reports of each province equal the province's own, and the nation's
 * network total equals the sum of the two. Runs in the PostgreSQL suite (npm run test:pg), where
 * CI has pg_createcluster; under CI a missing one is a failure, not a skip.
 */
const spec = inject('testDb');
const version = clusterVersion();
const enabled = spec.kind === 'postgres' && version !== null;
if (spec.kind === 'postgres' && !version && process.env.CI) throw new Error('replication.int.test.ts: pg_createcluster is missing (Debian postgresql-common); CI needs it');

const now = new Date('2026-06-15T05:00:00Z');
const PERIOD = { from: '2026-05-16', to: '2026-06-14' };
const protector = new DataProtector(TEST_SECRETS);
const editor = { userId: null, ip: null, scope: ALL, now };
const tag = randomBytes(3).toString('hex');

let clusterA: TestCluster;
let clusterB: TestCluster;
let sonLa: Database;
let haNoi: Database;
let national: Database;
let dropNational: () => Promise<void>;

/** Three commune-level teams of Hà Nội, two members each. */
async function haNoiTeams(db: Db, first: number, count: number) {
  const communes = await queryRows<{ code: string; name: string }>(db, sql`select code, name from admin_units where province_code = '01' and level = 'commune' and valid_to is null order by code offset ${first} limit ${count}`);
  for (const c of communes) {
    const team = await createTeam(db, createTeamBody.parse({ level: 'commune', unit: c.code, name: `Tổ công nghệ số cộng đồng ${c.name}`, establishedOn: '2025-08-01' }), editor);
    for (const [i, name] of ['Nguyễn Thị Hoa', 'Trần Văn Minh'].entries()) {
      await addMember(db, team.id, addMemberBody.parse({ person: { fullName: name, gender: i ? 'male' : 'female', birthYear: 1990 + i }, role: i ? 'member' : 'leader', affiliations: i ? ['police'] : ['womens_union'], joinedOn: '2025-08-01' }), editor);
    }
  }
}

/** What a report says, per province, on one server. */
async function reports(db: Db, code: string) {
  return { network: await networkReport(db, code, ALL), support: await supportReport(db, { unit: code }, PERIOD, ALL) };
}

/** Polls until the national server's reports of both provinces equal the provinces' own (≤ 60 s), then returns them. */
async function converged() {
  const want = { '14': await reports(sonLa.db, '14'), '01': await reports(haNoi.db, '01') };
  const deadline = Date.now() + 60_000;
  let got: typeof want;
  for (;;) {
    got = { '14': await reports(national.db, '14'), '01': await reports(national.db, '01') };
    if (JSON.stringify(got) === JSON.stringify(want) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { want, got };
}

beforeAll(async () => {
  if (!enabled) return;
  clusterA = await createCluster(`ngoso_t14_${tag}`);
  clusterB = await createCluster(`ngoso_t01_${tag}`);
  [sonLa, haNoi] = await Promise.all([provinceServer(clusterA, 'ngoso', '14'), provinceServer(clusterB, 'ngoso', '01')]);
  // written before the national server subscribes: the first copy carries it
  await generateDemo(sonLa.db);
  expect((await seedDemoSessions(sonLa.db, protector, { count: 1000, days: 30, seed: 11, now })).accepted).toBe(1000);
  await haNoiTeams(haNoi.db, 0, 3);
  expect((await seedDemoSessions(haNoi.db, protector, { provinceCode: '01', count: 100, days: 30, seed: 12, now })).accepted).toBe(100);
  for (const p of [sonLa, haNoi]) await publishProvince(p.db, p.kind, p === sonLa ? '14' : '01');
  if (spec.kind !== 'postgres') return;
  const copy = await copyTemplateDatabase('ngoso_nat_', spec);
  national = await openDatabase({ databaseUrl: copy.url, migrate: false });
  dropNational = copy.drop;
  await subscribeProvince(national.db, { province: '14', url: clusterA.url('ngoso') });
  await subscribeProvince(national.db, { province: '01', url: clusterB.url('ngoso') });
}, 300_000);

afterAll(async () => {
  if (!enabled) return;
  // forced: were a province's cluster gone already, the subscription would otherwise outlive the test and keep retrying
  if (national) for (const p of ['14', '01']) await unsubscribeProvince(national.db, p, { force: true }).catch(() => {});
  await national?.close();
  await dropNational?.();
  await sonLa?.close();
  await haNoi?.close();
  await Promise.all([clusterA?.drop(), clusterB?.drop()]);
}, 120_000);

describe.skipIf(!enabled)('province servers → national server by logical replication', { timeout: 180_000 }, () => {
  it('gives each province its own id range and publishes nothing outside it', async () => {
    const [teams] = await queryRows<{ lo: number; hi: number }>(haNoi.db, sql`select min(id)::int as lo, max(id)::int as hi from teams`);
    expect([teams.lo >= 1 * 2 ** 24, teams.hi < 2 * 2 ** 24]).toEqual([true, true]);
    const [villages] = await queryRows<{ lo: number }>(sonLa.db, sql`select min(id)::int as lo from admin_units where source <> 'catalogue'`);
    expect(villages.lo).toBeGreaterThanOrEqual(14 * 2 ** 24);
    expect(await rowsOutsideRange(sonLa.db, '14')).toEqual([]);
    // a province server refuses to serve as another province's
    await expect(applyProvinceRanges(sonLa.db, '01')).rejects.toThrow(/tỉnh mã 14/);
  });

  it('copies what the provinces held: the national reports equal the provinces’, and the nation is their sum', async () => {
    const { want, got } = await converged();
    expect(got).toEqual(want);
    expect(want['14'].network.teams.total).toBe(1459);
    expect(want['01'].network.teams.total).toBe(3);
    expect(want['14'].support.sessions + want['01'].support.sessions).toBe(1100);
    // published as the partitioned tables: on the national server the rows are in its own time partitions
    const parts = sql`select tableoid::regclass::text as partition, count(*)::int as n from support_sessions group by 1 order by 1`;
    expect(await queryRows(national.db, parts)).toEqual([{ partition: 'support_sessions_2026q2', n: 1100 }]);
    expect(await queryRows(national.db, sql`select tableoid::regclass::text as partition, count(*)::int as n from support_monthly group by 1 order by 1`)).toEqual([
      { partition: 'support_monthly_2026', n: (await queryRows<{ n: number }>(sonLa.db, sql`select count(*)::int as n from support_monthly`))[0].n + (await queryRows<{ n: number }>(haNoi.db, sql`select count(*)::int as n from support_monthly`))[0].n },
    ]);
    const nation = await nationalNetworkReport(national.db);
    expect([nation.teams.total, nation.members.total, nation.people]).toEqual([
      want['14'].network.teams.total + 3,
      want['14'].network.members.total + 6,
      want['14'].network.people + 6,
    ]);
    expect(nation.children.filter((c) => c.withData).map((c) => c.code).sort()).toEqual(['01', '14']);
    // the rows can all be there while a table's first copy is still being marked done (syncdone → ready): wait for it
    let status = await replicationStatus(national.db);
    for (const until = Date.now() + 60_000; Date.now() < until && !status.every((s) => s.state === 'streaming' && s.tables.copying === 0); ) {
      await new Promise((r) => setTimeout(r, 250));
      status = await replicationStatus(national.db);
    }
    expect(status.map((s) => [s.province, s.state, s.applyErrors + s.copyErrors, s.tables.copying])).toEqual([
      ['01', 'streaming', 0, 0],
      ['14', 'streaming', 0, 0],
    ]);
    expect(status.every((s) => s.tables.ready === 36 && s.lagSeconds !== null && s.lagSeconds < 90)).toBe(true);
  });

  it('streams later writes in both provinces, and again after a province server restarts', async () => {
    // a new year on the national server's clock: its counts stay the provinces' (a local rebuild would collide with theirs)
    await national.db.execute(sql`update network_state set year = year - 1 where id = 1`);
    await haNoiTeams(haNoi.db, 3, 2);
    expect((await seedDemoSessions(haNoi.db, protector, { provinceCode: '01', count: 50, days: 30, seed: 13, now })).accepted).toBe(50);
    expect((await seedDemoSessions(sonLa.db, protector, { count: 200, days: 30, seed: 14, now })).accepted).toBe(200);
    let { want, got } = await converged();
    expect(got).toEqual(want);
    expect(want['01'].network.teams.total).toBe(5);
    expect(want['01'].support.sessions).toBe(150);

    // Sơn La's server restarts; the pool reconnects; what it writes afterwards arrives too
    await clusterA.restart();
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await queryRows(sonLa.db, sql`select 1`);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const [commune] = await queryRows<{ code: string }>(sonLa.db, sql`select code from admin_units where province_code = '14' and level = 'commune' and valid_to is null order by code limit 1`);
    const team = await createTeam(sonLa.db, createTeamBody.parse({ level: 'commune', unit: commune.code, name: 'Tổ công nghệ số cộng đồng lập sau khi khởi động lại', establishedOn: '2026-01-05' }), editor);
    await addMember(sonLa.db, team.id, addMemberBody.parse({ person: { fullName: 'Lò Văn Thắng', gender: 'male', birthYear: 1988 }, role: 'leader', affiliations: ['youth_union'], joinedOn: '2026-01-05' }), editor);
    ({ want, got } = await converged());
    expect(got).toEqual(want);
    expect(want['14'].network.teams.total).toBe(1460);
    const nation = await nationalNetworkReport(national.db);
    expect(nation.teams.total).toBe(1465);
    expect(nation.members.total).toBe(want['14'].network.members.total + want['01'].network.members.total);

    // `ngoso national refresh` (after an upgrade that replaced published tables): the subscription
    // keeps every table, copies nothing again, and what the province writes next still arrives
    expect(await refreshProvince(national.db, '01')).toEqual({ tables: 36 });
    expect((await seedDemoSessions(haNoi.db, protector, { provinceCode: '01', count: 20, days: 30, seed: 15, now })).accepted).toBe(20);
    ({ want, got } = await converged());
    expect(got).toEqual(want);
    expect(want['01'].support.sessions).toBe(170);
  });

  it('keeps the national server read-only for province data, and shows the replication to the operator', async () => {
    const app = await testApp(national, { NGOSO_NATIONAL: '1' });
    try {
      const admin = await signedInClient(app, national.db, { username: `quantri_${tag}`, role: 'admin' });
      const write = await admin.post('/api/teams', { level: 'commune', unit: '00004', name: 'Tổ thử' });
      expect([write.statusCode, write.json().error.code]).toEqual([409, 'READ_ONLY']);
      // a resident's help request sent to the national server would reach no team: refused, as a page
      const form = await app.inject({ method: 'POST', url: '/nho-ho-tro', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'commune=03664&service=vneid' });
      expect([form.statusCode, form.headers['content-type'], form.body.includes('Máy chủ toàn quốc chỉ đọc')]).toEqual([409, 'text/html; charset=utf-8', true]);
      expect((await queryRows<{ n: number }>(national.db, sql`select count(*)::int as n from help_requests`))[0].n).toBe(0);
      const page = await admin.get('/api/national/replication');
      expect(page.statusCode).toBe(200);
      const body = page.json() as { server: string; subscriptions: { province: string; state: string; applyErrors: number }[] };
      expect([body.server, body.subscriptions.map((s) => `${s.province}:${s.state}`)]).toEqual(['national', ['01:streaming', '14:streaming']]);
      expect(body.subscriptions[0].applyErrors).toBe(0);
      const nation = await admin.get('/api/national/network');
      expect(nation.json().teams.total).toBe(1465);
    } finally {
      await app.close();
    }
  });
});
