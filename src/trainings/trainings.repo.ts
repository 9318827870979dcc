import { type SQL, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql, unitInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import type { TrainingAudience } from './trainings.schema.js';

/**
 * All SQL of the trainings module (issue 14) but the report's. Every function that reads or
 * writes sessions, points or attendance of a place takes the caller's scope (or, for the
 * organiser's unit, a scope made of it: `organiserScope`), ANDed in by access/scope.sql.ts.
 */

export interface OrganiserUnit {
  id: number;
  code: string;
  level: 'province' | 'commune';
  name: string;
  provinceCode: string;
}

/** The part of the unit tree an organiser's session may reach: its province or its commune. */
export function organiserScope(unit: OrganiserUnit): Scope {
  return unit.level === 'province' ? { kind: 'province', provinceCode: unit.provinceCode } : { kind: 'commune', provinceCode: unit.provinceCode, communeId: unit.id };
}

/** Sessions aliased `s` whose organiser lies in the scope: the officers who manage them (a province's sessions are its province officers'). */
export function managedSql(scope: Scope, s = 's'): SQL {
  const a = sql.raw(s);
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`${a}.province_code = ${scope.provinceCode}`;
    case 'commune':
      return sql`${a}.commune_id = ${scope.communeId}`;
    default:
      return sql`false`;
  }
}

/**
 * Sessions aliased `s` the caller may see: those they manage, those that invite a member of a team
 * in their scope, those with a bridge point in an officer's province or commune (a team's people see
 * only what invites their team), and those where they host a point.
 */
export function visibleSql(scope: Scope, userId: number | null, memberId: number | null, s = 's'): SQL {
  const a = sql.raw(s);
  return sql`(${managedSql(scope, s)}
    or exists (select 1 from training_invitations vi join teams t on t.id = vi.team_id where vi.training_id = ${a}.id and ${teamInScopeSql(scope, 't')})
    ${scope.kind === 'province' || scope.kind === 'commune' ? sql`or exists (select 1 from training_session_points vp join bridge_points bp on bp.id = vp.point_id join admin_units u on u.id = coalesce(bp.village_id, bp.commune_id) where vp.training_id = ${a}.id and ${unitInScopeSql(scope, 'u')})` : sql``}
    or exists (select 1 from training_session_points vh where vh.training_id = ${a}.id and (vh.host_user_id = ${userId} or vh.host_member_id = ${memberId})))`;
}

/** A unit's name as a title, on an admin_units row aliased `u`: a province's with its kind ("Tỉnh Sơn La"; communes' names carry theirs). */
export function unitTitleSql(u: string): SQL {
  const a = sql.raw(u);
  return sql`case when ${a}.level = 'province' and ${a}.name !~ '^(Tỉnh|Thành phố) ' then (case ${a}.kind when 'thanh_pho' then 'Thành phố ' else 'Tỉnh ' end) || ${a}.name else ${a}.name end`;
}

/** The same in code: "Sơn La" → "Tỉnh Sơn La"; a city's name that already says "Thành phố Hà Nội" is kept. */
export function unitTitle(u: { level: string; kind: string; name: string }): string {
  if (u.level !== 'province' || /^(Tỉnh|Thành phố) /.test(u.name)) return u.name;
  return `${u.kind === 'thanh_pho' ? 'Thành phố' : 'Tỉnh'} ${u.name}`;
}

export interface TopicRow { code: string; name: string; provinceCode: string | null }
/** The active topics of a province: the national list and the province's own, in their order. */
export function topicsOf(db: Db, provinceCode: string | null): Promise<TopicRow[]> {
  return queryRows(db, sql`select code, name, province_code as "provinceCode" from training_topics where active and (province_code is null or province_code = ${provinceCode}) order by sort_order, code`);
}

