import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openPage, screenshots, startHarness } from './harness.js';

/**
 * Accounts in the browser, on a fresh database, with two people at two browsers:
 * the admin (first run) creates a commune officer for Phường Chiềng An (03664, Sơn La), who
 * must change the issued password at first sign-in, may not open another commune's report,
 * gets locked out after five wrong passwords, and gets back in with a one-time code the admin
 * issues on the accounts page. The audit page shows all of it.
 */
const ADMIN = { name: 'Quàng Văn Quản', login: 'quantri', password: 'Son-La-2026-khoi-tao' };
const OFFICER = { name: 'Lò Thị Mai', login: 'mai.chiengan', issued: 'cap-tam-thoi-47', own: 'Ban-Hum-mua-xuan-2026', after: 'Hoa-ban-no-trang-2027' };
/** Chromium logs every 4xx answer as a console error; these are the refusals the flow provokes on purpose. */
const EXPECTED_REFUSALS = /Failed to load resource: the server responded with a status of (401|403|423)/;

let harness: Harness;
let base: string;
/** the admin's browser */
let admin: Page;
let adminContext: BrowserContext;
/** the commune officer's browser */
let officer: Page;
/** console errors and uncaught exceptions of both browsers */
let errors: string[][] = [];

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  const a = await openPage(harness.browser);
  const b = await openPage(harness.browser);
  ({ page: admin, context: adminContext } = a);
  officer = b.page;
  errors = [a.errors, b.errors];
});

afterAll(async () => {
  await harness?.close();
});

const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true }).waitFor();
const alertText = (page: Page, scope: string) => page.locator(`${scope} [role="alert"]`).innerText();

