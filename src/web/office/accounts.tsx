// #/tai-khoan — accounts in the officer's scope: search (GET /api/users?q=), one-time reset codes,
// "Sửa" (role, unit, team: accounts.edit.tsx), "Khoá"/"Mở khoá" (PATCH /api/users/:id), create an
// account (accounts.create.tsx). Villages have no e-mail: a forgotten password is reset with an
// 8-digit code the officer hands over in person or by phone (POST /api/users/:id/reset). A code or
// a temporary password is shown once, as a slip to print (accounts.slip.tsx).
import { useEffect, useState } from 'preact/hooks';
import type { Role } from '../../access/access.policy.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { CreateSection } from './accounts.create.js';
import { AccountEditor } from './accounts.edit.js';
import { type Secret, SecretSlip } from './accounts.slip.js';
import { api } from './client.js';
import { page } from './mount.js';
import { ROLE_LABELS, session } from './session.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

type UserList = Endpoints['GET /api/users']['response'];
export type Account = UserList['users'][number];
/** What the top of the page shows: a secret to hand over, the outcome of a change, or an error. */
type Shown = { secret: Secret } | { ok: string } | { error: string };
/** Typing pauses this long (ms) before the list is searched again. */
const SEARCH_PAUSE = 300;

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
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(typed.trim()), SEARCH_PAUSE);
    return () => clearTimeout(t);
  }, [typed]);
  const list = useLoad(() => api.call('GET /api/users', { query: q ? { q } : {} }), [version, q]);
  // the last good list stays on screen while a new one loads
  const [data, setData] = useState<{ list: UserList; q: string } | null>(null);
  useEffect(() => void (list.data && setData({ list: list.data, q })), [list.data]);
  const [shown, setShown] = useState<Shown | null>(null);
  const [editing, setEditing] = useState<Account | null>(null);

  if (list.error && !data) return <LoadError error={list.error} title="Tài khoản" />;
  const users = data?.list.users ?? [];
  const self = users.find((u) => u.id === me.id);
  const unitName = session.unit?.name ?? self?.unitName;
  const roles = data?.list.manageableRoles ?? [];
  const saved = (user: Account, changed: string[]) => {
    setEditing(null);
    setShown({ ok: changed.length ? `Đã lưu thay đổi của ${user.fullName}: ${user.roleLabel}, ${[user.teamName, user.unitName].filter(Boolean).join(' · ') || 'toàn hệ thống'}.` : `Không có gì thay đổi ở tài khoản ${user.fullName}.` });
    setVersion((v) => v + 1);
  };
  return (
    <>
      <PageTitle>Tài khoản</PageTitle>
      {data ? (
        <p class="lead">{session.scope?.kind === 'all' ? 'Bạn quản lý tài khoản của toàn hệ thống.' : `Tài khoản thuộc ${unitName ?? 'đơn vị của bạn'} và các đơn vị trực thuộc. Người dùng quên mật khẩu: bấm "Cấp mã đặt lại mật khẩu" rồi trao mã cho họ.`}</p>
      ) : null}
      {shown && 'secret' in shown ? <SecretSlip secret={shown.secret} hide={() => setShown(null)} /> : null}
      <div id="reset-code-box" aria-live="polite">
        {shown && 'error' in shown ? <Notice kind="error">{shown.error}</Notice> : null}
        {shown && 'ok' in shown ? <Notice kind="ok">{shown.ok}</Notice> : null}
      </div>
      {editing ? <AccountEditor key={editing.id} user={editing} roles={roles} saved={saved} close={() => setEditing(null)} /> : null}
      <section aria-labelledby="users-h">
        <h3 id="users-h">Danh sách tài khoản</h3>
        <form class="filter" role="search" onSubmit={(e) => (e.preventDefault(), setQ(typed.trim()))}>
          <label for="user-search">Tìm tài khoản</label>
          <input type="search" id="user-search" autocomplete="off" maxLength={100} placeholder="Tên, tên đăng nhập hoặc số điện thoại" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          <span class="muted" aria-live="polite">
            {data?.q ? `${num(users.length)} tài khoản khớp "${data.q}"` : ''}
          </span>
        </form>
        {data ? (
          <UsersTable users={users} searched={!!data.q} manageable={new Set(roles.map((r) => r.role as string))} show={setShown} edit={setEditing} changed={() => setVersion((v) => v + 1)} />
        ) : (
          <Loading what="Đang tải danh sách tài khoản…" />
        )}
      </section>
      {roles.length ? <CreateSection self={self} roles={roles} created={(secret) => (setShown({ secret }), setVersion((v) => v + 1))} /> : null}
    </>
  );
}

