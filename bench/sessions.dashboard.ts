import { sql } from 'drizzle-orm';
import { ALL } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { generateSessions, type SessionRegistry } from '../src/demo/demo.sessions.js';
import type { DataProtector } from '../src/privacy/protector.js';
import { compareAllRollups, rebuildAllRollups } from '../src/sessions/sessions.rollup.rebuild.js';
import { type PeriodQuery, type ReportTarget, supportReport, type SupportReport } from '../src/sessions/sessions.report.js';
import { syncSessions } from '../src/sessions/sessions.sync.js';
import { OUTCOME_CODES } from '../src/sessions/sessions.vocabulary.js';
import { percentile } from './network.js';

/**
 * The province dashboard at a million sessions and, optionally, five million (issue 13,
 * "Performance"): sessions generated in SQL (generate_series, random) over the 365 days before
 * today for province 14's teams (skewed, so one team is far busier than the rest), rollups rebuilt
 * in bulk, then a slice synced through syncSessions (the real path) and every rollup compared with
 * its rebuild; reports timed warm (p50/p95) against the plain GROUP BY over the sessions
 * (source 'raw') with the same result checked. A failed check sets a non-zero exit code.
 */

export interface Lat { p50: number; p95: number; max: number }
export interface DashboardFigure { label: string; rollup: Lat; raw: Lat; same: boolean; sessions: number }

/** p50/p95/max of some timings (ms). */
export const lat = (times: number[]): Lat => {
  const t = [...times].sort((a, b) => a - b);
  return { p50: percentile(t, 50), p95: percentile(t, 95), max: t[t.length - 1] };
};

/** `warmup` untimed runs, then `runs` timed ones (ms): the timings and the last result. */
export async function timed<T>(run: () => Promise<T>, warmup: number, runs: number): Promise<{ lat: Lat; result: T }> {
  let result: T | undefined;
  for (let i = 0; i < warmup; i++) result = await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await run();
    times.push(performance.now() - t);
  }
  return { lat: lat(times), result: result! };
}

async function timeReport(db: Db, target: ReportTarget, period: PeriodQuery, warmup: number, runs: number, raw: boolean): Promise<{ lat: Lat; report: SupportReport }> {
  const { lat: l, result } = await timed(() => supportReport(db, target, period, ALL, raw ? { source: 'raw' } : {}), warmup, runs);
  return { lat: l, report: result };
}

/**
 * Adds `count` sessions of province `provinceCode` (null: of every province, with the national
 * services only) over [from, from + 365 days) in SQL: team (in id order) by a skewed draw (power 1.5
 * of a uniform: the first team far busier), any second of the Vietnamese day, 75 % at home, 13 % groups
 * of 2–31, the rest at a help desk (always the commune's service centre; 5 % of the others too),
 * 60 % of one-person sessions with a recognised resident from a pool of 0.3 × `pool` people, one
 * member (a second in 25 %), one service (a second in 35 %) with any outcome.
 */
