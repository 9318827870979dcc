// "Quên mật khẩu / Có mã đặt lại" on #/dang-nhap: login + one-time code from an officer + new
// password (POST /api/auth/reset), checked with the route's schema and the server's password rule.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PASSWORD_RULE, passwordProblem, RESET_CODE_DIGITS, resetBody } from '../../access/auth.contract.js';
import { api } from './client.js';
import { FormOut, passwordProps, schemaProblem, ShowPasswords, Submit, useForm, value } from './forms.js';
import { Field, Notice } from './ui.js';

/**
 * The reset box: a toggle that opens the form (`open` at first when the link carried ?ma=). When a
 * new password is set, `done(login)` hands the login to the sign-in form above.
 */
export function ResetSection({ open: openAtFirst, done }: { open: boolean; done: (login: string) => void }) {
  const [open, setOpen] = useState(openAtFirst);
  const [login, setLogin] = useState('');
  const [code, setCode] = useState('');
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [shown, setShown] = useState(false);
  const loginRef = useRef<HTMLInputElement>(null);
  useEffect(() => void (open && loginRef.current?.focus()), [open]);
  const digits = code.replace(/\D/g, '');
  const body = () => ({ login: login.trim(), code: digits, newPassword: pw });
  const form = useForm(
    () =>
      schemaProblem(resetBody, body(), { login: 'Tên đăng nhập hoặc số điện thoại', code: 'Mã đặt lại', newPassword: 'Mật khẩu mới' }) ??
      (digits.length !== RESET_CODE_DIGITS ? `Mã đặt lại gồm ${RESET_CODE_DIGITS} chữ số.` : null) ??
      (pw !== again ? 'Hai lần nhập mật khẩu mới không khớp.' : null) ??
      passwordProblem(pw, [login.trim()]),
    async () => {
      await api.call('POST /api/auth/reset', { json: body() });
      const name = login.trim();
      for (const set of [setLogin, setCode, setPw, setAgain]) set('');
      form.setOut(<Notice kind="ok">Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới ở khung phía trên.</Notice>);
      done(name);
    },
  );
  return (
    <section class="card reset-box" aria-label="Đặt lại mật khẩu">
      <button type="button" class="btn-link reset-toggle" aria-expanded={open ? 'true' : 'false'} aria-controls="reset-panel" onClick={() => setOpen(!open)}>
        Quên mật khẩu / Có mã đặt lại
      </button>
      <div id="reset-panel" hidden={!open}>
        <p>
          Quên mật khẩu hoặc tài khoản bị tạm khoá? Hãy gọi điện hoặc gặp cán bộ quản lý tài khoản của bạn (cán bộ xã, phường hoặc tỉnh) để được cấp <strong>mã đặt lại</strong> gồm {RESET_CODE_DIGITS} chữ số, rồi nhập vào đây cùng mật khẩu mới.
        </p>
        <form class="form" id="reset-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
          <Field label="Tên đăng nhập hoặc số điện thoại" id="reset-login">
            <input id="reset-login" name="reset-login" ref={loginRef} type="text" autocapitalize="none" spellcheck={false} autocomplete="username" maxLength={60} required value={login} onInput={value(setLogin)} />
          </Field>
          <Field label="Mã đặt lại" id="reset-code" hint={`Mã ${RESET_CODE_DIGITS} chữ số cán bộ đưa cho bạn; dùng được một lần, trước hạn ghi trên phiếu (mã đặt lại: 24 giờ; mã của tài khoản mới: 7 ngày).`}>
            <input id="reset-code" name="reset-code" type="text" inputMode="numeric" autocomplete="one-time-code" maxLength={12} required placeholder={`${RESET_CODE_DIGITS} chữ số`} aria-describedby="reset-code-hint" value={code} onInput={value(setCode)} />
          </Field>
          <Field label="Mật khẩu mới" id="reset-password" hint={PASSWORD_RULE}>
            <input id="reset-password" name="reset-password" {...passwordProps(shown, 'new-password')} aria-describedby="reset-password-hint" value={pw} onInput={value(setPw)} />
          </Field>
          <Field label="Nhập lại mật khẩu mới" id="reset-password2">
            <input id="reset-password2" name="reset-password2" {...passwordProps(shown, 'new-password')} value={again} onInput={value(setAgain)} />
          </Field>
          <ShowPasswords id="reset-show" shown={shown} onChange={setShown} />
          <Submit busy={form.busy} text="Đặt mật khẩu mới" busyText="Đang đặt…" />
          <FormOut>{form.out}</FormOut>
        </form>
      </div>
    </section>
  );
}
