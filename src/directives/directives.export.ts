import ExcelJS from 'exceljs';
import { csvFile } from '../reports/network.export.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { PASS_ON_CHANNELS, type PassOnChannel } from './directives.vocabulary.js';
import type { DirectiveFigures } from './directives.board.js';
import type { directiveBoard } from './directives.board.js';

/**
 * A directive's board as files (issue 15, item 5): CSV (UTF-8 with BOM, formula-like text
 * neutralised by `csvFile`) and .xlsx in the official form (issuer and national motto, title with
 * the document's number and date, the table per commune with a total row, or with one commune
 * chosen its teams one per row, signature block).
 */
type Board = Awaited<ReturnType<typeof directiveBoard>>;
const COLUMNS: { header: string; value: (f: DirectiveFigures) => number | string }[] = [
  { header: 'Số tổ nhận', value: (f) => f.teams },
  { header: 'Đã nhận', value: (f) => f.received },
  { header: 'Đã đọc', value: (f) => f.read },
  { header: 'Sẽ thực hiện', value: (f) => f.willDo },
  { header: 'Đã hoàn thành', value: (f) => f.done },
  { header: 'Quá hạn', value: (f) => f.overdue },
  { header: 'Số hộ đã thông báo', value: (f) => f.households },
  { header: 'Số hộ của thôn (theo số liệu dân số)', value: (f) => f.householdsKnown },
  { header: 'Tổ báo vượt số hộ', value: (f) => f.householdsOver },
  { header: 'Người dân xác nhận', value: (f) => f.confirmations },
  { header: 'Chỉ tiêu báo cáo', value: (f) => f.figure ?? '' },
];
const HEADERS = ['STT', 'Mã xã', 'Xã, phường', 'Đã chuyển tiếp', ...COLUMNS.map((c) => c.header)];

function rows(b: Board): (string | number)[][] {
  const out: (string | number)[][] = b.communes.map((c, i) => [i + 1, c.code, c.name, c.forwardedAt ? vnTime(c.forwardedAt) : b.directive.viaCommunes ? 'Chưa' : '', ...COLUMNS.map((col) => col.value(c))]);
  out.push(['', '', 'Tổng cộng', '', ...COLUMNS.map((col) => col.value(b.totals))]);
  return out;
}

/** The figure's column is headed with its own name and unit ("Số người được hướng dẫn (người)"). */
const headers = (b: Board, base: string[]) => base.map((h) => (h === 'Chỉ tiêu báo cáo' && b.directive.asks.figure ? `${b.directive.asks.figure.name} (${b.directive.asks.figure.unit})` : h));
const vnTime = (iso: string | null) => (iso ? formatDateVi(todayInVietnam(new Date(iso))) : '');
/** With one commune chosen, its teams, one row each. */
const TEAM_HEADERS = ['STT', 'Tổ', 'Thôn/bản', 'Đã đọc', 'Hoàn thành', 'Quá hạn', 'Cách thông báo', 'Số hộ', 'Số hộ của thôn', 'Chỉ tiêu báo cáo', 'Người dân xác nhận'];
const teamRows = (b: Board) => b.teams.map((t, i) => [i + 1, t.name, t.village ?? '', vnTime(t.readAt), vnTime(t.doneAt), t.overdue ? 'Quá hạn' : '', t.channels.map((c) => PASS_ON_CHANNELS[c as PassOnChannel] ?? c).join(', '), t.households ?? '', t.villageHouseholds ?? '', t.figure ?? '', t.confirmations]);

const titleOf = (b: Board) => `${b.directive.number ? `Số ${b.directive.number} ngày ${formatDateVi(b.directive.issuedOn)}: ` : ''}${b.directive.title}`;

/** The board's table as CSV, the directive's number and title first. */
export function directiveBoardCsv(b: Board, teamsOnly = false): Buffer {
  if (teamsOnly) return csvFile([[titleOf(b)], headers(b, TEAM_HEADERS), ...teamRows(b)]);
  return csvFile([[titleOf(b)], headers(b, HEADERS), ...rows(b)]);
}

/** The board as .xlsx in the official form (A4 landscape). */
export async function directiveBoardXlsx(b: Board, teamsOnly = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ngõ Số';
  const ws = wb.addWorksheet('Theo dõi chỉ đạo', { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 } });
  const last = HEADERS.length;
  const line = (cells: (string | number)[], font: Partial<ExcelJS.Font>, merge?: [number, number]) => {
    const row = ws.addRow(cells);
    row.font = font;
    if (merge) ws.mergeCells(row.number, merge[0], row.number, merge[1]);
    return row;
  };
  const issuer = b.directive.issuer.name.toLocaleUpperCase('vi');
  const top = line([issuer, '', '', '', '', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], { bold: true });
  ws.mergeCells(top.number, 1, top.number, 4);
  ws.mergeCells(top.number, 8, top.number, last);
  const motto = line(['', '', '', '', '', '', '', 'Độc lập - Tự do - Hạnh phúc'], { bold: true });
  ws.mergeCells(motto.number, 8, motto.number, last);
  const date = line(['', '', '', '', '', '', '', `Ngày ${formatDateVi(todayInVietnam())}`], { italic: true });
  ws.mergeCells(date.number, 8, date.number, last);
  [top, motto, date].forEach((r) => (r.alignment = { horizontal: 'center' }));
  ws.addRow([]);
  line(['BÁO CÁO TIẾN ĐỘ TRIỂN KHAI VĂN BẢN CHỈ ĐẠO'], { bold: true, size: 13 }, [1, last]).alignment = { horizontal: 'center' };
  line([titleOf(b)], { italic: true }, [1, last]).alignment = { horizontal: 'center', wrapText: true };
  if (b.directive.deadline) line([`Hạn báo cáo: ${formatDateVi(b.directive.deadline)}`], { italic: true }, [1, last]).alignment = { horizontal: 'center' };
  ws.addRow([]);
  const header = ws.addRow(headers(b, teamsOnly ? TEAM_HEADERS : HEADERS));
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  for (const row of teamsOnly ? teamRows(b) : rows(b)) ws.addRow(row);
  if (!teamsOnly) ws.lastRow!.font = { bold: true };
  ws.addRow([]);
  ws.addRow(['', 'NGƯỜI LẬP BIỂU', '', '', '', '', '', '', '', `TM. ${issuer}`]).font = { bold: true };
  ws.addRow(['', '(Ký, ghi rõ họ tên)', '', '', '', '', '', '', '', '(Ký tên, đóng dấu)']).font = { italic: true };
  [6, 8, 30, 12, 10, 10, 10, 12, 12, 10, 14, 14, 12, 12, 12].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
