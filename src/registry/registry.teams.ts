import { and, eq, sql } from 'drizzle-orm';
import { requireScope, unitInScope, unitTarget } from '../access/access.policy.js';
import { unitById, unitsByCode, type UnitRow } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { formatDateVi } from '../text/dates.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import type { CreateTeamBody, TeamStatusBody, UpdateTeamBody } from './registry.contract.js';
import * as edits from './registry.edit.repo.js';
import { insertTeams, teamById, type TeamRow } from './registry.repo.js';
import { auditEdit, conflict, type Editor, requireNotFuture, versionConflict } from './registry.rules.js';
import { teams, teamStatuses } from './registry.schema.js';
import { TEAM_STATUSES } from './registry.vocabulary.js';

/**
 * Teams by hand: create, rename, date, move to another village of the commune, and status over
 * time (active, suspended, dissolved). Officers only (the routes' rule); each function checks the
 * editor's scope, writes in one transaction with its audit entry and bumps the registry revision.
 */

/** The current unit `code` or UNIT_NOT_FOUND (a dissolved one names its end). */
async function currentUnitOf(db: Db, code: string, what: string): Promise<UnitRow> {
  const units = await unitsByCode(db, code);
  const unit = units.find((u) => !u.validTo);
  if (!unit) throw new AppError('UNIT_NOT_FOUND', units.length ? `${what} "${units[0].name}" (mã ${code}) không còn từ ${formatDateVi(units[0].validTo!)}.` : `Không có ${what.toLowerCase()} mã "${code}".`);
  return unit;
}

