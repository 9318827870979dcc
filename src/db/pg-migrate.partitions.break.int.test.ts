import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_SECRETS } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { ALL } from '../access/access.policy.js';
import { ensureCatalogue } from '../catalogue/catalogue.load.js';
import { DataProtector } from '../privacy/protector.js';
import { decideReview } from '../sessions/sessions.review.js';
import { compareAllRollups } from '../sessions/sessions.rollup.rebuild.js';
import { supportReport } from '../sessions/sessions.report.js';
import { syncSessions } from '../sessions/sessions.sync.js';
import { FixedClock, useClock } from '../text/clock.js';
import { type Database, type Db, openDatabase, queryRows } from './client.js';
import { migrateToPostgres } from './pg-migrate.js';

/**
 * `ngoso migrate-to-postgres` from an embedded database whose support sessions lie in several
 * quarters and in the DEFAULT partitions (a day before 2025, a day beyond the partitions made),
 * some counted after a review, some recognised residents: every table verified, each row in the
 * same partition on PostgreSQL, the rollups equal to their rebuild, the reports equal on both
 * sides, and on PostgreSQL a resend of any of them still a duplicate. The target is a database
 * this file creates and drops (h_breaker_mig_…) on the test server (NGOSO_TEST_PG_URL).
 */
const spec = inject('testDb');
const ADMIN_URL = spec.kind === 'postgres' ? spec.adminUrl : (process.env.NGOSO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ngoso-migrate-parts-'));
const dataDir = path.join(dir, 'db');
const dbName = `h_breaker_mig_${randomBytes(4).toString('hex')}`;
const targetUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
const protector = new DataProtector(TEST_SECRETS);
const clock = new FixedClock('2027-01-02T10:00:00+07:00');
const RANGES = [['2024-12-01', '2025-01-31'], ['2026-09-01', '2026-10-31'], ['2026-12-01', '2027-01-02'], ['2031-01-01', '2031-03-31']];
let admin: pg.Client;
let sent: Record<string, unknown>[] = [];
let team: number;
let before: Awaited<ReturnType<typeof snapshot>>;
let result: Awaited<ReturnType<typeof migrateToPostgres>>;

/** What must be the same on both sides: where each session is, and the reports over the ranges. */
async function snapshot(db: Db) {
  const where = await queryRows<{ id: string; p: string; day: string }>(db, sql`select id, tableoid::regclass::text as p, day::text as day from support_sessions order by id`);
  const rollups = await queryRows<{ p: string; n: number }>(db, sql`
    select tableoid::regclass::text as p, count(*)::int as n from support_daily group by 1
    union all select tableoid::regclass::text, count(*)::int from support_monthly group by 1
    union all select tableoid::regclass::text, count(*)::int from support_resident_links group by 1 order by 1`);
  const reports = [];
  for (const unit of ['03664', '14']) for (const [from, to] of RANGES) reports.push(await supportReport(db, { unit }, { from, to }, ALL));
  return { where, rollups, reports };
}

beforeAll(async () => {
  useClock(clock);
  let source: Database;
  if (spec.kind === 'pglite') source = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(spec.dumpFile)]), migrate: false });
  else {
    source = await openDatabase({ dataDir });
    await ensureCatalogue(source.db);
  }
  const db = source.db;
  const reg = await sessionsRegistry(db);
  team = reg.team.chiengAn;
  await db.execute(sql`update teams set established_on = '2024-06-01' where id = ${team}`);
  const rec = (occurredAt: string, phone?: string) => ({ id: randomUUID(), teamId: team, memberIds: [reg.member['Hà Thị Hiền']], occurredAt, kind: 'home', services: [{ code: 'vneid', outcome: 'eid_level2' }], ...(phone ? { resident: { phone, consent: true } } : {}) });
  const at = async (now: string, records: Record<string, unknown>[]) => {
    const r = await syncSessions(db, protector, records, { userId: null, scope: ALL }, new Date(now), { deviceNow: now });
    sent.push(...records);
    return r;
  };
  await at('2026-10-02T10:00:00+07:00', [rec('2026-09-30T23:59:59+07:00', '0912000601'), rec('2026-10-01T00:00:00+07:00', '0912000601')]);
  await at('2027-01-02T10:00:00+07:00', [rec('2026-12-31T23:59:59+07:00', '0912000601'), rec('2027-01-01T00:00:00+07:00'), rec('2027-01-02T09:00:00+07:00', '0912000602')]);
  // kept for review (too old), then counted before 2025 (DEFAULT) and in 2025 Q1 by the officer
  const held = [rec('2026-05-01T09:00:00+07:00', '0912000601'), rec('2026-05-02T09:00:00+07:00')];
  expect((await at('2027-01-02T10:00:00+07:00', held)).map((r) => r.status === 'accepted' && r.review)).toEqual([true, true]);
  const officer = { userId: null, ip: null, scope: ALL };
  await decideReview(db, held[0].id as string, { action: 'correct', occurredAt: '2024-12-31T23:59:59+07:00' }, officer);
  await decideReview(db, held[1].id as string, { action: 'correct', occurredAt: '2025-01-01T00:00:00+07:00' }, officer);
  // a server clock years ahead: beyond every partition made
  await at('2031-02-01T09:00:00+07:00', [rec('2031-02-01T09:00:00+07:00', '0912000601')]);
  before = await snapshot(db);
  expect(new Set(before.where.map((w) => w.p))).toEqual(new Set(['support_sessions_2026q3', 'support_sessions_2026q4', 'support_sessions_2027q1', 'support_sessions_2025q1', 'support_sessions_default']));
  await source.close();
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  result = await migrateToPostgres({ dataDir, databaseUrl: targetUrl });
}, 300_000);

