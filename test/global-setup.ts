import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureCatalogue } from '../src/catalogue/catalogue.load.js';
import { openDatabase } from '../src/db/client.js';

/** Server used by the PostgreSQL run; tests create and drop their own databases there. */
export const PG_ADMIN_URL = process.env.NGOSO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { kind: 'pglite'; dumpFile: string } | { kind: 'postgres'; template: string; adminUrl: string };
  }
}

/** Builds one migrated template database with the catalogue loaded; every test file copies it. */
export default async function setup(project: TestProject) {
  if (process.env.NGOSO_TEST_DB === 'postgres') {
    const template = `ngoso_tpl_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${template}`;
    const database = await openDatabase({ databaseUrl: url.toString() });
    await ensureCatalogue(database.db);
    await database.close();
    project.provide('testDb', { kind: 'postgres', template, adminUrl: PG_ADMIN_URL });
    return async () => {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const database = await openDatabase({ dataDir: 'memory://' });
  await ensureCatalogue(database.db);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  const dumpFile = path.join(os.tmpdir(), `ngoso-test-template-${process.pid}.tar`);
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  project.provide('testDb', { kind: 'pglite', dumpFile });
  return () => rmSync(dumpFile, { force: true });
}
