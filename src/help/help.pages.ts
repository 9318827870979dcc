import { escapeHtml } from '../http/html.js';
import { notice, page, vnDayTime } from '../portal/portal.layout.js';
import type { Province } from '../portal/portal.public.js';
import { CONSENT_TEXT, type HelpProblem, type NewHelpRequest } from './help.service.js';
import type { HelpStatus } from './help.views.js';

/**
 * The resident's help pages (issue 16, item 3), server-rendered, working without script: the form
 * in two steps (the commune, then the village and the rest) and the status page of a request.
 */

interface FormData { province: Province; communes: { code: string; name: string }[]; commune: { code: string; name: string } | null; villages: { code: string; name: string }[]; services: { code: string; name: string }[] }

const err = (problems: HelpProblem[], field: string) => problems.find((p) => p.field === field);
const invalid = (problems: HelpProblem[], field: string) => (err(problems, field) ? ' aria-invalid="true"' : '');
const option = (value: string, label: string, chosen?: string) => `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(label)}</option>`;

/** `/nho-ho-tro`: step 1 (choose the commune) without `commune`, else the whole form; problems shown by their fields. */
export function helpFormPage(d: FormData, draft: Partial<NewHelpRequest> = {}, problems: HelpProblem[] = []): string {
  const p = d.province;
  const list = problems.length ? `<div class="bad" role="alert"><p>Chưa gửi được yêu cầu:</p><ul>${problems.map((x) => `<li>${escapeHtml(x.reason)}</li>`).join('')}</ul></div>` : '';
  if (!d.commune) {
    return page({ title: 'Nhờ hỗ trợ', province: p, active: 'help' }, `<h1>Nhờ tổ công nghệ số hỗ trợ</h1><p>Tổ của thôn sẽ gọi lại hoặc đến tận nhà hướng dẫn, miễn phí.</p>${list}
<form method="get" action="/nho-ho-tro"><input type="hidden" name="tinh" value="${p.code}">${draft.service ? `<input type="hidden" name="dv" value="${escapeHtml(draft.service)}">` : ''}
<label>Bạn ở xã/phường nào?<select name="xa" required><option value="">— Chọn xã/phường —</option>${d.communes.map((c) => option(c.code, c.name)).join('')}</select></label>
<button type="submit">Tiếp tục</button></form>`);
  }
  const hint = (f: string) => (err(problems, f) ? `<span class="bad">${escapeHtml(err(problems, f)!.reason)}</span>` : '');
  return page({ title: 'Nhờ hỗ trợ', province: p, active: 'help' }, `<h1>Nhờ tổ công nghệ số hỗ trợ</h1>${list}
<form method="post" action="/nho-ho-tro" novalidate><input type="hidden" name="tinh" value="${p.code}"><input type="hidden" name="xa" value="${escapeHtml(d.commune.code)}">
<p>Xã/phường: <strong>${escapeHtml(d.commune.name)}</strong> · <a href="/nho-ho-tro?tinh=${p.code}${draft.service ? `&amp;dv=${encodeURIComponent(draft.service)}` : ''}">đổi</a></p>
<label>Thôn, bản, tổ dân phố${hint('village')}<select name="thon"${invalid(problems, 'village')}><option value="">— Không rõ / chọn sau —</option>${d.villages.map((v) => option(v.code, v.name, draft.village)).join('')}</select></label>
<label>Cần hỗ trợ việc gì?${hint('service')}<select name="dv" required${invalid(problems, 'service')}><option value="">— Chọn —</option>${d.services.map((s) => option(s.code, s.name, draft.service)).join('')}</select></label>
<label>Đang gặp khó khăn gì?${hint('problem')}<textarea name="van_de" rows="3" required${invalid(problems, 'problem')} placeholder="Ví dụ: không nhận được mã OTP khi kích hoạt VNeID">${escapeHtml(draft.problem ?? '')}</textarea></label>
<label>Họ tên${hint('name')}<input name="ten" autocomplete="name" required value="${escapeHtml(draft.name ?? '')}"${invalid(problems, 'name')}></label>
<label>Số điện thoại để tổ gọi lại${hint('phone')}<input name="dien_thoai" type="tel" inputmode="tel" autocomplete="tel" required value="${escapeHtml(draft.phone ?? '')}"${invalid(problems, 'phone')}></label>
<label>Thời gian thuận tiện (không bắt buộc)${hint('preferredTime')}<input name="thoi_gian" placeholder="Ví dụ: sau 17 giờ các ngày trong tuần" value="${escapeHtml(draft.preferredTime ?? '')}"></label>
<label class="check"><input type="checkbox" name="dong_y" value="1"${draft.consent ? ' checked' : ''}${invalid(problems, 'consent')}> ${escapeHtml(CONSENT_TEXT)}</label>${hint('consent')}
<label class="hp" aria-hidden="true">Để trống ô này<input name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">Gửi yêu cầu</button></form>`);
}

