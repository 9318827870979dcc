import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';
import { networkReport as serviceReport, type NetworkReport } from '../src/reports/network.service.js';
import { AFFILIATION_CODES } from '../src/registry/registry.vocabulary.js';
import { bumpRevision } from '../src/registry/registry.repo.js';
import { nameKey, searchKey } from '../src/text/vietnamese.js';
import { prng } from './roster.js';

/**
 * The network report benchmark: a province (Sơn La, code 14) with `teams` teams (one per
 * commune at commune level, the rest at village level on generated villages) and `members`
 * people, written with a few bulk statements (unnest of arrays) — setup, not the thing measured.
 * Every `overlapEvery`-th village-team member also sits on the commune team, as happens in
 * practice, so distinct people < memberships.
 */
export interface NetworkDataset {
  communes: { id: number; code: string; name: string }[];
  villages: number;
  teams: number;
  members: number;
  memberships: number;
  setupMs: number;
}

const TEAM_PREFIX = 'Tổ công nghệ số cộng đồng ';
const FAMILY = ['Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Điêu', 'Hà', 'Vì', 'Giàng', 'Mùa', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Bùi'];
const MIDDLE = { male: ['Văn', 'Đức', 'A', 'Minh'], female: ['Thị', 'Thu', 'Mí', 'Ngọc'] };
const GIVEN = { male: ['Bình', 'Dũng', 'Hùng', 'Nam', 'Sơn', 'Tuấn', 'Dình', 'Pó'], female: ['Hiền', 'Hoa', 'Lan', 'Mai', 'Thảo', 'Dua', 'Pằng', 'Yến'] };

export async function buildNetworkDataset(db: Db, opts: { province: string; teams: number; members: number; overlapEvery?: number; seed?: number }): Promise<NetworkDataset> {
  const started = performance.now();
  const rnd = prng(opts.seed ?? 14);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const overlapEvery = opts.overlapEvery ?? 10;
  const communes = await queryRows<{ id: number; code: string; name: string }>(
    db,
    sql`select id, code, name from admin_units where province_code = ${opts.province} and level = 'commune' and valid_to is null order by code`,
  );
  let result: NetworkDataset | undefined;
  await db.transaction(async (tx) => {
    // villages: the teams left after one commune team per commune, spread evenly
    const villageCount = opts.teams - communes.length;
    const v = { name: [] as string[], key: [] as string[], search: [] as string[], code: [] as string[], parent: [] as number[] };
    for (let i = 0; i < villageCount; i++) {
      const c = communes[i % communes.length];
      const seq = Math.floor(i / communes.length) + 1;
      const name = seq % 7 === 0 ? `Tiểu khu ${seq}` : `Bản Nà ${seq}`;
      v.name.push(name);
      v.key.push(nameKey(name));
      v.search.push(searchKey(name));
      v.code.push(`${c.code}.${String(seq).padStart(3, '0')}`);
      v.parent.push(c.id);
    }
    await tx.execute(sql`insert into admin_units (code, level, kind, name, short_name, name_key, search_key, parent_id, province_code, source)
      select code, 'village', case when name like 'Tiểu khu%' then 'tieu_khu' else 'ban' end, name, name, key, search, parent, ${opts.province}, 'demo'
        from unnest(${sql.param(v.code)}::text[], ${sql.param(v.name)}::text[], ${sql.param(v.key)}::text[], ${sql.param(v.search)}::text[], ${sql.param(v.parent)}::int[])
          as x(code, name, key, search, parent)`);
    // teams: the commune's own, then one per village
    const prefixKey = nameKey(TEAM_PREFIX + 'x').slice(0, -1);
    const prefixSearch = searchKey(TEAM_PREFIX + 'x').slice(0, -1);
    await tx.execute(sql`insert into teams (level, unit_id, commune_id, province_code, name, name_key, search_key)
      select case when u.level = 'commune' then 'commune' else 'village' end, u.id, case when u.level = 'commune' then u.id else u.parent_id end, ${opts.province},
             ${TEAM_PREFIX} || u.name, ${prefixKey} || u.name_key, ${prefixSearch} || u.search_key
        from admin_units u
       where u.province_code = ${opts.province} and u.valid_to is null and u.level in ('commune', 'village')
       order by u.level, u.id`);
    const teams = await queryRows<{ id: number; level: string; commune_id: number }>(tx, sql`select id, level, commune_id from teams where province_code = ${opts.province} order by id`);
    const communeTeam = new Map(teams.filter((t) => t.level === 'commune').map((t) => [t.commune_id, t.id]));
    // people
    const m = { name: [] as string[], key: [] as string[], search: [] as string[], gender: [] as (string | null)[], year: [] as (number | null)[], phone: [] as string[] };
    for (let i = 0; i < opts.members; i++) {
      const g = rnd() < 0.52 ? 'male' : 'female';
      const name = `${pick(FAMILY)} ${pick(MIDDLE[g])} ${pick(GIVEN[g])}`;
      m.name.push(name);
      m.key.push(nameKey(name));
      m.search.push(searchKey(name));
      m.gender.push(rnd() < 0.03 ? null : g);
      m.year.push(rnd() < 0.02 ? null : 1960 + Math.floor(rnd() * 46));
      m.phone.push(`+8498${String(1_000_000 + i).padStart(7, '0')}`);
    }
    await tx.execute(sql`insert into members (full_name, name_key, search_key, gender, birth_year, phone)
      select * from unnest(${sql.param(m.name)}::text[], ${sql.param(m.key)}::text[], ${sql.param(m.search)}::text[], ${sql.param(m.gender)}::text[], ${sql.param(m.year)}::smallint[], ${sql.param(m.phone)}::text[])`);
    const memberIds = (await queryRows<{ id: number }>(tx, sql`select id from members order by id`)).map((r) => r.id);
    // memberships: member i on team i mod T (so ~members/teams each); a share also on their commune's team
    const tm = { team: [] as number[], member: [] as number[], role: [] as string[], aff: [] as string[] };
    const seenInTeam = new Map<number, number>();
    const add = (teamId: number, memberId: number) => {
      const n = seenInTeam.get(teamId) ?? 0;
      seenInTeam.set(teamId, n + 1);
      tm.team.push(teamId);
      tm.member.push(memberId);
      tm.role.push(n === 0 ? 'leader' : n === 1 ? 'deputy' : 'member');
      const affs = new Set<string>();
      const k = rnd() < 0.35 ? 0 : rnd() < 0.8 ? 1 : 2;
      for (let j = 0; j < k; j++) affs.add(pick(AFFILIATION_CODES));
      tm.aff.push([...affs].join(','));
    };
    memberIds.forEach((id, i) => {
      const team = teams[i % teams.length];
      add(team.id, id);
      if (team.level === 'village' && i % overlapEvery === 0) add(communeTeam.get(team.commune_id)!, id);
    });
    await tx.execute(sql`insert into team_members (team_id, member_id, role, affiliations)
      select t, m, r, coalesce(string_to_array(nullif(a, ''), ','), '{}')
        from unnest(${sql.param(tm.team)}::int[], ${sql.param(tm.member)}::int[], ${sql.param(tm.role)}::text[], ${sql.param(tm.aff)}::text[]) as x(t, m, r, a)`);
    result = { communes, villages: villageCount, teams: teams.length, members: memberIds.length, memberships: tm.team.length, setupMs: 0 };
  });
  result!.setupMs = performance.now() - started;
  return result!;
}

/**
 * networkReport with the operator's scope (everything). The scope argument is newer than the
 * benchmark; passing it through a loose signature keeps the bench working on either version.
 */
const networkReport = (db: Db, code: string) => (serviceReport as (db: Db, code: string, scope?: { kind: 'all' }) => Promise<NetworkReport>)(db, code, { kind: 'all' });

export interface Latency {
  runs: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  report: NetworkReport;
}

export function percentile(sorted: number[], p: number): number {
  // nearest rank
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Latency of networkReport(db, code): `warmup` unmeasured runs, then `runs` timed ones. With
 * `recompute` a real registry change is made before each run (untimed: a member's affiliations
 * or gender flipped, through the registry's tables and so its triggers, and the revision bumped),
 * so every timed run is the first request after a change; without it the runs are served from the
 * report cache. Afterwards the report is checked equal to the one counted by plain GROUP BYs
 * (source 'raw', also timed: `rawP50`); a difference sets a non-zero exit code.
 */
export async function measureReport(db: Db, code: string, warmup = 5, runs = 30, recompute = true): Promise<Latency & { rawP50: number; same: boolean }> {
  let report: NetworkReport | undefined;
  for (let i = 0; i < warmup; i++) report = await networkReport(db, code);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (recompute) {
      if (i % 2 === 0) {
        await db.execute(sql`update team_members set affiliations = case when cardinality(affiliations) = 0 then array[${AFFILIATION_CODES[i % AFFILIATION_CODES.length]}]::text[] else '{}' end
                               where (team_id, member_id) = (select team_id, member_id from team_members where left_on is null order by member_id, team_id offset ${(i * 7919) % 50_000} limit 1)`);
      } else {
        await db.execute(sql`update members set gender = case when gender = 'male' then 'female' else 'male' end where id = (select min(id) + ${(i * 104_729) % 50_000} from members)`);
      }
      await bumpRevision(db);
    }
    const t = performance.now();
    report = await networkReport(db, code);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const rawTimes: number[] = [];
  let raw: NetworkReport | undefined;
  for (let i = 0; i < 3; i++) {
    await bumpRevision(db);
    const t = performance.now();
    raw = await (serviceReport as (db: Db, code: string, scope: { kind: 'all' }, o: { source: 'raw' }) => Promise<NetworkReport>)(db, code, { kind: 'all' }, { source: 'raw' });
    rawTimes.push(performance.now() - t);
  }
  rawTimes.sort((a, b) => a - b);
  const fresh = await networkReport(db, code);
  const same = JSON.stringify(fresh) === JSON.stringify(raw);
  if (!same) {
    process.exitCode = 1;
    console.error(`✗ KIỂM TRA THẤT BẠI: báo cáo mạng lưới ${code} từ số đếm giữ sẵn khác báo cáo đếm lại bằng GROUP BY`);
  }
  console.log(`      (${code}: đếm lại bằng GROUP BY p50 ${percentile(rawTimes, 50).toFixed(1)} ms = ${(percentile(rawTimes, 50) / percentile(times, 50)).toFixed(1)}× số đếm giữ sẵn; cùng kết quả: ${same ? '✓' : '✗ KHÁC'})`);
  return { runs, p50: percentile(times, 50), p95: percentile(times, 95), min: times[0], max: times[times.length - 1], report: report!, rawP50: percentile(rawTimes, 50), same };
}
