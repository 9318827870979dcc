/**
 * The residents' portal under load (issue 16, "Performance"; `npm run bench -- --portal`). On each
 * database (PostgreSQL is the one with targets; PGlite is printed beside it): the demo's Sơn La
 * registry (src/demo), one published news article of the province's site written through
 * createArticle, and 200 published comments (bench/portal.text.ts: Vietnamese, 20–500 graphemes)
 * inserted by SQL with their phones encrypted and hashed by the real DataProtector, as postComment
 * stores them. Then the real HTTP app (buildApp, listening on a free port of 127.0.0.1, behind a
 * trusted proxy so each request's X-Forwarded-For is one of 4,096 residents):
 *  1. GET /tin/ID from one load-generator process (autocannon, bench/portal.load.ts): 2 s at each
 *     of 1, 4, 8, 16 and 32 connections, then 10 s at the fewest connections that reach 95% of the
 *     best of those rates; requests/s (target ≥ 500), p50/p95/p99 (target p95 ≤ 50 ms), errors.
 *     Every answer must be a 200 holding the article and its 200 comments, else the bench fails.
 *  2. On the PostgreSQL server (else PGlite's), the first render in Chromium on Lighthouse's
 *     "Fast 3G" (CDP Network.emulateNetworkConditions: 1.6 Mbps down, 750 kbps up, 150 ms) with
 *     Emulation.setCPUThrottlingRate 4, a fresh user-data dir each time (no cache): first-contentful-
 *     paint and DOMContentLoaded, median of 3 (target ≤ 2 s); the page's JavaScript as served, gzip
 *     (target ≤ 50 KB), and the HTML's bytes.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import { ALL } from '../src/access/access.policy.js';
import { loadConfig } from '../src/config/config.js';
import { type Database, type Db, queryRows } from '../src/db/client.js';
import { generateDemo, prng } from '../src/demo/demo.service.js';
import { buildApp } from '../src/http/app.js';
import { PORTAL_SCRIPT } from '../src/web/web.build.js';
import { webBundle } from '../src/web/web.plugin.js';
import { articleBody } from '../src/portal/portal.contract.js';
import { createArticle } from '../src/portal/portal.content.js';
import { DataProtector } from '../src/privacy/protector.js';
import type { Secrets } from '../src/privacy/secrets.js';
import { FixedClock, useClock } from '../src/text/clock.js';
import { normalizePhone } from '../src/text/phone.js';
import type { DatabaseFactory } from './databases.js';
import { countComments, type LoadJob, type LoadResult } from './portal.load.js';
import { ARTICLE, benchComments } from './portal.text.js';
import { benchSecrets } from './sessions.js';

export const PORTAL_RPS_TARGET = 500;
export const PORTAL_P95_TARGET_MS = 50;
export const PORTAL_RENDER_TARGET_MS = 2000;
export const PORTAL_JS_TARGET_BYTES = 50 * 1024;
const COMMENTS = 200;
const SWEEP = [1, 4, 8, 16, 32];
const SWEEP_SECONDS = 2;
const MAIN_SECONDS = 10;
/** Lighthouse's "Fast 3G" (bytes per second for CDP), and its 4× CPU slowdown. */
const FAST_3G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const CPU_SLOWDOWN = 4;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pass = (ok: boolean) => (ok ? 'đạt (PASS)' : 'chưa đạt (MISS)');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The article (published two days ago) and its comments over the day and a half after it → the article's id. */
export async function seedPortal(db: Db, protector: DataProtector): Promise<{ id: number; graphemes: number[] }> {
  const published = new Date(Date.now() - 2 * 86_400_000);
  const restore = useClock(new FixedClock(published));
  let id: number;
  try {
    ({ id } = await createArticle(db, articleBody.parse({ unit: '14', kind: 'news', title: ARTICLE.title, summary: ARTICLE.summary, body: ARTICLE.body, status: 'published' }), { userId: null, ip: null, scope: ALL }));
  } finally {
    restore();
  }
  const [{ unitId }] = await queryRows<{ unitId: number }>(db, sql`select unit_id as "unitId" from portal_articles where id = ${id}`);
  const random = prng(16);
  const comments = benchComments(COMMENTS, random);
  let at = published.getTime();
  const rows = comments.map((c, i) => {
    const phone = normalizePhone(c.phone);
    if (!phone.ok) throw new Error(`số điện thoại mẫu không hợp lệ: ${c.phone}`);
    at += 60_000 + Math.floor(random() * 12 * 60_000);
    const ip = `100.64.${(i >> 8) & 255}.${i & 255}`;
    return sql`(${id}, ${unitId}, ${c.name}, ${protector.encrypt(phone.e164)}, ${protector.hash(`portal:${phone.e164}`)}, ${protector.hash(`portal-ip:${ip}`)}, ${c.body}, 'published', ${new Date(at).toISOString()})`;
  });
  await db.execute(sql`insert into portal_comments (article_id, site_unit_id, author_name, phone_enc, phone_hash, ip_hash, body, status, created_at) values ${sql.join(rows, sql`, `)}`);
  await db.execute(sql`analyze`);
  return { id, graphemes: comments.map((c) => c.graphemes) };
}

