import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sign } from '@fastify/cookie';
import { insertSession, insertUser } from '../access/access.repo.js';
import { copyTemplateDatabase, TEST_SECRETS } from '../../test/db.js';
import { answered, freePort, startServer, stopServer } from '../../test/server.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { ROLLUP_ALL } from '../sessions/sessions.vocabulary.js';
import { type Database, openDatabase, queryRows } from './client.js';

/**
 * kill -9 of the real server (`node --import tsx src/main.ts`, its own process) in the middle of
 * its writes: syncs of 200 sessions each are on their way when it dies. After a restart on the same
 * database (PGlite: the same data directory, whose lock the dead process still "holds"):
 * - it starts and answers, having taken the dead process's lock at once (the takeover line on
 *   stderr: not the lock's 10-minute staleness);
 * - nothing is half-written: the sessions stored are whole batches (a multiple of 200), each with
 *   its member and its service, the daily rollup counts exactly them, and every batch the server
 *   answered is there.
 * On PostgreSQL (NGOSO_TEST_DB=postgres) the same, on a copy of the test template.
 */
const BATCH = 200;
const spec = inject('testDb');
let tmp: string;
let env: Record<string, string>;
let open: () => Promise<Database>;
let drop: () => Promise<void> = async () => {};
let cookie: string;
let team: number;
let memberId: number;
let service: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ngoso-crash-'));
  if (spec.kind === 'pglite') {
    const dataDir = path.join(tmp, 'data');
    env = { NGOSO_DATA_DIR: dataDir };
    open = () => openDatabase({ dataDir, migrate: false });
    const first = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(spec.dumpFile)]), migrate: false });
    await first.close();
  } else {
    const copy = await copyTemplateDatabase('ngoso_crash_', spec);
    drop = copy.drop;
    env = { DATABASE_URL: copy.url, NGOSO_DATA_DIR: path.join(tmp, 'data') };
    open = () => openDatabase({ databaseUrl: copy.url, migrate: false });
  }
  const database = await open();
  try {
    const reg = await sessionsRegistry(database.db);
    team = reg.team.tieuKhu6;
    [{ memberId }] = await queryRows<{ memberId: number }>(database.db, sql`select member_id as "memberId" from team_members where team_id = ${team} order by member_id limit 1`);
    [{ service }] = await queryRows<{ service: string }>(database.db, sql`select code as service from support_services where active order by id limit 1`);
    const user = await insertUser(database.db, { username: 'quantri', fullName: 'Quản Trị', passwordHash: 'không dùng', role: 'admin' });
    const token = randomBytes(24).toString('hex');
    await insertSession(database.db, { tokenHash: createHash('sha256').update(token).digest('hex'), userId: user.id, expiresAt: new Date(Date.now() + 86_400_000), ip: '127.0.0.1' });
    cookie = `ngoso_session=${encodeURIComponent(sign(token, TEST_SECRETS.cookieSecret))}`;
  } finally {
    await database.close();
  }
  env.NGOSO_SECRETS = JSON.stringify(TEST_SECRETS);
}, 120_000);

afterAll(async () => {
  await drop();
  rmSync(tmp, { recursive: true, force: true });
});

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const batch = () => Array.from({ length: BATCH }, () => ({ id: randomUUID(), teamId: team, memberIds: [memberId], occurredAt: `${yesterday}T09:30:00+07:00`, kind: 'home', services: [{ code: service, outcome: 'informed' }] }));

describe('kill -9 in the middle of writes', () => {
  it('restarts at once on the dead process\'s lock, with every batch whole or absent', async () => {
    const port = await freePort();
    const first = startServer({ ...env, PORT: String(port) });
    await answered(port, first.child, first.output);
    const base = `http://127.0.0.1:${port}`;
    const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { cookie } });
    const headers = {
      cookie: [cookie, ...csrf.headers.getSetCookie().map((c) => c.split(';')[0])].join('; '),
      'x-csrf-token': ((await csrf.json()) as { token: string }).token,
      'x-device-id': randomUUID(),
      'content-type': 'application/json',
    };
    const answeredIds: string[] = [];
    let answers = 0;
    let cut = 0;
    let killed = false;
    let failure: Error | undefined;
    const sender = async () => {
      while (!killed && !failure) {
        const records = batch();
        const res = await fetch(`${base}/api/support-sessions/sync`, { method: 'POST', headers, body: JSON.stringify({ records }) }).catch(() => null);
        if (!res) {
          cut++; // the server died under this request
          return;
        }
        const body = (await res.json().catch(() => null)) as { accepted: number } | null;
        if (res.status !== 200 || body?.accepted !== BATCH) {
          failure = new Error(`sync: HTTP ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
          return;
        }
        answeredIds.push(...records.map((r) => r.id));
        answers++;
      }
    };
    const senders = [sender(), sender(), sender()];
    // some batches stored, others on their way: then the power goes
    while (answers < 3 && !failure) await new Promise((r) => setTimeout(r, 5));
    if (failure) throw failure;
    await new Promise((r) => setTimeout(r, 30));
    killed = true;
    await stopServer(first.child, 'SIGKILL');
    await Promise.all(senders);
    // the kill fell in the middle of writes: batches were on their way, unanswered
    expect(cut).toBeGreaterThan(0);

    const second = startServer({ ...env, PORT: String(port) });
    try {
      await answered(port, second.child, second.output);
      if (spec.kind === 'pglite') {
        expect(second.output()).toContain(`Đã lấy khoá dữ liệu ${env.NGOSO_DATA_DIR} của tiến trình ${first.child.pid} đã dừng (không còn chạy).`);
      }
    } finally {
      await stopServer(second.child);
    }

    const database = await open();
    try {
      const [stored] = await queryRows<{ sessions: number; withMember: number; withService: number; rollup: number }>(
        database.db,
        sql`select (select count(*)::int from support_sessions) as sessions,
                   (select count(distinct session_id)::int from support_session_members) as "withMember",
                   (select count(distinct session_id)::int from support_session_services) as "withService",
                   (select coalesce(sum(sessions), 0)::int from support_daily where unit_id = ${-team} and service_id = 0 and outcome = ${ROLLUP_ALL}) as rollup`,
      );
      expect(stored.sessions % BATCH).toBe(0);
      expect(stored.sessions).toBeGreaterThanOrEqual(answeredIds.length);
      expect(stored).toEqual({ sessions: stored.sessions, withMember: stored.sessions, withService: stored.sessions, rollup: stored.sessions });
      const ids = `{${answeredIds.join(',')}}`;
      const [{ found }] = await queryRows<{ found: number }>(database.db, sql`select count(*)::int as found from support_sessions where id = any(${ids}::uuid[])`);
      expect(found).toBe(answeredIds.length);
    } finally {
      await database.close();
    }
  }, 180_000);
});
