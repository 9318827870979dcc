import { provinces as listProvinces } from '../catalogue/catalogue.repo.js';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { ensureNetworkYear, type NetworkCellRow } from '../reports/network.repo.js';
import { addCell, type Breakdown, emptyBreakdown } from '../reports/network.service.js';
import { yearInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';

/**
 * The nation's network report (issue 18): the 34 provinces as children, each with its own
 * province report's totals (the counts the province kept and replicated, `network_cells`), the
 * nation's total their sum. A person belongs to one province's server, so `people` adds up too.
 * `withData` says whether the national server holds any team of the province (a province not yet
 * subscribed shows zeros, marked so, never as a province with no teams).
 */
export interface NationalNetworkReport extends Breakdown {
  unit: { code: 'VN'; name: string };
  children: (Breakdown & { code: string; name: string; withData: boolean })[];
}

/**
 * The nation's report: each current province's own kept counts (network_cells, scope 'p': the
 * province's totals, the same rows its own report opens with), read in one statement, in the
 * Vietnamese order of names; the nation's total their sum. Cost: a few rows per province, however
 * many teams (measured in bench/national.registry.ts).
 */
export async function nationalNetworkReport(db: Db): Promise<NationalNetworkReport> {
  await ensureNetworkYear(db, yearInVietnam());
  const provinces = (await listProvinces(db)).filter((p) => !p.validTo && p.code);
  const cells = await queryRows<{ unit: number; level: string; dim: NetworkCellRow['dim']; key: string; n: number }>(
    db,
    sql`select unit_id as unit, level, dim, key, n from network_cells where scope = 'p' and unit_id = any(${sql.param(provinces.map((p) => p.id))}::int[]) and n <> 0`,
  );
  const byId = new Map(provinces.map((p) => [p.id, { code: p.code!, name: p.name, withData: false, ...emptyBreakdown() }]));
  for (const r of cells) {
    const b = byId.get(r.unit);
    if (b) addCell(b, r);
  }
  const children = [...byId.values()].map((c) => ({ ...c, withData: c.teams.total > 0 }));
  children.sort((a, b) => compareVietnamese(a.name, b.name));
  const total = emptyBreakdown();
  for (const c of children) add(total, c);
  return { unit: { code: 'VN', name: 'Toàn quốc' }, ...total, children };
}

/** Sums `b` into `a`, field by field (every count of a Breakdown is a number or a record of numbers). */
function add(a: Breakdown, b: Breakdown): void {
  const into = a as unknown as Record<string, number | Record<string, number>>;
  for (const k of Object.keys(a) as (keyof Breakdown)[]) {
    const v = b[k];
    if (typeof v === 'number') (into[k] as number) += v;
    else for (const [kk, vv] of Object.entries(v as Record<string, number>)) (into[k] as Record<string, number>)[kk] = ((into[k] as Record<string, number>)[kk] ?? 0) + vv;
  }
}
