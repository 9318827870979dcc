import { adminUnits } from '../catalogue/catalogue.schema.js';
import { date, index, integer, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    status: text('status', { enum: ['active', 'inactive'] }).notNull().default('active'),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('members_phone_idx').on(t.phone), index('members_name_key_idx').on(t.nameKey)],
);

/** Membership of a person in a team, with the role and affiliations held there. */
export const teamMembers = pgTable(
  'team_members',
  {
    teamId: integer('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['leader', 'deputy', 'member'] }).notNull().default('member'),
    /** glossary codes: youth_union, womens_union, fatherland_front, police, farmers_union, veterans, village_head, party_cell, post_telecom */
    affiliations: text('affiliations').array().notNull().default([]),
    /** free-text position as written in the roster ("Bí thư Đoàn xã") */
    position: text('position'),
    /** when the person joined this team (the import or creation date unless given); sessions long before it are refused */
    joinedOn: date('joined_on').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.memberId] }), index('team_members_member_idx').on(t.memberId)],
);

/**
 * One row holding the registry's revision: every committed change to teams or memberships bumps
 * it in the same transaction, so cached reports (reports/network.service.ts) know when they are stale.
 */
export const registryState = pgTable('registry_state', {
  id: smallint('id').primaryKey().default(1),
  revision: integer('revision').notNull().default(0),
});
