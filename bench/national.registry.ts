/**
 * The nation's network report at the country's size (issue 18, item 4; part of `--national`): on
 * one PostgreSQL database, the registry of 34 provinces generated in SQL — under each of the 3,321
 * communes its commune-level team and 23 villages with a team each (79,704 teams), 400,000 members
 * spread over the teams in order, one in ten village members also on the commune's team — counted
 * by the registry's own triggers into the kept counts; then the nation's report (the 34 provinces,
 * national/national.report.ts) warm and after a change (a membership's affiliations, the revision
 * bumped), p50/p95 against the target 100 ms, and one province's against 50 ms. The nation's
 * report reads the 34 provinces' kept totals in one statement (no cache). `after` runs next on the
 * same database, kept open (bench/national.sessions.ts: the dashboards at 1/5/10 million sessions),
 * before it is dropped.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { ensureCatalogue } from '../src/catalogue/catalogue.load.js';
import { type Db, openDatabase, queryRows } from '../src/db/client.js';
import { nationalNetworkReport } from '../src/national/national.report.js';
import { bumpRevision } from '../src/registry/registry.repo.js';
import { networkReport } from '../src/reports/network.service.js';
import { ALL } from '../src/access/access.policy.js';
import { percentile } from './network.js';

export const NATION_REPORT_TARGET_MS = 100;
export const PROVINCE_REPORT_TARGET_MS = 50;
const VILLAGES_PER_COMMUNE = 23;
const MEMBERS = 400_000;
const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'đạt (OK)' : 'chưa đạt (MISS)');

/** The country-size database's name: `ngoso_bench_<pid>_nation` (dropped by benchNationalRegistry, or by dropNationDatabase after an interruption). */
export const nationDatabaseName = () => `ngoso_bench_${process.pid}_nation`;

