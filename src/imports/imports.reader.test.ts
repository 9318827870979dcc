import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { cfbEntryNames, distinctCells, looksLikeTcvn3, readSpreadsheet } from './imports.reader.js';

describe('legacy font encodings', () => {
  it('recognises TCVN3 and VNI text read as Unicode, and leaves real Vietnamese alone', () => {
    expect(looksLikeTcvn3('Hä vµ tªn,Giíi tÝnh\nNguyÔn ThÞ Hµ,N÷\nLß V¨n B×nh,Nam\nQu¸ng ThÞ Hoµ,N÷')).toBe(true);
    expect(looksLikeTcvn3('Hoï vaø teân,Giôùi tính\nNguyeãn Thò Haø,Nöõ\nLoø Vaên Bình,Nam\nQuaøng Thò Hoaø,Nöõ')).toBe(true);
    expect(looksLikeTcvn3('Họ và tên,Giới tính\nNguyễn Thị Hà,Nữ\nLò Văn Bình,Nam\nQuàng Thị Hoà,Nữ\nBuôn Ma Thuột,Muốn,Khuê,Thuỷ,Quý')).toBe(false);
  });
});

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/rosters/${name}`, import.meta.url));

/** What the reader gave before it streamed: ExcelJS's in-memory reader, every row with a value, every cell as text. */
async function inMemory(buf: Buffer) {
  const text = (value: ExcelJS.CellValue): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return text((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return String((value as { text: unknown }).text);
    return '';
  };
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return {
    hiddenSheets: wb.worksheets.filter((ws) => ws.state !== 'visible').map((ws) => ws.name),
    sheets: wb.worksheets
      .filter((ws) => ws.state === 'visible')
      .map((ws) => {
        const sheet = { name: ws.name, rows: [] as string[][], rowNumbers: [] as number[], hiddenRows: new Set<number>() };
        ws.eachRow({ includeEmpty: false }, (row, n) => {
          if (row.hidden) sheet.hiddenRows.add(n);
          const cells: string[] = [];
          row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = text(cell.value)));
          sheet.rows.push(Array.from(cells, (c) => c ?? ''));
          sheet.rowNumbers.push(n);
        });
        return sheet;
      }),
  };
}

const streamed = async (buf: Buffer) => {
  const { sheets, hiddenSheets } = await readSpreadsheet(buf, 'x.xlsx', 100 * 1024 * 1024);
  return { hiddenSheets, sheets };
};

/** A workbook with every kind of cell a hand-made roster holds. */
async function everyKindOfCell(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const draft = wb.addWorksheet('Nháp', { state: 'hidden' });
  draft.addRow(['Họ và tên', 'Người Nháp']);
  wb.addWorksheet('Ẩn hẳn', { state: 'veryHidden' }).addRow(['x']);
  const ws = wb.addWorksheet('Bản Hụm');
  ws.addRow(['UBND XÃ MƯỜNG BÚ', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']);
  ws.mergeCells('A1:C1');
  ws.addRow([]);
  ws.addRow(['STT', 'Họ và tên', 'Năm sinh', '', 'SĐT', 'Ngày vào tổ', 'Ghi chú']);
  ws.addRow(['', '', 'Nam', 'Nữ', '', '', '']);
  ws.mergeCells('A3:A4');
  ws.mergeCells('C3:D3');
  ws.addRow([1, { richText: [{ text: 'Lò ' }, { font: { bold: true }, text: 'Văn Hặc' }] }, 1985, null, 388111222, new Date(Date.UTC(2025, 6, 1)), true]);
  ws.addRow([{ formula: 'A5+1', result: 2 }, 'Cầm  Thị\u00a0Ánh', null, { formula: '1990+6', result: 1996 }, { formula: '"0388"&"111333"', result: '0388111333' }, { formula: 'F5+1', result: new Date(Date.UTC(2025, 6, 2)) }, { error: '#N/A' }]);
  ws.addRow([3, 'Nguye\u0302\u0303n Văn Ba', '1990', null, { text: 'Zalo', hyperlink: 'https://zalo.me/0388111444' }, 45843, { formula: 'NA()', result: { error: '#N/A' } }]);
  ws.getCell('F7').numFmt = 'dd/mm/yyyy';
  ws.getCell('G7').value = { formula: 'B7' };
  ws.addRow([4, 'Người Ẩn', 1970, null, '0388 111 555', null, 'dòng ẩn']).hidden = true;
  ws.addRow([5, 'Lường Văn Xuống_x000D_Dòng', 1.5, null, 'a&b <c>', null, false]);
  ws.addRow([]);
  ws.addRow(['', 'Tổng cộng', { formula: 'COUNT(C5:C9)', result: 3 }]);
  ws.getCell('B13').value = 'ô rời';
  ws.getCell('B13').numFmt = '@';
  ws.getCell('C14').numFmt = '0.00';
  ws.mergeCells('E14:F16');
  ws.mergeCells('D1:F2');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('streaming .xlsx reader', () => {
  it('gives exactly the sheets, rows, cells and hidden rows the in-memory reader gave', async () => {
    for (const file of [await everyKindOfCell(), fixture('ta-xua-mau-chinh-thuc.xlsx'), fixture('ta-xua-libreoffice.xlsx')]) {
      // changed with merged copies and legacy encodings: `mergedCopies` and `legacy` are this reader's
      // own additions, which ExcelJS has no equivalent of, so they are left out of the comparison
      // (and tested below); every row and cell is still compared
      const { hiddenSheets, sheets } = await streamed(file);
      expect({ hiddenSheets, sheets: sheets.map(({ mergedCopies: _m, legacy: _l, ...sheet }) => sheet) }).toEqual(await inMemory(file));
    }
  });

  it('reads every kind of cell as the roster import expects it', async () => {
    const read = await streamed(await everyKindOfCell());
    expect(read.hiddenSheets).toEqual(['Nháp', 'Ẩn hẳn']);
    const sheet = read.sheets[0];
    const motto = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
    expect(sheet.rows.map((r, i) => [sheet.rowNumbers[i], ...r])).toEqual([
      [1, 'UBND XÃ MƯỜNG BÚ', 'UBND XÃ MƯỜNG BÚ', 'UBND XÃ MƯỜNG BÚ', motto, motto, motto],
      [2, '', '', '', motto, motto, motto],
      [3, 'STT', 'Họ và tên', 'Năm sinh', 'Năm sinh', 'SĐT', 'Ngày vào tổ', 'Ghi chú'],
      [4, 'STT', '', 'Nam', 'Nữ', '', '', ''],
      [5, '1', 'Lò Văn Hặc', '1985', '', '388111222', '2025-07-01', 'true'],
      [6, '2', 'Cầm  Thị\u00a0Ánh', '', '1996', '0388111333', '2025-07-02', ''],
      [7, '3', 'Nguye\u0302\u0303n Văn Ba', '1990', '', 'Zalo', '2025-07-05', ''],
      [8, '4', 'Người Ẩn', '1970', '', '0388 111 555', '', 'dòng ẩn'],
      [9, '5', 'Lường Văn Xuống\rDòng', '1.5', '', 'a&b <c>', '', 'false'],
      [11, '', 'Tổng cộng', '3'],
      [13, '', 'ô rời'],
      [14, '', '', '', '', '', ''],
      [15, '', '', '', '', '', ''],
      [16, '', '', '', '', '', ''],
    ]);
    expect([...(sheet.hiddenRows ?? [])]).toEqual([8]);
  });

  it('keeps Vietnamese letters whole where an inflated chunk ends (ExcelJS’s streaming reader garbles them)', async () => {
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (c: Buffer) => parts.push(c));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false });
    const ws = writer.addWorksheet('DS');
    for (let i = 0; i < 20_000; i++) ws.addRow([`Nguyễn Thị Hường ${i}`, `Bản Nậm Lầu ${i % 50}`, 1990 + (i % 20)]).commit();
    await writer.commit();
    const read = await streamed(Buffer.concat(parts));
    expect(read.sheets[0].rows.length).toBe(20_000);
    expect(read.sheets[0].rows.filter((r, i) => r[0] !== `Nguyễn Thị Hường ${i}` || r[1] !== `Bản Nậm Lầu ${i % 50}`)).toEqual([]);
  });
});

describe('OLE2 compound files', () => {
  const refusal = async (buf: Buffer, name: string) => {
    const err = await readSpreadsheet(buf, name, 1e7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    return [(err as AppError).code, (err as AppError).message];
  };

  it('tells an Excel 97–2003 .xls (saved by LibreOffice) to be saved again as .xlsx', async () => {
    const xls = fixture('ta-xua-excel97.xls');
    expect(cfbEntryNames(xls)).toEqual(['Root Entry', 'Workbook', '\u0001CompObj', '\u0001Ole', '\u0005SummaryInformation', '\u0005DocumentSummaryInformation']);
    expect(await refusal(xls, 'ta-xua.xls')).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "ta-xua.xls": đây là tệp Excel 97–2003 (.xls), định dạng cũ không còn thư viện nào được duy trì để đọc. Mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx (Excel Workbook): Tệp → Lưu thành → chọn kiểu "Excel Workbook (*.xlsx)"; rồi tải tệp .xlsx lên.',
    ]);
  });

  it('tells a password-protected .xlsx to have its password removed', async () => {
    // an encrypted .xlsx is a compound file holding the streams EncryptionInfo and EncryptedPackage
    // (MS-OFFCRYPTO §2.3.4); made here by renaming the .xls fixture's directory entries in place
    const file = Buffer.from(fixture('ta-xua-excel97.xls'));
    const rename = (from: string, to: string) => {
      const at = file.indexOf(Buffer.from(`${from}\0`, 'utf16le'));
      file.fill(0, at, at + 64);
      file.write(`${to}\0`, at, 'utf16le');
      file.writeUInt16LE((to.length + 1) * 2, at + 0x40);
    };
    rename('Workbook', 'EncryptedPackage');
    rename('\u0001CompObj', 'EncryptionInfo');
    expect(cfbEntryNames(file)).toEqual(['Root Entry', 'EncryptedPackage', 'EncryptionInfo', '\u0001Ole', '\u0005SummaryInformation', '\u0005DocumentSummaryInformation']);
    expect(await refusal(file, 'mat-khau.xlsx')).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "mat-khau.xlsx": tệp Excel đã đặt mật khẩu mở tệp, nên nội dung bị mã hoá. Mở tệp bằng Excel (nhập mật khẩu), vào Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hoá bằng mật khẩu, xoá mật khẩu rồi lưu lại (trong LibreOffice: Tệp → Lưu thành, bỏ chọn "Lưu với mật khẩu"); sau đó tải tệp lên lại.',
    ]);
  });
});

describe('merged cells', () => {
  it('lists the copies to the right of a merged cell, not the copies down its first column', async () => {
    const sheet = (await streamed(await everyKindOfCell())).sheets[0];
    // A1:C1, D1:F2, A3:A4, C3:D3, E14:F16
    expect(sheet.mergedCopies).toEqual(
      new Map([
        [1, [1, 2, 4, 5]],
        [2, [4, 5]],
        [3, [3]],
        [14, [5]],
        [15, [5]],
        [16, [5]],
      ]),
    );
    expect(distinctCells(sheet, 0)).toEqual(['UBND XÃ MƯỜNG BÚ', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', '', '']);
    // D2 is the first column of D1:F2 one row down: kept, as is A4 under A3
    expect(distinctCells(sheet, 1)).toEqual(['', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', '', '']);
    expect(distinctCells(sheet, 2)).toEqual(['STT', 'Họ và tên', 'Năm sinh', '', 'SĐT', 'Ngày vào tổ', 'Ghi chú']);
    expect(distinctCells(sheet, 3)).toEqual(['STT', '', 'Nam', 'Nữ', '', '', '']);
    expect(distinctCells(sheet, 4)).toEqual(sheet.rows[4]);
  });

  it('shows a group title merged across the table as one cell', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    ws.addRow(['STT', 'Họ và tên', 'Năm sinh', '', 'Dân tộc', 'SĐT', 'Chức vụ', 'Ghi chú']);
    ws.mergeCells('C1:D1');
    ws.addRow(['I', 'Tổ CNSCĐ bản Pọng Chăn']);
    ws.mergeCells('B2:H2');
    ws.addRow([1, 'Lò Văn Hặc', 1985, null, 'Thái', '0388111222', 'Tổ trưởng', '']);
    const sheet = (await streamed(Buffer.from(await wb.xlsx.writeBuffer()))).sheets[0];
    const title = 'Tổ CNSCĐ bản Pọng Chăn';
    expect(sheet.rows[1]).toEqual(['I', title, title, title, title, title, title, title]);
    expect(sheet.mergedCopies).toEqual(new Map([[1, [3]], [2, [2, 3, 4, 5, 6, 7]]]));
    expect(distinctCells(sheet, 0)).toEqual(['STT', 'Họ và tên', 'Năm sinh', '', 'Dân tộc', 'SĐT', 'Chức vụ', 'Ghi chú']);
    expect(distinctCells(sheet, 1)).toEqual(['I', title, '', '', '', '', '', '']);
    expect(sheet.mergedCopies?.has(3)).toBe(false);
  });
});

describe('row limit', () => {
  const read = (buf: Buffer, maxRows: number) => readSpreadsheet(buf, 'x.xlsx', 100 * 1024 * 1024, maxRows);
  const roster = (ws: ExcelJS.Worksheet, count: number) => {
    for (let i = 1; i <= count; i++) ws.addRow([i, `Lò Văn ${i}`, 1980 + (i % 30), `03881${String(i).padStart(5, '0')}`]);
  };

  it('counts only rows holding a value: a sheet declared down to row 1,048,576 reads as its 120 rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    roster(ws, 120);
    ws.getCell('K1048576').numFmt = '@'; // a styled empty cell in the last row of the sheet
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const xml = await (await JSZip.loadAsync(buf)).file('xl/worksheets/sheet1.xml')!.async('string');
    expect(xml).toContain('<dimension ref="A1:K1048576"/>');
    const sheet = (await read(buf, 5000)).sheets[0];
    expect(sheet.rows.length).toBe(120);
    expect(sheet.rowNumbers.at(-1)).toBe(120);
    expect(sheet.rows[119]).toEqual(['120', 'Lò Văn 120', '1980', '0388100120']);
  });

  it('does not count thousands of empty styled rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    roster(ws, 120);
    for (let r = 200; r < 10_200; r++) ws.getCell(`A${r}`).numFmt = '@';
    const sheet = (await read(Buffer.from(await wb.xlsx.writeBuffer()), 5000)).sheets[0];
    expect(sheet.rows.length).toBe(120);
  });

  it('refuses 6,000 rows holding values when 5,000 are allowed', async () => {
    const wb = new ExcelJS.Workbook();
    roster(wb.addWorksheet('DS'), 6000);
    const err = await read(Buffer.from(await wb.xlsx.writeBuffer()), 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect([(err as AppError).code, (err as AppError).message]).toEqual([
      'IMPORT_FILE_TOO_LARGE',
      'Tệp "x.xlsx" có hơn 5.000 dòng, vượt giới hạn mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.',
    ]);
  });
});

describe('legacy Vietnamese encodings', () => {
  /** A roster typed in the fonts commune offices still use, with a Unicode cell among them. */
  async function legacyRoster(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    const font = (cell: string, name: string) => (ws.getCell(cell).font = { name });
    ws.addRow(['DANH S¸CH THµNH VI£N Tæ C«NG NGHÖ Sè']);
    ws.mergeCells('A1:D1');
    font('A1', '.VnTimeH');
    ws.addRow(['STT', 'Họ và tên', 'Năm sinh', 'Ghi chú']);
    ws.addRow([1, 'Hµ ThÞ Lan', 1990, 'Ghi chu']);
    font('B3', '.VnTime');
    font('D3', '.VnTime'); // ASCII in a .Vn font: nothing to convert
    ws.addRow([2, 'Nguyeãn Vaên Ñaït', 1985, '']);
    font('B4', 'VNI-Times');
    ws.addRow([3, 'Lò Văn Bình', 1992, '']); // Unicode, the font changed to .VnTime afterwards
    font('B5', '.VnTime');
    ws.addRow([4, 'Ng÷¬× Þ¸', 1993, '']); // legacy characters that make no Vietnamese name
    font('B6', '.VnTime');
    ws.addRow([5, 'Qu¸ng ThÞ Hoµ', 1994, '']); // TCVN3 left in Calibri: told by its characters
    ws.addRow([6, { richText: [{ font: { name: '.VnTime' }, text: 'Lß V¨n ' }, { font: { name: '.VnTime', bold: true }, text: 'B×nh' }] }, 1995, '']);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('a .Vn cell whose bytes read as Vietnamese both ways follows the rest of the sheet', async () => {
    const make = async (rows: string[]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('DS');
      ws.addRow(['STT', 'Họ và tên']);
      rows.forEach((name, i) => {
        ws.addRow([i + 1, name]);
        ws.getCell(`B${i + 2}`).font = { name: '.VnTime' };
      });
      return (await streamed(Buffer.from(await wb.xlsx.writeBuffer()))).sheets[0];
    };
    // typed in TCVN3 (another cell shows it): "Lù Thanh Dòng" is what .VnTime showed, "Lự Thanh Dũng"
    const typed = await make(['Hµ ThÞ Lan', 'Lù Thanh Dòng']);
    expect(typed.rows.map((r) => r[1])).toEqual(['Họ và tên', 'Hà Thị Lan', 'Lự Thanh Dũng']);
    expect(typed.legacy?.get(3)).toEqual([{ col: 1, original: 'Lù Thanh Dòng', encoding: 'tcvn3', certain: true }]);
    // nothing else in the sheet was typed in TCVN3: Unicode typed before the font changed, kept
    const unicode = await make(['Lù Thanh Dòng']);
    expect([unicode.rows[1][1], unicode.legacy]).toEqual(['Lù Thanh Dòng', undefined]);
  });

  it('converts cells in TCVN3, TCVN3 H and VNI fonts, leaves Unicode and uncertain cells as typed, and lists them', async () => {
    const sheet = (await streamed(await legacyRoster())).sheets[0];
    const title = 'DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ';
    expect(sheet.rows).toEqual([
      [title, title, title, title],
      ['STT', 'Họ và tên', 'Năm sinh', 'Ghi chú'],
      ['1', 'Hà Thị Lan', '1990', 'Ghi chu'],
      ['2', 'Nguyễn Văn Đạt', '1985', ''],
      ['3', 'Lò Văn Bình', '1992', ''],
      ['4', 'Ng÷¬× Þ¸', '1993', ''],
      ['5', 'Quáng Thị Hoà', '1994', ''],
      ['6', 'Lò Văn Bình', '1995', ''],
    ]);
    expect(sheet.legacy).toEqual(
      new Map([
        [1, [{ col: 0, original: 'DANH S¸CH THµNH VI£N Tæ C«NG NGHÖ Sè', encoding: 'tcvn3-upper', certain: true }]],
        [3, [{ col: 1, original: 'Hµ ThÞ Lan', encoding: 'tcvn3', certain: true }]],
        [4, [{ col: 1, original: 'Nguyeãn Vaên Ñaït', encoding: 'vni', certain: true }]],
        [6, [{ col: 1, original: 'Ng÷¬× Þ¸', encoding: 'tcvn3', certain: false }]],
        [7, [{ col: 1, original: 'Qu¸ng ThÞ Hoµ', encoding: 'tcvn3', certain: true }]],
        [8, [{ col: 1, original: 'Lß V¨n B×nh', encoding: 'tcvn3', certain: true }]],
      ]),
    );
    expect(sheet.rows.every((r) => r.every((c) => c === c.normalize('NFC')))).toBe(true);
  });

  it('converts CSV cells by their characters', async () => {
    const csv = 'Họ và tên,Năm sinh,Ghi chú\nHµ ThÞ Lan,1990,\nNguyeãn Vaên Ñaït,1985,\nLò Văn Bình,1992,Café\nNg÷¬× Þ¸,1993,\n';
    const read = await readSpreadsheet(Buffer.from(csv), 'ds.csv', 1e7);
    expect(read.sheets[0].rows).toEqual([
      ['Họ và tên', 'Năm sinh', 'Ghi chú'],
      ['Hà Thị Lan', '1990', ''],
      ['Nguyễn Văn Đạt', '1985', ''],
      ['Lò Văn Bình', '1992', 'Café'],
      ['Ng÷¬× Þ¸', '1993', ''],
    ]);
    expect(read.sheets[0].legacy).toEqual(
      new Map([
        [2, [{ col: 0, original: 'Hµ ThÞ Lan', encoding: 'tcvn3', certain: true }]],
        [3, [{ col: 0, original: 'Nguyeãn Vaên Ñaït', encoding: 'vni', certain: true }]],
        [5, [{ col: 0, original: 'Ng÷¬× Þ¸', encoding: 'tcvn3', certain: false }]],
      ]),
    );
  });

  it('still refuses a CSV whose legacy text mostly cannot be converted surely', async () => {
    const csv = 'Ho ten,Nam sinh\nNg÷¬× Þ¸,1990\nM÷ü× ¸Þ,1991\nÞ÷¬ ×Ü,1992\nHµ ThÞ Lan,1993\n';
    const err = await readSpreadsheet(Buffer.from(csv), 'ds.csv', 1e7).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('IMPORT_FILE_UNREADABLE');
    expect((err as AppError).message).toContain('bảng mã cũ TCVN3');
  });
});

describe('merged ranges', () => {
  it('refuses a sheet whose merges would cover millions of cells (a few KB asking for copies), before filling any', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('DS');
    ws.addRow(['Họ và tên', 'Năm sinh']);
    ws.addRow(['Lò Văn A', 1990]);
    ws.getCell('A29000').value = 'x';
    const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    zip.file('xl/worksheets/sheet1.xml', xml.replace('</sheetData>', `</sheetData><mergeCells count="10">${'<mergeCell ref="A3:GR28999"/>'.repeat(10)}</mergeCells>`));
    const data = Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const err = await readSpreadsheet(data, 'gop.xlsx', 20 * 1024 * 1024).catch((e: AppError) => e);
    expect([(err as AppError).code, (err as AppError).message]).toEqual([
      'IMPORT_FILE_UNREADABLE',
      'Không đọc được tệp "gop.xlsx": các ô gộp (Merge) của trang tính "DS" phủ hơn 2.000.000 ô. Hãy bỏ gộp ô (Unmerge) ở vùng danh sách, lưu lại rồi tải lên lại.',
    ]);
  });
});
