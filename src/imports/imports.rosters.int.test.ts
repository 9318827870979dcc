import { ALL } from '../access/access.policy.js';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { countRows, registrySnapshot } from '../../test/registry-snapshot.js';
import type { Database } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { importRoster } from './imports.service.js';

/**
 * Real roster files, committed in test/fixtures/rosters (made by make.ts there): the official
 * form written by ExcelJS, the same workbook saved back by LibreOffice, and saved by LibreOffice
 * as Excel 97–2003; and workbooks with broken XML inside.
 */
let database: Database;
let app: TestAppInstance;
withTestApp(async (t) => {
  ({ database, app } = t);
});

const MB = 1024 * 1024;
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/rosters/${name}`, import.meta.url));
const run = (name: string, data: Buffer, commit: boolean) => importRoster(database.db, { name, data }, { scope: ALL, commit, maxBytes: 20 * MB, province: '14' });

const TEAM_COMMUNE = 'Tổ công nghệ số cộng đồng xã Tà Xùa';
const TEAM_BE = 'Tổ công nghệ số cộng đồng Bản Bẹ';
const EXPECTED_REGISTRY = [
  { unit: '03868.001 Bản Bẹ', level: 'village', team: TEAM_BE, fullName: 'Hờ Thị Dợ', gender: 'female', birthYear: 2001, phone: '+84868123456', role: 'member', affiliations: ['womens_union'] },
  { unit: '03868.001 Bản Bẹ', level: 'village', team: TEAM_BE, fullName: 'Thào Văn Lử', gender: 'male', birthYear: 1979, phone: '+84912345001', role: 'leader', affiliations: ['village_head'] },
  { unit: '03868 Xã Tà Xùa', level: 'commune', team: TEAM_COMMUNE, fullName: 'Giàng Thị Mai', gender: 'female', birthYear: 1996, phone: '+84388222444', role: 'deputy', affiliations: ['youth_union'] },
  { unit: '03868 Xã Tà Xùa', level: 'commune', team: TEAM_COMMUNE, fullName: 'Mùa A Dính', gender: 'male', birthYear: 1988, phone: '+84388222333', role: 'leader', affiliations: [] },
  { unit: '03868 Xã Tà Xùa', level: 'commune', team: TEAM_COMMUNE, fullName: 'Thào A Chứ', gender: 'male', birthYear: 1990, phone: '+84388222555', role: 'member', affiliations: ['police'] },
];

describe('the official form, written by ExcelJS and saved back by LibreOffice', () => {
  it('both writers give the same dry run, and the same registry', async () => {
    const original = await run('ta-xua.xlsx', fixture('ta-xua-mau-chinh-thuc.xlsx'), false);
    const resaved = await run('ta-xua.xlsx', fixture('ta-xua-libreoffice.xlsx'), false);
    expect({ ...resaved, fileHash: '' }).toEqual({ ...original, fileHash: '' });
    expect(original.sheets[0]).toMatchObject({ name: 'Tổ CNSCĐ', headerRow: 8 });
    expect(original.counts).toEqual({ new: 5, updated: 0, unchanged: 0, invalid: 0 });
    expect(original.problems).toEqual([
      { sheet: 'Tổ CNSCĐ', row: 15, column: 'Số điện thoại', severity: 'warning', message: 'Ô có 2 số điện thoại; lấy số đầu hợp lệ +84912345001', suggestion: 'Mỗi ô nên chỉ ghi một số' },
    ]);

    const committed = await run('ta-xua.xlsx', fixture('ta-xua-mau-chinh-thuc.xlsx'), true);
    expect(committed.counts).toEqual({ new: 5, updated: 0, unchanged: 0, invalid: 0 });
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
    const again = await run('ta-xua-libreoffice.xlsx', fixture('ta-xua-libreoffice.xlsx'), true);
    expect(again.counts).toEqual({ new: 0, updated: 0, unchanged: 5, invalid: 0 });
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
  });

  it('refuses the same roster saved as Excel 97–2003 (.xls) with what to do, writing nothing', async () => {
    const before = await countRows(database.db, 'import_log');
    const err = await run('ta-xua.xls', fixture('ta-xua-excel97.xls'), true).catch((e: unknown) => e);
    expect([(err as AppError).code, (err as AppError).message]).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "ta-xua.xls": đây là tệp Excel 97–2003 (.xls), định dạng cũ không còn thư viện nào được duy trì để đọc. Mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx (Excel Workbook): Tệp → Lưu thành → chọn kiểu "Excel Workbook (*.xlsx)"; rồi tải tệp .xlsx lên.',
    ]);
    expect(await countRows(database.db, 'import_log')).toBe(before);
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
  });
});

/** The official-form fixture with one part replaced (built with jszip, as a damaged download would be). */
async function withPart(part: string, edit: (xml: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(fixture('ta-xua-mau-chinh-thuc.xlsx'));
  zip.file(part, edit(await zip.file(part)!.async('string')));
  return Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

describe('malformed XML inside an .xlsx', () => {
  const refused = async (name: string, data: Buffer) => {
    const before = await countRows(database.db, 'import_log');
    const err = await run(name, data, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(await countRows(database.db, 'import_log')).toBe(before);
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
    return [(err as AppError).code, (err as AppError).message.replace(/ có XML hỏng \([^()]*\)\. Hãy/, ' có XML hỏng (…). Hãy')];
  };

  it('names the sheet whose XML is broken, and writes nothing', async () => {
    const file = await withPart('xl/worksheets/sheet1.xml', (xml) => xml.replace('</row>', '</rox>'));
    expect(await refused('hong.xlsx', file)).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "hong.xlsx": trang tính "Tổ CNSCĐ" (xl/worksheets/sheet1.xml) có XML hỏng (…). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx (Excel Workbook) rồi tải lên lại.',
    ]);
  });

  it('names the shared-strings part when that is broken, and a sheet cut short', async () => {
    const strings = await withPart('xl/sharedStrings.xml', (xml) => xml.replace('<si>', '<si><t>Lò <b>Văn</t>'));
    expect(await refused('chu.xlsx', strings)).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "chu.xlsx": phần chữ dùng chung (xl/sharedStrings.xml) có XML hỏng (…). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx (Excel Workbook) rồi tải lên lại.',
    ]);
    const cut = await withPart('xl/worksheets/sheet1.xml', (xml) => xml.slice(0, Math.floor(xml.length / 2)));
    expect((await refused('cut.xlsx', cut))[1]).toMatch(/^Không đọc được tệp "cut\.xlsx": trang tính "Tổ CNSCĐ" \(xl\/worksheets\/sheet1\.xml\) có XML hỏng/);
  });

  it('keeps answering other requests while a hostile workbook is being refused', async () => {
    // 300 MB of blanks inside the sheet XML, 300 KB once compressed: refused at the 256 MB XML limit
    const zip = await JSZip.loadAsync(fixture('ta-xua-mau-chinh-thuc.xlsx'));
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const blanks = Buffer.alloc(300 * MB, 0x20);
    const at = xml.indexOf('<sheetData>') + '<sheetData>'.length;
    zip.file('xl/worksheets/sheet1.xml', Buffer.concat([Buffer.from(xml.slice(0, at)), blanks, Buffer.from(xml.slice(at))]));
    const bomb = Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } }));
    expect(bomb.length).toBeLessThan(1 * MB);

    const officer = await signedInClient(app, database.db, { username: 'canbo.taxua', role: 'province_officer', unit: '14' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bomb)]), 'bom.xlsx');
    let importDone = 0;
    const upload = officer.request({ method: 'POST', url: '/api/imports?commit=true&province=14', payload: form }).then((res) => {
      importDone = performance.now();
      return res;
    });
    // ask for the health page every 50 ms while the upload is being read
    const answered: number[] = [];
    while (!importDone) {
      const started = performance.now();
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      if (!importDone) answered.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await upload;
    expect([res.statusCode, res.json().error.code, res.json().error.message]).toEqual([422, 'IMPORT_FILE_UNREADABLE', 'Không đọc được tệp "bom.xlsx": bảng tính giải nén ra hơn 256 MB. Hãy tách tệp theo xã hoặc theo thôn.']);
    // answered during the refusal (bounds loose enough for a loaded CI machine: the point is that
    // the event loop is not blocked for the whole inflation, which takes seconds)
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...answered)).toBeLessThan(2000);
    expect(await registrySnapshot(database.db)).toEqual(EXPECTED_REGISTRY);
  });
});
