// #/hoat-dong?unit=CODE | team=ID | member=ID[&team=ID] — what teams did: support sessions of a
// province, commune, village, team or member over a period (day, ISO week, month, quarter, year,
// or a range of Vietnamese days), with the headline numbers, the generated sentence, the trend as
// a chart (Chart.js, served from /vendor), per-service outcomes, children with drill-down
// (province → commune → team → member), coverage against population, and CSV/.xlsx downloads.
// Period in the hash: &period=day|week|month|quarter|year&date=YYYY-MM-DD, or &from=…&to=….
import { api, provinces, url } from './api.js';
import { date, fill, h, loading, notice, num, pct, table, todayVn } from './dom.js';
import { OFFICERS, TEAM_ROLES, can, myUnit, session } from './session.js';

const PERIODS = { day: 'Ngày', week: 'Tuần', month: 'Tháng', quarter: 'Quý', year: 'Năm', range: 'Khoảng ngày tùy chọn' };
const KIND = { province: 'Tỉnh, thành phố', commune: 'Xã, phường', village: 'Thôn, bản, tổ dân phố', team: 'Tổ công nghệ số cộng đồng', member: 'Thành viên' };
const SESSION_KIND = { home: 'tại nhà', group: 'buổi nhóm', help_desk: 'tại bàn hỗ trợ' };
const OUTCOMES = {
  informed: 'Đã hướng dẫn, giới thiệu',
  installed: 'Đã cài đặt',
  account_created: 'Đã tạo tài khoản',
  eid_level2: 'Đã kích hoạt định danh mức 2',
  submitted_online: 'Đã nộp hồ sơ trực tuyến',
  payment_made: 'Đã thanh toán trực tuyến',
};
const CHILDREN_TITLE = { commune: 'Theo xã, phường', team: 'Theo tổ', member: 'Theo thành viên' };
const CHILD_HEAD = { commune: 'Xã, phường', team: 'Tổ', member: 'Thành viên' };
const BUCKET = { day: 'theo ngày', week: 'theo tuần', month: 'theo tháng' };
const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const ROMAN = ['I', 'II', 'III', 'IV'];

// ---- dates: ISO days (YYYY-MM-DD) computed in UTC, shown dd/mm/yyyy -------------------------

/** Today in Vietnam (Asia/Ho_Chi_Minh) as YYYY-MM-DD. */
const utc = (iso) => new Date(iso + 'T00:00:00Z');
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (day, n) => iso(new Date(utc(day).getTime() + n * 86400000));
const addMonths = (day, n) => {
  const [y, m] = day.split('-').map(Number);
  return iso(new Date(Date.UTC(y, m - 1 + n, 1)));
};
/** "2026-11-29" → "29/11/2026" */
const vnDate = date;
/** "29/11/2026" (or 29-11-2026, 29.11.2026; 1/2/2026) → "2026-11-29"; null when not a real date. */
export function parseVnDate(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const day = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isIso(day) ? day : null;
}
/** A real YYYY-MM-DD day in 2000–2100 (what the report accepts); anything else in the address falls back to this month. */
const isIso = (s) => /^(20\d\d|2100)-\d{2}-\d{2}$/.test(s ?? '') && !Number.isNaN(utc(s).getTime()) && iso(utc(s)) === s;

/** The period of the page: {kind, date} or {kind: 'range', from, to}, from the hash query. */
function periodOf(query) {
  const from = query.get('from');
  const to = query.get('to');
  if (isIso(from) && isIso(to)) return { kind: 'range', from, to };
  const kind = PERIODS[query.get('period')] && query.get('period') !== 'range' ? query.get('period') : 'month';
  const date = isIso(query.get('date')) ? query.get('date') : todayVn();
  return { kind, date };
}
const periodParams = (p) => (p.kind === 'range' ? { from: p.from, to: p.to } : { period: p.kind, date: p.date });

