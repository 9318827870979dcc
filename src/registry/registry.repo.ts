import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { requireScope, type Scope, teamInScope } from '../access/access.policy.js';
import { memberVisibleSql, memberWhollyInScopeSql, teamInScopeSql } from '../access/scope.sql.js';
import { reserveIds } from '../db/sequences.js';
import { now } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { type Db, queryRows } from '../db/client.js';
import { members, registryState, teamMembers, teams } from './registry.schema.js';

/** All SQL of the registry module. */
export type TeamRow = typeof teams.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type TeamMemberRow = typeof teamMembers.$inferSelect;

export interface TeamSummary {
  id: number;
  name: string;
  level: 'commune' | 'village';
  status: string;
  establishedOn: string | null;
  unitCode: string | null;
  unitName: string;
  communeName: string;
  members: number;
}

/**
 * Teams whose unit is `unit` or (for a commune/province) lies under it, with member counts, limited
 * to `scope` (a team scope: its own team only), in the Vietnamese order (text/vietnamese.ts).
 */
export async function teamsUnder(db: Db, unit: { id: number; level: string; code: string | null }, scope: Scope): Promise<TeamSummary[]> {
  const filter =
    unit.level === 'province' ? sql`t.province_code = ${unit.code}` : unit.level === 'commune' ? sql`t.commune_id = ${unit.id}` : sql`t.unit_id = ${unit.id}`;
  const rows = await queryRows<TeamSummary>(
    db,
    sql`select t.id, t.name, t.level, t.status, t.established_on as "establishedOn", u.code as "unitCode", u.name as "unitName", c.name as "communeName",
               (select count(*)::int from team_members tm where tm.team_id = t.id and tm.left_on is null) as members
          from teams t join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id
         where ${filter} and ${teamInScopeSql(scope)}`,
  );
  // the Vietnamese order (a ă â b … đ …, numbers by value), not the database's code-point order:
  // commune-level teams first, then by commune, village and team name
  return rows.sort((a, b) => (a.level === b.level ? 0 : a.level === 'commune' ? -1 : 1) || compareVietnamese(a.communeName, b.communeName) || compareVietnamese(a.unitName, b.unitName) || compareVietnamese(a.name, b.name));
}

/** The team `id` if it lies in `scope`; undefined for a team outside it or none. */
export async function teamById(db: Db, id: number, scope: Scope): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(and(eq(teams.id, id), teamInScopeSql(scope, 'teams')));
  return row;
}

export interface TeamMemberView {
  memberId: number;
  fullName: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  role: 'leader' | 'deputy' | 'member';
  affiliations: string[];
  position: string | null;
  /** the first day of the current period (a role change starts a new one) */
  joinedOn: string;
  /** the person's version, for edits (optimistic concurrency) */
  version: number;
  /** an account was made for this person (users.member_id) */
  hasAccount: boolean;
}

/**
 * Current members of a team with their role there (or, with `asOf`, those whose period covered that
 * Vietnam day, with the role then), when the team lies in `scope` (none otherwise; unsorted: callers
 * sort the Vietnamese way).
 */
export function membersOfTeam(db: Db, teamId: number, scope: Scope, asOf: string | null = null): Promise<TeamMemberView[]> {
  return db
    .select({
      memberId: members.id,
      fullName: members.fullName,
      gender: members.gender,
      birthYear: members.birthYear,
      phone: members.phone,
      role: teamMembers.role,
      affiliations: teamMembers.affiliations,
      position: teamMembers.position,
      joinedOn: teamMembers.joinedOn,
      version: members.version,
      hasAccount: sql<boolean>`exists (select 1 from users u where u.member_id = ${members.id})`,
    })
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.teamId, teamId), membershipOnSql(asOf, 'team_members'), teamInScopeSql(scope, 'teams')));
}

/**
 * Teams that were active on `asOf` (a Vietnam day, YYYY-MM-DD; null = now): created or established
 * by that day, and with status 'active' as of it (`team_statuses`, the latest change on or before
 * the day; none = active since creation).
 */
export function teamActiveSql(asOf: string | null, t = 't'): SQL {
  const team = sql.raw(t);
  if (asOf === null) return sql`${team}.status = 'active'`;
  return sql`least(${team}.established_on, (${team}.created_at at time zone 'Asia/Ho_Chi_Minh')::date) <= ${asOf}::date
    and coalesce((select s.status from team_statuses s where s.team_id = ${team}.id and s.valid_from <= ${asOf}::date order by s.valid_from desc, s.id desc limit 1), 'active') = 'active'`;
}

