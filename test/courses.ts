import ExcelJS from 'exceljs';
import { csv } from './fixtures.js';

/**
 * A national course's completion list as a course administrator's export looks, against the
 * registry of test/sessions.ts `sessionsRegistry` (SON_LA_ROSTER): a province heading and a title
 * merged across, a blank row, a header with Vietnamese labels in an order no roster uses, the
 * numbering row, dates as dd/mm/yyyy text and as Excel date cells, phones written three ways, a
 * course column mixing "Bình dân học vụ số", "BDHVS" and OneTouch's spellings, a totals row and the
 * signature block. Expected, row by row (file rows 6–17):
 *
 *  6 Hà Thị Hiền     phone 0912 345 678   → member by phone (Chiềng An)
 *  7 Lò Văn Bình     no phone, born 12/03/1988, "Xã Chiềng Xôm" (merged into Chiềng An) → by name + birth + commune
 *  8 Quàng Thị Hòa   84987654321 (roster: "Hoà")      → by phone
 *  9 Nguyễn Thị Hà   +84915111222, "Tiểu khu 6 - xã Mai Sơn" → by phone (Mai Sơn)
 * 10 LÊ VĂN AN       no phone, 1999, "Xã Mai Sơn"     → by name + birth + commune
 * 11 Lò Thị Mai      a resident's phone               → unmatched (Chiềng An)
 * 12 Cầm Văn Tuấn    no phone, no birth year          → unmatched (Mai Sơn)
 * 13 Hà Văn Tùng     Hiền's phone, another name       → unmatched (Chiềng An)
 * 14 Vì Văn Dũng     unit "Công ty Điện lực tỉnh"     → unmatched, no commune
 * 15 unknown course  → refused
 * 16 31/02/2025      → refused
 * 17 certificate BDHVS-0001 again (row 6's) → refused
 */
export type Cell = string | number | Date | null;

export const COURSE_HEADER = ['STT', 'Số chứng chỉ', 'Họ và tên học viên', 'Khóa học', 'Ngày cấp', 'Điện thoại', 'Ngày sinh', 'Nơi công tác'];

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

export const COURSE_ROWS: Cell[][] = [
  [1, 'BDHVS-0001', 'HÀ THỊ HIỀN', 'Bình dân học vụ số', '15/08/2025', '0912 345 678', '1995', 'UBND phường Chiềng An'],
  [2, 'BDHVS-0002', 'Lò Văn Bình', 'BDHVS', day('2025-09-02'), '', '12/03/1988', 'Xã Chiềng Xôm'],
  [3, 'OT 0003', 'Quàng Thị Hòa', 'Kỹ năng số cộng đồng (OneTouch)', '01/10/2025', '84987654321', 2001, 'Phường Chiềng An'],
  [4, 'BDHVS-0004', 'Nguyễn Thị Hà', 'Binh dan hoc vu so', '20/10/2025', '+84915111222', '1975', 'Tiểu khu 6 - xã Mai Sơn'],
  [5, 'BDHVS-0005', '  LÊ VĂN  AN ', 'BDHVS', day('2025-10-21'), '', 1999, 'Xã Mai Sơn'],
  [6, 'BDHVS-0006', 'Lò Thị Mai', 'Bình dân học vụ số', '05/11/2025', '0978 111 222', '1980', 'Phường Chiềng An'],
  [7, 'OT-0007', 'Cầm Văn Tuấn', 'OneTouch', '03/09/2025', '', '', 'Xã Mai Sơn'],
  [8, 'BDHVS-0008', 'Hà Văn Tùng', 'bdhvs', '16/08/2025', '0912345678', '1970', 'Phường Chiềng An'],
  [9, 'BDHVS-0009', 'Vì Văn Dũng', 'BDHVS', '10/10/2025', '', '1990', 'Công ty Điện lực tỉnh'],
  [10, 'KM-0010', 'Lường Thị Nga', 'MOOC Kỹ năng mềm', '10/10/2025', '', '1992', 'Xã Mai Sơn'],
  [11, 'BDHVS-0011', 'Tòng Văn Lợi', 'BDHVS', '31/02/2025', '', '1985', 'Xã Mai Sơn'],
  [12, 'BDHVS-0001', 'Hà Thị Hiền', 'BDHVS', '15/08/2025', '0912345678', '1995', 'Phường Chiềng An'],
];

/** The rows above the table (title) and below it (totals, signature), with the blank rows between. */
const TITLE: Cell[][] = [['UBND TỈNH SƠN LA'], ['DANH SÁCH HỌC VIÊN HOÀN THÀNH CÁC KHÓA HỌC KỸ NĂNG SỐ TRỰC TUYẾN NĂM 2025'], []];
const FOOT: Cell[][] = [[], ['', 'Tổng cộng: 12 học viên'], [], ['', '', '', '', '', 'NGƯỜI LẬP BIỂU', '', ''], ['', '', '', '', '', '(Ký, ghi rõ họ tên)', '', ''], ['', '', '', '', '', 'Nguyễn Văn Quản', '', '']];

/** The list as .xlsx: title merged over A2:H2, Excel date cells formatted dd/mm/yyyy. */
export async function courseListXlsx(rows: Cell[][] = COURSE_ROWS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of [...TITLE, COURSE_HEADER, COURSE_HEADER.map((_, i) => i + 1), ...rows, ...FOOT]) {
    const row = ws.addRow(r);
    r.forEach((c, i) => {
      if (c instanceof Date) row.getCell(i + 1).numFmt = 'dd/mm/yyyy';
    });
  }
  ws.mergeCells('A1:C1');
  ws.mergeCells('A2:H2');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const ddmmyyyy = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

/** The same list as CSV (UTF-8 with BOM), dates as text; blank lines where the workbook has blank rows. */
export function courseListCsv(rows: Cell[][] = COURSE_ROWS): Buffer {
  const all = [...TITLE, COURSE_HEADER, COURSE_HEADER.map((_, i) => i + 1), ...rows, ...FOOT];
  return csv(all.map((r) => r.map((c) => (c instanceof Date ? ddmmyyyy(c) : c === null ? '' : c))));
}

/** A small list with the given header and rows, as CSV. */
export function listCsv(header: string[], rows: Cell[][]): Buffer {
  return csv([header, ...rows].map((r) => r.map((c) => (c instanceof Date ? ddmmyyyy(c) : c === null ? '' : c))));
}
