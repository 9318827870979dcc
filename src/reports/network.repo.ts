import { sql, type SQL } from 'drizzle-orm';
import type { UnitRow } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { membershipOnSql, teamActiveSql } from '../registry/registry.repo.js';

/**
 * SQL of the network report. Every query groups by `child`: the child unit a team counts
 * towards (province → its commune; commune → the village, or the commune itself for
 * commune-level teams; village → the village), so totals are sums of children by construction.
 */
function scope(unit: UnitRow): { filter: SQL; child: SQL } {
  if (unit.level === 'province') return { filter: sql`t.province_code = ${unit.code}`, child: sql`t.commune_id` };
  if (unit.level === 'commune') return { filter: sql`t.commune_id = ${unit.id}`, child: sql`t.unit_id` };
  return { filter: sql`t.unit_id = ${unit.id}`, child: sql`t.unit_id` };
}

export interface TeamCountRow { child: number; level: 'commune' | 'village'; n: number }
export interface MemberCubeRow { child: number; level: 'commune' | 'village'; gender: string; band: string; n: number }
export interface AffiliationRow { child: number; level: 'commune' | 'village'; affiliation: string; n: number }
/** child/level null = all (GROUPING SETS) */
export interface PeopleRow { child: number | null; level: 'commune' | 'village' | null; n: number }

/** Age bands by birth year, in the current Vietnamese year: up to 30 (youth union age), 31–45, 46–60, over 60. */
const band = (year: number) => sql`case when m.birth_year is null then 'unknown'
  when ${year}::int - m.birth_year <= 30 then 'to_30'
  when ${year}::int - m.birth_year <= 45 then '31_45'
  when ${year}::int - m.birth_year <= 60 then '46_60'
  else 'over_60' end`;

/**
 * The four aggregates of the report for `unit`, in parallel, as the registry stood on `asOf`
 * (null = now). `year` is the Vietnamese year the age bands are counted in.
 */
export async function networkAggregates(db: Db, unit: UnitRow, year: number, asOf: string | null = null) {
  const { filter, child } = scope(unit);
  const active = teamActiveSql(asOf);
  const member = membershipOnSql(asOf);
  const [teams, cube, affiliations, people] = await Promise.all([
    queryRows<TeamCountRow>(db, sql`select ${child} as child, t.level, count(*)::int as n from teams t where ${filter} and ${active} group by 1, 2`),
    queryRows<MemberCubeRow>(
      db,
      sql`select ${child} as child, t.level, coalesce(m.gender, 'unknown') as gender, ${band(year)} as band, count(*)::int as n
            from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id
           where ${filter} and ${active} and ${member} group by 1, 2, 3, 4`,
    ),
    queryRows<AffiliationRow>(
      db,
      sql`select ${child} as child, t.level, coalesce(a.affiliation, 'none') as affiliation, count(*)::int as n
            from team_members tm join teams t on t.id = tm.team_id
            left join lateral unnest(tm.affiliations) as a(affiliation) on true
           where ${filter} and ${active} and ${member} group by 1, 2, 3`,
    ),
    queryRows<PeopleRow>(
      db,
      sql`select ${child} as child, t.level, count(distinct tm.member_id)::int as n
            from team_members tm join teams t on t.id = tm.team_id
           where ${filter} and ${active} and ${member} group by grouping sets ((${child}), (t.level), ())`,
    ),
  ]);
  return { teams, cube, affiliations, people };
}

export interface MovementRow { child: number; joined: number; left: number }

/**
 * People who joined and left teams of `unit` in [from, to] (Vietnam days, inclusive), per child:
 * a join is a period begun by joining or by a transfer from another team; a leave is one ended by a
 * transfer, moving away, resigning, death, dissolution or another reason. Role changes and merged duplicates are neither.
 */
export function networkMovement(db: Db, unit: UnitRow, from: string, to: string) {
  const { filter, child } = scope(unit);
  return queryRows<MovementRow>(
    db,
    sql`select ${child} as child,
               count(*) filter (where tm.joined_on between ${from}::date and ${to}::date and tm.start_reason in ('joined', 'transferred'))::int as joined,
               count(*) filter (where tm.left_on between ${from}::date and ${to}::date and tm.end_reason not in ('role_change', 'merged'))::int as "left"
          from team_members tm join teams t on t.id = tm.team_id
         where ${filter} and (tm.joined_on between ${from}::date and ${to}::date or tm.left_on between ${from}::date and ${to}::date)
         group by 1`,
  );
}
