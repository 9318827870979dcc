import { sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { type UnitRow, unitsByCodes } from '../catalogue/catalogue.repo.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';

export interface PopulationRow { unit: string; year: number; population: number; households?: number | null }

/**
 * Stores population figures per commune and year (replacing figures of the same commune and
 * year), for coverage in the support report. All rows or none: an unknown or dissolved code, a
 * unit that is not a commune, or one outside the caller's scope fails the whole batch with the
 * row number. Errors: VALIDATION_FAILED (400), OUT_OF_SCOPE (403).
 */
export async function savePopulation(db: Db, rows: PopulationRow[], actor: AuditActor & { scope: Scope }): Promise<{ saved: number }> {
  const units = await unitsByCodes(db, rows.map((r) => r.unit));
  const resolved = rows.map((r, i) => {
    const unit = units.get(r.unit)!.find((u) => !u.validTo);
    if (!unit) throw new AppError('VALIDATION_FAILED', `Dòng ${i + 1}: không có xã/phường hiện hành mã "${r.unit}" (mã 5 chữ số của Tổng cục Thống kê, sau 01/07/2025).`);
    if (unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', `Dòng ${i + 1}: "${unit.name}" không phải xã/phường; dân số nhập theo từng xã.`);
    requireScope(unitInScope(actor.scope, unit), `xã "${unit.name}"`, unitTarget(unit));
    return { unit, year: r.year, population: r.population, households: r.households ?? null };
  });
  return writePopulation(db, resolved, actor);
}

/**
 * Writes figures of communes already checked (current, communes, in the actor's scope) in one
 * transaction with its audit entry; the same commune and year is replaced.
 */
export async function writePopulation(db: Db, rows: { unit: UnitRow; year: number; population: number; households: number | null }[], actor: AuditActor): Promise<{ saved: number }> {
  const col = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into unit_population (unit_id, year, population, households)
                         select * from unnest(${col((r) => r.unit.id)}::int[], ${col((r) => r.year)}::smallint[], ${col((r) => r.population)}::int[], ${col((r) => r.households)}::int[])
                         on conflict (unit_id, year) do update set population = excluded.population, households = excluded.households`);
    await recordAudit(tx, { ...actor, action: 'population.saved', entity: 'unit_population', provinceCode: rows[0]?.unit.provinceCode ?? null, after: { rows: rows.length, years: [...new Set(rows.map((r) => r.year))] } });
  });
  return { saved: rows.length };
}
