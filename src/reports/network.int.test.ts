import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { ALL } from '../access/access.policy.js';
import { generateDemo } from '../demo/demo.service.js';
import { importRoster } from '../imports/imports.service.js';
import { signedInClient } from '../../test/auth.js';
import { testApp, testDatabase } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';
import { yearInVietnam } from '../text/dates.js';
import { type Breakdown, networkReport } from './network.service.js';

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
  const y = yearInVietnam();
  const roster = csv([
    HEADER,
    ['Sơn La', 'Chiềng An', '', '', 'Hà Thị Hiền', 'Nữ', y - 25, '0912345678', 'Tổ trưởng', 'Đoàn Thanh niên'],
    ['Sơn La', 'Chiềng An', '', '', 'Lò Văn Bình', 'Nam', y - 40, '0912345679', 'Tổ phó', 'Công an xã, Chi bộ'],
    ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Hà Thị Hiền', 'Nữ', y - 25, '0912345678', 'Thành viên', 'Đoàn Thanh niên'],
    ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Quàng Văn Dũng', '', '', '', 'Tổ trưởng', 'Trưởng bản'],
    ['Sơn La', 'Chiềng An', '', 'Bản Mé', 'Lò Thị Mai', 'Nữ', y - 70, '0912345670', '', ''],
    ['Sơn La', 'Mai Sơn', '', '', 'Cầm Thị Oanh', 'Nữ', y - 50, '0912345671', 'Tổ trưởng', 'Hội Phụ nữ'],
  ]);
  const r = await importRoster(database.db, { name: 'r.csv', data: roster }, { scope: ALL, commit: true, maxBytes: 1e7 });
  expect(r.counts).toEqual({ new: 6, updated: 0, unchanged: 0, invalid: 0 });
  // a unit name that a spreadsheet would run as a formula (imports refuse such names; older data may hold them)
  await database.db.execute(sql`update admin_units set name = '=HYPERLINK("http://x")' where name = 'Bản Mé'`);
});
afterAll(() => database.close());

const sumChildren = (children: Breakdown[], pick: (b: Breakdown) => number) => children.reduce((a, c) => a + pick(c), 0);

