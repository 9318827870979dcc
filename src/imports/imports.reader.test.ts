import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { cfbEntryNames, looksLikeTcvn3, readSpreadsheet } from './imports.reader.js';

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
      expect(await streamed(file)).toEqual(await inMemory(file));
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
