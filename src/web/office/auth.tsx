// Sign-in pages: #/khoi-tao (first run: create the first admin), #/dang-nhap (sign in, or set a
// new password with a one-time code from an officer: auth.reset.tsx), #/doi-mat-khau (change
// one's password; required before anything else when the password was issued by an officer).
// Each form checks its body with the route's own zod schema and the server's password rule
// (access/auth.contract.ts) before sending; the server decides.
import { useEffect, useRef, useState } from 'preact/hooks';
import { loginBody, newPasswordProblem, PASSWORD_RULE, passwordBody, passwordProblem, setupBody, USERNAME, USERNAME_PROBLEM } from '../../access/auth.contract.js';
import { ResetSection } from './auth.reset.js';
import { api } from './client.js';
import { flash } from './flash.js';
import { FormOut, passwordProps, schemaProblem, ShowPasswords, Submit, useForm, value } from './forms.js';
import { page, type PageProps } from './mount.js';
import { homeOf, session, signedIn, signOut } from './session.js';
import { Field, LoadError, Loading, Notice, PageTitle, useLoad } from './ui.js';

/** The page to return to (?tiep=path, a route inside this app) or the user's home. */
export function nextHash(query: URLSearchParams | undefined): string {
  const tiep = query?.get('tiep');
  return tiep && /^[\w\-/.?=&%]*$/.test(tiep) && !/^(dang-nhap|khoi-tao|doi-mat-khau)/.test(tiep) ? `#/${tiep}` : homeOf();
}

/** "?tiep=…" carried over to the next sign-in step. */
const carry = (query: URLSearchParams | undefined) => (query?.get('tiep') ? `?tiep=${encodeURIComponent(query.get('tiep')!)}` : '');

/** Props of a plain text input: no capitals, no spell check (user names, codes). */
const plain = { type: 'text', autocapitalize: 'none', spellcheck: false } as const;

/** #/khoi-tao — the first run: create the first admin (only while there is none). */
function SetupPage({ query }: PageProps) {
  useEffect(() => void (document.title = 'Ngõ Số — Khởi tạo hệ thống'), []);
  const setup = useLoad(() => api.call('GET /api/setup'), []);
  const needed = setup.data?.needed;
  useEffect(() => {
    if (needed === undefined) return;
    session.setupNeeded = needed;
    if (!needed) location.replace(session.user ? '#/' : '#/dang-nhap');
  }, [needed]);
  if (setup.loading) return <Loading />;
  if (setup.error) return <LoadError error={setup.error} />;
  return needed ? <SetupForm query={query} /> : null;
}

