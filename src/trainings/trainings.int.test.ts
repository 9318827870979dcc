import { sql } from 'drizzle-orm';
import { todayInVietnam } from '../text/dates.js';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { pdfPageTexts } from '../../test/pdf.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';
import { checkInCode, windowOf } from './trainings.code.js';

/**
 * Trainings end to end through the API (issue 14): bridge points, a province session with two
 * points and an audience, check-ins by a host (members, a walk-in, someone not invited, twice the
 * same person), a member's own check-in with the rotating code, the refusals (before the start,
 * after the end, an old code, another point's code, not the host, after the close), certificates
 * as PDF and their public verification, and the report against plain counts.
 * Registry: SON_LA_ROSTER — Chiềng An (03664: Hà Thị Hiền leader, Lò Văn Bình, Quàng Thị Hoà) and
 * Tiểu khu 6 in Mai Sơn (04105: Nguyễn Thị Hà leader, Lê Văn An).
 */
let database: Database;
let app: TestAppInstance;
let member: Record<string, number>;
const clock = new FixedClock('2026-11-05T07:00:00+07:00');
let restoreClock: () => void;
let province: TestClient, officerMaiSon: TestClient, officerChiengAn: TestClient, hostHien: TestClient, memberAn: TestClient;
let maiSonOfficerId: number;
const point = { chiengAn: 0, maiSon: 0 };
let trainingId = 0;
let seq = 0;
const uid = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;
const START = '2026-11-05T08:00:00+07:00';
const END = '2026-11-05T11:00:00+07:00';

const plan = (over: Record<string, unknown> = {}) => ({
  unit: '14',
  title: 'Tập huấn kích hoạt định danh điện tử mức 2',
  topic: 'vneid_level2',
  kind: 'hybrid',
  startsAt: START,
  endsAt: END,
  materials: [{ title: 'Tài liệu hướng dẫn', url: 'https://dichvucong.gov.vn/huong-dan.pdf' }],
  audience: { units: ['03664'], memberIds: [member['Lê Văn An']] },
  points: [
    { pointId: point.chiengAn, hostMemberId: member['Hà Thị Hiền'], capacity: 40 },
    { pointId: point.maiSon, hostUserId: maiSonOfficerId, connection: 'https://meet.example.vn/phong-1' },
  ],
  ...over,
});
const checkIns = (c: TestClient, records: Record<string, unknown>[], deviceNow?: string) => c.post('/api/trainings/attendance/sync', { records, ...(deviceNow ? { deviceNow } : {}) });
const host = (memberId: number, at = '2026-11-05T08:05:00+07:00', over: Record<string, unknown> = {}) => ({ id: uid(), trainingId, pointId: point.chiengAn, method: 'host', memberId, checkedInAt: at, ...over });

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  ({ member } = await sessionsRegistry(database.db));
  province = await signedInClient(app, database.db, { username: 'tinh', role: 'province_officer', unit: '14' });
  officerMaiSon = await signedInClient(app, database.db, { username: 'xa.maison', role: 'commune_officer', unit: '04105' });
  officerChiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  const teams = await queryRows<{ id: number; name: string }>(database.db, sql`select id, name from teams`);
  const chiengAnTeam = teams.find((t) => t.name.includes('Chiềng Xôm'))!.id;
  const tieuKhu6 = teams.find((t) => t.name.includes('Tiểu khu 6'))!.id;
  hostHien = await signedInClient(app, database.db, { username: 'hien', role: 'team_leader', teamId: chiengAnTeam });
  memberAn = await signedInClient(app, database.db, { username: 'le.an', role: 'member', teamId: tieuKhu6 });
  await database.db.execute(sql`update users set member_id = ${member['Hà Thị Hiền']} where username = 'hien'`);
  await database.db.execute(sql`update users set member_id = ${member['Lê Văn An']} where username = 'le.an'`);
  [{ id: maiSonOfficerId }] = await queryRows<{ id: number }>(database.db, sql`select id from users where username = 'xa.maison'`);
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

