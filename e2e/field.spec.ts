import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_COMMUNE, FIELD_MEMBER, type FieldSetup, getJson, postJson, setUpFieldTeam, signInFieldMember } from './field-setup.js';
import { type Harness, startHarness } from './harness.js';

/**
 * The field app (/field/) on a phone-sized Chromium, on a fresh database with the Sơn La fixture
 * roster: Hà Thị Hiền, leader of the commune-level team of Phường Chiềng An (03664), signs in
 * (changing the issued password), the service worker takes control, the phone goes offline,
 * she records three sessions (one-to-one at home, a group of 12 in Bản Hụm, a help-desk session at
 * the service centre with a consenting resident), sees "3 chưa đồng bộ", closes the app, opens it
 * again still offline (served by the service worker, the three records still queued), goes
 * online, and the records sync by themselves. The team's and the commune's reports then count
 * exactly 3 sessions; sending the same records again (by the API, and by the app after putting
 * them back in its queue as after a crash) gives duplicates, not new rows. A record the server
 * refuses (a date long before she joined) stays on the phone with the reason, is corrected and
 * sent again.
 */
let harness: Harness;
let base: string;
let setup: FieldSetup;
let phone: BrowserContext;
let page: Page;
const errors: string[] = [];
/** Chromium logs failed loads while offline, and the refused sign-in probe; nothing else may be logged. */
const EXPECTED = /net::ERR_INTERNET_DISCONNECTED|Failed to load resource/;

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  setup = await setUpFieldTeam(harness.browser, base);
  phone = await harness.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', serviceWorkers: 'allow' });
  page = await newPage();
});

afterAll(async () => {
  await harness?.close();
});

async function newPage() {
  const p = await phone.newPage();
  p.setDefaultTimeout(20_000);
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(m.text());
  });
  return p;
}

const badge = () => page.locator('#sync-badge');
const queueItems = () => page.locator('#queue-list li');
/** opens the services beyond the day's first six, when they are folded */
const showAllServices = async () => {
  if (await page.locator('#more-services').isVisible()) await page.click('#more-services');
};
const firstServices = async (n: number) => (await page.locator('#services .svc').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code))).slice(0, n);

