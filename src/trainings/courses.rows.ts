import { isNumberingRow, isSignatureRow, isTotalsRow } from '../imports/imports.columns.js';
import { distinctCells, type Sheet } from '../imports/imports.reader.js';
import type { Problem } from '../imports/imports.validate.js';
import { formatDateVi } from '../text/dates.js';
import { readPersonDate } from '../text/person-date.js';
import { normalizePhone } from '../text/phone.js';
import { cleanText, nameKey, properName } from '../text/vietnamese.js';
import { COMPLETION_FIELD_LABELS, type CompletionField, completionFieldOf, type CompletionHeader, type CourseMatcher } from './courses.columns.js';

/**
 * The rows of one completion list sheet, below its header, read into completions or refused with
 * the reason (a problem naming sheet, row, column, what is wrong and what to do). Skipped, with
 * why: the numbering row (1 2 3 …), a repeated header, totals, rows with nothing but a number, the
 * signature block and everything below it, hidden rows. Blank rows are never rows (the reader
 * drops them). Pure: no database; commune and member matching come after (courses.match.ts).
 */
export interface CompletionRow {
  sheet: string;
  row: number;
  fullName: string;
  nameKey: string;
  /** E.164, or null (none written, or not a valid number: then a warning) */
  phone: string | null;
  birthYear: number | null;
  unitText: string | null;
  courseCode: string;
  completedOn: string;
  /** upper case, spaces removed; null when none is written */
  certificateNo: string | null;
}

export type SkipReason = 'numbering' | 'header' | 'totals' | 'empty' | 'signature' | 'hidden';

export const SKIP_LABELS: Record<SkipReason, string> = {
  numbering: 'dòng đánh số cột (1, 2, 3 …)',
  header: 'hàng tiêu đề lặp lại',
  totals: 'dòng tổng cộng',
  empty: 'dòng chỉ có số thứ tự, không có họ tên',
  signature: 'phần ký tên cuối bảng',
  hidden: 'dòng đang ẩn',
};

export interface SheetRows {
  rows: CompletionRow[];
  /** data rows below the header: completions + refused + skipped */
  read: number;
  refused: number;
  skipped: { sheet: string; row: number; why: SkipReason }[];
  problems: Problem[];
}

export interface RowRules {
  matcher: CourseMatcher;
  /** the course named in the title above the table, for a sheet without a course column */
  defaultCourse: string | null;
  /** today in Vietnam (YYYY-MM-DD): a later completion day is refused */
  today: string;
}

/** The longest cell each field may hold (characters as read): a name, a unit's name, a course, a certificate number. */
const MAX_CELL: Record<CompletionField, number> = { fullName: 120, phone: 40, birth: 40, unit: 300, course: 200, completedOn: 40, certificate: 60 };
/** At most 80 characters of a cell, for a message. */
const quote = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** "BDHVS 2025 / 000123" → "BDHVS2025/000123": the form certificate numbers are kept and compared in. */
export function certificateKey(text: string): string | null {
  const key = cleanText(text.normalize('NFKC')).toUpperCase().replace(/\s+/g, '');
  return key || null;
}

/** The first valid number of a cell that may hold several ("0912 345 678 / 0987…"), or why none is. */
function phoneOf(text: string): { e164: string | null; reason?: string } {
  const whole = normalizePhone(text);
  if (whole.ok) return { e164: whole.e164 };
  for (const part of text.split(/[/;,]|\s[-–]\s|\n/)) {
    const p = normalizePhone(part);
    if (p.ok) return { e164: p.e164 };
  }
  return { e164: null, reason: whole.ok ? undefined : whole.reason };
}

