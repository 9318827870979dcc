import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { withTestApp } from '../../test/db.js';

/**
 * One Vietnamese order (issue 13, item 7) through the API and the roster .xlsx: the alphabet
 * a ă â b c d đ e ê … (not code points, where Đ and Ấ come after Z), numbers by value, people by
 * given name. Xã Mai Sơn (04105) of the test catalogue, villages and teams made through the API.
 */
let admin: TestClient;
withTestApp(async ({ database, app }) => {
  admin = await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
});
const json = async (method: 'GET' | 'POST', url: string, payload?: object, status = 200) => {
  const res = await admin.request({ method, url, ...(payload ? { payload } : {}) });
  expect({ status: res.statusCode, body: res.statusCode === status ? null : res.body }).toEqual({ status, body: null });
  return res.json();
};

describe('one Vietnamese order', () => {
  it('GET /api/teams and the roster .xlsx list villages, teams and people in the Vietnamese order', async () => {
    // created in code-point order, the order a database with C collation gives back
    const villages = ['Bản Dọn', 'Bản Vàng', 'Bản Zê', 'Bản Đán', 'Bản Ấm', 'Tổ dân phố 10', 'Tổ dân phố 2'];
    for (const [i, name] of villages.entries()) {
      const v = await json('POST', '/api/villages', { commune: '04105', name }, 201);
      const team = await json('POST', '/api/teams', { level: 'village', unit: v.code, name: `Tổ công nghệ số cộng đồng ${name}` }, 201);
      const people = i === 0 ? ['Đỗ Văn Ấn', 'Lò Thị Út', 'Lò Văn Đức', 'Hà Thị Ánh', 'Cầm Văn An'] : [`Lò Văn Bình`];
      for (const fullName of people) {
        await json('POST', `/api/teams/${team.id}/members`, { person: { fullName, gender: 'male', birthYear: 1990 }, role: 'member', joinedOn: '2026-01-05' }, 201);
      }
    }
    const expected = ['Bản Ấm', 'Bản Dọn', 'Bản Đán', 'Bản Vàng', 'Bản Zê', 'Tổ dân phố 2', 'Tổ dân phố 10'];
    const { teams } = await json('GET', '/api/teams?unit=04105');
    expect(teams.filter((t: { level: string }) => t.level === 'village').map((t: { unitName: string }) => t.unitName)).toEqual(expected);
    expect(teams.filter((t: { level: string }) => t.level === 'village').map((t: { name: string }) => t.name)).toEqual(expected.map((n) => `Tổ công nghệ số cộng đồng ${n}`));

    const res = await admin.request({ method: 'GET', url: '/api/reports/roster?unit=04105' });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows: { name: string; village: string }[] = [];
    wb.worksheets[0].eachRow((row, n) => {
      if (n > 7 && typeof row.getCell(1).value === 'number') rows.push({ name: String(row.getCell(2).value), village: String(row.getCell(10).value ?? '') });
    });
    const villageOrder = [...new Set(rows.map((r) => r.village).filter(Boolean))];
    expect(villageOrder).toEqual(expected);
    // people by given name: An, Ánh, Ấn (a, then â), Đức (đ after d), Út
    expect(rows.filter((r) => r.village === 'Bản Dọn').map((r) => r.name)).toEqual(['Cầm Văn An', 'Hà Thị Ánh', 'Đỗ Văn Ấn', 'Lò Văn Đức', 'Lò Thị Út']);
  });
});
