import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_SECRETS } from '../../test/db.js';
import { ALL } from '../access/access.policy.js';
import { ensureCatalogue } from '../catalogue/catalogue.load.js';
import { DataProtector } from '../privacy/protector.js';
import { addMemberBody, createTeamBody } from '../registry/registry.contract.js';
import { addMember } from '../registry/registry.members.js';
import { createTeam } from '../registry/registry.teams.js';
import { compareAllRollups, rebuildAllRollups } from '../sessions/sessions.rollup.rebuild.js';
import { supportReport } from '../sessions/sessions.report.js';
import { syncSessions } from '../sessions/sessions.sync.js';
import { type Database, MIGRATIONS_FOLDER, migrateDatabase, openDatabase, queryRows } from './client.js';

/**
 * Upgrading a database that holds sessions to the time-partitioned schema (migration 0024, issue
 * 18 item 1), on the suite's database kind: migrated to 0023, a team and sessions in two quarters
 * with their rollups; then 0024. Every session, member and service row is kept (the services get
 * their session's day), in the partition of its day; the rollups are unchanged and equal to their
 * recomputation; the report is the same; a sync afterwards is stored and counted as before.
 */
const spec = inject('testDb');
const dirs: string[] = [];
let database: Database;
let dropDatabase = async () => {};
const PERIOD = { from: '2026-01-01', to: '2026-11-30' };
let team: { id: number; memberId: number; communeId: number };
let before: unknown;

/** The migrations folder cut after `last` (its journal's entries up to that tag). */
function migrationsUpTo(last: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ngoso-migrations-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag === last);
  if (upTo < 0) throw new Error(`no migration ${last}`);
  for (const e of journal.entries.slice(upTo + 1)) rmSync(path.join(dir, `${e.tag}.sql`));
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo + 1) }));
  return dir;
}

beforeAll(async () => {
  if (spec.kind === 'postgres') {
    const name = `ngoso_upgrade_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: spec.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(spec.adminUrl);
    url.pathname = `/${name}`;
    database = await openDatabase({ databaseUrl: url.toString(), migrate: false });
    dropDatabase = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else database = await openDatabase({ migrate: false });
  await migrateDatabase(database, migrationsUpTo('0023_portal_page_revision'));
  await ensureCatalogue(database.db);
  const editor = { userId: null, ip: null, scope: ALL };
  const t = await createTeam(database.db, createTeamBody.parse({ level: 'commune', unit: '03664', name: 'Tổ công nghệ số cộng đồng phường Chiềng An', establishedOn: '2025-08-01' }), editor);
  const m = await addMember(database.db, t.id, addMemberBody.parse({ person: { fullName: 'Lò Thị Hoa', gender: 'female', birthYear: 1992 }, role: 'leader', joinedOn: '2025-08-01' }), editor);
  team = { id: t.id, memberId: m.memberId, communeId: t.communeId };
  // three sessions as the 0023 schema stored them (no day on the services), two quarters
  const vneid = (await queryRows<{ id: number }>(database.db, sql`select id from support_services where code = 'vneid'`))[0].id;
  for (const [i, day] of ['2026-08-14', '2026-11-02', '2026-11-03'].entries()) {
    const id = `00000000-0000-4000-8000-00000000000${i}`;
    await database.db.execute(sql`insert into support_sessions (id, province_code, commune_id, team_id, occurred_at, day, kind, residents_count)
      values (${id}, '14', ${team.communeId}, ${team.id}, ${`${day}T09:00:00+07:00`}, ${day}, ${i === 2 ? 'group' : 'home'}, ${i === 2 ? 12 : 1})`);
    await database.db.execute(sql`insert into support_session_members (session_id, member_id, day) values (${id}, ${team.memberId}, ${day})`);
    await database.db.execute(sql`insert into support_session_services (session_id, service_id, outcome) values (${id}, ${vneid}, 'informed')`);
  }
  await rebuildAllRollups(database.db);
  before = await supportReport(database.db, { unit: '03664' }, PERIOD, ALL);
  await migrateDatabase(database);
}, 120_000);

afterAll(async () => {
  await database?.close();
  await dropDatabase();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('upgrade to the time-partitioned sessions (migration 0024)', () => {
  it('keeps every row, each in the partition of its day, with the same report and exact rollups', async () => {
    expect(await queryRows(database.db, sql`select tableoid::regclass::text as partition, count(*)::int as n from support_sessions group by 1 order by 1`)).toEqual([
      { partition: 'support_sessions_2026q3', n: 1 },
      { partition: 'support_sessions_2026q4', n: 2 },
    ]);
    expect(await queryRows(database.db, sql`select count(*)::int as members from support_session_members`)).toEqual([{ members: 3 }]);
    expect(await queryRows(database.db, sql`select count(*)::int as ids from support_session_ids`)).toEqual([{ ids: 3 }]);
    expect(await queryRows(database.db, sql`select session_id as id, day::text as day from support_session_services order by 1`)).toEqual([
      { id: '00000000-0000-4000-8000-000000000000', day: '2026-08-14' },
      { id: '00000000-0000-4000-8000-000000000001', day: '2026-11-02' },
      { id: '00000000-0000-4000-8000-000000000002', day: '2026-11-03' },
    ]);
    const after = await supportReport(database.db, { unit: '03664' }, PERIOD, ALL);
    expect(after).toEqual(before);
    expect([after.sessions, after.residents]).toEqual([3, 14]);
    expect(Object.values(await compareAllRollups(database.db)).every((n) => n === 0)).toBe(true);
  });

  it('stores and counts a sync after the upgrade, and refuses an id it already holds', async () => {
    const now = new Date('2026-11-20T03:00:00Z');
    const protector = new DataProtector(TEST_SECRETS);
    const rec = (id: string) => ({ id, teamId: team.id, memberIds: [team.memberId], occurredAt: '2026-11-19T10:00:00+07:00', kind: 'home', services: [{ code: 'zalo', outcome: 'installed' }] });
    const res = await syncSessions(database.db, protector, [rec(randomUUID()), rec('00000000-0000-4000-8000-000000000001')], { userId: null, scope: ALL }, now, { deviceNow: now.toISOString() });
    expect(res.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    const after = await supportReport(database.db, { unit: '03664' }, PERIOD, ALL);
    expect([after.sessions, after.residents]).toEqual([4, 15]);
    expect(Object.values(await compareAllRollups(database.db)).every((n) => n === 0)).toBe(true);
  });
});
