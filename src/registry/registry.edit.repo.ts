import { sql } from 'drizzle-orm';
import { memberVisibleSql, memberWhollyInScopeSql, teamInScopeSql } from '../access/scope.sql.js';
import type { Scope } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';

/**
 * SQL of the registry's editing (teams, people, membership periods), used by registry.teams.ts,
 * registry.members.ts and registry.duplicates.ts inside their transactions. Every function that
 * reads a person takes the caller's scope.
 */

export interface PersonRow {
  id: number;
  fullName: string;
  gender: 'male' | 'female' | null;
  birthYear: number | null;
  phone: string | null;
  version: number;
  mergedIntoId: number | null;
  /** every current team of the person lies in the scope (their own fields are the caller's to change) */
  wholly: boolean;
}

const personColumns = sql`m.id, m.full_name as "fullName", m.gender, m.birth_year as "birthYear", m.phone, m.version, m.merged_into_id as "mergedIntoId"`;

/** The person `id` if visible in `scope` (one of their teams, current or past, lies in it), locked FOR UPDATE when `lock`. */
export async function personById(db: Db, id: number, scope: Scope, lock = false): Promise<PersonRow | undefined> {
  const [row] = await queryRows<PersonRow>(
    db,
    sql`select ${personColumns}, ${memberWhollyInScopeSql(scope, sql.raw('m.id'))} as wholly
          from members m where m.id = ${id} and ${memberVisibleSql(scope, sql.raw('m.id'))} ${lock ? sql`for update of m` : sql``}`,
  );
  return row;
}

export interface PeriodRow {
  id: number;
  teamId: number;
  memberId: number;
  role: 'leader' | 'deputy' | 'member';
  affiliations: string[];
  position: string | null;
  joinedOn: string;
  leftOn: string | null;
  startReason: string;
  endReason: string | null;
  endNote: string | null;
}

const periodColumns = sql`tm.id, tm.team_id as "teamId", tm.member_id as "memberId", tm.role, tm.affiliations, tm.position, tm.joined_on::text as "joinedOn",
  tm.left_on::text as "leftOn", tm.start_reason as "startReason", tm.end_reason as "endReason", tm.end_note as "endNote"`;

/** The person's current period in the team, if any. */
export async function currentPeriod(db: Db, teamId: number, memberId: number): Promise<PeriodRow | undefined> {
  const [row] = await queryRows<PeriodRow>(db, sql`select ${periodColumns} from team_members tm where tm.team_id = ${teamId} and tm.member_id = ${memberId} and tm.left_on is null`);
  return row;
}

/** Current periods of the person (any team, scope-free: only for the services' checks after the person was read in scope). */
export function currentPeriodsOf(db: Db, memberId: number): Promise<PeriodRow[]> {
  return queryRows<PeriodRow>(db, sql`select ${periodColumns} from team_members tm where tm.member_id = ${memberId} and tm.left_on is null order by tm.id`);
}

/** The team's current leaders (normally none or one) with their names. */
export function currentLeaders(db: Db, teamId: number): Promise<(PeriodRow & { fullName: string })[]> {
  return queryRows(db, sql`select ${periodColumns}, m.full_name as "fullName" from team_members tm join members m on m.id = tm.member_id where tm.team_id = ${teamId} and tm.role = 'leader' and tm.left_on is null`);
}

/** Opens a period. Returns its id. */
export async function openPeriod(
  db: Db,
  p: { teamId: number; memberId: number; role: string; affiliations: string[]; position: string | null; joinedOn: string; startReason: 'joined' | 'transferred' | 'role_change' | 'merged' },
): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into team_members (team_id, member_id, role, affiliations, position, joined_on, start_reason)
        values (${p.teamId}, ${p.memberId}, ${p.role}, ${sql.param(`{${p.affiliations.join(',')}}`)}::text[], ${p.position}, ${p.joinedOn}::date, ${p.startReason}) returning id`,
  );
  return row.id;
}

/** Ends a period on `on` (the first day the person is no longer in it). */
export async function closePeriod(db: Db, periodId: number, on: string, reason: string, note: string | null = null): Promise<void> {
  await db.execute(sql`update team_members set left_on = ${on}::date, end_reason = ${reason}, end_note = ${note} where id = ${periodId} and left_on is null`);
}

/** Changes a current period in place (role as of its first day, affiliations, position). */
export async function patchPeriod(db: Db, periodId: number, patch: { role?: string; affiliations?: string[]; position?: string | null }): Promise<void> {
  const sets = [
    patch.role !== undefined ? sql`role = ${patch.role}` : null,
    patch.affiliations !== undefined ? sql`affiliations = ${sql.param(`{${patch.affiliations.join(',')}}`)}::text[]` : null,
    patch.position !== undefined ? sql`position = ${patch.position}` : null,
  ].filter((s): s is NonNullable<typeof s> => s !== null);
  if (sets.length) await db.execute(sql`update team_members set ${sql.join(sets, sql`, `)} where id = ${periodId}`);
}

/** Every period of the person on teams that lie in `scope`, newest first, with the team's name. */
export function periodsOf(db: Db, memberId: number, scope: Scope) {
  return queryRows<PeriodRow & { teamName: string; communeId: number; provinceCode: string }>(
    db,
    sql`select ${periodColumns}, t.name as "teamName", t.commune_id as "communeId", t.province_code as "provinceCode"
          from team_members tm join teams t on t.id = tm.team_id
         where tm.member_id = ${memberId} and ${teamInScopeSql(scope, 't')}
         order by tm.left_on is null desc, tm.joined_on desc, tm.id desc`,
  );
}

/** Bumps the person's version (every change to them or their memberships), only from `expected`; false when it moved on. */
export async function bumpPersonVersion(db: Db, id: number, expected: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(db, sql`update members set version = version + 1 where id = ${id} and version = ${expected} returning id`);
  return rows.length === 1;
}

/** Bumps the team's version only from `expected`; false when it moved on. */
export async function bumpTeamVersion(db: Db, id: number, expected: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(db, sql`update teams set version = version + 1 where id = ${id} and version = ${expected} returning id`);
  return rows.length === 1;
}

/** The latest status change of the team (its `valid_from`), if any. */
export async function latestStatusChange(db: Db, teamId: number): Promise<string | null> {
  const [row] = await queryRows<{ day: string | null }>(db, sql`select max(valid_from)::text as day from team_statuses where team_id = ${teamId}`);
  return row?.day ?? null;
}

/** Who else holds the phone (not merged away), for the duplicate check of a form: visible ones whole, others only as "elsewhere". */
export function phoneHolders(db: Db, phone: string, exceptId: number | null, scope: Scope) {
  return queryRows<{ id: number; fullName: string; visible: boolean }>(
    db,
    sql`select m.id, m.full_name as "fullName", ${memberVisibleSql(scope, sql.raw('m.id'))} as visible
          from members m where m.phone = ${phone} and m.merged_into_id is null ${exceptId ? sql`and m.id <> ${exceptId}` : sql``} order by m.id`,
  );
}
