// DOM and formatting helpers. Data only ever reaches the page as text nodes or attribute values
// (never through innerHTML), so names and free text from rosters cannot inject markup.
import { flash as setFlash, takeFlash as takePending } from './flash.js';

/**
 * h('a', {href: '#/x', class: 'btn'}, 'text', child, [more]) → element.
 * Strings and numbers become text nodes; null/false children are skipped; `on*` attributes
 * are event listeners; other attributes are set with setAttribute (values are data, not markup).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // through the CSSOM: the CSP (style-src 'self') refuses style="" attributes, not this
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const numberFormat = new Intl.NumberFormat('vi-VN');
/** 1459 → "1.459" */
export const num = (n) => numberFormat.format(n ?? 0);

const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** Percent, always with one decimal, vi-VN ("45,5%", "50,0%"); "—" when the whole is 0. */
export const pct = (part, whole) => (whole ? percentFormat.format(part / whole) : '—');

/** "2025-07-01" → "01/07/2025"; empty for null. */
/** Today's date in Vietnam (Asia/Ho_Chi_Minh) as YYYY-MM-DD. */
export const todayVn = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export function date(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** A moment (Date or ISO timestamp; default now) in Vietnam time as "dd/mm/yyyy HH:mm" (with ":ss" when `seconds`). */
export function nowInVietnam(at = new Date(), seconds = false) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}${seconds ? ':' + p.second : ''}`;
}

/** Lower case without diacritics, đ → d: for client-side filtering ("chieng" matches "Chiềng"). */
export const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();

export const ROLE = { leader: 'Tổ trưởng', deputy: 'Tổ phó', member: 'Thành viên' };
export const GENDER = { male: 'Nam', female: 'Nữ' };
export const AFFILIATION = {
  youth_union: 'Đoàn Thanh niên',
  womens_union: 'Hội LHPN',
  fatherland_front: 'MTTQ',
  police: 'Công an xã',
  farmers_union: 'Hội Nông dân',
  veterans: 'Hội CCB',
  village_head: 'Trưởng thôn/TDP',
  party_cell: 'Chi bộ',
  post_telecom: 'Bưu điện/viễn thông',
};
export const LEVEL = { province: 'Cấp tỉnh', district: 'Huyện (cũ)', commune: 'Cấp xã', village: 'Thôn, bản, tổ dân phố' };
export const TEAM_LEVEL = { commune: 'Cấp xã', village: 'Cấp thôn, bản' };

/** A message box: kind 'error' | 'ok' | 'info'. Errors are announced to screen readers. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

export const loading = (what = 'Đang tải…') => h('p', { class: 'loading', role: 'status' }, what);

/** A table inside a horizontally scrolling wrapper (wide tables on phones). */
export function table(caption, headers, rows, attrs = {}) {
  // each cell carries its column name, so narrow screens can show rows as labelled cards (CSS .stack)
  const labels = headers.map((x) => (typeof x === 'object' ? x.text : x));
  for (const tr of rows) [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i] ?? ''));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attrs,
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: typeof x === 'object' ? x.class : null }, typeof x === 'object' ? x.text : x)))),
      h('tbody', {}, rows),
    ),
  );
}

/** A labelled form field: label, control, and an optional hint tied to it by aria-describedby. */
export function field(label, control, hint) {
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A message to show at the top of the next page (after a redirect): flash('ok', 'Đã đổi mật khẩu.'). Kept in flash.ts, shared with the Preact pages. */
export const flash = setFlash;
/** The pending flash message as a notice (once), or null. */
export function takeFlash() {
  const f = takePending();
  return f ? notice(f.kind, f.text) : null;
}
