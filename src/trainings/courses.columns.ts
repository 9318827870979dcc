import type { Sheet } from '../imports/imports.reader.js';
import { cleanText, searchKey } from '../text/vietnamese.js';

/**
 * How a national course's completion list is read once the import's reading stage
 * (imports/imports.reader.ts) has turned it into sheets of text: which row is the header, which
 * column holds what, and which course a name as written stands for. No database here.
 */
export type CompletionField = 'fullName' | 'phone' | 'birth' | 'unit' | 'course' | 'completedOn' | 'certificate';

/** The labels the report and the messages use for each column. */
export const COMPLETION_FIELD_LABELS: Record<CompletionField, string> = {
  fullName: 'Họ và tên',
  phone: 'Số điện thoại',
  birth: 'Năm sinh',
  unit: 'Đơn vị',
  course: 'Khóa học',
  completedOn: 'Ngày hoàn thành',
  certificate: 'Số chứng chỉ',
};

/**
 * Header spellings as search keys (no accents, lower case, punctuation as spaces), matched whole
 * after dropping "(…)": the course platforms' exports and the officers' own tables.
 */
const SYNONYMS: Record<CompletionField, string[]> = {
  fullName: ['ho va ten', 'ho ten', 'ho va ten hoc vien', 'ho ten hoc vien', 'ten hoc vien', 'hoc vien', 'nguoi hoc', 'ho va ten nguoi hoc', 'full name', 'name', 'fullname'],
  phone: ['so dien thoai', 'sdt', 'so dt', 'dien thoai', 'dt', 'dien thoai lien he', 'so dien thoai lien he', 'sdt lien he', 'so dien thoai dang ky', 'phone', 'mobile', 'phone number'],
  birth: ['nam sinh', 'ngay sinh', 'ngay thang nam sinh', 'ngay thang nam', 'birth year', 'year of birth', 'date of birth', 'dob'],
  unit: ['don vi', 'xa', 'phuong', 'xa phuong', 'phuong xa', 'xa phuong dac khu', 'xa phuong thi tran', 'don vi hanh chinh', 'dia chi', 'noi o', 'noi cu tru', 'dia ban', 'noi cong tac', 'don vi cong tac', 'co quan', 'co quan don vi', 'co quan cong tac', 'to chuc', 'unit', 'address', 'organization'],
  course: ['khoa hoc', 'ten khoa hoc', 'khoa', 'chuong trinh', 'ten chuong trinh', 'chuong trinh hoc', 'chuong trinh dao tao', 'khoa hoc chuong trinh', 'course', 'course name'],
  completedOn: ['ngay hoan thanh', 'thoi gian hoan thanh', 'ngay hoan thanh khoa hoc', 'ngay cap', 'ngay cap chung chi', 'ngay cap chung nhan', 'ngay cap giay chung nhan', 'ngay hoan thanh chung chi', 'hoan thanh ngay', 'completed', 'completion date', 'completed on', 'date'],
  certificate: ['so chung chi', 'ma chung chi', 'so chung nhan', 'ma chung nhan', 'so giay chung nhan', 'ma giay chung nhan', 'so hieu', 'so hieu chung chi', 'so hieu chung nhan', 'so hieu van bang', 'ma so chung chi', 'certificate', 'certificate no', 'certificate number'],
};
const LOOKUP = new Map<string, CompletionField>(Object.entries(SYNONYMS).flatMap(([f, words]) => words.map((w) => [w, f as CompletionField] as const)));

/** The header spellings the reader looks for, as a sentence for "no header found". */
export const HEADERS_LOOKED_FOR = 'Họ và tên / Họ tên; Số điện thoại / SĐT / Điện thoại; Năm sinh / Ngày sinh; Đơn vị / Xã / Phường / Địa chỉ / Nơi công tác; Khóa học / Tên khóa học / Chương trình; Ngày hoàn thành / Ngày cấp / Thời gian hoàn thành; Số chứng chỉ / Mã chứng nhận / Số hiệu';

/** The field a header cell names, or null ("HỌ VÀ TÊN", "Số ĐT (di động)", "Ngày cấp\nchứng chỉ"). */
export function completionFieldOf(cell: string): CompletionField | null {
  return LOOKUP.get(searchKey(cell.replace(/\(.*?\)/gs, ' '))) ?? LOOKUP.get(searchKey(cell)) ?? null;
}

