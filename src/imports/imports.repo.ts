import { desc, inArray, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import type { Db } from '../db/client.js';
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

/** The remembered mappings of the given header shapes (missing shapes are simply absent). */
export async function savedMappings(db: Db, shapeKeys: string[]): Promise<SavedMapping[]> {
  if (shapeKeys.length === 0) return [];
  return (await db.select().from(importMappings).where(inArray(importMappings.shapeKey, [...new Set(shapeKeys)]))) as SavedMapping[];
}

/** Stores (or replaces) the mapping remembered for a header shape. */
export async function upsertMapping(db: Db, row: { shapeKey: string; headers: string[]; mapping: Record<number, string | null>; userId: number | null }): Promise<void> {
  await db
    .insert(importMappings)
    .values({ ...row, updatedAt: new Date() })
    .onConflictDoUpdate({ target: importMappings.shapeKey, set: { headers: row.headers, mapping: row.mapping, userId: row.userId, updatedAt: new Date() } });
}
