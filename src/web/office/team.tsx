// A team and its members: #/to/ID (one team: where it is, its facts, its members), #/to-cua-toi
// (the signed-in leader's or member's own team), and the parts the unit page shows per team.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AFFILIATIONS, GENDERS, ROLES, TEAM_LEVELS, TEAM_STATUSES } from '../../registry/registry.vocabulary.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnDate } from '../shared/time.js';
import { api, provinces } from './client.js';
import { type PageProps, page } from './mount.js';
import { MemberEditor } from './member.edit.js';
import { can, OFFICERS, session } from './session.js';
import { AddMemberForm, StatusForm, TeamForm, TeamHistory } from './team.edit.js';
import { IssuedSlips, type IssuedSet, MemberAccountButton, TeamAccountsButton } from './team.accounts.js';
import { Crumbs, Loading, LoadError, Notice, PageTitle, Table, useLoad } from './ui.js';

export type Team = Endpoints['GET /api/teams/:id']['response'];
type Member = Team['members'][number];

/** Label of a code in a vocabulary, or the code itself when the vocabulary does not know it. */
export const label = (labels: Record<string, string>, code: string): string => labels[code] ?? code;

/** Moves focus to the page's heading once it shows, when focus is nowhere in particular (as the router does for pages that draw at once). */
export function useFocusTitle(ready: boolean): void {
  useEffect(() => {
    if (!ready) return;
    const active = document.activeElement;
    if (active === document.body || active?.closest('.nav')) document.querySelector<HTMLElement>('main h2')?.focus({ preventScroll: true });
  }, [ready]);
}

/** "Cấp xã · Đang hoạt động · Thành lập ngày 01/03/2024". */
export function TeamFacts({ team }: { team: Pick<Team, 'level' | 'status' | 'establishedOn'> }) {
  const facts = [label(TEAM_LEVELS, team.level), label(TEAM_STATUSES, team.status)];
  if (team.establishedOn) facts.push(`Thành lập ngày ${vnDate(team.establishedOn)}`);
  return <p class="meta">{facts.join(' · ')}</p>;
}

/** A phone as shown: a full number can be dialled; a masked one ("09•••••678", for read-only inspectors) is only shown. */
function Phone({ phone }: { phone: string | null }) {
  if (!phone) return <>—</>;
  return /^[\d\s+]+$/.test(phone) ? <a href={`tel:${phone.replace(/\s/g, '')}`}>{phone}</a> : <>{phone}</>;
}

/**
 * Members in the order the API gives (leader, deputies, members), as a table that stacks on narrow
 * screens; with `actions`, a last column of what an officer may do on each row.
 */
export function MembersTable({ members, actions }: { members: Member[]; actions?: (m: Member) => ComponentChildren }) {
  if (!members.length) return <p class="muted">Tổ chưa có thành viên.</p>;
  return (
    <Table
      class="members stack"
      columns={[{ text: 'STT', class: 'num' }, { text: 'Họ và tên', class: 'name' }, 'Vai trò', 'Giới tính', { text: 'Năm sinh', class: 'num' }, { text: 'Điện thoại', class: 'nowrap' }, 'Đoàn thể', 'Chức vụ', ...(actions ? ['Thao tác'] : [])]}
      rows={members.map((m, i) => ({
        key: m.memberId,
        class: m.role === 'member' ? undefined : 'lead-row',
        cells: [
          num(i + 1),
          m.fullName,
          label(ROLES, m.role),
          m.gender ? label(GENDERS, m.gender) : '—',
          m.birthYear ? String(m.birthYear) : '—',
          <Phone phone={m.phone} />,
          (m.affiliations ?? []).map((a) => label(AFFILIATIONS, a)).join(', ') || '—',
          m.position ?? '',
          ...(actions ? [actions(m)] : []),
        ],
      }))}
    />
  );
}

/** The team, its province (for the breadcrumbs; none when the list cannot be had). */
async function loadTeam(id: number) {
  const [team, provs] = await Promise.all([api.call('GET /api/teams/:id', { params: { id } }), provinces().catch(() => [])]);
  const provinceCode = team.commune?.provinceCode ?? team.unit?.provinceCode;
  return { team, province: provs.find((p) => p.code === provinceCode) ?? null };
}

