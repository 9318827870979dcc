import { createHash } from 'node:crypto';
import { type Scope, unitInScope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import { insertVillages, type UnitRow, villagesOfCommunes } from '../catalogue/catalogue.repo.js';
import type { adminUnits } from '../catalogue/catalogue.schema.js';
import { lookupProvince, UnitResolver } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/client.js';
import { maskPhone } from '../privacy/protector.js';
import { chunks } from '../db/batch.js';
import { AppError } from '../http/errors.js';
import * as registry from '../registry/registry.repo.js';
import type { teamMembers, teams as teamsTable } from '../registry/registry.schema.js';
import { AFFILIATIONS, GENDERS, ROLES, villageKind } from '../registry/registry.vocabulary.js';
import { formatPhone } from '../text/phone.js';
import { cleanText, nameKey, searchKey } from '../text/vietnamese.js';
import { FIELDS, findHeader, type Field, groupRowVillage, isSignatureRow, isTotalsRow, tableContext } from './imports.columns.js';
import { readSpreadsheet } from './imports.reader.js';
import { importLog } from './imports.schema.js';
import { type Problem, RowParsers, type RosterRow, validateRow } from './imports.validate.js';

/**
 * Roster import: read (imports.reader) → map columns (imports.columns) → validate rows
 * (imports.validate) → plan against the registry (here) → write, all in one transaction per file.
 * A dry run plans inside a transaction that is rolled back, so it reports exactly what a commit
 * would do and writes nothing.
 */
export interface ImportOptions {
  /** province code or name for files without a "Tỉnh" column */
  province?: string | null;
  /** commune name for files without a "Xã/phường" column */
  commune?: string | null;
  commit: boolean;
  maxBytes: number;
  /** most data rows accepted in one file (the web upload caps it; the CLI does not) */
  maxRows?: number;
  /** rows whose commune lies outside this scope are refused (default: everything, for the CLI) */
  scope?: Scope;
  /** who imports, for the audit log (null = the CLI, run by the server's operator) */
  actor?: AuditActor | null;
}

export type Outcome = 'new' | 'updated' | 'unchanged' | 'invalid';

export interface RowOutcome {
  sheet: string;
  row: number;
  outcome: Outcome;
  fullName: string;
  team?: string;
  unit?: string;
  changes?: string[];
  /** where the row landed (for the audit log; not part of the API answer) */
  communeId?: number;
  provinceCode?: string;
}

export interface FileReport {
  fileName: string;
  fileHash: string;
  format: 'csv' | 'xlsx';
  committed: boolean;
  importId: number | null;
  sheets: { name: string; headerRow: number | null; mapping: Partial<Record<Field, string>>; ignored: string[] }[];
  counts: Record<Outcome, number>;
  created: { villages: string[]; teams: string[] };
  rows: RowOutcome[];
  problems: Problem[];
}

/** Committed imports that add at least this many memberships refresh the planner statistics. */
const ANALYZE_AFTER_ROWS = 1000;

/** Rolled back on purpose to end a dry run. */
class DryRunRollback extends Error {}

/**
 * Imports one roster file. Returns the report; with `commit` the registry is changed in one
 * transaction. Errors: IMPORT_FILE_TOO_LARGE, IMPORT_FILE_UNREADABLE (not a spreadsheet, broken,
 * password-protected), IMPORT_NO_VALID_ROWS on commit when no row is valid (nothing written;
 * `details` is the report).
 */
export async function importRoster(db: Db, file: { name: string; data: Buffer }, opts: ImportOptions): Promise<FileReport> {
  const read = await readSpreadsheet(file.data, file.name, opts.maxBytes, opts.maxRows);
  const report: FileReport = {
    fileName: file.name,
    fileHash: createHash('sha256').update(file.data).digest('hex'),
    format: read.format,
    committed: false,
    importId: null,
    sheets: [],
    counts: { new: 0, updated: 0, unchanged: 0, invalid: 0 },
    created: { villages: [], teams: [] },
    rows: [],
    problems: [],
  };
  const totalRows = read.sheets.reduce((n, sh) => n + sh.rows.length, 0);
  if (opts.maxRows && totalRows > opts.maxRows) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', `Tệp "${file.name}" có ${totalRows.toLocaleString('vi-VN')} dòng, vượt giới hạn ${opts.maxRows.toLocaleString('vi-VN')} dòng mỗi tệp. Hãy tách tệp theo xã hoặc theo thôn.`);
  }
  const valid: RosterRow[] = [];
  const parsers = new RowParsers();
  for (const name of read.hiddenSheets) {
    report.problems.push({ sheet: name, row: 0, column: '', severity: 'warning', message: `Trang tính "${name}" đang ẩn nên không được nhập`, suggestion: 'Nếu cần nhập, hãy bỏ ẩn trang tính (Unhide) rồi tải lên lại' });
  }
  for (const sheet of read.sheets) {
    const mapping = findHeader(sheet);
    if (!mapping) {
      if (sheet.rows.length > 0) {
        report.problems.push({ sheet: sheet.name, row: 0, column: '', severity: 'error', message: 'Không tìm thấy hàng tiêu đề có cột "Họ và tên" trong 30 dòng đầu', suggestion: `Thêm hàng tiêu đề với các cột: ${Object.entries(FIELDS).filter(([f]) => !f.startsWith('birthYear') || f === 'birthYear').map(([, label]) => label).join(', ')}` });
      }
      report.sheets.push({ name: sheet.name, headerRow: null, mapping: {}, ignored: [] });
      continue;
    }
    const headers = sheet.rows[mapping.headerIndex].map((h, c) => {
      const sub = mapping.headerRows === 2 ? cleanText(sheet.rows[mapping.headerIndex + 1][c] ?? '') : '';
      return cleanText(h) + (sub && sub !== cleanText(h) ? ` (${sub})` : '');
    });
    report.sheets.push({
      name: sheet.name,
      headerRow: sheet.rowNumbers[mapping.headerIndex],
      mapping: Object.fromEntries(Object.entries(mapping.columns).map(([f, c]) => [f, headers[c!]])),
      ignored: mapping.ignored,
    });
    // a group-header row ("II. Tổ CNSCĐ bản Hụm") gives the village of the rows below it
    const context = tableContext(sheet, mapping.headerIndex);
    let groupVillage: string | null = context.village ?? null;
    for (let i = mapping.headerIndex + mapping.headerRows; i < sheet.rows.length; i++) {
      if (sheet.hiddenRows?.has(sheet.rowNumbers[i])) {
        report.problems.push({ sheet: sheet.name, row: sheet.rowNumbers[i], column: '', severity: 'warning', message: 'Dòng đang ẩn nên không được nhập', suggestion: 'Nếu cần nhập, hãy bỏ ẩn dòng (Unhide) rồi tải lên lại' });
        continue;
      }
      const group = groupRowVillage(sheet.rows[i]);
      if (group !== undefined) {
        groupVillage = group;
        continue;
      }
      if (isTotalsRow(sheet.rows[i][mapping.columns.fullName!] ?? '') || isSignatureRow(sheet.rows[i])) continue;
      const { row, problems, skipped } = validateRow(sheet, i, mapping, headers, { province: opts.province, commune: context.commune ?? opts.commune, village: groupVillage }, parsers);
      if (skipped) continue;
      report.problems.push(...problems);
      if (row) valid.push(row);
      else report.rows.push({ sheet: sheet.name, row: sheet.rowNumbers[i], outcome: 'invalid', fullName: cleanText(sheet.rows[i][mapping.columns.fullName!] ?? '') });
    }
  }

  if (read.sheets.some((sh) => sh.rows.length > 0) && valid.length === 0 && report.rows.length === 0 && !report.problems.some((p) => p.severity === 'error')) {
    report.problems.push({ sheet: read.sheets[0].name, row: 0, column: '', severity: 'error', message: 'Tệp có hàng tiêu đề nhưng không có dòng dữ liệu nào', suggestion: 'Điền danh sách thành viên dưới hàng tiêu đề rồi tải lên lại' });
  }
  if (read.sheets.every((sh) => sh.rows.length === 0)) {
    report.problems.push({ sheet: read.sheets[0]?.name ?? file.name, row: 0, column: '', severity: 'error', message: 'Tệp trống: không có dòng nào', suggestion: 'Hãy chọn đúng tệp danh sách' });
  }
  if (opts.province && !(await lookupProvince(db, opts.province))) {
    report.problems.push({ sheet: '', row: 0, column: FIELDS.province, severity: 'error', message: `Không có tỉnh/thành phố "${opts.province}" trong 34 tỉnh, thành phố hiện hành`, suggestion: 'Chọn tỉnh trong danh sách' });
  }
  try {
    await db.transaction(async (tx) => {
      await planAndWrite(tx, valid, report, opts.scope ?? { kind: 'all' });
      report.counts = countOutcomes(report.rows);
      const writable = report.counts.new + report.counts.updated + report.counts.unchanged;
      if (!opts.commit) throw new DryRunRollback();
      if (writable === 0) throw new AppError('IMPORT_NO_VALID_ROWS', `Tệp "${file.name}" không có dòng hợp lệ nào; không ghi gì. Sửa các lỗi được liệt kê rồi nhập lại.`, report);
      const landed = report.rows.filter((r) => r.communeId !== undefined);
      const [log] = await tx
        .insert(importLog)
        .values({
          fileName: file.name,
          fileHash: report.fileHash,
          format: report.format,
          rows: report.rows.length,
          counts: report.counts,
          userId: opts.actor?.userId ?? null,
          provinceCodes: [...new Set(landed.map((r) => r.provinceCode!))],
          communeIds: [...new Set(landed.map((r) => r.communeId!))],
        })
        .returning({ id: importLog.id });
      report.importId = log.id;
      report.committed = true;
      if (report.counts.new + report.counts.updated > 0) await registry.bumpRevision(tx);
      // one audit entry per commune touched: counts, and before → after of every updated member
      const byCommune = new Map<number, { provinceCode: string; rows: RowOutcome[] }>();
      for (const r of report.rows) {
        if (r.outcome === 'invalid' || r.outcome === 'unchanged' || r.communeId === undefined) continue;
        const entry = byCommune.get(r.communeId) ?? { provinceCode: r.provinceCode!, rows: [] };
        entry.rows.push(r);
        byCommune.set(r.communeId, entry);
      }
      for (const [communeId, { provinceCode, rows }] of byCommune) {
        await recordAudit(tx, {
          userId: opts.actor?.userId ?? null,
          ip: opts.actor?.ip ?? null,
          action: 'import.committed',
          entity: 'import',
          entityId: log.id,
          provinceCode,
          communeId,
          after: { file: file.name, sha256: report.fileHash, new: rows.filter((r) => r.outcome === 'new').length, updated: rows.filter((r) => r.outcome === 'updated').map((r) => ({ row: r.row, fullName: r.fullName, changes: r.changes?.map((c) => c.replace(/0\d{3} \d{3} \d{3}/g, (p) => maskPhone('+84' + p.replace(/\D/g, '').slice(1)))) })) },
        });
      }
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  // a large load changes the row counts the planner relies on; PGlite never re-analyses by itself
  if (report.committed && report.counts.new >= ANALYZE_AFTER_ROWS) await registry.analyzeRegistry(db);
  report.rows = report.rows
    .sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row)
    .map(({ communeId: _c, provinceCode: _p, ...row }) => row);
  report.problems.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row);
  return report;
}

function countOutcomes(rows: RowOutcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.outcome]++;
  return counts;
}

