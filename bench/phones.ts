/**
 * Many phones against one server (issue 13, item 11; part of `npm run bench`, alone:
 * `npm run bench -- --phones`). For each database, the real server (`node --import tsx
 * src/main.ts`, its own process, as `npm start`) on a fresh database holding the demo's Sơn La
 * registry; `phones` simulated phones (default 200), each its own team-leader account, its own
 * `x-device-id` and its own keep-alive HTTP connection, sync batches of 1–5 sessions of their team
 * in a loop for `seconds` (the team's generated sessions, re-sent under new ids when used up); every 10th batch is sent twice (an answer lost on the way), which must
 * come back as duplicates. A 429 is counted and the batch sent again after its Retry-After.
 * Printed: requests/s, latency p50/p95/max, the longest wait of a phone for its first answer,
 * 429s; then, with the server stopped, the database is checked: every session a phone was told
 * was stored is there once, with its members and services once each ("lost" and "doubled" must
 * be 0 and 0; otherwise the bench fails). Targets: p95 ≤ 2 s, first answer ≤ 5 s.
 * Then, on PGlite, the restart after kill -9: the time from the new process's start until it answers.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sign } from '@fastify/cookie';
import { sql } from 'drizzle-orm';
import { insertSession, insertUser } from '../src/access/access.repo.js';
import { ensureCatalogue } from '../src/catalogue/catalogue.load.js';
import { type Database, openDatabase, queryRows } from '../src/db/client.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { generateSessions, loadSessionRegistry } from '../src/demo/demo.sessions.js';
import type { Secrets } from '../src/privacy/secrets.js';
import type { SyncRecord } from '../src/sessions/sessions.sync.js';
import { todayInVietnam } from '../src/text/dates.js';
import { answered, freePort, startServer, stopServer } from '../test/server.js';
import { percentile } from './network.js';

export const PHONES_P95_TARGET_MS = 2000;
export const PHONES_FIRST_ANSWER_TARGET_MS = 5000;
export const RESTART_TARGET_MS = 3000;
const dayMs = 86_400_000;

export interface PhonesOptions {
  phones: number;
  seconds: number;
  /** PGlite in the server's own thread too (the engine before issue 13), for comparison */
  compareMainThread: boolean;
}

export interface PhonesFigures {
  label: string;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  max: number;
  firstAnswerMax: number;
  tooMany: number;
  errors: number;
  rejected: number;
  /** the most frequent reasons of refused records */
  reasons: string[];
  stored: number;
  lost: number;
  doubled: number;
}

interface Target {
  label: string;
  env: Record<string, string>;
  /** opens the database the server uses, migrating it on the first open (never while the server runs) */
  open: (migrate: boolean) => Promise<Database>;
}

/** Prepares a database: catalogue, the demo registry, and one team-leader account with a live session per phone. */
export async function prepare(database: Database, secrets: Secrets, phones: number, perPhone: number) {
  await ensureCatalogue(database.db);
  await generateDemo(database.db);
  const reg = await loadSessionRegistry(database.db, '14');
  const today = Date.parse(todayInVietnam() + 'T00:00:00Z');
  const period = { from: new Date(today - 60 * dayMs).toISOString().slice(0, 10), to: new Date(today - dayMs).toISOString().slice(0, 10) };
  const byTeam = new Map<number, SyncRecord[]>();
  for (const r of generateSessions(reg, { seed: 13, ...period, count: perPhone * reg.teams.length })) {
    const list = byTeam.get(r.teamId);
    if (list) list.push(r);
    else byTeam.set(r.teamId, [r]);
  }
  // teams spread over the province, each with some sessions of its own to send
  const usable = reg.teams.filter((t) => (byTeam.get(t.id)?.length ?? 0) >= 3);
  const step = Math.max(1, Math.floor(usable.length / phones));
  const teams = usable.filter((_, i) => i % step === 0).slice(0, phones);
  if (teams.length < phones) throw new Error(`only ${teams.length} teams for ${phones} phones`);
  const records = teams.map((t) => byTeam.get(t.id)!);
  const teamRows = await queryRows<{ id: number; unitId: number }>(database.db, sql`select id, unit_id as "unitId" from teams`);
  const unitOf = new Map(teamRows.map((t) => [t.id, t.unitId]));
  const cookies: string[] = [];
  for (let i = 0; i < teams.length; i++) {
    // no password sign-in (argon2 × 200 would be the bench): the account gets a session as a sign-in would
    const user = await insertUser(database.db, { username: `dienthoai${i}`, fullName: `Điện thoại ${i}`, passwordHash: 'không dùng', role: 'team_leader', scopeUnitId: unitOf.get(teams[i].id) ?? null, scopeTeamId: teams[i].id });
    const token = randomBytes(24).toString('hex');
    await insertSession(database.db, { tokenHash: createHash('sha256').update(token).digest('hex'), userId: user.id, expiresAt: new Date(Date.now() + dayMs), ip: '127.0.0.1' });
    cookies.push(`ngoso_session=${encodeURIComponent(sign(token, secrets.cookieSecret))}`);
  }
  return { records, cookies };
}

