import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.js';
import * as schema from './schema.js';

/** The Drizzle database (or transaction) every repository takes: same API on PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** the PGlite instance, when embedded (used to dump a template in tests) */
  pglite?: PGlite;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens the database: a PostgreSQL server when `databaseUrl` is set, otherwise PGlite persisted
 * in `dataDir` (or in memory for `dataDir = 'memory://'`, or from `loadDataDir`, a dump made by
 * `dumpDataDir`). Migrations are applied before it returns.
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string; loadDataDir?: Blob; migrate?: boolean }): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 8 });
    // an idle connection dropped by the server (restart, failover, a dropped database) must not
    // crash the process: pg emits it on the pool, and the next query opens a new connection
    let closing = false;
    pool.on('error', (err) => {
      if (!closing) console.error(`PostgreSQL: kết nối rảnh bị đóng (${err.message}); sẽ mở kết nối mới khi cần.`);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    if (opts.migrate !== false) await migratePg(db as never, { migrationsFolder });
    return {
      db,
      kind: 'postgres',
      close: () => {
        closing = true;
        return pool.end();
      },
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  let release: (() => Promise<void>) | undefined;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    // one process at a time (db/lock.ts)
    release = await lockDataDir(dataDir);
  }
  const client = await PGlite.create(dataDir, opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (opts.migrate !== false) await migratePglite(db as never, { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await client.close();
      await release?.();
    },
    pglite: client,
  };
}

/** Runs a raw SQL query and returns its rows on either driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
