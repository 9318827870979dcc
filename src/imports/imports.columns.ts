import { VILLAGE_HEADER_WORDS } from '../catalogue/village-name.js';
import { cleanText, searchKey } from '../text/vietnamese.js';
import type { Field } from './imports.labels.js';
import type { Sheet } from './imports.reader.js';

/**
 * Column mapping of a roster: finds the header row and maps header cells to fields by meaning,
 * blind to accents, case, spacing and line breaks ("HỌ VÀ TÊN", "Ho ten", "Full name" → fullName).
 */
// the fields and their labels live in the browser-safe imports.labels.ts (the web page lists them too)
export { FIELDS, type Field } from './imports.labels.js';

/** Header spellings (as search keys) for each field; matched whole, after removing punctuation. */
const SYNONYMS: Record<Field, string[]> = {
  province: ['tinh', 'tinh thanh pho', 'tinh tp', 'province'],
  district: ['huyen', 'huyen cu', 'quan huyen', 'quan huyen cu', 'district', 'old district'],
  commune: ['xa', 'xa phuong', 'xa phuong dac khu', 'phuong xa', 'xa phuong thi tran', 'xa thi tran', 'xa tt', 'don vi cap xa', 'commune', 'ward'],
  // headers listing several village words ("Thôn/bản/tiểu khu", "Bản/TK") are found by villageHeader
  village: ['thon', 'ban', 'thon ban', 'thon ban to dan pho', 'thon to dan pho', 'thon xom', 'tieu khu', 'to dan pho', 'xom', 'ap', 'dia ban', 'dia ban thon ban', 'village'],
  team: ['to', 'ten to', 'to cnscd', 'to cong nghe so', 'to cong nghe so cong dong', 'team'],
  fullName: ['ho va ten', 'ho ten', 'ten', 'full name', 'name', 'ho va ten thanh vien'],
  gender: ['gioi tinh', 'gioi', 'gender', 'sex'],
  birthYear: ['nam sinh', 'ngay sinh', 'ngay thang nam sinh', 'birth year', 'year of birth', 'dob'],
  // official forms put the birth year under a "Nam" or a "Nữ" column (second header row); see findHeader
  birthYearMale: ['nam sinh nam'],
  birthYearFemale: ['nam sinh nu'],
  phone: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'dt', 'dt lien he', 'phone', 'mobile'],
  role: ['vai tro', 'vai tro trong to', 'chuc vu trong to', 'role'],
  joinedOn: ['ngay vao to', 'ngay tham gia', 'ngay tham gia to', 'ngay gia nhap', 'ngay gia nhap to', 'ngay vao', 'tham gia tu ngay', 'joined', 'join date'],
  affiliation: ['doan the', 'doan the don vi cong tac', 'doan the don vi', 'doan the noi cong tac', 'to chuc doan the', 'doan the chuc vu', 'to chuc', 'doan the to chuc', 'thanh phan', 'luc luong', 'affiliation', 'chuc vu', 'chuc danh', 'chuc vu chuc danh', 'don vi cong tac', 'noi cong tac', 'co quan cong tac'],
};

const LOOKUP = new Map<string, Field>();
for (const [field, words] of Object.entries(SYNONYMS) as [Field, string[]][]) for (const w of words) LOOKUP.set(w, field);

/** Commune-level unit words a combined header may list ("Xã, thị trấn", "Xã/phường/TT"). */
const COMMUNE_HEADER_WORDS = new Set(['xa', 'phuong', 'thi tran', 'tt', 'dac khu']);

/** A header made only of unit words joined by "/", "," or ";" ("Thôn/bản/tiểu khu", "Thôn, bản, TDP", "Bản/TK"): its field. */
function unitListHeader(cell: string): Field | null {
  const parts = cell.split(/[/,;]|\s+và\s+|\s+hoặc\s+/u).map((p) => searchKey(p)).filter(Boolean);
  if (parts.length < 2) return null;
  if (parts.every((p) => VILLAGE_HEADER_WORDS.has(p))) return 'village';
  if (parts.every((p) => COMMUNE_HEADER_WORDS.has(p))) return 'commune';
  return null;
}

/** The field a header cell stands for, or null. */
export function fieldOfHeader(cell: string): Field | null {
  const key = searchKey(cell.replace(/\(.*?\)/g, ' '));
  return LOOKUP.get(key) ?? LOOKUP.get(searchKey(cell)) ?? unitListHeader(cell.replace(/\(.*?\)/g, ' ')) ?? null;
}

/** "Nam" / "Nữ" / "Nu" / "NỮ" / "Nữ (năm sinh)" header cells: the gender they stand for, or null. */
export function genderHeader(cell: string): 'male' | 'female' | null {
  const key = searchKey(cell.replace(/\(.*?\)/g, ' '));
  return key === 'nam' ? 'male' : key === 'nu' ? 'female' : null;
}

export interface ColumnMapping {
  /** index (0-based) of the (first) header row in `sheet.rows` */
  headerIndex: number;
  /** 1, or 2 when a second header row splits a column (the official form's Nam/Nữ birth-year columns) */
  headerRows: number;
  /** field → column index (0-based) */
  columns: Partial<Record<Field, number>>;
  /** header cells that mapped to nothing (shown so the user sees what was ignored) */
  ignored: string[];
}

/**
 * Finds the header row: the first of the sheet's first 30 rows in which at least two cells name
 * known fields, one of them the full name. Returns null when there is none.
 */