function request(agent: http.Agent, port: number, method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, method, path: url, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** One run: a server on `target`, the phones for `seconds`, the server stopped, the database checked. */
async function runTarget(target: Target, prepared: Awaited<ReturnType<typeof prepare>>, opts: PhonesOptions, secrets: Secrets): Promise<PhonesFigures> {
  const port = await freePort();
  const server = startServer({ ...target.env, PORT: String(port), NGOSO_SECRETS: JSON.stringify(secrets) });
  await server.ready;
  const latencies: number[] = [];
  const firstAnswer: number[] = [];
  let tooMany = 0;
  let errors = 0;
  let rejected = 0;
  const reasons = new Map<string, number>();
  /** what each phone was told was stored (accepted, or a duplicate of an earlier send) */
  const acked = new Map<string, SyncRecord>();
  const phone = async (i: number, started: number, deadline: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const device = randomUUID();
    const headers: Record<string, string> = { cookie: prepared.cookies[i], 'x-device-id': device };
    try {
      const csrf = await request(agent, port, 'GET', '/api/auth/csrf', headers);
      const set = ([] as string[]).concat(csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
      headers.cookie = [prepared.cookies[i], ...set].join('; ');
      headers['x-csrf-token'] = (JSON.parse(csrf.body) as { token: string }).token;
      firstAnswer[i] = performance.now() - started;
      const mine = prepared.records[i];
      let next = 0;
      let batchNo = 0;
      while (performance.now() < deadline) {
        const size = 1 + ((i + batchNo) % 5);
        // the team's generated sessions, again and again under new ids (a phone never runs out)
        const batch = Array.from({ length: size }, (_, k) => ({ ...mine[(next + k) % mine.length], id: randomUUID() }));
        const sends = ++batchNo % 10 === 0 ? 2 : 1;
        for (let s = 0; s < sends; s++) {
          for (;;) {
            const t0 = performance.now();
            let res: Awaited<ReturnType<typeof request>>;
            try {
              res = await request(agent, port, 'POST', '/api/support-sessions/sync', headers, JSON.stringify({ records: batch, deviceNow: new Date().toISOString() }));
            } catch {
              errors++;
              continue;
            }
            latencies.push(performance.now() - t0);
            if (res.status === 429) {
              tooMany++;
              await new Promise((r) => setTimeout(r, Math.min(5, Number(res.headers['retry-after'] ?? 1)) * 1000));
              continue;
            }
            if (res.status !== 200) {
              const logged = server.output().split('\n').filter((l) => l.includes('"level":50')).slice(-2).join('\n');
              throw new Error(`phone ${i}: HTTP ${res.status} ${res.body.slice(0, 300)}\nserver: ${logged.slice(0, 3000)}`);
            }
            for (const r of (JSON.parse(res.body) as { results: { id: string; status: string; field?: string; reason?: string }[] }).results) {
              if (r.status === 'rejected') {
                rejected++;
                const why = `${r.field}: ${r.reason}`.slice(0, 160);
                reasons.set(why, (reasons.get(why) ?? 0) + 1);
              }
              else acked.set(r.id, batch.find((b) => b.id === r.id)!);
            }
            break;
          }
        }
        next += size;
      }
    } finally {
      agent.destroy();
    }
  };
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  try {
    await Promise.all(prepared.cookies.map((_, i) => phone(i, started, deadline)));
  } finally {
    await stopServer(server.child);
  }
  const elapsed = (performance.now() - started) / 1000;
  // the check, on the database the server wrote (it has stopped)
  const database = await target.open(false);
  let stored = 0;
  let lost = 0;
  let doubled = 0;
  try {
    const ids = [...acked.keys()];
    const rows = await queryRows<{ id: string; members: number; services: number }>(
      database.db,
      sql`select s.id, (select count(*)::int from support_session_members m where m.session_id = s.id) as members, (select count(*)::int from support_session_services v where v.session_id = s.id) as services
          from support_sessions s where s.id = any(${`{${ids.join(',')}}`}::uuid[])`,
    );
    stored = rows.length;
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const [id, rec] of acked) {
      const row = found.get(id);
      if (!row) {
        lost++;
        continue;
      }
      const members = new Set(rec.memberIds).size;
      const services = new Set(rec.services.map((s) => s.code)).size;
      if (row.members > members || row.services > services) doubled++;
      if (row.members < members || row.services < services) lost++;
    }
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_sessions`);
    if (n !== stored) doubled += n - stored; // sessions nobody was told about (a record stored under another id)
  } finally {
    await database.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    label: target.label,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? 0,
    firstAnswerMax: Math.max(...firstAnswer.map((x) => x ?? Infinity)),
    tooMany,
    errors,
    rejected,
    reasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([why, n]) => `${n} × ${why}`),
    stored,
    lost,
    doubled,
  };
}

/**
 * Time from a restart after kill -9 until the server answers (PGlite on a data directory): the
 * first server is killed while 10 phones sync batches of 50 (WAL to replay, a lock left behind).
 */
async function restartAfterKill(secrets: Secrets, dataDir: string, prepared: Awaited<ReturnType<typeof prepare>>): Promise<number> {
  const env = { NGOSO_DATA_DIR: dataDir, NGOSO_SECRETS: JSON.stringify(secrets) };
  const firstPort = await freePort();
  const first = startServer({ ...env, PORT: String(firstPort) });
  await first.ready;
  let dead = false;
  let answers = 0;
  const writer = async (i: number) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers: Record<string, string> = { cookie: prepared.cookies[i], 'x-device-id': randomUUID() };
      const csrf = await request(agent, firstPort, 'GET', '/api/auth/csrf', headers);
      headers.cookie = [prepared.cookies[i], ...([] as string[]).concat(csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])].join('; ');
      headers['x-csrf-token'] = (JSON.parse(csrf.body) as { token: string }).token;
      const mine = prepared.records[i];
      while (!dead) {
        const records = Array.from({ length: 50 }, (_, k) => ({ ...mine[k % mine.length], id: randomUUID() }));
        await request(agent, firstPort, 'POST', '/api/support-sessions/sync', headers, JSON.stringify({ records }));
        answers++;
      }
    } catch {
      // the server died under the request
    } finally {
      agent.destroy();
    }
  };
  const writers = Array.from({ length: Math.min(10, prepared.cookies.length) }, (_, i) => writer(i));
  const until = performance.now() + 3000;
  while (performance.now() < until || answers < 5) await new Promise((r) => setTimeout(r, 20));
  dead = true;
  await stopServer(first.child, 'SIGKILL');
  await Promise.all(writers);
  const port = await freePort();
  const t0 = performance.now();
  const second = startServer({ ...env, PORT: String(port) });
  try {
    await answered(port, second.child, second.output);
    return performance.now() - t0;
  } finally {
    await stopServer(second.child);
  }
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const ok = (b: boolean) => (b ? 'đạt (OK)' : 'chưa đạt (MISS)');

/**
 * Runs the phones on PGlite (a data directory; worker thread, and the server's own thread when
 * `compareMainThread`) and on PostgreSQL at `pgServerUrl` (null: skipped), prints the figures, and
 * returns them with the restart time. `failed` is true when anything was lost or doubled.
 */
export async function runPhonesBench(pg: { freshUrl(tag: string): Promise<string> } | null, opts: PhonesOptions, log: (s?: string) => void): Promise<{ figures: PhonesFigures[]; restartMs?: number; failed: boolean }> {
  const secrets: Secrets = { cookieSecret: randomBytes(32).toString('hex'), hashKey: randomBytes(32).toString('base64'), currentKeyId: 'p1', dataKeys: { p1: randomBytes(32).toString('base64') } };
  const perPhone = 20;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ngoso-phones-'));
  const figures: PhonesFigures[] = [];
  let restartMs: number | undefined;
  let workerPrepared: Awaited<ReturnType<typeof prepare>> | undefined;
  try {
    const targets: Target[] = [];
    const pgliteTarget = (label: string, dir: string, thread?: string): Target => ({ label, env: { NGOSO_DATA_DIR: dir, ...(thread ? { NGOSO_PGLITE_THREAD: thread } : {}) }, open: (migrate) => openDatabase({ dataDir: dir, migrate }) });
    const engines: { label: string; make: () => Promise<Target> }[] = [
      { label: 'PGlite (luồng riêng)', make: async () => pgliteTarget('PGlite (luồng riêng)', path.join(tmp, 'worker')) },
    ];
    if (opts.compareMainThread) engines.push({ label: 'PGlite (chung luồng HTTP, như trước)', make: async () => pgliteTarget('PGlite (chung luồng HTTP, như trước)', path.join(tmp, 'main'), 'main') });
    if (pg) {
      engines.push({
        label: 'PostgreSQL',
        make: async () => {
          const url = await pg.freshUrl('phones');
          return { label: 'PostgreSQL', env: { DATABASE_URL: url }, open: (migrate) => openDatabase({ databaseUrl: url, migrate }) };
        },
      });
    }
    for (const engine of engines) {
      const target = await engine.make();
      let t = performance.now();
      const database = await target.open(true);
      const prepared = await prepare(database, secrets, opts.phones, perPhone).finally(() => database.close());
      workerPrepared ??= prepared;
      log(`  ${target.label}: sổ mẫu Sơn La, ${opts.phones} tài khoản tổ trưởng (mỗi máy một tài khoản, một x-device-id, một kết nối keep-alive) trong ${fmt(performance.now() - t)} (không tính)`);
      t = performance.now();
      const f = await runTarget(target, prepared, opts, secrets);
      figures.push(f);
      log(
        `    ${f.requests} yêu cầu trong ${opts.seconds} s: ${f.perSecond.toFixed(0)}/s; độ trễ p50 ${fmt(f.p50)}, p95 ${fmt(f.p95)} (mục tiêu ≤ ${fmt(PHONES_P95_TARGET_MS)}: ${ok(f.p95 <= PHONES_P95_TARGET_MS)}), lớn nhất ${fmt(f.max)}` +
          `\n    máy chờ câu trả lời đầu tiên lâu nhất: ${fmt(f.firstAnswerMax)} (mục tiêu ≤ ${fmt(PHONES_FIRST_ANSWER_TARGET_MS)}: ${ok(f.firstAnswerMax <= PHONES_FIRST_ANSWER_TARGET_MS)}); 429: ${f.tooMany}; lỗi kết nối: ${f.errors}; bản ghi bị từ chối: ${f.rejected}${f.reasons.length ? ` (${f.reasons.join('; ')})` : ''}` +
          `\n    kiểm tra trong cơ sở dữ liệu: ${f.stored} buổi đã báo lưu đều có; mất ${f.lost}, trùng ${f.doubled} ${f.lost === 0 && f.doubled === 0 ? '(OK)' : '(FAIL)'}`,
      );
    }
    const dir = path.join(tmp, 'worker');
    restartMs = await restartAfterKill(secrets, dir, workerPrepared!);
    log(`  PGlite: khởi động lại sau kill -9 giữa lúc 10 máy đang ghi, tới khi trả lời /api/health: ${fmt(restartMs)} (mục tiêu ≤ ${fmt(RESTART_TARGET_MS)}: ${ok(restartMs <= RESTART_TARGET_MS)})`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { figures, restartMs, failed: figures.some((f) => f.lost !== 0 || f.doubled !== 0) };
}
