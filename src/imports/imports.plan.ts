import { requireScope, type Scope, unitInScope } from '../access/access.policy.js';
import { insertVillages, type UnitRow, villagesOfCommunes } from '../catalogue/catalogue.repo.js';
import type { adminUnits } from '../catalogue/catalogue.schema.js';
import { canonicalVillage } from '../catalogue/village-name.js';
import { chunks } from '../db/batch.js';
import type { Db } from '../db/client.js';
import { maskPhone } from '../privacy/protector.js';
import * as registry from '../registry/registry.repo.js';
import type { teamMembers, teams as teamsTable } from '../registry/registry.schema.js';
import { AFFILIATIONS, GENDERS, ROLES, villageKind } from '../registry/registry.vocabulary.js';
import { formatPhone } from '../text/phone.js';
import { cleanText, compareVietnamese, nameKey, searchKey } from '../text/vietnamese.js';
import { FIELDS, type Field } from './imports.columns.js';
import type { FileReport, RowOutcome, ShapeSheet, ShapeTeam } from './imports.report.js';
import { type ResolvedRow, resolveRows } from './imports.units.js';
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

interface PlannedRow extends ResolvedRow {
  /** the village's key under its commune ("v<commune id>|<village key>") or "c<commune id>" for the commune itself */
  unitKey: string;
  /** the team's key: unitKey + team name key */
  teamKey: string;
}

/** A team the rows go to: existing (with its row) or to be created by the commit. */
interface PlannedTeam {
  key: string;
  name: string;
  level: 'commune' | 'village';
  village: string | null;
  commune: UnitRow;
  existing?: registry.TeamRow;
}

/**
 * Resolves units, matches members and decides every row before anything is written; then, on a
 * commit only, creates the villages and teams that accepted rows land on (a refused row creates
 * nothing), the new people, the changes and the memberships (inside `tx`), all within `scope`.
 * A dry run reads and writes nothing. Returns the rows refused because of someone outside the scope.
 */
/** A row refused while it was read (a bad year, no name…), with the place the file gave it: counted in the shape under its team. */
export type RefusedRow = Pick<RosterRow, 'sheet' | 'row' | 'fullName' | 'commune' | 'district' | 'village'>;

