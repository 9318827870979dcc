import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { AppError } from '../http/errors.js';

/**
 * Reading stage of the roster import: bytes → sheets of text cells. No knowledge of rosters
 * here (that is `imports.columns.ts` and `imports.validate.ts`).
 *
 * Accepts CSV (UTF-8, with or without BOM; comma, semicolon or tab separated) and .xlsx
 * (Office Open XML, read with ExcelJS). Everything else is refused with IMPORT_FILE_UNREADABLE
 * and a message saying what the file is and what to do.
 */
export interface Sheet {
  name: string;
  /** rows of cells as text, 1-based row numbers kept in `rowNumbers` */
  rows: string[][];
  rowNumbers: number[];
  /** row numbers hidden in the workbook: reported, never imported silently */
  hiddenRows?: Set<number>;
}

export interface ReadFile {
  format: 'csv' | 'xlsx';
  sheets: Sheet[];
  /** names of hidden sheets, which are not read (reported to the user, never imported silently) */
  hiddenSheets: string[];
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (buf: Buffer, sig: number[]) => sig.every((b, i) => buf[i] === b);

/** Detects the file type from its bytes (never from the name alone) and reads it. */
export async function readSpreadsheet(buf: Buffer, fileName: string, maxBytes: number, maxRows?: number): Promise<ReadFile> {
  if (buf.length > maxBytes) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${fileName}" nặng ${(buf.length / 1048576).toFixed(1)} MB, vượt giới hạn ${(maxBytes / 1048576).toFixed(0)} MB. Hãy tách tệp theo xã hoặc theo thôn.`);
  }
  if (buf.length === 0) throw unreadable(fileName, 'tệp rỗng (0 byte)', 'Hãy chọn lại đúng tệp danh sách.');
  if (startsWith(buf, CFB)) {
    throw unreadable(
      fileName,
      'đây là tệp Excel có đặt mật khẩu, hoặc tệp Excel 97–2003 (.xls)',
      'Mở tệp trong Excel/LibreOffice, bỏ mật khẩu (nếu có) rồi "Lưu thành" dạng .xlsx và tải lên lại.',
    );
  }
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw unreadable(fileName, 'đây là tệp PDF, không phải bảng tính', 'Hãy tải lên tệp Excel (.xlsx) hoặc CSV của danh sách.');
  }
  if (startsWith(buf, ZIP)) {
    await checkWorkbookSize(buf, fileName, maxRows);
    return { format: 'xlsx', ...(await readXlsx(buf, fileName)) };
  }
  if (/\.xls[xm]?$/i.test(fileName)) {
    throw unreadable(fileName, 'tệp có đuôi Excel nhưng nội dung không phải bảng tính Excel', 'Hãy mở tệp gốc trong Excel/LibreOffice và "Lưu thành" .xlsx, hoặc xuất ra CSV UTF-8.');
  }
  return { format: 'csv', sheets: [readCsv(buf, fileName)], hiddenSheets: [] };
}

function unreadable(fileName: string, what: string, fix: string): AppError {
  return new AppError('IMPORT_FILE_UNREADABLE', `Không đọc được tệp "${fileName}": ${what}. ${fix}`);
}

async function readXlsx(buf: Buffer, fileName: string): Promise<{ sheets: Sheet[]; hiddenSheets: string[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw unreadable(fileName, `tệp .xlsx bị hỏng hoặc không trọn vẹn (${(err as Error).message.slice(0, 120)})`, 'Hãy mở tệp trong Excel/LibreOffice, lưu lại rồi tải lên lại.');
  }
  if (workbook.worksheets.length === 0) throw unreadable(fileName, 'tệp nén không phải bảng tính Excel (không có trang tính nào)', 'Hãy tải lên tệp .xlsx hoặc CSV của danh sách.');
  const hiddenSheets = workbook.worksheets.filter((ws) => ws.state !== 'visible').map((ws) => ws.name);
  const sheets = workbook.worksheets
    .filter((ws) => ws.state === 'visible')
    .map((ws) => {
      const rows: string[][] = [];
      const rowNumbers: number[] = [];
      const hiddenRows = new Set<number>();
      ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
        if (row.hidden) hiddenRows.add(rowNumber);
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          cells[col - 1] = cellText(cell.value);
        });
        for (let i = 0; i < cells.length; i++) cells[i] ??= '';
        rows.push(cells);
        rowNumbers.push(rowNumber);
      });
      return { name: ws.name, rows, rowNumbers, hiddenRows };
    });
  return { sheets, hiddenSheets };
}

