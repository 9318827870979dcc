import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPageTexts } from '../test/pdf.js';
import { type Harness, openPage, screenshots, startHarness } from './harness.js';

/**
 * The organiser's side of trainings in the office UI (issue 14, item 7), on a fresh database: the
 * admin plans a province session on "Lớp tập huấn mới" (a new bridge point added on the way, its
 * host found by name without diacritics, the commune Phường Chiềng An invited), three members are
 * checked in at the point (the host's phone, through the API), the board counts them live, the
 * organiser closes attendance and downloads the certificates, whose PDF text holds the names with
 * their diacritics; a code from the PDF verifies on the public page; the report says the sentence.
 */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'to-cnscd-son-la.csv');
const ADMIN = { fullName: 'Quàng Văn Quản', username: 'quantri', password: 'Son-La-2026-khoi-tao' };
const TITLE = 'Tập huấn định danh điện tử mức 2 cho tổ Chiềng An';
const POINT = 'Hội trường UBND phường Chiềng An';

let harness: Harness;
let base: string;
let page: Page;
let errors: string[];
let trainingId = 0;

async function write(request: APIRequestContext, p: string, opts: { data?: unknown; multipart?: Record<string, { name: string; mimeType: string; buffer: Buffer }> }) {
  const { token } = await (await request.get(`${base}/api/auth/csrf`)).json();
  const res = await request.post(base + p, { ...opts, headers: { 'x-csrf-token': token } } as never);
  expect([p, res.status()]).toEqual([p, 200]);
  return res.json();
}
const vnParts = (ms: number) => {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(new Date(ms));
  const g = (t: string) => f.find((x) => x.type === t)!.value;
  return { date: `${g('day')}/${g('month')}/${g('year')}`, time: `${g('hour') === '24' ? '00' : g('hour')}:${g('minute')}` };
};

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  ({ page, errors } = await openPage(harness.browser));
  page.on('dialog', (d) => void d.accept());
  await write(page.request, '/api/setup', { data: ADMIN });
  await write(page.request, '/api/imports?commit=true&province=14', { multipart: { file: { name: 'to-cnscd-son-la.csv', mimeType: 'text/csv', buffer: await readFile(FIXTURE) } } });
});
afterAll(async () => {
  await harness?.close();
});

describe('web UI: trainings for the organiser', () => {
  it('plans a session with a new bridge point, its host and the invited commune', async () => {
    await page.goto(`${base}/office/#/tap-huan/moi?don-vi=14`);
    await page.getByRole('heading', { name: 'Lớp tập huấn mới' }).waitFor();
    expect(await page.locator('#tr-organiser').inputValue()).toBe('14');
    await page.fill('#tr-title', TITLE);
    await page.selectOption('#tr-topic', 'vneid_level2');
    const start = vnParts(Date.now() - 30 * 60_000);
    const end = vnParts(Date.now() + 2 * 3_600_000);
    await page.fill('#tr-day', start.date);
    await page.fill('#tr-from-time', start.time);
    await page.fill('#tr-last-day', end.date);
    await page.fill('#tr-to-time', end.time);
    await page.getByLabel('Phường Chiềng An', { exact: true }).check();
    await page.selectOption('select[aria-label="Xã, phường của điểm cầu"]', '03664');
    await page.fill('#np-name', POINT);
    await page.getByRole('button', { name: 'Thêm điểm cầu', exact: true }).click();
    await page.getByText(POINT).waitFor();
    const search = page.locator('.point-detail input').first();
    await search.fill('ha thi hien');
    await page.locator('.point-detail').getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.locator('.point-detail .hits').getByRole('button', { name: 'Hà Thị Hiền' }).click();
    expect(await page.locator('.point-detail').first().innerText()).toContain('Người phụ trách: Hà Thị Hiền');
    await screenshots(page, 'training-form');
    await page.getByRole('button', { name: 'Tạo lớp tập huấn' }).click();
    await page.getByRole('heading', { name: TITLE }).waitFor();
    trainingId = Number(/#\/tap-huan\/(\d+)/.exec(page.url())![1]);
    const board = await (await page.request.get(`${base}/api/trainings/${trainingId}`)).json();
    expect(board.points.map((p: { name: string; host: { name: string } }) => [p.name, p.host.name])).toEqual([[POINT, 'Hà Thị Hiền']]);
    // invited: every current member of the commune's teams, each once (as the registry lists them)
    const { teams } = await (await page.request.get(`${base}/api/teams?unit=03664`)).json();
    const people = new Set<number>();
    for (const t of teams as { id: number }[]) for (const m of (await (await page.request.get(`${base}/api/teams/${t.id}`)).json()).members as { memberId: number }[]) people.add(m.memberId);
    expect(board.totals.invited).toBe(people.size);
  });

  it('counts check-ins live, closes attendance and prints the certificates with the names as written', async () => {
    const { teams } = await (await page.request.get(`${base}/api/teams?unit=03664`)).json();
    const commune = teams.find((t: { level: string }) => t.level === 'commune');
    const team = await (await page.request.get(`${base}/api/teams/${commune.id}`)).json();
    const people = (team.members as { memberId: number; fullName: string }[]).slice(0, 3);
    const board = await (await page.request.get(`${base}/api/trainings/${trainingId}`)).json();
    const pointId = board.points[0].pointId;
    const ok = await write(page.request, '/api/trainings/attendance/sync', {
      data: { records: people.map((m) => ({ id: crypto.randomUUID(), trainingId, pointId, method: 'host', memberId: m.memberId, checkedInAt: new Date().toISOString() })), deviceNow: new Date().toISOString() },
    });
    expect(ok.accepted).toBe(3);
    await page.reload();
    await page.getByRole('heading', { name: TITLE }).waitFor();
    expect(await page.locator('#training-totals').innerText()).toContain('Thành viên đã điểm danh\n3');
    expect(await page.locator('#attendance-list tbody tr').count()).toBe(3);
    await page.getByRole('button', { name: 'Đóng điểm danh' }).click();
    await page.getByText('Đã đóng điểm danh. Có thể in giấy chứng nhận.').waitFor();
    await screenshots(page, 'training-board');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Tải giấy chứng nhận (PDF)').click()]);
    const pdf = await readFile((await download.path())!);
    const pages = await pdfPageTexts(pdf);
    expect(pages).toHaveLength(3);
    for (const m of people) expect(pages.filter((p) => p.includes(m.fullName.normalize('NFC')))).toHaveLength(1);
    const code = /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(pages[0])![0];
    await page.goto(`${base}/xac-minh/${code}`);
    expect(await page.locator('h1').innerText()).toBe('Giấy chứng nhận hợp lệ');
    expect(await page.locator('main').innerText()).toContain(TITLE);
  });

  it('the report says what was done, for the province picked', async () => {
    await page.goto(`${base}/office/#/tap-huan`);
    await page.getByRole('heading', { name: 'Tập huấn', exact: true }).waitFor();
    await page.selectOption('#tr-report-unit', '14');
    await page.locator('#training-sentence').waitFor();
    expect(await page.locator('#training-sentence').innerText()).toMatch(/Tỉnh Sơn La đã tổ chức 1 lớp tập huấn tại 1 điểm cầu cho 3 thành viên\.$/);
    expect(await page.getByRole('link', { name: TITLE }).count()).toBe(1);
    await screenshots(page, 'trainings');
    expect(errors).toEqual([]);
  });
});
