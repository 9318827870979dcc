import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';

/**
 * Directives down the tree and confirmations back up (issue 15), on both databases: a province
 * directive carried by two communes to their teams, acknowledged by some, with exact counts at
 * every level; refusals; the residents' public page; attachments checked by content.
 * Registry: SON_LA_ROSTER (Chiềng An 03664: the team of old Chiềng Xôm; Mai Sơn 04105: Tiểu khu 6),
 * plus a second team in each commune (made here), and Tiểu khu 6's 300 households.
 */
let database: Database;
let app: TestAppInstance;
const clock = new FixedClock('2026-12-01T09:00:00+07:00');
let restoreClock: () => void;
let province: TestClient, chiengAn: TestClient, maiSon: TestClient, otherProvince: TestClient, hien: TestClient, an: TestClient, other: TestClient;
const team = { chiengXom: 0, chiengAn2: 0, tieuKhu6: 0, maiSon2: 0 };
let seq = 0;
const uid = () => `00000000-0000-4000-a000-${String(++seq).padStart(12, '0')}`;
let directiveId = 0;

const plan = (over: Record<string, unknown> = {}) => ({
  unit: '14',
  number: '125/UBND-VP',
  issuedOn: '2026-12-01',
  title: 'Tuyên truyền kích hoạt tài khoản định danh điện tử mức 2',
  body: 'Đề nghị các tổ công nghệ số cộng đồng:\n\n- thông báo tới từng hộ gia đình;\n- hướng dẫn người dân kích hoạt VNeID mức 2.\n\n<script>alert(1)</script>',
  priority: 'high',
  deadline: '2026-12-10',
  asks: { passOn: true, figure: { name: 'Số người được hướng dẫn', unit: 'người' } },
  target: { units: ['03664', '04105'] },
  viaCommunes: true,
  ...over,
});
const ack = (c: TestClient, records: Record<string, unknown>[]) => c.post('/api/directives/acks/sync', { records });
const board = async (c: TestClient, query = '') => (await c.get(`/api/directives/${directiveId}/board${query}`)).json();

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  const r = await sessionsRegistry(database.db);
  team.chiengXom = r.team.chiengAn;
  team.tieuKhu6 = r.team.tieuKhu6;
  const [ca, ms] = await queryRows<{ id: number }>(database.db, sql`select id from admin_units where code in ('03664', '04105') and valid_to is null order by code`);
  [{ id: team.chiengAn2 }] = await queryRows<{ id: number }>(database.db, sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key) values ('commune', ${ca.id}, ${ca.id}, '14', 'Tổ công nghệ số xã Chiềng An', 'to cong nghe so xa chieng an', 'to cong nghe so xa chieng an') returning id`);
  [{ id: team.maiSon2 }] = await queryRows<{ id: number }>(database.db, sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key) values ('commune', ${ms.id}, ${ms.id}, '14', 'Tổ công nghệ số xã Mai Sơn', 'to cong nghe so xa mai son', 'to cong nghe so xa mai son') returning id`);
  await database.db.execute(sql`insert into unit_population (unit_id, year, population, households) select unit_id, 2026, 1200, 300 from teams where id = ${team.tieuKhu6}`);
  province = await signedInClient(app, database.db, { username: 'tinh', role: 'province_officer', unit: '14' });
  chiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  maiSon = await signedInClient(app, database.db, { username: 'xa.maison', role: 'commune_officer', unit: '04105' });
  otherProvince = await signedInClient(app, database.db, { username: 'hanoi', role: 'province_officer', unit: '01' });
  hien = await signedInClient(app, database.db, { username: 'hien', role: 'team_leader', teamId: team.chiengXom });
  an = await signedInClient(app, database.db, { username: 'le.an', role: 'member', teamId: team.tieuKhu6 });
  other = await signedInClient(app, database.db, { username: 'to.maison', role: 'team_leader', teamId: team.maiSon2 });
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

