import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateVi, todayInVietnam } from '../src/text/dates.js';
import { getJson, postJson, setUpFieldTeam } from './field-setup.js';
import { type Harness, openPage, screenshots, startHarness } from './harness.js';

/**
 * A duplicate village made by an import, merged by hand, and the duplicate people it brought.
 * The Sơn La fixture is imported first (Phường Chiềng An, 03664: village Bản Hụm, 03664.001, with
 * its team Lò Văn Bình 1968 leader and Quàng Thị Hoà 2001); then the commune's officer imports,
 * through the import page, a roster written "Bản Hum" (the tone mark missed: canonicalVillage keeps
 * the two apart, so the import makes a second village 03664.002 with its own team, and a second
 * Lò Văn Bình 1968 and Quàng Thị Hoà without a birth year). On the commune's villages page the
 * officer merges Bản Hum into Bản Hụm; a second import written "Bản Hum" then finds the survivor
 * (no new village or team: its rows join the survivor's own team).
 * On the duplicates page the officer merges the two Lò Văn Bình and says the two Quàng Thị Hoà are
 * two people. The registry is checked through the API after each step.
 */
const OFFICER = { fullName: 'Lò Thị Mai', username: 'mai.chiengan', issued: 'cap-tam-thoi-47', password: 'Ban-Hum-mua-xuan-2026' };
const VIEWER = { fullName: 'Cầm Văn Thanh', username: 'thanh.chiengan', issued: 'cap-tam-thoi-48', password: 'Hoa-ban-no-trang-2027' };
const HUM = '03664.001';
const MISSPELT = '03664.002';
const HEADER = 'Tỉnh,Xã/phường,Thôn/bản,Họ và tên,Giới tính,Năm sinh,Số điện thoại,Vai trò';
const rosterCsv = (rows: string[]) => Buffer.from(`\ufeff${[HEADER, ...rows].join('\r\n')}\r\n`);
const MISSPELT_ROSTER = rosterCsv(['Sơn La,Phường Chiềng An,Bản Hum,Lò Văn Bình,Nam,1968,,Tổ trưởng', 'Sơn La,Phường Chiềng An,Bản Hum,Lường Văn Sáng,Nam,1985,0912 000 333,Thành viên', 'Sơn La,Phường Chiềng An,Bản Hum,Quàng Thị Hoà,Nữ,,,Thành viên']);

let harness: Harness;
let base: string;
let page: Page;
let errors: string[];
let request: APIRequestContext;
let viewer: { page: Page; errors: string[] };
const today = todayInVietnam();

const api = (p: string) => getJson(request, base, p);
type Unit = { code: string; name: string };
type TeamRow = { id: number; name: string; unitCode: string; members: number };
const villages = async () => ((await api('/api/units?parent=03664')).units as Unit[]).map((u) => [u.code, u.name]).sort((a, b) => a[0].localeCompare(b[0]));
const teamsOf = async (unit: string) => ((await api(`/api/teams?unit=${unit}`)).teams as TeamRow[]).map((t) => [t.name, t.unitCode, t.members]).sort();
const teamByName = async (name: string) => ((await api('/api/teams?unit=03664')).teams as TeamRow[]).find((t) => t.name === name)!;

beforeAll(async () => {
  harness = await startHarness();
  base = harness.base;
  const { admin } = await setUpFieldTeam(harness.browser, base);
  await postJson(admin.request, base, '/api/users', { fullName: OFFICER.fullName, username: OFFICER.username, password: OFFICER.issued, role: 'commune_officer', unit: '03664' });
  await postJson(admin.request, base, '/api/users', { fullName: VIEWER.fullName, username: VIEWER.username, password: VIEWER.issued, role: 'viewer', unit: '03664' });
  await admin.close();
  ({ page, errors } = await openPage(harness.browser));
  request = page.request;
  viewer = await openPage(harness.browser);
  for (const [who, req] of [[OFFICER, request], [VIEWER, viewer.page.request]] as const) {
    await postJson(req, base, '/api/auth/login', { login: who.username, password: who.issued });
    await postJson(req, base, '/api/auth/password', { currentPassword: who.issued, newPassword: who.password });
  }
}, 180_000);

afterAll(async () => {
  await harness?.close();
});

