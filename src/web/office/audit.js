// #/nhat-ky?don-vi=CODE — the audit log of a unit (sign-ins, changes, refused access), newest first.
// Entries cannot be edited or deleted; officers read them to answer "who did what, when"
// (Decree 13/2023/ND-CP asks for access logs of personal data).
import { api, provinces, url } from './api.js';
import { fill, h, loading, notice, nowInVietnam, num, table } from './dom.js';
import { OFFICERS, ROLE_LABELS, can, myUnit, session } from './session.js';

export const ACTIONS = {
  'auth.signed_in': 'Đăng nhập',
  'auth.failed': 'Đăng nhập sai',
  'auth.locked': 'Khoá tài khoản',
  'auth.password_reset': 'Đặt lại mật khẩu',
  'auth.password_changed': 'Đổi mật khẩu',
  'user.created': 'Tạo tài khoản',
  'user.password_reset_issued': 'Cấp mã đặt lại',
  'import.committed': 'Nhập danh sách',
  'import.mapping_saved': 'Lưu cách ghép cột',
  'import.scope_conflict': 'Nhập trùng người của đơn vị khác',
  'population.saved': 'Cập nhật dân số',
  'service.created': 'Thêm dịch vụ',
  'service.updated': 'Sửa dịch vụ',
  'access.denied': 'Từ chối truy cập',
  'resident.created': 'Ghi nhận cư dân',
  'resident.revealed': 'Xem đầy đủ số ĐT/căn cước',
  'resident.exported': 'Xuất dữ liệu cư dân',
  'resident.erased': 'Xoá dữ liệu cư dân',
};
const REFUSAL = {
  OUT_OF_SCOPE: 'Ngoài phạm vi được giao',
  AUTH_FAILED: 'Sai mật khẩu',
  FORBIDDEN: 'Vai trò không được phép',
  AUTH_REQUIRED: 'Chưa đăng nhập',
  PASSWORD_CHANGE_REQUIRED: 'Chưa đổi mật khẩu được cấp',
  CSRF_INVALID: 'Thiếu mã chống giả mạo (CSRF)',
  TEAM_NOT_FOUND: 'Tổ ngoài phạm vi hoặc không có',
  USER_NOT_FOUND: 'Tài khoản ngoài phạm vi hoặc không có',
  NOT_FOUND: 'Thành viên ngoài phạm vi hoặc không có',
};
/** What a refused request aimed at, in words. */
const TARGET = { team: 'tổ', user: 'tài khoản', member: 'thành viên', unit: 'đơn vị' };
const SEVERITY = { 'access.denied': 'error', 'import.scope_conflict': 'warning', 'auth.locked': 'error', 'auth.failed': 'warning', 'resident.revealed': 'warning', 'resident.erased': 'warning' };
/** Failed sign-ins carry the account tried as their user: whoever typed was not signed in. */
const UNAUTHENTICATED = new Set(['auth.failed', 'auth.locked']);
/** Entries fetched per request, and shown per "Xem thêm". */
const BATCH = 500;
const PAGE = 100;
const HEADERS = ['Thời điểm', 'Hoạt động', 'Người thực hiện', 'Đối tượng', 'Chi tiết', 'Địa chỉ IP'];