describe('bridge points and planning', () => {
  it('creates points in the caller’s communes, refuses a name taken and a commune outside', async () => {
    const a = await province.post('/api/bridge-points', { commune: '03664', name: 'Hội trường UBND xã Chiềng An', placeKind: 'commune_hall', capacity: 80 });
    expect([a.statusCode, a.body]).toEqual([201, a.body.startsWith('{"error') ? 'x' : a.body]);
    point.chiengAn = a.json().id;
    const b = await officerMaiSon.post('/api/bridge-points', { commune: '04105', name: 'Nhà văn hóa Tiểu khu 6', placeKind: 'cultural_house' });
    expect(b.statusCode).toBe(201);
    point.maiSon = b.json().id;
    const again = await province.post('/api/bridge-points', { commune: '03664', name: 'hội trường ubnd xã chiềng an', placeKind: 'commune_hall' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'REGISTRY_CONFLICT']);
    const outside = await officerMaiSon.post('/api/bridge-points', { commune: '03664', name: 'Trường tiểu học', placeKind: 'school' });
    expect(outside.statusCode).toBe(403);
    const listed = await officerMaiSon.get('/api/bridge-points');
    expect(listed.json().points.map((p: { name: string }) => p.name)).toEqual(['Nhà văn hóa Tiểu khu 6']);
  });

  it('refuses bad plans with where and why', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ endsAt: '2026-11-05T07:00:00+07:00' }, 'endsAt', 'Giờ kết thúc phải sau giờ bắt đầu.'],
      [{ topic: 'khong-co' }, 'topic', 'Chủ đề "khong-co" không có trong danh mục chủ đề tập huấn.'],
      [{ audience: { units: ['00004'] } }, 'audience.units', 'Xã mã 00004 không thuộc Tỉnh Sơn La.'],
      [{ audience: { units: [] } }, 'audience', 'Hãy chọn người được mời: đơn vị, tổ hoặc từng thành viên.'],
      [{ startsAt: '0000-01-01T08:00:00Z' }, 'startsAt', 'Thời gian phải trong khoảng năm 2000–2099; hãy kiểm tra lại năm.'],
      [{ materials: [{ title: 'x', url: 'javascript:alert(1)' }] }, 'materials.0.url', 'Đường dẫn phải bắt đầu bằng http:// hoặc https://.'],
    ];
    for (const [over, path, message] of cases) {
      const res = await province.post('/api/trainings', plan(over));
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(res.json().error)).toContain(path.split('.')[0]);
      expect(JSON.stringify(res.json().error)).toContain(JSON.stringify(message).slice(1, -1));
    }
    const notTheirs = await officerMaiSon.post('/api/trainings', plan());
    expect(notTheirs.statusCode).toBe(403);
    expect(await queryRows(database.db, sql`select id from training_sessions`)).toEqual([]);
  });

  it('plans a province session: the audience is the commune’s members and one named person', async () => {
    const res = await province.post('/api/trainings', plan());
    expect(res.statusCode).toBe(201);
    trainingId = res.json().id;
    expect(res.json().invited).toBe(4);
    const invited = await queryRows<{ fullName: string }>(database.db, sql`select m.full_name as "fullName" from training_invitations i join members m on m.id = i.member_id where training_id = ${trainingId} order by m.full_name`);
    expect(invited.map((r) => r.fullName)).toEqual(['Hà Thị Hiền', 'Lê Văn An', 'Lò Văn Bình', 'Quàng Thị Hoà']);
    // the commune officer of Chiềng An sees it (their members are invited), but does not manage it
    const seen = (await officerChiengAn.get('/api/trainings')).json().trainings;
    expect(seen.map((t: { id: number; managed: boolean }) => [t.id, t.managed])).toEqual([[trainingId, false]]);
    const edit = await officerChiengAn.request({ method: 'PUT', url: `/api/trainings/${trainingId}`, payload: { ...plan({ unit: '03664' }), version: 1 } });
    expect(edit.statusCode).toBe(404); // a province's session is not a commune's to change
  });
});

