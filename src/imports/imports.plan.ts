import { requireScope, type Scope, unitInScope } from '../access/access.policy.js';
import { insertVillages, type UnitRow, villagesOfCommunes } from '../catalogue/catalogue.repo.js';
import type { adminUnits } from '../catalogue/catalogue.schema.js';
import { UnitResolver } from '../catalogue/catalogue.service.js';
import { chunks } from '../db/batch.js';
import type { Db } from '../db/client.js';
import { maskPhone } from '../privacy/protector.js';
import * as registry from '../registry/registry.repo.js';
import type { teamMembers, teams as teamsTable } from '../registry/registry.schema.js';
import { AFFILIATIONS, GENDERS, ROLES, villageKind } from '../registry/registry.vocabulary.js';
import { formatPhone } from '../text/phone.js';
import { cleanText, nameKey, searchKey } from '../text/vietnamese.js';
import { FIELDS, type Field } from './imports.columns.js';
import type { FileReport, RowOutcome, UnitQuestion } from './imports.service.js';
import type { RosterRow } from './imports.validate.js';

/**
 * Planning and writing an import's valid rows against the registry, inside the file's transaction,
 * within the importer's scope: units are resolved and checked against it, villages and teams
 * created only under communes in it, and people matched only among those all of whose teams lie in
 * it (registry.repo takes the scope in every read and write). A phone held by someone of another
 * unit is a row problem that names neither the person nor the unit; such conflicts are returned for
 * the audit log of both communes.
 */

/** Whether rows may be written to the current commune `unit`: in scope, or the commune of a village-scoped account. */
export function inScope(scope: Scope, unit: UnitRow): boolean {
  return unitInScope(scope, unit) || (scope.kind === 'village' && unit.id === scope.communeId);
}

/** The changes of a report row as the audit log keeps them (phone numbers masked), set where the row is planned. */
export const auditedChanges = new WeakMap<RowOutcome, string[]>();

/** A row refused because its phone (or person) belongs to someone outside the importer's scope. */
export interface ScopeConflict {
  sheet: string;
  row: number;
  /** E.164 of the phone in question */
  phone: string | null;
  /** the importer's commune the row was meant for */
  communeId: number;
  provinceCode: string;
  /** where the other person's teams are (never shown to the importer) */
  elsewhere: { communeIds: number[]; provinceCodes: string[] };
}

/** The message of a conflict with a person outside the importer's scope: says so, names nobody. */
export const PHONE_ELSEWHERE = 'Số điện thoại này đã đăng ký cho một người ở đơn vị khác; liên hệ cán bộ tỉnh để chuyển';
export const PERSON_SHARED = 'Người này còn là thành viên tổ của đơn vị khác nên không sửa được họ tên, giới tính, năm sinh hay số điện thoại từ đây';

interface PlannedRow extends RosterRow {
  commune: string;
  communeUnit: UnitRow;
  teamKey: string;
}

/**
 * Resolves units, creates missing villages and teams, matches members and writes them (inside `tx`),
 * all within `scope`. Returns the rows refused because of someone outside the scope.
 */