/** Memberships that covered `asOf` (joined on or before it, not yet left); null = the current ones. */
export function membershipOnSql(asOf: string | null, tm = 'tm'): SQL {
  const m = sql.raw(tm);
  if (asOf === null) return sql`${m}.left_on is null`;
  return sql`${m}.joined_on <= ${asOf}::date and (${m}.left_on is null or ${m}.left_on > ${asOf}::date)`;
}

/** Of the given teams, those active on the Vietnam day `asOf` (teamActiveSql). */
export async function teamsActiveOn(db: Db, ids: number[], asOf: string): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await queryRows<{ id: number }>(db, sql`select t.id from teams t where t.id = any(${sql.param(ids)}::int[]) and ${teamActiveSql(asOf)}`);
  return new Set(rows.map((r) => r.id));
}

export interface FormerMemberRow {
  memberId: number;
  fullName: string;
  role: 'leader' | 'deputy' | 'member';
  joinedOn: string;
  leftOn: string;
  endReason: string;
  endNote: string | null;
}

/** People whose last period in the team has ended (left, moved, died, dissolved, merged away), latest leavers first, when the team lies in `scope`. */
export function formerMembersOfTeam(db: Db, teamId: number, scope: Scope): Promise<FormerMemberRow[]> {
  return queryRows<FormerMemberRow>(
    db,
    sql`select distinct on (tm.member_id) tm.member_id as "memberId", m.full_name as "fullName", tm.role, tm.joined_on::text as "joinedOn", tm.left_on::text as "leftOn", tm.end_reason as "endReason", tm.end_note as "endNote"
          from team_members tm join members m on m.id = tm.member_id join teams t on t.id = tm.team_id
         where tm.team_id = ${teamId} and ${teamInScopeSql(scope)} and tm.end_reason <> 'role_change'
           and not exists (select 1 from team_members c where c.team_id = tm.team_id and c.member_id = tm.member_id and c.left_on is null)
         order by tm.member_id, tm.left_on desc`,
  );
}

/**
 * Where a team is: its unit (a village, or the commune itself for a commune-level team), its
 * commune and its province, so that hits of the same name can be told apart.
 */
export interface TeamPlace {
  unitCode: string | null;
  unitName: string;
  communeCode: string | null;
  communeName: string;
  provinceCode: string;
}

export type TeamHit = { id: number; name: string; level: 'commune' | 'village' } & TeamPlace;
export type MemberHit = { memberId: number; fullName: string; birthYear: number | null; teamId: number; teamName: string; role: 'leader' | 'deputy' | 'member' } & TeamPlace;

/** Teams and members whose search key contains `q` (a search key), within the scope and a province when given; each with its team's place. */
export async function searchRegistry(db: Db, q: string, where: { scope: Scope; provinceCode: string | null }, limit: number) {
  const like = '%' + q.replace(/[%_\\]/g, '\\$&') + '%';
  const inProvince = sql`and ${teamInScopeSql(where.scope)} ${where.provinceCode ? sql`and t.province_code = ${where.provinceCode}` : sql``}`;
  const place = sql`u.code as "unitCode", u.name as "unitName", c.code as "communeCode", c.name as "communeName", t.province_code as "provinceCode"`;
  const [teamHits, memberHits] = await Promise.all([
    queryRows<TeamHit>(
      db,
      sql`select t.id, t.name, t.level, ${place} from teams t join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id
           where t.search_key like ${like} ${inProvince} order by t.search_key, t.id limit ${limit}`,
    ).then((rows) => rows.sort((a, b) => compareVietnamese(a.name, b.name) || compareVietnamese(a.communeName, b.communeName) || a.id - b.id)),
    queryRows<MemberHit>(
      db,
      sql`select m.id as "memberId", m.full_name as "fullName", m.birth_year as "birthYear", t.id as "teamId", t.name as "teamName", tm.role, ${place}
            from members m join team_members tm on tm.member_id = m.id and tm.left_on is null join teams t on t.id = tm.team_id
                 join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id
           where m.search_key like ${like} ${inProvince} limit ${limit}`,
    ),
  ]);
  return { teams: teamHits, members: memberHits };
}

/**
 * The commune-level teams' name keys under `communeIds`, whatever the caller's scope: only which
 * commune holds an old commune's own team (no team row, no member), so an import finds a split old
 * commune's team where an earlier answer put it instead of making a second one.
 */
export function communeTeamPlaces(db: Db, communeIds: number[]): Promise<{ nameKey: string; communeId: number }[]> {
  if (communeIds.length === 0) return Promise.resolve([]);
  return db.select({ nameKey: teams.nameKey, communeId: teams.communeId }).from(teams).where(and(eq(teams.level, 'commune'), inArray(teams.communeId, communeIds)));
}

/** Teams of the given units that lie in `scope`, for import matching. */
export function teamsOfUnits(db: Db, unitIds: number[], scope: Scope): Promise<TeamRow[]> {
  if (unitIds.length === 0) return Promise.resolve([]);
  return db.select().from(teams).where(and(inArray(teams.unitId, unitIds), teamInScopeSql(scope, 'teams')));
}

