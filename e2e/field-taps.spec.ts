import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldSetup, getJson, setUpFieldTeam, signInFieldMember } from './field-setup.js';
import { type Harness, startHarness } from './harness.js';

/**
 * The field app on a 360 × 740 phone whose clock runs 3 hours ahead (every Date on the page shifted
 * by an init script): after the first sync the app warns "Giờ trên điện thoại đang sai khoảng 3 giờ"
 * and counts the session on the server by the corrected time; outcomes are chosen, never inherited:
 * a level-2 activation followed by a session where VNeID is only tapped reaches the server as
 * "informed" (read back from the team's report). Then the taps of issue 13 item 1 on that screen, each
 * control tapped where it already is (in the viewport, the page not scrolled): a one-to-one with
 * one service ≤ 4, a group with two services ≤ 8, a one-to-one with personal data ≤ 10 plus typing.
 */
const SHIFT_MS = 3 * 3_600_000;
let harness: Harness;
let base: string;
let setup: FieldSetup;
let phone: BrowserContext;
let page: Page;
const errors: string[] = [];

const vnDay = (days = 0) => new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  setup = await setUpFieldTeam(harness.browser, base);
  phone = await harness.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'block' });
  await phone.addInitScript((shift: number) => {
    const Real = Date;
    class Shifted extends Real {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(Real.now() + shift);
        else super(...(args as [string]));
      }
      static now() {
        return Real.now() + shift;
      }
    }
    (globalThis as { Date: DateConstructor }).Date = Shifted as unknown as DateConstructor;
  }, SHIFT_MS);
  page = await phone.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => errors.push(e.message));
});

afterAll(async () => {
  await harness?.close();
});