export function findHeader(sheet: Sheet): ColumnMapping | null {
  const limit = Math.min(sheet.rows.length, 30);
  for (let i = 0; i < limit; i++) {
    const columns: Partial<Record<Field, number>> = {};
    const ignored: string[] = [];
    sheet.rows[i].forEach((cell, col) => {
      if (!cell.trim()) return;
      const field = fieldOfHeader(cell);
      if (field && columns[field] === undefined) columns[field] = col;
      else ignored.push(cell.trim());
    });
    // "Chức vụ" beside a real "Đoàn thể …" column is the role in the team (Tổ trưởng, Thành viên)
    if (columns.role === undefined && columns.affiliation !== undefined) {
      const taken = cleanText(sheet.rows[i][columns.affiliation] ?? '');
      const other = sheet.rows[i].findIndex((c, col) => col !== columns.affiliation && /^doan the|^to chuc doan the/.test(searchKey((c ?? '').replace(/\(.*?\)/g, ' '))));
      if (/^chuc vu$|^chuc danh$/.test(searchKey(taken)) && other >= 0) {
        columns.role = columns.affiliation;
        columns.affiliation = other;
        const at = ignored.indexOf(cleanText(sheet.rows[i][other]));
        if (at >= 0) ignored.splice(at, 1);
      }
    }
    if (columns.fullName !== undefined && Object.keys(columns).length >= 2) {
      // "Nam" / "Nữ" columns, in the header row ("Nam | Nữ (năm sinh)") or in a second header row
      // under a merged "Năm sinh" (or "Giới tính"): the birth year, or a mark, written under the gender
      const genderColumns = (cells: string[]) => ({ male: cells.findIndex((c) => genderHeader(c ?? '') === 'male'), female: cells.findIndex((c) => genderHeader(c ?? '') === 'female') });
      const same = genderColumns(sheet.rows[i]);
      const next = genderColumns(sheet.rows[i + 1] ?? []);
      const split = next.male >= 0 && next.female >= 0 ? { ...next, rows: 2 } : same.male >= 0 && same.female >= 0 ? { ...same, rows: 1 } : null;
      if (split) {
        // the merged "Năm sinh" / "Giới tính" above the two columns is their title, not a column of its own
        if (columns.birthYear === split.male || columns.birthYear === split.female) {
          delete columns.birthYear;
          // a year column of its own besides the split ("Năm sinh (chưa rõ giới tính)": where the
          // official export writes the year of a person whose gender is not known)
          const own = sheet.rows[i].findIndex((c, col) => col !== split.male && col !== split.female && fieldOfHeader(c ?? '') === 'birthYear');
          if (own >= 0) columns.birthYear = own;
        }
        if (columns.gender === split.male || columns.gender === split.female) delete columns.gender;
        columns.birthYearMale = split.male;
        columns.birthYearFemale = split.female;
        return { headerIndex: i, headerRows: split.rows, columns, ignored: ignored.filter((h) => genderHeader(h) === null) };
      }
      return { headerIndex: i, headerRows: 1, columns, ignored };
    }
  }
  return null;
}

/** What a totals row's text starts with: anything but letters and digits, then a t or a c. */
const TOTALS_START = /^[^\p{L}\p{N}]*[tc]/iu;

/**
 * A totals row ("Tổng cộng", "Tổng số: 15", "Cộng: 12 người", "TONG CONG"): skipped, never a
 * member. A lone "Tổng"/"Cộng" counts only when followed by nothing, a colon or a number, and
 * accents must match when written, so people of the Tòng family ("Tòng Văn Xa") are members.
 */
export function isTotalsRow(name: string): boolean {
  // every form starts with t or c (after punctuation in plain ASCII text): most names are out at once
  if (!TOTALS_START.test(name)) return false;
  const text = cleanText(name).toLocaleLowerCase('vi');
  // written with accents: the accents must match ("Tòng Cộng Hoà" is a person); without: the letters
  const key = /[^\x00-\x7f]/.test(text) ? text : searchKey(text);
  return /^(?:tổng cộng|tổng số|tong cong|tong so)(?=$|[\s:.\d])/u.test(key) || /^(?:tổng|cộng|tong|cong)\s*(?:$|[:.]|\d)/u.test(key);
}

/**
 * The column-numbering row official forms print under the header ("(1) (2) (3) …", "1 2 3 4 5 6",
 * "[1] [2] …"): at least three cells, every written cell a column number, counting up by one.
 * Skipped, never validated as a member.
 */
export function isNumberingRow(cells: string[]): boolean {
  let first: number | null = null;
  let count = 0;
  for (const c of cells) {
    if (!c) continue;
    const text = c.trim();
    if (!text) continue;
    // the first cell that is not a column number ends the test (member rows end it at once)
    const m = /^[([]?(\d{1,2})[)\].]?$/.exec(text);
    if (!m) return false;
    const n = Number(m[1]);
    if (first === null) first = n;
    else if (n !== first + count) return false;
    count++;
  }
  return count >= 3;
}

/** Words that open the signature block under an official table ("NGƯỜI LẬP BIỂU", "TM. UBND XÃ", "(Ký, ghi rõ họ tên)"). */
const SIGNATURE = /^(?:người lập(?: biểu)?|người lập danh sách|tm\.?\s|t\/m\s|kt\.?\s|chủ tịch|phó chủ tịch|xác nhận|thủ trưởng|\(ký|ký tên|ký, ghi rõ)/iu;

/**
 * A row opening the signature block: it and every row below it are skipped, never members (a
 * signatory's name under "TM. UBND XÃ", merged across columns, is no member). Cells of `ignore`
 * (the role and affiliation columns) are not looked at: "Chủ tịch Hội Phụ nữ" there is a member's
 * position.
 */
export function isSignatureRow(cells: string[], ignore: readonly (number | undefined)[] = []): boolean {
  return cells.some((c, i) => !ignore.includes(i) && SIGNATURE.test(cleanText(c)));
}
