import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/client.js';
import { openConfiguredDatabase } from '../src/db/open.js';
import { freePort } from './server.js';

const run = promisify(execFile);

/**
 * PostgreSQL clusters of this machine's own server, made for a test and dropped after it
 * (Debian's postgresql-common: pg_createcluster, pg_ctlcluster, pg_dropcluster), on a free port,
 * trust authentication on localhost, `wal_level = logical` (a province server publishes), fsync
 * off (thrown away after the test).
 */
export interface TestCluster {
  name: string;
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/DB */
  url(db: string): string;
  restart(): Promise<void>;
  /** stops the server (the province's server gone: unreachable) */
  stop(): Promise<void>;
  drop(): Promise<void>;
}

/** The installed server's major version (the one directory under /usr/lib/postgresql), or null: no pg_createcluster here. */
export function clusterVersion(): string | null {
  if (!existsSync('/usr/bin/pg_createcluster') || !existsSync('/usr/lib/postgresql')) return null;
  return readdirSync('/usr/lib/postgresql').sort().at(-1) ?? null;
}

/**
 * Creates and starts a cluster named `name` (any leftover of that name is dropped first), prefixed
 * with NGOSO_TEST_CLUSTER_PREFIX when set (several people testing on one machine: each drops only
 * their own leftovers).
 */
export async function createCluster(clusterName: string): Promise<TestCluster> {
  const name = `${process.env.NGOSO_TEST_CLUSTER_PREFIX ?? ''}${clusterName}`;
  const version = clusterVersion();
  if (!version) throw new Error('pg_createcluster is not installed (Debian package postgresql-common)');
  await run('pg_dropcluster', ['--stop', version, name]).catch(() => {});
  const port = await freePort();
  await run('pg_createcluster', [version, name, '-p', String(port), '-o', 'wal_level=logical', '-o', 'max_wal_senders=10', '-o', 'max_replication_slots=10', '-o', 'fsync=off', '--', '--auth-local=trust', '--auth-host=trust']);
  const ctl = (action: string) => run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action]);
  await ctl('start');
  const cluster: TestCluster = {
    name,
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    restart: async () => {
      await ctl('restart');
    },
    stop: async () => {
      await ctl('stop');
    },
    drop: async () => {
      await run('pg_dropcluster', ['--stop', version, name]).catch(() => {});
    },
  };
  return cluster;
}

/** Creates database `db` on the cluster. */
export async function createDatabase(cluster: TestCluster, db: string): Promise<string> {
  const c = new pg.Client({ connectionString: cluster.url('postgres') });
  await c.connect();
  try {
    await c.query(`create database ${db}`);
  } finally {
    await c.end();
  }
  return cluster.url(db);
}

/**
 * A province's server on the cluster: database `db` opened as `npm start` opens it with
 * DATABASE_URL and NGOSO_PROVINCE=`code` (migrations, the catalogue, the province's id ranges).
 */
export async function provinceServer(cluster: TestCluster, db: string, code: string): Promise<Database> {
  return openConfiguredDatabase(loadConfig({ DATABASE_URL: await createDatabase(cluster, db), NGOSO_PROVINCE: code }));
}