/**
 * Who holds each of the phones, for import matching, as far as `scope` may know: a person on a
 * team in the scope comes back whole (`member`, with `shared` when they are also on a team outside
 * it); a person with no team in the scope comes back only as `elsewhere` with the communes of their
 * teams, for the conflict's audit entry, never their name or anything else.
 */
export async function phoneOwners(db: Db, phones: string[], scope: Scope): Promise<{ phone: string; member?: MemberRow; shared?: boolean; elsewhere?: { communeIds: number[]; provinceCodes: string[] } }[]> {
  if (phones.length === 0) return [];
  const rows = await db
    .select({
      member: members,
      visible: sql<boolean>`${memberVisibleSql(scope, sql.raw('members.id'))}`,
      wholly: sql<boolean>`${memberWhollyInScopeSql(scope, sql.raw('members.id'))}`,
      communeIds: sql<number[]>`array(select distinct ot.commune_id from team_members om join teams ot on ot.id = om.team_id where om.member_id = members.id order by 1)`,
      provinceCodes: sql<string[]>`array(select distinct ot.province_code from team_members om join teams ot on ot.id = om.team_id where om.member_id = members.id order by 1)`,
    })
    .from(members)
    .where(sql`${members.phone} = any(${sql.param(phones)}::text[])`)
    .orderBy(members.id);
  return rows.map((r) =>
    r.visible || r.wholly ? { phone: r.member.phone!, member: r.member, shared: !r.wholly } : { phone: r.member.phone!, elsewhere: { communeIds: r.communeIds, provinceCodes: r.provinceCodes } },
  );
}

/**
 * Current memberships (with the person) of the given teams that lie in `scope`, for import matching;
 * `shared` says the person is also on a team outside the scope (their own fields are then not the
 * caller's to change).
 */
export function membershipsOfTeams(db: Db, teamIds: number[], scope: Scope) {
  if (teamIds.length === 0) return Promise.resolve([]);
  return db
    .select({ member: members, membership: teamMembers, shared: sql<boolean>`not ${memberWhollyInScopeSql(scope, sql.raw("members.id"))}` })
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(inArray(teamMembers.teamId, teamIds), isNull(teamMembers.leftOn), teamInScopeSql(scope, 'teams')));
}

/** Current memberships of the given members on teams that lie in `scope`. */
export function membershipsOfMembers(db: Db, memberIds: number[], scope: Scope) {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db
    .select({ teamId: teamMembers.teamId, memberId: teamMembers.memberId, role: teamMembers.role, affiliations: teamMembers.affiliations, position: teamMembers.position, joinedOn: teamMembers.joinedOn })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(inArray(teamMembers.memberId, memberIds), isNull(teamMembers.leftOn), teamInScopeSql(scope, 'teams')));
}

/**
 * Inserts teams, each of which must lie in `scope` (OUT_OF_SCOPE otherwise, nothing inserted).
 * Returns their ids in input order. Written as arrays (`unnest`), not a VALUES list: a 2,000-row
 * VALUES statement costs more to plan than to run.
 */
export async function insertTeams(db: Db, rows: (typeof teams.$inferInsert)[], scope: Scope): Promise<number[]> {
  if (rows.length === 0) return [];
  for (const r of rows) requireScope(teamInScope(scope, { id: 0, unitId: r.unitId, communeId: r.communeId, provinceCode: r.provinceCode }) && scope.kind !== 'team', `tổ "${r.name}"`, { entity: 'team', provinceCode: r.provinceCode, communeId: r.communeId });
  const ids = await reserveIds(db, 'teams', 'id', rows.length);
  const column = <T>(f: (r: (typeof rows)[number]) => T) => sql.param(rows.map(f));
  // created at the current clock's instant (text/clock.ts), not the database's now()
  await db.execute(sql`insert into teams (id, level, unit_id, commune_id, province_code, name, name_key, search_key, established_on, status, created_at)
    select i, l, u, c, p, n, nk, sk, e, coalesce(s, 'active'), ${now().toISOString()}::timestamptz
    from unnest(${sql.param(ids)}::int[], ${column((r) => r.level)}::text[], ${column((r) => r.unitId)}::int[], ${column((r) => r.communeId)}::int[], ${column((r) => r.provinceCode)}::text[],
                ${column((r) => r.name)}::text[], ${column((r) => r.nameKey)}::text[], ${column((r) => r.searchKey)}::text[], ${column((r) => r.establishedOn ?? null)}::date[], ${column((r) => r.status ?? null)}::text[])
      as x(i, l, u, c, p, n, nk, sk, e, s)`);
  return ids;
}

