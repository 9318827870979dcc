import { sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { currentUnit } from '../registry/registry.service.js';
import { now as clockNow } from '../text/clock.js';
import { compareVietnamese } from '../text/vietnamese.js';

/**
 * The response-time report of help requests (issue 16, item 3), for a province (a row per commune)
 * or a commune (a row per team, and "Chưa có tổ" for requests routed to nobody), over the requests
 * made in [from, to] (Vietnam days, inclusive): how many, accepted, closed, cancelled, the median
 * minutes from request to acceptance and to closing (of those that got there), the share of rated
 * requests the resident called solved, those open past due or escalated now (the office list's "Quá hạn") and those accepted late. The
 * unit's totals come from the same statement (a grouping set), so they are exact, not sums of
 * medians. Also the teams with overdue requests now, most first.
 */
export interface HelpFigures { requests: number; accepted: number; closed: number; cancelled: number; medianAcceptMinutes: number | null; medianCloseMinutes: number | null; rated: number; solved: number; solvedShare: number | null; overdueNow: number; acceptedLate: number }
export interface HelpReport { unit: { code: string; name: string; level: string }; from: string; to: string; totals: HelpFigures; rows: (HelpFigures & { key: string; name: string })[]; overdueByTeam: { teamId: number | null; name: string; commune: string; overdue: number; oldestDue: string }[] }

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function helpReport(db: Db, unitCode: string, scope: Scope, from: string, to: string): Promise<HelpReport> {
  if (!DAY.test(from) || !DAY.test(to) || from > to) throw new AppError('VALIDATION_FAILED', 'Khoảng ngày không hợp lệ: "từ ngày" phải trước "đến ngày".');
  const unit = await currentUnit(db, unitCode);
  if (unit.level !== 'province' && unit.level !== 'commune') throw new AppError('VALIDATION_FAILED', 'Báo cáo yêu cầu hỗ trợ theo tỉnh hoặc xã/phường.');
  requireScope(scope.kind !== 'village' && scope.kind !== 'team' && unitInScope(scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
  const where = unit.level === 'province' ? sql`r.province_code = ${unit.code}` : sql`r.commune_id = ${unit.id}`;
  const start = `${from}T00:00:00+07:00`;
  // the end is exclusive: the next day's midnight, computed by the database (9999-12-31 has one, which toISOString cannot name)
  const end = `${to}T00:00:00+07:00`;
  const now = clockNow().toISOString();
  const key = unit.level === 'province' ? sql`c.code` : sql`coalesce(r.team_id::text, '-')`;
  const name = unit.level === 'province' ? sql`c.name` : sql`coalesce(t.name, 'Chưa có tổ')`;
  const rows = await queryRows<HelpFigures & { key: string | null; name: string | null }>(db, sql`
    select ${key} as key, min(${name}) as name, count(*)::int as requests, count(r.accepted_at)::int as accepted,
      count(*) filter (where r.status = 'closed')::int as closed, count(*) filter (where r.status = 'cancelled')::int as cancelled,
      round((percentile_cont(0.5) within group (order by extract(epoch from r.accepted_at - r.created_at)) / 60)::numeric, 1)::float8 as "medianAcceptMinutes",
      round((percentile_cont(0.5) within group (order by extract(epoch from r.closed_at - r.created_at)) filter (where r.status = 'closed') / 60)::numeric, 1)::float8 as "medianCloseMinutes",
      count(r.solved)::int as rated, coalesce(sum(r.solved), 0)::int as solved,
      count(*) filter (where r.status = 'open' and (r.due_at <= ${now} or r.escalated_at is not null))::int as "overdueNow",
      count(*) filter (where r.accepted_at > r.due_at)::int as "acceptedLate"
    from help_requests r join admin_units c on c.id = r.commune_id left join teams t on t.id = r.team_id
    where ${where} and r.created_at >= ${start}::timestamptz and r.created_at < ${end}::timestamptz + interval '1 day'
    group by grouping sets ((${key}), ())`);
  const empty: HelpFigures = { requests: 0, accepted: 0, closed: 0, cancelled: 0, medianAcceptMinutes: null, medianCloseMinutes: null, rated: 0, solved: 0, solvedShare: null, overdueNow: 0, acceptedLate: 0 };
  const share = (f: HelpFigures): HelpFigures => ({ ...f, solvedShare: f.rated ? Math.round((1000 * f.solved) / f.rated) / 10 : null });
  const total = rows.find((r) => r.key === null);
  const overdue = await queryRows<{ teamId: number | null; name: string; commune: string; overdue: number; oldestDue: string }>(db, sql`
    select r.team_id as "teamId", coalesce(min(t.name), 'Chưa có tổ') as name, min(c.name) as commune, count(*)::int as overdue, min(r.due_at) as "oldestDue"
    from help_requests r join admin_units c on c.id = r.commune_id left join teams t on t.id = r.team_id
    where ${where} and r.status = 'open' and (r.due_at <= ${now} or r.escalated_at is not null) group by r.team_id, r.commune_id order by count(*) desc, min(r.due_at) limit 100`);
  return {
    unit: { code: unit.code!, name: unit.name, level: unit.level },
    from,
    to,
    totals: share(total ? { ...empty, ...strip(total) } : empty),
    rows: rows.filter((r) => r.key !== null).map((r) => ({ key: r.key!, name: r.name ?? '', ...share(strip(r)) })).sort((a, b) => compareVietnamese(a.name, b.name)),
    overdueByTeam: overdue.map((o) => ({ ...o, oldestDue: new Date(o.oldestDue).toISOString() })),
  };
}

function strip(r: HelpFigures & { key: string | null; name: string | null }): HelpFigures {
  const { key: _k, name: _n, ...f } = r;
  return { ...f, solvedShare: null };
}
