// #/tai-khoan — accounts in the officer's scope: list, one-time reset codes, create an account.
// Villages have no e-mail: a forgotten password is reset with an 8-digit code the officer hands
// over in person or by phone (POST /api/users/:id/reset).
import { api, post, provinces, url } from './api.js';
import { PASSWORD_RULE, passwordProblem } from './auth.js';
import { field, fill, fold, h, loading, notice, nowInVietnam, num, table } from './dom.js';
import { ROLE_LABELS, session } from './session.js';

const TEAM_ROLES = ['team_leader', 'member'];
/** What each role is tied to: nothing (admin), a province, a commune, a province or commune, a team. */
const NEEDS = {
  admin: { province: false, commune: false, team: false },
  province_officer: { province: true, commune: false, team: false },
  commune_officer: { province: true, commune: true, team: false },
  viewer: { province: true, commune: 'optional', team: false },
  team_leader: { province: true, commune: true, team: true },
  member: { province: true, commune: true, team: true },
};

export async function accountsPage(view) {
  document.title = 'Ngõ Số — Tài khoản';
  const me = session.user;
  const codeBox = h('div', { id: 'reset-code-box' });
  const listBox = h('div', {}, loading('Đang tải danh sách tài khoản…'));
  const lead = h('p', { class: 'lead' });
  view.append(
    h('h2', { tabindex: '-1' }, 'Tài khoản'),
    lead,
    codeBox,
    h('section', { 'aria-labelledby': 'users-h' }, h('h3', { id: 'users-h' }, 'Danh sách tài khoản'), listBox),
  );

  let users = [];
  // the roles this officer may create and reset, with labels, as the server decides them
  let roles = [];
  const reload = async () => {
    const r = await api('/api/users');
    users = r.users;
    roles = r.manageableRoles;
    fill(listBox, usersTable(users, me, codeBox, new Set(roles.map((x) => x.role))));
  };
  await reload();
  const self = users.find((u) => u.id === me.id);
  const unitName = session.unit?.name ?? self?.unitName;
  lead.textContent = session.scope?.kind === 'all'
    ? 'Bạn quản lý tài khoản của toàn hệ thống.'
    : `Tài khoản thuộc ${unitName ?? 'đơn vị của bạn'} và các đơn vị trực thuộc. Người dùng quên mật khẩu: bấm "Cấp mã đặt lại mật khẩu" rồi trao mã cho họ.`;
  if (roles.length) view.append(await createSection(me, self, roles, reload));
}

/**
 * The accounts as a table (cards on phones), each with a "Cấp mã đặt lại mật khẩu" button when the
 * officer may reset it (its role is in `manageable`), otherwise a short note saying why not.
 */
