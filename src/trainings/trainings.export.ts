import ExcelJS from 'exceljs';
import { csvFile } from '../reports/network.export.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import type { TrainingFigures, TrainingReport } from './trainings.report.js';

/**
 * The training report as files (issue 14, item 6): CSV (UTF-8 with BOM, formula-like text
 * neutralised by `csvFile`) and .xlsx in the official form: the issuer and the national motto
 * block, the title with the period, the table with a total row, the report's sentence, and the
 * signature block.
 */
const COLUMNS: { header: string; value: (f: TrainingFigures) => number | string }[] = [
  { header: 'Số lớp tập huấn', value: (f) => f.sessions },
  { header: 'Số điểm cầu', value: (f) => f.points },
  { header: 'Thành viên được mời', value: (f) => f.invited },
  { header: 'Thành viên tham gia (không trùng)', value: (f) => f.attended },
  { header: 'Lượt mời', value: (f) => f.invitations },
  { header: 'Lượt mời có tham gia', value: (f) => f.invitationsAttended },
  { header: 'Tỷ lệ tham gia (%)', value: (f) => (f.attendanceRate === null ? '' : Math.round(f.attendanceRate * 1000) / 10) },
  { header: 'Người ngoài danh sách', value: (f) => f.walkIns },
  { header: 'Thành viên hiện có', value: (f) => f.members },
  { header: 'Chưa từng được tập huấn', value: (f) => f.neverTrained },
  { header: 'Hoàn thành khóa học trực tuyến', value: (f) => f.courseCompletions },
  { header: 'Trong đó thành viên', value: (f) => f.courseMembers },
];

function rows(r: TrainingReport): (string | number)[][] {
  const out: (string | number)[][] = r.children.map((c, i) => [i + 1, c.kind === 'commune' ? c.code : '', c.name, ...COLUMNS.map((col) => col.value(c))]);
  out.push(['', r.unit.code, `Tổng cộng: ${r.unit.name}`, ...COLUMNS.map((col) => col.value(r.totals))]);
  return out;
}
const HEADERS = ['STT', 'Mã', 'Đơn vị / tổ', ...COLUMNS.map((c) => c.header)];

/** The report's table as CSV, with the sentence as the last line. */
export function trainingReportCsv(r: TrainingReport): Buffer {
  return csvFile([HEADERS, ...rows(r), [], [r.sentence]]);
}

/** The report as .xlsx in the official form (A4 landscape). */
export async function trainingReportXlsx(r: TrainingReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Ngõ Số';
  const ws = wb.addWorksheet('Tập huấn', { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 } });
  const issuer = `UBND ${r.unit.name.toLocaleUpperCase('vi')}`;
  ws.addRow([issuer, '', '', '', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']).font = { bold: true };
  ws.addRow(['BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ', '', '', '', '', '', 'Độc lập - Tự do - Hạnh phúc']).font = { bold: true };
  ws.addRow(['', '', '', '', '', '', `Ngày ${formatDateVi(todayInVietnam())}`]).font = { italic: true };
  ws.addRow([]);
  ws.addRow([`BÁO CÁO KẾT QUẢ TẬP HUẤN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG — ${r.unit.name.toLocaleUpperCase('vi')}`]).font = { bold: true, size: 13 };
  ws.addRow([`Từ ngày ${formatDateVi(r.from)} đến ngày ${formatDateVi(r.heldUntil ?? r.to)}`]).font = { italic: true };
  ws.addRow([]);
  const header = ws.addRow(HEADERS);
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  for (const row of rows(r)) ws.addRow(row);
  ws.lastRow!.font = { bold: true };
  ws.addRow([]);
  ws.addRow([r.sentence]);
  ws.addRow([]);
  ws.addRow(['', 'NGƯỜI LẬP BIỂU', '', '', '', '', '', '', `TM. ${issuer}`]).font = { bold: true };
  ws.addRow(['', '(Ký, ghi rõ họ tên)', '', '', '', '', '', '', '(Ký tên, đóng dấu)']).font = { italic: true };
  [6, 8, 34, 10, 10, 12, 14, 10, 12, 12, 12, 12, 14, 14, 12].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
