import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { csv, xlsx } from '../../test/fixtures.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';

/**
 * The dashboards' files and the population import, over HTTP.
 * Registry: SON_LA_ROSTER — the commune team of Phường Chiềng An (03664: Hà Thị Hiền, Lò Văn Bình,
 * Quàng Thị Hoà) and the village team of Tiểu khu 6 in Xã Mai Sơn (04105: Nguyễn Thị Hà, Lê Văn An).
 * Sessions (synced through the API):
 *   31/10 23:30  Chiềng An  home       Hiền         zalo informed                 (October)
 *   02/11 09:00  Chiềng An  home       Hiền         vneid eid_level2, zalo installed; resident 0912 000 999
 *   03/11 10:00  Chiềng An  group ×10  Hiền, Bình   vneid informed, cashless installed; at the service centre
 *   10/11 08:00  Chiềng An  home       Hoà          zalo installed; resident 0912 000 999 again
 *   16/11 14:00  Chiềng An  desk       Bình         public_services submitted_online
 *   05/11 08:00  Tiểu khu 6 home       Lê Văn An    vneid installed
 * So Chiềng An in November: 4 sessions, 13 heads, 12 people (the recognised resident once).
 */
let database: Database;
let app: TestAppInstance;
let admin: TestClient;
let officer: TestClient;
let teamId: number;
let member: Record<string, number>;

const SENTENCE = 'Các tổ công nghệ số cộng đồng ở Phường Chiềng An đã hướng dẫn 12 người dân cài đặt và sử dụng: VNeID (định danh điện tử), Thanh toán không dùng tiền mặt, Zalo, Dịch vụ công trực tuyến.';
const NOVEMBER = 'period=month&date=2026-11-15';

// "today" is pinned (a year's trend stops at today: issue 13, item 9)
const restoreClock = useClock(new FixedClock('2026-12-02T10:00:00+07:00'));
afterAll(() => restoreClock());

beforeAll(async () => {
  database = await testDatabase();
  app = await testApp(database);
  const registry = await sessionsRegistry(database.db);
  teamId = registry.team.chiengAn;
  const village = registry.team.tieuKhu6;
  member = registry.member;
  admin = await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
  officer = await signedInClient(app, database.db, { username: 'canbo.chiengan', role: 'commune_officer', unit: '03664' });
  const rec = (occurredAt: string, memberNames: string[], services: [string, string][], over: Record<string, unknown> = {}) => ({
    id: crypto.randomUUID(),
    teamId,
    memberIds: memberNames.map((n) => member[n]),
    occurredAt,
    kind: 'home',
    services: services.map(([code, outcome]) => ({ code, outcome })),
    ...over,
  });
  const resident = { phone: '0912 000 999', consent: true };
  const res = await admin.post('/api/support-sessions/sync', {
    records: [
      rec('2026-10-31T23:30:00+07:00', ['Hà Thị Hiền'], [['zalo', 'informed']]),
      rec('2026-11-02T09:00:00+07:00', ['Hà Thị Hiền'], [['vneid', 'eid_level2'], ['zalo', 'installed']], { resident }),
      rec('2026-11-03T10:00:00+07:00', ['Hà Thị Hiền', 'Lò Văn Bình'], [['vneid', 'informed'], ['cashless', 'installed']], { kind: 'group', residentsCount: 10, atServiceCentre: true }),
      rec('2026-11-10T08:00:00+07:00', ['Quàng Thị Hoà'], [['zalo', 'installed']], { resident }),
      rec('2026-11-16T14:00:00+07:00', ['Lò Văn Bình'], [['public_services', 'submitted_online']], { kind: 'help_desk' }),
      rec('2026-11-05T08:00:00+07:00', ['Lê Văn An'], [['vneid', 'installed']], { teamId: village }),
    ],
  });
  expect(res.json()).toMatchObject({ accepted: 6, rejected: 0 });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** A workbook's sheet as plain rows of values (hyperlinks and rich text as text). */
function sheetRows(ws: ExcelJS.Worksheet): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const values = Array.from((row.values as unknown[]).slice(1)); // a blank cell is a hole
    rows.push(values.map((v) => (v === undefined || v === null ? null : (v as string | number))));
  });
  return rows;
}

async function readWorkbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

const population = async () =>
  queryRows<{ code: string; year: number; population: number; households: number | null }>(
    database.db,
    sql`select u.code, p.year, p.population, p.households from unit_population p join admin_units u on u.id = p.unit_id order by u.code, p.year`,
  );

