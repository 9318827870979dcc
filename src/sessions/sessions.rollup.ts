import { type SQL, sql } from 'drizzle-orm';
import { type Db, jsonValue, queryRows } from '../db/client.js';
import * as repo from './sessions.repo.js';
import { residentKey64 } from './sessions.sync.js';
import { ROLLUP_ALL, ROLLUP_CENTRE, ROLLUP_IDENTIFIED, rollupKind, type SessionKind } from './sessions.vocabulary.js';

export { compareSupportRollups, compareAllRollups, rebuildSupportRollups } from './sessions.rollup.rebuild.js';

/**
 * The rollups of support sessions kept incrementally, in the transaction that stores the sessions
 * (sessions.sync.ts, and whatever later counts a reviewed session): per commune, province and team
 * (unit id = −team id) by day (support_daily) and by month (support_monthly); per member and team
 * by day and month (support_member_daily/monthly); recognised residents per commune and province
 * by day (support_resident_days), calendar period (support_resident_periods/counts) and the links
 * between a resident's successive sightings (support_resident_links, support_resident_month_links)
 * that count distinct residents over any range exactly. sessions.rollup.rebuild.ts recomputes all
 * of them from the sessions, independently (SQL), to repair or check these.
 */

/** A session to count: its row (corrected time and Vietnamese day set), team, services and who ran it. */
export interface CountedSession {
  row: repo.SessionInsert;
  team: Pick<repo.TeamForSync, 'id' | 'communeId' | 'provinceUnitId'>;
  serviceIds: { serviceId: number; outcome: string }[];
  memberIds: number[];
}

/** No earlier sighting, in support_resident_links.prev_day. */
export const NO_PREVIOUS_DAY = '1900-01-01';

/** First day of the day's month, 'YYYY-MM-01'. */
export const monthOf = (day: string) => day.slice(0, 7) + '-01';

/** Cells of one session: [service id (0: session level), outcome, heads]. Heads are the group's size, 1 for a recognised-resident row. */
function cellsOf(s: CountedSession): [number, string, number][] {
  const heads = s.row.residentsCount;
  const out: [number, string, number][] = [
    [0, ROLLUP_ALL, heads],
    [0, rollupKind(s.row.kind as SessionKind), heads],
  ];
  if (s.row.residentKey) out.push([0, ROLLUP_IDENTIFIED, 1]);
  if (s.row.atServiceCentre) out.push([0, ROLLUP_CENTRE, heads]);
  for (const x of s.serviceIds) out.push([x.serviceId, x.outcome, heads]);
  return out;
}

interface Delta { owner: number; team: number; day: string; serviceId: number; outcome: string; sessions: number; residents: number }

/** Deltas summed per key; `team` 0 for unit rollups. Sorted, so concurrent syncs lock rows in one order. */
function sumDeltas(items: Iterable<Omit<Delta, 'sessions' | 'residents'> & { heads: number }>): Delta[] {
  const acc = new Map<string, Delta>();
  for (const x of items) {
    const key = `${x.owner}|${x.day}|${x.team}|${x.serviceId}|${x.outcome}`;
    const d = acc.get(key);
    if (d) {
      d.sessions += 1;
      d.residents += x.heads;
    } else acc.set(key, { owner: x.owner, team: x.team, day: x.day, serviceId: x.serviceId, outcome: x.outcome, sessions: 1, residents: x.heads });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...acc.values()].sort((a, b) => a.owner - b.owner || cmp(a.day, b.day) || a.team - b.team || a.serviceId - b.serviceId || cmp(a.outcome, b.outcome));
}

function* unitItems(stored: CountedSession[], month: boolean) {
  for (const s of stored) {
    const day = month ? monthOf(s.row.day) : s.row.day;
    for (const owner of [s.team.communeId, s.team.provinceUnitId, -s.team.id]) for (const [serviceId, outcome, heads] of cellsOf(s)) yield { owner, team: 0, day, serviceId, outcome, heads };
  }
}

function* memberItems(stored: CountedSession[], month: boolean) {
  for (const s of stored) {
    const day = month ? monthOf(s.row.day) : s.row.day;
    for (const owner of new Set(s.memberIds)) for (const [serviceId, outcome, heads] of cellsOf(s)) yield { owner, team: s.team.id, day, serviceId, outcome, heads };
  }
}