export async function planAndWrite(tx: Db, rows: RosterRow[], report: FileReport, scope: Scope, choices: Map<string, string>): Promise<ScopeConflict[]> {
  const conflicts: ScopeConflict[] = [];
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
  // names that did not resolve, asked back as "which unit did you mean", by name key
  const questions = new Map<string, UnitQuestion>();
  const ask = (r: RosterRow, res: Extract<ReturnType<UnitResolver['resolveCommune']>, { ok: false }>, resolver: UnitResolver, chosen?: string) => {
    const qKey = nameKeyOf(r.commune!);
    let q = questions.get(qKey);
    if (!q) {
      const candidates = new Map<string, UnitQuestion['candidates'][number]>();
      for (const s of res.suggestions) {
        for (const u of resolver.currentUnitsOf(s)) {
          if (!u.code || candidates.has(u.code) || !inScope(scope, u)) continue;
          candidates.set(u.code, { code: u.code, name: u.name, ...(s.status === 'dissolved' ? { note: `từ ${s.name}${s.district ? ` (${s.district}, cũ)` : ' (cũ)'}` } : {}) });
        }
      }
      q = { name: cleanText(r.commune!), province: resolver.province.name, reason: res.reason === 'ambiguous' ? 'ambiguous' : 'not_found', message: res.message, rowCount: 0, rows: [], candidates: [...candidates.values()], ...(chosen ? { chosen } : {}) };
      questions.set(qKey, q);
    }
    q.rowCount++;
    if (q.rows.length < 20) q.rows.push({ sheet: r.sheet, row: r.row });
  };
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
    let unit: UnitRow;
    if (!res.ok) {
      // the officer may have answered "which unit did you mean" for this name
      const chosen = res.reason !== 'province_not_found' ? choices.get(nameKeyOf(r.commune!)) : undefined;
      if (res.reason !== 'province_not_found') ask(r, res, resolver, chosen);
      const chosenUnit = chosen ? resolver.currentCommune(chosen) : undefined;
      if (chosen && !chosenUnit) {
        invalid(r, 'commune', `Đơn vị chọn cho "${cleanText(r.commune!)}" (mã ${chosen}) không thuộc ${resolver.province.name}`, 'Chọn lại trong danh sách gợi ý, hoặc sửa tên tỉnh của dòng này');
        continue;
      }
      if (!chosenUnit) {
        const hint = res.suggestions.map((s) => `${s.name}${s.district ? ` (${s.district}, cũ)` : ''}${s.code ? ` [${s.code}]` : ''}`).join('; ');
        invalid(r, 'commune', res.message, hint ? `Có phải: ${hint}?` : 'Kiểm tra lại tên xã/phường và tỉnh');
        continue;
      }
      unit = chosenUnit;
    } else unit = res.unit;
    if (!inScope(scope, unit)) {
      invalid(r, 'commune', `${unit.name} nằm ngoài phạm vi tài khoản của bạn`, 'Chỉ nhập danh sách của đơn vị bạn phụ trách');
      continue;
    }
    planned.push({ ...r, commune: r.commune!, communeUnit: unit, teamKey: '' });
  }

  report.unitQuestions = [...questions.values()].filter((q) => q.candidates.length > 0 || q.chosen);

  // 2. villages (created under their commune when new) and teams
  const villageIds = new Map<string, UnitRow>();
  // existing villages from one query, the missing ones created with one statement
  const communeIds = [...new Set(planned.filter((r) => r.village).map((r) => r.communeUnit.id))];
  const existingVillages = await villagesOfCommunes(tx, communeIds, scope);
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
    const rows = await insertVillages(tx, keys.map((k) => missing.get(k)!), scope);
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
  for (const t of await registry.teamsOfUnits(tx, unitIds, scope)) teams.set(`${t.unitId}|${t.nameKey}`, t);
  const newTeams = new Map<string, typeof teamsTable.$inferInsert>();
  for (const r of planned) {
    const unit = unitOf(r);
    const name = teamName(r);
    r.teamKey = `${unit.id}|${nameKeyOf(name)}`;
    if (!teams.has(r.teamKey) && !newTeams.has(r.teamKey)) {
      newTeams.set(r.teamKey, { level: unit.level === 'village' ? 'village' : 'commune', unitId: unit.id, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, name, nameKey: nameKeyOf(name), searchKey: searchKeyOf(name) });
    }
  }
  for (const t of await registry.insertTeams(tx, [...newTeams.values()], scope)) {
    teams.set(`${t.unitId}|${t.nameKey}`, t);
    report.created.teams.push(t.name);
  }

  // 3. members: by phone, else by name + birth year within the team, else new
  const phones = [...new Set(planned.map((r) => r.phone).filter((p): p is string => !!p))];
  // only people all of whose teams lie in the scope are matched (and may change); a phone held
  // outside it is known only as "elsewhere"
  const byPhone = new Map<string, registry.MemberRow>();
  const phoneElsewhere = new Map<string, { communeIds: number[]; provinceCodes: string[] }>();
  // people on an in-scope team who are also on a team outside the scope
  const shared = new Set<number>();
  for (const o of await registry.phoneOwners(tx, phones, scope)) {
    if (o.member) {
      if (!byPhone.has(o.phone)) byPhone.set(o.phone, o.member);
      if (o.shared) shared.add(o.member.id);
    } else if (!phoneElsewhere.has(o.phone)) phoneElsewhere.set(o.phone, o.elsewhere!);
  }
  const existingTeamIds = [...teams.values()].map((t) => t.id);
  const memberships = new Map<string, Pick<registry.TeamMemberRow, 'role' | 'affiliations' | 'position'>>();
  const byTeamName = new Map<string, registry.MemberRow>();
  for (const { member, membership, shared: isShared } of await registry.membershipsOfTeams(tx, existingTeamIds, scope)) {
    memberships.set(`${membership.teamId}|${member.id}`, membership);
    byTeamName.set(`${membership.teamId}|${member.nameKey}|${member.birthYear ?? ''}`, member);
    if (isShared) shared.add(member.id);
  }
  for (const m of await registry.membershipsOfMembers(tx, [...byPhone.values()].map((m) => m.id), scope)) memberships.set(`${m.teamId}|${m.memberId}`, m);

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
    const elsewhere = r.phone ? phoneElsewhere.get(r.phone) : undefined;
    if (elsewhere) {
      invalid(r, 'phone', PHONE_ELSEWHERE, 'Kiểm tra lại số; nếu đúng là người này đã chuyển về đơn vị bạn, cán bộ tỉnh sẽ chuyển họ sang tổ của bạn');
      conflicts.push({ sheet: r.sheet, row: r.row, phone: r.phone, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, elsewhere });
      continue;
    }
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
      if (existing && shared.has(existing.id) && personChanges(r, existing, nameKeyOf, searchKeyOf).shown.length) {
        invalid(r, 'fullName', PERSON_SHARED, 'Ghi họ tên, giới tính, năm sinh và số điện thoại như trong sổ; nhờ cán bộ tỉnh sửa nếu cần');
        conflicts.push({ sheet: r.sheet, row: r.row, phone: r.phone, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, elsewhere: { communeIds: [], provinceCodes: [] } });
        continue;
      }
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
  // what changed per person, as the officer sees it and as the audit log keeps it (phones masked)
  const memberChanges = new Map<number, { shown: string[]; audited: string[] }>();
  for (const p of people) {
    if (!p.existing) continue;
    p.id = p.existing.id;
    const { patch, shown: changes, audited } = personChanges(p.row, p.existing, nameKeyOf, searchKeyOf);
    if (changes.length) {
      await registry.updateMember(tx, p.existing.id, patch, scope);
      memberChanges.set(p.existing.id, { shown: changes, audited });
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
    const personChange = reported.has(memberId) ? undefined : memberChanges.get(memberId);
    const personChanges = personChange?.shown ?? [];
    reported.add(memberId);
    if (!current) {
      upserts.push({ teamId, memberId, role: r.role, affiliations: r.affiliations, position: r.position });
      const row: RowOutcome = { ...base, outcome: 'new', ...(personChanges.length ? { changes: personChanges } : {}) };
      if (personChange) auditedChanges.set(row, personChange.audited);
      report.rows.push(row);
      continue;
    }
    const changes: string[] = [];
    if (current.role !== r.role) changes.push(`vai trò: ${ROLES[current.role]} → ${ROLES[r.role]}`);
    if (current.affiliations.join(',') !== r.affiliations.join(',')) changes.push(`đoàn thể: ${affiliationLabels(current.affiliations)} → ${affiliationLabels(r.affiliations)}`);
    if ((current.position ?? null) !== (r.position ?? null)) changes.push(`chức vụ: ${current.position ?? '—'} → ${r.position ?? '—'}`);
    if (changes.length) upserts.push({ teamId, memberId, role: r.role, affiliations: r.affiliations, position: r.position });
    const all = [...personChanges, ...changes];
    const row: RowOutcome = { ...base, outcome: all.length ? 'updated' : 'unchanged', ...(all.length ? { changes: all } : {}) };
    if (all.length) auditedChanges.set(row, [...(personChange?.audited ?? []), ...changes]);
    report.rows.push(row);
  }
  for (const chunk of chunks(upserts, 20000)) await registry.upsertMembershipsBulk(tx, chunk, scope);
  return conflicts;
}

