import { and, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { now } from '../text/clock.js';
import { auditLog } from './audit.schema.js';

/**
 * The audit log. Services call `recordAudit` with the transaction that makes the change, so the
 * entry and the change commit or roll back together (no hooks, no triggers for writing).
 */
export interface AuditEntry {
  userId: number | null;
  ip: string | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  provinceCode?: string | null;
  communeId?: number | null;
  /** a refusal's target unit: the entry shows in that unit's log too */
  targetProvinceCode?: string | null;
  targetCommuneId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Who is acting, for audit entries: the signed-in user and the client address. */
export interface AuditActor {
  userId: number | null;
  ip: string | null;
}

/** Appends `entry`, at the current clock's instant (text/clock.ts), not the database's `now()`. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    at: now(),
    userId: entry.userId,
    ip: entry.ip,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    provinceCode: entry.provinceCode ?? null,
    communeId: entry.communeId ?? null,
    targetProvinceCode: entry.targetProvinceCode ?? null,
    targetCommuneId: entry.targetCommuneId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

/**
 * Audit entries of a unit's subtree (province → by province code; commune → by commune id), with
 * the refusals aimed at it (target columns), newest first; `from`/`to` are instants (ISO strings).
 * At most `limit` rows.
 */
export function auditEntries(db: Db, where: { provinceCode?: string; communeId?: number; all?: boolean }, opts: { from?: string; to?: string; limit: number }) {
  const conds = [
    where.all
      ? undefined
      : where.communeId
        ? or(eq(auditLog.communeId, where.communeId), eq(auditLog.targetCommuneId, where.communeId))
        : where.provinceCode
          ? or(eq(auditLog.provinceCode, where.provinceCode), eq(auditLog.targetProvinceCode, where.provinceCode))
          : sql`false`,
    opts.from ? gte(auditLog.at, new Date(opts.from)) : undefined,
    opts.to ? lt(auditLog.at, new Date(opts.to)) : undefined,
  ].filter(Boolean);
  return db
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(opts.limit);
}
