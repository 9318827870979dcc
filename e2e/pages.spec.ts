import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openPage, startHarness } from './harness.js';

/**
 * Every page of the office UI and the field app, opened by the person it is for, on a fresh
 * database: the page shows its heading, and the browser logged no error and threw nothing while
 * it loaded. The set-up goes through the API: first run (the admin), the Sơn La roster fixture,
 * one support session, a commune officer of Phường Chiềng An (03664) and a team leader of one of
 * its teams, each with their own browser.
 */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'to-cnscd-son-la.csv');
const ADMIN = { fullName: 'Quàng Văn Quản', username: 'quantri', password: 'Son-La-2026-khoi-tao' };
const OFFICER = { fullName: 'Lò Thị Mai', username: 'mai.chiengan', issued: 'cap-tam-thoi-47', password: 'Ban-Hum-mua-xuan-2026' };
const LEADER = { fullName: 'Hà Thị Hiền', username: 'hien.chiengan', issued: 'cap-tam-thoi-48', password: 'Hoa-ban-no-trang-2027' };

let harness: Harness;
let base: string;
let teamId: number;
const people: Record<'visitor' | 'admin' | 'officer' | 'leader', { page: Page; errors: string[] }> = {} as never;

async function write(request: APIRequestContext, p: string, opts: { data?: unknown; multipart?: Record<string, { name: string; mimeType: string; buffer: Buffer }> }) {
  const { token } = await (await request.get(`${base}/api/auth/csrf`)).json();
  const res = await request.post(base + p, { ...opts, headers: { 'x-csrf-token': token } } as never);
  expect([p, res.status()]).toEqual([p, 200]);
  return res.json();
}

async function signedIn(who: { username: string; issued?: string; password: string }) {
  const p = await openPage(harness.browser);
  if (who.issued) {
    await write(p.page.request, '/api/auth/login', { data: { login: who.username, password: who.issued } });
    await write(p.page.request, '/api/auth/password', { data: { currentPassword: who.issued, newPassword: who.password } });
  } else await write(p.page.request, '/api/auth/login', { data: { login: who.username, password: who.password } });
  return p;
}

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  people.visitor = await openPage(harness.browser);
  // the first-run page, before anyone set the platform up
  await people.visitor.page.goto(`${base}/office/`);
  await people.visitor.page.getByRole('heading', { name: 'Khởi tạo hệ thống', exact: true }).waitFor();

  const adminContext = await harness.browser.newContext();
  await write(adminContext.request, '/api/setup', { data: ADMIN });
  await write(adminContext.request, '/api/imports?commit=true&province=14', { multipart: { file: { name: 'to-cnscd-son-la.csv', mimeType: 'text/csv', buffer: await readFile(FIXTURE) } } });
  const { teams } = await (await adminContext.request.get(`${base}/api/teams?unit=03664`)).json();
  teamId = (teams as { id: number; level: string }[]).find((t) => t.level === 'commune')!.id;
  const team = await (await adminContext.request.get(`${base}/api/teams/${teamId}`)).json();
  const member = (team.members as { memberId: number; fullName: string }[]).find((m) => m.fullName === LEADER.fullName)!;
  await write(adminContext.request, '/api/support-sessions/sync', {
    data: { records: [{ id: crypto.randomUUID(), teamId, memberIds: [member.memberId], occurredAt: new Date(Date.now() - 3_600_000).toISOString(), kind: 'home', services: [{ code: 'vneid', outcome: 'informed' }] }] },
  });
  await write(adminContext.request, '/api/users', { data: { fullName: OFFICER.fullName, username: OFFICER.username, password: OFFICER.issued, role: 'commune_officer', unit: '03664' } });
  await write(adminContext.request, '/api/users', { data: { fullName: LEADER.fullName, username: LEADER.username, password: LEADER.issued, role: 'team_leader', teamId } });
  await adminContext.close();
  people.admin = await signedIn(ADMIN);
  people.officer = await signedIn(OFFICER);
  people.leader = await signedIn(LEADER);
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

/** Opens `hash` as `who`, waits for the page's main heading, and returns what the browser complained about meanwhile. */
async function open(who: keyof typeof people, hash: string, heading: string | RegExp) {
  const { page, errors } = people[who];
  errors.length = 0;
  // a fresh load each time (a new hash alone would not reload the page)
  await page.goto('about:blank');
  await page.goto(`${base}/office/${hash}`);
  await page.locator('#main h2').filter({ hasText: heading }).first().waitFor();
  // let late requests (charts, counts, lists) finish before judging
  await page.waitForLoadState('networkidle');
  return [...errors];
}

