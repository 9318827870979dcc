/**
 * The dashboards at the country's size (issue 18, item 4; part of `--national`, after
 * bench/national.registry.ts, on its database: 34 provinces, 79,704 teams, 400,000 members). In
 * steps, sessions are added until the database holds `sizes[i]` of them in all (default 1, 5 and 10
 * million), generated in SQL (addSqlSessions of bench/sessions.dashboard.ts, teams of every
 * province, skewed so one team is far busier) over the 365 Vietnamese days before today; after each
 * step every rollup is rebuilt (timed) and the table sizes printed, then, warm, p50/p95:
 *  - the nation's dashboard for the calendar year, a month and the custom 365-day range
 *    (supportReport's `nation` target, GET /api/national/support: the 34 provinces' rollups summed
 *    in each statement); ≤ 100 ms;
 *  - the busiest province's dashboard over the same three periods, ≤ 50 ms;
 *  - the busiest team's calendar year (≤ 50 ms) and the busiest member's (no target);
 *  each against the same with {source:'raw'} (plain GROUP BY over the sessions, fewer runs), the two
 *  checked equal (a difference fails the run); the nation's network report (≤ 100 ms); and sync
 *  ingestion with the national table sizes: syncSessions of generated records of the busiest
 *  province (src/demo/demo.sessions.ts), `senders` at once for `syncSeconds`, ≥ 5,000 sessions/s.
 * Then the sizes side by side, the largest size's column against the targets.
 */
import { sql } from 'drizzle-orm';
import { ALL } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { generateSessions, loadSessionRegistry } from '../src/demo/demo.sessions.js';
import { nationalNetworkReport } from '../src/national/national.report.js';
import { DataProtector } from '../src/privacy/protector.js';
import { type PeriodQuery, supportReport, type SupportReport } from '../src/sessions/sessions.report.js';
import { type SyncRecord, syncSessions } from '../src/sessions/sessions.sync.js';
import { NATION_REPORT_TARGET_MS } from './national.registry.js';
import { addSqlSessions, type DashboardFigure, type Lat, measureDashboard, rebuildAndAnalyze, timed } from './sessions.dashboard.js';
import { benchSecrets, daysBeforeToday } from './sessions.js';

export interface NationalSessionsOptions {
  /** total sessions after each step, increasing */
  sizes: number[];
  syncSeconds: number;
  senders: number;
}

const NATION_TARGET_MS = 100;
const DASHBOARD_TARGET_MS = 50;
const SYNC_TARGET = 5_000;
/** sessions generated per addSqlSessions call (its scratch tables stay small) */
const CHUNK = 1_000_000;
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMb = (bytes: number) => `${fmtInt(bytes / 1048576)} MB`;
const verdict = (ok: boolean) => (ok ? 'đạt (OK)' : 'chưa đạt (MISS)');
const fmtSize = (n: number) => (n >= 1_000_000 && n % 100_000 === 0 ? `${n / 1_000_000} triệu` : fmtInt(n));

/** The nation's dashboard (supportReport, target `nation`), from the rollups or by the plain GROUP BY. */
function nationReport(db: Db, period: PeriodQuery, raw: boolean): Promise<SupportReport> {
  return supportReport(db, { nation: true }, period, ALL, raw ? { source: 'raw' } : {});
}

/** Bytes on disk of each table (its partitions summed, when partitioned) and of the database. */
async function tableSizes(db: Db, tables: string[]): Promise<{ table: string; bytes: number }[]> {
  const rows = await queryRows<{ table: string; bytes: string }>(
    db,
    // pg_partition_tree lists a partitioned table's tree (the parent itself has no storage), nothing for a plain table
    sql`select t as table, coalesce((select sum(pg_total_relation_size(relid)) from pg_partition_tree(t::regclass)), pg_total_relation_size(t::regclass))::text as bytes
          from unnest(${sql.param(tables)}::text[]) t`,
  );
  const [{ bytes }] = await queryRows<{ bytes: string }>(db, sql`select pg_database_size(current_database())::text as bytes`);
  return [...rows.map((r) => ({ table: r.table, bytes: Number(r.bytes) })), { table: 'cả cơ sở dữ liệu', bytes: Number(bytes) }];
}

