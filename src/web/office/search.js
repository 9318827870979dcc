// #/tim?q=… — teams and members (GET /api/search) and administrative units (GET /api/units?q=).
import { api, provinces, url } from './api.js';
import { successorLinks } from './browse.js';
import { LEVEL, ROLE, date, fill, h, loading, notice, num } from './dom.js';
import { session } from './session.js';

export async function searchPage(view, _params, query) {
  const q = (query.get('q') ?? '').trim();
  document.title = `Ngõ Số — Tìm: ${q}`;
  view.append(h('h2', { tabindex: '-1' }, 'Kết quả tìm kiếm'));
  if (q.length < 2) {
    view.append(notice('info', 'Gõ ít nhất 2 chữ vào ô tìm kiếm. Không cần gõ dấu: "chieng xom" tìm được "Chiềng Xôm".'));
    return;
  }
  view.append(h('p', { class: 'lead' }, 'Từ khoá: ', h('strong', {}, q), ' (không phân biệt dấu, hoa thường)'));
  const box = view.appendChild(h('div', {}, loading('Đang tìm…')));
  const [registry, units, provs] = await Promise.all([
    // teams and members are not public: signed out, only units are searched
    session.user ? api(url('/api/search', { q })).catch((e) => ({ error: e })) : { signedOut: true },
    api(url('/api/units', { q })).catch((e) => ({ error: e })),
    provinces().catch(() => []),
  ]);
  const provName = new Map(provs.map((p) => [p.code, p.name]));

  const unitSection = h('section', { class: 'hits', 'aria-labelledby': 'hits-units' });
  if (units.error) unitSection.append(h('h3', { id: 'hits-units' }, 'Đơn vị hành chính'), notice('error', units.error.message));
  else {
    unitSection.append(h('h3', { id: 'hits-units' }, `Đơn vị hành chính (${num(units.units.length)})`));
    unitSection.append(
      units.units.length
        ? h('ul', { class: 'hit-list' }, units.units.map((u) => unitHit(u, provName)))
        : h('p', { class: 'muted' }, 'Không thấy đơn vị nào.'),
    );
  }

  const teamSection = h('section', { class: 'hits', 'aria-labelledby': 'hits-teams' });
  if (registry.signedOut) {
    teamSection.append(h('h3', { id: 'hits-teams' }, 'Tổ và thành viên'),
      notice('info', h('a', { href: `#/dang-nhap?tiep=${encodeURIComponent(`tim?q=${encodeURIComponent(q)}`)}` }, 'Đăng nhập'), ' để tìm tổ và thành viên.'));
  } else if (registry.error) teamSection.append(h('h3', { id: 'hits-teams' }, 'Tổ và thành viên'), notice('error', registry.error.message));
  else {
    const { members } = registry;
    // natural order: "Tổ dân phố 2" before "Tổ dân phố 10"
    const natural = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });
    const teams = [...registry.teams].sort((a, b) => natural.compare(a.name, b.name) || natural.compare(a.unitName ?? '', b.unitName ?? ''));
    const where = places(provName);
    teamSection.append(
      h('h3', { id: 'hits-teams' }, `Tổ (${num(teams.length)})`),
      teams.length
        ? h('ul', { class: 'hit-list' }, teams.map((t) =>
            h('li', { class: 'hit hit-team' },
              h('a', { href: `#/to/${t.id}` }, t.name),
              h('span', { class: 'meta where' }, ' · ', where.ofUnit(t.unitCode, t.unitName)),
            )))
        : h('p', { class: 'muted' }, 'Không thấy tổ nào.'),
      h('h3', {}, `Thành viên (${num(members.length)})`),
      members.length
        ? h('ul', { class: 'hit-list' }, members.map((m) => {
            // the member's team is named; where it is comes from the team hits or the team itself
            const hit = teams.find((t) => t.id === m.teamId);
            return h('li', { class: 'hit hit-member' },
              h('strong', {}, m.fullName),
              h('span', { class: 'meta' }, m.birthYear ? ` (${m.birthYear})` : '', ` · ${ROLE[m.role] ?? m.role} · `),
              h('a', { href: `#/to/${m.teamId}` }, m.teamName),
              h('span', { class: 'meta where' }, hit ? [' · ', where.ofUnit(hit.unitCode, hit.unitName)] : where.ofTeam(m.teamId)),
            );
          }))
        : h('p', { class: 'muted' }, 'Không thấy thành viên nào.'),
    );
  }
  fill(box, h('div', { class: 'hits-grid' }, teamSection, unitSection));
}

