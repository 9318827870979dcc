import { AFFILIATIONS, parseAffiliations as parseAffiliationsText, parseGender as parseGenderText, parseRole as parseRoleText, type Affiliation, type Gender, type Role } from '../registry/registry.vocabulary.js';
import { yearInVietnam } from '../text/dates.js';
import { normalizePhone } from '../text/phone.js';
import { cleanText, properName } from '../text/vietnamese.js';
import { FIELDS, type ColumnMapping, type Field } from './imports.columns.js';
import { villageOfCell } from './imports.context.js';
import type { Sheet } from './imports.reader.js';

/**
 * Validation stage of the roster import: one mapped row of text cells → a typed roster row
 * plus its problems. Pure (no database); unit resolution and member matching happen in
 * `imports.service.ts`.
 */
export interface Problem {
  sheet: string;
  /** row number as the user sees it in the file (1-based); 0 for the whole file */
  row: number;
  /** column header as written in the file, or the field label */
  column: string;
  severity: 'error' | 'warning';
  message: string;
  suggestion?: string;
}

export interface RosterRow {
  sheet: string;
  row: number;
  province: string | null;
  district: string | null;
  commune: string | null;
  village: string | null;
  team: string | null;
  fullName: string;
  gender: Gender | null;
  birthYear: number | null;
  phone: string | null;
  role: Role;
  affiliations: Affiliation[];
  position: string | null;
}

