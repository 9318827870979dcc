import { unitById } from '../catalogue/catalogue.repo.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { ALL, MANAGEABLE, ROLE_LABELS, type Role } from './access.policy.js';
import * as repo from './access.repo.js';
import { NOTHING_TO_CHANGE, type UpdateUserBody } from './auth.contract.js';
import { userPlace } from './place.js';
import { type Actor, placeAccount, requireAccountManager } from './users.service.js';

/** What of an account PATCH /api/users/:id changes, as its audit entry shows it before and after. */
interface Settings {
  role: string;
  unit: string | null;
  teamId: number | null;
  disabled: boolean;
}
const TEAM_ROLES: readonly Role[] = ['team_leader', 'member'];

/**
 * An officer changes an account: its role, its unit or team, and whether it is disabled
 * (PATCH /api/users/:id). Rules (access.policy.ts):
 * - the account lies in the officer's scope (USER_NOT_FOUND otherwise, audited as a refusal: an
 *   account outside it is not disclosed);
 * - never one's own account, nor one of one's own role or above (MANAGEABLE), and the new role is
 *   below one's own too (FORBIDDEN, audited);
 * - the new unit or team lies in the scope and fits the role (placeAccount: team leaders and members
 *   on a team, a commune officer on a commune…); left out, the account keeps its unit or team;
 * - disabling ends the account's sessions at once; re-enabling lets it sign in again.
 * The change and its audit entry (before/after of what changed; at the account's new place and, when
 * it moved, its old one too) are written in one transaction, with the account's row locked, so two
 * officers' changes apply one after the other. Returns the account as the list shows it and the
 * names of the settings that changed (none: nothing written).
 */
export async function changeUser(db: Db, userId: number, input: UpdateUserBody, actor: Actor) {
  requireAccountManager(actor);
  if (Object.values(input).every((v) => v === undefined)) throw new AppError('VALIDATION_FAILED', NOTHING_TO_CHANGE);
  if (userId === actor.userId) throw new AppError('FORBIDDEN', 'Bạn không tự đổi vai trò, đơn vị hay khoá tài khoản của chính mình; hãy nhờ cán bộ cấp trên.');
  return db.transaction(async (tx) => {
    const seen = await repo.userInScopeById(tx, userId, actor.scope);
    if (!seen) throw new AppError('USER_NOT_FOUND', `Không có tài khoản mã số ${userId}.`).refusing({ entity: 'user', id: userId });
    // the row as it is now, locked: a change made meanwhile by another officer is seen here
    const current = (await repo.lockUser(tx, userId))!;
    const mine = MANAGEABLE[actor.user.role];
    if (!mine.includes(current.role)) {
      throw new AppError('FORBIDDEN', `Tài khoản của ${current.fullName} có vai trò ${ROLE_LABELS[current.role]}, ngang hoặc trên vai trò của bạn: bạn không sửa hay khoá được.`).refusing({ entity: 'user', id: userId });
    }
    const role = input.role ?? current.role;
    if (!mine.includes(role)) throw new AppError('FORBIDDEN', `Bạn không được giao vai trò "${ROLE_LABELS[role]}" (chỉ: ${mine.map((r) => ROLE_LABELS[r]).join(', ')}).`).refusing({ entity: 'user', id: userId });
    const onTeam = TEAM_ROLES.includes(role);
    if (onTeam && input.unit !== undefined) throw new AppError('VALIDATION_FAILED', 'Tổ trưởng và thành viên gắn với một tổ: hãy chọn tổ (teamId), không chọn đơn vị.');
    if (!onTeam && input.teamId !== undefined) throw new AppError('VALIDATION_FAILED', `${ROLE_LABELS[role]} gắn với một đơn vị, không gắn với tổ: hãy chọn đơn vị (unit).`);
    const currentUnit = current.scopeUnitId ? await unitById(tx, current.scopeUnitId) : undefined;
    const place = await placeAccount(
      tx,
      role,
      onTeam ? { teamId: input.teamId ?? current.scopeTeamId ?? undefined } : { unit: input.unit ?? currentUnit?.code ?? undefined },
      actor.scope,
    );
    const newUnit = place.scopeUnitId === current.scopeUnitId ? currentUnit : place.scopeUnitId ? await unitById(tx, place.scopeUnitId) : undefined;
    const before: Settings = { role: current.role, unit: currentUnit?.code ?? null, teamId: current.scopeTeamId, disabled: current.disabled };
    const after: Settings = { role, unit: newUnit?.code ?? null, teamId: place.scopeTeamId, disabled: input.disabled ?? current.disabled };
    const changed = (Object.keys(before) as (keyof Settings)[]).filter((k) => before[k] !== after[k]);
    if (changed.length) {
      const oldPlace = await userPlace(tx, current);
      await repo.updateUser(tx, userId, { role, scopeUnitId: place.scopeUnitId, scopeTeamId: place.scopeTeamId, disabled: after.disabled });
      // a disabled account is signed out everywhere at once (sessionUser refuses it too)
      if (after.disabled && !before.disabled) await repo.deleteSessionsOf(tx, userId);
      const moved = oldPlace.provinceCode !== place.provinceCode || oldPlace.communeId !== place.communeId;
      await recordAudit(tx, {
        userId: actor.userId,
        ip: actor.ip,
        action: changed.length === 1 && changed[0] === 'disabled' ? (after.disabled ? 'user.disabled' : 'user.enabled') : 'user.updated',
        entity: 'user',
        entityId: userId,
        provinceCode: place.provinceCode,
        communeId: place.communeId,
        // an account moved to another unit shows in the log of the unit it left as well
        ...(moved ? { targetProvinceCode: oldPlace.provinceCode, targetCommuneId: oldPlace.communeId } : {}),
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      });
    }
    const [user] = await repo.usersInScope(tx, ALL, { id: userId });
    return { user, changed };
  });
}
