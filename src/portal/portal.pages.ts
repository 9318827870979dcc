import { escapeHtml } from '../http/html.js';
import { searchKey } from '../text/vietnamese.js';
import type { PublicComment } from './portal.comments.js';
import { missing, notice, page, vnDay, vnDayTime } from './portal.layout.js';
import type { ArticleCard, Place, PlaceUnit, Province, PublicArticle, PublicTeam } from './portal.public.js';
import { COMMENT_MAX, COMMENT_MIN } from './portal.rules.js';

/**
 * The residents' pages as HTML (issue 16, item 1): every value escaped (escapeHtml) except an
 * article's body, which was sanitized when saved (portal.content.ts).
 */

const cards = (list: ArticleCard[], empty: string) =>
  list.length
    ? `<ul class="cards">${list.map((a) => `<li><a href="/tin/${a.id}"><strong>${escapeHtml(a.title)}</strong></a>${a.summary ? `<p>${escapeHtml(a.summary)}</p>` : ''}<p class="meta">${escapeHtml(a.site)} · ${vnDay(a.publishedAt)}${a.comments ? ` · ${a.comments} bình luận` : ''}</p></li>`).join('')}</ul>`
    : `<p class="meta">${empty}</p>`;

const findForm = (province: Province, q = '') => `<form class="find" method="get" action="/to-cua-toi"><input type="hidden" name="tinh" value="${province.code}">
<label for="q">Tìm tổ công nghệ số của thôn, xã mình (gõ không dấu cũng được)</label><div class="row"><input id="q" name="q" type="search" value="${escapeHtml(q)}" placeholder="Ví dụ: chieng xom, ban hua" minlength="2" maxlength="80" required><button type="submit">Tìm</button></div></form>`;

/** `/`: the provinces served (or straight to the only one, which the route does). */
export function homePage(provinces: Province[]): string {
  return page({ title: 'Trang cho người dân' }, `<h1>Tổ công nghệ số cộng đồng</h1><p>Chọn tỉnh của bạn để đọc tin, xem hướng dẫn, tìm tổ của thôn mình hoặc nhờ tổ hỗ trợ.</p>
<ul class="cards">${provinces.map((p) => `<li><a href="/tinh/${p.code}"><strong>${escapeHtml(p.name)}</strong></a></li>`).join('') || '<li>Chưa có tỉnh nào dùng Ngõ Số trên máy chủ này.</li>'}</ul>`);
}

/** `/tinh/CODE`: the province's news, the guides, finding one's team, asking for help. */
export function provincePage(p: Province, news: ArticleCard[], services: { code: string; name: string }[]): string {
  return page({ title: p.name, province: p, active: 'news', description: `Tin tức, hướng dẫn và Tổ công nghệ số cộng đồng của ${p.name}` }, `
<section class="lead"><h1>Công nghệ số tới từng ngõ, từng nhà</h1><p>Cần cài VNeID, VSSID, thanh toán không dùng tiền mặt hay làm thủ tục trực tuyến? Tổ công nghệ số của thôn sẽ hướng dẫn tận nơi, miễn phí.</p>
<p><a class="button" href="/nho-ho-tro?tinh=${p.code}">Nhờ tổ hỗ trợ</a></p>${findForm(p)}</section>
<section><h2>Tin tức</h2>${cards(news, 'Chưa có tin.')}</section>
<section><h2>Hướng dẫn từng bước</h2><ul class="guides">${services.map((s) => `<li><a href="/huong-dan/${encodeURIComponent(s.code)}?tinh=${p.code}">${escapeHtml(s.name)}</a></li>`).join('')}</ul></section>`);
}

/** The commune's kind as a resident says it after "của": "phường" for a ward, "đặc khu", else "xã". */
const kindWord = (communeName: string) => /^(Xã|Phường|Đặc khu)\s/.exec(communeName)?.[1].toLocaleLowerCase('vi') ?? 'xã';

/** `/xa/CODE`: a commune's page: its news and the province's, its teams, asking for help there. */
export function communePage(p: Province, commune: PlaceUnit, news: ArticleCard[], teams: PublicTeam[]): string {
  return page({ title: commune.name, province: p, active: 'news' }, `<h1>${escapeHtml(commune.name)}</h1>
<p><a class="button" href="/nho-ho-tro?tinh=${p.code}&amp;xa=${commune.code}">Nhờ tổ hỗ trợ</a> <a href="/to-cua-toi/${commune.code}">Các tổ công nghệ số của ${kindWord(commune.name)}</a> (${teams.length})</p>
<section><h2>Tin tức</h2>${cards(news, 'Chưa có tin.')}</section>`);
}

