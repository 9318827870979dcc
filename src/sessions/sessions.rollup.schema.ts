import { bigint, date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Rollups beside support_daily (migration 0014, issue 13 "Performance"), kept in the sync's
 * transaction by sessions.rollup.ts and rebuilt in bulk by sessions.rollup.rebuild.ts. A period is
 * answered as whole months (monthly rows) plus the partial months at its ends (daily rows).
 */

/** support_daily summed per calendar month (`month` = its first day): commune, province, team (−team id). */
export const supportMonthly = pgTable(
  'support_monthly',
  {
    unitId: integer('unit_id').notNull(),
    month: date('month').notNull(),
    serviceId: integer('service_id').notNull(),
    outcome: text('outcome').notNull(),
    sessions: bigint('sessions', { mode: 'number' }).notNull(),
    residents: bigint('residents', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'support_monthly_pk', columns: [t.unitId, t.month, t.serviceId, t.outcome] }),
    index('support_monthly_session_level_idx').on(t.unitId, t.month).where(sql`service_id = 0 and outcome = ''`),
    index('support_monthly_cells_idx').on(t.unitId, t.month, t.serviceId, t.outcome),
  ],
);

/** The same cells per member and team and day: a member's sessions for a team (a shared session counts for each of its members). */
export const supportMemberDaily = pgTable(
  'support_member_daily',
  {
    memberId: integer('member_id').notNull(),
    teamId: integer('team_id').notNull(),
    day: date('day').notNull(),
    serviceId: integer('service_id').notNull(),
    outcome: text('outcome').notNull(),
    sessions: bigint('sessions', { mode: 'number' }).notNull(),
    residents: bigint('residents', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'support_member_daily_pk', columns: [t.memberId, t.day, t.teamId, t.serviceId, t.outcome] }),
    index('support_member_daily_team_idx').on(t.teamId, t.day).where(sql`service_id = 0 and outcome = ''`),
  ],
);

export const supportMemberMonthly = pgTable(
  'support_member_monthly',
  {
    memberId: integer('member_id').notNull(),
    teamId: integer('team_id').notNull(),
    month: date('month').notNull(),
    serviceId: integer('service_id').notNull(),
    outcome: text('outcome').notNull(),
    sessions: bigint('sessions', { mode: 'number' }).notNull(),
    residents: bigint('residents', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'support_member_monthly_pk', columns: [t.memberId, t.month, t.teamId, t.serviceId, t.outcome] }),
    index('support_member_monthly_team_idx').on(t.teamId, t.month).where(sql`service_id = 0 and outcome = ''`),
  ],
);

/**
 * Distinct residents over any range, exactly: each sighting of a resident in a unit on a day
 * (support_resident_days) is linked to their previous sighting day there (NO_PREVIOUS_DAY: none);
 * `residents` counts the sightings of `day` whose previous one was `prevDay`. The people of
 * [from, to] are the sightings in it whose previous one is before `from`.
 */
export const supportResidentLinks = pgTable(
  'support_resident_links',
  {
    unitId: integer('unit_id').notNull(),
    day: date('day').notNull(),
    prevDay: date('prev_day').notNull(),
    residents: integer('residents').notNull(),
  },
  (t) => [primaryKey({ name: 'support_resident_links_pk', columns: [t.unitId, t.day, t.prevDay] })],
);

/** The links of a resident's first sighting in each month, per month: whole months read one row per previous day. */
export const supportResidentMonthLinks = pgTable(
  'support_resident_month_links',
  {
    unitId: integer('unit_id').notNull(),
    month: date('month').notNull(),
    prevDay: date('prev_day').notNull(),
    residents: integer('residents').notNull(),
  },
  (t) => [primaryKey({ name: 'support_resident_month_links_pk', columns: [t.unitId, t.month, t.prevDay] })],
);