export async function addSqlSessions(db: Db, provinceCode: string | null, from: string, count: number, tag: string, pool: number): Promise<void> {
  const services = (await queryRows<{ id: number }>(db, sql`select id from support_services where province_code is null or province_code = ${provinceCode} order by id`)).map((s) => s.id);
  await db.execute(sql`drop table if exists bench_teams`);
  await db.execute(
    sql`create temp table bench_teams as
        select (row_number() over (order by t.id) - 1)::int as i, t.id, t.commune_id, t.province_code, case when t.level = 'village' then t.unit_id end as village_id,
               (select array_agg(tm.member_id order by tm.member_id) from team_members tm where tm.team_id = t.id and tm.left_on is null) as members
          from teams t where ${provinceCode === null ? sql`true` : sql`t.province_code = ${provinceCode}`} and t.status = 'active'
           and exists (select 1 from team_members tm where tm.team_id = t.id and tm.left_on is null)`,
  );
  const [{ n: teams }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from bench_teams`);
  const k = services.length;
  await db.execute(sql`drop table if exists bench_gen`);
  await db.execute(
    sql`create temp table bench_gen as
        select md5(${tag} || g)::uuid as id, t.id as team_id, t.province_code, t.commune_id, t.village_id, t.members,
               (${from}::date + floor(x.r2 * 365)::int) as day, floor(x.r3 * 86400)::int as sec,
               case when x.r4 < 0.75 then 'home' when x.r4 < 0.88 then 'group' else 'help_desk' end as kind, x.r5, x.r6, x.r7, x.r8, x.r9
          from (select g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9 from generate_series(1, ${count}) g) x
          join bench_teams t on t.i = least(floor(power(x.r1, 1.5) * ${teams})::int, ${teams - 1})`,
  );
  await db.execute(
    sql`insert into support_sessions (id, province_code, commune_id, village_id, team_id, occurred_at, day, kind, at_service_centre, residents_count, resident_key)
        select id, province_code, commune_id, village_id, team_id, (day::timestamp + make_interval(secs => sec)) at time zone 'Asia/Ho_Chi_Minh', day, kind,
               kind = 'help_desk' or r5 < 0.05, case when kind = 'group' then 2 + floor(r5 * 30)::int else 1 end,
               case when kind <> 'group' and r6 < 0.6 then md5('r' || floor(r7 * ${Math.round(pool * 0.3)})::int) || md5('k' || floor(r7 * ${Math.round(pool * 0.3)})::int) end
          from bench_gen`,
  );
  await db.execute(
    sql`insert into support_session_members (session_id, member_id, day)
        select distinct g.id, m.member_id, g.day from bench_gen g
         cross join lateral (select g.members[1 + floor(g.r8 * cardinality(g.members))::int] as member_id
                             union all select g.members[1 + floor(g.r9 * cardinality(g.members))::int] where g.r6 < 0.25) m`,
  );
  const svc = sql`${sql.param(services)}::int[]`;
  const outcomes = sql`${sql.param(OUTCOME_CODES)}::text[]`;
  await db.execute(
    sql`insert into support_session_services (session_id, service_id, outcome, day)
        select g.id, (${svc})[1 + floor(g.r8 * ${k})::int], (${outcomes})[1 + floor(g.r9 * ${OUTCOME_CODES.length})::int], g.day from bench_gen g
        union all
        select g.id, (${svc})[1 + ((floor(g.r8 * ${k})::int + 1 + floor(g.r5 * ${k - 1})::int) % ${k})], (${outcomes})[1 + floor(g.r7 * ${OUTCOME_CODES.length})::int], g.day from bench_gen g where g.sec % 100 < 35`,
  );
  await db.execute(sql`drop table bench_gen`);
  await db.execute(sql`drop table bench_teams`);
}

/**
 * Syncs `count` sessions of the demo generator through syncSessions (validation, insert, every
 * rollup in the transaction), in batches of 200, then compares every rollup table with its
 * recomputation from all the sessions. Returns the rows that differ per table and the time taken.
 */
export async function syncSliceAndCompare(db: Db, protector: DataProtector, reg: SessionRegistry, period: { from: string; to: string }, count: number) {
  const records = [...generateSessions(reg, { seed: 77, ...period, count })].map((r, i) => ({ ...r, id: `5ac0${String(i).padStart(4, '0')}-0000-4000-8000-${r.id.slice(-12)}` }));
  let accepted = 0;
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 200) {
    const res = await syncSessions(db, protector, records.slice(i, i + 200), { userId: null, scope: ALL });
    accepted += res.filter((r) => r.status === 'accepted').length;
  }
  const syncMs = performance.now() - t0;
  const t1 = performance.now();
  const diff = await compareAllRollups(db);
  return { accepted, syncMs, diff, compareMs: performance.now() - t1 };
}

/** The cases timed: the province over the calendar year, a month and the custom 365-day range; the busiest commune, team and member over the range. */
export async function dashboardCases(db: Db, provinceCode: string, year: { from: string; to: string }) {
  const [busy] = await queryRows<{ code: string }>(db, sql`select c.code from support_sessions s join admin_units c on c.id = s.commune_id group by c.id, c.code order by count(*) desc limit 1`);
  const [team] = await queryRows<{ id: number }>(db, sql`select team_id as id from support_sessions group by team_id order by count(*) desc limit 1`);
  const [member] = await queryRows<{ id: number }>(
    db,
    sql`select sm.member_id as id from support_session_members sm join team_members tm on tm.member_id = sm.member_id and tm.left_on is null group by sm.member_id order by count(*) desc limit 1`,
  );
  const y = year.to.slice(0, 4);
  return [
    { key: 'province-year', label: `tỉnh ${provinceCode}, năm ${y}`, target: { unit: provinceCode } as ReportTarget, period: { period: 'year', date: year.to } as PeriodQuery },
    { key: 'province-month', label: `tỉnh ${provinceCode}, tháng 10`, target: { unit: provinceCode } as ReportTarget, period: { period: 'month', date: `${y}-10-15` } as PeriodQuery },
    { key: 'province-range', label: `tỉnh ${provinceCode}, ${year.from} → ${year.to}`, target: { unit: provinceCode } as ReportTarget, period: year as PeriodQuery },
    { key: 'commune-range', label: `xã ${busy.code} (bận nhất), 365 ngày`, target: { unit: busy.code } as ReportTarget, period: year as PeriodQuery },
    { key: 'team-range', label: `tổ ${team.id} (bận nhất), 365 ngày`, target: { teamId: team.id } as ReportTarget, period: year as PeriodQuery },
    { key: 'team-year', label: `tổ ${team.id} (bận nhất), năm ${y}`, target: { teamId: team.id } as ReportTarget, period: { period: 'year', date: year.to } as PeriodQuery },
    { key: 'member-range', label: `thành viên ${member.id} (bận nhất), 365 ngày`, target: { memberId: member.id } as ReportTarget, period: year as PeriodQuery },
  ];
}

/** Times every case (rollup warm p50/p95 over `runs`, raw over `rawRuns`) and checks the two reports are equal. */
export async function measureDashboard(db: Db, cases: Awaited<ReturnType<typeof dashboardCases>>, runs: number, rawRuns: number): Promise<Map<string, DashboardFigure>> {
  const out = new Map<string, DashboardFigure>();
  for (const c of cases) {
    const rollup = await timeReport(db, c.target, c.period, 3, runs, false);
    const raw = await timeReport(db, c.target, c.period, 0, rawRuns, true);
    out.set(c.key, { label: c.label, rollup: rollup.lat, raw: raw.lat, same: JSON.stringify(rollup.report) === JSON.stringify(raw.report), sessions: rollup.report.sessions });
  }
  return out;
}

/** Bulk rebuild of every rollup, then VACUUM ANALYZE (what autovacuum does after a restore). */
export async function rebuildAndAnalyze(db: Db): Promise<{ rows: Record<string, number>; ms: number }> {
  const t = performance.now();
  const rows = await rebuildAllRollups(db);
  await db.execute(sql`vacuum analyze`);
  return { rows, ms: performance.now() - t };
}
