/**
 * The national replication (issue 18; `npm run bench -- --national`). Two PostgreSQL clusters of
 * this machine's server made for the run (test/clusters.ts: pg_createcluster, wal_level = logical,
 * fsync off) are Sơn La (14, the demo's 1,459 teams) and Hà Nội (01, a few teams); the national
 * database is on the main server (NGOSO_BENCH_PG_URL), subscribed to both. Then:
 *  1. sync ingestion on Sơn La's server with its publication streaming: `senders` concurrent
 *     senders, batches of 50–200 sessions of one commune (syncSessions, as bench/sessions.ts), for
 *     `seconds`; sessions/s against the target 5,000/s;
 *  2. meanwhile, every second, a probe session synced on its own: the time from its commit on the
 *     province to the row (and the rollups of the same transaction, which the reports read)
 *     being visible on the national server; p50/p95/max against the target 5 s;
 *  3. after the load, the national server's support and network reports of Sơn La equal the
 *     province's (checked: a difference fails the run), and the nation's network report timed.
 * The country-size registry and its network report are bench/national.registry.ts (part 4), the
 * dashboards at 1, 5 and 10 million sessions on it bench/national.sessions.ts (part 5).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { ALL } from '../src/access/access.policy.js';
import { ensureCatalogue } from '../src/catalogue/catalogue.load.js';
import { type Database, type Db, openDatabase, queryRows } from '../src/db/client.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { generateSessions, loadSessionRegistry } from '../src/demo/demo.sessions.js';
import { publishProvince } from '../src/national/national.publication.js';
import { nationalNetworkReport } from '../src/national/national.report.js';
import { replicationStatus, subscribeProvince, unsubscribeProvince } from '../src/national/national.subscription.js';
import { DataProtector } from '../src/privacy/protector.js';
import { addMemberBody, createTeamBody } from '../src/registry/registry.contract.js';
import { addMember } from '../src/registry/registry.members.js';
import { createTeam } from '../src/registry/registry.teams.js';
import { networkReport } from '../src/reports/network.service.js';
import { supportReport } from '../src/sessions/sessions.report.js';
import { type SyncRecord, syncSessions } from '../src/sessions/sessions.sync.js';
import { todayInVietnam } from '../src/text/dates.js';
import { clusterVersion, createCluster, provinceServer, type TestCluster } from '../test/clusters.js';
import { percentile } from './network.js';
import { benchSecrets } from './sessions.js';

export const NATIONAL_INGEST_TARGET = 5_000;
export const NATIONAL_LAG_TARGET_MS = 5_000;
const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'đạt (OK)' : 'chưa đạt (MISS)');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dayMs = 86_400_000;

/** Hà Nội: one commune-level team with a leader in each of its first `n` communes. */
async function smallProvince(db: Db, n: number): Promise<void> {
  const editor = { userId: null, ip: null, scope: ALL };
  const communes = await queryRows<{ code: string; name: string }>(db, sql`select code, name from admin_units where province_code = '01' and level = 'commune' and valid_to is null order by code limit ${n}`);
  for (const c of communes) {
    const team = await createTeam(db, createTeamBody.parse({ level: 'commune', unit: c.code, name: `Tổ công nghệ số cộng đồng ${c.name}`, establishedOn: '2025-08-01' }), editor);
    await addMember(db, team.id, addMemberBody.parse({ person: { fullName: 'Nguyễn Thị Hoa', gender: 'female', birthYear: 1990 }, role: 'leader', joinedOn: '2025-08-01' }), editor);
  }
}