/** `/tin/ID`: an article, its published comments and the comment form (`state`: what the last post did). */
/** What a resident may say when reporting a comment (kept with the report; the officer sees the count). */
const REPORT_REASONS = ['Xúc phạm, thô tục', 'Lừa đảo, quảng cáo', 'Sai sự thật', 'Lộ thông tin cá nhân', 'Không đúng chủ đề'];

export function articlePage(p: Province | null, a: PublicArticle, comments: PublicComment[], state: { kind: 'ok' | 'bad'; text: string; field?: string } | null, draft: { name?: string; phone?: string; body?: string } = {}, reported: number | null = null): string {
  const form = !a.commentsOpen || a.kind !== 'news' ? (a.kind === 'news' ? '<p class="meta">Bài này đã đóng bình luận.</p>' : '')
    : `<form id="comment" class="comment-form" method="post" action="/tin/${a.id}/binh-luan" novalidate>
<h3>Viết bình luận</h3>${state ? notice(state.kind, state.text) : ''}
<label>Họ tên<input name="name" autocomplete="name" maxlength="200" required value="${escapeHtml(draft.name ?? '')}"${state?.field === 'name' ? ' aria-invalid="true"' : ''}></label>
<label>Số điện thoại (không hiện công khai)<input name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="40" required value="${escapeHtml(draft.phone ?? '')}"${state?.field === 'phone' ? ' aria-invalid="true"' : ''}></label>
<label for="body">Nội dung (${COMMENT_MIN}–${COMMENT_MAX} ký tự)</label>
<textarea id="body" name="body" rows="4" data-counter="body-count" required${state?.field === 'body' ? ' aria-invalid="true"' : ''}>${escapeHtml(draft.body ?? '')}</textarea>
<p id="body-count" class="counter" aria-live="polite">Từ ${COMMENT_MIN} đến ${COMMENT_MAX} ký tự</p>
<label class="hp" aria-hidden="true">Để trống ô này<input name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">Gửi bình luận</button>
<p class="meta">Bình luận cần lịch sự, đúng chủ đề. Số điện thoại chỉ để cán bộ liên hệ khi cần, được mã hóa khi lưu.</p></form>`;
  const list = comments.length
    ? `<ol class="comments">${comments.map((c) => `<li id="bl-${c.id}"><p class="who"><strong>${escapeHtml(c.authorName)}</strong> <span class="meta">${vnDayTime(c.createdAt)}</span></p><p class="text">${escapeHtml(c.body).replace(/\n/g, '<br>')}</p>
${reported === c.id ? notice('ok', 'Cảm ơn bạn đã báo cáo; cán bộ sẽ xem xét.') : `<details class="report"><summary>Báo cáo vi phạm</summary><form method="post" action="/binh-luan/${c.id}/bao-cao">
<label>Vì sao?<select name="reason"><option value="">Chọn lý do (không bắt buộc)</option>${REPORT_REASONS.map((r) => `<option>${r}</option>`).join('')}</select></label>
<button type="submit" class="link">Gửi báo cáo</button></form></details>`}</li>`).join('')}</ol>`
    : '<p class="meta">Chưa có bình luận.</p>';
  return page({ title: a.title, province: p, active: a.kind === 'news' ? 'news' : 'guides', description: a.summary ?? undefined }, `<article>
<p class="meta">${escapeHtml(a.site)} · ${vnDay(a.publishedAt)}</p><h1>${escapeHtml(a.title)}</h1>${a.summary ? `<p class="summary">${escapeHtml(a.summary)}</p>` : ''}
<div class="body">${a.bodyHtml}</div></article>
${a.kind === 'news' ? `<section class="discussion"><h2>Bình luận (${comments.length})</h2>${list}${form}</section>` : ''}`);
}

/** `/huong-dan`: the guides of a province's services. */
export function guidesPage(p: Province, services: { code: string; name: string }[]): string {
  return page({ title: 'Hướng dẫn', province: p, active: 'guides' }, `<h1>Hướng dẫn từng bước</h1><ul class="guides">${services.map((s) => `<li><a href="/huong-dan/${encodeURIComponent(s.code)}?tinh=${p.code}">${escapeHtml(s.name)}</a></li>`).join('')}</ul>
<p>Làm theo hướng dẫn mà chưa được? <a href="/nho-ho-tro?tinh=${p.code}">Nhờ tổ công nghệ số hỗ trợ</a>.</p>`);
}

