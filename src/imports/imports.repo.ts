import { desc, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import type { Db } from '../db/client.js';
import { importLog } from './imports.schema.js';

/** The newest `limit` committed imports that touched the scope (by province or commune). */
export function importLogEntries(db: Db, scope: Scope, limit: number) {
  const where =
    scope.kind === 'all' ? undefined : scope.kind === 'province' ? sql`${scope.provinceCode} = any(${importLog.provinceCodes})` : sql`${scope.communeId}::int = any(${importLog.communeIds})`;
  return db
    .select({ id: importLog.id, fileName: importLog.fileName, fileHash: importLog.fileHash, format: importLog.format, rows: importLog.rows, counts: importLog.counts, importedAt: importLog.importedAt, userId: importLog.userId })
    .from(importLog)
    .where(where)
    .orderBy(desc(importLog.id))
    .limit(limit);
}
