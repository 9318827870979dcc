import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../access/access.schema.js';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { members, teams } from '../registry/registry.schema.js';

/**
 * Training topics (chủ đề tập huấn) as data: the national list is seeded by migration 0016
 * (VNeID level 2, online public services, cashless payment, digital safety, the community
 * digital-skills course…); a province may add its own (`provinceCode`).
 */
export const trainingTopics = pgTable('training_topics', {
  code: text('code').primaryKey(),
  provinceCode: text('province_code'),
  name: text('name').notNull(),
  sortOrder: smallint('sort_order').notNull().default(100),
  active: boolean('active').notNull().default(true),
});

/** What a training session's invitation names; the invited members are materialised in `training_invitations`. */
export interface TrainingAudience {
  /** commune or village codes (commune: five digits; village: "03664.001") */
  units: string[];
  teamIds: number[];
  /** team roles invited within those units and teams (none: every role) */
  roles: ('leader' | 'deputy' | 'member')[];
  /** people invited by name, wherever their team lies in the organiser's unit */
  memberIds: number[];
}

/** A material of a training session: a link, or a file kept under the data directory (`file` its stored name). */
export interface TrainingMaterial {
  title: string;
  url?: string;
  file?: string;
}

/**
 * A training session (buổi tập huấn) organised by a province or a commune (`communeId` null: the
 * province's). Start and end are instants; `day` is the Vietnam day it starts. `closedAt`: the
 * organiser closed attendance; check-ins made after it are refused.
 */
export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: serial('id').primaryKey(),
    provinceCode: text('province_code').notNull(),
    organiserUnitId: integer('organiser_unit_id').notNull().references(() => adminUnits.id),
    communeId: integer('commune_id').references(() => adminUnits.id),
    title: text('title').notNull(),
    topicCode: text('topic_code').notNull().references(() => trainingTopics.code),
    kind: text('kind', { enum: ['in_person', 'online', 'hybrid'] }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    day: date('day').notNull(),
    materials: jsonb('materials').$type<TrainingMaterial[]>().notNull().default([]),
    audience: jsonb('audience').$type<TrainingAudience>().notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: integer('closed_by').references(() => users.id),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('training_sessions_province_day_idx').on(t.provinceCode, t.day), index('training_sessions_commune_day_idx').on(t.communeId, t.day)],
);

/** A bridge point (điểm cầu): a place in a commune, reused across sessions. */
export const bridgePoints = pgTable(
  'bridge_points',
  {
    id: serial('id').primaryKey(),
    provinceCode: text('province_code').notNull(),
    communeId: integer('commune_id').notNull().references(() => adminUnits.id),
    villageId: integer('village_id').references(() => adminUnits.id),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    /** commune_hall | cultural_house | school | other */
    placeKind: text('place_kind', { enum: ['commune_hall', 'cultural_house', 'school', 'other'] }).notNull(),
    capacity: integer('capacity'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('bridge_points_commune_name_uq').on(t.communeId, t.nameKey)],
);

/**
 * A bridge point in one session: its host (a member, or an officer's account), the capacity for
 * this session, the online connection (stored, never called) and the secret its rotating
 * check-in code is made from (trainings.code.ts).
 */
export const trainingSessionPoints = pgTable(
  'training_session_points',
  {
    trainingId: integer('training_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
    pointId: integer('point_id').notNull().references(() => bridgePoints.id),
    hostMemberId: integer('host_member_id').references(() => members.id),
    hostUserId: integer('host_user_id').references(() => users.id),
    capacity: integer('capacity'),
    connection: text('connection'),
    codeSecret: text('code_secret').notNull(),
  },
  (t) => [primaryKey({ columns: [t.trainingId, t.pointId] })],
);

/** The members a session invites, from its audience when it was saved, with the team they were invited through. */
export const trainingInvitations = pgTable(
  'training_invitations',
  {
    trainingId: integer('training_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
    memberId: integer('member_id').notNull().references(() => members.id),
    teamId: integer('team_id').notNull().references(() => teams.id),
    communeId: integer('commune_id').notNull(),
    provinceCode: text('province_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.trainingId, t.memberId] }), index('training_invitations_commune_idx').on(t.communeId)],
);

/**
 * One check-in (điểm danh), keyed by the phone's UUID so a resend finds it. A member is checked in
 * once per session (a partial unique index); a walk-in not in the registry is kept by name and
 * phone (`walkInStatus` pending until the commune officer adds or dismisses them). `invited`
 * false: outside the audience (recorded, flagged). `late`: after the start plus 15 minutes;
 * `leftAt` before the end minus 15 minutes is an early leave. Times are the phone's corrected by
 * its clock offset at sync (as support sessions).
 */
export const trainingAttendance = pgTable(
  'training_attendance',
  {
    id: uuid('id').primaryKey(),
    trainingId: integer('training_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
    pointId: integer('point_id').notNull().references(() => bridgePoints.id),
    memberId: integer('member_id').references(() => members.id),
    walkInName: text('walk_in_name'),
    walkInPhone: text('walk_in_phone'),
    walkInStatus: text('walk_in_status', { enum: ['pending', 'added', 'dismissed'] }),
    method: text('method', { enum: ['host', 'self', 'organiser'] }).notNull(),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }).notNull(),
    leftAt: timestamp('left_at', { withTimezone: true }),
    late: boolean('late').notNull().default(false),
    invited: boolean('invited').notNull(),
    /** the attendee's team and commune (a walk-in: the point's commune) */
    teamId: integer('team_id').references(() => teams.id),
    communeId: integer('commune_id').notNull(),
    provinceCode: text('province_code').notNull(),
    recordedBy: integer('recorded_by').references(() => users.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    clockOffsetMs: bigint('clock_offset_ms', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('training_attendance_member_uq').on(t.trainingId, t.memberId).where(sql`${t.memberId} is not null`),
    index('training_attendance_training_idx').on(t.trainingId, t.pointId),
    index('training_attendance_commune_idx').on(t.communeId),
    index('training_attendance_member_idx').on(t.memberId).where(sql`${t.memberId} is not null`),
  ],
);

/** A certificate (giấy chứng nhận) with its public verification code; the name as printed. */
export const trainingCertificates = pgTable(
  'training_certificates',
  {
    code: text('code').primaryKey(),
    trainingId: integer('training_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
    memberId: integer('member_id').notNull().references(() => members.id),
    fullName: text('full_name').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('training_certificates_member_uq').on(t.trainingId, t.memberId)],
);