function usersTable(users, me, codeBox, manageableRoles) {
  if (!users.length) return h('p', { class: 'muted' }, 'Chưa có tài khoản nào.');
  const rows = users.map((u) => {
    const manageable = u.id !== me.id && manageableRoles.has(u.role) && !u.disabled;
    const button = manageable ? h('button', { type: 'button', class: 'btn-secondary btn-small' }, 'Cấp mã đặt lại mật khẩu') : null;
    const why = manageable ? null
      : u.id === me.id ? h('a', { href: '#/doi-mat-khau', class: 'note' }, 'Đổi mật khẩu của bạn')
      : u.disabled ? h('span', { class: 'muted note' }, 'đã ngừng sử dụng')
      : h('span', { class: 'muted note' }, 'không thuộc quyền quản lý');
    button?.addEventListener('click', async () => {
      button.disabled = true;
      try {
        showCode(codeBox, await post(`/api/users/${u.id}/reset`), u);
      } catch (err) {
        fill(codeBox, notice('error', `Không cấp được mã cho ${u.fullName}: ${err.message}`));
      } finally {
        button.disabled = false;
      }
    });
    const locked = u.lockedUntil && Date.parse(u.lockedUntil) > Date.now();
    return h('tr', { 'data-user-id': u.id, 'data-key': fold(`${u.fullName} ${u.username ?? ''} ${u.unitName ?? ''}`) },
      // one element per cell: on phones each cell is a two-column grid (label, value)
      h('td', { class: 'name' }, h('span', {}, u.fullName, u.id === me.id ? h('span', { class: 'badge' }, 'bạn') : null)),
      h('td', { class: 'login' }, [u.username, u.phone].filter(Boolean).join(' · ') || '—'),
      h('td', { class: 'role' }, u.roleLabel ?? ROLE_LABELS[u.role] ?? u.role),
      h('td', { class: 'unit' }, u.role === 'admin' ? 'Toàn hệ thống' : [u.teamId ? u.teamName ?? `Tổ số ${u.teamId}` : null, u.unitName].filter(Boolean).join(' · ') || '—'),
      h('td', { class: 'status' }, h('span', {}, u.disabled
        ? h('span', { class: 'badge badge-error' }, 'Ngừng sử dụng')
        : locked ? h('span', { class: 'badge badge-warning' }, `Tạm khoá đến ${nowInVietnam(u.lockedUntil).slice(11)}`)
        : u.mustChangePassword ? h('span', { class: 'badge badge-warning', title: 'Người dùng chưa đăng nhập lần đầu để đổi mật khẩu tạm' }, 'Chờ đổi mật khẩu')
        : h('span', { class: 'badge badge-ok' }, 'Đang dùng'))),
      h('td', { class: 'row-actions' }, button ?? why),
    );
  });
  const tbl = table(null, ['Họ và tên', 'Đăng nhập', 'Vai trò', 'Đơn vị', 'Trạng thái', 'Thao tác'], rows, { class: 'users stack' });
  if (users.length <= 10) return tbl;
  const input = h('input', { type: 'search', id: 'user-filter', autocomplete: 'off', placeholder: 'Tên, tên đăng nhập hoặc đơn vị' });
  const count = h('span', { class: 'muted', 'aria-live': 'polite' });
  input.addEventListener('input', () => {
    const key = fold(input.value.trim());
    let shown = 0;
    for (const tr of rows) shown += (tr.hidden = !tr.dataset.key.includes(key)) ? 0 : 1;
    count.textContent = key ? `${num(shown)}/${num(rows.length)} tài khoản` : '';
  });
  return h('div', {}, h('div', { class: 'filter' }, h('label', { for: 'user-filter' }, 'Lọc'), input, count), tbl);
}

/** Shows a freshly issued reset code, big, once, with its expiry and how to hand it over. */
function showCode(box, r, user) {
  const login = user.username ?? user.phone ?? 'tên đăng nhập của họ';
  const spaced = `${r.code.slice(0, 4)} ${r.code.slice(4)}`;
  const hide = h('button', { type: 'button', class: 'btn-secondary' }, 'Đã trao mã — ẩn đi');
  const card = h('section', { class: 'card code-card', role: 'status', 'aria-labelledby': 'code-h', tabindex: '-1' },
    h('h3', { id: 'code-h' }, 'Mã đặt lại mật khẩu cho ', h('span', { class: 'code-user' }, r.fullName)),
    h('p', { class: 'reset-code', 'data-code': r.code, 'aria-label': r.code.split('').join(' ') }, spaced),
    h('p', { class: 'code-expiry' }, 'Dùng được một lần, đến ', h('strong', {}, nowInVietnam(r.expiresAt)), ' (giờ Việt Nam).'),
    h('ul', { class: 'advice' },
      h('li', {}, h('strong', {}, 'Trao tận tay hoặc đọc qua điện thoại'), ' cho đúng người dùng. Không gửi mã vào nhóm Zalo, Facebook hay tin nhắn chung.'),
      h('li', {}, 'Người dùng mở trang Đăng nhập, bấm "Quên mật khẩu / Có mã đặt lại", nhập ', h('strong', {}, login), ', mã này và mật khẩu mới.'),
      h('li', {}, 'Mã chỉ hiện lần này. Nếu thất lạc, hãy cấp mã mới (mã cũ tự hết hiệu lực).'),
    ),
    h('div', { class: 'actions' }, hide),
  );
  hide.addEventListener('click', () => box.replaceChildren());
  fill(box, card);
  card.scrollIntoView({ block: 'start' });
  card.focus({ preventScroll: true });
}

