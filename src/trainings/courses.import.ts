import { sql } from 'drizzle-orm';
import { requireScope, type Scope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { UnitResolver } from '../catalogue/catalogue.service.js';
import { type Db, queryRows, sqlState } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { distinctCells, readSpreadsheet } from '../imports/imports.reader.js';
import type { Problem } from '../imports/imports.validate.js';
import { now } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { COMPLETION_FIELD_LABELS, type CompletionField, CourseMatcher, findCompletionHeader, HEADERS_LOOKED_FOR } from './courses.columns.js';
import { communeOfUnitText, type CompletionInsert, earlierCertificates, nameHolders, nameProbe, phoneHolders, sameGivenName, type UnitAnswer, writeCompletions } from './courses.match.js';
import { type CompletionRow, readCompletionRows, SKIP_LABELS, type SkipReason } from './courses.rows.js';

/**
 * Import of a national course's completion list (issue 14, item 5): the administrator's export
 * (CSV, .xlsx, legacy-encoded text, merged cells: the roster import's reading stage) → header and
 * columns found by their names (courses.columns.ts) → rows read and checked (courses.rows.ts) →
 * certificate numbers checked against the file and earlier imports → each row's unit resolved to a
 * commune of the province → members matched (courses.match.ts): by phone, else by name + birth
 * year + commune, exactly one candidate, only among current memberships in the caller's scope →
 * written in one transaction, or not at all (a dry run writes nothing and answers the same report).
 */
export const MAX_COMPLETION_ROWS = 50_000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface CompletionImportOptions {
  /** the importer's scope (officers'; the CLI, tests and bench pass ALL) */
  scope: Scope;
  commit: boolean;
  /** who imports, for the log and the audit entry (null: the operator) */
  actor?: AuditActor | null;
  /** the province the list is of: required with the scope ALL, else the scope's own (another is refused) */
  provinceCode?: string | null;
  maxBytes?: number;
}

export interface UnmatchedRow {
  sheet: string;
  row: number;
  fullName: string;
  unit: string | null;
  /** the commune the row is counted at (resolved, or the importing commune officer's), or null */
  commune: string | null;
  course: string;
  reason: string;
}

/** The answer of an import or dry run (see the module comment). Row numbers are the file's, 1-based. */
export interface CompletionReport {
  fileName: string;
  format: 'csv' | 'xlsx';
  committed: boolean;
  importId: number | null;
  province: { code: string; name: string };
  sheets: { name: string; headerRow: number | null; columns: Partial<Record<CompletionField, string>>; ignored: string[]; titleCourse: string | null }[];
  /** data rows read below the header rows: completions + refused + skipped */
  rows: number;
  skipped: { count: number; byReason: Partial<Record<SkipReason, number>>; rows: { sheet: string; row: number; why: string }[] };
  /** completions stored (a dry run: that would be stored) */
  completions: number;
  byCourse: { code: string; name: string; completions: number }[];
  matched: { phone: number; nameBirthCommune: number };
  unmatched: { count: number; rows: UnmatchedRow[] };
  /** rows refused (each with an error in `problems`); nothing of them is stored */
  refused: number;
  problems: Problem[];
  /** where the completions go: communes (code null: no commune resolved) → counts */
  shape: { communes: { code: string | null; name: string; completions: number; matched: number; unmatched: number }[] };
}

type Located = CompletionRow & { communeId: number | null; unitAnswer: UnitAnswer | null };

/**
 * Imports one completion list. Returns the report; with `commit` the completions, the log row and
 * an audit entry are written in one transaction. Errors: VALIDATION_FAILED (no province with the
 * scope ALL), OUT_OF_SCOPE (another province), IMPORT_FILE_TOO_LARGE (bytes, or more than 50,000
 * rows), IMPORT_FILE_UNREADABLE (not a spreadsheet), IMPORT_NO_VALID_ROWS (no header found: the
 * message lists the headers looked for; or a commit with nothing to store, `details` the report),
 * IMPORT_HAS_ERRORS (422: a certificate of the file committed by another import meanwhile; nothing written).
 */
export async function importCompletions(db: Db, file: { name: string; data: Buffer }, opts: CompletionImportOptions): Promise<CompletionReport> {
  const scope = opts.scope;
  const scopeProvince = scope.kind === 'all' ? null : scope.provinceCode;
  const provinceCode = opts.provinceCode ?? scopeProvince;
  if (!provinceCode) throw new AppError('VALIDATION_FAILED', 'Hãy chọn tỉnh của danh sách hoàn thành khóa học (mã tỉnh, ví dụ 14).', { path: 'province' });
  requireScope(scopeProvince === null || scopeProvince === provinceCode, `tỉnh mã ${provinceCode}`, { entity: 'unit', id: provinceCode, provinceCode });
  const resolver = await UnitResolver.forProvince(db, provinceCode);
  if (!resolver) throw new AppError('UNIT_NOT_FOUND', `Không có tỉnh mã ${provinceCode}.`);

  const read = await readSpreadsheet(file.data, file.name, opts.maxBytes ?? DEFAULT_MAX_BYTES, MAX_COMPLETION_ROWS);
  const courses = await queryRows<{ code: string; name: string; aliases: string[] }>(db, sql`select code, name, aliases from national_courses order by sort_order, code`);
  const matcher = new CourseMatcher(courses);
  const courseName = new Map(courses.map((c) => [c.code, c.name]));
  const today = todayInVietnam();
  const report: CompletionReport = {
    fileName: file.name,
    format: read.format,
    committed: false,
    importId: null,
    province: { code: provinceCode, name: resolver.province.name },
    sheets: [],
    rows: 0,
    skipped: { count: 0, byReason: {}, rows: [] },
    completions: 0,
    byCourse: [],
    matched: { phone: 0, nameBirthCommune: 0 },
    unmatched: { count: 0, rows: [] },
    refused: 0,
    problems: [],
    shape: { communes: [] },
  };

  // read every sheet that has a header
  const rows: CompletionRow[] = [];
  for (const sheet of read.sheets) {
    const header = findCompletionHeader(sheet);
    if (!header) {
      report.sheets.push({ name: sheet.name, headerRow: null, columns: {}, ignored: [], titleCourse: null });
      continue;
    }
    // a list of one course may name it only in its title ("DANH SÁCH … KHÓA HỌC BÌNH DÂN HỌC VỤ SỐ") or sheet name
    const titles = [sheet.name, ...Array.from({ length: header.index }, (_, i) => distinctCells(sheet, i).join(' '))];
    const titleCourse = titles.map((t) => matcher.courseInText(t)).find(Boolean) ?? null;
    report.sheets.push({
      name: sheet.name,
      headerRow: sheet.rowNumbers[header.index],
      columns: Object.fromEntries((Object.entries(header.columns) as [CompletionField, number][]).map(([f, c]) => [f, sheet.rows[header.index][c]])),
      ignored: header.ignored,
      titleCourse,
    });
    const got = readCompletionRows(sheet, header, { matcher, defaultCourse: titleCourse, today });
    report.rows += got.read;
    if (report.rows > MAX_COMPLETION_ROWS) throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${file.name}" có hơn ${MAX_COMPLETION_ROWS.toLocaleString('vi-VN')} dòng dữ liệu, vượt giới hạn mỗi lần nhập. Hãy tách danh sách theo xã hoặc theo khóa học rồi nhập từng tệp; chưa ghi gì.`);
    report.refused += got.refused;
    report.problems.push(...got.problems);
    for (const s of got.skipped) {
      report.skipped.byReason[s.why] = (report.skipped.byReason[s.why] ?? 0) + 1;
      report.skipped.rows.push({ sheet: s.sheet, row: s.row, why: SKIP_LABELS[s.why] });
    }
    rows.push(...got.rows);
  }
  report.skipped.count = report.skipped.rows.length;
  for (const name of read.hiddenSheets) report.problems.push({ sheet: name, row: 0, column: '', severity: 'warning', message: `Trang tính "${name}" đang ẩn nên không được đọc`, suggestion: 'Nếu trang đó có danh sách cần nhập, hãy bỏ ẩn trang (Unhide) rồi tải lên lại' });
  if (!report.sheets.some((s) => s.headerRow !== null)) {
    throw new AppError('IMPORT_NO_VALID_ROWS', `Không tìm thấy hàng tiêu đề của danh sách trong 30 dòng đầu của tệp "${file.name}" (cần cột họ và tên và ít nhất hai cột khác). Các tiêu đề được nhận ra: ${HEADERS_LOOKED_FOR}. Hãy thêm hoặc sửa hàng tiêu đề rồi tải lên lại; chưa ghi gì.`, { fileName: file.name, headersLookedFor: HEADERS_LOOKED_FOR });
  }

  const refuse = (r: CompletionRow, field: CompletionField | null, message: string, suggestion: string) => {
    report.problems.push({ sheet: r.sheet, row: r.row, column: field ? (report.sheets.find((s) => s.name === r.sheet)?.columns[field] ?? COMPLETION_FIELD_LABELS[field]) : '', severity: 'error', message, suggestion });
    report.refused++;
  };
  // one certificate number per course in the file: the first row keeps it
  const firstOf = new Map<string, CompletionRow>();
  const unique: CompletionRow[] = [];
  for (const r of rows) {
    const key = r.certificateNo && `${r.courseCode}|${r.certificateNo}`;
    const first = key ? firstOf.get(key) : undefined;
    if (first) refuse(r, 'certificate', `Số chứng chỉ "${r.certificateNo}" của khóa ${courseName.get(r.courseCode)} trùng với dòng ${first.row}${first.sheet !== r.sheet ? ` (trang "${first.sheet}")` : ''} của tệp này (${first.fullName})`, 'Mỗi chứng chỉ chỉ ghi một lần: xoá dòng thừa, hoặc sửa số chứng chỉ cho đúng');
    else {
      if (key) firstOf.set(key, r);
      unique.push(r);
    }
  }

  // the commune of each row: its unit resolved (each distinct text once); a commune officer's list is of their commune
  const answers = new Map<string, UnitAnswer>();
  const located: Located[] = [];
  for (const r of unique) {
    let answer: UnitAnswer | null = null;
    if (r.unitText) {
      answer = answers.get(r.unitText) ?? communeOfUnitText(resolver, r.unitText);
      answers.set(r.unitText, answer);
    }
    if (answer?.ok && scope.kind !== 'all' && scope.kind !== 'province' && answer.unit.id !== scope.communeId) {
      refuse(r, 'unit', `Đơn vị "${r.unitText}" là ${answer.unit.name}, ngoài phạm vi được giao cho bạn; dòng này không được ghi`, `Để cán bộ của ${answer.unit.name} hoặc cán bộ tỉnh nhập dòng này`);
      continue;
    }
    const communeId = answer?.ok ? answer.unit.id : scope.kind === 'commune' || scope.kind === 'village' || scope.kind === 'team' ? scope.communeId : null;
    located.push({ ...r, communeId, unitAnswer: answer });
  }

  const work = async (tx: Db): Promise<CompletionReport> => {
    // certificates imported before: refused, naming where (an import of another unit is not named)
    const earlier = await earlierCertificates(tx, located.filter((r) => r.certificateNo).map((r) => ({ courseCode: r.courseCode, certificateNo: r.certificateNo! })));
    const seen = new Map(earlier.map((e) => [`${e.courseCode}|${e.certificateNo}`, e]));
    const visible = (e: (typeof earlier)[number]) => scope.kind === 'all' || (e.provinceCode === provinceCode && (scope.kind === 'province' || e.communeId === scope.communeId));
    const fresh = located.filter((r) => {
      const e = r.certificateNo ? seen.get(`${r.courseCode}|${r.certificateNo}`) : undefined;
      if (!e) return true;
      const where = visible(e) ? `ở dòng ${e.sourceRow} (trang "${e.sourceSheet}") của tệp "${e.fileName}", nhập ngày ${formatDateVi(todayInVietnam(new Date(e.importedAt)))}` : 'trước đây cho một đơn vị khác';
      refuse(r, 'certificate', `Số chứng chỉ "${r.certificateNo}" của khóa ${courseName.get(r.courseCode)} đã được nhập ${where}`, 'Chứng chỉ này đã được tính; xoá dòng này khỏi tệp, hoặc sửa số chứng chỉ nếu ghi nhầm');
      return false;
    });

    // members: by phone, else by name + birth year + commune; exactly one, within the scope
    const holders = await phoneHolders(tx, [...new Set(fresh.map((r) => r.phone).filter((p): p is string => !!p))], scope);
    const byPhone = new Map<string, typeof holders>();
    for (const h of holders) byPhone.set(h.phone, [...(byPhone.get(h.phone) ?? []), h]);
    const probes = fresh.filter((r) => r.birthYear !== null && r.communeId !== null).map((r) => ({ ...nameProbe(r.fullName), birthYear: r.birthYear!, communeId: r.communeId! }));
    const byName = new Map<string, number[]>();
    for (const h of await nameHolders(tx, probes, scope)) {
      const k = `${h.plain}|${h.key}|${h.birthYear}|${h.communeId}`;
      byName.set(k, [...(byName.get(k) ?? []), h.memberId]);
    }
    const inserts: CompletionInsert[] = [];
    const shape = new Map<number | null, { completions: number; matched: number; unmatched: number }>();
    const perCourse = new Map<string, number>();
    for (const r of fresh) {
      let memberId: number | null = null;
      let kind: CompletionInsert['matchKind'] = null;
      let communeId = r.communeId;
      const why: string[] = [];
      if (!r.phone) why.push('không có số điện thoại hợp lệ');
      else {
        const all = byPhone.get(r.phone) ?? [];
        const same = all.filter((h) => sameGivenName(h.fullName, r.fullName));
        if (same.length === 1) {
          memberId = same[0].memberId;
          kind = 'phone';
          if (communeId === null && same[0].communeIds.length === 1) communeId = same[0].communeIds[0];
        } else if (all.length === 0) why.push('số điện thoại không phải của thành viên nào trong phạm vi của bạn');
        else if (same.length === 0) why.push('số điện thoại là của một thành viên khác tên');
        else why.push(`số điện thoại là của ${same.length} thành viên cùng tên`);
      }
      if (memberId === null) {
        if (r.birthYear === null) why.push('không có năm sinh để đối chiếu theo tên');
        else if (communeId === null) why.push(r.unitAnswer && !r.unitAnswer.ok ? r.unitAnswer.reason : 'không ghi đơn vị (xã, phường) để đối chiếu theo tên');
        else {
          const p = nameProbe(r.fullName);
          const found = byName.get(`${p.plain}|${p.key}|${r.birthYear}|${communeId}`) ?? [];
          const commune = resolver.unit(communeId)?.name ?? 'xã này';
          if (found.length === 1) {
            memberId = found[0];
            kind = 'name_birth_commune';
          } else if (found.length === 0) why.push(`không có thành viên "${r.fullName}" sinh năm ${r.birthYear} ở ${commune}`);
          else why.push(`có ${found.length} thành viên cùng họ tên "${r.fullName}", sinh năm ${r.birthYear} ở ${commune}`);
        }
      }
      if (kind === 'phone') report.matched.phone++;
      else if (kind) report.matched.nameBirthCommune++;
      else {
        const reason = why.join('; ');
        report.unmatched.rows.push({ sheet: r.sheet, row: r.row, fullName: r.fullName, unit: r.unitText, commune: communeId === null ? null : (resolver.unit(communeId)?.name ?? null), course: courseName.get(r.courseCode)!, reason: reason.charAt(0).toUpperCase() + reason.slice(1) });
      }
      const s = shape.get(communeId) ?? { completions: 0, matched: 0, unmatched: 0 };
      s.completions++;
      if (kind) s.matched++;
      else s.unmatched++;
      shape.set(communeId, s);
      perCourse.set(r.courseCode, (perCourse.get(r.courseCode) ?? 0) + 1);
      inserts.push({ communeId, courseCode: r.courseCode, fullName: r.fullName, nameKey: r.nameKey, phone: r.phone, birthYear: r.birthYear, unitText: r.unitText, completedOn: r.completedOn, certificateNo: r.certificateNo, memberId, matchKind: kind, sourceSheet: r.sheet, sourceRow: r.row });
    }
    report.completions = inserts.length;
    report.unmatched.count = report.unmatched.rows.length;
    report.byCourse = courses.filter((c) => perCourse.has(c.code)).map((c) => ({ code: c.code, name: c.name, completions: perCourse.get(c.code)! }));
    report.shape.communes = [...shape]
      .map(([id, s]) => ({ code: id === null ? null : (resolver.unit(id)?.code ?? null), name: id === null ? 'Chưa xác định xã, phường' : (resolver.unit(id)?.name ?? String(id)), ...s }))
      .sort((a, b) => Number(a.code === null) - Number(b.code === null) || compareVietnamese(a.name, b.name));
    const order = new Map(report.sheets.map((s, i) => [s.name, i]));
    report.problems.sort((a, b) => (order.get(a.sheet) ?? 0) - (order.get(b.sheet) ?? 0) || a.row - b.row);
    report.unmatched.rows.sort((a, b) => (order.get(a.sheet) ?? 0) - (order.get(b.sheet) ?? 0) || a.row - b.row);
    if (!opts.commit) return report;
    if (inserts.length === 0) throw new AppError('IMPORT_NO_VALID_ROWS', `Tệp "${file.name}" không có dòng hoàn thành khóa học nào ghi được (${report.refused} dòng bị từ chối); chưa ghi gì.`, report);
    const matched = report.matched.phone + report.matched.nameBirthCommune;
    const at = now();
    report.importId = await writeCompletions(tx, { provinceCode, fileName: file.name, rows: report.rows, matched, unmatched: report.unmatched.count, userId: opts.actor?.userId ?? null, at }, inserts);
    await recordAudit(tx, {
      userId: opts.actor?.userId ?? null,
      ip: opts.actor?.ip ?? null,
      action: 'course_completions.imported',
      entity: 'course_imports',
      entityId: report.importId,
      provinceCode,
      communeId: scope.kind === 'commune' ? scope.communeId : null,
      after: { fileName: file.name, rows: report.rows, completions: inserts.length, matched, unmatched: report.unmatched.count, refused: report.refused },
    });
    report.committed = true;
    return report;
  };
  if (!opts.commit) return work(db);
  try {
    return await db.transaction((tx) => work(tx as unknown as Db));
  } catch (err) {
    // the same certificate committed by another import since this one read them
    if (sqlState(err) === '23505') {
      throw new AppError('IMPORT_HAS_ERRORS', `Một số chứng chỉ trong tệp "${file.name}" vừa được nhập bởi một lần nhập khác cùng lúc; chưa ghi gì. Hãy chạy thử lại để xem các dòng trùng.`);
    }
    throw err;
  }
}
