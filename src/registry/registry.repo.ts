import { eq, inArray, sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
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

/** Teams whose unit is `unitId` or (for a commune/province) lies under it, with member counts. */
export function teamsUnder(db: Db, unit: { id: number; level: string; code: string | null }): Promise<TeamSummary[]> {
  const filter =
    unit.level === 'province' ? sql`t.province_code = ${unit.code}` : unit.level === 'commune' ? sql`t.commune_id = ${unit.id}` : sql`t.unit_id = ${unit.id}`;
  return queryRows<TeamSummary>(
    db,
    sql`select t.id, t.name, t.level, t.status, t.established_on as "establishedOn", u.code as "unitCode", u.name as "unitName", c.name as "communeName",
               (select count(*)::int from team_members tm where tm.team_id = t.id) as members
          from teams t join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id
         where ${filter}
         order by t.level, u.name, t.name`,
  );
}

export async function teamById(db: Db, id: number): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
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
}

/** Members of a team with their role there (unsorted: callers sort the Vietnamese way). */
export function membersOfTeam(db: Db, teamId: number): Promise<TeamMemberView[]> {
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
    })
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(eq(teamMembers.teamId, teamId));
}

/** SQL condition on teams `t` for a scope. */
export function teamScopeFilter(scope: Scope) {
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`t.province_code = ${scope.provinceCode}`;
    case 'commune':
      return sql`t.commune_id = ${scope.communeId}`;
    case 'village':
      return sql`t.unit_id = ${scope.unitId}`;
    case 'team':
      return sql`t.id = ${scope.teamId}`;
  }
}

/** Teams and members whose search key contains `q` (a search key), within the scope and a province when given. */
export async function searchRegistry(db: Db, q: string, where: { scope: Scope; provinceCode: string | null }, limit: number) {
  const like = '%' + q.replace(/[%_\\]/g, '\\$&') + '%';
  const inProvince = sql`and ${teamScopeFilter(where.scope)} ${where.provinceCode ? sql`and t.province_code = ${where.provinceCode}` : sql``}`;
  const [teamHits, memberHits] = await Promise.all([
    queryRows<{ id: number; name: string; level: string; unitName: string; unitCode: string }>(
      db,
      sql`select t.id, t.name, t.level, u.name as "unitName", u.code as "unitCode" from teams t join admin_units u on u.id = t.unit_id
           where t.search_key like ${like} ${inProvince} order by t.name limit ${limit}`,
    ),
    queryRows<{ memberId: number; fullName: string; birthYear: number | null; teamId: number; teamName: string; role: string }>(
      db,
      sql`select m.id as "memberId", m.full_name as "fullName", m.birth_year as "birthYear", t.id as "teamId", t.name as "teamName", tm.role
            from members m join team_members tm on tm.member_id = m.id join teams t on t.id = tm.team_id
           where m.search_key like ${like} ${inProvince} limit ${limit}`,
    ),
  ]);
  return { teams: teamHits, members: memberHits };
}

/** Teams of the given units, for import matching. */
export function teamsOfUnits(db: Db, unitIds: number[]): Promise<TeamRow[]> {
  if (unitIds.length === 0) return Promise.resolve([]);
  return db.select().from(teams).where(inArray(teams.unitId, unitIds));
}

/** Members holding any of the phones, for import matching. */
export function membersByPhones(db: Db, phones: string[]): Promise<MemberRow[]> {
  if (phones.length === 0) return Promise.resolve([]);
  return db.select().from(members).where(sql`${members.phone} = any(${sql.param(phones)}::text[])`);
}

/** Memberships (with the person) of the given teams, for import matching. */
export function membershipsOfTeams(db: Db, teamIds: number[]) {
  if (teamIds.length === 0) return Promise.resolve([]);
  return db
    .select({ member: members, membership: teamMembers })
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(inArray(teamMembers.teamId, teamIds));
}

/** Memberships of the given members (any team), for import matching. */
export function membershipsOfMembers(db: Db, memberIds: number[]) {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db.select().from(teamMembers).where(inArray(teamMembers.memberId, memberIds));
}

export function insertTeams(db: Db, rows: (typeof teams.$inferInsert)[]): Promise<TeamRow[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insert(teams).values(rows).returning();
}

export async function updateMember(db: Db, id: number, patch: Partial<typeof members.$inferInsert>): Promise<void> {
  await db.update(members).set(patch).where(eq(members.id, id));
}

/**
 * Inserts many members as arrays (`unnest`): one statement per call, whatever the count, without
 * the per-row cost of building a multi-row VALUES list. Ids are drawn from the sequence first, so
 * the returned ids are in input order.
 */
export async function insertMembersBulk(db: Db, rows: { fullName: string; nameKey: string; searchKey: string; gender: 'male' | 'female' | null; birthYear: number | null; phone: string | null }[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const ids = (await queryRows<{ id: number }>(db, sql`select nextval(pg_get_serial_sequence('members', 'id'))::int as id from generate_series(1, ${rows.length})`)).map((r) => r.id);
  await db.execute(sql`insert into members (id, full_name, name_key, search_key, gender, birth_year, phone)
    select * from unnest(${sql.param(ids)}::int[], ${sql.param(rows.map((r) => r.fullName))}::text[], ${sql.param(rows.map((r) => r.nameKey))}::text[],
                         ${sql.param(rows.map((r) => r.searchKey))}::text[], ${sql.param(rows.map((r) => r.gender))}::text[], ${sql.param(rows.map((r) => r.birthYear))}::smallint[],
                         ${sql.param(rows.map((r) => r.phone))}::text[])`);
  return ids;
}

/** Inserts memberships as arrays, or updates role/affiliations/position of existing ones. Affiliation codes are plain identifiers. */
export async function upsertMembershipsBulk(db: Db, rows: (typeof teamMembers.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`insert into team_members (team_id, member_id, role, affiliations, position)
    select t, m, r, a::text[], p from unnest(${sql.param(rows.map((u) => u.teamId))}::int[], ${sql.param(rows.map((u) => u.memberId))}::int[], ${sql.param(rows.map((u) => u.role ?? 'member'))}::text[],
                                            ${sql.param(rows.map((u) => `{${(u.affiliations ?? []).join(',')}}`))}::text[], ${sql.param(rows.map((u) => u.position ?? null))}::text[]) as x(t, m, r, a, p)
    on conflict (team_id, member_id) do update set role = excluded.role, affiliations = excluded.affiliations, position = excluded.position`);
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
