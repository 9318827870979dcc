import { type Scope, unitInScope } from '../access/access.policy.js';
import { type UnitRow, villagesOfCommunes } from '../catalogue/catalogue.repo.js';
import { canonicalVillage } from '../catalogue/village-name.js';
import type { Db } from '../db/client.js';
import * as registry from '../registry/registry.repo.js';
import { ROLES, villageKind } from '../registry/registry.vocabulary.js';
import { formatPhone } from '../text/phone.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import { FIELDS, type Field } from './imports.columns.js';
import type { FileReport, RowOutcome } from './imports.report.js';
import { affiliationLabels, buildShape, type Link, personChanges, warnLeaders } from './imports.shape.js';
import { type ResolvedRow, UnitResolution } from './imports.units.js';
import type { RosterRow } from './imports.validate.js';
import { emptyBatch, type Person as WrittenPerson, type WriteBatch, type Writer } from './imports.write.js';

/**
 * Planning an import's valid rows against the registry, within the importer's scope, in chunks of
 * rows in file order: units are resolved and checked against the scope, villages and teams planned
 * only under communes in it, and people matched only among those all of whose teams lie in it
 * (registry.repo takes the scope in every read and write). A phone held by someone of another unit
 * is a row problem that names neither the person nor the unit; such conflicts are returned for the
 * audit log of both communes.
 *
 * Every row is decided before anything of it is written, and against the registry as it was before
 * the import (reads never see the import's own writes: the planner keeps what earlier chunks
 * decided), so how a file is cut into chunks changes nothing of the outcome. What a chunk adds is
 * handed to the `Writer` (imports.write.ts) as one batch; a dry run hands none.
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

export interface PlannedRow extends ResolvedRow {
  /** the village's key under its commune ("v<commune id>|<village key>") or "c<commune id>" for the commune itself */
  unitKey: string;
  /** the team's key: unitKey + team name key */
  teamKey: string;
}

/** A team the rows go to: existing (with its row) or to be created by the commit. */
export interface PlannedTeam {
  key: string;
  name: string;
  level: 'commune' | 'village';
  village: string | null;
  commune: UnitRow;
  existing?: registry.TeamRow;
  /** the team's id: the existing one, or the created one once its batch is written */
  id?: number;
}

/** A row refused while it was read (a bad year, no name…), with the place the file gave it: counted in the shape under its team. */
export type RefusedRow = Pick<RosterRow, 'sheet' | 'row' | 'fullName' | 'commune' | 'district' | 'village'>;

interface Person extends WrittenPerson {
  /** the row that made the person: their fields as written */
  row: PlannedRow;
  /** a new person's number within the file */
  n?: number;
}

/** A text → key function that works each distinct text out once. */
function memo(f: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let key = cache.get(text);
    if (key === undefined) cache.set(text, (key = f(text)));
    return key;
  };
}

const lower = (n: string) => n.charAt(0).toLocaleLowerCase('vi') + n.slice(1);

/**
 * Plans the valid rows of one file, chunk by chunk (`plan`), then the rest (`finish`): reads go to
 * `reads` (the transaction itself, or a snapshot reader on PostgreSQL), the batches to `writer`
 * (a commit only). Errors: those of the reads; the writes' failures surface from `finish`.
 */