/** The same period one step earlier (-1) or later (+1). */
function shift(p, step) {
  const date = { day: () => addDays(p.date, step), week: () => addDays(p.date, 7 * step), month: () => addMonths(p.date, step), quarter: () => addMonths(p.date, 3 * step), year: () => addMonths(p.date, 12 * step) }[p.kind]();
  return { kind: p.kind, date };
}

/** "Tháng 11/2026", "Quý IV/2026", "Tuần 23/11 – 29/11/2026", "Thứ Hai 02/11/2026", "01/10/2026 – 30/11/2026". */
export function periodLabel(kind, from, to) {
  const [y, m] = from.split('-').map(Number);
  switch (kind) {
    case 'day':
      return `${WEEKDAYS[utc(from).getUTCDay()]}, ${vnDate(from)}`;
    case 'week':
      return `Tuần ${vnDate(from).slice(0, 5)} – ${vnDate(to)}`;
    case 'month':
      return `Tháng ${String(m).padStart(2, '0')}/${y}`;
    case 'quarter':
      return `Quý ${ROMAN[Math.floor((m - 1) / 3)]}/${y}`;
    case 'year':
      return `Năm ${y}`;
    default:
      return `${vnDate(from)} – ${vnDate(to)}`;
  }
}

/** Every bucket of the period (the report lists only those with sessions), clipped to it: [{from, to, sessions, residents}]. */
export function trendRows(r) {
  const { from, to, bucket } = r.period;
  const start0 = bucket === 'day' ? from : bucket === 'month' ? from.slice(0, 8) + '01' : addDays(from, -((utc(from).getUTCDay() + 6) % 7));
  const next = (d) => (bucket === 'day' ? addDays(d, 1) : bucket === 'week' ? addDays(d, 7) : addMonths(d, 1));
  const byStart = new Map(r.trend.map((t) => [t.start, t]));
  const rows = [];
  for (let s = start0; s <= to; s = next(s)) {
    const e = addDays(next(s), -1);
    const t = byStart.get(s);
    rows.push({ from: s < from ? from : s, to: e > to ? to : e, sessions: t?.sessions ?? 0, residents: t?.residents ?? 0 });
  }
  return rows;
}

const ratioFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

// ---- the page ---------------------------------------------------------------------------------

export async function dashboardPage(view, _match, query) {
  const target = query.get('unit') ? { unit: query.get('unit') } : query.get('member') ? { member: query.get('member') } : query.get('team') ? { team: query.get('team') } : null;
  if (!target) return chooseTarget(view, query);
  const period = periodOf(query);
  view.append(loading('Đang tổng hợp số liệu…'));
  const teamId = query.get('team');
  const [r, place] = await Promise.all([api(url('/api/reports/support', { ...target, ...periodParams(period) })), placeOf(target, teamId)]);
  const t = r.target;
  document.title = `Ngõ Số — Hoạt động: ${t.name}`;
  const base = (extra) => `#/hoat-dong?${new URLSearchParams({ ...extra, ...periodParams(period) })}`;
  const file = (params) => url('/api/reports/support', { ...target, ...periodParams(period), ...params });

  fill(
    view,
    crumbs(place, t, base),
    h('div', { class: 'page-head' },
      h('div', {},
        h('h2', { tabindex: '-1' }, 'Hoạt động hướng dẫn người dân: ', t.name),
        h('p', { class: 'meta' }, `${KIND[t.kind]}${t.code ? ` · mã ${t.code}` : ''}`),
      ),
      h('div', { class: 'actions' },
        h('a', { class: 'btn btn-secondary', href: file({ format: 'xlsx' }), download: '' }, 'Tải Excel (.xlsx)'),
        t.kind === 'team' ? h('a', { class: 'btn btn-secondary', href: `#/to/${t.id}` }, 'Xem thành viên của tổ') : null,
        t.kind === 'province' || t.kind === 'commune' ? h('a', { class: 'btn btn-secondary', href: `#/bao-cao/${t.code}` }, 'Báo cáo mạng lưới') : null,
      ),
    ),
    periodForm(period, r, target, teamId),
    h('div', { class: 'cards dash-cards' },
      card('sessions', 'Buổi hướng dẫn', num(r.sessions), Object.entries(SESSION_KIND).map(([k, label]) => `${num(r.byKind[k])} ${label}`).join(' · ') + (r.atServiceCentre ? ` · ${num(r.atServiceCentre)} ở Trung tâm phục vụ hành chính công` : '')),
      card('headcount', 'Lượt người dân', num(r.headcount), 'Cộng số người của từng buổi (buổi nhóm tính theo số người dự)'),
      card('residents', 'Người dân được hướng dẫn', num(r.residents), r.recognised ? `Người nhận diện được qua SĐT/CCCD chỉ tính một lần (${num(r.recognised)} người)` : 'Mỗi lượt tính là một người khi không nhận diện được'),
      r.coverage
        ? card('coverage', 'Bao phủ dân số', ratioFormat.format(r.coverage.ratio), `${num(r.residents)} / ${num(r.coverage.population)} người (dân số năm ${r.coverage.year}${r.coverage.communes > 1 ? `; ${num(r.coverage.communesWithFigures)}/${num(r.coverage.communes)} xã có số liệu` : ''})`)
        : null,
    ),
    h('p', { class: 'sentence', 'data-sentence': '' }, r.sentence),
    r.coverage || !(t.kind === 'province' || t.kind === 'commune') ? null : coverageHint(t),
    trendSection(r, file),
    servicesSection(r, file),
    t.kind === 'member' ? null : childrenSection(r, base, file, t.kind === 'team' ? t.id : teamId),
  );
}

