import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import { allPhones, bodyText, buildWorld, type World } from '../../test/matrix-fixture.js';
import { type Database, queryRows } from '../db/client.js';
import { importRoster } from '../imports/imports.service.js';
import { PERSON_SHARED, PHONE_ELSEWHERE } from '../imports/imports.plan.js';
import { ALL, type Role } from './access.policy.js';

/**
 * The four side doors of issue 9, each shut and proven: an import cannot tell who owns a phone in
 * another unit nor change that person; exports mask phones for inspectors as every other view
 * does; refusals (also the 404 that hides an object) are logged at both ends.
 */
let database: Database;
let app: Awaited<ReturnType<typeof testApp>>;
let w: World;
const clients = new Map<Role, TestClient>();
const HOME: Record<Role, string | undefined> = { admin: undefined, province_officer: '14', viewer: '14', commune_officer: '03664', team_leader: undefined, member: undefined };

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  w = await buildWorld(database.db);
  for (const role of Object.keys(HOME) as Role[]) {
    clients.set(role, await signedInClient(app, database.db, { username: `s.${role}`, role, ...(role === 'team_leader' || role === 'member' ? { teamId: w.teams.home } : { unit: HOME[role] }) }));
  }
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const upload = (c: TestClient, rows: (string | number)[][], commit: boolean) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(csv([HEADER, ...rows]))]), 'tham-do.csv');
  return c.request({ method: 'POST', url: `/api/imports${commit ? '?commit=true' : ''}`, payload: form });
};
const person = async (phone: string) =>
  (await queryRows<{ fullName: string; gender: string; birthYear: number }>(database.db, sql`select full_name as "fullName", gender, birth_year as "birthYear" from members where phone = ${phone}`))[0];

