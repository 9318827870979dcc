import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './client.js';
import * as schema from './schema.js';

/**
 * A second, read-only view of a PostgreSQL database, fixed at one moment: a connection of its own
 * (not taken from the pool, so two of them per caller can never exhaust it) in a REPEATABLE READ
 * READ ONLY transaction. It sees the database as it was at its first query and never what other
 * transactions write after that, the caller's own included; a caller can thus read while its own
 * transaction is writing, on another server process.
 */
export interface Snapshot {
  db: Db;
  close(): Promise<void>;
}

/**
 * Opens a snapshot of the database behind `db`, or returns null when there is none to open: PGlite
 * (one connection), or `db` is itself a transaction (a snapshot would not see its writes).
 */
export async function openSnapshot(db: Db): Promise<Snapshot | null> {
  const pool = (db as { $client?: unknown }).$client;
  if (db instanceof PgTransaction || !(pool instanceof pg.Pool)) return null;
  const client = new pg.Client(pool.options);
  // a dropped connection fails the next query; unheard, the event would end the process
  client.on('error', () => {});
  await client.connect();
  const snapshot = drizzle(client, { schema }) as unknown as Db;
  try {
    await client.query('begin transaction isolation level repeatable read read only');
    // the snapshot is taken by the first query: now, rather than at the caller's first read
    await snapshot.execute(sql`select 1`);
  } catch (err) {
    await client.end();
    throw err;
  }
  return {
    db: snapshot,
    close: async () => {
      try {
        await client.query('rollback');
      } finally {
        await client.end();
      }
    },
  };
}