/** The team `id` in the editor's scope, locked for the edit; TEAM_NOT_FOUND (audited refusal) otherwise. */
export async function teamForEdit(tx: Db, id: number, editor: Editor): Promise<TeamRow> {
  // lock first, then read: the row read is the one no other edit can change before this one commits
  await tx.execute(sql`select 1 from teams where id = ${id} for update`);
  const team = await teamById(tx, id, editor.scope);
  if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${id}.`).refusing({ entity: 'team', id });
  return team;
}

const nameTaken = (name: string, unit: string) =>
  conflict(`Đã có tổ "${name}" ở ${unit}; hãy đặt tên khác (ví dụ thêm số thứ tự) hoặc mở tổ đã có.`);

/**
 * Creates a team: commune level on a current commune (`unit` = its code), village level on a
 * current village (its code). Name unique in the unit (tone placement ignored). Returns the team.
 * Errors: UNIT_NOT_FOUND, VALIDATION_FAILED (level and unit disagree, a founding date in the
 * future), OUT_OF_SCOPE, REGISTRY_CONFLICT (name taken).
 */
export async function createTeam(db: Db, body: CreateTeamBody, editor: Editor): Promise<TeamRow> {
  requireNotFuture(editor, body.establishedOn, 'establishedOn', 'Ngày thành lập');
  const unit = await currentUnitOf(db, body.unit, 'Đơn vị');
  if (body.level === 'commune' && unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', `Tổ cấp xã cần mã của xã/phường; "${unit.name}" là ${unit.level === 'village' ? 'thôn, bản' : 'đơn vị cấp khác'}.`, { path: 'unit' });
  if (body.level === 'village' && unit.level !== 'village') throw new AppError('VALIDATION_FAILED', `Tổ cấp thôn cần mã của thôn, bản, tổ dân phố; "${unit.name}" không phải.`, { path: 'unit' });
  requireScope(unitInScope(editor.scope, unit) && editor.scope.kind !== 'team', `đơn vị "${unit.name}"`, unitTarget(unit));
  const communeId = unit.level === 'commune' ? unit.id : unit.parentId!;
  return db.transaction(async (tx) => {
    const key = nameKey(body.name);
    const [taken] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.unitId, unit.id), eq(teams.nameKey, key)));
    if (taken) throw nameTaken(body.name, unit.name);
    // two creations of one name at once: the second waits on the unit's lock and then sees the first
    const [locked] = await queryRows<{ validTo: string | null }>(tx, sql`select valid_to::text as "validTo" from admin_units where id = ${unit.id} for update`);
    if (locked?.validTo) throw new AppError('UNIT_NOT_FOUND', `"${unit.name}" không còn từ ${formatDateVi(locked.validTo)} (vừa được gộp); hãy chọn đơn vị kế thừa.`);
    const [again] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.unitId, unit.id), eq(teams.nameKey, key)));
    if (again) throw nameTaken(body.name, unit.name);
    const [id] = await insertTeams(tx, [{ level: body.level, unitId: unit.id, communeId, provinceCode: unit.provinceCode!, name: body.name, nameKey: key, searchKey: searchKey(body.name), establishedOn: body.establishedOn ?? null }], editor.scope);
    const team = (await teamById(tx, id, editor.scope))!;
    await auditEdit(tx, editor, { action: 'team.created', entity: 'team', entityId: id, provinceCode: team.provinceCode, communeId, after: { name: team.name, level: team.level, unit: unit.code, establishedOn: team.establishedOn } });
    return team;
  });
}

/**
 * Renames a team, sets its founding date, or moves a village-level team to another current village
 * of the same commune, at the version the editor read. Errors: TEAM_NOT_FOUND, VERSION_CONFLICT,
 * VALIDATION_FAILED (moving a commune-level team, a village of another commune, a future date),
 * REGISTRY_CONFLICT (name taken in the unit).
 */
export async function updateTeam(db: Db, id: number, body: UpdateTeamBody, editor: Editor): Promise<TeamRow> {
  requireNotFuture(editor, body.establishedOn, 'establishedOn', 'Ngày thành lập');
  return db.transaction(async (tx) => {
    const team = await teamForEdit(tx, id, editor);
    if (team.version !== body.version) throw versionConflict(`Tổ "${team.name}"`, team.version);
    let unitId = team.unitId;
    let village: UnitRow | undefined;
    if (body.village !== undefined) {
      if (team.level !== 'village') throw new AppError('VALIDATION_FAILED', 'Tổ cấp xã không chuyển sang thôn được; hãy lập tổ cấp thôn mới.', { path: 'village' });
      village = await currentUnitOf(tx, body.village, 'Thôn');
      if (village.level !== 'village' || village.parentId !== team.communeId) throw new AppError('VALIDATION_FAILED', `"${village.name}" không phải thôn, bản của xã của tổ; chỉ chuyển được trong cùng xã.`, { path: 'village' });
      unitId = village.id;
    }
    const name = body.name ?? team.name;
    const key = nameKey(name);
    if (unitId !== team.unitId || key !== team.nameKey) {
      const [taken] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.unitId, unitId), eq(teams.nameKey, key)));
      if (taken && taken.id !== id) throw nameTaken(name, village?.name ?? (await unitById(tx, unitId))!.name);
    }
    const establishedOn = body.establishedOn === undefined ? team.establishedOn : body.establishedOn;
    if (establishedOn && body.establishedOn !== undefined) {
      const [{ first }] = await queryRows<{ first: string | null }>(tx, sql`select min(joined_on)::text as first from team_members where team_id = ${id}`);
      const limit = [first, team.statusSince].filter((d): d is string => !!d).sort()[0];
      if (limit && establishedOn > limit) throw new AppError('VALIDATION_FAILED', `Ngày thành lập ${formatDateVi(establishedOn)} sau ngày ${formatDateVi(limit)} (thành viên đầu tiên vào tổ hoặc tổ đổi trạng thái); hãy chọn ngày đến ${formatDateVi(limit)}.`, { path: 'establishedOn' });
    }
    await tx
      .update(teams)
      .set({ name, nameKey: key, searchKey: searchKey(name), unitId, establishedOn, version: team.version + 1 })
      .where(eq(teams.id, id));
    const before = { name: team.name, unitId: team.unitId, establishedOn: team.establishedOn };
    const after = { name, unitId, establishedOn };
    const action = unitId !== team.unitId ? 'team.moved' : name !== team.name ? 'team.renamed' : 'team.updated';
    await auditEdit(tx, editor, { action, entity: 'team', entityId: id, provinceCode: team.provinceCode, communeId: team.communeId, before, after: { ...after, village: village?.name } });
    return (await teamById(tx, id, editor.scope))!;
  });
}

/**
 * Sets the team's status from `since` (a Vietnam day, not after today and not before the team's
 * last status change). Suspension and dissolution need a reason. Dissolving ends every current
 * membership on that day (reason 'dissolved'); the team keeps its history and sessions, and
 * reactivating it does not bring members back. Errors: TEAM_NOT_FOUND, VERSION_CONFLICT,
 * VALIDATION_FAILED, REGISTRY_CONFLICT (already in that status).
 */
export async function setTeamStatus(db: Db, id: number, body: TeamStatusBody, editor: Editor): Promise<TeamRow> {
  requireNotFuture(editor, body.since, 'since', 'Ngày');
  if (body.status !== 'active' && !body.reason) throw new AppError('VALIDATION_FAILED', `Hãy ghi lý do ${body.status === 'dissolved' ? 'giải thể' : 'tạm ngừng'} tổ.`, { path: 'reason' });
  return db.transaction(async (tx) => {
    const team = await teamForEdit(tx, id, editor);
    if (team.version !== body.version) throw versionConflict(`Tổ "${team.name}"`, team.version);
    if (team.status === body.status) throw conflict(`Tổ "${team.name}" đã ở trạng thái "${TEAM_STATUSES[body.status]}".`);
    const last = await edits.latestStatusChange(tx, id);
    if (last && body.since < last) throw new AppError('VALIDATION_FAILED', `Trạng thái của tổ đã đổi ngày ${formatDateVi(last)}; ngày thay đổi mới không được trước ngày đó.`, { path: 'since' });
    if (team.establishedOn && body.since < team.establishedOn) throw new AppError('VALIDATION_FAILED', `Tổ thành lập ngày ${formatDateVi(team.establishedOn)}; ngày thay đổi trạng thái không được trước ngày đó.`, { path: 'since' });
    await tx.insert(teamStatuses).values({ teamId: id, status: body.status, validFrom: body.since, reason: body.reason ?? null });
    await tx.update(teams).set({ status: body.status, statusSince: body.since, statusReason: body.reason ?? null, version: team.version + 1 }).where(eq(teams.id, id));
    let ended = 0;
    if (body.status === 'dissolved') {
      const rows = await queryRows<{ memberId: number }>(tx, sql`update team_members set left_on = greatest(joined_on, ${body.since}::date), end_reason = 'dissolved' where team_id = ${id} and left_on is null returning member_id as "memberId"`);
      ended = rows.length;
      if (ended) await tx.execute(sql`update members set version = version + 1 where id = any(${sql.param(rows.map((r) => r.memberId))}::int[])`);
    }
    await auditEdit(tx, editor, {
      action: 'team.status',
      entity: 'team',
      entityId: id,
      provinceCode: team.provinceCode,
      communeId: team.communeId,
      before: { status: team.status, since: team.statusSince },
      after: { status: body.status, since: body.since, reason: body.reason ?? null, membershipsEnded: ended },
    });
    return (await teamById(tx, id, editor.scope))!;
  });
}