describe('web UI: a duplicate village from an import, merged by hand', () => {
  it('an import written "Bản Hum" makes a second village with its own team', async () => {
    await page.goto(`${base}/office/#/nhap`);
    await page.getByRole('heading', { name: 'Nhập danh sách tổ' }).waitFor();
    await expect.poll(() => page.locator('#imp-province option[value="14"]').count()).toBe(1);
    await page.selectOption('#imp-province', '14');
    await page.setInputFiles('#imp-files', { name: 'ds-ban-hum.csv', mimeType: 'text/csv', buffer: MISSPELT_ROSTER });
    await page.getByRole('button', { name: 'Kiểm tra (chạy thử)' }).click();
    await page.getByRole('heading', { name: 'Kết quả chạy thử (chưa ghi gì)' }).waitFor();
    await page.getByRole('button', { name: 'Ghi vào sổ' }).click();
    await page.getByText('Đã ghi vào sổ: 3 mới, 0 cập nhật, 0 không đổi.').waitFor();
    expect(await villages()).toEqual([
      [HUM, 'Bản Hụm'],
      [MISSPELT, 'Bản Hum'],
    ]);
    expect(await teamsOf('03664')).toEqual([
      ['Tổ công nghệ số cộng đồng Bản Hum', MISSPELT, 3],
      ['Tổ công nghệ số cộng đồng Bản Hụm', HUM, 2],
      ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', '03664', 3],
    ]);
  });

  it('the officer merges Bản Hum into Bản Hụm from the commune’s villages page', async () => {
    await page.goto(`${base}/office/#/don-vi/03664`);
    await page.getByRole('link', { name: 'Thôn, bản, tổ dân phố' }).click();
    await page.getByRole('heading', { name: 'Thôn, bản, tổ dân phố: Phường Chiềng An' }).waitFor();
    const rows = page.locator('table.villages tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 4).map((td) => (td as HTMLElement).innerText.trim())))).toEqual([
      // the Vietnamese order: the unmarked vowel before the dot below (Hum, Hụm)
      ['Bản Hum', MISSPELT, 'Tổ công nghệ số cộng đồng Bản Hum'],
      ['Bản Hụm', HUM, 'Tổ công nghệ số cộng đồng Bản Hụm'],
    ]);
    await page.getByRole('button', { name: 'Gộp Bản Hum vào thôn khác' }).click();
    const panel = page.locator('#village-merge');
    expect(await panel.locator('#merge-into option').allInnerTexts()).toEqual(['— Chọn thôn —', 'Bản Hụm']);
    expect(await panel.locator('#merge-on').inputValue()).toBe(today);
    // nothing chosen: said, nothing sent
    await panel.getByRole('button', { name: 'Gộp…' }).click();
    await panel.getByText('Hãy chọn thôn còn lại (thôn được giữ).').waitFor();
    await panel.locator('#merge-into').selectOption(HUM);
    await panel.getByRole('button', { name: 'Gộp…' }).click();
    const confirm = panel.locator('form.confirm');
    expect((await confirm.locator('.notice').innerText()).split('\n').filter(Boolean)).toEqual([
      `Gộp "Bản Hum" vào "Bản Hụm" từ ngày ${formatDateVi(today)}?`,
      'Các tổ, buổi hỗ trợ và dân số của Bản Hum sẽ chuyển sang Bản Hụm; tên Bản Hum được giữ để nhận diện tệp cũ.',
      'Tổ chuyển sang: Tổ công nghệ số cộng đồng Bản Hum.',
    ]);
    // "Quay lại" changes nothing
    await confirm.getByRole('button', { name: 'Quay lại' }).click();
    expect(await villages()).toHaveLength(2);
    await panel.getByRole('button', { name: 'Gộp…' }).click();
    await screenshots(page, 'village-merge');
    await page.setViewportSize({ width: 1280, height: 900 });
    await confirm.getByRole('button', { name: 'Xác nhận gộp' }).click();
    await page.getByText(`Đã gộp "Bản Hum" vào "Bản Hụm" từ ngày ${formatDateVi(today)}: chuyển 1 tổ, 0 buổi hỗ trợ. Tên "Bản Hum" được giữ để nhận diện tệp cũ.`).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await villages()).toEqual([[HUM, 'Bản Hụm']]);
    expect(await teamsOf(HUM)).toEqual([
      ['Tổ công nghệ số cộng đồng Bản Hum', HUM, 3],
      ['Tổ công nghệ số cộng đồng Bản Hụm', HUM, 2],
    ]);
    const merged = (await api(`/api/units/${MISSPELT}`)) as { name: string; status: string; validTo: string; successors: Unit[] };
    expect([merged.name, merged.status, merged.validTo, merged.successors.map((s) => s.code)]).toEqual(['Bản Hum', 'dissolved', today, [HUM]]);
  });

  it('a re-import written "Bản Hum" finds the survivor: no new village, no new team', async () => {
    const { token } = await (await request.get(`${base}/api/auth/csrf`)).json();
    const res = await request.post(`${base}/api/imports?commit=true&province=14`, {
      headers: { 'x-csrf-token': token },
      multipart: { file: { name: 'ds-ban-hum-2.csv', mimeType: 'text/csv', buffer: rosterCsv(['Sơn La,Phường Chiềng An,Bản Hum,Lường Văn Sáng,Nam,1985,0912 000 333,Thành viên', 'Sơn La,Phường Chiềng An,Bản Hum,Cầm Văn Sơn,Nam,1979,0912 000 444,Thành viên']) } },
    });
    expect(res.status()).toBe(200);
    const report = await res.json();
    const file = report.files[0];
    // the rows go to the team that came from Bản Hum (named after the name the file uses): Lường
    // Văn Sáng, found by his phone, is already on it; Cầm Văn Sơn joins it
    expect([file.created, file.counts]).toEqual([{ villages: [], teams: [] }, { new: 1, updated: 0, unchanged: 1, invalid: 0 }]);
    expect(file.shape[0].communes[0].teams.map((t: { name: string; village: string; isNew: boolean }) => [t.name, t.village, t.isNew])).toEqual([['Tổ công nghệ số cộng đồng Bản Hum', 'Bản Hụm', false]]);
    expect(await villages()).toEqual([[HUM, 'Bản Hụm']]);
    expect(await teamsOf(HUM)).toEqual([
      ['Tổ công nghệ số cộng đồng Bản Hum', HUM, 4],
      ['Tổ công nghệ số cộng đồng Bản Hụm', HUM, 2],
    ]);
  });

  it('adds a village and renames it, the form checking the name as the server does', async () => {
    await page.goto(`${base}/office/#/don-vi/03664/thon`);
    await page.getByRole('heading', { name: 'Thôn, bản, tổ dân phố: Phường Chiềng An' }).waitFor();
    const create = page.locator('#village-create');
    await create.getByLabel('Tên').fill('Bản <b>');
    await create.getByRole('button', { name: 'Thêm thôn' }).click();
    await create.getByText('Tên chỉ gồm chữ, số, dấu cách và các dấu . , ( ) / - ; hãy bỏ ký hiệu khác.').waitFor();
    await create.getByLabel('Tên').fill('bản nà sản');
    await create.getByRole('button', { name: 'Thêm thôn' }).click();
    await page.getByText('Đã thêm "Bản Nà Sản" (mã 03664.003) vào Phường Chiềng An.').waitFor();
    await page.getByRole('button', { name: 'Đổi tên Bản Nà Sản' }).click();
    const rename = page.locator('#village-rename');
    await rename.getByLabel('Tên mới').fill('Bản Nà Xản');
    await rename.getByRole('button', { name: 'Đổi tên' }).click();
    await page.getByText(`Đã đổi tên "Bản Nà Sản" thành "Bản Nà Xản" từ ngày ${formatDateVi(today)}. Tên cũ vẫn được nhận ra khi nhập danh sách.`).waitFor();
    expect(await villages()).toEqual([
      [HUM, 'Bản Hụm'],
      ['03664.003', 'Bản Nà Xản'],
    ]);
  });
});

