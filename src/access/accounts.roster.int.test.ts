import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type AccountsWorld, auditOf, buildAccountsWorld, counts } from '../../test/accounts-fixture.js';
import { TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';
import { usernameBase } from './accounts.roster.js';

/**
 * Accounts made from the roster (POST /api/members/:id/account, POST and GET /api/teams/:id/accounts):
 * exact answers, rows and audit entries; every refusal leaves nothing written.
 */
let database: Database;
let app: TestAppInstance;
let w: AccountsWorld;
withTestApp(async (t) => {
  ({ database, app } = t);
  w = await buildAccountsWorld(app, database.db);
});

const DAY = 86400000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const account = (c: TestClient, memberId: number, body: unknown = {}) => c.post(`/api/members/${memberId}/account`, body);
const errorOf = (res: { statusCode: number; json: () => any }) => [res.statusCode, res.json().error?.code, res.json().error?.message];
const userRow = async (id: number) =>
  (await queryRows<Record<string, unknown>>(
    database.db,
    sql`select full_name as "fullName", username, phone, role, scope_unit_id as "unitId", scope_team_id as "teamId", member_id as "memberId", must_change_password as "mustChange", disabled from users where id = ${id}`,
  ))[0];

describe('an account for one person of the roster', () => {
  let code = '';
  let anUser = 0;
  it('a leader gets a team leader account on their team, signed in by phone, with a one-time code valid 7 days, stored hashed', async () => {
    const before = Date.now();
    const res = await account(w.officer, w.m.an);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    ({ code, userId: anUser } = a);
    expect(a).toEqual({
      userId: anUser,
      memberId: w.m.an,
      fullName: 'Nguyễn Văn An',
      username: null,
      phone: '09•••••001',
      role: 'team_leader',
      roleLabel: 'Tổ trưởng',
      teamId: w.teams.an,
      teamName: w.teamNames.an,
      code: expect.stringMatching(/^\d{8}$/),
      expiresAt: expect.any(String),
    });
    const expires = Date.parse(a.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(await userRow(anUser)).toEqual({ fullName: 'Nguyễn Văn An', username: null, phone: '+84913000001', role: 'team_leader', unitId: w.units.an, teamId: w.teams.an, memberId: w.m.an, mustChange: true, disabled: false });
    const codes = await queryRows<{ purpose: string; codeHash: string; usedAt: string | null }>(database.db, sql`select purpose, code_hash as "codeHash", used_at as "usedAt" from one_time_codes where user_id = ${anUser}`);
    expect(codes).toEqual([{ purpose: 'reset', codeHash: sha256(code), usedAt: null }]);
    const audit = await auditOf(database.db, anUser);
    expect(audit).toEqual([
      {
        action: 'user.created',
        userId: expect.any(Number),
        before: null,
        after: { fullName: 'Nguyễn Văn An', username: null, role: 'team_leader', scopeUnitId: w.units.an, scopeTeamId: w.teams.an, memberId: w.m.an, from: 'roster' },
        provinceCode: '14',
        communeId: w.units.an,
        targetProvinceCode: null,
        targetCommuneId: null,
      },
    ]);
    // the code is nowhere in the database in clear
    const dump = await queryRows<{ t: string }>(database.db, sql`select (select coalesce(string_agg(row_to_json(a)::text, ''), '') from audit_log a) || (select string_agg(row_to_json(u)::text, '') from users u) as t`);
    expect(dump[0].t).not.toContain(code);
  });

  it('the person sets their own password with the code, then signs in on their team', async () => {
    const person = new TestClient(app, '10.9.0.1');
    expect((await person.signIn('0913000001', code)).statusCode).toBe(401);
    const reset = await person.post('/api/auth/reset', { login: '0913 000 001', code, newPassword: 'ban-hum-mua-xuan' });
    expect([reset.statusCode, reset.json()]).toEqual([200, { ok: true }]);
    const signed = await person.signIn('0913000001', 'ban-hum-mua-xuan');
    expect(signed.json().user).toMatchObject({ fullName: 'Nguyễn Văn An', role: 'team_leader', mustChangePassword: false });
    expect((await person.get('/api/auth/me')).json()).toMatchObject({ scope: { kind: 'team', teamId: w.teams.an }, team: { id: w.teams.an, name: w.teamNames.an } });
    // used once
    const again = await new TestClient(app, '10.9.0.2').post('/api/auth/reset', { login: '0913000001', code, newPassword: 'lan-nua-mua-xuan' });
    expect(again.json().error.code).toBe('CODE_INVALID');
  });

  it('a deputy gets a member account; a person without a phone a generated user name', async () => {
    const binh = (await account(w.officer, w.m.binh)).json();
    expect([binh.role, binh.roleLabel, binh.username, binh.phone]).toEqual(['member', 'Thành viên', null, '09•••••002']);
    const cuong = (await account(w.officer, w.m.cuong)).json();
    expect([cuong.role, cuong.phone, cuong.username]).toEqual(['member', null, expect.stringMatching(/^ca\.van\.cuong\.\d{4}$/)]);
    expect((await userRow(cuong.userId)).username).toBe(cuong.username);
    expect([usernameBase('Nguyễn Thị Ngọc Ánh'), usernameBase('Đặng Đức Đạt'), usernameBase('  Lò   Văn  '), usernameBase('Ê'), usernameBase('Hoàng Thị Phương Thảo Nguyên Khánh Linh')]).toEqual([
      'nguyen.thi.ngoc.anh',
      'dang.duc.dat',
      'lo.van',
      'thanh.vien',
      'hoang.thi.phuong.thao.nguyen.k',
    ]);
  });

  it('refuses a person who already has an account, and a phone that is already another account’s login (409), writing nothing', async () => {
    const before = await counts(database.db);
    expect(errorOf(await account(w.officer, w.m.an))).toEqual([409, 'USER_EXISTS', 'Nguyễn Văn An đã có tài khoản. Nếu người này quên mật khẩu, hãy bấm "Cấp mã đặt lại mật khẩu" ở trang Tài khoản.']);
    // an account made by hand earlier with Dũng's phone
    const manual = await w.officer.post('/api/users', { fullName: 'Dũng Tự Tạo', phone: '0913 000 004', password: 'mot-mat-khau-dai', role: 'member', teamId: w.teams.an });
    expect(manual.statusCode).toBe(200);
    const mid = await counts(database.db);
    expect(mid).toEqual({ users: before.users + 1, codes: before.codes, audit: before.audit + 1 });
    const taken = await account(w.officer, w.m.dung);
    expect([...errorOf(taken), taken.json().error.details]).toEqual([
      409,
      'USER_EXISTS',
      'Số điện thoại 09•••••004 của Nguyễn Văn Dũng đã là tên đăng nhập của một tài khoản khác; hãy kiểm tra trang Tài khoản hoặc sửa số điện thoại của thành viên.',
      { reason: 'phone_taken' },
    ]);
    expect(await counts(database.db)).toEqual(mid);
  });

  it('a person on two teams: the team must be chosen, among theirs', async () => {
    const before = await counts(database.db);
    const unchosen = await account(w.officer, w.m.em);
    expect([...errorOf(unchosen), unchosen.json().error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      `Quàng Văn Em đang là thành viên của 2 tổ: ${w.teamNames.hum} (mã ${w.teams.hum}), ${w.teamNames.an} (mã ${w.teams.an}). Hãy chọn tổ cho tài khoản (teamId).`,
      { teams: [{ id: w.teams.hum, name: w.teamNames.hum }, { id: w.teams.an, name: w.teamNames.an }] },
    ]);
    expect(errorOf(await account(w.officer, w.m.em, { teamId: w.teams.mai }))).toEqual([
      400,
      'VALIDATION_FAILED',
      `Quàng Văn Em không phải thành viên hiện tại của tổ mã số ${w.teams.mai}; các tổ của người này: ${w.teamNames.hum} (mã ${w.teams.hum}), ${w.teamNames.an} (mã ${w.teams.an}).`,
    ]);
    expect(await counts(database.db)).toEqual(before);
    const made = (await account(w.officer, w.m.em, { teamId: w.teams.hum })).json();
    expect([made.teamId, made.role, made.phone]).toEqual([w.teams.hum, 'member', '09•••••006']);
    expect(await userRow(made.userId)).toMatchObject({ teamId: w.teams.hum, unitId: w.units.hum });
  });

  it('another commune’s person is not found (audited at both communes); a person also on a team of another commune is out of scope', async () => {
    const before = await counts(database.db);
    expect(errorOf(await account(w.officer, w.m.xa))).toEqual([404, 'NOT_FOUND', `Không có thành viên mã số ${w.m.xa}.`]);
    expect(errorOf(await account(w.officer, 99999))).toEqual([404, 'NOT_FOUND', 'Không có thành viên mã số 99999.']);
    expect(errorOf(await account(w.officer, w.m.chung))).toEqual([
      403,
      'OUT_OF_SCOPE',
      'Hoàng Văn Chung còn là thành viên tổ của đơn vị khác (ngoài phạm vi của bạn): chỉ cán bộ quản lý cả hai đơn vị mới tạo được tài khoản cho người này.',
    ]);
    expect(await counts(database.db)).toEqual(before);
    const denied = await queryRows<{ communeId: number; targetCommuneId: number | null; after: { code: string; target?: { entity: string; id: string } } }>(
      database.db,
      sql`select commune_id as "communeId", target_commune_id as "targetCommuneId", after from audit_log where action = 'access.denied' and entity_id = 'POST /api/members/:id/account' order by id`,
    );
    expect(denied.map((d) => [d.communeId, d.targetCommuneId, d.after.code, d.after.target])).toEqual([
      [w.units.an, w.units.mai, 'NOT_FOUND', { entity: 'member', id: String(w.m.xa) }],
      [w.units.an, null, 'NOT_FOUND', { entity: 'member', id: '99999' }],
      [w.units.an, w.units.an, 'OUT_OF_SCOPE', { entity: 'member', id: String(w.m.chung) }],
    ]);
    // the province officer holds both communes
    expect((await account(w.province, w.m.chung, { teamId: w.teams.mai })).json()).toMatchObject({ fullName: 'Hoàng Văn Chung', teamId: w.teams.mai, role: 'member' });
  });

  it('refuses bad requests with a clear 400 and roles that do not manage accounts with 403', async () => {
    const before = await counts(database.db);
    const bad = async (body: unknown, url = `/api/members/${w.m.dungHum}/account`) => {
      const res = await w.officer.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
      return [res.statusCode, res.json().error.code];
    };
    expect(await bad({ teamId: 'hai' })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({ teamId: 0 })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({ teamId: 99999999999 })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({ role: 'admin' })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({ note: 'a\u0000b' })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({ teamId: 1, pad: 'x'.repeat(1_100_000) })).toEqual([413, 'BODY_TOO_LARGE']);
    expect(await bad('{"teamId": ')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({}, '/api/members/abc/account')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await bad({}, '/api/members/99999999999/account')).toEqual([400, 'VALIDATION_FAILED']);
    const nul = await w.officer.post(`/api/members/${w.m.dungHum}/account`, { teamId: w.teams.hum, x: '\u0000' });
    expect(nul.json().error.message).toBe('Dữ liệu gửi lên có ký tự rỗng (NUL, \\u0000) ở body.x; hãy xoá ký tự đó rồi gửi lại.');
    expect(errorOf(await account(w.viewer, w.m.dungHum))).toEqual([403, 'FORBIDDEN', 'Vai trò của bạn không được dùng chức năng này.']);
    expect(errorOf(await account(new TestClient(app, '10.9.0.3'), w.m.dungHum))).toEqual([401, 'AUTH_REQUIRED', 'Cần đăng nhập để dùng chức năng này.']);
    expect(await counts(database.db)).toEqual(before);
  });
});

describe('codes for a whole team', () => {
  it('makes an account for every member without one, in one go, and lists the others with why', async () => {
    const before = await counts(database.db);
    const res = await w.officer.post(`/api/teams/${w.teams.hum}/accounts`, {});
    expect(res.statusCode).toBe(200);
    const sheet = res.json();
    expect(sheet.team).toEqual({ id: w.teams.hum, name: w.teamNames.hum });
    // leader first, then by given name; Em has an account on this team already
    expect(sheet.created.map((a: any) => [a.fullName, a.role, a.username?.replace(/\d{4}$/, 'NNNN') ?? null, a.phone, a.teamId])).toEqual([
      ['Lường Thị Dung', 'team_leader', null, '09•••••005', w.teams.hum],
      ['Cà Văn Cường', 'member', 'ca.van.cuong.NNNN', null, w.teams.hum],
    ]);
    expect(sheet.skipped).toEqual([{ memberId: w.m.em, fullName: 'Quàng Văn Em', reason: 'has_account', reasonText: 'đã có tài khoản' }]);
    const cuongs = await queryRows<{ username: string }>(database.db, sql`select username from users where full_name = 'Cà Văn Cường' order by id`);
    expect(cuongs).toHaveLength(2);
    expect(cuongs[0].username).not.toBe(cuongs[1].username);
    expect(new Set(sheet.created.map((a: any) => a.code)).size).toBe(2);
    for (const a of sheet.created) expect(a.code).toMatch(/^\d{8}$/);
    expect(await counts(database.db)).toEqual({ users: before.users + 2, codes: before.codes + 2, audit: before.audit + 2 });
    // a second sheet makes nothing new
    const again = (await w.officer.post(`/api/teams/${w.teams.hum}/accounts`, {})).json();
    expect([again.created, again.skipped.map((s: any) => [s.fullName, s.reason])]).toEqual([[], [['Lường Thị Dung', 'has_account'], ['Cà Văn Cường', 'has_account'], ['Quàng Văn Em', 'has_account']]]);
  });

  it('leaves out a taken phone and a person shared with another commune, and shows each member’s account', async () => {
    const sheet = (await w.officer.post(`/api/teams/${w.teams.an}/accounts`, {})).json();
    expect(sheet.created).toEqual([]);
    expect(sheet.skipped.map((s: any) => [s.fullName, s.reason])).toEqual([
      ['Nguyễn Văn An', 'has_account'],
      ['Lò Thị Bình', 'has_account'],
      ['Cà Văn Cường', 'has_account'],
      ['Nguyễn Văn Dũng', 'phone_taken'],
      ['Quàng Văn Em', 'has_account'],
      ['Hoàng Văn Chung', 'shared'],
    ]);
    const list = (await w.officer.get(`/api/teams/${w.teams.an}/accounts`)).json();
    expect(list.members.map((m: any) => [m.fullName, m.teamRoleLabel, m.hasPhone, m.account?.role ?? null, m.account?.phone ?? null])).toEqual([
      ['Nguyễn Văn An', 'Tổ trưởng', true, 'team_leader', '09•••••001'],
      ['Lò Thị Bình', 'Tổ phó', true, 'member', '09•••••002'],
      ['Hoàng Văn Chung', 'Thành viên', true, 'member', '09•••••031'],
      ['Cà Văn Cường', 'Thành viên', false, 'member', null],
      ['Nguyễn Văn Dũng', 'Thành viên', true, null, null],
      ['Quàng Văn Em', 'Thành viên', true, 'member', '09•••••006'],
    ]);
  });

  it('refuses a team of another commune (404, audited) and writes nothing', async () => {
    const before = await counts(database.db);
    for (const res of [await w.officer.post(`/api/teams/${w.teams.mai}/accounts`, {}), await w.officer.get(`/api/teams/${w.teams.mai}/accounts`)]) {
      expect(errorOf(res)).toEqual([404, 'TEAM_NOT_FOUND', `Không có tổ mã số ${w.teams.mai}.`]);
    }
    expect(errorOf(await w.officer.post(`/api/teams/${w.teams.hum}/accounts`, { all: true }))).toEqual([400, 'VALIDATION_FAILED', expect.stringContaining('Dữ liệu gửi lên không hợp lệ')]);
    expect(errorOf(await w.viewer.post(`/api/teams/${w.teams.hum}/accounts`, {}))).toEqual([403, 'FORBIDDEN', 'Vai trò của bạn không được dùng chức năng này.']);
    expect(await counts(database.db)).toEqual(before);
  });

  it('two sheets of one team asked at once make each account once', async () => {
    const [a, b] = await Promise.all([w.officerMai.post(`/api/teams/${w.teams.mai}/accounts`, {}), w.province.post(`/api/teams/${w.teams.mai}/accounts`, {})]);
    const made = [...a.json().created, ...b.json().created].map((x: any) => x.fullName).sort();
    // Chung got an account from the province officer above; Xa now, once
    expect(made).toEqual(['Cầm Văn Xa']);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from users where member_id = ${w.m.xa}`))[0].n).toBe(1);
  });
});
