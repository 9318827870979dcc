// Changing one member of a team, from the team page (officers): their own fields, their role from a
// day (with affiliations and position), a move to another team of the commune, or leaving. Each form
// checks its body with the route's schema (registry/registry.contract.ts) and sends the version the
// page read, so an edit made meanwhile by someone else is refused (409) instead of overwritten.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { leaveBody, moveBody, updateMemberBody, updateMembershipBody } from '../../registry/registry.contract.js';
import { AFFILIATIONS, GENDERS, LEAVE_REASONS, ROLES } from '../../registry/registry.vocabulary.js';
import type { ApiError } from '../shared/api.js';
import { vnDate, vnToday } from '../shared/time.js';
import { api } from './client.js';
import { FormOut, schemaProblem, Submit, useForm, value } from './forms.js';
import type { Team } from './team.js';
import { Field, Loading, Notice, Table, useLoad } from './ui.js';

type Member = Team['members'][number];
type Role = keyof typeof ROLES;

/** The server's "the team has a leader already" (409 with `details.leaders`), for the "Thay tổ trưởng" offer. */
export const leaderConflict = (err: unknown): { fullName: string }[] | null => {
  const e = err as ApiError;
  const leaders = (e?.details as { leaders?: { fullName: string }[] } | undefined)?.leaders;
  return e?.code === 'REGISTRY_CONFLICT' && leaders?.length ? leaders : null;
};

/** The "team has a leader already" offer under a form: names the leader; "Thay tổ trưởng" sends again with `replaceLeader`. */
export function ReplaceLeader({ leaders, replace, form }: { leaders: { fullName: string }[]; replace: () => Promise<void>; form: { setOut: (out: ComponentChildren) => void } }) {
  return (
    <Notice kind="info">
      {`Tổ đã có tổ trưởng ${leaders.map((l) => l.fullName).join(', ')}. Mỗi tổ một tổ trưởng: thay tổ trưởng thì người đó thành thành viên từ cùng ngày. `}
      <button type="button" onClick={() => replace().catch((err) => form.setOut(<Notice kind="error">{(err as Error).message}</Notice>))}>
        Thay tổ trưởng
      </button>
    </Notice>
  );
}

/** A select of a vocabulary's labels. */
export function Choice<T extends string>({ id, labels, value: v, onChange, empty }: { id: string; labels: Record<T, string>; value: T | ''; onChange: (v: T) => void; empty?: string }) {
  return (
    <select id={id} value={v} onChange={(e) => onChange(e.currentTarget.value as T)}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {(Object.keys(labels) as T[]).map((k) => (
        <option value={k}>{labels[k]}</option>
      ))}
    </select>
  );
}

/** A day field (Vietnam days), not after today. */
export const DayInput = ({ id, day, set }: { id: string; day: string; set: (d: string) => void }) => <input id={id} type="date" value={day} max={vnToday()} required onInput={value(set)} />;

/** Affiliation checkboxes. */
export function Affiliations({ id, chosen, set }: { id: string; chosen: string[]; set: (a: string[]) => void }) {
  return (
    <fieldset class="checks" id={id}>
      <legend>Đoàn thể, lực lượng</legend>
      {Object.entries(AFFILIATIONS).map(([code, text]) => (
        <label class="check">
          <input type="checkbox" checked={chosen.includes(code)} onChange={(e) => set(e.currentTarget.checked ? [...chosen, code] : chosen.filter((c) => c !== code))} /> {text}
        </label>
      ))}
    </fieldset>
  );
}

const intOrNull = (t: string) => (t.trim() === '' ? null : Number(t));

