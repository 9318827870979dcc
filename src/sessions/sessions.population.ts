import { sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope } from '../access/access.policy.js';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { unitsByCode } from '../catalogue/catalogue.repo.js';
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
  const resolved: { unitId: number; year: number; population: number; households: number | null; provinceCode: string | null }[] = [];
  for (const [i, r] of rows.entries()) {
    const unit = (await unitsByCode(db, r.unit)).find((u) => !u.validTo);
    if (!unit) throw new AppError('VALIDATION_FAILED', `Dòng ${i + 1}: không có xã/phường hiện hành mã "${r.unit}" (mã 5 chữ số của Tổng cục Thống kê, sau 01/07/2025).`);
    if (unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', `Dòng ${i + 1}: "${unit.name}" không phải xã/phường; dân số nhập theo từng xã.`);
    requireScope(unitInScope(actor.scope, unit), `xã "${unit.name}"`);
    resolved.push({ unitId: unit.id, year: r.year, population: r.population, households: r.households ?? null, provinceCode: unit.provinceCode });
  }
  await db.transaction(async (tx) => {
    for (const r of resolved) {
      await tx.execute(sql`insert into unit_population (unit_id, year, population, households) values (${r.unitId}, ${r.year}, ${r.population}, ${r.households})
                           on conflict (unit_id, year) do update set population = excluded.population, households = excluded.households`);
    }
    await recordAudit(tx, { ...actor, action: 'population.saved', entity: 'unit_population', provinceCode: resolved[0]?.provinceCode ?? null, after: { rows: resolved.length, years: [...new Set(resolved.map((r) => r.year))] } });
  });
  return { saved: resolved.length };
}
