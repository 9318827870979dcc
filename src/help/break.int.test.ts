import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';

/**
 * Adversarial tests of issue 16 (residents' portal, help requests), both databases. Each `it` is a
 * defect found by trying to break the feature; they fail until the product is fixed:
 * NUL bytes answered with 500, the per-phone limits of comments and help requests passed by sending
 * at once, a help request left open when the support session closing it was kept for review, and a
 * commune officer's guide replacing the guide the whole province reads.
 * Registry: SON_LA_ROSTER (Chiềng An 03664: a commune team; Mai Sơn 04105: the team of Tiểu khu 6).
 */
let database: Database;
let app: TestAppInstance;
const clock = new FixedClock('2026-12-01T09:00:00+07:00');
let restoreClock: () => void;
let province: TestClient, chiengAn: TestClient, maiSon: TestClient, an: TestClient;
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
let tieuKhu6Code = '';
let articleId = 0;
let seq = 0;
const ip = () => `198.18.${Math.floor(++seq / 250)}.${seq % 250}`;
const phone = () => `0912 ${String(200000 + ++seq).slice(-6)}`;
const urlencoded = (url: string, fields: Record<string, string>, from = ip()) =>
  app.inject({ method: 'POST', url, remoteAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
const comment = (fields: Record<string, string>) => urlencoded(`/tin/${articleId}/binh-luan`, { name: 'Lường Văn Tươi', phone: phone(), body: 'Bình luận thử', ...fields });
const help = (over: Record<string, string> = {}) =>
  urlencoded('/nho-ho-tro', { tinh: '14', xa: '04105', thon: tieuKhu6Code, dv: 'vneid', van_de: 'Không nhận được mã OTP', ten: 'Lò Thị Mai', dien_thoai: phone(), dong_y: '1', ...over });

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
  [{ code: tieuKhu6Code }] = await queryRows<{ code: string }>(database.db, sql`select u.code from teams t join admin_units u on u.id = t.unit_id where t.id = ${team.tieuKhu6}`);
  province = await signedInClient(app, database.db, { username: 'tinh', role: 'province_officer', unit: '14' });
  chiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  maiSon = await signedInClient(app, database.db, { username: 'xa.maison', role: 'commune_officer', unit: '04105' });
  an = await signedInClient(app, database.db, { username: 'le.an', role: 'member', teamId: team.tieuKhu6 });
  await database.db.execute(sql`update users set member_id = ${member['Lê Văn An']} where username = 'le.an'`);
  await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
  articleId = (await province.post('/api/portal/articles', { kind: 'news', title: 'Tin thử', body: 'Nội dung', status: 'published' })).json().id;
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

/** A public form's answer to a NUL byte: refused by its field (400) or posted without it (303), never a 500. */
const notBroken = (status: number) => expect([303, 400]).toContain(status);

describe('NUL bytes in the public forms (PostgreSQL text cannot hold U+0000)', () => {
  it('POST /tin/:id/binh-luan with a NUL in the body or the name answers 400 or posts it without the NUL, not 500', async () => {
    const body = await comment({ body: 'Xin chào\u0000 cả nhà' });
    const name = await comment({ name: 'Lường\u0000Tươi' });
    expect([body.statusCode, name.statusCode]).not.toContain(500);
    notBroken(body.statusCode);
    notBroken(name.statusCode);
  });

  it('POST /binh-luan/:id/bao-cao with a NUL in the reason still takes the report (303), not 500', async () => {
    expect((await comment({ body: 'Một bình luận để báo cáo' })).statusCode).toBe(303);
    const [c] = await queryRows<{ id: number }>(database.db, sql`select max(id)::int as id from portal_comments`);
    const res = await urlencoded(`/binh-luan/${c.id}/bao-cao`, { reason: 'quảng cáo\u0000' });
    expect(res.statusCode).toBe(303);
    const [r] = await queryRows<{ reports: number }>(database.db, sql`select reports from portal_comments where id = ${c.id}`);
    expect(r.reports).toBe(1);
  });

  it('POST /nho-ho-tro with a NUL in the problem, the name or the preferred time answers 400 or records it without the NUL, not 500', async () => {
    const codes = [];
    for (const [k, v] of [['van_de', 'OTP\u0000 không về'], ['ten', 'Lò\u0000Mai'], ['thoi_gian', 'Sáng\u0000 thứ bảy']]) codes.push((await help({ [k]: v })).statusCode);
    expect(codes).not.toContain(500);
    for (const c of codes) notBroken(c);
  });
});

describe('per-phone limits, when the posts arrive at once', () => {
  it('stores at most 3 comments of one phone in 10 minutes, even sent together from several addresses', async () => {
    const same = '0933 444 555';
    const res = await Promise.all(Array.from({ length: 8 }, (_, i) => comment({ phone: same, body: `Cùng một số điện thoại, lần ${i + 1}` })));
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from portal_comments where body like 'Cùng một số điện thoại%'`);
    expect(res.filter((r) => r.statusCode === 303).length).toBe(3);
    expect(n).toBe(3);
  });

  it('keeps at most 3 open help requests of one phone, even sent together from several addresses', async () => {
    const same = '0944 555 666';
    const res = await Promise.all(Array.from({ length: 6 }, () => help({ dien_thoai: same })));
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from help_requests where status in ('open', 'accepted') and phone_hash = (select phone_hash from help_requests order by id desc limit 1)`);
    expect(res.filter((r) => r.statusCode === 303).length).toBe(3);
    expect(n).toBe(3);
  });
});

describe('closing a help request by its support session', () => {
  it('closes the request when the session that answers it was kept for review and the officer accepts it', async () => {
    await database.db.execute(sql`delete from help_requests`);
    clock.set('2026-12-01T10:00:00+07:00');
    expect((await help()).statusCode).toBe(303);
    const [{ id }] = await queryRows<{ id: number }>(database.db, sql`select max(id)::int as id from help_requests`);
    // recorded at 11:00 by a phone whose clock was then set back to the right time (10:00): a time in the future, kept for review
    const session = { id: '00000000-0000-4000-a000-000000000901', teamId: team.tieuKhu6, memberIds: [member['Lê Văn An']], occurredAt: '2026-12-01T11:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }], helpRequestId: id };
    const sync = await an.post('/api/support-sessions/sync', { records: [session], deviceNow: '2026-12-01T10:00:00+07:00' });
    expect(sync.json().results[0]).toMatchObject({ status: 'accepted', review: true });
    clock.set('2026-12-01T12:00:00+07:00');
    const decided = await maiSon.post(`/api/support-sessions/reviews/${session.id}`, { action: 'accept' });
    expect(decided.json()).toMatchObject({ status: 'accepted', day: '2026-12-01' });
    const [row] = await queryRows<{ status: string; sessionId: string | null }>(database.db, sql`select status, session_id as "sessionId" from help_requests where id = ${id}`);
    // today: {status: 'open', sessionId: null}: the link is lost, the request goes overdue and is escalated
    expect(row).toEqual({ status: 'closed', sessionId: session.id });
  });
});

describe('guides', () => {
  it('a commune officer\'s guide does not replace the guide the whole province reads at /huong-dan/vneid?tinh=14', async () => {
    const own = await chiengAn.post('/api/portal/articles', { kind: 'guide', serviceCode: 'vneid', title: 'VNeID theo cách của phường Chiềng An', body: 'Gọi 0999 999 999 để được cài hộ', status: 'published' });
    expect(own.statusCode).toBe(201);
    const page = await app.inject({ method: 'GET', url: '/huong-dan/vneid?tinh=14' });
    expect(page.body).not.toContain('VNeID theo cách của phường Chiềng An');
    expect(page.body).toContain('Cài VNeID và kích hoạt định danh điện tử mức 2');
  });
});
