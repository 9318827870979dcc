import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, setUpFieldTeam } from './field-setup.js';
import { type Harness, openPage, screenshots, startHarness } from './harness.js';

/**
 * The accounts page as a commune officer of Phường Chiềng An (03664) uses it, on the Sơn La
 * fixture (team leader Hà Thị Hiền's account made by the admin; an account in Xã Mai Sơn too):
 * search without diacritics or by phone (only their commune's accounts), create an account and
 * print its temporary password (the printed page holds only the slip), change an account's role
 * and team with "Sửa", lock it ("Khoá": signed out, cannot sign in) and unlock it.
 */
const OFFICER = { name: 'Lò Thị Mai', login: 'mai.chiengan', password: 'Hoa-ban-no-trang-2026' };
/** Chromium logs every 4xx answer as a console error; the sign-in refused on purpose below makes none (it is an API call) */
let harness: Harness;
let admin: BrowserContext;
let page: Page;
let errors: string[];
let villageTeamId: number;

beforeAll(async () => {
  harness = await startHarness();
  ({ admin } = await setUpFieldTeam(harness.browser, harness.base));
  const { teams } = await getJson(admin.request, harness.base, '/api/teams?unit=03664');
  villageTeamId = teams.find((t: { level: string }) => t.level === 'village').id;
  const { teams: mai } = await getJson(admin.request, harness.base, '/api/teams?unit=04105');
  await postJson(admin.request, harness.base, '/api/users', { fullName: 'Nguyễn Văn Tùng', phone: '0915 111 222', password: 'tam-thoi-mai-son', role: 'team_leader', teamId: mai[0].id });
  await postJson(admin.request, harness.base, '/api/users', { fullName: OFFICER.name, username: OFFICER.login, password: 'cap-tam-thoi-47', role: 'commune_officer', unit: '03664' });
  ({ page, errors } = await openPage(harness.browser));
  // the officer's first password is replaced through the API of their own browser (the sign-in page is tested in auth.spec.ts)
  await postJson(page.request, harness.base, '/api/auth/login', { login: OFFICER.login, password: 'cap-tam-thoi-47' });
  await postJson(page.request, harness.base, '/api/auth/password', { currentPassword: 'cap-tam-thoi-47', newPassword: OFFICER.password });
});
afterAll(async () => {
  await harness?.close();
});

const row = (name: string) => page.locator('table.users tbody tr', { hasText: name });
const names = () => page.locator('table.users tbody tr td:first-child').allInnerTexts();
const api = (p: string) => getJson(page.request, harness.base, p);
const hien = async () => (await api('/api/users?q=ha%20thi%20hien')).users[0];