/** One team: breadcrumbs province › commune › village, where it is, its facts and members. Errors (not found, out of scope) as the page. */
function TeamView({ id }: { id: number }) {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<number | null>(null);
  const [panel, setPanel] = useState<'add' | 'team' | 'status' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [slips, setSlips] = useState<IssuedSet | null>(null);
  const state = useLoad(() => loadTeam(id), [id, version]);
  useEffect(() => void (state.data && (document.title = `Ngõ Số — ${state.data.team.name}`)), [state.data]);
  useFocusTitle(!state.loading);
  if (state.loading) return <Loading />;
  if (state.error) return <LoadError error={state.error} />;
  const { team, province } = state.data;
  const officer = can(OFFICERS);
  // after a change: say what was done, close the form, read the team again (new versions)
  const saved = (msg: string) => {
    setMessage(msg);
    setEditing(null);
    setPanel(null);
    setVersion(version + 1);
  };
  const toggle = (p: typeof panel) => () => (setMessage(null), setPanel(panel === p ? null : p));
  const selected = team.members.find((m) => m.memberId === editing);
  // codes just issued: shown once as slips; the team is read again for the "Đã có tài khoản" marks
  const issued = (set: IssuedSet) => (setSlips(set), setVersion(version + 1));
  const commune = team.commune?.code ? team.commune : null;
  const village = team.unit?.code && team.unit.code !== commune?.code ? team.unit : null;
  const link = (u: { code: string | null; name: string }) => <a href={`#/don-vi/${u.code}`}>{u.name}</a>;
  const trail = [{ href: '#/', text: 'Tỉnh, thành phố' }, ...[province, commune, village].filter((u) => u?.code).map((u) => ({ href: `#/don-vi/${u!.code}`, text: u!.name })), { text: team.name }];
  return (
    <>
      <Crumbs trail={trail} />
      <PageTitle>{team.name}</PageTitle>
      <p class="team-where">
        {village ? (
          <>
            {'Tổ của '}
            {link(village)}
            {commune ? <>{', '}{link(commune)}</> : null}
          </>
        ) : commune ? (
          <>
            {'Tổ của '}
            {link(commune)}
          </>
        ) : null}
        {province ? `, ${province.name}` : null}
        {village || commune ? '.' : null}
      </p>
      <TeamFacts team={team} />
      {team.statusReason && team.status !== 'active' ? <p class="meta">{`Lý do: ${team.statusReason}${team.statusSince ? ` (từ ${vnDate(team.statusSince)})` : ''}`}</p> : null}
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {officer ? (
        <div class="toolbar">
          {team.status !== 'dissolved' ? (
            <button type="button" aria-expanded={panel === 'add' ? 'true' : 'false'} onClick={toggle('add')}>
              Thêm thành viên
            </button>
          ) : null}
          <button type="button" aria-expanded={panel === 'team' ? 'true' : 'false'} onClick={toggle('team')}>
            Sửa thông tin tổ
          </button>
          <button type="button" aria-expanded={panel === 'status' ? 'true' : 'false'} onClick={toggle('status')}>
            Đổi trạng thái
          </button>
          {team.status !== 'dissolved' ? <TeamAccountsButton team={team} issued={issued} /> : null}
        </div>
      ) : null}
      {slips ? <IssuedSlips set={slips} close={() => setSlips(null)} /> : null}
      {panel === 'add' ? <AddMemberForm team={team} saved={saved} /> : panel === 'team' ? <TeamForm team={team} saved={saved} /> : panel === 'status' ? <StatusForm team={team} saved={saved} /> : null}
      <h3>{`Thành viên (${num(team.members.length)})`}</h3>
      <MembersTable
        members={team.members}
        actions={
          officer
            ? (m) => (
                <div class="row-actions">
                  <button type="button" class="small" aria-expanded={editing === m.memberId ? 'true' : 'false'} onClick={() => (setMessage(null), setEditing(editing === m.memberId ? null : m.memberId))}>
                    {`Sửa${editing === m.memberId ? ' (đang mở)' : ''}`}
                  </button>{' '}
                  <MemberAccountButton member={m} team={team} issued={issued} />
                </div>
              )
            : undefined
        }
      />
      {selected ? <MemberEditor key={`${selected.memberId}-${selected.version}`} team={team} member={selected} saved={saved} close={() => setEditing(null)} /> : null}
      <TeamHistory team={team} version={version} />
    </>
  );
}

/** #/to/ID — one team. */
export const teamPage = page(({ match }: PageProps) => <TeamView id={Number(match[0])} />);

/** #/to-cua-toi — the team of a signed-in leader or member; a note when the account has none. */
export const myTeamPage = page(function MyTeam() {
  const scope = session.scope;
  const id = scope?.kind === 'team' ? scope.teamId : null;
  useEffect(() => void (id || (document.title = 'Ngõ Số — Tổ của tôi')), [id]);
  if (!id) {
    return (
      <>
        <PageTitle>Tổ của tôi</PageTitle>
        <Notice kind="info">Tài khoản của bạn chưa gắn với tổ nào; hãy nhờ cán bộ xã kiểm tra.</Notice>
      </>
    );
  }
  return <TeamView id={id} />;
});

/**
 * A team of a unit's list as a card that opens to show the team's members (loaded on first
 * opening; a failed load is retried on the next). `place` says where the team is when that adds
 * to its name ("Bản Hụm, Phường Chiềng An"); empty when it does not.
 */
export function TeamCard({ team, place }: { team: Endpoints['GET /api/teams']['response']['teams'][number]; place: string }) {
  const [open, setOpen] = useState(false);
  const [full, setFull] = useState<{ team?: Team; error?: string; loading?: boolean }>({});
  const toggle = async () => {
    setOpen(!open);
    if (open || full.team || full.loading) return;
    setFull({ loading: true });
    try {
      setFull({ team: await api.call('GET /api/teams/:id', { params: { id: team.id } }) });
    } catch (err) {
      setFull({ error: (err as Error).message });
    }
  };
  const panel = `team-${team.id}`;
  const meta = [label(TEAM_LEVELS, team.level), place, `${num(team.members)} thành viên`, team.status === 'active' ? '' : label(TEAM_STATUSES, team.status).toLowerCase()].filter(Boolean).join(' · ');
  return (
    <li class="team-card">
      <button type="button" class="team-toggle" aria-expanded={open ? 'true' : 'false'} aria-controls={panel} onClick={toggle}>
        <span class="team-name">{team.name}</span>
        <span class="team-meta">{meta}</span>
      </button>
      <div class="team-panel" id={panel} hidden={!open}>
        {full.loading ? <Loading what="Đang tải danh sách thành viên…" /> : null}
        {full.error ? <Notice kind="error">{full.error}</Notice> : null}
        {full.team ? (
          <>
            <TeamFacts team={full.team} />
            <MembersTable members={full.team.members} />
            <p>
              <a href={`#/to/${team.id}`}>Mở trang riêng của tổ</a>
            </p>
          </>
        ) : null}
      </div>
    </li>
  );
}