const STEPS: Record<HelpStatus['status'], string> = { open: 'Đã gửi, đang chờ tổ nhận', accepted: 'Tổ đã nhận, sẽ liên hệ bạn', closed: 'Đã hỗ trợ xong', cancelled: 'Đã huỷ' };

/** `/yeu-cau/TOKEN`: the status only (no name, no phone, no problem text), and afterwards the question "đã giải quyết chưa?". */
export function statusPage(province: Province | null, s: HelpStatus, link: string, message: { kind: 'ok' | 'bad'; text: string } | null = null, justMade = false, origin = ''): string {
  const rows: [string, string | null][] = [
    ['Gửi lúc', vnDayTime(s.createdAt)],
    ['Tổ nhận lúc', s.acceptedAt ? vnDayTime(s.acceptedAt) : null],
    ['Xong lúc', s.closedAt ? vnDayTime(s.closedAt) : null],
  ];
  const ask = s.status === 'closed' && !s.rated
    ? `<form method="post" action="${escapeHtml(link)}" class="rate"><h2>Vấn đề của bạn đã được giải quyết chưa?</h2>
<fieldset><legend>Đã giải quyết?</legend><label class="check"><input type="radio" name="da_xong" value="1" required> Đã xong</label><label class="check"><input type="radio" name="da_xong" value="0"> Chưa xong</label></fieldset>
<fieldset><legend>Bạn chấm tổ mấy điểm?</legend>${[5, 4, 3, 2, 1].map((n) => `<label class="check"><input type="radio" name="diem" value="${n}" required> ${n} ${'★'.repeat(n)}</label>`).join('')}</fieldset>
<label>Góp ý (không bắt buộc)<textarea name="gop_y" rows="3"></textarea></label><button type="submit">Gửi đánh giá</button></form>`
    : s.rated ? `<p class="ok">Cảm ơn bạn đã đánh giá${s.rating ? `: ${s.rating}/5` : ''}.</p>` : '';
  return page({ title: 'Theo dõi yêu cầu', province }, `<h1>Yêu cầu hỗ trợ số ${s.id}</h1>
${justMade ? `<div class="ok" role="status"><p><strong>Đã gửi yêu cầu.</strong> ${s.teamName ? `Yêu cầu đã đến ${escapeHtml(s.teamName)}.` : 'Yêu cầu đã đến cán bộ xã.'}</p><p>Tổ sẽ nhận việc trước ${vnDayTime(s.dueAt)}. Hãy lưu lại đường dẫn này để theo dõi: <a href="${escapeHtml(link)}">${escapeHtml(origin + link)}</a></p></div>` : ''}
${message ? notice(message.kind, message.text) : ''}
<p class="status status-${s.status}">${STEPS[s.status]}</p>
<dl><dt>Việc cần hỗ trợ</dt><dd>${escapeHtml(s.serviceName)}</dd><dt>Nơi</dt><dd>${escapeHtml(s.place)}</dd>${rows.filter((r) => r[1]).map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${ask}`);
}
