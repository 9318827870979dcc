import { type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { memberVisibleSql, teamInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import { residentCount } from './sessions.repo.js';
import { ROLLUP_ALL, ROLLUP_CENTRE, ROLLUP_IDENTIFIED, rollupKind, type SessionKind } from './sessions.vocabulary.js';

/** The SQL behind the support report: from the daily rollup (province, commune) or from the sessions themselves. */

export type Bucket = 'day' | 'week' | 'month';
export interface Period { from: string; to: string }
export interface Cell { serviceId: number; outcome: string; sessions: number; residents: number }
export interface TrendPoint { start: string; sessions: number; residents: number }

/**
 * A period cut for the rollups: whole calendar months (`months`, first days, inclusive; null: none)
 * read from the monthly rows, and the days of the partial months at its ends (`days`: at most two
 * inclusive ranges) from the daily rows. A year is 12 monthly rows; a custom 365-day range 11 or 12
 * months and up to 61 days; so a report reads a bounded number of rows however many sessions.
 */
export interface Span { months: [string, string] | null; days: [string, string][] }

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
export function spanOf(p: Period): Span {
  const [fy, fm, fd] = p.from.split('-').map(Number);
  const [ty, tm, td] = p.to.split('-').map(Number);
  const first = fd === 1 ? Date.UTC(fy, fm - 1, 1) : Date.UTC(fy, fm, 1);
  const lastDayOfTo = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const last = td === lastDayOfTo ? Date.UTC(ty, tm - 1, 1) : Date.UTC(ty, tm - 2, 1);
  if (first > last) return { months: null, days: [[p.from, p.to]] };
  const days: [string, string][] = [];
  if (fd !== 1) days.push([p.from, iso(first - 86_400_000)]);
  if (td !== lastDayOfTo) days.push([iso(Date.UTC(ty, tm - 1, 1)), p.to]);
  return { months: [iso(first), iso(last)], days };
}

const dayIn = (span: Span, column: SQL = sql`day`) => (span.days.length ? sql.join(span.days.map(([a, b]) => sql`${column} between ${a} and ${b}`), sql` or `) : sql`false`);
const monthIn = (span: Span, column: SQL = sql`month`) => (span.months ? sql`${column} between ${span.months[0]} and ${span.months[1]}` : sql`false`);

/** Rows of a daily and a monthly rollup over a period: `cols` from both, `where` the owner filter. */
function spanRows(daily: string, monthly: string, where: SQL, cols: SQL, p: Period): SQL {
  const span = spanOf(p);
  return sql`select ${cols} from ${sql.identifier(daily)} where ${where} and (${dayIn(span)})
             union all select ${cols} from ${sql.identifier(monthly)} where ${where} and (${monthIn(span)})`;
}

/** The rollups' owner filter: one unit, or the sum of several (the nation: its 34 province units). */
const unitIs = (unitId: number | number[]) => (Array.isArray(unitId) ? sql`unit_id = any(${sql.param(unitId)}::int[])` : sql`unit_id = ${unitId}`);

/** Rollup cells of a unit (commune, province unit id, or −team id; several: their sum) over the period: session-level rows (service 0) and service × outcome rows. */
export function rollupCells(db: Db, unitId: number | number[], p: Period): Promise<Cell[]> {
  return queryRows<Cell>(
    db,
    sql`select service_id as "serviceId", outcome, sum(sessions)::int as sessions, sum(residents)::int as residents
          from (${spanRows('support_daily', 'support_monthly', unitIs(unitId), sql`service_id, outcome, sessions, residents`, p)}) x
         group by service_id, outcome`,
  );
}

/** The same cells for a member: their sessions for the teams among `teamIds` (those the reader may see), from the member rollups. */
export function memberCells(db: Db, memberId: number, scope: Scope, p: Period): Promise<Cell[]> {
  const where = sql`member_id = ${memberId} and team_id in (select t.id from teams t where ${teamInScopeSql(scope)})`;
  return queryRows<Cell>(
    db,
    sql`select service_id as "serviceId", outcome, sum(sessions)::int as sessions, sum(residents)::int as residents
          from (${spanRows('support_member_daily', 'support_member_monthly', where, sql`service_id, outcome, sessions, residents`, p)}) x
         group by service_id, outcome`,
  );
}

/** Sessions and heads per bucket (day, ISO week from Monday, month) from the rollups of a unit (several: their sum) or of a member (`memberOf`). */
export function rollupTrend(db: Db, unitId: number | number[], p: Period, bucket: Bucket, memberOf?: Scope): Promise<TrendPoint[]> {
  const [daily, monthly, where]: [string, string, SQL] = memberOf
    ? ['support_member_daily', 'support_member_monthly', sql`member_id = ${unitId} and team_id in (select t.id from teams t where ${teamInScopeSql(memberOf)})`]
    : ['support_daily', 'support_monthly', unitIs(unitId)];
  const level = sql`service_id = 0 and outcome = ${ROLLUP_ALL}`;
  const span = spanOf(p);
  if (bucket !== 'month') {
    return queryRows<TrendPoint>(
      db,
      sql`select to_char(date_trunc(${bucket}, day), 'YYYY-MM-DD') as start, sum(sessions)::int as sessions, sum(residents)::int as residents
            from ${sql.identifier(daily)} where ${where} and day between ${p.from} and ${p.to} and ${level}
           group by 1 order by 1`,
    );
  }
  return queryRows<TrendPoint>(
    db,
    sql`select to_char(m, 'YYYY-MM-DD') as start, sum(sessions)::int as sessions, sum(residents)::int as residents
          from (select date_trunc('month', day)::date as m, sessions, residents from ${sql.identifier(daily)} where ${where} and ${level} and (${dayIn(span)})
                union all select month, sessions, residents from ${sql.identifier(monthly)} where ${where} and ${level} and (${monthIn(span)})) x
         group by 1 order by 1`,
  );
}

/** Sessions and heads per child unit (communes of a province, −ids of a commune's teams) from the rollups. */
export function rollupByUnit(db: Db, unitIds: number[], p: Period) {
  if (unitIds.length === 0) return Promise.resolve([] as { unitId: number; sessions: number; residents: number }[]);
  const where = sql`unit_id = any(${sql.param(unitIds)}::int[]) and service_id = 0 and outcome = ${ROLLUP_ALL}`;
  return queryRows<{ unitId: number; sessions: number; residents: number }>(
    db,
    sql`select unit_id as "unitId", sum(sessions)::int as sessions, sum(residents)::int as residents
          from (${spanRows('support_daily', 'support_monthly', where, sql`unit_id, sessions, residents`, p)}) x
         group by unit_id`,
  );
}

/**
 * Distinct recognised residents helped in a unit (commune or province unit) over the period,
 * exactly: one row of support_resident_counts for a whole calendar month, quarter or year; else
 * the sightings in the period whose previous sighting of the same person in the unit is before it
 * (support_resident_links for the partial months, support_resident_month_links for whole months).
 * Several units: the sum of each one's distinct residents (the nation: per province, as each
 * province's server recognises residents under its own key).
 */
export async function rollupDistinctResidents(db: Db, unitId: number | number[], p: Period): Promise<number> {
  const standard = standardPeriodKey(p);
  if (standard && !Array.isArray(unitId)) return residentCount(db, unitId, standard);
  if (standard) {
    const [sum] = await queryRows<{ n: number }>(db, sql`select coalesce(sum(residents), 0)::int as n from support_resident_counts where ${unitIs(unitId)} and period = ${standard}`);
    return sum.n;
  }
  const span = spanOf(p);
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select coalesce(sum(residents), 0)::int as n from (
          select residents from support_resident_links where ${unitIs(unitId)} and (${dayIn(span)}) and prev_day < ${p.from}
          union all select residents from support_resident_month_links where ${unitIs(unitId)} and (${monthIn(span)}) and prev_day < ${p.from}) x`,
  );
  return row.n;
}

/** 'Y2026', 'Q2026-4' or 'M2026-11' when the period is exactly that calendar year, quarter or month; else null. */
export function standardPeriodKey(p: Period): string | null {
  const y = p.from.slice(0, 4);
  if (p.to.slice(0, 4) !== y || p.from.slice(8) !== '01') return null;
  const m1 = Number(p.from.slice(5, 7));
  const m2 = Number(p.to.slice(5, 7));
  const lastDay = new Date(Date.UTC(Number(y), m2, 0)).getUTCDate();
  if (Number(p.to.slice(8)) !== lastDay) return null;
  if (m1 === 1 && m2 === 12) return `Y${y}`;
  if (m1 === m2) return `M${p.from.slice(0, 7)}`;
  if (m1 % 3 === 1 && m2 === m1 + 2) return `Q${y}-${(m1 + 2) / 3}`;
  return null;
}

/** A filter on support_sessions `s`: everything of the nation, a province, a commune, a village, a team or a member. */
export type RawTarget =
  | { kind: 'nation' }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'commune'; communeId: number }
  | { kind: 'village'; villageId: number }
  | { kind: 'team'; teamId: number }
  | { kind: 'member'; memberId: number; scope: Scope };

function rawFilter(t: RawTarget, p: Period): SQL {
  const days = sql`s.day between ${p.from} and ${p.to}`;
  switch (t.kind) {
    case 'nation':
      return days;
    case 'province':
      return sql`s.province_code = ${t.provinceCode} and ${days}`;
    case 'commune':
      return sql`s.commune_id = ${t.communeId} and ${days}`;
    case 'village':
      return sql`s.village_id = ${t.villageId} and ${days}`;
    case 'team':
      return sql`s.team_id = ${t.teamId} and ${days}`;
    case 'member':
      // only the member's sessions for teams in the reader's scope (a member may also serve another unit's team)
      return sql`s.id in (select session_id from support_session_members where member_id = ${t.memberId} and day between ${p.from} and ${p.to}) and ${days}
                 and s.team_id in (select t.id from teams t where ${teamInScopeSql(t.scope)})`;
  }
}

/**
 * The same cells as `rollupCells`, computed by a plain GROUP BY over the sessions (used for
 * villages, teams and members, and to check the rollup).
 */
export async function rawCells(db: Db, t: RawTarget, p: Period): Promise<Cell[]> {
  const f = rawFilter(t, p);
  const [sessionRows, serviceRows] = await Promise.all([
    queryRows<{ kind: string; centre: boolean; identified: boolean; sessions: number; residents: number }>(
      db,
      sql`select s.kind, s.at_service_centre as centre, s.resident_key is not null as identified, count(*)::int as sessions, sum(s.residents_count)::int as residents
            from support_sessions s where ${f} group by 1, 2, 3`,
    ),
    queryRows<Cell>(
      db,
      sql`select ss.service_id as "serviceId", ss.outcome, count(*)::int as sessions, sum(s.residents_count)::int as residents
            from support_sessions s join support_session_services ss on ss.session_id = s.id where ${f} group by 1, 2`,
    ),
  ]);
  const acc = new Map<string, Cell>();
  const add = (outcome: string, sessions: number, residents: number) => {
    const c = acc.get(outcome) ?? { serviceId: 0, outcome, sessions: 0, residents: 0 };
    c.sessions += sessions;
    c.residents += residents;
    acc.set(outcome, c);
  };
  for (const r of sessionRows) {
    add(ROLLUP_ALL, r.sessions, r.residents);
    add(rollupKind(r.kind as SessionKind), r.sessions, r.residents);
    if (r.identified) add(ROLLUP_IDENTIFIED, r.sessions, r.sessions);
    if (r.centre) add(ROLLUP_CENTRE, r.sessions, r.residents);
  }
  return [...acc.values(), ...serviceRows];
}

export function rawTrend(db: Db, t: RawTarget, p: Period, bucket: Bucket): Promise<TrendPoint[]> {
  return queryRows<TrendPoint>(
    db,
    sql`select to_char(date_trunc(${bucket}, s.day), 'YYYY-MM-DD') as start, count(*)::int as sessions, sum(s.residents_count)::int as residents
          from support_sessions s where ${rawFilter(t, p)} group by 1 order by 1`,
  );
}

/** Distinct recognised residents of the target's sessions; the nation: summed per province (as rollupDistinctResidents). */
export async function rawDistinctResidents(db: Db, t: RawTarget, p: Period): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    t.kind === 'nation'
      ? sql`select coalesce(sum(n), 0)::int as n from (select count(distinct s.resident_key) as n from support_sessions s where ${rawFilter(t, p)} group by s.province_code) x`
      : sql`select count(distinct s.resident_key)::int as n from support_sessions s where ${rawFilter(t, p)}`,
  );
  return row.n;
}

/** Sessions and heads per team among the target's sessions, teams within `scope` only. */
export function rawByTeam(db: Db, t: RawTarget, p: Period, scope: Scope) {
  return queryRows<{ id: number; name: string; sessions: number; residents: number }>(
    db,
    sql`select t.id, t.name, count(*)::int as sessions, sum(s.residents_count)::int as residents
          from support_sessions s join teams t on t.id = s.team_id where ${rawFilter(t, p)} and ${teamInScopeSql(scope)} group by t.id, t.name`,
  );
}

/**
 * Population of communes for coverage: per commune the latest figure of a year ≤ `year`.
 */
export function populationOf(db: Db, communeIds: number[], year: number) {
  if (communeIds.length === 0) return Promise.resolve([] as { unitId: number; year: number; population: number }[]);
  return queryRows<{ unitId: number; year: number; population: number }>(
    db,
    sql`select distinct on (unit_id) unit_id as "unitId", year, population from unit_population
         where unit_id = any(${sql.param(communeIds)}::int[]) and year <= ${year} order by unit_id, year desc`,
  );
}

/** Sessions and heads per commune of a province, from the sessions (reference for the rollup). */
/** Sessions and heads per province unit (the nation's children), by a plain GROUP BY over the sessions. */
export function rawByProvince(db: Db, p: Period) {
  return queryRows<{ unitId: number; sessions: number; residents: number }>(
    db,
    sql`select u.id as "unitId", count(*)::int as sessions, sum(s.residents_count)::int as residents from support_sessions s
          join admin_units u on u.level = 'province' and u.code = s.province_code and u.valid_to is null
         where s.day between ${p.from} and ${p.to} group by u.id`,
  );
}

export function rawByCommune(db: Db, provinceCode: string, p: Period) {
  return queryRows<{ unitId: number; sessions: number; residents: number }>(
    db,
    sql`select commune_id as "unitId", count(*)::int as sessions, sum(residents_count)::int as residents from support_sessions
         where province_code = ${provinceCode} and day between ${p.from} and ${p.to} group by commune_id`,
  );
}

/** People reached per service (summed over outcomes) per commune unit, from the rollups: the maps' coverage of a service (issue 17). */
export function rollupServicesByUnit(db: Db, unitIds: number[], p: Period) {
  if (unitIds.length === 0) return Promise.resolve([] as { unitId: number; serviceId: number; residents: number }[]);
  const where = sql`unit_id = any(${sql.param(unitIds)}::int[]) and service_id <> 0`;
  return queryRows<{ unitId: number; serviceId: number; residents: number }>(
    db,
    sql`select unit_id as "unitId", service_id as "serviceId", sum(residents)::int as residents
          from (${spanRows('support_daily', 'support_monthly', where, sql`unit_id, service_id, residents`, p)}) x
         group by unit_id, service_id having sum(residents) > 0`,
  );
}

/** The same from the sessions (reference for the rollup). */
export function rawServicesByCommune(db: Db, provinceCode: string, p: Period) {
  return queryRows<{ unitId: number; serviceId: number; residents: number }>(
    db,
    sql`select s.commune_id as "unitId", ss.service_id as "serviceId", sum(s.residents_count)::int as residents
          from support_sessions s join support_session_services ss on ss.session_id = s.id
         where s.province_code = ${provinceCode} and s.day between ${p.from} and ${p.to} group by 1, 2 having sum(s.residents_count) > 0`,
  );
}

/**
 * Per commune of a province: its active teams (status active) and how many of them held at least
 * one session in the period, from the team rollups (unit id = −team id) or, `raw`, the sessions.
 * The team rows are read as one range of unit ids per partition, −(the province's highest team
 * id) … −(its lowest): a province's ids are one range (national/national.keys.ts), so that is its
 * teams' rows, not a probe per team and partition; a row of another province's team inside the
 * range matches none of this province's teams below.
 */
export function activeTeamsByCommune(db: Db, provinceCode: string, p: Period, raw: boolean) {
  const ids = sql`(select -max(t2.id) from teams t2 where t2.province_code = ${provinceCode}) and (select -min(t2.id) from teams t2 where t2.province_code = ${provinceCode})`;
  const worked = raw
    ? sql`exists (select 1 from support_sessions s where s.team_id = t.id and s.day between ${p.from} and ${p.to})`
    : sql`-t.id in (select unit_id from (${spanRows('support_daily', 'support_monthly', sql`unit_id between ${ids} and service_id = 0 and outcome = ${ROLLUP_ALL} and sessions > 0`, sql`unit_id`, p)}) x)`;
  return queryRows<{ unitId: number; teams: number; active: number }>(
    db,
    sql`select t.commune_id as "unitId", count(*)::int as teams, count(*) filter (where ${worked})::int as active
          from teams t where t.province_code = ${provinceCode} and t.status = 'active' group by t.commune_id`,
  );
}

/** A member's name, when they are on a team within `scope` (else "#id"). */
export async function memberName(db: Db, id: number, scope: Scope): Promise<string> {
  const [row] = await queryRows<{ name: string }>(db, sql`select m.full_name as name from members m where m.id = ${id} and ${memberVisibleSql(scope, sql.raw('m.id'))}`);
  return row?.name ?? `#${id}`;
}

/** Teams of a commune (both levels) within `scope`, for the commune's children. */
export function teamsOfCommune(db: Db, communeId: number, scope: Scope) {
  return queryRows<{ id: number; name: string }>(db, sql`select t.id, t.name from teams t where t.commune_id = ${communeId} and ${teamInScopeSql(scope)}`);
}

/**
 * The current members of a team with the sessions they ran for it in the period (0 for none),
 * from the member rollups (support_member_daily/monthly by team): a bounded number of rows per member.
 */
export function teamMembersActivity(db: Db, teamId: number, p: Period, scope: Scope) {
  const rows = spanRows('support_member_daily', 'support_member_monthly', sql`team_id = ${teamId} and service_id = 0 and outcome = ${ROLLUP_ALL}`, sql`member_id, sessions, residents`, p);
  return queryRows<{ id: number; name: string; sessions: number; residents: number }>(
    db,
    sql`select m.id, m.full_name as name, coalesce(sum(x.sessions), 0)::int as sessions, coalesce(sum(x.residents), 0)::int as residents
          from team_members tm join members m on m.id = tm.member_id join teams t on t.id = tm.team_id
          left join (${rows}) x on x.member_id = tm.member_id
         where tm.team_id = ${teamId} and tm.left_on is null and ${teamInScopeSql(scope)}
         group by m.id, m.full_name`,
  );
}

/**
 * The same from the sessions: read through the (member, day) index (the reference of the rollup).
 */
export function rawTeamMembersActivity(db: Db, teamId: number, p: Period, scope: Scope) {
  return queryRows<{ id: number; name: string; sessions: number; residents: number }>(
    db,
    sql`select m.id, m.full_name as name, count(s.id)::int as sessions, coalesce(sum(s.residents_count), 0)::int as residents
          from team_members tm join members m on m.id = tm.member_id
          left join support_session_members sm on sm.member_id = tm.member_id and sm.day between ${p.from} and ${p.to}
          left join support_sessions s on s.id = sm.session_id and s.team_id = tm.team_id
          join teams t on t.id = tm.team_id
         where tm.team_id = ${teamId} and tm.left_on is null and ${teamInScopeSql(scope)}
         group by m.id, m.full_name`,
  );
}
