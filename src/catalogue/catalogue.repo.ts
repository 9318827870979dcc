import { and, asc, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import { requireScope, type Scope } from '../access/access.policy.js';
import { unitInScopeSql } from '../access/scope.sql.js';
import { reserveIds } from '../db/sequences.js';
import { type Db, queryRows } from '../db/client.js';
import { adminUnits, adminUnitSuccessors, catalogueIssues } from './catalogue.schema.js';

/** All SQL of the catalogue module. Rows are `adminUnits.$inferSelect`. */
export type UnitRow = typeof adminUnits.$inferSelect;

/** Every unit carrying `code` (a code can name an old unit and a new one). */
export function unitsByCode(db: Db, code: string): Promise<UnitRow[]> {
  return db.select().from(adminUnits).where(eq(adminUnits.code, code)).orderBy(asc(adminUnits.validFrom));
}

/** Every unit carrying any of `codes`, grouped by code (old and new units alike, oldest first). */
export async function unitsByCodes(db: Db, codes: string[]): Promise<Map<string, UnitRow[]>> {
  const byCode = new Map<string, UnitRow[]>(codes.map((c) => [c, []]));
  if (codes.length === 0) return byCode;
  const rows = await db.select().from(adminUnits).where(inArray(adminUnits.code, [...byCode.keys()])).orderBy(asc(adminUnits.validFrom));
  for (const row of rows) byCode.get(row.code!)?.push(row);
  return byCode;
}

export async function unitById(db: Db, id: number): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(adminUnits).where(eq(adminUnits.id, id));
  return row;
}

export function unitsByIds(db: Db, ids: number[]): Promise<UnitRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(adminUnits).where(inArray(adminUnits.id, ids));
}

/** Current children of a unit (province → communes, commune → villages). */
export function currentChildren(db: Db, parentId: number): Promise<UnitRow[]> {
  return db
    .select()
    .from(adminUnits)
    .where(and(eq(adminUnits.parentId, parentId), isNull(adminUnits.validTo)));
}

/** Current provinces. */
export function provinces(db: Db): Promise<UnitRow[]> {
  return db.select().from(adminUnits).where(eq(adminUnits.level, 'province')).orderBy(asc(adminUnits.code));
}

/**
 * Names of the pre-2025 provinces with the current provinces their units lie in, and how many
 * units each (the package files some units under a wrong old province: the count tells the
 * province a name really merged into from the stray rows).
 */
export function oldProvinceNames(db: Db): Promise<{ name: string; provinceCode: string; units: number }[]> {
  return queryRows(
    db,
    sql`select old_province_name as name, province_code as "provinceCode", count(*)::int as units from admin_units
         where old_province_name is not null and province_code is not null group by 1, 2`,
  );
}

/** Units of one current province used to resolve names: current communes, their villages, and dissolved communes and districts. */
export function unitsOfProvince(db: Db, provinceCode: string): Promise<UnitRow[]> {
  return db.select().from(adminUnits).where(eq(adminUnits.provinceCode, provinceCode));
}

/** predecessor → successor pairs touching the given unit ids (either side). */
export function successionOf(db: Db, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(adminUnitSuccessors)
    .where(sql`${adminUnitSuccessors.predecessorId} in ${ids} or ${adminUnitSuccessors.successorId} in ${ids}`);
}

/** Successor pairs for dissolved units of one province. */
export function successionInProvince(db: Db, provinceCode: string) {
  return db
    .select({ predecessorId: adminUnitSuccessors.predecessorId, successorId: adminUnitSuccessors.successorId })
    .from(adminUnitSuccessors)
    .innerJoin(adminUnits, eq(adminUnits.id, adminUnitSuccessors.predecessorId))
    .where(eq(adminUnits.provinceCode, provinceCode));
}

/** Units whose search key contains `q` (already a search key), current first, at most `limit`. */
export function searchUnits(db: Db, q: string, limit: number): Promise<UnitRow[]> {
  return db
    .select()
    .from(adminUnits)
    .where(sql`${adminUnits.searchKey} like ${'%' + q.replace(/[%_\\]/g, '\\$&') + '%'}`)
    .orderBy(sql`${adminUnits.validTo} is not null`, asc(adminUnits.level), asc(adminUnits.searchKey))
    .limit(limit);
}

export function listIssues(db: Db) {
  return db.select().from(catalogueIssues).orderBy(asc(catalogueIssues.repaired), asc(catalogueIssues.kind), asc(catalogueIssues.id));
}