describe('network report', () => {
  it('gives exact totals for the province', async () => {
    const r = await networkReport(database.db, '14', ALL);
    expect(r.unit).toEqual({ code: '14', name: 'Sơn La', level: 'province' });
    expect(r.teams).toEqual({ total: 4, commune: 2, village: 2 });
    expect(r.members).toEqual({ total: 6, commune: 3, village: 3 });
    expect(r.people).toBe(5);
    expect(r.byGender).toEqual({ male: 1, female: 4, unknown: 1 });
    expect(r.byAgeBand).toEqual({ to_30: 2, '31_45': 1, '46_60': 1, over_60: 1, unknown: 1 });
    expect(r.byAffiliation).toEqual({ youth_union: 2, womens_union: 1, fatherland_front: 0, police: 1, farmers_union: 0, veterans: 0, village_head: 1, party_cell: 1, post_telecom: 0, none: 1 });
    expect(r.children).toHaveLength(75);
    const withTeams = r.children.filter((c) => c.teams.total > 0).map((c) => [c.code, c.name, c.teams.total, c.members.total, c.people]);
    expect(withTeams).toEqual([
      ['03664', 'Phường Chiềng An', 3, 5, 4],
      ['04105', 'Xã Mai Sơn', 1, 1, 1],
    ]);
  });

  it('splits a commune into its own commune-level teams and its villages', async () => {
    const r = await networkReport(database.db, '03664', ALL);
    expect(r.children.map((c) => [c.code, c.name, c.level, c.teams.total, c.members.total])).toEqual([
      ['03664', 'Phường Chiềng An (tổ cấp xã)', 'commune', 1, 2],
      ['03664.002', '=HYPERLINK("http://x")', 'village', 1, 1],
      ['03664.001', 'Bản Hụm', 'village', 1, 2],
    ]);
    expect(r.members).toEqual({ total: 5, commune: 2, village: 3 });
    const village = await networkReport(database.db, '03664.001', ALL);
    expect(village).toMatchObject({ unit: { code: '03664.001', name: 'Bản Hụm', level: 'village' }, teams: { total: 1, commune: 0, village: 1 }, members: { total: 2, commune: 0, village: 2 }, children: [] });
  });

  it('refuses dissolved and unknown units', async () => {
    const app = await testApp(database);
    const viewer = await signedInClient(app, database.db, { username: 'thanhtra', role: 'viewer', unit: '14' });
    const res = await viewer.get('/api/reports/network?unit=99999');
    expect(res.statusCode).toBe(404);
    const dissolved = (await viewer.get('/api/reports/network?unit=03667')).json().error;
    expect([dissolved.code, dissolved.details]).toEqual(['UNIT_LEVEL_UNSUPPORTED', { successors: [{ code: '03664', name: 'Phường Chiềng An' }] }]);
    expect((await viewer.get('/api/reports/network?unit=14&format=pdf')).statusCode).toBe(400);
    await app.close();
  });

  it('exports CSV and xlsx with Vietnamese headers, formula cells neutralised in CSV and kept as text in xlsx', async () => {
    const app = await testApp(database);
    const viewer = await signedInClient(app, database.db, { username: 'canbo.xa', role: 'commune_officer', unit: '03664' });
    const csvRes = await viewer.get('/api/reports/network?unit=03664&format=csv');
    expect(csvRes.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse(csvRes.rawPayload.toString('utf8'), { bom: true }) as string[][];
    expect(rows[0].slice(0, 7)).toEqual(['Mã', 'Đơn vị', 'Cấp', 'Tổng số tổ', 'Tổ cấp xã', 'Tổ cấp thôn, bản', 'Tổng số thành viên']);
    expect(rows.map((r) => r[1])).toEqual(['Đơn vị', 'Phường Chiềng An (tổ cấp xã)', `'=HYPERLINK("http://x")`, 'Bản Hụm', 'Tổng cộng: Phường Chiềng An']);
    expect(rows[4].slice(3, 7)).toEqual(['3', '1', '2', '5']);

    const xlsxRes = await viewer.get('/api/reports/network?unit=03664&format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsxRes.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('BÁO CÁO MẠNG LƯỚI TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG — PHƯỜNG CHIỀNG AN');
    // an .xlsx string cell is never a formula: the text as written, no apostrophe (issue 13, item 8)
    expect([ws.getCell('B5').value, ws.getCell('B5').type]).toEqual([`=HYPERLINK("http://x")`, ExcelJS.ValueType.String]);
    expect(ws.getRow(7).values).toEqual(expect.arrayContaining(['Tổng cộng: Phường Chiềng An']));
    expect([ws.getCell('D7').value, ws.getCell('G7').value]).toEqual([3, 5]);
    await app.close();
  });
});

describe('report cache', () => {
  it('serves the same report until the registry changes, then the new one', async () => {
    const before = await networkReport(database.db, '04105', ALL);
    expect(before.members.total).toBe(1);
    const again = await networkReport(database.db, '04105', ALL);
    expect(again).toEqual(before);
    const r = await importRoster(database.db, { name: 'them.csv', data: csv([HEADER, ['Sơn La', 'Mai Sơn', '', '', 'Lò Văn Thêm', 'Nam', 1990, '0912345699', '', '']]) }, { scope: ALL, commit: true, maxBytes: 1e7 });
    expect(r.counts.new).toBe(1);
    expect((await networkReport(database.db, '04105', ALL)).members.total).toBe(2);
  });
});

describe('the Sơn La demo', () => {
  it('reproduces the article’s figures, and every total is the sum of its children', async () => {
    const db = await testDatabase();
    try {
      expect(await generateDemo(db.db)).toEqual({ teams: 1459, members: 8966, villages: 1255 });
      const r = await networkReport(db.db, '14', ALL);
      expect(r.teams).toEqual({ total: 1459, commune: 204, village: 1255 });
      expect(r.members).toEqual({ total: 8966, commune: 1220, village: 7746 });
      expect(r.children).toHaveLength(75);
      for (const pick of [(b: Breakdown) => b.teams.total, (b: Breakdown) => b.members.village, (b: Breakdown) => b.byGender.female, (b: Breakdown) => b.byAgeBand.to_30, (b: Breakdown) => b.byAffiliation.youth_union]) {
        expect(sumChildren(r.children, pick)).toBe(pick(r));
      }
      const commune = await networkReport(db.db, r.children[0].code!, ALL);
      expect(commune.members.total).toBe(r.children[0].members.total);
      expect(sumChildren(commune.children, (b) => b.members.total)).toBe(commune.members.total);
      await expect(generateDemo(db.db)).rejects.toMatchObject({ code: 'DEMO_DATABASE_NOT_EMPTY' });
    } finally {
      await db.close();
    }
  });
});
