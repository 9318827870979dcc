import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { ALL } from '../src/access/access.policy.js';
import { createUser } from '../src/access/users.service.js';
import { loadConfig } from '../src/config/config.js';
import { type Database, type Db, openDatabase, queryRows } from '../src/db/client.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { generateSessions, loadSessionRegistry, type SessionRegistry } from '../src/demo/demo.sessions.js';
import { buildApp } from '../src/http/app.js';
import { DataProtector } from '../src/privacy/protector.js';
import type { Secrets } from '../src/privacy/secrets.js';
import { compareSupportRollups, rebuildSupportRollups } from '../src/sessions/sessions.rollup.js';
import { type PeriodQuery, type ReportTarget, supportReport, type SupportReport } from '../src/sessions/sessions.report.js';
import type { SyncRecord } from '../src/sessions/sessions.sync.js';
import { syncSessions } from '../src/sessions/sessions.sync.js';
import { todayInVietnam } from '../src/text/dates.js';
import type { DatabaseFactory } from './databases.js';
import { percentile } from './network.js';
import { addSqlSessions, type DashboardFigure, dashboardCases, measureDashboard, rebuildAndAnalyze, syncSliceAndCompare } from './sessions.dashboard.js';

/**
 * The support-session benchmark (issue 5, "Performance"), on the demo's Sơn La registry
 * (1,459 teams, 8,966 members) with sessions from src/demo/demo.sessions.ts:
 *
 *  a. Sync ingestion into PostgreSQL, sustained for `ingestSeconds`: `senders` concurrent senders
 *     each send batches of 50–200 records of one commune (a few days of a commune's phones after
 *     being offline), as JSON, through JSON.parse + syncSessions (validation, residents, insert,
 *     rollups in one transaction). Then the same through HTTP (Fastify inject: routing, cookie
 *     session, CSRF, zod, JSON) for `httpSeconds`. Batches are generated before the clock starts.
 *     Then the rollups are compared with their recomputation, and the same session rows are
 *     COPYed (FROM STDIN) into the same tables, emptied: the physical ceiling.
 *  b. Province dashboard (bench/sessions.dashboard.ts) at `rows` sessions over the year before
 *     today, generated in SQL (generate_series), every rollup rebuilt in bulk, then 2,000 sessions
 *     synced through syncSessions and every rollup table compared with its rebuild (the rollups
 *     kept by sync, not only rebuilt ones); then the province over the calendar year, a month and
 *     the custom 365-day range, the busiest commune, team and member, warm p50/p95 against the
 *     same report with {source:'raw'} (plain GROUP BY over the sessions), checked equal. With
 *     NGOSO_BENCH_SESSIONS_BIG=5000000 the same again at that size, side by side. A failed
 *     check sets a non-zero exit code.
 */

export const INGEST_TARGET_PER_S = 5_000;
export const DASHBOARD_TARGET_MS = { postgres: 50, pglite: 300 } as const;
const PROVINCE = '14';

export interface SessionsBenchOptions {
  rows: number;
  ingestSeconds: number;
  httpSeconds: number;
  senders: number;
  ingest: boolean;
  dashboard: boolean;
}

export interface SessionsSummaryRow {
  engine: string;
  what: string;
  value: string;
  target: string;
  result: string;
}

// ---------- printing (as in run.ts) ----------
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'đạt (OK)' : 'chưa đạt (MISS)');
const dayMs = 86_400_000;

/** Random secrets for a benchmark's server and its DataProtector (never used outside the bench). */
export function benchSecrets(): Secrets {
  const key = () => randomBytes(32).toString('base64');
  return { cookieSecret: randomBytes(32).toString('hex'), hashKey: key(), currentKeyId: 'b1', dataKeys: { b1: key() } };
}