export async function auditPage(view, _params, query) {
  document.title = 'Ngõ Số — Nhật ký';
  const s = session.scope;
  view.append(
    h('h2', { tabindex: '-1' }, 'Nhật ký truy cập và thay đổi'),
    h('p', { class: 'lead' }, 'Mọi lần đăng nhập, thay đổi dữ liệu và truy cập bị từ chối đều được ghi lại; không ai sửa hay xoá được nhật ký.'),
  );
  const box = view.appendChild(h('div', {}, loading()));

  // the unit: ?don-vi=CODE ("" = the whole system, admins only), by default the user's own
  let code = query.get('don-vi');
  if (code === null) code = s.kind === 'all' ? '' : ((await myUnit())?.code ?? (s.kind === 'province' ? s.provinceCode : null));
  const picker = await unitPicker(code);
  if (code === null) {
    fill(box, picker, notice('info', 'Hãy chọn xã, phường của bạn để xem nhật ký.'));
    return;
  }
  const [first, names] = await Promise.all([
    api(url('/api/audit', { unit: code, limit: BATCH })),
    // officers can name the users in their scope; others see account numbers
    can(OFFICERS) ? api('/api/users').then((r) => new Map(r.users.map((u) => [u.id, u]))).catch(() => new Map()) : new Map(),
  ]);

  // entries loaded so far (newest first); older ones come BATCH at a time, PAGE rows are shown at a time
  const entries = [...first.entries];
  const seen = new Set(entries.map((e) => e.id));
  let exhausted = first.entries.length < BATCH;
  let limit = PAGE;
  const rows = new Map(); // entry id → its <tr>, built when first shown
  const rowOf = (e) => {
    if (!rows.has(e.id)) rows.set(e.id, entryRow(e, names));
    return rows.get(e.id);
  };

  const filter = h('select', { id: 'audit-action' }, h('option', { value: '' }, 'Tất cả hoạt động'));
  const syncKinds = () => {
    const have = new Set([...filter.options].map((o) => o.value));
    for (const k of new Set(entries.map((e) => e.action))) if (!have.has(k)) filter.append(h('option', { value: k }, ACTIONS[k] ?? k));
  };
  syncKinds();
  const count = h('p', { class: 'meta', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn-secondary', id: 'audit-more' });
  const tableBox = table(null, HEADERS, [], { class: 'audit stack' });
  const tbody = tableBox.querySelector('tbody');
  const empty = h('p', { class: 'muted' });

  const render = () => {
    const matching = filter.value ? entries.filter((e) => e.action === filter.value) : entries;
    const shown = matching.slice(0, limit);
    tbody.replaceChildren(...shown.map(rowOf));
    tableBox.hidden = !shown.length;
    empty.hidden = !!shown.length;
    empty.textContent = filter.value ? 'Không có mục nào của hoạt động này trong các mục đã tải.' : 'Chưa có mục nào.';
    const left = matching.length - shown.length;
    more.hidden = left === 0 && exhausted;
    more.textContent = left > 0 ? `Xem thêm ${num(Math.min(PAGE, left))} mục` : 'Tải thêm các mục cũ hơn';
    count.textContent = `Đang hiện ${num(shown.length)} trên ${num(matching.length)}${exhausted ? '' : '+'} mục, mới nhất trước.`;
  };
  const loadOlder = async () => {
    const last = entries[entries.length - 1];
    // `to` is exclusive and to the millisecond: ask up to 1 ms later and drop the entries already here
    const older = await api(url('/api/audit', { unit: code, limit: BATCH, to: new Date(Date.parse(last.at) + 1).toISOString() }));
    const fresh = older.entries.filter((e) => !seen.has(e.id));
    for (const e of fresh) (seen.add(e.id), entries.push(e));
    if (older.entries.length < BATCH || !fresh.length) exhausted = true;
    syncKinds();
  };
  more.addEventListener('click', async () => {
    const matching = filter.value ? entries.filter((e) => e.action === filter.value) : entries;
    more.disabled = true;
    try {
      if (matching.length <= limit && !exhausted && entries.length) await loadOlder();
      limit += PAGE;
      render();
    } catch (err) {
      count.textContent = `Không tải thêm được: ${err.message}`;
    } finally {
      more.disabled = false;
    }
  });
  filter.addEventListener('change', () => {
    limit = PAGE;
    render();
  });
  render();
  fill(box,
    h('div', { class: 'toolbar' },
      picker,
      h('div', { class: 'field' }, h('label', { for: filter.id }, 'Hoạt động'), filter),
      h('a', { class: 'btn btn-secondary', id: 'audit-csv', href: url('/api/audit', { unit: code, format: 'csv', limit: 10000 }), download: `nhat-ky-${code || 'toan-he-thong'}.csv` }, 'Tải CSV'),
    ),
    count,
    tableBox,
    empty,
    h('div', { class: 'actions more' }, more),
  );
}

function entryRow(e, names) {
  const who = (id) => (id === null || id === undefined ? null : names.get(Number(id)));
  const anonymous = e.userId === null || UNAUTHENTICATED.has(e.action);
  const actor = who(e.userId);
  const target = e.entity === 'user' ? who(e.entityId) : null;
  const tr = h('tr', { class: SEVERITY[e.action] ? `sev-${SEVERITY[e.action]}` : null, 'data-action': e.action },
    h('td', { class: 'nowrap' }, nowInVietnam(e.at, true)),
    h('td', { class: 'action' }, ACTIONS[e.action] ?? e.action),
    h('td', { class: 'who' }, e.userId === null && e.action === 'user.created'
      ? h('span', { class: 'muted' }, 'Khởi tạo hệ thống')
      : anonymous ? h('span', { class: 'muted' }, 'Chưa đăng nhập') : actor ? actor.fullName : `Tài khoản số ${e.userId}`),
    h('td', { class: 'entity' }, entityText(e, target)),
    h('td', { class: 'detail' }, detailText(e)),
    h('td', { class: 'nowrap muted' }, e.ip ?? ''),
  );
  // each cell carries its column name: on phones rows are labelled cards (CSS .stack)
  [...tr.children].forEach((td, i) => td.setAttribute('data-label', HEADERS[i]));
  return tr;
}

function entityText(e, target) {
  if (e.entity === 'user') return e.entityId ? (target ? target.fullName : `Tài khoản số ${e.entityId}`) : '—';
  if (e.entity === 'route') return h('code', {}, e.entityId ?? '');
  if (e.entity === 'import') return /^\d+$/.test(e.entityId ?? '') ? `Lần nhập số ${e.entityId}` : `Tệp ${e.entityId ?? ''}`;
  if (e.entity === 'unit_population') return 'Dân số xã/phường';
  if (e.entity === 'support_service') return `Dịch vụ số ${e.entityId ?? ''}`;
  if (e.entity === 'import_mapping') return 'Cách ghép cột';
  if (e.entity === 'resident') return `Cư dân số ${e.entityId}`;
  if (e.entity === 'commune') return `Xã/phường ${e.entityId}`;
  if (e.entity === 'province') return `Tỉnh ${e.entityId}`;
  return [e.entity, e.entityId].filter(Boolean).join(' ');
}

function detailText(e) {
  const a = e.after ?? {};
  switch (e.action) {
    case 'access.denied':
      return [
        REFUSAL[a.code] ?? a.code ?? '',
        a.target ? `${TARGET[a.target.entity] ?? a.target.entity}${a.target.id ? ` ${a.target.id}` : ''}` : null,
        a.requester?.unit ? `người yêu cầu thuộc đơn vị ${a.requester.unit}` : null,
      ].filter(Boolean).join(' · ');
    case 'import.scope_conflict':
      return `Tệp "${a.file ?? ''}"${a.committed ? '' : ' (chạy thử)'}: ${(a.rows ?? []).map((r) => `dòng ${r.row}${r.phone ? ` (SĐT ${r.phone})` : ''}`).join(', ')} trùng người đang thuộc đơn vị khác`;
    case 'import.mapping_saved':
      return `${(a.headers ?? []).length} cột${a.file ? ` · tệp "${a.file}"` : ''}`;
    case 'auth.failed':
      return a.reason === 'unknown_login' ? 'Tên đăng nhập không tồn tại' : 'Sai mật khẩu';
    case 'auth.locked':
      return 'Sai mật khẩu 5 lần: tạm khoá 15 phút';
    case 'user.created':
      return [ROLE_LABELS[a.role] ?? a.role, a.username].filter(Boolean).join(' · ');
    case 'resident.revealed':
      return [a.purpose ? `Mục đích: “${a.purpose}”` : 'Không ghi mục đích', a.count !== undefined ? `${num(a.count)} cư dân` : null].filter(Boolean).join(' · ');
    case 'resident.created':
      return [a.phone ? `SĐT ${a.phone}` : null, a.nationalId ? `Căn cước ${a.nationalId}` : null, a.consent ? `Đồng ý cho: ${a.consent}` : null].filter(Boolean).join(' · ');
    case 'import.committed':
      return `Tệp "${a.file ?? ''}": ${num(a.new ?? 0)} mới, ${num(a.updated?.length ?? 0)} cập nhật`;
    default:
      return '';
  }
}

/** Province (and commune) choice; choosing navigates to #/nhat-ky?don-vi=CODE. */
async function unitPicker(code) {
  const s = session.scope;
  const go = (c) => (location.hash = `#/nhat-ky?don-vi=${encodeURIComponent(c)}`);
  if (s.kind === 'commune' || s.kind === 'village' || s.kind === 'team') {
    const mine = await myUnit();
    if (mine) return h('div', { class: 'field' }, h('span', { class: 'label' }, 'Đơn vị'), h('strong', { class: 'fixed-unit' }, mine.name));
    // a viewer of a commune: /api/auth/me does not give the commune's code, so they choose it
    const { units } = await api(url('/api/units', { parent: s.provinceCode }));
    const sel = h('select', { id: 'audit-commune' }, h('option', { value: '' }, '— Chọn xã, phường —'), units.map((u) => h('option', { value: u.code, selected: u.code === code }, u.name)));
    sel.addEventListener('change', () => sel.value && go(sel.value));
    return h('div', { class: 'field' }, h('label', { for: sel.id }, 'Xã, phường'), sel);
  }
  // commune codes do not start with their province's code: ask which province a commune is in
  const provinceCode = s.kind === 'province' ? s.provinceCode
    : !code ? ''
    : code.length <= 2 ? code
    : (await api(`/api/units/${encodeURIComponent(code)}`).catch(() => null))?.provinceCode ?? '';
  const provs = s.kind === 'all' ? await provinces() : (await provinces()).filter((p) => p.code === s.provinceCode);
  const province = h('select', { id: 'audit-province' },
    s.kind === 'all' ? h('option', { value: '' }, 'Toàn hệ thống') : null,
    provs.map((p) => h('option', { value: p.code, selected: p.code === provinceCode }, p.name)));
  province.addEventListener('change', () => go(province.value));
  const fields = [h('div', { class: 'field' }, h('label', { for: province.id }, 'Tỉnh, thành phố'), province)];
  if (provinceCode) {
    const { units } = await api(url('/api/units', { parent: provinceCode })).catch(() => ({ units: [] }));
    const commune = h('select', { id: 'audit-commune' }, h('option', { value: provinceCode }, '— Cả tỉnh —'), units.map((u) => h('option', { value: u.code, selected: u.code === code }, u.name)));
    commune.addEventListener('change', () => go(commune.value));
    fields.push(h('div', { class: 'field' }, h('label', { for: commune.id }, 'Xã, phường'), commune));
  }
  return h('div', { class: 'unit-pick' }, fields);
}