/** Longest accepted name of a person or village. */
export const MAX_NAME = 100;
/** A person's name: letters (with their marks), spaces, hyphens, apostrophes and dots; no markup or formula characters. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
/** A village or team name: letters, digits, spaces and common punctuation; it must start with a letter or digit. */
const PLACE_PATTERN = /^[\p{L}\p{M}\d][\p{L}\p{M}\d '’.,()/-]*$/u;

/** Members are at least 15 and born after 1920; the rule keeps typos such as "2085" or "185" out. */
const MIN_AGE = 15;
const MIN_BIRTH_YEAR = 1920;

/** Reads a birth year from a year or a full date (dd/mm/yyyy, yyyy-mm-dd); null otherwise. */
export function parseBirthYear(text: string): number | null {
  const t = text.trim();
  if (/^\d{4}$/.test(t)) return Number(t);
  if (/^\d{4}\.0+$/.test(t)) return Number(t.slice(0, 4));
  let m = t.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  if (m) return Number(m[3]);
  m = t.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (m) return Number(m[1]);
  // a bare 5-digit number is not read as an Excel date serial: "19900" is far more likely a typo
  // than day 19,900 (date-formatted cells arrive as dates from the reader)
  return null;
}

/**
 * Per-import memo of the free-text parsers: role, affiliation and gender cells repeat on most rows
 * of a roster, so each distinct text is parsed once. Create one per file.
 */
export class RowParsers {
  /** the youngest allowed birth year: the Vietnamese year of `now` minus the minimum age */
  readonly maxBirthYear: number;
  constructor(now: Date = new Date()) {
    this.maxBirthYear = yearInVietnam(now) - MIN_AGE;
  }
  private readonly roles = new Map<string, Role | null>();
  private readonly affiliations = new Map<string, Affiliation[]>();
  private readonly genders = new Map<string, Gender | null>();

  role(text: string): Role | null {
    let v = this.roles.get(text);
    if (v === undefined && !this.roles.has(text)) this.roles.set(text, (v = parseRoleText(text)));
    return v ?? null;
  }

  affiliation(text: string): Affiliation[] {
    let v = this.affiliations.get(text);
    if (!v) this.affiliations.set(text, (v = parseAffiliationsText(text)));
    return v;
  }

  gender(text: string): Gender | null {
    let v = this.genders.get(text);
    if (v === undefined && !this.genders.has(text)) this.genders.set(text, (v = parseGenderText(text)));
    return v ?? null;
  }
}

/** Validates one data row. `defaults` fill the unit columns a file leaves out (e.g. one commune's file). */
export function validateRow(
  sheet: Sheet,
  index: number,
  mapping: ColumnMapping,
  headers: string[],
  defaults: { province?: string | null; district?: string | null; commune?: string | null; village?: string | null; team?: string | null },
  parsers: RowParsers = new RowParsers(),
): { row: RosterRow | null; problems: Problem[]; skipped?: boolean } {
  const parseRole = (t: string) => parsers.role(t);
  const parseGender = (t: string) => parsers.gender(t);
  const parseAffiliations = (t: string) => parsers.affiliation(t);
  const cells = sheet.rows[index];
  const rowNo = sheet.rowNumbers[index];
  const problems: Problem[] = [];
  const get = (f: Field) => {
    const col = mapping.columns[f];
    return col === undefined ? '' : cleanText(cells[col] ?? '');
  };
  const column = (f: Field) => (mapping.columns[f] !== undefined ? headers[mapping.columns[f]!] || FIELDS[f] : FIELDS[f]);
  const problem = (f: Field, severity: Problem['severity'], message: string, suggestion?: string) =>
    problems.push({ sheet: sheet.name, row: rowNo, column: column(f), severity, message, ...(suggestion ? { suggestion } : {}) });

  const rawName = get('fullName');
  // notes, totals and the signature block below a table carry no name, year or phone: not a member row
  if (!rawName && !get('phone') && !get('birthYear') && !get('birthYearMale') && !get('birthYearFemale')) return { row: null, problems: [], skipped: true };
  const fullName = properName(rawName);
  if (!fullName) problem('fullName', 'error', 'Thiếu họ và tên', 'Ghi đầy đủ họ và tên thành viên, hoặc xoá dòng này');
  else if (fullName.length > MAX_NAME) problem('fullName', 'error', `Họ tên dài ${fullName.length} ký tự (tối đa ${MAX_NAME})`, 'Kiểm tra lại: có thể nhiều ô bị dồn vào một');
  else if (/\d/.test(fullName)) problem('fullName', 'error', `Họ tên "${fullName}" có chữ số`, 'Kiểm tra lại: có thể cột bị lệch');
  else if (!NAME_PATTERN.test(fullName)) problem('fullName', 'error', `Họ tên "${fullName}" có ký tự không dùng trong tên người`, 'Chỉ ghi chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy (ví dụ: Lò Văn Bình, H\'Hen Niê)');

  const genderText = get('gender');
  let gender = genderText ? parseGender(genderText) : null;
  if (genderText && !gender) problem('gender', 'warning', `Giới tính "${genderText}" không rõ, để trống`, 'Ghi "Nam" hoặc "Nữ"');

  // official form: the year sits under "Nam" or under "Nữ", and the column is the gender; some
  // forms put a mark ("x") there instead, with the year in a column of its own
  let yearField: Field = 'birthYear';
  let yearText = get('birthYear');
  const maleCell = get('birthYearMale');
  const femaleCell = get('birthYearFemale');
  const isMark = (t: string) => /^(?:x|✓|✔|v|1|có)$/iu.test(t);
  if (maleCell && femaleCell) problem('birthYearFemale', 'error', `Ghi ở cả cột Nam ("${maleCell}") và cột Nữ ("${femaleCell}")`, 'Chỉ ghi vào một cột, đúng giới tính');
  else if (maleCell || femaleCell) {
    gender = maleCell ? 'male' : 'female';
    const cell = maleCell || femaleCell;
    if (!isMark(cell)) {
      yearField = maleCell ? 'birthYearMale' : 'birthYearFemale';
      yearText = cell;
    }
  }
  const hasGenderColumn = mapping.columns.gender !== undefined || mapping.columns.birthYearMale !== undefined;
  if (!gender && hasGenderColumn && !(genderText && !gender) && !(maleCell && femaleCell)) {
    problem(
      mapping.columns.gender !== undefined ? 'gender' : 'birthYearMale',
      'warning',
      mapping.columns.gender !== undefined ? 'Thiếu giới tính: ô để trống, ghi là chưa rõ' : 'Không rõ giới tính: không có gì ở cột Nam hay cột Nữ, ghi là chưa rõ',
      mapping.columns.gender !== undefined ? 'Ghi "Nam" hoặc "Nữ"' : 'Ghi năm sinh vào cột Nam hoặc cột Nữ, đúng giới tính',
    );
  }

  let birthYear: number | null = null;
  if (yearText) {
    const year = parseBirthYear(yearText);
    const maxYear = parsers.maxBirthYear;
    if (year === null) problem(yearField, 'error', `Năm sinh "${yearText}" không đọc được`, 'Ghi năm sinh 4 chữ số, ví dụ 1990, hoặc ngày sinh dd/mm/yyyy');
    else if (year < MIN_BIRTH_YEAR || year > maxYear) problem(yearField, 'error', `Năm sinh ${year} không hợp lý (phải từ ${MIN_BIRTH_YEAR} đến ${maxYear})`, 'Kiểm tra lại năm sinh');
    else birthYear = year;
  }

  const phoneText = get('phone');
  let phone: string | null = null;
  if (phoneText) {
    const parts = phoneText.split(/[,;/\n]| - |\s{2,}|\s+hoặc\s+/i).map((p) => p.trim()).filter(Boolean);
    const results = parts.map((p) => normalizePhone(p));
    const first = results.find((r) => r.ok);
    if (first && first.ok) {
      phone = first.e164;
      if (parts.length > 1) problem('phone', 'warning', `Ô có ${parts.length} số điện thoại; lấy số đầu hợp lệ ${first.e164}`, 'Mỗi ô nên chỉ ghi một số');
    } else {
      // the member is still imported, without the phone: only the name, team and unit reject a row
      const r = results[0];
      const reason = r && !r.ok ? r.reason : 'không đọc được';
      problem('phone', 'warning', `Số điện thoại không hợp lệ: ${reason.includes(phoneText) ? reason : `"${phoneText}": ${reason}`}; thành viên vẫn được nhập, chưa có số điện thoại`, 'Sửa thành số di động 10 chữ số, ví dụ 0912 345 678, rồi nhập lại');
    }
  }

  const roleText = get('role');
  const affText = get('affiliation');
  let role = roleText ? parseRole(roleText) : null;
  if (roleText && role === null) problem('role', 'warning', `Vai trò "${roleText}" không rõ, ghi là thành viên`, 'Ghi "Tổ trưởng", "Tổ phó" hoặc "Thành viên"');
  if (!roleText && affText) role = parseRole(affText) ?? 'member';
  const affiliations = parseAffiliations([affText, roleText].filter(Boolean).join(' ; '));
  if (affText && affiliations.length === 0 && parseRole(affText) === null) {
    problem('affiliation', 'warning', `Không nhận ra đoàn thể trong "${affText}"`, 'Ví dụ: Đoàn Thanh niên, Hội Phụ nữ, Công an xã, Trưởng thôn');
  }

  const commune = get('commune') || defaults.commune || null;
  if (!commune) problem('commune', 'error', 'Thiếu xã/phường', 'Thêm cột "Xã/phường" hoặc chọn xã khi tải tệp lên');
  // no province anywhere: the import infers it once per file from the district or commune (inferProvince)
  const province = get('province') || defaults.province || null;

  for (const f of ['village', 'team'] as const) {
    const v = get(f);
    if (v && (v.length > MAX_NAME || !PLACE_PATTERN.test(v))) {
      problem(f, 'error', v.length > MAX_NAME ? `Tên dài ${v.length} ký tự (tối đa ${MAX_NAME})` : `Tên "${v.slice(0, 40)}" có ký tự không hợp lệ (bắt đầu bằng = + - @ hoặc có < > …)`, 'Chỉ ghi chữ, số, dấu cách và dấu câu thông thường');
    }
  }

  if (problems.some((p) => p.severity === 'error')) return { row: null, problems };
  const cellVillage = mapping.columns.village !== undefined ? villageOfCell(get('village')) : undefined;
  return {
    row: {
      sheet: sheet.name,
      row: rowNo,
      province,
      district: get('district') || defaults.district || null,
      commune,
      // the village column: a village, or the commune-level team ("Xã", "Khối cơ quan xã"); empty: the group's
      village: cellVillage !== undefined ? cellVillage : defaults.village ?? null,
      team: get('team') || defaults.team || null,
      fullName,
      gender,
      birthYear,
      phone,
      role: role ?? 'member',
      affiliations,
      // the text is kept as the position unless it only lists the affiliations (as the official export writes them)
      position: (affText && affText !== affiliationLabels(affiliations) ? affText : null) || (roleText && parseRole(roleText) === null ? roleText : null) || null,
    },
    problems,
  };
}

/** Affiliations as the official export writes them: Vietnamese labels joined by "; ". */
export function affiliationLabels(codes: Affiliation[]): string {
  return codes.map((c) => AFFILIATIONS[c]).join('; ');
}
