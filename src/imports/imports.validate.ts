import { AFFILIATIONS, parseAffiliations as parseAffiliationsText, parseGender as parseGenderText, parseRole as parseRoleText, type Affiliation, type Gender, type Role } from '../registry/registry.vocabulary.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { excelSerialDay, readPersonDate } from '../text/person-date.js';
import { normalizePhone, type PhoneResult } from '../text/phone.js';
import { cleanText, properName, searchKey } from '../text/vietnamese.js';
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
  /** the roster's join date (YYYY-MM-DD, a Vietnam day) when it has such a column; null: the import day */
  joinedOn: string | null;
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

/** A birth year or date as written, read: the year, or an error, with a warning to show. */
export type BirthReading = { year: number; warning?: string } | { error: string; suggestion: string };

/**
 * Reads a birth year from a year ("1990", "1990.0", two digits "90" with a warning) or a full date
 * (dd/mm/yyyy, yyyy-mm-dd, dd/mm/yy with a warning; text/person-date.ts): an impossible date is
 * refused with why. A bare 5-digit number is an Excel serial day only in a date column
 * (`dateColumn`, a header such as "Ngày sinh"): under "Năm sinh", "19900" is far more likely a typo.
 * `latestYear`: today's year in Vietnam. Null: empty text.
 */
export function readBirth(text: string, latestYear: number, dateColumn: boolean): BirthReading | null {
  const t = text.trim();
  if (!t) return null;
  if (/^\d{4}(?:\.0+)?$/.test(t)) return { year: Number(t.slice(0, 4)) };
  if (/^\d{2}$/.test(t)) {
    const year = 2000 + Number(t) <= latestYear ? 2000 + Number(t) : 1900 + Number(t);
    return { year, warning: `Năm sinh viết 2 chữ số ("${t}"): đọc là ${year}` };
  }
  const d = readPersonDate(t, { latestYear, serials: dateColumn });
  if (d?.ok) return { year: Number(d.day.slice(0, 4)), ...(d.warning ? { warning: `Ngày sinh ${d.warning}` } : {}) };
  if (d) return { error: `Ngày sinh "${t}" không có thật: ${d.reason}`, suggestion: 'Kiểm tra lại ngày sinh, hoặc chỉ ghi năm sinh 4 chữ số' };
  const serial = /^\d{5}(?:\.\d+)?$/.test(t) ? ` Nếu đây là ngày của Excel chưa định dạng (${t} là ngày ${formatDateVi(excelSerialDay(Number(t)))}), hãy định dạng cột là ngày hoặc đặt tiêu đề cột là "Ngày sinh".` : '';
  return { error: `Năm sinh "${t}" không đọc được`, suggestion: `Ghi năm sinh 4 chữ số, ví dụ 1990, hoặc ngày sinh dd/mm/yyyy.${serial}` };
}

/** Whether a header names a date ("Ngày sinh", "Ngày tháng năm sinh", "Ngày vào tổ"), not a year. */
export const isDateHeader = (header: string | undefined) => !!header && /(^| )ngay( |$)/.test(searchKey(header));

/**
 * Per-import memo of the free-text parsers: role, affiliation and gender cells repeat on most rows
 * of a roster, and so do the unit cells, so each distinct text is parsed (or cleaned) once. Create
 * one per file.
 */
export class RowParsers {
  /** the youngest allowed birth year: the Vietnamese year of `now` minus the minimum age */
  readonly maxBirthYear: number;
  /** today in Vietnam (YYYY-MM-DD) by `now`, else the current clock: the latest join date */
  readonly today: string;
  constructor(now?: Date) {
    this.today = todayInVietnam(now);
    this.maxBirthYear = Number(this.today.slice(0, 4)) - MIN_AGE;
  }
  private readonly roles = new Map<string, Role | null>();
  private readonly affiliations = new Map<string, Affiliation[]>();
  private readonly genders = new Map<string, Gender | null>();
  private readonly cleaned = new Map<string, string>();
  private readonly villages = new Map<string, string | null | undefined>();
  private readonly places = new Map<string, boolean>();
  private readonly labels = new Map<Affiliation[], string>();

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

  /** `cleanText` of a cell whose text repeats down the sheet (units, role, gender, affiliation) */
  clean(text: string): string {
    let v = this.cleaned.get(text);
    if (v === undefined) this.cleaned.set(text, (v = cleanText(text)));
    return v;
  }

