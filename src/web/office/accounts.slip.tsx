// The one secret an officer hands over, shown once on #/tai-khoan: a reset code (POST
// /api/users/:id/reset) or the temporary password of an account just created (POST /api/users; the
// officer typed or generated it, the server keeps only its hash). Big, with how to use it and an
// "In" button; while it is on screen the printed page holds only this slip (body class
// `print-slips`, styles.css), and hiding it forgets it.
import { useEffect, useRef } from 'preact/hooks';
import { vnDateTimeLabel } from '../shared/time.js';

export interface Secret {
  kind: 'code' | 'password';
  fullName: string;
  /** what the person types as login: a user name or the account's (masked) phone */
  login: string;
  secret: string;
  /** until when a code works (ISO); passwords do not expire but must be changed at first sign-in */
  expiresAt?: string;
}

/** The slip, scrolled to and focused when it appears. `hide()` drops it (the secret is not kept anywhere). */
export function SecretSlip({ secret, hide }: { secret: Secret; hide: () => void }) {
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => {
    card.current?.scrollIntoView?.({ block: 'start' });
    card.current?.focus({ preventScroll: true });
  }, [secret]);
  useEffect(() => {
    document.body.classList.add('print-slips');
    return () => document.body.classList.remove('print-slips');
  }, []);
  const code = secret.kind === 'code';
  const shown = code && /^\d{8}$/.test(secret.secret) ? `${secret.secret.slice(0, 4)} ${secret.secret.slice(4)}` : secret.secret;
  return (
    <section class="slips secret-slip" aria-label={code ? 'Mã đặt lại mật khẩu vừa cấp' : 'Mật khẩu tạm vừa đặt'}>
      <div class="card code-card" role="status" aria-labelledby="code-h" tabIndex={-1} ref={card}>
        <h3 id="code-h">
          {code ? 'Mã đặt lại mật khẩu cho ' : 'Mật khẩu tạm cho '}
          <span class="code-user">{secret.fullName}</span>
        </h3>
        <p class="slip-login">
          {'Đăng nhập bằng: '}
          <strong>{secret.login}</strong>
        </p>
        <p class="reset-code" data-code={secret.secret} aria-label={code ? secret.secret.split('').join(' ') : undefined}>
          {shown}
        </p>
        {code && secret.expiresAt ? (
          <p class="code-expiry">
            Dùng được một lần, đến <strong>{vnDateTimeLabel(secret.expiresAt)}</strong> (giờ Việt Nam).
          </p>
        ) : (
          <p class="code-expiry">Người dùng phải đổi mật khẩu này ngay lần đăng nhập đầu.</p>
        )}
        <ul class="advice">
          <li>
            <strong>Trao tận tay hoặc đọc qua điện thoại</strong> cho đúng người dùng. Không gửi {code ? 'mã' : 'mật khẩu'} vào nhóm Zalo, Facebook hay tin nhắn chung.
          </li>
          {code ? (
            <li>
              Người dùng mở trang Đăng nhập, bấm "Quên mật khẩu / Có mã đặt lại", nhập <strong>{secret.login}</strong>, mã này và mật khẩu mới.
            </li>
          ) : (
            <li>
              Người dùng mở trang Đăng nhập, nhập <strong>{secret.login}</strong> và mật khẩu tạm này, rồi đặt mật khẩu của riêng mình.
            </li>
          )}
          <li>{code ? 'Mã chỉ hiện lần này. Nếu thất lạc, hãy cấp mã mới (mã cũ tự hết hiệu lực).' : 'Mật khẩu tạm chỉ hiện lần này. Nếu thất lạc, hãy cấp mã đặt lại mật khẩu.'}</li>
        </ul>
        <div class="actions">
          <button type="button" onClick={() => window.print()}>
            In
          </button>
          <button type="button" class="btn-secondary" onClick={hide}>
            {code ? 'Đã trao mã — ẩn đi' : 'Đã trao mật khẩu — ẩn đi'}
          </button>
        </div>
      </div>
    </section>
  );
}