const col = <K extends keyof Delta>(rows: Delta[], k: K) => sql.param(rows.map((r) => r[k]));

/** `name as (insert … on conflict do update add)`: deltas added to a unit rollup (support_daily by day, support_monthly by month). */
function unitDeltas(name: string, table: 'support_daily' | 'support_monthly', rows: Delta[]): SQL {
  const time = sql.identifier(table === 'support_daily' ? 'day' : 'month');
  const t = sql.identifier(table);
  return sql`${sql.identifier(name)} as (
      insert into ${t} (unit_id, ${time}, service_id, outcome, sessions, residents)
      select * from unnest(${col(rows, 'owner')}::int[], ${col(rows, 'day')}::date[], ${col(rows, 'serviceId')}::int[], ${col(rows, 'outcome')}::text[], ${col(rows, 'sessions')}::bigint[], ${col(rows, 'residents')}::bigint[])
      on conflict (unit_id, ${time}, service_id, outcome)
      do update set sessions = ${t}.sessions + excluded.sessions, residents = ${t}.residents + excluded.residents
      returning 1)`;
}

/** The same for a member rollup (support_member_daily by day, support_member_monthly by month). */
function memberDeltas(name: string, table: 'support_member_daily' | 'support_member_monthly', rows: Delta[]): SQL {
  const time = sql.identifier(table === 'support_member_daily' ? 'day' : 'month');
  const t = sql.identifier(table);
  return sql`${sql.identifier(name)} as (
      insert into ${t} (member_id, ${time}, team_id, service_id, outcome, sessions, residents)
      select * from unnest(${col(rows, 'owner')}::int[], ${col(rows, 'day')}::date[], ${col(rows, 'team')}::int[], ${col(rows, 'serviceId')}::int[], ${col(rows, 'outcome')}::text[], ${col(rows, 'sessions')}::bigint[], ${col(rows, 'residents')}::bigint[])
      on conflict (member_id, ${time}, team_id, service_id, outcome)
      do update set sessions = ${t}.sessions + excluded.sessions, residents = ${t}.residents + excluded.residents
      returning 1)`;
}

interface Sighting { unitId: number; day: string; residentKey: string }

/**
 * Locks each touched (unit, resident) for the caller's transaction, in one global order, so two
 * syncs seeing one person at once cannot both think they saw the person's neighbours. A statement
 * of its own: the statement that reads the sightings must start after the locks are held.
 */
