import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInClient, TEST_PASSWORD, TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { type Database, queryRows } from '../db/client.js';
import { SESSION_COOKIE } from './access.plugin.js';
import { createUser } from './users.service.js';

let database: Database;
let app: TestAppInstance;
let admin: TestClient;
withTestApp(async (t) => {
  ({ database, app } = t);
});

describe('first run', () => {
  it('offers setup only while there is no admin', async () => {
    const anon = new TestClient(app);
    expect((await anon.get('/api/setup')).json()).toEqual({ needed: true });
    const weak = await anon.post('/api/setup', { fullName: 'Quản Trị', username: 'quantri', password: '12345678' });
    expect(weak.json().error).toEqual({ code: 'PASSWORD_WEAK', message: 'Mật khẩu không được chỉ gồm chữ số.' });
    const ok = await anon.post('/api/setup', { fullName: 'Quản Trị', username: 'quantri', password: 'mat-khau-quan-tri' });
    expect(ok.json().user).toMatchObject({ fullName: 'Quản Trị', username: 'quantri', role: 'admin', mustChangePassword: false });
    expect((await anon.get('/api/auth/me')).json().user.username).toBe('quantri');
    expect((await anon.get('/api/setup')).json()).toEqual({ needed: false });
    const again = await new TestClient(app).post('/api/setup', { fullName: 'Kẻ Khác', username: 'kekhac', password: 'mat-khau-ke-khac' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'SETUP_DONE']);
    admin = anon;
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, signed session cookie and accepts phone numbers in any form', async () => {
    await createUser(database.db, { fullName: 'Hà Thị Hiền', phone: '0912 345 678', password: TEST_PASSWORD, role: 'commune_officer', unit: '03664', mustChangePassword: false }, null);
    const client = new TestClient(app);
    const res = await client.signIn('+84 912.345.678', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(res.json().user).toMatchObject({ fullName: 'Hà Thị Hiền', phone: '09•••••678', role: 'commune_officer' });
    expect((await client.get('/api/auth/me')).json()).toMatchObject({ unit: { code: '03664', name: 'Phường Chiềng An', level: 'commune' }, team: null, scope: { kind: 'commune' } });
    const log = (await client.get('/api/audit?unit=03664')).json().entries;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['auth.signed_in', 'user.created']);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it('gives the same answer for an unknown login and a wrong password', async () => {
    const a = await new TestClient(app).signIn('khong-ai-ca', 'sai-mat-khau');
    const b = await new TestClient(app).signIn('0912345678', 'sai-mat-khau');
    expect([a.statusCode, a.json()]).toEqual([401, { error: { code: 'AUTH_FAILED', message: 'Sai tên đăng nhập hoặc mật khẩu.' } }]);
    expect([b.statusCode, b.json()]).toEqual([401, a.json()]);
  });

  it('locks an account after five wrong passwords, even against the right one', async () => {
    await createUser(database.db, { fullName: 'Lò Văn Bình', username: 'lvbinh', password: TEST_PASSWORD, role: 'viewer', unit: '14', mustChangePassword: false }, null);
    const client = new TestClient(app);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await client.signIn('lvbinh', `sai-${i}-mat-khau`)).json().error.code);
    expect(codes).toEqual(['AUTH_FAILED', 'AUTH_FAILED', 'AUTH_FAILED', 'AUTH_FAILED', 'AUTH_LOCKED']);
    const right = await client.signIn('lvbinh', TEST_PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.message).toMatch(/tạm khoá do nhập sai mật khẩu nhiều lần; thử lại sau 15 phút/);
  });

  it('locks after five failures even when the guesses arrive in parallel', async () => {
    await createUser(database.db, { fullName: 'Song Song', username: 'songsong', password: TEST_PASSWORD, role: 'viewer', unit: '14', mustChangePassword: false }, null);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => new TestClient(app).signIn('songsong', `sai-song-song-${i}`)));
    // five guesses are allowed: four answered "wrong", the fifth locks, and every later one is refused as locked
    const codes = results.map((r) => r.json().error.code);
    expect([codes.filter((c) => c === 'AUTH_FAILED').length, codes.filter((c) => c === 'AUTH_LOCKED').length]).toEqual([4, 4]);
    const [{ failedLogins }] = await queryRows<{ failedLogins: number }>(database.db, sql`select failed_logins as "failedLogins" from users where username = 'songsong'`);
    expect(failedLogins).toBe(0);
    expect((await new TestClient(app).signIn('songsong', TEST_PASSWORD)).statusCode).toBe(423);
  });

  it('an officer’s one-time code resets the password, unlocks the account and is single-use', async () => {
    const [{ id }] = await queryRows<{ id: number }>(database.db, sql`select id from users where username = 'lvbinh'`);
    const issued = await admin.post(`/api/users/${id}/reset`);
    expect(issued.statusCode).toBe(200);
    const { code } = issued.json();
    expect(code).toMatch(/^\d{8}$/);
    const anon = new TestClient(app);
    const wrong = await anon.post('/api/auth/reset', { login: 'lvbinh', code: '00000000', newPassword: 'mat-khau-moi-123' });
    expect(wrong.json().error.code).toBe('CODE_INVALID');
    expect((await anon.post('/api/auth/reset', { login: 'lvbinh', code: `${code.slice(0, 4)} ${code.slice(4)}`, newPassword: 'mat-khau-moi-123' })).statusCode).toBe(200);
    expect((await anon.signIn('lvbinh', 'mat-khau-moi-123')).statusCode).toBe(200);
    expect((await new TestClient(app).post('/api/auth/reset', { login: 'lvbinh', code, newPassword: 'mat-khau-khac-456' })).json().error.code).toBe('CODE_INVALID');
  });

  it('accounts created by an officer must change the password first', async () => {
    const created = await admin.post('/api/users', { fullName: 'Quàng Thị Hoà', username: 'qthoa', password: 'mat-khau-tam-thoi', role: 'viewer', unit: '14' });
    expect(created.json().user.mustChangePassword).toBe(true);
    const user = new TestClient(app);
    await user.signIn('qthoa', 'mat-khau-tam-thoi');
    expect((await user.get('/api/reports/network?unit=14')).json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await user.post('/api/auth/password', { currentPassword: 'mat-khau-tam-thoi', newPassword: 'qthoa-123456' })).json().error.code).toBe('PASSWORD_WEAK');
    expect((await user.post('/api/auth/password', { currentPassword: 'mat-khau-tam-thoi', newPassword: 'mat-khau-tam-thoi' })).json().error.message).toBe('Mật khẩu mới phải khác mật khẩu hiện tại.');
    const otherDevice = new TestClient(app);
    await otherDevice.signIn('qthoa', 'mat-khau-tam-thoi');
    expect((await user.post('/api/auth/password', { currentPassword: 'mat-khau-tam-thoi', newPassword: 'mat-khau-rieng-cua-toi' })).statusCode).toBe(200);
    expect((await user.get('/api/reports/network?unit=14')).statusCode).toBe(200);
    expect((await otherDevice.get('/api/auth/me')).json().user).toBeNull();
  });
});

