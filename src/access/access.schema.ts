import { boolean, index, integer, pgTable, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { members, teams } from '../registry/registry.schema.js';

/**
 * Accounts. A user signs in with a user name or a phone number (E.164) and a password
 * (argon2id hash). `role` and the scope (`scopeUnitId`, plus `scopeTeamId` for team leaders and
 * members) decide what the user may see and change; see access.policy.ts.
 */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username'),
    phone: text('phone'),
    fullName: text('full_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['admin', 'province_officer', 'commune_officer', 'team_leader', 'member', 'viewer'] }).notNull(),
    scopeUnitId: integer('scope_unit_id').references(() => adminUnits.id),
    scopeTeamId: integer('scope_team_id').references(() => teams.id),
    /** the registry person this account was made for ("Tạo tài khoản" on a member's row), if any */
    memberId: integer('member_id').references(() => members.id),
    failedLogins: smallint('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username), uniqueIndex('users_phone_uq').on(t.phone)],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** One-time codes an officer hands over (password reset) or an SMS carries (sign-in). Stored hashed. */
export const oneTimeCodes = pgTable('one_time_codes', {
  id: serial('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ['reset', 'sms_login'] }).notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  attempts: smallint('attempts').notNull().default(0),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
