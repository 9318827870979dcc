import { AppError, type RefusalTarget } from '../http/errors.js';

/**
 * Who may do what. Every API route declares an `AccessRule` in its `config.access`; a route
 * without one makes the app refuse to start (see access.plugin.ts). Scope is checked on the
 * server for every read and write: a user sees and changes only the subtree of their unit, and
 * team leaders and members only their own team.
 */
export const ROLES = ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  province_officer: 'Cán bộ tỉnh',
  commune_officer: 'Cán bộ xã',
  team_leader: 'Tổ trưởng',
  member: 'Thành viên',
  viewer: 'Chỉ xem (thanh tra)',
};

/**
 * Who may call a route: anyone (`public`), or signed-in callers of the roles. `webhook`: a public
 * route a provider's server calls (no browser, no cookie), so no CSRF token is asked; such a route
 * proves its caller otherwise (a signature, a secret in its address).
 */
export type AccessRule = { public: true; webhook?: true } | { roles: readonly Role[] };

/** Role groups used by route rules. */
export const OFFICERS = ['admin', 'province_officer', 'commune_officer'] as const satisfies readonly Role[];
export const READERS = ['admin', 'province_officer', 'commune_officer', 'viewer'] as const satisfies readonly Role[];
export const EVERYONE = ROLES;

/**
 * The part of the unit tree a user may see: everything (admin), a province, a commune (with its
 * villages), a village, or one team. Built once per request from the user's row.
 */
export type Scope =
  | { kind: 'all' }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'commune'; provinceCode: string; communeId: number }
  | { kind: 'village'; provinceCode: string; communeId: number; unitId: number }
  | { kind: 'team'; provinceCode: string; communeId: number; unitId: number; teamId: number };

/** The scope of the server's operator (CLI, demo, benchmarks): everything. */
export const ALL: Scope = { kind: 'all' };

interface UnitLike { id: number; level: string; parentId: number | null; provinceCode: string | null; validTo?: string | null }
interface TeamLike { id: number; unitId: number; communeId: number; provinceCode: string }

/** Whether a (current) unit lies in the scope. Dissolved units are catalogue facts, outside every officer's write scope. */
export function unitInScope(scope: Scope, unit: UnitLike): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'province':
      return unit.provinceCode === scope.provinceCode;
    case 'commune':
      return unit.id === scope.communeId || (unit.level === 'village' && unit.parentId === scope.communeId);
    case 'village':
    case 'team':
      return unit.id === scope.unitId;
  }
}

/** Whether a team lies in the scope. */
export function teamInScope(scope: Scope, team: TeamLike): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'province':
      return team.provinceCode === scope.provinceCode;
    case 'commune':
      return team.communeId === scope.communeId;
    case 'village':
      return team.unitId === scope.unitId;
    case 'team':
      return team.id === scope.teamId;
  }
}

/** Roles a user may create or reset, by the user's own role (never their own level or above, except admin). */
export const MANAGEABLE: Record<Role, readonly Role[]> = {
  admin: ROLES,
  province_officer: ['commune_officer', 'team_leader', 'member', 'viewer'],
  commune_officer: ['team_leader', 'member'],
  team_leader: [],
  member: [],
  viewer: [],
};

/**
 * Throws OUT_OF_SCOPE (403) unless `ok`; the error handler audits it with `target` (what was asked
 * for and the unit it lies in), so the targeted unit's officers see the attempt too.
 */
export function requireScope(ok: boolean, what: string, target?: RefusalTarget): void {
  if (!ok) {
    const err = new AppError('OUT_OF_SCOPE', `Bạn không có quyền với ${what} (ngoài phạm vi được giao).`);
    throw target ? err.refusing(target) : err;
  }
}

/** The audit target of a unit (a province, a commune or a village: placed in its commune). */
export function unitTarget(unit: { id: number; code: string | null; level: string; parentId: number | null; provinceCode: string | null }): RefusalTarget {
  return {
    entity: 'unit',
    id: unit.code ?? unit.id,
    provinceCode: unit.provinceCode ?? (unit.level === 'province' ? unit.code : null),
    communeId: unit.level === 'commune' ? unit.id : unit.level === 'village' ? unit.parentId : null,
  };
}

/** The audit target of a team. */
export function teamTarget(team: { id: number; communeId: number; provinceCode: string }): RefusalTarget {
  return { entity: 'team', id: team.id, provinceCode: team.provinceCode, communeId: team.communeId };
}
