import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openPage, screenshots, startHarness } from './harness.js';

/**
 * The import page opens each file's dry-run result with the shape the server understood —
 * communes → teams → member counts, and the rows skipped as not members — before the counts and
 * the problems, so "1 tổ, 74 thành viên" where the officer expects 12 teams shows at a glance.
 *
 * The roster is a commune's official form ("UBND XÃ CHIỀNG MUNG" above the header "STT | Họ và
 * tên | Năm sinh | Giới tính | Chức vụ | Số điện thoại"), with the group rows "I | Tổ CNSCĐ xã
 * Chiềng Mung" and "II | Tổ CNSCĐ bản Nà" (titles merged across the row), a totals row and the
 * signature block; the province Sơn La is chosen on the page.
 */
async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Tổ CNSCĐ');
  ws.addRow(['UBND XÃ CHIỀNG MUNG']);
  ws.mergeCells('A1:F1');
  ws.addRow(['DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG']);
  ws.mergeCells('A2:F2');
  ws.addRow(['STT', 'Họ và tên', 'Năm sinh', 'Giới tính', 'Chức vụ', 'Số điện thoại']);
  build(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function group(ws: ExcelJS.Worksheet, numeral: string, title: string) {
  ws.addRow([numeral, title]);
  ws.mergeCells(`B${ws.rowCount}:F${ws.rowCount}`);
}

const OFFICIAL_FORM = () =>
  workbook((ws) => {
    group(ws, 'I', 'Tổ CNSCĐ xã Chiềng Mung');
    ws.addRow([1, 'Lò Văn Minh', 1980, 'Nam', 'Tổ trưởng', '0912 345 601']);
    ws.addRow([2, 'Cầm Thị Hoa', 1992, 'Nữ', 'Thành viên', '0912 345 602']);
    group(ws, 'II', 'Tổ CNSCĐ bản Nà');
    ws.addRow([1, 'Quàng Văn Tâm', 1988, 'Nam', 'Tổ trưởng', '0912 345 603']);
    ws.addRow([2, 'Lường Thị Xuân', 1995, 'Nữ', 'Thành viên', '0912 345 604']);
    ws.addRow([3, 'Tòng Văn Bình', 1990, 'Nam', 'Thành viên', '0912 345 605']);
    ws.addRow(['', 'Tổng cộng: 5 thành viên']);
    ws.addRow([]);
    ws.addRow(['', '', '', 'CHỦ TỊCH UBND XÃ']);
    ws.addRow(['', '', '', '(Ký, ghi rõ họ tên)']);
  });

const FAMILY = ['Lò', 'Lường', 'Quàng', 'Tòng', 'Cầm', 'Hà'];
const GIVEN = ['An', 'Bình', 'Chung', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Kiên', 'Lâm', 'Long', 'Mạnh', 'Nam', 'Nghĩa', 'Phong', 'Quân', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Tiến', 'Toàn', 'Trung', 'Tuấn', 'Vinh'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

/** Uploads `files` on the import page (province Sơn La) and runs the dry run. */
async function dryRun(files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.setInputFiles('#imp-files', files);
  await page.getByRole('button', { name: 'Kiểm tra (chạy thử)' }).click();
  await page.getByRole('heading', { name: 'Kết quả chạy thử (chưa ghi gì)' }).waitFor();
  // the heading may still be the previous run's: wait for this file's own report
  await page.locator(`.file-report[data-file="${files[0].name}"]`).first().waitFor();
}

/** Each line of the shape tree: commune lines, then their teams, as shown. */
async function treeLines(file: string) {
  return page.locator(`.file-report[data-file="${file}"] .shape`).evaluate((shape) =>
    [...shape.querySelectorAll('.shape-commune-line, .shape-commune > details > summary, .shape-team')].map((el) => (el.classList.contains('shape-team') ? '  ' : '') + (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
  );
}

describe('web UI: the import opens with the shape it understood', () => {
  it('creates the administrator and opens the import page', async () => {
    await page.goto(`${base}/office/#/nhap`);
    await page.getByRole('heading', { name: 'Khởi tạo hệ thống' }).waitFor();
    await page.fill('#setup-name', 'Quàng Văn Quản');
    await page.fill('#setup-username', 'quantri');
    await page.fill('#setup-password', 'Son-La-2026-khoi-tao');
    await page.fill('#setup-password2', 'Son-La-2026-khoi-tao');
    await page.getByRole('button', { name: 'Tạo tài khoản quản trị' }).click();
    await page.getByRole('heading', { name: 'Nhập danh sách tổ' }).waitFor();
    await expect.poll(() => page.locator('#imp-province option[value="14"]').count()).toBe(1);
    await page.selectOption('#imp-province', '14');
  });

  it('shows the communes → teams tree and the skipped rows before the counts', async () => {
    await dryRun([{ name: 'ds-chieng-mung.xlsx', mimeType: XLSX, buffer: await OFFICIAL_FORM() }]);
    const report = page.locator('.file-report[data-file="ds-chieng-mung.xlsx"]');
    expect(await report.locator('.shape-summary').innerText()).toBe('1 xã · 2 tổ (1 cấp xã, 1 cấp thôn) · 5 thành viên · bỏ qua 5 dòng không phải thành viên (dòng nhóm 2, dòng tổng 1, chữ ký 2)');
    expect(await report.locator('.shape-sheet-name').innerText()).toBe('Trang tính "Tổ CNSCĐ"');
    expect(await treeLines('ds-chieng-mung.xlsx')).toEqual([
      'Xã Chiềng Mung — 2 tổ, 5 thành viên',
      '  Cấp xã Tổ công nghệ số cộng đồng xã Chiềng Mung — 2 thành viên mới',
      '  Cấp thôn Tổ công nghệ số cộng đồng Bản Nà — 3 thành viên mới',
    ]);
    expect(await report.locator('.shape-team .badge-new').count()).toBe(2);
    expect(await report.locator('.shape .shape-invalid').count()).toBe(0);
    // the shape opens the report: it comes before the counts
    expect(await report.evaluate((el) => [...el.children].slice(1, 3).map((c) => c.className))).toEqual(['shape', 'stats']);
    expect(await report.locator('[data-count="new"] .stat-value').innerText()).toBe('5');
    await screenshots(page, 'import-shape');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('marks a commune that did not resolve and the rows its team refused', async () => {
    const csv = '\ufeffSTT,Họ và tên,Năm sinh,Giới tính,Xã/phường\r\n1,Lò Văn Chung,1980,Nam,Chiềng Chung\r\n2,Lò Thị Mai,1990,Nữ,Chiềng Mung\r\n';
    await dryRun([{ name: 'ds-hai-xa.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }]);
    const shape = page.locator('.file-report[data-file="ds-hai-xa.csv"] .shape');
    expect(await shape.locator('.shape-summary').innerText()).toBe('2 xã · 2 tổ (2 cấp xã, 0 cấp thôn) · 1 thành viên · 1 dòng bị từ chối · không bỏ qua dòng nào');
    expect(await treeLines('ds-hai-xa.csv')).toEqual([
      'Xã Chiềng Mung — 1 tổ, 1 thành viên',
      '  Cấp xã Tổ công nghệ số cộng đồng xã Chiềng Mung — 1 thành viên mới',
      'Chiềng Chung chưa xác định được xã — 1 tổ, 0 thành viên, 1 dòng bị từ chối',
      '  Cấp xã Tổ cấp xã — 0 thành viên mới · 1 dòng bị từ chối',
    ]);
    expect(await shape.locator('.shape-team .shape-invalid').innerText()).toBe('1 dòng bị từ chối');
    expect(await shape.locator('.shape-team .shape-invalid').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 38, 30)');
    // a CSV has one sheet named after the file: no sheet heading
    expect(await shape.locator('.shape-sheet-name').count()).toBe(0);
  });

  it('folds each commune\'s teams under its line when a sheet has more than 20 teams', async () => {
    const big = await workbook((ws) => {
      group(ws, 'I', 'Tổ CNSCĐ xã Chiềng Mung');
      ws.addRow([1, 'Lò Văn Minh', 1980, 'Nam', 'Tổ trưởng', '0912 345 601']);
      for (let i = 1; i <= 24; i++) {
        group(ws, ['II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX', 'XXI', 'XXII', 'XXIII', 'XXIV', 'XXV'][i - 1], `Tổ CNSCĐ bản Số ${i + 10}`);
        ws.addRow([1, `${FAMILY[i % FAMILY.length]} Văn ${GIVEN[i - 1]}`, 1980 + i, 'Nam', 'Tổ trưởng', `0913 000 ${String(100 + i)}`]);
      }
    });
    await dryRun([{ name: 'ds-25-to.xlsx', mimeType: XLSX, buffer: big }]);
    const shape = page.locator('.file-report[data-file="ds-25-to.xlsx"] .shape');
    expect(await shape.locator('.shape-summary').innerText()).toBe('1 xã · 25 tổ (1 cấp xã, 24 cấp thôn) · 25 thành viên · bỏ qua 25 dòng không phải thành viên (dòng nhóm 25)');
    const folded = shape.locator('details');
    expect(await folded.count()).toBe(1);
    expect(await folded.locator('summary').innerText()).toBe('Xã Chiềng Mung — 25 tổ, 25 thành viên');
    expect(await folded.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await folded.locator('summary').click();
    expect(await folded.locator('.shape-team').count()).toBe(25);
    expect(await folded.locator('.shape-team').first().innerText()).toBe('Cấp xã Tổ công nghệ số cộng đồng xã Chiềng Mung — 1 thành viên mới');
  });

  it('asks each village of a split old commune apart, showing the commune and the village, and shows where they go once chosen', async () => {
    const csv = [
      '\ufeffSTT,Huyện,Xã,Thôn,Họ tên,Giới tính,Năm sinh,Điện thoại,Vai trò',
      '1,Thuận Châu,Xã Chiềng Bôm,Bản Bó,Lò Văn Hải,Nam,1983,0914300001,Tổ trưởng',
      '2,Thuận Châu,Xã Chiềng Bôm,Bản Bó,Lò Thị Xuân,Nữ,1986,0914300002,Thành viên',
      '3,Thuận Châu,Xã Chiềng Bôm,Bản Két,Cầm Văn Toàn,Nam,1975,0914300003,Tổ trưởng',
    ].join('\r\n');
    await dryRun([{ name: 'ds-chieng-bom.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) }]);
    const questions = page.locator('.unit-question');
    expect(await questions.locator('label').allInnerTexts()).toEqual([
      'Thôn, bản "Bản Bó" của Xã Chiềng Bôm (xã cũ) (2 dòng, Sơn La)',
      'Thôn, bản "Bản Két" của Xã Chiềng Bôm (xã cũ) (1 dòng, Sơn La)',
    ]);
    expect(await questions.first().locator('.q-village').innerText()).toBe('"Bản Bó"');
    expect(await questions.first().locator('.q-commune').innerText()).toBe('Xã Chiềng Bôm');
    expect(await questions.first().locator('.hint').first().innerText()).toBe('Xã cũ này được chia cho nhiều xã mới: chọn xã mới mà thôn, bản này thuộc về.');

    await page.locator('select.unit-choice[data-name="Xã Chiềng Bôm › Bản Bó"]').selectOption('03784');
    await page.locator('select.unit-choice[data-name="Xã Chiềng Bôm › Bản Két"]').selectOption('03721');
    await page.getByRole('button', { name: 'Chạy thử lại với các chỉnh sửa' }).first().click();
    await expect.poll(() => page.locator('.file-report [data-count="new"] .stat-value').innerText()).toBe('3');
    expect(await treeLines('ds-chieng-bom.csv')).toEqual([
      'Xã Nậm Lầu (từ "Xã Chiềng Bôm" trong tệp) — 1 tổ, 2 thành viên',
      '  Cấp thôn Tổ công nghệ số cộng đồng Bản Bó — 2 thành viên mới',
      'Xã Thuận Châu (từ "Xã Chiềng Bôm" trong tệp) — 1 tổ, 1 thành viên',
      '  Cấp thôn Tổ công nghệ số cộng đồng Bản Két — 1 thành viên mới',
    ]);
  });

  it('raised no browser errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
