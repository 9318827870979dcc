import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { AuditActor } from '../audit/audit.service.js';
import { type UnitRow, unitsByCodes } from '../catalogue/catalogue.repo.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { readSpreadsheet, type Sheet } from '../imports/imports.reader.js';
import { cleanText, searchKey } from '../text/vietnamese.js';
import { type PopulationRow, writePopulation } from './sessions.population.js';

/**
 * Population figures from a file an officer has (CSV or .xlsx, or rows pasted from a spreadsheet,
 * sent as a tab-separated file): a header row naming the columns in any accents, case or order,
 * e.g. "Mã xã | Tên xã | Năm | Dân số | Số hộ". Every row is checked before anything is written;
 * one bad row refuses the whole file with its row number, column and how to fix it.
 */
type Column = 'code' | 'name' | 'year' | 'population' | 'households';

const COLUMN_LABEL: Record<Column, string> = { code: 'Mã xã', name: 'Tên xã', year: 'Năm', population: 'Dân số', households: 'Số hộ' };
/** Header spellings as search keys (no accents, lower case), matched whole after dropping "(…)". */
const SYNONYMS: Record<Column, string[]> = {
  code: ['ma xa', 'ma xa phuong', 'ma don vi', 'ma dvhc', 'ma don vi hanh chinh', 'ma', 'ma so', 'code', 'unit', 'unit code'],
  name: ['ten xa', 'xa', 'xa phuong', 'ten xa phuong', 'ten don vi', 'don vi', 'phuong xa', 'name', 'commune'],
  year: ['nam', 'nam thong ke', 'nam so lieu', 'year'],
  population: ['dan so', 'so dan', 'tong dan so', 'so nhan khau', 'nhan khau', 'tong so nhan khau', 'population'],
  households: ['so ho', 'ho', 'so ho gia dinh', 'ho gia dinh', 'tong so ho', 'households'],
};
const LOOKUP = new Map<string, Column>(Object.entries(SYNONYMS).flatMap(([c, words]) => words.map((w) => [w, c as Column] as const)));

export const MAX_POPULATION_ROWS = 5000;

/** The column a header cell names, or null. */
export function populationColumnOf(cell: string): Column | null {
  return LOOKUP.get(searchKey(cell.replace(/\(.*?\)/g, ' '))) ?? LOOKUP.get(searchKey(cell)) ?? null;
}

export interface PopulationProblem {
  row: number;
  column: string | null;
  message: string;
}