async function signIn(page: Page, login: string, password: string) {
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

/** Waits until the sign-in form has answered (the button is enabled again) and returns the message shown. */
async function signInRefused(page: Page, login: string, password: string) {
  await signIn(page, login, password);
  const out = page.locator('#sign-in-form .form-out [role="alert"]');
  await out.waitFor();
  await expect.poll(() => page.getByRole('button', { name: 'Đăng nhập', exact: true }).isEnabled()).toBe(true);
  return out.innerText();
}

/** "dd/mm/yyyy HH:mm" in Vietnam time. */
function vnMinute(ms: number) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

let resetCode = '';

describe('web UI: accounts, sign-in, scope and audit', () => {
  it('first run: "Khởi tạo hệ thống" creates the admin, who is then signed in', async () => {
    await admin.goto(`${base}/office/`);
    await heading(admin, 'Khởi tạo hệ thống');
    expect(admin.url()).toBe(`${base}/office/#/khoi-tao`);
    // nothing but the first-run form: no menu items for anyone yet
    expect(await admin.locator('.nav a[data-nav]:visible').allInnerTexts()).toEqual(['Đơn vị và tổ']);
    await screenshots(admin, 'setup');
    await admin.fill('#setup-name', ADMIN.name);
    await admin.fill('#setup-username', ADMIN.login);
    await admin.fill('#setup-password', ADMIN.password);
    await admin.fill('#setup-password2', 'khac-mat-khau-1');
    await admin.getByRole('button', { name: 'Tạo tài khoản quản trị' }).click();
    expect(await alertText(admin, '#setup-form')).toBe('Hai lần nhập mật khẩu không khớp.');
    await admin.fill('#setup-password2', ADMIN.password);
    await admin.getByRole('button', { name: 'Tạo tài khoản quản trị' }).click();
    await heading(admin, 'Tỉnh, thành phố');
    expect(await admin.locator('.user-name').innerText()).toBe(ADMIN.name);
    expect(await admin.locator('.user-role').innerText()).toBe('Quản trị hệ thống');
    expect(await admin.locator('main .notice-ok').innerText()).toBe(`Đã khởi tạo hệ thống. Bạn đang đăng nhập là quản trị viên: ${ADMIN.name}.`);
  });

  it('once an admin exists the first-run page is gone: it sends visitors to sign-in', async () => {
    expect(await (await officer.request.get(`${base}/api/setup`)).json()).toEqual({ needed: false });
    await officer.goto(`${base}/office/#/khoi-tao`);
    await heading(officer, 'Đăng nhập');
    expect(officer.url()).toBe(`${base}/office/#/dang-nhap`);
    expect(await officer.locator('#setup-form').count()).toBe(0);
    // signed out: the catalogue only, and a sign-in button in the header
    expect(await officer.locator('.nav a[data-nav]:visible').allInnerTexts()).toEqual(['Đơn vị và tổ']);
    expect(await officer.locator('.user-name').count()).toBe(0);
    await screenshots(officer, 'sign-in');
  });

  it('signing in with a wrong password shows the server\'s message', async () => {
    expect(await signInRefused(officer, ADMIN.login, 'sai-mat-khau-1')).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    expect(officer.url()).toBe(`${base}/office/#/dang-nhap`);
    expect(await officer.locator('.user-name').count()).toBe(0);
  });

  it('an admin creates a commune officer for Phường Chiềng An (03664) on the accounts page', async () => {
    await admin.getByRole('link', { name: 'Tài khoản', exact: true }).click();
    await heading(admin, 'Tài khoản');
    const rows = admin.locator('table.users tbody tr');
    await rows.first().waitFor(); // the list loads after the page's heading shows
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').first().innerText()).toContain(ADMIN.name);

    await admin.selectOption('#acc-role', 'commune_officer');
    await admin.selectOption('#acc-province', '14');
    await expect.poll(() => admin.locator('#acc-commune option[value="03664"]').count()).toBe(1);
    await admin.selectOption('#acc-commune', '03664');
    await admin.fill('#acc-name', OFFICER.name);
    await admin.fill('#acc-username', OFFICER.login);
    await admin.fill('#acc-password', OFFICER.issued);
    await admin.getByRole('button', { name: 'Tạo tài khoản', exact: true }).click();
    const ok = admin.locator('#create-user-form .notice-ok');
    await ok.waitFor();
    expect(await ok.innerText()).toContain(`Đã tạo tài khoản ${OFFICER.name} (${OFFICER.login}, Cán bộ xã, Phường Chiềng An)`);
    const row = admin.locator('table.users tbody tr', { hasText: OFFICER.name });
    await row.waitFor();
    // Họ và tên | Đăng nhập | Vai trò | Đơn vị | Trạng thái | Thao tác
    expect((await row.locator('td').allInnerTexts()).slice(0, 5)).toEqual([OFFICER.name, OFFICER.login, 'Cán bộ xã', 'Phường Chiềng An', 'Chờ đổi mật khẩu']);
  });

  it('a user created by an officer must change the password at first sign-in, then comes back to the page asked for', async () => {
    await officer.goto(`${base}/office/#/bao-cao/03664`);
    await heading(officer, 'Đăng nhập');
    expect(officer.url()).toBe(`${base}/office/#/dang-nhap?tiep=bao-cao%2F03664`);
    expect(await officer.locator('main .notice-info').innerText()).toContain('Hãy đăng nhập để mở trang này');
    await signIn(officer, OFFICER.login, OFFICER.issued);
    await heading(officer, 'Đổi mật khẩu');
    expect(await officer.locator('main .notice-info').innerText()).toContain('Cần đổi mật khẩu trước khi tiếp tục.');
    // every other page waits until the password is changed
    await officer.goto(`${base}/office/#/nhap`);
    await expect.poll(() => officer.url()).toBe(`${base}/office/#/doi-mat-khau?tiep=nhap`);
    await heading(officer, 'Đổi mật khẩu');
    await officer.goto(`${base}/office/#/doi-mat-khau?tiep=bao-cao%2F03664`);
    await heading(officer, 'Đổi mật khẩu');

    // the server's rule, and its message for a wrong current password
    await officer.fill('#current-password', 'khong-phai-mat-khau');
    await officer.fill('#new-password', OFFICER.own);
    await officer.fill('#new-password2', OFFICER.own);
    await officer.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await officer.locator('#password-form [role="alert"]').waitFor();
    expect(await alertText(officer, '#password-form')).toBe('Mật khẩu hiện tại không đúng.');
    await officer.fill('#current-password', OFFICER.issued);
    await officer.fill('#new-password', '12345678');
    await officer.fill('#new-password2', '12345678');
    await officer.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    expect(await alertText(officer, '#password-form')).toBe('Mật khẩu không được chỉ gồm chữ số.');

    await officer.fill('#new-password', OFFICER.own);
    await officer.fill('#new-password2', OFFICER.own);
    await officer.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await heading(officer, 'Báo cáo mạng lưới: Phường Chiềng An');
    expect(await officer.locator('main .notice-ok').innerText()).toBe('Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới.');
    expect(await officer.locator('.user-name').innerText()).toBe(OFFICER.name);
    expect(await officer.locator('.user-role').innerText()).toBe('Cán bộ xã');
    expect(await officer.locator('.nav a[data-nav]:visible').allInnerTexts()).toEqual(['Đơn vị và tổ', 'Nhập danh sách', 'Báo cáo', 'Hoạt động', 'Tập huấn', 'Chỉ đạo', 'Trang người dân', 'Nhờ hỗ trợ', 'Tài khoản', 'Xem xét buổi', 'Nhật ký']);
  });

  it('a commune officer opening another commune\'s report is told it is outside their scope', async () => {
    await officer.goto(`${base}/office/#/bao-cao/04105`);
    await heading(officer, 'Ngoài phạm vi được giao');
    const alert = await alertText(officer, 'main');
    expect(alert).toContain('Trang này ngoài phạm vi tài khoản của bạn.');
    expect(alert).toContain('Xã Mai Sơn');
    expect(alert).toContain('ngoài phạm vi được giao');
    await officer.getByRole('link', { name: 'Báo cáo của Phường Chiềng An' }).click();
    await heading(officer, 'Báo cáo mạng lưới: Phường Chiềng An');
    // "Báo cáo" in the menu opens the officer's own commune
    await officer.locator('.nav').getByRole('link', { name: 'Báo cáo', exact: true }).click();
    await expect.poll(() => officer.url()).toBe(`${base}/office/#/bao-cao/03664`);
    await heading(officer, 'Báo cáo mạng lưới: Phường Chiềng An');
  });

  it('five wrong passwords lock the account: the message is shown, and then the right password is refused too', async () => {
    await officer.getByRole('button', { name: 'Đăng xuất' }).click();
    await heading(officer, 'Đăng nhập');
    expect(await officer.locator('main .notice-ok').innerText()).toBe('Đã đăng xuất.');
    expect(await officer.locator('.nav a[data-nav]:visible').allInnerTexts()).toEqual(['Đơn vị và tổ']);
    for (let i = 1; i <= 4; i++) expect(await signInRefused(officer, OFFICER.login, `sai-lan-thu-${i}`)).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    expect(await signInRefused(officer, OFFICER.login, 'sai-lan-thu-5')).toBe('Nhập sai mật khẩu 5 lần: tài khoản tạm khoá 15 phút.');
    const locked = await signInRefused(officer, OFFICER.login, OFFICER.own);
    expect(locked).toMatch(/^Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần; thử lại sau 1[45] phút hoặc nhờ cán bộ cấp mã đặt lại mật khẩu\.$/);
    expect(officer.url()).toBe(`${base}/office/#/dang-nhap`);
    expect(await officer.locator('.user-name').count()).toBe(0);
  });

  it('the admin issues a one-time reset code on the accounts page: 8 digits, shown once, with its expiry in Vietnam time', async () => {
    await admin.reload();
    await heading(admin, 'Tài khoản');
    const row = admin.locator('table.users tbody tr', { hasText: OFFICER.name });
    expect(await row.locator('td').nth(4).innerText()).toMatch(/^Tạm khoá đến \d\d:\d\d$/);
    const issue = () => row.getByRole('button', { name: 'Cấp mã đặt lại mật khẩu' }).click();
    await issue();
    await admin.locator('.code-card').waitFor();
    const first = await admin.locator('.reset-code').getAttribute('data-code');
    await admin.getByRole('button', { name: 'Đã trao mã — ẩn đi' }).click();
    expect(await admin.locator('.code-card').count()).toBe(0);

    // issued again with a stale CSRF cookie: the page fetches a new token and retries once, unnoticed;
    // the new code replaces the first one
    const refused = () => errors[0].filter((e) => e.includes('status of 403')).length;
    const refusedBefore = refused();
    await adminContext.clearCookies({ name: '_csrf' });
    const issuedAt = Date.now();
    await issue();
    const card = admin.locator('.code-card');
    await card.waitFor();
    expect(await card.locator('h3').innerText()).toBe(`Mã đặt lại mật khẩu cho ${OFFICER.name}`);
    resetCode = (await card.locator('.reset-code').getAttribute('data-code')) ?? '';
    expect(resetCode).toMatch(/^\d{8}$/);
    expect(refused()).toBe(refusedBefore + 1); // the first try was refused (CSRF_INVALID), the retry went through
    expect(resetCode).not.toBe(first);
    expect(await card.locator('.reset-code').innerText()).toBe(`${resetCode.slice(0, 4)} ${resetCode.slice(4)}`);
    const expiry = await card.locator('.code-expiry').innerText();
    const due = [vnMinute(issuedAt + 86400000), vnMinute(Date.now() + 86400000)];
    expect(due.map((d) => `Dùng được một lần, đến ${d} (giờ Việt Nam).`)).toContain(expiry);
    expect(await card.locator('.advice').innerText()).toContain('Trao tận tay hoặc đọc qua điện thoại');
    expect(await card.locator('.advice').innerText()).toContain(`nhập ${OFFICER.login}, mã này và mật khẩu mới`);
    await screenshots(admin, 'accounts');
  });

  it('the officer sets a new password with "Có mã đặt lại" and signs in', async () => {
    await officer.getByRole('button', { name: 'Quên mật khẩu / Có mã đặt lại' }).click();
    await officer.fill('#reset-login', OFFICER.login);
    await officer.fill('#reset-code', `${resetCode.slice(0, 4)} ${resetCode.slice(4)}`); // typed as shown, with the space
    await officer.fill('#reset-password', OFFICER.after);
    await officer.fill('#reset-password2', OFFICER.after);
    await officer.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
    const ok = officer.locator('#reset-form .notice-ok');
    await ok.waitFor();
    expect(await ok.innerText()).toBe('Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới ở khung phía trên.');
    expect(await officer.inputValue('#login')).toBe(OFFICER.login);
    await officer.fill('#password', OFFICER.after);
    await officer.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await heading(officer, 'Tỉnh, thành phố');
    expect(await officer.locator('.user-name').innerText()).toBe(OFFICER.name);
    expect(await officer.locator('.my-unit strong').innerText()).toBe('Phường Chiềng An');

    // the code works once
    const { token } = await (await officer.request.get(`${base}/api/auth/csrf`)).json();
    const again = await officer.request.post(`${base}/api/auth/reset`, { data: { login: OFFICER.login, code: resetCode, newPassword: 'Lai-lan-nua-2026' }, headers: { 'x-csrf-token': token } });
    expect(again.status()).toBe(400);
    expect((await again.json()).error.code).toBe('CODE_INVALID');
  });

  it('the audit page lists the sign-ins, the lockout, the reset and the refused access, in Vietnamese', async () => {
    await admin.getByRole('link', { name: 'Nhật ký', exact: true }).click();
    await heading(admin, 'Nhật ký truy cập và thay đổi');
    expect(await admin.locator('#audit-province option:checked').innerText()).toBe('Toàn hệ thống');
    const rows = admin.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const cells = await Promise.all((await rows.all()).map((r) => r.locator('td').allInnerTexts()));
    // Thời điểm | Hoạt động | Người thực hiện | Đối tượng | Chi tiết | Địa chỉ IP
    for (const c of cells) expect(c[0]).toMatch(/^\d\d\/\d\d\/20\d\d \d\d:\d\d:\d\d$/);
    const has = (action: string, who: string, what = '', detail = '') =>
      expect(cells.some((c) => c[1] === action && c[2] === who && c[3].includes(what) && c[4].includes(detail)), `${action} / ${who} / ${what} / ${detail}`).toBe(true);
    has('Đăng nhập', ADMIN.name, ADMIN.name);
    has('Đăng nhập', OFFICER.name, OFFICER.name);
    has('Đăng nhập sai', 'Chưa đăng nhập', ADMIN.name, 'Sai mật khẩu');
    has('Khoá tài khoản', 'Chưa đăng nhập', OFFICER.name, 'tạm khoá 15 phút');
    has('Tạo tài khoản', 'Khởi tạo hệ thống', ADMIN.name, `Quản trị hệ thống · ${ADMIN.login}`);
    has('Tạo tài khoản', ADMIN.name, OFFICER.name, `Cán bộ xã · ${OFFICER.login}`);
    has('Đổi mật khẩu', OFFICER.name, OFFICER.name);
    has('Cấp mã đặt lại', ADMIN.name, OFFICER.name);
    has('Đặt lại mật khẩu', OFFICER.name, OFFICER.name);
    has('Từ chối truy cập', OFFICER.name, 'GET /api/reports/network', 'Ngoài phạm vi được giao');
    has('Từ chối truy cập', ADMIN.name, 'POST /api/users/:id/reset', 'Thiếu mã chống giả mạo (CSRF)');
    expect(cells[0][5]).toBe('127.0.0.1');

    // only the refusals
    await admin.selectOption('#audit-action', 'access.denied');
    const denied = await admin.locator('table.audit tbody tr:visible td:nth-child(2)').allInnerTexts();
    expect(denied.length).toBeGreaterThan(0);
    expect(new Set(denied)).toEqual(new Set(['Từ chối truy cập']));

    expect(await admin.locator('#audit-csv').getAttribute('href')).toBe('/api/audit?format=csv&limit=10000');
    const csv = await (await admin.request.get(base + '/api/audit?format=csv')).text();
    expect(csv).toContain('access.denied');
    await admin.selectOption('#audit-action', '');
    await screenshots(admin, 'audit');
  });

  it('the commune officer\'s audit page is of their own commune and shows the refused access', async () => {
    await officer.getByRole('link', { name: 'Nhật ký', exact: true }).click();
    await heading(officer, 'Nhật ký truy cập và thay đổi');
    expect(await officer.locator('.fixed-unit').innerText()).toBe('Phường Chiềng An');
    const rows = officer.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const actions = await officer.locator('table.audit tbody tr td:nth-child(2)').allInnerTexts();
    expect(actions).toContain('Từ chối truy cập');
    expect(actions).toContain('Tạo tài khoản');
    expect(await officer.locator('#audit-csv').getAttribute('href')).toBe('/api/audit?unit=03664&format=csv&limit=10000');
    await screenshots(officer, 'audit-commune');
  });

  it('raised no unexpected browser errors', () => {
    expect(errors.flat().filter((e) => !EXPECTED_REFUSALS.test(e))).toEqual([]);
  });
});
