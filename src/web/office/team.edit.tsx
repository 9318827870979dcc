// Changing a team from its page (officers): add a member (new person, from a day, with the import's
// checks), rename or date the team or move it to another village of its commune, and its status
// (active, suspended, dissolved) from a day; then the team's history and former members.
import { useState } from 'preact/hooks';
import { addMemberBody, teamStatusBody, updateTeamBody } from '../../registry/registry.contract.js';
import { GENDERS, LEAVE_REASONS, ROLES, TEAM_STATUSES } from '../../registry/registry.vocabulary.js';
import { vnDate, vnToday } from '../shared/time.js';
import { api } from './client.js';
import { FormOut, schemaProblem, Submit, useForm, value } from './forms.js';
import { Affiliations, Choice, DayInput, leaderConflict, ReplaceLeader } from './member.edit.js';
import type { Team } from './team.js';
import { Field, Loading, Notice, Table, useLoad } from './ui.js';

type Role = keyof typeof ROLES;

/** "Thêm thành viên": a new person joins the team from a day. */
export function AddMemberForm({ team, saved }: { team: Team; saved: (msg: string) => void }) {
  const [fullName, setName] = useState('');
  const [gender, setGender] = useState('');
  const [birthYear, setYear] = useState('');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [affiliations, setAff] = useState<string[]>([]);
  const [position, setPosition] = useState('');
  const [joinedOn, setJoined] = useState(vnToday());
  const [leaders, setLeaders] = useState<{ fullName: string }[] | null>(null);
  const body = (replaceLeader?: boolean) => ({
    person: { fullName, gender: gender ? (gender as 'male' | 'female') : null, birthYear: birthYear.trim() ? Number(birthYear) : null, phone: phone.trim() || null },
    role,
    affiliations,
    position: position.trim() || null,
    joinedOn,
    ...(replaceLeader ? { replaceLeader: true } : {}),
  });
  const send = async (replaceLeader?: boolean) => {
    try {
      await api.call('POST /api/teams/:id/members', { params: { id: team.id }, json: body(replaceLeader) as never });
      saved(`Đã thêm ${fullName.trim()} vào tổ.`);
    } catch (err) {
      const l = leaderConflict(err);
      if (l) return setLeaders(l);
      throw err;
    }
  };
  const f = useForm(() => schemaProblem(addMemberBody, body(), { joinedOn: 'Ngày vào tổ', position: 'Chức vụ' }), () => send());
  return (
    <form onSubmit={f.onSubmit} class="inline-form" aria-label="Thêm thành viên">
      <Field label="Họ và tên" id="add-name">
        <input id="add-name" value={fullName} maxLength={100} required onInput={value(setName)} />
      </Field>
      <Field label="Giới tính" id="add-gender">
        <Choice id="add-gender" labels={GENDERS} value={gender as 'male'} onChange={setGender} empty="Không rõ" />
      </Field>
      <Field label="Năm sinh" id="add-year">
        <input id="add-year" inputMode="numeric" value={birthYear} maxLength={4} onInput={value(setYear)} />
      </Field>
      <Field label="Số điện thoại" id="add-phone">
        <input id="add-phone" type="tel" value={phone} maxLength={20} onInput={value(setPhone)} />
      </Field>
      <Field label="Vai trò trong tổ" id="add-role">
        <Choice id="add-role" labels={ROLES} value={role} onChange={setRole} />
      </Field>
      <Affiliations id="add-aff" chosen={affiliations} set={setAff} />
      <Field label="Chức vụ (như ghi trong danh sách)" id="add-pos">
        <input id="add-pos" value={position} maxLength={100} onInput={value(setPosition)} />
      </Field>
      <Field label="Vào tổ từ ngày" id="add-on">
        <DayInput id="add-on" day={joinedOn} set={setJoined} />
      </Field>
      <Submit busy={f.busy} text="Thêm thành viên" busyText="Đang thêm…" />
      {leaders ? <ReplaceLeader leaders={leaders} replace={() => send(true)} form={f} /> : null}
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** "Sửa tổ": name, founding day, and (village-level teams) the village of the commune it serves. */
export function TeamForm({ team, saved }: { team: Team; saved: (msg: string) => void }) {
  const [name, setName] = useState(team.name);
  const [establishedOn, setEst] = useState(team.establishedOn ?? '');
  const [village, setVillage] = useState(team.unit?.code ?? '');
  const villages = useLoad(async () => {
    if (team.level !== 'village' || !team.commune?.code) return [];
    const r = await api.call('GET /api/units', { query: { parent: team.commune.code } });
    return 'units' in r ? (r.units as { code: string | null; name: string }[]).filter((u) => u.code) : [];
  }, [team.id]);
  const body = () => ({
    version: team.version,
    ...(name !== team.name ? { name } : {}),
    ...((establishedOn || null) !== team.establishedOn ? { establishedOn: establishedOn || null } : {}),
    ...(team.level === 'village' && village && village !== team.unit?.code ? { village } : {}),
  });
  const f = useForm(
    () => (Object.keys(body()).length === 1 ? 'Chưa có gì thay đổi.' : schemaProblem(updateTeamBody, body(), { name: 'Tên tổ', establishedOn: 'Ngày thành lập' })),
    async () => {
      await api.call('PATCH /api/teams/:id', { params: { id: team.id }, json: body() });
      saved('Đã lưu thông tin của tổ.');
    },
  );
  return (
    <form onSubmit={f.onSubmit} class="inline-form" aria-label="Sửa thông tin tổ">
      <Field label="Tên tổ" id="team-name">
        <input id="team-name" value={name} maxLength={100} required onInput={value(setName)} />
      </Field>
      <Field label="Ngày thành lập" id="team-est">
        <input id="team-est" type="date" value={establishedOn} max={vnToday()} onInput={value(setEst)} />
      </Field>
      {team.level === 'village' ? (
        <Field label="Thôn, bản, tổ dân phố" id="team-village" hint="Chỉ chuyển trong cùng xã, phường.">
          <select id="team-village" value={village} onChange={(e) => setVillage(e.currentTarget.value)} aria-describedby="team-village-hint">
            {(villages.data ?? [{ code: team.unit?.code ?? '', name: team.unit?.name ?? '' }]).map((v) => (
              <option value={v.code!}>{v.name}</option>
            ))}
          </select>
        </Field>
      ) : null}
      <Submit busy={f.busy} text="Lưu" busyText="Đang lưu…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

/** "Trạng thái": active, suspended or dissolved from a day, with the reason. */
export function StatusForm({ team, saved }: { team: Team; saved: (msg: string) => void }) {
  const [status, setStatus] = useState<keyof typeof TEAM_STATUSES>(team.status === 'active' ? 'suspended' : 'active');
  const [since, setSince] = useState(vnToday());
  const [reason, setReason] = useState('');
  const body = () => ({ version: team.version, status, since, ...(reason.trim() ? { reason } : {}) });
  const f = useForm(
    () => (status !== 'active' && !reason.trim() ? `Hãy ghi lý do ${status === 'dissolved' ? 'giải thể' : 'tạm ngừng'} tổ.` : schemaProblem(teamStatusBody, body(), { since: 'Từ ngày' })),
    async () => {
      if (status === 'dissolved' && !window.confirm(`Giải thể "${team.name}"? Tất cả ${team.members.length} thành viên sẽ rời tổ từ ngày ${vnDate(since)}; lịch sử và các buổi hỗ trợ của tổ vẫn được giữ.`)) return;
      await api.call('POST /api/teams/:id/status', { params: { id: team.id }, json: body() });
      saved(`Tổ đã chuyển sang "${TEAM_STATUSES[status]}" từ ngày ${vnDate(since)}.`);
    },
  );
  return (
    <form onSubmit={f.onSubmit} class="inline-form" aria-label="Trạng thái của tổ">
      <Field label="Trạng thái mới" id="team-status">
        <Choice id="team-status" labels={TEAM_STATUSES} value={status} onChange={setStatus} />
      </Field>
      <Field label="Từ ngày" id="team-since">
        <DayInput id="team-since" day={since} set={setSince} />
      </Field>
      <Field label="Lý do" id="team-reason">
        <input id="team-reason" value={reason} maxLength={500} onInput={value(setReason)} />
      </Field>
      <Submit busy={f.busy} text="Đổi trạng thái" busyText="Đang lưu…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}

const END_REASONS: Record<string, string> = { ...LEAVE_REASONS, transferred: 'Chuyển sang tổ khác', dissolved: 'Tổ giải thể', merged: 'Gộp bản ghi trùng' };

/** The team's history (newest first) and the people who have left it. `version` reloads it after a change. */
export function TeamHistory({ team, version }: { team: Team; version: number }) {
  const state = useLoad(() => api.call('GET /api/teams/:id/history', { params: { id: team.id } }), [team.id, version]);
  if (state.loading) return <Loading what="Đang tải lịch sử…" />;
  if (state.error) return <Notice kind="error">{state.error.message}</Notice>;
  const { history, former } = state.data;
  return (
    <>
      <h3>{`Đã rời tổ (${former.length})`}</h3>
      {former.length ? (
        <Table
          class="stack"
          columns={['Họ và tên', 'Vai trò cuối', 'Vào tổ', 'Rời tổ', 'Lý do']}
          rows={former.map((p) => ({ key: p.memberId, cells: [p.fullName, ROLES[p.role], vnDate(p.joinedOn), vnDate(p.leftOn), [END_REASONS[p.endReason] ?? p.endReason, p.endNote].filter(Boolean).join(': ')] }))}
        />
      ) : (
        <p class="muted">Chưa có ai rời tổ.</p>
      )}
      <h3>Lịch sử thay đổi</h3>
      {history.length ? (
        <ul class="history">
          {history.map((h) => (
            <li>
              <span class="when">{h.day}</span> <span class="who">{h.who}</span> {h.text}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Chưa có thay đổi nào được ghi.</p>
      )}
    </>
  );
}