describe('web UI: possible duplicate people of the commune', () => {
  it('lists the pairs side by side with the reason in words', async () => {
    await page.goto(`${base}/office/#/don-vi/03664`);
    await page.getByRole('link', { name: 'Người có thể bị trùng' }).click();
    await page.getByRole('heading', { name: 'Người có thể bị trùng: Phường Chiềng An' }).waitFor();
    const pairs = page.locator('.dup-pair');
    await expect.poll(() => pairs.count()).toBe(2);
    expect(await pairs.locator('.dup-reason').allInnerTexts()).toEqual(['Trùng họ tên và năm sinh', 'Trùng họ tên']);
    const table = (i: number) => pairs.nth(i).locator('tbody tr').evaluateAll((trs) => trs.slice(0, 6).map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText.trim())));
    expect(await table(0)).toEqual([
      ['Họ và tên', 'Lò Văn Bình', 'Lò Văn Bình'],
      ['Năm sinh', '1968', '1968'],
      ['Giới tính', 'Nam', 'Nam'],
      ['Điện thoại', '0912 000 111', '—'],
      ['Tổ', 'Tổ công nghệ số cộng đồng Bản Hụm', 'Tổ công nghệ số cộng đồng Bản Hum'],
      ['Buổi hỗ trợ', '0', '0'],
    ]);
    expect(await table(1)).toEqual([
      ['Họ và tên', 'Quàng Thị Hoà', 'Quàng Thị Hoà'],
      ['Năm sinh', '2001', '—'],
      ['Giới tính', 'Nữ', 'Nữ'],
      ['Điện thoại', '—', '—'],
      ['Tổ', 'Tổ công nghệ số cộng đồng Bản Hụm', 'Tổ công nghệ số cộng đồng Bản Hum'],
      ['Buổi hỗ trợ', '0', '0'],
    ]);
    await screenshots(page, 'duplicates');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('a read-only inspector sees the pairs with masked phones and no merge buttons; the villages page is not theirs', async () => {
    const v = viewer.page;
    // signed in through the API (no "signed in" hint in this browser): a page that needs a user makes the app ask who it is
    await v.goto(`${base}/office/#/bao-cao/03664`);
    await v.getByRole('heading', { name: /Báo cáo mạng lưới/ }).waitFor();
    await v.goto(`${base}/office/#/don-vi/03664`);
    await v.getByRole('link', { name: 'Người có thể bị trùng' }).waitFor();
    expect(await v.getByRole('link', { name: 'Thôn, bản, tổ dân phố' }).count()).toBe(0);
    await v.getByRole('link', { name: 'Người có thể bị trùng' }).click();
    await v.getByRole('heading', { name: 'Người có thể bị trùng: Phường Chiềng An' }).waitFor();
    await expect.poll(() => v.locator('.dup-pair').count()).toBe(2);
    expect(await v.locator('.dup-pair button').count()).toBe(0);
    const phone = await v.locator('.dup-pair').first().locator('tbody tr', { hasText: 'Điện thoại' }).locator('td').first().innerText();
    expect([phone.includes('•'), phone.includes('000 111')]).toEqual([true, false]);
    await v.goto(`${base}/office/#/don-vi/03664/thon`);
    await v.getByRole('heading', { name: 'Không có quyền mở trang này' }).waitFor();
    expect(viewer.errors).toEqual([]);
  });

  it('merges the later Lò Văn Bình into the first after a confirmation; his team keeps him', async () => {
    const { pairs } = await api('/api/duplicates?commune=03664');
    const [first, second] = [pairs[0].a.id as number, pairs[0].b.id as number];
    const card = page.locator('.dup-pair').first();
    await card.getByRole('button', { name: 'Gộp B vào A' }).click();
    expect(await card.locator('.confirm .confirm-question').innerText()).toBe(`Gộp B (Lò Văn Bình, mã ${second}) vào A (Lò Văn Bình, mã ${first})?`);
    await card.getByRole('button', { name: 'Xác nhận gộp' }).click();
    await page.getByText(`Đã gộp Lò Văn Bình (mã ${second}) vào Lò Văn Bình (mã ${first}): chuyển 1 lượt tham gia tổ, 0 buổi hỗ trợ.`).waitFor();
    await expect.poll(() => page.locator('.dup-pair').count()).toBe(1);
    const hum = await api(`/api/teams/${(await teamByName('Tổ công nghệ số cộng đồng Bản Hum')).id}`);
    expect(hum.members.map((m: { memberId: number; fullName: string; role: string; phone: string | null }) => [m.memberId, m.fullName, m.role, m.phone])).toContainEqual([first, 'Lò Văn Bình', 'leader', '0912 000 111']);
    expect((await api(`/api/teams/${(await teamByName('Tổ công nghệ số cộng đồng Bản Hụm')).id}`)).members.map((m: { memberId: number }) => m.memberId)).toContain(first);
  });

  it('"Không phải một người" is remembered: the list is empty', async () => {
    await page.locator('.dup-pair').first().getByRole('button', { name: 'Không phải một người' }).click();
    await page.getByText(/^Đã ghi nhận: Quàng Thị Hoà \(mã \d+\) và Quàng Thị Hoà \(mã \d+\) là hai người khác nhau; cặp này không hiện lại\.$/).waitFor();
    await page.getByText('Không có cặp nào cần xem.').waitFor();
    expect((await api('/api/duplicates?commune=03664')).pairs).toEqual([]);
  });

  it('raised no browser errors', () => {
    expect(errors).toEqual([]);
  });
});
