// "Tạo tài khoản mới" on #/tai-khoan: the roles the officer may create (as the server says in
// GET /api/users), tied to a unit or a team inside their scope. The body is checked with the
// route's schema and the server's rules (access/auth.contract.ts) before POST /api/users.
import { useState } from 'preact/hooks';
import { createUserBody, type CreateUserBody, PASSWORD_RULE, passwordProblem, USERNAME, USERNAME_PROBLEM } from '../../access/auth.contract.js';
import type { Role } from '../../access/access.policy.js';
import { api } from './client.js';
import { FormOut, schemaProblem, useForm, value } from './forms.js';
import { ROLE_LABELS } from './session.js';
import { Field, Notice } from './ui.js';
import type { Account } from './accounts.js';
import { usePlace } from './accounts.place.js';
import type { Secret } from './accounts.slip.js';

const WORDS = ['may', 'lua', 'suoi', 'nui', 'ban', 'hoa', 'mua', 'xuan', 'trang', 'sao', 'che', 'ngo', 'man', 'dao', 'thong', 'chim', 'nang', 'gio', 'la', 'cau'];
/** An easy-to-read temporary password: three words and two digits, e.g. "suoi-hoa-mua-47". */
function randomPassword(): string {
  const r = crypto.getRandomValues(new Uint32Array(4));
  return `${WORDS[r[0] % WORDS.length]}-${WORDS[r[1] % WORDS.length]}-${WORDS[r[2] % WORDS.length]}-${String(r[3] % 100).padStart(2, '0')}`;
}

/**
 * The create form. `self` is the officer's own row of the list (names their commune when the
 * session does not), `roles` what they may create; `created()` runs after the server made one.
 */
export function CreateSection({ self, roles, created }: { self: Account | undefined; roles: { role: Role; label: string }[]; created: (secret: Secret) => void }) {
  const [fullName, setFullName] = useState('');
  const [role, setRole] = useState('');
  const [username, setUsername] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const place = usePlace('acc', role as Role, {}, self?.unitCode && !self.unitCode.includes('.') ? { code: self.unitCode, name: self.unitName ?? '' } : null);

  const login = username.trim().toLowerCase();
  const body = (): CreateUserBody => {
    const b: CreateUserBody = { fullName: fullName.trim(), password, role: role as Role };
    if (login) b.username = login;
    if (phone.trim()) b.phone = phone.trim();
    if (place.teamId) b.teamId = place.teamId;
    if (place.unit) b.unit = place.unit;
    return b;
  };
  const form = useForm(
    () =>
      schemaProblem(createUserBody, body(), { fullName: 'Họ và tên', username: 'Tên đăng nhập', phone: 'Số điện thoại', password: 'Mật khẩu tạm', role: 'Vai trò' }) ??
      (!login && !phone.trim() ? 'Cần tên đăng nhập hoặc số điện thoại.' : null) ??
      (login && !USERNAME.test(login) ? USERNAME_PROBLEM : null) ??
      place.problem() ??
      passwordProblem(password, [login, phone.replace(/\D/g, '')]),
    async () => {
      const { user } = await api.call('POST /api/users', { json: body() });
      form.setOut(
        <Notice kind="ok">
          <strong>{`Đã tạo tài khoản ${user.fullName}`}</strong>
          {` (${user.username ?? user.phone}, ${user.roleLabel}, ${place.where()}). `}
          Mật khẩu tạm hiện ở đầu trang, một lần: hãy in hoặc trao cho người dùng trực tiếp; họ phải đổi mật khẩu ngay lần đăng nhập đầu.
        </Notice>,
      );
      // the password typed here is shown once more as a slip to print, then forgotten with the form
      const secret: Secret = { kind: 'password', fullName: user.fullName, login: user.username ?? phone.trim(), secret: password };
      for (const set of [setFullName, setUsername, setPhone, setPassword]) set('');
      created(secret);
    },
  );
  const generate = () => {
    let p: string;
    do p = randomPassword();
    while (passwordProblem(p, [login]));
    setPassword(p);
    document.getElementById('acc-password')?.focus();
  };

  return (
    <section aria-labelledby="create-h" class="create-section">
      <h3 id="create-h">Tạo tài khoản mới</h3>
      <p class="muted">{`Bạn tạo được: ${roles.map((r) => r.label ?? ROLE_LABELS[r.role] ?? r.role).join(', ')}.`}</p>
      <form class="card form" id="create-user-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
        <div class="form-grid">
          <Field label="Họ và tên" id="acc-name">
            <input id="acc-name" name="acc-name" type="text" autocomplete="off" minLength={2} maxLength={100} required value={fullName} onInput={value(setFullName)} />
          </Field>
          <Field label="Vai trò" id="acc-role">
            <select id="acc-role" name="acc-role" required value={role} onChange={value(setRole)}>
              <option value="">— Chọn vai trò —</option>
              {roles.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.label ?? ROLE_LABELS[r.role] ?? r.role}
                </option>
              ))}
            </select>
          </Field>
          {place.fields}
          <Field label="Tên đăng nhập" id="acc-username" hint="Chữ thường không dấu, chữ số, dấu chấm. Bỏ trống được nếu có số điện thoại.">
            <input id="acc-username" name="acc-username" type="text" autocomplete="off" autocapitalize="none" spellcheck={false} maxLength={40} placeholder="ví dụ: mai.chiengan" aria-describedby="acc-username-hint" value={username} onInput={value(setUsername)} />
          </Field>
          <Field label="Số điện thoại (không bắt buộc)" id="acc-phone" hint="Đăng nhập được bằng số này thay cho tên đăng nhập.">
            <input id="acc-phone" name="acc-phone" type="tel" autocomplete="off" maxLength={20} placeholder="ví dụ: 0912 345 678" aria-describedby="acc-phone-hint" value={phone} onInput={value(setPhone)} />
          </Field>
        </div>
        <div class="field">
          <label for="acc-password">Mật khẩu tạm</label>
          <div class="inline">
            <input id="acc-password" name="acc-password" type="text" autocomplete="off" autocapitalize="none" spellcheck={false} maxLength={128} required aria-describedby="acc-password-hint" value={password} onInput={value(setPassword)} />
            <button type="button" class="btn-secondary" onClick={generate}>
              Tạo ngẫu nhiên
            </button>
          </div>
          <p class="hint" id="acc-password-hint">
            {`Người dùng phải đổi mật khẩu này ngay lần đăng nhập đầu. ${PASSWORD_RULE}`}
          </p>
        </div>
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            Tạo tài khoản
          </button>
        </div>
        <FormOut>{form.out}</FormOut>
      </form>
    </section>
  );
}