/**
 * Changes a person's own fields, only when every team they are on lies in `scope`: another unit's
 * member cannot be changed through this function. Errors: OUT_OF_SCOPE (nothing changed).
 */
export async function updateMember(db: Db, id: number, patch: Partial<typeof members.$inferInsert>, scope: Scope): Promise<void> {
  const changed = await db
    .update(members)
    .set(patch)
    .where(and(eq(members.id, id), memberWhollyInScopeSql(scope, sql.raw("members.id"))))
    .returning({ id: members.id });
  requireScope(changed.length === 1, `thành viên mã ${id}`, { entity: 'member', id });
}

/**
 * Inserts many members as arrays (`unnest`): one statement per call, whatever the count, without
 * the per-row cost of building a multi-row VALUES list. Ids are drawn from the sequence first
 * (`reserveIds`), so the returned ids are in input order. New people belong to nobody until a membership (in scope,
 * see upsertMembershipsBulk) links them.
 */
export async function insertMembersBulk(db: Db, rows: { fullName: string; nameKey: string; searchKey: string; gender: 'male' | 'female' | null; birthYear: number | null; phone: string | null }[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const ids = await reserveIds(db, 'members', 'id', rows.length);
  await db.execute(sql`insert into members (id, full_name, name_key, search_key, gender, birth_year, phone)
    select * from unnest(${sql.param(ids)}::int[], ${sql.param(rows.map((r) => r.fullName))}::text[], ${sql.param(rows.map((r) => r.nameKey))}::text[],
                         ${sql.param(rows.map((r) => r.searchKey))}::text[], ${sql.param(rows.map((r) => r.gender))}::text[], ${sql.param(rows.map((r) => r.birthYear))}::smallint[],
                         ${sql.param(rows.map((r) => r.phone))}::text[])`);
  return ids;
}

/**
 * Inserts memberships as arrays, or updates role/affiliations/position of existing ones, on teams
 * that lie in `scope` only: a row naming a team outside it makes the whole call fail with
 * OUT_OF_SCOPE (the caller's transaction rolls back). Affiliation codes are plain identifiers.
 * A new period starts on the row's `joinedOn` (start_reason 'joined'), else on today in Vietnam by
 * the current clock (text/clock.ts; never the database's own date, whose time zone is not Vietnam's)
 * with start_reason 'imported': the day the person was found on a roster, not a join date.
 */
export async function upsertMembershipsBulk(db: Db, rows: (typeof teamMembers.$inferInsert)[], scope: Scope): Promise<void> {
  if (rows.length === 0) return;
  const teamIds = [...new Set(rows.map((r) => r.teamId))];
  const allowed = await queryRows<{ id: number }>(db, sql`select t.id from teams t where t.id = any(${sql.param(teamIds)}::int[]) and ${teamInScopeSql(scope)}`);
  requireScope(allowed.length === teamIds.length, 'tổ ngoài phạm vi', { entity: 'team', id: teamIds.find((id) => !allowed.some((a) => a.id === id)) });
  const today = todayInVietnam();
  await db.execute(sql`insert into team_members (team_id, member_id, role, affiliations, position, joined_on, start_reason)
    select t, m, r, a::text[], p, j, sr from unnest(${sql.param(rows.map((u) => u.teamId))}::int[], ${sql.param(rows.map((u) => u.memberId))}::int[], ${sql.param(rows.map((u) => u.role ?? 'member'))}::text[],
                                            ${sql.param(rows.map((u) => `{${(u.affiliations ?? []).join(',')}}`))}::text[], ${sql.param(rows.map((u) => u.position ?? null))}::text[],
                                            ${sql.param(rows.map((u) => u.joinedOn ?? today))}::date[], ${sql.param(rows.map((u) => u.startReason ?? (u.joinedOn ? 'joined' : 'imported')))}::text[]) as x(t, m, r, a, p, j, sr)
    on conflict (team_id, member_id) where left_on is null do update set role = excluded.role, affiliations = excluded.affiliations, position = excluded.position`);
}

/** Bumps the registry revision inside the writing transaction (see registryState). */
export async function bumpRevision(db: Db): Promise<void> {
  await db.update(registryState).set({ revision: sql`${registryState.revision} + 1` }).where(eq(registryState.id, 1));
}

/** The registry revision as of now. */
export async function currentRevision(db: Db): Promise<number> {
  const [row] = await db.select({ revision: registryState.revision }).from(registryState).where(eq(registryState.id, 1));
  return row?.revision ?? 0;
}

/** Refreshes the planner's statistics after a bulk load (PGlite has no autovacuum to do it). */
export async function analyzeRegistry(db: Db): Promise<void> {
  await db.execute(sql`analyze teams, members, team_members`);
}
