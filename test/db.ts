import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { type Database, openDatabase } from '../src/db/client.js';
import type { RouteRule } from '../src/access/access.plugin.js';
import { buildApp } from '../src/http/app.js';

/**
 * A fresh database for one test file: a copy of the migrated template with the catalogue
 * (PGlite: loaded from the template's dump; PostgreSQL: CREATE DATABASE … TEMPLATE). `close`
 * drops it.
 */
export async function testDatabase(): Promise<Database> {
  const spec = inject('testDb');
  if (spec.kind === 'pglite') {
    return openDatabase({ loadDataDir: new Blob([readFileSync(spec.dumpFile)]), migrate: false });
  }
  const copy = await copyTemplateDatabase('ngoso_t_', spec);
  const database = await openDatabase({ databaseUrl: copy.url, migrate: false });
  return {
    ...database,
    close: async () => {
      await database.close();
      await copy.drop();
    },
  };
}

/** PostgreSQL: a new database copied from the test template (CREATE DATABASE … TEMPLATE); `drop` removes it. */
export async function copyTemplateDatabase(prefix: string, spec: { template: string; adminUrl: string }): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: spec.adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${spec.template}`);
  const url = new URL(spec.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Fixed secrets for tests (never used outside them). */
export const TEST_SECRETS = {
  cookieSecret: 'test-cookie-secret-0123456789abcdef0123456789',
  hashKey: Buffer.alloc(32, 7).toString('base64'),
  currentKeyId: 'k1',
  dataKeys: { k1: Buffer.alloc(32, 9).toString('base64') },
};

/** The HTTP app on a test database (use `app.inject`). `routeRules` collects every API route's access rule. */
export async function testApp(database: Database, env: NodeJS.ProcessEnv = {}, routeRules?: RouteRule[]) {
  const previous = process.env.NGOSO_SECRETS;
  process.env.NGOSO_SECRETS = JSON.stringify(TEST_SECRETS);
  try {
    return await buildApp({ database, config: loadConfig({ NGOSO_DATA_DIR: '/nonexistent', ...env }) }, { routeRules });
  } finally {
    if (previous === undefined) delete process.env.NGOSO_SECRETS;
    else process.env.NGOSO_SECRETS = previous;
  }
}

export type TestAppInstance = Awaited<ReturnType<typeof testApp>>;

/**
 * Registers the usual per-file set-up: a fresh database and the app on it before the tests, both
 * closed after. `ready` receives them (and may add fixtures) before any test runs.
 */
export function withTestApp(ready: (t: { database: Database; app: TestAppInstance }) => void | Promise<void>, env: NodeJS.ProcessEnv = {}) {
  let t: { database: Database; app: TestAppInstance } | undefined;
  beforeAll(async () => {
    const database = await testDatabase();
    t = { database, app: await testApp(database, env) };
    await ready(t);
  });
  afterAll(async () => {
    await t?.app.close();
    await t?.database.close();
  });
}