export async function planAndWrite(tx: Db, rows: RosterRow[], report: FileReport, scope: Scope, choices: Map<string, string>, commit: boolean, refusedEarly: RefusedRow[] = []): Promise<ScopeConflict[]> {
  const conflicts: ScopeConflict[] = [];
  const refusedInTeam = new Map<string, number>();
  const invalid = (r: RosterRow, column: Field, message: string, suggestion?: string) => {
    report.problems.push({ sheet: r.sheet, row: r.row, column: FIELDS[column], severity: 'error', message, ...(suggestion ? { suggestion } : {}) });
    report.rows.push({ sheet: r.sheet, row: r.row, outcome: 'invalid', fullName: r.fullName });
    const key = (r as Partial<PlannedRow>).teamKey;
    if (key) refusedInTeam.set(key, (refusedInTeam.get(key) ?? 0) + 1);
    else unplaced.push(r);
  };
  const unplaced: RosterRow[] = [];
  const warn = (r: RosterRow, column: Field, message: string, suggestion?: string) => report.problems.push({ sheet: r.sheet, row: r.row, column: FIELDS[column], severity: 'warning', message, ...(suggestion ? { suggestion } : {}) });

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
  const villageKeyOf = memo((t) => canonicalVillage(t).key);

  // 1. units
  const resolvedRows = await resolveRows(tx, rows, report, scope, choices, invalid);

  // 2. villages and teams: existing ones read, missing ones only planned
  const communeIds = [...new Set(resolvedRows.filter((r) => r.village).map((r) => r.communeUnit.id))];
  const villageByKey = new Map<string, UnitRow>();
  const villageCount = new Map<number, number>();
  const unitKeyById = new Map<number, string>();
  const villages = await villagesOfCommunes(tx, communeIds, scope);
  for (const v of villages) {
    // every village ever made counts for the next code; a merged one is found through its survivor's earlier names
    villageCount.set(v.parentId!, (villageCount.get(v.parentId!) ?? 0) + 1);
    if (v.validTo) continue;
    const key = `v${v.parentId}|${villageKeyOf(v.name)}`;
    if (!villageByKey.has(key)) villageByKey.set(key, v);
    unitKeyById.set(v.id, key);
  }
  for (const v of villages) {
    if (v.validTo) continue;
    for (const earlier of v.earlierNames) {
      const key = `v${v.parentId}|${villageKeyOf(earlier)}`;
      if (!villageByKey.has(key)) villageByKey.set(key, v);
    }
  }
  for (const r of resolvedRows) unitKeyById.set(r.communeUnit.id, `c${r.communeUnit.id}`);
  const existingTeams = new Map<string, registry.TeamRow>();
  const teamsOfUnit = new Map<string, registry.TeamRow[]>();
  for (const t of await registry.teamsOfUnits(tx, [...unitKeyById.keys()], scope)) {
    const uk = unitKeyById.get(t.unitId)!;
    existingTeams.set(`${uk}|${t.nameKey}`, t);
    teamsOfUnit.set(uk, [...(teamsOfUnit.get(uk) ?? []), t]);
  }
  const plannedTeams = new Map<string, PlannedTeam>();
  // one string per unit and per team, shared by its rows, rather than one per row
  const interned = new Map<string, string>();
  const intern = (key: string) => interned.get(key) ?? (interned.set(key, key), key);
  const planned: PlannedRow[] = resolvedRows.map((r) => {
    const writtenKey = r.village ? `v${r.communeUnit.id}|${villageKeyOf(r.village)}` : `c${r.communeUnit.id}`;
    // a village found by an earlier name (renamed, or merged into another) is keyed by its current name
    const found = r.village ? villageByKey.get(writtenKey) : undefined;
    const unitKey = intern(found ? unitKeyById.get(found.id) ?? writtenKey : writtenKey);
    const village = r.village ? villageByKey.get(unitKey)?.name ?? canonicalVillage(r.village).name : null;
    const own = teamsOfUnit.get(unitKey) ?? [];
    // no team named in the file: a pre-2025 commune's own team keeps that commune's name (two old
    // communes merged into one keep two teams until an officer merges them); otherwise the unit's
    // one team when it has exactly one, else the standard name
    const lower = (n: string) => n.charAt(0).toLocaleLowerCase('vi') + n.slice(1);
    // a village written with an earlier name (merged into this one, or renamed) keeps the team named after that name
    const written = r.village ? canonicalVillage(r.village).name : null;
    const earlierTeam = found && written && nameKeyOf(written) !== nameKeyOf(found.name) ? own.find((t) => t.nameKey === nameKeyOf(`Tổ công nghệ số cộng đồng ${written}`)) : undefined;
    const name = r.team ?? (!r.village && r.oldCommune ? `Tổ công nghệ số cộng đồng ${lower(r.oldCommune.name)}` : own.length === 1 ? own[0].name : earlierTeam ? earlierTeam.name : `Tổ công nghệ số cộng đồng ${village ?? lower(r.communeUnit.name)}`);
    const teamKey = intern(`${unitKey}|${nameKeyOf(name)}`);
    if (!plannedTeams.has(teamKey)) plannedTeams.set(teamKey, { key: teamKey, name: existingTeams.get(teamKey)?.name ?? name, level: r.village ? 'village' : 'commune', village, commune: r.communeUnit, existing: existingTeams.get(teamKey) });
    // the row itself becomes the planned row (no copy)
    return Object.assign(r, { unitKey, teamKey });
  });

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
  const teamKeyById = new Map([...plannedTeams.values()].filter((t) => t.existing).map((t) => [t.existing!.id, t.key]));
  const memberships = new Map<string, Pick<registry.TeamMemberRow, 'role' | 'affiliations' | 'position'>>();
  const byTeamName = new Map<string, registry.MemberRow>();
  const leadersInRegistry = new Map<string, { id: number; fullName: string }[]>();
  for (const { member, membership, shared: isShared } of await registry.membershipsOfTeams(tx, [...teamKeyById.keys()], scope)) {
    const tk = teamKeyById.get(membership.teamId)!;
    memberships.set(`${membership.teamId}|${member.id}`, membership);
    byTeamName.set(`${tk}|${member.nameKey}|${member.birthYear ?? ''}`, member);
    if (membership.role === 'leader') leadersInRegistry.set(tk, [...(leadersInRegistry.get(tk) ?? []), { id: member.id, fullName: member.fullName }]);
    if (isShared) shared.add(member.id);
  }
  for (const m of await registry.membershipsOfMembers(tx, [...byPhone.values()].map((m) => m.id), scope)) memberships.set(`${m.teamId}|${m.memberId}`, m);

  type Person = { existing?: registry.MemberRow; row: PlannedRow; id?: number };
  const people: Person[] = [];
  const personIndex = new Map<Person, number>();
  const personByPhone = new Map<string, Person>();
  const personByTeamName = new Map<string, Person>();
  const seenInTeam = new Map<string, number>();
  const links: { person: Person; row: PlannedRow; team: PlannedTeam }[] = [];
  for (const r of planned) {
    const team = plannedTeams.get(r.teamKey)!;
    const nameYear = `${r.teamKey}|${nameKeyOf(r.fullName)}|${r.birthYear ?? ''}`;
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
    const who = person.existing?.id ?? `new${personIndex.get(person)}`;
    const dupKey = `${r.teamKey}|${who}`;
    if (seenInTeam.has(dupKey)) {
      invalid(r, 'fullName', `"${r.fullName}" đã có ở dòng ${seenInTeam.get(dupKey)} trong cùng tổ`, 'Xoá dòng trùng');
      continue;
    }
    if (r.phone) personByPhone.set(r.phone, person);
    personByTeamName.set(nameYear, person);
    seenInTeam.set(dupKey, r.row);
    links.push({ person, row: r, team });
  }
  // drop people whose every row was refused (a duplicate row creates no second person)
  const linked = new Set(links.map((l) => l.person));
  const kept = people.filter((p) => linked.has(p));
  warnLeaders(links, leadersInRegistry, warn);

  // 4. what gets created: only villages and teams that accepted rows land on
  const neededTeams = new Map<string, PlannedTeam>();
  for (const { team } of links) if (!team.existing && !neededTeams.has(team.key)) neededTeams.set(team.key, team);
  const neededVillages = new Map<string, { name: string; commune: UnitRow }>();
  for (const t of neededTeams.values()) {
    const uk = t.key.slice(0, t.key.lastIndexOf('|'));
    if (t.village && !villageByKey.has(uk) && !neededVillages.has(uk)) neededVillages.set(uk, { name: t.village, commune: t.commune });
  }
  report.created.villages = [...neededVillages.values()].map((v) => `${v.name} (${v.commune.name})`);
  report.created.teams = [...neededTeams.values()].map((t) => t.name);

  // 5. write (a commit only): villages, teams, new people, changed people, memberships
  const teamIds = new Map<string, number>([...plannedTeams.values()].filter((t) => t.existing).map((t) => [t.key, t.existing!.id]));
  const memberChanges = new Map<Person, ReturnType<typeof personChanges>>();
  for (const p of kept) {
    if (!p.existing) continue;
    const changed = personChanges(p.row, p.existing, nameKeyOf, searchKeyOf);
    if (changed.shown.length) memberChanges.set(p, changed);
  }
  if (commit) {
    const villageRows = [...neededVillages.entries()].map(([uk, v]) => {
      const n = (villageCount.get(v.commune.id) ?? 0) + 1;
      villageCount.set(v.commune.id, n);
      const row: typeof adminUnits.$inferInsert = { name: v.name, shortName: v.name, kind: villageKind(v.name), nameKey: nameKeyOf(v.name), searchKey: searchKeyOf(v.name), source: 'import', code: `${v.commune.code}.${String(n).padStart(3, '0')}`, level: 'village', parentId: v.commune.id, provinceCode: v.commune.provinceCode, validFrom: null, validTo: null };
      return [uk, row] as const;
    });
    for (const part of chunks(villageRows, 2000)) {
      const inserted = await insertVillages(tx, part.map(([, row]) => row), scope);
      inserted.forEach((v, i) => villageByKey.set(part[i][0], v));
    }
    const teamRows = [...neededTeams.values()].map((t) => {
      const unit = t.village ? villageByKey.get(t.key.slice(0, t.key.lastIndexOf('|')))! : t.commune;
      return { level: t.level, unitId: unit.id, communeId: t.commune.id, provinceCode: t.commune.provinceCode!, name: t.name, nameKey: nameKeyOf(t.name), searchKey: searchKeyOf(t.name) };
    });
    // PostgreSQL takes at most 65,535 parameters a statement: teams go in chunks like villages
    const teamKeys = [...neededTeams.keys()];
    for (let at = 0; at < teamRows.length; at += 2000) {
      const inserted = await registry.insertTeams(tx, teamRows.slice(at, at + 2000), scope);
      inserted.forEach((id, i) => teamIds.set(teamKeys[at + i], id));
    }
    const fresh = kept.filter((p) => !p.existing);
    for (const chunk of chunks(fresh, 5000)) {
      const ids = await registry.insertMembersBulk(
        tx,
        chunk.map(({ row: r }) => ({ fullName: r.fullName, nameKey: nameKeyOf(r.fullName), searchKey: searchKeyOf(r.fullName), gender: r.gender, birthYear: r.birthYear, phone: r.phone })),
      );
      chunk.forEach((p, i) => (p.id = ids[i]));
    }
    for (const [p, changed] of memberChanges) await registry.updateMember(tx, p.existing!.id, changed.patch, scope);
  }
  for (const p of kept) if (p.existing) p.id = p.existing.id;

  const upserts: (typeof teamMembers.$inferInsert)[] = [];
  const reported = new Set<Person>();
  for (const { person, row: r, team } of links) {
    const teamId = teamIds.get(team.key);
    const current = person.existing && team.existing ? memberships.get(`${team.existing.id}|${person.existing.id}`) : undefined;
    const base = { sheet: r.sheet, row: r.row, fullName: r.fullName, team: team.name, unit: r.communeUnit.name, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode! };
    const personChange = reported.has(person) ? undefined : memberChanges.get(person);
    const shownPerson = personChange?.shown ?? [];
    reported.add(person);
    if (!current) {
      if (commit) upserts.push({ teamId: teamId!, memberId: person.id!, role: r.role, affiliations: r.affiliations, position: r.position });
      const row: RowOutcome = { ...base, outcome: 'new', ...(shownPerson.length ? { changes: shownPerson } : {}) };
      if (personChange) auditedChanges.set(row, personChange.audited);
      report.rows.push(row);
      continue;
    }
    const changes: string[] = [];
    if (current.role !== r.role) changes.push(`vai trò: ${ROLES[current.role]} → ${ROLES[r.role]}`);
    if (current.affiliations.join(',') !== r.affiliations.join(',')) changes.push(`đoàn thể: ${affiliationLabels(current.affiliations)} → ${affiliationLabels(r.affiliations)}`);
    if ((current.position ?? null) !== (r.position ?? null)) changes.push(`chức vụ: ${current.position ?? '—'} → ${r.position ?? '—'}`);
    if (changes.length && commit) upserts.push({ teamId: teamId!, memberId: person.id!, role: r.role, affiliations: r.affiliations, position: r.position });
    const all = [...shownPerson, ...changes];
    const row: RowOutcome = { ...base, outcome: all.length ? 'updated' : 'unchanged', ...(all.length ? { changes: all } : {}) };
    if (all.length) auditedChanges.set(row, [...(personChange?.audited ?? []), ...changes]);
    report.rows.push(row);
  }
  for (const chunk of chunks(upserts, 5000)) await registry.upsertMembershipsBulk(tx, chunk, scope);
  // rows refused while read land under the team rows of the same commune and village went to, else unplaced
  const placeKey = (r: { commune: string | null; district: string | null; village: string | null }) => `${nameKeyOf(r.commune ?? '')}|${nameKeyOf(r.district ?? '')}|${r.village ? villageKeyOf(r.village) : ''}`;
  const teamOfPlace = new Map(planned.map((r) => [placeKey(r), r.teamKey]));
  for (const r of refusedEarly) {
    const key = teamOfPlace.get(placeKey(r));
    if (key) refusedInTeam.set(key, (refusedInTeam.get(key) ?? 0) + 1);
    else unplaced.push(r as RosterRow);
  }
  report.shape = buildShape(links.map((l) => ({ sheet: l.row.sheet, team: l.team })), refusedInTeam, plannedTeams, planned, unplaced);
  return conflicts;
}

