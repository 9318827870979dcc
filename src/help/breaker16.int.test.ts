import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';

/**
 * Adversarial tests of issue 16, second round (both databases): Markdown nested deeper than the
 * renderer's stack answered 500, a response-time report to 9999-12-31 and an article version past
 * the integer range answered 500, comments and names made only of invisible fillers (Hangul filler
 * U+3164, braille blank U+2800) published as blank, and a support session kept for review closing
 * a request that the officer had meanwhile handed to another team.
 * Registry: SON_LA_ROSTER (Mai Sơn 04105: the team of Tiểu khu 6).
 */
let database: Database;
let app: TestAppInstance;
const clock = new FixedClock('2026-12-01T09:00:00+07:00');
let restoreClock: () => void;
let province: TestClient, maiSon: TestClient, an: TestClient;
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
let tieuKhu6Code = '';
let articleId = 0;
let seq = 0;
const ip = () => `198.20.${Math.floor(++seq / 250)}.${seq % 250}`;
const phone = () => `0912 ${String(400000 + ++seq).slice(-6)}`;
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

describe('officers\' API: input past what the code below can hold', () => {
  it('Markdown quotes or lists nested 5,000 deep are refused by the body (400), not a 500, on preview, create and edit', async () => {
    const quotes = `${'>'.repeat(5_000)} x`;
    const lists = `${'- '.repeat(5_000)}x`;
    for (const body of [quotes, lists]) {
      const preview = await province.post('/api/portal/preview', { body });
      expect([preview.statusCode, preview.json().error?.code, preview.json().error?.details?.path]).toEqual([400, 'VALIDATION_FAILED', 'body']);
      const created = await province.post('/api/portal/articles', { kind: 'news', title: 'Lồng sâu', body, status: 'published' });
      expect([created.statusCode, created.json().error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const edited = await province.request({ method: 'PUT', url: `/api/portal/articles/${articleId}`, payload: { version: 1, kind: 'news', title: 'Tin thử', body: quotes, status: 'published' } });
    expect([edited.statusCode, edited.json().error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    // 20 levels, as people write them, still render
    const fine = await province.post('/api/portal/preview', { body: `${'>'.repeat(20)} trích dẫn` });
    expect(fine.statusCode).toBe(200);
    expect(fine.json().html).toContain('trích dẫn');
  });

  it('PUT /api/portal/articles/:id with a version past 2^31 answers 409 VERSION_CONFLICT or 400, not a 500', async () => {
    const res = await province.request({ method: 'PUT', url: `/api/portal/articles/${articleId}`, payload: { version: 2 ** 40, kind: 'news', title: 'Tin thử', body: 'Nội dung', status: 'published' } });
    expect([400, 409]).toContain(res.statusCode);
  });

  it('GET /api/help-requests/report up to 9999-12-31 answers the figures (200), not a 500', async () => {
    const res = await province.get('/api/help-requests/report?unit=14&from=2026-01-01&to=9999-12-31');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: '2026-01-01', to: '9999-12-31', totals: { requests: 0 } });
  });
});

describe('text that looks empty', () => {
  // U+3164 HANGUL FILLER and U+2800 BRAILLE PATTERN BLANK draw nothing; U+115F, U+FFA0 likewise
  const blanks = ['\u3164\u3164\u3164\u3164\u3164\u3164', '\u2800\u2800\u2800\u2800\u2800\u2800', '\u115f\u1160\uffa0\u3164 \u3164\u3164'];

  it('a comment of invisible fillers only is refused by its body (400) and stored nowhere', async () => {
    for (const body of blanks) {
      const res = await comment({ body });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Bình luận chưa có nội dung.');
    }
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from portal_comments`);
    expect(n).toBe(0);
  });

  it('a commenter\'s name or a help request\'s name and problem of invisible fillers only are refused', async () => {
    const named = await comment({ name: '\u3164\u3164\u3164', body: 'Nội dung thật sự' });
    expect(named.statusCode).toBe(400);
    expect(named.body).toContain('Hãy ghi họ tên');
    const asked = await help({ ten: '\u2800\u2800\u2800', van_de: '\u3164\u3164\u3164\u3164\u3164\u3164' });
    expect(asked.statusCode).toBe(400);
    expect(asked.body).toContain('Hãy ghi họ tên (2 đến 80 ký tự).');
    expect(asked.body).toContain('Hãy nói ngắn gọn bạn cần giúp gì (ít nhất 5 ký tự).');
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from help_requests`);
    expect(n).toBe(0);
  });

  it('Vietnamese, emoji and a name with a filler among letters still pass', async () => {
    expect((await comment({ body: 'Tốt lắm 👍🏽👍🏽' })).statusCode).toBe(303);
    expect((await comment({ body: '❤️❤️❤️❤️❤️' })).statusCode).toBe(303);
  });
});

describe('closing a help request by a session kept for review', () => {
  it('does not close a request the officer handed to another team while the session waited', async () => {
    await database.db.execute(sql`delete from help_requests`);
    clock.set('2026-12-01T10:00:00+07:00');
    expect((await help()).statusCode).toBe(303);
    const [{ id }] = await queryRows<{ id: number }>(database.db, sql`select max(id)::int as id from help_requests`);
    const session = { id: '00000000-0000-4000-a000-000000001601', teamId: team.tieuKhu6, memberIds: [member['Lê Văn An']], occurredAt: '2026-12-01T11:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }], helpRequestId: id };
    const sync = await an.post('/api/support-sessions/sync', { records: [session], deviceNow: '2026-12-01T10:00:00+07:00' });
    expect(sync.json().results[0]).toMatchObject({ status: 'accepted', review: true });
    // meanwhile the commune officer gives the request to the commune's own team
    const [{ communeId, unitId }] = await queryRows<{ communeId: number; unitId: number }>(database.db, sql`select commune_id as "communeId", commune_id as "unitId" from help_requests where id = ${id}`);
    const [other] = await queryRows<{ id: number }>(database.db, sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key) values ('commune', ${unitId}, ${communeId}, '14', 'Tổ công nghệ số xã Mai Sơn', 'to cong nghe so xa mai son', 'to cong nghe so xa mai son') returning id`);
    expect((await maiSon.post(`/api/help-requests/${id}/assign`, { teamId: other.id })).statusCode).toBe(200);
    clock.set('2026-12-01T12:00:00+07:00');
    expect((await maiSon.post(`/api/support-sessions/reviews/${session.id}`, { action: 'accept' })).json()).toMatchObject({ status: 'accepted' });
    const [row] = await queryRows<{ status: string; teamId: number; sessionId: string | null }>(database.db, sql`select status, team_id as "teamId", session_id as "sessionId" from help_requests where id = ${id}`);
    // today: {status: 'closed', sessionId: …1601}: closed by a team it no longer belongs to
    expect(row).toEqual({ status: 'open', teamId: other.id, sessionId: null });
  });
});
