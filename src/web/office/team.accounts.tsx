// Accounts from the roster on the team page (officers): "Tạo tài khoản" on a member's row
// (POST /api/members/:id/account) and "In mã đăng nhập cho cả tổ" (POST /api/teams/:id/accounts).
// The one-time codes come back once: they are shown as printable slips (name, login, code, until
// when, what to do) with a print button, and are gone when the slips are closed — the server keeps
// only their hashes.
import { useEffect, useState } from 'preact/hooks';
import type { Endpoints } from '../shared/endpoints.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import type { Team } from './team.js';
import { Notice } from './ui.js';

type Issued = Endpoints['POST /api/members/:id/account']['response'];
type Skipped = Endpoints['POST /api/teams/:id/accounts']['response']['skipped'];
export interface IssuedSet {
  created: Issued[];
  skipped: Skipped;
}

/** "Tạo tài khoản" (or "Đã có tài khoản") for one member's row. */
export function MemberAccountButton({ member, team, issued }: { member: Team['members'][number]; team: Team; issued: (set: IssuedSet) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (member.hasAccount) return <span class="muted note">Đã có tài khoản</span>;
  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      issued({ created: [await api.call('POST /api/members/:id/account', { params: { id: member.memberId }, json: { teamId: team.id } })], skipped: [] });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="small btn-secondary" disabled={busy} onClick={make}>
        {busy ? 'Đang tạo…' : 'Tạo tài khoản'}
      </button>
      {error ? <span class="error-text note" role="alert">{` ${error}`}</span> : null}
    </>
  );
}

/** "In mã đăng nhập cho cả tổ": accounts for every member who has none, in one step. */
export function TeamAccountsButton({ team, issued }: { team: Team; issued: (set: IssuedSet) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const missing = team.members.filter((m) => !m.hasAccount).length;
  const make = async () => {
    if (!window.confirm(`Tạo tài khoản cho ${missing} thành viên chưa có tài khoản của "${team.name}" và in mã đăng nhập một lần cho từng người?`)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('POST /api/teams/:id/accounts', { params: { id: team.id }, json: {} });
      issued({ created: r.created, skipped: r.skipped });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" disabled={busy || missing === 0} onClick={make} title={missing ? undefined : 'Mọi thành viên đã có tài khoản'}>
        {busy ? 'Đang tạo…' : `In mã đăng nhập cho cả tổ (${missing})`}
      </button>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </>
  );
}

/**
 * The slips of the codes just made, shown once. While they are on screen the page prints only them
 * (body class `print-slips`); closing them forgets the codes.
 */
export function IssuedSlips({ set, close }: { set: IssuedSet; close: () => void }) {
  useEffect(() => {
    document.body.classList.add('print-slips');
    return () => document.body.classList.remove('print-slips');
  }, []);
  // the office UI, where "Đăng nhập" is (`/` is the residents' portal)
  const site = `${location.origin}/office/`;
  return (
    <section class="slips" aria-label="Mã đăng nhập vừa cấp">
      <Notice kind="ok">
        {`Đã tạo ${set.created.length} tài khoản. Mã đăng nhập chỉ hiện một lần, ngay bây giờ: hãy in hoặc chép lại rồi trao tận tay từng người. Máy chủ không lưu mã ở dạng đọc được.`}
      </Notice>
      {set.skipped.length ? (
        <Notice kind="info">
          {'Không tạo: '}
          {set.skipped.map((s) => `${s.fullName} (${s.reasonText})`).join('; ')}.
        </Notice>
      ) : null}
      <div class="actions">
        <button type="button" onClick={() => window.print()}>
          In mã
        </button>
        <button type="button" class="btn-secondary" onClick={close}>
          Đã in xong, đóng
        </button>
      </div>
      <ul class="slip-list">
        {set.created.map((a) => (
          <li class="slip" key={a.userId}>
            <p class="slip-name">{a.fullName}</p>
            <p>{`${a.roleLabel} · ${a.teamName}`}</p>
            <p>
              {'Đăng nhập bằng: '}
              <strong>{a.username ?? `số điện thoại của bạn (${a.phone})`}</strong>
            </p>
            <p>
              {'Mã dùng một lần: '}
              <strong class="slip-code">{a.code.replace(/(\d{4})(\d{4})/, '$1 $2')}</strong>
            </p>
            <p class="meta">{`Dùng trước ${vnDateTimeLabel(new Date(a.expiresAt))}. Vào ${site}, chọn "Đăng nhập" → "Quên mật khẩu / Có mã đặt lại", nhập mã này và đặt mật khẩu của riêng bạn.`}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