export interface CompletionHeader {
  /** index in `sheet.rows` */
  index: number;
  columns: Partial<Record<CompletionField, number>>;
  /** header cells that name nothing the import reads */
  ignored: string[];
}

/**
 * The header row of a completion list: the first of the sheet's first 30 rows in which a cell
 * names the full name and at least two other cells name known columns. Columns in any order; a
 * field named twice keeps its first column. Null when there is none.
 */
export function findCompletionHeader(sheet: Sheet): CompletionHeader | null {
  const limit = Math.min(sheet.rows.length, 30);
  for (let i = 0; i < limit; i++) {
    const columns: Partial<Record<CompletionField, number>> = {};
    const ignored: string[] = [];
    sheet.rows[i].forEach((cell, col) => {
      const text = cleanText(cell ?? '');
      if (!text) return;
      const field = completionFieldOf(text);
      if (field && columns[field] === undefined) columns[field] = col;
      else if (!field) ignored.push(text);
    });
    if (columns.fullName !== undefined && Object.keys(columns).length >= 3) return { index: i, columns, ignored: [...new Set(ignored)] };
  }
  return null;
}

/** A course as the matcher knows it: its code, name and other spellings. */
export interface CourseEntry {
  code: string;
  name: string;
  aliases: string[];
}

/** Compact key of a course name: search key without spaces ("One Touch" = "OneTouch" = "onetouch"). */
const compact = (text: string) => searchKey(text).replace(/ /g, '');
/** Words a name may open with that say nothing of which course: "Khóa học …", "Chương trình …", "Nền tảng …". */
const LEAD = /^(?:khoa hoc|khoa|chuong trinh|phong trao|nen tang|lop)\s+/;

/**
 * Maps course names as administrators write them to course codes: accents, case, spacing and
 * punctuation ignored, a leading "Khóa học"/"Chương trình" dropped, the text inside or outside
 * brackets tried too ("Kỹ năng số cộng đồng (OneTouch)" → onetouch), against each course's name
 * and aliases (national_courses). Each distinct text is worked out once.
 */
export class CourseMatcher {
  private readonly keys = new Map<string, string>();
  private readonly memo = new Map<string, string | null>();

  constructor(readonly courses: CourseEntry[]) {
    for (const c of courses) for (const n of [c.name, c.code, ...c.aliases]) for (const k of this.variants(n)) if (k.length >= 4) this.keys.set(k, c.code);
  }

  /** The whole text, without its brackets, each bracketed part, and each side of a dash: as compact keys, leading words dropped. */
  private variants(text: string): string[] {
    const t = cleanText(text);
    const parts = [t, t.replace(/\(.*?\)/g, ' '), ...[...t.matchAll(/\((.*?)\)/g)].map((m) => m[1]), ...t.split(/\s[-–—:]\s/)];
    return [...new Set(parts.flatMap((p) => [compact(p), compact(searchKey(p).replace(LEAD, ''))]).filter(Boolean))];
  }

  /** The code of the course `text` names, or null (unknown, or naming two courses). */
  codeOf(text: string): string | null {
    let hit = this.memo.get(text);
    if (hit !== undefined) return hit;
    const codes = new Set(this.variants(text).map((k) => this.keys.get(k)).filter((c): c is string => !!c));
    hit = codes.size === 1 ? [...codes][0] : null;
    this.memo.set(text, hit);
    return hit;
  }

  /** The one course a title line names somewhere inside it ("DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA HỌC BÌNH DÂN HỌC VỤ SỐ"), or null. */
  courseInText(text: string): string | null {
    const key = compact(text);
    if (!key) return null;
    const codes = new Set<string>();
    for (const [k, code] of this.keys) if (k.length >= 6 && key.includes(k)) codes.add(code);
    return codes.size === 1 ? [...codes][0] : null;
  }

  /** "Bình dân học vụ số, OneTouch — Kỹ năng số cộng đồng, MobiEdu": the known courses for a message. */
  names(): string {
    return this.courses.map((c) => c.name).join(', ');
  }
}
