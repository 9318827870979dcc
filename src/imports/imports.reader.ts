import { parse as parseCsv } from 'csv-parse/sync';
import { AppError } from '../http/errors.js';
import { convertLegacy } from '../text/legacy-encoding.js';
import { readXlsx, type LegacyCell } from './imports.xlsx.js';

export { MAX_COLUMNS, type LegacyCell } from './imports.xlsx.js';

/**
 * Reading stage of the roster import: bytes → sheets of text cells. No knowledge of rosters
 * here (that is `imports.columns.ts` and `imports.validate.ts`).
 *
 * Accepts CSV (UTF-8, with or without BOM; comma, semicolon or tab separated) and .xlsx
 * (Office Open XML, streamed by `imports.xlsx.ts`). Everything else is refused with
 * IMPORT_FILE_UNREADABLE and a message saying what the file is and what to do; legacy .xls and
 * password-protected .xlsx (both OLE2 compound files) are told apart by their streams.
 * Cells typed in the legacy Vietnamese encodings TCVN3 (ABC) and VNI are converted to Unicode when
 * the conversion is certain, and listed in `legacy` either way (`src/text/legacy-encoding.ts`).
 */
export interface Sheet {
  name: string;
  /** rows of cells as text, 1-based row numbers kept in `rowNumbers` */
  rows: string[][];
  rowNumbers: number[];
  /** row numbers hidden in the workbook: reported, never imported silently */
  hiddenRows?: Set<number>;
  /**
   * row number → 0-based columns whose text is only a copy from a cell to their left in the same
   * merged range (a title merged over B5:H5 lists 2–7 for row 5); copies down the first column of
   * a range are values of their own rows and not listed. `rows` keeps the copies (a header merged
   * over two columns labels both); `distinctCells` blanks them.
   */
  mergedCopies?: Map<number, number[]>;
  /** row number → cells typed in a legacy encoding: converted in `rows` when certain, else kept as typed */
  legacy?: Map<number, LegacyCell[]>;
}

/**
 * The row at `index` of `sheet.rows` with the cells that are copies of a merged cell to their
 * left blanked (''), so a merged title row shows as one filled cell. A new array; never throws.
 */
export function distinctCells(sheet: Sheet, index: number): string[] {
  const row = sheet.rows[index] ?? [];
  const copies = sheet.mergedCopies?.get(sheet.rowNumbers[index]);
  return copies?.length ? row.map((cell, col) => (copies.includes(col) ? '' : cell)) : row;
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
  if (startsWith(buf, CFB)) throw legacyFileError(buf, fileName);
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw unreadable(fileName, 'đây là tệp PDF, không phải bảng tính', 'Hãy tải lên tệp Excel (.xlsx) hoặc CSV của danh sách.');
  }
  if (startsWith(buf, ZIP)) return { format: 'xlsx', ...(await readXlsx(buf, fileName, maxRows)) };
  if (/\.xls[xm]?$/i.test(fileName)) {
    throw unreadable(fileName, 'tệp có đuôi Excel nhưng nội dung không phải bảng tính Excel', 'Hãy mở tệp gốc trong Excel/LibreOffice và "Lưu thành" .xlsx, hoặc xuất ra CSV UTF-8.');
  }
  return { format: 'csv', sheets: [readCsv(buf, fileName)], hiddenSheets: [] };
}

function unreadable(fileName: string, what: string, fix: string): AppError {
  return new AppError('IMPORT_FILE_UNREADABLE', `Không đọc được tệp "${fileName}": ${what}. ${fix}`);
}

