// Browsing: provinces → communes → villages, each unit with its teams; a team with its members.
import { api, provinces } from './api.js';
import { AFFILIATION, GENDER, LEVEL, ROLE, TEAM_LEVEL, date, fill, fold, h, loading, notice, num, table } from './dom.js';
import { READERS, can, myUnit, session } from './session.js';

const CHILD_TITLE = { province: 'Xã, phường, đặc khu', commune: 'Thôn, bản, tổ dân phố' };
const PAGE = 100;
/** Natural order of Vietnamese names: "Tổ dân phố 2" before "Tổ dân phố 10". */
const NATURAL = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });

/** #/ — the 34 provinces. */
export async function homePage(view) {
  document.title = 'Ngõ Số — Tỉnh, thành phố';
  view.append(
    h('h2', { tabindex: '-1' }, 'Tỉnh, thành phố'),
    h('p', { class: 'lead' }, 'Chọn tỉnh để xem các xã, phường, thôn, bản và Tổ công nghệ số cộng đồng ở đó.'),
  );
  const mine = view.appendChild(h('div'));
  const box = view.appendChild(h('div', {}, loading()));
  const [units, unit] = await Promise.all([provinces(), myUnit()]);
  fill(box, unitGrid(units, 'Lọc tỉnh, thành phố'));
  if (unit) {
    fill(mine, h('div', { class: 'card my-unit' },
      h('span', { class: 'muted' }, 'Đơn vị của bạn: '), h('strong', {}, unit.name),
      h('span', { class: 'actions' },
        h('a', { class: 'btn btn-secondary', href: `#/don-vi/${unit.code}` }, 'Tổ và thành viên'),
        can(READERS) ? h('a', { class: 'btn btn-secondary', href: `#/bao-cao/${unit.code}` }, 'Báo cáo') : null,
      ),
    ));
  }
}

/** #/don-vi/CODE — a unit: where it is, its child units and its teams. */
export async function unitPage(view, [code]) {
  view.append(loading());
  const [unit, children, teams, provs] = await Promise.all([
    api(`/api/units/${encodeURIComponent(code)}`),
    code.includes('.') ? { units: [] } : api(`/api/units?parent=${encodeURIComponent(code)}`).catch(() => ({ units: [] })),
    // teams are not public: signed-out visitors see the catalogue only
    session.user ? api(`/api/teams?unit=${encodeURIComponent(code)}`).catch((error) => ({ error })) : { error: null },
    provinces().catch(() => []),
  ]);
  document.title = `Ngõ Số — ${unit.name}`;
  const province = provs.find((p) => p.code === unit.provinceCode);
  const crumbs = [h('a', { href: '#/' }, 'Tỉnh, thành phố')];
  if (unit.level !== 'province' && province) crumbs.push(h('a', { href: `#/don-vi/${province.code}` }, province.name));
  if (unit.level === 'village' && unit.parent) crumbs.push(h('a', { href: `#/don-vi/${unit.parent.code}` }, unit.parent.name));
  crumbs.push(h('span', { 'aria-current': 'page' }, unit.name));

  fill(
    view,
    h('nav', { class: 'crumbs', 'aria-label': 'Vị trí' }, h('ol', {}, crumbs.map((c) => h('li', {}, c)))),
    h('div', { class: 'page-head' },
      h('div', {},
        h('h2', { tabindex: '-1' }, unit.name),
        h('p', { class: 'meta' }, `${LEVEL[unit.level] ?? unit.level} · mã ${unit.code}`),
      ),
      unit.status === 'current' && can(READERS) && teams.error?.code !== 'OUT_OF_SCOPE' ? h('a', { class: 'btn', href: `#/bao-cao/${unit.code}` }, 'Báo cáo mạng lưới') : null,
    ),
  );
  if (unit.status === 'dissolved') {
    view.append(notice('info', `Đơn vị này đã giải thể từ ${date(unit.validTo)}. `, successorLinks(unit.successors)));
  }
  if (unit.predecessors?.length) {
    view.append(h('p', { class: 'meta' }, `Từ ${date(unit.validFrom)} gồm: `, unit.predecessors.map((p) => p.name).join(', '), ' (trước đây).'));
  }
  if (unit.level !== 'village') {
    const list = children.units;
    const section = view.appendChild(h('section', { 'aria-labelledby': 'children-h' }, h('h3', { id: 'children-h' }, `${CHILD_TITLE[unit.level] ?? 'Đơn vị trực thuộc'} (${num(list.length)})`)));
    if (list.length) section.append(unitGrid(list, `Lọc ${(CHILD_TITLE[unit.level] ?? 'đơn vị').toLowerCase()}`));
    else section.append(h('p', { class: 'muted' }, unit.level === 'commune' ? 'Chưa có thôn, bản nào trong sổ. Thôn, bản được tạo khi nhập danh sách tổ.' : 'Không có đơn vị trực thuộc.'));
  }
  view.append('teams' in teams ? teamSection(teams.teams, unit) : teamsUnavailable(teams.error, code));
}

