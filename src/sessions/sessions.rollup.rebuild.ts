import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { ROLLUP_ALL, ROLLUP_CENTRE, ROLLUP_IDENTIFIED } from './sessions.vocabulary.js';

/**
 * Every support rollup recomputed from the sessions with set-based SQL: the same rows
 * sessions.rollup.ts adds incrementally (computed there in TypeScript, here in SQL, so each checks
 * the other), for a repair or after a bulk load (the benchmark loads millions of sessions by COPY,
 * then rebuilds). Only support_sessions counts: sessions kept for review are elsewhere until counted.
 */

/**
 * One row per session and rollup cell: who (commune, province unit, team), day, service (0: session
 * level), outcome, heads; of the sessions `where` (on support_sessions `s`) selects, all by default.
 */
const cellsOf = (where: SQL = sql`true`) => sql`
  with s as materialized (
    select s.id, s.day, s.kind, s.at_service_centre, s.resident_key, s.residents_count, s.commune_id, s.team_id, p.id as province_unit_id
      from support_sessions s join admin_units p on p.level = 'province' and p.code = s.province_code and p.valid_to is null
     where ${where}
  )
  select id, commune_id, province_unit_id, team_id, day, 0 as service_id, ${ROLLUP_ALL}::text as outcome, residents_count as heads from s
  union all select id, commune_id, province_unit_id, team_id, day, 0, 'kind:' || kind, residents_count from s
  union all select id, commune_id, province_unit_id, team_id, day, 0, ${ROLLUP_IDENTIFIED}, 1 from s where resident_key is not null
  union all select id, commune_id, province_unit_id, team_id, day, 0, ${ROLLUP_CENTRE}, residents_count from s where at_service_centre
  union all select s.id, s.commune_id, s.province_unit_id, s.team_id, s.day, ss.service_id, ss.outcome, s.residents_count from s join support_session_services ss on ss.session_id = s.id`;
const sessionCells = cellsOf();

/** Expected support_daily rows: per commune, province unit and team (−id), day, service and outcome. */
const expectedDaily = sql`
  select u.unit_id, c.day, c.service_id, c.outcome, count(*)::bigint as sessions, sum(c.heads)::bigint as residents
    from (${sessionCells}) c cross join lateral (values (c.commune_id), (c.province_unit_id), (-c.team_id)) as u(unit_id)
   group by 1, 2, 3, 4`;

/**
 * The tables derived from another rollup are recomputed from that table as stored (monthly from
 * daily, periods and links from resident days): the base tables are compared with the sessions,
 * so a derived table equal to its derivation from an exact base is exact, at a fraction of the cost.
 */
const expectedMonthly = sql`
  select unit_id, date_trunc('month', day)::date as month, service_id, outcome, sum(sessions)::bigint as sessions, sum(residents)::bigint as residents
    from support_daily d group by 1, 2, 3, 4`;

/** Expected support_member_daily rows, of every member or only of `memberIds`. */
const memberDaily = (memberIds?: number[]) => {
  const mine = memberIds ? sql`sm.member_id = any(${sql.param(memberIds)}::int[])` : sql`true`;
  const sessions = memberIds ? sql`(s.id, s.day) in (select sm.session_id, sm.day from support_session_members sm where ${mine})` : sql`true`;
  return sql`
  select sm.member_id, c.day, c.team_id, c.service_id, c.outcome, count(*)::bigint as sessions, sum(c.heads)::bigint as residents
    from (${cellsOf(sessions)}) c join support_session_members sm on sm.session_id = c.id
   where ${mine}
   group by 1, 2, 3, 4, 5`;
};
const expectedMemberDaily = memberDaily();

/** Expected support_member_monthly rows (from support_member_daily as stored), of every member or only of `memberIds`. */
const memberMonthly = (memberIds?: number[]) => sql`
  select member_id, date_trunc('month', day)::date as month, team_id, service_id, outcome, sum(sessions)::bigint as sessions, sum(residents)::bigint as residents
    from support_member_daily d where ${memberIds ? sql`member_id = any(${sql.param(memberIds)}::int[])` : sql`true`} group by 1, 2, 3, 4, 5`;
const expectedMemberMonthly = memberMonthly();

/** Expected support_resident_days rows: recognised residents (64-bit keys, see residentKey64) per commune and province unit and day. */
const expectedResidentDays = sql`
  select distinct u.unit_id, s.day, ('x' || substr(s.resident_key, 1, 16))::bit(64)::bigint as resident_key
    from support_sessions s join admin_units p on p.level = 'province' and p.code = s.province_code and p.valid_to is null
   cross join lateral (values (s.commune_id), (p.id)) as u(unit_id)
   where s.resident_key is not null`;

/** Expected support_resident_periods rows: the same people per calendar year, quarter and month (keys as in periodKeys). */
const expectedResidentPeriods = sql`
  select distinct d.unit_id, p.period, d.resident_key
    from support_resident_days d
   cross join lateral (values ('Y' || to_char(d.day, 'YYYY')), ('Q' || to_char(d.day, 'YYYY-Q')), ('M' || to_char(d.day, 'YYYY-MM'))) as p(period)`;

const expectedResidentCounts = sql`select unit_id, period, count(*)::int as residents from support_resident_periods p group by 1, 2`;

/** Each sighting with the resident's previous sighting day in the unit (1900-01-01: none). */
const sightingLinks = sql`
  select unit_id, day, coalesce(lag(day) over (partition by unit_id, resident_key order by day), date '1900-01-01') as prev_day
    from support_resident_days d`;

