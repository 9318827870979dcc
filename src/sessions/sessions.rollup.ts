import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
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
 * sightings after the insert minus before; and the calendar periods (year, quarter, month, keys as
 * periodKeys) a new day opens for the resident, with the periods' counts. The residents must be
 * locked first (lockResidents).
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
      day_links as (
        insert into support_resident_links (unit_id, day, prev_day, residents)
        select unit_id, day, prev_day, sum(n)::int from links group by 1, 2, 3 having sum(n) <> 0 order by 1, 2, 3
        on conflict (unit_id, day, prev_day) do update set residents = support_resident_links.residents + excluded.residents
        returning 1),
      month_links as (
        insert into support_resident_month_links (unit_id, month, prev_day, residents)
        select unit_id, date_trunc('month', day)::date, prev_day, sum(n)::int from links
         where date_trunc('month', prev_day) < date_trunc('month', day) group by 1, 2, 3 having sum(n) <> 0 order by 1, 2, 3
        on conflict (unit_id, month, prev_day) do update set residents = support_resident_month_links.residents + excluded.residents
        returning 1),
      new_periods as (
        insert into support_resident_periods (unit_id, period, resident_key)
        select distinct f.unit_id, p.period, f.resident_key
          from fresh f cross join lateral (values ('Y' || to_char(f.day, 'YYYY')), ('Q' || to_char(f.day, 'YYYY-Q')), ('M' || to_char(f.day, 'YYYY-MM'))) as p(period)
         order by 1, 2, 3
        on conflict do nothing
        returning unit_id, period),
      period_counts as (
        insert into support_resident_counts (unit_id, period, residents)
        select unit_id, period, count(*)::int from new_periods group by unit_id, period order by unit_id, period
        on conflict (unit_id, period) do update set residents = support_resident_counts.residents + excluded.residents
        returning 1)`;
}

/**
 * Stores sessions with their members and services and adds them to every rollup, in the caller's
 * transaction (`db` must be one), in one statement (data-modifying CTEs; on the embedded database
 * each statement is a round trip to its thread and most of a small sync's cost). The sessions must
 * not be stored yet, and their ids locked by the caller (sessions.sync.ts: lockSessionIds, then
 * existingSessionIds): one already stored is an error that rolls the transaction back, never a
 * session counted twice. Returns the ids stored (all of them).
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
    unitDeltas('daily', 'support_daily', sumDeltas(unitItems(stored, false))),
    unitDeltas('monthly', 'support_monthly', sumDeltas(unitItems(stored, true))),
    memberDeltas('member_daily', 'support_member_daily', sumDeltas(memberItems(stored, false))),
    memberDeltas('member_monthly', 'support_member_monthly', sumDeltas(memberItems(stored, true))),
  ];
  if (sightings.length) ctes.push(residentSightings(sightings));
  const rows = await queryRows<{ id: string }>(db, sql`with ${sql.join(ctes, sql`, `)} select id from s`);
  if (rows.length !== stored.length) {
    // the rollups above counted every session given: roll all of it back
    throw new Error(`storeAndCountSessions: ${stored.length - rows.length} buổi hỗ trợ đã có trong cơ sở dữ liệu (cần khoá mã buổi và kiểm tra trước khi ghi).`);
  }
  return new Set(rows.map((r) => r.id));
}
