import { escapeHtml } from '../http/html.js';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { formatDateVi } from '../text/dates.js';
import { bodyBlocks } from './directives.vocabulary.js';
import { unitTitleSql } from '../trainings/trainings.repo.js';

/**
 * A directive's public page per team (issue 15, item 4): `/chi-dao/TOKEN`, the short link a team
 * pastes into its Zalo group. Plain HTML, no script, readable on any phone: the issuer, number,
 * date, title and body (every value HTML-escaped, paragraphs and "- " lists as text), and a
 * button "Tôi đã nhận được" for residents (no sign-in; a phone, if given, is kept only as a keyed
 * hash, so a household counts once).
 */

export interface PublicDirective { directiveId: number; teamId: number; title: string; body: string; number: string | null; issuedOn: string; issuer: string; team: string; village: string | null; deadline: string | null }

/** The directive and team of a public token, or null. */
export async function publicDirective(db: Db, token: string): Promise<PublicDirective | null> {
  if (!/^[0-9a-f]{32}$/.test(token)) return null;
  const [row] = await queryRows<PublicDirective>(db, sql`
    select d.id as "directiveId", dt.team_id as "teamId", d.title, d.body, d.number, d.issued_on::text as "issuedOn", ${unitTitleSql('u')} as issuer, t.name as team, v.name as village, d.deadline::text as deadline
    from directive_teams dt join directives d on d.id = dt.directive_id join admin_units u on u.id = d.issuer_unit_id join teams t on t.id = dt.team_id
    left join admin_units v on v.id = dt.unit_id and v.level = 'village' where dt.public_token = ${token}`);
  return row ?? null;
}

/** Plain text → paragraphs and lists, all escaped (no markup from the text ever reaches the page). */
export function bodyHtml(body: string): string {
  return bodyBlocks(body)
    .map((b) => (b.kind === 'ul' ? `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : `<p>${b.lines.map(escapeHtml).join('<br>')}</p>`))
    .join('\n');
}

/** The page; `state`: 'ask' (the button), 'thanks' (recorded), 'already' (this browser or phone confirmed before), 'missing' (no such link). */
export function publicPage(d: PublicDirective | null, state: 'ask' | 'thanks' | 'already' | 'missing', action: string): string {
  const main = !d
    ? `<h1>Không tìm thấy văn bản</h1><p class="bad">Đường dẫn này không đúng hoặc đã hết hiệu lực. Hãy hỏi lại tổ công nghệ số của thôn.</p>`
    : `<p class="meta">${escapeHtml(d.issuer)}${d.number ? ` · Số ${escapeHtml(d.number)}` : ''} · ngày ${formatDateVi(d.issuedOn)}</p>
<h1>${escapeHtml(d.title)}</h1>
<div class="body">${bodyHtml(d.body)}</div>
<p class="meta">Tổ công nghệ số: ${escapeHtml(d.team)}${d.village ? ` (${escapeHtml(d.village)})` : ''}</p>
${state === 'thanks' ? '<p class="ok">Cảm ơn bà con! Tổ đã ghi nhận gia đình mình đã nhận được thông báo.</p>'
  : state === 'already' ? '<p class="ok">Gia đình mình đã xác nhận trước đó. Cảm ơn bà con!</p>'
  : `<form method="post" action="${escapeHtml(action)}">
<label>Số điện thoại (không bắt buộc, để mỗi hộ chỉ tính một lần)<input name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20"></label>
<label class="hp" aria-hidden="true">Để trống ô này<input name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">Tôi đã nhận được</button>
<p class="note">Số điện thoại chỉ được lưu dưới dạng mã hóa một chiều để đếm số hộ, không ai đọc lại được.</p>
</form>`}`;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${d ? escapeHtml(d.title) : 'Không tìm thấy'} — Ngõ Số</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/verify.css">
</head>
<body><main>${main}</main><footer>Ngõ Số — nền tảng của Tổ công nghệ số cộng đồng</footer></body></html>`;
}
