// #/tai-khoan — accounts in the officer's scope: list, one-time reset codes, create an account
// (accounts.create.tsx). Villages have no e-mail: a forgotten password is reset with an 8-digit
// code the officer hands over in person or by phone (POST /api/users/:id/reset).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Endpoints } from '../shared/endpoints.js';
import { fold, num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { CreateSection } from './accounts.create.js';
import { api } from './client.js';
import { page } from './mount.js';
import { ROLE_LABELS, session } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

type UserList = Endpoints['GET /api/users']['response'];
export type Account = UserList['users'][number];
type Issued = { code: Endpoints['POST /api/users/:id/reset']['response']; user: Account } | { error: string };

const COLUMNS = [
  { text: 'Họ và tên', class: 'name' },
  { text: 'Đăng nhập', class: 'login' },
  { text: 'Vai trò', class: 'role' },
  { text: 'Đơn vị', class: 'unit' },
  { text: 'Trạng thái', class: 'status' },
  { text: 'Thao tác', class: 'row-actions' },
];

function AccountsPage() {
  useEffect(() => void (document.title = 'Ngõ Số — Tài khoản'), []);
  const me = session.user!;
  const [version, setVersion] = useState(0);
  const list = useLoad(() => api.call('GET /api/users'), [version]);
  // the last good list stays on screen while a new one loads
  const [data, setData] = useState<UserList | null>(null);
  useEffect(() => void (list.data && setData(list.data)), [list.data]);
  const [issued, setIssued] = useState<Issued | null>(null);

  if (list.error && !data) return <LoadError error={list.error} title="Tài khoản" />;
  const self = data?.users.find((u) => u.id === me.id);
  const unitName = session.unit?.name ?? self?.unitName;
  return (
    <>
      <PageTitle>Tài khoản</PageTitle>
      {data ? (
        <p class="lead">{session.scope?.kind === 'all' ? 'Bạn quản lý tài khoản của toàn hệ thống.' : `Tài khoản thuộc ${unitName ?? 'đơn vị của bạn'} và các đơn vị trực thuộc. Người dùng quên mật khẩu: bấm "Cấp mã đặt lại mật khẩu" rồi trao mã cho họ.`}</p>
      ) : null}
      <div id="reset-code-box">
        {issued && 'error' in issued ? <Notice kind="error">{issued.error}</Notice> : null}
        {issued && 'code' in issued ? <CodeCard issued={issued.code} user={issued.user} hide={() => setIssued(null)} /> : null}
      </div>
      <section aria-labelledby="users-h">
        <h3 id="users-h">Danh sách tài khoản</h3>
        {data ? <UsersTable users={data.users} manageable={new Set(data.manageableRoles.map((r) => r.role as string))} issued={setIssued} /> : <Loading what="Đang tải danh sách tài khoản…" />}
      </section>
      {data?.manageableRoles.length ? <CreateSection self={self} roles={data.manageableRoles} created={() => setVersion((v) => v + 1)} /> : null}
    </>
  );
}

/**
 * The accounts as a table (cards on phones), each with a "Cấp mã đặt lại mật khẩu" button when the
 * officer may reset it (its role is in `manageable`), otherwise a short note saying why not. Over
 * 10 accounts, a filter by name, login or unit (without diacritics).
 */
function UsersTable({ users, manageable, issued }: { users: Account[]; manageable: Set<string>; issued: (i: Issued) => void }) {
  const me = session.user!;
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState<number | null>(null);
  if (!users.length) return <p class="muted">Chưa có tài khoản nào.</p>;
  const key = fold(filter.trim());
  const shown = key ? users.filter((u) => fold(`${u.fullName} ${u.username ?? ''} ${u.unitName ?? ''}`).includes(key)) : users;

  const issue = async (u: Account) => {
    setBusy(u.id);
    try {
      issued({ code: await api.call('POST /api/users/:id/reset', { params: { id: u.id }, json: {} }), user: u });
    } catch (err) {
      issued({ error: `Không cấp được mã cho ${u.fullName}: ${(err as Error).message}` });
    } finally {
      setBusy(null);
    }
  };
  const rows = shown.map((u) => {
    const mine = u.id === me.id;
    const may = !mine && manageable.has(u.role) && !u.disabled;
    const lockedUntil = u.lockedUntil ? new Date(u.lockedUntil) : null;
    const locked = lockedUntil && lockedUntil.getTime() > Date.now();
    return {
      key: u.id,
      cells: [
        <span>
          {u.fullName}
          {mine ? <span class="badge">bạn</span> : null}
        </span>,
        [u.username, u.phone].filter(Boolean).join(' · ') || '—',
        u.roleLabel ?? ROLE_LABELS[u.role as keyof typeof ROLE_LABELS] ?? u.role,
        u.role === 'admin' ? 'Toàn hệ thống' : [u.teamId ? (u.teamName ?? `Tổ số ${u.teamId}`) : null, u.unitName].filter(Boolean).join(' · ') || '—',
        <span>
          {u.disabled ? (
            <span class="badge badge-error">Ngừng sử dụng</span>
          ) : locked ? (
            <span class="badge badge-warning">{`Tạm khoá đến ${vnDateTimeLabel(lockedUntil).slice(11)}`}</span>
          ) : u.mustChangePassword ? (
            <span class="badge badge-warning" title="Người dùng chưa đăng nhập lần đầu để đổi mật khẩu tạm">
              Chờ đổi mật khẩu
            </span>
          ) : (
            <span class="badge badge-ok">Đang dùng</span>
          )}
        </span>,
        may ? (
          <button type="button" class="btn-secondary btn-small" disabled={busy === u.id} onClick={() => issue(u)}>
            Cấp mã đặt lại mật khẩu
          </button>
        ) : mine ? (
          <a href="#/doi-mat-khau" class="note">
            Đổi mật khẩu của bạn
          </a>
        ) : (
          <span class="muted note">{u.disabled ? 'đã ngừng sử dụng' : 'không thuộc quyền quản lý'}</span>
        ),
      ],
    };
  });
  const table = <Table class="users stack" columns={COLUMNS} rows={rows} />;
  if (users.length <= 10) return table;
  return (
    <div>
      <div class="filter">
        <label for="user-filter">Lọc</label>
        <input type="search" id="user-filter" autocomplete="off" placeholder="Tên, tên đăng nhập hoặc đơn vị" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <span class="muted" aria-live="polite">
          {key ? `${num(shown.length)}/${num(users.length)} tài khoản` : ''}
        </span>
      </div>
      {table}
    </div>
  );
}

/** A freshly issued reset code, big, once, with its expiry and how to hand it over; scrolled to and focused. */
function CodeCard({ issued, user, hide }: { issued: Endpoints['POST /api/users/:id/reset']['response']; user: Account; hide: () => void }) {
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    card.current?.scrollIntoView({ block: 'start' });
    card.current?.focus({ preventScroll: true });
  }, [issued]);
  const login = user.username ?? user.phone ?? 'tên đăng nhập của họ';
  return (
    <section class="card code-card" role="status" aria-labelledby="code-h" tabIndex={-1} ref={card}>
      <h3 id="code-h">
        Mã đặt lại mật khẩu cho <span class="code-user">{issued.fullName}</span>
      </h3>
      <p class="reset-code" data-code={issued.code} aria-label={issued.code.split('').join(' ')}>
        {`${issued.code.slice(0, 4)} ${issued.code.slice(4)}`}
      </p>
      <p class="code-expiry">
        Dùng được một lần, đến <strong>{vnDateTimeLabel(issued.expiresAt)}</strong> (giờ Việt Nam).
      </p>
      <ul class="advice">
        <li>
          <strong>Trao tận tay hoặc đọc qua điện thoại</strong> cho đúng người dùng. Không gửi mã vào nhóm Zalo, Facebook hay tin nhắn chung.
        </li>
        <li>
          Người dùng mở trang Đăng nhập, bấm "Quên mật khẩu / Có mã đặt lại", nhập <strong>{login}</strong>, mã này và mật khẩu mới.
        </li>
        <li>Mã chỉ hiện lần này. Nếu thất lạc, hãy cấp mã mới (mã cũ tự hết hiệu lực).</li>
      </ul>
      <div class="actions">
        <button type="button" class="btn-secondary" onClick={hide}>
          Đã trao mã — ẩn đi
        </button>
      </div>
    </section>
  );
}

export const accountsPage = page(AccountsPage);