/** The `days` Vietnamese days before today. */
export function daysBeforeToday(days: number): { from: string; to: string } {
  const today = Date.parse(todayInVietnam() + 'T00:00:00Z');
  return { from: new Date(today - days * dayMs).toISOString().slice(0, 10), to: new Date(today - dayMs).toISOString().slice(0, 10) };
}

/** The year of data: the 365 Vietnamese days before today. */
export function yearBeforeToday(): { from: string; to: string } {
  return daysBeforeToday(365);
}

// ---------- batches ----------
/**
 * Records cut into batches of 50–200 of one commune each, interleaved, as JSON bodies `{"records":[…], "deviceNow": the clock now}`
 * (the phone's clock right: offset ≈ 0), each in a Buffer as a request body arrives: outside V8's heap, so hundreds of MB of
 * bodies waiting their turn do not make the timed run's garbage collection slower than a server's.
 */
function makeBatches(reg: SessionRegistry, records: Iterable<SyncRecord>, seed: number, limit: number): { bodies: Buffer[]; sizes: number[] } {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
  const communeOf = new Map(reg.teams.map((t) => [t.id, t.communeId]));
  const open = new Map<number, { want: number; list: SyncRecord[] }>();
  const bodies: Buffer[] = [];
  const sizes: number[] = [];
  const deviceNow = new Date().toISOString();
  let n = 0;
  for (const rec of records) {
    if (n >= limit) break;
    n++;
    const c = communeOf.get(rec.teamId)!;
    let b = open.get(c);
    if (!b) open.set(c, (b = { want: 50 + Math.floor(rnd() * 151), list: [] }));
    b.list.push(rec);
    if (b.list.length >= b.want) {
      bodies.push(Buffer.from(JSON.stringify({ records: b.list, deviceNow })));
      sizes.push(b.list.length);
      open.delete(c);
    }
  }
  for (const b of open.values()) {
    bodies.push(Buffer.from(JSON.stringify({ records: b.list, deviceNow })));
    sizes.push(b.list.length);
  }
  return { bodies, sizes };
}

// ---------- rows for COPY ----------
interface RegistryIds {
  teams: Map<number, { communeId: number; provinceCode: string; level: string; unitId: number }>;
  villages: Map<string, number>;
  services: Map<string, number>;
}

export async function registryIds(db: Db): Promise<RegistryIds> {
  const [teams, villages, services] = await Promise.all([
    queryRows<{ id: number; communeId: number; provinceCode: string; level: string; unitId: number }>(db, sql`select id, commune_id as "communeId", province_code as "provinceCode", level, unit_id as "unitId" from teams`),
    queryRows<{ id: number; code: string }>(db, sql`select id, code from admin_units where level = 'village' and valid_to is null`),
    queryRows<{ id: number; code: string }>(db, sql`select id, code from support_services`),
  ]);
  return { teams: new Map(teams.map((t) => [t.id, t])), villages: new Map(villages.map((v) => [v.code, v.id])), services: new Map(services.map((s) => [s.code, s.id])) };
}

/** CSV text of the three session tables, in parts of ~100,000 sessions. */
interface SessionCsv {
  sessions: string[];
  members: string[];
  services: string[];
  count: number;
}
const SESSION_COLUMNS = 'id, province_code, commune_id, village_id, team_id, occurred_at, day, device_saved_at, kind, at_service_centre, residents_count, resident_gender, resident_birth_year, resident_ethnicity, resident_key, note';

/**
 * The rows syncSessions would store for these (valid) records, as CSV: the same columns, the
 * same resident key (HMAC of the E.164 phone); `resident_id` left empty (no residents rows).
 */
