import { sql } from 'drizzle-orm';
import { bigserial, boolean, customType, date, index, integer, jsonb, numeric, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../access/access.schema.js';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { teams } from '../registry/registry.schema.js';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** What a directive asks of the teams: read it, pass it on to households, report a figure (its name and unit, e.g. "Số hộ đã thông báo", "hộ"). */
export interface DirectiveAsks {
  passOn: boolean;
  figure: { name: string; unit: string } | null;
}

/** Whom a directive goes to: communes or villages of the issuer's subtree (codes), teams, optionally only some team roles. */
export interface DirectiveTarget {
  units: string[];
  teamIds: number[];
  roles: ('leader' | 'deputy' | 'member')[];
}

/**
 * A directive (văn bản chỉ đạo) issued by a province or a commune (`communeId` null: the
 * province's), with its number and date as on the paper document ("Số 125/UBND-VP"). `viaCommunes`:
 * a province directive that the target communes' officers forward to their teams (else it goes
 * straight to every team of the target).
 */
export const directives = pgTable(
  'directives',
  {
    id: serial('id').primaryKey(),
    provinceCode: text('province_code').notNull(),
    issuerUnitId: integer('issuer_unit_id').notNull().references(() => adminUnits.id),
    communeId: integer('commune_id').references(() => adminUnits.id),
    number: text('number'),
    issuedOn: date('issued_on').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    priority: text('priority', { enum: ['normal', 'high', 'urgent'] }).notNull().default('normal'),
    deadline: date('deadline'),
    asks: jsonb('asks').$type<DirectiveAsks>().notNull(),
    target: jsonb('target').$type<DirectiveTarget>().notNull(),
    viaCommunes: boolean('via_communes').notNull().default(false),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('directives_province_idx').on(t.provinceCode, t.issuedOn), index('directives_commune_idx').on(t.communeId, t.issuedOn)],
);

/** A file attached to a directive (PDF or image), kept in the database; `flags` notes what the check found (e.g. "pdf_script"). */
export const directiveAttachments = pgTable(
  'directive_attachments',
  {
    id: serial('id').primaryKey(),
    directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    flags: text('flags').array().notNull().default([]),
    data: bytea('data').notNull(),
  },
  (t) => [index('directive_attachments_directive_idx').on(t.directiveId)],
);

/** A province directive's target commune, carried by its officers: read, forwarded (with a note). */
export const directiveCommunes = pgTable(
  'directive_communes',
  {
    directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
    communeId: integer('commune_id').notNull().references(() => adminUnits.id),
    provinceCode: text('province_code').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    forwardedAt: timestamp('forwarded_at', { withTimezone: true }),
    forwardedBy: integer('forwarded_by').references(() => users.id),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.directiveId, t.communeId] }), index('directive_communes_commune_idx').on(t.communeId)],
);

/**
 * A team a directive reached and where it stands: sent, received (the field app fetched it), read,
 * "will do", done; how it passed it on, the households reached (`householdsOver`: above the
 * village's count, a warning), the asked figure. `publicToken`: the team's public page for residents.
 */
export const directiveTeams = pgTable(
  'directive_teams',
  {
    directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
    teamId: integer('team_id').notNull().references(() => teams.id),
    communeId: integer('commune_id').notNull(),
    provinceCode: text('province_code').notNull(),
    unitId: integer('unit_id').notNull(),
    note: text('note'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    willDoAt: timestamp('will_do_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    channels: text('channels').array().notNull().default([]),
    households: integer('households'),
    householdsOver: boolean('households_over').notNull().default(false),
    figure: numeric('figure'),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    reportedBy: integer('reported_by').references(() => users.id),
    publicToken: text('public_token').notNull().unique(),
  },
  (t) => [primaryKey({ columns: [t.directiveId, t.teamId] }), index('directive_teams_team_idx').on(t.teamId, t.sentAt), index('directive_teams_commune_idx').on(t.directiveId, t.communeId)],
);

/** An acknowledgement sent from a phone, kept once per record id. */
export const directiveAcks = pgTable('directive_acks', {
  id: uuid('id').primaryKey(),
  directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
  teamId: integer('team_id').notNull(),
  status: text('status').notNull(),
  userId: integer('user_id').references(() => users.id),
  body: jsonb('body').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every state change of a directive, timestamped. */
export const directiveEvents = pgTable(
  'directive_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
    communeId: integer('commune_id'),
    teamId: integer('team_id'),
    kind: text('kind').notNull(),
    userId: integer('user_id'),
    detail: jsonb('detail'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('directive_events_directive_idx').on(t.directiveId, t.at)],
);

/** A resident's "Tôi đã nhận được" on a team's public page; a phone is kept only as a keyed hash, to count a household once. */
export const directiveConfirmations = pgTable(
  'directive_confirmations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    directiveId: integer('directive_id').notNull().references(() => directives.id, { onDelete: 'cascade' }),
    teamId: integer('team_id').notNull(),
    phoneHash: text('phone_hash'),
    /** without a phone: a keyed hash of the address, so one address counts once (migration 0021) */
    ipHash: text('ip_hash'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('directive_confirmations_phone_uq').on(t.directiveId, t.phoneHash).where(sql`${t.phoneHash} is not null`),
    uniqueIndex('directive_confirmations_ip_uq').on(t.directiveId, t.teamId, t.ipHash).where(sql`${t.phoneHash} is null and ${t.ipHash} is not null`),
    index('directive_confirmations_team_idx').on(t.directiveId, t.teamId),
  ],
);
