import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../http/errors.js';
import { convertLegacy, fontEncoding, type LegacyEncoding } from '../text/legacy-encoding.js';
import { serialToDate, stylesHandler, type CellStyles } from './imports.xlsx.styles.js';
import { zipIndex, type ZipEntry } from './imports.xlsx.zip.js';

/**
 * Streaming reader of .xlsx workbooks (Office Open XML, ECMA-376 part 1, SpreadsheetML): each
 * part is inflated as a stream and parsed with a SAX parser, so memory holds the compressed file,
 * the shared strings and the rows as text, never a workbook model. A 100,000-row roster reads in
 * well under 500 MB (ExcelJS's in-memory reader needed ~980 MB).
 *
 * It gives exactly what ExcelJS's in-memory reader gave (`Workbook.xlsx.load`, then `eachRow` /
 * `eachCell({ includeEmpty: true })` and `cellText`), which `imports.reader.test.ts` checks cell
 * by cell: formulas give their cached result, numbers in a date format give YYYY-MM-DD, rich text
 * its plain text, error cells '', each cell of a merged range the text of its top-left cell, rows
 * without any value are left out, hidden rows and hidden sheets are reported. Beyond ExcelJS it
 * tells which cells of a row are copies of a merged cell to their left (`mergedCopies`), and
 * converts cells typed in legacy Vietnamese fonts (TCVN3 .Vn…, VNI-…) to Unicode (`legacy`).
 *
 * ExcelJS's own streaming reader (`stream.xlsx.WorkbookReader`) is not used: it decodes each
 * inflated chunk separately, so a Vietnamese letter split across two chunks becomes two U+FFFD
 * (17 garbled names in a 20,000-row roster), and it reads neither hidden rows nor merged cells.
 *
 * Limits, checked while inflating (sizes declared in the file may lie): at most MAX_COLUMNS
 * columns, `maxRows` rows holding a value (+100 for title and signature rows; empty styled rows
 * and a declared <dimension> down to row 1,048,576 do not count), MAX_XML_BYTES of XML in all.
 */
export interface XlsxSheet {
  name: string;
  rows: string[][];
  rowNumbers: number[];
  hiddenRows: Set<number>;
  /** row number → 0-based columns whose text is a copy from a cell to their left in the same merged range */
  mergedCopies?: Map<number, number[]>;
  /** row number → the cells that were typed in a legacy Vietnamese encoding */
  legacy?: Map<number, LegacyCell[]>;
}

/**
 * A cell read as legacy Vietnamese (by its font or its characters, see `convertLegacy`): when
 * `certain` its text in `rows` is the converted NFC text, otherwise it keeps `original`.
 */
export interface LegacyCell {
  /** 0-based column */
  col: number;
  original: string;
  encoding: LegacyEncoding;
  certain: boolean;
}

/** Widest sheet a roster can sensibly have; a 16,384-column sheet is refused before its rows are kept. */
export const MAX_COLUMNS = 200;
/** Most cells merged ranges may cover in one sheet (a 100,000-row roster with every title merged covers far fewer). */
export const MAX_MERGED_CELLS = 2_000_000;
/** Most uncompressed XML read from one workbook (a zip bomb inside an .xlsx stops here). */
export const MAX_XML_BYTES = 256 * 1024 * 1024;
/** Most shared strings kept from one workbook (each is held in memory until the sheets are read). */
const MAX_SHARED_STRINGS = 3_000_000;

const unreadable = (fileName: string, what: string, fix: string) => new AppError('IMPORT_FILE_UNREADABLE', `Không đọc được tệp "${fileName}": ${what}. ${fix}`);
const RESAVE = 'Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx (Excel Workbook) rồi tải lên lại.';
const tooLarge = (fileName: string, maxRows: number) =>
  new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${fileName}" có hơn ${maxRows.toLocaleString('vi-VN')} dòng, vượt giới hạn mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`);
const tooWide = (fileName: string, cols: number) => unreadable(fileName, `trang tính rộng ${cols.toLocaleString('vi-VN')} cột (tối đa ${MAX_COLUMNS})`, 'Hãy xoá các cột thừa hoặc chép bảng danh sách sang tệp mới.');