interface PlannedRow extends RosterRow {
  commune: string;
  communeUnit: UnitRow;
  teamKey: string;
}

/** Resolves units, creates missing villages and teams, matches members and writes them (inside `tx`). */
async function planAndWrite(tx: Db, rows: RosterRow[], report: FileReport, scope: Scope): Promise<void> {
  const invalid = (r: RosterRow, column: Field, message: string, suggestion?: string) => {
    report.problems.push({ sheet: r.sheet, row: r.row, column: FIELDS[column], severity: 'error', message, ...(suggestion ? { suggestion } : {}) });
    report.rows.push({ sheet: r.sheet, row: r.row, outcome: 'invalid', fullName: r.fullName });
  };

  // every key computed once per distinct text: commune, village and team names repeat on most rows
  const memo = (f: (text: string) => string) => {
    const cache = new Map<string, string>();
    return (text: string) => {
      let key = cache.get(text);
      if (key === undefined) cache.set(text, (key = f(text)));
      return key;
    };
  };
  const nameKeyOf = memo(nameKey);
  const searchKeyOf = memo(searchKey);

  // 1. units, each distinct name resolved once
  const resolvers = new Map<string, UnitResolver | null>();
  const resolved = new Map<string, ReturnType<UnitResolver['resolveCommune']>>();
  const planned: PlannedRow[] = [];
  for (const r of rows) {
    const pKey = searchKeyOf(r.province!);
    if (!resolvers.has(pKey)) resolvers.set(pKey, await UnitResolver.forProvince(tx, r.province!));
    const resolver = resolvers.get(pKey);
    if (!resolver) {
      invalid(r, 'province', `Không có tỉnh/thành phố "${r.province}" trong 34 tỉnh, thành phố hiện hành`, 'Ghi tên tỉnh hiện hành, ví dụ "Sơn La", hoặc mã tỉnh 2 chữ số');
      continue;
    }
    const uKey = `${pKey}|${nameKeyOf(r.commune!)}|${nameKeyOf(r.district ?? '')}`;
    if (!resolved.has(uKey)) resolved.set(uKey, resolver.resolveCommune(r.commune!, r.district));
    const res = resolved.get(uKey)!;
    if (!res.ok) {
      const hint = res.suggestions.map((s) => `${s.name}${s.district ? ` (${s.district}, cũ)` : ''}${s.code ? ` [${s.code}]` : ''}`).join('; ');
      invalid(r, 'commune', res.message, hint ? `Có phải: ${hint}?` : 'Kiểm tra lại tên xã/phường và tỉnh');
      continue;
    }
    if (!unitInScope(scope, res.unit) && !(scope.kind === 'village' && res.unit.id === scope.communeId)) {
      invalid(r, 'commune', `${res.unit.name} nằm ngoài phạm vi tài khoản của bạn`, 'Chỉ nhập danh sách của đơn vị bạn phụ trách');
      continue;
    }
    planned.push({ ...r, commune: r.commune!, communeUnit: res.unit, teamKey: '' });
  }

  // 2. villages (created under their commune when new) and teams
  const villageIds = new Map<string, UnitRow>();
  // existing villages from one query, the missing ones created with one statement
  const communeIds = [...new Set(planned.filter((r) => r.village).map((r) => r.communeUnit.id))];
  const existingVillages = await villagesOfCommunes(tx, communeIds);
  const villageCount = new Map<number, number>();
  for (const v of existingVillages) {
    villageIds.set(`${v.parentId}|${v.nameKey}`, v);
    villageCount.set(v.parentId!, (villageCount.get(v.parentId!) ?? 0) + 1);
  }
  const missing = new Map<string, typeof adminUnits.$inferInsert>();
  const missingCommune = new Map<string, UnitRow>();
  for (const r of planned) {
    if (!r.village) continue;
    const vKey = `${r.communeUnit.id}|${nameKeyOf(r.village)}`;
    if (villageIds.has(vKey) || missing.has(vKey)) continue;
    const name = cleanText(r.village);
    const n = (villageCount.get(r.communeUnit.id) ?? 0) + 1;
    villageCount.set(r.communeUnit.id, n);
    missing.set(vKey, { name, shortName: name, kind: villageKind(name), nameKey: nameKeyOf(name), searchKey: searchKeyOf(name), source: 'import', code: `${r.communeUnit.code}.${String(n).padStart(3, '0')}`, level: 'village', parentId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode, validFrom: null, validTo: null });
    missingCommune.set(vKey, r.communeUnit);
  }
  const missingKeys = [...missing.keys()];
  for (const keys of chunks(missingKeys, 2000)) {
    const rows = await insertVillages(tx, keys.map((k) => missing.get(k)!));
    rows.forEach((village, i) => {
      villageIds.set(keys[i], village);
      report.created.villages.push(`${village.name} (${missingCommune.get(keys[i])!.name})`);
    });
  }
  const unitOf = (r: PlannedRow) => (r.village ? villageIds.get(`${r.communeUnit.id}|${nameKeyOf(r.village)}`)! : r.communeUnit);
  const teamName = (r: PlannedRow) => {
    if (r.team) return r.team;
    const unit = unitOf(r);
    const unitName = unit.level === 'commune' ? unit.name.charAt(0).toLocaleLowerCase('vi') + unit.name.slice(1) : unit.name;
    return `Tổ công nghệ số cộng đồng ${unitName}`;
  };
  const unitIds = [...new Set(planned.map((r) => unitOf(r).id))];
  const teams = new Map<string, registry.TeamRow>();
  for (const t of await registry.teamsOfUnits(tx, unitIds)) teams.set(`${t.unitId}|${t.nameKey}`, t);
  const newTeams = new Map<string, typeof teamsTable.$inferInsert>();
  for (const r of planned) {
    const unit = unitOf(r);
    const name = teamName(r);
    r.teamKey = `${unit.id}|${nameKeyOf(name)}`;
    if (!teams.has(r.teamKey) && !newTeams.has(r.teamKey)) {
      newTeams.set(r.teamKey, { level: unit.level === 'village' ? 'village' : 'commune', unitId: unit.id, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, name, nameKey: nameKeyOf(name), searchKey: searchKeyOf(name) });
    }
  }
  for (const t of await registry.insertTeams(tx, [...newTeams.values()])) {
    teams.set(`${t.unitId}|${t.nameKey}`, t);
    report.created.teams.push(t.name);
  }

  // 3. members: by phone, else by name + birth year within the team, else new
  const phones = [...new Set(planned.map((r) => r.phone).filter((p): p is string => !!p))];
  const byPhone = new Map<string, registry.MemberRow>();
  for (const m of await registry.membersByPhones(tx, phones)) if (!byPhone.has(m.phone!)) byPhone.set(m.phone!, m);
  const existingTeamIds = [...teams.values()].map((t) => t.id);
  const memberships = new Map<string, registry.TeamMemberRow>();
  const byTeamName = new Map<string, registry.MemberRow>();
  for (const { member, membership } of await registry.membershipsOfTeams(tx, existingTeamIds)) {
    memberships.set(`${membership.teamId}|${member.id}`, membership);
    byTeamName.set(`${membership.teamId}|${member.nameKey}|${member.birthYear ?? ''}`, member);
  }
  for (const m of await registry.membershipsOfMembers(tx, [...byPhone.values()].map((m) => m.id))) memberships.set(`${m.teamId}|${m.memberId}`, m);

  type Person = { existing?: registry.MemberRow; row: PlannedRow; id?: number };
  const people: Person[] = [];
  // each new person's position, for duplicate detection without scanning the list per row
  const personIndex = new Map<Person, number>();
  const personByPhone = new Map<string, Person>();
  const personByTeamName = new Map<string, Person>();
  const seenInTeam = new Map<string, number>();
  const links: { person: Person; row: PlannedRow; teamId: number }[] = [];
  for (const r of planned) {
    const team = teams.get(r.teamKey)!;
    const nameYear = `${team.id}|${nameKeyOf(r.fullName)}|${r.birthYear ?? ''}`;
    // a phone number identifies a person only together with the name: the same number under
    // another name is a conflict for the officer to resolve, never a silent overwrite
    const phoneOwner = r.phone ? personByPhone.get(r.phone) ?? (byPhone.get(r.phone) ? { existing: byPhone.get(r.phone), row: r } : undefined) : undefined;
    const ownerName = phoneOwner ? phoneOwner.existing?.fullName ?? phoneOwner.row.fullName : null;
    if (phoneOwner && ownerName && nameKeyOf(ownerName) !== nameKeyOf(r.fullName)) {
      const where = phoneOwner.existing ? 'trong sổ' : `ở dòng ${phoneOwner.row.row} của tệp`;
      invalid(r, 'phone', `Số điện thoại ${formatPhone(r.phone!)} đã là của "${ownerName}" ${where}`, 'Kiểm tra lại số; nếu là cùng một người đã đổi tên, hãy sửa họ tên cho khớp');
      continue;
    }
    // same name and birth year in the same team is the same person: a new phone there is a phone change
    let person = (r.phone && personByPhone.get(r.phone)) || personByTeamName.get(nameYear);
    if (!person) {
      const existing = (r.phone && byPhone.get(r.phone)) || byTeamName.get(nameYear);
      person = { existing, row: r };
      personIndex.set(person, people.length);
      people.push(person);
    }
    if (r.phone) personByPhone.set(r.phone, person);
    personByTeamName.set(nameYear, person);
    const who = person.existing?.id ?? `new${personIndex.get(person)}`;
    const dupKey = `${team.id}|${who}`;
    if (seenInTeam.has(dupKey)) {
      invalid(r, 'fullName', `"${r.fullName}" đã có ở dòng ${seenInTeam.get(dupKey)} trong cùng tổ`, 'Xoá dòng trùng');
      continue;
    }
    seenInTeam.set(dupKey, r.row);
    links.push({ person, row: r, teamId: team.id });
  }

  // 4. write: new people, changed people, memberships
  const fresh = people.filter((p) => !p.existing);
  for (const chunk of chunks(fresh, 20000)) {
    const ids = await registry.insertMembersBulk(
      tx,
      chunk.map(({ row: r }) => ({ fullName: r.fullName, nameKey: nameKeyOf(r.fullName), searchKey: searchKeyOf(r.fullName), gender: r.gender, birthYear: r.birthYear, phone: r.phone })),
    );
    chunk.forEach((p, i) => (p.id = ids[i]));
  }
  const memberChanges = new Map<number, string[]>();
  for (const p of people) {
    if (!p.existing) continue;
    p.id = p.existing.id;
    const r = p.row;
    const patch: Record<string, unknown> = {};
    const changes: string[] = [];
    if (r.fullName !== p.existing.fullName) (patch.fullName = r.fullName), (patch.nameKey = nameKeyOf(r.fullName)), (patch.searchKey = searchKeyOf(r.fullName)), changes.push(`họ tên: ${p.existing.fullName} → ${r.fullName}`);
    if (r.gender && r.gender !== p.existing.gender) (patch.gender = r.gender), changes.push(`giới tính: ${p.existing.gender ? GENDERS[p.existing.gender] : '—'} → ${GENDERS[r.gender]}`);
    if (r.birthYear && r.birthYear !== p.existing.birthYear) (patch.birthYear = r.birthYear), changes.push(`năm sinh: ${p.existing.birthYear ?? '—'} → ${r.birthYear}`);
    if (r.phone && r.phone !== p.existing.phone) (patch.phone = r.phone), changes.push(`điện thoại: ${p.existing.phone ? formatPhone(p.existing.phone) : '—'} → ${formatPhone(r.phone)}`);
    if (changes.length) {
      await registry.updateMember(tx, p.existing.id, patch);
      memberChanges.set(p.existing.id, changes);
    }
  }
  const upserts: (typeof teamMembers.$inferInsert)[] = [];
  const teamById = new Map([...teams.values()].map((t) => [t.id, t]));
  const reported = new Set<number>();
  for (const { person, row: r, teamId } of links) {
    const memberId = person.id!;
    const current = memberships.get(`${teamId}|${memberId}`);
    const team = teamById.get(teamId)!;
    const base = { sheet: r.sheet, row: r.row, fullName: r.fullName, team: team.name, unit: r.communeUnit.name, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode! };
    const personChanges = reported.has(memberId) ? [] : memberChanges.get(memberId) ?? [];
    reported.add(memberId);
    if (!current) {
      upserts.push({ teamId, memberId, role: r.role, affiliations: r.affiliations, position: r.position });
      report.rows.push({ ...base, outcome: 'new', ...(personChanges.length ? { changes: personChanges } : {}) });
      continue;
    }
    const changes = [...personChanges];
    if (current.role !== r.role) changes.push(`vai trò: ${ROLES[current.role]} → ${ROLES[r.role]}`);
    if (current.affiliations.join(',') !== r.affiliations.join(',')) changes.push(`đoàn thể: ${affiliationLabels(current.affiliations)} → ${affiliationLabels(r.affiliations)}`);
    if ((current.position ?? null) !== (r.position ?? null)) changes.push(`chức vụ: ${current.position ?? '—'} → ${r.position ?? '—'}`);
    if (changes.length) upserts.push({ teamId, memberId, role: r.role, affiliations: r.affiliations, position: r.position });
    report.rows.push({ ...base, outcome: changes.length ? 'updated' : 'unchanged', ...(changes.length ? { changes } : {}) });
  }
  for (const chunk of chunks(upserts, 20000)) await registry.upsertMembershipsBulk(tx, chunk);
}

function affiliationLabels(codes: string[]): string {
  return codes.map((c) => AFFILIATIONS[c as keyof typeof AFFILIATIONS] ?? c).join(', ') || '—';
}
