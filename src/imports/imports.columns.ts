import { cleanText, searchKey } from '../text/vietnamese.js';
import type { Sheet } from './imports.reader.js';

/**
 * Column mapping of a roster: finds the header row and maps header cells to fields by meaning,
 * blind to accents, case, spacing and line breaks ("HỌ VÀ TÊN", "Ho ten", "Full name" → fullName).
 */
export const FIELDS = {
  province: 'Tỉnh',
  district: 'Huyện (cũ)',
  commune: 'Xã/phường',
  village: 'Thôn/bản/tổ dân phố',
  team: 'Tổ',
  fullName: 'Họ và tên',
  gender: 'Giới tính',
  birthYear: 'Năm sinh',
  birthYearMale: 'Năm sinh (Nam)',
  birthYearFemale: 'Năm sinh (Nữ)',
  phone: 'Số điện thoại',
  role: 'Vai trò',
  affiliation: 'Chức vụ, đoàn thể',
} as const;
export type Field = keyof typeof FIELDS;

/** Header spellings (as search keys) for each field; matched whole, after removing punctuation. */
const SYNONYMS: Record<Field, string[]> = {
  province: ['tinh', 'tinh thanh pho', 'tinh tp', 'province'],
  district: ['huyen', 'huyen cu', 'quan huyen', 'quan huyen cu', 'district', 'old district'],
  commune: ['xa', 'xa phuong', 'xa phuong dac khu', 'phuong xa', 'xa phuong thi tran', 'don vi cap xa', 'commune', 'ward'],
  village: ['thon', 'ban', 'thon ban', 'thon ban to dan pho', 'thon to dan pho', 'thon xom', 'tieu khu', 'to dan pho', 'xom', 'ap', 'village'],
  team: ['to', 'ten to', 'to cnscd', 'to cong nghe so', 'to cong nghe so cong dong', 'team'],
  fullName: ['ho va ten', 'ho ten', 'ten', 'full name', 'name', 'ho va ten thanh vien'],
  gender: ['gioi tinh', 'gioi', 'gender', 'sex'],
  birthYear: ['nam sinh', 'ngay sinh', 'ngay thang nam sinh', 'birth year', 'year of birth', 'dob'],
  // official forms put the birth year under a "Nam" or a "Nữ" column (second header row); see findHeader
  birthYearMale: ['nam sinh nam'],
  birthYearFemale: ['nam sinh nu'],
  phone: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'dt', 'dt lien he', 'phone', 'mobile'],
  role: ['vai tro', 'vai tro trong to', 'chuc vu trong to', 'role'],
  affiliation: ['doan the', 'to chuc', 'doan the to chuc', 'thanh phan', 'luc luong', 'affiliation', 'chuc vu', 'chuc danh', 'chuc vu chuc danh', 'don vi cong tac', 'noi cong tac', 'co quan cong tac'],
};

const LOOKUP = new Map<string, Field>();
for (const [field, words] of Object.entries(SYNONYMS) as [Field, string[]][]) for (const w of words) LOOKUP.set(w, field);

/** The field a header cell stands for, or null. */
export function fieldOfHeader(cell: string): Field | null {
  const key = searchKey(cell.replace(/\(.*?\)/g, ' '));
  return LOOKUP.get(key) ?? LOOKUP.get(searchKey(cell)) ?? null;
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
    if (columns.fullName !== undefined && Object.keys(columns).length >= 2) {
      // a second header row of "Nam" / "Nữ" cells (under a merged "Năm sinh") gives the gender by column
      const next = sheet.rows[i + 1] ?? [];
      const male = next.findIndex((c) => searchKey(c) === 'nam');
      const female = next.findIndex((c) => searchKey(c) === 'nu');
      if (male >= 0 && female >= 0) {
        delete columns.birthYear;
        delete columns.gender;
        columns.birthYearMale = male;
        columns.birthYearFemale = female;
        return { headerIndex: i, headerRows: 2, columns, ignored };
      }
      return { headerIndex: i, headerRows: 1, columns, ignored };
    }
  }
  return null;
}