/** The person's own fields: name, gender, birth year, phone. */
function PersonForm({ member, done }: { member: Member; done: (msg: string) => void }) {
  const [fullName, setName] = useState(member.fullName);
  const [gender, setGender] = useState<string>(member.gender ?? '');
  const [birthYear, setYear] = useState(member.birthYear ? String(member.birthYear) : '');
  const [phone, setPhone] = useState(member.phone ?? '');
  const body = () => {
    const b: Record<string, unknown> = { version: member.version };
    if (fullName !== member.fullName) b.fullName = fullName;
    if ((gender || null) !== member.gender) b.gender = gender || null;
    if (intOrNull(birthYear) !== member.birthYear) b.birthYear = intOrNull(birthYear);
    if (phone.trim() !== (member.phone ?? '')) b.phone = phone.trim() || null;
    return b;
  };
  const f = useForm(
    () => (Object.keys(body()).length === 1 ? 'Chưa có gì thay đổi.' : schemaProblem(updateMemberBody, body(), { fullName: 'Họ và tên', birthYear: 'Năm sinh', phone: 'Số điện thoại' })),
    async () => {
      await api.call('PATCH /api/members/:id', { params: { id: member.memberId }, json: body() as never });
      done(`Đã lưu thông tin của ${fullName.trim()}.`);
    },
  );
  const id = (k: string) => `m${member.memberId}-${k}`;
  return (
    <form onSubmit={f.onSubmit} class="inline-form">
      <Field label="Họ và tên" id={id('name')}>
        <input id={id('name')} value={fullName} required onInput={value(setName)} />
      </Field>
      <Field label="Giới tính" id={id('gender')}>
        <Choice id={id('gender')} labels={GENDERS} value={gender as 'male'} onChange={setGender} empty="Không rõ" />
      </Field>
      <Field label="Năm sinh" id={id('year')}>
        <input id={id('year')} inputMode="numeric" value={birthYear} maxLength={4} onInput={value(setYear)} />
      </Field>
      <Field label="Số điện thoại" id={id('phone')} hint="Để trống nếu không có.">
        <input id={id('phone')} type="tel" value={phone} maxLength={20} onInput={value(setPhone)} aria-describedby={id('phone-hint')} />
      </Field>
      <Submit busy={f.busy} text="Lưu thông tin" busyText="Đang lưu…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** Role from a day, affiliations and position in this team. */
function RoleForm({ team, member, done }: { team: Team; member: Member; done: (msg: string) => void }) {
  const [role, setRole] = useState<Role>(member.role);
  const [on, setOn] = useState(vnToday());
  const [affiliations, setAff] = useState<string[]>(member.affiliations ?? []);
  const [position, setPosition] = useState(member.position ?? '');
  const [leaders, setLeaders] = useState<{ fullName: string }[] | null>(null);
  const body = (replaceLeader?: boolean) => ({
    version: member.version,
    ...(role !== member.role ? { role, on } : {}),
    affiliations,
    position: position.trim() || null,
    ...(replaceLeader ? { replaceLeader: true } : {}),
  });
  const send = async (replaceLeader?: boolean) => {
    try {
      await api.call('PATCH /api/teams/:teamId/members/:memberId', { params: { teamId: team.id, memberId: member.memberId }, json: body(replaceLeader) as never });
      done(`Đã lưu vai trò của ${member.fullName}.`);
    } catch (err) {
      const l = leaderConflict(err);
      if (l) return setLeaders(l);
      throw err;
    }
  };
  const f = useForm(() => schemaProblem(updateMembershipBody, body(), { on: 'Từ ngày', position: 'Chức vụ' }), () => send());
  const id = (k: string) => `r${member.memberId}-${k}`;
  return (
    <form onSubmit={f.onSubmit} class="inline-form">
      <Field label="Vai trò trong tổ" id={id('role')}>
        <Choice id={id('role')} labels={ROLES} value={role} onChange={setRole} />
      </Field>
      {role !== member.role ? (
        <Field label="Từ ngày" id={id('on')} hint="Vai trò cũ kết thúc, vai trò mới bắt đầu từ ngày này.">
          <DayInput id={id('on')} day={on} set={setOn} />
        </Field>
      ) : null}
      <Affiliations id={id('aff')} chosen={affiliations} set={setAff} />
      <Field label="Chức vụ (như ghi trong danh sách)" id={id('pos')}>
        <input id={id('pos')} value={position} onInput={value(setPosition)} />
      </Field>
      <Submit busy={f.busy} text="Lưu vai trò" busyText="Đang lưu…" />
      {leaders ? <ReplaceLeader leaders={leaders} replace={() => send(true)} form={f} /> : null}
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** Move to another team of the same commune on a day. */
function MoveForm({ team, member, done }: { team: Team; member: Member; done: (msg: string) => void }) {
  const [teams, setTeams] = useState<{ id: number; name: string }[] | null>(null);
  const [to, setTo] = useState('');
  const [on, setOn] = useState(vnToday());
  if (teams === null && team.commune?.code) {
    api.call('GET /api/teams', { query: { unit: team.commune.code } }).then(
      (r) => setTeams(r.teams.filter((t) => t.id !== team.id && t.status !== 'dissolved')),
      () => setTeams([]),
    );
  }
  const body = () => ({ version: member.version, fromTeamId: team.id, toTeamId: Number(to), on });
  const f = useForm(
    () => (!to ? 'Hãy chọn tổ mới.' : schemaProblem(moveBody, body(), { on: 'Ngày chuyển' })),
    async () => {
      await api.call('POST /api/members/:id/move', { params: { id: member.memberId }, json: body() });
      done(`Đã chuyển ${member.fullName} sang tổ mới.`);
    },
  );
  const id = (k: string) => `v${member.memberId}-${k}`;
  return (
    <form onSubmit={f.onSubmit} class="inline-form">
      <Field label="Chuyển sang tổ" id={id('to')}>
        <select id={id('to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required>
          <option value="">{teams === null ? 'Đang tải…' : teams.length ? 'Chọn tổ' : 'Xã không có tổ khác'}</option>
          {(teams ?? []).map((t) => (
            <option value={String(t.id)}>{t.name}</option>
          ))}
        </select>
      </Field>
      <Field label="Từ ngày" id={id('on')}>
        <DayInput id={id('on')} day={on} set={setOn} />
      </Field>
      <Submit busy={f.busy} text="Chuyển tổ" busyText="Đang chuyển…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** Leave the team on a day, for a reason. */
function LeaveForm({ team, member, done }: { team: Team; member: Member; done: (msg: string) => void }) {
  const [on, setOn] = useState(vnToday());
  const [reason, setReason] = useState<keyof typeof LEAVE_REASONS | ''>('');
  const [note, setNote] = useState('');
  const body = () => ({ version: member.version, on, reason, ...(note.trim() ? { note } : {}) });
  const f = useForm(
    () => schemaProblem(leaveBody, body(), { on: 'Ngày rời tổ' }),
    async () => {
      await api.call('POST /api/teams/:teamId/members/:memberId/leave', { params: { teamId: team.id, memberId: member.memberId }, json: body() as never });
      done(`Đã ghi ${member.fullName} rời tổ.`);
    },
  );
  const id = (k: string) => `l${member.memberId}-${k}`;
  return (
    <form onSubmit={f.onSubmit} class="inline-form">
      <Field label="Rời tổ từ ngày" id={id('on')} hint="Ngày đầu tiên người này không còn trong tổ.">
        <DayInput id={id('on')} day={on} set={setOn} />
      </Field>
      <Field label="Lý do" id={id('reason')}>
        <Choice id={id('reason')} labels={LEAVE_REASONS} value={reason} onChange={setReason} empty="Chọn lý do" />
      </Field>
      <Field label="Ghi chú" id={id('note')}>
        <input id={id('note')} value={note} onInput={value(setNote)} />
      </Field>
      <Submit busy={f.busy} text="Ghi rời tổ" busyText="Đang lưu…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** The person's membership periods (in the reader's scope) and history lines, newest first. */
function PersonHistory({ member }: { member: Member }) {
  const state = useLoad(() => api.call('GET /api/members/:id', { params: { id: member.memberId } }), [member.memberId, member.version]);
  if (state.loading) return <Loading what="Đang tải lịch sử…" />;
  if (state.error) return <Notice kind="error">{state.error.message}</Notice>;
  const d = state.data;
  return (
    <div class="inline-form">
      <Table
        class="stack"
        caption="Các lần tham gia tổ"
        columns={['Tổ', 'Vai trò', 'Từ ngày', 'Đến ngày (không còn)']}
        rows={d.periods.map((p) => ({ key: p.id, cells: [p.teamName, ROLES[p.role], p.startReason === 'imported' ? `có trong danh sách nhập ngày ${vnDate(p.joinedOn)}` : vnDate(p.joinedOn), p.leftOn ? vnDate(p.leftOn) : 'nay'] }))}
      />
      <ul class="history">
        {d.history.map((h) => (
          <li>
            <span class="when">{h.day}</span> <span class="who">{h.who}</span> {h.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

const TABS = { person: 'Thông tin', role: 'Vai trò', move: 'Chuyển tổ', leave: 'Rời tổ', history: 'Lịch sử' } as const;

/** The editor of one member, under the members table: four tabs; `saved(message)` after a change (the page reloads the team). */
export function MemberEditor({ team, member, saved, close }: { team: Team; member: Member; saved: (msg: string) => void; close: () => void }) {
  const [tab, setTab] = useState<keyof typeof TABS>('person');
  const props = { team, member, done: saved };
  return (
    <section class="member-editor" aria-label={`Sửa ${member.fullName}`}>
      <h4>
        {member.fullName}{' '}
        <button type="button" class="link" onClick={close}>
          Đóng
        </button>
      </h4>
      <div class="tabs" role="tablist">
        {(Object.keys(TABS) as (keyof typeof TABS)[]).map((k) => (
          <button type="button" role="tab" aria-selected={tab === k ? 'true' : 'false'} onClick={() => setTab(k)}>
            {TABS[k]}
          </button>
        ))}
      </div>
      {tab === 'person' ? <PersonForm {...props} /> : tab === 'role' ? <RoleForm {...props} /> : tab === 'move' ? <MoveForm {...props} /> : tab === 'leave' ? <LeaveForm {...props} /> : <PersonHistory member={member} />}
    </section>
  );
}
