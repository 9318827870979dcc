import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openPage, startHarness } from './harness.js';

/**
 * The whole path a provincial officer takes in the web UI, on a fresh database:
 * first run ("Khởi tạo hệ thống": create the admin, who is then signed in) → import a Sơn La
 * roster (dry run, then commit) → read the province's network report → search without
 * diacritics → open a team's members.
 *
 * The fixture (e2e/fixtures/to-cnscd-son-la.csv) has 8 data rows:
 * - "Chiềng Xôm" + old district "Thành phố Sơn La" → Phường Chiềng An (03664):
 *   3 members on the commune team, 2 on the new village team "Bản Hụm";
 * - "Mai Sơn" → Xã Mai Sơn (04105): 1 on the commune team, 1 on the new village team
 *   "Tiểu khu 1", and 1 row with birth year 2085 (invalid, not written).
 * So: 7 new rows, 1 invalid; 4 teams (2 commune-level, 2 village-level); 7 members (4 on
 * commune teams, 3 on village teams); 4 women, 3 men; 2 new villages.
 */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'to-cnscd-son-la.csv');
const SCREENSHOT = '/tmp/e2e-report.png';

let harness: Harness;
let page: Page;
let base: string;
let pageErrors: string[];

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  ({ page, errors: pageErrors } = await openPage(harness.browser));
});

afterAll(async () => {
  await harness?.close();
});

/** The numbers shown in the import result's count boxes, by outcome. */
async function shownCounts(scope: string) {
  const box = page.locator(scope);
  const value = (k: string) => box.locator(`[data-count="${k}"] .stat-value`).innerText();
  return { new: await value('new'), updated: await value('updated'), unchanged: await value('unchanged'), invalid: await value('invalid') };
}

/** GET through the browser context, so the signed-in session cookie goes along. */
async function apiJson(p: string) {
  const res = await page.request.get(base + p);
  expect(res.status()).toBe(200);
  return res.json();
}