/**
 * A group-header row inside the table ("I. Tổ CNSCĐ xã", "II. Tổ CNSCĐ bản Hụm"): one text cell,
 * naming a team. Returns the village the following rows belong to (null for the commune-level
 * team), or undefined when the row is not a group header.
 */
export function groupRowVillage(cells: string[]): string | null | undefined {
  const filled = cells.map((c) => c.trim()).filter(Boolean);
  if (filled.length !== 1 && !(filled.length === 2 && /^[\dIVXLC]+\.?$/i.test(filled[0]))) return undefined;
  const text = cleanText(filled[filled.length - 1]).replace(/^(?:[IVXLC]+|[A-Za-z]|\d+)\s*[.)]\s*/u, '');
  const team = text.match(/^tổ\s+(?:cnscđ|cnsc đ|công nghệ số cộng đồng|công nghệ số|chuyển đổi số cộng đồng|chuyển đổi số)\s*(?:cấp\s+)?/iu);
  if (!team) return undefined;
  const rest = text.slice(team[0].length).replace(/^[,:–-]\s*/u, '').trim();
  if (!rest || /^(?:xã|phường|đặc khu|thị trấn)(?:\s|$)/iu.test(rest)) return null;
  return rest.charAt(0).toLocaleUpperCase('vi') + rest.slice(1);
}

/**
 * A totals row ("Tổng cộng", "Tổng số: 15", "Cộng: 12 người", "TONG CONG"): skipped, never a
 * member. A lone "Tổng"/"Cộng" counts only when followed by nothing, a colon or a number, and
 * accents must match when written, so people of the Tòng family ("Tòng Văn Xa") are members.
 */
export function isTotalsRow(name: string): boolean {
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
  const written = cells.map((c) => cleanText(c ?? '')).filter((c) => c !== '');
  if (written.length < 3) return false;
  const numbers = written.map((c) => /^[([]?(\d{1,2})[)\].]?$/.exec(c)?.[1]);
  return numbers.every((n, i) => n !== undefined && Number(n) === Number(numbers[0]) + i);
}

const VILLAGE_WORDS = /^(?:thôn|bản|xóm|làng|ấp|buôn|plei|tiểu khu|tổ dân phố|khu phố|khóm|tdp)\s+\S/iu;

/**
 * Context given once above the table: the issuing body ("UBND XÃ TÀ XÙA") names the commune, a
 * title ("DANH SÁCH … TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG BẢN HỤM, XÃ MƯỜNG BÚ") names the village and/or
 * commune. Also a sheet named after a village ("Bản Hụm": one sheet per village).
 */
export function tableContext(sheet: Sheet, headerIndex: number): { commune?: string; village?: string | null } {
  const context: { commune?: string; village?: string | null } = {};
  const proper = (t: string) => t.toLocaleLowerCase('vi').replace(/(^|\s)(\p{L})/gu, (_, s: string, c: string) => s + c.toLocaleUpperCase('vi'));
  for (const cells of sheet.rows.slice(0, headerIndex)) {
    for (const raw of cells) {
      const text = cleanText(raw);
      const body = text.match(/^(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(XÃ|PHƯỜNG|ĐẶC KHU)\s+(.+)$/iu);
      if (body) context.commune ??= `${proper(body[1])} ${proper(body[2])}`;
      const title = text.match(/TỔ\s+(?:CÔNG NGHỆ SỐ CỘNG ĐỒNG|CNSCĐ|CHUYỂN ĐỔI SỐ CỘNG ĐỒNG)\s+(.+)$/iu);
      if (title) {
        const parts = title[1].split(/\s*[,–-]\s*/u);
        for (const part of parts) {
          const commune = part.match(/^(XÃ|PHƯỜNG|ĐẶC KHU)\s+(.+)$/iu);
          if (commune) context.commune = `${proper(commune[1])} ${proper(commune[2])}`;
          else if (VILLAGE_WORDS.test(part)) context.village = proper(part);
        }
        if (context.village === undefined && parts.length && /^(XÃ|PHƯỜNG|ĐẶC KHU)\s/iu.test(parts[0])) context.village = null;
      }
    }
  }
  if (context.village === undefined && VILLAGE_WORDS.test(cleanText(sheet.name))) context.village = cleanText(sheet.name);
  return context;
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