export function sessionCsv(ids: RegistryIds, protector: DataProtector, records: Iterable<SyncRecord>, idPrefix = ''): SessionCsv {
  const out: SessionCsv = { sessions: [], members: [], services: [], count: 0 };
  const keyOf = new Map<string, string>();
  let s: string[] = [];
  let m: string[] = [];
  let v: string[] = [];
  const flush = () => {
    if (s.length === 0) return;
    out.sessions.push(s.join(''));
    out.members.push(m.join(''));
    out.services.push(v.join(''));
    s = [];
    m = [];
    v = [];
  };
  for (const rec of records) {
    const r = idPrefix ? { ...rec, id: idPrefix + rec.id.slice(idPrefix.length) } : rec;
    const team = ids.teams.get(r.teamId)!;
    const village = team.level === 'village' ? team.unitId : r.villageCode ? ids.villages.get(r.villageCode)! : '';
    const day = r.occurredAt.slice(0, 10);
    const res = r.kind === 'group' ? undefined : r.resident;
    let key = '';
    if (res?.phone) {
      key = keyOf.get(res.phone) ?? '';
      if (!key) keyOf.set(res.phone, (key = protector.hash('+84' + res.phone.slice(1))));
    }
    s.push(
      `${r.id},${team.provinceCode},${team.communeId},${village},${r.teamId},${r.occurredAt},${day},${r.deviceSavedAt ?? ''},${r.kind},${r.atServiceCentre ? 't' : 'f'},` +
        `${r.kind === 'group' ? r.residentsCount : 1},${res?.gender ?? ''},${res?.birthYear ?? ''},${res?.ethnicity ?? ''},${key},${r.note ? `"${r.note}"` : ''}\n`,
    );
    for (const id of new Set(r.memberIds)) m.push(`${r.id},${id},${day}\n`);
    for (const x of r.services) v.push(`${r.id},${ids.services.get(x.code)!},${x.outcome},${day}\n`);
    if (++out.count % 100_000 === 0) flush();
  }
  flush();
  return out;
}

/** COPY … FROM STDIN for node-postgres (what pg-copy-streams does, without the stream): sends the chunks, resolves with the row count. */
class CopyFromStdin {
  private resolve!: (n: number) => void;
  private reject!: (e: Error) => void;
  private rows = 0;
  private error: Error | null = null;
  readonly done = new Promise<number>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
  constructor(
    readonly text: string,
    private readonly chunks: string[],
  ) {}
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
    for (const c of this.chunks) {
      const buf = Buffer.from(c);
      for (let i = 0; i < buf.length; i += 1 << 20) connection.sendCopyFromChunk(buf.subarray(i, i + (1 << 20)));
    }
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text: string }) {
    this.rows += Number(/(\d+)$/.exec(msg.text)?.[1] ?? 0);
  }
  handleError(err: Error) {
    this.error = err;
  }
  handleReadyForQuery() {
    if (this.error) this.reject(this.error);
    else this.resolve(this.rows);
  }
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
}

async function copyIn(client: pg.Client, text: string, chunks: string[]): Promise<number> {
  const q = new CopyFromStdin(text, chunks);
  void client.query(q as never);
  return q.done;
}

