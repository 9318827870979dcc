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

/** The owner key of a scope's remembered mappings: '' national, 'p:<province>', 'c:<commune id>'. */
export function mappingOwner(scope: Scope): string {
  if (scope.kind === 'all') return '';
  if (scope.kind === 'province') return `p:${scope.provinceCode}`;
  return `c:${scope.communeId}`;
}

/**
 * The remembered mappings of the given header shapes that apply to an importer with `scope`: the
 * importer's commune's own, else its province's, else the national one (most specific first, one
 * per shape). A commune officer's correction never changes how another unit's files are read.
 */
export async function savedMappings(db: Db, shapeKeys: string[], scope: Scope): Promise<SavedMapping[]> {
  if (shapeKeys.length === 0) return [];
  const owners = scope.kind === 'all' ? [''] : ['', `p:${scope.provinceCode}`, ...('communeId' in scope ? [`c:${scope.communeId}`] : [])];
  const rows = await queryRows<SavedMapping & { ownerKey: string }>(
    db,
    sql`select m.shape_key as "shapeKey", m.owner_key as "ownerKey", m.headers, m.mapping, m.user_id as "userId", m.updated_at as "updatedAt" from import_mappings m
         where m.shape_key = any(${sql.param([...new Set(shapeKeys)])}::text[]) and m.owner_key = any(${sql.param(owners)}::text[])`,
  );
  const best = new Map<string, SavedMapping & { ownerKey: string }>();
  for (const r of rows.sort((a, b) => owners.indexOf(a.ownerKey) - owners.indexOf(b.ownerKey))) best.set(r.shapeKey, { ...r, updatedAt: new Date(r.updatedAt) });
  return [...best.values()];
}

/** Stores (or replaces) the mapping a unit (`ownerKey`, see mappingOwner) remembers for a header shape. */
export async function upsertMapping(db: Db, row: { shapeKey: string; ownerKey: string; headers: string[]; mapping: Record<number, string | null>; userId: number | null }): Promise<void> {
  await db
    .insert(importMappings)
    .values({ ...row, updatedAt: new Date() })
    .onConflictDoUpdate({ target: [importMappings.shapeKey, importMappings.ownerKey], set: { headers: row.headers, mapping: row.mapping, userId: row.userId, updatedAt: new Date() } });
}
