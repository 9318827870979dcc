import { type SQL, sql } from 'drizzle-orm';
import { type Db, jsonValue, queryRows } from '../db/client.js';

/** All SQL that writes support sessions and their daily rollups. */

export interface TeamForSync {
  id: number;
  unitId: number;
  communeId: number;
  provinceCode: string;
  level: 'commune' | 'village';
  provinceUnitId: number;
  /** the Vietnamese day the team existed from: its founding day, else the first day anyone joined it (null: unknown) */
  startsOn: string | null;
}

/** Teams by id with the id of their province's unit (for the province rollup row). */
export function teamsForSync(db: Db, ids: number[]): Promise<TeamForSync[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return queryRows<TeamForSync>(db, teamsSql(ids));
}

function teamsSql(ids: number[]): SQL {
  return sql`select t.id, t.unit_id as "unitId", t.commune_id as "communeId", t.province_code as "provinceCode", t.level,
               p.id as "provinceUnitId",
               coalesce(t.established_on, (select min(tm.joined_on) from team_members tm where tm.team_id = t.id and tm.start_reason <> 'imported'))::text as "startsOn"
          from teams t join admin_units p on p.level = 'province' and p.code = t.province_code and p.valid_to is null
         where t.id = any(${sql.param(ids)}::int[])`;
}

/**
 * Memberships of the given teams, one row per (team, member) over all periods: the first day joined,
 * and the day the person left (null while a member; else the end of the last period), so a session
 * recorded offline before a person left still syncs after it.
 */
export function membershipsForSync(db: Db, teamIds: number[]) {
  if (teamIds.length === 0) return Promise.resolve([] as { teamId: number; memberId: number; joinedOn: string; leftOn: string | null }[]);
  return queryRows<{ teamId: number; memberId: number; joinedOn: string; leftOn: string | null }>(db, membershipsSql(teamIds));
}

function membershipsSql(teamIds: number[]): SQL {
  return sql`select team_id as "teamId", member_id as "memberId", min(joined_on)::text as "joinedOn",
               case when bool_or(left_on is null) then null else max(left_on)::text end as "leftOn"
          from team_members where team_id = any(${sql.param(teamIds)}::int[]) group by team_id, member_id`;
}

function villagesSql(codes: string[]): SQL {
  return sql`select id, code, parent_id as "parentId" from admin_units where level = 'village' and valid_to is null and code = any(${sql.param(codes)}::text[])`;
}

export interface ServiceRow {
  id: number;
  code: string;
  provinceCode: string | null;
  name: string;
  icon: string;
  sortOrder: number;
  active: boolean;
}

/** The service catalogue: national services and, when given, a province's own (all when `provinceCode` is undefined). */
export function servicesFor(db: Db, provinceCode?: string | null): Promise<ServiceRow[]> {
  const where = provinceCode === undefined ? sql`true` : provinceCode === null ? sql`province_code is null` : sql`(province_code is null or province_code = ${provinceCode})`;
  return queryRows<ServiceRow>(
    db,
    sql`select id, code, province_code as "provinceCode", name, icon, sort_order as "sortOrder", active from support_services where ${where} order by sort_order, name`,
  );
}

function servicesSql(codes: string[]): SQL {
  return sql`select id, code, province_code as "provinceCode", name, icon, sort_order as "sortOrder", active from support_services where code = any(${sql.param(codes)}::text[])`;
}

export interface SyncContext {
  teams: TeamForSync[];
  memberships: { teamId: number; memberId: number; joinedOn: string; leftOn: string | null }[];
  villages: { id: number; code: string; parentId: number }[];
  /** ids already stored (counted or kept for review) */
  existing: Set<string>;
  services: ServiceRow[];
}

/**
 * What a sync batch is checked against, in one statement (one round trip, one connection): the
 * teams named (teamsForSync), their memberships (membershipsForSync), the villages and services
 * named, and which ids are already stored (existingSessionIds).
 */
export async function syncContext(db: Db, want: { teamIds: number[]; villageCodes: string[]; serviceCodes: string[]; ids: string[] }): Promise<SyncContext> {
  const agg = (q: SQL) => sql`(select coalesce(json_agg(x), '[]'::json) from (${q}) x)`;
  const [row] = await queryRows<{ teams: TeamForSync[]; memberships: SyncContext['memberships']; villages: SyncContext['villages']; existing: string[]; services: ServiceRow[] }>(
    db,
    sql`select ${agg(teamsSql(want.teamIds))} as teams, ${agg(membershipsSql(want.teamIds))} as memberships, ${agg(villagesSql(want.villageCodes))} as villages,
               ${agg(existingSql(want.ids))} as existing, ${agg(servicesSql(want.serviceCodes))} as services`,
  );
  return {
    teams: jsonValue(row.teams),
    memberships: jsonValue(row.memberships),
    villages: jsonValue(row.villages),
    existing: new Set(jsonValue(row.existing).map((r) => (r as unknown as { id: string }).id)),
    services: jsonValue(row.services),
  };
}

