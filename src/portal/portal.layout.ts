import { escapeHtml } from '../http/html.js';
import { formatDateTimeVi, formatDateVi, todayInVietnam } from '../text/dates.js';

/**
 * The residents' pages' frame (issue 16, item 1): server-rendered HTML, readable before any script
 * runs (the one script, /portal.js, only adds the comment counter and sends old office bookmarks
 * `/#/…` on to /office/; loaded by the article, home and province pages), one small style sheet, the
 * strict CSP kept (no inline script or style). `province` names the site in the header and keeps
 * the links on it.
 */
export interface PageFrame { title: string; province?: { code: string; name: string } | null; description?: string; script?: boolean; active?: 'news' | 'guides' | 'team' | 'help' }

export function page(frame: PageFrame, main: string): string {
  const q = frame.province ? `?tinh=${frame.province.code}` : '';
  const nav = [
    ['news', frame.province ? `/tinh/${frame.province.code}` : '/', 'Tin tức'],
    ['guides', `/huong-dan${q}`, 'Hướng dẫn'],
    ['team', `/to-cua-toi${q}`, 'Tổ của tôi'],
    ['help', `/nho-ho-tro${q}`, 'Nhờ hỗ trợ'],
  ] as const;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(frame.title)} — Ngõ Số</title>
${frame.description ? `<meta name="description" content="${escapeHtml(frame.description)}">` : ''}<link rel="icon" href="data:,"><link rel="stylesheet" href="/portal.css">${frame.script ? '<script defer src="/portal.js"></script>' : ''}
</head><body>
<header class="top"><a class="brand" href="${frame.province ? `/tinh/${frame.province.code}` : '/'}"><span class="mark" aria-hidden="true">NS</span><span>Ngõ Số${frame.province ? ` · ${escapeHtml(frame.province.name)}` : ''}<small>Tổ công nghệ số cộng đồng — công nghệ số tới từng ngõ, từng nhà</small></span></a>
<nav aria-label="Trang cho người dân">${nav.map(([k, href, label]) => `<a href="${href}"${frame.active === k ? ' aria-current="page"' : ''}>${label}</a>`).join('')}</nav></header>
<main id="main">${main}</main>
<footer><p>Ngõ Số — nền tảng của Tổ công nghệ số cộng đồng. Thông tin cá nhân của bà con được bảo vệ theo Nghị định 13/2023/NĐ-CP.</p><p><a href="/office/">Trang cán bộ</a> · <a href="/field/">Ứng dụng của tổ</a></p></footer>
</body></html>`;
}

/** A Vietnam day "dd/mm/yyyy" of an instant (text/dates.ts). */
export const vnDay = (at: string | Date) => formatDateVi(todayInVietnam(new Date(at)));

/** "HH:MM ngày dd/mm/yyyy" in Vietnam time (text/dates.ts). */
export const vnDayTime = (at: string | Date) => formatDateTimeVi(new Date(at));

/** A message box: ok or bad. */
export const notice = (kind: 'ok' | 'bad', text: string) => `<p class="${kind}" role="${kind === 'bad' ? 'alert' : 'status'}">${escapeHtml(text)}</p>`;

/** A page for a missing thing. */
export const missing = (what: string, province?: PageFrame['province']) => page({ title: 'Không tìm thấy', province }, `<h1>Không tìm thấy</h1>${notice('bad', what)}<p><a href="/">Về trang chủ</a></p>`);