afterAll(async () => {
  if (admin) {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('ngoso migrate-to-postgres with sessions in several partitions', { timeout: 120_000 }, () => {
  it('verifies every table, the partitioned ones included', () => {
    expect(result.tables.filter((t) => !t.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.tables.find((t) => t.table === 'support_sessions')).toMatchObject({ source: { rows: before.where.length }, target: { rows: before.where.length } });
    expect(result.tables.map((t) => t.table)).not.toContain('support_sessions_default');
  });

  it('keeps each session and rollup row in the same partition, the rollups exact and the reports the same', async () => {
    const target = await openDatabase({ databaseUrl: targetUrl, migrate: false });
    try {
      expect(await snapshot(target.db)).toEqual(before);
      expect(Object.entries(await compareAllRollups(target.db)).filter(([, n]) => n !== 0)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('on PostgreSQL a resend of any of them is still a duplicate, and a new session counts once', async () => {
    const target = await openDatabase({ databaseUrl: targetUrl, migrate: false });
    try {
      const now = clock.now();
      const resend = await syncSessions(target.db, protector, sent.map((r) => ({ ...r, occurredAt: '2027-01-02T08:00:00+07:00' })), { userId: null, scope: ALL }, now, { deviceNow: now.toISOString() });
      expect(resend.map((r) => r.status)).toEqual(sent.map(() => 'duplicate'));
      const fresh = { ...sent[3], id: randomUUID(), occurredAt: '2027-01-02T08:00:00+07:00' };
      expect((await syncSessions(target.db, protector, [fresh], { userId: null, scope: ALL }, now, { deviceNow: now.toISOString() }))[0]).toMatchObject({ status: 'accepted', day: '2027-01-02' });
      expect(Object.entries(await compareAllRollups(target.db)).filter(([, n]) => n !== 0)).toEqual([]);
      const day = await supportReport(target.db, { unit: '03664' }, { from: '2027-01-02', to: '2027-01-02' }, ALL);
      expect(day.sessions).toBe(2);
    } finally {
      await target.close();
    }
  });
});