/** COPY of the three tables (sessions first), on PostgreSQL (FROM STDIN) or PGlite (FROM '/dev/blob'). */
export async function copySessions(target: { pg?: pg.Client; database?: Database }, csv: SessionCsv): Promise<void> {
  const tables: [string, string, string[]][] = [
    ['support_sessions', SESSION_COLUMNS, csv.sessions],
    ['support_session_members', 'session_id, member_id, day', csv.members],
    ['support_session_services', 'session_id, service_id, outcome, day', csv.services],
  ];
  for (const [table, cols, chunks] of tables) {
    if (target.pg) await copyIn(target.pg, `copy ${table} (${cols}) from stdin with (format csv)`, chunks);
    else for (const c of chunks) await target.database!.pglite!.query(`copy ${table} (${cols}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([c]) });
  }
}

// ---------- latency ----------
interface Lat {
  p50: number;
  p95: number;
  min: number;
  max: number;
  runs: number;
}
function lat(times: number[]): Lat {
  const t = [...times].sort((a, b) => a - b);
  return { p50: percentile(t, 50), p95: percentile(t, 95), min: t[0], max: t[t.length - 1], runs: t.length };
}
async function timeReport(db: Db, target: ReportTarget, period: PeriodQuery, warmup: number, runs: number, raw = false): Promise<{ lat: Lat; report: SupportReport }> {
  let report: SupportReport | undefined;
  for (let i = 0; i < warmup; i++) report = await supportReport(db, target, period, ALL, raw ? { source: 'raw' } : {});
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    report = await supportReport(db, target, period, ALL, raw ? { source: 'raw' } : {});
    times.push(performance.now() - t);
  }
  return { lat: lat(times), report: report! };
}

// ---------- a. ingestion ----------
/** One batch as the route handles it: JSON.parse, then syncSessions with the request's deviceNow. */
function syncBody(db: Db, protector: DataProtector, body: Buffer) {
  const { records, deviceNow } = JSON.parse(body.toString()) as { records: unknown[]; deviceNow?: string };
  return syncSessions(db, protector, records, { userId: null, scope: ALL }, new Date(), { deviceNow });
}

async function ingestion(f: DatabaseFactory, opts: SessionsBenchOptions, log: (s?: string) => void, summary: SessionsSummaryRow[]) {
  const url = await f.freshUrl!('sessions_ingest');
  const database = await openDatabase({ databaseUrl: url, migrate: false });
  const protector = new DataProtector(benchSecrets());
  try {
    let t = performance.now();
    await generateDemo(database.db);
    const reg = await loadSessionRegistry(database.db, PROVINCE);
    log(`  ${f.label}: sổ mẫu Sơn La ${fmtInt(reg.teams.length)} tổ (generateDemo) trong ${fmtMs(performance.now() - t)}`);
    t = performance.now();
    // enough for ~15,000 sessions/s over both runs; a faster server runs out and the run ends early (said so)
    const pool = Math.min(1_000_000, Math.round(15_000 * (opts.ingestSeconds + opts.httpSeconds)));
    // the 80 days before today: a phone's records, none old enough to be kept for review (sessions.clock.ts: 90 days)
    const { bodies, sizes } = makeBatches(reg, generateSessions(reg, { seed: 7, ...daysBeforeToday(80), count: pool }), 99, pool);
    log(`  Sinh trước ${fmtInt(pool)} buổi (80 ngày qua; mỗi lô kèm deviceNow) thành ${fmtInt(bodies.length)} lô 50–200 buổi của một xã (JSON ${(bodies.reduce((n, b) => n + b.length, 0) / 1048576).toFixed(0)} MB) trong ${fmtMs(performance.now() - t)} (không tính)`);
    let next = 0;
    // warm-up (untimed): some sessions, then ANALYZE as autovacuum soon does on a live server; before
    // it, the foreign-key checks' cached plans still see an empty support_sessions (3× slower)
    t = performance.now();
    for (; next < 20; next++) await syncBody(database.db, protector, bodies[next]);
    await database.db.execute(sql`analyze`);
    log(`  Khởi động: ${next} lô qua syncSessions rồi ANALYZE (${fmtMs(performance.now() - t)}, không tính)`);

    const run = async (label: string, seconds: number, send: (body: Buffer, i: number) => Promise<{ accepted: number; other: number }>) => {
      const latencies: number[] = [];
      let accepted = 0;
      let other = 0;
      let exhausted = false;
      const started = performance.now();
      const deadline = started + seconds * 1000;
      const cpu = process.cpuUsage();
      const sender = async () => {
        while (performance.now() < deadline) {
          const i = next++;
          if (i >= bodies.length) {
            exhausted = true;
            return;
          }
          const t0 = performance.now();
          const r = await send(bodies[i], i);
          latencies.push(performance.now() - t0);
          accepted += r.accepted;
          other += r.other;
        }
      };
      await Promise.all(Array.from({ length: opts.senders }, sender));
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const rate = accepted / (elapsed / 1000);
      const l = lat(latencies);
      log(
        `    ${label}: ${fmtInt(accepted)} buổi trong ${fmtMs(elapsed)} = ${fmtInt(rate)} buổi/s (${fmtInt(latencies.length)} lô; độ trễ lô p50 ${fmtMs(l.p50)}, p95 ${fmtMs(l.p95)}, max ${fmtMs(l.max)}; ` +
          `CPU Node ${Math.round(((used.user + used.system) / 1000 / elapsed) * 100)} %)  mục tiêu ≥ ${fmtInt(INGEST_TARGET_PER_S)} buổi/s: ${verdict(rate >= INGEST_TARGET_PER_S)}` +
          (other ? `\n      ! ${fmtInt(other)} bản ghi không được nhận (trùng/từ chối)` : '') +
          (exhausted ? '\n      ! hết lô sinh sẵn trước khi hết giờ: tốc độ tính trên thời gian đã chạy' : ''),
      );
      return { rate, lat: l, accepted };
    };

    log(`  Đồng bộ ${opts.ingestSeconds} s, ${opts.senders} nơi gửi đồng thời, JSON.parse + syncSessions (kiểm tra, người dân, ghi, tổng hợp ngày trong một giao dịch):`);
    const direct = await run('syncSessions', opts.ingestSeconds, async (body) => {
      const res = await syncBody(database.db, protector, body);
      let accepted = 0;
      for (const r of res) if (r.status === 'accepted' && !r.review) accepted++;
      return { accepted, other: res.length - accepted };
    });
    summary.push({ engine: f.label, what: `đồng bộ ${opts.ingestSeconds} s (syncSessions)`, value: `${fmtInt(direct.rate)} buổi/s, lô p95 ${fmtMs(direct.lat.p95)}`, target: `≥ ${fmtInt(INGEST_TARGET_PER_S)}/s`, result: direct.rate >= INGEST_TARGET_PER_S ? 'OK' : 'MISS' });

    let http: { rate: number } | undefined;
    if (opts.httpSeconds > 0) {
      const app = await benchApp(database);
      try {
        // 40 accounts, each its own phone: well under each one's rate limit at this pace
        const accounts: Record<string, string>[] = [];
        for (let n = 0; n < 40; n++) accounts.push(await signIn(app, database.db, n));
        log(`  Qua HTTP ${opts.httpSeconds} s (Fastify inject: phiên đăng nhập của 40 tài khoản, mỗi tài khoản một máy, CSRF, giới hạn tần suất, zod, JSON; mỗi lô một địa chỉ):`);
        http = await run('POST /api/support-sessions/sync', opts.httpSeconds, async (body, i) => {
          const res = await app.inject({ method: 'POST', url: '/api/support-sessions/sync', headers: { ...accounts[i % accounts.length], 'content-type': 'application/json' }, payload: body, remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
          const j = res.json() as { accepted: number; duplicates: number; rejected: number };
          return { accepted: j.accepted, other: j.duplicates + j.rejected };
        });
        summary.push({ engine: f.label, what: `đồng bộ qua HTTP ${opts.httpSeconds} s`, value: `${fmtInt(http.rate)} buổi/s`, target: `≥ ${fmtInt(INGEST_TARGET_PER_S)}/s`, result: http.rate >= INGEST_TARGET_PER_S ? 'OK' : 'MISS' });
      } finally {
        await app.close();
      }
    }

    t = performance.now();
    const diff = await compareSupportRollups(database.db);
    const [{ n: stored }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from support_sessions`);
    log(
      `  Kiểm tra: ${fmtInt(stored)} buổi trong CSDL; bảng tổng hợp ngày cập nhật dần (${fmtInt(diff.dailyRows)} dòng) so với tính lại từ đầu (rebuildSupportRollups): ` +
        `${diff.daily === 0 && diff.residentDays === 0 && diff.residentCounts === 0 ? 'trùng khớp ✓' : `✗ KHÁC ${diff.daily} dòng support_daily, ${diff.residentDays} dòng support_resident_days, ${diff.residentCounts} số người theo kỳ`} (${fmtMs(performance.now() - t)})`,
    );

    // the physical ceiling: the same session rows by COPY into the same tables, under new ids (the
    // table keeps its size and statistics: emptied, its foreign-key checks would plan for an empty table)
    const used = bodies.slice(0, Math.min(next, bodies.length)).flatMap((b) => JSON.parse(b.toString()).records as SyncRecord[]);
    const csv = sessionCsv(await registryIds(database.db), protector, used, 'c0c0c0c0');
    await database.db.execute(sql`analyze`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      t = performance.now();
      await client.query('begin');
      await copySessions({ pg: client }, csv);
      await client.query('commit');
      const ms = performance.now() - t;
      const rate = csv.count / (ms / 1000);
      log(
        `  COPY FROM STDIN cùng ${fmtInt(csv.count)} buổi (và các dòng thành viên, dịch vụ) vào cùng các bảng (mã buổi mới; chỉ mục và khoá ngoại như khi đồng bộ): ${fmtMs(ms)} = ${fmtInt(rate)} buổi/s — trần vật lý.` +
          `\n    Tỉ lệ đồng bộ / COPY: syncSessions ${((direct.rate / rate) * 100).toFixed(0)} %${http ? `, HTTP ${((http.rate / rate) * 100).toFixed(0)} %` : ''} (COPY không kiểm tra, không ghi người dân, không cập nhật bảng tổng hợp)`,
      );
      summary.push({ engine: f.label, what: 'COPY cùng các dòng (trần)', value: `${fmtInt(rate)} buổi/s; đồng bộ = ${((direct.rate / rate) * 100).toFixed(0)} % của COPY`, target: '—', result: '' });
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
  }
}

async function benchApp(database: Database): Promise<FastifyInstance> {
  const previous = process.env.NGOSO_SECRETS;
  process.env.NGOSO_SECRETS = JSON.stringify(benchSecrets());
  try {
    return await buildApp({ database, config: loadConfig({ NGOSO_DATA_DIR: '/nonexistent' }) });
  } finally {
    if (previous === undefined) delete process.env.NGOSO_SECRETS;
    else process.env.NGOSO_SECRETS = previous;
  }
}

/** An administrator signed in through the API: the cookie and CSRF headers of the field app's requests. */
/**
 * Signs in an operator account for the HTTP stage (`n` different ones, so the sync rate limit —
 * 120 a minute per account and installation, 360 per account, access.plugin.ts — is what many
 * phones of many accounts see, not one account's). → its headers, with an installation id.
 */
async function signIn(app: FastifyInstance, db: Db, n = 0): Promise<Record<string, string>> {
  const password = randomBytes(12).toString('hex');
  const username = `bench${n}`;
  await createUser(db, { username, fullName: 'Benchmark', password, role: 'admin', mustChangePassword: false } as never, null);
  const cookies = new Map<string, string>();
  const keep = (res: { cookies: { name: string; value: string }[] }) => res.cookies.forEach((c) => cookies.set(c.name, c.value));
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const c1 = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
  keep(c1);
  const token = (c1.json() as { token: string }).token;
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: header(), 'x-csrf-token': token }, payload: { login: username, password } });
  if (login.statusCode !== 200) throw new Error(`bench sign-in failed: ${login.statusCode} ${login.body}`);
  keep(login);
  const c2 = await app.inject({ method: 'GET', url: '/api/auth/csrf', headers: { cookie: header() } });
  keep(c2);
  return { cookie: header(), 'x-csrf-token': (c2.json() as { token: string }).token, 'x-device-id': randomUUID() };
}

