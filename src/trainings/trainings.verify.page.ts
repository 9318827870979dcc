import { escapeHtml } from '../http/html.js';
import { formatDateVi } from '../text/dates.js';

/**
 * The public verification page `/xac-minh/CODE` (issue 14, item 4): plain HTML, no script, readable
 * on any phone, showing only the holder's initials, the training, its day(s) and organiser. Every
 * value is HTML-escaped.
 */

/** The page for `code` as asked, with what was found (or null: no such certificate). */
export function verifyPage(code: string, found: { code: string; initials: string; title: string; topic: string; day: string; lastDay: string; organiser: string } | null): string {
  const body = found
    ? `<h1>Giấy chứng nhận hợp lệ</h1>
<p class="ok">Mã <strong>${escapeHtml(found.code)}</strong> do Ngõ Số cấp.</p>
<dl>
<dt>Người được cấp</dt><dd>${escapeHtml(found.initials)}</dd>
<dt>Lớp tập huấn</dt><dd>${escapeHtml(found.title)}</dd>
<dt>Chủ đề</dt><dd>${escapeHtml(found.topic)}</dd>
<dt>Thời gian</dt><dd>${found.day === found.lastDay ? `Ngày ${formatDateVi(found.day)}` : `Từ ngày ${formatDateVi(found.day)} đến ngày ${formatDateVi(found.lastDay)}`}</dd>
<dt>Đơn vị tổ chức</dt><dd>${escapeHtml(found.organiser)}</dd>
</dl>`
    : `<h1>Không tìm thấy giấy chứng nhận</h1>
<p class="bad">Không có giấy chứng nhận nào mang mã <strong>${escapeHtml(code.slice(0, 40))}</strong>. Hãy kiểm tra lại mã in trên giấy (12 ký tự, dạng XXXX-XXXX-XXXX).</p>`;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Xác minh giấy chứng nhận — Ngõ Số</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/verify.css"></head>
<body><main>${body}</main><footer>Ngõ Số — nền tảng của Tổ công nghệ số cộng đồng</footer></body></html>`;
}