export class Planner {
  readonly conflicts: ScopeConflict[] = [];
  private readonly units: UnitResolution;
  private readonly refusedInTeam = new Map<string, number>();
  private readonly unplaced: RosterRow[] = [];
  private readonly nameKeyOf = memo(nameKey);
  private readonly searchKeyOf = memo(searchKey);
  private readonly villageKeyOf = memo((t) => canonicalVillage(t).key);
  private readonly villageNameOf = memo((t) => canonicalVillage(t).name);
  // what was read of the registry, grown chunk by chunk (each commune, unit, phone, team read once)
  private readonly villageCommunes = new Set<number>();
  private readonly villageByKey = new Map<string, UnitRow>();
  private readonly villageCount = new Map<number, number>();
  private readonly unitKeyById = new Map<number, string>();
  private readonly existingTeams = new Map<string, registry.TeamRow>();
  private readonly teamsOfUnit = new Map<string, registry.TeamRow[]>();
  private readonly phonesRead = new Set<string>();
  private readonly byPhone = new Map<string, registry.MemberRow>();
  private readonly phoneElsewhere = new Map<string, { communeIds: number[]; provinceCodes: string[] }>();
  /** people on an in-scope team who are also on a team outside the scope */
  private readonly shared = new Set<number>();
  private readonly teamsRead = new Set<number>();
  private readonly memberships = new Map<string, Pick<registry.TeamMemberRow, 'role' | 'affiliations' | 'position'>>();
  private readonly byTeamName = new Map<string, registry.MemberRow>();
  private readonly leadersInRegistry = new Map<string, { id: number; fullName: string }[]>();
  // what was decided, for the rows after
  private readonly plannedTeams = new Map<string, PlannedTeam>();
  private readonly interned = new Map<string, string>();
  private people = 0;
  private readonly personByPhone = new Map<string, Person>();
  private readonly personByTeamName = new Map<string, Person>();
  private readonly seenInTeam = new Map<string, number>();
  private readonly links: Link[] = [];
  private readonly createdTeams = new Set<string>();
  private readonly createdVillages = new Set<string>();
  private readonly reported = new Set<Person>();
  private readonly teamOfPlace = new Map<string, string>();
  private readonly writtenOf = new Map<string, string>();
  private readonly sheetOf = new Map<string, string>();

  constructor(
    private readonly reads: Db,
    private readonly report: FileReport,
    private readonly scope: Scope,
    choices: Map<string, string>,
    private readonly writer: Writer | null,
  ) {
    this.units = new UnitResolution(reads, report, scope, choices, (r, column, message, suggestion) => this.invalid(r, column, message, suggestion));
  }

  private invalid(r: RosterRow, column: Field, message: string, suggestion?: string): void {
    this.report.problems.push({ sheet: r.sheet, row: r.row, column: FIELDS[column], severity: 'error', message, ...(suggestion ? { suggestion } : {}) });
    this.report.rows.push({ sheet: r.sheet, row: r.row, outcome: 'invalid', fullName: r.fullName });
    const key = (r as Partial<PlannedRow>).teamKey;
    if (key) this.refusedInTeam.set(key, (this.refusedInTeam.get(key) ?? 0) + 1);
    else this.unplaced.push(r);
  }

  private intern(key: string): string {
    const had = this.interned.get(key);
    if (had !== undefined) return had;
    this.interned.set(key, key);
    return key;
  }

  /** Plans the next rows of the file (in order). */
  async plan(rows: RosterRow[]): Promise<void> {
    await this.planResolved(await this.units.resolve(rows));
  }

  /**
   * Plans the rows that waited (split communes), then what needs every row: the leaders' warnings,
   * the rows refused while read placed in the shape, and the shape. Waits for the writes and
   * rethrows their failure. Returns the conflicts with people outside the scope.
   */
  async finish(refusedEarly: RefusedRow[]): Promise<ScopeConflict[]> {
    await this.planResolved(await this.units.finish());
    warnLeaders(this.links, this.leadersInRegistry, (r, column, message, suggestion) => this.report.problems.push({ sheet: r.sheet, row: r.row, column: FIELDS[column], severity: 'warning', message, ...(suggestion ? { suggestion } : {}) }));
    // rows refused while read land under the team rows of the same commune and village went to, else unplaced
    for (const r of refusedEarly) {
      const key = this.teamOfPlace.get(this.placeKey(r));
      if (key) this.refusedInTeam.set(key, (this.refusedInTeam.get(key) ?? 0) + 1);
      else this.unplaced.push(r as RosterRow);
    }
    this.report.shape = buildShape(this.links, this.refusedInTeam, this.plannedTeams, this.writtenOf, this.sheetOf, this.unplaced);
    await this.writer?.done();
    return this.conflicts;
  }

