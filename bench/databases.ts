import { sql } from 'drizzle-orm';
import pg from 'pg';
import { ensureCatalogue } from '../src/catalogue/catalogue.load.js';
import { type Database, openDatabase } from '../src/db/client.js';

/**
 * Fresh databases for the benchmark, each already migrated and holding the administrative
 * catalogue. Loading the catalogue takes seconds, so it is loaded once into a template:
 * - PGlite: an in-memory instance dumped with `dumpDataDir`, reloaded per fresh database;
 * - PostgreSQL: a template database, copied with CREATE DATABASE … TEMPLATE.
 * Every PostgreSQL database is named `ngoso_bench_<pid>_…` and dropped by `dispose()`.
 */
export interface DatabaseFactory {
  kind: 'pglite' | 'postgres';
  label: string;
  /** a new, independent database with the catalogue loaded */
  fresh(tag: string): Promise<Database>;
  /** PostgreSQL: creates a fresh database as `fresh` does and returns its URL, unopened */
  freshUrl?(tag: string): Promise<string>;
  /** PGlite: the dump every fresh database is loaded from */
  dump?: Blob;
  dispose(): Promise<void>;
}

export async function pgliteFactory(): Promise<DatabaseFactory> {
  const seed = await openDatabase({ dataDir: 'memory://' });
  await ensureCatalogue(seed.db);
  const dump = await seed.pglite!.dumpDataDir('none');
  await seed.close();
  return {
    kind: 'pglite',
    label: 'PGlite (in-memory)',
    fresh: () => openDatabase({ loadDataDir: dump, migrate: false }),
    dump,
    dispose: async () => {},
  };
}

/** Null when the server does not answer (the caller prints a note and skips PostgreSQL). */
export async function postgresFactory(serverUrl: string): Promise<DatabaseFactory | null> {
  const adminUrl = withDatabase(serverUrl, 'postgres');
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    await admin.end().catch(() => {});
    return null;
  }
  const prefix = `ngoso_bench_${process.pid}`;
  const created: string[] = [];
  const create = async (name: string, template?: string) => {
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
    created.push(name);
  };
  const { rows } = await admin.query<{ server_version: string }>('show server_version');
  const template = `${prefix}_template`;
  await create(template);
  const seed = await openDatabase({ databaseUrl: withDatabase(serverUrl, template) });
  await ensureCatalogue(seed.db);
  // a live server's autovacuum would have analysed the catalogue by now; copies inherit the statistics
  await seed.db.execute(sql`analyze`);
  await seed.close();
  let n = 0;
  const freshUrl = async (tag: string) => {
    const name = `${prefix}_${++n}_${tag.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
    await create(name, template);
    return withDatabase(serverUrl, name);
  };
  return {
    kind: 'postgres',
    label: `PostgreSQL ${rows[0].server_version.split(' ')[0]}`,
    fresh: async (tag: string) => openDatabase({ databaseUrl: await freshUrl(tag), migrate: false }),
    freshUrl,
    dispose: async () => {
      // a closed pool's backends may take a moment to go; wait for them rather than terminate them
      // (terminating makes the server send FATAL to a socket node-postgres may still be reading)
      for (const name of created.reverse()) {
        for (let attempt = 0; ; attempt++) {
          try {
            await admin.query(`drop database if exists ${name}${attempt >= 50 ? ' with (force)' : ''}`);
            break;
          } catch (e) {
            if (attempt >= 50) {
              console.error(`  ! could not drop ${name}: ${(e as Error).message}`);
              break;
            }
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
      await admin.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
