import { cleanText, nameKey } from '../text/vietnamese.js';
import { type ColumnMapping, FIELDS, type Field, isNumberingRow, isSignatureRow, isTotalsRow } from './imports.columns.js';
import { type GroupRow, readGroupRow, tableContext, villageOfCell } from './imports.context.js';
import type { RefusedRow } from './imports.plan.js';
import type { ImportOptions } from './imports.service.js';
import type { FileReport } from './imports.report.js';
import { distinctCells, type Sheet } from './imports.reader.js';
import { type RosterRow, type RowParsers, validateRow } from './imports.validate.js';

/**
 * The rows of one mapped sheet, in order: hidden rows, group rows (each starts a team), the
 * numbering row, totals, notes and the signature block are skipped and counted in
 * `report.skipped`; every other row is validated with the context in force (title, sheet and file
 * name, the last group row) and lands in `valid` or, refused, in `report.rows` as invalid.
 */

/** A note under or inside the table ("Ghi chú: …", "Lưu ý", "* Danh sách gồm …"). */
const NOTE = /^(?:ghi chú|ghi chu|lưu ý|luu y|chú thích|\*)/iu;

const LETTER_FIRST = /^\p{L}/u;

/** How many cells hold text: group rows, notes and the signature block are sparse rows. */
const filledCount = (cells: string[]) => {
  let n = 0;
  for (const c of cells) if (c && c.trim()) n++;
  return n;
};

/**
 * Whether `name` may have the matching key `key`: `nameKey` keeps a text's first letter first
 * (lower case, its marks after it), so a name that starts with another letter cannot, and the
 * key of every other name need not be worked out. Names that start with anything but a letter of
 * the BMP are always compared.
 */
function maybeHeader(name: string, key: string): boolean {
  const c = name.charCodeAt(0);
  if ((c >= 0xd800 && c <= 0xdfff) || !LETTER_FIRST.test(name)) return true;
  return name.charAt(0).toLowerCase().normalize('NFD').charAt(0) === key.charAt(0);
}

/** How many rows `readRows` reads between two pauses. */
export const ROWS_BETWEEN_PAUSES = 500;

/**
 * Reads the sheet's rows into `valid` and `report` (see the module comment), pausing (yielding)
 * after every ROWS_BETWEEN_PAUSES rows so the caller can plan the valid rows so far or let other
 * work run; the caller runs it to the end.
 */