describe('field app: a phone 3 hours ahead, outcomes chosen', () => {
  it('signs in and records a level-2 activation, then a session where VNeID is only tapped', async () => {
    await page.goto(`${base}/field/`);
    await page.locator('#view-signin').waitFor();
    expect(await page.evaluate(() => Date.now() - performance.timeOrigin - performance.now())).toBeGreaterThan(SHIFT_MS - 60_000);
    await signInFieldMember(page, true);

    await page.locator('.svc[data-code="vneid"] .svc-btn').click();
    expect(await page.locator('.svc-out[data-code="vneid"] [aria-checked="true"]').getAttribute('data-outcome')).toBe('informed');
    await page.locator('.svc-out[data-code="vneid"] [data-outcome="eid_level2"]').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => page.locator('#sync-badge').innerText(), { timeout: 15_000 }).toBe('Đã đồng bộ');

    // the warning, worded in hours, after the first sync
    await expect.poll(() => page.locator('#clock-warning').innerText(), { timeout: 15_000 }).toBe('Giờ trên điện thoại đang sai khoảng 3 giờ (nhanh hơn giờ chuẩn): ứng dụng dùng giờ chuẩn; hãy chỉnh lại giờ của điện thoại.');
    // the form's "now" is the true time, not the phone's
    const shown = await page.locator('#time').inputValue();
    const vnMinutes = (Date.now() / 60_000 + 7 * 60) % 1440;
    const [h, m] = shown.split(':').map(Number);
    expect(Math.min(Math.abs(h * 60 + m - vnMinutes), 1440 - Math.abs(h * 60 + m - vnMinutes))).toBeLessThan(3);

    // the next session: VNeID only tapped (the level-2 outcome is listed first, not chosen)
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();
    expect(await page.locator('.svc-out[data-code="vneid"] [aria-checked="true"]').getAttribute('data-outcome')).toBe('informed');
    expect(await page.locator('.svc-out[data-code="vneid"] .out-btn').first().getAttribute('data-outcome')).toBe('eid_level2');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => page.locator('#sync-badge').innerText(), { timeout: 15_000 }).toBe('Đã đồng bộ');
    await page.screenshot({ path: '/tmp/ui-field-clock-360.png', fullPage: true });
  });

  it('the server counts one level-2 activation and one "informed", both today by the true clock', async () => {
    const team = await getJson(setup.admin.request, base, `/api/reports/support?team=${setup.teamId}&from=${vnDay()}&to=${vnDay()}`);
    expect(team.sessions).toBe(2);
    const vneid = (team.services as { code: string; outcomes: Record<string, number> }[]).find((s) => s.code === 'vneid')!;
    expect(Object.fromEntries(Object.entries(vneid.outcomes).filter(([, n]) => n > 0))).toEqual({ informed: 1, eid_level2: 1 });
  });

  it('counts the taps of the common sessions on a 360 × 740 screen, with no swipe in the first two', async () => {
    let taps = 0;
    let swiped: string[] = [];
    /** one tap where the control is: it must be inside the screen (in the first two sessions, without scrolling) */
    const tap = async (selector: string, noSwipe: boolean) => {
      const el = page.locator(selector).first();
      if (noSwipe) {
        // tappable where it is: inside the screen and not covered (the element itself is under its centre)
        const free = await el.evaluate((node) => {
          const r = node.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return r.top >= 0 && r.bottom <= window.innerHeight && hit !== null && (hit === node || node.contains(hit));
        });
        if (!free) swiped.push(`${selector} at ${Math.round((await el.boundingBox())?.y ?? -1)}, scrolled ${await page.evaluate(() => window.scrollY)}`);
      }
      await el.click();
      taps++;
    };
    // a phone whose clock is right (no warning above the form): the member signs in with her own password
    const right = await harness.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'block' });
    page = await right.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/field/`);
    await page.locator('#view-signin').waitFor();
    await signInFieldMember(page, false);
    await page.screenshot({ path: '/tmp/ui-field-first-screen-360.png' });
    // 1. one-to-one, one service: VNeID, account created
    await tap('.svc[data-code="vneid"] .svc-btn', true);
    await tap('.svc-out[data-code="vneid"] [data-outcome="account_created"]', true);
    await tap('#save', true);
    expect(await page.locator('#confirm-lines li').allInnerTexts()).toEqual(['VNeID (định danh điện tử): đã tạo tài khoản — 1 người']);
    await tap('#confirm-save', true);
    await expect.poll(() => page.locator('#saved-text').innerText()).toMatch(/^Đã lưu lúc/);
    expect(await page.locator('#saved').isVisible()).toBe(true);
    expect([taps, swiped]).toEqual([4, []]);

    // 2. a group of 20 with two services
    taps = 0;
    await page.evaluate(() => window.scrollTo(0, 0));
    await tap('[data-kind="group"]', true);
    // the count field takes the focus: the number is typed without a tap
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('count');
    await page.keyboard.type('20');
    await tap('.svc[data-code="vneid"] .svc-btn', true);
    await tap('.svc[data-code="vssid"] .svc-btn', true);
    await tap('.svc-out[data-code="vssid"] [data-outcome="installed"]', true);
    await tap('#save', true);
    expect(await page.locator('#confirm-lines li').allInnerTexts()).toEqual(['VNeID (định danh điện tử): đã hướng dẫn, giới thiệu — 20 người', 'VSSID (BHXH số): đã cài đặt ứng dụng — 20 người']);
    await tap('#confirm-save', true);
    await expect.poll(() => page.locator('#saved-text').innerText()).toMatch(/^Đã lưu lúc/);
    expect(taps).toBeLessThanOrEqual(8);
    expect(swiped).toEqual([]);
    // the kind goes back to the most common one
    await expect.poll(() => page.locator('#kinds [aria-pressed="true"]').getAttribute('data-kind')).toBe('home');

    // a group without its count is refused before the confirmation, which never says "0 người"
    await page.locator('[data-kind="group"]').click();
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();
    await page.click('#save');
    expect(await page.locator('#confirm').count()).toBe(0);
    expect(await page.locator('#form-msg').innerText()).toBe('Hãy nhập số người dân tham dự (1–2000).');
    await page.locator('[data-kind="home"]').click();
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();

    // 3. one-to-one with personal data (scrolling allowed): birth year, consent, name, phone
    taps = 0;
    await page.evaluate(() => window.scrollTo(0, 0));
    await tap('.svc[data-code="vssid"] .svc-btn', false);
    await tap('#person-box summary', false);
    await tap('#birth-year', false);
    await page.keyboard.type('1960');
    await tap('#consent', false);
    await tap('#full-name', false);
    await page.keyboard.type('Lò Văn Pọm');
    await tap('#phone', false);
    await page.keyboard.type('0912345670');
    await tap('#save', false);
    await tap('#confirm-save', false);
    await expect.poll(() => page.locator('#saved-text').innerText()).toMatch(/^Đã lưu lúc/);
    expect(taps).toBeLessThanOrEqual(10);
    await expect.poll(() => page.locator('#sync-badge').innerText(), { timeout: 15_000 }).toBe('Đã đồng bộ');
    await page.screenshot({ path: '/tmp/ui-field-taps-360.png' });

    // undo: offline, a saved record is taken off the phone again and back in the form
    await right.setOffline(true);
    await page.locator('.svc[data-code="son_la_smart"] .svc-btn').click();
    await page.click('#save');
    await page.click('#confirm-save');
    await expect.poll(() => page.locator('#sync-badge').innerText()).toBe('1 chưa đồng bộ');
    expect(await page.locator('#saved').isVisible()).toBe(true);
    await page.click('#undo');
    await expect.poll(() => page.locator('#sync-badge').innerText()).toBe('Đã đồng bộ');
    expect(await page.locator('.svc[data-code="son_la_smart"] .svc-btn').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#form-msg').innerText()).toBe('Đã hoàn tác: bản ghi chưa được lưu, hãy sửa rồi lưu lại.');
    await right.setOffline(false);
  });

  it('logged no errors', () => {
    expect(errors).toEqual([]);
  });
});