/**
 * Locks the given session ids for the caller's transaction (advisory locks in one global order), so
 * two syncs of the same record (page and service worker, a resend) decide one after the other
 * whether it counts or waits for review: never both. Also takes a key share on `memberIds`, the
 * people who ran them (the lock their support_session_members rows take anyway at the end of the
 * statement that counts them, taken here before any rollup row is): a duplicates merge of one of
 * them (registry.duplicates.ts: both people FOR UPDATE, then their member rollups) then runs wholly
 * before or after the sync, never deadlocked with it. Returns those of `memberIds` merged into
 * another record by then (id → the record kept), read after the lock: a merge that committed while
 * this waited.
 */
export async function lockSessionIds(db: Db, ids: string[], memberIds: number[] = []): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const [row] = await queryRows<{ merged: [number, number][] | string }>(
    db,
    // the merged ones picked by the aggregate's filter: a WHERE on the locking subquery is pushed below its lock
    sql`select (select coalesce(json_agg(json_build_array(m.id, m.merged_into_id)) filter (where m.merged_into_id is not null), '[]')
                  from (select id, merged_into_id from members where id = any(${sql.param([...new Set(memberIds)])}::int[]) order by id for key share) m) as merged,
               (select count(pg_advisory_xact_lock(hashtextextended(k, 1))) from (select k from unnest(${sql.param([...ids].sort())}::text[]) as k order by k) x) as ids`,
  );
  return new Map(jsonValue(row.merged));
}

/** Session ids already stored (counted, or kept for review), of those given. */
export async function existingSessionIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(db, existingSql(ids));
  return new Set(rows.map((r) => r.id));
}

function existingSql(ids: string[]): SQL {
  // support_session_ids: one index over every partition's sessions (migration 0024)
  return sql`select id from support_session_ids where id = any(${sql.param(ids)}::uuid[])
        union all select session_id from support_session_reviews where session_id = any(${sql.param(ids)}::uuid[])`;
}

export interface SessionInsert {
  id: string;
  provinceCode: string;
  communeId: number;
  villageId: number | null;
  teamId: number;
  occurredAt: string;
  day: string;
  deviceSavedAt: string | null;
  recordedBy: number | null;
  kind: string;
  atServiceCentre: boolean;
  residentsCount: number;
  residentGender: string | null;
  residentBirthYear: number | null;
  residentEthnicity: string | null;
  residentId: number | null;
  residentKey: string | null;
  note: string | null;
  /** the time as the phone wrote it (ISO); `occurredAt` is the corrected time */
  deviceOccurredAt: string | null;
  /** phone minus server (ms) at sync; null: unknown (an old app) */
  clockOffsetMs: number | null;
  clockFlag: boolean;
  /** the server's clock when the record arrived (ISO) */
  receivedAt: string;
}

/**
 * The statement inserting sessions (arrays unnested), for a CTE of the statement that also counts
 * them (sessions.rollup.ts storeAndCountSessions): rows whose id is already stored on that day are
 * skipped (`on conflict do nothing`; the key is (id, day), the table being partitioned by day; the
 * same id on another day is a unique violation of support_session_ids, kept by a trigger: the
 * caller locks the ids and checks them first); it returns the ids actually inserted.
 */
export function insertSessionsSql(rows: SessionInsert[]): SQL {
  const col = <K extends keyof SessionInsert>(k: K) => sql.param(rows.map((r) => r[k]));
  return sql`insert into support_sessions (id, province_code, commune_id, village_id, team_id, occurred_at, day, device_saved_at, recorded_by, kind,
                                      at_service_centre, residents_count, resident_gender, resident_birth_year, resident_ethnicity, resident_id, resident_key, note,
                                      device_occurred_at, clock_offset_ms, clock_flag, received_at)
        select * from unnest(${col('id')}::uuid[], ${col('provinceCode')}::text[], ${col('communeId')}::int[], ${col('villageId')}::int[], ${col('teamId')}::int[],
                             ${col('occurredAt')}::timestamptz[], ${col('day')}::date[], ${col('deviceSavedAt')}::timestamptz[], ${col('recordedBy')}::int[], ${col('kind')}::text[],
                             ${col('atServiceCentre')}::boolean[], ${col('residentsCount')}::int[], ${col('residentGender')}::text[], ${col('residentBirthYear')}::smallint[],
                             ${col('residentEthnicity')}::text[], ${col('residentId')}::int[], ${col('residentKey')}::text[], ${col('note')}::text[],
                             ${col('deviceOccurredAt')}::timestamptz[], ${col('clockOffsetMs')}::bigint[], ${col('clockFlag')}::boolean[], ${col('receivedAt')}::timestamptz[])
        on conflict (id, day) do nothing
        returning id`;
}

