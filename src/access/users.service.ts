import { unitsByCode } from '../catalogue/catalogue.repo.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { teamById } from '../registry/registry.repo.js';
import { normalizePhone } from '../text/phone.js';
import { cleanText, compareVietnameseNames, searchKey } from '../text/vietnamese.js';
import { ALL, MANAGEABLE, type Role, type Scope, requireScope, unitInScope, unitTarget } from './access.policy.js';
import * as repo from './access.repo.js';
import type { UserRow } from './access.repo.js';
import { USERNAME, USERNAME_PROBLEM } from './auth.contract.js';
import { checkPassword, hashPassword, issueResetCode } from './auth.service.js';
import { userPlace } from './place.js';

export { userPlace };

/** The signed-in user as the request sees it. */
export interface Actor extends AuditActor {
  user: UserRow;
  userId: number;
  scope: Scope;
}

/** Builds a user's scope from their role and anchors (unit, team). An officer without a unit sees nothing. */
export async function scopeOf(db: Db, user: UserRow): Promise<Scope> {
  if (user.role === 'admin') return { kind: 'all' };
  const a = await repo.scopeAnchors(db, user.id);
  if ((user.role === 'team_leader' || user.role === 'member') && a?.teamId) {
    return { kind: 'team', teamId: a.teamId, unitId: a.teamUnitId!, communeId: a.teamCommuneId!, provinceCode: a.teamProvinceCode! };
  }
  if (!a?.unitId) return { kind: 'province', provinceCode: '__none__' };
  if (a.unitLevel === 'province') return { kind: 'province', provinceCode: a.provinceCode! };
  if (a.unitLevel === 'commune') return { kind: 'commune', communeId: a.unitId, provinceCode: a.provinceCode! };
  return { kind: 'village', unitId: a.unitId, communeId: a.unitParentId!, provinceCode: a.provinceCode! };
}

export interface NewUser {
  fullName: string;
  username?: string;
  phone?: string;
  password: string;
  role: Role;
  /** unit code (province, commune or village) the user works in; not for admins */
  unit?: string;
  /** team id, for team leaders and members */
  teamId?: number;
  mustChangePassword?: boolean;
}

/**
 * Creates an account. `actor` null = the first-run setup or the `ngoso admin create` command.
 * Rules: an actor creates only roles below their own (MANAGEABLE) inside their scope; officers
 * need a unit; leaders and members need a team. Errors: FORBIDDEN, OUT_OF_SCOPE, USER_EXISTS,
 * PASSWORD_WEAK, VALIDATION_FAILED, UNIT_NOT_FOUND, TEAM_NOT_FOUND.
 */
export async function createUser(db: Db, input: NewUser, actor: Actor | null, origin: { ip: string | null } = { ip: null }): Promise<UserRow> {
  if (actor && !MANAGEABLE[actor.user.role].includes(input.role)) {
    throw new AppError('FORBIDDEN', `Tài khoản của bạn không được tạo tài khoản vai trò "${input.role}".`);
  }
  const username = input.username?.trim().toLowerCase() || undefined;
  if (username && !USERNAME.test(username)) throw new AppError('VALIDATION_FAILED', USERNAME_PROBLEM);
  let phone: string | undefined;
  if (input.phone) {
    const p = normalizePhone(input.phone);
    if (!p.ok) throw new AppError('VALIDATION_FAILED', `Số điện thoại: ${p.reason}.`);
    phone = p.e164;
  }
  if (!username && !phone) throw new AppError('VALIDATION_FAILED', 'Cần tên đăng nhập hoặc số điện thoại.');
  checkPassword(input.password, [username ?? '', phone ?? '']);

  const { scopeUnitId, scopeTeamId, provinceCode, communeId } = await placeAccount(db, input.role, { unit: input.unit, teamId: input.teamId }, actor ? actor.scope : ALL);
  const existing = await repo.userByLogin(db, { username, phone });
  if (existing) throw new AppError('USER_EXISTS', 'Đã có tài khoản với tên đăng nhập hoặc số điện thoại này.');
  return db.transaction(async (tx) => {
    const user = await repo.insertUser(tx, {
      fullName: cleanText(input.fullName),
      username: username ?? null,
      phone: phone ?? null,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      scopeUnitId,
      scopeTeamId,
      mustChangePassword: input.mustChangePassword ?? !!actor,
    });
    await recordAudit(tx, {
      userId: actor?.userId ?? null,
      ip: actor?.ip ?? origin.ip,
      action: 'user.created',
      entity: 'user',
      entityId: user.id,
      provinceCode,
      communeId,
      after: { fullName: user.fullName, username: user.username, role: user.role, scopeUnitId, scopeTeamId },
    });
    return user;
  });
}

/** Where an account works: its unit (and team), and the province and commune its audit entries sit at. */
export interface Placement {
  scopeUnitId: number | null;
  scopeTeamId: number | null;
  provinceCode: string | null;
  communeId: number | null;
}

/**
 * Where an account of `role` works: team leaders and members on a team (its unit), officers and
 * inspectors on a unit of their level (a province officer on a province, a commune officer on a
 * commune; an inspector on any current unit), admins nowhere. Both must lie in `scope`:
 * a team outside it is "not found" (TEAM_NOT_FOUND, audited as a refusal), a unit outside it
 * OUT_OF_SCOPE. Errors: VALIDATION_FAILED (missing or wrong-level unit, no team), UNIT_NOT_FOUND.
 */
