import { type SQL, sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { type UnitRow, unitsByCode } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { formatDateVi, todayInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';
import { unitTitle } from './trainings.repo.js';

/**
 * The training report (issue 14, item 6) of a province or a commune for a period of Vietnam days
 * (a session counts in the period of the day it starts):
 *
 * - sessions: those organised in the unit, or with a bridge point or an invited member there;
 * - points: the distinct bridge points in the unit those sessions used;
 * - invited / attended: distinct people (a member invited to three sessions is one), by the commune
 *   of the team they were invited or checked in through; walk-ins are counted apart;
 * - attendance rate: the invitations (session × member) honoured, over the invitations;
 * - never trained: current members of the unit's active teams who have no check-in in any session
 *   up to the period's end and no national course completed by then, per team;
 * - course completions: the national online courses' completions in the period (imported lists), and
 *   the registry's members among them.
 *
 * Each child commune (of a province) or team (of a commune) gets the same figures; the unit's
 * figures are counted on their own (a person trained in two communes is one in the province).
 */
export interface TrainingFigures {
  sessions: number;
  points: number;
  invited: number;
  attended: number;
  invitations: number;
  invitationsAttended: number;
  /** invitationsAttended / invitations, 0–1; null without invitations */
  attendanceRate: number | null;
  walkIns: number;
  members: number;
  neverTrained: number;
  /** completions of the national online courses in the period (imported lists, courses.import.ts), residents' included */
  courseCompletions: number;
  /** of which by members of the registry (distinct people) */
  courseMembers: number;
}

export interface TrainingReport {
  unit: { code: string; name: string; level: 'province' | 'commune' };
  from: string;
  to: string;
  /** the last day counted: `to`, or today when the period reaches past it (null: the period has not begun) */
  heldUntil: string | null;
  totals: TrainingFigures;
  children: ({ code: string; name: string; kind: 'commune' | 'team'; id: number } & TrainingFigures)[];
  /** the seed's sentence, for the unit and period */
  sentence: string;
}

/** a row of a GROUP BY ROLLUP: g 1 on the total row */
type G = { child: number | null; g: number };
const rate = (done: number, of: number) => (of === 0 ? null : Math.round((done / of) * 10_000) / 10_000);

/**
 * The current province or commune a training report or list is asked of, if the scope holds it.
 * Errors: UNIT_NOT_FOUND, OUT_OF_SCOPE (audited, naming `what`).
 */
export async function reportUnit(db: Db, unitCode: string, scope: Scope, what: string): Promise<UnitRow> {
  const unit = (await unitsByCode(db, unitCode)).find((u) => !u.validTo && (u.level === 'province' || u.level === 'commune'));
  if (!unit) throw new AppError('UNIT_NOT_FOUND', `Không có tỉnh hoặc xã hiện hành mã ${unitCode}.`);
  requireScope(unitInScope(scope, unit), `${what} của "${unit.name}"`, unitTarget(unit));
  return unit;
}

/**
 * GET /api/reports/trainings?unit=CODE&from&to: the report above. Errors: UNIT_NOT_FOUND,
 * UNIT_LEVEL_UNSUPPORTED (a village, a dissolved unit), OUT_OF_SCOPE, VALIDATION_FAILED (from after to).
 */
export async function trainingReport(db: Db, unitCode: string, from: string, to: string, scope: Scope): Promise<TrainingReport> {
  if (from > to) throw new AppError('VALIDATION_FAILED', `Từ ngày ${formatDateVi(from)} sau đến ngày ${formatDateVi(to)}.`, { path: 'from' });
  const unit = await reportUnit(db, unitCode, scope, 'báo cáo tập huấn');
  // what was held: a period reaching past today counts up to today (a session planned for next week is not "đã tổ chức",
  // and its invitations are not in the attendance rate); the answer says so (`heldUntil`)
  const today = todayInVietnam();
  const requestedTo = to;
  if (to > today) to = today < from ? from : today;
  const future = from > today;
  const level = unit.level as 'province' | 'commune';
  const provinceCode = unit.provinceCode ?? unit.code!;
  // the area as a condition on a row's (province_code, commune_id), and the child key of a row
  const area = (a: string): SQL => (level === 'province' ? sql`${sql.raw(a)}.province_code = ${provinceCode}` : sql`${sql.raw(a)}.commune_id = ${unit.id}`);
  const days = future ? sql`false` : sql`s.day between ${from} and ${to}`;
  // the child of a row: a province's commune, a commune's team
  const childOf = (a: string) => (level === 'province' ? sql.raw(`${a}.commune_id`) : sql.raw(`${a}.team_id`));

  // each source also names the sessions (ids) that reach each child; a session counts once per child however it reaches it
  const period = future ? sql`'empty'::daterange` : sql`daterange(${from}::date, ${to}::date, '[]')`;
  // invitations, check-ins and walk-ins per (training, commune, team) and each member's days, as the
  // triggers keep them (migration 0019: training_reach, training_member_reach); a session counts once per child however it reaches it
  const [organised, cells, people, points, never, courses] = await Promise.all([
    queryRows<G & { trainings: number[] }>(db, sql`
      select child, grouping(child) as g, array_agg(distinct id) as trainings from (
        select s.id, ${level === 'province' ? sql`s.commune_id` : sql`null::int`} as child from training_sessions s where ${days} and ${area('s')}
      ) x group by rollup(child)`),
    queryRows<G & { invitations: number; honoured: number; walkIns: number; trainings: number[] }>(db, sql`
      select ${childOf('c')} as child, grouping(${childOf('c')}) as g, sum(c.invitations)::int as invitations, sum(c.honoured)::int as honoured,
        sum(c.walk_ins)::int as "walkIns", array_agg(distinct c.training_id) as trainings
      from training_reach c join training_sessions s on s.id = c.training_id where ${days} and ${area('c')} group by rollup(${childOf('c')})`),
    // distinct people: a member invited to (checked in at) any session of the period, through the child
    queryRows<G & { invited: number; attended: number }>(db, sql`
      select ${childOf('r')} as child, grouping(${childOf('r')}) as g, count(distinct r.member_id) filter (where r.invited && ${period})::int as invited,
        count(distinct r.member_id) filter (where r.attended && ${period})::int as attended
      from training_member_reach r where ${area('r')} and (r.invited && ${period} or r.attended && ${period}) group by rollup(${childOf('r')})`),
    queryRows<G & { points: number; trainings: number[] }>(db, sql`
      select child, grouping(child) as g, count(distinct id)::int as points, array_agg(distinct training_id) as trainings from (
        select ${level === 'province' ? sql`bp.commune_id` : sql`null::int`} as child, bp.id, sp.training_id
        from training_sessions s join training_session_points sp on sp.training_id = s.id join bridge_points bp on bp.id = sp.point_id where ${days} and ${area('bp')}
      ) x group by rollup(child)`),
    // trained: anyone with a check-in in a session up to the period's end, anywhere (a hash anti-join, not a subquery per member)
    queryRows<G & { members: number; never: number }>(db, sql`
      with m as (
        select distinct ${level === 'province' ? sql`t.commune_id` : sql`t.id`} as child, tm.member_id
        from team_members tm join teams t on t.id = tm.team_id join members mm on mm.id = tm.member_id and mm.merged_into_id is null
        where tm.left_on is null and t.status = 'active' and ${area('t')}
      ), trained as (
        select r.member_id from training_member_reach r where r.attended && daterange(null, ${to}::date, '[]')
        union select c.member_id from course_completions c where c.member_id is not null and c.completed_on <= ${to}
      )
      select child, grouping(child) as g, count(distinct m.member_id)::int as members, count(distinct m.member_id) filter (where tr.member_id is null)::int as never
      from m left join trained tr on tr.member_id = m.member_id group by rollup(child)`),
    // national courses: a completion counts in the commune its list named (none: the province's total only)
    queryRows<G & { completions: number; people: number }>(db, sql`
      select child, grouping(child) as g, count(*)::int as completions, count(distinct member_id)::int as people from (
        select ${level === 'province' ? sql`c.commune_id` : sql`null::int`} as child, c.member_id from course_completions c where c.completed_on between ${from} and ${to} and ${area('c')}
      ) x group by rollup(child)`),
  ]);

  const figures = (child: number | null, total: boolean): TrainingFigures => {
    const pick = <T extends G>(rows: T[]) => rows.find((r) => (total ? Number(r.g) === 1 : Number(r.g) === 0 && r.child === child));
    const cell = pick(cells);
    const who = pick(people);
    return {
      sessions: new Set([organised, cells, points].flatMap((rows) => pick<G & { trainings: number[] | null }>(rows)?.trainings ?? [])).size,
      points: pick(points)?.points ?? 0,
      invited: who?.invited ?? 0,
      attended: who?.attended ?? 0,
      invitations: cell?.invitations ?? 0,
      invitationsAttended: cell?.honoured ?? 0,
      attendanceRate: rate(cell?.honoured ?? 0, cell?.invitations ?? 0),
      walkIns: cell?.walkIns ?? 0,
      members: pick(never)?.members ?? 0,
      neverTrained: pick(never)?.never ?? 0,
      courseCompletions: pick(courses)?.completions ?? 0,
      courseMembers: pick(courses)?.people ?? 0,
    };
  };

  const childRows = level === 'province'
    ? await queryRows<{ id: number; code: string; name: string }>(db, sql`select id, code, name from admin_units where level = 'commune' and valid_to is null and province_code = ${provinceCode}`)
    : await queryRows<{ id: number; code: string; name: string }>(db, sql`select id, id::text as code, name from teams where commune_id = ${unit.id} and status = 'active'`);
  const children = childRows
    .map((c) => ({ ...c, kind: level === 'province' ? ('commune' as const) : ('team' as const), ...figures(c.id, false) }))
    .filter((c) => c.sessions + c.members + c.walkIns + c.courseCompletions > 0)
    .sort((a, b) => compareVietnamese(a.name, b.name));
  const totals = figures(null, true);
  const who = unitTitle(unit);
  const n = (x: number) => x.toLocaleString('vi-VN');
  const sentence = `Từ ${formatDateVi(from)} đến ${formatDateVi(to)}, ${who} đã tổ chức ${n(totals.sessions)} lớp tập huấn tại ${n(totals.points)} điểm cầu cho ${n(totals.attended)} thành viên${totals.walkIns ? ` và ${n(totals.walkIns)} người ngoài danh sách` : ''}${totals.courseCompletions ? `; ${n(totals.courseCompletions)} lượt hoàn thành khóa học kỹ năng số trực tuyến` : ''}.`;
  return { unit: { code: unit.code!, name: who, level }, from, to: requestedTo, heldUntil: future ? null : to, totals, children, sentence };
}