/**
 * What a roster row changes of an existing person's own fields: the patch to write, the changes as
 * the officer sees them, and as the audit log keeps them (phones masked). Empty cells change nothing.
 */
function personChanges(r: RosterRow, existing: registry.MemberRow, nameKeyOf: (t: string) => string, searchKeyOf: (t: string) => string) {
  const patch: Record<string, unknown> = {};
  const shown: string[] = [];
  const audited: string[] = [];
  const change = (text: string, forAudit = text) => (shown.push(text), audited.push(forAudit));
  if (r.fullName !== existing.fullName) (patch.fullName = r.fullName), (patch.nameKey = nameKeyOf(r.fullName)), (patch.searchKey = searchKeyOf(r.fullName)), change(`họ tên: ${existing.fullName} → ${r.fullName}`);
  if (r.gender && r.gender !== existing.gender) (patch.gender = r.gender), change(`giới tính: ${existing.gender ? GENDERS[existing.gender] : '—'} → ${GENDERS[r.gender]}`);
  if (r.birthYear && r.birthYear !== existing.birthYear) (patch.birthYear = r.birthYear), change(`năm sinh: ${existing.birthYear ?? '—'} → ${r.birthYear}`);
  if (r.phone && r.phone !== existing.phone) (patch.phone = r.phone), change(`điện thoại: ${existing.phone ? formatPhone(existing.phone) : '—'} → ${formatPhone(r.phone)}`, `điện thoại: ${existing.phone ? maskPhone(existing.phone) : '—'} → ${maskPhone(r.phone)}`);
  return { patch, shown, audited };
}

function affiliationLabels(codes: string[]): string {
  return codes.map((c) => AFFILIATIONS[c as keyof typeof AFFILIATIONS] ?? c).join(', ') || '—';
}