/** Drops the country-size database if it is still there (Ctrl-C during the run: its `finally` does not run), closing its connections. */
export async function dropNationDatabase(pgUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${pgUrl.replace(/\/+$/, '')}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${nationDatabaseName()} with (force)`);
  } finally {
    await admin.end();
  }
}

/**
 * Builds the country-size registry in a database of its own, times the nation's and a province's
 * network reports, then runs `after` on the same database; drops it in the end, also on failure.
 * → whether every check and target passed (and `after`'s verdict).
 */
export async function benchNationalRegistry(pgUrl: string, log: (s?: string) => void, after?: (db: Db) => Promise<boolean>): Promise<boolean> {
  const name = nationDatabaseName();
  const admin = new pg.Client({ connectionString: `${pgUrl.replace(/\/+$/, '')}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const database = await openDatabase({ databaseUrl: `${pgUrl.replace(/\/+$/, '')}/${name}` });
  const { db } = database;
  try {
    await ensureCatalogue(db);
    let t = performance.now();
    await db.execute(sql`insert into admin_units (code, level, kind, name, short_name, name_key, search_key, parent_id, province_code, source)
      select c.code || '.' || lpad(g::text, 3, '0'), 'village', 'ban', 'Bản ' || g, 'Bản ' || g, 'ban ' || g, 'ban ' || g, c.id, c.province_code, 'demo'
        from admin_units c cross join generate_series(1, ${VILLAGES_PER_COMMUNE}) g where c.level = 'commune' and c.valid_to is null`);
    await db.execute(sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key)
      select case when u.level = 'commune' then 'commune' else 'village' end, u.id, case when u.level = 'commune' then u.id else u.parent_id end, u.province_code,
             'Tổ công nghệ số cộng đồng ' || u.name, 'to cong nghe so cong dong ' || u.name_key, 'to cong nghe so cong dong ' || u.search_key
        from admin_units u join admin_units c on c.id = case when u.level = 'commune' then u.id else u.parent_id end
       where u.valid_to is null and u.level in ('commune', 'village') and c.level = 'commune' and c.valid_to is null order by u.province_code, u.level, u.id`);
    await db.execute(sql`insert into members (full_name, name_key, search_key, gender, birth_year)
      select (array['Lò','Nguyễn','Trần','Lê','Phạm','Hoàng','Cầm','Quàng'])[1 + i % 8] || ' ' || (case when i % 2 = 0 then 'Văn' else 'Thị' end) || ' ' || (array['Bình','Hoa','Lan','Nam','Sơn','Mai','Tuấn','Yến'])[1 + (i / 8) % 8],
             'x' || i, 'x' || i, case when i % 2 = 0 then 'male' else 'female' end, (1960 + i % 46)::smallint
        from generate_series(1, ${MEMBERS}) i`);
    // member i on the i-th team (in id order, cycling); every tenth village member also on the commune's team
    const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from teams`);
    await db.execute(sql`with t as (select id, level, commune_id, row_number() over (order by id) - 1 as k from teams),
      m as (select id, row_number() over (order by id) - 1 as k from members),
      firsts as (select m.id as member_id, t.id as team_id, t.level, t.commune_id, m.k from m join t on t.k = m.k % ${n}),
      communal as (select id, unit_id from teams where level = 'commune')
      insert into team_members (team_id, member_id, role, affiliations, joined_on)
      select team_id, member_id, case when k < ${n} then 'leader' else 'member' end,
             case when k % 3 = 0 then array['youth_union'] when k % 3 = 1 then array['womens_union'] else '{}'::text[] end, date '2025-08-01'
        from firsts
      union all
      select c.id, f.member_id, 'member', '{}'::text[], date '2025-08-01'
        from firsts f join communal c on c.unit_id = f.commune_id where f.level = 'village' and f.k % 10 = 0`);
    await db.execute(sql`analyze`);
    const [size] = await queryRows<{ teams: number; members: number; memberships: number }>(db, sql`select (select count(*)::int from teams) as teams, (select count(*)::int from members) as members, (select count(*)::int from team_members) as memberships`);
    log(`  4. Sổ cỡ cả nước sinh bằng SQL: ${fmtInt(size.teams)} tổ, ${fmtInt(size.members)} thành viên, ${fmtInt(size.memberships)} lượt thành viên (${fmtMs(performance.now() - t)}, không tính)`);

    const time = async (label: string, target: number, run: () => Promise<unknown>, change: boolean) => {
      for (let i = 0; i < 3; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        if (change) {
          await db.execute(sql`update team_members set affiliations = case when cardinality(affiliations) = 0 then array['police']::text[] else '{}' end where id = (select min(id) + ${(i * 7919) % 300_000} from team_members)`);
          await bumpRevision(db);
        }
        t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      log(`     ${label}: p50 ${fmtMs(percentile(times, 50))}, p95 ${fmtMs(p95)}  mục tiêu ≤ ${target} ms: ${verdict(p95 <= target)}`);
      return p95 <= target;
    };
    const nation = await nationalNetworkReport(db);
    const sum = nation.children.reduce((n, c) => n + c.teams.total, 0);
    const same = sum === nation.teams.total && nation.teams.total === size.teams;
    log(`     Cả nước: ${fmtInt(nation.teams.total)} tổ, ${fmtInt(nation.members.total)} lượt thành viên, ${fmtInt(nation.people)} người — tổng bằng tổng 34 tỉnh và bằng sổ: ${verdict(same)}`);
    const okNationWarm = await time('Báo cáo mạng lưới cả nước, ấm', NATION_REPORT_TARGET_MS, () => nationalNetworkReport(db), false);
    const okNation = await time('Báo cáo mạng lưới cả nước sau mỗi thay đổi', NATION_REPORT_TARGET_MS, () => nationalNetworkReport(db), true);
    const okProvince = await time('Báo cáo mạng lưới một tỉnh (Hà Nội, 126 xã) sau mỗi thay đổi', PROVINCE_REPORT_TARGET_MS, () => networkReport(db, '01', ALL), true);
    const ok = same && okNationWarm && okNation && okProvince;
    return (after ? await after(db) : true) && ok;
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
