import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNgoso } from '../../test/cli.js';
import { TEST_SECRETS } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { ensureCatalogue } from '../catalogue/catalogue.load.js';
import { generateDemo } from '../demo/demo.service.js';
import { seedDemoSessions } from '../demo/demo.sessions.js';
import { seedDemoTrainings } from '../demo/demo.trainings.js';
import { directiveBody } from '../directives/directives.contract.js';
import { issueDirective } from '../directives/directives.service.js';
import { postComment } from '../portal/portal.comments.js';
import { createArticle } from '../portal/portal.content.js';
import { articleBody } from '../portal/portal.contract.js';
import { DataProtector } from '../privacy/protector.js';
import { networkReport } from '../reports/network.service.js';
import { supportReport } from '../sessions/sessions.report.js';
import { trainingReport } from '../trainings/trainings.report.js';
import { type Database, type Db, openDatabase, queryRows } from './client.js';
import { embeddedSql, listTables, pgSql, tableChecksum, TEXT_SETTINGS } from './pg-migrate.tables.js';

/**
 * `ngoso migrate-to-postgres` as the operator runs it (bin/ngoso.mjs in a child process): a PGlite
 * data directory with the demo (Sơn La's registry, 1,500 support sessions, the demo trainings, a
 * directive, an article with two comments) copied into a PostgreSQL database this file creates
 * and drops on the test server (NGOSO_TEST_PG_URL, default 127.0.0.1:5432). Then: exact counts,
 * checksums equal, the network, support and training reports identical on both sides (the
 * rollups copied, not counted again by their triggers), a second run refused, a held lock refused.
 */

const spec = inject('testDb');
const ADMIN_URL = spec.kind === 'postgres' ? spec.adminUrl : (process.env.NGOSO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const serverUp = await (async () => {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (err) {
    // in CI (.ci/run sets CI=true) a PostgreSQL server is part of the machine: its absence is a failure, not a skip
    if (process.env.CI) throw new Error(`pg-migrate.int.test.ts: no PostgreSQL at ${ADMIN_URL} (${(err as Error).message})`);
    console.warn(`pg-migrate.int.test.ts: no PostgreSQL at ${ADMIN_URL}; skipped.`);
    return false;
  }
})();

const now = new Date('2026-06-15T05:00:00Z');
const PERIOD = { from: '2026-05-16', to: '2026-06-14' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'ngoso-migrate-'));
const dataDir = path.join(dir, 'db');
const dbName = `ngoso_mig_${randomBytes(5).toString('hex')}`;
const targetUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
let admin: pg.Client;

const ngoso = (...args: string[]) => runNgoso({ ...process.env, NGOSO_DATA_DIR: dataDir, DATABASE_URL: '' }, ...args);

/** What the reports say on one side (the network report from its kept counts, the others from their rollups). */
async function reports(db: Db) {
  return {
    network: await networkReport(db, '14', ALL),
    support: await supportReport(db, { unit: '14' }, PERIOD, ALL),
    trainings: await trainingReport(db, '14', PERIOD.from, PERIOD.to, ALL),
  };
}

async function counts(db: Db) {
  const [c] = await queryRows<Record<string, number>>(
    db,
    sql`select (select count(*)::int from teams) as teams, (select count(*)::int from members) as members, (select count(*)::int from team_members) as "teamMembers",
               (select count(*)::int from support_sessions) as sessions, (select count(*)::int from training_sessions) as trainings, (select count(*)::int from directive_teams) as "directiveTeams",
               (select count(*)::int from directives) as directives, (select count(*)::int from portal_comments) as comments, (select max(rev)::int from portal_articles) as rev,
               (select count(*)::int from admin_units) as units`,
  );
  return c;
}

let before: Awaited<ReturnType<typeof reports>>;
let sourceCounts: Record<string, number>;
let run: Awaited<ReturnType<typeof ngoso>>;

beforeAll(async () => {
  if (!serverUp) return;
  let source: Database;
  if (spec.kind === 'pglite') source = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(spec.dumpFile)]), migrate: false });
  else {
    source = await openDatabase({ dataDir });
    await ensureCatalogue(source.db);
  }
  const db = source.db;
  const protector = new DataProtector(TEST_SECRETS);
  await generateDemo(db);
  const s = await seedDemoSessions(db, protector, { count: 1500, days: 30, seed: 7, now });
  expect(s.accepted).toBe(1500);
  await seedDemoTrainings(db, { now });
  const [commune] = await queryRows<{ code: string }>(db, sql`select c.code from teams t join admin_units c on c.id = t.commune_id order by c.code limit 1`);
  const actor = { userId: null, ip: null, scope: ALL };
  await issueDirective(db, directiveBody.parse({ unit: '14', issuedOn: '2026-06-10', number: '125/UBND-VP', title: 'Hướng dẫn người dân cài đặt VNeID mức 2', body: 'Các tổ hướng dẫn từng hộ.', target: { units: [commune.code] } }), actor);
  const { id } = await createArticle(db, articleBody.parse({ unit: '14', kind: 'news', title: 'Ra quân hỗ trợ VNeID', body: '## Lịch\n\nCác tổ đến từng bản.', status: 'published' }), actor);
  for (const [i, phone] of ['0912345601', '0912345602'].entries()) {
    expect((await postComment(db, protector, id, { name: `Người dân ${i + 1}`, phone, body: 'Cảm ơn tổ đã đến tận nhà hướng dẫn.' }, `198.51.100.${i + 1}`)).status).toBe('published');
  }
  before = await reports(db);
  sourceCounts = await counts(db);
  await source.close();
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  run = await ngoso('migrate-to-postgres', '--database-url', targetUrl);
}, 300_000);