  /** `villageOfCell` of a cleaned village cell */
  village(text: string): string | null | undefined {
    let v = this.villages.get(text);
    if (v === undefined && !this.villages.has(text)) this.villages.set(text, (v = villageOfCell(text)));
    return v;
  }

  /** whether a cleaned village or team name has only the characters a place name may have */
  placeOk(text: string): boolean {
    let v = this.places.get(text);
    if (v === undefined) this.places.set(text, (v = PLACE_PATTERN.test(text)));
    return v;
  }

  /** `affiliationLabels` of one of this memo's own affiliation lists */
  labelsOf(codes: Affiliation[]): string {
    let v = this.labels.get(codes);
    if (v === undefined) this.labels.set(codes, (v = affiliationLabels(codes)));
    return v;
  }
}

/** Fields whose cells repeat down a roster: cleaned through the per-file memo. */
const REPEATED = new Set<Field>(['province', 'district', 'commune', 'village', 'team', 'gender', 'role', 'affiliation']);
/** A mark in the "Nam"/"Nữ" column of forms that put the year in a column of its own. */
const MARK = /^(?:x|✓|✔|v|1|có)$/iu;
/** What separates two phone numbers written in one cell. */
const PHONE_SEPARATORS = /[,;/\n]| - |\s{2,}|\s+hoặc\s+/i;

/** The cleaned text of field `f` in `cells` ('' when the sheet has no such column). */
function cellOf(cells: string[], mapping: ColumnMapping, f: Field, parsers: RowParsers): string {
  const col = mapping.columns[f];
  if (col === undefined) return '';
  const raw = cells[col];
  if (!raw) return '';
  return REPEATED.has(f) ? parsers.clean(raw) : cleanText(raw);
}

/** The problems of one row, with where they are: module-level so that no closure is made per row. */
class RowProblems {
  readonly list: Problem[] = [];
  hasError = false;
  constructor(
    private readonly sheet: string,
    private readonly rowNo: number,
    private readonly mapping: ColumnMapping,
    private readonly headers: string[],
  ) {}

