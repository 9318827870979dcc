import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { AFFILIATION_CODES, AFFILIATIONS } from '../registry/registry.vocabulary.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import type { Breakdown, NetworkReport } from './network.service.js';
import { AGE_BANDS, type AgeBand, NO_AFFILIATION } from './network.vocabulary.js';

/**
 * The network report as a table (one row per child unit, then the total) in CSV (UTF-8 with BOM,
 * so Excel opens Vietnamese correctly) or .xlsx (ExcelJS). In CSV, text cells that start with
 * = + - @ are prefixed with an apostrophe so no spreadsheet runs them as formulas (OWASP "CSV
 * injection"); an .xlsx string cell is never a formula, so it keeps the text exactly (issue 13, item 8).
 */
const LEVEL_LABEL = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã/phường', village: 'Thôn/bản' } as const;

const COLUMNS: { header: string; value: (b: Breakdown) => number }[] = [
  { header: 'Tổng số tổ', value: (b) => b.teams.total },
  { header: 'Tổ cấp xã', value: (b) => b.teams.commune },
  { header: 'Tổ cấp thôn, bản', value: (b) => b.teams.village },
  { header: 'Tổng số thành viên', value: (b) => b.members.total },
  { header: 'Thành viên tổ cấp xã', value: (b) => b.members.commune },
  { header: 'Thành viên tổ cấp thôn, bản', value: (b) => b.members.village },
  { header: 'Số người (không trùng)', value: (b) => b.people },
  { header: 'Nam', value: (b) => b.byGender.male },
  { header: 'Nữ', value: (b) => b.byGender.female },
  { header: 'Giới tính không rõ', value: (b) => b.byGender.unknown },
  ...(Object.keys(AGE_BANDS) as AgeBand[]).map((k) => ({ header: `Tuổi: ${AGE_BANDS[k]}`, value: (b: Breakdown) => b.byAgeBand[k] })),
  ...AFFILIATION_CODES.map((c) => ({ header: AFFILIATIONS[c], value: (b: Breakdown) => b.byAffiliation[c] ?? 0 })),
  { header: NO_AFFILIATION, value: (b) => b.byAffiliation.none ?? 0 },
];

/** Neutralises a CSV text cell that a spreadsheet would read as a formula (CSV only: .xlsx strings are never formulas). */
export function escapeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A table as CSV: UTF-8 with BOM (so Excel opens Vietnamese correctly), every text cell through `escapeCell`. */
export function csvFile(rows: readonly (readonly (string | number | null)[])[]): Buffer {
  return Buffer.from('\ufeff' + stringify(rows.map((r) => r.map((c) => (typeof c === 'string' ? escapeCell(c) : c)))), 'utf8');
}

function table(report: NetworkReport): (string | number)[][] {
  const rows: (string | number)[][] = report.children.map((c) => [c.code ?? '', c.name, LEVEL_LABEL[c.level], ...COLUMNS.map((col) => col.value(c))]);
  rows.push(['', `Tổng cộng: ${report.unit.name}`, LEVEL_LABEL[report.unit.level], ...COLUMNS.map((col) => col.value(report))]);
  return rows;
}

const HEADERS = ['Mã', 'Đơn vị', 'Cấp', ...COLUMNS.map((c) => c.header)];

export function reportToCsv(report: NetworkReport): Buffer {
  return csvFile([HEADERS, ...table(report)]);
}

/** .xlsx with a title, the date (dd/mm/yyyy, Vietnam), a frozen header row and the total row in bold. */
export async function reportToXlsx(report: NetworkReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ngõ Số';
  const ws = wb.addWorksheet('Mạng lưới', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.addRow([`BÁO CÁO MẠNG LƯỚI TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG — ${report.unit.name.toLocaleUpperCase('vi')}`]).font = { bold: true, size: 13 };
  ws.addRow([`Ngày lập: ${formatDateVi(todayInVietnam())}`]);
  const header = ws.addRow(HEADERS);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  const rows = table(report);
  rows.forEach((r, i) => {
    const row = ws.addRow(r);
    if (i === rows.length - 1) row.font = { bold: true };
  });
  ws.columns.forEach((col, i) => (col.width = i === 1 ? 34 : i === 0 ? 10 : 13));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