describe('imports see and change only people in the importer’s scope', () => {
  it('a phone of another commune’s member is a row problem naming nobody, on a dry run and on commit, and nothing of theirs changes', async () => {
    const officer = clients.get('commune_officer')!;
    const before = await person('+84912000021');
    const probe = await upload(officer, [['Sơn La', 'Chiềng An', '', '', 'Lò Văn Dò', 'Nam', 1990, '0912000021', '', '']], false);
    expect(probe.json().files[0].problems).toEqual([
      { sheet: 'tham-do.csv', row: 2, column: 'Số điện thoại', severity: 'error', message: PHONE_ELSEWHERE, suggestion: 'Kiểm tra lại số; nếu đúng là người này đã chuyển về đơn vị bạn, cán bộ tỉnh sẽ chuyển họ sang tổ của bạn' },
    ]);
    expect(probe.body).not.toContain('Cầm Văn Xa');
    expect(probe.body).not.toContain('Mai Sơn');
    // the same name and phone, another gender and year: before, this rewrote the other commune's member
    const commit = await upload(officer, [['Sơn La', 'Chiềng An', '', '', 'Cầm Văn Xa', 'Nữ', 2001, '0912000021', '', '']], true);
    expect([commit.statusCode, commit.json().error.code, commit.json().error.details.problems.map((p: { message: string }) => p.message)]).toEqual([422, 'IMPORT_NO_VALID_ROWS', [PHONE_ELSEWHERE]]);
    expect(await person('+84912000021')).toEqual(before);
  });

  it('the province officer sees each conflict in both communes’ logs, the phone masked', async () => {
    const province = clients.get('province_officer')!;
    const conflicts = async (unit: string) =>
      (await province.get(`/api/audit?unit=${unit}`)).json().entries.filter((e: { action: string }) => e.action === 'import.scope_conflict').map((e: { after: unknown }) => e.after);
    const expected = [
      { file: 'tham-do.csv', committed: true, rows: [{ sheet: 'tham-do.csv', row: 2, phone: '09•••••021' }] },
      { file: 'tham-do.csv', committed: false, rows: [{ sheet: 'tham-do.csv', row: 2, phone: '09•••••021' }] },
    ];
    expect(await conflicts('03664')).toEqual(expected);
    expect(await conflicts('04105')).toEqual(expected);
    // the commune officer sees the attempt in their own log; nothing of it reaches a third commune
    expect((await clients.get('commune_officer')!.get('/api/audit?unit=03664')).json().entries.filter((e: { action: string }) => e.action === 'import.scope_conflict')).toHaveLength(2);
  });

  it('a person on teams of two communes keeps their own fields: the roster may not change them from one side', async () => {
    // the operator puts the home commune's member on a team of Mai Sơn too
    const shared = await importRoster(database.db, { name: 'hai-xa.csv', data: csv([HEADER, ['Sơn La', 'Mai Sơn', '', '', 'Lò Văn Nhà', 'Nam', 1981, '0912000001', '', '']]) }, { scope: ALL, commit: true, maxBytes: 1e7 });
    expect(shared.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    const officer = clients.get('commune_officer')!;
    const same = await upload(officer, [['Sơn La', 'Chiềng An', '', '', 'Lò Văn Nhà', 'Nam', 1981, '0912000001', 'Tổ phó', '']], true);
    expect([same.statusCode, same.json().files[0].counts]).toEqual([200, { new: 0, updated: 1, unchanged: 0, invalid: 0 }]);
    const changed = await upload(officer, [['Sơn La', 'Chiềng An', '', '', 'Lò Văn Nhà', 'Nam', 1979, '0912000001', 'Tổ phó', '']], true);
    expect(changed.json().error.details.problems.map((p: { message: string }) => p.message)).toEqual([PERSON_SHARED]);
    expect(await person('+84912000001')).toEqual({ fullName: 'Lò Văn Nhà', gender: 'male', birthYear: 1981 });
  });
});

describe('reports of a person on teams of two communes', () => {
  it('count only the sessions of teams the reader may see', async () => {
    // Lò Văn Nhà is on the home team and (since the test above) on a Mai Sơn team: the operator records one session for each
    const { syncSessions } = await import('../sessions/sessions.sync.js');
    const { DataProtector } = await import('../privacy/protector.js');
    const { TEST_SECRETS } = await import('../../test/db.js');
    const mai = (await queryRows<{ id: number }>(database.db, sql`select t.id from teams t join team_members tm on tm.team_id = t.id where tm.member_id = ${w.members.home} and t.id <> ${w.teams.home}`))[0].id;
    const rec = (teamId: number) => ({ id: crypto.randomUUID(), teamId, memberIds: [w.members.home], occurredAt: new Date().toISOString(), kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }] });
    const answers = await syncSessions(database.db, new DataProtector(TEST_SECRETS), [rec(w.teams.home), rec(mai), rec(mai)], { userId: null, scope: ALL });
    expect(answers.map((a) => a.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const sessions = async (role: Role) => (await clients.get(role)!.get(`/api/reports/support?member=${w.members.home}`)).json().sessions;
    expect([await sessions('commune_officer'), await sessions('member'), await sessions('province_officer'), await sessions('admin')]).toEqual([1, 1, 3, 3]);
  });
});

describe('a commune officer’s column mapping stays in their commune', () => {
  it('a remembered correction applies to that commune’s later files, never to another unit’s', async () => {
    const officer = clients.get('commune_officer')!;
    // the province remembers the standard reading of this header first
    const standard = { 0: 'province', 1: 'commune', 2: 'district', 3: 'village', 4: 'fullName', 5: 'gender', 6: 'birthYear', 7: 'phone', 8: 'role', 9: 'affiliation' };
    expect((await clients.get('province_officer')!.post('/api/imports/mappings', { headers: HEADER, mapping: standard })).statusCode).toBe(200);
    // a hostile "correction" of the standard header: names read from the affiliation column
    const saved = await officer.post('/api/imports/mappings', { headers: HEADER, mapping: { 4: null, 7: null, 9: 'fullName' } });
    expect(saved.statusCode).toBe(200);
    const row = ['Sơn La', 'Mai Sơn', '', '', 'Lò Thị Mới', 'Nữ', 1990, '', '', 'Đoàn viên'];
    const province = await upload(clients.get('province_officer')!, [row], false);
    // the province's own remembered mapping still reads the file (the commune's save replaced nothing of it)
    expect([province.json().files[0].sheets[0].mappingSource, province.json().files[0].rows[0].fullName]).toEqual(['saved', 'Lò Thị Mới']);
    const own = await upload(officer, [['Sơn La', 'Chiềng An', '', '', 'Lò Thị Mới', 'Nữ', 1990, '', '', 'Đoàn viên']], false);
    expect([own.json().files[0].sheets[0].mappingSource, own.json().files[0].rows[0]?.fullName]).toEqual(['saved', 'Đoàn viên']);
    // the saves are in the savers' own units' logs
    const saves = (await clients.get('admin')!.get('/api/audit?unit=03664')).json().entries.filter((e: { action: string }) => e.action === 'import.mapping_saved');
    expect(saves).toHaveLength(1);
  });
});

describe('masking follows the role in every export', () => {
  const EXPORTS = (unit: string, teamId: number) => [
    `/api/reports/roster?unit=${unit}`,
    `/api/reports/network?unit=${unit}&format=csv`,
    `/api/reports/network?unit=${unit}&format=xlsx`,
    `/api/reports/support?${unit ? `unit=${unit}` : `team=${teamId}`}&format=xlsx`,
    `/api/reports/support?team=${teamId}&format=xlsx`,
    ...['services', 'children', 'trend'].map((t) => `/api/reports/support?team=${teamId}&format=csv&table=${t}`),
    `/api/audit?unit=${unit}&format=csv`,
    `/api/teams/${teamId}`,
  ];
  it('an inspector gets no phone in clear from any export or view; officers get them where the form has them; the audit log never has them', async () => {
    const phones = allPhones();
    const seen: Record<string, string[]> = {};
    for (const role of ['admin', 'province_officer', 'commune_officer', 'viewer'] as Role[]) {
      for (const url of EXPORTS(HOME[role] ?? '14', w.teams.home)) {
        const res = await clients.get(role)!.get(url);
        expect([role, url, res.statusCode]).toEqual([role, url, 200]);
        const text = await bodyText(res);
        const clear = phones.filter((p) => text.includes(p));
        if (clear.length) seen[`${role} ${url.split('?')[0]}${url.includes('format=') ? ' ' + url.split('format=')[1].split('&')[0] : ''}`] = clear;
      }
    }
    // team roles reach their own team's exports only: the team view shows team-mates' phones, the dashboard none
    for (const role of ['team_leader', 'member'] as Role[]) {
      for (const url of EXPORTS('', w.teams.home).filter((u) => u.includes(`team=${w.teams.home}`) || u.startsWith('/api/teams/'))) {
        const res = await clients.get(role)!.get(url);
        expect([role, url, res.statusCode]).toEqual([role, url, 200]);
        const text = await bodyText(res);
        const found = phones.filter((p) => text.includes(p));
        if (found.length) seen[`${role} ${url.split('?')[0]}${url.includes('format=') ? ' ' + url.split('format=')[1].split('&')[0] : ''}`] = found;
      }
    }
    // only the roster and the team view carry phones, and only for the roles that may see them
    expect(Object.keys(seen).sort()).toEqual([
      'admin /api/reports/roster',
      'admin /api/teams/' + w.teams.home,
      'commune_officer /api/reports/roster',
      'commune_officer /api/teams/' + w.teams.home,
      'province_officer /api/reports/roster',
      'province_officer /api/teams/' + w.teams.home,
      'team_leader /api/teams/' + w.teams.home,
      'member /api/teams/' + w.teams.home,
    ].sort());
  });
});

describe('refusals are logged where they matter', () => {
  const denied = async (reader: TestClient, unit: string) =>
    (await reader.get(`/api/audit?unit=${unit}`)).json().entries.filter((e: { action: string }) => e.action === 'access.denied');

  it('a team of another commune looked up by id is a 404 that both communes’ logs show, with who asked and from where', async () => {
    const officer = clients.get('commune_officer')!;
    const res = await officer.get(`/api/teams/${w.teams.other}`);
    expect([res.statusCode, res.json().error.code]).toEqual([404, 'TEAM_NOT_FOUND']);
    const province = clients.get('province_officer')!;
    const [there] = await denied(province, '04105');
    expect(there).toMatchObject({ entityId: 'GET /api/teams/:id', after: { code: 'TEAM_NOT_FOUND', target: { entity: 'team', id: String(w.teams.other) }, asked: { id: String(w.teams.other) }, requester: { role: 'commune_officer', unit: '03664' } } });
    const [here] = await denied(officer, '03664');
    expect([here.id, here.targetCommuneId]).toEqual([there.id, null]);
    // a team that does not exist is logged alike at the requester's unit (no target unit), so the
    // requester's own log cannot tell a hidden team from a missing one, nor where the hidden one lies
    expect((await officer.get('/api/teams/999999')).statusCode).toBe(404);
    expect((await denied(province, '04105')).length).toBe(1);
    const mine = (await denied(officer, '03664')).slice(0, 2).map((e: { targetProvinceCode: string | null; targetCommuneId: number | null; after: { code: string } }) => [e.targetProvinceCode, e.targetCommuneId, e.after.code]);
    expect(mine).toEqual([[null, null, 'TEAM_NOT_FOUND'], [null, null, 'TEAM_NOT_FOUND']]);
  });

  it('an account of another commune and a report of another province are logged at their targets too', async () => {
    const officer = clients.get('commune_officer')!;
    expect((await officer.post(`/api/users/${w.users.other}/reset`)).json().error.code).toBe('USER_NOT_FOUND');
    const province = clients.get('province_officer')!;
    expect((await denied(province, '04105'))[0]).toMatchObject({ entityId: 'POST /api/users/:id/reset', after: { code: 'USER_NOT_FOUND', target: { entity: 'user', id: String(w.users.other) } } });
    expect((await province.get('/api/reports/network?unit=01')).statusCode).toBe(403);
    const admin = clients.get('admin')!;
    expect((await denied(admin, '01'))[0]).toMatchObject({ entityId: 'GET /api/reports/network', provinceCode: '14', targetProvinceCode: '01', after: { code: 'OUT_OF_SCOPE', target: { entity: 'unit', id: '01' }, requester: { role: 'province_officer', unit: '14' } } });
  });

  it('a request with a forged session cookie naming a unit is logged at that unit; one with no credential at all is not logged (issue 13, item 9)', async () => {
    const { TestClient } = await import('../../test/auth.js');
    const before = (await denied(clients.get('province_officer')!, '04105')).length;
    expect((await new TestClient(app).get('/api/teams?unit=04105')).statusCode).toBe(401);
    expect((await denied(clients.get('province_officer')!, '04105')).length).toBe(before);
    const forged = new TestClient(app);
    forged.setCookie('ngoso_session', 'made-up-token.not-signed');
    expect((await forged.get('/api/teams?unit=04105')).statusCode).toBe(401);
    expect((await denied(clients.get('province_officer')!, '04105'))[0]).toMatchObject({ userId: null, entityId: 'GET /api/teams', after: { code: 'AUTH_REQUIRED', target: { entity: 'unit', id: '04105' }, requester: null, credential: 'forged' } });
  });
});
