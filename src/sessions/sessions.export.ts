import ExcelJS from 'exceljs';
import { csvFile } from '../reports/network.export.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import type { SupportReport } from './sessions.report.js';
import { sessionBreakdown } from './sessions.breakdown.js';
import { trendRows } from './sessions.trend.js';
import { OUTCOME_CODES, OUTCOMES } from './sessions.vocabulary.js';

/**
 * The support report's dashboard tables as files: CSV (one table, UTF-8 with BOM so Excel opens
 * Vietnamese correctly) or .xlsx (a summary sheet, then one sheet per table). In CSV, text cells
 * that start with = + - @ are neutralised (`csvFile`), as in the network report's export; .xlsx
 * string cells are never formulas and keep the text exactly.
 */
export type SupportTable = 'services' | 'children' | 'trend';
export const SUPPORT_TABLES: readonly SupportTable[] = ['services', 'children', 'trend'];

type Cell = string | number;

export { trendRows };

/** What a report is of, in words: "Xã/phường", "Tổ công nghệ số cộng đồng", … */
export const TARGET_KIND_LABEL: Record<SupportReport['target']['kind'], string> = {
  nation: 'Cả nước',
  province: 'Tỉnh/thành phố',
  commune: 'Xã/phường',
  village: 'Thôn/bản/tổ dân phố',
  team: 'Tổ công nghệ số cộng đồng',
  member: 'Thành viên',
};
const CHILD_LABEL = { province: 'Tỉnh/thành phố', commune: 'Xã/phường', team: 'Tổ', member: 'Thành viên' } as const;
const CHILD_SHEET = { nation: 'Theo tỉnh, thành phố', province: 'Theo xã, phường', commune: 'Theo tổ', village: 'Theo tổ', team: 'Theo thành viên', member: 'Theo thành viên' } as const;

/** Header and rows of one dashboard table (the CSV and the .xlsx sheets share them). */
export function supportTable(report: SupportReport, which: SupportTable): { header: string[]; rows: Cell[][] } {
  switch (which) {
    case 'services':
      return {
        header: ['Dịch vụ', 'Số buổi', 'Lượt người dân', ...OUTCOME_CODES.map((o) => OUTCOMES[o])],
        rows: report.services.map((s) => [s.name, s.sessions, s.headcount, ...OUTCOME_CODES.map((o) => s.outcomes[o])]),
      };
    case 'children': {
      const kind = report.children[0]?.kind ?? (report.target.kind === 'province' ? 'commune' : report.target.kind === 'team' || report.target.kind === 'member' ? 'member' : 'team');
      const rows: Cell[][] = report.children.map((c) => [c.code ?? String(c.id), c.name, c.sessions, c.headcount]);
      rows.push(['', `Tổng cộng: ${report.target.name}`, report.sessions, report.headcount]);
      return { header: ['Mã', CHILD_LABEL[kind], 'Số buổi', 'Lượt người dân'], rows };
    }
    case 'trend':
      return {
        header: ['Từ ngày', 'Đến ngày', 'Số buổi', 'Lượt người dân'],
        rows: trendRows(report).map((t) => [formatDateVi(t.from), formatDateVi(t.to), t.sessions, t.residents]),
      };
  }
}

/** One dashboard table as CSV: UTF-8 with BOM, a header row, comma separated. */
export function supportTableToCsv(report: SupportReport, which: SupportTable): Buffer {
  const { header, rows } = supportTable(report, which);
  return csvFile([header, ...rows]);
}

/** The summary sheet's label/value rows (after its title row). */
export function summaryRows(report: SupportReport, today: string = todayInVietnam()): [string, Cell][] {
  const t = report.target;
  const breakdown = sessionBreakdown(report);
  const rows: [string, Cell][] = [
    ['Đơn vị', t.name],
    ['Cấp', TARGET_KIND_LABEL[t.kind]],
    ['Mã', t.code ?? String(t.id)],
    ['Từ ngày', formatDateVi(report.period.from)],
    ['Đến ngày', formatDateVi(report.period.to)],
    ['Số buổi hướng dẫn', report.sessions],
    ['Lượt người dân được hướng dẫn', report.headcount],
    ['Số người dân (mỗi người tính một lần)', report.residents],
    ['Trong đó nhận diện qua số điện thoại/CCCD', report.recognised],
    // by kind, then apart by place: each list adds up to the sessions (sessions.breakdown.ts)
    ...breakdown.kinds.map((k): [string, Cell] => [`Số buổi theo hình thức: ${k.label}`, k.sessions]),
    ...breakdown.places.map((p): [string, Cell] => [`Số buổi theo nơi: ${p.label}`, p.sessions]),
  ];
  if (report.coverage) {
    rows.push([`Dân số (năm ${report.coverage.year}; ${report.coverage.communesWithFigures}/${report.coverage.communes} xã có số liệu)`, report.coverage.population]);
    rows.push(['Tỷ lệ người dân được hướng dẫn trên dân số', report.coverage.ratio]);
  }
  rows.push(['Tóm tắt', report.sentence], ['Ngày lập', formatDateVi(today)]);
  return rows;
}

/**
 * The whole dashboard as .xlsx: sheet "Tổng hợp" (title, then label/value rows: the unit, the
 * period dd/mm/yyyy, the headline numbers, coverage when known, the sentence, the date made), then
 * "Theo dịch vụ", the children ("Theo xã, phường" / "Theo tổ" / "Theo thành viên"; none for a
 * member) and "Theo thời gian", each a bold frozen header row and its rows.
 */
export async function supportReportToXlsx(report: SupportReport, today: string = todayInVietnam()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ngõ Số';
  const summary = wb.addWorksheet('Tổng hợp');
  summary.addRow([`BÁO CÁO HOẠT ĐỘNG HƯỚNG DẪN NGƯỜI DÂN — ${report.target.name.toLocaleUpperCase('vi')}`]).font = { bold: true, size: 13 };
  for (const [label, value] of summaryRows(report, today)) {
    const row = summary.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (label.startsWith('Tỷ lệ')) row.getCell(2).numFmt = '0.00%';
    if (label === 'Tóm tắt') row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  summary.getColumn(1).width = 46;
  summary.getColumn(2).width = 70;

  const sheets: [string, SupportTable][] = [['Theo dịch vụ', 'services'], ...(report.target.kind === 'member' ? [] : [[CHILD_SHEET[report.target.kind], 'children'] as [string, SupportTable]]), ['Theo thời gian', 'trend']];
  for (const [name, which] of sheets) {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const { header, rows } = supportTable(report, which);
    const head = ws.addRow(header);
    head.font = { bold: true };
    head.alignment = { wrapText: true, vertical: 'middle' };
    rows.forEach((r, i) => {
      const row = ws.addRow(r.map((v) => (v === '' ? null : v)));
      if (which === 'children' && i === rows.length - 1) row.font = { bold: true };
    });
    ws.columns.forEach((col, i) => (col.width = which === 'services' ? (i === 0 ? 34 : 14) : which === 'children' ? (i === 1 ? 40 : 14) : 14));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The download's file name without extension: "hoat-dong-03664-2026-11-01-2026-11-30", "hoat-dong-to-12-…". */
export function supportFileName(report: SupportReport): string {
  const t = report.target;
  const who = t.kind === 'team' ? `to-${t.id}` : t.kind === 'member' ? `thanh-vien-${t.id}` : t.code;
  return `hoat-dong-${who}-${report.period.from}-${report.period.to}`;
}