describe('web UI: the accounts page', () => {
  it('searches accounts by name without diacritics and by phone, only in the officer’s commune', async () => {
    await page.goto(`${harness.base}/office/#/tai-khoan`);
    await page.getByRole('heading', { name: 'Tài khoản', exact: true }).waitFor();
    await expect.poll(names).toEqual(['Hà Thị Hiền', `${OFFICER.name}bạn`]);
    const search = page.getByRole('searchbox', { name: 'Tìm tài khoản' });
    await search.fill('ha thi hien');
    await expect.poll(names).toEqual(['Hà Thị Hiền']);
    expect(await page.locator('.filter [aria-live]').innerText()).toBe('1 tài khoản khớp "ha thi hien"');
    await search.fill('0912 345');
    await expect.poll(names).toEqual(['Hà Thị Hiền']);
    // Xã Mai Sơn's account is not the officer's to see
    await search.fill('nguyen van tung');
    await page.getByText('Không có tài khoản nào khớp từ khoá.').waitFor();
    await search.fill('');
    await expect.poll(names).toEqual(['Hà Thị Hiền', `${OFFICER.name}bạn`]);
    // one's own row offers no change
    expect(await row(OFFICER.name).locator('button').count()).toBe(0);
  });

  it('creates an account and prints its temporary password, shown once, alone on the printed page', async () => {
    await page.selectOption('#acc-role', 'member');
    await expect.poll(() => page.locator(`#acc-team option[value="${villageTeamId}"]`).count()).toBe(1);
    await page.selectOption('#acc-team', String(villageTeamId));
    await page.fill('#acc-name', 'Quàng Thị Hoà');
    await page.fill('#acc-username', 'hoa.banhum');
    await page.getByRole('button', { name: 'Tạo ngẫu nhiên' }).click();
    const password = await page.inputValue('#acc-password');
    expect(password).toMatch(/^[a-z]+-[a-z]+-[a-z]+-\d\d$/);
    await page.getByRole('button', { name: 'Tạo tài khoản', exact: true }).click();
    const slip = page.locator('.secret-slip');
    await slip.waitFor();
    expect(await slip.locator('h3').innerText()).toBe('Mật khẩu tạm cho Quàng Thị Hoà');
    expect(await slip.locator('.slip-login').innerText()).toBe('Đăng nhập bằng: hoa.banhum');
    expect(await slip.locator('.reset-code').innerText()).toBe(password);
    // the form forgot it; the list has the new account
    expect(await page.inputValue('#acc-password')).toBe('');
    await row('Quàng Thị Hoà').waitFor();
    expect((await row('Quàng Thị Hoà').locator('td').allInnerTexts()).slice(0, 5)).toEqual(['Quàng Thị Hoà', 'hoa.banhum', 'Thành viên', 'Tổ công nghệ số cộng đồng Bản Hụm · Bản Hụm', 'Chờ đổi mật khẩu']);
    // "In" prints; printed, the page holds the slip and nothing else
    await page.evaluate(() => ((window as unknown as { printed: number }).printed = 0, (window.print = () => void (window as unknown as { printed: number }).printed++)));
    await slip.getByRole('button', { name: 'In', exact: true }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await screenshots(page, 'accounts-slip');
    await page.emulateMedia({ media: 'print' });
    expect([await slip.locator('.reset-code').isVisible(), await page.locator('table.users').isVisible(), await page.locator('#create-user-form').isVisible(), await slip.getByRole('button', { name: 'In' }).isVisible()]).toEqual([true, false, false, false]);
    await page.emulateMedia({ media: 'screen' });
    await slip.getByRole('button', { name: 'Đã trao mật khẩu — ẩn đi' }).click();
    expect(await page.locator('.secret-slip').count()).toBe(0);
    // the person signs in with it (and must replace it)
    const person = await harness.browser.newContext();
    const signed = await postJson(person.request, harness.base, '/api/auth/login', { login: 'hoa.banhum', password });
    expect(signed.user.mustChangePassword).toBe(true);
    await person.close();
  });

  it('"Sửa" changes the role, then the team', async () => {
    await row('Hà Thị Hiền').getByRole('button', { name: 'Sửa tài khoản Hà Thị Hiền' }).click();
    const editor = page.locator('.account-editor');
    await editor.getByRole('heading', { name: 'Sửa tài khoản Hà Thị Hiền' }).waitFor();
    await expect.poll(() => page.locator('#edit-team option:checked').innerText()).toBe('Tổ công nghệ số cộng đồng xã Chiềng Xôm');
    await page.selectOption('#edit-role', 'member');
    await editor.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.locator('#reset-code-box .notice-ok').waitFor();
    expect(await page.locator('#reset-code-box').innerText()).toBe('Đã lưu thay đổi của Hà Thị Hiền: Thành viên, Tổ công nghệ số cộng đồng xã Chiềng Xôm · Phường Chiềng An.');
    expect(await page.locator('.account-editor').count()).toBe(0);
    await expect.poll(async () => (await row('Hà Thị Hiền').locator('td').allInnerTexts())[2]).toBe('Thành viên');
    expect([(await hien()).role, (await hien()).teamName]).toEqual(['member', 'Tổ công nghệ số cộng đồng xã Chiềng Xôm']);

    await row('Hà Thị Hiền').getByRole('button', { name: 'Sửa tài khoản Hà Thị Hiền' }).click();
    await expect.poll(() => page.locator(`#edit-team option[value="${villageTeamId}"]`).count()).toBe(1);
    await page.selectOption('#edit-team', String(villageTeamId));
    await page.locator('.account-editor').getByRole('button', { name: 'Lưu thay đổi' }).click();
    await expect.poll(async () => (await row('Hà Thị Hiền').locator('td').allInnerTexts())[3]).toBe('Tổ công nghệ số cộng đồng Bản Hụm · Bản Hụm');
    expect((await hien()).teamId).toBe(villageTeamId);
  });

  it('"Khoá" signs the account out and keeps it out; "Mở khoá" lets it in again; the audit log has each change', async () => {
    // Hà Thị Hiền signs in on her phone (with the password the admin issued)
    const phone = await harness.browser.newContext();
    await postJson(phone.request, harness.base, '/api/auth/login', { login: '0912345678', password: 'cap-tam-thoi-47' });
    expect((await getJson(phone.request, harness.base, '/api/auth/me')).user.fullName).toBe('Hà Thị Hiền');

    page.once('dialog', (d) => void d.accept());
    await row('Hà Thị Hiền').getByRole('button', { name: 'Khoá tài khoản Hà Thị Hiền' }).click();
    await expect.poll(async () => (await row('Hà Thị Hiền').locator('td').allInnerTexts())[4]).toBe('Đã khoá');
    expect(await page.locator('#reset-code-box').innerText()).toBe('Đã khoá tài khoản của Hà Thị Hiền; mọi phiên đăng nhập của họ đã kết thúc.');
    expect((await getJson(phone.request, harness.base, '/api/auth/me')).user).toBeNull();
    const { token } = await (await phone.request.get(`${harness.base}/api/auth/csrf`)).json();
    const refused = await phone.request.post(`${harness.base}/api/auth/login`, { data: { login: '0912345678', password: 'cap-tam-thoi-47' }, headers: { 'x-csrf-token': token } });
    expect(refused.status()).toBe(401);
    // a locked account gets no reset code
    expect(await row('Hà Thị Hiền').getByRole('button', { name: 'Cấp mã đặt lại mật khẩu' }).count()).toBe(0);

    await row('Hà Thị Hiền').getByRole('button', { name: 'Mở khoá tài khoản Hà Thị Hiền' }).click();
    await expect.poll(async () => (await row('Hà Thị Hiền').locator('td').allInnerTexts())[4]).toBe('Chờ đổi mật khẩu');
    expect((await postJson(phone.request, harness.base, '/api/auth/login', { login: '0912345678', password: 'cap-tam-thoi-47' })).user.fullName).toBe('Hà Thị Hiền');
    await phone.close();

    const { entries } = await api('/api/audit?unit=03664');
    const id = String((await hien()).id);
    const mine = entries.filter((e: { action: string; entityId: string }) => e.action.startsWith('user.') && e.entityId === id);
    expect(mine.map((e: { action: string; before: unknown; after: unknown }) => [e.action, e.before, e.after])).toEqual([
      ['user.enabled', { disabled: true }, { disabled: false }],
      ['user.disabled', { disabled: false }, { disabled: true }],
      ['user.updated', { unit: '03664', teamId: expect.any(Number) }, { unit: expect.stringMatching(/^03664\.\d{3}$/), teamId: villageTeamId }],
      ['user.updated', { role: 'team_leader' }, { role: 'member' }],
      ['user.created', null, expect.objectContaining({ fullName: 'Hà Thị Hiền', role: 'team_leader' })],
    ]);
    await screenshots(page, 'accounts');
    expect(errors).toEqual([]);
  });
});
