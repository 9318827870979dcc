import { sql } from 'drizzle-orm';
import { ROLE_LABELS, type Role, type Scope } from '../access/access.policy.js';
import type { PersonPresenter } from '../access/presenter.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import * as edits from './registry.edit.repo.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { GENDERS, LEAVE_REASONS, ROLES, TEAM_STATUSES } from './registry.vocabulary.js';

/**
 * A person's and a team's history as the office pages show it: the membership periods, and the
 * audit log's entries told in one short Vietnamese line each ("01/12/2026 · Trần Văn B (Cán bộ xã)
 * đổi số điện thoại 09•••••678 → 09•••••999"), phones as the reader's role may see them.
 */

export interface HistoryLine {
  /** the instant (ISO, UTC) */
  at: string;
  /** dd/mm/yyyy in Vietnam */
  day: string;
  who: string;
  text: string;
}

interface EntryRow {
  at: string;
  action: string;
  entityId: string;
  before: Record<string, any> | null;
  after: Record<string, any> | null;
  userName: string | null;
  userRole: Role | null;
}

const label = <T extends Record<string, string>>(labels: T, code: unknown) => (typeof code === 'string' && code in labels ? labels[code as keyof T] : String(code ?? '—'));
const day = (iso: unknown) => (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? formatDateVi(iso) : '—');

/** One line for one audit entry. */
function describe(e: EntryRow, p: PersonPresenter, visible: Set<number>): string {
  const b = e.before ?? {};
  const a = e.after ?? {};
  // a team outside the reader's scope is not named (a move to another commune's team, for a team leader)
  const team = (id: unknown, name: unknown) => (visible.has(Number(id)) ? `tổ "${name}"` : 'một tổ khác');
  switch (e.action) {
    case 'member.added':
      return `thêm vào ${team(a.teamId, a.teamName)} với vai trò ${label(ROLES, a.role).toLowerCase()} từ ngày ${day(a.joinedOn)}`;
    case 'member.updated': {
      const parts: string[] = [];
      if ('fullName' in a) parts.push(`đổi họ tên "${b.fullName}" → "${a.fullName}"`);
      if ('phone' in a) parts.push(`đổi số điện thoại ${p.memberPhone(b.phone) ?? '(trống)'} → ${p.memberPhone(a.phone) ?? '(trống)'}`);
      if ('gender' in a) parts.push(`đổi giới tính ${label(GENDERS, b.gender ?? 'không rõ')} → ${label(GENDERS, a.gender ?? 'không rõ')}`);
      if ('birthYear' in a) parts.push(`đổi năm sinh ${b.birthYear ?? '—'} → ${a.birthYear ?? '—'}`);
      return parts.join('; ') || 'sửa thông tin';
    }
    case 'membership.role':
      return `đổi vai trò trong tổ: ${label(ROLES, b.role).toLowerCase()} → ${label(ROLES, a.role).toLowerCase()} từ ngày ${day(a.on)}`;
    case 'membership.updated':
      return 'sửa đoàn thể, chức vụ trong tổ';
    case 'membership.ended':
      return `ghi rời ${team(b.teamId, b.teamName)} từ ngày ${day(a.leftOn)} (${label(LEAVE_REASONS, a.reason).toLowerCase()}${a.note ? `: ${a.note}` : ''})`;
    case 'member.moved':
      return `chuyển từ ${team(b.teamId, b.teamName)} sang ${team(a.teamId, a.teamName)} từ ngày ${day(a.on)}`;
    case 'member.merged':
      return `gộp bản ghi trùng mã ${b.duplicate?.id} (${b.duplicate?.fullName}) vào mã ${a.into}: ${a.periodsMoved} lần tham gia tổ, ${a.sessionsMoved} buổi hỗ trợ chuyển sang${a.periodsDropped ? `, bỏ ${a.periodsDropped} lần tham gia trùng` : ''}`;
    case 'member.distinct':
      return `xác nhận mã ${e.entityId} và mã ${a.distinctFrom} là hai người khác nhau`;
    case 'team.created':
      return `lập tổ "${a.name}"${a.establishedOn ? `, thành lập ngày ${day(a.establishedOn)}` : ''}`;
    case 'team.renamed':
      return `đổi tên tổ "${b.name}" → "${a.name}"`;
    case 'team.moved':
      return `chuyển tổ sang ${a.village}`;
    case 'team.updated':
      return `sửa ngày thành lập: ${day(b.establishedOn)} → ${day(a.establishedOn)}`;
    case 'team.status':
      return `đổi trạng thái: ${label(TEAM_STATUSES, b.status).toLowerCase()} → ${label(TEAM_STATUSES, a.status).toLowerCase()} từ ngày ${day(a.since)}${a.reason ? ` (${a.reason})` : ''}${a.membershipsEnded ? `; ${a.membershipsEnded} thành viên rời tổ` : ''}`;
    default:
      return e.action;
  }
}