/** "12.345", "12,345", "12 345", "12345" → 12345; null for anything else (decimals, text). */
function wholeNumber(text: string): number | null {
  const t = text.replace(/[\s\u00a0]/g, '');
  if (/^\d{1,3}([.,]\d{3})+$/.test(t)) return Number(t.replace(/[.,]/g, ''));
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** "Phường Chiềng An", "P. Chiềng An", "Chiềng An" → "chieng an". */
function bareName(name: string): string {
  return searchKey(name).replace(/^(xa|phuong|dac khu|thi tran|p|x)\s+/, '');
}

/**
 * Reads population rows from a sheet: finds the header (the first of the first 20 rows naming
 * "Mã xã" and "Dân số"), then one figure per commune and year. `defaultYear` is used when the file
 * has no "Năm" column. Blank rows and totals rows ("Tổng cộng", "Cộng") are skipped. Returns the
 * rows that parsed, with their line numbers in the file, and the problems of the others.
 */
export function parsePopulationSheet(sheet: Sheet, defaultYear?: number): { rows: (PopulationRow & { line: number; name: string | null })[]; headerFound: boolean; problems: PopulationProblem[] } {
  const limit = Math.min(sheet.rows.length, 20);
  let headerIndex = -1;
  let columns: Partial<Record<Column, number>> = {};
  for (let i = 0; i < limit && headerIndex < 0; i++) {
    const found: Partial<Record<Column, number>> = {};
    sheet.rows[i].forEach((cell, j) => {
      const c = populationColumnOf(cell ?? '');
      if (c && found[c] === undefined) found[c] = j;
    });
    if (found.code !== undefined && found.population !== undefined) {
      headerIndex = i;
      columns = found;
    }
  }
  if (headerIndex < 0) {
    return { headerFound: false, rows: [], problems: [{ row: 1, column: null, message: 'Không tìm thấy dòng tiêu đề có cột "Mã xã" và cột "Dân số". Hãy thêm dòng tiêu đề, ví dụ: Mã xã | Tên xã | Năm | Dân số | Số hộ (mã xã là mã 5 chữ số sau 01/07/2025).' }] };
  }
  if (columns.year === undefined && defaultYear === undefined) {
    return { headerFound: true, rows: [], problems: [{ row: sheet.rowNumbers[headerIndex], column: null, message: 'Tệp không có cột "Năm" và chưa chọn năm. Hãy thêm cột "Năm" hoặc chọn năm của số liệu.' }] };
  }
  const rows: (PopulationRow & { line: number; name: string | null })[] = [];
  const problems: PopulationProblem[] = [];
  const seen = new Map<string, number>();
  for (let i = headerIndex + 1; i < sheet.rows.length; i++) {
    const cells = sheet.rows[i];
    const line = sheet.rowNumbers[i];
    const get = (c: Column) => (columns[c] === undefined ? '' : cleanText(String(cells[columns[c]!] ?? '')));
    if (cells.every((c) => !cleanText(String(c ?? '')))) continue;
    const codeText = get('code');
    const name = get('name') || null;
    if (!codeText && /^(tong|cong|tong cong|tong so)\b/.test(searchKey(name ?? cells.find((c) => cleanText(String(c ?? ''))) ?? ''))) continue;
    const problem = (column: Column | null, message: string) => problems.push({ row: line, column: column ? COLUMN_LABEL[column] : null, message });
    // Excel often keeps codes as numbers and drops the leading zero ("3664" for 03664)
    const code = /^\d{1,5}$/.test(codeText) ? codeText.padStart(5, '0') : codeText;
    if (!/^\d{5}$/.test(code)) {
      problem('code', codeText ? `Mã xã "${codeText}" không đúng: mã xã gồm 5 chữ số (ví dụ 03664).` : 'Thiếu mã xã. Hãy ghi mã 5 chữ số của xã, phường (sau 01/07/2025).');
      continue;
    }
    const yearText = get('year');
    const year = columns.year === undefined ? defaultYear! : wholeNumber(yearText);
    if (year === null || year < 2000 || year > 2100) {
      problem('year', `Năm "${yearText}" không đúng. Hãy ghi năm 4 chữ số, ví dụ 2026.`);
      continue;
    }
    const popText = get('population');
    const population = wholeNumber(popText);
    if (population === null || population > 5_000_000) {
      problem('population', popText ? `Dân số "${popText}" không phải số người hợp lệ. Hãy ghi số nguyên, ví dụ 12.345.` : 'Thiếu dân số. Hãy ghi số người của xã.');
      continue;
    }
    const hhText = get('households');
    const households = hhText ? wholeNumber(hhText) : null;
    if (hhText && (households === null || households > 2_000_000)) {
      problem('households', `Số hộ "${hhText}" không phải số nguyên hợp lệ. Hãy ghi số hộ, ví dụ 3.210, hoặc để trống.`);
      continue;
    }
    const key = `${code}:${year}`;
    if (seen.has(key)) {
      problem('code', `Mã xã ${code} năm ${year} đã có ở dòng ${seen.get(key)}. Mỗi xã chỉ ghi một dòng cho mỗi năm; hãy xóa dòng thừa.`);
      continue;
    }
    seen.set(key, line);
    rows.push({ unit: code, year, population, households, line, name });
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ row: sheet.rowNumbers[headerIndex], column: null, message: 'Tệp không có dòng số liệu nào dưới dòng tiêu đề.' });
  if (rows.length + problems.length > MAX_POPULATION_ROWS) return { headerFound: true, rows: [], problems: [{ row: 1, column: null, message: `Tệp có hơn ${MAX_POPULATION_ROWS} dòng. Hãy tách theo tỉnh.` }] };
  // the rows that parsed are returned with the problems, so the caller checks their codes too and lists every problem at once
  return { headerFound: true, rows, problems };
}

