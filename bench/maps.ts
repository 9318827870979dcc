/**
 * The maps (issue 17, "Performance"; `npm run bench -- --maps`). The demo's Sơn La registry on the
 * embedded database, the real HTTP app, and Chromium on a fresh profile with Lighthouse's "Fast 3G"
 * (1.6 Mbps down, 150 ms) and a 4× slower CPU, 360 × 740:
 *  1. the province's dashboard (#/hoat-dong?unit=14): from the end of the support report's answer
 *     (the dashboard's data is in) to the map's 75 communes drawn — the boundaries fetched over
 *     3G, projected and painted (target ≤ 1 s); median of 3 visits, each with an empty cache;
 *  2. the nation's map (#/bao-cao as the administrator): from the last province report's answer to
 *     the 34 provinces drawn (target ≤ 2 s);
 *  3. the JavaScript the maps add to the office UI, gzip: map code, d3-geo and topojson-client
 *     bundled by esbuild with what the office UI already has left out (target ≤ 60 KB); and the
 *     boundary files as served (gzip).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { buildApp } from '../src/http/app.js';
import { webBundle } from '../src/web/web.plugin.js';
import type { DatabaseFactory } from './databases.js';
import { benchSecrets } from './sessions.js';

export const MAP_PROVINCE_TARGET_MS = 1000;
export const MAP_NATION_TARGET_MS = 2000;
export const MAP_JS_TARGET_BYTES = 60 * 1024;
const FAST_3G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { fullName: 'Quàng Văn Quản', username: 'quantri', password: 'Son-La-2026-ban-do' };
const here = path.dirname(fileURLToPath(import.meta.url));
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pass = (ok: boolean) => (ok ? 'đạt (PASS)' : 'chưa đạt (MISS)');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The map's own JavaScript, gzip: its modules and libraries, without what the office UI already bundles. */
async function addedJs(): Promise<number> {
  const r = await build({
    stdin: { contents: "export * from './map.js'; export * from './map.national.js'; export * from './map.measures.js';", resolveDir: path.join(here, '../src/web/office'), loader: 'ts' },
    bundle: true, minify: true, format: 'iife', target: ['es2017'], write: false, jsx: 'automatic', jsxImportSource: 'preact', logLevel: 'silent',
    external: ['preact', 'preact/*', './client.js', './ui.js', './download.js', '../shared/*'],
  });
  return gzipSync(r.outputFiles[0].contents, { level: 9 }).length;
}

/** One visit on a fresh profile: ms from the end of the last answer matching `data` to `shapes` paths drawn. */
async function visit(base: string, hash: string, data: RegExp, shapes: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ngoso-map-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const { token } = await (await page.request.get(`${base}/api/auth/csrf`)).json();
    await page.request.post(`${base}/api/auth/login`, { data: { login: ADMIN.username, password: ADMIN.password }, headers: { 'x-csrf-token': token } });
    // when the map shows its last shape, in the page's clock
    await page.addInitScript((n: number) => {
      new MutationObserver((_, o) => {
        if (document.querySelectorAll('svg.map path.map-shape').length >= n) {
          (window as unknown as { drawnAt: number }).drawnAt = performance.now();
          o.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    }, shapes);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(`${base}/office/${hash}`, { timeout: 120_000 });
    await page.waitForFunction(() => (window as unknown as { drawnAt?: number }).drawnAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    return await page.evaluate((source: string) => {
      const re = new RegExp(source);
      const ends = performance.getEntriesByType('resource').filter((e) => re.test(e.name)).map((e) => (e as PerformanceResourceTiming).responseEnd);
      return (window as unknown as { drawnAt: number }).drawnAt - Math.max(...ends);
    }, data.source);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the stage on the embedded database (the browser's figures do not depend on the server's database) → whether the targets were met. */
export async function benchMaps(factories: DatabaseFactory[], log: (s?: string) => void): Promise<boolean> {
  const f = factories.find((x) => x.kind === 'pglite') ?? factories[0];
  const database = await f.fresh('maps');
  const previous = process.env.NGOSO_SECRETS;
  process.env.NGOSO_SECRETS = JSON.stringify(benchSecrets());
  const app = await buildApp({ database, config: loadConfig({ NGOSO_DATA_DIR: '/nonexistent' }) });
  if (previous === undefined) delete process.env.NGOSO_SECRETS;
  else process.env.NGOSO_SECRETS = previous;
  try {
    await generateDemo(database.db);
    await webBundle();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const setup = await fetch(`${base}/api/auth/csrf`);
    const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { token } = (await setup.json()) as { token: string };
    await fetch(`${base}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': token }, body: JSON.stringify(ADMIN) });
    const served = async (code: string) => Number((await fetch(`${base}/api/maps/boundaries/${code}`, { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-length'));
    log(`  ${f.label}, demo Sơn La; ranh giới gửi đi (gzip): tỉnh 14 ${kb(await served('14'))}, cả nước ${kb(await served('VN'))}`);
    const province = [];
    for (let i = 0; i < 3; i++) province.push(await visit(base, '#/hoat-dong?unit=14', /\/api\/reports\/support/, 75));
    const nation = [];
    for (let i = 0; i < 3; i++) nation.push(await visit(base, '#/bao-cao', /\/api\/reports\/network/, 34));
    const js = await addedJs();
    const p = median(province);
    const n = median(nation);
    log(`  bản đồ tỉnh (75 xã), từ khi có số liệu tới khi vẽ xong, 3G giả lập + CPU chậm 4×: ${ms(p)} (trung vị của 3: ${province.map(ms).join(', ')})  mục tiêu ≤ ${ms(MAP_PROVINCE_TARGET_MS)}: ${pass(p <= MAP_PROVINCE_TARGET_MS)}`);
    log(`  bản đồ cả nước (34 tỉnh): ${ms(n)} (trung vị của 3: ${nation.map(ms).join(', ')})  mục tiêu ≤ ${ms(MAP_NATION_TARGET_MS)}: ${pass(n <= MAP_NATION_TARGET_MS)}`);
    log(`  JavaScript thêm vào giao diện văn phòng (bản đồ, d3-geo, topojson-client; gzip): ${kb(js)}  mục tiêu ≤ ${kb(MAP_JS_TARGET_BYTES)}: ${pass(js <= MAP_JS_TARGET_BYTES)}`);
    return p <= MAP_PROVINCE_TARGET_MS && n <= MAP_NATION_TARGET_MS && js <= MAP_JS_TARGET_BYTES;
  } finally {
    await app.close();
    await database.close();
  }
}