export interface PointRow {
  id: number;
  provinceCode: string;
  communeId: number;
  communeCode: string;
  communeName: string;
  villageId: number | null;
  villageCode: string | null;
  villageName: string | null;
  name: string;
  placeKind: string;
  capacity: number | null;
}
const POINT_COLUMNS = sql`bp.id, bp.province_code as "provinceCode", bp.commune_id as "communeId", c.code as "communeCode", c.name as "communeName",
  bp.village_id as "villageId", v.code as "villageCode", v.name as "villageName", bp.name, bp.place_kind as "placeKind", bp.capacity`;
const POINT_FROM = sql`bridge_points bp join admin_units c on c.id = bp.commune_id left join admin_units v on v.id = bp.village_id`;

/** Bridge points in the scope, of the given communes (none: all in scope). */
export function pointsInScope(db: Db, scope: Scope, communeIds: number[] | null): Promise<PointRow[]> {
  return queryRows(db, sql`select ${POINT_COLUMNS} from ${POINT_FROM}
    where ${unitInScopeSql(scope, 'c')} ${communeIds ? sql`and bp.commune_id = any(${sql.param(communeIds)}::int[])` : sql``} order by bp.id`);
}

/** Bridge points by id (no scope: the caller checks each against the organiser's unit). */
export function pointsByIds(db: Db, ids: number[]): Promise<PointRow[]> {
  return queryRows(db, sql`select ${POINT_COLUMNS} from ${POINT_FROM} where bp.id = any(${sql.param(ids)}::int[])`);
}

/** Inserts a bridge point; null when the commune already has one of that name (nameKey). */
export async function insertPoint(db: Db, p: { provinceCode: string; communeId: number; villageId: number | null; name: string; nameKey: string; placeKind: string; capacity: number | null }): Promise<number | null> {
  const [row] = await queryRows<{ id: number }>(db, sql`insert into bridge_points (province_code, commune_id, village_id, name, name_key, place_kind, capacity)
    values (${p.provinceCode}, ${p.communeId}, ${p.villageId}, ${p.name}, ${p.nameKey}, ${p.placeKind}, ${p.capacity}) on conflict (commune_id, name_key) do nothing returning id`);
  return row?.id ?? null;
}

/** Current members of active teams inside `within` who could be invited or host: id → their first team (lowest id) there. */
export async function membersWithin(db: Db, within: Scope, memberIds: number[]): Promise<Map<number, { teamId: number; communeId: number; provinceCode: string; fullName: string }>> {
  if (memberIds.length === 0) return new Map();
  const rows = await queryRows<{ memberId: number; teamId: number; communeId: number; provinceCode: string; fullName: string }>(db, sql`
    select distinct on (tm.member_id) tm.member_id as "memberId", t.id as "teamId", t.commune_id as "communeId", t.province_code as "provinceCode", m.full_name as "fullName"
    from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id
    where tm.member_id = any(${sql.param(memberIds)}::int[]) and tm.left_on is null and t.status = 'active' and ${teamInScopeSql(within, 't')}
    order by tm.member_id, t.id`);
  return new Map(rows.map((r) => [r.memberId, r]));
}

export interface InvitationRow { memberId: number; teamId: number; communeId: number; provinceCode: string }

/**
 * The members an audience names inside `within` (the organiser's unit): every current member of
 * an active team of the units (a commune: all its teams; a village: its teams) and of the teams,
 * with one of the roles when roles are given, plus the members named one by one; each with the
 * team they are invited through (the lowest team id among those that name them).
 */
export function audienceMembers(db: Db, within: Scope, a: { unitIds: number[]; teamIds: number[]; roles: string[]; memberIds: number[] }): Promise<InvitationRow[]> {
  const roles = a.roles.length ? sql`and tm.role = any(${sql.param(a.roles)}::text[])` : sql``;
  return queryRows(db, sql`
    select distinct on (x.member_id) x.member_id as "memberId", x.team_id as "teamId", x.commune_id as "communeId", x.province_code as "provinceCode" from (
      select tm.member_id, t.id as team_id, t.commune_id, t.province_code
      from team_members tm join teams t on t.id = tm.team_id
      where tm.left_on is null and t.status = 'active' and ${teamInScopeSql(within, 't')}
        and (t.unit_id = any(${sql.param(a.unitIds)}::int[]) or t.commune_id = any(${sql.param(a.unitIds)}::int[]) or t.id = any(${sql.param(a.teamIds)}::int[])) ${roles}
      union all
      select tm.member_id, t.id, t.commune_id, t.province_code
      from team_members tm join teams t on t.id = tm.team_id
      where tm.member_id = any(${sql.param(a.memberIds)}::int[]) and tm.left_on is null and t.status = 'active' and ${teamInScopeSql(within, 't')}
    ) x join members m on m.id = x.member_id and m.merged_into_id is null
    order by x.member_id, x.team_id`);
}

