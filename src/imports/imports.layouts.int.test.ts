import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { withTestApp } from '../../test/db.js';
import { countRows, registrySnapshot } from '../../test/registry-snapshot.js';
import { ALL } from '../access/access.policy.js';
import type { Database } from '../db/client.js';
import { importRoster } from './imports.service.js';

/**
 * The layouts commune offices really use, written with ExcelJS the way a clerk makes them: the
 * official form with group rows (Roman numerals and letters, titles merged across the row), a
 * village per row, one sheet per team; and the write rules (a refused row creates nothing).
 */
let database: Database;
withTestApp(async (t) => {
  ({ database } = t);
});

const MB = 1024 * 1024;
const NOW = new Date('2026-06-15T03:00:00Z');
const run = (name: string, data: Buffer, commit: boolean, extra: Record<string, unknown> = {}) => importRoster(database.db, { name, data }, { scope: ALL, commit, maxBytes: 20 * MB, now: NOW, province: '14', ...extra });

async function book(sheets: { name: string; rows: (string | number | null)[][]; merges?: string[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the official form of a district: group rows with letters and Roman numerals, titles merged across the row', () => {
  const rows: (string | number | null)[][] = [
    ['UBND HUYỆN MAI SƠN', null, null, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'],
    ['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG HUYỆN MAI SƠN'],
    ['STT', 'Họ và tên', 'Năm sinh', null, 'Chức vụ', 'Số điện thoại'],
    [null, null, 'Nam', 'Nữ', null, null],
    ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)'],
    ['A', 'Xã Chiềng Chung'], // row 6
    ['I', 'Tổ CNSCĐ xã Chiềng Chung'], // row 7
    [1, 'Lò Văn Minh', 1985, null, 'Tổ trưởng', '0912 100 001'],
    [2, 'Cầm Thị Hoa', null, 1992, 'Thành viên', '0912100002'],
    ['II', 'Tổ CNSCĐ bản Nà'], // row 10
    [1, 'Quàng Văn Sơn', 1979, null, 'Tổ trưởng', '0912100003'],
    [2, 'Tòng Thị Lan', null, 1990, 'Tổ phó', '0912100004'],
    ['B', 'Thị trấn Hát Lót'], // row 13
    ['I', 'Tổ CNSCĐ thị trấn Hát Lót'],
    [1, 'Nguyễn Văn Hùng', 1980, null, 'Tổ trưởng', '0912100005'],
    ['II', 'Tổ CNSCĐ TK 1'], // row 16
    [1, 'Hà Thị Mai', null, 1995, 'Tổ trưởng', '0912100006'],
    ['Tổng cộng: 6 người'],
    [null, null, null, 'NGƯỜI LẬP BIỂU'],
    [null, null, null, '(Ký, ghi rõ họ tên)'],
    [null, null, null, 'Lường Văn Tám'],
  ];
  const merges = ['A1:C1', 'A2:F2', 'C3:D3', 'A3:A4', 'B3:B4', 'E3:E4', 'F3:F4', ...[6, 7, 10, 13, 14, 16].map((r) => `B${r}:F${r}`), 'A18:F18'];

  it('gives every team its members, shows the shape it understood, counts what it skipped', async () => {
    const data = await book([{ name: 'Mai Sơn', rows, merges }]);
    const dry = await run('DS_To_CNSCD_Huyen_Mai_Son.xlsx', data, false);
    expect(dry.problems).toEqual([]);
    expect(dry.counts).toEqual({ new: 6, updated: 0, unchanged: 0, invalid: 0 });
    expect(dry.skipped).toEqual({ groupRows: 6, numberingRows: 1, totalsRows: 1, signatureRows: 3, notes: 0, hiddenRows: 0 });
    // "Chiềng Chung" exists in two old districts: the title's "HUYỆN MAI SƠN" says which (→ Xã Mường Chanh);
    // an old commune's own team keeps the old commune's name
    expect(dry.shape).toEqual([
      {
        sheet: 'Mai Sơn',
        communes: [
          { name: 'Xã Mường Chanh', code: '04117', written: 'Xã Chiềng Chung', teams: [
            { level: 'commune', name: 'Tổ công nghệ số cộng đồng xã Chiềng Chung', village: null, members: 2, invalid: 0, isNew: true },
            { level: 'village', name: 'Tổ công nghệ số cộng đồng Bản Nà', village: 'Bản Nà', members: 2, invalid: 0, isNew: true },
          ] },
          { name: 'Xã Mai Sơn', code: '04105', written: 'Thị trấn Hát Lót', teams: [
            { level: 'commune', name: 'Tổ công nghệ số cộng đồng thị trấn Hát Lót', village: null, members: 1, invalid: 0, isNew: true },
            { level: 'village', name: 'Tổ công nghệ số cộng đồng Tiểu khu 1', village: 'Tiểu khu 1', members: 1, invalid: 0, isNew: true },
          ] },
        ],
      },
    ]);
    expect(await countRows(database.db, 'teams')).toBe(0);

    await run('DS_To_CNSCD_Huyen_Mai_Son.xlsx', data, true);
    const registry = (await registrySnapshot(database.db)).map((r) => [r.unit.replace(/^\d+(\.\d+)? /, ''), r.level, r.fullName, r.gender, r.birthYear, r.role]);
    expect(registry).toEqual([
      ['Bản Nà', 'village', 'Quàng Văn Sơn', 'male', 1979, 'leader'],
      ['Bản Nà', 'village', 'Tòng Thị Lan', 'female', 1990, 'deputy'],
      ['Tiểu khu 1', 'village', 'Hà Thị Mai', 'female', 1995, 'leader'],
      ['Xã Mai Sơn', 'commune', 'Nguyễn Văn Hùng', 'male', 1980, 'leader'],
      ['Xã Mường Chanh', 'commune', 'Cầm Thị Hoa', 'female', 1992, 'member'],
      ['Xã Mường Chanh', 'commune', 'Lò Văn Minh', 'male', 1985, 'leader'],
    ]);
  });
});

describe('a village per row', () => {
  const header = ['STT', 'Xã, thị trấn', 'Thôn, bản, TDP', 'Họ và tên', 'Giới', 'Năm sinh', 'Số ĐT', 'Vai trò trong tổ'];
  it('"Xã", "Khối cơ quan xã" and empty cells are the commune-level team; TDP 4 written four ways is one village; gender as "NỮ", "Nu"', async () => {
    const data = await book([{ name: 'DS', rows: [
      header,
      [1, 'Phường Chiềng An', 'Xã', 'Lò Văn An', 'Nam', 1980, '0913200001', 'Tổ trưởng'],
      [2, 'Phường Chiềng An', 'Khối cơ quan xã', 'Cầm Thị Bích', 'NỮ', 1990, '0913200002', 'Thành viên'],
      [3, 'Phường Chiềng An', '', 'Hà Văn Cường', 'nam', 1991, '0913200003', 'Thành viên'],
      [4, 'Phường Chiềng An', 'TDP 4', 'Quàng Thị Dung', 'Nu', 1985, '0913200004', 'Tổ trưởng'],
      [5, 'Phường Chiềng An', 'Tổ dân phố 4', 'Lường Văn Đức', 'Nam', 1987, '0913200005', 'Thành viên'],
      [6, 'Phường Chiềng An', 'Tổ 4', 'Tòng Thị Hạnh', 'nữ', 1999, '0913200006', 'Thành viên'],
      [7, 'Phường Chiềng An', 'Tổ dân phố số 04', 'Vì Văn Khánh', '', 2000, '0913200007', 'Thành viên'],
    ] }]);
    const report = await run('chieng-an.xlsx', data, true);
    expect(report.counts).toEqual({ new: 7, updated: 0, unchanged: 0, invalid: 0 });
    expect(report.created.villages).toEqual(['Tổ dân phố 4 (Phường Chiềng An)']);
    expect(report.problems).toEqual([{ sheet: 'DS', row: 8, column: 'Giới', severity: 'warning', message: 'Thiếu giới tính: ô để trống, ghi là chưa rõ', suggestion: 'Ghi "Nam" hoặc "Nữ"' }]);
    const registry = (await registrySnapshot(database.db)).filter((r) => r.unit.startsWith('03664')).map((r) => [r.unit.replace(/^\d+(\.\d+)? /, ''), r.fullName, r.gender]);
    expect(registry).toEqual([
      ['Tổ dân phố 4', 'Lường Văn Đức', 'male'],
      ['Tổ dân phố 4', 'Quàng Thị Dung', 'female'],
      ['Tổ dân phố 4', 'Tòng Thị Hạnh', 'female'],
      ['Tổ dân phố 4', 'Vì Văn Khánh', null],
      ['Phường Chiềng An', 'Cầm Thị Bích', 'female'],
      ['Phường Chiềng An', 'Hà Văn Cường', 'male'],
      ['Phường Chiềng An', 'Lò Văn An', 'male'],
    ]);
  });

  it('a refused row creates nothing: no village, no team, no membership; a second leader is a warning', async () => {
    const villages = await countRows(database.db, 'admin_units');
    const teams = await countRows(database.db, 'teams');
    const data = await book([{ name: 'DS', rows: [
      header,
      [1, 'Phường Chiềng An', 'Bản Mới Lập', 'Lò Văn Em', 'Nam', 2085, '0913200010', 'Thành viên'],
      [2, 'Phường Chiềng An', 'Tổ 4', 'Hoàng Văn Phúc', 'Nam', 1970, '0913200011', 'Tổ trưởng'],
    ] }]);
    const report = await run('chieng-an-2.xlsx', data, true);
    expect(report.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 1 });
    expect(report.created).toEqual({ villages: [], teams: [] });
    // the shape still shows the refused row where the file put it
    expect(report.shape[0].communes.map((c) => [c.name, c.code, c.teams.map((t) => [t.village, t.members, t.invalid, t.isNew])])).toEqual([
      ['Phường Chiềng An', '03664', [['Tổ dân phố 4', 1, 0, false]]],
      ['Phường Chiềng An', null, [['Bản Mới Lập', 0, 1, true]]],
    ]);
    expect(report.problems.map((p) => [p.row, p.severity, p.message])).toEqual([
      [2, 'error', 'Năm sinh 2085 không hợp lý (phải từ 1920 đến 2011)'],
      [3, 'warning', 'Tổ "Tổ công nghệ số cộng đồng Tổ dân phố 4" đã có tổ trưởng Quàng Thị Dung trong sổ; dòng này ghi thêm một tổ trưởng'],
    ]);
    expect(await countRows(database.db, 'admin_units')).toBe(villages);
    expect(await countRows(database.db, 'teams')).toBe(teams);
  });

  it('an invalid phone keeps the member, without the phone, and says what was written', async () => {
    const data = await book([{ name: 'DS', rows: [header, [1, 'Phường Chiềng An', 'Tổ 4', 'Điêu Thị Giang', 'Nữ', 1994, '0912 34', 'Thành viên']] }]);
    const report = await run('chieng-an-3.xlsx', data, true);
    expect(report.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    expect(report.problems.map((p) => [p.row, p.severity, p.column])).toEqual([[2, 'warning', 'Số ĐT']]);
    expect(report.problems[0].message).toContain('"0912 34"');
    const giang = (await registrySnapshot(database.db)).find((r) => r.fullName === 'Điêu Thị Giang');
    expect([giang?.phone, giang?.unit.endsWith('Tổ dân phố 4')]).toEqual([null, true]);
  });
});

describe('an old commune split between new communes is asked per village', () => {
  const header = ['STT', 'Huyện', 'Xã', 'Thôn', 'Họ tên', 'Giới tính', 'Năm sinh', 'Điện thoại', 'Vai trò'];
  const file = () => book([{ name: 'Thuận Châu', rows: [
    header,
    [1, 'Thuận Châu', 'Xã Chiềng Bôm', 'Bản Bó', 'Lò Văn Hải', 'Nam', 1983, '0914300001', 'Tổ trưởng'],
    [2, 'Thuận Châu', 'Xã Chiềng Bôm', 'Bản Bó', 'Lò Thị Xuân', 'Nữ', 1986, '0914300002', 'Thành viên'],
    [3, 'Thuận Châu', 'Xã Chiềng Bôm', 'Bản Két', 'Cầm Văn Toàn', 'Nam', 1975, '0914300003', 'Tổ trưởng'],
  ] }]);

  it('each village is a question; answered per village, the villages go to different communes; the answer is remembered', async () => {
    const dry = await run('chieng-bom.xlsx', await file(), false);
    expect(dry.unitQuestions.map((q) => [q.name, q.rowCount, q.candidates.map((c) => c.code).sort()])).toEqual([
      ['Xã Chiềng Bôm › Bản Bó', 2, ['03721', '03784']],
      ['Xã Chiềng Bôm › Bản Két', 1, ['03721', '03784']],
    ]);
    expect(dry.counts.invalid).toBe(3);
    // an answer for the commune is for its own team: its villages are never placed by it
    const communeOnly = await run('chieng-bom.xlsx', await file(), false, { unitChoices: { 'Xã Chiềng Bôm': '03784' } });
    expect([communeOnly.counts.invalid, communeOnly.unitQuestions.filter((q) => !q.chosen).map((q) => q.name)]).toEqual([3, ['Xã Chiềng Bôm › Bản Bó', 'Xã Chiềng Bôm › Bản Két']]);
    const committed = await run('chieng-bom.xlsx', await file(), true, { unitChoices: { 'Xã Chiềng Bôm › Bản Bó': '03784', 'xã chiềng bôm › bản két': '03721' } });
    expect(committed.counts).toEqual({ new: 3, updated: 0, unchanged: 0, invalid: 0 });
    expect(committed.shape[0].communes.map((c) => [c.name, c.teams.map((t) => `${t.village}: ${t.members}`)])).toEqual([
      ['Xã Nậm Lầu', ['Bản Bó: 2']],
      ['Xã Thuận Châu', ['Bản Két: 1']],
    ]);
    // the next file with the same villages needs no answer: each village is already under one successor
    const again = await run('chieng-bom.xlsx', await file(), false);
    expect([again.unitQuestions, again.counts]).toEqual([[], { new: 0, updated: 0, unchanged: 3, invalid: 0 }]);
    // the old commune's own team, answered once, is found again too
    const own = await book([{ name: 'DS', rows: [['Huyện', 'Xã', 'Thôn', 'Họ tên'], ['Thuận Châu', 'Xã Chiềng Bôm', '', 'Lò Văn Pọm']] }]);
    expect((await run('chieng-bom-xa.xlsx', own, true, { unitChoices: { 'Xã Chiềng Bôm': '03721' } })).counts.new).toBe(1);
    const ownAgain = await run('chieng-bom-xa.xlsx', own, false);
    expect([ownAgain.unitQuestions, ownAgain.counts, ownAgain.rows[0].team]).toEqual([[], { new: 0, updated: 0, unchanged: 1, invalid: 0 }, 'Tổ công nghệ số cộng đồng xã Chiềng Bôm']);
    // a later answer may not put Bản Bó under the other successor: it is registered once
    const other = await run('chieng-bom.xlsx', await file(), false, { unitChoices: { 'Xã Chiềng Bôm › Bản Bó': '03721' } });
    expect(other.problems.filter((p) => p.severity === 'error').map((p) => [p.row, p.message])).toEqual([
      [2, 'Bản Bó của Xã Chiềng Bôm (cũ) đã có trong sổ ở Xã Nậm Lầu; không chọn được đơn vị khác cho thôn này'],
      [3, 'Bản Bó của Xã Chiềng Bôm (cũ) đã có trong sổ ở Xã Nậm Lầu; không chọn được đơn vị khác cho thôn này'],
    ]);
  });

  it('an answer must be one of the units the name stands for', async () => {
    const data = await book([{ name: 'DS', rows: [['Huyện', 'Xã', 'Thôn', 'Họ tên'], ['Thuận Châu', 'Xã Chiềng Bôm', 'Bản Mòn', 'Lò Văn Sáng']] }]);
    const report = await run('chieng-bom-2.xlsx', data, false, { unitChoices: { 'Xã Chiềng Bôm › Bản Mòn': '03664' } });
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual(['Đơn vị chọn cho "Xã Chiềng Bôm › Bản Mòn" (Phường Chiềng An, mã 03664) không phải một trong các đơn vị của tên này']);
  });
});

describe('one sheet per team, the team in the sheet name, the year under "Nam" or "Nữ (năm sinh)"', () => {
  it('reads the village from the sheet name and the commune from the title', async () => {
    const header = ['STT', 'Họ và tên', 'Nam', 'Nữ (năm sinh)', 'Chức vụ', 'SĐT'];
    const data = await book([
      { name: 'Mộc Sơn - Tổ 1', rows: [['DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG TỔ 1, PHƯỜNG MỘC SƠN'], header, [1, 'Đinh Văn Long', 1970, null, 'Tổ trưởng', '0915400001'], [2, 'Bạc Thị Nga', null, 1988, 'Thành viên', '0915400002']], merges: ['A1:F1'] },
      { name: 'Mộc Sơn - TDP 2', rows: [['DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG TDP 2, PHƯỜNG MỘC SƠN'], header, [1, 'Xa Văn Quân', 1977, null, 'Tổ trưởng', '0915400003']], merges: ['A1:F1'] },
    ]);
    const report = await run('moc-son.xlsx', data, true);
    expect(report.problems).toEqual([]);
    expect(report.shape.map((s) => [s.sheet, s.communes.map((c) => [c.name, c.teams.map((t) => [t.level, t.village, t.members])])])).toEqual([
      ['Mộc Sơn - TDP 2', [['Phường Mộc Sơn', [['village', 'Tổ dân phố 2', 1]]]]],
      ['Mộc Sơn - Tổ 1', [['Phường Mộc Sơn', [['village', 'Tổ dân phố 1', 2]]]]],
    ]);
    const people = (await registrySnapshot(database.db)).filter((r) => r.unit.includes('Tổ dân phố 1') || r.unit.includes('Tổ dân phố 2')).map((r) => [r.fullName, r.gender, r.birthYear]);
    expect(people).toEqual([['Bạc Thị Nga', 'female', 1988], ['Đinh Văn Long', 'male', 1970], ['Xa Văn Quân', 'male', 1977]]);
  });
});

describe('a file that names no province', () => {
  const header = ['Huyện', 'Xã', 'Họ tên', 'Giới tính', 'Năm sinh', 'Điện thoại'];
  it('takes the one province with an old district of that name, and says so once', async () => {
    const data = await book([{ name: 'DS', rows: [header, ['Mai Sơn', 'Chiềng Chung', 'Lò Văn Tuấn', 'Nam', 1981, '0916500001'], ['Mai Sơn', 'Chiềng Chung', 'Lò Thị Uyên', 'Nữ', 1983, '0916500002']] }]);
    const report = await run('khong-tinh.xlsx', data, false, { province: null });
    expect(report.counts).toEqual({ new: 2, updated: 0, unchanged: 0, invalid: 0 });
    expect(report.problems).toEqual([{ sheet: 'DS', row: 0, column: 'Tỉnh', severity: 'warning', message: 'Tệp không ghi tỉnh; đã hiểu là Sơn La vì tên huyện trong tệp chỉ có ở tỉnh này', suggestion: 'Nếu chưa đúng, hãy chọn tỉnh khi tải tệp lên rồi chạy thử lại' }]);
    expect(report.shape[0].communes.map((c) => c.name)).toEqual(['Xã Mường Chanh']);
  });

  it('asks once per file when the names fit several provinces, and refuses the rows', async () => {
    // "Châu Thành" was a district of many southern provinces, "Tân Phú" a commune of many
    const data = await book([{ name: 'DS', rows: [header, ['Châu Thành', 'Tân Phú', 'Nguyễn Văn Vinh', 'Nam', 1981, '0916500003'], ['Châu Thành', 'Tân Phú', 'Trần Thị Xuân', 'Nữ', 1983, '0916500004']] }]);
    const report = await run('khong-tinh-2.xlsx', data, false, { province: null });
    expect(report.counts).toEqual({ new: 0, updated: 0, unchanged: 0, invalid: 2 });
    expect(report.problems.map((p) => [p.row, p.severity, p.message])).toEqual([[0, 'error', 'Tệp không ghi tỉnh và tên huyện, xã trong tệp không chỉ ra một tỉnh duy nhất (2 dòng chưa nhập được)']]);
  });
});
