import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { type Db, queryRows } from '../db/client.js';
import type { Scope } from './access.policy.js';
import { unitInScopeSql } from './scope.sql.js';
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

/** Users whose unit (a team account: its team's unit) lies in `scope`, all for the ALL scope. */
export function usersInScope(db: Db, scope: Scope) {
  const where = unitInScopeSql(scope, 'u');
  return queryRows<{ id: number; username: string | null; phone: string | null; fullName: string; role: string; unitCode: string | null; unitName: string | null; teamId: number | null; teamName: string | null; mustChangePassword: boolean; disabled: boolean; lockedUntil: string | null }>(
    db,
    sql`select x.id, x.username, x.phone, x.full_name as "fullName", x.role, u.code as "unitCode", u.name as "unitName", x.scope_team_id as "teamId", t.name as "teamName",
               x.must_change_password as "mustChangePassword", x.disabled, x.locked_until as "lockedUntil"
          from users x left join admin_units u on u.id = x.scope_unit_id left join teams t on t.id = x.scope_team_id where ${where} order by x.full_name`,
  );
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
