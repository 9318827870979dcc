import { describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import type { Database } from '../db/client.js';
import { queryRows } from '../db/client.js';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';

/**
 * The registry by hand, through the API: teams, members and their periods, with the exact registry
 * and the network report (as of a day) before and after each change, and every refusal the issue
 * names. Dates are days of 2026 before today (the tests run after 2026-12-01).
 */
let database: Database;
let app: TestAppInstance;
let admin: TestClient;
let officer: TestClient; // commune officer of Phường Chiềng An (03664)
let away: TestClient; // commune officer of Xã Mai Sơn (04105)
withTestApp(async (t) => {
  ({ database, app } = t);
  admin = await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
  officer = await signedInClient(app, database.db, { username: 'canbo.chiengan', role: 'commune_officer', unit: '03664' });
  away = await signedInClient(app, database.db, { username: 'canbo.maison', role: 'commune_officer', unit: '04105' });
});
const send = (c: TestClient, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => c.request({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
const json = async (c: TestClient, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, status = 200) => {
  const res = await send(c, method, url, payload);
  expect({ status: res.statusCode, body: res.statusCode === status ? null : res.body }).toEqual({ status, body: null });
  return res.statusCode === 204 ? null : res.json();
};
const network = (c: TestClient, unit: string, q = '') => json(c, 'GET', `/api/reports/network?unit=${unit}${q}`);
const members = async (teamId: number) => (await json(admin, 'GET', `/api/teams/${teamId}`)).members.map((m: { fullName: string; role: string; joinedOn: string }) => [m.fullName, m.role, m.joinedOn]);
const version = async (memberId: number) => (await json(admin, 'GET', `/api/members/${memberId}`)).version as number;

let communeTeam: number;
let villageTeam: number;
let maiSonTeam: number;
let haNoiTeam: number;
const ids: Record<string, number> = {};

describe('teams by hand', () => {
  it('creates teams on a commune and on a new village, refusing a taken name, a future date and another commune', async () => {
    const village = await json(officer, 'POST', '/api/villages', { commune: '03664', name: 'TDP 4', validFrom: '2026-01-01' }, 201);
    expect(village).toEqual({ code: '03664.001', name: 'Tổ dân phố 4', validFrom: '2026-01-01' });
    const team = await json(officer, 'POST', '/api/teams', { level: 'commune', unit: '03664', name: 'Tổ công nghệ số cộng đồng phường Chiềng An', establishedOn: '2026-01-02' }, 201);
    communeTeam = team.id;
    expect([team.name, team.level, team.status, team.version, team.establishedOn, team.unit.code, team.members]).toEqual(['Tổ công nghệ số cộng đồng phường Chiềng An', 'commune', 'active', 1, '2026-01-02', '03664', []]);
    villageTeam = (await json(officer, 'POST', '/api/teams', { level: 'village', unit: '03664.001', name: 'Tổ công nghệ số TDP 4', establishedOn: '2026-01-03' }, 201)).id;
    maiSonTeam = (await json(admin, 'POST', '/api/teams', { level: 'commune', unit: '04105', name: 'Tổ công nghệ số cộng đồng xã Mai Sơn', establishedOn: '2026-01-02' }, 201)).id;
    haNoiTeam = (await json(admin, 'POST', '/api/teams', { level: 'commune', unit: '00004', name: 'Tổ công nghệ số cộng đồng phường Ba Đình' }, 201)).id;

    const taken = await send(officer, 'POST', '/api/teams', { level: 'commune', unit: '03664', name: 'TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG PHƯỜNG CHIỀNG AN' });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'REGISTRY_CONFLICT']);
    const future = await send(officer, 'POST', '/api/teams', { level: 'commune', unit: '03664', name: 'Tổ mới', establishedOn: '2099-01-01' });
    expect([future.statusCode, future.json().error.details.path]).toEqual([400, 'establishedOn']);
    const outside = await send(officer, 'POST', '/api/teams', { level: 'commune', unit: '04105', name: 'Tổ lạ' });
    expect([outside.statusCode, outside.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const wrongLevel = await send(officer, 'POST', '/api/teams', { level: 'village', unit: '03664', name: 'Tổ lạ' });
    expect(wrongLevel.statusCode).toBe(400);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action = 'team.created'`);
    expect(n).toBe(4);
  });

  it('renames at the version read, and refuses the stale second edit', async () => {
    const renamed = await json(officer, 'PATCH', `/api/teams/${villageTeam}`, { version: 1, name: 'Tổ công nghệ số cộng đồng Tổ dân phố 4' });
    expect([renamed.name, renamed.version]).toEqual(['Tổ công nghệ số cộng đồng Tổ dân phố 4', 2]);
    const stale = await send(officer, 'PATCH', `/api/teams/${villageTeam}`, { version: 1, name: 'Tên khác' });
    expect([stale.statusCode, stale.json().error.code, stale.json().error.details.version]).toEqual([409, 'VERSION_CONFLICT', 2]);
    const other = await send(away, 'PATCH', `/api/teams/${villageTeam}`, { version: 2, name: 'Tên khác' });
    expect([other.statusCode, other.json().error.code]).toEqual([404, 'TEAM_NOT_FOUND']);
    // the refusal is audited with what was asked for and the commune it lies in
    const [refusal] = await queryRows<{ entity: string; entityId: string; target: string }>(
      database.db,
      sql`select a.entity, a.entity_id as "entityId", u.code as target from audit_log a join admin_units u on u.id = a.target_commune_id where a.action = 'access.denied' order by a.id desc limit 1`,
    );
    expect(refusal).toEqual({ entity: 'route', entityId: 'PATCH /api/teams/:id', target: '03664' });
  });
});

describe('members and periods', () => {
  it('adds people from a day, with the import’s checks, and one leader a day', async () => {
    const add = (body: object) => json(officer, 'POST', `/api/teams/${communeTeam}/members`, body, 201);
    ids.hien = (await add({ person: { fullName: 'Hà  Thị   Hiền', gender: 'female', birthYear: 1995, phone: '0912 000 003' }, role: 'leader', affiliations: ['youth_union'], position: 'Bí thư Đoàn phường', joinedOn: '2026-01-05' })).memberId;
    ids.an = (await add({ person: { fullName: 'Lê Văn An', gender: 'male', birthYear: 1991, phone: '0912000002' }, role: 'member', joinedOn: '2026-01-05' })).memberId;
    ids.binh = (await add({ person: { fullName: 'Đặng Văn Bình', gender: 'male', birthYear: 1980 }, role: 'member', joinedOn: '2026-02-01' })).memberId;
    expect(await members(communeTeam)).toEqual([
      ['Hà Thị Hiền', 'leader', '2026-01-05'],
      ['Lê Văn An', 'member', '2026-01-05'],
      ['Đặng Văn Bình', 'member', '2026-02-01'],
    ]);
    const second = await send(officer, 'POST', `/api/teams/${communeTeam}/members`, { person: { fullName: 'Vì Văn Cường' }, role: 'leader', joinedOn: '2026-03-01' });
    expect([second.statusCode, second.json().error.code, second.json().error.details.leaders]).toEqual([409, 'REGISTRY_CONFLICT', [{ memberId: ids.hien, fullName: 'Hà Thị Hiền' }]]);
    expect(await members(communeTeam)).toHaveLength(3); // nothing half-written: no person, no period

    const bad = async (person: object, path: string, status = 400) => {
      const res = await send(officer, 'POST', `/api/teams/${communeTeam}/members`, { person, role: 'member', joinedOn: '2026-03-01' });
      expect([res.statusCode, JSON.stringify(res.json().error)]).toEqual([status, expect.stringContaining(path)]);
    };
    await bad({ fullName: 'Nguyễn\u0007Văn' }, 'fullName');
    await bad({ fullName: '\u202eNguyễn Văn' }, 'fullName');
    await bad({ fullName: 'Nguyễn Văn 2' }, 'fullName');
    await bad({ fullName: 'N'.repeat(101) }, 'fullName');
    await bad({ fullName: 'Nguyễn Văn Nam', phone: '0123' }, 'phone');
    await bad({ fullName: 'Nguyễn Văn Nam', phone: '0912000002' }, 'phone', 409);
    await bad({ fullName: 'Nguyễn Văn Nam', birthYear: 2020 }, 'birthYear');
    const nul = await send(officer, 'POST', `/api/teams/${communeTeam}/members`, { person: { fullName: 'Nguyễn\u0000Văn' }, role: 'member', joinedOn: '2026-03-01' });
    expect(nul.statusCode).toBe(400);
    const future = await send(officer, 'POST', `/api/teams/${communeTeam}/members`, { person: { fullName: 'Nguyễn Văn Nam' }, role: 'member', joinedOn: '2099-03-01' });
    expect([future.statusCode, future.json().error.details.path]).toEqual([400, 'joinedOn']);
    const huge = await send(officer, 'POST', `/api/teams/${communeTeam}/members`, { person: { fullName: 'Nguyễn Văn Nam' }, role: 'member', joinedOn: '2026-03-01', position: 'x'.repeat(40_000) });
    expect(huge.statusCode).toBe(413);
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members`);
    expect(n).toBe(3);
  });

  it('replaces the leader from a day when asked: the old one becomes a member, the history shows both periods', async () => {
    ids.cuong = (await json(officer, 'POST', `/api/teams/${communeTeam}/members`, { person: { fullName: 'Vì Văn Cường', gender: 'male', birthYear: 1988 }, role: 'leader', joinedOn: '2026-03-01', replaceLeader: true }, 201)).memberId;
    expect(await members(communeTeam)).toEqual([
      ['Vì Văn Cường', 'leader', '2026-03-01'],
      ['Lê Văn An', 'member', '2026-01-05'],
      ['Đặng Văn Bình', 'member', '2026-02-01'],
      ['Hà Thị Hiền', 'member', '2026-03-01'],
    ]);
    const hien = await json(officer, 'GET', `/api/members/${ids.hien}`);
    expect(hien.periods.map((p: { role: string; joinedOn: string; leftOn: string | null; endReason: string | null }) => [p.role, p.joinedOn, p.leftOn, p.endReason])).toEqual([
      ['member', '2026-03-01', null, null],
      ['leader', '2026-01-05', '2026-03-01', 'role_change'],
    ]);
    expect(hien.history.map((h: { text: string }) => h.text)).toEqual([
      'đổi vai trò trong tổ: tổ trưởng → thành viên từ ngày 01/03/2026',
      'thêm vào tổ "Tổ công nghệ số cộng đồng phường Chiềng An" với vai trò tổ trưởng từ ngày 05/01/2026',
    ]);
    expect(hien.history[0].who).toBe('Người dùng canbo.chiengan (Cán bộ xã)');
  });

  it('edits a phone at the version read; the second of two edits at once is told the record changed', async () => {
    const v = await version(ids.an);
    const first = await json(officer, 'PATCH', `/api/members/${ids.an}`, { version: v, phone: '0987 654 321' });
    expect(first.version).toBe(v + 1);
    const second = await send(officer, 'PATCH', `/api/members/${ids.an}`, { version: v, phone: '0987 000 000' });
    expect([second.statusCode, second.json().error.code]).toEqual([409, 'VERSION_CONFLICT']);
    const an = await json(officer, 'GET', `/api/members/${ids.an}`);
    expect([an.phone, an.history[0].text]).toEqual(['0987 654 321', 'đổi số điện thoại 0912 000 002 → 0987 654 321']);
    const outside = await send(away, 'PATCH', `/api/members/${ids.an}`, { version: v + 1, phone: '0987 111 111' });
    expect([outside.statusCode, outside.json().error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('moves a person in one step; the network report as of the day before and the day of the move agree', async () => {
    const before = await network(admin, '14', '&asOf=2026-05-31');
    const v = await version(ids.binh);
    await json(admin, 'POST', `/api/members/${ids.binh}/move`, { version: v, fromTeamId: communeTeam, toTeamId: maiSonTeam, on: '2026-06-01' });
    const after = await network(admin, '14', '&asOf=2026-06-01');
    const row = (r: { children: { code: string; members: { total: number } }[] }, code: string) => r.children.find((c) => c.code === code)!.members.total;
    expect([row(before, '03664'), row(before, '04105'), before.members.total]).toEqual([4, 0, 4]);
    expect([row(after, '03664'), row(after, '04105'), after.members.total]).toEqual([3, 1, 4]);
    expect((await network(admin, '14', '&asOf=2026-01-04')).members.total).toBe(0);
    expect((await network(admin, '14', '&asOf=2026-01-05')).members.total).toBe(2);
    const moves = await network(admin, '14', '&from=2026-06-01&to=2026-06-30');
    expect([moves.movement, moves.children.find((c: { code: string }) => c.code === '04105').movement]).toEqual([{ joined: 1, imported: 0, left: 1 }, { joined: 1, imported: 0, left: 0 }]);
    const year = await network(admin, '14', '&from=2026-01-01&to=2026-11-30');
    expect(year.movement).toEqual({ joined: 5, imported: 0, left: 1 }); // 4 joined Chiềng An (not the role change), 1 moved in; 1 moved out
    expect((await send(admin, 'GET', '/api/reports/network?unit=14&asOf=2099-01-01')).statusCode).toBe(400);
    expect((await send(admin, 'GET', '/api/reports/network?unit=14&asOf=2026-02-30')).statusCode).toBe(400);

    const crossProvince = await send(admin, 'POST', `/api/members/${ids.binh}/move`, { version: v + 1, fromTeamId: maiSonTeam, toTeamId: haNoiTeam, on: '2026-07-01' });
    expect([crossProvince.statusCode, crossProvince.json().error.details.path]).toEqual([400, 'toTeamId']);
    const otherProvinceForOfficer = await send(officer, 'POST', `/api/members/${ids.an}/move`, { version: await version(ids.an), fromTeamId: communeTeam, toTeamId: haNoiTeam, on: '2026-07-01' });
    expect([otherProvinceForOfficer.statusCode, otherProvinceForOfficer.json().error.code]).toEqual([404, 'TEAM_NOT_FOUND']);
    expect(await members(communeTeam)).toEqual([
      ['Vì Văn Cường', 'leader', '2026-03-01'],
      ['Lê Văn An', 'member', '2026-01-05'],
      ['Hà Thị Hiền', 'member', '2026-03-01'],
    ]);
  });

  it('ends a membership with a reason, refusing an end before the start', async () => {
    const v = await version(ids.an);
    const early = await send(officer, 'POST', `/api/teams/${communeTeam}/members/${ids.an}/leave`, { version: v, on: '2026-01-01', reason: 'resigned' });
    expect([early.statusCode, early.json().error.details.path]).toEqual([400, 'on']);
    const badReason = await send(officer, 'POST', `/api/teams/${communeTeam}/members/${ids.an}/leave`, { version: v, on: '2026-08-01', reason: 'fired' });
    expect(badReason.statusCode).toBe(400);
    await json(officer, 'POST', `/api/teams/${communeTeam}/members/${ids.an}/leave`, { version: v, on: '2026-08-01', reason: 'moved', note: 'Chuyển công tác về Hà Nội' });
    const { former, history } = await json(officer, 'GET', `/api/teams/${communeTeam}/history`);
    expect(former.map((f: { fullName: string; leftOn: string; endReason: string }) => [f.fullName, f.leftOn, f.endReason])).toEqual([
      ['Lê Văn An', '2026-08-01', 'moved'],
      ['Đặng Văn Bình', '2026-06-01', 'transferred'],
    ]);
    expect(history[0].text).toBe('Lê Văn An: ghi rời tổ "Tổ công nghệ số cộng đồng phường Chiềng An" từ ngày 01/08/2026 (chuyển đi nơi khác: Chuyển công tác về Hà Nội)');
    expect((await network(officer, '03664', '&asOf=2026-07-31')).members.total).toBe(3);
    expect((await network(officer, '03664')).members.total).toBe(2);
    const roster = async (q: string) => {
      const res = await send(officer, 'GET', `/api/reports/roster?unit=03664${q}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const names: string[] = [];
      wb.worksheets[0].eachRow((row) => typeof row.getCell(1).value === 'number' && names.push(`${row.getCell(2).value} ${row.getCell(5).value}`));
      return [wb.worksheets[0].getRow(4).getCell(1).value, names];
    };
    expect(await roster('&asOf=2026-07-31')).toEqual(['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG PHƯỜNG CHIỀNG AN TẠI NGÀY 31/07/2026', ['Vì Văn Cường Tổ trưởng', 'Lê Văn An Thành viên', 'Hà Thị Hiền Thành viên']]);
    expect(await roster('&asOf=2026-02-15')).toEqual([expect.any(String), ['Hà Thị Hiền Tổ trưởng', 'Lê Văn An Thành viên', 'Đặng Văn Bình Thành viên']]);
    expect(await roster('')).toEqual(['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG PHƯỜNG CHIỀNG AN', ['Vì Văn Cường Tổ trưởng', 'Hà Thị Hiền Thành viên']]);
  });

  it('changes a role from a day, and dissolves a team: its members leave that day, its history stays', async () => {
    const v = await version(ids.hien);
    await json(officer, 'PATCH', `/api/teams/${communeTeam}/members/${ids.hien}`, { version: v, role: 'deputy', on: '2026-09-01' });
    expect(await members(communeTeam)).toEqual([
      ['Vì Văn Cường', 'leader', '2026-03-01'],
      ['Hà Thị Hiền', 'deputy', '2026-09-01'],
    ]);
    const noDay = await send(officer, 'PATCH', `/api/teams/${communeTeam}/members/${ids.hien}`, { version: v + 1, role: 'member' });
    expect(noDay.statusCode).toBe(400);
    const team = await json(officer, 'GET', `/api/teams/${villageTeam}`);
    const noReason = await send(officer, 'POST', `/api/teams/${villageTeam}/status`, { version: team.version, status: 'dissolved', since: '2026-10-01' });
    expect([noReason.statusCode, noReason.json().error.details.path]).toEqual([400, 'reason']);
    const dissolved = await json(officer, 'POST', `/api/teams/${villageTeam}/status`, { version: team.version, status: 'dissolved', since: '2026-10-01', reason: 'Sáp nhập tổ dân phố' });
    expect([dissolved.status, dissolved.statusSince, dissolved.statusReason]).toEqual(['dissolved', '2026-10-01', 'Sáp nhập tổ dân phố']);
    const report = (asOf: string) => network(officer, '03664', `&asOf=${asOf}`).then((r) => r.teams);
    expect(await report('2026-09-30')).toEqual({ total: 2, commune: 1, village: 1 });
    expect(await report('2026-10-01')).toEqual({ total: 1, commune: 1, village: 0 });
    const addToDissolved = await send(officer, 'POST', `/api/teams/${villageTeam}/members`, { person: { fullName: 'Lò Văn Tâm' }, role: 'member', joinedOn: '2026-10-02' });
    expect(addToDissolved.statusCode).toBe(409);
    const earlier = await send(officer, 'POST', `/api/teams/${villageTeam}/status`, { version: dissolved.version, status: 'active', since: '2026-09-01' });
    expect([earlier.statusCode, earlier.json().error.details.path]).toEqual([400, 'since']);
  });
});

describe('villages by hand', () => {
  it('renames and merges villages of one commune; an import with the old name finds the survivor', async () => {
    const a = await json(officer, 'POST', '/api/villages', { commune: '03664', name: 'Bản Pọng' }, 201);
    const b = await json(officer, 'POST', '/api/villages', { commune: '03664', name: 'Bản Pọng Chăn' }, 201);
    expect([a.code, b.code]).toEqual(['03664.002', '03664.003']);
    const t = await json(officer, 'POST', '/api/teams', { level: 'village', unit: a.code, name: 'Tổ công nghệ số cộng đồng Bản Pọng' }, 201);
    const self = await send(officer, 'POST', `/api/villages/${a.code}/merge`, { into: a.code, on: '2026-11-01' });
    expect(self.statusCode).toBe(400);
    const maiSonVillage = await json(admin, 'POST', '/api/villages', { commune: '04105', name: 'Bản Nà Sản' }, 201);
    const across = await send(admin, 'POST', `/api/villages/${a.code}/merge`, { into: maiSonVillage.code, on: '2026-11-01' });
    expect([across.statusCode, across.json().error.details.path]).toEqual([400, 'into']);
    const outside = await send(away, 'POST', `/api/villages/${a.code}/merge`, { into: b.code, on: '2026-11-01' });
    expect(outside.statusCode).toBe(403);
    expect(await json(officer, 'POST', `/api/villages/${a.code}/merge`, { into: b.code, on: '2026-11-01' })).toEqual({ into: b.code, teamsMoved: 1, sessionsMoved: 0, populationYears: [] });
    expect((await json(officer, 'GET', `/api/teams/${t.id}`)).unit.code).toBe(b.code);
    expect(await json(officer, 'PATCH', `/api/villages/${b.code}`, { name: 'Bản Pọng Chăn Mới', on: '2026-11-15' })).toEqual({ code: b.code, name: 'Bản Pọng Chăn Mới' });

    const { importRoster } = await import('../imports/imports.service.js');
    const { csv, HEADER } = await import('../../test/fixtures.js');
    const file = csv([HEADER, ['Sơn La', 'Chiềng An', '', 'Bản Pọng', 'Quàng Văn Pọm', 'Nam', 1990, '', 'Thành viên', ''], ['Sơn La', 'Chiềng An', '', 'Bản Pọng Chăn', 'Quàng Thị Chăn', 'Nữ', 1991, '', 'Thành viên', '']]);
    const report = await importRoster(database.db, { name: 'r.csv', data: file }, { scope: ALL, commit: true, maxBytes: 1e7 });
    expect(report.created.villages).toEqual([]);
    const villages = await queryRows<{ code: string; name: string; validTo: string | null }>(database.db, sql`select code, name, valid_to::text as "validTo" from admin_units where parent_id = (select id from admin_units where code = '03664' and valid_to is null) order by code`);
    expect(villages).toEqual([
      { code: '03664.001', name: 'Tổ dân phố 4', validTo: null },
      { code: '03664.002', name: 'Bản Pọng', validTo: '2026-11-01' },
      { code: '03664.003', name: 'Bản Pọng Chăn Mới', validTo: null },
    ]);
    const pong = await queryRows<{ unit: string; n: number }>(database.db, sql`select u.code as unit, count(tm.id)::int as n from teams t join admin_units u on u.id = t.unit_id join team_members tm on tm.team_id = t.id and tm.left_on is null where u.code = ${b.code} group by 1`);
    expect(pong).toEqual([{ unit: b.code, n: 2 }]);
  });
});

describe('duplicates', () => {
  it('lists possible duplicates of a commune, merges one keeping its memberships, and remembers "not the same person"', async () => {
    const add = (fullName: string, birthYear: number | null, phone: string | null, team = communeTeam) =>
      json(officer, 'POST', `/api/teams/${team}/members`, { person: { fullName, birthYear, phone }, role: 'member', joinedOn: '2026-04-01' }, 201).then((r) => r.memberId as number);
    const cuong2 = await add('Vì  văn Cường', 1988, null);
    const other = await add('Lò Thị Mai', 1990, '0912 000 010');
    const other2 = await add('Lò thị  Mai', null, null);
    const { pairs } = await json(officer, 'GET', '/api/duplicates?commune=03664');
    expect(pairs.map((p: { reason: string; a: { id: number }; b: { id: number } }) => [p.reason, p.a.id, p.b.id])).toEqual([
      ['name_birth_year', ids.cuong, cuong2],
      ['name', other, other2],
    ]);
    expect((await send(away, 'GET', '/api/duplicates?commune=03664')).statusCode).toBe(403);
    const merged = await json(officer, 'POST', `/api/members/${cuong2}/merge`, { version: await version(cuong2), into: ids.cuong, intoVersion: await version(ids.cuong) });
    expect(merged).toEqual({ into: ids.cuong, periodsMoved: 0, periodsDropped: 1, sessionsMoved: 0 });
    expect((await json(officer, 'GET', '/api/duplicates?commune=03664')).pairs.length).toBe(1);
    expect((await send(officer, 'POST', `/api/members/${ids.cuong}/merge`, { version: 1, into: ids.cuong, intoVersion: 1 })).statusCode).toBe(400);
    await json(officer, 'POST', '/api/duplicates/distinct', { a: other2, b: other }, 204);
    expect((await json(officer, 'GET', '/api/duplicates?commune=03664')).pairs).toEqual([]);
    const cuong = await json(officer, 'GET', `/api/members/${ids.cuong}`);
    expect(cuong.periods.filter((p: { leftOn: string | null }) => p.leftOn === null).length).toBe(1);
    expect(await members(communeTeam)).toEqual([
      ['Vì Văn Cường', 'leader', '2026-03-01'],
      ['Hà Thị Hiền', 'deputy', '2026-09-01'],
      // the same letters: lower case before capitals (ICU's "vi" collation), whatever order they were added in
      ['Lò thị Mai', 'member', '2026-04-01'],
      ['Lò Thị Mai', 'member', '2026-04-01'],
    ]);
  });
});

describe('one Vietnamese order', () => {
  it('lists teams by the Vietnamese alphabet and numbers by value, not by code points', async () => {
    for (const name of ['Bản Zê', 'Bản Đán', 'Bản Ấm', 'Bản Dọn', 'Tổ dân phố 10', 'Tổ dân phố 2']) {
      const v = await json(admin, 'POST', '/api/villages', { commune: '04105', name }, 201);
      await json(admin, 'POST', '/api/teams', { level: 'village', unit: v.code, name: `Tổ công nghệ số cộng đồng ${name}` }, 201);
    }
    const { teams } = await json(admin, 'GET', '/api/teams?unit=04105');
    expect(teams.map((t: { unitName: string; level: string }) => (t.level === 'commune' ? '(xã)' : t.unitName))).toEqual([
      '(xã)',
      'Bản Ấm',
      'Bản Dọn',
      'Bản Đán',
      'Bản Zê',
      'Tổ dân phố 2',
      'Tổ dân phố 10',
    ]);
  });
});