/**
 * Villages of the given communes that lie in `scope`, current and ended (merged villages keep
 * their codes taken), each with its earlier names (`admin_unit_names`: renamed, or the name of a
 * village merged into it), so a file written with an old name still finds the village.
 */
export function villagesOfCommunes(db: Db, communeIds: number[], scope: Scope): Promise<(UnitRow & { earlierNames: string[] })[]> {
  if (communeIds.length === 0) return Promise.resolve([]);
  return db
    .select({ ...getTableColumns(adminUnits), earlierNames: sql<string[]>`array(select n.name from admin_unit_names n where n.unit_id = ${adminUnits.id} order by n.valid_to desc)` })
    .from(adminUnits)
    .where(and(eq(adminUnits.level, 'village'), inArray(adminUnits.parentId, communeIds), unitInScopeSql(scope, 'admin_units')));
}

/**
 * Inserts villages (codes already assigned by the caller), returning them in input order. Each
 * must sit under a commune of `scope` (a province's, or the commune officer's own): OUT_OF_SCOPE
 * otherwise, nothing inserted.
 */
export async function insertVillages(db: Db, rows: (typeof adminUnits.$inferInsert)[], scope: Scope): Promise<UnitRow[]> {
  if (rows.length === 0) return [];
  for (const r of rows) {
    const ok = scope.kind === 'all' || (scope.kind === 'province' && r.provinceCode === scope.provinceCode) || (scope.kind === 'commune' && r.parentId === scope.communeId);
    requireScope(ok && r.level === 'village', `thôn "${r.name}"`, { entity: 'unit', id: r.code ?? null, provinceCode: r.provinceCode ?? null, communeId: r.parentId ?? null });
  }
  // arrays (`unnest`) with ids drawn first: a 2,000-row VALUES statement costs more to plan than to run
  const ids = await reserveIds(db, 'admin_units', 'id', rows.length);
  const units: UnitRow[] = rows.map((r, i) => ({
    id: ids[i], code: r.code ?? null, level: r.level, kind: r.kind, name: r.name, shortName: r.shortName, nameKey: r.nameKey, searchKey: r.searchKey,
    parentId: r.parentId ?? null, provinceCode: r.provinceCode ?? null, oldProvinceName: r.oldProvinceName ?? null, validFrom: r.validFrom ?? null, validTo: r.validTo ?? null, source: r.source,
  }));
  const column = <T>(f: (u: UnitRow) => T) => sql.param(units.map(f));
  await db.execute(sql`insert into admin_units (id, code, level, kind, name, short_name, name_key, search_key, parent_id, province_code, old_province_name, valid_from, valid_to, source)
    select * from unnest(${column((u) => u.id)}::int[], ${column((u) => u.code)}::text[], ${column((u) => u.level)}::text[], ${column((u) => u.kind)}::text[], ${column((u) => u.name)}::text[],
      ${column((u) => u.shortName)}::text[], ${column((u) => u.nameKey)}::text[], ${column((u) => u.searchKey)}::text[], ${column((u) => u.parentId)}::int[], ${column((u) => u.provinceCode)}::text[],
      ${column((u) => u.oldProvinceName)}::text[], ${column((u) => u.validFrom)}::date[], ${column((u) => u.validTo)}::date[], ${column((u) => u.source)}::text[])`);
  return units;
}

/**
 * For each search key (of a short name: "mai son"), the provinces having a unit of `level` of that
 * name, current or pre-2025 ("which province has an old district called Mai Sơn"). Keys with no
 * unit are left out.
 */
export async function provincesNaming(db: Db, level: 'district' | 'commune', keys: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (keys.length === 0) return out;
  const rows = await db
    .selectDistinct({ key: adminUnits.searchKey, provinceCode: adminUnits.provinceCode })
    .from(adminUnits)
    .where(and(eq(adminUnits.level, level), inArray(adminUnits.searchKey, keys)));
  for (const r of rows) if (r.provinceCode) out.set(r.key, (out.get(r.key) ?? new Set()).add(r.provinceCode));
  return out;
}

/**
 * Names of the villages under `communeIds` and their commune, whatever the caller's scope: only
 * whether a village already exists under a commune, never the village's row, so that an import
 * never registers one village of a split old commune a second time under another successor.
 */
export function villagePlaces(db: Db, communeIds: number[]): Promise<{ name: string; parentId: number }[]> {
  if (communeIds.length === 0) return Promise.resolve([]);
  return db
    .select({ name: adminUnits.name, parentId: sql<number>`${adminUnits.parentId}` })
    .from(adminUnits)
    .where(and(eq(adminUnits.level, 'village'), inArray(adminUnits.parentId, communeIds)));
}
