/**
 * The field app's sign-in page and its "change the issued password" page. Errors are the
 * server's Vietnamese messages (ApiError), shown under the form.
 */
import { useState } from 'preact/hooks';
import type { FieldApp } from './controller.js';

const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

/** Sign-in with user name or phone and password; `note` says why it is shown (session ended, first use offline…). */
export function SignInView({ app, note }: { app: FieldApp; note: string | null }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setMsg('');
    setBusy(true);
    try {
      await app.signIn(login.trim(), password);
      setPassword('');
    } catch (err) {
      setMsg((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section id="view-signin" class="card" aria-labelledby="signin-title">
      <h1 id="signin-title">Đăng nhập</h1>
      {note && (
        <p id="signin-note" class="note">
          {note}
        </p>
      )}
      {location.hash.startsWith('#diem-danh') && (
        <p id="signin-checkin" class="note">
          Đăng nhập để điểm danh lớp tập huấn. Mã trên màn hình điểm cầu đổi sau mỗi 45 giây: sau khi đăng nhập, nếu chưa được điểm danh, hãy quét lại mã đang hiện.
        </p>
      )}
      <form id="signin-form" noValidate onSubmit={submit}>
        <label for="login">Tên đăng nhập hoặc số điện thoại</label>
        <input id="login" name="login" autocomplete="username" autocapitalize="none" required maxLength={60} value={login} onInput={(e) => setLogin(value(e))} />
        <label for="password">Mật khẩu</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxLength={128} value={password} onInput={(e) => setPassword(value(e))} />
        <p class="msg" role="alert">
          {msg}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          Đăng nhập
        </button>
      </form>
      <p class="note">
        Cán bộ xã cấp cho bạn mã một lần? <a href="/office/#/dang-nhap">Đặt mật khẩu bằng mã đó</a> (trang quản lý), rồi quay lại đây đăng nhập.
      </p>
    </section>
  );
}

/** The member replaces the one-time password an officer issued with her own. */
export function PasswordView({ app }: { app: FieldApp }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setMsg('');
    if (next !== again) {
      setMsg('Hai lần nhập mật khẩu mới không khớp.');
      return;
    }
    setBusy(true);
    try {
      await app.changePassword(current, next);
    } catch (err) {
      setMsg((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <section id="view-password" class="card" aria-labelledby="pw-title">
      <h1 id="pw-title">Đổi mật khẩu</h1>
      <p class="note">Mật khẩu do cán bộ cấp chỉ dùng một lần: hãy đặt mật khẩu của riêng bạn.</p>
      <form id="password-form" noValidate onSubmit={submit}>
        <label for="pw-current">Mật khẩu đang dùng</label>
        <input id="pw-current" type="password" autocomplete="current-password" required maxLength={128} value={current} onInput={(e) => setCurrent(value(e))} />
        <label for="pw-new">Mật khẩu mới (ít nhất 8 ký tự)</label>
        <input id="pw-new" type="password" autocomplete="new-password" required maxLength={128} value={next} onInput={(e) => setNext(value(e))} />
        <label for="pw-new2">Nhập lại mật khẩu mới</label>
        <input id="pw-new2" type="password" autocomplete="new-password" required maxLength={128} value={again} onInput={(e) => setAgain(value(e))} />
        <p class="msg" role="alert">
          {msg}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          Đổi mật khẩu
        </button>
      </form>
    </section>
  );
}
