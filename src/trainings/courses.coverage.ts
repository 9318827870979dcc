import { sql } from 'drizzle-orm';
import { requireScope, type Scope, unitInScope, unitTarget } from '../access/access.policy.js';
import { currentChildren, unitsByCode } from '../catalogue/catalogue.repo.js';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { populationOf } from '../sessions/sessions.report.repo.js';
import { yearInVietnam } from '../text/dates.js';
import { compareVietnamese } from '../text/vietnamese.js';

/**
 * National-course completions per commune (issue 14, item 5): how many completions each commune
 * counts, how many of its members completed a course, how many completions are residents' (not
 * matched to a member), and the people who completed one (each counted once: the member, else the
 * phone, else name and birth year) against the commune's population (`unit_population`, the
 * latest figure of a year up to the period's end, as the support report's coverage).
 */
export interface CoverageCounts {
  completions: number;
  /** course code → completions */
  byCourse: Record<string, number>;
  /** distinct members matched */
  members: number;
  /** completions not matched to a member */
  residents: number;
  /** distinct people */
  people: number;
  population: number | null;
  populationYear: number | null;
  /** people / population, 4 decimals; null without a population figure */
  ratio: number | null;
}

export interface CourseCoverage {
  unit: { code: string; name: string; level: 'province' | 'commune' };
  period: { from: string | null; to: string | null };
  courses: { code: string; name: string }[];
  /** the whole unit: a province's include completions whose commune was not resolved (`unassigned`) */
  totals: CoverageCounts & { unassigned: number };
  /** every current commune of the unit, in Vietnamese order */
  communes: (CoverageCounts & { code: string; name: string })[];
}

const ratio = (people: number, population: number | null) => (population ? Math.round((people / population) * 10_000) / 10_000 : null);

/**
 * Completions of a province or commune (current code) from `from` to `to` (Vietnam days,
 * inclusive; either open), within the caller's scope. Errors: UNIT_NOT_FOUND, UNIT_LEVEL_UNSUPPORTED
 * (a dissolved unit, a village), OUT_OF_SCOPE (403, audited), VALIDATION_FAILED (from after to).
 */
export async function courseCoverage(db: Db, code: string, scope: Scope, period: { from?: string; to?: string } = {}): Promise<CourseCoverage> {
  const all = await unitsByCode(db, code);
  const unit = all.find((u) => !u.validTo);
  if (!unit) throw all.length ? new AppError('UNIT_LEVEL_UNSUPPORTED', `Đơn vị ${code} đã giải thể từ 01/07/2025; hãy xem đơn vị kế thừa.`) : new AppError('UNIT_NOT_FOUND', `Không có đơn vị hành chính mã ${code}.`);
  if (unit.level !== 'province' && unit.level !== 'commune') throw new AppError('UNIT_LEVEL_UNSUPPORTED', `Số hoàn thành khóa học được tính theo tỉnh hoặc xã, phường; "${unit.name}" là cấp khác.`);
  requireScope(scope.kind !== 'team' && unitInScope(scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
  if (period.from && period.to && period.from > period.to) throw new AppError('VALIDATION_FAILED', 'Từ ngày phải trước đến ngày.', { path: 'from' });
  const communes = unit.level === 'province' ? (await currentChildren(db, unit.id)).filter((c) => c.level === 'commune') : [unit];
  const provinceCode = unit.level === 'province' ? unit.code! : unit.provinceCode!;
  const where = sql`province_code = ${provinceCode}${unit.level === 'commune' ? sql` and commune_id = ${unit.id}` : sql``}${period.from ? sql` and completed_on >= ${period.from}` : sql``}${period.to ? sql` and completed_on <= ${period.to}` : sql``}`;
  // per commune and course, per commune, and for the whole unit, in one pass
  const [rows, courses] = await Promise.all([
    queryRows<{ communeId: number | null; courseCode: string | null; level: number; completions: number; members: number; residents: number; people: number }>(
      db,
      sql`select commune_id as "communeId", course_code as "courseCode", grouping(commune_id, course_code)::int as level,
                 count(*)::int as completions, count(distinct member_id)::int as members, count(*) filter (where member_id is null)::int as residents,
                 count(distinct coalesce('m' || member_id, 'p' || phone, 'n' || name_key || '|' || coalesce(birth_year::text, '')))::int as people
            from course_completions where ${where}
           group by grouping sets ((commune_id, course_code), (commune_id), ())`,
    ),
    queryRows<{ code: string; name: string }>(db, sql`select code, name from national_courses order by sort_order, code`),
  ]);
  const year = period.to ? Number(period.to.slice(0, 4)) : yearInVietnam();
  const population = new Map((await populationOf(db, communes.map((c) => c.id), year)).map((p) => [p.unitId, p]));
  const counts = (communeId: number | null | 'all', pop: { population: number; year: number } | null): CoverageCounts => {
    const head = rows.find((r) => (communeId === 'all' ? r.level === 3 : r.level === 1 && r.communeId === communeId));
    const people = head?.people ?? 0;
    return {
      completions: head?.completions ?? 0,
      byCourse: Object.fromEntries(rows.filter((r) => r.level === 0 && (communeId === 'all' || r.communeId === communeId)).reduce((m, r) => m.set(r.courseCode!, (m.get(r.courseCode!) ?? 0) + r.completions), new Map<string, number>())),
      members: head?.members ?? 0,
      residents: head?.residents ?? 0,
      people,
      population: pop?.population ?? null,
      populationYear: pop?.year ?? null,
      ratio: ratio(people, pop?.population ?? null),
    };
  };
  const list = communes.map((c) => ({ code: c.code!, name: c.name, ...counts(c.id, population.get(c.id) ?? null) })).sort((a, b) => compareVietnamese(a.name, b.name));
  const figures = [...population.values()];
  const total = figures.length ? { population: figures.reduce((n, p) => n + p.population, 0), year: Math.max(...figures.map((p) => p.year)) } : null;
  return {
    unit: { code: unit.code!, name: unit.name, level: unit.level },
    period: { from: period.from ?? null, to: period.to ?? null },
    courses,
    totals: { ...counts('all', total), unassigned: rows.find((r) => r.level === 1 && r.communeId === null)?.completions ?? 0 },
    communes: list,
  };
}
