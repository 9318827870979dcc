import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';

/**
 * A team and a member account for the field app, made through the HTTP API on a fresh server:
 * first-run admin, the Sơn La fixture roster imported (e2e/fixtures/to-cnscd-son-la.csv), and a
 * team-leader account for Hà Thị Hiền (0912 345 678, leader of the commune-level team of Phường
 * Chiềng An, 03664), bound to that team, with a password she must change at first sign-in.
 * Used by e2e/field.spec.ts and the field-app benchmark (bench/field.ts).
 */
export const FIELD_ADMIN = { name: 'Quàng Văn Quản', login: 'quantri', password: 'Son-La-2026-khoi-tao' };
export const FIELD_MEMBER = { name: 'Hà Thị Hiền', phone: '0912 345 678', issued: 'cap-tam-thoi-47', own: 'Ban-Hum-mua-xuan-2026' };
export const FIELD_COMMUNE = '03664';
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'to-cnscd-son-la.csv');

/**
 * Signs the member in on the field app's sign-in page: with the issued password the first time
 * (then changes it to her own), with her own afterwards; returns once the record form is shown.
 */
export async function signInFieldMember(page: Page, first: boolean) {
  await page.fill('#login', FIELD_MEMBER.phone);
  await page.fill('#password', first ? FIELD_MEMBER.issued : FIELD_MEMBER.own);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  if (first) {
    await page.getByRole('heading', { name: 'Đổi mật khẩu' }).waitFor();
    await page.fill('#pw-current', FIELD_MEMBER.issued);
    await page.fill('#pw-new', FIELD_MEMBER.own);
    await page.fill('#pw-new2', FIELD_MEMBER.own);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  }
  await page.getByRole('heading', { name: 'Ghi buổi hỗ trợ' }).waitFor();
}

/** POST JSON with the CSRF token (the request context keeps the cookies). */
export async function postJson(req: APIRequestContext, base: string, p: string, body: unknown) {
  const { token } = await (await req.get(`${base}/api/auth/csrf`)).json();
  const res = await req.post(base + p, { data: body, headers: { 'x-csrf-token': token } });
  if (!res.ok()) throw new Error(`${p}: ${res.status()} ${await res.text()}`);
  return res.json();
}

/** GET JSON, failing on any status but 200. */
export async function getJson(req: APIRequestContext, base: string, p: string) {
  const res = await req.get(base + p);
  if (res.status() !== 200) throw new Error(`${p}: ${res.status()} ${await res.text()}`);
  return res.json();
}

export interface FieldSetup {
  /** the admin's browser context (signed in) */
  admin: BrowserContext;
  teamId: number;
  teamName: string;
  /** the member ids of the team by name */
  members: Record<string, number>;
}

/** Makes the admin, the roster and the member's account (see above). */
export async function setUpFieldTeam(browser: Browser, base: string): Promise<FieldSetup> {
  const admin = await browser.newContext();
  const req = admin.request;
  await postJson(req, base, '/api/setup', { fullName: FIELD_ADMIN.name, username: FIELD_ADMIN.login, password: FIELD_ADMIN.password });
  const { token } = await (await req.get(`${base}/api/auth/csrf`)).json();
  const imported = await req.post(`${base}/api/imports?commit=true&province=14`, {
    headers: { 'x-csrf-token': token },
    multipart: { file: { name: 'to-cnscd-son-la.csv', mimeType: 'text/csv', buffer: readFileSync(FIXTURE) } },
  });
  if (!imported.ok()) throw new Error(`import: ${imported.status()} ${await imported.text()}`);
  const { teams } = await getJson(req, base, `/api/teams?unit=${FIELD_COMMUNE}`);
  const team = (teams as { id: number; name: string; level: string }[]).find((t) => t.level === 'commune');
  if (!team) throw new Error('the commune-level team of 03664 was not imported');
  const detail = await getJson(req, base, `/api/teams/${team.id}`);
  const members = Object.fromEntries((detail.members as { memberId: number; fullName: string }[]).map((m) => [m.fullName, m.memberId]));
  await postJson(req, base, '/api/users', { fullName: FIELD_MEMBER.name, phone: FIELD_MEMBER.phone, password: FIELD_MEMBER.issued, role: 'team_leader', teamId: team.id });
  return { admin, teamId: team.id, teamName: team.name, members };
}