/** Text of an ExcelJS cell value: formulas give their cached result, rich text its plain text, dates YYYY-MM-DD. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return '';
  }
  return String(value);
}

function readCsv(buf: Buffer, fileName: string): Sheet {
  // Excel's "Unicode Text" / UTF-16 CSV carries a byte-order mark
  let text = buf[0] === 0xff && buf[1] === 0xfe ? new TextDecoder('utf-16le').decode(buf) : buf[0] === 0xfe && buf[1] === 0xff ? new TextDecoder('utf-16be').decode(buf) : buf.toString('utf8');
  if (text.includes('\ufffd')) {
    throw unreadable(fileName, 'tệp không phải văn bản UTF-8 (có thể là tệp nhị phân, hoặc CSV lưu bằng bảng mã cũ như Windows-1258)', 'Hãy lưu lại dạng "CSV UTF-8" hoặc .xlsx rồi tải lên lại.');
  }
  if (looksLikeTcvn3(text)) {
    throw unreadable(fileName, 'chữ trong tệp dùng bảng mã cũ TCVN3 (ABC, phông .Vn…) hoặc VNI, nên tên người sẽ bị sai', 'Hãy chuyển sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, từ TCVN3/VNI sang Unicode) rồi lưu lại dạng "CSV UTF-8" hoặc .xlsx.');
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) {
    throw unreadable(fileName, 'tệp không phải bảng tính (có ký tự nhị phân)', 'Hãy tải lên tệp Excel (.xlsx) hoặc CSV.');
  }
  text = text.replace(/^\ufeff/, '');
  // the separator is the one used most over the first lines (a title line above the table has none)
  const head = text.split('\n', 30).join('\n');
  const delimiter = [',', ';', '\t'].map((d) => [d, head.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (err) {
    throw unreadable(fileName, `CSV sai định dạng (${(err as Error).message.slice(0, 120)})`, 'Hãy mở tệp bằng Excel/LibreOffice, lưu lại rồi tải lên lại.');
  }
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  records.forEach((r, i) => {
    if (r.some((c) => c.trim() !== '')) {
      rows.push(r);
      rowNumbers.push(i + 1);
    }
  });
  return { name: fileName, rows, rowNumbers };
}

/**
 * Text typed in the legacy TCVN3 (ABC) or VNI fonts, read as Unicode, shows characteristic
 * letters that Vietnamese Unicode text never combines this way ("NguyÔn ThÞ Hµ", "Nguyeãn").
 * Flag it when such characters appear in a good share of the words.
 */
export function looksLikeTcvn3(text: string): boolean {
  const sample = text.slice(0, 20_000);
  const words = sample.split(/[\s,;]+/).filter((w) => /\p{L}/u.test(w));
  if (words.length === 0) return false;
  // characters that never occur in Vietnamese Unicode text, but are TCVN3 letters read as Latin-1
  const tcvn = /[¸µ¶·¹¨¾»¼½Æ©ÇËÎÏÐÑÖ×ØÞß®¬§¡¢£¤¥¦äåæçëîïñöøûüþ]/;
  // VNI writes marks as separate bytes after the vowel: "Nguyeãn", "Hoaø"
  const vni = /[aeiouyAEIOUY][øùûõï]/;
  const hits = words.filter((w) => tcvn.test(w) || vni.test(w)).length;
  return hits >= 3 && hits / words.length > 0.15;
}

/** Widest sheet a roster can sensibly have; a 16,384-column sheet is refused before it is parsed. */
export const MAX_COLUMNS = 200;
/** Most uncompressed sheet XML read from one workbook (a zip bomb inside an .xlsx stops here). */
const MAX_SHEET_XML_BYTES = 256 * 1024 * 1024;

/**
 * Cheap checks before ExcelJS parses a workbook in memory: each sheet's declared size
 * (`<dimension ref="A1:J100000"/>`) against the row and column limits, and the sheets'
 * uncompressed XML, inflated as a stream and stopped at MAX_SHEET_XML_BYTES.
 */
async function checkWorkbookSize(buf: Buffer, fileName: string, maxRows?: number): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buf);
  } catch {
    return; // ExcelJS reports the broken file with its own message
  }
  let total = 0;
  for (const entry of Object.values(zip.files).filter((f) => /^xl\/worksheets\/[^/]+\.xml$/.test(f.name))) {
    let head = '';
    let checked = false;
    await new Promise<void>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer');
      const stop = (err?: AppError) => {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        if (err) reject(err);
        else resolve();
      };
      let rowsSeen = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_SHEET_XML_BYTES) return stop(unreadable(fileName, `bảng tính giải nén ra hơn ${MAX_SHEET_XML_BYTES / 1048576} MB`, 'Hãy tách tệp theo xã hoặc theo thôn.'));
        // the declared dimension may be wrong (streaming writers), so rows are also counted as they come
        if (maxRows) {
          rowsSeen += chunk.toString('latin1').split('<row').length - 1;
          if (rowsSeen > maxRows + 100) {
            return stop(new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${fileName}" có hơn ${maxRows.toLocaleString('vi-VN')} dòng, vượt giới hạn mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`));
          }
        }
        if (!checked) {
          head += chunk.toString('utf8', 0, Math.min(chunk.length, 65536));
          const m = head.match(/<(?:\w+:)?dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"/);
          if (m || head.length > 65536 || head.includes('<sheetData')) {
            checked = true;
            if (m?.[1]) {
              const cols = [...m[1]].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
              const rows = Number(m[2]);
              if (cols > MAX_COLUMNS) return stop(unreadable(fileName, `trang tính rộng ${cols.toLocaleString('vi-VN')} cột (tối đa ${MAX_COLUMNS})`, 'Hãy xoá các cột thừa hoặc chép bảng danh sách sang tệp mới.'));
              if (maxRows && rows > maxRows + 100) return stop(new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${fileName}" có khoảng ${rows.toLocaleString('vi-VN')} dòng, vượt giới hạn ${maxRows.toLocaleString('vi-VN')} dòng mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`));
            }
          }
        }
      });
      stream.on('end', () => resolve());
      stream.on('error', () => resolve()); // a broken entry is ExcelJS's to report
    });
  }
}
