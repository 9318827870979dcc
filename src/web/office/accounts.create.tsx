// "Tạo tài khoản mới" on #/tai-khoan: the roles the officer may create (as the server says in
// GET /api/users), tied to a unit or a team inside their scope. The body is checked with the
// route's schema and the server's rules (access/auth.contract.ts) before POST /api/users.
import { useEffect, useState } from 'preact/hooks';
import { createUserBody, type CreateUserBody, PASSWORD_RULE, passwordProblem, USERNAME, USERNAME_PROBLEM } from '../../access/auth.contract.js';
import type { Role } from '../../access/access.policy.js';
import { api } from './client.js';
import { FormOut, schemaProblem, useForm, value } from './forms.js';
import { ROLE_LABELS, session } from './session.js';
import { Field, Notice } from './ui.js';
import type { Account } from './accounts.js';

/** What each role is tied to: nothing (admin), a province, a commune, a province or commune, a team. */
const NEEDS: Record<Role, { province: boolean; commune: boolean | 'optional'; team: boolean }> = {
  admin: { province: false, commune: false, team: false },
  province_officer: { province: true, commune: false, team: false },
  commune_officer: { province: true, commune: true, team: false },
  viewer: { province: true, commune: 'optional', team: false },
  team_leader: { province: true, commune: true, team: true },
  member: { province: true, commune: true, team: true },
};
const NOTHING = { province: false, commune: false, team: false } as const;

type Option = { value: string; text: string };

/** Children of a unit (provinces when `parent` is left out) as select options; none when the call fails. */
async function unitOptions(parent?: string): Promise<Option[]> {
  const r = await api.call('GET /api/units', { query: { parent } }).catch(() => ({ units: [] }));
  return 'units' in r ? (r.units as { code: string | null; name: string }[]).filter((u) => u.code).map((u) => ({ value: u.code!, text: u.name })) : [];
}

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
export function CreateSection({ self, roles, created }: { self: Account | undefined; roles: { role: Role; label: string }[]; created: () => void }) {
  const s = session.scope!;
  const [fullName, setFullName] = useState('');
  const [role, setRole] = useState('');
  const [province, setProvince] = useState('');
  const [commune, setCommune] = useState('');
  const [team, setTeam] = useState('');
  const [username, setUsername] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [provinces, setProvinces] = useState<Option[]>([]);
  const [communes, setCommunes] = useState<Option[]>([]);
  const [teams, setTeams] = useState<Option[] | null>(null);
  const need = NEEDS[role as Role] ?? NOTHING;

  // a commune officer creates accounts in their own commune only (GET /api/auth/me names it)
  const own = session.unit?.code ? session.unit : self?.unitCode ? { code: self.unitCode, name: self.unitName ?? '' } : null;
  const fixedCommune = s.kind === 'commune' && own?.code ? { value: own.code, text: own.name } : null;

  // units the officer may choose from: only their own province when scoped
  useEffect(() => {
    unitOptions().then((all) => {
      const mine = s.kind === 'all' ? all : all.filter((p) => 'provinceCode' in s && p.value === s.provinceCode);
      setProvinces(mine);
      if (mine.length === 1) setProvince(mine[0].value);
    });
  }, []);
  useEffect(() => {
    let current = true;
    setCommune(fixedCommune?.value ?? '');
    if (fixedCommune) setCommunes([fixedCommune]);
    else if (province && need.commune) unitOptions(province).then((units) => current && setCommunes(units));
    else setCommunes([]);
    return () => void (current = false);
  }, [province, role]);
  useEffect(() => {
    let current = true;
    setTeam('');
    setTeams(null);
    if (need.team && commune) {
      api.call('GET /api/teams', { query: { unit: commune } }).then(
        ({ teams }) => current && setTeams(teams.map((t) => ({ value: String(t.id), text: t.unitCode !== commune ? `${t.name} (${t.unitName})` : t.name }))),
        () => current && setTeams([]),
      );
    }
    return () => void (current = false);
  }, [commune, role]);

  const login = username.trim().toLowerCase();
  const body = (): CreateUserBody => {
    const b: CreateUserBody = { fullName: fullName.trim(), password, role: role as Role };
    if (login) b.username = login;
    if (phone.trim()) b.phone = phone.trim();
    if (need.team) b.teamId = Number(team) || undefined;
    else if (need.province) b.unit = commune || province || undefined;
    return b;
  };
  const form = useForm(
    () =>
      schemaProblem(createUserBody, body(), { fullName: 'Họ và tên', username: 'Tên đăng nhập', phone: 'Số điện thoại', password: 'Mật khẩu tạm', role: 'Vai trò' }) ??
      (!login && !phone.trim() ? 'Cần tên đăng nhập hoặc số điện thoại.' : null) ??
      (login && !USERNAME.test(login) ? USERNAME_PROBLEM : null) ??
      (need.province && !province ? 'Hãy chọn tỉnh, thành phố.' : null) ??
      (need.commune === true && !commune ? 'Hãy chọn xã, phường.' : null) ??
      (need.team && !team ? 'Hãy chọn tổ.' : null) ??
      passwordProblem(password, [login, phone.replace(/\D/g, '')]),
    async () => {
      const { user } = await api.call('POST /api/users', { json: body() });
      const where = need.team ? teams?.find((t) => t.value === team)?.text : need.province ? (commune ? communes.find((c) => c.value === commune) : provinces.find((p) => p.value === province))?.text : 'toàn hệ thống';
      form.setOut(
        <Notice kind="ok">
          <strong>{`Đã tạo tài khoản ${user.fullName}`}</strong>
          {` (${user.username ?? user.phone}, ${user.roleLabel}, ${where}). `}
          Hãy trao mật khẩu tạm cho người dùng trực tiếp hoặc qua điện thoại; họ phải đổi mật khẩu ngay lần đăng nhập đầu.
        </Notice>,
      );
      for (const set of [setFullName, setUsername, setPhone, setPassword]) set('');
      created();
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
          {need.province ? (
            <Field label="Tỉnh, thành phố" id="acc-province">
              <select id="acc-province" name="acc-province" value={province} onChange={value(setProvince)}>
                {provinces.length > 1 ? <option value="">— Chọn tỉnh, thành phố —</option> : null}
                {provinces.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.text}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {need.commune ? (
            <Field label="Xã, phường, đặc khu" id="acc-commune">
              <select id="acc-commune" name="acc-commune" value={commune} onChange={value(setCommune)}>
                {fixedCommune || !province ? null : <option value="">{need.commune === 'optional' ? '— Cả tỉnh —' : '— Chọn xã, phường —'}</option>}
                {communes.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.text}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {need.team ? (
            <Field label="Tổ" id="acc-team" hint="Tổ trưởng và thành viên chỉ xem được tổ của mình. Tổ có trong sổ sau khi nhập danh sách tổ.">
              <select id="acc-team" name="acc-team" aria-describedby="acc-team-hint" value={team} onChange={value(setTeam)}>
                {teams ? <option value="">{teams.length ? '— Chọn tổ —' : '— Xã này chưa có tổ nào —'}</option> : null}
                {(teams ?? []).map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.text}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
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
