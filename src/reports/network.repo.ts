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

export interface MovementRow { child: number; joined: number; imported: number; left: number }

/**
 * People who joined and left teams of `unit` in [from, to] (Vietnam days, inclusive), per child:
 * a join is a period begun by joining or by a transfer from another team; a leave is one ended by a
 * transfer, moving away, resigning, death, dissolution or another reason. Role changes and merged duplicates are neither.
 * `imported`: periods a roster import without join dates began (start_reason 'imported'): on the
 * list from that day, not known to have joined then, so counted apart from the joins.
 */
export function networkMovement(db: Db, unit: UnitRow, from: string, to: string) {
  const { filter, child } = scope(unit);
  return queryRows<MovementRow>(
    db,
    sql`select ${child} as child,
               count(*) filter (where tm.joined_on between ${from}::date and ${to}::date and tm.start_reason in ('joined', 'transferred'))::int as joined,
               count(*) filter (where tm.joined_on between ${from}::date and ${to}::date and tm.start_reason = 'imported')::int as imported,
               count(*) filter (where tm.left_on between ${from}::date and ${to}::date and tm.end_reason not in ('role_change', 'merged'))::int as "left"
          from team_members tm join teams t on t.id = tm.team_id
         where ${filter} and (tm.joined_on between ${from}::date and ${to}::date or tm.left_on between ${from}::date and ${to}::date)
         group by 1`,
  );
}

export interface NetworkCellRow { scope: 'total' | 'child'; unit: number; level: string; dim: 'teams' | 'members' | 'aff' | 'people'; key: string; n: number }

/**
 * The current report's counts as kept by the registry's triggers (migration 0014, network_cells):
 * the unit's own total (scope 'p' for a province, 'c' a commune, 'u' a village) and its children's
 * (communes of a province: 'c'; a commune's own unit and villages: 'u'). Rows with a zero count are
 * left out. Age bands are those of network_state.year; `ensureNetworkYear` keeps it current.
 */
export function networkCells(db: Db, unit: UnitRow, childIds: number[]): Promise<NetworkCellRow[]> {
  const own = unit.level === 'province' ? 'p' : unit.level === 'commune' ? 'c' : 'u';
  const child = unit.level === 'province' ? 'c' : 'u';
  return queryRows<NetworkCellRow>(
    db,
    sql`select 'total' as scope, unit_id as unit, level, dim, key, n from network_cells where scope = ${own} and unit_id = ${unit.id} and n <> 0
        union all
        select 'child', unit_id, level, dim, key, n from network_cells where scope = ${child} and unit_id = any(${sql.param(childIds)}::int[]) and n <> 0`,
  );
}

/** Recounts the kept network counts when the Vietnamese year (of the age bands) has turned since they were counted. */
export async function ensureNetworkYear(db: Db, year: number): Promise<void> {
  const [row] = await queryRows<{ year: number }>(db, sql`select year from network_state where id = 1`);
  if (row?.year === year) return;
  // on the national server the counts are the provinces' own, replicated (national/): never rebuilt
  // there — rows made locally would collide with the provinces' next changes and stop the stream
  const [sub] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())`);
  if (sub.n) return;
  await db.execute(sql`select network_rebuild(${year}::int)`);
}

/**
 * The kept counts (network_cells) compared with a recount from the registry by plain GROUP BYs,
 * age bands in `year`: rows that differ per dimension; all 0 means the triggers kept them exactly.
 */
export async function compareNetworkCells(db: Db, year: number): Promise<Record<string, number>> {
  const expected = sql`
    with r as (
      select p.id as province_id, t.commune_id, t.unit_id, t.level, tm.member_id, coalesce(m.gender, 'unknown') as gender, ${band(year)} as band, tm.affiliations
        from team_members tm join teams t on t.id = tm.team_id and t.status = 'active' join members m on m.id = tm.member_id
        left join admin_units p on p.level = 'province' and p.code = t.province_code and p.valid_to is null
       where tm.left_on is null
    ), s as (select r.*, v.scope, v.unit from r cross join lateral (values ('p', coalesce(r.province_id, 0)), ('c', r.commune_id), ('u', r.unit_id)) as v(scope, unit)),
    tt as (
      select v.scope, v.unit, t.level from teams t left join admin_units p on p.level = 'province' and p.code = t.province_code and p.valid_to is null
       cross join lateral (values ('p', coalesce(p.id, 0)), ('c', t.commune_id), ('u', t.unit_id)) as v(scope, unit) where t.status = 'active')
    select scope, unit, level, 'teams' as dim, '' as key, count(*)::int as n from tt group by 1, 2, 3
    union all select scope, unit, level, 'members', gender || '|' || band, count(*)::int from s group by 1, 2, 3, 5
    union all select s.scope, s.unit, s.level, 'aff', coalesce(a.a, 'none'), count(*)::int from s left join lateral unnest(s.affiliations) as a(a) on true group by 1, 2, 3, 5
    union all select scope, unit, level, 'people', '', count(distinct member_id)::int from s group by 1, 2, 3
    union all select scope, unit, '', 'people', '', count(distinct member_id)::int from s group by 1, 2`;
  const rows = await queryRows<{ dim: string; n: number }>(
    db,
    sql`with e as (${expected}), a as (select scope, unit_id as unit, level, dim, key, n from network_cells where n <> 0)
        select dim, count(*)::int as n from ((select * from e except all select * from a) union all (select * from a except all select * from e)) x group by dim`,
  );
  const out: Record<string, number> = { teams: 0, members: 0, aff: 0, people: 0 };
  for (const r of rows) out[r.dim] = r.n;
  return out;
}
