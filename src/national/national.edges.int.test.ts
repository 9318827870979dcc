import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCluster, clusterVersion, provinceServer, type TestCluster } from '../../test/clusters.js';
import { copyTemplateDatabase } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { createVillage, mergeVillages, renameVillage } from '../catalogue/catalogue.villages.js';
import { type Database, type Db, openDatabase, queryRows } from '../db/client.js';
import { addMember, leaveTeam } from '../registry/registry.members.js';
import { mergeMembers } from '../registry/registry.duplicates.js';
import { createTeam, setTeamStatus } from '../registry/registry.teams.js';
import { addMemberBody, createTeamBody, createVillageBody, leaveBody, mergeMemberBody, mergeVillageBody, renameVillageBody, teamStatusBody } from '../registry/registry.contract.js';
import { networkReport } from '../reports/network.service.js';
import { publishProvince } from './national.publication.js';
import { replicationStatus, subscribeProvince, unsubscribeProvince } from './national.subscription.js';

/**
 * Issue 18, what an operator gets wrong and what a province edits: `subscribe`'s refusals (a URL
 * of the wrong form, a parameter that would send the national server elsewhere, another
 * province's database, an account that may not replicate or read, a former subscription's slot),
 * each leaving nothing made; a URL with a quote and a semicolon kept as it is (no SQL injection);
 * then a province's edits that remove or rename (a member leaves, a team is dissolved, two
 * records of one person merged, a village renamed and merged into another) reach the national
 * server with the same registry and network report; the national server's own writes of province
 * data refused by the database while the province's still stream; and `unsubscribe` of a province
 * whose server is gone. One cluster: Hà Nội (01) and a second database, Cao Bằng (04).
 */
const spec = inject('testDb');
const version = clusterVersion();
const enabled = spec.kind === 'postgres' && version !== null;
if (spec.kind === 'postgres' && !version && process.env.CI) throw new Error('national.edges.int.test.ts: pg_createcluster is missing (Debian postgresql-common); CI needs it');

const editor = { userId: null, ip: null, scope: ALL, now: new Date('2026-06-15T05:00:00Z') };
const tag = randomBytes(3).toString('hex');
let cluster: TestCluster;
let haNoi: Database;
let caoBang: Database;
let national: Database;
let dropNational: () => Promise<void>;
let commune: string;