function card(key, label, value, note) {
  return h('div', { class: 'card stat-card', 'data-stat': key }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-note' }, note));
}

function coverageHint(t) {
  return h('p', { class: 'hint coverage-hint' }, 'Chưa có số dân của ', t.name, ' nên chưa tính được tỷ lệ bao phủ. ', can(OFFICERS) ? h('a', { href: '#/dan-so' }, 'Nhập số dân từ tệp Excel/CSV') : null);
}

/** Where the target sits: {province, commune?, village?, team?} as {code|id, name}. */
async function placeOf(target, teamId) {
  const provs = await provinces().catch(() => []);
  const provinceName = (code) => provs.find((p) => p.code === code);
  if (target.unit) {
    const u = await api(`/api/units/${encodeURIComponent(target.unit)}`).catch(() => null);
    if (!u) return {};
    return { province: u.level === 'province' ? null : provinceName(u.provinceCode), commune: u.level === 'village' ? u.parent : null };
  }
  const id = target.team ?? teamId;
  if (!id) return {};
  const team = await api(`/api/teams/${encodeURIComponent(id)}`).catch(() => null);
  if (!team) return {};
  return { province: provinceName(team.commune?.provinceCode), commune: team.commune, village: team.unit?.level === 'village' ? team.unit : null, team: target.member ? team : null };
}

function crumbs(place, t, base) {
  // levels above the user's scope are named but not linked (the server would refuse them)
  const kind = session.scope?.kind ?? 'all';
  const wide = kind === 'all' || kind === 'province';
  const teamUnit = kind === 'team' ? (place.village ?? place.commune)?.code : null;
  const step = (u, open) => (open ? h('a', { href: base({ unit: u.code }) }, u.name) : h('span', {}, u.name));
  const items = [h('a', { href: '#/hoat-dong' }, 'Hoạt động')];
  if (place.province) items.push(step(place.province, wide));
  if (place.commune) items.push(step(place.commune, wide || kind === 'commune' || teamUnit === place.commune.code));
  if (place.village) items.push(step(place.village, wide || kind === 'commune' || kind === 'village' || teamUnit === place.village.code));
  if (place.team) items.push(h('a', { href: base({ team: place.team.id }) }, place.team.name));
  items.push(h('span', { 'aria-current': 'page' }, t.name));
  return h('nav', { class: 'crumbs', 'aria-label': 'Vị trí' }, h('ol', {}, items.map((c) => h('li', {}, c))));
}

/** Period picker: kind, a day in it (dd/mm/yyyy) or a range, previous/next; changes the hash. */
function periodForm(p, r, target, teamId) {
  const go = (next) => {
    location.hash = `#/hoat-dong?${new URLSearchParams({ ...target, ...(target.member && teamId ? { team: teamId } : {}), ...periodParams(next) })}`;
  };
  const kind = h('select', { id: 'p-kind', name: 'kind' }, Object.entries(PERIODS).map(([k, label]) => h('option', { value: k, selected: k === p.kind }, label)));
  const dateInput = (id, value, label) => {
    const input = h('input', { type: 'text', id, inputmode: 'numeric', placeholder: 'dd/mm/yyyy', maxlength: 10, value: vnDate(value), autocomplete: 'off', pattern: '\\d{1,2}/\\d{1,2}/\\d{4}' });
    return { input, field: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  };
  const day = dateInput('p-date', p.date ?? r.period.from, 'Ngày trong kỳ');
  const from = dateInput('p-from', r.period.from, 'Từ ngày');
  const to = dateInput('p-to', r.period.to, 'Đến ngày');
  const out = h('p', { class: 'form-status error-text', role: 'alert' });
  const toggle = () => {
    const range = kind.value === 'range';
    day.field.hidden = range;
    from.field.hidden = to.field.hidden = !range;
  };
  kind.addEventListener('change', toggle);
  toggle();
  const form = h('form', { class: 'period-form card', 'aria-label': 'Chọn thời gian' },
    h('div', { class: 'field' }, h('label', { for: 'p-kind' }, 'Xem theo'), kind),
    day.field, from.field, to.field,
    h('button', { type: 'submit' }, 'Xem'),
    out,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    out.textContent = '';
    if (kind.value === 'range') {
      const a = parseVnDate(from.input.value);
      const b = parseVnDate(to.input.value);
      if (!a || !b) return void (out.textContent = 'Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 01/11/2026.');
      if (a > b) return void (out.textContent = '"Từ ngày" phải trước hoặc bằng "Đến ngày".');
      return go({ kind: 'range', from: a, to: b });
    }
    const d = parseVnDate(day.input.value);
    if (!d) return void (out.textContent = 'Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 29/11/2026.');
    go({ kind: kind.value, date: d });
  });
  const label = periodLabel(p.kind, r.period.from, r.period.to);
  const span = p.kind === 'day' ? '' : p.kind === 'range' ? '' : ` (${vnDate(r.period.from)} – ${vnDate(r.period.to)})`;
  const stepper = p.kind === 'range' ? null : h('div', { class: 'period-steps' },
    h('button', { type: 'button', class: 'btn-secondary', onclick: () => go(shift(p, -1)), 'aria-label': `${PERIODS[p.kind]} trước` }, `‹ ${PERIODS[p.kind]} trước`),
    h('button', { type: 'button', class: 'btn-secondary', onclick: () => go({ kind: p.kind, date: todayVn() }) }, 'Hôm nay'),
    h('button', { type: 'button', class: 'btn-secondary', onclick: () => go(shift(p, 1)), 'aria-label': `${PERIODS[p.kind]} sau` }, `${PERIODS[p.kind]} sau ›`),
  );
  return h('section', { class: 'period' }, h('p', { class: 'period-label', 'data-period': '' }, label, h('span', { class: 'muted' }, span)), stepper, form);
}

/** The trend as a Chart.js chart (bars: people, line: sessions), with its table under "Xem bảng số liệu". */
function trendSection(r, file) {
  const rows = trendRows(r);
  const canvas = h('canvas', { id: 'trend-chart', role: 'img', 'aria-label': `Biểu đồ số buổi và lượt người dân ${BUCKET[r.period.bucket]}` });
  const label = (row) => (r.period.bucket === 'month' ? `${row.from.slice(5, 7)}/${row.from.slice(0, 4)}` : vnDate(row.from).slice(0, 5));
  const tbl = table(null, [r.period.bucket === 'day' ? 'Ngày' : 'Từ ngày', ...(r.period.bucket === 'day' ? [] : ['Đến ngày']), { text: 'Số buổi', class: 'num' }, { text: 'Lượt người dân', class: 'num' }],
    rows.map((row) => h('tr', {}, h('td', {}, vnDate(row.from)), r.period.bucket === 'day' ? null : h('td', {}, vnDate(row.to)), h('td', { class: 'num' }, num(row.sessions)), h('td', { class: 'num' }, num(row.residents)))),
    { class: 'trend' });
  const section = h('section', { class: 'card chart-card', 'aria-labelledby': 'trend-h' },
    h('div', { class: 'section-head' },
      h('h3', { id: 'trend-h' }, `Diễn biến ${BUCKET[r.period.bucket]}`),
      h('a', { class: 'btn btn-secondary btn-small', href: file({ format: 'csv', table: 'trend' }), download: '' }, 'Tải CSV'),
    ),
    h('div', { class: 'chart-box' }, canvas),
    h('details', { class: 'rows' }, h('summary', {}, 'Xem bảng số liệu'), tbl),
  );
  drawChart(canvas, rows.map(label), rows);
  return section;
}

let chartLib;
/** Loads Chart.js once (a same-origin UMD file: allowed by the CSP, no CDN). */
function loadChart() {
  chartLib ??= import('/vendor/chart.umd.min.js').then(() => globalThis.Chart).catch((e) => ((chartLib = undefined), Promise.reject(e)));
  return chartLib;
}

async function drawChart(canvas, labels, rows) {
  let Chart;
  try {
    Chart = await loadChart();
  } catch {
    canvas.replaceWith(notice('info', 'Không tải được thư viện biểu đồ; số liệu có trong bảng bên dưới.'));
    return;
  }
  if (!canvas.isConnected) await new Promise((resolve) => requestAnimationFrame(resolve));
  if (!canvas.isConnected) return; // the page changed meanwhile
  const font = { family: getComputedStyle(document.body).fontFamily, size: 14 };
  const chart = new Chart(canvas, {
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Lượt người dân', data: rows.map((r) => r.residents), backgroundColor: 'rgba(11, 92, 138, 0.75)', borderRadius: 3, yAxisID: 'y', order: 2 },
        { type: 'line', label: 'Số buổi', data: rows.map((r) => r.sessions), borderColor: '#c8102e', backgroundColor: '#c8102e', pointRadius: rows.length > 40 ? 0 : 3, tension: 0.2, yAxisID: 'y', order: 1 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: 'vi-VN',
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { font } }, tooltip: { titleFont: font, bodyFont: font } },
      scales: {
        x: { ticks: { font, autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { font, precision: 0 } },
      },
    },
  });
  canvas.dataset.drawn = String(chart.data.labels.length);
}

