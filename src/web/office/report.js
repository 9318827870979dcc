// #/bao-cao/CODE — network report of a province, commune or village; #/bao-cao — choose a province.
import { api, provinces, url } from './api.js';
import { AFFILIATION, LEVEL, fill, h, loading, notice, nowInVietnam, num, pct, table } from './dom.js';
import { myUnit, session } from './session.js';

const AGE = { to_30: 'Đến 30 tuổi', '31_45': '31–45 tuổi', '46_60': '46–60 tuổi', over_60: 'Trên 60 tuổi', unknown: 'Không rõ' };
const GENDER3 = { female: 'Nữ', male: 'Nam', unknown: 'Không rõ' };
const CHILDREN_TITLE = { province: 'Theo xã, phường, đặc khu', commune: 'Tổ cấp xã và theo thôn, bản' };

export async function reportPage(view, [code]) {
  if (!code) return chooseProvince(view);
  view.append(loading('Đang lập báo cáo…'));
  const [r, unit, provs] = await Promise.all([
    api(url('/api/reports/network', { unit: code })).catch((err) => dissolved(view, code, err)),
    api(`/api/units/${encodeURIComponent(code)}`).catch(() => null),
    provinces().catch(() => []),
  ]);
  document.title = `Ngõ Số — Báo cáo ${r.unit.name}`;
  const u = r.unit;
  const crumbs = [h('a', { href: '#/bao-cao' }, 'Báo cáo')];
  const province = provs.find((p) => p.code === unit?.provinceCode);
  if (u.level !== 'province' && province) crumbs.push(h('a', { href: `#/bao-cao/${province.code}` }, province.name));
  if (u.level === 'village' && unit?.parent) crumbs.push(h('a', { href: `#/bao-cao/${unit.parent.code}` }, unit.parent.name));
  crumbs.push(h('span', { 'aria-current': 'page' }, u.name));
  const download = (format, label) => h('a', { class: 'btn btn-secondary', href: url('/api/reports/network', { unit: u.code, format }), download: `bao-cao-mang-luoi-${u.code}.${format}` }, label);

  fill(
    view,
    h('nav', { class: 'crumbs', 'aria-label': 'Vị trí' }, h('ol', {}, crumbs.map((c) => h('li', {}, c)))),
    h('div', { class: 'page-head' },
      h('div', {},
        h('h2', { tabindex: '-1' }, 'Báo cáo mạng lưới: ', u.name),
        h('p', { class: 'meta' }, `${LEVEL[u.level] ?? u.level} · mã ${u.code} · số liệu lúc ${nowInVietnam()}`),
      ),
      h('div', { class: 'actions' }, download('csv', 'Tải CSV'), download('xlsx', 'Tải Excel (.xlsx)'), h('a', { class: 'btn btn-secondary', href: url('/api/reports/roster', { unit: u.code }), download: `danh-sach-to-cnscd-${u.code}.xlsx`, title: 'Danh sách thành viên theo mẫu, để in và ký' }, 'Danh sách mẫu in (.xlsx)'), h('a', { class: 'btn btn-secondary', href: `#/don-vi/${u.code}` }, 'Xem tổ và thành viên')),
    ),
    h('div', { class: 'cards' },
      card('teams', 'Số tổ', r.teams.total, `${num(r.teams.commune)} cấp xã · ${num(r.teams.village)} cấp thôn, bản`),
      card('members', 'Thành viên', r.members.total, `${num(r.members.commune)} ở tổ cấp xã · ${num(r.members.village)} ở tổ cấp thôn, bản`),
      card('people', 'Số người', r.people, 'Không trùng: một người ở hai tổ chỉ tính một lần'),
      card('female', 'Thành viên nữ', r.byGender.female, `${pct(r.byGender.female, r.members.total)} tổng số thành viên`),
    ),
    h('div', { class: 'breakdowns' },
      bars('Theo đoàn thể', { ...AFFILIATION, none: 'Không thuộc đoàn thể' }, r.byAffiliation, r.members.total, 'Một thành viên có thể thuộc nhiều đoàn thể.'),
      bars('Theo giới tính', GENDER3, r.byGender, r.members.total),
      bars('Theo độ tuổi', AGE, r.byAgeBand, r.members.total),
    ),
  );
  if (r.children.length) view.append(childrenTable(r));
}