/** Reads the rows of `sheet` below `header` (see the module comment). */
export function readCompletionRows(sheet: Sheet, header: CompletionHeader, rules: RowRules): SheetRows {
  const out: SheetRows = { rows: [], read: 0, refused: 0, skipped: [], problems: [] };
  const cols = header.columns;
  const latestYear = Number(rules.today.slice(0, 4));
  const headerText = (f: CompletionField) => cleanText(sheet.rows[header.index][cols[f]!] ?? '') || COMPLETION_FIELD_LABELS[f];
  let signature = false;
  for (let i = header.index + 1; i < sheet.rows.length; i++) {
    const rowNo = sheet.rowNumbers[i];
    out.read++;
    const skip = (why: SkipReason) => out.skipped.push({ sheet: sheet.name, row: rowNo, why });
    if (signature) {
      skip('signature');
      continue;
    }
    if (sheet.hiddenRows?.has(rowNo)) {
      skip('hidden');
      out.problems.push({ sheet: sheet.name, row: rowNo, column: '', severity: 'warning', message: 'Dòng đang ẩn nên không được nhập', suggestion: 'Nếu cần nhập, hãy bỏ ẩn dòng (Unhide) rồi tải lên lại' });
      continue;
    }
    const cells = distinctCells(sheet, i);
    // a cell far longer than any name, unit or course (a pasted text, a crafted file) refuses its row before any work on it
    const tooLong = (Object.keys(cols) as CompletionField[]).find((f) => (cells[cols[f]!] ?? '').length > MAX_CELL[f]);
    if (tooLong) {
      const n = (cells[cols[tooLong]!] ?? '').length;
      out.problems.push({ sheet: sheet.name, row: rowNo, column: headerText(tooLong), severity: 'error', message: `Ô "${headerText(tooLong)}" dài ${n.toLocaleString('vi-VN')} ký tự, tối đa ${MAX_CELL[tooLong]}: "${quote(cells[cols[tooLong]!] ?? '')}"`, suggestion: 'Kiểm tra lại ô này (có thể dán nhầm cả đoạn văn bản) rồi tải lên lại' });
      out.refused++;
      continue;
    }
    // NUL cannot be stored in PostgreSQL text: a stray one (a CSV saved by an odd tool) is dropped, not a 500
    const at = (f: CompletionField) => (cols[f] === undefined ? '' : cleanText((cells[cols[f]!] ?? '').replace(/\u0000/g, '')));
    // the signature block is a few cells ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"), never a filled list row
    if (cells.filter((c) => c && c.trim()).length <= 3 && isSignatureRow(cells, [cols.unit])) {
      signature = true;
      skip('signature');
      continue;
    }
    if (isNumberingRow(cells)) {
      skip('numbering');
      continue;
    }
    const name = at('fullName');
    if (name && completionFieldOf(name) === 'fullName') {
      skip('header');
      continue;
    }
    const firstText = cells.map((c) => cleanText(c ?? '')).find(Boolean) ?? '';
    if (isTotalsRow(name) || (!name && isTotalsRow(firstText))) {
      skip('totals');
      continue;
    }
    const fields = (Object.keys(cols) as CompletionField[]).filter((f) => f !== 'fullName' && at(f));
    if (!name && fields.length === 0) {
      skip('empty');
      continue;
    }
    const errors: Problem[] = [];
    const problem = (severity: 'error' | 'warning', field: CompletionField | null, message: string, suggestion: string) =>
      (severity === 'error' ? errors : out.problems).push({ sheet: sheet.name, row: rowNo, column: field ? headerText(field) : '', severity, message, suggestion });
    if (!name) problem('error', 'fullName', 'Thiếu họ và tên', 'Ghi họ và tên người hoàn thành khóa học, hoặc xoá dòng này');

    // the course: its column, else the one the title names
    const courseText = at('course');
    let courseCode: string | null = null;
    if (courseText) {
      courseCode = rules.matcher.codeOf(courseText);
      if (!courseCode) problem('error', 'course', `Khóa học "${quote(courseText)}" không có trong danh mục khóa học quốc gia. Các khóa học đã biết: ${rules.matcher.names()}`, 'Sửa tên khóa học cho đúng một trong các khóa trên (viết tắt như "BDHVS" cũng được), hoặc đề nghị quản trị viên thêm khóa học vào danh mục');
    } else if (rules.defaultCourse) courseCode = rules.defaultCourse;
    else problem('error', cols.course === undefined ? null : 'course', `Không rõ khóa học: ${cols.course === undefined ? 'bảng không có cột "Khóa học" và tiêu đề không nêu tên khóa' : 'ô khóa học để trống'}. Các khóa học đã biết: ${rules.matcher.names()}`, 'Ghi tên khóa học vào cột "Khóa học" (hoặc vào tiêu đề phía trên bảng)');

    // the day it was completed: dd/mm/yyyy, a date cell or an Excel serial; never after today
    const dayText = at('completedOn');
    let completedOn: string | null = null;
    if (!dayText) problem('error', cols.completedOn === undefined ? null : 'completedOn', 'Thiếu ngày hoàn thành', 'Ghi ngày hoàn thành (hoặc ngày cấp chứng chỉ) dạng dd/mm/yyyy, ví dụ 15/08/2025');
    else {
      const d = readPersonDate(dayText, { latestYear, serials: true });
      if (!d) problem('error', 'completedOn', `Ngày hoàn thành "${dayText}" không đọc được`, 'Ghi ngày dạng dd/mm/yyyy, ví dụ 15/08/2025');
      else if (!d.ok) problem('error', 'completedOn', `Ngày hoàn thành "${dayText}" không có thật: ${d.reason}`, 'Sửa lại ngày cho đúng (dd/mm/yyyy)');
      else if (d.day > rules.today) problem('error', 'completedOn', `Ngày hoàn thành ${formatDateVi(d.day)} còn ở tương lai (hôm nay là ${formatDateVi(rules.today)})`, 'Kiểm tra lại ngày (có thể nhầm ngày và tháng, hoặc nhầm năm)');
      else if (d.day < '2015-01-01') problem('error', 'completedOn', `Ngày hoàn thành ${formatDateVi(d.day)} trước khi có các khóa học trực tuyến quốc gia`, 'Kiểm tra lại năm của ngày hoàn thành');
      else {
        completedOn = d.day;
        if (d.warning) problem('warning', 'completedOn', `Ngày hoàn thành ${d.warning}`, 'Nên ghi năm đủ 4 chữ số');
      }
    }

    // the birth year: a year, or a birth date of any form the dates take
    const birthText = at('birth');
    let birthYear: number | null = null;
    if (birthText) {
      const year = /^\d{4}$/.test(birthText) ? Number(birthText) : (() => {
        const d = readPersonDate(birthText, { latestYear, serials: true });
        return d?.ok ? Number(d.day.slice(0, 4)) : null;
      })();
      if (year !== null && year >= 1900 && year <= latestYear) birthYear = year;
      else problem('warning', 'birth', `Năm sinh "${birthText}" không đúng nên không dùng để đối chiếu`, 'Ghi năm sinh 4 chữ số (ví dụ 1990) hoặc ngày sinh dd/mm/yyyy');
    }

    const phoneText = at('phone');
    let phone: string | null = null;
    if (phoneText) {
      const p = phoneOf(phoneText);
      phone = p.e164;
      if (!phone) problem('warning', 'phone', `Số điện thoại ${p.reason ?? `"${phoneText}" không hợp lệ`}; dòng vẫn được ghi nhưng không đối chiếu theo số điện thoại`, 'Sửa số điện thoại (10 chữ số, ví dụ 0912 345 678)');
    }

    // text typed in the legacy TCVN3/VNI fonts: converted by the reader when certain (a warning), else refused (the name would be wrong)
    for (const cell of sheet.legacy?.get(rowNo) ?? []) {
      const field = (Object.keys(cols) as CompletionField[]).find((f) => cols[f] === cell.col);
      if (!field) continue;
      const font = cell.encoding === 'vni' ? 'VNI' : 'TCVN3 (ABC, phông .Vn…)';
      if (cell.certain) problem('warning', field, `Chữ gõ bằng bảng mã cũ ${font}: "${cell.original}" đã chuyển thành "${cleanText(sheet.rows[i][cell.col] ?? '')}"`, 'Kiểm tra lại; nên chuyển cả tệp sang Unicode (Unikey: Công cụ chuyển mã)');
      else problem('error', field, `Chữ "${cell.original}" có vẻ gõ bằng bảng mã cũ ${font} nhưng không chuyển chắc chắn được`, 'Chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, từ TCVN3 hoặc VNI sang Unicode), hoặc gõ lại ô này, rồi tải lên lại');
    }
    if (errors.length || !courseCode || !completedOn) {
      out.problems.push(...errors);
      out.refused++;
      continue;
    }
    const fullName = properName(name);
    out.rows.push({ sheet: sheet.name, row: rowNo, fullName, nameKey: nameKey(fullName), phone, birthYear, unitText: at('unit') || null, courseCode, completedOn, certificateNo: certificateKey(at('certificate')) });
  }
  return out;
}
