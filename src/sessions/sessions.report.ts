import { currentChildren, provinces as currentProvinces, unitsByCode, type UnitRow } from '../catalogue/catalogue.repo.js';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { membershipsOfMembers, teamById } from '../registry/registry.repo.js';
import { now as clockNow } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { isoDayProblem } from '../text/day-reason.js';
import { compareVietnamese, compareVietnameseNames } from '../text/vietnamese.js';
import * as q from './sessions.report.repo.js';
import { servicesFor } from './sessions.repo.js';
import { elapsedUntil } from './sessions.trend.js';
import { OUTCOME_CODES, type Outcome, REPORT_YEARS, ROLLUP_ALL, ROLLUP_CENTRE, ROLLUP_IDENTIFIED, rollupKind, SESSION_KINDS, type SessionKind } from './sessions.vocabulary.js';

/**
 * The support report (GET /api/reports/support, the dashboards): what teams did for a unit, a
 * team or a member over a period of Vietnamese days.
 * - `sessions`: sessions held; `headcount`: residents reached, summed over sessions;
 * - `residents`: people helped, counting once each resident recognised by a keyed hash of their
 *   phone or ID (never the number itself), so `residents ≤ headcount`;
 * - `services`: per service, sessions and people reached per outcome;
 * - `children`: communes of a province and teams of a commune (all, idle ones with 0), teams
 *   that worked in a village, current members of a team.
 *   Sessions and headcount of the children add up to the total (members of a shared session each
 *   count it, so a team's members may add up to more); distinct `residents` do not add up.
 * Provinces, communes and teams read the daily and monthly rollups (partial months at the ends by
 * day, whole months by month), members the member rollups; villages the sessions (a village's few).
 * Distinct residents are exact everywhere (see rollupDistinctResidents).
 */
export interface SupportReport {
  /** the nation (issue 18): id 0, no code; its children are the provinces */
  target: { kind: 'nation' | 'province' | 'commune' | 'village' | 'team' | 'member'; code: string | null; id: number; name: string };
  /** `until`: the last day of the period that has begun, min(to, today in Vietnam); null when the whole period is still ahead (issue 13, item 9: charts stop there) */
  period: { from: string; to: string; bucket: q.Bucket; until: string | null };
  sessions: number;
  headcount: number;
  residents: number;
  recognised: number;
  byKind: Record<SessionKind, number>;
  atServiceCentre: number;
  services: { code: string; name: string; icon: string; sessions: number; headcount: number; outcomes: Record<Outcome, number> }[];
  trend: q.TrendPoint[];
  /**
   * Communes of a province also carry `population` (the latest figure of a year ≤ the period's,
   * null when unknown), `services` (people reached per service code, summed over outcomes), and
   * `teams` / `activeTeams` (its active teams, and those that held a session in the period): what
   * the map's measures are computed from (issue 17).
   */
  children: { kind: 'province' | 'commune' | 'team' | 'member'; id: number; code: string | null; name: string; sessions: number; headcount: number; population?: number | null; services?: Record<string, number>; teams?: number; activeTeams?: number }[];
  coverage: { population: number; year: number; communesWithFigures: number; communes: number; ratio: number } | null;
  sentence: string;
}

/**
 * `nation`: the whole country (issue 18, the national server's dashboard): the 34 provinces' rollups
 * summed in each statement; its distinct residents are the sum of each province's (every province's
 * server recognises residents under its own key, so one person helped in two provinces counts in
 * both). For a caller whose scope is the whole country only.
 */
export type ReportTarget = { unit: string } | { teamId: number } | { memberId: number } | { nation: true };
export interface PeriodQuery { from?: string; to?: string; period?: 'day' | 'week' | 'month' | 'quarter' | 'year'; date?: string }

/**
 * Resolves a period to inclusive Vietnamese days. Either `from`/`to` (YYYY-MM-DD), or `period`
 * with an anchor `date` (default today in Vietnam): the day, ISO week (Monday–Sunday), month,
 * quarter or year containing it. Default: the current month. Errors: VALIDATION_FAILED.
 */