export async function placeAccount(db: Db, role: Role, where: { unit?: string; teamId?: number }, scope: Scope): Promise<Placement> {
  if (role === 'team_leader' || role === 'member') {
    if (!where.teamId) throw new AppError('VALIDATION_FAILED', 'Tổ trưởng và thành viên cần thuộc một tổ (teamId).');
    const team = await teamById(db, where.teamId, scope);
    if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã số ${where.teamId}.`).refusing({ entity: 'team', id: where.teamId });
    return { scopeTeamId: team.id, scopeUnitId: team.unitId, provinceCode: team.provinceCode, communeId: team.communeId };
  }
  if (role === 'admin') return { scopeUnitId: null, scopeTeamId: null, provinceCode: null, communeId: null };
  if (!where.unit) throw new AppError('VALIDATION_FAILED', 'Cần đơn vị (mã tỉnh, xã hoặc thôn) của tài khoản.');
  const unit = (await unitsByCode(db, where.unit)).find((u) => !u.validTo);
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hiện hành mã "${where.unit}".`);
  if (role === 'province_officer' && unit.level !== 'province') throw new AppError('VALIDATION_FAILED', 'Cán bộ tỉnh phải gắn với một tỉnh.');
  if (role === 'commune_officer' && unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', 'Cán bộ xã phải gắn với một xã/phường.');
  requireScope(unitInScope(scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
  return { scopeUnitId: unit.id, scopeTeamId: null, provinceCode: unit.provinceCode, communeId: unit.level === 'commune' ? unit.id : unit.level === 'village' ? unit.parentId : null };
}

/** The officer's own kind of scope allows managing accounts (a province, a commune, or everything); FORBIDDEN otherwise. */
export function requireAccountManager(actor: Actor): void {
  const kind = actor.scope.kind;
  if (kind !== 'all' && kind !== 'province' && kind !== 'commune') throw new AppError('FORBIDDEN', 'Tài khoản của bạn không quản lý tài khoản khác.');
}

/** Most accounts one search answers. */
export const USER_SEARCH_LIMIT = 200;

/**
 * Users the actor may see: those whose unit lies in the actor's scope, the Vietnamese way by given
 * name (phones are masked by the route's presenter). With `q`: those whose name, user name or phone holds it, diacritics, case and
 * spacing ignored (searchKey of text/vietnamese.ts: "nguyen van an" finds "Nguyễn Văn An"; "0912 345"
 * finds +84912345…), at most USER_SEARCH_LIMIT.
 */
export async function listUsers(db: Db, actor: Actor, q?: string) {
  requireAccountManager(actor);
  const all = (await repo.usersInScope(db, actor.scope)).sort((a, b) => compareVietnameseNames(a.fullName, b.fullName) || a.id - b.id);
  const key = q ? searchKey(q) : '';
  if (!key) return all;
  const digits = /^[\d\s.+-]+$/.test(q!.trim()) ? q!.replace(/\D/g, '').replace(/^(84|0)/, '') : '';
  return all
    .filter((u) => (digits.length >= 3 && (u.phone ?? '').slice(3).includes(digits)) || searchKey(`${u.fullName} ${u.username ?? ''}`).includes(key))
    .slice(0, USER_SEARCH_LIMIT);
}

/**
 * An officer resets a user's password: returns a one-time code to hand over. The user must pick a
 * new password with it. Target must be in scope and of a role the actor manages; a user outside
 * scope is reported as not found (existence is not disclosed).
 */
export async function resetUserPassword(db: Db, userId: number, actor: Actor) {
  // read within the actor's scope: an account outside it is "not found" (audited as a refusal)
  const target = await repo.userInScopeById(db, userId, actor.scope);
  if (!target) throw new AppError('USER_NOT_FOUND', `Không có tài khoản mã số ${userId}.`).refusing({ entity: 'user', id: userId });
  if (!MANAGEABLE[actor.user.role].includes(target.role)) throw new AppError('FORBIDDEN', 'Bạn không được đặt lại mật khẩu cho tài khoản có vai trò này.');
  return db.transaction(async (tx) => {
    const code = await issueResetCode(tx, target.id);
    const place = await userPlace(tx, target);
    await recordAudit(tx, { userId: actor.userId, ip: actor.ip, action: 'user.password_reset_issued', entity: 'user', entityId: target.id, provinceCode: place.provinceCode, communeId: place.communeId });
    return { userId: target.id, fullName: target.fullName, ...code };
  });
}

/** Whether the first-run setup page may still be used (no active admin yet). */
export async function needsSetup(db: Db): Promise<boolean> {
  return (await repo.countAdmins(db)) === 0;
}

/** First-run: creates the first admin, only while there is none (SETUP_DONE otherwise). */
export async function setupFirstAdmin(db: Db, input: Omit<NewUser, 'role' | 'unit' | 'teamId'>, origin: { ip: string | null }): Promise<UserRow> {
  if (!(await needsSetup(db))) throw new AppError('SETUP_DONE', 'Hệ thống đã có quản trị viên; trang khởi tạo không còn dùng được.');
  return createUser(db, { ...input, role: 'admin', mustChangePassword: false }, null, origin);
}