/** A session kept for review (support_session_reviews): its row, who ran it and its services, and why. */
export interface ReviewInsert {
  row: SessionInsert;
  memberIds: number[];
  serviceIds: { serviceId: number; outcome: string }[];
  reason: 'future' | 'too_old' | 'before_team';
  /** the help request the session answers (issue 16): closed when the officer accepts the session */
  helpRequestId?: number;
}

/**
 * Keeps sessions for the commune officer's review (not counted); ids already kept are skipped.
 * Returns the ids actually inserted.
 */
export async function insertReviews(db: Db, rows: ReviewInsert[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into support_session_reviews (session_id, province_code, commune_id, team_id, reason, device_occurred_at, clock_offset_ms, clock_flag, corrected_at, received_at, record)
        select * from unnest(${sql.param(rows.map((r) => r.row.id))}::uuid[], ${sql.param(rows.map((r) => r.row.provinceCode))}::text[], ${sql.param(rows.map((r) => r.row.communeId))}::int[],
                             ${sql.param(rows.map((r) => r.row.teamId))}::int[], ${sql.param(rows.map((r) => r.reason))}::text[], ${sql.param(rows.map((r) => r.row.deviceOccurredAt ?? r.row.occurredAt))}::timestamptz[],
                             ${sql.param(rows.map((r) => r.row.clockOffsetMs))}::bigint[], ${sql.param(rows.map((r) => r.row.clockFlag))}::boolean[], ${sql.param(rows.map((r) => r.row.occurredAt))}::timestamptz[],
                             ${sql.param(rows.map((r) => r.row.receivedAt))}::timestamptz[], ${sql.param(rows.map((r) => JSON.stringify({ row: r.row, memberIds: r.memberIds, serviceIds: r.serviceIds, ...(r.helpRequestId ? { helpRequestId: r.helpRequestId } : {}) })))}::jsonb[])
        on conflict (session_id) do nothing
        returning session_id as id`,
  );
  return new Set(inserted.map((r) => r.id));
}

/** The calendar periods a day belongs to, as stored in support_resident_periods: 'Y2026', 'Q2026-4', 'M2026-11'. */
export function periodKeys(day: string): [string, string, string] {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  return [`Y${y}`, `Q${y}-${Math.ceil(m / 3)}`, `M${y}-${day.slice(5, 7)}`];
}

/** Distinct residents of a unit in a standard period ('Y2026', 'Q2026-4', 'M2026-11'). */
export async function residentCount(db: Db, unitId: number, period: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select residents as n from support_resident_counts where unit_id = ${unitId} and period = ${period}`);
  return row?.n ?? 0;
}

/** Residents (with consent) already recorded in a commune, by phone or ID hash. */
export function residentsByHashes(db: Db, communeIds: number[], hashes: string[]) {
  if (hashes.length === 0) return Promise.resolve([] as { id: number; communeId: number; phoneHash: string | null; nationalIdHash: string | null }[]);
  return queryRows<{ id: number; communeId: number; phoneHash: string | null; nationalIdHash: string | null }>(
    db,
    sql`select id, commune_id as "communeId", phone_hash as "phoneHash", national_id_hash as "nationalIdHash" from residents
         where commune_id = any(${sql.param(communeIds)}::int[]) and erased_at is null
           and (phone_hash = any(${sql.param(hashes)}::text[]) or national_id_hash = any(${sql.param(hashes)}::text[]))`,
  );
}

/** Adds a service or updates one with the same code (name, icon, order, active). Returns the row. */
export async function upsertService(db: Db, s: { code: string; provinceCode: string | null; name: string; icon: string; sortOrder: number; active: boolean }): Promise<ServiceRow> {
  const [row] = await queryRows<ServiceRow>(
    db,
    sql`insert into support_services (code, province_code, name, icon, sort_order, active) values (${s.code}, ${s.provinceCode}, ${s.name}, ${s.icon}, ${s.sortOrder}, ${s.active})
        on conflict (code) do update set name = excluded.name, icon = excluded.icon, sort_order = excluded.sort_order, active = excluded.active
        returning id, code, province_code as "provinceCode", name, icon, sort_order as "sortOrder", active`,
  );
  return row;
}

export async function serviceByCode(db: Db, code: string): Promise<ServiceRow | undefined> {
  const [row] = await queryRows<ServiceRow>(db, sql`select id, code, province_code as "provinceCode", name, icon, sort_order as "sortOrder", active from support_services where code = ${code}`);
  return row;
}