export async function benchNational(pgUrl: string, opts: { seconds: number; senders: number }, log: (s?: string) => void): Promise<boolean> {
  if (!clusterVersion()) {
    log('  ! pg_createcluster không có trên máy này (gói postgresql-common): bỏ qua.');
    return false;
  }
  const tag = `${process.pid}`;
  const clusters: TestCluster[] = [];
  const opened: Database[] = [];
  const admin = new pg.Client({ connectionString: `${pgUrl.replace(/\/+$/, '')}/postgres` });
  const nationalName = `ngoso_bench_${tag}_national`;
  let national: Database | undefined;
  let ok = true;
  try {
    await admin.connect();
    let t = performance.now();
    const a = await createCluster(`ngoso_bench14_${tag}`);
    clusters.push(a);
    const b = await createCluster(`ngoso_bench01_${tag}`);
    clusters.push(b);
    const sonLa = await provinceServer(a, 'ngoso', '14');
    opened.push(sonLa);
    const haNoi = await provinceServer(b, 'ngoso', '01');
    opened.push(haNoi);
    await generateDemo(sonLa.db);
    await smallProvince(haNoi.db, 20);
    for (const [db, code] of [[sonLa, '14'], [haNoi, '01']] as const) await publishProvince(db.db, db.kind, code);
    const protector = new DataProtector(benchSecrets());
    const reg = await loadSessionRegistry(sonLa.db, '14');
    const today = Date.parse(todayInVietnam() + 'T00:00:00Z');
    const period = { from: new Date(today - 60 * dayMs).toISOString().slice(0, 10), to: new Date(today - dayMs).toISOString().slice(0, 10) };
    const pool = Math.round(12_000 * opts.seconds);
    const records: SyncRecord[] = [...generateSessions(reg, { seed: 21, ...period, count: pool })];
    const batches: SyncRecord[][] = [];
    for (let i = 0; i < records.length; ) {
      const n = 50 + ((i * 7919) % 151);
      batches.push(records.slice(i, i + n));
      i += n;
    }
    const actor = { userId: null, scope: ALL };
    const send = (recs: SyncRecord[]) => syncSessions(sonLa.db, protector, recs, actor, new Date(), { deviceNow: new Date().toISOString() });
    for (let i = 0; i < 10; i++) await send(batches[i]);
    await sonLa.db.execute(sql`analyze`);
    let next = 10;
    /** `senders` senders for `seconds`, with `beside` running alongside until the deadline. */
    const ingest = async (seconds: number, beside: (deadline: number) => Promise<void>) => {
      let accepted = 0;
      const started = performance.now();
      const deadline = started + seconds * 1000;
      const sender = async () => {
        while (performance.now() < deadline && next < batches.length) {
          const r = await send(batches[next++]);
          accepted += r.filter((x) => x.status === 'accepted').length;
        }
      };
      await Promise.all([...Array.from({ length: opts.senders }, sender), beside(deadline)]);
      const elapsed = performance.now() - started;
      return { accepted, elapsed, rate: accepted / (elapsed / 1000) };
    };
    // the same province server's sync before anyone subscribes: the cost of publishing shows against it
    const baseline = await ingest(Math.max(5, Math.round(opts.seconds / 3)), async () => {});
    log(`  0. Đồng bộ ở máy chủ Sơn La khi chưa ai nhận bản sao (để so): ${fmtInt(baseline.accepted)} buổi trong ${fmtMs(baseline.elapsed)} = ${fmtInt(baseline.rate)} buổi/s (${opts.senders} nơi gửi)`);
    await admin.query(`create database ${nationalName}`);
    national = await openDatabase({ databaseUrl: `${pgUrl.replace(/\/+$/, '')}/${nationalName}` });
    await ensureCatalogue(national.db);
    await subscribeProvince(national.db, { province: '14', url: a.url('ngoso') });
    await subscribeProvince(national.db, { province: '01', url: b.url('ngoso') });
    for (;;) {
      const s = await replicationStatus(national.db);
      if (s.length === 2 && s.every((x) => x.state === 'streaming')) break;
      await sleep(200);
    }
    log(`  Hai cụm PostgreSQL (Sơn La 1.459 tổ, Hà Nội 20 tổ), máy chủ toàn quốc đăng ký cả hai, bản chép đầu xong: ${fmtMs(performance.now() - t)} (không tính)`);

    const lags: number[] = [];
    // a probe: one session synced on its own, then watched for on the national server
    const probeTeam = reg.teams[0];
    const prober = async (deadline: number) => {
      while (performance.now() < deadline) {
        const id = randomUUID();
        await send([{ id, teamId: probeTeam.id, memberIds: [probeTeam.memberIds[0]], occurredAt: new Date().toISOString(), kind: 'home', services: [{ code: 'vneid', outcome: 'informed' }] }]);
        const committed = performance.now();
        for (;;) {
          const [row] = await queryRows<{ n: number }>(national!.db, sql`select count(*)::int as n from support_sessions where id = ${id}`);
          if (row.n) break;
          if (performance.now() - committed > 60_000) throw new Error(`probe ${id} not on the national server after 60 s`);
          await sleep(20);
        }
        lags.push(performance.now() - committed);
        await sleep(1000);
      }
    };
    const { accepted, elapsed, rate } = await ingest(opts.seconds, prober);
    lags.sort((x, y) => x - y);
    const lagP95 = percentile(lags, 95);
    log(`  1. Đồng bộ ở máy chủ Sơn La khi đang phát bản sao: ${fmtInt(accepted)} buổi trong ${fmtMs(elapsed)} = ${fmtInt(rate)} buổi/s (${opts.senders} nơi gửi; ${Math.round((rate / baseline.rate) * 100)} % của lúc chưa phát)  mục tiêu ≥ ${fmtInt(NATIONAL_INGEST_TARGET)}: ${verdict(rate >= NATIONAL_INGEST_TARGET)}`);
    log(`  2. Độ trễ tỉnh → toàn quốc trong lúc đồng bộ (${lags.length} lần đo, mỗi giây một buổi): p50 ${fmtMs(percentile(lags, 50))}, p95 ${fmtMs(lagP95)}, max ${fmtMs(lags[lags.length - 1])}  mục tiêu ≤ ${fmtMs(NATIONAL_LAG_TARGET_MS)}: ${verdict(lagP95 <= NATIONAL_LAG_TARGET_MS)}`);
    if (!(rate >= NATIONAL_INGEST_TARGET && lagP95 <= NATIONAL_LAG_TARGET_MS)) ok = false;

    // caught up: the national figures equal the province's
    t = performance.now();
    const want = JSON.stringify([await supportReport(sonLa.db, { unit: '14' }, period, ALL), await networkReport(sonLa.db, '14', ALL)]);
    let same = false;
    while (performance.now() - t < 120_000) {
      if (JSON.stringify([await supportReport(national.db, { unit: '14' }, period, ALL), await networkReport(national.db, '14', ALL)]) === want) {
        same = true;
        break;
      }
      await sleep(200);
    }
    if (!same) {
      const got = [await supportReport(national.db, { unit: '14' }, period, ALL), await networkReport(national.db, '14', ALL)];
      const exp = JSON.parse(want) as typeof got;
      for (const i of [0, 1]) for (const k of Object.keys(exp[i])) if (JSON.stringify((exp[i] as unknown as Record<string, unknown>)[k]) !== JSON.stringify((got[i] as unknown as Record<string, unknown>)[k])) log(`     ! ${i ? 'mạng lưới' : 'hỗ trợ'}.${k}: tỉnh ${JSON.stringify((exp[i] as unknown as Record<string, unknown>)[k]).slice(0, 160)} / toàn quốc ${JSON.stringify((got[i] as unknown as Record<string, unknown>)[k]).slice(0, 160)}`);
    }
    log(`  3. Sau tải: báo cáo hỗ trợ và mạng lưới của Sơn La ở máy chủ toàn quốc ${same ? `bằng đúng của tỉnh (đuổi kịp sau ${fmtMs(performance.now() - t)})` : 'KHÁC của tỉnh sau 120 s'}: ${verdict(same)}`);
    if (!same) ok = false;
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t0 = performance.now();
      await nationalNetworkReport(national.db);
      if (i >= 5) times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    log(`     Báo cáo mạng lưới cả nước (34 tỉnh, 2 tỉnh có dữ liệu), ấm: p50 ${fmtMs(percentile(times, 50))}, p95 ${fmtMs(percentile(times, 95))}`);
    return ok;
  } finally {
    if (national) {
      for (const p of ['14', '01']) await unsubscribeProvince(national.db, p).catch(() => {});
      await national.close();
    }
    for (const d of opened) await d.close().catch(() => {});
    await admin.query(`drop database if exists ${nationalName} with (force)`).catch(() => {});
    await admin.end().catch(() => {});
    for (const c of clusters) await c.drop();
  }
}