/** Replaces a session's invitations with `rows` (one statement each way). */
export async function replaceInvitations(db: Db, trainingId: number, rows: InvitationRow[]): Promise<void> {
  await db.execute(sql`delete from training_invitations where training_id = ${trainingId}`);
  if (rows.length === 0) return;
  await db.execute(sql`insert into training_invitations (training_id, member_id, team_id, commune_id, province_code)
    select ${trainingId}, * from unnest(${sql.param(rows.map((r) => r.memberId))}::int[], ${sql.param(rows.map((r) => r.teamId))}::int[], ${sql.param(rows.map((r) => r.communeId))}::int[], ${sql.param(rows.map((r) => r.provinceCode))}::text[])`);
}

export interface SessionRow {
  id: number;
  provinceCode: string;
  organiserUnitId: number;
  communeId: number | null;
  title: string;
  topicCode: string;
  topicName: string;
  kind: 'in_person' | 'online' | 'hybrid';
  startsAt: Date;
  endsAt: Date;
  day: string;
  materials: { title: string; url?: string }[];
  audience: TrainingAudience;
  closedAt: Date | null;
  version: number;
  unitCode: string;
  unitName: string;
  unitLevel: 'province' | 'commune';
}
const SESSION_COLUMNS = sql`s.id, s.province_code as "provinceCode", s.organiser_unit_id as "organiserUnitId", s.commune_id as "communeId", s.title,
  s.topic_code as "topicCode", tp.name as "topicName", s.kind, s.starts_at as "startsAt", s.ends_at as "endsAt", to_char(s.day, 'YYYY-MM-DD') as day,
  s.materials, s.audience, s.closed_at as "closedAt", s.version, u.code as "unitCode", ${unitTitleSql('u')} as "unitName", u.level as "unitLevel"`;
const SESSION_FROM = sql`training_sessions s join training_topics tp on tp.code = s.topic_code join admin_units u on u.id = s.organiser_unit_id`;

const asDates = <T extends SessionRow>(r: T): T => ({ ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt), closedAt: r.closedAt ? new Date(r.closedAt) : null });

/** A session by id if the caller may see it (visibleSql), with `managed`: the caller manages it. */
export async function sessionVisible(db: Db, id: number, scope: Scope, userId: number | null, memberId: number | null): Promise<(SessionRow & { managed: boolean }) | undefined> {
  const [row] = await queryRows<SessionRow & { managed: boolean }>(db, sql`select ${SESSION_COLUMNS}, coalesce((${managedSql(scope)}), false) as managed from ${SESSION_FROM}
    where s.id = ${id} and ${visibleSql(scope, userId, memberId)}`);
  return row && asDates(row);
}

/** A session by id whatever the scope, locked for update (the caller then checks it is theirs). */
export async function sessionForUpdate(db: Db, id: number): Promise<SessionRow | undefined> {
  const [row] = await queryRows<SessionRow>(db, sql`select ${SESSION_COLUMNS} from ${SESSION_FROM} where s.id = ${id} for update of s`);
  return row && asDates(row);
}

