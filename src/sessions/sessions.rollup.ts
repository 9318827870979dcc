import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { ROLLUP_ALL, ROLLUP_CENTRE, ROLLUP_IDENTIFIED } from './sessions.vocabulary.js';

/**
 * The daily rollups recomputed from the sessions with set-based SQL: the same rows syncSessions
 * adds incrementally (see rollupDeltas in sessions.sync.ts), for a repair or after a bulk load
 * (the benchmark loads a million sessions by COPY, then rebuilds).
 */

/** Expected support_daily rows: per commune and province unit, day, service (0: session level) and outcome. */
const expectedDaily = sql`
  with s as (
    select s.id, s.day, s.kind, s.at_service_centre, s.resident_key, s.residents_count, s.commune_id, p.id as province_unit_id, -s.team_id as team_unit_id
      from support_sessions s join admin_units p on p.level = 'province' and p.code = s.province_code and p.valid_to is null
  ), cells as (
    select commune_id, province_unit_id, team_unit_id, day, 0 as service_id, ${ROLLUP_ALL}::text as outcome, residents_count as heads from s
    union all select commune_id, province_unit_id, team_unit_id, day, 0, 'kind:' || kind, residents_count from s
    union all select commune_id, province_unit_id, team_unit_id, day, 0, ${ROLLUP_IDENTIFIED}, 1 from s where resident_key is not null
    union all select commune_id, province_unit_id, team_unit_id, day, 0, ${ROLLUP_CENTRE}, residents_count from s where at_service_centre
    union all select s.commune_id, s.province_unit_id, s.team_unit_id, s.day, ss.service_id, ss.outcome, s.residents_count from s join support_session_services ss on ss.session_id = s.id
  )
  select u.unit_id, c.day, c.service_id, c.outcome, count(*)::bigint as sessions, sum(c.heads)::bigint as residents
    from cells c cross join lateral (values (c.commune_id), (c.province_unit_id), (c.team_unit_id)) as u(unit_id)
   group by 1, 2, 3, 4`;

/** Expected support_resident_days rows: recognised residents (64-bit keys, see residentKey64) per commune and province unit and day. */
const expectedResidentDays = sql`
  select distinct u.unit_id, s.day, ('x' || substr(s.resident_key, 1, 16))::bit(64)::bigint as resident_key
    from support_sessions s join admin_units p on p.level = 'province' and p.code = s.province_code and p.valid_to is null
   cross join lateral (values (s.commune_id), (p.id)) as u(unit_id)
   where s.resident_key is not null`;

/** Expected support_resident_periods rows: the same people per calendar year, quarter and month (keys as in periodKeys). */
const expectedResidentPeriods = sql`
  select distinct d.unit_id, p.period, d.resident_key
    from (${expectedResidentDays}) d
   cross join lateral (values ('Y' || to_char(d.day, 'YYYY')), ('Q' || to_char(d.day, 'YYYY-Q')), ('M' || to_char(d.day, 'YYYY-MM'))) as p(period)`;

/** Replaces support_daily and support_resident_days by their recomputation from all sessions, in one transaction. */
export async function rebuildSupportRollups(db: Db): Promise<{ dailyRows: number; residentDays: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`delete from support_daily`);
    await tx.execute(sql`delete from support_resident_days`);
    await tx.execute(sql`delete from support_resident_periods`);
    await tx.execute(sql`delete from support_resident_counts`);
    const [daily] = await queryRows<{ n: number }>(
      tx,
      sql`with ins as (insert into support_daily (unit_id, day, service_id, outcome, sessions, residents) ${expectedDaily} returning 1) select count(*)::int as n from ins`,
    );
    const [days] = await queryRows<{ n: number }>(
      tx,
      sql`with ins as (insert into support_resident_days (unit_id, day, resident_key) ${expectedResidentDays} returning 1) select count(*)::int as n from ins`,
    );
    await tx.execute(sql`insert into support_resident_periods (unit_id, period, resident_key) ${expectedResidentPeriods}`);
    await tx.execute(sql`insert into support_resident_counts (unit_id, period, residents) select unit_id, period, count(*)::int from support_resident_periods group by 1, 2`);
    return { dailyRows: daily.n, residentDays: days.n };
  });
}

/**
 * Compares the stored rollups with their recomputation: the number of rows that differ (missing,
 * extra or with other counts) in each table. Both zero means the incremental rollup is exact.
 */
export async function compareSupportRollups(db: Db): Promise<{ daily: number; residentDays: number; residentCounts: number; dailyRows: number }> {
  const [r] = await queryRows<{ daily: number; residentDays: number; residentCounts: number; dailyRows: number }>(
    db,
    sql`with e as (${expectedDaily}),
             a as (select unit_id, day, service_id, outcome, sessions, residents from support_daily),
             re as (${expectedResidentDays}),
             ra as (select unit_id, day, resident_key from support_resident_days)
        select (select count(*) from ((select * from e except all select * from a) union all (select * from a except all select * from e)) x)::int as daily,
               (select count(*) from ((select * from re except all select * from ra) union all (select * from ra except all select * from re)) y)::int as "residentDays",
               (select count(*) from ((select unit_id, period, count(*)::int as n from (${expectedResidentPeriods}) p group by 1, 2
                                       except all select unit_id, period, residents from support_resident_counts)
                                      union all (select unit_id, period, residents from support_resident_counts
                                       except all select unit_id, period, count(*)::int from (${expectedResidentPeriods}) p group by 1, 2)) z)::int as "residentCounts",
               (select count(*) from a)::int as "dailyRows"`,
  );
  return r;
}