function servicesSection(r, file) {
  const body = r.services.length
    ? table(null, ['Dịch vụ', { text: 'Số buổi', class: 'num' }, { text: 'Lượt người dân', class: 'num' }, ...Object.values(OUTCOMES).map((text) => ({ text, class: 'num' }))],
        r.services.map((s) => h('tr', { 'data-service': s.code },
          h('td', { class: 'name' }, h('span', { 'aria-hidden': 'true', class: 'icon' }, s.icon, ' '), s.name),
          h('td', { class: 'num' }, num(s.sessions)),
          h('td', { class: 'num' }, num(s.headcount)),
          ...Object.keys(OUTCOMES).map((o) => h('td', { class: s.outcomes[o] ? 'num' : 'num zero-cell' }, num(s.outcomes[o]))),
        )),
        { class: 'services stack' })
    : h('p', { class: 'muted' }, 'Chưa có buổi hướng dẫn nào trong thời gian này.');
  return h('section', { class: 'dash-section', 'aria-labelledby': 'services-h' },
    h('div', { class: 'section-head' },
      h('h3', { id: 'services-h' }, 'Theo dịch vụ và kết quả'),
      h('a', { class: 'btn btn-secondary btn-small', href: file({ format: 'csv', table: 'services' }), download: '' }, 'Tải CSV'),
    ),
    h('p', { class: 'hint' }, 'Số người dân theo kết quả xa nhất đạt được ở mỗi dịch vụ.'),
    body,
  );
}

