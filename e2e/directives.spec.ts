import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldSetup, getJson, postJson, setUpFieldTeam, signInFieldMember } from './field-setup.js';
import { type Harness, startHarness } from './harness.js';

/**
 * Directives end to end (issue 15, "Tests"): the administrator issues a province directive in the
 * office page (#/chi-dao/moi) straight to the teams of Phường Chiềng An (03664); Hà Thị Hiền, leader
 * of the commune's team, opens "Chỉ đạo" on a 360 × 740 phone, goes offline, reopens the app from
 * the phone's copy, reads the directive (a "read" waits on the phone) and reports it done (passed
 * on by the Zalo group, 350 households, the asked figure); back online, both go once. The officer's
 * board shows the team read and done once, with the households, and the team's public page takes a
 * resident's "Tôi đã nhận được".
 */
const TITLE = 'Tuyên truyền kích hoạt định danh điện tử mức 2 tới từng hộ';
const EXPECTED = /net::ERR_INTERNET_DISCONNECTED|Failed to load resource/;
const phoneOptions = { viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'allow' as const };

let harness: Harness;
let base: string;
let setup: FieldSetup;
let office: Page;
let phone: BrowserContext;
let page: Page;
let directiveId = 0;
const errors: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  setup = await setUpFieldTeam(harness.browser, base);
  office = await setup.admin.newPage();
  office.setDefaultTimeout(20_000);
  await office.setViewportSize({ width: 1280, height: 900 });
  office.on('pageerror', (e) => errors.push(e.message));
  phone = await harness.browser.newContext(phoneOptions);
  page = await phone.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(m.text());
  });
});
afterAll(async () => {
  await harness?.close();
});