/**
 * The accounts as a table (cards on phones), each with what the officer may do to it when its role
 * is one they manage (`manageable`) and it is not their own: "Cấp mã đặt lại mật khẩu", "Sửa",
 * "Khoá" or "Mở khoá"; otherwise a short note saying why not.
 */
function UsersTable({ users, searched, manageable, show, edit, changed }: { users: Account[]; searched: boolean; manageable: Set<string>; show: (s: Shown) => void; edit: (u: Account) => void; changed: () => void }) {
  const me = session.user!;
  const [busy, setBusy] = useState<number | null>(null);
  if (!users.length) return <p class="muted">{searched ? 'Không có tài khoản nào khớp từ khoá.' : 'Chưa có tài khoản nào.'}</p>;

  const act = async (u: Account, what: () => Promise<void>) => {
    setBusy(u.id);
    try {
      await what();
    } catch (err) {
      show({ error: `${u.fullName}: ${(err as Error).message}` });
    } finally {
      setBusy(null);
    }
  };
  const issue = (u: Account) =>
    act(u, async () => {
      const code = await api.call('POST /api/users/:id/reset', { params: { id: u.id }, json: {} });
      show({ secret: { kind: 'code', fullName: code.fullName, login: u.username ?? u.phone ?? 'tên đăng nhập của họ', secret: code.code, expiresAt: code.expiresAt } });
    });
  const lock = (u: Account, disabled: boolean) =>
    act(u, async () => {
      if (disabled && !window.confirm(`Khoá tài khoản của ${u.fullName}? Người này bị đăng xuất ngay và không đăng nhập được cho đến khi được mở khoá.`)) return;
      await api.call('PATCH /api/users/:id', { params: { id: u.id }, json: { disabled } });
      show({ ok: disabled ? `Đã khoá tài khoản của ${u.fullName}; mọi phiên đăng nhập của họ đã kết thúc.` : `Đã mở khoá tài khoản của ${u.fullName}.` });
      changed();
    });
  const rows = users.map((u) => {
    const mine = u.id === me.id;
    const may = !mine && manageable.has(u.role);
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
        u.roleLabel ?? ROLE_LABELS[u.role as Role] ?? u.role,
        u.role === 'admin' ? 'Toàn hệ thống' : [u.teamId ? (u.teamName ?? `Tổ số ${u.teamId}`) : null, u.unitName].filter(Boolean).join(' · ') || '—',
        <span>
          {u.disabled ? (
            <span class="badge badge-error">Đã khoá</span>
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
          <span class="row-buttons">
            {u.disabled ? null : (
              <button type="button" class="btn-secondary btn-small" disabled={busy === u.id} onClick={() => issue(u)}>
                Cấp mã đặt lại mật khẩu
              </button>
            )}
            <button type="button" class="btn-secondary btn-small" disabled={busy === u.id} onClick={() => edit(u)} aria-label={`Sửa tài khoản ${u.fullName}`}>
              Sửa
            </button>
            <button type="button" class="btn-secondary btn-small" disabled={busy === u.id} onClick={() => lock(u, !u.disabled)} aria-label={`${u.disabled ? 'Mở khoá' : 'Khoá'} tài khoản ${u.fullName}`}>
              {u.disabled ? 'Mở khoá' : 'Khoá'}
            </button>
          </span>
        ) : mine ? (
          <a href="#/doi-mat-khau" class="note">
            Đổi mật khẩu của bạn
          </a>
        ) : (
          <span class="muted note">không thuộc quyền quản lý</span>
        ),
      ],
    };
  });
  return <Table class="users stack" columns={COLUMNS} rows={rows} />;
}

export const accountsPage = page(AccountsPage);