export function resolvePeriod(p: PeriodQuery, now: Date = clockNow()): q.Period & { bucket: q.Bucket } {
  let from: string;
  let to: string;
  if (p.from || p.to) {
    if (!p.from || !p.to) throw new AppError('VALIDATION_FAILED', 'Khoảng thời gian cần cả "from" và "to" dạng YYYY-MM-DD (ví dụ from=2026-01-01&to=2026-03-31).');
    // what is wrong, not only that something is ("from=2026-02-31: 31/02/2026 không có (tháng 2 năm 2026 không có ngày 31).")
    const problem = isoDayProblem('from', p.from) ?? isoDayProblem('to', p.to);
    if (problem) throw new AppError('VALIDATION_FAILED', problem);
    from = p.from;
    to = p.to;
  } else {
    const anchor = p.date ?? todayInVietnam(now);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(anchor)) throw new AppError('VALIDATION_FAILED', `Ngày "${anchor}" không hợp lệ; hãy viết YYYY-MM-DD.`);
    const problem = isoDayProblem('date', anchor);
    if (problem) throw new AppError('VALIDATION_FAILED', problem);
    const [y, m] = anchor.split('-').map(Number);
    if (y < REPORT_YEARS.first || y > REPORT_YEARS.last) throw new AppError('VALIDATION_FAILED', `Ngày ${anchor} nằm ngoài khoảng ${REPORT_YEARS.first}–${REPORT_YEARS.last} mà báo cáo hỗ trợ; hãy chọn lại thời gian.`);
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const at = new Date(anchor + 'T00:00:00Z');
    switch (p.period ?? 'month') {
      case 'day':
        from = to = anchor;
        break;
      case 'week': {
        const monday = new Date(at.getTime() - ((at.getUTCDay() + 6) % 7) * 86_400_000);
        from = iso(monday);
        to = iso(new Date(monday.getTime() + 6 * 86_400_000));
        break;
      }
      case 'month':
        from = iso(new Date(Date.UTC(y, m - 1, 1)));
        to = iso(new Date(Date.UTC(y, m, 0)));
        break;
      case 'quarter': {
        const q0 = Math.floor((m - 1) / 3) * 3;
        from = iso(new Date(Date.UTC(y, q0, 1)));
        to = iso(new Date(Date.UTC(y, q0 + 3, 0)));
        break;
      }
      case 'year':
        from = `${y}-01-01`;
        to = `${y}-12-31`;
        break;
    }
  }
  for (const d of [from, to]) {
    const year = Number(d.slice(0, 4));
    if (year < REPORT_YEARS.first || year > REPORT_YEARS.last) throw new AppError('VALIDATION_FAILED', `Ngày ${d} nằm ngoài khoảng ${REPORT_YEARS.first}–${REPORT_YEARS.last} mà báo cáo hỗ trợ; hãy chọn lại thời gian.`);
  }
  if (from > to) throw new AppError('VALIDATION_FAILED', `Ngày bắt đầu ${from} sau ngày kết thúc ${to}.`);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days > 3 * 366) throw new AppError('VALIDATION_FAILED', 'Khoảng thời gian tối đa 3 năm; hãy chia nhỏ.');
  return { from, to, bucket: days <= 62 ? 'day' : days <= 200 ? 'week' : 'month' };
}

/**
 * Builds the support report of a target over a period, within the caller's scope.
 * Errors: UNIT_NOT_FOUND, TEAM_NOT_FOUND, NOT_FOUND (member), UNIT_LEVEL_UNSUPPORTED (a dissolved
 * unit), OUT_OF_SCOPE, VALIDATION_FAILED (period). `source: 'raw'` computes every target
 * from the sessions instead of the rollup (the benchmark's and tests' reference).
 */