describe('a directive down to a team and back', () => {
  it('the office issues it to the teams of a commune', async () => {
    await office.goto(`${base}/office/#/chi-dao/moi?don-vi=14`);
    await office.getByRole('heading', { name: 'Văn bản chỉ đạo mới' }).waitFor();
    await office.fill('#dv-number', '125/UBND-VP');
    await office.fill('#dv-title', TITLE);
    await office.fill('#dv-body', 'Đề nghị các tổ:\n\n- thông báo tới từng hộ gia đình;\n- hướng dẫn người dân kích hoạt VNeID mức 2.');
    await office.fill('#dv-deadline', '31/12/2099');
    await office.fill('#dv-figure', 'Số người được hướng dẫn');
    await office.locator('#dv-via').uncheck();
    await office.fill('input[aria-label="Lọc đơn vị"]', 'chieng an');
    await office.locator('#dv-units').getByLabel('Phường Chiềng An', { exact: true }).check();
    await office.click('#dv-send');
    await office.getByRole('heading', { name: TITLE }).waitFor();
    directiveId = Number(/#\/chi-dao\/(\d+)/.exec(office.url())![1]);
    const board = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board`);
    const teams = await getJson(setup.admin.request, base, '/api/teams?unit=03664');
    expect(board.totals.teams).toBe((teams.teams as { status: string }[]).filter((t) => t.status === 'active').length);
    expect(board.totals.read).toBe(0);
  });

  it('the leader reads it offline and reports it done; back online it reaches the board once', async () => {
    await page.goto(`${base}/field/`);
    await page.locator('#view-signin').waitFor();
    await signInFieldMember(page, true);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await page.click('#view-switch summary');
    await page.click('#to-directives');
    await page.locator(`.dv-item[data-id="${directiveId}"]`).waitFor();
    expect(await page.locator(`.dv-item[data-id="${directiveId}"] .dv-state`).innerText()).toBe('Mới');

    await phone.setOffline(true);
    await page.reload();
    await page.locator(`.dv-item[data-id="${directiveId}"]`).waitFor();
    await page.click(`.dv-item[data-id="${directiveId}"]`);
    await page.locator('#dv-detail').waitFor();
    expect(await page.locator('#dv-detail').innerText()).toContain('hướng dẫn người dân kích hoạt VNeID mức 2.');
    // the app's outlined buttons, not the browser's grey ones
    for (const sel of ['#dv-copy', '#dv-will-do']) expect([sel, await page.locator(sel).evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderColor])]).toEqual([sel, ['rgb(255, 255, 255)', 'rgb(11, 92, 138)']]);
    await page.click('#dv-open-report');
    await page.getByLabel('Nhóm Zalo').check();
    await page.fill('#dv-households', '350');
    await page.fill('#dv-figure', '42');
    await page.click('#dv-done');
    await page.getByText('Đã ghi báo cáo hoàn thành.').waitFor();
    expect(await page.locator('#dv-status').innerText()).toMatch(/^2 báo cáo chưa gửi/);
    expect(await page.locator('#dv-state').innerText()).toBe('Đã hoàn thành');
    // the bar's badge counts them with the app's other records
    await page.waitForFunction(() => document.querySelector('#sync-badge')?.textContent === '2 chưa đồng bộ');
    await page.screenshot({ path: '/tmp/ui-directive-offline-360.png' });
    let board = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board`);
    expect(board.totals.read).toBe(0);

    await phone.setOffline(false);
    await page.waitForFunction(() => document.querySelector('#dv-status')?.textContent?.startsWith('Đã gửi hết báo cáo'), undefined, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector('#sync-badge')?.textContent === 'Đã đồng bộ');
    board = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board?commune=03664`);
    expect(board.totals).toMatchObject({ read: 1, willDo: 1, done: 1, households: 350, figure: 42 });
    const mine = (board.teams as { id: number; channels: string[]; households: number }[]).find((t) => t.id === setup.teamId)!;
    expect([mine.channels, mine.households]).toEqual([['zalo_group'], 350]);
    const acks = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board`);
    expect(acks.totals.done).toBe(1);
  });

  it('the office board shows it, and the team’s public page takes a resident’s confirmation', async () => {
    await office.goto(`${base}/office/#/chi-dao/${directiveId}?xa=03664`);
    await office.locator('#directive-totals').waitFor();
    expect(await office.locator('#directive-totals').innerText()).toContain('Đã hoàn thành\n1');
    const board = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board?commune=03664`);
    const token = (board.teams as { id: number; publicToken: string }[]).find((t) => t.id === setup.teamId)!.publicToken;
    const resident = await harness.browser.newPage();
    await resident.goto(`${base}/chi-dao/${token}`);
    expect(await resident.locator('h1').innerText()).toBe(TITLE);
    await resident.fill('input[name="phone"]', '0987 111 222');
    await resident.getByRole('button', { name: 'Tôi đã nhận được' }).click();
    await resident.getByText('Cảm ơn bà con!').waitFor();
    const after = await getJson(setup.admin.request, base, `/api/directives/${directiveId}/board`);
    expect(after.totals.confirmations).toBe(1);
    await office.screenshot({ path: '/tmp/ui-directive-board-1280.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  it('opens one commune of a directive to several: its figures and its teams, not the table and map of all', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const { id } = await postJson(setup.admin.request, base, '/api/directives', { unit: '14', issuedOn: today, title: 'Rà soát hộ chưa có tài khoản định danh', body: 'Các tổ rà soát từng hộ.', target: { units: ['03664', '04105'] }, viaCommunes: false });
    const whole = await getJson(setup.admin.request, base, `/api/directives/${id}/board`);
    const chiengAn = (whole.communes as { code: string; teams: number }[]).find((c) => c.code === '03664')!;
    expect(whole.communes.length).toBe(2);
    await office.goto(`${base}/office/#/chi-dao/${id}`);
    await office.locator('#directive-communes').waitFor();
    expect(await office.locator('#directive-totals div').first().innerText()).toBe(`Tổ nhận\n${whole.totals.teams}`);
    await office.locator('#directive-communes a', { hasText: 'Phường Chiềng An' }).click();
    await office.getByText('Các tổ của Phường Chiềng An').waitFor();
    expect(await office.locator('p.crumbs').innerText()).toBe('Chỉ đạo › Toàn bộ › Phường Chiềng An');
    expect(await office.locator('#directive-totals div').first().innerText()).toBe(`Tổ nhận\n${chiengAn.teams}`);
    expect(await office.locator('#directive-teams tbody tr').count()).toBe(chiengAn.teams);
    expect(await office.locator('#directive-communes').count()).toBe(0);
    expect(await office.locator('.map-section').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