  private placeKey(r: { commune: string | null; district: string | null; village: string | null }): string {
    return `${this.nameKeyOf(r.commune ?? '')}|${this.nameKeyOf(r.district ?? '')}|${r.village ? this.villageKeyOf(r.village) : ''}`;
  }

  private async planResolved(resolved: ResolvedRow[]): Promise<void> {
    if (resolved.length === 0) return;
    const planned = await this.teamsOf(resolved);
    const batch = emptyBatch();
    const links = await this.match(planned);
    this.toCreate(links, batch);
    this.outcomes(links, batch);
    for (const r of planned) {
      this.teamOfPlace.set(this.placeKey(r), r.teamKey);
      this.writtenOf.set(r.teamKey, r.commune);
      this.sheetOf.set(r.teamKey, r.sheet);
    }
    if (this.writer && (batch.villages.length || batch.teams.length || batch.members.length || batch.updates.length || batch.memberships.length)) this.writer.add(batch);
  }

  /** Step 2: each row's unit and team; villages and teams of units not seen before are read. */
  private async teamsOf(rows: ResolvedRow[]): Promise<PlannedRow[]> {
    const { scope, villageByKey, villageCount, unitKeyById } = this;
    const communeIds = [...new Set(rows.filter((r) => r.village).map((r) => r.communeUnit.id))].filter((id) => !this.villageCommunes.has(id));
    const units: number[] = [];
    if (communeIds.length) {
      for (const id of communeIds) this.villageCommunes.add(id);
      const villages = await villagesOfCommunes(this.reads, communeIds, scope);
      for (const v of villages) {
        // every village ever made counts for the next code; a merged one is found through its survivor's earlier names
        villageCount.set(v.parentId!, (villageCount.get(v.parentId!) ?? 0) + 1);
        if (v.validTo) continue;
        const key = `v${v.parentId}|${this.villageKeyOf(v.name)}`;
        if (!villageByKey.has(key)) villageByKey.set(key, v);
        if (!unitKeyById.has(v.id)) units.push(v.id);
        unitKeyById.set(v.id, key);
      }
      for (const v of villages) {
        if (v.validTo) continue;
        for (const earlier of v.earlierNames) {
          const key = `v${v.parentId}|${this.villageKeyOf(earlier)}`;
          if (!villageByKey.has(key)) villageByKey.set(key, v);
        }
      }
    }
    for (const r of rows) {
      if (unitKeyById.has(r.communeUnit.id)) continue;
      unitKeyById.set(r.communeUnit.id, `c${r.communeUnit.id}`);
      units.push(r.communeUnit.id);
    }
    if (units.length) {
      for (const t of await registry.teamsOfUnits(this.reads, units, scope)) {
        const uk = unitKeyById.get(t.unitId)!;
        this.existingTeams.set(`${uk}|${t.nameKey}`, t);
        const own = this.teamsOfUnit.get(uk);
        if (own) own.push(t);
        else this.teamsOfUnit.set(uk, [t]);
      }
    }
    // one string per unit and per team, shared by its rows, rather than one per row
    return rows.map((r) => {
      const writtenKey = r.village ? `v${r.communeUnit.id}|${this.villageKeyOf(r.village)}` : `c${r.communeUnit.id}`;
      // a village found by an earlier name (renamed, or merged into another) is keyed by its current name
      const found = r.village ? villageByKey.get(writtenKey) : undefined;
      const unitKey = this.intern(found ? unitKeyById.get(found.id) ?? writtenKey : writtenKey);
      const village = r.village ? villageByKey.get(unitKey)?.name ?? this.villageNameOf(r.village) : null;
      const own = this.teamsOfUnit.get(unitKey) ?? [];
      // no team named in the file: a pre-2025 commune's own team keeps that commune's name (two old
      // communes merged into one keep two teams until an officer merges them); otherwise the unit's
      // one team when it has exactly one, else the standard name
      // a village written with an earlier name (merged into this one, or renamed) keeps the team named after that name
      const written = found && r.village ? this.villageNameOf(r.village) : null;
      const earlierTeam = found && written && this.nameKeyOf(written) !== this.nameKeyOf(found.name) ? own.find((t) => t.nameKey === this.nameKeyOf(`Tổ công nghệ số cộng đồng ${written}`)) : undefined;
      const name = r.team ?? (!r.village && r.oldCommune ? `Tổ công nghệ số cộng đồng ${lower(r.oldCommune.name)}` : own.length === 1 ? own[0].name : earlierTeam ? earlierTeam.name : `Tổ công nghệ số cộng đồng ${village ?? lower(r.communeUnit.name)}`);
      const teamKey = this.intern(`${unitKey}|${this.nameKeyOf(name)}`);
      if (!this.plannedTeams.has(teamKey)) {
        const existing = this.existingTeams.get(teamKey);
        this.plannedTeams.set(teamKey, { key: teamKey, name: existing?.name ?? name, level: r.village ? 'village' : 'commune', village, commune: r.communeUnit, existing, id: existing?.id });
      }
      // the row itself becomes the planned row (no copy)
      return Object.assign(r, { unitKey, teamKey });
    });
  }