/** Column number of a cell reference ("AB12" → 28); 0 when there are no letters. */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + c - 64;
    else if (c >= 97 && c <= 122) n = n * 26 + c - 96;
    else break;
  }
  return n;
}
const rowOf = (ref: string) => Number(/\d+$/.exec(ref)?.[0] ?? NaN);
const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};
/** Excel escapes control characters in text as _xHHHH_ (ECMA-376 §22.4.2.4); ExcelJS decodes them. */
const unescapeText = (s: string) => (s.includes('_x') ? s.replace(/_x([0-9A-F]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : s);

class Budget {
  used = 0;
  /** rows holding a value (or covered by a merged range), over all sheets */
  rows = 0;
  constructor(
    readonly fileName: string,
    readonly maxRows: number | undefined,
  ) {}
  add(bytes: number) {
    this.used += bytes;
    if (this.used > MAX_XML_BYTES) throw unreadable(this.fileName, `bảng tính giải nén ra hơn ${MAX_XML_BYTES / 1048576} MB`, 'Hãy tách tệp theo xã hoặc theo thôn.');
  }
  /** one more row with a value; refused past maxRows + 100 */
  row() {
    if (++this.rows > (this.maxRows ?? Infinity) + 100) throw tooLarge(this.fileName, this.maxRows!);
  }
}

/** Where a part failed, in words the user can act on. */
type PartLabel = string;

type Zip = { buf: Buffer; entries: Map<string, ZipEntry> };

/**
 * Inflates one zip entry as a stream and feeds it, decoded as UTF-8 across chunk boundaries, to a
 * SAX parser set up by `setup`. Resolves when the part is read; rejects with the AppError a
 * handler threw, or IMPORT_FILE_UNREADABLE naming the part when the XML or the deflate data is bad.
 */
function parsePart(buf: Buffer, entry: ZipEntry, budget: Budget, label: PartLabel, setup: (p: SaxesParser) => void): Promise<void> {
  const parser = new SaxesParser({ position: false });
  setup(parser);
  const decoder = new TextDecoder('utf-8');
  return new Promise<void>((resolve, reject) => {
    const data = buf.subarray(entry.offset, entry.offset + entry.compressedSize);
    if (entry.method !== 0 && entry.method !== 8) {
      reject(unreadable(budget.fileName, `${label} nén theo cách không chuẩn (phương pháp ${entry.method})`, RESAVE));
      return;
    }
    // inflated by zlib off the main thread, 64 KB at a time: other requests are served in between
    const stream = entry.method === 8 ? createInflateRaw({ chunkSize: 65536 }) : Readable.from([data]);
    if (entry.method === 8) (stream as ReturnType<typeof createInflateRaw>).end(data);
    let done = false;
    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(
        err instanceof AppError
          ? err
          : unreadable(budget.fileName, `${label} có XML hỏng (${String((err as Error).message ?? err).slice(0, 120)})`, RESAVE),
      );
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      try {
        budget.add(chunk.length);
        parser.write(decoder.decode(chunk, { stream: true }));
      } catch (err) {
        fail(err);
      }
    });
    stream.on('end', () => {
      if (done) return;
      try {
        parser.write(decoder.decode());
        parser.close();
        done = true;
        resolve();
      } catch (err) {
        fail(err);
      }
    });
    stream.on('error', (err: Error) => {
      if (done) return;
      done = true;
      reject(unreadable(budget.fileName, `${label} bị hỏng (${err.message.slice(0, 120)})`, RESAVE));
    });
  });
}

interface WorkbookSheet {
  name: string;
  state: string;
  path: string | null;
}