function childrenSection(r, base, file, teamId) {
  const kind = r.children[0]?.kind ?? (r.target.kind === 'province' ? 'commune' : r.target.kind === 'team' ? 'member' : 'team');
  const link = (c) => (c.kind === 'commune' ? base({ unit: c.code }) : c.kind === 'team' ? base({ team: c.id }) : base({ member: c.id, team: teamId }));
  const rows = r.children.map((c) =>
    h('tr', { class: c.sessions ? null : 'zero', 'data-child': c.code ?? c.id },
      h('td', { class: 'name' }, h('a', { href: link(c) }, c.name)),
      h('td', { class: 'num' }, num(c.sessions)),
      h('td', { class: 'num' }, num(c.headcount)),
      h('td', { class: 'num' }, pct(c.headcount, r.headcount)),
    ),
  );
  const tbl = table(null, [CHILD_HEAD[kind], { text: 'Số buổi', class: 'num' }, { text: 'Lượt người dân', class: 'num' }, { text: 'Tỷ trọng', class: 'num' }], rows, { class: 'children' });
  tbl.querySelector('table').append(h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', class: 'name' }, 'Tổng cộng'), h('td', { class: 'num' }, num(r.sessions)), h('td', { class: 'num' }, num(r.headcount)), h('td', { class: 'num' }, pct(r.headcount, r.headcount)))));
  const active = r.children.filter((c) => c.sessions).length;
  const onlyActive = r.children.length > 20 ? h('input', { type: 'checkbox', id: 'only-active', checked: true }) : null;
  const apply = () => rows.forEach((tr) => (tr.hidden = !!onlyActive?.checked && tr.classList.contains('zero')));
  onlyActive?.addEventListener('change', apply);
  apply();
  return h('section', { class: 'children-section dash-section', 'aria-labelledby': 'children-h' },
    h('div', { class: 'section-head' },
      h('h3', { id: 'children-h' }, CHILDREN_TITLE[kind]),
      h('div', { class: 'actions' },
        onlyActive ? h('label', { class: 'check' }, onlyActive, ` Chỉ hiện nơi có hoạt động (${num(active)}/${num(r.children.length)})`) : null,
        h('a', { class: 'btn btn-secondary btn-small', href: file({ format: 'csv', table: 'children' }), download: '' }, 'Tải CSV'),
      ),
    ),
    kind === 'member' ? h('p', { class: 'hint' }, 'Một buổi do nhiều thành viên cùng hướng dẫn được tính cho từng người, nên cộng theo thành viên có thể lớn hơn tổng của tổ.') : null,
    r.children.length ? tbl : h('p', { class: 'muted' }, 'Chưa có hoạt động nào trong thời gian này.'),
  );
}

/** #/hoat-dong without a target: a team member's team, an officer's unit, or (admin) the provinces. */
async function chooseTarget(view, query) {
  document.title = 'Ngõ Số — Hoạt động';
  const keep = query.toString() ? `&${query}` : '';
  if (can(TEAM_ROLES) && session.scope?.kind === 'team') {
    location.replace(`#/hoat-dong?team=${session.scope.teamId}${keep}`);
    throw Object.assign(new Error(''), { handled: true });
  }
  const unit = await myUnit();
  if (unit) {
    location.replace(`#/hoat-dong?unit=${unit.code}${keep}`);
    throw Object.assign(new Error(''), { handled: true });
  }
  view.append(
    h('h2', { tabindex: '-1' }, 'Hoạt động hướng dẫn người dân'),
    h('p', { class: 'lead' }, 'Chọn tỉnh, thành phố; từ đó bấm tên xã để xem xã, rồi tới từng tổ và từng thành viên.'),
    h('ul', { class: 'unit-grid' }, (await provinces()).map((p) => h('li', {}, h('a', { href: `#/hoat-dong?unit=${p.code}` }, p.name)))),
  );
}