  /** Step 3: who each row is: by phone, else by name + birth year within the team, else someone new. */
  private async match(planned: PlannedRow[]): Promise<Link[]> {
    const { scope, byPhone, shared, memberships, personByPhone, personByTeamName, seenInTeam, nameKeyOf } = this;
    const phones = [...new Set(planned.map((r) => r.phone).filter((p): p is string => !!p && !this.phonesRead.has(p)))];
    for (const p of phones) this.phonesRead.add(p);
    // only people all of whose teams lie in the scope are matched (and may change); a phone held
    // outside it is known only as "elsewhere"
    const found: registry.MemberRow[] = [];
    for (const o of await registry.phoneOwners(this.reads, phones, scope)) {
      if (o.member) {
        if (!byPhone.has(o.phone)) {
          byPhone.set(o.phone, o.member);
          found.push(o.member);
        }
        if (o.shared) shared.add(o.member.id);
      } else if (!this.phoneElsewhere.has(o.phone)) this.phoneElsewhere.set(o.phone, o.elsewhere!);
    }
    const teamKeyById = new Map<number, string>();
    for (const r of planned) {
      const t = this.plannedTeams.get(r.teamKey)!;
      if (t.existing && !this.teamsRead.has(t.existing.id)) teamKeyById.set(t.existing.id, t.key);
    }
    for (const id of teamKeyById.keys()) this.teamsRead.add(id);
    for (const { member, membership, shared: isShared } of await registry.membershipsOfTeams(this.reads, [...teamKeyById.keys()], scope)) {
      const tk = teamKeyById.get(membership.teamId)!;
      memberships.set(`${membership.teamId}|${member.id}`, membership);
      this.byTeamName.set(`${tk}|${member.nameKey}|${member.birthYear ?? ''}`, member);
      if (membership.role === 'leader') this.leadersInRegistry.set(tk, [...(this.leadersInRegistry.get(tk) ?? []), { id: member.id, fullName: member.fullName }]);
      if (isShared) shared.add(member.id);
    }
    for (const m of await registry.membershipsOfMembers(this.reads, found.map((m) => m.id), scope)) memberships.set(`${m.teamId}|${m.memberId}`, m);

    const links: Link[] = [];
    for (const r of planned) {
      const team = this.plannedTeams.get(r.teamKey)!;
      const nameYear = `${r.teamKey}|${nameKeyOf(r.fullName)}|${r.birthYear ?? ''}`;
      const elsewhere = r.phone ? this.phoneElsewhere.get(r.phone) : undefined;
      if (elsewhere) {
        this.invalid(r, 'phone', PHONE_ELSEWHERE, 'Kiểm tra lại số; nếu đúng là người này đã chuyển về đơn vị bạn, cán bộ tỉnh sẽ chuyển họ sang tổ của bạn');
        this.conflicts.push({ sheet: r.sheet, row: r.row, phone: r.phone, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, elsewhere });
        continue;
      }
      // a phone number identifies a person only together with the name: the same number under
      // another name is a conflict for the officer to resolve, never a silent overwrite
      const phoneOwner = r.phone ? personByPhone.get(r.phone) ?? (byPhone.get(r.phone) ? { existing: byPhone.get(r.phone), row: r } : undefined) : undefined;
      const ownerName = phoneOwner ? phoneOwner.existing?.fullName ?? phoneOwner.row.fullName : null;
      if (phoneOwner && ownerName && nameKeyOf(ownerName) !== nameKeyOf(r.fullName)) {
        const where = phoneOwner.existing ? 'trong sổ' : `ở dòng ${phoneOwner.row.row} của tệp`;
        this.invalid(r, 'phone', `Số điện thoại ${formatPhone(r.phone!)} đã là của "${ownerName}" ${where}`, 'Kiểm tra lại số; nếu là cùng một người đã đổi tên, hãy sửa họ tên cho khớp');
        continue;
      }
      // same name and birth year in the same team is the same person: a new phone there is a phone change;
      // but two rows of the file with two different phones are two people (namesakes born the same year)
      const namesake = personByTeamName.get(nameYear);
      const otherPhone = !!namesake && !!r.phone && !!namesake.row.phone && namesake.row.phone !== r.phone;
      let person = (r.phone && personByPhone.get(r.phone)) || (otherPhone ? undefined : namesake);
      if (!person) {
        const existing = (r.phone && byPhone.get(r.phone)) || this.byTeamName.get(nameYear);
        if (existing && shared.has(existing.id) && personChanges(r, existing, nameKeyOf, this.searchKeyOf).shown.length) {
          this.invalid(r, 'fullName', PERSON_SHARED, 'Ghi họ tên, giới tính, năm sinh và số điện thoại như trong sổ; nhờ cán bộ tỉnh sửa nếu cần');
          this.conflicts.push({ sheet: r.sheet, row: r.row, phone: r.phone, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode!, elsewhere: { communeIds: [], provinceCodes: [] } });
          continue;
        }
        person = existing ? { existing, row: r } : { row: r, n: this.people++ };
      }
      const dupKey = `${r.teamKey}|${person.existing?.id ?? `new${person.n}`}`;
      const seen = seenInTeam.get(dupKey);
      if (seen !== undefined) {
        this.invalid(r, 'fullName', `"${r.fullName}" đã có ở dòng ${seen} trong cùng tổ`, 'Xoá dòng trùng');
        continue;
      }
      if (r.phone) personByPhone.set(r.phone, person);
      personByTeamName.set(nameYear, person);
      seenInTeam.set(dupKey, r.row);
      links.push({ person, row: r, team });
    }
    return links;
  }

