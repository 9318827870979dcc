import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type AccountsWorld, auditOf, buildAccountsWorld, counts } from '../../test/accounts-fixture.js';
import { TEST_PASSWORD, TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';

/**
 * Officers change accounts (PATCH /api/users/:id) and search them (GET /api/users?q=): within their
 * scope, below their role, never themselves; each change audited with before and after in its
 * transaction; each refusal a clear 4xx with nothing written.
 */
let database: Database;
let app: TestAppInstance;
let w: AccountsWorld;
/** accounts: An (team leader made from the roster), a member made by hand on Mai Sơn's team */
let an = 0;
let xa = 0;
withTestApp(async (t) => {
  ({ database, app } = t);
  w = await buildAccountsWorld(app, database.db);
  an = (await w.officer.post('/api/users', { fullName: 'Nguyễn Văn An', phone: '0913000001', password: TEST_PASSWORD, role: 'team_leader', teamId: w.teams.an })).json().user.id;
  await database.db.execute(sql`update users set must_change_password = false, member_id = ${w.m.an} where id = ${an}`);
  xa = (await w.officerMai.post('/api/users', { fullName: 'Cầm Văn Xa', username: 'cam.van.xa', password: TEST_PASSWORD, role: 'member', teamId: w.teams.mai })).json().user.id;
});

const patch = (c: TestClient, id: number, body: unknown) => c.request({ method: 'PATCH', url: `/api/users/${id}`, payload: body as object });
const errorOf = (res: { statusCode: number; json: () => any }) => [res.statusCode, res.json().error?.code, res.json().error?.message];
const idOf = async (username: string) => (await queryRows<{ id: number }>(database.db, sql`select id from users where username = ${username}`))[0].id;
const settings = async (id: number) =>
  (await queryRows<Record<string, unknown>>(database.db, sql`select role, scope_unit_id as "unitId", scope_team_id as "teamId", disabled from users where id = ${id}`))[0];

describe('changing an account', () => {
  it('the role: answered as the list shows it, audited before and after', async () => {
    const res = await patch(w.officer, an, { role: 'member' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: {
        id: an,
        username: null,
        phone: '09•••••001',
        fullName: 'Nguyễn Văn An',
        role: 'member',
        roleLabel: 'Thành viên',
        unitCode: '03664',
        unitName: 'Phường Chiềng An',
        teamId: w.teams.an,
        teamName: w.teamNames.an,
        memberId: w.m.an,
        mustChangePassword: false,
        disabled: false,
        lockedUntil: null,
      },
      changed: ['role'],
    });
    const [entry] = await auditOf(database.db, an);
    expect(entry).toEqual({ action: 'user.updated', userId: await idOf('cb.chiengan'), before: { role: 'team_leader' }, after: { role: 'member' }, provinceCode: '14', communeId: w.units.an, targetProvinceCode: null, targetCommuneId: null });
  });

  it('the team: the unit follows the team; nothing changed writes nothing', async () => {
    const res = await patch(w.officer, an, { teamId: w.teams.hum });
    expect([res.json().changed, res.json().user.unitName, res.json().user.teamId]).toEqual([['unit', 'teamId'], 'Bản Hụm', w.teams.hum]);
    expect((await auditOf(database.db, an))[0]).toMatchObject({ action: 'user.updated', before: { unit: '03664', teamId: w.teams.an }, after: { unit: expect.stringMatching(/^03664\.\d{3}$/), teamId: w.teams.hum } });
    const before = await counts(database.db);
    const same = await patch(w.officer, an, { teamId: w.teams.hum, role: 'member', disabled: false });
    expect([same.statusCode, same.json().changed]).toEqual([200, []]);
    expect(await counts(database.db)).toEqual(before);
  });

  it('disabling ends the account’s sessions and sign-ins; re-enabling lets it in again', async () => {
    const person = new TestClient(app, '10.8.0.1');
    expect((await person.signIn('0913000001', TEST_PASSWORD)).statusCode).toBe(200);
    const off = await patch(w.officer, an, { disabled: true });
    expect([off.json().changed, off.json().user.disabled]).toEqual([['disabled'], true]);
    expect((await person.get('/api/auth/me')).json().user).toBeNull();
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from sessions where user_id = ${an}`))[0].n).toBe(0);
    expect((await new TestClient(app, '10.8.0.2').signIn('0913000001', TEST_PASSWORD)).json().error.code).toBe('AUTH_FAILED');
    expect((await auditOf(database.db, an))[0]).toMatchObject({ action: 'user.disabled', before: { disabled: false }, after: { disabled: true } });
    const on = await patch(w.officer, an, { disabled: false });
    expect([on.json().changed, on.json().user.disabled]).toEqual([['disabled'], false]);
    expect((await auditOf(database.db, an))[0]).toMatchObject({ action: 'user.enabled', before: { disabled: true }, after: { disabled: false } });
    expect((await new TestClient(app, '10.8.0.3').signIn('0913000001', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a province officer moves an account to another commune: the entry is in both communes’ logs', async () => {
    const res = await patch(w.province, an, { teamId: w.teams.mai });
    expect([res.statusCode, res.json().changed, res.json().user.unitCode]).toEqual([200, ['unit', 'teamId'], '04105']);
    expect((await auditOf(database.db, an))[0]).toMatchObject({ communeId: w.units.mai, targetCommuneId: w.units.an, provinceCode: '14', targetProvinceCode: '14' });
    const seen = async (c: TestClient, unit: string) => (await c.get(`/api/audit?unit=${unit}`)).json().entries.some((e: any) => e.action === 'user.updated' && e.entityId === String(an) && e.after.unit === '04105');
    expect([await seen(w.officer, '03664'), await seen(w.officerMai, '04105')]).toEqual([true, true]);
    // an inspector's account: a unit, not a team
    const viewer = await patch(w.province, an, { role: 'viewer', unit: '03664' });
    expect([viewer.json().changed, viewer.json().user.teamId, viewer.json().user.unitCode]).toEqual([['role', 'unit', 'teamId'], null, '03664']);
    expect(await settings(an)).toEqual({ role: 'viewer', unitId: w.units.an, teamId: null, disabled: false });
    expect((await patch(w.province, an, { role: 'team_leader', teamId: w.teams.an })).json().changed).toEqual(['role', 'teamId']);
  });

  it('refuses one’s own account, an account at or above one’s role, and a role above one’s own (403, audited), changing nothing', async () => {
    const before = await counts(database.db);
    const self = await idOf('cb.chiengan');
    expect(errorOf(await patch(w.officer, self, { disabled: true }))).toEqual([403, 'FORBIDDEN', 'Bạn không tự đổi vai trò, đơn vị hay khoá tài khoản của chính mình; hãy nhờ cán bộ cấp trên.']);
    expect(errorOf(await patch(w.officer, await idOf('cb.chiengan2'), { disabled: true }))).toEqual([
      403,
      'FORBIDDEN',
      'Tài khoản của Người dùng cb.chiengan2 có vai trò Cán bộ xã, ngang hoặc trên vai trò của bạn: bạn không sửa hay khoá được.',
    ]);
    expect(errorOf(await patch(w.officer, an, { role: 'commune_officer', unit: '03664' }))).toEqual([403, 'FORBIDDEN', 'Bạn không được giao vai trò "Cán bộ xã" (chỉ: Tổ trưởng, Thành viên).']);
    // the province officer's account lies above the commune: not found from there
    expect(errorOf(await patch(w.officer, await idOf('cb.tinh'), { disabled: true }))).toEqual([404, 'USER_NOT_FOUND', `Không có tài khoản mã số ${await idOf('cb.tinh')}.`]);
    expect(errorOf(await patch(w.officer, xa, { disabled: true }))).toEqual([404, 'USER_NOT_FOUND', `Không có tài khoản mã số ${xa}.`]);
    expect(errorOf(await patch(w.officer, an, { teamId: w.teams.mai }))).toEqual([404, 'TEAM_NOT_FOUND', `Không có tổ mã số ${w.teams.mai}.`]);
    expect(errorOf(await patch(w.officer, an, { role: 'member', unit: '03664' }))).toEqual([400, 'VALIDATION_FAILED', 'Tổ trưởng và thành viên gắn với một tổ: hãy chọn tổ (teamId), không chọn đơn vị.']);
    expect(errorOf(await patch(w.province, an, { role: 'commune_officer', teamId: w.teams.an }))).toEqual([400, 'VALIDATION_FAILED', 'Cán bộ xã gắn với một đơn vị, không gắn với tổ: hãy chọn đơn vị (unit).']);
    expect(errorOf(await patch(w.province, an, { role: 'commune_officer', unit: '14' }))).toEqual([400, 'VALIDATION_FAILED', 'Cán bộ xã phải gắn với một xã/phường.']);
    expect(errorOf(await patch(w.province, an, { role: 'province_officer', unit: '14' }))).toEqual([403, 'FORBIDDEN', 'Bạn không được giao vai trò "Cán bộ tỉnh" (chỉ: Cán bộ xã, Tổ trưởng, Thành viên, Chỉ xem (thanh tra)).']);
    expect(errorOf(await patch(w.province, an, { role: 'commune_officer', unit: '00004' }))).toEqual([403, 'OUT_OF_SCOPE', 'Bạn không có quyền với đơn vị "Phường Ba Đình" (ngoài phạm vi được giao).']);
    expect(errorOf(await patch(w.viewer, an, { disabled: true }))).toEqual([403, 'FORBIDDEN', 'Vai trò của bạn không được dùng chức năng này.']);
    expect(await counts(database.db)).toEqual(before);
    expect(await settings(an)).toEqual({ role: 'team_leader', unitId: w.units.an, teamId: w.teams.an, disabled: false });
    const refusals = await queryRows<{ code: string }>(database.db, sql`select after->>'code' as code from audit_log where action = 'access.denied' and entity_id = 'PATCH /api/users/:id' order by id`);
    expect(refusals.map((r) => r.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'USER_NOT_FOUND', 'USER_NOT_FOUND', 'TEAM_NOT_FOUND', 'FORBIDDEN', 'OUT_OF_SCOPE', 'FORBIDDEN']);
  });

  it('refuses bad bodies with a clear 400, writing nothing', async () => {
    const before = await counts(database.db);
    const message = async (body: unknown, id: number | string = an) => {
      const res = await w.officer.request({ method: 'PATCH', url: `/api/users/${id}`, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
      return [res.statusCode, res.json().error.message];
    };
    expect(await message({})).toEqual([400, 'Không có thay đổi nào: hãy chọn vai trò, đơn vị, tổ hoặc khoá/mở khoá.']);
    expect(await message({ unit: '03664\u0007' })).toEqual([400, 'Dữ liệu gửi lên không hợp lệ — body/unit: Mã đơn vị chỉ gồm chữ số (ví dụ 14, 03664 hoặc 03664.001).']);
    expect(await message({ unit: '03664\u202e' })).toEqual([400, 'Dữ liệu gửi lên không hợp lệ — body/unit: Mã đơn vị chỉ gồm chữ số (ví dụ 14, 03664 hoặc 03664.001).']);
    expect(await message({ unit: '036\u000064' })).toEqual([400, 'Dữ liệu gửi lên có ký tự rỗng (NUL, \\u0000) ở body.unit; hãy xoá ký tự đó rồi gửi lại.']);
    expect((await message({ disabled: 'yes' }))[1]).toMatch(/^Dữ liệu gửi lên không hợp lệ — body\/disabled: /);
    expect((await message({ role: 'boss' }))[1]).toMatch(/^Dữ liệu gửi lên không hợp lệ — body\/role: /);
    expect((await message({ fullName: 'Tên Mới', disabled: true }))[0]).toBe(400);
    expect((await message({ teamId: -1 }))[0]).toBe(400);
    expect((await message({ disabled: true }, 'x'))[0]).toBe(400);
    expect(await message({ disabled: true, pad: 'x'.repeat(1_100_000) })).toEqual([413, 'Dữ liệu gửi lên quá lớn.']);
    expect(await message('{"disabled": tru')).toEqual([400, 'Dữ liệu JSON gửi lên bị lỗi cú pháp hoặc rỗng.']);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe('searching accounts', () => {
  const names = async (c: TestClient, q: string) => (await c.get(`/api/users?q=${encodeURIComponent(q)}`)).json().users.map((u: { fullName: string }) => u.fullName);
  it('by name without diacritics, by user name, by phone as typed, only in scope', async () => {
    expect(await names(w.officer, 'nguyen van an')).toEqual(['Nguyễn Văn An']);
    expect(await names(w.officer, 'NGUYỄN  văn')).toEqual(['Nguyễn Văn An']);
    expect(await names(w.officer, '0913 000 001')).toEqual(['Nguyễn Văn An']);
    expect(await names(w.officer, '+84913000001')).toEqual(['Nguyễn Văn An']);
    expect(await names(w.officer, 'cb.chiengan2')).toEqual(['Người dùng cb.chiengan2']);
    expect(await names(w.officer, 'cam van xa')).toEqual([]);
    expect(await names(w.officerMai, 'cam van xa')).toEqual(['Cầm Văn Xa']);
    expect(await names(w.province, 'cam.van')).toEqual(['Cầm Văn Xa']);
    expect(await names(w.officer, 'khong ai')).toEqual([]);
    const all = (await w.officer.get('/api/users')).json().users.map((u: { fullName: string }) => u.fullName);
    // the Vietnamese way: by given name
    expect(all).toEqual(['Nguyễn Văn An', 'Người dùng cb.chiengan', 'Người dùng cb.chiengan2']);
    const long = await w.officer.get(`/api/users?q=${'a'.repeat(101)}`);
    expect([long.statusCode, long.json().error.message]).toEqual([400, 'Dữ liệu gửi lên không hợp lệ — querystring/q: Từ khoá tìm kiếm dài quá 100 ký tự.']);
  });
});
