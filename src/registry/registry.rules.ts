import type { Scope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { bumpRevision } from './registry.repo.js';
import { now } from '../text/clock.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';

/**
 * Rules every registry edit shares: who edits (the signed-in officer and their scope), days that
 * may not lie after today (Vietnam time), and the audit entry written in the edit's transaction.
 */
export interface Editor extends AuditActor {
  scope: Scope;
  /** the instant the date rules read; by default the current clock's (text/clock.ts) */
  now?: Date;
}

/** Today in Vietnam for the editor (YYYY-MM-DD): `editor.now`, else the current clock's. */
export const todayOf = (editor: Editor) => todayInVietnam(editor.now ?? now());

/** Refuses a day after today (400, naming the field): the registry records what happened, not plans. */
export function requireNotFuture(editor: Editor, day: string | null | undefined, path: string, what: string): void {
  if (!day) return;
  const today = todayOf(editor);
  if (day > today) throw new AppError('VALIDATION_FAILED', `${what} ${formatDateVi(day)} ở tương lai: hãy chọn một ngày đến hôm nay (${formatDateVi(today)}).`, { path });
}

/** A conflict with the registry as it stands (409), with what to do. */
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError('REGISTRY_CONFLICT', message, details);

/** The record changed since the editor read it (409): the answer carries the current version. */
export const versionConflict = (what: string, current: number) =>
  new AppError('VERSION_CONFLICT', `${what} vừa được người khác sửa (phiên bản ${current}); hãy tải lại để xem thay đổi rồi sửa lại.`, { version: current });

/**
 * Writes the audit entry of an edit in its transaction, placed in the unit tree (province, commune)
 * so the unit's officers see it, and bumps the registry revision (cached reports know they are stale).
 */
export async function auditEdit(
  tx: Db,
  editor: Editor,
  entry: { action: string; entity: 'team' | 'member' | 'village'; entityId: number | string; provinceCode: string | null; communeId: number | null; before?: unknown; after?: unknown },
): Promise<void> {
  await recordAudit(tx, { userId: editor.userId, ip: editor.ip, ...entry });
  await bumpRevision(tx);
}
