import { and, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { type Db, queryRows } from '../db/client.js';
import { compareVietnamese, compareVietnameseNames } from '../text/vietnamese.js';
import type { Scope } from './access.policy.js';
import { memberVisibleSql, memberWhollyInScopeSql, teamInScopeSql, unitInScopeSql } from './scope.sql.js';
import { oneTimeCodes, sessions, users } from './access.schema.js';

/** All SQL of the access module. */
export type UserRow = typeof users.$inferSelect;

export async function userByLogin(db: Db, login: { username?: string; phone?: string }): Promise<UserRow | undefined> {
  const conds = [login.username ? eq(users.username, login.username) : undefined, login.phone ? eq(users.phone, login.phone) : undefined].filter(Boolean);
  if (conds.length === 0) return undefined;
  const [row] = await db.select().from(users).where(or(...conds));
  return row;
}

/** The user `id` if their unit (a team account: its team's unit) lies in `scope`; undefined otherwise. */
export async function userInScopeById(db: Db, id: number, scope: Scope): Promise<UserRow | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(users)
    .leftJoin(adminUnits, eq(adminUnits.id, users.scopeUnitId))
    .where(and(eq(users.id, id), unitInScopeSql(scope, 'admin_units')));
  return row?.user;
}

export async function userById(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(db: Db, row: typeof users.$inferInsert): Promise<UserRow> {
  const [created] = await db.insert(users).values(row).returning();
  return created;
}

export async function updateUser(db: Db, id: number, patch: Partial<typeof users.$inferInsert>): Promise<void> {
  await db.update(users).set(patch).where(eq(users.id, id));
}

export async function countAdmins(db: Db): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users where role = 'admin' and not disabled`);
  return n;
}

/** The user's scope anchors: their unit (with parent and province) and team. */
export async function scopeAnchors(db: Db, userId: number) {
  const [row] = await queryRows<{
    unitId: number | null;
    unitLevel: string | null;
    unitParentId: number | null;
    provinceCode: string | null;
    teamId: number | null;
    teamUnitId: number | null;
    teamCommuneId: number | null;
    teamProvinceCode: string | null;
  }>(
    db,
    sql`select u.id as "unitId", u.level as "unitLevel", u.parent_id as "unitParentId", u.province_code as "provinceCode",
               t.id as "teamId", t.unit_id as "teamUnitId", t.commune_id as "teamCommuneId", t.province_code as "teamProvinceCode"
          from users x left join admin_units u on u.id = x.scope_unit_id left join teams t on t.id = x.scope_team_id
         where x.id = ${userId}`,
  );
  return row;
}

/** An account as the officers' list shows it (phone as stored: the route masks it). */
export interface AccountRow {
  id: number;
  username: string | null;
  phone: string | null;
  fullName: string;
  role: string;
  unitCode: string | null;
  unitName: string | null;
  teamId: number | null;
  teamName: string | null;
  /** the registry person the account was made for, if any */
  memberId: number | null;
  mustChangePassword: boolean;
  disabled: boolean;
  lockedUntil: string | null;
}

/** Users whose unit (a team account: its team's unit) lies in `scope`, all for the ALL scope; `id`: that one only. */
export function usersInScope(db: Db, scope: Scope, opts: { id?: number } = {}) {
  const where = unitInScopeSql(scope, 'u');
  return queryRows<AccountRow>(
    db,
    sql`select x.id, x.username, x.phone, x.full_name as "fullName", x.role, u.code as "unitCode", u.name as "unitName", x.scope_team_id as "teamId", t.name as "teamName",
               x.member_id as "memberId", x.must_change_password as "mustChangePassword", x.disabled, x.locked_until as "lockedUntil"
          from users x left join admin_units u on u.id = x.scope_unit_id left join teams t on t.id = x.scope_team_id
         where ${where} ${opts.id === undefined ? sql`` : sql`and x.id = ${opts.id}`}`,
  ).then((rows) => rows.sort((a, b) => compareVietnameseNames(a.fullName, b.fullName) || a.id - b.id));
}

/** The user row `id`, locked until the transaction ends (two officers changing one account are applied one after the other). */
export async function lockUser(db: Db, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

/** A registry person visible in `scope`, with whether they lie wholly in it (memberWhollyInScopeSql); undefined when not visible or none. */
export async function memberForAccount(db: Db, memberId: number, scope: Scope) {
  const [row] = await queryRows<{ id: number; fullName: string; phone: string | null; mergedIntoId: number | null; wholly: boolean }>(
    db,
    sql`select m.id, m.full_name as "fullName", m.phone, m.merged_into_id as "mergedIntoId", ${memberWhollyInScopeSql(scope, sql.raw('m.id'))} as wholly
          from members m where m.id = ${memberId} and ${memberVisibleSql(scope, sql.raw('m.id'))}`,
  );
  return row;
}

/** A person's current memberships on teams in `scope`, with the team's name and place, by team name (Vietnamese order). */
export function currentMemberships(db: Db, memberId: number, scope: Scope) {
  return queryRows<{ teamId: number; teamName: string; role: 'leader' | 'deputy' | 'member'; unitId: number; communeId: number; provinceCode: string }>(
    db,
    sql`select t.id as "teamId", t.name as "teamName", tm.role, t.unit_id as "unitId", t.commune_id as "communeId", t.province_code as "provinceCode"
          from team_members tm join teams t on t.id = tm.team_id
         where tm.member_id = ${memberId} and tm.left_on is null and ${teamInScopeSql(scope, 't')}`,
  ).then((rows) => rows.sort((a, b) => compareVietnamese(a.teamName, b.teamName) || a.teamId - b.teamId));
}

/**
 * Locks the rows of `memberIds` until the transaction ends, so two requests making accounts for
 * the same person run one after the other and the second sees the first one's account.
 */
export async function lockMembers(db: Db, memberIds: number[]): Promise<void> {
  if (memberIds.length) await db.execute(sql`select 1 from members where id in ${sql.raw(`(${memberIds.map(Number).join(',')})`)} order by id for update`);
}

/** The accounts made for these registry people (users.member_id), by member id. */
export async function accountsOfMembers(db: Db, memberIds: number[]): Promise<Map<number, UserRow>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db.select().from(users).where(inArray(users.memberId, memberIds));
  return new Map(rows.map((u) => [u.memberId!, u]));
}

/** The accounts whose phone is one of `phones` (E.164), by phone. */
export async function accountsByPhones(db: Db, phones: string[]): Promise<Map<string, UserRow>> {
  if (phones.length === 0) return new Map();
  const rows = await db.select().from(users).where(inArray(users.phone, phones));
  return new Map(rows.map((u) => [u.phone!, u]));
}

/** User names taken that start with `prefix` followed by a dot (for generated user names). */
export async function usernamesLike(db: Db, prefix: string): Promise<Set<string>> {
  const rows = await queryRows<{ username: string }>(db, sql`select username from users where username like ${`${prefix.replace(/[%_\\]/g, (c) => `\\${c}`)}.%`}`);
  return new Set(rows.map((r) => r.username));
}

export async function insertSession(db: Db, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function sessionByHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  return row;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Ends a user's sessions, except the one whose hash is `keepTokenHash`. */
export async function deleteSessionsOf(db: Db, userId: number, keepTokenHash?: string): Promise<void> {
  await db.delete(sessions).where(keepTokenHash ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, keepTokenHash)) : eq(sessions.userId, userId));
}

/**
 * Counts one failed sign-in atomically; at `max` failures the account is locked until `lockUntil`
 * and the count restarts. Returns whether this failure locked it.
 */
export async function recordFailedLogin(db: Db, userId: number, max: number, lockUntil: Date): Promise<boolean> {
  // an account already locked (by a parallel guess) stays locked and its count is not restarted:
  // however many guesses arrive at once, only max − 1 are answered "wrong password"
  const [row] = await queryRows<{ locked: boolean }>(
    db,
    sql`update users set failed_logins = case when locked_until > now() then failed_logins when failed_logins + 1 >= ${max} then 0 else failed_logins + 1 end,
                         locked_until = case when locked_until > now() then locked_until when failed_logins + 1 >= ${max} then ${lockUntil.toISOString()}::timestamptz else locked_until end
         where id = ${userId} returning coalesce(locked_until > now(), false) as locked`,
  );
  return row?.locked ?? false;
}

export async function insertCode(db: Db, row: typeof oneTimeCodes.$inferInsert): Promise<void> {
  // a new code replaces any unused one of the same purpose
  await db.delete(oneTimeCodes).where(and(eq(oneTimeCodes.userId, row.userId), eq(oneTimeCodes.purpose, row.purpose), isNull(oneTimeCodes.usedAt)));
  await db.insert(oneTimeCodes).values(row);
}

export async function liveCode(db: Db, userId: number, purpose: 'reset' | 'sms_login') {
  const [row] = await db
    .select()
    .from(oneTimeCodes)
    .where(and(eq(oneTimeCodes.userId, userId), eq(oneTimeCodes.purpose, purpose), isNull(oneTimeCodes.usedAt), gt(oneTimeCodes.expiresAt, new Date())));
  return row;
}

export async function updateCode(db: Db, id: number, patch: Partial<typeof oneTimeCodes.$inferInsert>): Promise<void> {
  await db.update(oneTimeCodes).set(patch).where(eq(oneTimeCodes.id, id));
}