export async function supportReport(db: Db, target: ReportTarget, periodQuery: PeriodQuery, scope: Scope, opts: { source?: 'rollup' | 'raw' } = {}): Promise<SupportReport> {
  const period = resolvePeriod(periodQuery);
  const raw = opts.source === 'raw';
  let head: SupportReport['target'];
  let cells: q.Cell[];
  let trend: q.TrendPoint[];
  let distinct: number;
  let children: SupportReport['children'] = [];
  let coverage: SupportReport['coverage'] = null;
  let provinceCode: string | null;

  if ('nation' in target) {
    requireScope(scope.kind === 'all', 'cả nước');
    provinceCode = null;
    head = { kind: 'nation', code: null, id: 0, name: 'Cả nước' };
    const provinceUnits = await currentProvinces(db);
    const ids = provinceUnits.map((u) => u.id);
    const rt: q.RawTarget = { kind: 'nation' };
    [cells, trend, distinct] = raw
      ? await Promise.all([q.rawCells(db, rt, period), q.rawTrend(db, rt, period, period.bucket), q.rawDistinctResidents(db, rt, period)])
      : await Promise.all([q.rollupCells(db, ids, period), q.rollupTrend(db, ids, period, period.bucket), q.rollupDistinctResidents(db, ids, period)]);
    const byUnit = raw ? await q.rawByProvince(db, period) : await q.rollupByUnit(db, ids, period);
    const counts = new Map(byUnit.map((r) => [r.unitId, r]));
    children = provinceUnits.map((u) => ({ kind: 'province' as const, id: u.id, code: u.code, name: u.name, sessions: counts.get(u.id)?.sessions ?? 0, headcount: counts.get(u.id)?.residents ?? 0 }));
  } else if ('unit' in target) {
    const unit = await currentUnitOrThrow(db, target.unit);
    // a team's members see their team's figures, not their unit's (which hold other teams' work)
    requireScope(scope.kind !== 'team' && unitInScope(scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
    provinceCode = unit.provinceCode;
    head = { kind: unit.level as 'province' | 'commune' | 'village', code: unit.code, id: unit.id, name: unit.name };
    const rt: q.RawTarget = unit.level === 'province' ? { kind: 'province', provinceCode: unit.code! } : unit.level === 'commune' ? { kind: 'commune', communeId: unit.id } : { kind: 'village', villageId: unit.id };
    if (unit.level === 'village' || raw) {
      [cells, trend, distinct] = await Promise.all([q.rawCells(db, rt, period), q.rawTrend(db, rt, period, period.bucket), q.rawDistinctResidents(db, rt, period)]);
    } else {
      [cells, trend, distinct] = await Promise.all([q.rollupCells(db, unit.id, period), q.rollupTrend(db, unit.id, period, period.bucket), q.rollupDistinctResidents(db, unit.id, period)]);
    }
    if (unit.level === 'province') {
      const communes = (await currentChildren(db, unit.id)).filter((c) => c.level === 'commune');
      const byUnit = raw ? await q.rawByCommune(db, unit.code!, period) : await q.rollupByUnit(db, communes.map((c) => c.id), period);
      const counts = new Map(byUnit.map((r) => [r.unitId, r]));
      const ids = communes.map((c) => c.id);
      const [people, byService, serviceCodes, teamsActive] = await Promise.all([
        q.populationOf(db, ids, Number(period.to.slice(0, 4))),
        raw ? q.rawServicesByCommune(db, unit.code!, period) : q.rollupServicesByUnit(db, ids, period),
        servicesFor(db, unit.provinceCode),
        q.activeTeamsByCommune(db, unit.code!, period, raw),
      ]);
      const teamCounts = new Map(teamsActive.map((r) => [r.unitId, r]));
      const population = new Map(people.map((r) => [r.unitId, r.population]));
      const codeOf = new Map(serviceCodes.map((s) => [s.id, s.code]));
      // per commune, the services in the catalogue's order (the same answer whatever order the rows came in)
      const byUnitService = new Map<number, Map<number, number>>();
      for (const r of byService) if (codeOf.has(r.serviceId)) (byUnitService.get(r.unitId) ?? byUnitService.set(r.unitId, new Map()).get(r.unitId)!).set(r.serviceId, r.residents);
      const reached = new Map<number, Record<string, number>>();
      for (const [unitId, m] of byUnitService) reached.set(unitId, Object.fromEntries(serviceCodes.filter((sv) => m.has(sv.id)).map((sv) => [sv.code, m.get(sv.id)!])));
      children = communes.map((c) => ({ kind: 'commune' as const, id: c.id, code: c.code, name: c.name, sessions: counts.get(c.id)?.sessions ?? 0, headcount: counts.get(c.id)?.residents ?? 0, population: population.get(c.id) ?? null, services: reached.get(c.id) ?? {}, teams: teamCounts.get(c.id)?.teams ?? 0, activeTeams: teamCounts.get(c.id)?.active ?? 0 }));
      coverage = await coverageOf(db, ids, period.to);
    } else if (unit.level === 'commune') {
      // every team of the commune, idle ones too; from the team rollup rows (unit id = −team id)
      const teams = await q.teamsOfCommune(db, unit.id, scope);
      const byTeam = raw
        ? (await q.rawByTeam(db, rt, period, scope)).map((t) => ({ unitId: -t.id, sessions: t.sessions, residents: t.residents }))
        : await q.rollupByUnit(db, teams.map((t) => -t.id), period);
      const counts = new Map(byTeam.map((r) => [-r.unitId, r]));
      children = teams.map((t) => ({ kind: 'team' as const, id: t.id, code: null, name: t.name, sessions: counts.get(t.id)?.sessions ?? 0, headcount: counts.get(t.id)?.residents ?? 0 }));
      coverage = await coverageOf(db, [unit.id], period.to);
    } else {
      children = (await q.rawByTeam(db, rt, period, scope)).map((t) => ({ kind: 'team' as const, id: t.id, code: null, name: t.name, sessions: t.sessions, headcount: t.residents }));
    }
  } else if ('teamId' in target) {
    // read within the scope: another unit's team is refused without saying whether it exists
    const team = await teamById(db, target.teamId, scope);
    if (!team) throw new AppError('TEAM_NOT_FOUND', `Không có tổ mã ${target.teamId}.`).refusing({ entity: 'team', id: target.teamId });
    provinceCode = team.provinceCode;
    head = { kind: 'team', code: null, id: team.id, name: team.name };
    const rt: q.RawTarget = { kind: 'team', teamId: team.id };
    // distinct residents of a team: counted from its sessions through the (team, day) index that carries the resident key
    [cells, trend, distinct] = raw
      ? await Promise.all([q.rawCells(db, rt, period), q.rawTrend(db, rt, period, period.bucket), q.rawDistinctResidents(db, rt, period)])
      : await Promise.all([q.rollupCells(db, -team.id, period), q.rollupTrend(db, -team.id, period, period.bucket), q.rawDistinctResidents(db, rt, period)]);
    children = (await (raw ? q.rawTeamMembersActivity : q.teamMembersActivity)(db, team.id, period, scope)).map((m) => ({ kind: 'member' as const, id: m.id, code: null, name: m.name, sessions: m.sessions, headcount: m.residents }));
  } else {
    // the member's teams within the scope: none means another unit's member (or nobody), refused alike
    const memberships = await membershipsOfMembers(db, [target.memberId], scope);
    const visible = memberships.length ? await teamById(db, memberships[0].teamId, scope) : undefined;
    if (!visible) throw new AppError('NOT_FOUND', `Không có thành viên mã ${target.memberId} trong tổ nào bạn được xem.`).refusing({ entity: 'member', id: target.memberId });
    provinceCode = visible.provinceCode;
    const rt: q.RawTarget = { kind: 'member', memberId: target.memberId, scope };
    head = { kind: 'member', code: null, id: target.memberId, name: await q.memberName(db, target.memberId, scope) };
    // a member's distinct residents: counted from their own sessions (support_session_members by member and day)
    [cells, trend, distinct] = raw
      ? await Promise.all([q.rawCells(db, rt, period), q.rawTrend(db, rt, period, period.bucket), q.rawDistinctResidents(db, rt, period)])
      : await Promise.all([q.memberCells(db, target.memberId, scope, period), q.rollupTrend(db, target.memberId, period, period.bucket, scope), q.rawDistinctResidents(db, rt, period)]);
  }

  const services = await servicesFor(db, provinceCode);
  const cell = (outcome: string) => cells.find((c) => c.serviceId === 0 && c.outcome === outcome);
  const all = cell(ROLLUP_ALL);
  const identifiedSessions = cell(ROLLUP_IDENTIFIED)?.sessions ?? 0;
  const headcount = all?.residents ?? 0;
  const perService = services
    .map((s) => {
      const mine = cells.filter((c) => c.serviceId === s.id);
      const outcomes = Object.fromEntries(OUTCOME_CODES.map((o) => [o, mine.find((c) => c.outcome === o)?.residents ?? 0])) as Record<Outcome, number>;
      return { code: s.code, name: s.name, icon: s.icon, sessions: mine.reduce((n, c) => n + c.sessions, 0), headcount: mine.reduce((n, c) => n + c.residents, 0), outcomes };
    })
    .filter((s) => s.sessions > 0)
    .sort((a, b) => b.headcount - a.headcount || compareVietnamese(a.name, b.name));
  const residents = headcount - identifiedSessions + distinct;
  children.sort((a, b) => (a.kind === 'member' ? compareVietnameseNames(a.name, b.name) : compareVietnamese(a.name, b.name)));
  if (coverage) coverage.ratio = coverage.population ? Math.round((residents / coverage.population) * 10_000) / 10_000 : 0;
  return {
    target: head,
    period: { ...period, until: elapsedUntil(period, todayInVietnam()) },
    sessions: all?.sessions ?? 0,
    headcount,
    residents,
    recognised: distinct,
    byKind: Object.fromEntries(Object.keys(SESSION_KINDS).map((k) => [k, cell(rollupKind(k as SessionKind))?.sessions ?? 0])) as Record<SessionKind, number>,
    atServiceCentre: cell(ROLLUP_CENTRE)?.sessions ?? 0,
    services: perService,
    trend,
    children,
    coverage,
    sentence: sentenceFor(head, residents, perService),
  };
}

/** "Tổ CNSCĐ bản Hụm đã hướng dẫn 1.154 người dân cài đặt và sử dụng: VNeID, Zalo, …" (the source article's wording). */
export function sentenceFor(target: { kind: string; name: string }, residents: number, services: { name: string }[]): string {
  const who = target.kind === 'nation' ? 'Các tổ công nghệ số cộng đồng cả nước' : target.kind === 'province' ? `Các tổ công nghệ số cộng đồng của ${target.name}` : target.kind === 'commune' || target.kind === 'village' ? `Các tổ công nghệ số cộng đồng ở ${target.name}` : target.name;
  if (residents === 0) return `${who} chưa ghi nhận buổi hướng dẫn nào trong thời gian này.`;
  const n = residents.toLocaleString('vi-VN');
  return `${who} đã hướng dẫn ${n} người dân cài đặt và sử dụng: ${services.map((s) => s.name).join(', ')}.`;
}

async function currentUnitOrThrow(db: Db, code: string): Promise<UnitRow> {
  const units = await unitsByCode(db, code);
  const unit = units.find((u) => !u.validTo);
  if (!unit) {
    if (units.length) throw new AppError('UNIT_LEVEL_UNSUPPORTED', `Đơn vị ${code} đã giải thể từ 01/07/2025; hãy xem báo cáo của đơn vị kế thừa.`);
    throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị hành chính mã ${code}.`);
  }
  return unit;
}

async function coverageOf(db: Db, communeIds: number[], to: string): Promise<SupportReport['coverage']> {
  const rows = await q.populationOf(db, communeIds, Number(to.slice(0, 4)));
  if (rows.length === 0) return null;
  return { population: rows.reduce((n, r) => n + r.population, 0), year: Math.max(...rows.map((r) => r.year)), communesWithFigures: rows.length, communes: communeIds.length, ratio: 0 };
}