export function* readRows(sheet: Sheet, mapping: ColumnMapping, headers: string[], fileName: string, opts: ImportOptions, parsers: RowParsers, report: FileReport, valid: RosterRow[], scopeProvince: string | null, refused: RefusedRow[] = []): Generator<void, void, void> {
  const context = tableContext(sheet, mapping.headerIndex, fileName);
  // the province: chosen with the upload, else named above the table, else the importer's own
  const province = opts.province || context.province || scopeProvince;
  const skipped = report.skipped;
  const first = mapping.headerIndex + mapping.headerRows;
  let commune = context.commune ?? opts.commune ?? undefined;
  let district = context.district;
  let village: string | null | undefined = context.village;
  const ignore = [mapping.columns.role, mapping.columns.affiliation];
  const fieldAt = new Map((Object.entries(mapping.columns) as [Field, number][]).map(([f, c]) => [c, f]));
  // a sheet with group rows gives each member the team of the group row above it: a member row
  // above the first group row, with no village or team of its own, belongs to no team the file names
  const groups = new Map<number, GroupRow>();
  let probe = commune;
  for (let i = first; i < sheet.rows.length; i++) {
    const cells = distinctCells(sheet, i);
    const filled = filledCount(cells);
    if (filled <= 4 && isSignatureRow(cells, ignore)) break;
    const g = filled <= 2 ? readGroupRow(cells, probe) : undefined;
    if (g) {
      groups.set(i, g);
      if (g.commune) probe = g.commune;
    }
  }
  let inGroup = false;
  let signature = false;
  // the header's own name cell, seen again below it when merged down over a second header row
  const headerNameKey = nameKey(cleanText(sheet.rows[mapping.headerIndex][mapping.columns.fullName!] ?? ''));
  const problem = (row: number, severity: 'error' | 'warning', message: string, suggestion: string, column = '') => report.problems.push({ sheet: sheet.name, row, column, severity, message, suggestion });
  for (let i = first; i < sheet.rows.length; i++) {
    if ((i - first) % ROWS_BETWEEN_PAUSES === ROWS_BETWEEN_PAUSES - 1) yield;
    const rowNo = sheet.rowNumbers[i];
    if (sheet.hiddenRows?.has(rowNo)) {
      skipped.hiddenRows++;
      problem(rowNo, 'warning', 'Dòng đang ẩn nên không được nhập', 'Nếu cần nhập, hãy bỏ ẩn dòng (Unhide) rồi tải lên lại');
      continue;
    }
    if (signature) {
      skipped.signatureRows++;
      continue;
    }
    const cells = distinctCells(sheet, i);
    const group = groups.get(i);
    if (group) {
      skipped.groupRows++;
      if (group.district) district = group.district;
      if (group.commune) commune = group.commune;
      if (group.village !== undefined) {
        village = group.village;
        inGroup = true;
      }
      if (group.guessed) problem(rowNo, 'warning', `Dòng nhóm "${group.title}" không ghi rõ là thôn/bản hay xã; đã đọc là tổ của thôn "${group.village}"`, 'Nếu chưa đúng, ghi rõ, ví dụ "Tổ CNSCĐ bản Pọng Chăn" hoặc "Tổ CNSCĐ xã …", rồi chạy thử lại');
      continue;
    }
    if (filledCount(cells) <= 4 && isSignatureRow(cells, ignore)) {
      signature = true;
      skipped.signatureRows++;
      continue;
    }
    if (isNumberingRow(cells)) {
      skipped.numberingRows++;
      continue;
    }
    const name = cleanText(cells[mapping.columns.fullName!] ?? '');
    // the header's own text again (a header cell merged down over a second row): not a member
    if (name && maybeHeader(name, headerNameKey) && nameKey(name) === headerNameKey) {
      skipped.notes++;
      continue;
    }
    if (isTotalsRow(name) || (!name && cells.some((c) => isTotalsRow(c ?? '')))) {
      skipped.totalsRows++;
      continue;
    }
    let firstText = '';
    for (const c of cells) if ((firstText = cleanText(c ?? ''))) break;
    if (NOTE.test(firstText) && !/^\d+$/.test(firstText)) {
      skipped.notes++;
      continue;
    }
    sheet.rows[i] = cells;
    const { row, problems, skipped: noMember } = validateRow(sheet, i, mapping, headers, { province, district, commune, village: village ?? null }, parsers);
    if (noMember) {
      skipped.notes++;
      continue;
    }
    const legacy = sheet.legacy?.get(rowNo) ?? [];
    let refusedRow = false;
    for (const cell of legacy) {
      const field = fieldAt.get(cell.col);
      const column = headers[cell.col] || (field ? FIELDS[field] : `cột ${cell.col + 1}`);
      const font = cell.encoding === 'vni' ? 'VNI' : 'TCVN3 (ABC, phông .Vn…)';
      if (cell.certain) problems.push({ sheet: sheet.name, row: rowNo, column, severity: 'warning', message: `Chữ gõ bằng bảng mã cũ ${font}: "${cell.original}" đã chuyển thành "${cleanText(sheet.rows[i][cell.col] ?? '')}"`, suggestion: 'Kiểm tra lại; nên chuyển cả tệp sang Unicode (Unikey: Công cụ chuyển mã)' });
      else if (field) {
        refusedRow = true;
        problems.push({ sheet: sheet.name, row: rowNo, column, severity: 'error', message: `Chữ "${cell.original}" có vẻ gõ bằng bảng mã cũ ${font} nhưng không chuyển chắc chắn được`, suggestion: 'Chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, từ TCVN3 hoặc VNI sang Unicode), hoặc gõ lại ô này, rồi tải lên lại' });
      }
    }
    // a grouped sheet's member row above the first group row: which team it belongs to is not written
    const ownPlace = mapping.columns.village !== undefined || mapping.columns.team !== undefined || context.village !== undefined;
    if (row && groups.size > 0 && !inGroup && !ownPlace) {
      refusedRow = true;
      problems.push({ sheet: sheet.name, row: rowNo, column: FIELDS.team, severity: 'error', message: 'Dòng này nằm trên dòng nhóm đầu tiên của bảng nên không rõ thuộc tổ nào', suggestion: 'Chuyển dòng xuống dưới dòng nhóm của tổ (ví dụ "I | Tổ CNSCĐ xã …"), hoặc thêm dòng nhóm phía trên nó' });
    }
    report.problems.push(...problems);
    if (row && !refusedRow) valid.push(row);
    else {
      const fullName = row?.fullName ?? cleanText(sheet.rows[i][mapping.columns.fullName!] ?? '');
      report.rows.push({ sheet: sheet.name, row: rowNo, outcome: 'invalid', fullName });
      // where the file put it, for the shape
      const at = (f: Field) => (mapping.columns[f] === undefined ? '' : cleanText(sheet.rows[i][mapping.columns[f]!] ?? ''));
      const cellVillage = mapping.columns.village !== undefined ? villageOfCell(at('village')) : undefined;
      refused.push({ sheet: sheet.name, row: rowNo, fullName, commune: at('commune') || commune || null, district: at('district') || district || null, village: cellVillage !== undefined ? cellVillage : village ?? null });
    }
  }
}