afterAll(async () => {
  if (admin) {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!serverUp)('ngoso migrate-to-postgres', { timeout: 180_000 }, () => {
  it('copies every table and prints its verification: each table ✓, rows equal, then the DATABASE_URL to set', async () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').map((l) => /^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([0-9a-f]{12})\s+✓$/.exec(l)).filter((m) => m !== null);
    const printed = Object.fromEntries(lines.map((m) => [m[1], { source: Number(m[2].replace(/\./g, '')), target: Number(m[3].replace(/\./g, '')) }]));
    const target = new pg.Client({ connectionString: targetUrl });
    await target.connect();
    const tables = await listTables(pgSql(target));
    await target.end();
    expect(Object.keys(printed).sort()).toEqual([...tables.keys()].sort());
    expect(run.stdout).not.toContain('✗');
    expect(printed.teams).toEqual({ source: 1459, target: 1459 });
    expect(printed.members).toEqual({ source: 8966, target: 8966 });
    expect(printed.support_sessions).toEqual({ source: 1500, target: 1500 });
    expect(printed.training_sessions).toEqual({ source: 32, target: 32 });
    expect(printed.directives).toEqual({ source: 1, target: 1 });
    expect(printed.portal_comments).toEqual({ source: 2, target: 2 });
    expect(run.stdout).toContain(`DATABASE_URL='${targetUrl}' NGOSO_DATA_DIR='${dataDir}' npm start`);
  });

  it('holds the same rows on both sides: exact counts, and every table checksum equal when the test computes it', async () => {
    const target = await openDatabase({ databaseUrl: targetUrl, migrate: false });
    const source = await openDatabase({ dataDir, migrate: false });
    try {
      expect(await counts(target.db)).toEqual(sourceCounts);
      expect(sourceCounts).toMatchObject({ teams: 1459, members: 8966, teamMembers: 8966, sessions: 1500, trainings: 32, directives: 1, comments: 2, rev: 2 });
      const client = new pg.Client({ connectionString: targetUrl });
      await client.connect();
      const differing: string[] = [];
      let seq: Record<string, number>;
      try {
        const [src, dst] = [embeddedSql(source.pglite!), pgSql(client)];
        for (const s of TEXT_SETTINGS) await Promise.all([src.query(s), dst.query(s)]);
        for (const t of (await listTables(src)).values()) {
          const [a, b] = [await tableChecksum(src, t), await tableChecksum(dst, t)];
          if (a.rows !== b.rows || a.sum !== b.sum) differing.push(t.name);
        }
        // sequences continue after the largest id: the next team or member gets a new id
        const next = (table: string) => `(select nextval(pg_get_serial_sequence('${table}', 'id')))::int - (select max(id) from ${table})::int`;
        [seq] = (await client.query(`select ${next('teams')} as teams, ${next('members')} as members, ${next('audit_log')} as audit`)).rows;
      } finally {
        await client.end();
      }
      expect(differing).toEqual([]);
      expect(seq).toEqual({ teams: 1, members: 1, audit: 1 });
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('gives the same network, support and training reports on PostgreSQL (rollups copied, never counted twice)', async () => {
    const target = await openDatabase({ databaseUrl: targetUrl, migrate: false });
    try {
      const after = await reports(target.db);
      expect(after.network.teams).toEqual({ total: 1459, commune: 204, village: 1255 });
      expect(after.support.sessions).toBe(1500);
      expect(after).toEqual(before);
    } finally {
      await target.close();
    }
  });

  it('refuses a second run: the target is not empty, says what is there and how to proceed', async () => {
    const again = await ngoso('migrate-to-postgres', '--database-url', targetUrl);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Lỗi: Cơ sở dữ liệu đích "${dbName}" không trống:`);
    expect(again.stderr).toContain('members 8.966 dòng');
    expect(again.stderr).toContain(`dropdb ${dbName} && createdb ${dbName}`);
    const target = await openDatabase({ databaseUrl: targetUrl, migrate: false });
    expect(await counts(target.db)).toEqual(sourceCounts);
    await target.close();
  });

  it('refuses while another process holds the data directory (the server running on it)', async () => {
    const held = await openDatabase({ dataDir, migrate: false });
    try {
      const r = await ngoso('migrate-to-postgres', '--database-url', targetUrl);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`đang được tiến trình số ${process.pid}`);
      expect(r.stderr).toContain('máy chủ phải dừng suốt lúc chép');
    } finally {
      await held.close();
    }
  });

  it('refuses a database that does not exist, with the command that creates it', async () => {
    const missing = targetUrl.replace(dbName, `${dbName}_x`);
    const r = await ngoso('migrate-to-postgres', '--database-url', missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Chưa có cơ sở dữ liệu "${dbName}_x"`);
    expect(r.stderr).toContain(`createdb ${dbName}_x`);
  });
});