/** The workbook part: sheets in tab order with their state and part path, and the date system. */
async function readWorkbook(zip: Zip, budget: Budget): Promise<{ sheets: WorkbookSheet[]; date1904: boolean } | null> {
  const book = zip.entries.get('xl/workbook.xml');
  if (!book) return null;
  const listed: { name: string; state: string; rid: string }[] = [];
  let date1904 = false;
  await parsePart(zip.buf, book, budget, 'phần mô tả sổ làm việc (xl/workbook.xml)', (p) =>
    p.on('opentag', (tag: SaxesTagPlain) => {
      const name = local(tag.name);
      if (name === 'sheet') {
        const rid = Object.entries(tag.attributes).find(([k]) => local(k) === 'id' && k !== 'sheetId')?.[1] ?? '';
        listed.push({ name: tag.attributes.name ?? '', state: tag.attributes.state ?? 'visible', rid });
      } else if (name === 'workbookPr') {
        const v = tag.attributes.date1904;
        date1904 = v === '1' || v === 'true';
      }
    }),
  );
  const targets = new Map<string, string>();
  const rels = zip.entries.get('xl/_rels/workbook.xml.rels');
  if (rels) {
    await parsePart(zip.buf, rels, budget, 'phần liên kết (xl/_rels/workbook.xml.rels)', (p) =>
      p.on('opentag', (tag: SaxesTagPlain) => {
        if (local(tag.name) === 'Relationship' && tag.attributes.Id && tag.attributes.Target) targets.set(tag.attributes.Id, tag.attributes.Target);
      }),
    );
  }
  const sheets = listed.map((s) => {
    const target = targets.get(s.rid);
    // targets are relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/worksheets/sheet1.xml")
    const path = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target}`).replace(/\/\.\//g, '/') : null;
    return { name: s.name, state: s.state, path: path && /^xl\/worksheets\/[^/]+\.xml$/.test(path) && zip.entries.has(path) ? path : null };
  });
  return { sheets, date1904 };
}

/** Per cell style: date format and legacy font (`imports.xlsx.styles.ts`). */
async function readStyles(zip: Zip, budget: Budget): Promise<CellStyles> {
  const styles = zip.entries.get('xl/styles.xml');
  if (!styles) return { dates: [], legacyFonts: [] };
  let result: () => CellStyles = () => ({ dates: [], legacyFonts: [] });
  await parsePart(zip.buf, styles, budget, 'phần định dạng (xl/styles.xml)', (p) => (result = stylesHandler(p)));
  return result();
}

/**
 * The shared string table: each <si> as its plain text (rich-text runs joined, phonetic runs left
 * out), and the legacy encoding of a run's font (<rFont>) where a run has one.
 */
async function readSharedStrings(zip: Zip, budget: Budget): Promise<{ strings: string[]; fonts: Map<number, LegacyEncoding> }> {
  const part = zip.entries.get('xl/sharedStrings.xml');
  const fonts = new Map<number, LegacyEncoding>();
  if (!part) return { strings: [], fonts };
  const strings: string[] = [];
  let text = '';
  let inT = false;
  let phonetic = 0;
  await parsePart(zip.buf, part, budget, 'phần chữ dùng chung (xl/sharedStrings.xml)', (p) => {
    p.on('opentag', (tag: SaxesTagPlain) => {
      const name = local(tag.name);
      if (name === 't') inT = phonetic === 0;
      else if (name === 'si') text = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 'rFont' && !fonts.has(strings.length)) {
        const encoding = fontEncoding(tag.attributes.val);
        if (encoding) fonts.set(strings.length, encoding);
      }
    });
    p.on('text', (t) => {
      if (inT) text += t;
    });
    p.on('closetag', (tag) => {
      const name = local(tag.name);
      if (name === 't') inT = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') {
        if (strings.length >= MAX_SHARED_STRINGS) throw unreadable(budget.fileName, `bảng tính có hơn ${MAX_SHARED_STRINGS.toLocaleString('vi-VN')} chuỗi chữ khác nhau`, 'Hãy tách tệp theo xã hoặc theo thôn.');
        strings.push(unescapeText(text));
      }
    });
  });
  return { strings, fonts };
}

interface RowRecord {
  cells: string[];
  hidden: boolean;
}

interface SheetContext {
  budget: Budget;
  strings: string[];
  stringFonts: Map<number, LegacyEncoding>;
  styles: CellStyles;
  date1904: boolean;
}

/**
 * One worksheet part, streamed: rows of cell text, merged ranges filled, limits checked as rows
 * arrive. Only rows holding a value are kept (and counted against the row limit); an empty row
 * is remembered, compactly, only when it widens or hides a row a merged range may later cover.
 */
async function readSheet(zip: Zip, entry: ZipEntry, name: string, path: string, ctx: SheetContext): Promise<XlsxSheet> {
  const { budget, strings, stringFonts, styles, date1904 } = ctx;
  const fileName = budget.fileName;
  /** rows holding a value (ExcelJS `row.hasValues`) or covered by a merged range */
  const rows = new Map<number, RowRecord>();
  /** rows without a value: width × 2 + hidden */
  const empties = new Map<number, number>();
  const legacy = new Map<number, LegacyCell[]>();
  const merges: string[] = [];
  let row: RowRecord | null = null;
  let kept = false;
  let rowNumber = 0;
  let lastRow = 0;
  let nextCol = 1;
  // the cell being read
  let col = 0;
  let type = 'n';
  let style = 0;
  let formula = false;
  let value: string | null = null;
  let inline: string | null = null;
  let capture: 'v' | 'is' | null = null;
  let phonetic = 0;

  /** the record of an empty row remembered in `empties`, or a new one */
  const revive = (n: number): RowRecord => {
    const packed = empties.get(n) ?? 0;
    empties.delete(n);
    return { cells: Array<string>(packed >> 1).fill(''), hidden: (packed & 1) === 1 };
  };
  const keep = (n: number, rec: RowRecord) => {
    budget.row();
    rows.set(n, rec);
  };

  const cellText = (): string | null => {
    if (type === 'inlineStr') return inline === null && value === null ? (formula ? '' : null) : unescapeText(inline ?? value ?? '');
    if (value === null) return formula ? '' : null;
    switch (type) {
      case 's':
        return strings[Number(value)] ?? '';
      case 'str':
        return unescapeText(value);
      case 'b':
        return String(Number(value) !== 0);
      case 'e':
        return '';
      case 'd': {
        const d = new Date(value);
        return Number.isNaN(d.getTime()) ? value : d.toISOString().slice(0, 10);
      }
      default: {
        const n = parseFloat(value);
        return Number.isNaN(n) ? 'NaN' : styles.dates[style] ? serialToDate(n, date1904) : String(n);
      }
    }
  };

  // cells in a legacy font whose bytes also read as Vietnamese: converted when other cells of the
  // sheet show it was typed in that encoding, else kept (Unicode typed before the font was changed)
  const ambiguous: { row: number; col: number; original: string; text: string; encoding: LegacyEncoding }[] = [];
  const typedIn = new Set<LegacyEncoding>();
  // font → text → answer (no key string built per cell: most texts are the shared strings' own)
  const legacyMemo = new Map<LegacyEncoding | null | undefined, Map<string, ReturnType<typeof convertLegacy>>>();
  /** a text cell in a legacy font, or with legacy characters: converted when certain, listed in `legacy` */
  const unlegacy = (text: string): string => {
    const font = (type === 's' && stringFonts.size ? stringFonts.get(Number(value)) : undefined) ?? styles.legacyFonts[style];
    // the same text in the same font gives the same answer: each distinct one is worked out once
    let memo = legacyMemo.get(font);
    if (!memo) legacyMemo.set(font, (memo = new Map()));
    let found = memo.get(text);
    if (found === undefined) memo.set(text, (found = convertLegacy(text, font)));
    if (!found) return text;
    if (found.ambiguous) {
      ambiguous.push({ row: rowNumber, col: col - 1, original: text, text: found.text, encoding: found.encoding });
      return text;
    }
    if (found.certain) typedIn.add(found.encoding === 'tcvn3-upper' ? 'tcvn3' : found.encoding);
    const cells = legacy.get(rowNumber) ?? [];
    cells.push({ col: col - 1, original: text, encoding: found.encoding, certain: found.certain });
    legacy.set(rowNumber, cells);
    return found.certain ? found.text : text;
  };

  await parsePart(zip.buf, entry, budget, `trang tính "${name}" (${path})`, (p) => {
    p.on('opentag', (tag: SaxesTagPlain) => {
      switch (local(tag.name)) {
        case 'row': {
          const r = tag.attributes.r;
          rowNumber = r ? Number(r) : rowNumber + 1;
          lastRow = Math.max(lastRow, rowNumber);
          const hidden = tag.attributes.hidden === '1' || tag.attributes.hidden === 'true';
          row = rows.get(rowNumber) ?? null;
          kept = row !== null;
          row ??= revive(rowNumber);
          row.hidden ||= hidden;
          nextCol = 1;
          break;
        }
        case 'c': {
          const ref = tag.attributes.r;
          col = ref ? columnOf(ref) || nextCol : nextCol;
          if (col > MAX_COLUMNS) throw tooWide(fileName, col);
          nextCol = col + 1;
          type = tag.attributes.t ?? 'n';
          style = tag.attributes.s ? Number(tag.attributes.s) : 0;
          formula = false;
          value = null;
          inline = null;
          break;
        }
        case 'v':
          capture = 'v';
          value = '';
          break;
        case 'f':
          formula = true;
          break;
        case 'is':
          inline = '';
          break;
        case 't':
          if (inline !== null && phonetic === 0) capture = 'is';
          break;
        case 'rPh':
          phonetic++;
          break;
        case 'mergeCell':
          if (tag.attributes.ref) merges.push(tag.attributes.ref);
          break;
        case 'dimension': {
          // only the width: a declared height (LibreOffice writes A1:K1048576) says nothing of the rows with values
          const m = /^[A-Z]+\d+(?::([A-Z]+)\d+)?$/i.exec(tag.attributes.ref ?? '');
          if (m?.[1] && columnOf(m[1]) > MAX_COLUMNS) throw tooWide(fileName, columnOf(m[1]));
          break;
        }
      }
    });
    p.on('text', (t) => {
      if (capture === 'v') value = (value ?? '') + t;
      else if (capture === 'is') inline = (inline ?? '') + t;
    });
    p.on('closetag', (tag) => {
      switch (local(tag.name)) {
        case 'v':
        case 't':
          capture = null;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c': {
          if (!row) break;
          let text = cellText();
          if (text && type !== 'n' && type !== 'b' && type !== 'e' && type !== 'd') text = unlegacy(text);
          // an empty styled cell still widens the row (ExcelJS creates it), but holds no value
          while (row.cells.length < col - 1) row.cells.push('');
          row.cells[col - 1] = text ?? '';
          if (text !== null && !kept) {
            kept = true;
            keep(rowNumber, row);
          }
          break;
        }
        case 'row':
          if (row && !kept && (row.cells.length || row.hidden)) empties.set(rowNumber, row.cells.length * 2 + (row.hidden ? 1 : 0));
          row = null;
          break;
      }
    });
  });
  for (const a of ambiguous) {
    if (!typedIn.has(a.encoding === 'tcvn3-upper' ? 'tcvn3' : a.encoding)) continue;
    const rec = rows.get(a.row);
    if (!rec) continue;
    rec.cells[a.col] = a.text;
    legacy.set(a.row, [...(legacy.get(a.row) ?? []), { col: a.col, original: a.original, encoding: a.encoding, certain: true }]);
  }

  // merged ranges: every cell shows the top-left cell's text, and makes its row count (as ExcelJS)
  const mergedCopies = new Map<number, Set<number>>();
  // cells the merges cover, counted before any is filled: overlapping or sheet-sized ranges (a file
  // of a few KB asking for millions of copies) are refused, as Excel never writes them
  let covered = 0;
  for (const ref of merges) {
    const [from, to = from] = ref.split(':');
    const [c1, r1, c2, r2] = [columnOf(from), rowOf(from), columnOf(to), rowOf(to)];
    if (c1 && r1 && c2 && r2) covered += (Math.min(c2, MAX_COLUMNS) - c1 + 1) * (Math.min(r2, lastRow) - r1 + 1);
  }
  if (covered > MAX_MERGED_CELLS) throw unreadable(fileName, `các ô gộp (Merge) của trang tính "${name}" phủ hơn ${MAX_MERGED_CELLS.toLocaleString('vi-VN')} ô`, 'Hãy bỏ gộp ô (Unmerge) ở vùng danh sách, lưu lại rồi tải lên lại.');
  for (const ref of merges) {
    const [from, to = from] = ref.split(':');
    const [c1, r1, c2, r2] = [columnOf(from), rowOf(from), columnOf(to), rowOf(to)];
    if (!(c1 && r1 && c2 && r2) || (c1 === c2 && r1 === r2)) continue;
    if (c2 > MAX_COLUMNS) throw tooWide(fileName, c2);
    const master = rows.get(r1)?.cells[c1 - 1] ?? '';
    // rows below the last row of the sheet hold nothing but the merge: not a roster's rows
    for (let r = r1; r <= Math.min(r2, lastRow); r++) {
      let rec = rows.get(r);
      if (r === r1 && c1 === c2) continue; // the top cell of a one-column range: no copy in its row
      if (!rec) keep(r, (rec = revive(r)));
      for (let c = c1; c <= c2; c++) {
        if (r === r1 && c === c1) continue;
        while (rec.cells.length < c - 1) rec.cells.push('');
        rec.cells[c - 1] = master;
        // a copy to the right is the same cell again; a copy down the first column is a value of its own row
        if (c > c1) {
          const cols = mergedCopies.get(r) ?? new Set<number>();
          cols.add(c - 1);
          mergedCopies.set(r, cols);
        }
      }
    }
  }

  const sheet: XlsxSheet = { name, rows: [], rowNumbers: [], hiddenRows: new Set() };
  for (const n of [...rows.keys()].sort((a, b) => a - b)) {
    const rec = rows.get(n)!;
    sheet.rows.push(rec.cells);
    sheet.rowNumbers.push(n);
    if (rec.hidden) sheet.hiddenRows.add(n);
  }
  if (mergedCopies.size) sheet.mergedCopies = new Map([...mergedCopies].sort((a, b) => a[0] - b[0]).map(([n, cols]) => [n, [...cols].sort((a, b) => a - b)]));
  if (legacy.size) sheet.legacy = legacy;
  return sheet;
}

/**
 * Reads an .xlsx (bytes of a zip) into its visible sheets of text and the names of its hidden
 * sheets. Errors: IMPORT_FILE_UNREADABLE (broken zip or XML, naming the part; no worksheet; over
 * MAX_COLUMNS columns or MAX_XML_BYTES of XML), IMPORT_FILE_TOO_LARGE (over `maxRows` + 100 rows
 * holding a value, over all sheets; refused while streaming, as soon as the row is seen).
 */
export async function readXlsx(buf: Buffer, fileName: string, maxRows?: number): Promise<{ sheets: XlsxSheet[]; hiddenSheets: string[] }> {
  const entries = zipIndex(buf);
  if (!entries) throw unreadable(fileName, 'tệp .xlsx bị hỏng hoặc không trọn vẹn (không đọc được danh mục tệp nén)', RESAVE);
  const zip: Zip = { buf, entries };
  const budget = new Budget(fileName, maxRows);
  const book = await readWorkbook(zip, budget);
  const listed = book?.sheets.filter((s) => s.path) ?? [];
  if (!book || listed.length === 0) throw unreadable(fileName, 'tệp nén không phải bảng tính Excel (không có trang tính nào)', 'Hãy tải lên tệp .xlsx hoặc CSV của danh sách.');
  const visible = listed.filter((s) => s.state === 'visible');
  const styles = await readStyles(zip, budget);
  const { strings, fonts: stringFonts } = visible.length ? await readSharedStrings(zip, budget) : { strings: [], fonts: new Map<number, LegacyEncoding>() };
  const sheets: XlsxSheet[] = [];
  for (const s of visible) sheets.push(await readSheet(zip, entries.get(s.path!)!, s.name, s.path!, { budget, strings, stringFonts, styles, date1904: book.date1904 }));
  return { sheets, hiddenSheets: listed.filter((s) => s.state !== 'visible').map((s) => s.name) };
}