/**
 * Where a hit is, so teams with the same name can be told apart: "Bản Hụm, Phường Chiềng An" for
 * a village (its commune looked up once per commune), "Phường Chiềng An, Sơn La" for a commune.
 * Until the lookup answers (or if it fails) the unit's code is shown.
 */
const LOOKUPS = 20;
function places(provName) {
  const units = new Map();
  const teams = new Map();
  const unit = (code) => {
    if (!units.has(code)) units.set(code, api(`/api/units/${encodeURIComponent(code)}`).catch(() => null));
    return units.get(code);
  };
  const ofUnit = (code, name) => {
    if (!code) return name ?? '';
    const out = h('span', {}, h('a', { href: `#/don-vi/${code}` }, name ?? code), h('span', { class: 'code' }, ` (mã ${code})`));
    const communeCode = code.includes('.') ? code.split('.')[0] : null;
    if (communeCode) {
      unit(communeCode).then((c) => c && fill(out, h('a', { href: `#/don-vi/${code}` }, name ?? code), ', ', h('a', { href: `#/don-vi/${c.code}` }, c.name)));
    } else {
      unit(code).then((u) => u && provName.has(u.provinceCode) && fill(out, h('a', { href: `#/don-vi/${code}` }, name ?? code), `, ${provName.get(u.provinceCode)}`));
    }
    return out;
  };
  const ofTeam = (id) => {
    const out = h('span', { class: 'muted' }, ' · …');
    // at most LOOKUPS teams are asked for; members of further teams show the team name only
    if (!teams.has(id)) teams.set(id, teams.size < LOOKUPS ? api(`/api/teams/${id}`).catch(() => null) : Promise.resolve(null));
    teams.get(id).then((t) => {
      if (!t) return fill(out, '');
      const village = t.unit?.code && t.unit.code !== t.commune?.code ? t.unit : null;
      fill(out, [village, t.commune].filter((u) => u?.code).map((u, i) => [i ? ', ' : ' · ', h('a', { href: `#/don-vi/${u.code}` }, u.name)]));
    });
    return out;
  };
  return { ofUnit, ofTeam };
}

function unitHit(u, provName) {
  const where = [LEVEL[u.level] ?? u.level];
  if (u.level !== 'province' && u.provinceCode && provName.has(u.provinceCode)) where.push(provName.get(u.provinceCode));
  if (u.status === 'current') {
    return h('li', { class: 'hit hit-unit' }, h('a', { href: `#/don-vi/${u.code}` }, u.name), h('span', { class: 'meta' }, ` · ${where.join(' · ')}`));
  }
  // a unit dissolved on 1 July 2025: say so, and look up which unit took over
  const li = h('li', { class: 'hit hit-unit dissolved' }, h('span', {}, u.name), h('span', { class: 'meta' }, ` · ${where.join(' · ')} · đã giải thể từ ${date(u.validTo)}`));
  if (u.code && u.validTo) {
    const now = h('span', { class: 'successors' });
    li.append(h('br'), now);
    const before = new Date(Date.parse(u.validTo) - 86400000).toISOString().slice(0, 10);
    api(url(`/api/units/${u.code}`, { asOf: before }))
      .then((old) => fill(now, old.successors.length ? ['Nay thuộc: ', successorLinks(old.successors, '')] : h('span', { class: 'muted' }, 'Không rõ đơn vị kế thừa.')))
      .catch((err) => fill(now, h('span', { class: 'error-text' }, err.message)));
  }
  return li;
}
