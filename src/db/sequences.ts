import { sql } from 'drizzle-orm';
import { type Db, queryRows } from './client.js';

/**
 * Draws `count` ids from the serial sequence of `table`.`column`, in order, so that rows inserted
 * in bulk (as arrays, `unnest`) carry ids the caller already knows: nothing relies on the order
 * in which RETURNING gives rows back. The sequence is looked up once, in a sub-select (called per
 * row, pg_get_serial_sequence costs ten times the nextval itself).
 */
export async function reserveIds(db: Db, table: string, column: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = await queryRows<{ id: number }>(db, sql`select nextval((select pg_get_serial_sequence(${table}, ${column}))::regclass)::int as id from generate_series(1, ${count})`);
  return rows.map((r) => r.id);
}