  /** Step 4: the villages and teams the chunk's accepted rows land on that neither exist nor were planned. */
  private toCreate(links: Link[], batch: WriteBatch): void {
    const { report, nameKeyOf, searchKeyOf } = this;
    const commit = this.writer !== null;
    for (const { team: t } of links) {
      if (t.existing || this.createdTeams.has(t.key)) continue;
      this.createdTeams.add(t.key);
      const uk = t.key.slice(0, t.key.lastIndexOf('|'));
      const existingVillage = t.village ? this.villageByKey.get(uk) : undefined;
      if (t.village && !existingVillage && !this.createdVillages.has(uk)) {
        this.createdVillages.add(uk);
        report.created.villages.push(`${t.village} (${t.commune.name})`);
        if (commit) {
          const n = (this.villageCount.get(t.commune.id) ?? 0) + 1;
          this.villageCount.set(t.commune.id, n);
          const c = t.commune;
          batch.villages.push({ key: uk, row: { name: t.village, shortName: t.village, kind: villageKind(t.village), nameKey: nameKeyOf(t.village), searchKey: searchKeyOf(t.village), source: 'import', code: `${c.code}.${String(n).padStart(3, '0')}`, level: 'village', parentId: c.id, provinceCode: c.provinceCode, validFrom: null, validTo: null } });
        }
      }
      report.created.teams.push(t.name);
      if (commit) batch.teams.push({ team: t, villageKey: t.village && !existingVillage ? uk : null, unitId: t.village ? existingVillage?.id ?? null : t.commune.id, nameKey: nameKeyOf(t.name), searchKey: searchKeyOf(t.name) });
    }
  }