// ---------- b. dashboard ----------
/** Sessions of the optional second stage (NGOSO_BENCH_SESSIONS_BIG, e.g. 5000000; unset: skipped, it takes minutes). */
const BIG_ROWS = Number(process.env.NGOSO_BENCH_SESSIONS_BIG ?? 0);
/** Sessions synced through syncSessions before the rollups are compared with their rebuild. */
const SLICE = 2_000;

async function dashboard(f: DatabaseFactory, opts: SessionsBenchOptions, log: (s?: string) => void, summary: SessionsSummaryRow[], tmp: string) {
  // PGlite on disk in a temp folder (a million sessions is too big to keep comfortably in WASM memory)
  let database: Database;
  let dir: string | undefined;
  if (f.kind === 'pglite') {
    dir = mkdtempSync(path.join(tmp, 'pglite-sessions-'));
    database = await openDatabase({ dataDir: dir, loadDataDir: f.dump, migrate: false });
  } else {
    database = await openDatabase({ databaseUrl: await f.freshUrl!('sessions_report'), migrate: false });
  }
  const { db } = database;
  const target = DASHBOARD_TARGET_MS[f.kind];
  const fail = (what: string) => {
    process.exitCode = 1;
    log(`    ✗ KIỂM TRA THẤT BẠI: ${what}`);
  };
  try {
    await generateDemo(db);
    const reg = await loadSessionRegistry(db, PROVINCE);
    const year = yearBeforeToday();
    const stages = [opts.rows, ...(BIG_ROWS > opts.rows && f.kind === 'postgres' ? [BIG_ROWS] : [])];
    const figures: Map<string, DashboardFigure>[] = [];
    let loaded = 0;
    let cases: Awaited<ReturnType<typeof dashboardCases>> | undefined;
    for (const [stage, rows] of stages.entries()) {
      let t = performance.now();
      await addSqlSessions(db, PROVINCE, year.from, rows - loaded, `s${stage}-`, rows);
      const genMs = performance.now() - t;
      loaded = rows;
      const rebuilt = await rebuildAndAnalyze(db);
      log(
        `  ${f.label}: ${fmtInt(rows)} buổi (sinh bằng SQL generate_series trong ${fmtMs(genMs)}); tất cả bảng tổng hợp tính lại trong ${fmtMs(rebuilt.ms)} (kèm VACUUM ANALYZE): ` +
          `${fmtInt(rebuilt.rows.support_daily)} dòng ngày, ${fmtInt(rebuilt.rows.support_monthly)} dòng tháng, ${fmtInt(rebuilt.rows.support_member_daily)} dòng thành viên-ngày, ${fmtInt(rebuilt.rows.support_resident_links)} liên kết người dân`,
      );
      if (stage === 0) {
        // the rollups kept by sync, not only those rebuilt: a slice through the real path, then every cell compared
        const slice = await syncSliceAndCompare(db, new DataProtector(benchSecrets()), reg, year, SLICE);
        const bad = Object.entries(slice.diff).filter(([, n]) => n !== 0);
        log(
          `    ${fmtInt(slice.accepted)} buổi đồng bộ qua syncSessions (${fmtMs(slice.syncMs)}), rồi mọi bảng tổng hợp so với tính lại từ đầu (${fmtMs(slice.compareMs)}): ` +
            (bad.length ? `✗ KHÁC ${bad.map(([t, n]) => `${t} ${n} dòng`).join(', ')}` : `trùng khớp ✓ (${Object.keys(slice.diff).length} bảng)`),
        );
        if (bad.length || slice.accepted === 0) fail('bảng tổng hợp cập nhật dần khác bảng tính lại');
        loaded += slice.accepted;
        await db.execute(sql`vacuum analyze`);
        cases = await dashboardCases(db, PROVINCE, year);
      }
      t = performance.now();
      figures.push(await measureDashboard(db, cases!, 20, stage === 0 ? 3 : 2));
      log(`    (đo ${cases!.length} báo cáo trong ${fmtMs(performance.now() - t)}: ${[...figures[stage].values()].map((x) => `${x.label} p95 ${fmtMs(x.rollup.p95)}`).join('; ')})`);
    }
    // side by side: each case at each size, with the plain GROUP BY and the ratio
    const sizes = stages.map((n) => `${fmtInt(n)} buổi`);
    for (const c of cases!) {
      const cells = figures.map((m, i) => {
        const x = m.get(c.key)!;
        return `${sizes[i]}: p50 ${fmtMs(x.rollup.p50)}, p95 ${fmtMs(x.rollup.p95)} | thô ${fmtMs(x.raw.p50)} = ${(x.raw.p50 / x.rollup.p50).toFixed(0)}× | ${fmtInt(x.sessions)} buổi | cùng kết quả ${x.same ? '✓' : '✗'}`;
      });
      const worst = Math.max(...figures.map((m) => m.get(c.key)!.rollup.p95));
      const growth = figures.length > 1 ? figures[1].get(c.key)!.rollup.p50 / figures[0].get(c.key)!.rollup.p50 : null;
      log(`    ${c.label}: mục tiêu p95 ≤ ${target} ms: ${verdict(worst <= target)}${growth !== null ? `; ${sizes[1]} / ${sizes[0]} = ${growth.toFixed(2)}×` : ''}`);
      for (const line of cells) log(`      ${line}`);
      for (const [i, m] of figures.entries()) if (!m.get(c.key)!.same) fail(`${c.label} ở ${sizes[i]}: báo cáo từ bảng tổng hợp khác GROUP BY trên buổi`);
      summary.push({
        engine: f.label,
        what: c.label,
        value: figures.map((m, i) => `${sizes[i]} p95 ${fmtMs(m.get(c.key)!.rollup.p95)} (thô ${(m.get(c.key)!.raw.p50 / m.get(c.key)!.rollup.p50).toFixed(0)}×)`).join('; '),
        target: `p95 ≤ ${target} ms`,
        result: `${worst <= target ? 'OK' : 'MISS'}${figures.every((m) => m.get(c.key)!.same) ? '' : ', KHÁC thô'}`,
      });
    }
    if (stages.length === 1) log(`    (5.000.000 buổi: đặt NGOSO_BENCH_SESSIONS_BIG=5000000 để đo thêm, chỉ trên PostgreSQL; mất vài phút)`);
  } finally {
    await database.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the support-session benchmark on the given databases; prints as it goes and returns summary rows. */
export async function runSessionsBench(factories: DatabaseFactory[], opts: SessionsBenchOptions, log: (s?: string) => void, tmp: string = os.tmpdir()): Promise<SessionsSummaryRow[]> {
  const summary: SessionsSummaryRow[] = [];
  if (opts.ingest) {
    log(`3a. ĐỒNG BỘ BUỔI HỖ TRỢ vào PostgreSQL (sổ mẫu Sơn La), mục tiêu ≥ ${fmtInt(INGEST_TARGET_PER_S)} buổi/s`);
    const pgf = factories.find((f) => f.kind === 'postgres');
    if (pgf) await ingestion(pgf, opts, log, summary);
    else log('  bỏ qua: không có PostgreSQL.');
    log();
  }
  if (opts.dashboard) {
    log(`3b. BẢNG ĐIỀU KHIỂN TỈNH với ${fmtInt(opts.rows)} buổi hỗ trợ (một năm của Sơn La), mục tiêu p95 ≤ ${DASHBOARD_TARGET_MS.postgres} ms (PostgreSQL), ≤ ${DASHBOARD_TARGET_MS.pglite} ms (PGlite)`);
    for (const f of [...factories].sort((a, b) => (a.kind === 'postgres' ? -1 : 1) - (b.kind === 'postgres' ? -1 : 1))) await dashboard(f, opts, log, summary, tmp);
    log();
  }
  return summary;
}