async function superuser<T>(db: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: cluster.url(db) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The province's registry as rows (teams, memberships, people, its villages), the same on both servers once replicated. */
async function registry(db: Db) {
  return {
    teams: await queryRows<{ id: number; status: string }>(db, sql`select id, name, unit_id, status, version from teams where province_code = '01' order by id`),
    memberships: await queryRows(db, sql`select tm.team_id, tm.member_id, tm.role, tm.left_on::text, tm.end_reason from team_members tm join teams t on t.id = tm.team_id where t.province_code = '01' order by 1, 2, tm.joined_on`),
    members: await queryRows(db, sql`select id, full_name, version from members where id >= ${2 ** 24} and id < ${2 * 2 ** 24} order by id`),
    villages: await queryRows<{ name: string; valid_to: string | null }>(db, sql`select id, code, name, valid_to::text from admin_units where id >= ${2 ** 24} and id < ${2 * 2 ** 24} order by id`),
  };
}

/** Polls until the national server holds Hà Nội's registry and network report as Hà Nội does (≤ 60 s). */
async function converged() {
  const want = { registry: await registry(haNoi.db), network: await networkReport(haNoi.db, '01', ALL) };
  const deadline = Date.now() + 60_000;
  let got: typeof want;
  for (;;) {
    got = { registry: await registry(national.db), network: await networkReport(national.db, '01', ALL) };
    if (JSON.stringify(got) === JSON.stringify(want) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { want, got };
}

const subscriptions = async () => (await queryRows<{ name: string }>(national.db, sql`select subname as name from pg_subscription where subdbid = (select oid from pg_database where datname = current_database()) order by 1`)).map((r) => r.name);

beforeAll(async () => {
  if (!enabled) return;
  cluster = await createCluster(`ngoso_te_${tag}`);
  [haNoi, caoBang] = await Promise.all([provinceServer(cluster, 'ngoso', '01'), provinceServer(cluster, 'cao_bang', '04')]);
  [{ code: commune }] = await queryRows<{ code: string }>(haNoi.db, sql`select code from admin_units where province_code = '01' and level = 'commune' and valid_to is null order by code limit 1`);
  for (const [i, name] of ['Tổ công nghệ số cộng đồng số 1', 'Tổ công nghệ số cộng đồng số 2'].entries()) {
    const team = await createTeam(haNoi.db, createTeamBody.parse({ level: 'commune', unit: commune, name, establishedOn: '2025-08-01' }), editor);
    for (const [j, person] of (i ? ['Nguyễn Thị Hoa', 'Trần Văn Minh', 'Lê Thị Lan'] : ['Vũ Thị Hằng', 'Đặng Văn Hùng', 'Bùi Thị Nga']).entries()) {
      await addMember(haNoi.db, team.id, addMemberBody.parse({ person: { fullName: person, gender: j === 1 ? 'male' : 'female', birthYear: 1985 + j }, role: j ? 'member' : 'leader', affiliations: ['youth_union'], joinedOn: '2025-08-01' }), editor);
    }
  }
  await publishProvince(haNoi.db, haNoi.kind, '01');
  await publishProvince(caoBang.db, caoBang.kind, '04');
  const copy = await copyTemplateDatabase('ngoso_nate_', spec);
  national = await openDatabase({ databaseUrl: copy.url, migrate: false });
  dropNational = copy.drop;
}, 300_000);

afterAll(async () => {
  if (!enabled) return;
  if (national) await unsubscribeProvince(national.db, '01', { force: true }).catch(() => {});
  await national?.close();
  await dropNational?.();
  await haNoi?.close().catch(() => {});
  await caoBang?.close().catch(() => {});
  await cluster?.drop();
}, 120_000);

describe.skipIf(!enabled)('national subscriptions: refusals, removals and renames, an unreachable province', { timeout: 180_000 }, () => {
  it('refuses, saying why, every subscription it cannot make, and makes nothing', async () => {
    const url = cluster.url('ngoso');
    const refused = async (input: { province: string; url: string }) => subscribeProvince(national.db, input).then(() => 'subscribed', (err: Error) => err.message);
    expect(await refused({ province: '01', url: 'http://example.org/ngoso' })).toBe('--url: "http://…" không phải địa chỉ PostgreSQL; hãy ghi dạng postgres://người_dùng:mật_khẩu@máy:cổng/cơ_sở_dữ_liệu.');
    expect(await refused({ province: '01', url: 'postgres:///ngoso' })).toMatch(/^--url: hãy ghi đúng một máy chủ của tỉnh/);
    expect(await refused({ province: '01', url: 'không phải địa chỉ' })).toMatch(/^--url: địa chỉ không đọc được/);
    // node-postgres would check ngoso, the national server's libpq would subscribe to cao_bang
    expect(await refused({ province: '01', url: `${url}?dbname=cao_bang` })).toMatch(/^--url: không dùng được tham số "dbname"/);
    expect(await refused({ province: '01', url: `${url}?host=127.0.0.2&port=1` })).toMatch(/^--url: không dùng được tham số "host", "port"/);
    expect(await refused({ province: '1', url })).toMatch(/^--province "1": hãy ghi mã tỉnh hai chữ số/);
    // Cao Bằng's database given as Hà Nội's
    expect(await refused({ province: '01', url: cluster.url('cao_bang') })).toBe(`Cơ sở dữ liệu ở 127.0.0.1:${cluster.port} không phải của tỉnh 01 (dãy mã số không khớp NGOSO_PROVINCE=01).`);
    // an account that may not replicate, then one that may but cannot read the tables
    await superuser('ngoso', async (c) => {
      await c.query(`create role doc_${tag} login`);
      await c.query(`create role saochep_${tag} login replication`);
    });
    expect(await refused({ province: '01', url: `postgres://doc_${tag}@127.0.0.1:${cluster.port}/ngoso` })).toBe(`Tài khoản "doc_${tag}" trên máy chủ tỉnh 01 không có quyền sao chép: trên máy chủ tỉnh chạy ALTER ROLE "doc_${tag}" REPLICATION; rồi đăng ký lại.`);
    expect(await refused({ province: '01', url: `postgres://saochep_${tag}@127.0.0.1:${cluster.port}/ngoso` })).toBe(
      `Tài khoản "saochep_${tag}" không đọc được 36 bảng của máy chủ tỉnh 01 (admin_units, bridge_points, course_completions, course_imports, directive_acks…): trên máy chủ tỉnh chạy GRANT SELECT ON ALL TABLES IN SCHEMA public TO "saochep_${tag}"; rồi đăng ký lại.`,
    );
    // a former subscription's slot left on the province
    await superuser('ngoso', (c) => c.query(`select pg_create_logical_replication_slot('ngoso_p01', 'pgoutput')`));
    expect(await refused({ province: '01', url })).toBe(`Máy chủ tỉnh 01 còn khe sao chép "ngoso_p01" của một lần đăng ký trước. Nếu không máy chủ toàn quốc nào còn dùng nó, trên máy chủ tỉnh chạy SELECT pg_drop_replication_slot('ngoso_p01'); rồi đăng ký lại.`);
    await superuser('ngoso', (c) => c.query(`select pg_drop_replication_slot('ngoso_p01')`));
    expect(await subscriptions()).toEqual([]);
  });

  it('keeps a URL with a quote and a semicolon as it is (no SQL injection), and refuses the same province twice', async () => {
    const url = `${cluster.url('ngoso')}?application_name=ngoso'p01;drop table teams;--`;
    expect(await subscribeProvince(national.db, { province: '01', url })).toEqual({ subscription: 'ngoso_p01' });
    expect(await queryRows(national.db, sql`select subconninfo as conninfo from pg_subscription where subname = 'ngoso_p01'`)).toEqual([{ conninfo: url }]);
    await expect(subscribeProvince(national.db, { province: '01', url: cluster.url('ngoso') })).rejects.toThrow('Đã đăng ký nhận dữ liệu của tỉnh 01 (ngoso_p01).');
    const { want, got } = await converged();
    expect(got).toEqual(want);
    expect(want.network.teams.total).toBe(2);
  });

  it('carries a province’s removals and renames: a member leaves, a team is dissolved, a person merged, a village renamed and merged', async () => {
    const [t1, t2] = await queryRows<{ id: number; version: number }>(haNoi.db, sql`select id, version from teams where province_code = '01' order by id`);
    const people = await queryRows<{ id: number; teamId: number; version: number }>(haNoi.db, sql`select m.id, tm.team_id as "teamId", m.version from members m join team_members tm on tm.member_id = m.id order by m.id`);
    // a member of team 1 leaves
    const leaving = people.find((p) => p.teamId === t1.id && p !== people[0])!;
    await leaveTeam(haNoi.db, t1.id, leaving.id, leaveBody.parse({ version: leaving.version, on: '2026-03-01', reason: 'moved' }), editor);
    // a person of team 2 is a duplicate of one of team 1: merged (their membership goes)
    const dup = people.find((p) => p.teamId === t2.id && p.id !== people.filter((q) => q.teamId === t2.id)[0].id)!;
    const into = people.find((p) => p.teamId === t1.id && p.id !== leaving.id && p !== people[0])!;
    const intoVersion = (await queryRows<{ v: number }>(haNoi.db, sql`select version as v from members where id = ${into.id}`))[0].v;
    await mergeMembers(haNoi.db, dup.id, mergeMemberBody.parse({ version: dup.version, into: into.id, intoVersion }), editor);
    // team 2 is dissolved
    await setTeamStatus(haNoi.db, t2.id, teamStatusBody.parse({ version: t2.version, status: 'dissolved', since: '2026-04-01', reason: 'Sáp nhập' }), editor);
    // two villages, a team on the first; renamed, then merged into the second
    const a = await createVillage(haNoi.db, createVillageBody.parse({ commune, name: 'Thôn Đông' }), editor);
    const b = await createVillage(haNoi.db, createVillageBody.parse({ commune, name: 'Thôn Tây' }), editor);
    const team = await createTeam(haNoi.db, createTeamBody.parse({ level: 'village', unit: a.code, name: 'Tổ công nghệ số cộng đồng thôn Đông', establishedOn: '2026-01-05' }), editor);
    await addMember(haNoi.db, team.id, addMemberBody.parse({ person: { fullName: 'Phạm Văn Đông', gender: 'male', birthYear: 1990 }, role: 'leader', affiliations: ['police'], joinedOn: '2026-01-05' }), editor);
    await renameVillage(haNoi.db, a.code!, renameVillageBody.parse({ name: 'Thôn Đông Mới', on: '2026-05-01' }), editor);
    expect(await mergeVillages(haNoi.db, a.code!, mergeVillageBody.parse({ into: b.code, on: '2026-06-01' }), editor)).toMatchObject({ into: b.code, teamsMoved: 1 });
    const { want, got } = await converged();
    expect(got).toEqual(want);
    expect(want.registry.villages.map((v) => [v.name, v.valid_to])).toEqual([
      ['Thôn Đông Mới', '2026-06-01'],
      ['Thôn Tây', null],
    ]);
    expect(want.registry.teams.map((t) => t.status)).toEqual(['active', 'dissolved', 'active']);
  });

  it('refuses the national server’s own writes of province data, while the province’s still stream', async () => {
    await expect(national.db.execute(sql`update teams set name = 'Tổ sửa ở máy chủ toàn quốc' where province_code = '01'`)).rejects.toMatchObject({ cause: { code: '25006' } });
    await expect(national.db.execute(sql`delete from team_members`)).rejects.toMatchObject({ cause: { code: '25006' } });
    const [t1] = await queryRows<{ id: number; version: number }>(haNoi.db, sql`select id, version from teams where province_code = '01' order by id limit 1`);
    await addMember(haNoi.db, t1.id, addMemberBody.parse({ person: { fullName: 'Đỗ Thị Mai', gender: 'female', birthYear: 1995 }, role: 'member', affiliations: ['womens_union'], joinedOn: '2026-06-01' }), editor);
    const { want, got } = await converged();
    expect(got).toEqual(want);
    const [status] = await replicationStatus(national.db);
    expect([status.province, status.state, status.applyErrors, status.copyErrors]).toEqual(['01', 'streaming', 0, 0]);
  });

  it('unsubscribes a province whose server is gone only when told to (--force), naming the slot left there', async () => {
    await haNoi.close();
    await caoBang.close();
    await cluster.stop();
    await expect(unsubscribeProvince(national.db, '01')).rejects.toThrow(/^Không thôi nhận được dữ liệu của tỉnh 01: could not connect to publisher .*chạy lại với --force/);
    expect(await subscriptions()).toEqual(['ngoso_p01']);
    expect(await unsubscribeProvince(national.db, '01', { force: true })).toEqual({ slotLeft: 'ngoso_p01' });
    expect(await subscriptions()).toEqual([]);
    await expect(unsubscribeProvince(national.db, '01')).rejects.toThrow('Không có đăng ký nhận dữ liệu của tỉnh 01.');
  });
});
