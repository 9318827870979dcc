import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/client.js';
import { openConfiguredDatabase } from '../src/db/open.js';
import { buildApp } from '../src/http/app.js';
import type { Clock } from '../src/text/clock.js';

/**
 * Shared set-up of the browser tests: the app built in-process on a fresh embedded database in a
 * temp directory (NGOSO_DATA_DIR, so secrets.json is created there too), listening on a free
 * port, and Chromium (playwright-core, /usr/bin/chromium). `clock` (optional) becomes the server's
 * clock (buildApp's option) while the harness runs; the browser keeps the machine's.
 */
export interface Harness {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(opts: { clock?: Clock } = {}): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ngoso-e2e-'));
  let database: Database | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({ ...process.env, NGOSO_DATA_DIR: path.join(dataDir, 'db'), NGOSO_SECRETS_FILE: undefined, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1' });
    database = await openConfiguredDatabase(config);
    app = await buildApp({ database, config }, { clock: opts.clock });
    await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A browser context (its own cookies: one signed-in person) with a page that collects console errors and uncaught exceptions. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

/** Full-page screenshots at phone (390 px) and desktop (1280 px) width: /tmp/ui-NAME-390.png, /tmp/ui-NAME-1280.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `/tmp/ui-${name}-${width}.png`, fullPage: true });
  }
}
