import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliSandbox, cliSandbox } from '../../test/cli.js';
import type { FileReport } from '../imports/imports.report.js';

/**
 * `ngoso import` run as the operator runs it (bin/ngoso.mjs through tsx, in a child process) on a
 * copy of the test template database: a temporary NGOSO_DATA_DIR holding the template's PGlite
 * files, or with NGOSO_TEST_DB=postgres a database created from the template (DATABASE_URL).
 *
 * The roster is a commune's official form: the title "UBND XÃ CHIỀNG MUNG" above the header
 * "STT | Họ và tên | Năm sinh | Giới tính | Chức vụ | Số điện thoại", then the group rows
 * "I | Tổ CNSCĐ xã Chiềng Mung" (the commune team, 2 members) and "II | Tổ CNSCĐ bản Nà" (a village
 * team, 3 members), each title merged across the rest of its row.
 */

async function officialForm(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  ws.addRow(['UBND XÃ CHIỀNG MUNG']);
  ws.mergeCells('A1:F1');
  ws.addRow(['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG']);
  ws.mergeCells('A2:F2');
  ws.addRow(['STT', 'Họ và tên', 'Năm sinh', 'Giới tính', 'Chức vụ', 'Số điện thoại']);
  const group = (numeral: string, title: string) => {
    ws.addRow([numeral, title]);
    ws.mergeCells(`B${ws.rowCount}:F${ws.rowCount}`);
  };
  group('I', 'Tổ CNSCĐ xã Chiềng Mung');
  ws.addRow([1, 'Lò Văn Minh', 1980, 'Nam', 'Tổ trưởng', '0912 345 601']);
  ws.addRow([2, 'Cầm Thị Hoa', 1992, 'Nữ', 'Công chức văn hoá - xã hội', '0912 345 602']);
  group('II', 'Tổ CNSCĐ bản Nà');
  ws.addRow([1, 'Quàng Văn Tâm', 1988, 'Nam', 'Trưởng bản', '0912 345 603']);
  ws.addRow([2, 'Lường Thị Xuân', 1995, 'Nữ', 'Bí thư chi đoàn', '0912 345 604']);
  ws.addRow([3, 'Tòng Văn Bình', 1990, 'Nam', 'Thành viên', '0912 345 605']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let sandbox: CliSandbox;
const ngoso = (...args: string[]) => sandbox.ngoso(...args);
const file = (name: string) => sandbox.file(name);

beforeAll(async () => {
  sandbox = await cliSandbox();
  writeFileSync(file('ds-chieng-mung.xlsx'), await officialForm());
  // "Chiềng Chung" was a commune of two old districts: the import asks which current commune is meant
  writeFileSync(file('ds-chieng-chung.csv'), '\ufeffSTT,Họ và tên,Năm sinh,Giới tính,Xã/phường\r\n1,Lò Văn Chung,1980,Nam,Chiềng Chung\r\n');
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const EXPECTED_SHAPE = [
  {
    sheet: 'Danh sách',
    communes: [
      {
        name: 'Xã Chiềng Mung',
        code: '04123',
        teams: [
          { level: 'commune', name: 'Tổ công nghệ số cộng đồng xã Chiềng Mung', village: null, members: 2, invalid: 0, isNew: true },
          { level: 'village', name: 'Tổ công nghệ số cộng đồng Bản Nà', village: 'Bản Nà', members: 3, invalid: 0, isNew: true },
        ],
      },
    ],
  },
];

describe('ngoso import: the report as JSON, choices and corrections from files', { timeout: 180_000 }, () => {
  it('dry-runs an official form with --format json: the shape communes → teams, the skipped group rows, nothing written', async () => {
    const run = await ngoso('import', file('ds-chieng-mung.xlsx'), '--province', '14', '--format', 'json');
    expect(run.stderr).not.toContain('✗');
    expect(run.code).toBe(0);
    const reports = JSON.parse(run.stdout) as FileReport[];
    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(r.fileName).toBe('ds-chieng-mung.xlsx');
    expect(r.committed).toBe(false);
    expect(r.shape).toEqual(EXPECTED_SHAPE);
    expect(r.skipped).toEqual({ groupRows: 2, numberingRows: 0, totalsRows: 0, signatureRows: 0, notes: 0, hiddenRows: 0 });
    expect(r.counts).toEqual({ new: 5, updated: 0, unchanged: 0, invalid: 0 });
    expect(r.unitQuestions).toEqual([]);
    // the API's answer: no internal fields on the rows
    expect(r.rows.every((row) => !('communeId' in row) && !('provinceCode' in row))).toBe(true);

    // --json is kept as an alias; a dry run wrote nothing, so the teams are still new
    const again = await ngoso('import', file('ds-chieng-mung.xlsx'), '--province', '14', '--json');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as FileReport[])[0].shape).toEqual(EXPECTED_SHAPE);
  });

  it('prints the shape and the skipped rows first in text, then the counts', async () => {
    const run = await ngoso('import', file('ds-chieng-mung.xlsx'), '--province', '14');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const at = lines.indexOf('• Chạy thử: ds-chieng-mung.xlsx (xlsx)');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 7)).toEqual([
      '  1 xã · 2 tổ (1 cấp xã, 1 cấp thôn) · 5 thành viên · bỏ qua 2 dòng không phải thành viên (dòng nhóm 2)',
      '  Trang "Danh sách":',
      '    Xã Chiềng Mung [04123] — 2 tổ, 5 thành viên',
      '      cấp xã   Tổ công nghệ số cộng đồng xã Chiềng Mung — 2 thành viên (mới)',
      '      cấp thôn Tổ công nghệ số cộng đồng Bản Nà — 3 thành viên (mới)',
      '  Số dòng: mới 5, cập nhật 0, không đổi 0, lỗi 0',
    ]);
    expect(run.stdout).toContain('Đây là chạy thử: chưa ghi gì.');
  });

  it('lists a unit question with its candidates and JSON key, and resolves it with --choices', async () => {
    const asked = await ngoso('import', file('ds-chieng-chung.csv'), '--province', '14', '--format', 'json');
    expect(asked.code).toBe(0);
    const [before] = JSON.parse(asked.stdout) as FileReport[];
    expect(before.unitQuestions.map((q) => [q.name, q.reason, q.candidates.map((c) => c.code)])).toEqual([['Chiềng Chung', 'ambiguous', ['04117', '04000']]]);
    expect(before.counts).toEqual({ new: 0, updated: 0, unchanged: 0, invalid: 1 });
    expect(before.shape).toEqual([{ sheet: 'ds-chieng-chung.csv', communes: [{ name: 'Chiềng Chung', code: null, teams: [{ level: 'commune', name: 'Tổ cấp xã', village: null, members: 0, invalid: 1, isNew: true }] }] }]);

    const text = await ngoso('import', file('ds-chieng-chung.csv'), '--province', '14');
    expect(text.stdout).toContain('      khoá: "Chiềng Chung"\n      04117  Xã Mường Chanh — từ Xã Chiềng Chung (Huyện Mai Sơn, cũ)\n      04000  Xã Đoàn Kết — từ Xã Chiềng Chung (Thị xã Mộc Châu, cũ)\n');
    // the template names the choices; it never fills one in (a copied example would place rows nobody chose)
    expect(text.stdout).toContain('{"Chiềng Chung":"<mã: 04117 hoặc 04000>"}');

    writeFileSync(file('choices.json'), JSON.stringify({ [before.unitQuestions[0].name]: '04117' }));
    const run = await ngoso('import', file('ds-chieng-chung.csv'), '--province', '14', '--format', 'json', '--choices', file('choices.json'));
    expect(run.code).toBe(0);
    const [after] = JSON.parse(run.stdout) as FileReport[];
    expect(after.counts).toEqual({ new: 1, updated: 0, unchanged: 0, invalid: 0 });
    expect(after.problems).toEqual([]);
    expect(after.unitQuestions.map((q) => q.chosen)).toEqual(['04117']);
    expect(after.shape).toEqual([
      { sheet: 'ds-chieng-chung.csv', communes: [{ name: 'Xã Mường Chanh', code: '04117', written: 'Chiềng Chung', teams: [{ level: 'commune', name: 'Tổ công nghệ số cộng đồng xã Mường Chanh', village: null, members: 1, invalid: 0, isNew: true }] }] },
    ]);
  });

  it('asks a village of a split old commune as "commune › village", and takes that key in --choices', async () => {
    writeFileSync(file('ds-chieng-bom.csv'), '\ufeffSTT,Huyện,Xã,Thôn,Họ tên,Giới tính,Năm sinh,Điện thoại,Vai trò\r\n1,Thuận Châu,Xã Chiềng Bôm,Bản Bó,Lò Văn Hải,Nam,1983,0914300001,Tổ trưởng\r\n');
    const asked = await ngoso('import', file('ds-chieng-bom.csv'), '--province', '14');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('    Thôn, bản "Bản Bó" của Xã Chiềng Bôm (xã cũ) — 1 dòng (trang "ds-chieng-bom.csv" dòng 2), Sơn La: ');
    expect(asked.stdout).toContain('      khoá: "Xã Chiềng Bôm › Bản Bó"\n      03784  Xã Nậm Lầu\n      03721  Xã Thuận Châu\n');

    writeFileSync(file('choices-bom.json'), JSON.stringify({ 'Xã Chiềng Bôm › Bản Bó': '03721' }));
    const run = await ngoso('import', file('ds-chieng-bom.csv'), '--province', '14', '--format', 'json', '--choices', file('choices-bom.json'));
    const [r] = JSON.parse(run.stdout) as FileReport[];
    expect(r.counts.new).toBe(1);
    expect(r.shape[0].communes.map((c) => [c.name, c.code, c.written, c.teams.map((t) => [t.level, t.village, t.members])])).toEqual([['Xã Thuận Châu', '03721', 'Xã Chiềng Bôm', [['village', 'Bản Bó', 1]]]]);
  });

  it('applies a --mapping file with the upload field\'s JSON', async () => {
    // column E ("Chức vụ") ignored instead of read as the affiliation
    writeFileSync(file('mapping.json'), JSON.stringify({ 'Danh sách': { 4: null } }));
    const run = await ngoso('import', file('ds-chieng-mung.xlsx'), '--province', '14', '--format', 'json', '--mapping', file('mapping.json'));
    expect(run.code).toBe(0);
    const [r] = JSON.parse(run.stdout) as FileReport[];
    expect(r.sheets[0].mappingSource).toBe('override');
    expect(r.sheets[0].columns?.[4]).toEqual({ index: 4, header: 'Chức vụ', field: null });
    expect(r.shape).toEqual(EXPECTED_SHAPE);
  });

  it('refuses a missing or malformed --choices / --mapping file, a code that is no current commune and an unknown --format with exit code 2', async () => {
    const missing = await ngoso('import', file('ds-chieng-chung.csv'), '--choices', file('khong-co.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`Lỗi: --choices ${file('khong-co.json')}: không có tệp này.\n`);

    writeFileSync(file('bad.json'), '{"Chiềng Chung": ');
    const bad = await ngoso('import', file('ds-chieng-chung.csv'), '--mapping', file('bad.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Lỗi: --mapping .*bad\.json: Trường "mapping" không phải JSON hợp lệ/);

    writeFileSync(file('wrong.json'), JSON.stringify({ 'Chiềng Chung': '4117' }));
    const wrong = await ngoso('import', file('ds-chieng-chung.csv'), '--choices', file('wrong.json'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('"4117" không phải mã xã/phường');

    writeFileSync(file('old.json'), JSON.stringify({ 'Chiềng Chung': '04129' }));
    const old = await ngoso('import', file('ds-chieng-chung.csv'), '--province', '14', '--choices', file('old.json'));
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('Mã "04129" chọn cho "Chiềng Chung" không phải xã/phường hiện hành');
    expect(old.stdout).toBe('');

    const format = await ngoso('import', file('ds-chieng-chung.csv'), '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('chọn text hoặc json');
  });
});