describe('forged and replayed sessions', () => {
  it('refuses a forged cookie, a tampered signature and a cookie replayed after logout', async () => {
    const client = await signedInClient(app, database.db, { username: 'replay', role: 'viewer', unit: '14' });
    const stolen = client.cookie(SESSION_COOKIE)!;
    const forged = new TestClient(app);
    forged.setCookie(SESSION_COOKIE, 'made-up-token.bad-signature');
    expect((await forged.get('/api/auth/me')).json().user).toBeNull();
    const tampered = new TestClient(app);
    tampered.setCookie(SESSION_COOKIE, stolen.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    expect((await tampered.get('/api/auth/me')).json().user).toBeNull();
    await client.post('/api/auth/logout');
    const replay = new TestClient(app);
    replay.setCookie(SESSION_COOKIE, stolen);
    expect((await replay.get('/api/auth/me')).json().user).toBeNull();
    expect((await replay.get('/api/users')).json().error.code).toBe('AUTH_REQUIRED');
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'quantri', password: 'mat-khau-quan-tri' } });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'CSRF_INVALID']);
  });

  it('stores only hashes of session tokens and argon2id hashes of passwords', async () => {
    const rows = await queryRows<{ token_hash: string; password_hash: string }>(database.db, sql`select s.token_hash, u.password_hash from sessions s join users u on u.id = s.user_id limit 1`);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('hostile input', () => {
  it('keeps SQL and HTML inert in names and searches, and refuses direction overrides and control characters', async () => {
    for (const bad of ['\u202e', '\u0007', '\u2066']) {
      const refused = await admin.post('/api/users', { fullName: `Lò Văn${bad} Xấu`, username: 'hostile', password: 'mot-mat-khau-dai', role: 'viewer', unit: '14' });
      expect([refused.statusCode, refused.json().error.code, refused.json().error.details]).toEqual([400, 'VALIDATION_FAILED', [{ where: 'body/fullName', message: 'Họ và tên có ký tự điều khiển hoặc ký tự đảo chiều chữ; hãy gõ lại tên.' }]]);
    }
    const created = await admin.post('/api/users', { fullName: `<script>alert(1)</script>'); drop table users; --`, username: 'hostile', password: 'mot-mat-khau-dai', role: 'viewer', unit: '14' });
    expect(created.json().user.fullName).toBe(`<script>alert(1)</script>'); drop table users; --`);
    expect((await admin.get(`/api/search?q=${encodeURIComponent("%' or 1=1 --")}`)).json()).toEqual({ teams: [], members: [] });
    expect((await admin.get('/api/users')).statusCode).toBe(200);
  });

  it('refuses oversized and malformed bodies with 4xx', async () => {
    const big = await admin.request({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: 'x', password: 'y'.repeat(2_000_000) }) });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    const malformed = await admin.request({ method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: '{"fullName": ' });
    expect(malformed.statusCode).toBe(400);
    const wrongType = await admin.post('/api/users', { fullName: 42, password: [] });
    expect([wrongType.statusCode, wrongType.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const hugeId = await admin.post('/api/users', { fullName: 'Số Lớn', username: 'solon', password: 'mot-mat-khau-dai', role: 'member', teamId: 99999999999 });
    expect([hugeId.statusCode, hugeId.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const otherUnit = await admin.get('/api/teams/..%2F..%2Fetc');
    expect(otherUnit.statusCode).toBe(400);
  });
});