describe('issuing', () => {
  it('refuses what is outside the issuer or the caller, with where and why, and writes nothing', async () => {
    const asCommune = await chiengAn.post('/api/directives', plan());
    expect([asCommune.statusCode, asCommune.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const elsewhere = await province.post('/api/directives', plan({ target: { units: ['00004'] } }));
    expect([elsewhere.statusCode, elsewhere.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const communeAbroad = await chiengAn.post('/api/directives', plan({ unit: '03664', viaCommunes: false, target: { units: ['04105'] } }));
    expect([communeAbroad.statusCode, communeAbroad.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const late = await province.post('/api/directives', plan({ deadline: '2026-11-30' }));
    expect([late.statusCode, late.json().error.details[0].where]).toEqual([400, 'body/deadline']);
    const nobody = await province.post('/api/directives', plan({ target: { units: [] } }));
    expect(nobody.statusCode).toBe(400);
    const audited = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action = 'access.denied'`);
    expect(audited[0].n).toBe(3);
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from directives`);
    expect(n.n).toBe(0);
  });

  it('a province directive through the communes reaches the two communes, no team yet', async () => {
    const res = await province.post('/api/directives', plan());
    expect([res.statusCode, res.json().teams, res.json().communes]).toEqual([201, 0, 2]);
    directiveId = res.json().id;
    const b = await board(province);
    expect(b.communes.map((c: { code: string; awaitsForwarding: boolean; teams: number }) => [c.code, c.awaitsForwarding, c.teams])).toEqual([['03664', true, 0], ['04105', true, 0]]);
    expect((await chiengAn.get('/api/directives')).json().directives.map((d: { id: number; awaitsForwarding: boolean }) => [d.id, d.awaitsForwarding])).toEqual([[directiveId, true]]);
  });
});

describe('down the tree', () => {
  it('each commune forwards to its teams (all, or the ones chosen), never another commune’s, and never twice', async () => {
    const wrong = await chiengAn.post(`/api/directives/${directiveId}/forward`, { commune: '04105' });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const notMine = await chiengAn.post(`/api/directives/${directiveId}/forward`, { teamIds: [team.tieuKhu6] });
    expect([notMine.statusCode, notMine.json().error.details.path]).toEqual([400, 'teamIds']);
    expect((await chiengAn.post(`/api/directives/${directiveId}/forward`, { note: 'Các tổ triển khai ngay.' })).json()).toEqual({ teams: 2 });
    expect((await chiengAn.post(`/api/directives/${directiveId}/forward`, {})).json()).toEqual({ teams: 0 });
    expect((await maiSon.post(`/api/directives/${directiveId}/forward`, { teamIds: [team.tieuKhu6] })).json()).toEqual({ teams: 1 });
    const b = await board(province);
    expect(b.communes.map((c: { code: string; awaitsForwarding: boolean; teams: number }) => [c.code, c.awaitsForwarding, c.teams])).toEqual([['03664', false, 2], ['04105', false, 1]]);
  });

  it('a team’s field app receives it whole (with the commune’s note); a team not reached sees nothing', async () => {
    const inbox = (await hien.get('/api/directives/inbox')).json().directives;
    expect(inbox.map((d: { id: number; number: string; note: string; deadline: string }) => [d.id, d.number, d.note, d.deadline])).toEqual([[directiveId, '125/UBND-VP', 'Các tổ triển khai ngay.', '2026-12-10']]);
    expect((await other.get('/api/directives/inbox')).json().directives).toEqual([]);
    expect((await other.get(`/api/directives/${directiveId}/board`)).statusCode).toBe(404);
    expect((await otherProvince.get(`/api/directives/${directiveId}/board`)).statusCode).toBe(404);
  });
});

describe('confirmations up', () => {
  it('teams answer from the phone: forward only, each record once, households above the village’s count kept with a warning', async () => {
    clock.set('2026-12-02T08:00:00+07:00');
    const read = { id: uid(), directiveId, status: 'read', at: '2026-12-02T07:30:00+07:00' };
    expect((await ack(hien, [read])).json().results[0].status).toBe('accepted');
    const done = { id: uid(), directiveId, status: 'done', at: '2026-12-02T07:55:00+07:00', channels: ['zalo_group', 'loudspeaker'], households: 350, figure: 120 };
    const [first, again] = (await ack(hien, [done, done])).json().results;
    expect([first.status, again.status]).toEqual(['accepted', 'duplicate']);
    // a late "read" after "done" changes nothing
    expect((await ack(hien, [{ id: uid(), directiveId, status: 'read', at: '2026-12-02T07:58:00+07:00' }])).json().results[0].status).toBe('accepted');
    const over = (await ack(an, [{ id: uid(), directiveId, status: 'done', at: '2026-12-02T07:40:00+07:00', channels: ['door_to_door'], households: 400, figure: 80 }])).json().results[0];
    expect(over).toMatchObject({ status: 'accepted', warning: 'Số hộ đã báo (400) lớn hơn số hộ của thôn/bản theo số liệu dân số (300); đã ghi nhận, hãy kiểm tra lại.' });
    // for a team not its own, or a directive it did not receive: refused, naming nothing
    const stranger = (await ack(other, [{ id: uid(), directiveId, status: 'done', at: '2026-12-02T07:40:00+07:00', teamId: team.chiengXom }])).json().results[0];
    expect([stranger.status, stranger.field]).toEqual(['rejected', 'directiveId']);
    const bad = (await ack(hien, [{ id: 'not-a-uuid', directiveId, status: 'maybe', at: 'yesterday' }, { id: uid(), directiveId, status: 'done', at: '2026-12-02T07:40:00+07:00', households: -3 }])).json().results;
    expect(bad.map((r: { status: string; field: string }) => [r.status, r.field])).toEqual([['rejected', 'id'], ['rejected', 'households']]);
    const [row] = await queryRows<{ readAt: string; doneAt: string; households: number; channels: string[] }>(database.db, sql`select read_at as "readAt", done_at as "doneAt", households, channels from directive_teams where directive_id = ${directiveId} and team_id = ${team.chiengXom}`);
    expect([new Date(row.readAt).toISOString(), new Date(row.doneAt).toISOString(), row.households, row.channels]).toEqual(['2026-12-02T00:30:00.000Z', '2026-12-02T00:55:00.000Z', 350, ['zalo_group', 'loudspeaker']]);
  });

  it('residents confirm on the team’s public page: a phone once, a browser once, the honeypot never; the text is inert', async () => {
    const [{ token }] = await queryRows<{ token: string }>(database.db, sql`select public_token as token from directive_teams where directive_id = ${directiveId} and team_id = ${team.tieuKhu6}`);
    const page = await app.inject({ method: 'GET', url: `/chi-dao/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('<ul><li>thông báo tới từng hộ gia đình;</li><li>hướng dẫn người dân kích hoạt VNeID mức 2.</li></ul>');
    const post = (payload: string, cookie?: string) => app.inject({ method: 'POST', url: `/chi-dao/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, payload, remoteAddress: '10.9.0.1' });
    const withPhone = await post('phone=0912%20345%20678');
    expect(withPhone.body).toContain('Cảm ơn bà con!');
    expect((await post('phone=%2B84912345678')).body).toContain('đã xác nhận trước đó');
    const anonymous = await post('phone=');
    const cookie = String(anonymous.headers['set-cookie']).split(';')[0];
    expect((await post('phone=', cookie)).body).toContain('đã xác nhận trước đó');
    expect((await post('website=http%3A%2F%2Fspam.example&phone=')).body).toContain('Cảm ơn bà con!');
    const badPhone = await post('phone=abc');
    expect([badPhone.statusCode, badPhone.body.includes('Số điện thoại:')]).toEqual([400, true]);
    expect((await app.inject({ method: 'GET', url: '/chi-dao/0123456789abcdef0123456789abcdef' })).statusCode).toBe(404);
    const stored = await queryRows<{ phoneHash: string | null }>(database.db, sql`select phone_hash as "phoneHash" from directive_confirmations where directive_id = ${directiveId} order by id`);
    expect(stored.map((s) => (s.phoneHash === null ? null : s.phoneHash.length))).toEqual([64, null]);
  });
});

describe('tracking', () => {
  it('counts exactly at every level: the province, each commune, each team', async () => {
    const p = await board(province);
    expect(p.totals).toEqual({ teams: 3, received: 2, read: 2, willDo: 2, done: 2, overdue: 0, households: 750, householdsKnown: 300, householdsOver: 1, figure: 200, confirmations: 2 });
    const per = p.communes.map((c: Record<string, unknown>) => [c.code, c.teams, c.read, c.done, c.households, c.householdsKnown, c.confirmations, c.figure]);
    expect(per).toEqual([['03664', 2, 1, 1, 350, 0, 0, 120], ['04105', 1, 1, 1, 400, 300, 2, 80]]);
    const c = await board(chiengAn);
    expect(c.communes.map((x: { code: string }) => x.code)).toEqual(['03664']);
    // by name: "Tổ công nghệ số xã Chiềng An" before "Tổ … Chiềng Xôm"
    expect(c.teams.map((t: { id: number; doneAt: string | null; households: number | null }) => [t.id, t.doneAt !== null, t.households])).toEqual([[team.chiengAn2, false, null], [team.chiengXom, true, 350]]);
    expect(c.totals).toMatchObject({ teams: 2, done: 1, households: 350 });
    const t = await board(hien);
    expect(t.totals).toMatchObject({ teams: 1, done: 1 });
  });

  it('after the deadline, the teams not done are overdue; "nhắc lại" queues messages to their leaders only', async () => {
    clock.set('2026-12-11T09:00:00+07:00');
    expect((await board(province)).totals.overdue).toBe(1);
    expect((await chiengAn.get('/api/directives')).json().directives[0]).toMatchObject({ id: directiveId, teams: 2, done: 1, overdue: 1 });
    const r = await province.post(`/api/directives/${directiveId}/remind`, { channels: ['zalo', 'sms'] });
    // the one team not done (Chiềng An's second team) has no members: nobody to message, the reminder is still recorded
    expect(r.json()).toEqual({ teams: 1, messages: 0, skipped: 0, unconfigured: ['zalo', 'sms'] });
    // again within 6 hours: the team is skipped, nothing queued
    expect((await province.post(`/api/directives/${directiveId}/remind`, { channels: ['sms'] })).json()).toEqual({ teams: 0, messages: 0, skipped: 1, unconfigured: ['sms'] });
    const events = await queryRows<{ kind: string; n: number }>(database.db, sql`select kind, count(*)::int as n from directive_events where directive_id = ${directiveId} group by kind order by kind`);
    expect(events).toEqual([{ kind: 'done', n: 2 }, { kind: 'forwarded', n: 3 }, { kind: 'issued', n: 1 }, { kind: 'read', n: 2 }, { kind: 'received', n: 1 }, { kind: 'reminded', n: 1 }, { kind: 'sent', n: 5 }]);
  });

  it('exports the board as .xlsx in the official form and as CSV', async () => {
    const csv = await province.get(`/api/directives/${directiveId}/board?format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Số 125/UBND-VP ngày 01/12/2026: Tuyên truyền kích hoạt tài khoản định danh điện tử mức 2');
    expect(lines.at(-1)).toBe(',,Tổng cộng,,3,2,2,2,2,1,750,300,1,2,200');
    // one commune chosen: its teams, one row each, the figure headed by its name
    const teams = (await province.get(`/api/directives/${directiveId}/board?commune=03664&format=csv`)).body.replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(teams[1]).toBe('STT,Tổ,Thôn/bản,Đã đọc,Hoàn thành,Quá hạn,Cách thông báo,Số hộ,Số hộ của thôn,Số người được hướng dẫn (người),Người dân xác nhận');
    expect(teams.slice(2).map((l) => l.split(',').slice(1, 2).concat(l.split(',').slice(4, 8)))).toEqual([
      ['Tổ công nghệ số xã Chiềng An', '', 'Quá hạn', '', ''],
      ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', '02/12/2026', '', '"Nhóm Zalo', ' Loa truyền thanh"'],
    ]);
    const xlsx = await province.get(`/api/directives/${directiveId}/board?format=xlsx`);
    expect([xlsx.statusCode, xlsx.rawPayload.subarray(0, 2).toString()]).toEqual([200, 'PK']);
  });
});

describe('attachments', () => {
  const upload = (c: TestClient, files: [string, Buffer][]) => {
    const form = new FormData();
    for (const [name, data] of files) form.append('files', new Blob([new Uint8Array(data)]), name);
    return c.request({ method: 'POST', url: `/api/directives/${directiveId}/attachments`, payload: form });
  };
  const pdfWithScript = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

  it('checks each file by its content: a PDF with scripts is kept but only ever downloaded, an image is re-encoded, the rest refused', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } }).png().withMetadata({ exif: { IFD0: { Artist: 'Bí mật' } } }).toBuffer();
    const notPdf = await upload(province, [['cong-van.pdf', png]]);
    expect([notPdf.statusCode, notPdf.json().error.code]).toEqual([415, 'ATTACHMENT_REFUSED']);
    const exe = await upload(province, [['bao-cao.pdf', Buffer.from('MZ\x90\x00 not a pdf')]]);
    expect([exe.statusCode, exe.json().error.code]).toEqual([415, 'ATTACHMENT_REFUSED']);
    const svg = await upload(province, [['so-do.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')]]);
    expect(svg.statusCode).toBe(415);
    const fromCommune = await upload(chiengAn, [['cong-van.pdf', pdfWithScript]]);
    expect(fromCommune.statusCode).toBe(403);
    const ok = await upload(province, [['Công văn 125.pdf', pdfWithScript], ['anh-huong-dan.png', png]]);
    expect(ok.statusCode).toBe(201);
    const [pdf, img] = ok.json().attachments;
    expect([pdf.name, pdf.mediaType, pdf.flags, img.mediaType, img.flags]).toEqual(['Công văn 125.pdf', 'application/pdf', ['pdf_active_content'], 'image/png', ['reencoded']]);
    const down = await hien.get(`/api/directives/${directiveId}/attachments/${pdf.id}`);
    expect([down.statusCode, down.headers['content-disposition'], down.headers['content-security-policy']]).toEqual([200, `attachment; filename="Cong_van_125.pdf"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n%20125.pdf`, "sandbox; default-src 'none'"]);
    const image = (await hien.get(`/api/directives/${directiveId}/attachments/${img.id}`)).rawPayload;
    expect((await sharp(image).metadata()).exif).toBeUndefined();
    expect((await other.get(`/api/directives/${directiveId}/attachments/${img.id}`)).statusCode).toBe(404);
  });
});

describe('what the breaker found (fixed)', () => {
  it('the report is the latest by the phone’s time; a record refused for its figure leaves no trace; an id of another team’s record is refused', async () => {
    const res = await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6] }, title: 'Báo cáo số hộ theo thời gian' }));
    const id = res.json().id;
    clock.set('2026-12-11T12:00:00+07:00');
    const at = (m: number) => new Date(Date.parse('2026-12-11T10:00:00+07:00') + m * 60_000).toISOString();
    expect((await ack(an, [{ id: uid(), directiveId: id, status: 'done', at: at(10), households: 120, figure: 30, channels: ['meeting'] }])).json().results[0].status).toBe('accepted');
    // older, arriving later: no figure changes
    expect((await ack(an, [{ id: uid(), directiveId: id, status: 'done', at: at(5), households: 80, figure: 20 }])).json().results[0].status).toBe('accepted');
    expect((await ack(an, [{ id: uid(), directiveId: id, status: 'read', at: at(8), households: 0, channels: [] }])).json().results[0].status).toBe('accepted');
    const [row] = await queryRows<{ households: number; figure: number; channels: string[] }>(database.db, sql`select households, figure::float8 as figure, channels from directive_teams where directive_id = ${id} and team_id = ${team.tieuKhu6}`);
    expect(row).toEqual({ households: 120, figure: 30, channels: ['meeting'] });
    // a directive asking no figure: the record with one is refused, and nothing of it is kept
    const noFigure = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6] }, asks: { passOn: true, figure: null }, title: 'Không hỏi số liệu' }))).json().id;
    const rec = { id: uid(), directiveId: noFigure, status: 'done', at: at(1), figure: 3 };
    expect((await ack(an, [rec])).json().results[0]).toMatchObject({ status: 'rejected', field: 'figure' });
    const { figure: _f, ...fixed } = rec;
    expect((await ack(an, [fixed])).json().results[0].status).toBe('accepted');
    // the same record id for another team: refused, not a duplicate
    const forOther = (await ack(hien, [{ ...fixed, directiveId: directiveId }])).json().results[0];
    expect([forOther.status, forOther.field]).toEqual(['rejected', 'id']);
  });

  it('a PDF hiding its script names in #xx escapes is flagged; uploads at once cannot pass the limit of 5', async () => {
    const form = (files: [string, Buffer][]) => {
      const f = new FormData();
      for (const [name, data] of files) f.append('files', new Blob([new Uint8Array(data)]), name);
      return f;
    };
    const id = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6] }, title: 'Tệp đính kèm' }))).json().id;
    const hidden = Buffer.from('%PDF-1.4\n1 0 obj << /OpenActio#6e << /S /J#61vaScript /JS (x) >> >> endobj\n%%EOF\n');
    const one = await province.request({ method: 'POST', url: `/api/directives/${id}/attachments`, payload: form([['an.pdf', hidden]]) });
    expect(one.json().attachments[0].flags).toEqual(['pdf_active_content']);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const three = Array.from({ length: 3 }, (_, i) => [`p${i}.pdf`, pdf] as [string, Buffer]);
    const [a, b] = await Promise.all([province.request({ method: 'POST', url: `/api/directives/${id}/attachments`, payload: form(three) }), province.request({ method: 'POST', url: `/api/directives/${id}/attachments`, payload: form(three) })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 400]);
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from directive_attachments where directive_id = ${id}`);
    expect(n.n).toBe(4);
  });

  it('a resident without a phone counts once per address; the page answers refusals as a page', async () => {
    const id = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6] }, title: 'Xác nhận ẩn danh' }))).json().id;
    const [{ token }] = await queryRows<{ token: string }>(database.db, sql`select public_token as token from directive_teams where directive_id = ${id}`);
    const post = (payload: string, ip: string) => app.inject({ method: 'POST', url: `/chi-dao/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload, remoteAddress: ip });
    expect((await post('phone=', '10.8.0.1')).body).toContain('Cảm ơn bà con!');
    expect((await post('phone=', '10.8.0.1')).body).toContain('đã xác nhận trước đó');
    expect((await post('phone=', '10.8.0.2')).body).toContain('Cảm ơn bà con!');
    const long = await post(`phone=${'9'.repeat(40)}`, '10.8.0.3');
    expect([long.statusCode, long.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
    expect(long.body).toContain('Số điện thoại dài quá');
    const [c] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from directive_confirmations where directive_id = ${id}`);
    expect(c.n).toBe(2);
  });

  it('a paper dated in the future is refused; a push subscription only to a browser’s push service', async () => {
    const future = await province.post('/api/directives', plan({ issuedOn: '9999-12-31', deadline: undefined }));
    expect([future.statusCode, future.json().error.details.path]).toEqual([400, 'issuedOn']);
    const keys = { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) };
    for (const endpoint of ['https://127.0.0.1:3940/internal/admin', 'https://10.0.0.5/x', 'https://fcm.googleapis.com.evil.example/x', 'https://localhost/x']) {
      const r = await hien.post('/api/push/subscriptions', { endpoint, keys });
      expect([endpoint, r.statusCode]).toEqual([endpoint, 400]);
    }
    expect((await hien.post('/api/push/subscriptions', { endpoint: 'https://fcm.googleapis.com/fcm/send/abc123', keys })).statusCode).toBe(201);
  });

  it('"nhắc lại" links to the team’s page at the server’s public address', async () => {
    const { remindDirective } = await import('./directives.service.js');
    const id = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6] }, title: 'Nhắc có đường dẫn' }))).json().id;
    const r = await remindDirective(database.db, id, { channels: ['sms'] }, { userId: null, ip: null, scope: { kind: 'province', provinceCode: '14' } }, { origin: 'https://ngoso.sonla.gov.vn', configured: ['sms'] });
    expect(r).toMatchObject({ teams: 1, skipped: 0, unconfigured: [] });
    const msgs = await queryRows<{ link: string; channel: string }>(database.db, sql`select params->>'link' as link, channel from notify_messages where directive_id = ${id}`);
    expect(msgs.length).toBe(r.messages);
    expect(msgs.length).toBeGreaterThan(0);
    for (const m of msgs) expect(m.link).toMatch(/^https:\/\/ngoso\.sonla\.gov\.vn\/chi-dao\/[0-9a-f]{32}$/);
  });
});