/**
 * Warnings for a team that would have more than one leader: two "Tổ trưởng" rows in the file, or
 * a leader in the file while the registry keeps another leader whom the file does not list.
 */
function warnLeaders(links: { person: { existing?: registry.MemberRow }; row: PlannedRow; team: PlannedTeam }[], inRegistry: Map<string, { id: number; fullName: string }[]>, warn: (r: RosterRow, column: Field, message: string, suggestion?: string) => void): void {
  const byTeam = new Map<string, typeof links>();
  for (const l of links) byTeam.set(l.team.key, [...(byTeam.get(l.team.key) ?? []), l]);
  for (const [key, list] of byTeam) {
    const leaders = list.filter((l) => l.row.role === 'leader');
    const listed = new Set(list.map((l) => l.person.existing?.id).filter((id): id is number => id !== undefined));
    const kept = (inRegistry.get(key) ?? []).filter((m) => !listed.has(m.id));
    if (leaders.length > 1) {
      for (const l of leaders.slice(1)) warn(l.row, 'role', `Tổ "${l.team.name}" có ${leaders.length} tổ trưởng trong tệp (dòng ${leaders.map((x) => x.row.row).join(', ')})`, 'Mỗi tổ có một tổ trưởng; ghi "Tổ phó" hoặc "Thành viên" cho người còn lại');
    } else if (leaders.length === 1 && kept.length) {
      warn(leaders[0].row, 'role', `Tổ "${leaders[0].team.name}" đã có tổ trưởng ${kept.map((m) => m.fullName).join(', ')} trong sổ; dòng này ghi thêm một tổ trưởng`, 'Nếu đổi tổ trưởng, hãy ghi cả người cũ trong tệp với vai trò mới (tổ phó hoặc thành viên)');
    }
  }
}

