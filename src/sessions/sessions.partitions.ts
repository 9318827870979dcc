import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { todayInVietnam } from '../text/dates.js';

/**
 * The time partitions of the support sessions and their rollups (issue 18, item 1; migration 0024).
 * Day-keyed tables have a partition per quarter, month-keyed ones a partition per year, each also a
 * DEFAULT partition that keeps any row outside them. The partitions are made ahead: from 2025 to
 * `AHEAD_MONTHS` after today, by the migration and then at every start and every day
 * (ensureSessionPartitions, through the database function ngoso_ensure_partitions, the same on
 * PostgreSQL and the embedded database). Reports read the rollups by unit and day range, so their
 * cost does not grow with the years kept; a partition of an old year can be archived or dropped on
 * its own.
 */
export const PARTITIONED_TABLES = [
  { table: 'support_sessions', column: 'day', months: 3 },
  { table: 'support_daily', column: 'day', months: 3 },
  { table: 'support_member_daily', column: 'day', months: 3 },
  { table: 'support_resident_days', column: 'day', months: 3 },
  { table: 'support_resident_links', column: 'day', months: 3 },
  { table: 'support_monthly', column: 'month', months: 12 },
  { table: 'support_member_monthly', column: 'month', months: 12 },
  { table: 'support_resident_month_links', column: 'month', months: 12 },
] as const;

/** How far ahead of today (Asia/Ho_Chi_Minh) the partitions are made, in months. */
export const AHEAD_MONTHS = 12;

/**
 * Makes the partitions missing up to `AHEAD_MONTHS` after `today` (Asia/Ho_Chi_Minh, YYYY-MM-DD) on
 * every partitioned table. A range whose rows already sit in a DEFAULT partition is left there
 * (still counted; the database warns) rather than failing. Returns the partitions made per table.
 * Each table in a transaction of its own under an advisory lock on it, so that processes starting at
 * once on one PostgreSQL database (the server's instances, a `ngoso` command) make each partition
 * once, one after the other (without it: "relation … already exists", or a deadlock).
 * Errors: those of the database (e.g. a table not partitioned: migration 0024 not applied).
 */
export async function ensureSessionPartitions(db: Db, today: string = todayInVietnam()): Promise<Record<string, number>> {
  // PostgreSQL's date + months (the day clamped to the month's end)
  const through = sql`(${today}::date + make_interval(months => ${AHEAD_MONTHS}))::date`;
  const made: Record<string, number> = {};
  for (const p of PARTITIONED_TABLES) {
    made[p.table] = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(8114, hashtext(${p.table}))`);
      const [row] = await queryRows<{ n: number }>(tx, sql`select ngoso_ensure_partitions(${p.table}, ${p.column}, ${p.months}, ${through}) as n`);
      return row.n;
    });
  }
  return made;
}

export interface PartitionInfo {
  table: string;
  partition: string;
  /** the partition's bound as PostgreSQL writes it: FOR VALUES FROM ('2026-10-01') TO ('2027-01-01'), or DEFAULT */
  bound: string;
  rows: number;
}

/**
 * The partitions of every partitioned table with their bounds and row estimates (pg_class.reltuples,
 * −1 before the first ANALYZE is shown as 0), in table and bound order: for the operator.
 */
export async function listSessionPartitions(db: Db): Promise<PartitionInfo[]> {
  return queryRows<PartitionInfo>(
    db,
    sql`select p.relname as "table", c.relname as partition, pg_get_expr(c.relpartbound, c.oid) as bound, greatest(c.reltuples, 0)::bigint::int as rows
          from pg_inherits i join pg_class p on p.oid = i.inhparent join pg_class c on c.oid = i.inhrelid
         where p.relname = any(${sql.param(PARTITIONED_TABLES.map((t) => t.table))}::text[]) and p.relkind = 'p'
         order by 1, 2`,
  );
}