function readCsv(buf: Buffer, fileName: string): Sheet {
  // Excel's "Unicode Text" / UTF-16 CSV carries a byte-order mark
  let text = buf[0] === 0xff && buf[1] === 0xfe ? new TextDecoder('utf-16le').decode(buf) : buf[0] === 0xfe && buf[1] === 0xff ? new TextDecoder('utf-16be').decode(buf) : buf.toString('utf8');
  if (text.includes('\ufffd')) {
    throw unreadable(fileName, 'tệp không phải văn bản UTF-8 (có thể là tệp nhị phân, hoặc CSV lưu bằng bảng mã cũ như Windows-1258)', 'Hãy lưu lại dạng "CSV UTF-8" hoặc .xlsx rồi tải lên lại.');
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
  const legacy = new Map<number, LegacyCell[]>();
  let uncertain = 0;
  // roles, affiliations, places repeat on most rows: each distinct text is looked at once
  const legacyMemo = new Map<string, ReturnType<typeof convertLegacy>>();
  records.forEach((r, i) => {
    if (!r.some((c) => c.trim() !== '')) return;
    // a CSV has no fonts: legacy text is told by its characters (converted when certain)
    r.forEach((cell, col) => {
      let found = legacyMemo.get(cell);
      if (found === undefined) legacyMemo.set(cell, (found = convertLegacy(cell)));
      if (!found) return;
      if (found.certain) r[col] = found.text;
      else uncertain++;
      legacy.set(i + 1, [...(legacy.get(i + 1) ?? []), { col, original: cell, encoding: found.encoding, certain: found.certain }]);
    });
    rows.push(r);
    rowNumbers.push(i + 1);
  });
  // mostly legacy text that cannot be converted surely: the whole file is refused, not row by row
  const flagged = [...legacy.values()].reduce((n, cells) => n + cells.length, 0);
  if (uncertain >= 3 && uncertain * 2 > flagged) {
    throw unreadable(fileName, 'chữ trong tệp dùng bảng mã cũ TCVN3 (ABC, phông .Vn…) hoặc VNI, nên tên người sẽ bị sai', 'Hãy chuyển sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, từ TCVN3/VNI sang Unicode) rồi lưu lại dạng "CSV UTF-8" hoặc .xlsx.');
  }
  return { name: fileName, rows, rowNumbers, ...(legacy.size ? { legacy } : {}) };
}

/**
 * Text typed in the legacy TCVN3 (ABC) or VNI fonts, read as Unicode, shows characteristic
 * letters that Vietnamese Unicode text never combines this way ("NguyÔn ThÞ Hµ", "Nguyeãn").
 * Flag it when such characters appear in a good share of the words. A quick whole-text check;
 * the reader itself decides cell by cell with `convertLegacy` (`src/text/legacy-encoding.ts`).
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

/**
 * Names of the streams and storages in an OLE2 compound file (MS-CFB §2.2 header, §2.3 FAT,
 * §2.6 directory entries), read from the directory sector chain. Null when the structure is
 * broken. Used only to tell a legacy .xls ("Workbook", or "Book" for Excel 5) from an .xlsx
 * encrypted with a password ("EncryptionInfo" + "EncryptedPackage", MS-OFFCRYPTO §2.3.4) and a
 * Word .doc ("WordDocument"); nothing in the streams is read.
 */
export function cfbEntryNames(buf: Buffer): string[] | null {
  if (buf.length < 512) return null;
  const shift = buf.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const size = 1 << shift;
  const sectorAt = (n: number) => (n + 1) * size;
  // the FAT sectors: 109 listed in the header, the rest in the DIFAT chain
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) fatSectors.push(buf.readUInt32LE(0x4c + i * 4));
  let difat = buf.readUInt32LE(0x44);
  for (let guard = 0; difat < 0xfffffffa && guard < 1000 && sectorAt(difat) + size <= buf.length; guard++) {
    const at = sectorAt(difat);
    for (let i = 0; i < size / 4 - 1; i++) fatSectors.push(buf.readUInt32LE(at + i * 4));
    difat = buf.readUInt32LE(at + size - 4);
  }
  const next = (sector: number): number => {
    const perSector = size / 4;
    const fatSector = fatSectors[Math.floor(sector / perSector)];
    if (fatSector === undefined || fatSector >= 0xfffffffa) return 0xfffffffe;
    const at = sectorAt(fatSector) + (sector % perSector) * 4;
    return at + 4 <= buf.length ? buf.readUInt32LE(at) : 0xfffffffe;
  };
  const names: string[] = [];
  let sector = buf.readUInt32LE(0x30);
  for (let guard = 0; sector < 0xfffffffa; guard++) {
    if (guard > 10_000 || sectorAt(sector) + size > buf.length) return null;
    for (let at = sectorAt(sector); at < sectorAt(sector) + size; at += 128) {
      const type = buf[at + 0x42];
      const length = buf.readUInt16LE(at + 0x40);
      if (type === 0 || length < 2 || length > 64) continue;
      names.push(buf.toString('utf16le', at, at + length - 2));
    }
    sector = next(sector);
  }
  return names.length ? names : null;
}

/** The refusal for an OLE2 compound file: what it is (from its streams) and exactly what to do. */
function legacyFileError(buf: Buffer, fileName: string): AppError {
  const names = cfbEntryNames(buf) ?? [];
  if (names.includes('EncryptedPackage') || names.includes('EncryptionInfo')) {
    return unreadable(
      fileName,
      'tệp Excel đã đặt mật khẩu mở tệp, nên nội dung bị mã hoá',
      'Mở tệp bằng Excel (nhập mật khẩu), vào Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hoá bằng mật khẩu, xoá mật khẩu rồi lưu lại (trong LibreOffice: Tệp → Lưu thành, bỏ chọn "Lưu với mật khẩu"); sau đó tải tệp lên lại.',
    );
  }
  if (names.includes('Workbook') || names.includes('Book')) {
    return unreadable(
      fileName,
      'đây là tệp Excel 97–2003 (.xls), định dạng cũ không còn thư viện nào được duy trì để đọc',
      'Mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx (Excel Workbook): Tệp → Lưu thành → chọn kiểu "Excel Workbook (*.xlsx)"; rồi tải tệp .xlsx lên.',
    );
  }
  if (names.includes('WordDocument')) {
    return unreadable(fileName, 'đây là tệp Word (.doc), không phải bảng tính', 'Hãy chép bảng danh sách sang Excel, lưu dưới dạng .xlsx rồi tải lên.');
  }
  return unreadable(
    fileName,
    'đây là tệp Excel có đặt mật khẩu, hoặc tệp Excel 97–2003 (.xls)',
    'Mở tệp trong Excel/LibreOffice, bỏ mật khẩu (nếu có) rồi "Lưu thành" dạng .xlsx và tải lên lại.',
  );
}
