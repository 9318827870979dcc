// "Sửa" on an account's row of #/tai-khoan: its role and where it works (unit or team), among the
// roles the officer manages and inside their scope (PATCH /api/users/:id, checked with the route's
// schema first). Only what changed is sent; the server refuses the rest with its own words.
import { useState } from 'preact/hooks';
import { type UpdateUserBody, updateUserBody } from '../../access/auth.contract.js';
import type { Role } from '../../access/access.policy.js';
import { api } from './client.js';
import { FormOut, schemaProblem, useForm, value } from './forms.js';
import type { Account } from './accounts.js';
import { usePlace } from './accounts.place.js';
import { session } from './session.js';
import { Field, Notice, useLoad } from './ui.js';

/** The account's current province and commune codes (for an admin the province is looked up). */
async function startOf(user: Account): Promise<{ province?: string; commune?: string; teamId?: number }> {
  const s = session.scope!;
  const code = user.unitCode ?? undefined;
  const commune = code && code.length >= 5 ? code.split('.')[0] : undefined;
  const province = 'provinceCode' in s ? s.provinceCode : code ? (await api.call('GET /api/units/:code', { params: { code }, query: {} }).catch(() => null))?.provinceCode ?? undefined : undefined;
  return { province: province ?? (code && code.length === 2 ? code : undefined), commune, teamId: user.teamId ?? undefined };
}

/** The editor of one account; `saved(user, changed)` runs after the server applied the change, `close()` on "Đóng". */
export function AccountEditor({ user, roles, saved, close }: { user: Account; roles: { role: Role; label: string }[]; saved: (user: Account, changed: string[]) => void; close: () => void }) {
  const start = useLoad(() => startOf(user), [user.id]);
  return (
    <section class="card form edit-panel account-editor" aria-labelledby="edit-h">
      <h3 id="edit-h">{`Sửa tài khoản ${user.fullName}`}</h3>
      {start.data ? <EditForm user={user} roles={roles} start={start.data} saved={saved} close={close} /> : <p class="muted">Đang tải…</p>}
    </section>
  );
}

function EditForm({ user, roles, start, saved, close }: { user: Account; roles: { role: Role; label: string }[]; start: Awaited<ReturnType<typeof startOf>>; saved: (user: Account, changed: string[]) => void; close: () => void }) {
  const [role, setRole] = useState<Role | ''>(user.role as Role);
  const place = usePlace('edit', role, start);
  const body = (): UpdateUserBody => {
    const b: UpdateUserBody = {};
    if (role && role !== user.role) b.role = role as Role;
    if (place.teamId && place.teamId !== user.teamId) b.teamId = place.teamId;
    if (place.unit && place.unit !== user.unitCode) b.unit = place.unit;
    // a change between a team and a unit sends the new place even when its code is the same
    if (b.role && place.need.team) b.teamId = place.teamId;
    if (b.role && !place.need.team && place.unit) b.unit = place.unit;
    return b;
  };
  const form = useForm(
    () => schemaProblem(updateUserBody, body(), { role: 'Vai trò', unit: 'Đơn vị', teamId: 'Tổ' }) ?? (!role ? 'Hãy chọn vai trò.' : null) ?? place.problem() ?? (Object.keys(body()).length ? null : 'Chưa có thay đổi nào.'),
    async () => {
      const r = await api.call('PATCH /api/users/:id', { params: { id: user.id }, json: body() });
      saved(r.user, r.changed);
    },
  );
  return (
    <form id="edit-user-form" noValidate onSubmit={form.onSubmit} aria-busy={form.busy || undefined}>
      <div class="form-grid">
        <Field label="Vai trò" id="edit-role">
          <select id="edit-role" name="edit-role" value={role} onChange={value((v) => setRole(v as Role))}>
            {roles.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </Field>
        {place.fields}
      </div>
      <Notice kind="info">Người dùng đang đăng nhập sẽ thấy phạm vi mới ngay ở lần thao tác sau.</Notice>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Đang lưu…' : 'Lưu thay đổi'}
        </button>
        <button type="button" class="btn-secondary" onClick={close}>
          Đóng
        </button>
      </div>
      <FormOut>{form.out}</FormOut>
    </form>
  );
}