/** The teams named in the entries that lie in `scope`. */
async function visibleTeams(db: Db, rows: EntryRow[], scope: Scope): Promise<Set<number>> {
  const ids = [...new Set(rows.flatMap((e) => [e.before?.teamId, e.after?.teamId]).filter((x): x is number => typeof x === 'number'))];
  if (ids.length === 0) return new Set();
  const seen = await queryRows<{ id: number }>(db, sql`select t.id from teams t where t.id = any(${sql.param(ids)}::int[]) and ${teamInScopeSql(scope)}`);
  return new Set(seen.map((r) => r.id));
}

const toLines = (rows: EntryRow[], p: PersonPresenter, visible: Set<number>): HistoryLine[] =>
  rows.map((e) => ({
    at: new Date(e.at).toISOString(),
    day: formatDateVi(todayInVietnam(new Date(e.at))),
    who: e.userName ? `${e.userName}${e.userRole ? ` (${ROLE_LABELS[e.userRole]})` : ''}` : 'Máy chủ (dòng lệnh)',
    text: describe(e, p, visible),
  }));

/** Audit entries placed in the scope (a person who moved in from another commune shows only this commune's part of the story). */
const entryInScope = (scope: Scope) =>
  scope.kind === 'all' ? sql`true` : scope.kind === 'province' ? sql`a.province_code = ${scope.provinceCode}` : sql`a.commune_id = ${scope.communeId}`;

const entryColumns = sql`a.at, a.action, a.entity_id as "entityId", a.before, a.after, u.full_name as "userName", u.role as "userRole"`;

/**
 * A person as the editing pages need them: own fields (phone through `presenter`), `version`,
 * every membership period on teams in `scope` (current first), and the history (newest first, at
 * most 100 lines). Errors: NOT_FOUND (also outside the scope: audited refusal).
 */
export async function memberDetail(db: Db, id: number, scope: Scope, presenter: PersonPresenter) {
  const person = await edits.personById(db, id, scope);
  if (!person) throw new AppError('NOT_FOUND', `Không có thành viên mã ${id}.`).refusing({ entity: 'member', id });
  const [periods, entries] = await Promise.all([
    edits.periodsOf(db, id, scope),
    queryRows<EntryRow>(
      db,
      sql`select ${entryColumns} from audit_log a left join users u on u.id = a.user_id
           where a.entity = 'member' and (a.entity_id = ${String(id)} or (a.action in ('member.merged', 'member.distinct') and (a.after->>'into' = ${String(id)} or a.after->>'distinctFrom' = ${String(id)})))
             and ${entryInScope(scope)}
           order by a.at desc, a.id desc limit 100`,
    ),
  ]);
  return {
    id: person.id,
    fullName: person.fullName,
    gender: person.gender,
    birthYear: person.birthYear,
    phone: presenter.memberPhone(person.phone),
    version: person.version,
    mergedIntoId: person.mergedIntoId,
    /** false: the person is also on another unit's team; only an officer above both may change their own fields */
    editable: person.wholly,
    periods: periods.map(({ communeId: _c, provinceCode: _p, ...p }) => p),
    history: toLines(entries, presenter, await visibleTeams(db, entries, scope)),
  };
}

/** The team's own history and its members' joins, leaves, moves, role changes and edits (newest first, at most 100 lines). */
export async function teamHistory(db: Db, teamId: number, scope: Scope, presenter: PersonPresenter): Promise<HistoryLine[]> {
  const id = String(teamId);
  const rows = await queryRows<EntryRow & { entity: string; memberName: string | null }>(
    db,
    sql`select ${entryColumns}, a.entity, m.full_name as "memberName" from audit_log a left join users u on u.id = a.user_id
          left join members m on a.entity = 'member' and m.id::text = a.entity_id
         where (a.entity = 'team' and a.entity_id = ${id})
            or (a.entity = 'member' and a.action in ('member.added', 'membership.role', 'membership.ended', 'member.moved', 'membership.updated')
                and (a.after->>'teamId' = ${id} or a.before->>'teamId' = ${id}))
            or (a.entity = 'member' and a.action = 'member.updated' and a.entity_id in (select tm.member_id::text from team_members tm where tm.team_id = ${teamId}))
         order by a.at desc, a.id desc limit 100`,
  );
  // a move between two communes is logged in both; the team's history tells it once
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const key = `${r.at}|${r.action}|${r.entityId}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return toLines(unique, presenter, await visibleTeams(db, unique, scope)).map((l, i) => (unique[i].entity === 'member' && unique[i].memberName ? { ...l, text: `${unique[i].memberName}: ${l.text}` } : l));
}