/** The sessions the caller may see whose day lies in [from, to] (Vietnam days), newest first, at most `limit`. */
export async function sessionsVisible(db: Db, scope: Scope, userId: number | null, memberId: number | null, from: string, to: string, limit: number): Promise<(SessionRow & { managed: boolean; points: number; invited: number; attended: number })[]> {
  const rows = await queryRows<SessionRow & { managed: boolean; points: number; invited: number; attended: number }>(db, sql`
    select ${SESSION_COLUMNS}, coalesce((${managedSql(scope)}), false) as managed,
      (select count(*)::int from training_session_points p where p.training_id = s.id) as points,
      (select count(*)::int from training_invitations i where i.training_id = s.id) as invited,
      (select count(*)::int from training_attendance a where a.training_id = s.id) as attended
    from ${SESSION_FROM} where s.day between ${from} and ${to} and ${visibleSql(scope, userId, memberId)}
    order by s.starts_at desc, s.id desc limit ${limit}`);
  return rows.map((r) => ({ ...asDates(r), managed: r.managed, points: r.points, invited: r.invited, attended: r.attended }));
}

export interface SessionPointRow extends PointRow {
  hostMemberId: number | null;
  hostUserId: number | null;
  hostName: string | null;
  sessionCapacity: number | null;
  connection: string | null;
  codeSecret: string;
}

/** The points of sessions, with their hosts' names. */
export function sessionPoints(db: Db, trainingIds: number[]): Promise<(SessionPointRow & { trainingId: number })[]> {
  return queryRows(db, sql`select sp.training_id as "trainingId", ${POINT_COLUMNS}, sp.host_member_id as "hostMemberId", sp.host_user_id as "hostUserId",
      coalesce(hm.full_name, hu.full_name) as "hostName", sp.capacity as "sessionCapacity", sp.connection, sp.code_secret as "codeSecret"
    from training_session_points sp join ${POINT_FROM} on bp.id = sp.point_id
    left join members hm on hm.id = sp.host_member_id left join users hu on hu.id = sp.host_user_id
    where sp.training_id = any(${sql.param(trainingIds)}::int[]) order by sp.training_id, bp.id`);
}

/** Attendance of a session with names and teams, in check-in order. */
export function attendanceOf(db: Db, trainingId: number): Promise<{ id: string; pointId: number; memberId: number | null; fullName: string; teamName: string | null; method: string; checkedInAt: Date; leftAt: Date | null; late: boolean; invited: boolean; walkIn: boolean; walkInStatus: string | null }[]> {
  return queryRows(db, sql`select a.id, a.point_id as "pointId", a.member_id as "memberId", coalesce(m.full_name, a.walk_in_name) as "fullName", t.name as "teamName",
      a.method, a.checked_in_at as "checkedInAt", a.left_at as "leftAt", a.late, a.invited, (a.member_id is null) as "walkIn", a.walk_in_status as "walkInStatus"
    from training_attendance a left join members m on m.id = a.member_id left join teams t on t.id = a.team_id
    where a.training_id = ${trainingId} order by a.checked_in_at, a.id`);
}

/** The invited members of a session with their team, for check-in lists. */
export function invitedOf(db: Db, trainingId: number): Promise<{ memberId: number; fullName: string; teamId: number; teamName: string }[]> {
  return queryRows(db, sql`select i.member_id as "memberId", m.full_name as "fullName", i.team_id as "teamId", t.name as "teamName"
    from training_invitations i join members m on m.id = i.member_id join teams t on t.id = i.team_id where i.training_id = ${trainingId}`);
}

/**
 * Takes, in ascending order, the transaction locks that the report's kept counts take per bucket
 * of members (migration 0019, training_member_reach_refresh), for every member a transaction is
 * about to touch. Taken up front and in order, two writers that share members wait for each other
 * instead of deadlocking (a sync storing its records one by one would otherwise lock buckets in
 * its records' order).
 */
export async function lockMemberReach(tx: Db, memberIds: number[]): Promise<void> {
  const ids = [...new Set(memberIds.filter((m) => Number.isInteger(m) && m > 0))];
  if (!ids.length) return;
  await tx.execute(sql`select count(pg_advisory_xact_lock(20019, b)) from (select distinct x % 256 as b from unnest(${sql.param(ids)}::int[]) x order by 1) y`);
}