/** Sync ingestion of generated records of one province: `senders` at once for `seconds`, batches of 50–200. → accepted sessions and sessions/s. */
async function syncLoad(db: Db, province: string, seed: number, seconds: number, senders: number) {
  const protector = new DataProtector(benchSecrets());
  const reg = await loadSessionRegistry(db, province);
  // the 80 days before today: none old enough to be held for review (sessions.clock.ts: 90 days)
  const records: SyncRecord[] = [...generateSessions(reg, { seed, ...daysBeforeToday(80), count: Math.round(12_000 * seconds) })];
  const batches: SyncRecord[][] = [];
  for (let i = 0; i < records.length; ) {
    const n = 50 + ((i * 7919) % 151);
    batches.push(records.slice(i, i + n));
    i += n;
  }
  const send = (recs: SyncRecord[]) => syncSessions(db, protector, recs, { userId: null, scope: ALL }, new Date(), { deviceNow: new Date().toISOString() });
  let next = 0;
  for (; next < 5; next++) await send(batches[next]);
  let accepted = 0;
  const other = new Map<string, number>();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const sender = async () => {
    while (performance.now() < deadline && next < batches.length) {
      const r = await send(batches[next++]);
      for (const x of r) {
        if (x.status === 'accepted' && !x.review) accepted++;
        else {
          const why = x.status === 'rejected' ? `từ chối ${x.field}: ${x.reason}` : x.status === 'duplicate' ? 'trùng' : 'giữ lại chờ xã duyệt';
          other.set(why, (other.get(why) ?? 0) + 1);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  const elapsed = performance.now() - started;
  return { accepted, other, elapsed, rate: accepted / (elapsed / 1000), exhausted: next >= batches.length };
}

interface Case { key: string; label: string; target: number | null; nation?: PeriodQuery }

/** Runs the steps on the country-size registry's database; prints as it goes. → every check and the largest size's targets passed. */
export async function benchNationalSessions(db: Db, opts: NationalSessionsOptions, log: (s?: string) => void): Promise<boolean> {
  const year = daysBeforeToday(365);
  const y = year.to.slice(0, 4);
  const periods = { year: { period: 'year', date: year.to } as PeriodQuery, month: { period: 'month', date: `${y}-10-15` } as PeriodQuery, range: year as PeriodQuery };
  const provinces = (await queryRows<{ code: string }>(db, sql`select code from admin_units where level = 'province' and valid_to is null order by code`)).map((p) => p.code);
  log(`  5. Bảng điều khiển ở cỡ cả nước: buổi hỗ trợ sinh bằng SQL cho tổ của cả ${provinces.length} tỉnh, ${year.from} → ${year.to} (365 ngày trước hôm nay), đến ${opts.sizes.map(fmtSize).join(' / ')} buổi`);
  log(`     "Cả nước" = báo cáo hỗ trợ của cả nước (GET /api/national/support: bảng tổng hợp của ${provinces.length} tỉnh cộng lại trong mỗi câu lệnh).`);
  let ok = true;
  const fail = (what: string) => {
    ok = false;
    process.exitCode = 1;
    log(`     ✗ KIỂM TRA THẤT BẠI: ${what}`);
  };
  let cases: Case[] | undefined;
  let dashboard: Parameters<typeof measureDashboard>[1] = [];
  let province = '01';
  const columns: { size: number; figures: Map<string, DashboardFigure>; network: Lat; sync: number }[] = [];
  for (const [step, size] of opts.sizes.entries()) {
    const [{ n: have }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from support_sessions`);
    let t = performance.now();
    for (let added = 0, chunk = 0; added < size - have; chunk++) {
      const n = Math.min(CHUNK, size - have - added);
      await addSqlSessions(db, null, year.from, n, `n${step}c${chunk}-`, size);
      added += n;
    }
    const genMs = performance.now() - t;
    const rebuilt = await rebuildAndAnalyze(db);
    const [{ n: total }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from support_sessions`);
    log(`  ${fmtInt(total)} buổi: thêm ${fmtInt(Math.max(0, size - have))} buổi bằng SQL trong ${fmtMs(genMs)}; tính lại mọi bảng tổng hợp (kèm VACUUM ANALYZE): ${fmtMs(rebuilt.ms)}`);
    const sizes = await tableSizes(db, ['support_sessions', 'support_session_members', 'support_session_services', ...Object.keys(rebuilt.rows)]);
    log(`     dung lượng: ${sizes.map((s) => `${s.table} ${fmtMb(s.bytes)}${rebuilt.rows[s.table] !== undefined ? ` (${fmtInt(rebuilt.rows[s.table])} dòng)` : ''}`).join(', ')}`);

    if (!cases) {
      // who is busiest, found once (the skew keeps them so as sessions are added)
      [{ code: province }] = await queryRows<{ code: string }>(db, sql`select province_code as code from support_sessions group by 1 order by count(*) desc limit 1`);
      const [team] = await queryRows<{ id: number }>(db, sql`select team_id as id from support_sessions group by team_id order by count(*) desc limit 1`);
      const [member] = await queryRows<{ id: number }>(db, sql`select sm.member_id as id from support_session_members sm join team_members tm on tm.member_id = sm.member_id and tm.left_on is null group by sm.member_id order by count(*) desc limit 1`);
      const [{ name }] = await queryRows<{ name: string }>(db, sql`select name from admin_units where level = 'province' and code = ${province} and valid_to is null`);
      cases = [
        { key: 'nation-year', label: `cả nước, năm ${y}`, target: NATION_TARGET_MS, nation: periods.year },
        { key: 'nation-month', label: `cả nước, tháng 10/${y}`, target: NATION_TARGET_MS, nation: periods.month },
        { key: 'nation-range', label: `cả nước, ${year.from} → ${year.to}`, target: NATION_TARGET_MS, nation: periods.range },
        { key: 'province-year', label: `${name} (${province}, bận nhất), năm ${y}`, target: DASHBOARD_TARGET_MS },
        { key: 'province-month', label: `${name}, tháng 10/${y}`, target: DASHBOARD_TARGET_MS },
        { key: 'province-range', label: `${name}, ${year.from} → ${year.to}`, target: DASHBOARD_TARGET_MS },
        { key: 'team-year', label: `tổ ${team.id} (bận nhất), năm ${y}`, target: DASHBOARD_TARGET_MS },
        { key: 'member-year', label: `thành viên ${member.id} (bận nhất), năm ${y}`, target: null },
      ];
      dashboard = [
        { key: 'province-year', label: '', target: { unit: province }, period: periods.year },
        { key: 'province-month', label: '', target: { unit: province }, period: periods.month },
        { key: 'province-range', label: '', target: { unit: province }, period: periods.range },
        { key: 'team-year', label: '', target: { teamId: team.id }, period: periods.year },
        { key: 'member-year', label: '', target: { memberId: member.id }, period: periods.year },
      ];
    }
    const big = size > 1_000_000;
    t = performance.now();
    const figures = await measureDashboard(db, dashboard, 20, big ? 2 : 3);
    for (const c of cases.filter((x) => x.nation)) {
      const rollup = await timed(() => nationReport(db, c.nation!, false), 2, 20);
      const raw = await timed(() => nationReport(db, c.nation!, true), 0, big ? 1 : 2);
      figures.set(c.key, { label: c.label, rollup: rollup.lat, raw: raw.lat, same: JSON.stringify(rollup.result) === JSON.stringify(raw.result), sessions: rollup.result.sessions });
    }
    for (const c of cases) {
      const f = figures.get(c.key)!;
      log(`     ${c.label}: p50 ${fmtMs(f.rollup.p50)}, p95 ${fmtMs(f.rollup.p95)} | thô (GROUP BY) p95 ${fmtMs(f.raw.p95)} | ${fmtInt(f.sessions)} buổi | cùng kết quả ${f.same ? '✓' : '✗'}${c.target ? `  mục tiêu ≤ ${c.target} ms: ${verdict(f.rollup.p95 <= c.target)}` : ''}`);
      if (!f.same) fail(`${c.label} ở ${fmtInt(size)} buổi: báo cáo từ bảng tổng hợp khác GROUP BY trên buổi`);
    }
    log(`     (đo trong ${fmtMs(performance.now() - t)}; thô: ${big ? '2 lần, cả nước 1 lần' : '3 lần, cả nước 2 lần'})`);
    const network = (await timed(() => nationalNetworkReport(db), 3, 20)).lat;
    log(`     báo cáo mạng lưới cả nước, ấm: p50 ${fmtMs(network.p50)}, p95 ${fmtMs(network.p95)}  mục tiêu ≤ ${NATION_REPORT_TARGET_MS} ms: ${verdict(network.p95 <= NATION_REPORT_TARGET_MS)}`);
    const sync = await syncLoad(db, province, 41 + step, opts.syncSeconds, opts.senders);
    log(
      `     đồng bộ (syncSessions, tỉnh ${province}, ${opts.senders} nơi gửi, lô 50–200): ${fmtInt(sync.accepted)} buổi trong ${fmtMs(sync.elapsed)} = ${fmtInt(sync.rate)} buổi/s  mục tiêu ≥ ${fmtInt(SYNC_TARGET)}: ${verdict(sync.rate >= SYNC_TARGET)}` +
        (sync.other.size ? `\n     ! không được tính: ${[...sync.other].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([why, n]) => `${fmtInt(n)} ${why}`).join('; ')}` : '') +
        (sync.exhausted ? '\n     ! hết lô sinh sẵn trước khi hết giờ: tốc độ tính trên thời gian đã chạy' : ''),
    );
    if (sync.accepted === 0) fail('đồng bộ không nhận buổi nào');
    columns.push({ size: total, figures, network, sync: sync.rate });
  }

  // side by side: p95 (and the raw p95) at each size; the targets against the largest
  const last = columns[columns.length - 1];
  const rows: string[][] = cases!.map((c) => {
    const p95 = last.figures.get(c.key)!.rollup.p95;
    return [c.label, ...columns.map((col) => `${fmtMs(col.figures.get(c.key)!.rollup.p95)} (thô ${fmtMs(col.figures.get(c.key)!.raw.p95)})`), c.target ? `≤ ${c.target} ms` : '—', c.target ? verdict(p95 <= c.target) : ''];
  });
  rows.push(['báo cáo mạng lưới cả nước', ...columns.map((col) => fmtMs(col.network.p95)), `≤ ${NATION_REPORT_TARGET_MS} ms`, verdict(last.network.p95 <= NATION_REPORT_TARGET_MS)]);
  rows.push([`đồng bộ, buổi/s (${opts.senders} nơi gửi)`, ...columns.map((col) => fmtInt(col.sync)), `≥ ${fmtInt(SYNC_TARGET)}/s`, verdict(last.sync >= SYNC_TARGET)]);
  const header = ['p95 (thô: GROUP BY)', ...columns.map((col) => `${fmtSize(col.size)} buổi`), 'mục tiêu', `ở ${fmtSize(last.size)}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '     ' + cells.map((x, i) => (i === 0 || i === cells.length - 1 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  log();
  log(line(header));
  log('     ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) log(line(r));
  const missed = cases!.filter((c) => c.target && last.figures.get(c.key)!.rollup.p95 > c.target).length + (last.network.p95 > NATION_REPORT_TARGET_MS ? 1 : 0) + (last.sync < SYNC_TARGET ? 1 : 0);
  log(`     ${missed ? `${missed} mục chưa đạt ở ${fmtSize(last.size)} buổi` : `mọi mục tiêu đạt ở ${fmtSize(last.size)} buổi`}${last.size < 10_000_000 ? ' (mục tiêu của issue 18 tính ở 10 triệu buổi)' : ''}`);
  return ok && missed === 0;
}