describe('every page opens without a browser error', () => {
  const pages: [keyof typeof people, string, string | RegExp][] = [
    ['visitor', '#/', 'Tỉnh, thành phố'],
    ['visitor', '#/don-vi/14', /Sơn La/],
    ['visitor', '#/dang-nhap', 'Đăng nhập'],
    ['admin', '#/', 'Tỉnh, thành phố'],
    ['admin', '#/don-vi/03664', 'Phường Chiềng An'],
    ['admin', '#/tim?q=chieng an', 'Kết quả tìm kiếm'],
    ['admin', '#/nhap', 'Nhập danh sách tổ'],
    ['admin', '#/bao-cao', /Báo cáo mạng lưới/],
    ['admin', '#/bao-cao/14', /Báo cáo mạng lưới/],
    ['admin', '#/hoat-dong?unit=14', /Hoạt động hướng dẫn người dân/],
    ['admin', '#/dan-so', 'Nhập số dân theo xã, phường'],
    ['admin', '#/tai-khoan', 'Tài khoản'],
    ['admin', '#/nhat-ky', 'Nhật ký truy cập và thay đổi'],
    ['admin', '#/doi-mat-khau', 'Đổi mật khẩu'],
    ['admin', '#/don-vi/03664/thon', 'Thôn, bản, tổ dân phố: Phường Chiềng An'],
    ['admin', '#/trung-lap?xa=03664', 'Người có thể bị trùng: Phường Chiềng An'],
    ['officer', '#/hoat-dong', 'Hoạt động hướng dẫn người dân: Phường Chiềng An'],
    ['officer', '#/bao-cao/03664', /Báo cáo mạng lưới/],
    ['officer', '#/tai-khoan', 'Tài khoản'],
    ['officer', '#/don-vi/03664/thon', 'Thôn, bản, tổ dân phố: Phường Chiềng An'],
    ['officer', '#/trung-lap?xa=03664', 'Người có thể bị trùng: Phường Chiềng An'],
    ['officer', '#/trung-lap', 'Người có thể bị trùng: Phường Chiềng An'],
    ['leader', '#/to-cua-toi', /Tổ công nghệ số cộng đồng/],
  ];
  for (const [who, hash, heading] of pages) {
    it(`${who}: ${hash}`, async () => {
      expect(await open(who, hash, heading)).toEqual([]);
    });
  }

  it('draws service icons as SVG on the dashboard, never emoji', async () => {
    await open('officer', '#/hoat-dong', 'Hoạt động hướng dẫn người dân: Phường Chiềng An');
    const rows = people.officer.page.locator('table.services tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().locator('td.name svg').count()).toBe(1);
    expect(await people.officer.page.locator('table.services').innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('the file pickers read Vietnamese whatever the browser language', async () => {
    const context = await harness.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const { token } = await (await page.request.get(`${base}/api/auth/csrf`)).json();
    await page.request.post(`${base}/api/auth/login`, { data: { login: ADMIN.username, password: ADMIN.password }, headers: { 'x-csrf-token': token } });
    for (const [hash, id] of [['#/nhap', 'imp-files'], ['#/dan-so', 'pop-file']]) {
      await page.goto(`${base}/office/${hash}`);
      const picker = page.locator(`.file-picker:has(#${id})`);
      expect(await picker.innerText()).toMatch(/^Chọn tệp…\s+Chưa chọn tệp( nào)?$/);
      await page.setInputFiles(`#${id}`, { name: 'danh-sach.csv', mimeType: 'text/csv', buffer: Buffer.from('Họ và tên\n') });
      expect(await picker.locator('.file-names').innerText()).toBe('danh-sach.csv');
    }
    await context.close();
  });

  it('an old office bookmark (/#/…) opens the same page under /office/', async () => {
    const { page, errors } = people.officer;
    errors.length = 0;
    await page.goto('about:blank');
    // `/` (one province served) → /tinh/14, whose script sends a #/ hash on to /office/
    await page.goto(`${base}/#/bao-cao/03664`);
    await expect.poll(() => page.url()).toBe(`${base}/office/#/bao-cao/03664`);
    await page.locator('#main h2').filter({ hasText: /Báo cáo mạng lưới/ }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });

  it('leader: a team page by its address', async () => {
    expect(await open('leader', `#/to/${teamId}`, /Tổ công nghệ số cộng đồng/)).toEqual([]);
  });

  it('leader: the field app, up to its record form', async () => {
    const { page, errors } = people.leader;
    errors.length = 0;
    await page.goto(`${base}/field/`);
    await page.locator('#view-record').waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
  });
});