/** `/huong-dan/CODE`: one guide (the province's own, or the national one). */
export function guidePage(p: Province, service: { code: string; name: string }, guide: { title: string; summary: string | null; bodyHtml: string; site: string } | null): string {
  if (!guide) return page({ title: service.name, province: p, active: 'guides' }, `<h1>${escapeHtml(service.name)}</h1><p>Chưa có bài hướng dẫn cho dịch vụ này. Tổ công nghệ số của thôn sẽ hướng dẫn trực tiếp.</p>
<p><a class="button" href="/nho-ho-tro?tinh=${p.code}&amp;dv=${encodeURIComponent(service.code)}">Nhờ tổ hỗ trợ</a></p>`);
  return page({ title: guide.title, province: p, active: 'guides', description: guide.summary ?? undefined }, `<article><p class="meta">${escapeHtml(guide.site)}</p><h1>${escapeHtml(guide.title)}</h1>${guide.summary ? `<p class="summary">${escapeHtml(guide.summary)}</p>` : ''}
<div class="body">${guide.bodyHtml}</div></article><p><a class="button" href="/nho-ho-tro?tinh=${p.code}&amp;dv=${encodeURIComponent(service.code)}">Làm chưa được? Nhờ tổ hỗ trợ</a></p>`);
}

/** `/to-cua-toi?q=`: the search and its places (`more`: others match too, beyond those shown). */
export function findPage(p: Province, q: string, found: { places: Place[]; more: boolean } | null): string {
  const places = found?.places ?? null;
  const results = places === null ? ''
    : places.length === 0 && searchKey(q).length < 2 ? notice('bad', `Hãy gõ ít nhất 2 chữ của tên thôn hoặc xã, ví dụ "chieng".`)
    : places.length === 0 ? notice('bad', `Không tìm thấy xã, thôn nào khớp "${q}" trong ${p.name}. Hãy gõ tên ngắn hơn, ví dụ chỉ tên thôn.`)
    : `<ul class="cards">${places.map((pl) => `<li><a href="/to-cua-toi/${pl.code}"><strong>${escapeHtml(pl.name)}</strong></a>${pl.level === 'village' ? ` <span class="meta">${escapeHtml(pl.commune)}</span>` : ''}</li>`).join('')}</ul>`
      + (found?.more ? `<p class="meta more">Còn nhiều nơi khác khớp "${escapeHtml(q)}"; đây là ${places.length} nơi đầu. Hãy gõ thêm tên thôn và xã, ví dụ "chieng xom", để tìm đúng nơi của mình.</p>` : '');
  return page({ title: 'Tổ công nghệ số của tôi', province: p, active: 'team' }, `<h1>Tổ công nghệ số của tôi</h1>${findForm(p, q)}${results}`);
}

const ROLE: Record<string, string> = { leader: 'Tổ trưởng', deputy: 'Tổ phó', member: 'Thành viên' };
const tel = (e164: string) => `<a href="tel:${escapeHtml(e164)}">${escapeHtml(e164.replace(/^\+84/, '0'))}</a>`;

/** `/to-cua-toi/CODE`: the teams serving a commune or village. */
export function teamsPage(p: Province, place: PlaceUnit, teams: PublicTeam[], villages: { code: string; name: string }[]): string {
  const list = teams.length
    ? teams.map((t) => `<section class="team"><h2>${escapeHtml(t.name)}</h2><p class="meta">${t.level === 'village' ? `Tổ của ${escapeHtml(t.village ?? '')}` : 'Tổ cấp xã'} · ${t.members} thành viên</p>
<p>Tổ trưởng: <strong>${t.leader ? escapeHtml(t.leader) : 'chưa có'}</strong>${t.leaderPhone ? ` · ${tel(t.leaderPhone)}` : ''}</p>
${t.contacts.filter((c) => c.role !== 'leader').length ? `<ul>${t.contacts.filter((c) => c.role !== 'leader').map((c) => `<li>${escapeHtml(c.name)} (${ROLE[c.role] ?? ''}) · ${tel(c.phone)}</li>`).join('')}</ul>` : ''}</section>`).join('')
    : notice('bad', `${place.name} chưa có tổ công nghệ số ghi trong Ngõ Số. Bạn vẫn nhờ hỗ trợ được: yêu cầu sẽ đến cán bộ xã.`);
  const choose = place.level === 'commune' && villages.length ? `<details><summary>Chọn thôn, tổ dân phố của ${escapeHtml(place.name)}</summary><ul class="villages">${villages.map((v) => `<li><a href="/to-cua-toi/${v.code}">${escapeHtml(v.name)}</a></li>`).join('')}</ul></details>` : '';
  return page({ title: place.name, province: p, active: 'team' }, `<p class="meta">${place.level === 'village' ? `${escapeHtml(place.communeName)} · ` : ''}${escapeHtml(p.name)}</p><h1>${escapeHtml(place.name)}</h1>${choose}${list}
<p><a class="button" href="/nho-ho-tro?tinh=${p.code}&amp;xa=${place.communeCode}${place.level === 'village' ? `&amp;thon=${encodeURIComponent(place.code)}` : ''}">Nhờ tổ hỗ trợ</a></p>`);
}

export { missing };