const expectedLinks = sql`select unit_id, day, prev_day, count(*)::int as residents from (${sightingLinks}) l group by 1, 2, 3`;
const expectedMonthLinks = sql`
  select unit_id, date_trunc('month', day)::date as month, prev_day, count(*)::int as residents
    from (${sightingLinks}) l where date_trunc('month', prev_day) < date_trunc('month', day) group by 1, 2, 3`;

/** The rollup tables with their columns and their recomputation. Links with 0 people (left by moves of a link) are not rows. */
const TABLES: { table: string; columns: string; expected: SQL; stored?: string }[] = [
  { table: 'support_daily', columns: 'unit_id, day, service_id, outcome, sessions, residents', expected: expectedDaily },
  { table: 'support_monthly', columns: 'unit_id, month, service_id, outcome, sessions, residents', expected: expectedMonthly },
  { table: 'support_member_daily', columns: 'member_id, day, team_id, service_id, outcome, sessions, residents', expected: expectedMemberDaily },
  { table: 'support_member_monthly', columns: 'member_id, month, team_id, service_id, outcome, sessions, residents', expected: expectedMemberMonthly },
  { table: 'support_resident_days', columns: 'unit_id, day, resident_key', expected: expectedResidentDays },
  { table: 'support_resident_periods', columns: 'unit_id, period, resident_key', expected: expectedResidentPeriods },
  { table: 'support_resident_counts', columns: 'unit_id, period, residents', expected: expectedResidentCounts },
  { table: 'support_resident_links', columns: 'unit_id, day, prev_day, residents', expected: expectedLinks, stored: 'residents <> 0' },
  { table: 'support_resident_month_links', columns: 'unit_id, month, prev_day, residents', expected: expectedMonthLinks, stored: 'residents <> 0' },
];

/** Every rollup table of support sessions (to empty them all with the sessions, as tests do). */
export const ROLLUP_TABLES = TABLES.map((t) => t.table);

/** Replaces every rollup by its recomputation from all sessions, in one transaction. Counts of rows written. */
export async function rebuildAllRollups(db: Db): Promise<Record<string, number>> {
  return db.transaction(async (tx) => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      await tx.execute(sql.raw(`delete from ${t.table}`));
      const [r] = await queryRows<{ n: number }>(tx, sql`with ins as (insert into ${sql.raw(t.table)} (${sql.raw(t.columns)}) ${t.expected} returning 1) select count(*)::int as n from ins`);
      out[t.table] = r.n;
    }
    return out;
  });
}

/** rebuildAllRollups, answered as before monthly rollups existed: rows of support_daily and support_resident_days. */
export async function rebuildSupportRollups(db: Db): Promise<{ dailyRows: number; residentDays: number }> {
  const n = await rebuildAllRollups(db);
  return { dailyRows: n.support_daily, residentDays: n.support_resident_days };
}

/**
 * Recomputes the member rollups (support_member_daily, support_member_monthly) of `memberIds` from
 * their sessions, in the caller's transaction (`db` must be one), after their sessions changed hands
 * (registry.duplicates.ts mergeMembers moves a duplicate's sessions to the survivor). The members'
 * rows must be locked FOR UPDATE by the caller: a sync or a review counting one of their sessions
 * takes a key share on them before it touches a rollup (sessions.repo.ts lockSessionIds), so it
 * waits, or is waited for, never deadlocks. Returns the daily rows written.
 */
export async function rebuildMemberRollups(db: Db, memberIds: number[]): Promise<number> {
  if (memberIds.length === 0) return 0;
  const ids = sql.param(memberIds);
  await db.execute(sql`delete from support_member_daily where member_id = any(${ids}::int[])`);
  await db.execute(sql`delete from support_member_monthly where member_id = any(${ids}::int[])`);
  const [daily] = await queryRows<{ n: number }>(
    db,
    sql`with ins as (insert into support_member_daily (member_id, day, team_id, service_id, outcome, sessions, residents) ${memberDaily(memberIds)} returning 1) select count(*)::int as n from ins`,
  );
  await db.execute(sql`insert into support_member_monthly (member_id, month, team_id, service_id, outcome, sessions, residents) ${memberMonthly(memberIds)}`);
  return daily.n;
}

/**
 * Compares every stored rollup with its recomputation: per table, the number of rows that differ
 * (missing, extra or with other counts). All zero means the incremental rollups are exact.
 */
export async function compareAllRollups(db: Db): Promise<Record<string, number>> {
  const parts = TABLES.map(
    (t) => sql`select ${t.table}::text as t, count(*)::int as n from (
                 (${t.expected} except all select ${sql.raw(t.columns)} from ${sql.raw(t.table)}${sql.raw(t.stored ? ` where ${t.stored}` : '')})
                 union all
                 (select ${sql.raw(t.columns)} from ${sql.raw(t.table)}${sql.raw(t.stored ? ` where ${t.stored}` : '')} except all ${t.expected})) x`,
  );
  const rows = await queryRows<{ t: string; n: number }>(db, sql.join(parts, sql` union all `));
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** The first comparison's answer (support_daily, resident days, period counts, rows of support_daily), kept for its callers. */
export async function compareSupportRollups(db: Db): Promise<{ daily: number; residentDays: number; residentCounts: number; dailyRows: number }> {
  const d = await compareAllRollups(db);
  const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from support_daily`);
  const others = Object.entries(d).filter(([t]) => !['support_daily', 'support_resident_days', 'support_resident_counts'].includes(t)).reduce((s, [, v]) => s + v, 0);
  // a difference in any other rollup shows as a difference of support_daily, so no caller misses it
  return { daily: d.support_daily + others, residentDays: d.support_resident_days, residentCounts: d.support_resident_counts, dailyRows: n };
}
