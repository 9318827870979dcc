import { provinces as listProvinces } from '../catalogue/catalogue.repo.js';
import { ALL } from '../access/access.policy.js';
import type { Db } from '../db/client.js';
import { type Breakdown, type NetworkReport, networkReport } from '../reports/network.service.js';
import { compareVietnamese } from '../text/vietnamese.js';

/**
 * The nation's network report (issue 18): the 34 provinces as children, each its own province
 * report (read from the counts the province kept and replicated, `network_cells`), the nation's
 * total their sum. A person belongs to one province's server, so `people` adds up too.
 * `withData` says whether the national server holds any team of the province (a province not yet
 * subscribed shows zeros, marked so, never as a province with no teams).
 */
export interface NationalNetworkReport extends Breakdown {
  unit: { code: 'VN'; name: string };
  children: (Breakdown & { code: string; name: string; withData: boolean })[];
}

/** Sums `b` into `a`, field by field (every count of a Breakdown is a number or a record of numbers). */
function add(a: Breakdown, b: Breakdown): void {
  const into = a as unknown as Record<string, number | Record<string, number>>;
  for (const [k, v] of Object.entries(b)) {
    if (typeof v === 'number') (into[k] as number) += v;
    else if (v && typeof v === 'object') for (const [kk, vv] of Object.entries(v as Record<string, number>)) (into[k] as Record<string, number>)[kk] = ((into[k] as Record<string, number>)[kk] ?? 0) + vv;
  }
}

const breakdownOf = (r: NetworkReport): Breakdown => ({
  teams: { ...r.teams },
  members: { ...r.members },
  people: r.people,
  byAffiliation: { ...r.byAffiliation },
  byGender: { ...r.byGender },
  byAgeBand: { ...r.byAgeBand },
});

/** The nation's report: every current province's report (unit scope: all; the route is the administrator's), in the Vietnamese order of names. */
export async function nationalNetworkReport(db: Db): Promise<NationalNetworkReport> {
  const provinces = (await listProvinces(db)).filter((p) => !p.validTo && p.code);
  const reports = await Promise.all(provinces.map((p) => networkReport(db, p.code!, ALL)));
  const children = reports.map((r, i) => ({ code: provinces[i].code!, name: provinces[i].name, withData: r.teams.total > 0, ...breakdownOf(r) }));
  children.sort((a, b) => compareVietnamese(a.name, b.name));
  const total = breakdownOf(reports[0]);
  for (const k of Object.keys(total) as (keyof Breakdown)[]) {
    const v = total[k];
    if (typeof v === 'number') (total as unknown as Record<string, number>)[k] = 0;
    else for (const kk of Object.keys(v)) (v as Record<string, number>)[kk] = 0;
  }
  for (const c of children) add(total, c);
  return { unit: { code: 'VN', name: 'Toàn quốc' }, ...total, children };
}