describe('households the teams could reach', () => {
  it('two teams of one village count its households once; a commune-level team stands for the whole commune', async () => {
    const [village] = await queryRows<{ unitId: number; communeId: number }>(database.db, sql`select unit_id as "unitId", commune_id as "communeId" from teams where id = ${team.tieuKhu6}`);
    const [{ id: second }] = await queryRows<{ id: number }>(database.db, sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key) values ('village', ${village.unitId}, ${village.communeId}, '14', 'Tổ hai Tiểu khu 6', 'to hai tieu khu 6', 'to hai tieu khu 6') returning id`);
    const villages = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6, second] }, title: 'Hai tổ một thôn' }))).json().id;
    expect((await province.get(`/api/directives/${villages}/board`)).json().totals).toMatchObject({ teams: 2, householdsKnown: 300 });
    await database.db.execute(sql`insert into unit_population (unit_id, year, population, households) values (${village.communeId}, 2026, 9000, 2000)`);
    const all = (await province.post('/api/directives', plan({ viaCommunes: false, target: { teamIds: [team.tieuKhu6, second, team.maiSon2] }, title: 'Cả xã' }))).json().id;
    expect((await province.get(`/api/directives/${all}/board`)).json().totals).toMatchObject({ teams: 3, householdsKnown: 2000 });
  });
});