describe('attendance', () => {
  it('a host checks members in once each, flags the uninvited, keeps a walk-in, refuses what is not theirs', async () => {
    clock.set('2026-11-05T08:20:00+07:00');
    const bình = host(member['Lò Văn Bình']);
    const res = await checkIns(hostHien, [
      bình,
      host(member['Quàng Thị Hoà'], '2026-11-05T08:16:00+07:00', { leftAt: '2026-11-05T08:19:00+07:00' }),
      host(member['Nguyễn Thị Hà']),
      { id: uid(), trainingId, pointId: point.chiengAn, method: 'host', walkIn: { fullName: 'Vì Văn Khoa', phone: '0912 777 888' }, checkedInAt: '2026-11-05T08:10:00+07:00' },
      bình, // a resend
      host(member['Lò Văn Bình'], '2026-11-05T08:15:00+07:00'), // the same person again
      { ...host(member['Hà Thị Hiền']), pointId: point.maiSon }, // not the host there
      host(member['Hà Thị Hiền'], '2026-11-05T06:30:00+07:00'), // before check-in opens
    ]);
    expect(res.statusCode).toBe(200);
    const r = res.json().results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'duplicate', 'duplicate', 'rejected', 'rejected']);
    expect(r[1].late).toBe(true);
    expect(r[2]).toMatchObject({ fullName: 'Nguyễn Thị Hà', notInvited: true });
    expect(r[3]).toMatchObject({ walkIn: true, fullName: 'Vì Văn Khoa' });
    expect(r[5].reason).toBe('Lò Văn Bình đã được điểm danh lúc 08:05 ngày 05/11/2026 tại "Hội trường UBND xã Chiềng An"; chỉ tính một lần.');
    expect(r[6].reason).toBe(`Bạn không phụ trách điểm cầu mã ${point.maiSon} nên không điểm danh người khác ở đó được.`);
    expect(r[7].reason).toBe('Lớp chưa bắt đầu: điểm danh mở từ 07:00 ngày 05/11/2026.');
    const rows = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from training_attendance where training_id = ${trainingId}`);
    expect(rows[0].n).toBe(4);
  });

  it('a member checks in with the point’s current code; an old code and another point’s code fail', async () => {
    clock.set('2026-11-05T08:40:00+07:00');
    const shown = await officerMaiSon.get(`/api/trainings/${trainingId}/points/${point.maiSon}/code`);
    expect(shown.statusCode).toBe(200);
    const { window, code } = shown.json();
    expect(window).toBe(windowOf(clock.now()));
    expect(await checkInCode((await queryRows<{ s: string }>(database.db, sql`select code_secret as s from training_session_points where point_id = ${point.maiSon}`))[0].s, trainingId, point.maiSon, window)).toBe(code);
    const notHost = await memberAn.get(`/api/trainings/${trainingId}/points/${point.maiSon}/code`);
    expect(notHost.statusCode).toBe(403);
    const self = (over: Record<string, unknown>) => ({ id: uid(), trainingId, pointId: point.maiSon, method: 'self', window, code, checkedInAt: clock.now().toISOString(), ...over });
    const chiengAnCode = (await officerChiengAn.get(`/api/trainings/${trainingId}/points/${point.chiengAn}/code`)).json();
    const old = await checkInCode((await queryRows<{ s: string }>(database.db, sql`select code_secret as s from training_session_points where point_id = ${point.maiSon}`))[0].s, trainingId, point.maiSon, window - 1920);
    const res = await checkIns(memberAn, [self({ window: window - 1920, code: old }), self({ code: chiengAnCode.code }), self({})]);
    expect(res.json().results.map((x: { status: string; reason?: string }) => [x.status, x.reason ?? ''])).toEqual([
      ['rejected', 'Mã điểm danh đã hết hạn (mã đổi sau mỗi 45 giây): hãy quét mã đang hiện ở điểm cầu.'],
      ['rejected', 'Mã điểm danh không đúng với điểm cầu này của lớp: hãy quét lại mã đang hiện ở điểm cầu nơi bạn ngồi.'],
      ['accepted', ''],
    ]);
  });

  it('a phone whose clock is 10 minutes fast is corrected at sync', async () => {
    clock.set('2026-11-05T09:00:00+07:00');
    const res = await checkIns(officerChiengAn, [host(member['Hà Thị Hiền'], '2026-11-05T09:10:00+07:00')], '2026-11-05T09:10:00+07:00');
    expect(res.json().results[0]).toMatchObject({ status: 'accepted', late: true });
    const [row] = await queryRows<{ at: string }>(database.db, sql`select to_char(checked_in_at at time zone 'Asia/Ho_Chi_Minh', 'HH24:MI') as at from training_attendance where member_id = ${member['Hà Thị Hiền']}`);
    expect(row.at).toBe('09:00');
  });

  it('the board counts people once, per point, and shows the list to hosts and managers only', async () => {
    const board = (await province.get(`/api/trainings/${trainingId}`)).json();
    expect(board.totals).toEqual({ invited: 4, attended: 5, attendedInvited: 4, notInvited: 1, walkIns: 1, late: 3, leftEarly: 1 });
    expect(board.points.map((p: { name: string; checkedIn: number; walkIns: number }) => [p.name, p.checkedIn, p.walkIns])).toEqual([
      ['Hội trường UBND xã Chiềng An', 5, 1],
      ['Nhà văn hóa Tiểu khu 6', 1, 0],
    ]);
    expect((await memberAn.get(`/api/trainings/${trainingId}`)).json().attendance).toBeNull();
    expect((await hostHien.get(`/api/trainings/${trainingId}`)).json().attendance).toHaveLength(5);
  });
});

describe('closing, certificates and their verification', () => {
  it('closes attendance; a check-in made after it is refused, one made before still counts', async () => {
    clock.set('2026-11-05T11:05:00+07:00');
    const closed = await province.post(`/api/trainings/${trainingId}/close`);
    expect(closed.statusCode).toBe(200);
    clock.set('2026-11-05T11:20:00+07:00');
    const res = await checkIns(hostHien, [host(member['Lò Văn Bình'], '2026-11-05T11:10:00+07:00', { id: uid() }), { id: uid(), trainingId, pointId: point.chiengAn, method: 'host', walkIn: { fullName: 'Lường Thị Mai' }, checkedInAt: '2026-11-05T10:50:00+07:00' }]);
    expect(res.json().results.map((x: { status: string; reason?: string }) => [x.status, x.reason ?? ''])).toEqual([
      ['rejected', 'Ban tổ chức đã đóng điểm danh lúc 11:05 ngày 05/11/2026.'],
      ['accepted', ''],
    ]);
    clock.set('2026-11-05T14:00:00+07:00');
    const late = await checkIns(hostHien, [{ id: uid(), trainingId, pointId: point.chiengAn, method: 'host', walkIn: { fullName: 'Lò Văn Nam' }, checkedInAt: '2026-11-05T13:30:00+07:00' }]);
    expect(late.json().results[0].reason).toBe('Lớp đã kết thúc lúc 11:00 ngày 05/11/2026; điểm danh chỉ nhận đến 2 giờ sau khi kết thúc.');
  });

  it('prints every attendee’s certificate into one PDF with the names as written, and verifies them publicly', async () => {
    const res = await province.get(`/api/trainings/${trainingId}/certificates.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPageTexts(res.rawPayload);
    const names = ['Hà Thị Hiền', 'Nguyễn Thị Hà', 'Lê Văn An', 'Lò Văn Bình', 'Quàng Thị Hoà']; // by given name: An, Bình, Hà, Hiền, Hoà
    expect(pages).toHaveLength(5);
    const order = pages.map((p) => names.find((n) => p.includes(n)));
    expect(order).toEqual(['Lê Văn An', 'Lò Văn Bình', 'Nguyễn Thị Hà', 'Hà Thị Hiền', 'Quàng Thị Hoà']);
    const certs = await queryRows<{ code: string; fullName: string }>(database.db, sql`select code, full_name as "fullName" from training_certificates where training_id = ${trainingId}`);
    expect(certs).toHaveLength(5);
    for (const c of certs) expect(pages.find((p) => p.includes(c.fullName))).toContain(c.code);
    // printed again: the same codes
    await province.get(`/api/trainings/${trainingId}/certificates.pdf`);
    expect((await queryRows(database.db, sql`select code from training_certificates`)).length).toBe(5);

    const an = certs.find((c) => c.fullName === 'Lê Văn An')!;
    const anon = app.inject({ method: 'GET', url: `/api/verify/${an.code.toLowerCase().replaceAll('-', '')}` });
    expect((await anon).json()).toEqual({ code: an.code, initials: 'L. V. A.', title: 'Tập huấn kích hoạt định danh điện tử mức 2', topic: 'Định danh điện tử VNeID mức 2', day: '2026-11-05', lastDay: '2026-11-05', organiser: 'Tỉnh Sơn La' });
    const page = await app.inject({ method: 'GET', url: `/xac-minh/${an.code}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('L. V. A.');
    expect(page.body).toContain('Ngày 05/11/2026');
    expect(page.body).not.toContain('Lê Văn An');
    const unknown = await app.inject({ method: 'GET', url: '/xac-minh/%3Cscript%3E' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('&lt;script&gt;');
    const mine = await memberAn.get(`/api/trainings/${trainingId}/certificates/mine.pdf`);
    expect((await pdfPageTexts(mine.rawPayload))[0]).toContain(an.code);
    const listed = (await memberAn.get('/api/trainings/mine')).json().trainings;
    expect(listed.map((t: { id: number; certificate: string; pointName: string }) => [t.id, t.certificate, t.pointName])).toEqual([[trainingId, an.code, 'Nhà văn hóa Tiểu khu 6']]);
  });
});

describe('the training report', () => {
  it('counts the province and its communes exactly, with the seed’s sentence, as JSON, CSV and .xlsx', async () => {
    const members = await queryRows<{ commune: string; n: number }>(database.db, sql`select c.code as commune, count(distinct tm.member_id)::int as n from team_members tm join teams t on t.id = tm.team_id join admin_units c on c.id = t.commune_id where tm.left_on is null group by c.code order by c.code`);
    const res = await province.get('/api/reports/trainings?unit=14&from=2026-11-01&to=2026-11-30');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    const total = members.reduce((s, m) => s + m.n, 0);
    expect(r.totals).toEqual({ sessions: 1, points: 2, invited: 4, attended: 5, invitations: 4, invitationsAttended: 4, attendanceRate: 1, walkIns: 2, members: total, neverTrained: total - 5, courseCompletions: 0, courseMembers: 0 });
    expect(r.children.map((c: { code: string; sessions: number; points: number; invited: number; attended: number; walkIns: number }) => [c.code, c.sessions, c.points, c.invited, c.attended, c.walkIns])).toEqual([
      ['03664', 1, 1, 3, 3, 2],
      ['04105', 1, 1, 1, 2, 0],
    ]);
    expect(r.sentence).toBe('Từ 01/11/2026 đến 05/11/2026, Tỉnh Sơn La đã tổ chức 1 lớp tập huấn tại 2 điểm cầu cho 5 thành viên và 2 người ngoài danh sách.');
    const communeRes = await officerMaiSon.get('/api/reports/trainings?unit=04105&from=2026-11-01&to=2026-11-30');
    expect([communeRes.statusCode, communeRes.statusCode === 200 ? '' : communeRes.body]).toEqual([200, '']);
    const commune = communeRes.json();
    expect(commune.totals).toMatchObject({ sessions: 1, points: 1, invited: 1, attended: 2, neverTrained: members.find((m) => m.commune === '04105')!.n - 2 });
    expect((await officerMaiSon.get('/api/reports/trainings?unit=03664&from=2026-11-01&to=2026-11-30')).statusCode).toBe(403);
    const october = (await province.get('/api/reports/trainings?unit=14&from=2026-10-01&to=2026-10-31')).json();
    expect(october.totals).toMatchObject({ sessions: 0, attended: 0, neverTrained: total });

    // nobody left untrained in November; before it, all of them
    expect((await province.get('/api/reports/trainings/untrained?unit=14&asOf=2026-11-30')).json().members).toEqual([]);
    const before = (await officerMaiSon.get('/api/reports/trainings/untrained?unit=04105&asOf=2026-11-04')).json();
    expect(before.members.map((m: { fullName: string; teamName: string; villageName: string | null }) => [m.fullName, m.villageName])).toEqual([['Lê Văn An', 'Tiểu khu 6'], ['Nguyễn Thị Hà', 'Tiểu khu 6']]);
    expect((await officerMaiSon.get('/api/reports/trainings/untrained?unit=03664')).statusCode).toBe(403);
    const untrainedCsv = await officerMaiSon.get('/api/reports/trainings/untrained?unit=04105&asOf=2026-11-04&format=csv');
    expect(untrainedCsv.body.trim().split(/\r?\n/).slice(1)).toEqual(['1,Lê Văn An,Thành viên,Tổ công nghệ số cộng đồng Tiểu khu 6,Tiểu khu 6,Xã Mai Sơn,04105', '2,Nguyễn Thị Hà,Tổ trưởng,Tổ công nghệ số cộng đồng Tiểu khu 6,Tiểu khu 6,Xã Mai Sơn,04105']);
    const csv = await province.get('/api/reports/trainings?unit=14&from=2026-11-01&to=2026-11-30&format=csv');
    expect(csv.body).toContain('Tổng cộng: Tỉnh Sơn La');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await province.get('/api/reports/trainings?unit=14&from=2026-11-01&to=2026-11-30&format=xlsx')).rawPayload as unknown as ArrayBuffer);
    const cells = wb.worksheets[0].getSheetValues().flat().filter((v) => typeof v === 'string');
    expect(cells).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(cells).toContain(r.sentence);
  });
});

describe('walk-ins', () => {
  it('the commune officer links a walk-in to the member added for them, or dismisses one; another commune sees none', async () => {
    const pending = (await officerChiengAn.get('/api/trainings/walk-ins')).json().walkIns;
    expect(pending.map((w: { fullName: string; phone: string | null; pointName: string }) => [w.fullName, w.phone, w.pointName])).toEqual([
      ['Lường Thị Mai', null, 'Hội trường UBND xã Chiềng An'],
      ['Vì Văn Khoa', '+84912777888', 'Hội trường UBND xã Chiềng An'],
    ]);
    expect((await officerMaiSon.get('/api/trainings/walk-ins')).json().walkIns).toEqual([]);
    const khoa = pending.find((w: { fullName: string }) => w.fullName === 'Vì Văn Khoa').id;
    const mai = pending.find((w: { fullName: string }) => w.fullName === 'Lường Thị Mai').id;
    // someone already checked in cannot take the walk-in's place; Mai Sơn's officer cannot touch it
    const taken = await officerChiengAn.post(`/api/trainings/walk-ins/${khoa}`, { action: 'link', memberId: member['Lò Văn Bình'] });
    expect([taken.statusCode, taken.json().error.message]).toEqual([409, 'Lò Văn Bình đã được điểm danh ở lớp này; hãy bỏ qua người ngoài danh sách này.']);
    expect((await officerMaiSon.post(`/api/trainings/walk-ins/${khoa}`, { action: 'dismiss' })).statusCode).toBe(404);
    const [team] = await queryRows<{ id: number }>(database.db, sql`select id from teams where name like '%Chiềng Xôm%'`);
    const added = await officerChiengAn.post(`/api/teams/${team.id}/members`, { person: { fullName: 'Vì Văn Khoa', phone: '0912 777 888' }, role: 'member', joinedOn: '2026-11-05' });
    expect(added.statusCode).toBe(201);
    const linked = await officerChiengAn.post(`/api/trainings/walk-ins/${khoa}`, { action: 'link', memberId: added.json().memberId });
    expect(linked.json()).toEqual({ id: khoa, status: 'added' });
    expect((await officerChiengAn.post(`/api/trainings/walk-ins/${mai}`, { action: 'dismiss' })).json()).toEqual({ id: mai, status: 'dismissed' });
    expect((await officerChiengAn.get('/api/trainings/walk-ins')).json().walkIns).toEqual([]);
    const board = (await province.get(`/api/trainings/${trainingId}`)).json();
    expect(board.totals).toMatchObject({ attended: 6, notInvited: 2, walkIns: 1 });
  });
});


describe('villages', () => {
  it('a commune invites one village’s teams and holds a session at its cultural house', async () => {
    const [v] = await queryRows<{ code: string }>(database.db, sql`select v.code from admin_units v join admin_units c on c.id = v.parent_id where c.code = '04105' and v.name = 'Tiểu khu 6'`);
    const made = await officerMaiSon.post('/api/bridge-points', { commune: '04105', village: v.code, name: 'Nhà văn hóa tiểu khu 6 (mới)', placeKind: 'cultural_house' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ villageCode: v.code, villageName: 'Tiểu khu 6', communeCode: '04105' });
    const wrongVillage = await officerMaiSon.post('/api/bridge-points', { commune: '03664', village: v.code, name: 'Sai xã', placeKind: 'school' });
    expect(wrongVillage.statusCode).toBe(403);
    const res = await officerMaiSon.post('/api/trainings', { ...plan({ unit: '04105', audience: { units: [v.code] }, points: [{ pointId: made.json().id }] }), startsAt: '2026-12-10T08:00:00+07:00', endsAt: '2026-12-10T10:00:00+07:00' });
    expect([res.statusCode, res.json().invited]).toEqual([201, 2]);
    const badCode = await officerMaiSon.post('/api/trainings', { ...plan({ unit: '04105', audience: { units: ['V12'] }, points: [{ pointId: made.json().id }] }) });
    expect([badCode.statusCode, JSON.stringify(badCode.json())]).toEqual([400, expect.stringContaining('mã thôn/bản (ví dụ 03664.001)')]);
  });
});

describe('what a host or a member cannot do', () => {
  it('a host checks in no one from outside the session’s unit and learns no name; a record id of someone else is refused; a leaving time is the recorder’s', async () => {
    const { importRoster } = await import('../imports/imports.service.js');
    const { csv, HEADER } = await import('../../test/fixtures.js');
    const { ALL } = await import('../access/access.policy.js');
    await importRoster(database.db, { name: 'ha-noi.csv', data: csv([HEADER, ['Hà Nội', 'Ba Đình', '', '', 'Nguyễn Văn Thủ Đô', 'Nam', 1980, '0912000041', 'Tổ trưởng', '']]) }, { scope: ALL, commit: true, maxBytes: 1e7 });
    const [far] = await queryRows<{ id: number }>(database.db, sql`select id from members where full_name = 'Nguyễn Văn Thủ Đô'`);
    clock.set('2026-11-20T09:00:00+07:00');
    const open = await province.post('/api/trainings', { ...plan(), startsAt: '2026-11-20T08:30:00+07:00', endsAt: '2026-11-20T11:30:00+07:00' });
    const id = open.json().id;
    const res = await checkIns(hostHien, [
      { id: uid(), trainingId: id, pointId: point.chiengAn, method: 'host', memberId: far.id, checkedInAt: '2026-11-20T08:55:00+07:00' },
      { id: uid(), trainingId: id, pointId: point.chiengAn, method: 'host', memberId: 999_999, checkedInAt: '2026-11-20T08:55:00+07:00' },
    ]);
    expect(res.json().results.map((r: { status: string; reason: string }) => [r.status, r.reason])).toEqual([
      ['rejected', `Không có thành viên mã ${far.id} trong danh sách mời hay trong các tổ của đơn vị tổ chức lớp này.`],
      ['rejected', 'Không có thành viên mã 999999 trong danh sách mời hay trong các tổ của đơn vị tổ chức lớp này.'],
    ]);
    expect(res.body).not.toContain('Thủ Đô');
    // Mai Sơn's host marks Lê Văn An in; Chiềng An's host may neither reuse that record's id nor set his leaving time
    const anRecord = { id: uid(), trainingId: id, pointId: point.maiSon, method: 'host', memberId: member['Lê Văn An'], checkedInAt: '2026-11-20T08:40:00+07:00' };
    expect((await checkIns(officerMaiSon, [anRecord])).json().results[0].status).toBe('accepted');
    const reuse = await checkIns(hostHien, [{ ...anRecord, pointId: point.chiengAn, leftAt: '2026-11-20T08:50:00+07:00' }]);
    expect(reuse.json().results[0]).toMatchObject({ status: 'rejected', reason: 'Mã bản ghi này đã được dùng cho một lượt điểm danh khác; hãy tạo lại lượt điểm danh.' });
    expect(reuse.body).not.toContain('Lê Văn An');
    await checkIns(hostHien, [{ id: uid(), trainingId: id, pointId: point.chiengAn, method: 'host', memberId: member['Lê Văn An'], checkedInAt: '2026-11-20T08:45:00+07:00', leftAt: '2026-11-20T08:50:00+07:00' }]);
    const [row] = await queryRows<{ leftAt: Date | null }>(database.db, sql`select left_at as "leftAt" from training_attendance where id = ${anRecord.id}`);
    expect(row.leftAt).toBeNull();
  });

  it('a code photographed and sent later fails; ten wrong codes stop an account’s self check-ins; a host’s offline check-ins end a day after the close', async () => {
    const [open] = await queryRows<{ id: number }>(database.db, sql`select id from training_sessions where day = '2026-11-20' order by id limit 1`);
    const secret = (await queryRows<{ s: string }>(database.db, sql`select code_secret as s from training_session_points where training_id = ${open.id} and point_id = ${point.maiSon}`))[0].s;
    const photoAt = clock.now();
    const w = windowOf(photoAt);
    const code = await checkInCode(secret, open.id, point.maiSon, w);
    clock.set('2026-11-20T09:20:00+07:00');
    const self = (c: string, at: Date) => ({ id: uid(), trainingId: open.id, pointId: point.maiSon, method: 'self', window: windowOf(at), code: c, checkedInAt: at.toISOString() });
    const late = await checkIns(hostHien, [self(code, photoAt)], clock.now().toISOString());
    expect(late.json().results[0].reason).toBe('Lượt tự điểm danh này gửi đến quá muộn sau khi quét mã (quá 10 phút): hãy nhờ người phụ trách điểm cầu điểm danh.');
    const wrong = Array.from({ length: 11 }, (_, i) => self(String(100000 + i), clock.now()));
    const guesses = (await checkIns(hostHien, wrong)).json().results.map((r: { reason: string }) => r.reason);
    expect(guesses[9]).toBe('Mã điểm danh không đúng với điểm cầu này của lớp: hãy quét lại mã đang hiện ở điểm cầu nơi bạn ngồi.');
    expect(guesses[10]).toBe('Bạn đã nhập sai mã 10 lần trong 10 phút; hãy đợi rồi quét lại mã, hoặc nhờ người phụ trách điểm cầu điểm danh.');
    const right = await checkInCode(secret, open.id, point.maiSon, windowOf(clock.now()));
    expect((await checkIns(hostHien, [self(right, clock.now())])).json().results[0].status).toBe('rejected');
    // the session of 05/11 closed at 11:05: a host's record of that morning arriving two weeks later is refused
    const stale = await checkIns(hostHien, [{ id: uid(), trainingId, pointId: point.chiengAn, method: 'host', walkIn: { fullName: 'Lò Văn Muộn' }, checkedInAt: '2026-11-05T10:50:00+07:00' }]);
    expect(stale.json().results[0].reason).toBe('Ban tổ chức đã đóng điểm danh lúc 11:05 ngày 05/11/2026; lượt điểm danh gửi sau hơn 24 giờ không được nhận nữa, hãy báo ban tổ chức.');
  });
});

describe('names of provinces', () => {
  it('a province is "Tỉnh …", a city keeps its own name once', async () => {
    const { unitTitle } = await import('./trainings.repo.js');
    const rows = await queryRows<{ level: string; kind: string; name: string }>(database.db, sql`select level, kind, name from admin_units where level = 'province' and code in ('01', '14') and valid_to is null order by code`);
    expect(rows.map(unitTitle)).toEqual(['Thành phố Hà Nội', 'Tỉnh Sơn La']);
    const [fromSql] = await queryRows<{ t: string }>(database.db, sql`select ${(await import('./trainings.repo.js')).unitTitleSql('u')} as t from admin_units u where level = 'province' and code = '01' and valid_to is null`);
    expect(fromSql.t).toBe('Thành phố Hà Nội');
  });
});


describe('changing a session', () => {
  it('moving the start moves who counts as late', async () => {
    const [s] = await queryRows<{ id: number; version: number }>(database.db, sql`select id, version from training_sessions where day = '2026-11-20' order by id limit 1`);
    const lateOf = async () => (await queryRows<{ late: boolean }>(database.db, sql`select late from training_attendance where training_id = ${s.id} and member_id = ${member['Lê Văn An']}`))[0].late;
    expect(await lateOf()).toBe(false); // 08:40 against a start at 08:30
    const res = await province.request({ method: 'PUT', url: `/api/trainings/${s.id}`, payload: { ...plan(), startsAt: '2026-11-20T08:00:00+07:00', endsAt: '2026-11-20T11:30:00+07:00', version: s.version } });
    expect(res.statusCode).toBe(200);
    expect(await lateOf()).toBe(true);
    expect((await province.get(`/api/trainings/${s.id}`)).json().totals.late).toBe(1);
  });
});

describe('the report against plain counts', () => {
  it('every total of the province’s report equals a plain count over the tables, for each period', async () => {
    for (const [from, to] of [['2026-11-01', '2026-11-30'], ['2026-11-20', '2026-11-20'], ['2026-01-01', '2026-12-31']]) {
      const r = (await province.get(`/api/reports/trainings?unit=14&from=${from}&to=${to}`)).json();
      const [plain] = await queryRows<Record<string, number>>(database.db, sql`
        with s as (select id from training_sessions where province_code = '14' and day between ${from} and ${to} and day <= ${todayInVietnam(clock.now())})
        select (select count(*)::int from s) as sessions,
          (select count(distinct sp.point_id)::int from training_session_points sp where sp.training_id in (select id from s)) as points,
          (select count(distinct member_id)::int from training_invitations where training_id in (select id from s)) as invited,
          (select count(*)::int from training_invitations where training_id in (select id from s)) as invitations,
          (select count(distinct member_id)::int from training_attendance where training_id in (select id from s)) as attended,
          (select count(*)::int from training_attendance a join training_invitations i on i.training_id = a.training_id and i.member_id = a.member_id where a.training_id in (select id from s)) as "invitationsAttended",
          (select count(*)::int from training_attendance where member_id is null and training_id in (select id from s)) as "walkIns"`);
      expect([from, to, r.totals]).toMatchObject([from, to, plain]);
    }
  });
});

describe('the report’s kept counts (migration 0019)', () => {
  const kept = async () => ({
    reach: await queryRows<Record<string, number | string>>(database.db, sql`select training_id, commune_id, team_id, province_code, invitations, checkins, honoured, walk_ins from training_reach order by 1, 2, 3`),
    people: await queryRows<Record<string, number | string>>(database.db, sql`select member_id, team_id, commune_id, province_code, invited::text, attended::text from training_member_reach order by 1, 2, 3`),
  });
  it('equal a rebuild from the tables after a day moved, an audience changed, a check-in removed and a session deleted', async () => {
    const [s] = await queryRows<{ id: number; version: number }>(database.db, sql`select id, version from training_sessions where day = '2026-11-20' and closed_at is null order by id limit 1`);
    const before = await kept();
    expect(before.reach.length).toBeGreaterThan(0);
    // a day moved and the audience narrowed to one person: invitations go, the check-ins' days move
    const moved = await province.request({ method: 'PUT', url: `/api/trainings/${s.id}`, payload: { ...plan(), audience: { memberIds: [member['Lê Văn An']] }, startsAt: '2026-11-22T08:00:00+07:00', endsAt: '2026-11-22T11:00:00+07:00', version: s.version } });
    expect(moved.statusCode).toBe(200);
    const afterMove = await kept();
    const invitedHere = afterMove.reach.filter((c) => c.training_id === s.id).reduce((n, c) => n + Number(c.invitations), 0);
    expect(invitedHere).toBe(1);
    expect(afterMove.people.find((p) => p.member_id === member['Lê Văn An'])?.invited).toContain('2026-11-22');
    // a check-in removed, a session deleted (operator paths): the cascade finds no session to count
    await database.db.execute(sql`delete from training_attendance where id = (select id from training_attendance where member_id is not null order by id limit 1)`);
    const [other] = await queryRows<{ id: number }>(database.db, sql`select id from training_sessions where id <> ${s.id} order by id desc limit 1`);
    await database.db.execute(sql`delete from training_sessions where id = ${other.id}`);
    const now = await kept();
    expect(now.reach.some((c) => c.training_id === other.id)).toBe(false);
    await database.db.execute(sql`select training_reach_rebuild()`);
    expect(await kept()).toEqual(now);
  });
  it('the report still equals plain counts after those edits', async () => {
    const r = (await province.get('/api/reports/trainings?unit=14&from=2026-11-01&to=2026-11-30')).json();
    const [plain] = await queryRows<Record<string, number>>(database.db, sql`
      with s as (select id from training_sessions where province_code = '14' and day between '2026-11-01' and '2026-11-30' and day <= ${todayInVietnam(clock.now())})
      select (select count(distinct member_id)::int from training_invitations where training_id in (select id from s)) as invited,
        (select count(*)::int from training_invitations where training_id in (select id from s)) as invitations,
        (select count(distinct member_id)::int from training_attendance where training_id in (select id from s)) as attended,
        (select count(*)::int from training_attendance where member_id is null and training_id in (select id from s)) as "walkIns"`);
    expect(r.totals).toMatchObject(plain);
  });
});

describe('what the breaker found (fixed)', () => {
  it('two hosts syncing the same people in opposite orders at once both succeed (no deadlock), each person counted once', async () => {
    const [open] = await queryRows<{ id: number; startsAt: string }>(database.db, sql`select s.id, s.starts_at as "startsAt" from training_sessions s join training_session_points sp on sp.training_id = s.id and sp.point_id = ${point.chiengAn} where s.closed_at is null order by s.id limit 1`);
    const at = new Date(new Date(open.startsAt).getTime() + 10 * 60_000);
    clock.set(at);
    const people = ['Hà Thị Hiền', 'Lò Văn Bình', 'Quàng Thị Hoà'].map((n) => member[n]);
    await database.db.execute(sql`delete from training_attendance where training_id = ${open.id} and member_id = any(${sql.param(people)}::int[])`);
    const batch = (ids: number[]) => ids.map((m) => ({ id: uid(), trainingId: open.id, pointId: point.chiengAn, method: 'host', memberId: m, checkedInAt: at.toISOString() }));
    const [a, b] = await Promise.all([checkIns(hostHien, batch(people)), checkIns(officerChiengAn, batch([...people].reverse()))]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const statuses = [...a.json().results, ...b.json().results].map((r: { status: string }) => r.status).sort();
    expect(statuses).toEqual(['accepted', 'accepted', 'accepted', 'duplicate', 'duplicate', 'duplicate']);
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from training_attendance where training_id = ${open.id} and member_id = any(${sql.param(people)}::int[])`);
    expect(n.n).toBe(3);
  });

  it('the host’s "Về": a later record of the same member with a leaving time adds it to the first check-in, and says so', async () => {
    const [open] = await queryRows<{ id: number; startsAt: string }>(database.db, sql`select s.id, s.starts_at as "startsAt" from training_sessions s join training_session_points sp on sp.training_id = s.id and sp.point_id = ${point.chiengAn} where s.closed_at is null order by s.id limit 1`);
    const at = new Date(new Date(open.startsAt).getTime() + 15 * 60_000);
    clock.set(new Date(at.getTime() + 60 * 60_000));
    await database.db.execute(sql`delete from training_attendance where training_id = ${open.id} and member_id = ${member['Lò Văn Bình']}`);
    const first = await checkIns(hostHien, [{ id: uid(), trainingId: open.id, pointId: point.chiengAn, method: 'host', memberId: member['Lò Văn Bình'], checkedInAt: at.toISOString() }]);
    expect(first.json().results[0].status).toBe('accepted');
    const leave = await checkIns(hostHien, [{ id: uid(), trainingId: open.id, pointId: point.chiengAn, method: 'host', memberId: member['Lò Văn Bình'], checkedInAt: clock.now().toISOString(), leftAt: clock.now().toISOString() }]);
    expect(leave.json().results[0]).toMatchObject({ status: 'duplicate', fullName: 'Lò Văn Bình' });
    expect(leave.json().results[0].reason).toMatch(/^Lò Văn Bình về lúc \d\d:\d\d ngày \d\d\/\d\d\/2026 \(điểm danh lúc \d\d:\d\d ngày \d\d\/\d\d\/2026\)\.$/);
    const [row] = await queryRows<{ leftAt: string | null }>(database.db, sql`select left_at as "leftAt" from training_attendance where training_id = ${open.id} and member_id = ${member['Lò Văn Bình']}`);
    expect(new Date(row.leftAt!).toISOString()).toBe(clock.now().toISOString());
  });

  it('a host’s record for a session left open, arriving more than 7 days after its end, is refused', async () => {
    const [open] = await queryRows<{ id: number; endsAt: string }>(database.db, sql`select s.id, s.ends_at as "endsAt" from training_sessions s join training_session_points sp on sp.training_id = s.id and sp.point_id = ${point.chiengAn} where s.closed_at is null order by s.id limit 1`);
    const end = new Date(open.endsAt);
    clock.set(new Date(end.getTime() + 7 * 86_400_000 + 3_600_000));
    const res = await checkIns(hostHien, [{ id: uid(), trainingId: open.id, pointId: point.chiengAn, method: 'host', walkIn: { fullName: 'Lò Văn Muộn' }, checkedInAt: new Date(end.getTime() - 60_000).toISOString() }]);
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', field: 'checkedInAt' });
    expect(res.json().results[0].reason).toMatch(/^Lớp đã kết thúc lúc .*, quá 7 ngày trước; lượt điểm danh gửi muộn như vậy không được nhận, hãy báo ban tổ chức\.$/);
  });

  it('merging a duplicate person moves their invitations and check-ins to the survivor, and the kept counts follow', async () => {
    const [s] = await queryRows<{ id: number }>(database.db, sql`select training_id as id from training_attendance where member_id = ${member['Quàng Thị Hoà']} order by training_id limit 1`);
    const [team] = await queryRows<{ teamId: number }>(database.db, sql`select team_id as "teamId" from team_members where member_id = ${member['Quàng Thị Hoà']} and left_on is null`);
    const [dup] = await queryRows<{ id: number }>(database.db, sql`insert into members (full_name, name_key, search_key, gender, birth_year) select full_name, name_key, search_key, gender, birth_year from members where id = ${member['Quàng Thị Hoà']} returning id`);
    await database.db.execute(sql`insert into team_members (team_id, member_id, role, joined_on) values (${team.teamId}, ${dup.id}, 'member', '2026-01-01')`);
    // the duplicate was checked in at another session (and invited to it), the survivor at the first
    const [other] = await queryRows<{ id: number }>(database.db, sql`select id from training_sessions where id <> ${s.id} order by id limit 1`);
    await database.db.execute(sql`delete from training_attendance where training_id = ${other.id} and member_id = ${member['Quàng Thị Hoà']}`);
    const [pt] = await queryRows<{ pointId: number }>(database.db, sql`select point_id as "pointId" from training_session_points where training_id = ${other.id} limit 1`);
    await database.db.execute(sql`insert into training_invitations (training_id, member_id, team_id, commune_id, province_code) select ${other.id}, ${dup.id}, t.id, t.commune_id, t.province_code from teams t where t.id = ${team.teamId}`);
    await database.db.execute(sql`insert into training_attendance (id, training_id, point_id, member_id, method, checked_in_at, invited, team_id, commune_id, province_code)
      select ${uid()}, ${other.id}, ${pt.pointId}, ${dup.id}, 'organiser', s.starts_at, true, t.id, t.commune_id, t.province_code from training_sessions s, teams t where s.id = ${other.id} and t.id = ${team.teamId}`);
    const versions = await queryRows<{ id: number; version: number }>(database.db, sql`select id, version from members where id in (${dup.id}, ${member['Quàng Thị Hoà']})`);
    const v = (id: number) => versions.find((x) => x.id === id)!.version;
    const res = await officerChiengAn.post(`/api/members/${dup.id}/merge`, { version: v(dup.id), into: member['Quàng Thị Hoà'], intoVersion: v(member['Quàng Thị Hoà']) });
    expect(res.statusCode).toBe(200);
    const left = await queryRows<{ n: number }>(database.db, sql`select (select count(*) from training_attendance where member_id = ${dup.id}) + (select count(*) from training_invitations where member_id = ${dup.id}) + (select count(*) from training_member_reach where member_id = ${dup.id}) as n`);
    expect(Number(left[0].n)).toBe(0);
    const moved = await queryRows<{ trainingId: number; invited: boolean }>(database.db, sql`select training_id as "trainingId", invited from training_attendance where member_id = ${member['Quàng Thị Hoà']} and training_id = ${other.id}`);
    expect(moved).toEqual([{ trainingId: other.id, invited: true }]);
    const snapshot = async () => queryRows(database.db, sql`select * from training_member_reach order by member_id, team_id, commune_id`);
    const before = await snapshot();
    await database.db.execute(sql`select training_reach_rebuild()`);
    expect(await snapshot()).toEqual(before);
  });
});

describe('a period reaching past today', () => {
  it('counts what was held up to today, says so, and a period not begun counts nothing', async () => {
    clock.set('2026-11-10T12:00:00+07:00');
    const r = (await province.get('/api/reports/trainings?unit=14&from=2026-11-01&to=2026-12-31')).json();
    expect([r.to, r.heldUntil]).toEqual(['2026-12-31', '2026-11-10']);
    const [held] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from training_sessions where province_code = '14' and day between '2026-11-01' and '2026-11-10'`);
    expect(r.totals.sessions).toBe(held.n);
    expect(r.sentence.startsWith('Từ 01/11/2026 đến 10/11/2026, ')).toBe(true);
    const later = (await province.get('/api/reports/trainings?unit=14&from=2026-12-01&to=2026-12-31')).json();
    expect([later.heldUntil, later.totals.sessions, later.totals.invited, later.totals.invitations]).toEqual([null, 0, 0, 0]);
  });
});
