import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { TEST_SECRETS, testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { DataProtector } from '../privacy/protector.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';
import { escalateOverdue } from './help.service.js';
import { erasePortalData, exportPortalData } from './help.privacy.js';

/**
 * Help requests (issue 16, item 3) on both databases: a resident's request from the public form is
 * routed to the village's team, followed by its token, accepted on the phone (offline, by the phone's
 * time), closed by the support session synced for it, rated by the resident, and counted in the
 * response-time report; a request routed to nobody is escalated at once, one not accepted in time by
 * the sweep. Bad input: another province, no consent, a foreign phone, a village of another commune,
 * guessed tokens. Registry: SON_LA_ROSTER (Chiềng An 03664: old Chiềng Xôm's commune-level team;
 * Mai Sơn 04105: the team of Tiểu khu 6).
 */
let database: Database;
let app: TestAppInstance;
const clock = new FixedClock('2026-12-01T09:00:00+07:00');
let restoreClock: () => void;
let maiSon: TestClient, chiengAn: TestClient, hanoi: TestClient, an: TestClient, hien: TestClient;
let team: { chiengAn: number; tieuKhu6: number };
let member: Record<string, number>;
let tieuKhu6Code = '';
const protector = new DataProtector(TEST_SECRETS);
let otherVillageCode = '';

const form = (fields: Record<string, string>, ip = '203.0.113.1') =>
  app.inject({ method: 'POST', url: '/nho-ho-tro', remoteAddress: ip, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
const good = (over: Record<string, string> = {}) => ({ tinh: '14', xa: '04105', thon: tieuKhu6Code, dv: 'vneid', van_de: 'Không nhận được mã OTP khi kích hoạt VNeID', ten: 'Lò Thị Mai', dien_thoai: '0912 345 678', thoi_gian: 'Sau 17 giờ', dong_y: '1', ...over });
const count = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from help_requests`))[0].n;

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  ({ team, member } = await sessionsRegistry(database.db));
  [{ code: tieuKhu6Code }] = await queryRows<{ code: string }>(database.db, sql`select u.code from teams t join admin_units u on u.id = t.unit_id where t.id = ${team.tieuKhu6}`);
  // a village of Chiềng An (another commune), for the "village not of the commune" case
  [{ code: otherVillageCode }] = await queryRows<{ code: string }>(database.db, sql`insert into admin_units (code, level, kind, name, short_name, name_key, search_key, parent_id, province_code, source)
    select '03664.901', 'village', 'Bản', 'Bản Hụm', 'Hụm', 'ban hum', 'ban hum', c.id, '14', 'user' from admin_units c where c.code = '03664' and c.valid_to is null returning code`);
  maiSon = await signedInClient(app, database.db, { username: 'xa.maison', role: 'commune_officer', unit: '04105' });
  chiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  hanoi = await signedInClient(app, database.db, { username: 'hanoi', role: 'province_officer', unit: '01' });
  an = await signedInClient(app, database.db, { username: 'le.an', role: 'member', teamId: team.tieuKhu6 });
  hien = await signedInClient(app, database.db, { username: 'hien', role: 'team_leader', teamId: team.chiengAn });
  // the member's account is Lê Văn An's (made from the roster)
  await database.db.execute(sql`update users set member_id = ${member['Lê Văn An']} where username = 'le.an'`);
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

describe('bad input', () => {
  it('refuses a commune of another province, a missing consent, a foreign phone and a village of another commune, saying which field, and stores nothing', async () => {
    const abroad = await form(good({ xa: '00004', thon: '' }));
    expect(abroad.statusCode).toBe(400);
    expect(abroad.body).toContain('không thuộc tỉnh của trang này');
    const noConsent = await form(good({ dong_y: '' }));
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.body).toContain('Cần đánh dấu đồng ý');
    const foreign = await form(good({ dien_thoai: '+1 202 555 0100' }));
    expect(foreign.statusCode).toBe(400);
    expect(foreign.body).toContain('Tổ chỉ gọi được số Việt Nam');
    const village = await form(good({ thon: otherVillageCode }));
    expect(village.statusCode).toBe(400);
    expect(village.body).toContain('Không có thôn/tổ dân phố này trong');
    const script = await form(good({ ten: '<script>alert(1)</script>', van_de: 'x' }));
    expect(script.statusCode).toBe(400);
    expect(script.body).not.toContain('<script>alert(1)</script>');
    expect(script.body).toContain('&lt;script&gt;');
    expect(await count()).toBe(0);
    // the sixth post from one address in a minute: the route's limit
    expect((await form(good())).statusCode).toBe(429);
    expect(await count()).toBe(0);
  });

  it('lists the problems of a form sent empty in the order the form shows its fields', async () => {
    const empty = await form({ tinh: '14', xa: '04105', thon: '', dv: '', van_de: '', ten: '', dien_thoai: '', thoi_gian: '' }, '203.0.113.77');
    expect(empty.statusCode).toBe(400);
    const list = /<div class="bad" role="alert"><p>Chưa gửi được yêu cầu:<\/p><ul>(.*?)<\/ul>/s.exec(empty.body)?.[1] ?? '';
    expect([...list.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1])).toEqual([
      'Hãy chọn việc cần hỗ trợ trong danh sách.',
      'Hãy nói ngắn gọn bạn cần giúp gì (ít nhất 5 ký tự).',
      'Hãy ghi họ tên (2 đến 80 ký tự).',
      'Số điện thoại: trống. Tổ chỉ gọi được số Việt Nam, ví dụ 0912 345 678.',
      'Cần đánh dấu đồng ý để tổ được liên hệ với bạn; không có đồng ý thì không ghi yêu cầu.',
    ]);
    expect(await count()).toBe(0);
  });

  it('keeps the service chosen from a guide when the resident changes the commune', async () => {
    const step2 = await app.inject({ method: 'GET', url: '/nho-ho-tro?tinh=14&dv=vssid&xa=04105' });
    expect(step2.body).toContain('<a href="/nho-ho-tro?tinh=14&amp;dv=vssid">đổi</a>');
    const step1 = await app.inject({ method: 'GET', url: '/nho-ho-tro?tinh=14&dv=vssid' });
    expect(step1.body).toContain('<input type="hidden" name="dv" value="vssid">');
  });

  it('answers a guessed token as unknown and rate-limits the status route per address', async () => {
    const guess = await app.inject({ method: 'GET', url: '/yeu-cau/AAAAAAAAAAAAAAAAAAAAAA', remoteAddress: '198.51.100.9' });
    expect(guess.statusCode).toBe(404);
    let limited = 0;
    for (let i = 0; i < 40; i++) if ((await app.inject({ method: 'GET', url: `/yeu-cau/${'B'.repeat(21)}${i % 10}`, remoteAddress: '198.51.100.9' })).statusCode === 429) limited++;
    expect(limited).toBe(11);
  });
});

describe('a request from the form to the report', () => {
  let token = '';
  let requestId = 0;

  it('routes the request to the village team, keeps the phone encrypted and gives a status link of 128 random bits', async () => {
    // the member's phone allowed notifications: a web push is queued for it with the request
    await database.db.execute(sql`insert into push_subscriptions (user_id, endpoint, p256dh, auth) select id, 'https://push.example/le-an', 'k', 'a' from users where username = 'le.an'`);
    const res = await form(good(), '203.0.113.10');
    expect(res.statusCode).toBe(303);
    const m = /^\/yeu-cau\/([A-Za-z0-9_-]{22})\?moi=1$/.exec(res.headers.location as string);
    expect(m).not.toBeNull();
    token = m![1];
    const [row] = await queryRows<{ id: number; teamId: number; phoneEnc: string; status: string; dueAt: string; createdAt: string; consentText: string }>(database.db, sql`select id, team_id as "teamId", phone_enc as "phoneEnc", status, due_at as "dueAt", created_at as "createdAt", consent_text as "consentText" from help_requests`);
    requestId = row.id;
    expect(row.teamId).toBe(team.tieuKhu6);
    expect(row.status).toBe('open');
    expect(row.phoneEnc).toMatch(/^v1\./);
    expect(row.phoneEnc).not.toContain('912345678');
    // VNeID's expected response time is 24 hours (help_response_targets)
    expect(new Date(row.dueAt).getTime() - new Date(row.createdAt).getTime()).toBe(24 * 3_600_000);
    expect(row.consentText).toContain('Nghị định 13/2023');
    const pushed = await queryRows<{ template: string; params: Record<string, string>; teamId: number }>(database.db, sql`select template, params, team_id as "teamId" from notify_messages where template like 'help.%'`);
    expect(pushed.map((m) => [m.template, m.params.title, m.params.place, m.params.url, m.teamId])).toEqual([['help.new', 'VNeID (định danh điện tử)', 'Tiểu khu 6, Xã Mai Sơn', '/field/#ho-tro', team.tieuKhu6]]);
    const page = await app.inject({ method: 'GET', url: res.headers.location as string });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Đã gửi, đang chờ tổ nhận');
    expect(page.body).toContain('Tổ công nghệ số cộng đồng Tiểu khu 6');
    // the status page shows no name, phone or problem
    expect(page.body).not.toContain('Lò Thị Mai');
    expect(page.body).not.toContain('0912');
    expect(page.body).not.toContain('OTP');
  });

  it('shows the request to its team only, with the phone in full; officers elsewhere see nothing', async () => {
    const mine = (await an.get('/api/help-requests/mine')).json();
    expect(mine.requests.map((r: { id: number; phone: string; residentName: string; villageCode: string }) => [r.id, r.phone, r.residentName, r.villageCode])).toEqual([[requestId, '+84912345678', 'Lò Thị Mai', tieuKhu6Code]]);
    expect((await hien.get('/api/help-requests/mine')).json().requests).toEqual([]);
    const office = (await maiSon.get('/api/help-requests')).json();
    expect(office.requests.map((r: { id: number; phone: string }) => [r.id, r.phone])).toEqual([[requestId, '09•••••678']]);
    expect((await chiengAn.get('/api/help-requests')).json().requests).toEqual([]);
    expect((await hanoi.get('/api/help-requests/report?unit=14')).statusCode).toBe(403);
    const stranger = await hien.post(`/api/help-requests/${requestId}/accept`, {});
    expect(stranger.statusCode).toBe(404);
  });

  it('is accepted from the phone at the time the member tapped, corrected by the phone\'s clock offset', async () => {
    clock.set('2026-12-01T11:00:00+07:00');
    // tapped offline at 10:30 by a phone 5 minutes fast
    const res = await an.post(`/api/help-requests/${requestId}/accept`, { at: '2026-12-01T10:35:00+07:00', deviceNow: '2026-12-01T11:05:00+07:00' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'accepted', acceptedAt: '2026-12-01T03:30:00.000Z' });
    const again = await an.post(`/api/help-requests/${requestId}/accept`, {});
    expect(again.json().acceptedAt).toBe('2026-12-01T03:30:00.000Z');
    const office = (await maiSon.get('/api/help-requests')).json();
    expect(office.requests.map((r: { status: string; acceptedBy: string }) => [r.status, r.acceptedBy])).toEqual([['accepted', 'Lê Văn An']]);
  });

  it('is closed by the support session synced for it; another team cannot close it', async () => {
    const session = { id: '00000000-0000-4000-a000-000000000161', teamId: team.tieuKhu6, memberIds: [member['Lê Văn An']], occurredAt: '2026-12-01T14:00:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'eid_level2' }], helpRequestId: requestId };
    const foreign = await hien.post('/api/support-sessions/sync', { records: [{ ...session, id: '00000000-0000-4000-a000-000000000162', teamId: team.chiengAn, memberIds: [member['Hà Thị Hiền']] }], deviceNow: new Date(clock.now()).toISOString() });
    expect(foreign.json().results[0]).toMatchObject({ status: 'rejected', field: 'helpRequestId' });
    clock.set('2026-12-01T14:10:00+07:00');
    const res = await an.post('/api/support-sessions/sync', { records: [session], deviceNow: new Date(clock.now()).toISOString() });
    expect(res.json().results[0]).toMatchObject({ status: 'accepted', day: '2026-12-01' });
    const [row] = await queryRows<{ status: string; sessionId: string; closedAt: string }>(database.db, sql`select status, session_id as "sessionId", closed_at as "closedAt" from help_requests where id = ${requestId}`);
    expect([row.status, row.sessionId, new Date(row.closedAt).toISOString()]).toEqual(['closed', session.id, '2026-12-01T07:00:00.000Z']);
    const page = await app.inject({ method: 'GET', url: `/yeu-cau/${token}` });
    expect(page.body).toContain('Đã hỗ trợ xong');
    expect(page.body).toContain('Vấn đề của bạn đã được giải quyết chưa?');
  });

  it('takes the resident\'s rating once', async () => {
    const rate = (fields: Record<string, string>) => app.inject({ method: 'POST', url: `/yeu-cau/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    expect((await rate({ da_xong: '1', diem: '9' })).statusCode).toBe(400);
    const ok = await rate({ da_xong: '1', diem: '5', gop_y: 'Cảm ơn tổ rất nhiệt tình 👍' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Cảm ơn bạn đã đánh giá');
    const twice = await rate({ da_xong: '0', diem: '1' });
    expect(twice.body).toContain('đã được đánh giá');
    const [row] = await queryRows<{ solved: number; rating: number; feedback: string }>(database.db, sql`select solved, rating, feedback from help_requests where id = ${requestId}`);
    expect(row).toEqual({ solved: 1, rating: 5, feedback: 'Cảm ơn tổ rất nhiệt tình 👍' });
  });

  it('counts its whole life in the commune\'s and the province\'s response-time report', async () => {
    const commune = (await maiSon.get('/api/help-requests/report?unit=04105&from=2026-12-01&to=2026-12-01')).json();
    const figures = { requests: 1, accepted: 1, closed: 1, cancelled: 0, medianAcceptMinutes: 90, medianCloseMinutes: 300, rated: 1, solved: 1, solvedShare: 100, overdueNow: 0, acceptedLate: 0 };
    expect(commune.totals).toEqual(figures);
    expect(commune.rows).toEqual([{ key: String(team.tieuKhu6), name: 'Tổ công nghệ số cộng đồng Tiểu khu 6', ...figures }]);
    const province = (await maiSon.get('/api/help-requests/report?unit=04105')).json();
    expect(province.totals.requests).toBe(1);
  });
});

describe('a phone back online', () => {
  it('keeps the offline tap on "Nhận việc" when its session arrived first and closed the request', async () => {
    clock.set('2026-12-01T16:00:00+07:00');
    const res = await form(good({ dien_thoai: '0966 222 333', ten: 'Cầm Thị Xuân' }), '203.0.113.20');
    const [{ id }] = await queryRows<{ id: number }>(database.db, sql`select id from help_requests where status = 'open' and team_id = ${team.tieuKhu6}`);
    expect(res.statusCode).toBe(303);
    clock.set('2026-12-01T18:00:00+07:00');
    const session = { id: '00000000-0000-4000-a000-000000000171', teamId: team.tieuKhu6, memberIds: [member['Lê Văn An']], occurredAt: '2026-12-01T17:30:00+07:00', kind: 'home', services: [{ code: 'vneid', outcome: 'installed' }], helpRequestId: id };
    expect((await an.post('/api/support-sessions/sync', { records: [session], deviceNow: '2026-12-01T18:00:00+07:00' })).json().results[0].status).toBe('accepted');
    const late = await an.post(`/api/help-requests/${id}/accept`, { at: '2026-12-01T16:20:00+07:00', deviceNow: '2026-12-01T18:00:00+07:00' });
    expect(late.json()).toEqual({ status: 'accepted', acceptedAt: '2026-12-01T09:20:00.000Z' });
    const [row] = await queryRows<{ status: string; acceptedAt: string; closedAt: string }>(database.db, sql`select status, accepted_at as "acceptedAt", closed_at as "closedAt" from help_requests where id = ${id}`);
    expect([row.status, new Date(row.acceptedAt).toISOString(), new Date(row.closedAt).toISOString()]).toEqual(['closed', '2026-12-01T09:20:00.000Z', '2026-12-01T10:30:00.000Z']);
    await database.db.execute(sql`delete from help_requests where id = ${id}`);
  });
});

describe('routing and escalation', () => {
  it('sends a request without a village to the commune\'s team, and escalates it when nobody accepts it in time', async () => {
    clock.set('2026-12-02T08:00:00+07:00');
    const res = await form(good({ xa: '03664', thon: '', dv: 'zalo', dien_thoai: '0987 654 321', ten: 'Quàng Văn Bình' }), '203.0.113.2');
    expect(res.statusCode).toBe(303);
    const [row] = await queryRows<{ id: number; teamId: number; escalatedAt: string | null }>(database.db, sql`select id, team_id as "teamId", escalated_at as "escalatedAt" from help_requests where service_code = 'zalo'`);
    expect([row.teamId, row.escalatedAt]).toEqual([team.chiengAn, null]);
    // Zalo: 72 hours
    expect(await escalateOverdue(database.db, new Date('2026-12-05T07:59:00+07:00'))).toBe(0);
    clock.set('2026-12-05T08:00:00+07:00');
    expect(await escalateOverdue(database.db)).toBe(1);
    expect(await escalateOverdue(database.db)).toBe(0);
    const overdue = (await chiengAn.get('/api/help-requests?state=overdue')).json();
    expect(overdue.requests.map((r: { id: number; overdue: boolean }) => [r.id, r.overdue])).toEqual([[row.id, true]]);
    const report = (await chiengAn.get('/api/help-requests/report?unit=03664&from=2026-12-01&to=2026-12-05')).json();
    expect(report.totals).toMatchObject({ requests: 1, accepted: 0, overdueNow: 1, medianAcceptMinutes: null });
    expect(report.overdueByTeam).toEqual([{ teamId: team.chiengAn, name: 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', commune: 'Phường Chiềng An', overdue: 1, oldestDue: '2026-12-05T01:00:00.000Z' }]);
    const audit = await queryRows<{ action: string }>(database.db, sql`select action from audit_log where entity = 'help_request' and entity_id = ${String(row.id)} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['help.create', 'help.escalate']);
  });

  it('lets the commune officer hand it to another team of the commune, and cancel with a reason', async () => {
    const [row] = await queryRows<{ id: number }>(database.db, sql`select id from help_requests where service_code = 'zalo'`);
    const elsewhere = await chiengAn.post(`/api/help-requests/${row.id}/assign`, { teamId: team.tieuKhu6 });
    expect([elsewhere.statusCode, elsewhere.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const cancel = await chiengAn.post(`/api/help-requests/${row.id}/cancel`, { reason: 'Người dân đã tự làm được' });
    expect(cancel.json()).toEqual({ id: row.id, status: 'cancelled' });
    expect((await chiengAn.post(`/api/help-requests/${row.id}/cancel`, { reason: 'lần nữa' })).statusCode).toBe(409);
  });

  it('gives a commune without any team\'s request to the commune officer at once', async () => {
    const [c] = await queryRows<{ code: string }>(database.db, sql`select c.code from admin_units c where c.level = 'commune' and c.province_code = '14' and c.valid_to is null and not exists (select 1 from teams t where t.commune_id = c.id) order by c.code limit 1`);
    const res = await form(good({ xa: c.code, thon: '', dien_thoai: '0977 000 111' }), '203.0.113.3');
    expect(res.statusCode).toBe(303);
    const [row] = await queryRows<{ teamId: number | null; escalatedAt: string | null }>(database.db, sql`select team_id as "teamId", escalated_at as "escalatedAt" from help_requests where phone_hash is not null order by id desc limit 1`);
    expect(row.teamId).toBeNull();
    expect(row.escalatedAt).not.toBeNull();
    const page = await app.inject({ method: 'GET', url: res.headers.location as string });
    expect(page.body).toContain('Yêu cầu đã đến cán bộ xã');
  });
});

describe('the resident\'s own data', () => {
  it('exports and erases a phone\'s help requests, keeping the figures', async () => {
    const actor = { userId: null, ip: null };
    const out = await exportPortalData(database.db, protector, '0912345678', actor);
    expect(out.helpRequests.map((r) => [r.residentName, r.phone, r.problem, r.rating])).toEqual([['Lò Thị Mai', '+84912345678', 'Không nhận được mã OTP khi kích hoạt VNeID', 5]]);
    expect(await erasePortalData(database.db, protector, '0912 345 678', actor)).toEqual({ comments: 0, helpRequests: 1 });
    const [row] = await queryRows<{ residentName: string; phoneEnc: string; problem: string; rating: number; status: string }>(database.db, sql`select resident_name as "residentName", phone_enc as "phoneEnc", problem, rating, status from help_requests where id = (select min(id) from help_requests)`);
    expect(row).toEqual({ residentName: '', phoneEnc: '', problem: '', rating: 5, status: 'closed' });
    expect((await exportPortalData(database.db, protector, '0912345678', actor)).helpRequests).toEqual([]);
    const report = (await maiSon.get('/api/help-requests/report?unit=04105&from=2026-12-01&to=2026-12-01')).json();
    expect(report.totals).toMatchObject({ requests: 1, closed: 1, rated: 1, solved: 1 });
  });
});