async function lockResidents(db: Db, rows: Sighting[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(
    sql`select pg_advisory_xact_lock(8113, hashtext(k.unit_id || ':' || k.resident_key))
          from (select distinct unit_id, resident_key from unnest(${sql.param(rows.map((r) => r.unitId))}::int[], ${sql.param(rows.map((r) => r.residentKey))}::bigint[]) as x(unit_id, resident_key) order by 1, 2) k`,
  );
}

/**
 * CTEs recording sightings of recognised residents (unit, day, 64-bit key as a decimal string):
 * the sighting days (support_resident_days, idempotent); the links between each resident's
 * successive sightings in a unit — a sighting d between the resident's sightings p and n (p:
 * previous or NO_PREVIOUS_DAY) adds link d←p and replaces n←p by n←d; month links count only a
 * month's first sighting (p in an earlier month), computed as the links of each touched resident's
 * sightings after the insert minus before (`links`: unit, day, prev_day, ±1; summed and added by
 * linkDeltas); and the calendar periods (year, quarter, month, keys as periodKeys) a new day opens
 * for the resident (`new_periods`, returning (unit, period); their counts are added by
 * periodCounts). The residents must be locked first (lockResidents).
 */
function residentSightings(rows: Sighting[]): SQL {
  const sorted = [...rows].sort((a, b) => a.unitId - b.unitId || (a.residentKey < b.residentKey ? -1 : a.residentKey > b.residentKey ? 1 : 0) || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const units = sql.param(sorted.map((r) => r.unitId));
  const days = sql.param(sorted.map((r) => r.day));
  const keys = sql.param(sorted.map((r) => r.residentKey));
  const none = sql`${NO_PREVIOUS_DAY}::date`;
  return sql`fresh as (
        insert into support_resident_days (unit_id, day, resident_key)
        select distinct * from unnest(${units}::int[], ${days}::date[], ${keys}::bigint[]) order by 1, 3, 2
        on conflict do nothing
        returning unit_id, day, resident_key),
      touched as (select distinct unit_id, resident_key from fresh),
      old as (select d.unit_id, d.resident_key, d.day from support_resident_days d join touched t on t.unit_id = d.unit_id and t.resident_key = d.resident_key),
      new as (select * from old union all select unit_id, resident_key, day from fresh),
      links as (
        select unit_id, day, coalesce(lag(day) over (partition by unit_id, resident_key order by day), ${none}) as prev_day, 1 as n from new
        union all
        select unit_id, day, coalesce(lag(day) over (partition by unit_id, resident_key order by day), ${none}), -1 from old),
      new_periods as (
        insert into support_resident_periods (unit_id, period, resident_key)
        select distinct f.unit_id, p.period, f.resident_key
          from fresh f cross join lateral (values ('Y' || to_char(f.day, 'YYYY')), ('Q' || to_char(f.day, 'YYYY-Q')), ('M' || to_char(f.day, 'YYYY-MM'))) as p(period)
         order by 1, 2, 3
        on conflict do nothing
        returning unit_id, period)`;
}

/** The link deltas of a statement with residentSightings' CTEs, as JSON [unit, day, prev_day, ±n]: by day, and by month for a month's first sightings. */
const LINK_DELTAS = {
  day: sql`(select coalesce(json_agg(json_build_array(unit_id, day::text, prev_day::text, n)), '[]') from (select unit_id, day, prev_day, sum(n)::int as n from links group by 1, 2, 3 having sum(n) <> 0) x)`,
  month: sql`(select coalesce(json_agg(json_build_array(unit_id, month::text, prev_day::text, n)), '[]') from (
               select unit_id, date_trunc('month', day)::date as month, prev_day, sum(n)::int as n from links
                where date_trunc('month', prev_day) < date_trunc('month', day) group by 1, 2, 3 having sum(n) <> 0) x)`,
};
type LinkDelta = [unitId: number, day: string, prevDay: string, n: number];

/** `name as (…)`: link deltas added to support_resident_links (by day) or support_resident_month_links (by month), in key order. */
function linkDeltas(name: string, table: 'support_resident_links' | 'support_resident_month_links', rows: LinkDelta[]): SQL {
  const sorted = [...rows].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const time = sql.identifier(table === 'support_resident_links' ? 'day' : 'month');
  const t = sql.identifier(table);
  return sql`${sql.identifier(name)} as (
      insert into ${t} (unit_id, ${time}, prev_day, residents)
      select * from unnest(${sql.param(sorted.map((r) => r[0]))}::int[], ${sql.param(sorted.map((r) => r[1]))}::date[], ${sql.param(sorted.map((r) => r[2]))}::date[], ${sql.param(sorted.map((r) => r[3]))}::int[])
      on conflict (unit_id, ${time}, prev_day) do update set residents = ${t}.residents + excluded.residents
      returning 1)`;
}

/** `period_counts as (…)`: the residents a sync newly saw in each (unit, calendar period), added to support_resident_counts. */
function periodCounts(rows: { unitId: number; period: string; residents: number }[]): SQL {
  const sorted = [...rows].sort((a, b) => a.unitId - b.unitId || (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return sql`period_counts as (
      insert into support_resident_counts (unit_id, period, residents)
      select * from unnest(${sql.param(sorted.map((r) => r.unitId))}::int[], ${sql.param(sorted.map((r) => r.period))}::text[], ${sql.param(sorted.map((r) => r.residents))}::int[])
      on conflict (unit_id, period) do update set residents = support_resident_counts.residents + excluded.residents
      returning 1)`;
}

/**
 * Stores sessions with their members and services and adds them to every rollup, in the caller's
 * transaction (`db` must be one), in two statements (data-modifying CTEs; on the embedded database
 * each statement is a round trip to its thread): first the sessions, their people and services,
 * the member rollups and the residents' sighting days and periods; then the rows every sync of the
 * commune or province adds to (support_daily, support_monthly, the residents' links and period
 * counts), in a short statement of their own, so they stay locked only for it and the commit (in
 * one statement they would be held while the foreign-key checks and triggers at its end run). A
 * caller writes whatever else it has before calling this. The sessions must not be stored yet, and
 * their ids locked by the caller (sessions.store.ts: lockSessionIds, then existingSessionIds): one
 * already stored is an error that rolls the transaction back, never a session counted twice.
 * Returns the ids stored (all of them).
 */
export async function storeAndCountSessions(db: Db, stored: CountedSession[]): Promise<Set<string>> {
  if (stored.length === 0) return new Set();
  const sightings = stored.flatMap((s) => (s.row.residentKey ? [s.team.communeId, s.team.provinceUnitId].map((unitId) => ({ unitId, day: s.row.day, residentKey: residentKey64(s.row.residentKey!) })) : []));
  await lockResidents(db, sightings);
  const people = stored.flatMap((r) => [...new Set(r.memberIds)].map((memberId) => ({ sessionId: r.row.id, memberId, day: r.row.day })));
  const services = stored.flatMap((r) => r.serviceIds.map((s) => ({ sessionId: r.row.id, day: r.row.day, ...s })));
  const ctes: SQL[] = [
    sql`s as (${repo.insertSessionsSql(stored.map((r) => r.row))})`,
    sql`m as (
      insert into support_session_members (session_id, member_id, day)
      select x.* from unnest(${sql.param(people.map((p) => p.sessionId))}::uuid[], ${sql.param(people.map((p) => p.memberId))}::int[], ${sql.param(people.map((p) => p.day))}::date[]) as x(session_id, member_id, day)
        join s on s.id = x.session_id
      returning 1)`,
    sql`v as (
      insert into support_session_services (session_id, service_id, outcome, day)
      select x.* from unnest(${sql.param(services.map((p) => p.sessionId))}::uuid[], ${sql.param(services.map((p) => p.serviceId))}::int[], ${sql.param(services.map((p) => p.outcome))}::text[], ${sql.param(services.map((p) => p.day))}::date[]) as x(session_id, service_id, outcome, day)
        join s on s.id = x.session_id
      returning 1)`,
    memberDeltas('member_daily', 'support_member_daily', sumDeltas(memberItems(stored, false))),
    memberDeltas('member_monthly', 'support_member_monthly', sumDeltas(memberItems(stored, true))),
  ];
  if (sightings.length) ctes.push(residentSightings(sightings));
  const none = sql`'[]'::json`;
  const [row] = await queryRows<{ ids: string[] | string; periods: [number, string, number][] | string; dayLinks: LinkDelta[] | string; monthLinks: LinkDelta[] | string }>(
    db,
    sql`with ${sql.join(ctes, sql`, `)}
        select (select coalesce(json_agg(id), '[]') from s) as ids,
               ${sightings.length ? sql`(select coalesce(json_agg(json_build_array(unit_id, period, n)), '[]') from (select unit_id, period, count(*)::int as n from new_periods group by 1, 2) p)` : none} as periods,
               ${sightings.length ? LINK_DELTAS.day : none} as "dayLinks", ${sightings.length ? LINK_DELTAS.month : none} as "monthLinks"`,
  );
  const ids = jsonValue(row.ids);
  if (ids.length !== stored.length) {
    // the rollups counted every session given: roll all of it back
    throw new Error(`storeAndCountSessions: ${stored.length - ids.length} buổi hỗ trợ đã có trong cơ sở dữ liệu (cần khoá mã buổi và kiểm tra trước khi ghi).`);
  }
  // the shared rows, last: a commune's and province's cells of the day and month, the residents' links (one row per unit,
  // day and previous day: every resident first seen today in the province adds to one) and period counts
  const hot: SQL[] = [unitDeltas('daily', 'support_daily', sumDeltas(unitItems(stored, false))), unitDeltas('monthly', 'support_monthly', sumDeltas(unitItems(stored, true)))];
  const dayLinks = jsonValue(row.dayLinks);
  const monthLinks = jsonValue(row.monthLinks);
  const counts = jsonValue(row.periods).map(([unitId, period, residents]) => ({ unitId, period, residents }));
  if (dayLinks.length) hot.push(linkDeltas('day_links', 'support_resident_links', dayLinks));
  if (monthLinks.length) hot.push(linkDeltas('month_links', 'support_resident_month_links', monthLinks));
  if (counts.length) hot.push(periodCounts(counts));
  await db.execute(sql`with ${sql.join(hot, sql`, `)} select 1`);
  return new Set(ids);
}