/** A dissolved unit has no report: say so and link to the reports of the units that took over. */
async function dissolved(view, code, err) {
  if (err.code !== 'UNIT_LEVEL_UNSUPPORTED') throw err;
  const unit = await api(`/api/units/${encodeURIComponent(code)}`);
  const before = unit.validTo ? new Date(Date.parse(unit.validTo) - 86400000).toISOString().slice(0, 10) : undefined;
  const old = before ? await api(url(`/api/units/${encodeURIComponent(code)}`, { asOf: before })) : unit;
  fill(view,
    h('h2', { tabindex: '-1' }, old.name),
    notice('info', err.message, ' ',
      old.successors?.length ? ['Đơn vị kế thừa: ', old.successors.map((s, i) => [i ? ', ' : '', h('a', { href: `#/bao-cao/${s.code}` }, s.name)])] : ''),
  );
  throw Object.assign(new Error(''), { handled: true });
}

function card(key, label, value, note) {
  return h('div', { class: 'card stat-card', 'data-stat': key }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, num(value)), h('span', { class: 'stat-note' }, note));
}

/** Horizontal bars, each as a share of all memberships. */
function bars(title, labels, counts, total, note) {
  return h('section', { class: 'card bars' },
    h('h3', {}, title),
    h('ul', {}, Object.entries(labels).map(([k, label]) => {
      const n = counts?.[k] ?? 0;
      return h('li', { class: n ? null : 'zero' },
        h('span', { class: 'bar-label' }, label),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill', style: `width:${total ? Math.min(100, (100 * n) / total).toFixed(1) : 0}%` })),
        h('span', { class: 'bar-value' }, num(n), n ? h('span', { class: 'muted' }, ` · ${pct(n, total)}`) : null),
      );
    })),
    note ? h('p', { class: 'hint' }, note) : null,
  );
}

function childrenTable(r) {
  const many = r.children.length > 20;
  const onlyActive = h('input', { type: 'checkbox', id: 'only-active', checked: many });
  const row = (c, total = false) =>
    h('tr', { class: total ? 'total-row' : c.teams.total ? null : 'zero', 'data-code': total ? null : c.code },
      h(total ? 'th' : 'td', { scope: total ? 'row' : null, class: 'name' },
        total ? 'Tổng cộng' : c.code && c.code !== r.unit.code ? h('a', { href: `#/bao-cao/${c.code}` }, c.name) : c.name),
      ...[c.teams.total, c.teams.commune, c.teams.village, c.members.total, c.people, c.byGender.male, c.byGender.female].map((n) => h('td', { class: 'num' }, num(n))),
    );
  const rows = r.children.map((c) => row(c));
  const tbl = table(
    null,
    ['Đơn vị', { text: 'Số tổ', class: 'num' }, { text: 'Tổ cấp xã', class: 'num' }, { text: 'Tổ cấp thôn', class: 'num' }, { text: 'Thành viên', class: 'num' }, { text: 'Số người', class: 'num' }, { text: 'Nam', class: 'num' }, { text: 'Nữ', class: 'num' }],
    rows,
    { class: 'children' },
  );
  tbl.querySelector('table').append(h('tfoot', {}, row(r, true)));
  const withTeams = r.children.filter((c) => c.teams.total).length;
  const apply = () => rows.forEach((tr) => (tr.hidden = onlyActive.checked && tr.classList.contains('zero')));
  onlyActive.addEventListener('change', apply);
  apply();
  return h('section', { class: 'children-section', 'aria-labelledby': 'children-h' },
    h('div', { class: 'section-head' },
      h('h3', { id: 'children-h' }, CHILDREN_TITLE[r.unit.level] ?? 'Đơn vị trực thuộc'),
      h('label', { class: 'check' }, onlyActive, ` Chỉ hiện đơn vị đã có tổ (${num(withTeams)}/${num(r.children.length)})`),
    ),
    tbl,
  );
}

/** #/bao-cao: an officer goes straight to their unit's report; an admin chooses a province. */
async function chooseProvince(view) {
  document.title = 'Ngõ Số — Báo cáo';
  const unit = await myUnit();
  if (unit) {
    location.replace(`#/bao-cao/${unit.code}`);
    throw Object.assign(new Error(''), { handled: true });
  }
  const s = session.scope;
  const inProvince = s && s.kind !== 'all' ? s.provinceCode : null;
  view.append(h('h2', { tabindex: '-1' }, 'Báo cáo mạng lưới'), h('p', { class: 'lead' }, inProvince ? 'Chọn xã, phường của bạn.' : 'Chọn tỉnh, thành phố; từ báo cáo tỉnh bấm tên xã để xem báo cáo xã, rồi tới thôn, bản.'));
  const list = inProvince ? (await api(url('/api/units', { parent: inProvince }))).units : await provinces();
  view.append(h('ul', { class: 'unit-grid' }, list.map((p) => h('li', {}, h('a', { href: `#/bao-cao/${p.code}` }, p.name)))));
}
