import { unitsByCode, unitsByIds } from '../catalogue/catalogue.repo.js';
import { presentUnit } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/client.js';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { PersonPresenter } from '../access/presenter.js';
import { AppError } from '../http/errors.js';
import { compareVietnameseNames, searchKey } from '../text/vietnamese.js';
import * as repo from './registry.repo.js';

const ROLE_ORDER = { leader: 0, deputy: 1, member: 2 } as const;

/** The current unit with `code`, or UNIT_NOT_FOUND. */
export async function currentUnit(db: Db, code: string) {
  const unit = (await unitsByCode(db, code)).find((u) => !u.validTo);
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hiện hành mã "${code}".`);
  return unit;
}

/**
 * Teams in the unit `unitCode` and below (province → all; commune → commune and village teams;
 * village → its own), limited to `scope`. Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE (a unit outside).
 */
export async function listTeams(db: Db, unitCode: string, scope: Scope) {
  const unit = await currentUnit(db, unitCode);
  if (scope.kind === 'team') {
    requireScope(unit.id === scope.unitId || unit.id === scope.communeId || unit.code === scope.provinceCode, `đơn vị "${unit.name}"`, unitTarget(unit));
  } else requireScope(unitInScope(scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
  // the repository limits the list to the scope (a team scope: its own team)
  return repo.teamsUnder(db, unit, scope);
}

/**
 * One team with its unit, its commune and its members: leader first, then deputies, then members, each group sorted by
 * given name (Vietnamese order). Phones as the caller's role may see them (`presenter`: national-style
 * "0912 345 678", or masked "09•••••678" for read-only inspectors).
 * Errors: TEAM_NOT_FOUND (also for a team outside `scope`: audited as a refusal, existence not disclosed).
 */
export async function getTeam(db: Db, id: number, scope: Scope, presenter: PersonPresenter) {
  const team = await repo.teamById(db, id, scope);
  if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${id}.`).refusing({ entity: 'team', id });
  const [people, units] = await Promise.all([repo.membersOfTeam(db, id, scope), unitsByIds(db, [team.unitId, team.communeId])]);
  const byId = new Map(units.map((u) => [u.id, presentUnit(u)]));
  people.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareVietnameseNames(a.fullName, b.fullName));
  return {
    id: team.id,
    name: team.name,
    level: team.level,
    status: team.status,
    statusSince: team.statusSince,
    statusReason: team.statusReason,
    version: team.version,
    establishedOn: team.establishedOn,
    unit: byId.get(team.unitId)!,
    commune: byId.get(team.communeId)!,
    members: people.map((p) => ({ ...p, phone: presenter.memberPhone(p.phone) })),
  };
}

/**
 * People who have left team `id` (their last period there ended), latest first, with the day and
 * reason. Errors: TEAM_NOT_FOUND (also outside `scope`).
 */
export async function formerMembers(db: Db, id: number, scope: Scope) {
  const team = await repo.teamById(db, id, scope);
  if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${id}.`).refusing({ entity: 'team', id });
  const rows = await repo.formerMembersOfTeam(db, id, scope);
  return rows.sort((a, b) => (a.leftOn < b.leftOn ? 1 : a.leftOn > b.leftOn ? -1 : compareVietnameseNames(a.fullName, b.fullName)));
}

/** Finds teams and members in `scope` by name ignoring diacritics and đ ("chieng xom" finds "Chiềng Xôm"); at least 2 characters. */
export async function searchRegistry(db: Db, q: string, scope: Scope, provinceCode: string | null = null, limit = 50) {
  const key = searchKey(q);
  if (key.length < 2) throw new AppError('VALIDATION_FAILED', 'Cần ít nhất 2 ký tự để tìm.');
  const hits = await repo.searchRegistry(db, key, { scope, provinceCode }, limit);
  hits.members.sort((a, b) => compareVietnameseNames(a.fullName, b.fullName));
  return hits;
}