/** Why the unit's teams are not listed: signed out, outside the user's scope, or another error. */
function teamsUnavailable(error, code) {
  const section = h('section', { 'aria-labelledby': 'teams-h' }, h('h3', { id: 'teams-h' }, 'Tổ công nghệ số cộng đồng'));
  if (!error) section.append(notice('info', 'Danh sách tổ và thành viên chỉ dành cho tài khoản được giao. ', h('a', { href: `#/dang-nhap?tiep=${encodeURIComponent(`don-vi/${code}`)}` }, 'Đăng nhập'), ' để xem.'));
  else if (error.code === 'OUT_OF_SCOPE') section.append(notice('info', 'Đơn vị này ngoài phạm vi tài khoản của bạn nên không hiện danh sách tổ.'));
  else section.append(notice('error', error.message));
  return section;
}

/** Links to the units that took over a dissolved unit. */
export function successorLinks(successors = [], label = 'Đơn vị kế thừa: ') {
  if (!successors.length) return '';
  return h('span', {}, label, successors.map((s, i) => [i ? ', ' : '', s.code ? h('a', { href: `#/don-vi/${s.code}` }, s.name) : s.name]));
}

/** A grid of unit links, with a filter box (diacritics ignored) when the list is long. */
function unitGrid(units, filterLabel) {
  const items = units.map((u) => h('li', { 'data-key': fold(u.name) }, h('a', { href: `#/don-vi/${u.code}` }, u.name)));
  const grid = h('ul', { class: 'unit-grid' }, items);
  if (units.length <= 12) return grid;
  const input = h('input', { type: 'search', id: 'unit-filter', autocomplete: 'off', placeholder: 'Gõ vài chữ, không cần dấu' });
  const count = h('span', { class: 'muted', 'aria-live': 'polite' });
  input.addEventListener('input', () => {
    const key = fold(input.value.trim());
    let shown = 0;
    for (const li of items) shown += (li.hidden = !li.dataset.key.includes(key)) ? 0 : 1;
    count.textContent = key ? `${num(shown)} kết quả` : '';
  });
  return h('div', {}, h('div', { class: 'filter' }, h('label', { for: 'unit-filter' }, filterLabel), input, count), grid);
}

/** The teams of a unit as expandable cards; a card opens to show the team's members. */
function teamSection(teams, unit) {
  const section = h('section', { 'aria-labelledby': 'teams-h' }, h('h3', { id: 'teams-h' }, `Tổ công nghệ số cộng đồng (${num(teams.length)})`));
  if (!teams.length) {
    section.append(h('p', { class: 'muted' }, 'Chưa có tổ nào trong sổ. ', h('a', { href: '#/nhap' }, 'Nhập danh sách tổ'), '.'));
    return section;
  }
  // commune-level teams first, then by village and name in natural order (Tổ dân phố 2 before Tổ dân phố 10)
  const rank = (t) => (t.level === 'commune' ? 0 : 1);
  teams = [...teams].sort((a, b) => rank(a) - rank(b) || NATURAL.compare(a.unitName ?? '', b.unitName ?? '') || NATURAL.compare(a.name, b.name));
  const list = section.appendChild(h('ul', { class: 'team-list' }));
  const more = h('button', { type: 'button', class: 'btn-secondary' });
  let shown = 0;
  const showMore = () => {
    for (const t of teams.slice(shown, shown + PAGE)) list.append(teamCard(t, unit));
    shown = Math.min(teams.length, shown + PAGE);
    more.hidden = shown >= teams.length;
    more.textContent = `Hiện thêm (${num(shown)}/${num(teams.length)} tổ)`;
  };
  more.addEventListener('click', showMore);
  showMore();
  section.append(more);
  return section;
}

