import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import { type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { lockDataDir } from './lock.js';
import { PGliteWorker } from './pglite.proxy.js';
import * as schema from './schema.js';

/** The Drizzle database (or transaction) every repository takes: same API on PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** the embedded database's client, when embedded (used to dump a template in tests, COPY in the bench) */
  pglite?: EmbeddedClient;
}

/** What of PGlite's API the embedded client offers, in its worker thread or in this one. */
export interface EmbeddedClient {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The hand-written migrations (src/db/migrations, journal in meta/_journal.json). */
export const MIGRATIONS_FOLDER = migrationsFolder;

/**
 * Applies the migrations of `folder` (default: the application's) not yet applied to `database`
 * (Drizzle's migrator for its driver; each migration in a transaction). For opening with
 * `migrate: false` and migrating later, as the upgrade test does from an older schema.
 */
export async function migrateDatabase(database: Database, folder: string = migrationsFolder): Promise<void> {
  if (database.kind === 'postgres') await migratePg(database.db as never, { migrationsFolder: folder });
  else await migratePglite(database.db as never, { migrationsFolder: folder });
}

/**
 * Opens the database: a PostgreSQL server when `databaseUrl` is set, otherwise PGlite persisted
 * in `dataDir` (or in memory for `dataDir = 'memory://'`, or from `loadDataDir`, a dump made by
 * `dumpDataDir`). Migrations are applied before it returns.
 * PGlite runs in a worker thread (db/pglite.proxy.ts) so that its WebAssembly never blocks this
 * thread's event loop; `pgliteThread: 'main'` runs it here instead (the bench compares both).
 * `onFatal`: the embedded database's worker died (every query fails from then on).
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string; loadDataDir?: Blob; migrate?: boolean; pgliteThread?: 'worker' | 'main'; onFatal?: (err: Error) => void }): Promise<Database> {
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
    // a dead owner's lock (kill -9) is taken over at once, said on stderr
    release = await lockDataDir(dataDir, (msg) => console.warn(msg));
  }
  let client: PGlite | PGliteWorker | undefined;
  let db: Db;
  try {
    const load = opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {};
    client = opts.pgliteThread === 'main' ? await PGlite.create(dataDir, load) : await PGliteWorker.create(dataDir, { ...load, onDeath: opts.onFatal });
    // Drizzle's PGlite driver calls only query() and transaction(), which the worker's client has
    db = drizzlePglite(client as PGlite, { schema }) as unknown as Db;
    if (opts.migrate !== false) await migratePglite(db as never, { migrationsFolder });
  } catch (err) {
    await client?.close().catch(() => {});
    await release?.();
    throw err;
  }
  const opened = client;
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await opened.close();
      await release?.();
    },
    pglite: opened,
  };
}

/** Runs a raw SQL query and returns its rows on either driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** A json value as the driver hands it back: parsed by node-postgres, a string from the embedded database's worker. */
export function jsonValue<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

/** The SQLSTATE of a database error, or of the one it wraps (drizzle's DrizzleQueryError keeps it as `cause`): '23505' a unique violation, '25006' read-only… */
export function sqlState(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && typeof e === 'object' && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