describe('web UI: first run → import → report → search', () => {
  it('opens on the first-run page, creates the admin, signs in and returns to the page asked for', async () => {
    await page.goto(`${base}/office/#/nhap`);
    await page.getByRole('heading', { name: 'Khởi tạo hệ thống' }).waitFor();
    expect(page.url()).toBe(`${base}/office/#/khoi-tao?tiep=nhap`);
    await page.fill('#setup-name', 'Quàng Văn Quản');
    await page.fill('#setup-username', 'quantri');
    await page.fill('#setup-password', 'Son-La-2026-khoi-tao');
    await page.fill('#setup-password2', 'Son-La-2026-khoi-tao');
    await page.getByRole('button', { name: 'Tạo tài khoản quản trị' }).click();
    await page.getByRole('heading', { name: 'Nhập danh sách tổ' }).waitFor();
    expect(await page.locator('.user-name').innerText()).toBe('Quàng Văn Quản');
    expect(await page.locator('.user-role').innerText()).toBe('Quản trị hệ thống');
    expect(await page.locator('main .notice-ok').first().innerText()).toContain('Đã khởi tạo hệ thống');
    // an admin sees every menu item except the team members' own-team page
    expect(await page.locator('.nav a[data-nav]:visible').allInnerTexts()).toEqual(['Đơn vị và tổ', 'Nhập danh sách', 'Báo cáo', 'Hoạt động', 'Tập huấn', 'Chỉ đạo', 'Trang người dân', 'Nhờ hỗ trợ', 'Tài khoản', 'Xem xét buổi', 'Nhật ký']);
    expect(await apiJson('/api/setup')).toEqual({ needed: false });
  });

  it('dry-runs the roster, shows counts, mapping, new units and problems, and writes nothing', async () => {
    await page.goto(`${base}/office/#/nhap`);
    await expect.poll(() => page.locator('#imp-province option[value="14"]').count()).toBe(1);
    await page.selectOption('#imp-province', '14');
    await page.setInputFiles('#imp-files', FIXTURE);
    await page.getByRole('button', { name: 'Kiểm tra (chạy thử)' }).click();

    await page.getByRole('heading', { name: 'Kết quả chạy thử (chưa ghi gì)' }).waitFor();
    expect(await shownCounts('.file-report')).toEqual({ new: '7', updated: '0', unchanged: '0', invalid: '1' });
    const report = page.locator('.file-report');
    await expect.poll(() => report.locator('.mapping').innerText()).toContain('Họ và tên');
    expect(await report.locator('.mapping tr.mapped').count()).toBe(10);
    const created = await report.locator('.created').innerText();
    expect(created).toContain('Bản Hụm (Phường Chiềng An)');
    expect(created).toContain('Tiểu khu 1 (Xã Mai Sơn)');
    expect(created).toContain('Tổ công nghệ số cộng đồng xã Chiềng Xôm');
    expect(created).toContain('Tổ công nghệ số cộng đồng xã Mai Sơn');
    const problems = report.locator('table.problems tbody tr');
    expect(await problems.count()).toBe(1);
    const cells = await problems.first().locator('td').allInnerTexts();
    expect(cells[1]).toBe('9'); // row 9 of the file: header is row 1
    expect(cells[2]).toBe('Năm sinh');
    expect(cells[3]).toContain('2085');
    expect(cells[4]).toContain('Kiểm tra lại năm sinh');

    expect(await page.getByRole('button', { name: 'Ghi vào sổ' }).isEnabled()).toBe(true);
    // the invalid row is not a reason to hold back the valid ones: the button says so
    expect(await page.locator('#imp-commit-note').innerText()).toBe('1 dòng lỗi sẽ bị bỏ qua; các dòng hợp lệ sẽ được ghi.');
    // a dry run writes nothing
    const before = await apiJson('/api/reports/network?unit=14');
    expect(before.teams.total).toBe(0);
  });

  it('commits the same files and shows what was written', async () => {
    await page.getByRole('button', { name: 'Ghi vào sổ' }).click();
    await page.getByRole('heading', { name: 'Kết quả ghi vào sổ' }).waitFor();
    expect(await shownCounts('.file-report')).toEqual({ new: '7', updated: '0', unchanged: '0', invalid: '1' });
    expect(await page.locator('.file-report .badge-ok').innerText()).toBe('Đã ghi');
    expect(await page.locator('.form-status').innerText()).toContain('Đã ghi vào sổ: 7 mới');
    // committing twice is not offered: the button waits for a new dry run
    expect(await page.getByRole('button', { name: 'Ghi vào sổ' }).isDisabled()).toBe(true);
    expect(await page.locator('#imp-commit-note').isHidden()).toBe(true);
  });

  it('shows the province report with the totals the fixture implies', async () => {
    await page.getByRole('link', { name: 'Xem báo cáo của tỉnh' }).click();
    await page.getByRole('heading', { name: 'Báo cáo mạng lưới: Sơn La' }).waitFor();
    const stat = (k: string) => page.locator(`[data-stat="${k}"] .stat-value`).innerText();
    expect(await stat('teams')).toBe('4');
    expect(await stat('members')).toBe('7');
    expect(await stat('people')).toBe('7');
    expect(await stat('female')).toBe('4');
    expect(await page.locator('[data-stat="teams"] .stat-note').innerText()).toBe('2 cấp xã · 2 cấp thôn, bản');
    expect(await page.locator('[data-stat="members"] .stat-note').innerText()).toBe('4 ở tổ cấp xã · 3 ở tổ cấp thôn, bản');

    const row = async (code: string) => page.locator(`table.children tbody tr[data-code="${code}"]`).locator('td').allInnerTexts();
    // Đơn vị | Số tổ | Tổ cấp xã | Tổ cấp thôn | Thành viên | Số người | Nam | Nữ
    expect(await row('03664')).toEqual(['Phường Chiềng An', '2', '1', '1', '5', '5', '2', '3']);
    expect(await row('04105')).toEqual(['Xã Mai Sơn', '2', '1', '1', '2', '2', '1', '1']);
    expect(await page.locator('table.children tfoot tr').locator('th, td').allInnerTexts()).toEqual(['Tổng cộng', '4', '2', '2', '7', '7', '3', '4']);
    // communes without teams are hidden by default (75 communes, 2 with teams)
    expect(await page.locator('table.children tbody tr:visible').count()).toBe(2);
    expect(await page.locator('label.check').innerText()).toContain('(2/75)');

    expect(await page.getByRole('link', { name: 'Tải CSV' }).getAttribute('href')).toBe('/api/reports/network?unit=14&format=csv');
    expect(await page.getByRole('link', { name: 'Tải Excel (.xlsx)' }).getAttribute('href')).toBe('/api/reports/network?unit=14&format=xlsx');
    const csv = await (await page.request.get(base + '/api/reports/network?unit=14&format=csv')).text();
    expect(csv).toContain('Phường Chiềng An');

    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // a long export (issue 11) says it is being made, the link disabled, then saves the file under the server's name
    const roster = page.getByRole('link', { name: 'Danh sách mẫu in (.xlsx)' });
    const rosterBox = page.locator('.download', { has: roster });
    await page.route('**/api/reports/roster?*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const saved = page.waitForEvent('download');
    await roster.click();
    await expect.poll(() => rosterBox.getByRole('status').innerText()).toBe('Đang tạo tệp…');
    expect(await roster.getAttribute('aria-disabled')).toBe('true');
    expect((await saved).suggestedFilename()).toBe('danh-sach-to-cnscd-14.xlsx');
    await expect.poll(() => rosterBox.getByRole('status').innerText()).toBe('');
    expect(await roster.getAttribute('aria-disabled')).toBeNull();
    // a refusal shows the server's message
    await page.unroute('**/api/reports/roster?*');
    const logged = pageErrors.length;
    await page.route('**/api/reports/roster?*', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'OUT_OF_SCOPE', message: 'Bạn không có quyền tải danh sách của đơn vị này.' } }) }));
    await roster.click();
    await expect.poll(() => rosterBox.getByRole('alert').innerText()).toBe('Bạn không có quyền tải danh sách của đơn vị này.');
    await page.unroute('**/api/reports/roster?*');
    // Chromium logs the refused load; nothing else may be
    expect(pageErrors.splice(logged).filter((e) => !e.includes('status of 403'))).toEqual([]);

    // a child's name opens its own report
    await page.getByRole('link', { name: 'Phường Chiềng An' }).click();
    await page.getByRole('heading', { name: 'Báo cáo mạng lưới: Phường Chiềng An' }).waitFor();
    expect(await stat('teams')).toBe('2');
    expect(await stat('members')).toBe('5');
    expect(await row('03664.001')).toEqual(['Bản Hụm', '1', '0', '1', '2', '2', '1', '1']);
  });

  it('finds teams and units without diacritics', async () => {
    await page.fill('#q', 'chieng');
    await page.press('#q', 'Enter');
    await page.getByRole('heading', { name: 'Kết quả tìm kiếm' }).waitFor();
    const teamHits = page.locator('.hit-team');
    await teamHits.first().waitFor();
    expect(await teamHits.allInnerTexts()).toEqual([expect.stringContaining('Tổ công nghệ số cộng đồng xã Chiềng Xôm')]);
    expect(await page.locator('.hit-unit a').allInnerTexts()).toContain('Phường Chiềng An');

    // "chieng xom": the pre-2025 commune, dissolved, and who took over
    await page.fill('#q', 'chieng xom');
    await page.press('#q', 'Enter');
    const old = page.locator('.hit-unit.dissolved', { hasText: 'Xã Chiềng Xôm' });
    await old.waitFor();
    expect(await old.innerText()).toContain('đã giải thể từ 01/07/2025');
    await old.getByRole('link', { name: 'Phường Chiềng An' }).waitFor();
    expect(await old.locator('.successors').innerText()).toBe('Nay thuộc: Phường Chiềng An');

    // a member found by a name typed without accents
    await page.fill('#q', 'ha thi hien');
    await page.press('#q', 'Enter');
    const member = page.locator('.hit-member');
    await member.first().waitFor();
    expect(await member.first().innerText()).toContain('Hà Thị Hiền');
    expect(await member.first().innerText()).toContain('Tổ trưởng');

    // a village says which commune it lies in; its team does not repeat the village its name has
    await page.fill('#q', 'ban hum');
    await page.press('#q', 'Enter');
    const village = page.locator('.hit-unit', { hasText: 'Bản Hụm' });
    await village.waitFor();
    expect(await village.innerText()).toBe('Bản Hụm — Phường Chiềng An · Thôn, bản, tổ dân phố · Sơn La');
    expect(await page.locator('.hit-team').allInnerTexts()).toEqual(['Tổ công nghệ số cộng đồng Bản Hụm · Phường Chiềng An, Sơn La']);
  });

  it('browses from the unit page to a team and its members, in Vietnamese', async () => {
    await page.goto(`${base}/office/#/don-vi/03664`);
    await page.getByRole('heading', { name: 'Phường Chiềng An' }).waitFor();
    await page.getByRole('link', { name: 'Bản Hụm' }).waitFor();
    // the village team's card does not name its village twice
    expect(await page.getByRole('button', { name: /Tổ công nghệ số cộng đồng Bản Hụm/ }).locator('.team-meta').innerText()).toBe('Cấp thôn, bản · 2 thành viên');
    const toggle = page.getByRole('button', { name: /Tổ công nghệ số cộng đồng xã Chiềng Xôm/ });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const rows = page.locator(`#${await toggle.getAttribute('aria-controls')} table.members tbody tr`);
    await rows.first().waitFor();
    const cells = await Promise.all((await rows.all()).map((r) => r.locator('td').allInnerTexts()));
    // STT | Họ và tên | Vai trò | Giới tính | Năm sinh | Điện thoại | Đoàn thể | Chức vụ
    expect(cells.map((c) => c.slice(1, 5))).toEqual([
      ['Hà Thị Hiền', 'Tổ trưởng', 'Nữ', '1995'],
      ['Lò Văn Dũng', 'Tổ phó', 'Nam', '1980'],
      ['Cầm Thị Lan', 'Thành viên', 'Nữ', '1999'],
    ]);
    expect(cells.map((c) => c[6])).toEqual(['Đoàn Thanh niên', 'Công an xã', 'Hội Liên hiệp Phụ nữ']);
    expect(cells[0][5]).toBe('0912 345 678');
  });

  it('puts roster text in the page as text, never as markup', async () => {
    // (numbers and dates the Vietnamese way: src/web/shared/format.test.ts, and the report's figures above)
    const evil = '<img src=x onerror="window.__xss=1">Lò Văn Xuyên';
    const csv = `Tỉnh,Xã/phường,Họ và tên,Năm sinh\nSơn La,Mai Sơn,"${evil.replace(/"/g, '""')}",1990\nSơn La,"<b>Mai</b> Sơn",Lò Văn Tư,1991\n`;
    await page.goto(`${base}/office/#/nhap`);
    await expect.poll(() => page.locator('#imp-province option[value="14"]').count()).toBe(1);
    await page.selectOption('#imp-province', '14');
    await page.setInputFiles('#imp-files', { name: 'ten-la.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Kiểm tra (chạy thử)' }).click();
    await page.getByRole('heading', { name: 'Kết quả chạy thử (chưa ghi gì)' }).waitFor();
    await page.locator('details.rows summary').click();
    const results = page.locator('#imp-results');
    expect(await results.locator('img, b').count()).toBe(0);
    expect(await results.innerText()).toContain('<b>Mai</b> Sơn');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('shows the server\'s message when a file is refused', async () => {
    await page.setInputFiles('#imp-files', { name: 'danh-sach.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%…') });
    await page.getByRole('button', { name: 'Kiểm tra (chạy thử)' }).click();
    const alert = page.locator('#imp-results [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toBe('Lỗi 422: Không đọc được tệp "danh-sach.pdf": đây là tệp PDF, không phải bảng tính. Hãy tải lên tệp Excel (.xlsx) hoặc CSV của danh sách.');
    expect(await page.getByRole('button', { name: 'Ghi vào sổ' }).isDisabled()).toBe(true);
  });

  it('raised no browser errors', () => {
    // the refused upload above is logged by Chromium as a failed resource load; nothing else may be
    expect(pageErrors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  });
});
