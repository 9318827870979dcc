import type { Scope } from '../access/access.policy.js';
import { requireScope } from '../access/access.policy.js';
import { type AuditActor, recordAudit } from '../audit/audit.service.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { cleanText } from '../text/vietnamese.js';
import { serviceByCode, type ServiceRow, upsertService } from './sessions.repo.js';

export interface ServiceInput { code: string; name: string; icon: string; provinceCode: string | null; sortOrder?: number; active?: boolean }

/**
 * Adds a service to the catalogue or changes one (same `code`): national services (provinceCode
 * null) by an admin only, a province's own by an admin or that province's officer. A code keeps
 * its province: moving a service between provinces or to the national list is refused (sessions
 * already counted under it would change meaning). Services are never deleted, only set inactive.
 * Errors: OUT_OF_SCOPE (403), VALIDATION_FAILED (400).
 */
export async function saveService(db: Db, input: ServiceInput, actor: AuditActor & { scope: Scope }): Promise<ServiceRow> {
  if (input.provinceCode === null) requireScope(actor.scope.kind === 'all', 'danh mục dịch vụ toàn quốc');
  else requireScope(actor.scope.kind === 'all' || (actor.scope.kind === 'province' && actor.scope.provinceCode === input.provinceCode), `danh mục dịch vụ của tỉnh mã ${input.provinceCode}`, { entity: 'unit', id: input.provinceCode, provinceCode: input.provinceCode });
  const before = await serviceByCode(db, input.code);
  if (before && before.provinceCode !== input.provinceCode) {
    throw new AppError('VALIDATION_FAILED', `Mã dịch vụ "${input.code}" đã thuộc ${before.provinceCode ? `tỉnh mã ${before.provinceCode}` : 'danh mục toàn quốc'}; hãy chọn mã khác.`);
  }
  return db.transaction(async (tx) => {
    const row = await upsertService(tx, { code: input.code, provinceCode: input.provinceCode, name: cleanText(input.name), icon: input.icon, sortOrder: input.sortOrder ?? before?.sortOrder ?? 100, active: input.active ?? true });
    await recordAudit(tx, { ...actor, action: before ? 'service.updated' : 'service.created', entity: 'support_service', entityId: row.id, provinceCode: input.provinceCode, before: before ?? null, after: row });
    return row;
  });
}