function teamCard(team, unit) {
  const panel = h('div', { class: 'team-panel', id: `team-${team.id}`, hidden: true });
  const button = h(
    'button',
    { type: 'button', class: 'team-toggle', 'aria-expanded': 'false', 'aria-controls': panel.id },
    h('span', { class: 'team-name' }, team.name),
    h('span', { class: 'team-meta' }, [
      TEAM_LEVEL[team.level] ?? team.level,
      team.unitCode !== unit.code ? ` · ${team.unitName}` : '',
      ` · ${num(team.members)} thành viên`,
      team.status === 'inactive' ? ' · ngừng hoạt động' : '',
    ].join('')),
  );
  let loaded = false;
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    if (!open || loaded) return;
    loaded = true;
    fill(panel, loading('Đang tải danh sách thành viên…'));
    try {
      const full = await api(`/api/teams/${team.id}`);
      fill(panel, teamFacts(full), membersTable(full.members), h('p', {}, h('a', { href: `#/to/${team.id}` }, 'Mở trang riêng của tổ')));
    } catch (err) {
      loaded = false;
      fill(panel, notice('error', err.message));
    }
  });
  return h('li', { class: 'team-card' }, button, panel);
}

function teamFacts(team) {
  const facts = [TEAM_LEVEL[team.level] ?? team.level, team.status === 'inactive' ? 'Ngừng hoạt động' : 'Đang hoạt động'];
  if (team.establishedOn) facts.push(`Thành lập ngày ${date(team.establishedOn)}`);
  return h('p', { class: 'meta' }, facts.join(' · '));
}

/** Members in the order the API gives (leader, deputies, members). */
export function membersTable(members) {
  if (!members.length) return h('p', { class: 'muted' }, 'Tổ chưa có thành viên.');
  return table(
    null,
    ['STT', 'Họ và tên', 'Vai trò', 'Giới tính', 'Năm sinh', 'Điện thoại', 'Đoàn thể', 'Chức vụ'],
    members.map((m, i) =>
      h('tr', { class: m.role === 'member' ? null : 'lead-row' },
        h('td', { class: 'num' }, num(i + 1)),
        h('td', { class: 'name' }, m.fullName),
        h('td', {}, ROLE[m.role] ?? m.role),
        h('td', {}, GENDER[m.gender] ?? '—'),
        h('td', { class: 'num' }, m.birthYear ?? '—'),
        // a masked number ("09•••••678", for read-only inspectors) is shown, not dialled
        h('td', { class: 'nowrap' }, !m.phone ? '—' : /^[\d\s+]+$/.test(m.phone) ? h('a', { href: `tel:${m.phone.replace(/\s/g, '')}` }, m.phone) : m.phone),
        h('td', {}, (m.affiliations ?? []).map((a) => AFFILIATION[a] ?? a).join(', ') || '—'),
        h('td', {}, m.position ?? ''),
      ),
    ),
    { class: 'members stack' },
  );
}

/** #/to-cua-toi — the team of a signed-in leader or member. */
export async function myTeamPage(view) {
  const id = session.scope?.teamId;
  if (!id) {
    view.append(h('h2', { tabindex: '-1' }, 'Tổ của tôi'), notice('info', 'Tài khoản của bạn chưa gắn với tổ nào; hãy nhờ cán bộ xã kiểm tra.'));
    return;
  }
  return teamPage(view, [String(id)]);
}

/** #/to/ID — one team: where it is (province › commune › village), its facts and its members. */
export async function teamPage(view, [id]) {
  view.append(loading());
  const [team, provs] = await Promise.all([api(`/api/teams/${id}`), provinces().catch(() => [])]);
  document.title = `Ngõ Số — ${team.name}`;
  const commune = team.commune?.code ? team.commune : null;
  const village = team.unit?.code && team.unit.code !== commune?.code ? team.unit : null;
  const provinceCode = team.commune?.provinceCode ?? team.unit?.provinceCode;
  const province = provs.find((p) => p.code === provinceCode);
  const link = (u) => h('a', { href: `#/don-vi/${u.code}` }, u.name);
  fill(
    view,
    h('nav', { class: 'crumbs', 'aria-label': 'Vị trí' }, h('ol', {},
      h('li', {}, h('a', { href: '#/' }, 'Tỉnh, thành phố')),
      province ? h('li', {}, link(province)) : null,
      commune ? h('li', {}, link(commune)) : null,
      village ? h('li', {}, link(village)) : null,
      h('li', {}, h('span', { 'aria-current': 'page' }, team.name)),
    )),
    h('h2', { tabindex: '-1' }, team.name),
    h('p', { class: 'team-where' },
      village ? ['Tổ của ', link(village), commune ? [', ', link(commune)] : null] : commune ? ['Tổ của ', link(commune)] : null,
      province ? `, ${province.name}` : null,
      village || commune ? '.' : null,
    ),
    teamFacts(team),
    h('h3', {}, `Thành viên (${num(team.members.length)})`),
    membersTable(team.members),
  );
}
