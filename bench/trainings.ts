/**
 * The province training report (issue 14: ≤ 100 ms) on the generated Sơn La network (src/demo:
 * 1,459 teams, 8,966 members), with a year of trainings made the way the seed tells it and more:
 * 240 sessions (a province's and its communes'), 203 bridge points across the communes, each
 * session at 1–4 points inviting the members of 1–6 communes, ~70% of the invited checked in (a
 * few twice, counted once) and some walk-ins. Timed: trainingReport for the province over the year
 * and over one month, and for the busiest commune over the year; 5 warm-up runs, then 30.
 */
import { sql } from 'drizzle-orm';
import { ALL } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { generateDemo, prng } from '../src/demo/demo.service.js';
import { trainingReport } from '../src/trainings/trainings.report.js';
import type { DatabaseFactory } from './databases.js';
import { percentile } from './network.js';

export const TRAINING_REPORT_TARGET_MS = 100;

/** Writes the year of trainings (set-based SQL) and returns its size. */
export async function generateTrainingsForBench(db: Db): Promise<{ sessions: number; points: number; invitations: number; attendance: number }> {
  const rnd = prng(14);
  const communes = await queryRows<{ id: number }>(db, sql`select distinct commune_id as id from teams where province_code = '14' order by 1`);
  const points: number[] = [];
  for (let i = 0; i < 203; i++) {
    const c = communes[i % communes.length].id;
    const [p] = await queryRows<{ id: number }>(db, sql`insert into bridge_points (province_code, commune_id, name, name_key, place_kind) values ('14', ${c}, ${`Điểm cầu ${i + 1}`}, ${`diem cau ${i + 1}`}, 'commune_hall') returning id`);
    points.push(p.id);
  }
  const [province] = await queryRows<{ id: number }>(db, sql`select id from admin_units where level = 'province' and code = '14' and valid_to is null`);
  for (let s = 0; s < 240; s++) {
    const month = 1 + (s % 12);
    const day = 1 + Math.floor(rnd() * 27);
    const start = `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T08:00:00+07:00`;
    const byCommune = s % 3 !== 0;
    const organiser = byCommune ? communes[Math.floor(rnd() * communes.length)].id : province.id;
    const [row] = await queryRows<{ id: number }>(db, sql`insert into training_sessions (province_code, organiser_unit_id, commune_id, title, topic_code, kind, starts_at, ends_at, day, audience)
      values ('14', ${organiser}, ${byCommune ? organiser : null}, ${`Lớp ${s + 1}`}, 'vneid_level2', 'hybrid', ${start}, ${start.replace('T08', 'T11')}, ${start.slice(0, 10)}, '{"units":[],"teamIds":[],"roles":[],"memberIds":[]}'::jsonb) returning id`);
    const at = byCommune ? [points[communes.findIndex((c) => c.id === organiser) % points.length]] : Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => points[Math.floor(rnd() * points.length)]);
    for (const p of [...new Set(at)]) await db.execute(sql`insert into training_session_points (training_id, point_id, code_secret) values (${row.id}, ${p}, 'AAAA') on conflict do nothing`);
    const invitedCommunes = byCommune ? [organiser] : Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => communes[Math.floor(rnd() * communes.length)].id);
    await db.execute(sql`insert into training_invitations (training_id, member_id, team_id, commune_id, province_code)
      select distinct on (tm.member_id) ${row.id}, tm.member_id, t.id, t.commune_id, t.province_code from team_members tm join teams t on t.id = tm.team_id
      where tm.left_on is null and t.commune_id = any(${sql.param([...new Set(invitedCommunes)])}::int[]) order by tm.member_id, t.id`);
    const point = at[0];
    await db.execute(sql`insert into training_attendance (id, training_id, point_id, member_id, method, checked_in_at, late, invited, team_id, commune_id, province_code)
      select gen_random_uuid(), i.training_id, ${point}, i.member_id, 'host', ${start}::timestamptz + interval '5 minutes', false, true, i.team_id, i.commune_id, i.province_code
      from training_invitations i where i.training_id = ${row.id} and (hashtext(i.member_id::text || ${String(s)}) % 10 + 10) % 10 < 7`);
    await db.execute(sql`insert into training_attendance (id, training_id, point_id, walk_in_name, walk_in_status, method, checked_in_at, invited, commune_id, province_code)
      select gen_random_uuid(), ${row.id}, ${point}, 'Khách ' || g, 'pending', 'host', ${start}::timestamptz, false, bp.commune_id, '14' from generate_series(1, 3) g, bridge_points bp where bp.id = ${point}`);
  }
  await db.execute(sql`analyze`);
  const [n] = await queryRows<{ sessions: number; invitations: number; attendance: number }>(db, sql`select (select count(*)::int from training_sessions) as sessions, (select count(*)::int from training_invitations) as invitations, (select count(*)::int from training_attendance) as attendance`);
  return { ...n, points: points.length };
}

/** p50 and p95 of `runs` calls after `warmup` (ms). */
export async function time(fn: () => Promise<unknown>, warmup = 5, runs = 30): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** Runs the benchmark on each database; returns whether every p95 met the target. */
export async function benchTrainings(factories: DatabaseFactory[], log: (s?: string) => void): Promise<boolean> {
  let ok = true;
  const f1 = (ms: number) => `${ms.toFixed(1)} ms`;
  for (const f of factories) {
    const database = await f.fresh('trainings');
    try {
      const t0 = performance.now();
      const demo = await generateDemo(database.db);
      const size = await generateTrainingsForBench(database.db);
      log(`  ${f.label}: ${demo.teams} tổ, ${demo.members} thành viên; ${size.sessions} lớp, ${size.points} điểm cầu, ${size.invitations} lượt mời, ${size.attendance} lượt điểm danh (tạo trong ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const [busiest] = await queryRows<{ code: string }>(database.db, sql`select c.code from training_attendance a join admin_units c on c.id = a.commune_id group by c.code order by count(*) desc limit 1`);
      const year = await trainingReport(database.db, '14', '2026-01-01', '2026-12-31', ALL);
      log(`    ${year.sentence}`);
      for (const [what, fn] of [
        ['tỉnh, cả năm', () => trainingReport(database.db, '14', '2026-01-01', '2026-12-31', ALL)],
        ['tỉnh, một tháng', () => trainingReport(database.db, '14', '2026-11-01', '2026-11-30', ALL)],
        [`xã bận nhất (${busiest.code}), cả năm`, () => trainingReport(database.db, busiest.code, '2026-01-01', '2026-12-31', ALL)],
      ] as const) {
        const r = await time(fn);
        const hit = r.p95 <= TRAINING_REPORT_TARGET_MS;
        ok &&= hit;
        log(`    báo cáo tập huấn ${what.padEnd(28)} p50 ${f1(r.p50).padStart(9)}  p95 ${f1(r.p95).padStart(9)}  ${hit ? 'ĐẠT' : 'CHƯA ĐẠT'} (mục tiêu ≤ ${TRAINING_REPORT_TARGET_MS} ms)`);
      }
    } finally {
      await database.close();
    }
  }
  return ok;
}
