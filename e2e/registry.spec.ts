import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, setUpFieldTeam } from './field-setup.js';
import { type Harness, openPage, startHarness } from './harness.js';

/**
 * The registry by hand on the team page, as an officer does it: the Sơn La fixture imported
 * (commune team of Phường Chiềng An: Hà Thị Hiền leader, Lò Văn Dũng deputy, Cầm Thị Lan; village
 * team Bản Hụm: Lò Văn Bình leader, Quàng Thị Hoà), then a phone fixed, a member moved to the
 * village team, a second leader refused and then put in place with "Thay tổ trưởng"; the registry
 * is checked through the API after each step.
 */
let harness: Harness;
let admin: BrowserContext;
let page: Page;
let errors: string[];
let teamId: number;
let villageTeamId: number;
let members: Record<string, number>;

beforeAll(async () => {
  harness = await startHarness();
  ({ admin, teamId, members } = await setUpFieldTeam(harness.browser, harness.base));
  const { teams } = await getJson(admin.request, harness.base, '/api/teams?unit=03664');
  villageTeamId = teams.find((t: { level: string }) => t.level === 'village').id;
  ({ page, errors } = await openPage(harness.browser));
  await page.context().addCookies(await admin.cookies());
});
afterAll(async () => {
  await harness?.close();
});

const api = (p: string) => getJson(page.request, harness.base, p);
const names = async (id: number) => (await api(`/api/teams/${id}`)).members.map((m: { fullName: string; role: string; phone: string | null }) => [m.fullName, m.role, m.phone]);
const row = (name: string) => page.locator('table.members tbody tr', { hasText: name });