/** "Tạo tài khoản": the roles the officer may create, tied to a unit or a team inside their scope. */
async function createSection(me, self, roles, reload) {
  const s = session.scope;
  const el = (tag, id, attrs = {}, ...children) => h(tag, { id, name: id, ...attrs }, ...children);
  const fullName = el('input', 'acc-name', { type: 'text', autocomplete: 'off', minlength: '2', maxlength: '100', required: true });
  const username = el('input', 'acc-username', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', placeholder: 'ví dụ: mai.chiengan' });
  const phone = el('input', 'acc-phone', { type: 'tel', autocomplete: 'off', maxlength: '20', placeholder: 'ví dụ: 0912 345 678' });
  const role = el('select', 'acc-role', { required: true },
    h('option', { value: '' }, '— Chọn vai trò —'),
    roles.map((r) => h('option', { value: r.role }, r.label ?? ROLE_LABELS[r.role] ?? r.role)));
  const province = el('select', 'acc-province');
  const commune = el('select', 'acc-commune');
  const team = el('select', 'acc-team');
  const password = el('input', 'acc-password', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '128', required: true });
  const generate = h('button', { type: 'button', class: 'btn-secondary' }, 'Tạo ngẫu nhiên');
  const button = h('button', { type: 'submit' }, 'Tạo tài khoản');
  const out = h('div', { class: 'form-out', 'aria-live': 'polite' });
  const provinceField = field('Tỉnh, thành phố', province);
  const communeField = field('Xã, phường, đặc khu', commune);
  const teamField = field('Tổ', team, 'Tổ trưởng và thành viên chỉ xem được tổ của mình. Tổ có trong sổ sau khi nhập danh sách tổ.');
  const form = h('form', { class: 'card form', id: 'create-user-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('Họ và tên', fullName),
      field('Vai trò', role),
      provinceField, communeField, teamField,
      field('Tên đăng nhập', username, 'Chữ thường không dấu, chữ số, dấu chấm. Bỏ trống được nếu có số điện thoại.'),
      field('Số điện thoại (không bắt buộc)', phone, 'Đăng nhập được bằng số này thay cho tên đăng nhập.'),
    ),
    h('div', { class: 'field' },
      h('label', { for: password.id }, 'Mật khẩu tạm'),
      h('div', { class: 'inline' }, password, generate),
      h('p', { class: 'hint', id: 'acc-password-hint' }, 'Người dùng phải đổi mật khẩu này ngay lần đăng nhập đầu. ', PASSWORD_RULE),
    ),
    h('div', { class: 'actions' }, button),
    out,
  );
  password.setAttribute('aria-describedby', 'acc-password-hint');

  // units the officer may choose from: only their own province / commune when scoped
  const provs = s.kind === 'all' ? await provinces() : (await provinces()).filter((p) => p.code === s.provinceCode);
  province.append(...(provs.length > 1 ? [h('option', { value: '' }, '— Chọn tỉnh, thành phố —')] : []), ...provs.map((p) => h('option', { value: p.code }, p.name)));
  // a commune officer creates accounts in their own commune only (GET /api/auth/me names it)
  const own = session.unit?.code ? session.unit : self?.unitCode ? { code: self.unitCode, name: self.unitName } : null;
  const fixedCommune = s.kind === 'commune' && own ? { code: own.code, name: own.name } : null;

  const loadCommunes = async () => {
    const need = NEEDS[role.value] ?? {};
    commune.replaceChildren();
    if (fixedCommune) commune.append(h('option', { value: fixedCommune.code }, fixedCommune.name));
    else if (province.value) {
      const { units } = await api(url('/api/units', { parent: province.value })).catch(() => ({ units: [] }));
      commune.append(h('option', { value: '' }, need.commune === 'optional' ? '— Cả tỉnh —' : '— Chọn xã, phường —'), ...units.map((u) => h('option', { value: u.code }, u.name)));
    }
    await loadTeams();
  };
  const loadTeams = async () => {
    team.replaceChildren();
    if (!NEEDS[role.value]?.team || !commune.value) return;
    const { teams } = await api(url('/api/teams', { unit: commune.value })).catch(() => ({ teams: [] }));
    team.append(
      h('option', { value: '' }, teams.length ? '— Chọn tổ —' : '— Xã này chưa có tổ nào —'),
      ...teams.map((t) => h('option', { value: t.id }, t.unitCode !== commune.value ? `${t.name} (${t.unitName})` : t.name)),
    );
  };
  const sync = async () => {
    const need = NEEDS[role.value] ?? { province: false, commune: false, team: false };
    provinceField.hidden = !need.province;
    communeField.hidden = !need.commune;
    teamField.hidden = !need.team;
    await loadCommunes();
  };
  role.addEventListener('change', sync);
  province.addEventListener('change', loadCommunes);
  commune.addEventListener('change', loadTeams);
  generate.addEventListener('click', () => {
    do password.value = randomPassword();
    while (passwordProblem(password.value, [username.value.trim()]));
    password.focus();
  });
  await sync();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const need = NEEDS[role.value];
    const user = username.value.trim().toLowerCase();
    const problem =
      fullName.value.trim().length < 2 ? 'Hãy nhập họ và tên.'
      : !need ? 'Hãy chọn vai trò.'
      : !user && !phone.value.trim() ? 'Cần tên đăng nhập hoặc số điện thoại.'
      : user && !/^[a-z0-9._-]{3,40}$/.test(user) ? 'Tên đăng nhập: 3–40 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang (không dấu, không khoảng trắng).'
      : need.province && !province.value ? 'Hãy chọn tỉnh, thành phố.'
      : need.commune === true && !commune.value ? 'Hãy chọn xã, phường.'
      : need.team && !team.value ? 'Hãy chọn tổ.'
      : passwordProblem(password.value, [user, phone.value.replace(/\D/g, '')]);
    if (problem) {
      out.append(notice('error', problem));
      return;
    }
    const body = { fullName: fullName.value.trim(), password: password.value, role: role.value };
    if (user) body.username = user;
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (need.team) body.teamId = Number(team.value);
    else if (need.province) body.unit = commune.value || province.value;
    button.disabled = true;
    try {
      const { user: created } = await post('/api/users', body);
      const unitName = need.team ? team.selectedOptions[0]?.textContent : need.province ? (commune.value ? commune : province).selectedOptions[0]?.textContent : 'toàn hệ thống';
      out.append(notice('ok',
        h('strong', {}, `Đã tạo tài khoản ${created.fullName}`), ` (${created.username ?? created.phone}, ${created.roleLabel}, ${unitName}). `,
        'Hãy trao mật khẩu tạm cho người dùng trực tiếp hoặc qua điện thoại; họ phải đổi mật khẩu ngay lần đăng nhập đầu.'));
      for (const x of [fullName, username, phone, password]) x.value = '';
      await reload();
    } catch (err) {
      out.append(notice('error', err.message));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { 'aria-labelledby': 'create-h', class: 'create-section' },
    h('h3', { id: 'create-h' }, 'Tạo tài khoản mới'),
    h('p', { class: 'muted' }, `Bạn tạo được: ${roles.map((r) => r.label ?? ROLE_LABELS[r.role] ?? r.role).join(', ')}.`),
    form,
  );
}

const WORDS = ['may', 'lua', 'suoi', 'nui', 'ban', 'hoa', 'mua', 'xuan', 'trang', 'sao', 'che', 'ngo', 'man', 'dao', 'thong', 'chim', 'nang', 'gio', 'la', 'cau'];
/** An easy-to-read temporary password: three words and two digits, e.g. "suoi-hoa-mua-47". */
function randomPassword() {
  const r = crypto.getRandomValues(new Uint32Array(4));
  return `${WORDS[r[0] % WORDS.length]}-${WORDS[r[1] % WORDS.length]}-${WORDS[r[2] % WORDS.length]}-${String(r[3] % 100).padStart(2, '0')}`;
}