/** Vietnamese date `days` from today, YYYY-MM-DD. */
const vnDay = (days = 0) => new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** The queue in the app's IndexedDB (as a phone would hold it after a crash). */
function readQueue(p: Page) {
  return p.evaluate(
    () =>
      new Promise<{ id: string; userId: number; record: { id: string } }[]>((resolve, reject) => {
        const open = indexedDB.open('ngoso-field');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('queue').objectStore('queue').getAll();
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

let queued: { id: string; userId: number; record: { id: string } }[] = [];

describe('field app: offline recording and sync', () => {
  it('serves an installable app: manifest with the Vietnamese name, icons, service worker', async () => {
    const manifest = await getJson(phone.request, base, '/field/manifest.webmanifest');
    expect(manifest).toMatchObject({ name: 'Ngõ Số – Ghi hoạt động', start_url: '/field/', scope: '/field/', display: 'standalone', theme_color: '#0b5c8a', lang: 'vi' });
    const sizes = (manifest.icons as { sizes: string; type: string; purpose: string }[]).map((i) => `${i.sizes} ${i.type} ${i.purpose}`);
    expect(sizes).toEqual(['192x192 image/png any', '512x512 image/png any', '512x512 image/png maskable', 'any image/svg+xml any']);
    for (const icon of manifest.icons as { src: string; type: string }[]) {
      const res = await phone.request.get(base + icon.src);
      expect([icon.src, res.status(), res.headers()['content-type']]).toEqual([icon.src, 200, icon.type]);
    }
    const sw = await phone.request.get(`${base}/field/sw.js`);
    expect(sw.status()).toBe(200);
    expect(sw.headers()['cache-control']).toBe('no-cache');
    expect(await sw.text()).toContain('/field/app.js');
    // the strict policy still holds on the app's page
    const html = await phone.request.get(`${base}/field/`);
    expect(html.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(html.headers()['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('signs in with the issued password, changes it, and opens the record form with her preselected', async () => {
    await page.goto(`${base}/field/`);
    await page.locator('#view-signin').waitFor();
    await signInFieldMember(page, true);
    expect(await page.locator('#who').innerText()).toBe(FIELD_MEMBER.name);
    expect(await badge().innerText()).toBe('Đã đồng bộ');
    // her own team only: no team picker; the members by given name, her preselected
    expect(await page.locator('#team-box').isHidden()).toBe(true);
    // folded to 'Tôi' (her alone), a tap opens the list
    expect(await page.locator('#members-summary').innerText()).toBe('Tôi');
    await page.click('#members-toggle');
    expect(await page.locator('#members .chip').allInnerTexts()).toEqual(['Lò Văn Dũng', 'Hà Thị Hiền (tôi)', 'Cầm Thị Lan']);
    expect(await page.locator('#members .chip[aria-pressed="true"]').innerText()).toBe('Hà Thị Hiền (tôi)');
    // the national services and Sơn La's own, as big buttons with icons
    // the day's first six, the other five one tap away
    expect(await page.locator('#services .svc').count()).toBe(6);
    expect(await page.locator('#more-services').innerText()).toBe('Dịch vụ khác (5)');
    await page.click('#more-services');
    expect(await page.locator('#services .svc').count()).toBe(11);
    // icons are SVG (lucide), not emoji: they render on every phone
    expect(await page.locator('.svc[data-code="son_la_smart"] .svc-btn').innerText()).toBe('Sơn La Smart');
    expect(await page.locator('.svc[data-code="son_la_smart"] .svc-btn svg').count()).toBe(1);
    const box = await page.locator('.svc[data-code="vneid"] .svc-btn').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    await page.screenshot({ path: '/tmp/ui-field-form-390.png', fullPage: true });
    expect(await page.locator('#place option').allInnerTexts()).toEqual(['Trong Phường Chiềng An (không ghi thôn, bản)', 'Tại Trung tâm phục vụ hành chính công phường Chiềng An', 'Bản Hụm']);
  });

  it('is controlled by the service worker after the first visit', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).toBe(`${base}/field/sw.js`);
  });

  it('records three sessions offline: "3 chưa đồng bộ"', async () => {
    await phone.setOffline(true);
    await expect.poll(() => page.locator('#net').innerText()).toBe('Không có mạng');

    // 1. one-to-one at home: VNeID, level-2 e-ID activated (two taps and a choice)
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();
    await page.locator('.svc-out[data-code="vneid"] [data-outcome="eid_level2"]').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText()).toBe('1 chưa đồng bộ');
    expect(await page.locator('#saved-text').innerText()).toMatch(/^Đã lưu lúc \d\d:\d\d\. Sẽ tự đồng bộ khi có mạng\.$/);
    // the form is ready for the next one: services cleared, the buttons where they were (one order per day, a save never reshuffles)
    expect(await page.locator('.svc[data-on="1"]').count()).toBe(0);
    const order = await firstServices(6);
    // a service tapped again starts at "đã hướng dẫn": the level-2 outcome of the last session is not inherited
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();
    expect(await page.locator('.svc-out[data-code="vneid"] [aria-checked="true"]').getAttribute('data-outcome')).toBe('informed');
    await page.locator('.svc[data-code="vneid"] .svc-btn').click();

    // 2. a group of 12 in Bản Hụm with a second member: Zalo installed, Sơn La Smart account created
    await page.locator('[data-kind="group"]').click();
    await page.fill('#count', '12');
    await page.click('#members-toggle');
    await page.locator('#members .chip', { hasText: 'Lò Văn Dũng' }).click();
    await page.selectOption('#place', { label: 'Bản Hụm' });
    await showAllServices();
    await page.locator('.svc[data-code="zalo"] .svc-btn').click();
    await page.locator('.svc-out[data-code="zalo"] [data-outcome="installed"]').click();
    await page.locator('.svc[data-code="son_la_smart"] .svc-btn').click();
    await page.locator('.svc-out[data-code="son_la_smart"] [data-outcome="account_created"]').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    // the confirmation says in words what will be recorded
    expect(await page.locator('#confirm-lines li').allInnerTexts()).toEqual(['Zalo: đã cài đặt ứng dụng — 12 người', 'Sơn La Smart: đã tạo tài khoản — 12 người']);
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText()).toBe('2 chưa đồng bộ');
    expect(await firstServices(6)).toEqual(order);
    // the place is remembered; the kind goes back to the most common one (tied: at home)
    expect(await page.locator('[data-kind="home"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#place').inputValue()).not.toBe('');

    // 3. help desk at the service centre, a named resident who consents: online public service submitted
    await page.locator('[data-kind="help_desk"]').click();
    await page.selectOption('#place', 'centre');
    await page.locator('#person-box summary').click();
    expect(await page.locator('#full-name').isDisabled()).toBe(true);
    await page.fill('#birth-year', '1958');
    await page.selectOption('#gender', 'male');
    await page.selectOption('#ethnicity', { label: 'Thái' });
    await page.locator('#consent').check();
    await page.fill('#full-name', 'Cầm Văn Xôm');
    await page.fill('#phone', '0987 111 222');
    await page.locator('.svc[data-code="public_services"] .svc-btn').click();
    await page.locator('.svc-out[data-code="public_services"] [data-outcome="submitted_online"]').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText()).toBe('3 chưa đồng bộ');

    await expect.poll(() => queueItems().count()).toBe(3);
    expect(await page.locator('#queue-list .q-wait').allInnerTexts()).toEqual(['Đang chờ gửi', 'Đang chờ gửi', 'Đang chờ gửi']);
    expect(await page.locator('#queue-list .q-svc').allInnerTexts()).toEqual(['VNeID (định danh điện tử)', 'Zalo, Sơn La Smart', 'Dịch vụ công trực tuyến']);
    expect(await page.locator('#queue-list .q-svc svg').count()).toBe(4);
    await page.screenshot({ path: '/tmp/ui-field-offline-390.png', fullPage: true });
    queued = await readQueue(page);
    expect(queued.length).toBe(3);
  });

  it('reopens offline after closing: served by the service worker, the 3 records still queued', async () => {
    await page.close();
    page = await newPage();
    await page.goto(`${base}/field/`);
    await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
    expect(await page.locator('#net').innerText()).toBe('Không có mạng');
    await expect.poll(() => badge().innerText()).toBe('3 chưa đồng bộ');
    await expect.poll(() => queueItems().count()).toBe(3);
    expect(await page.locator('#who').innerText()).toBe(FIELD_MEMBER.name);
  });

  it('syncs by itself when the connection comes back', async () => {
    await phone.setOffline(false);
    await expect.poll(() => badge().innerText(), { timeout: 30_000 }).toBe('Đã đồng bộ');
    expect(await badge().getAttribute('data-count')).toBe('0');
    await expect.poll(() => queueItems().count()).toBe(0);
    expect(await readQueue(page)).toEqual([]);
    // the summary from the server: today 3 sessions, 14 residents reached (1 + 12 + 1)
    await expect.poll(() => page.locator('#summary').textContent()).toContain('Hôm nay3 buổi · 14 lượt người dân');
  });

  it('the team and the commune reports count exactly these 3 sessions', async () => {
    const period = `from=${vnDay(-1)}&to=${vnDay(1)}`;
    const team = await getJson(phone.request, base, `/api/reports/support?team=${setup.teamId}&${period}`);
    expect({ sessions: team.sessions, headcount: team.headcount, residents: team.residents, recognised: team.recognised, byKind: team.byKind, atServiceCentre: team.atServiceCentre }).toEqual({
      sessions: 3,
      headcount: 14,
      residents: 14,
      recognised: 1,
      byKind: { home: 1, group: 1, help_desk: 1 },
      atServiceCentre: 1,
    });
    const services = Object.fromEntries((team.services as { code: string; sessions: number; outcomes: Record<string, number> }[]).filter((s) => s.sessions > 0).map((s) => [s.code, Object.fromEntries(Object.entries(s.outcomes).filter(([, n]) => n > 0))]));
    expect(services).toEqual({ vneid: { eid_level2: 1 }, zalo: { installed: 12 }, son_la_smart: { account_created: 12 }, public_services: { submitted_online: 1 } });
    // per member: Hà Thị Hiền in all three, Lò Văn Dũng in the group session
    const byMember = Object.fromEntries((team.children as { name: string; sessions: number }[]).map((c) => [c.name, c.sessions]));
    expect(byMember).toMatchObject({ 'Hà Thị Hiền': 3, 'Lò Văn Dũng': 1 });

    const commune = await getJson(setup.admin.request, base, `/api/reports/support?unit=${FIELD_COMMUNE}&${period}`);
    expect([commune.target.name, commune.sessions, commune.headcount]).toEqual(['Phường Chiềng An', 3, 14]);
    expect((commune.children as { id: number; sessions: number }[]).find((c) => c.id === setup.teamId)?.sessions).toBe(3);
    const province = await getJson(setup.admin.request, base, `/api/reports/support?unit=14&${period}`);
    expect(province.sessions).toBe(3);
  });

  it('sending the same records again gives duplicates, not new rows (by the API, and by the app after a crash)', async () => {
    const again = await postJson(phone.request, base, '/api/support-sessions/sync', { records: queued.map((q) => q.record) });
    expect([again.accepted, again.duplicates, again.rejected]).toEqual([0, 3, 0]);
    expect((again.results as { status: string }[]).map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    // the phone crashed before removing them: they are back in its queue
    await page.evaluate(
      (items) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('ngoso-field');
          open.onsuccess = () => {
            const tx = open.result.transaction('queue', 'readwrite');
            for (const q of items) tx.objectStore('queue').put(q);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
      queued,
    );
    await page.reload();
    // the badge reads "Đã đồng bộ" before the queue is counted: wait for the queue itself
    await expect.poll(() => readQueue(page), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => badge().innerText(), { timeout: 30_000 }).toBe('Đã đồng bộ');
    const team = await getJson(phone.request, base, `/api/reports/support?team=${setup.teamId}&from=${vnDay(-1)}&to=${vnDay(1)}`);
    expect([team.sessions, team.headcount]).toEqual([3, 14]);
  });

  it('a session dated long before she joined is kept for the commune officer\'s review, not counted (issue 13: no longer refused)', async () => {
    await page.locator('[data-kind="home"]').click();
    await page.fill('#date', '06/01/2020');
    await page.fill('#time', '09:00');
    await page.locator('.svc[data-code="vssid"] .svc-btn').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText(), { timeout: 15_000 }).toBe('Đã đồng bộ');
    const team = await getJson(phone.request, base, `/api/reports/support?team=${setup.teamId}&from=${vnDay(-1)}&to=${vnDay(1)}`);
    expect(team.sessions).toBe(3);
  });

  it('a record the server refuses stays on the phone with its reason, and can be corrected and sent again', async () => {
    // a record made by an older app with an ethnic code outside the 54 (as after a crash, put in the queue by hand)
    const userId = (await readQueue(page).then(() => page.evaluate(() => new Promise<number>((resolve) => {
      const open = indexedDB.open('ngoso-field');
      open.onsuccess = () => {
        const get = open.result.transaction('kv').objectStore('kv').get('user');
        get.onsuccess = () => resolve((get.result as { id: number }).id);
      };
    }))));
    const id = '7d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
    const at = new Date(Date.now() - 3_600_000 + 7 * 3_600_000).toISOString().slice(0, 19) + '+07:00';
    const bad = { id, userId, savedAt: Date.now(), status: 'pending', record: { id, teamId: setup.teamId, memberIds: [setup.members['Hà Thị Hiền']], occurredAt: at, kind: 'home', services: [{ code: 'vssid', outcome: 'informed' }], resident: { ethnicity: '99' } } };
    await page.evaluate(
      (item) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('ngoso-field');
          open.onsuccess = () => {
            const tx = open.result.transaction('queue', 'readwrite');
            tx.objectStore('queue').put(item);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
      bad,
    );
    await page.reload();
    await expect.poll(() => badge().getAttribute('data-state'), { timeout: 15_000 }).toBe('rejected');
    expect(await badge().innerText()).toBe('1 chưa đồng bộ');
    const reason = await page.locator('#queue-list .q-reason').innerText();
    expect(reason).toBe('Bị từ chối: Mã dân tộc "99" không có trong danh mục 54 dân tộc (01–54).');

    await page.screenshot({ path: '/tmp/ui-field-rejected-390.png', fullPage: true });
    await page.locator('#queue-list [data-action="edit"]').click();
    await page.locator('#editing').waitFor();
    expect(await page.locator('#form-msg').innerText()).toBe(reason);
    expect(await page.locator('.svc[data-code="vssid"] .svc-btn').getAttribute('aria-pressed')).toBe('true');
    await page.selectOption('#ethnicity', { label: 'Thái' });
    await page.getByRole('button', { name: 'Lưu và gửi lại' }).click();
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText(), { timeout: 15_000 }).toBe('Đã đồng bộ');
    const team = await getJson(phone.request, base, `/api/reports/support?team=${setup.teamId}&from=${vnDay(-1)}&to=${vnDay(1)}`);
    expect(team.sessions).toBe(4);
  });

  it('a waiting record can be deleted on the phone', async () => {
    await phone.setOffline(true);
    await showAllServices();
    await page.locator('.svc[data-code="zalo"] .svc-btn').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.click('#confirm-save');
    await expect.poll(() => badge().innerText()).toBe('1 chưa đồng bộ');
    page.once('dialog', (d) => void d.accept());
    await page.locator('#queue-list [data-action="delete"]').click();
    await expect.poll(() => badge().innerText()).toBe('Đã đồng bộ');
    expect(await readQueue(page)).toEqual([]);
    await phone.setOffline(false);
  });

  it('shows dates and times the Vietnamese way in a browser set to English, and no emoji icons', async () => {
    // an English browser in another time zone: native date/time inputs would show mm/dd/yyyy and "01:42 AM"
    const english = await harness.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', timezoneId: 'America/New_York', storageState: await phone.storageState() });
    try {
      const p = await english.newPage();
      p.setDefaultTimeout(20_000);
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(m.text());
      });
      const before = vnDay();
      await p.goto(`${base}/field/`);
      await p.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
      expect(await p.evaluate(() => navigator.language)).toBe('en-US');
      const date = p.locator('#date');
      const time = p.locator('#time');
      expect([await date.getAttribute('type'), await date.getAttribute('inputmode'), await date.getAttribute('placeholder')]).toEqual(['text', 'numeric', 'dd/mm/yyyy']);
      expect([await time.getAttribute('type'), await time.getAttribute('inputmode'), await time.getAttribute('placeholder')]).toEqual(['text', 'numeric', 'HH:mm']);
      // today in Vietnam as dd/mm/yyyy, the time of day in Vietnam on the 24-hour clock
      const today = (iso: string) => iso.split('-').reverse().join('/');
      expect([today(before), today(vnDay())]).toContain(await date.inputValue());
      const shown = await time.inputValue();
      expect(shown).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      const vnMinutes = (Date.now() / 60_000 + 7 * 60) % 1440;
      const [h, m] = shown.split(':').map(Number);
      expect(Math.min(Math.abs(h * 60 + m - vnMinutes), 1440 - Math.abs(h * 60 + m - vnMinutes))).toBeLessThan(3);
      // typed on a numeric keypad (no "/" or ":"), the separators come by themselves
      await date.fill('12022025');
      await time.fill('1745');
      expect([await date.inputValue(), await time.inputValue()]).toEqual(['12/02/2025', '17:45']);
      expect(await p.locator('#when-now').count()).toBe(0);
      // a month-first date is refused with a Vietnamese message
      await date.fill('02/13/2025');
      await time.focus();
      expect(await p.locator('#when-msg').innerText()).toMatch(/^Ngày chưa đúng: nhập ngày\/tháng\/năm, ví dụ \d\d\/\d\d\/\d{4}\.$/);
      expect(await date.getAttribute('aria-invalid')).toBe('true');
      await p.getByRole('button', { name: 'Hôm nay' }).click();
      expect([today(before), today(vnDay())]).toContain(await date.inputValue());
      expect(await time.inputValue()).toBe('17:45');
      await p.getByRole('button', { name: 'Bây giờ' }).click();
      await p.locator('#when-now').waitFor();
      // every service and kind button carries an SVG icon, and no emoji anywhere on the form
      await p.click('#more-services');
      const services = await p.locator('#services .svc').count();
      expect(services).toBe(11);
      expect(await p.locator('#services .svc-btn > svg').count()).toBe(services);
      expect(await p.locator('#kinds .seg-btn > svg').count()).toBe(3);
      expect(await p.locator('#record-form').innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
      await p.screenshot({ path: '/tmp/ui-field-en-us-390.png', fullPage: true });
    } finally {
      await english.close();
    }
  });

  it('logged no errors', () => {
    expect(errors).toEqual([]);
  });
});