describe('web UI: keeping the registry by hand', () => {
  it('opens a new commune-level team from the commune page', async () => {
    // the session cookie was copied from the API context (no sign-in in this browser, so no "signed in" hint):
    // a page that needs a user makes the app ask who is signed in first
    await page.goto(`${harness.base}/office/#/to/${teamId}`);
    await page.locator('table.members').waitFor();
    await page.goto(`${harness.base}/office/#/don-vi/03664`);
    await page.getByRole('button', { name: 'Lập tổ mới cấp xã' }).click();
    await page.getByLabel('Tên tổ').fill('Tổ công nghệ số cộng đồng phường Chiềng An');
    await page.getByRole('button', { name: 'Lập tổ' }).click();
    await page.getByRole('heading', { name: 'Tổ công nghệ số cộng đồng phường Chiềng An' }).waitFor();
    const { teams } = await api('/api/teams?unit=03664');
    expect(teams.map((t: { name: string; members: number }) => [t.name, t.members]).sort()).toEqual([
      ['Tổ công nghệ số cộng đồng Bản Hụm', 2],
      ['Tổ công nghệ số cộng đồng phường Chiềng An', 0],
      ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', 3],
    ]);
  });

  it('fixes a phone from the member row; the row and the history show it', async () => {
    await page.goto(`${harness.base}/office/#/to/${teamId}`);
    await row('Cầm Thị Lan').getByRole('button', { name: 'Sửa' }).click();
    const editor = page.locator('.member-editor');
    await editor.getByLabel('Số điện thoại').fill('0912 333 444');
    await editor.getByRole('button', { name: 'Lưu thông tin' }).click();
    await page.getByText('Đã lưu thông tin của Cầm Thị Lan.').waitFor();
    await expect.poll(() => row('Cầm Thị Lan').innerText()).toContain('0912 333 444');
    expect(await names(teamId)).toEqual([
      ['Hà Thị Hiền', 'leader', '0912 345 678'],
      ['Lò Văn Dũng', 'deputy', '0987 654 321'],
      ['Cầm Thị Lan', 'member', '0912 333 444'],
    ]);
    const detail = await api(`/api/members/${members['Cầm Thị Lan']}`);
    expect(detail.history[0].text).toBe('đổi số điện thoại (trống) → 0912 333 444');
    await expect.poll(() => page.locator('ul.history li').first().innerText()).toContain('Cầm Thị Lan: ');
    await row('Cầm Thị Lan').getByRole('button', { name: 'Sửa' }).click();
    await page.locator('.member-editor').getByRole('tab', { name: 'Lịch sử' }).click();
    await expect.poll(() => page.locator('.member-editor ul.history').innerText()).toContain('đổi số điện thoại (trống) → 0912 333 444');
    await page.locator('.member-editor').getByRole('button', { name: 'Đóng' }).click();
  });

  it('refuses a wrong phone in the form with the server’s reason, changing nothing', async () => {
    await row('Lò Văn Dũng').getByRole('button', { name: 'Sửa' }).click();
    const editor = page.locator('.member-editor');
    await editor.getByLabel('Số điện thoại').fill('0123');
    await editor.getByRole('button', { name: 'Lưu thông tin' }).click();
    await expect.poll(() => editor.locator('.notice-error').innerText()).toContain('Số điện thoại');
    expect((await names(teamId))[1]).toEqual(['Lò Văn Dũng', 'deputy', '0987 654 321']);
    await editor.getByRole('button', { name: 'Đóng' }).click();
  });

  it('moves a member to the village team in one step; both teams and the former-members list agree', async () => {
    await row('Cầm Thị Lan').getByRole('button', { name: 'Sửa' }).click();
    const editor = page.locator('.member-editor');
    await editor.getByRole('tab', { name: 'Chuyển tổ' }).click();
    const select = editor.getByLabel('Chuyển sang tổ');
    await expect.poll(() => select.locator(`option[value="${villageTeamId}"]`).count()).toBe(1);
    await select.selectOption(String(villageTeamId));
    await editor.locator('button[type="submit"]').click();
    await page.getByText('Đã chuyển Cầm Thị Lan sang tổ mới.').waitFor();
    expect((await names(teamId)).map((m: string[]) => m[0])).toEqual(['Hà Thị Hiền', 'Lò Văn Dũng']);
    expect((await names(villageTeamId)).map((m: string[]) => m[0])).toEqual(['Lò Văn Bình', 'Quàng Thị Hoà', 'Cầm Thị Lan']);
    await expect.poll(() => page.locator('table', { hasText: 'Rời tổ' }).last().innerText()).toContain('Chuyển sang tổ khác');
  });

  it('adds a new leader: refused while one leads, then "Thay tổ trưởng" makes the old leader a member', async () => {
    await page.getByRole('button', { name: 'Thêm thành viên' }).click();
    const form = page.getByRole('form', { name: 'Thêm thành viên' });
    await form.getByLabel('Họ và tên').fill('Vì Văn Cường');
    await form.getByLabel('Giới tính').selectOption('male');
    await form.getByLabel('Năm sinh').fill('1988');
    await form.getByLabel('Vai trò trong tổ').selectOption('leader');
    await form.getByRole('button', { name: 'Thêm thành viên' }).click();
    await form.getByRole('button', { name: 'Thay tổ trưởng' }).click();
    await page.getByText('Đã thêm Vì Văn Cường vào tổ.').waitFor();
    expect((await names(teamId)).map((m: string[]) => [m[0], m[1]])).toEqual([
      ['Vì Văn Cường', 'leader'],
      ['Lò Văn Dũng', 'deputy'],
      ['Hà Thị Hiền', 'member'],
    ]);
    // the refusals the forms showed (400 wrong phone, 409 second leader) are the only failed requests
    expect(errors.filter((e) => !/status of (400|409)/.test(e))).toEqual([]);
    expect(errors.length).toBe(2);
  });

  it('makes an account from a member row and prints the one-time code alone', async () => {
    await page.goto(`${harness.base}/office/#/to/${teamId}`);
    await row('Lò Văn Dũng').getByRole('button', { name: 'Tạo tài khoản' }).click();
    const slip = page.locator('.slip');
    await slip.waitFor();
    const text = await slip.innerText();
    expect(text).toContain('Lò Văn Dũng');
    expect(text).toContain('Thành viên · Tổ công nghệ số cộng đồng xã Chiềng Xôm');
    // the office UI, where "Đăng nhập" is, lives at /office/ (`/` is the residents' portal)
    expect(text).toContain(`Vào ${harness.base}/office/, chọn "Đăng nhập" → "Quên mật khẩu / Có mã đặt lại"`);
    const code = (await slip.locator('.slip-code').innerText()).replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    await expect.poll(() => row('Lò Văn Dũng').innerText()).toContain('Đã có tài khoản');
    // "In mã" prints, and the printed page holds only the slips
    await page.evaluate(() => ((window as unknown as { printed: number }).printed = 0, (window.print = () => void (window as unknown as { printed: number }).printed++)));
    await page.getByRole('button', { name: 'In mã', exact: true }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect([await slip.isVisible(), await page.locator('table.members').isVisible(), await page.locator('.slips .notice').first().isVisible()]).toEqual([true, false, false]);
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: 'Đã in xong, đóng' }).click();
    expect(await page.locator('.slip').count()).toBe(0);
    // the person sets their own password with the code, then signs in with their phone
    const person = await harness.browser.newContext();
    const { token } = await (await person.request.get(`${harness.base}/api/auth/csrf`)).json();
    const reset = await person.request.post(`${harness.base}/api/auth/reset`, { data: { login: '0987 654 321', code, newPassword: 'Ban-Hum-mua-lua-2026' }, headers: { 'x-csrf-token': token } });
    expect(reset.status()).toBe(200);
    const login = await person.request.post(`${harness.base}/api/auth/login`, { data: { login: '0987654321', password: 'Ban-Hum-mua-lua-2026' }, headers: { 'x-csrf-token': token } });
    expect([login.status(), (await login.json()).user.role]).toEqual([200, 'member']);
    await person.close();
  });

  it('reads the network report as of a day and the joins and leaves of a period', async () => {
    const yesterday = new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await page.goto(`${harness.base}/office/#/bao-cao/03664?ngay=${yesterday}&tu=${yesterday}&den=${today}`);
    await page.getByRole('heading', { name: /Báo cáo mạng lưới/ }).waitFor();
    expect(await page.locator('.page-head .meta').innerText()).toContain(`mạng lưới tại ngày ${yesterday.split('-').reverse().join('/')}`);
    // everything was imported today: yesterday the commune had no members
    expect(await page.locator('[data-stat="members"] .stat-value').innerText()).toBe('0');
    // Vì Văn Cường joined, Cầm Thị Lan transferred in; 1 transfer out (the leader's role change is neither);
    // the 5 imported without a join date are counted apart, not as the period's joins
    expect(await page.locator('[data-stat="movement"] .stat-value').innerText()).toBe('+2 / −1');
    expect(await page.locator('[data-stat="movement"]').innerText()).toContain('ngoài ra 5 người có trong danh sách nhập');
  });
});
