import { sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { teamInScopeSql } from '../access/scope.sql.js';
import { type Db, queryRows } from '../db/client.js';
import { csvFile } from '../reports/network.export.js';
import { compareVietnamese, compareVietnameseNames } from '../text/vietnamese.js';
import { reportUnit } from './trainings.report.js';

/**
 * "Which members of which communes have never been trained" (issue 14, Why): the current members
 * of a province's or commune's active teams with no check-in in any session up to `asOf` and no
 * national course completed by then, by commune, team and given name. No phones: this list goes
 * to meetings and spreadsheets. A person on two teams is listed under each (the teams' leaders
 * each follow up), counted once in the report's figures.
 */
export interface UntrainedMember { memberId: number; fullName: string; role: 'leader' | 'deputy' | 'member'; teamId: number; teamName: string; communeCode: string; communeName: string; villageName: string | null }

const ROLE = { leader: 'Tổ trưởng', deputy: 'Tổ phó', member: 'Thành viên' } as const;

/** GET /api/reports/trainings/untrained?unit=CODE&asOf=YYYY-MM-DD → {unit, asOf, members}. Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE. */
export async function untrainedMembers(db: Db, unitCode: string, asOf: string, scope: Scope): Promise<{ unit: { code: string; name: string }; asOf: string; members: UntrainedMember[] }> {
  const unit = await reportUnit(db, unitCode, scope, 'danh sách chưa tập huấn');
  const area = unit.level === 'province' ? sql`t.province_code = ${unit.code}` : sql`t.commune_id = ${unit.id}`;
  const members = await queryRows<UntrainedMember>(db, sql`
    with trained as (
      select a.member_id from training_attendance a join training_sessions s on s.id = a.training_id where a.member_id is not null and s.day <= ${asOf}
      union select c.member_id from course_completions c where c.member_id is not null and c.completed_on <= ${asOf}
    )
    select m.id as "memberId", m.full_name as "fullName", tm.role, t.id as "teamId", t.name as "teamName", c.code as "communeCode", c.name as "communeName",
      case when t.level = 'village' then v.name end as "villageName"
    from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id and m.merged_into_id is null
    join admin_units c on c.id = t.commune_id join admin_units v on v.id = t.unit_id
    left join trained tr on tr.member_id = m.id
    where tm.left_on is null and t.status = 'active' and ${area} and ${teamInScopeSql(scope, 't')} and tr.member_id is null`);
  members.sort((a, b) => compareVietnamese(a.communeName, b.communeName) || compareVietnamese(a.teamName, b.teamName) || compareVietnameseNames(a.fullName, b.fullName) || a.memberId - b.memberId);
  return { unit: { code: unit.code!, name: unit.name }, asOf, members };
}

/** The list as CSV (UTF-8 with BOM). */
export function untrainedCsv(list: Awaited<ReturnType<typeof untrainedMembers>>): Buffer {
  return csvFile([
    ['STT', 'Họ và tên', 'Vai trò', 'Tổ', 'Thôn/bản', 'Xã/phường', 'Mã xã'],
    ...list.members.map((m, i) => [i + 1, m.fullName, ROLE[m.role], m.teamName, m.villageName ?? '', m.communeName, m.communeCode]),
  ]);
}
