import { desc, inArray, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import { importLog, importMappings } from './imports.schema.js';

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

/** A remembered column mapping: the header cells it was made for, column index → field (or null), who saved it and when. */
export interface SavedMapping {
  shapeKey: string;
  headers: string[];
  mapping: Record<string, string | null>;
  userId: number | null;
  updatedAt: Date;
}

/**
 * The remembered mappings of the given header shapes that apply to an importer with `scope`:
 * those saved by the operator (CLI, no user) or an admin, by an officer of the importer's province
 * (for a province or commune importer there), or by an officer of the importer's own commune. A
 * commune officer's correction never changes how another commune's files are read.
 */
export async function savedMappings(db: Db, shapeKeys: string[], scope: Scope): Promise<SavedMapping[]> {
  if (shapeKeys.length === 0) return [];
  const savedBy =
    scope.kind === 'all'
      ? sql`true`
      : sql`(m.user_id is null or exists (select 1 from users x left join admin_units u on u.id = x.scope_unit_id where x.id = m.user_id and (x.role = 'admin'
            or (u.level = 'province' and u.code = ${scope.provinceCode})
            ${'communeId' in scope ? sql`or (u.level = 'commune' and u.id = ${scope.communeId})` : sql``})))`;
  return queryRows<SavedMapping>(
    db,
    sql`select m.shape_key as "shapeKey", m.headers, m.mapping, m.user_id as "userId", m.updated_at as "updatedAt" from import_mappings m
         where m.shape_key = any(${sql.param([...new Set(shapeKeys)])}::text[]) and ${savedBy}`,
  ).then((rows) => rows.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt) })));
}

/** Stores (or replaces) the mapping remembered for a header shape. */
export async function upsertMapping(db: Db, row: { shapeKey: string; headers: string[]; mapping: Record<number, string | null>; userId: number | null }): Promise<void> {
  await db
    .insert(importMappings)
    .values({ ...row, updatedAt: new Date() })
    .onConflictDoUpdate({ target: importMappings.shapeKey, set: { headers: row.headers, mapping: row.mapping, userId: row.userId, updatedAt: new Date() } });
}
