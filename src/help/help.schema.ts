import { index, integer, pgTable, serial, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../access/access.schema.js';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { members, teams } from '../registry/registry.schema.js';

/**
 * A resident's request for help (issue 16, item 3), routed when it is made to the team of the
 * village (or the commune's team when the village has none; `teamId` null when the commune has no
 * team at all, and then it is the commune officer's at once). Its life: open → accepted (a member
 * took it) → closed (by a support session recorded for it, `sessionId`), or cancelled by an
 * officer; `dueAt` = made + the service's expected response time; not accepted by then, it is
 * escalated to the commune officer (`escalatedAt`). The resident follows it at /yeu-cau/TOKEN:
 * only the SHA-256 of the token (128 random bits) is kept. The phone is encrypted with its keyed
 * hash, as for support sessions; nothing about a resident is public.
 */
export const helpRequests = pgTable(
  'help_requests',
  {
    id: serial('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    provinceCode: text('province_code').notNull(),
    communeId: integer('commune_id').notNull().references(() => adminUnits.id),
    villageId: integer('village_id').references(() => adminUnits.id),
    teamId: integer('team_id').references(() => teams.id),
    serviceCode: text('service_code').notNull(),
    problem: text('problem').notNull(),
    residentName: text('resident_name').notNull(),
    phoneEnc: text('phone_enc').notNull(),
    phoneHash: text('phone_hash').notNull(),
    preferredTime: text('preferred_time'),
    consentText: text('consent_text').notNull(),
    consentAt: timestamp('consent_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['open', 'accepted', 'closed', 'cancelled'] }).notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedByMemberId: integer('accepted_by_member_id').references(() => members.id),
    acceptedByUserId: integer('accepted_by_user_id').references(() => users.id),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    sessionId: uuid('session_id'),
    cancelReason: text('cancel_reason'),
    /** the resident's answer afterwards: solved or not, 1–5, a comment */
    solved: smallint('solved'),
    rating: smallint('rating'),
    feedback: text('feedback'),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
  },
  (t) => [index('help_requests_team_idx').on(t.teamId, t.status), index('help_requests_commune_idx').on(t.communeId, t.createdAt), index('help_requests_province_idx').on(t.provinceCode, t.createdAt), index('help_requests_phone_idx').on(t.phoneHash, t.createdAt)],
);

/** Expected time to accept a request, per service (support_services.code; '*' for any other), in hours: data an operator changes. */
export const helpResponseTargets = pgTable('help_response_targets', {
  serviceCode: text('service_code').primaryKey(),
  acceptHours: integer('accept_hours').notNull(),
});