  add(f: Field, severity: Problem['severity'], message: string, suggestion?: string): void {
    const col = this.mapping.columns[f];
    const column = col !== undefined ? this.headers[col] || FIELDS[f] : FIELDS[f];
    if (severity === 'error') this.hasError = true;
    this.list.push({ sheet: this.sheet, row: this.rowNo, column, severity, message, ...(suggestion ? { suggestion } : {}) });
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
  const cells = sheet.rows[index];
  const rowNo = sheet.rowNumbers[index];

  const rawName = cellOf(cells, mapping, 'fullName', parsers);
  const phoneText = cellOf(cells, mapping, 'phone', parsers);
  let yearText = cellOf(cells, mapping, 'birthYear', parsers);
  const maleCell = cellOf(cells, mapping, 'birthYearMale', parsers);
  const femaleCell = cellOf(cells, mapping, 'birthYearFemale', parsers);
  // notes, totals and the signature block below a table carry no name, year or phone: not a member row
  if (!rawName && !phoneText && !yearText && !maleCell && !femaleCell) return { row: null, problems: [], skipped: true };
  const problems = new RowProblems(sheet.name, rowNo, mapping, headers);
  const fullName = properName(rawName);
  if (!fullName) problems.add('fullName', 'error', 'Thiếu họ và tên', 'Ghi đầy đủ họ và tên thành viên, hoặc xoá dòng này');
  else if (fullName.length > MAX_NAME) problems.add('fullName', 'error', `Họ tên dài ${fullName.length} ký tự (tối đa ${MAX_NAME})`, 'Kiểm tra lại: có thể nhiều ô bị dồn vào một');
  else if (/\d/.test(fullName)) problems.add('fullName', 'error', `Họ tên "${fullName}" có chữ số`, 'Kiểm tra lại: có thể cột bị lệch');
  else if (!NAME_PATTERN.test(fullName)) problems.add('fullName', 'error', `Họ tên "${fullName}" có ký tự không dùng trong tên người`, 'Chỉ ghi chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy (ví dụ: Lò Văn Bình, H\'Hen Niê)');

  const genderText = cellOf(cells, mapping, 'gender', parsers);
  let gender = genderText ? parsers.gender(genderText) : null;
  if (genderText && !gender) problems.add('gender', 'warning', `Giới tính "${genderText}" không rõ, để trống`, 'Ghi "Nam" hoặc "Nữ"');

  // official form: the year sits under "Nam" or under "Nữ", and the column is the gender; some
  // forms put a mark ("x") there instead, with the year in a column of its own
  let yearField: Field = 'birthYear';
  if (maleCell && femaleCell) problems.add('birthYearFemale', 'error', `Ghi ở cả cột Nam ("${maleCell}") và cột Nữ ("${femaleCell}")`, 'Chỉ ghi vào một cột, đúng giới tính');
  else if (maleCell || femaleCell) {
    gender = maleCell ? 'male' : 'female';
    const cell = maleCell || femaleCell;
    if (!MARK.test(cell)) {
      yearField = maleCell ? 'birthYearMale' : 'birthYearFemale';
      yearText = cell;
    }
  }
  const hasGenderColumn = mapping.columns.gender !== undefined || mapping.columns.birthYearMale !== undefined;
  if (!gender && hasGenderColumn && !(genderText && !gender) && !(maleCell && femaleCell)) {
    problems.add(
      mapping.columns.gender !== undefined ? 'gender' : 'birthYearMale',
      'warning',
      mapping.columns.gender !== undefined ? 'Thiếu giới tính: ô để trống, ghi là chưa rõ' : 'Không rõ giới tính: không có gì ở cột Nam hay cột Nữ, ghi là chưa rõ',
      mapping.columns.gender !== undefined ? 'Ghi "Nam" hoặc "Nữ"' : 'Ghi năm sinh vào cột Nam hoặc cột Nữ, đúng giới tính',
    );
  }

  let birthYear: number | null = null;
  if (yearText) {
    const col = mapping.columns[yearField];
    const reading = readBirth(yearText, parsers.maxBirthYear + MIN_AGE, isDateHeader(col === undefined ? undefined : headers[col]));
    const maxYear = parsers.maxBirthYear;
    if (reading && 'error' in reading) problems.add(yearField, 'error', reading.error, reading.suggestion);
    else if (reading && (reading.year < MIN_BIRTH_YEAR || reading.year > maxYear)) problems.add(yearField, 'error', `Năm sinh ${reading.year} không hợp lý (phải từ ${MIN_BIRTH_YEAR} đến ${maxYear})`, 'Kiểm tra lại năm sinh');
    else if (reading) {
      birthYear = reading.year;
      if (reading.warning) problems.add(yearField, 'warning', reading.warning, 'Ghi năm 4 chữ số để khỏi nhầm thế kỷ');
    }
  }

  // the join date, when the roster has a column for it: a real day, not after today, not before 1900
  let joinedOn: string | null = null;
  const joinedText = cellOf(cells, mapping, 'joinedOn', parsers);
  if (joinedText) {
    const d = readPersonDate(joinedText, { latestYear: Number(parsers.today.slice(0, 4)), serials: true });
    if (!d) problems.add('joinedOn', 'error', `Ngày vào tổ "${joinedText}" không đọc được`, 'Ghi ngày dạng dd/mm/yyyy, ví dụ 01/03/2024');
    else if (!d.ok) problems.add('joinedOn', 'error', `Ngày vào tổ "${joinedText}" không có thật: ${d.reason}`, 'Kiểm tra lại ngày, tháng, năm');
    else if (d.day > parsers.today) problems.add('joinedOn', 'error', `Ngày vào tổ ${formatDateVi(d.day)} ở tương lai (hôm nay ${formatDateVi(parsers.today)})`, 'Ghi ngày thành viên đã vào tổ, đến hôm nay');
    else if (d.day < '1900-01-01') problems.add('joinedOn', 'error', `Ngày vào tổ ${formatDateVi(d.day)} trước năm 1900`, 'Kiểm tra lại năm');
    else {
      joinedOn = d.day;
      if (d.warning) problems.add('joinedOn', 'warning', `Ngày vào tổ: ${d.warning}`, 'Ghi năm 4 chữ số để khỏi nhầm thế kỷ');
    }
  }

  let phone: string | null = null;
  if (phoneText) {
    // one number per cell is the rule: split only a cell that holds a separator
    const parts = PHONE_SEPARATORS.test(phoneText) ? phoneText.split(PHONE_SEPARATORS).map((p) => p.trim()).filter(Boolean) : [phoneText.trim()].filter(Boolean);
    // the first valid number is taken; the first number's reason is told when none is
    let first: PhoneResult | undefined;
    let found: string | null = null;
    for (const part of parts) {
      const result = normalizePhone(part);
      first ??= result;
      if (result.ok) {
        found = result.e164;
        break;
      }
    }
    if (found) {
      phone = found;
      if (parts.length > 1) problems.add('phone', 'warning', `Ô có ${parts.length} số điện thoại; lấy số đầu hợp lệ ${found}`, 'Mỗi ô nên chỉ ghi một số');
    } else {
      // the member is still imported, without the phone: only the name, team and unit reject a row
      const reason = first && !first.ok ? first.reason : 'không đọc được';
      problems.add('phone', 'warning', `Số điện thoại không hợp lệ: ${reason.includes(phoneText) ? reason : `"${phoneText}": ${reason}`}; thành viên vẫn được nhập, chưa có số điện thoại`, 'Sửa thành số di động 10 chữ số, ví dụ 0912 345 678, rồi nhập lại');
    }
  }

  const roleText = cellOf(cells, mapping, 'role', parsers);
  const affText = cellOf(cells, mapping, 'affiliation', parsers);
  let role = roleText ? parsers.role(roleText) : null;
  if (roleText && role === null) problems.add('role', 'warning', `Vai trò "${roleText}" không rõ, ghi là thành viên`, 'Ghi "Tổ trưởng", "Tổ phó" hoặc "Thành viên"');
  if (!roleText && affText) role = parsers.role(affText) ?? 'member';
  const affiliations = parsers.affiliation(affText && roleText ? `${affText} ; ${roleText}` : affText || roleText);
  if (affText && affiliations.length === 0 && parsers.role(affText) === null) {
    problems.add('affiliation', 'warning', `Không nhận ra đoàn thể trong "${affText}"`, 'Ví dụ: Đoàn Thanh niên, Hội Phụ nữ, Công an xã, Trưởng thôn');
  }

  const commune = cellOf(cells, mapping, 'commune', parsers) || defaults.commune || null;
  if (!commune) problems.add('commune', 'error', 'Thiếu xã/phường', 'Thêm cột "Xã/phường" hoặc chọn xã khi tải tệp lên');
  // no province anywhere: the import infers it once per file from the district or commune (inferProvince)
  const province = cellOf(cells, mapping, 'province', parsers) || defaults.province || null;

  const villageText = cellOf(cells, mapping, 'village', parsers);
  const teamText = cellOf(cells, mapping, 'team', parsers);
  checkPlace(problems, 'village', villageText, parsers);
  checkPlace(problems, 'team', teamText, parsers);

  if (problems.hasError) return { row: null, problems: problems.list };
  const cellVillage = mapping.columns.village !== undefined ? parsers.village(villageText) : undefined;
  return {
    row: {
      sheet: sheet.name,
      row: rowNo,
      province,
      district: cellOf(cells, mapping, 'district', parsers) || defaults.district || null,
      commune,
      // the village column: a village, or the commune-level team ("Xã", "Khối cơ quan xã"); empty: the group's
      village: cellVillage !== undefined ? cellVillage : defaults.village ?? null,
      team: teamText || defaults.team || null,
      fullName,
      gender,
      birthYear,
      phone,
      role: role ?? 'member',
      affiliations,
      // the text is kept as the position unless it only lists the affiliations (as the official export writes them)
      position: (affText && !sameLabels(affText, parsers.labelsOf(affiliations)) ? affText : null) || (roleText && parsers.role(roleText) === null ? roleText : null) || null,
      joinedOn,
    },
    problems: problems.list,
  };
}

/** Whether `text` lists exactly the labels of `labels` ("A; B"), in any order (the export writes them in the stored order). */
function sameLabels(text: string, labels: string): boolean {
  if (text === labels) return true;
  const parts = (v: string) => v.split(/\s*;\s*/).sort().join(';');
  return parts(text) === parts(labels);
}

/** A village or team cell too long or with characters a place name cannot have. */
function checkPlace(problems: RowProblems, f: 'village' | 'team', v: string, parsers: RowParsers): void {
  if (v && (v.length > MAX_NAME || !parsers.placeOk(v))) {
    problems.add(f, 'error', v.length > MAX_NAME ? `Tên dài ${v.length} ký tự (tối đa ${MAX_NAME})` : `Tên "${v.slice(0, 40)}" có ký tự không hợp lệ (bắt đầu bằng = + - @ hoặc có < > …)`, 'Chỉ ghi chữ, số, dấu cách và dấu câu thông thường');
  }
}

/** Affiliations as the official export writes them: Vietnamese labels joined by "; ". */
export function affiliationLabels(codes: Affiliation[]): string {
  return codes.map((c) => AFFILIATIONS[c]).join('; ');
}