function SetupForm({ query }: { query: URLSearchParams }) {
  const [fullName, setFullName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [shown, setShown] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const body = () => ({ fullName: fullName.trim(), username: username.trim().toLowerCase(), password });
  const form = useForm(
    () =>
      schemaProblem(setupBody, body(), { fullName: 'Họ và tên', username: 'Tên đăng nhập', password: 'Mật khẩu' }) ??
      (!USERNAME.test(body().username) ? USERNAME_PROBLEM : null) ??
      (password !== again ? 'Hai lần nhập mật khẩu không khớp.' : null) ??
      passwordProblem(password, [body().username]),
    async () => {
      const res = await api.call('POST /api/setup', { json: body() });
      await signedIn(res.user);
      flash('ok', `Đã khởi tạo hệ thống. Bạn đang đăng nhập là quản trị viên: ${res.user.fullName}.`);
      location.replace(nextHash(query));
    },
  );
  return (
    <>
      <PageTitle>Khởi tạo hệ thống</PageTitle>
      <p class="lead">Hệ thống chưa có quản trị viên. Tạo tài khoản quản trị đầu tiên; tài khoản này sẽ tạo tài khoản cho cán bộ tỉnh, xã. Trang này tự đóng lại khi đã có quản trị viên.</p>
      <form class="card form narrow" id="setup-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
        <Field label="Họ và tên" id="setup-name">
          <input id="setup-name" name="setup-name" ref={first} type="text" autocomplete="name" autocapitalize="words" spellcheck={false} minLength={2} maxLength={100} required value={fullName} onInput={value(setFullName)} />
        </Field>
        <Field label="Tên đăng nhập" id="setup-username" hint="3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang.">
          <input id="setup-username" name="setup-username" {...plain} autocomplete="username" minLength={3} maxLength={40} required placeholder="ví dụ: quantri.sonla" aria-describedby="setup-username-hint" value={username} onInput={value(setUsername)} />
        </Field>
        <Field label="Mật khẩu" id="setup-password" hint={PASSWORD_RULE}>
          <input id="setup-password" name="setup-password" {...passwordProps(shown, 'new-password')} aria-describedby="setup-password-hint" value={password} onInput={value(setPassword)} />
        </Field>
        <Field label="Nhập lại mật khẩu" id="setup-password2">
          <input id="setup-password2" name="setup-password2" {...passwordProps(shown, 'new-password')} value={again} onInput={value(setAgain)} />
        </Field>
        <ShowPasswords id="setup-show" shown={shown} onChange={setShown} />
        <Submit busy={form.busy} text="Tạo tài khoản quản trị" busyText="Đang tạo…" />
        <FormOut>{form.out}</FormOut>
      </form>
    </>
  );
}

/** #/dang-nhap — sign in; below it, the form to set a new password with a code from an officer. */
function SignInPage({ query }: PageProps) {
  useEffect(() => void (document.title = 'Ngõ Số — Đăng nhập'), []);
  const user = session.user;
  if (user) {
    return (
      <>
        <PageTitle>Đăng nhập</PageTitle>
        <Notice kind="info">{`Bạn đang đăng nhập là ${user.fullName} (${user.roleLabel}).`}</Notice>
        <div class="actions">
          <a class="btn" href={nextHash(query)}>
            Tiếp tục
          </a>
          <button
            type="button"
            class="btn-secondary"
            onClick={async () => {
              await signOut().catch(() => {});
              location.reload();
            }}
          >
            Đăng xuất để đổi tài khoản
          </button>
        </div>
      </>
    );
  }
  return <SignInForm query={query} />;
}

function SignInForm({ query }: { query: URLSearchParams }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const loginRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const withCode = !!query.get('ma');
  useEffect(() => void (withCode || loginRef.current?.focus()), []);
  const body = () => ({ login: login.trim(), password });
  const form = useForm(
    () => schemaProblem(loginBody, body(), { login: 'Tên đăng nhập hoặc số điện thoại', password: 'Mật khẩu' }),
    async () => {
      const res = await api.call('POST /api/auth/login', { json: body() });
      await signedIn(res.user);
      location.replace(res.user.mustChangePassword ? `#/doi-mat-khau${carry(query)}` : nextHash(query));
    },
  );
  // a password set with a code: sign in with it in the form above
  const reset = (name: string) => {
    setLogin(name);
    setPassword('');
    passwordRef.current?.focus();
  };
  return (
    <>
      <PageTitle>Đăng nhập</PageTitle>
      <p class="lead">Dành cho cán bộ và thành viên Tổ công nghệ số cộng đồng. Tài khoản do cán bộ xã, phường hoặc tỉnh cấp.</p>
      {query.get('tiep') ? <Notice kind="info">Hãy đăng nhập để mở trang này; xong sẽ quay lại đúng trang.</Notice> : null}
      <form class="card form narrow" id="sign-in-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
        <Field label="Tên đăng nhập hoặc số điện thoại" id="login">
          <input id="login" name="login" ref={loginRef} {...plain} autocomplete="username" maxLength={60} required value={login} onInput={value(setLogin)} />
        </Field>
        <Field label="Mật khẩu" id="password">
          <input id="password" name="password" ref={passwordRef} {...passwordProps(shown, 'current-password')} value={password} onInput={value(setPassword)} />
        </Field>
        <ShowPasswords id="show-password" shown={shown} onChange={setShown} />
        <Submit busy={form.busy} text="Đăng nhập" busyText="Đang đăng nhập…" />
        <FormOut>{form.out}</FormOut>
      </form>
      <ResetSection open={withCode} done={reset} />
    </>
  );
}

/** #/doi-mat-khau — change one's own password (required first when an officer issued it). */
function ChangePasswordPage({ query }: PageProps) {
  useEffect(() => void (document.title = 'Ngõ Số — Đổi mật khẩu'), []);
  const user = session.user!;
  const forced = !!user.mustChangePassword;
  const [current, setCurrent] = useState('');
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [shown, setShown] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const body = { currentPassword: current, newPassword: pw };
  const form = useForm(
    () =>
      schemaProblem(passwordBody, body, { currentPassword: forced ? 'Mật khẩu được cấp' : 'Mật khẩu hiện tại', newPassword: 'Mật khẩu mới' }) ??
      (pw !== again ? 'Hai lần nhập mật khẩu mới không khớp.' : null) ??
      newPasswordProblem(current, pw, [user.username ?? '']),
    async () => {
      await api.call('POST /api/auth/password', { json: body });
      await signedIn({ ...user, mustChangePassword: false });
      flash('ok', 'Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới.');
      location.replace(nextHash(query));
    },
  );
  return (
    <>
      <PageTitle>Đổi mật khẩu</PageTitle>
      {forced ? (
        <Notice kind="info">
          <strong>Cần đổi mật khẩu trước khi tiếp tục. </strong>
          Mật khẩu bạn đang dùng do cán bộ cấp; hãy đặt mật khẩu mới chỉ riêng bạn biết.
        </Notice>
      ) : (
        <p class="lead">{`Tài khoản: ${user.fullName} (${user.username ?? user.phone ?? ''}).`}</p>
      )}
      <form class="card form narrow" id="password-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
        {/* hidden user name field: lets password managers store the new password under the right account */}
        <input type="text" name="username" autocomplete="username" value={user.username ?? ''} hidden readOnly />
        <Field label={forced ? 'Mật khẩu được cấp' : 'Mật khẩu hiện tại'} id="current-password">
          <input id="current-password" name="current-password" ref={first} {...passwordProps(shown, 'current-password')} value={current} onInput={value(setCurrent)} />
        </Field>
        <Field label="Mật khẩu mới" id="new-password" hint={PASSWORD_RULE}>
          <input id="new-password" name="new-password" {...passwordProps(shown, 'new-password')} aria-describedby="new-password-hint" value={pw} onInput={value(setPw)} />
        </Field>
        <Field label="Nhập lại mật khẩu mới" id="new-password2">
          <input id="new-password2" name="new-password2" {...passwordProps(shown, 'new-password')} value={again} onInput={value(setAgain)} />
        </Field>
        <ShowPasswords id="password-show" shown={shown} onChange={setShown} />
        <Submit busy={form.busy} text="Đổi mật khẩu" busyText="Đang đổi…" />
        <FormOut>{form.out}</FormOut>
      </form>
    </>
  );
}

export const setupPage = page(SetupPage);
export const signInPage = page(SignInPage);
export const changePasswordPage = page(ChangePasswordPage);
