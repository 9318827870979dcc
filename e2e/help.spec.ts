import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldSetup, getJson, setUpFieldTeam, signInFieldMember } from './field-setup.js';
import { type Harness, startHarness } from './harness.js';

/**
 * A resident's request for help end to end (issue 16, "Tests"): a resident of Phường Chiềng An
 * (03664) asks for help with VNeID from the public form on a 360 × 740 phone; it reaches the
 * commune's team (the village has none of its own); Hà Thị Hiền, its leader, opens "Người dân nhờ
 * hỗ trợ" in the field app, goes offline, takes the request and records the session for it; back
 * online both go; the resident's status page shows it solved and takes the rating; the commune's
 * response-time report counts it.
 */
const EXPECTED = /net::ERR_INTERNET_DISCONNECTED|Failed to load resource/;
const phoneOptions = { viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'allow' as const };
let harness: Harness;
let base: string;
let setup: FieldSetup;
let field: BrowserContext;
let page: Page;
let statusUrl = '';
const errors: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  setup = await setUpFieldTeam(harness.browser, base);
  field = await harness.browser.newContext(phoneOptions);
  page = await field.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(m.text());
  });
});
afterAll(async () => {
  await harness?.close();
});

describe('a request for help from a resident to the report', () => {
  it('the resident asks from the public form and gets a status link', async () => {
    const resident = await (await harness.browser.newContext(phoneOptions)).newPage();
    await resident.goto(`${base}/tinh/14`);
    await resident.getByRole('link', { name: 'Nhờ tổ hỗ trợ' }).first().click();
    await resident.selectOption('select[name="xa"]', '03664');
    await resident.getByRole('button', { name: 'Tiếp tục' }).click();
    await resident.selectOption('select[name="dv"]', 'vneid');
    await resident.fill('textarea[name="van_de"]', 'Không nhận được mã OTP khi kích hoạt VNeID mức 2');
    await resident.fill('input[name="ten"]', 'Lò Thị Mai');
    await resident.fill('input[name="dien_thoai"]', '0977 123 456');
    await resident.fill('input[name="thoi_gian"]', 'Sau 17 giờ');
    // without consent nothing is sent
    await resident.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await resident.getByText('Cần đánh dấu đồng ý').first().waitFor();
    await resident.check('input[name="dong_y"]');
    await resident.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await resident.getByText('Đã gửi yêu cầu.').waitFor();
    expect(await resident.locator('.status').innerText()).toBe('Đã gửi, đang chờ tổ nhận');
    expect(await resident.locator('main').innerText()).toContain(`Yêu cầu đã đến ${setup.teamName}.`);
    statusUrl = resident.url().replace(/\?moi=1$/, '');
    expect(statusUrl).toMatch(/\/yeu-cau\/[A-Za-z0-9_-]{22}$/);
    await resident.screenshot({ path: '/tmp/ui-help-status-360.png', fullPage: true });
  });

  it('the leader takes it offline and records the session for it; back online both reach the server', async () => {
    await page.goto(`${base}/field/`);
    await page.locator('#view-signin').waitFor();
    await signInFieldMember(page, true);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await page.click('#view-switch summary');
    await page.click('#to-help');
    await page.locator('.hp-item').waitFor();
    expect(await page.locator('.hp-item .dv-state').innerText()).toBe('Chờ nhận');
    // when it must be taken by (VNeID: 24 hours after it was sent)
    const meta = /gửi (\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}) · cần nhận trước (\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(await page.locator('.hp-item .dv-meta').first().innerText());
    const at = (m: string[]) => Date.UTC(+m[2], +m[1] - 1, +m[0], +m[3], +m[4]);
    expect(meta && at(meta.slice(6, 11)) - at(meta.slice(1, 6))).toBe(24 * 3_600_000);

    await field.setOffline(true);
    await page.reload();
    await page.locator('.hp-item').waitFor();
    await page.click('.hp-item .dv-item');
    expect(await page.locator('.hp-detail').innerText()).toContain('Không nhận được mã OTP khi kích hoạt VNeID mức 2');
    expect(await page.locator('.hp-detail a[href^="tel:"]').innerText()).toBe('0977123456');
    // the app's own buttons, not the browser's grey ones: the brand's filled button, outcomes as chips
    const look = (sel: string) => page.locator(sel).first().evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
    expect(await look('#hp-take')).toEqual(['rgb(11, 92, 138)', 'rgb(255, 255, 255)']);
    await page.click('#hp-take');
    await page.getByText('Đã nhận việc trên máy; sẽ gửi khi có mạng.').waitFor();
    // the list is read again from the phone's store after the message: wait for it
    await expect.poll(() => page.locator('.hp-item .dv-state').innerText()).toBe('Đã nhận (chờ gửi)');
    await page.click('.hp-item .dv-item');
    await page.click('.hp-item .dv-item');
    await page.getByRole('button', { name: 'Đã kích hoạt định danh điện tử mức 2' }).click();
    const chosen = page.locator('#hp-close .chip[aria-pressed="true"]');
    expect(await chosen.innerText()).toBe('Đã kích hoạt định danh điện tử mức 2');
    expect(await chosen.evaluate((e) => getComputedStyle(e).borderColor)).toBe('rgb(11, 92, 138)');
    expect(await look('#hp-close button.primary')).toEqual(['rgb(11, 92, 138)', 'rgb(255, 255, 255)']);
    await page.getByRole('button', { name: 'Lưu buổi hỗ trợ' }).click();
    await page.getByText(/Đã lưu buổi hỗ trợ cho yêu cầu số \d+; sẽ gửi khi có mạng\./).waitFor();
    await expect.poll(() => page.locator('.hp-item .dv-state').innerText()).toBe('Đã hỗ trợ (chờ gửi)');
    await page.waitForFunction(() => document.querySelector('#sync-badge')?.textContent === '1 chưa đồng bộ');
    await page.screenshot({ path: '/tmp/ui-help-field-offline-360.png', fullPage: true });
    let open = await getJson(setup.admin.request, base, '/api/help-requests?state=all');
    expect(open.requests[0].status).toBe('open');

    await field.setOffline(false);
    await page.waitForFunction(() => document.querySelector('#sync-badge')?.textContent === 'Đã đồng bộ', undefined, { timeout: 30_000 });
    await expect.poll(async () => (await getJson(setup.admin.request, base, '/api/help-requests?state=all')).requests[0].status, { timeout: 20_000 }).toBe('closed');
    open = await getJson(setup.admin.request, base, '/api/help-requests?state=all');
    expect(open.requests[0]).toMatchObject({ status: 'closed', teamId: setup.teamId });
    expect(new Date(open.requests[0].acceptedAt).getTime()).toBeLessThanOrEqual(new Date(open.requests[0].closedAt).getTime());
  });

  it('the resident sees it solved and rates it; the commune’s report counts it', async () => {
    const resident = await (await harness.browser.newContext(phoneOptions)).newPage();
    await resident.goto(statusUrl);
    expect(await resident.locator('.status').innerText()).toBe('Đã hỗ trợ xong');
    await resident.check('input[name="da_xong"][value="1"]');
    await resident.check('input[name="diem"][value="5"]');
    await resident.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await resident.getByText('Cảm ơn bạn đã đánh giá!').waitFor();
    const report = await getJson(setup.admin.request, base, '/api/help-requests/report?unit=03664');
    expect(report.totals).toMatchObject({ requests: 1, accepted: 1, closed: 1, rated: 1, solved: 1, solvedShare: 100, overdueNow: 0 });
    expect(report.rows.map((r: { name: string; requests: number }) => [r.name, r.requests])).toEqual([[setup.teamName, 1]]);
    const office = await setup.admin.newPage();
    await office.setViewportSize({ width: 1280, height: 900 });
    await office.goto(`${base}/office/#/ho-tro?don-vi=03664`);
    await office.getByRole('heading', { name: /Thời gian phản hồi — Phường Chiềng An/ }).waitFor();
    expect(await office.locator('tr.total').innerText()).toMatch(/^Cộng\s+1\s+1\s+1/);
    await office.screenshot({ path: '/tmp/ui-help-office-1280.png', fullPage: true });
    // the administrator chooses the province on the page (it asked to type ?don-vi=MÃ into the address)
    await office.goto(`${base}/office/#/ho-tro`);
    await office.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Sơn La' });
    await office.getByRole('heading', { name: /Thời gian phản hồi — Sơn La/ }).waitFor();
    expect(office.url()).toBe(`${base}/office/#/ho-tro?don-vi=14`);
    expect(await office.locator('tr.total').innerText()).toMatch(/^Cộng\s+1\s+1\s+1/);
    expect(await office.getByText('Để trống: 30 ngày gần nhất, đến hôm nay.').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
