/**
 * Field app benchmark (part of `npm run bench`; alone: `npm run bench -- --field-app`):
 * - size of the field app's JavaScript (page script + service worker), minified and gzipped, as
 *   the server sends it; target ≤ 60 KB gzipped; and, from the same build, the office UI's
 *   first-load script (/app.js), target ≤ 250 KB gzipped;
 * - first load on a throttled 3G phone, Chromium emulation through CDP
 *   (Network.emulateNetworkConditions 1.6 Mbps down, 750 kbps up, 150 ms latency;
 *   Emulation.setCPUThrottlingRate 4): time from navigation start until the record form is
 *   usable (the app's `ngoso:form-ready` mark: form rendered with the team, members and services),
 *   for a signed-in member on an empty browser (no HTTP cache, no service worker, no IndexedDB),
 *   target ≤ 5 s. Also printed: the sign-in page of a signed-out visitor, and a repeat visit
 *   (app shell from the service worker's cache).
 * The server is the real app on a fresh embedded database (e2e/harness.ts) with the e2e roster.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { FIELD_MEMBER, postJson, setUpFieldTeam } from '../e2e/field-setup.js';
import { startHarness } from '../e2e/harness.js';
import { FIELD_PREFIX, OFFICE_SCRIPT } from '../src/web/web.build.js';
import { webBundle } from '../src/web/web.plugin.js';

export const FIELD_JS_TARGET_BYTES = 60 * 1024;
/** The office UI's first-load JavaScript (/app.js), gzipped. */
export const OFFICE_JS_TARGET_BYTES = 250 * 1024;
export const FIELD_LOAD_TARGET_MS = 5000;
/** The 3G profile of the issue: bytes per second for CDP. */
const THREE_G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const CPU_SLOWDOWN = 4;

export interface FieldAppFigures {
  /** the field app's scripts (page, service worker) */
  js: { url: string; bytes: number; gzipBytes: number }[];
  jsGzipTotal: number;
  /** the office UI's first-load script, gzipped bytes */
  officeJsGzip: number;
  /** signed-in first visits, ms to a usable record form */
  firstLoads: number[];
  signInLoads: number[];
  repeatLoads: number[];
  transferred: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throttledLoad(browser: Browser, base: string, storageState: Awaited<ReturnType<BrowserContext['storageState']>> | undefined, mark: string, repeat = false) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', storageState });
  try {
    let page = await context.newPage();
    if (repeat) {
      // first visit unthrottled, wait for the service worker, then measure the next visit
      await page.goto(`${base}/field/`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await page.close();
      page = await context.newPage();
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THREE_G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    await page.goto(`${base}/field/`, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 60_000, polling: 100 });
    const ms = await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark);
    return { ms, bytes };
  } finally {
    await context.close();
  }
}

/** Measures the field app (see above) and prints the figures with `log`. */
export async function measureFieldApp(log: (s?: string) => void, runs = 3): Promise<FieldAppFigures> {
  const bundle = await webBundle();
  // the page and its service worker load first; a screen loaded on demand (/field/directives.js) is printed apart
  const ON_DEMAND = [`${FIELD_PREFIX}directives.js`, `${FIELD_PREFIX}help.js`];
  const all = bundle.js.filter((f) => f.url.startsWith(FIELD_PREFIX));
  const js = all.filter((f) => !ON_DEMAND.includes(f.url));
  const jsGzipTotal = js.reduce((s, f) => s + f.gzipBytes, 0);
  const office = bundle.js.find((f) => f.url === OFFICE_SCRIPT)!;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const verdict = (n: number, target: number) => `mục tiêu ≤ ${kb(target)}: ${n <= target ? 'đạt (OK)' : 'chưa đạt (MISS)'}`;
  for (const f of all) log(`  ${f.url}: ${kb(f.bytes)} minified, ${kb(f.gzipBytes)} gzip${ON_DEMAND.includes(f.url) ? ' (tải khi mở màn hình đó — Chỉ đạo, Nhờ hỗ trợ —, không tính vào lần tải đầu)' : ''}`);
  log(`  JavaScript của ứng dụng hiện trường (trang + service worker, gzip): ${kb(jsGzipTotal)}  ${verdict(jsGzipTotal, FIELD_JS_TARGET_BYTES)}`);
  log(`  JavaScript tải lần đầu của giao diện văn phòng (${office.url}, cùng bản dựng): ${kb(office.bytes)} minified, ${kb(office.gzipBytes)} gzip  ${verdict(office.gzipBytes, OFFICE_JS_TARGET_BYTES)}`);

  const started = performance.now();
  const harness = await startHarness();
  try {
    const { base, browser } = harness;
    const setup = await setUpFieldTeam(browser, base);
    await setup.admin.close();
    // the member signs in once (and sets her own password); each measured visit starts from her cookies only
    const member = await browser.newContext();
    await postJson(member.request, base, '/api/auth/login', { login: FIELD_MEMBER.phone, password: FIELD_MEMBER.issued });
    await postJson(member.request, base, '/api/auth/password', { currentPassword: FIELD_MEMBER.issued, newPassword: FIELD_MEMBER.own });
    const state = await member.storageState();
    await member.close();
    log(`  máy chủ mới (PGlite, danh mục hành chính), tổ và tài khoản thành viên: sẵn sàng sau ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const firstLoads: number[] = [];
    const signInLoads: number[] = [];
    const repeatLoads: number[] = [];
    let transferred = 0;
    for (let i = 0; i < runs; i++) {
      const first = await throttledLoad(browser, base, state, 'ngoso:form-ready');
      firstLoads.push(first.ms);
      transferred = first.bytes;
    }
    signInLoads.push((await throttledLoad(browser, base, undefined, 'ngoso:signin-ready')).ms);
    repeatLoads.push((await throttledLoad(browser, base, state, 'ngoso:form-ready', true)).ms);
    const s = (xs: number[]) => (xs.length === 1 ? `${(xs[0] / 1000).toFixed(2)} s` : `${(median(xs) / 1000).toFixed(2)} s (trung vị của ${xs.length}: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
    const loadVerdict = median(firstLoads) <= FIELD_LOAD_TARGET_MS ? 'đạt (OK)' : 'chưa đạt (MISS)';
    log(`  3G giả lập (1,6 Mbps xuống, 750 kbps lên, trễ 150 ms; CPU chậm ${CPU_SLOWDOWN}×), trình duyệt trống, đã đăng nhập:`);
    log(`    lần đầu mở, tới khi biểu mẫu ghi dùng được: ${s(firstLoads)}  mục tiêu ≤ ${FIELD_LOAD_TARGET_MS / 1000} s: ${loadVerdict}`);
    log(`      đã tải ${kb(transferred)} (trang, mã, kiểu, danh sách tổ qua /api/field/context, tóm tắt)`);
    log(`    chưa đăng nhập, tới khi trang đăng nhập dùng được: ${s(signInLoads)}`);
    log(`    mở lại (vỏ ứng dụng từ service worker): ${s(repeatLoads)}`);
    return { js, jsGzipTotal, officeJsGzip: office.gzipBytes, firstLoads, signInLoads, repeatLoads, transferred };
  } finally {
    await harness.close();
  }
}