const upload = (client: TestClient, name: string, data: Buffer, query = '') => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  return client.request({ method: 'POST', url: `/api/population/import${query}`, payload: form });
};

describe('dashboard export', () => {
  it('downloads each table of the commune dashboard as CSV with a BOM', async () => {
    const services = await officer.get(`/api/reports/support?unit=03664&${NOVEMBER}&format=csv&table=services`);
    expect(services.statusCode).toBe(200);
    expect(services.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(services.headers['content-disposition']).toBe('attachment; filename="hoat-dong-03664-2026-11-01-2026-11-30-services.csv"');
    expect(services.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(services.rawPayload.toString('utf8')).toBe(
      '\ufeff' +
        [
          'Dịch vụ,Số buổi,Lượt người dân,"Đã hướng dẫn, giới thiệu",Đã cài đặt ứng dụng,Đã tạo tài khoản,Đã kích hoạt định danh điện tử mức 2,Đã nộp hồ sơ trực tuyến,Đã thanh toán trực tuyến',
          'VNeID (định danh điện tử),2,11,10,0,0,1,0,0',
          'Thanh toán không dùng tiền mặt,1,10,0,10,0,0,0,0',
          'Zalo,2,2,0,2,0,0,0,0',
          'Dịch vụ công trực tuyến,1,1,0,0,0,0,1,0',
          '',
        ].join('\n'),
    );

    const children = await officer.get(`/api/reports/support?unit=03664&${NOVEMBER}&format=csv&table=children`);
    expect(children.body).toBe('\ufeffMã,Tổ,Số buổi,Lượt người dân\n' + `${teamId},Tổ công nghệ số cộng đồng xã Chiềng Xôm,4,13\n` + ',Tổng cộng: Phường Chiềng An,4,13\n');

    // a year in month buckets: every month up to today listed, empty ones as 0, December up to today (02/12); October holds the late-night session
    const trend = await officer.get('/api/reports/support?unit=03664&period=year&date=2026-06-01&format=csv&table=trend');
    const lines = trend.body.replace(/^\ufeff/, '').trimEnd().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe('Từ ngày,Đến ngày,Số buổi,Lượt người dân');
    expect(lines[1]).toBe('01/01/2026,31/01/2026,0,0');
    expect(lines[2]).toBe('01/02/2026,28/02/2026,0,0');
    expect(lines.slice(10)).toEqual(['01/10/2026,31/10/2026,1,1', '01/11/2026,30/11/2026,4,13', '01/12/2026,02/12/2026,0,0']);
  });

  it('downloads the commune dashboard as .xlsx: summary, services, teams, days', async () => {
    await admin.post('/api/population', { rows: [{ unit: '03664', year: 2026, population: 5000, households: 1250 }] });
    const res = await officer.get(`/api/reports/support?unit=03664&${NOVEMBER}&format=xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hoat-dong-03664-2026-11-01-2026-11-30.xlsx"');
    const wb = await readWorkbook(res.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo dịch vụ', 'Theo tổ', 'Theo thời gian']);
    expect(sheetRows(wb.getWorksheet('Tổng hợp')!)).toEqual([
      ['BÁO CÁO HOẠT ĐỘNG HƯỚNG DẪN NGƯỜI DÂN — PHƯỜNG CHIỀNG AN'],
      ['Đơn vị', 'Phường Chiềng An'],
      ['Cấp', 'Xã/phường'],
      ['Mã', '03664'],
      ['Từ ngày', '01/11/2026'],
      ['Đến ngày', '30/11/2026'],
      ['Số buổi hướng dẫn', 4],
      ['Lượt người dân được hướng dẫn', 13],
      ['Số người dân (mỗi người tính một lần)', 12],
      ['Trong đó nhận diện qua số điện thoại/CCCD', 1],
      ['Số buổi theo hình thức: Hướng dẫn tại nhà (một người)', 2],
      ['Số buổi theo hình thức: Buổi hướng dẫn nhóm', 1],
      ['Số buổi theo hình thức: Tại bàn hỗ trợ', 1],
      ['Số buổi theo nơi: Tại Trung tâm phục vụ hành chính công', 1],
      ['Số buổi theo nơi: Nơi khác (nhà dân, thôn, bản, tổ dân phố…)', 3],
      ['Dân số (năm 2026; 1/1 xã có số liệu)', 5000],
      ['Tỷ lệ người dân được hướng dẫn trên dân số', 0.0024],
      ['Tóm tắt', SENTENCE],
      ['Ngày lập', formatDateVi(todayInVietnam())],
    ]);
    expect(wb.getWorksheet('Tổng hợp')!.getCell('B17').numFmt).toBe('0.00%');
    expect(sheetRows(wb.getWorksheet('Theo dịch vụ')!)).toEqual([
      ['Dịch vụ', 'Số buổi', 'Lượt người dân', 'Đã hướng dẫn, giới thiệu', 'Đã cài đặt ứng dụng', 'Đã tạo tài khoản', 'Đã kích hoạt định danh điện tử mức 2', 'Đã nộp hồ sơ trực tuyến', 'Đã thanh toán trực tuyến'],
      ['VNeID (định danh điện tử)', 2, 11, 10, 0, 0, 1, 0, 0],
      ['Thanh toán không dùng tiền mặt', 1, 10, 0, 10, 0, 0, 0, 0],
      ['Zalo', 2, 2, 0, 2, 0, 0, 0, 0],
      ['Dịch vụ công trực tuyến', 1, 1, 0, 0, 0, 0, 1, 0],
    ]);
    expect(sheetRows(wb.getWorksheet('Theo tổ')!)).toEqual([
      ['Mã', 'Tổ', 'Số buổi', 'Lượt người dân'],
      [String(teamId), 'Tổ công nghệ số cộng đồng xã Chiềng Xôm', 4, 13],
      [null, 'Tổng cộng: Phường Chiềng An', 4, 13],
    ]);
    const days = sheetRows(wb.getWorksheet('Theo thời gian')!);
    expect(days).toHaveLength(31);
    expect(days.slice(0, 4)).toEqual([
      ['Từ ngày', 'Đến ngày', 'Số buổi', 'Lượt người dân'],
      ['01/11/2026', '01/11/2026', 0, 0],
      ['02/11/2026', '02/11/2026', 1, 1],
      ['03/11/2026', '03/11/2026', 1, 10],
    ]);
    expect(days[16]).toEqual(['16/11/2026', '16/11/2026', 1, 1]);
    expect(days[30]).toEqual(['30/11/2026', '30/11/2026', 0, 0]);
  });

  it('exports a team’s members (by given name) and a member without a children sheet', async () => {
    const team = await readWorkbook((await officer.get(`/api/reports/support?team=${teamId}&${NOVEMBER}&format=xlsx`)).rawPayload);
    expect(team.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo dịch vụ', 'Theo thành viên', 'Theo thời gian']);
    expect(sheetRows(team.getWorksheet('Theo thành viên')!)).toEqual([
      ['Mã', 'Thành viên', 'Số buổi', 'Lượt người dân'],
      [String(member['Lò Văn Bình']), 'Lò Văn Bình', 2, 11],
      [String(member['Hà Thị Hiền']), 'Hà Thị Hiền', 2, 11],
      [String(member['Quàng Thị Hoà']), 'Quàng Thị Hoà', 1, 1],
      [null, 'Tổng cộng: Tổ công nghệ số cộng đồng xã Chiềng Xôm', 4, 13],
    ]);
    const one = await officer.get(`/api/reports/support?member=${member['Lò Văn Bình']}&${NOVEMBER}&format=xlsx`);
    expect(one.headers['content-disposition']).toBe(`attachment; filename="hoat-dong-thanh-vien-${member['Lò Văn Bình']}-2026-11-01-2026-11-30.xlsx"`);
    const wb = await readWorkbook(one.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo dịch vụ', 'Theo thời gian']);
    expect(sheetRows(wb.getWorksheet('Tổng hợp')!).slice(1, 9)).toEqual([
      ['Đơn vị', 'Lò Văn Bình'],
      ['Cấp', 'Thành viên'],
      ['Mã', String(member['Lò Văn Bình'])],
      ['Từ ngày', '01/11/2026'],
      ['Đến ngày', '30/11/2026'],
      ['Số buổi hướng dẫn', 2],
      ['Lượt người dân được hướng dẫn', 11],
      ['Số người dân (mỗi người tính một lần)', 11],
    ]);
  });

  it('exports the province with every commune, and refuses what is out of scope or unknown', async () => {
    const province = await admin.get(`/api/reports/support?unit=14&${NOVEMBER}&format=csv&table=children`);
    const lines = province.body.replace(/^\ufeff/, '').trimEnd().split('\n');
    expect(lines[0]).toBe('Mã,Xã/phường,Số buổi,Lượt người dân');
    expect(lines).toHaveLength(77); // 75 communes and wards, the header and the total
    expect(lines).toContain('03664,Phường Chiềng An,4,13');
    expect(lines).toContain('04105,Xã Mai Sơn,1,1');
    expect(lines.at(-1)).toBe(',Tổng cộng: Sơn La,5,14');
    expect((await officer.get(`/api/reports/support?unit=04105&${NOVEMBER}&format=xlsx`)).statusCode).toBe(403);
    const bad = await officer.get(`/api/reports/support?unit=03664&format=pdf`);
    expect(bad.statusCode).toBe(400);
    expect((await officer.get(`/api/reports/support?unit=03664&format=csv&table=people`)).statusCode).toBe(400);
  });
});

describe('population import', () => {
  it('imports a CSV (codes without their leading zero, Vietnamese thousands, a totals row) and the report shows coverage', async () => {
    await database.db.execute(sql`delete from unit_population`);
    const file = csv([
      ['STT', 'Mã xã', 'Tên xã', 'Năm', 'Dân số', 'Số hộ'],
      [1, '3664', 'Phường Chiềng An', 2026, '5.600', '1.400'],
      [2, '04105', 'Mai Sơn', 2026, '12345', ''],
      ['', '', 'Tổng cộng', '', '17.945', ''],
    ]);
    const res = await admin.request({ method: 'POST', url: '/api/population/import', payload: (() => { const f = new FormData(); f.append('file', new Blob([new Uint8Array(file)]), 'dan-so-2026.csv'); return f; })() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      saved: 2,
      fileName: 'dan-so-2026.csv',
      rows: [
        { line: 2, unit: '03664', name: 'Phường Chiềng An', year: 2026, population: 5600, households: 1400 },
        { line: 3, unit: '04105', name: 'Xã Mai Sơn', year: 2026, population: 12345, households: null },
      ],
    });
    expect(await population()).toEqual([
      { code: '03664', year: 2026, population: 5600, households: 1400 },
      { code: '04105', year: 2026, population: 12345, households: null },
    ]);
    const report = (await officer.get(`/api/reports/support?unit=03664&${NOVEMBER}`)).json();
    expect(report.coverage).toEqual({ population: 5600, year: 2026, communesWithFigures: 1, communes: 1, ratio: 0.0021 });
  });

  it('imports an .xlsx with a title above the header, headers in capitals and units, and the year chosen', async () => {
    const file = await xlsx([
      { name: 'Ghi chú', rows: [['Số liệu dân số do Chi cục Thống kê cung cấp']] },
      {
        name: 'Dân số',
        rows: [
          ['UBND TỈNH SƠN LA'],
          ['DÂN SỐ CÁC XÃ, PHƯỜNG NĂM 2025'],
          ['MÃ XÃ', 'TÊN XÃ, PHƯỜNG', 'DÂN SỐ (NGƯỜI)', 'SỐ HỘ GIA ĐÌNH'],
          [3664, 'P. Chiềng An', 5400, 1350],
        ],
      },
    ]);
    const res = await upload(officer, 'dan-so-2025.xlsx', file, '?year=2025');
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([{ line: 4, unit: '03664', name: 'Phường Chiềng An', year: 2025, population: 5400, households: 1350 }]);
    expect(await population()).toEqual([
      { code: '03664', year: 2025, population: 5400, households: 1350 },
      { code: '03664', year: 2026, population: 5600, households: 1400 },
      { code: '04105', year: 2026, population: 12345, households: null },
    ]);
  });

  it('refuses a bad file whole, naming each row, column and fix, and writes nothing', async () => {
    const before = await population();
    const file = csv([
      ['Mã xã', 'Tên xã', 'Năm', 'Dân số', 'Số hộ'],
      ['03664', 'Phường Chiềng An', 2027, '6000', ''],
      ['99999', 'Xã Không Có', 2027, '100', ''],
      ['04105', 'Xã Mai Sơn', 2027, 'nhiều', ''],
      ['04105', 'Xã Chiềng Mung', 2027, '100', ''],
      ['03664', 'Phường Chiềng An', 2027, '6100', ''],
      ['CA-01', 'Sơn La', 2027, '1', ''],
    ]);
    const res = await upload(admin, 'dan-so-loi.csv', file);
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('IMPORT_HAS_ERRORS');
    // every problem at once: the rows that read well have their codes checked too
    expect(error.details.problems).toEqual([
      { row: 3, column: 'Mã xã', message: 'Không có xã, phường hiện hành mã 99999. Hãy kiểm tra lại mã (5 chữ số, sau 01/07/2025).' },
      { row: 4, column: 'Dân số', message: 'Dân số "nhiều" không phải số người hợp lệ. Hãy ghi số nguyên, ví dụ 12.345.' },
      { row: 5, column: 'Tên xã', message: 'Mã 04105 là "Xã Mai Sơn", nhưng tên ghi là "Xã Chiềng Mung". Hãy sửa mã hoặc tên cho khớp.' },
      { row: 6, column: 'Mã xã', message: 'Mã xã 03664 năm 2027 đã có ở dòng 2. Mỗi xã chỉ ghi một dòng cho mỗi năm; hãy xóa dòng thừa.' },
      { row: 7, column: 'Mã xã', message: 'Mã xã "CA-01" không đúng: mã xã gồm 5 chữ số (ví dụ 03664).' },
    ]);
    expect(error.message).toBe(
      'Tệp "dan-so-loi.csv" có 5 lỗi nên chưa ghi dòng nào. dòng 3, cột "Mã xã": Không có xã, phường hiện hành mã 99999. Hãy kiểm tra lại mã (5 chữ số, sau 01/07/2025). dòng 4, cột "Dân số": Dân số "nhiều" không phải số người hợp lệ. Hãy ghi số nguyên, ví dụ 12.345. dòng 5, cột "Tên xã": Mã 04105 là "Xã Mai Sơn", nhưng tên ghi là "Xã Chiềng Mung". Hãy sửa mã hoặc tên cho khớp. (và 2 lỗi khác) Hãy sửa rồi tải lên lại.',
    );

    // the rows read well, but the codes do not name the communes written beside them
    const units = await upload(admin, 'dan-so-ma.csv', csv([['Mã xã', 'Tên xã', 'Năm', 'Dân số'], ['99999', 'Xã Không Có', 2027, 100], ['04105', 'Xã Chiềng Mung', 2027, 100], ['03664', 'Chiềng An', 2027, 6000]]));
    expect(units.statusCode).toBe(422);
    expect(units.json().error.details.problems).toEqual([
      { row: 2, column: 'Mã xã', message: 'Không có xã, phường hiện hành mã 99999. Hãy kiểm tra lại mã (5 chữ số, sau 01/07/2025).' },
      { row: 3, column: 'Tên xã', message: 'Mã 04105 là "Xã Mai Sơn", nhưng tên ghi là "Xã Chiềng Mung". Hãy sửa mã hoặc tên cho khớp.' },
    ]);

    const noHeader = await upload(admin, 'khong-tieu-de.csv', csv([['03664', '5000'], ['04105', '12000']]));
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.json().error.message).toBe(
      'Tệp "khong-tieu-de.csv" có 1 lỗi nên chưa ghi dòng nào. dòng 1: Không tìm thấy dòng tiêu đề có cột "Mã xã" và cột "Dân số". Hãy thêm dòng tiêu đề, ví dụ: Mã xã | Tên xã | Năm | Dân số | Số hộ (mã xã là mã 5 chữ số sau 01/07/2025). Hãy sửa rồi tải lên lại.',
    );
    const noYear = await upload(admin, 'khong-nam.csv', csv([['Mã xã', 'Dân số'], ['03664', '5000']]));
    expect([noYear.statusCode, noYear.json().error.details.problems]).toEqual([422, [{ row: 1, column: null, message: 'Tệp không có cột "Năm" và chưa chọn năm. Hãy thêm cột "Năm" hoặc chọn năm của số liệu.' }]]);

    const pdf = await upload(admin, 'dan-so.pdf', Buffer.from('%PDF-1.7\n…'));
    expect([pdf.statusCode, pdf.json().error.code]).toEqual([422, 'IMPORT_FILE_UNREADABLE']);
    expect(pdf.json().error.message).toBe('Không đọc được tệp "dan-so.pdf": đây là tệp PDF, không phải bảng tính. Hãy tải lên tệp Excel (.xlsx) hoặc CSV của danh sách.');

    const none = await admin.request({ method: 'POST', url: '/api/population/import', payload: new FormData() });
    expect(none.statusCode).toBe(400);

    // a commune officer's file with another commune in it: refused whole, the first row not written either
    const away = await upload(officer, 'dan-so-2027.csv', csv([['Mã xã', 'Năm', 'Dân số'], ['03664', 2027, 6000], ['04105', 2027, 13000]]));
    expect(away.statusCode).toBe(403);
    expect(away.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', message: 'Bạn không có quyền với xã "Xã Mai Sơn" (dòng 3 của tệp "dan-so-2027.csv") (ngoài phạm vi được giao).' });

    expect(await population()).toEqual(before);
  });
});