/** The shape of the file as understood: per sheet, communes → teams with the rows each receives. */
function buildShape(accepted: { sheet: string; team: PlannedTeam }[], refused: Map<string, number>, teams: Map<string, PlannedTeam>, planned: PlannedRow[], unplaced: RosterRow[]): ShapeSheet[] {
  const sheets = new Map<string, Map<string, { name: string; code: string | null; written?: string; teams: Map<string, ShapeTeam> }>>();
  const entry = (sheet: string, communeKey: string, commune: { name: string; code: string | null; written?: string }, teamKey: string, team: Omit<ShapeTeam, 'members' | 'invalid'>) => {
    const bySheet = sheets.get(sheet) ?? new Map();
    sheets.set(sheet, bySheet);
    const c = bySheet.get(communeKey) ?? { ...commune, teams: new Map<string, ShapeTeam>() };
    bySheet.set(communeKey, c);
    const t = c.teams.get(teamKey) ?? { ...team, members: 0, invalid: 0 };
    c.teams.set(teamKey, t);
    return t;
  };
  const teamView = (t: PlannedTeam) => ({ level: t.level, name: t.name, village: t.village, isNew: !t.existing });
  const communeView = (t: PlannedTeam, written: string) => ({ name: t.commune.name, code: t.commune.code, ...(nameKey(written) !== nameKey(t.commune.name) ? { written } : {}) });
  const writtenOf = new Map<string, string>(planned.map((r) => [r.teamKey, r.commune]));
  for (const a of accepted) entry(a.sheet, a.team.commune.code ?? '', communeView(a.team, writtenOf.get(a.team.key) ?? a.team.commune.name), a.team.key, teamView(a.team)).members++;
  const firstSheet = new Map<string, string>(planned.map((r) => [r.teamKey, r.sheet]));
  for (const [key, n] of refused) {
    const t = teams.get(key)!;
    entry(firstSheet.get(key) ?? '', t.commune.code ?? '', communeView(t, writtenOf.get(key) ?? t.commune.name), key, teamView(t)).invalid += n;
  }
  for (const r of unplaced) {
    const written = cleanText(r.commune ?? '—');
    entry(r.sheet, `?${nameKey(written)}`, { name: written, code: null }, `?${r.village ?? ''}`, { level: r.village ? 'village' : 'commune', name: r.village ?? 'Tổ cấp xã', village: r.village, isNew: true }).invalid++;
  }
  return [...sheets.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([sheet, communes]) => ({ sheet, communes: [...communes.values()].map((c) => ({ name: c.name, code: c.code, ...(c.written ? { written: c.written } : {}), teams: [...c.teams.values()].sort((a, b) => (a.level === b.level ? compareVietnamese(a.name, b.name) : a.level === 'commune' ? -1 : 1)) })) }));
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