async function portalApp(database: Database, secrets: Secrets): Promise<FastifyInstance> {
  const previous = process.env.NGOSO_SECRETS;
  process.env.NGOSO_SECRETS = JSON.stringify(secrets);
  try {
    const app = await buildApp({ database, config: loadConfig({ NGOSO_DATA_DIR: '/nonexistent', NGOSO_TRUST_PROXY: '127.0.0.1' }) });
    // as src/main.ts does: the web UI (/portal.js, /portal.css) is built before the server listens
    await webBundle();
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  } finally {
    if (previous === undefined) delete process.env.NGOSO_SECRETS;
    else process.env.NGOSO_SECRETS = previous;
  }
}

/** The load generator's process: `run(job)` sends one job and waits for its result. */
function startLoader() {
  const child = fork(path.join(here, 'portal.load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const run = (job: LoadJob) =>
    new Promise<LoadResult>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator ended (code ${code}) without a result`));
      child.once('exit', onExit);
      child.once('message', (msg: { ok: boolean; result?: LoadResult; error?: string }) => {
        child.off('exit', onExit);
        if (msg.ok) resolve(msg.result!);
        else reject(new Error(msg.error));
      });
      child.send(job);
    });
  return { run, stop: () => child.connected && child.disconnect() };
}

/** Whether every answer was the full page (200, the article, every comment, no connection error). */
const clean = (r: LoadResult) => r.errors === 0 && Object.keys(r.notOk).length === 0 && r.mismatches === 0;
const problems = (r: LoadResult) => `lỗi kết nối ${r.errors} (hết giờ ${r.timeouts}), khác 200: ${Object.keys(r.notOk).length ? Object.entries(r.notOk).map(([c, n]) => `${n}× ${c}`).join(', ') : 0}, thiếu bình luận: ${r.mismatches}`;

interface RenderFigures { fcp: number[]; dcl: number[]; scripts: { url: string; bytes: number; gzip: number }[]; htmlBytes: number; htmlGzip: number; htmlEncoded: boolean; cssGzip: number; transferred: number; comments: number }

/** One first visit of `url` on a fresh profile, throttled (see the file's comment). */
async function firstVisit(url: string): Promise<Omit<RenderFigures, 'fcp' | 'dcl'> & { fcp: number; dcl: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ngoso-portal-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 360, height: 740 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (transferred += e.encodedDataLength));
    const bodies: Promise<{ type: string; url: string; bytes: number; gzip: number; encoded: boolean }>[] = [];
    page.on('response', (res) => {
      const type = res.request().resourceType();
      if (type !== 'script' && type !== 'stylesheet' && type !== 'document') return;
      bodies.push(res.body().then((b) => {
        const h = res.headers();
        // as served: the gzip body's length when the server sent gzip, else what gzip would make of it
        const encoded = h['content-encoding'] === 'gzip' && !!h['content-length'];
        return { type, url: new URL(res.url()).pathname, bytes: b.length, gzip: encoded ? Number(h['content-length']) : gzipSync(b, { level: 9 }).length, encoded };
      }));
    });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 30_000, polling: 100 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime, dcl: nav.domContentLoadedEventEnd, comments: document.querySelectorAll('li[id^="bl-"]').length };
    });
    const got = await Promise.all(bodies);
    const html = got.find((b) => b.type === 'document');
    return {
      ...t,
      scripts: got.filter((b) => b.type === 'script').map(({ url, bytes, gzip }) => ({ url, bytes, gzip })),
      htmlBytes: html?.bytes ?? 0,
      htmlGzip: html?.gzip ?? 0,
      htmlEncoded: html?.encoded ?? false,
      cssGzip: got.filter((b) => b.type === 'stylesheet').reduce((s, b) => s + b.gzip, 0),
      transferred,
    };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function firstRender(url: string, runs = 3): Promise<RenderFigures> {
  const visits = [];
  for (let i = 0; i < runs; i++) visits.push(await firstVisit(url));
  const last = visits[visits.length - 1];
  return { ...last, fcp: visits.map((v) => v.fcp), dcl: visits.map((v) => v.dcl), comments: Math.min(...visits.map((v) => v.comments)) };
}

/** Runs the stage on each database (PostgreSQL first) → whether every check held and PostgreSQL's (and the browser's) targets were met. */
export async function benchPortal(factories: DatabaseFactory[], log: (s?: string) => void): Promise<boolean> {
  let ok = true;
  const secrets = benchSecrets();
  const protector = new DataProtector(secrets);
  const ordered = [...factories].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'postgres' ? -1 : 1));
  let chromiumVersion = '?';
  try {
    chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* printed as unknown */
  }
  log(`  Trình duyệt: ${chromiumVersion}; tải: autocannon (tiến trình riêng, keep-alive), máy chủ buildApp trong tiến trình này (không ghi log yêu cầu), NGOSO_TRUST_PROXY=127.0.0.1`);
  const loader = startLoader();
  try {
    for (const f of ordered) {
      const targets = f.kind === 'postgres';
      const database = await f.fresh('portal');
      let app: FastifyInstance | undefined;
      try {
        const t0 = performance.now();
        const demo = await generateDemo(database.db);
        const seeded = await seedPortal(database.db, protector);
        app = await portalApp(database, secrets);
        const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/tin/${seeded.id}`;
        const res = await fetch(url);
        const page = await res.text();
        const found = countComments(page);
        const sorted = [...seeded.graphemes].sort((a, b) => a - b);
        log(`  ${f.label}: ${int(demo.teams)} tổ, ${int(demo.members)} thành viên; bài /tin/${seeded.id} với ${COMMENTS} bình luận đã đăng (${sorted[0]}–${sorted[sorted.length - 1]} ký tự, trung vị ${median(sorted)}); trang ${kb(Buffer.byteLength(page))} HTML — chuẩn bị trong ${ms(performance.now() - t0)}`);
        if (res.status !== 200 || found !== COMMENTS || !page.includes(ARTICLE.title)) {
          log(`    SAI: GET /tin/${seeded.id} trả ${res.status}, ${found} bình luận (cần ${COMMENTS})`);
          ok = false;
          continue;
        }
        const job = { url, comments: COMMENTS, title: ARTICLE.title };
        const sweep: LoadResult[] = [];
        for (const connections of SWEEP) sweep.push(await loader.run({ ...job, connections, seconds: SWEEP_SECONDS }));
        const best = Math.max(...sweep.map((r) => r.perSecond));
        const chosen = sweep.find((r) => r.perSecond >= 0.95 * best)!.connections;
        log(`    dò mức tải (${SWEEP_SECONDS} s mỗi mức): ${sweep.map((r) => `${r.connections} kết nối ${int(r.perSecond)}/s p95 ${ms(r.p95)}`).join(' · ')}`);
        log(`      → ${chosen} kết nối (ít nhất mà đạt ≥ 95% thông lượng cao nhất, ${int(best)}/s)`);
        const cpu = process.cpuUsage();
        const r = await loader.run({ ...job, connections: chosen, seconds: MAIN_SECONDS });
        const used = process.cpuUsage(cpu);
        const share = (cpuMs: number) => `${Math.round(cpuMs / (r.seconds * 10))}%`;
        const rpsOk = r.perSecond >= PORTAL_RPS_TARGET;
        const p95Ok = r.p95 <= PORTAL_P95_TARGET_MS;
        const checks = [...sweep, r].every(clean);
        ok &&= checks && (!targets || (rpsOk && p95Ok));
        const note = targets ? '' : ' (tham khảo: mục tiêu đặt cho PostgreSQL)';
        log(`    ${MAIN_SECONDS} s, ${chosen} kết nối: ${int(r.requests)} yêu cầu, ${int(r.perSecond)} yêu cầu/s  mục tiêu ≥ ${PORTAL_RPS_TARGET}/s: ${pass(rpsOk)}${note}`);
        log(`      độ trễ p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, p99 ${ms(r.p99)}, max ${ms(r.max)}  mục tiêu p95 ≤ ${PORTAL_P95_TARGET_MS} ms: ${pass(p95Ok)}${note}`);
        log(`      CPU trong lúc đo (100% = một lõi): máy chủ Node ${share((used.user + used.system) / 1000)} (kể cả luồng PGlite), bộ tạo tải ${share(r.cpuMs)}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
        log(`      kiểm tra mọi câu trả lời (200, đủ ${COMMENTS} <li id="bl-…">, ${kb(r.bodyBytes)}): ${problems(r)} ${checks ? '✓' : '✗ SAI (MISS)'}`);
        if (!checks) for (const x of [...sweep, r].filter((x) => !clean(x))) log(`        ${x.connections} kết nối: ${problems(x)}${x.firstMismatch ? `; ví dụ: ${x.firstMismatch}` : ''}`);

        if (f === ordered[0]) {
          const v = await firstRender(url);
          const fcpOk = median(v.fcp) <= PORTAL_RENDER_TARGET_MS;
          const dclOk = median(v.dcl) <= PORTAL_RENDER_TARGET_MS;
          const js = v.scripts.reduce((s, x) => s + x.gzip, 0);
          const jsOk = js <= PORTAL_JS_TARGET_BYTES;
          const built = (await webBundle()).js.find((x) => x.url === PORTAL_SCRIPT);
          const seen = v.comments === COMMENTS;
          ok &&= fcpOk && dclOk && jsOk && seen;
          const list = (xs: number[]) => `${ms(median(xs))} (trung vị của ${xs.length}: ${xs.map((x) => ms(x)).join(', ')})`;
          log(`    lần đầu mở /tin/${seeded.id} trên 3G giả lập (1,6 Mbps xuống, 750 kbps lên, trễ 150 ms; CPU chậm ${CPU_SLOWDOWN}×), hồ sơ trình duyệt mới, màn 360 × 740:`);
          log(`      first-contentful-paint ${list(v.fcp)}  mục tiêu ≤ ${PORTAL_RENDER_TARGET_MS / 1000} s: ${pass(fcpOk)}`);
          log(`      DOMContentLoaded       ${list(v.dcl)}  mục tiêu ≤ ${PORTAL_RENDER_TARGET_MS / 1000} s: ${pass(dclOk)}`);
          log(`      JavaScript của trang (gzip, như máy chủ gửi): ${kb(js)} — ${v.scripts.map((s) => `${s.url} ${kb(s.bytes)} giải nén`).join(', ') || 'không có'}${built ? ` (bản dựng ${PORTAL_SCRIPT}: ${kb(built.gzipBytes)} gzip)` : ''}  mục tiêu ≤ ${kb(PORTAL_JS_TARGET_BYTES)}: ${pass(jsOk)}`);
          log(`      HTML ${kb(v.htmlBytes)} (${v.htmlEncoded ? `máy chủ gửi gzip ${kb(v.htmlGzip)}` : `máy chủ gửi không nén; gzip sẽ là ${kb(v.htmlGzip)}`}), CSS ${kb(v.cssGzip)} gzip; tổng đã tải ${kb(v.transferred)}; bình luận hiện trên trang: ${v.comments} ${seen ? '✓' : '✗ SAI'}`);
        }
      } finally {
        await app?.close();
        await database.close();
      }
    }
  } finally {
    loader.stop();
  }
  return ok;
}