/**
 * Imports population figures from a file: reads it (CSV, .xlsx; see imports.reader.ts), parses the
 * first sheet that has a population header, checks each row's commune (current, a commune, in the
 * caller's scope, and the name, when given, matching the code) and saves all rows in one
 * transaction (`savePopulation`), or none. Errors: IMPORT_FILE_UNREADABLE / IMPORT_FILE_TOO_LARGE
 * (reading), IMPORT_HAS_ERRORS (422, `details.problems` [{row, column, message}], the message names
 * the first ones), OUT_OF_SCOPE (403).
 */
export async function importPopulation(db: Db, file: { name: string; data: Buffer }, opts: { maxBytes: number; defaultYear?: number; actor: AuditActor & { scope: Scope } }): Promise<{ saved: number; fileName: string; rows: { line: number; unit: string; name: string; year: number; population: number; households: number | null }[] }> {
  const read = await readSpreadsheet(file.data, file.name, opts.maxBytes, MAX_POPULATION_ROWS + 50);
  // the first sheet with a population header (a workbook may hold notes or other tables first)
  const results = read.sheets.map((sheet) => parsePopulationSheet(sheet, opts.defaultYear));
  const parsed = results.find((p) => p.headerFound) ?? results[0];
  const problems = parsed?.problems ?? [{ row: 1, column: null, message: 'Tệp không có trang tính nào.' }];
  const rows = parsed?.rows ?? [];
  const resolved: { line: number; unit: UnitRow; year: number; population: number; households: number | null }[] = [];
  const units = await unitsByCodes(db, rows.map((r) => r.unit));
  for (const r of rows) {
    const all = units.get(r.unit)!;
    const unit = all.find((u) => !u.validTo);
    const problem = (message: string) => problems.push({ row: r.line, column: COLUMN_LABEL.code, message });
    if (!unit) {
      problem(all.length ? `Mã ${r.unit} là "${all[0].name}", đã giải thể từ 01/07/2025. Hãy ghi mã của xã, phường mới.` : `Không có xã, phường hiện hành mã ${r.unit}. Hãy kiểm tra lại mã (5 chữ số, sau 01/07/2025).`);
      continue;
    }
    if (unit.level !== 'commune') {
      problem(`Mã ${r.unit} là "${unit.name}", không phải xã, phường. Dân số nhập theo từng xã, phường.`);
      continue;
    }
    if (r.name && bareName(r.name) !== bareName(unit.name)) {
      problems.push({ row: r.line, column: COLUMN_LABEL.name, message: `Mã ${r.unit} là "${unit.name}", nhưng tên ghi là "${r.name}". Hãy sửa mã hoặc tên cho khớp.` });
      continue;
    }
    requireScope(unitInScope(opts.actor.scope, unit), `xã "${unit.name}" (dòng ${r.line} của tệp "${file.name}")`, unitTarget(unit));
    resolved.push({ line: r.line, unit, year: r.year, population: r.population, households: r.households ?? null });
  }
  if (problems.length) {
    problems.sort((a, b) => a.row - b.row);
    const first = problems.slice(0, 3).map((p) => `dòng ${p.row}${p.column ? `, cột "${p.column}"` : ''}: ${p.message}`);
    const more = problems.length > 3 ? ` (và ${problems.length - 3} lỗi khác)` : '';
    throw new AppError('IMPORT_HAS_ERRORS', `Tệp "${file.name}" có ${problems.length} lỗi nên chưa ghi dòng nào. ${first.join(' ')}${more} Hãy sửa rồi tải lên lại.`, { fileName: file.name, problems });
  }
  // the communes are checked above: written as they are, without resolving the codes again
  const { saved } = await writePopulation(db, resolved, opts.actor);
  return { saved, fileName: file.name, rows: resolved.map(({ unit, ...r }) => ({ ...r, unit: unit.code!, name: unit.name })) };
}