  /** Each accepted row's outcome (new, updated, unchanged) in the report; on a commit, what the batch writes. */
  private outcomes(links: Link[], batch: WriteBatch): void {
    const { report, nameKeyOf, searchKeyOf } = this;
    const commit = this.writer !== null;
    for (const link of links) {
      const { row: r, team } = link;
      const person = link.person as Person;
      let personChange: ReturnType<typeof personChanges> | undefined;
      if (!this.reported.has(person)) {
        // a person's own fields change once, with their first row (a duplicate row creates no second person)
        this.reported.add(person);
        if (person.existing) {
          const changed = personChanges(person.row, person.existing, nameKeyOf, searchKeyOf);
          if (changed.shown.length) {
            personChange = changed;
            if (commit) batch.updates.push({ id: person.existing.id, patch: changed.patch });
          }
        } else if (commit) {
          batch.members.push({ person, row: { fullName: r.fullName, nameKey: nameKeyOf(r.fullName), searchKey: searchKeyOf(r.fullName), gender: r.gender, birthYear: r.birthYear, phone: r.phone } });
        }
      }
      const current = person.existing && team.existing ? this.memberships.get(`${team.existing.id}|${person.existing.id}`) : undefined;
      const base = { sheet: r.sheet, row: r.row, fullName: r.fullName, team: team.name, unit: r.communeUnit.name, communeId: r.communeUnit.id, provinceCode: r.communeUnit.provinceCode! };
      const shownPerson = personChange?.shown ?? [];
      if (!current) {
        if (commit) batch.memberships.push({ team, person, role: r.role, affiliations: r.affiliations, position: r.position, joinedOn: r.joinedOn });
        const row: RowOutcome = { ...base, outcome: 'new', ...(shownPerson.length ? { changes: shownPerson } : {}) };
        if (personChange) auditedChanges.set(row, personChange.audited);
        report.rows.push(row);
        continue;
      }
      const changes: string[] = [];
      if (current.role !== r.role) changes.push(`vai trò: ${ROLES[current.role]} → ${ROLES[r.role]}`);
      if (current.affiliations.join(',') !== r.affiliations.join(',')) changes.push(`đoàn thể: ${affiliationLabels(current.affiliations)} → ${affiliationLabels(r.affiliations)}`);
      if ((current.position ?? null) !== (r.position ?? null)) changes.push(`chức vụ: ${current.position ?? '—'} → ${r.position ?? '—'}`);
      if (changes.length && commit) batch.memberships.push({ team, person, role: r.role, affiliations: r.affiliations, position: r.position });
      const all = [...shownPerson, ...changes];
      const row: RowOutcome = { ...base, outcome: all.length ? 'updated' : 'unchanged', ...(all.length ? { changes: all } : {}) };
      if (all.length) auditedChanges.set(row, [...(personChange?.audited ?? []), ...changes]);
      report.rows.push(row);
    }
    this.links.push(...links);
  }
}
