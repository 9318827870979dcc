import { adminUnits } from '../catalogue/catalogue.schema.js';
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, date, index, integer, pgTable, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * A community digital technology team (Tổ công nghệ số cộng đồng) at commune or village level.
 * `communeId` and `provinceCode` are denormalised from the unit so that rollups for any level
 * are one indexed filter.
 */
export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    level: text('level', { enum: ['commune', 'village'] }).notNull(),
    unitId: integer('unit_id').notNull().references(() => adminUnits.id),
    communeId: integer('commune_id').notNull().references(() => adminUnits.id),
    provinceCode: text('province_code').notNull(),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    searchKey: text('search_key').notNull(),
    establishedOn: date('established_on'),
    /** the current status; its history (for reports as of a past day) is in `team_statuses` */
    status: text('status', { enum: ['active', 'suspended', 'dissolved'] }).notNull().default('active'),
    /** the Vietnam day the current status took effect (null: since the team was created) */
    statusSince: date('status_since'),
    statusReason: text('status_reason'),
    /** bumped by every change through the registry's forms; an edit naming an older version is refused */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('teams_unit_name_uq').on(t.unitId, t.nameKey),
    index('teams_commune_idx').on(t.communeId),
    index('teams_province_idx').on(t.provinceCode),
  ],
);

/** A person; one person may belong to several teams (e.g. a commune team and a village team). */
export const members = pgTable(
  'members',
  {
    id: serial('id').primaryKey(),
    fullName: text('full_name').notNull(),
    nameKey: text('name_key').notNull(),
    searchKey: text('search_key').notNull(),
    gender: text('gender', { enum: ['male', 'female'] }),
    birthYear: smallint('birth_year'),
    /** E.164, e.g. +84912345678 */
    phone: text('phone'),
    /** bumped by every edit; an edit naming an older version is refused (optimistic concurrency) */
    version: integer('version').notNull().default(1),
    /** set when this record was merged into another (a duplicate); the survivor holds its memberships and sessions */
    mergedIntoId: integer('merged_into_id').references((): AnyPgColumn => members.id),
    /** the member agreed that the residents' portal show this phone on the team's public page (issue 16) */
    publicPhone: boolean('public_phone').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('members_phone_idx').on(t.phone), index('members_name_key_idx').on(t.nameKey)],
);

/**
 * A membership period of a person in a team, with the role and affiliations held there. A person's
 * current memberships have `leftOn` null (at most one per team: a partial unique index). A change of
 * role closes the period and opens the next on the same day (`endReason`/`startReason` 'role_change'),
 * so the membership on any past day is the period with `joinedOn` ≤ day < `leftOn`.
 */
export const teamMembers = pgTable(
  'team_members',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['leader', 'deputy', 'member'] }).notNull().default('member'),
    /** glossary codes: youth_union, womens_union, fatherland_front, police, farmers_union, veterans, village_head, party_cell, post_telecom */
    affiliations: text('affiliations').array().notNull().default([]),
    /** free-text position as written in the roster ("Bí thư Đoàn xã") */
    position: text('position'),
    /** the first Vietnam day of membership (the import or creation date unless given); sessions long before it are refused */
    joinedOn: date('joined_on').notNull().defaultNow(),
    /** how the period began: joined | transferred (from another team, one step) | role_change | merged (a duplicate person's) | imported (found on a roster without a join date: `joinedOn` is the import day) */
    startReason: text('start_reason').notNull().default('joined'),
    /** the first Vietnam day the person is no longer in this period (null: current) */
    leftOn: date('left_on'),
    /** why it ended: moved (away) | resigned | died | other (the officer's reasons, LEAVE_REASONS) | transferred (to another team) | role_change | dissolved */
    endReason: text('end_reason'),
    /** the officer's note on leaving ("chuyển công tác") */
    endNote: text('end_note'),
  },
  (t) => [
    uniqueIndex('team_members_current_uq').on(t.teamId, t.memberId).where(sql`${t.leftOn} is null`),
    index('team_members_member_idx').on(t.memberId),
    index('team_members_team_idx').on(t.teamId, t.joinedOn),
  ],
);

/** A team's status over time: the status on a day is the latest row with `validFrom` ≤ day (none: active since creation). */
export const teamStatuses = pgTable(
  'team_statuses',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['active', 'suspended', 'dissolved'] }).notNull(),
    validFrom: date('valid_from').notNull(),
    reason: text('reason'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('team_statuses_team_idx').on(t.teamId, t.validFrom)],
);

/** Two member records an officer judged "not the same person": the duplicate review does not offer them again. */
export const memberDistinctPairs = pgTable(
  'member_distinct_pairs',
  {
    /** the smaller id first */
    memberA: integer('member_a').notNull().references(() => members.id, { onDelete: 'cascade' }),
    memberB: integer('member_b').notNull().references(() => members.id, { onDelete: 'cascade' }),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('member_distinct_pairs_uq').on(t.memberA, t.memberB)],
);

/**
 * One row holding the registry's revision: every committed change to teams or memberships bumps
 * it in the same transaction, so cached reports (reports/network.service.ts) know when they are stale.
 */
export const registryState = pgTable('registry_state', {
  id: smallint('id').primaryKey().default(1),
  revision: integer('revision').notNull().default(0),
});
