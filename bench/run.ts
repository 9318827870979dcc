/**
 * Benchmark of Ngõ Số: `npm run bench [-- options]`.
 *
 *  1. Roster import of a generated 100,000-member roster of Sơn La (province 14), as CSV and as
 *     .xlsx, each into a fresh database: dry run then commit, each timed (file generation
 *     excluded), rows/s, peak RSS of the importing process (each import runs in its own child
 *     process, bench/import-child.ts, so its peak is its own). Target on PostgreSQL: ≥ 10,000 rows/s.
 *  2. Network report of a province with 10,000 teams and 60,000 members (bulk-loaded), warm:
 *     5 warm-up runs, then 30 timed runs, p50/p95. Target ≤ 100 ms. Also a commune's report.
 *  3. District batch: one .zip of 50 rosters (one per commune of Sơn La, .xlsx in the official
 *     shape and CSV alternately), 20,000 members in all, imported as `ngoso import huyen.zip`
 *     does (bench/district.ts, own process): every file dry-run, then every file committed.
 *     Target on PostgreSQL: dry run + commit ≤ 10 s.
 *
 *  4. Field app (/field/, bench/field.ts): its JavaScript gzipped (target ≤ 60 KB; the office UI's
 *     first-load /app.js is printed too, target ≤ 250 KB) and the first load on an emulated 3G phone
 *     with a 4× slower CPU until the record form is usable (target ≤ 5 s).
 *  6. Training certificates (bench/certificates.ts): 1,500 certificates with QR codes into one PDF,
 *     seconds, pages/s, MB (target ≤ 30 s). No database.
 *
 * Databases: PGlite in memory, and PostgreSQL at NGOSO_BENCH_PG_URL (default
 * postgres://postgres@127.0.0.1:5432), where the bench creates databases named
 * ngoso_bench_<pid>_… (connecting through the `postgres` database) and drops them at the end.
 *
 * Options:
 *   --pglite-only        skip PostgreSQL
 *   --postgres-only      skip PGlite
 *   --rows=N             roster size (default 100000)
 *   --format=csv|xlsx    import only that format (default both)
 *   --pg-url=URL         PostgreSQL server (default as above)
 *   --no-import          skip the import measurements
 *   --no-report          skip the network report measurements
 *   --no-district        skip the district batch
 *   --field-app          measure only the field app (no databases needed)
 *   --no-field-app       skip the field app measurements
 *   --certificates       measure only the certificate PDF (no databases needed)
 *   --trainings          only the training report on the generated Sơn La network with a year of
 *                        trainings (bench/trainings.ts; PGlite and PostgreSQL unless one is skipped)
 *   --directives         only the directives benchmark (bench/directives.ts: a province directive to the
 *                        demo's 1,459 teams, the board, 10,000 acknowledgements; PGlite and PostgreSQL)
 *   --portal             only the residents' portal benchmark (bench/portal.ts: GET /tin/ID of a news article with
 *                        200 comments under autocannon against the real server, ≥ 500 req/s and p95 ≤ 50 ms on
 *                        PostgreSQL; its first render in Chromium on Fast 3G with a 4× slower CPU ≤ 2 s, its
 *                        JavaScript ≤ 50 KB gzip; PGlite and PostgreSQL unless one is skipped)
 *   --maps               only the maps benchmark (bench/maps.ts: the province's and the nation's map drawn in
 *                        Chromium on Fast 3G with a 4× slower CPU after the data is in, ≤ 1 s and ≤ 2 s; the
 *                        JavaScript the maps add, ≤ 60 KB gzip; the embedded database, use --pglite-only)
 *   --national           only the national replication benchmark (bench/national.ts: two province servers on
 *                        clusters of their own and a national subscriber; sync on a province while it publishes,
 *                        ≥ 5,000 sessions/s; the lag from a province's commit to the national server, p95 ≤ 5 s;
 *                        the national reports equal the province's after the load); --national-seconds=N (default 30);
 *                        then the nation's network report on a registry of the country's size (bench/national.registry.ts:
 *                        79,704 teams, 400,000 members), ≤ 100 ms; --no-national-replication runs only that part;
 *                        then on that database the dashboards at 1/5/10 million sessions side by side
 *                        (bench/national.sessions.ts: the nation's, a province's, the busiest team's and member's,
 *                        each against the raw GROUP BY and checked equal; the network report; sync ingestion),
 *                        --national-sessions=N,N,… (default 1000000,5000000,10000000; 100000,300000 for a quick
 *                        run), --national-sync-seconds=N (default 15), --no-national-sessions
 *   --no-certificates    skip the certificate PDF measurement
 *   --profile            take a CPU profile of each import phase (V8's sampling profiler,
 *                        bench/profile/cpu.ts) and print the functions that took the most time
 *   --sessions           only the support-session benchmark (bench/sessions.ts; skips 1 and 2)
 *   --no-sessions        skip the support-session benchmark
 *   --sessions-rows=N    sessions behind the province dashboard (default 1000000)
 *   --sessions-seconds=N sustained sync ingestion, seconds (default 60); --sessions-http-seconds=N
 *                        the same through HTTP (default 20, 0 skips); --sessions-senders=N (default 4)
 *   --no-sessions-ingest / --no-sessions-dashboard   skip one half of it
 *   --phones             only the many-phones benchmark (bench/phones.ts: N phones against one real
 *                        server on each database, lost/doubled checked in the database, restart after
 *                        kill -9); --phones-count=N (default 200), --phones-seconds=N (default 30),
 *                        --phones-main-thread also runs PGlite in the HTTP thread, as before, to compare
 *   --courses            only the national-course completion list benchmark (bench/courses.ts: a
 *                        20,000-row .xlsx list matched against a 20,000-member registry, dry run and
 *                        commit, rows/s; target on PostgreSQL ≤ 10 s); --pglite-only / --postgres-only apply
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';
import { type DatabaseFactory, pgliteFactory, postgresFactory } from './databases.js';
import type { ImportJob, ImportResult, PhaseResult } from './import-child.js';
import { type DistrictJob, type DistrictResult, districtZip } from './district.js';
import { buildNetworkDataset, type Latency, measureReport } from './network.js';
import { FIELD_JS_TARGET_BYTES, FIELD_LOAD_TARGET_MS, type FieldAppFigures, measureFieldApp, OFFICE_JS_TARGET_BYTES } from './field.js';
import { buildRoster, rosterCsv, rosterXlsx } from './roster.js';
import { runSessionsBench, type SessionsSummaryRow } from './sessions.js';
import { runPhonesBench } from './phones.js';
import { benchTrainings } from './trainings.js';
import { benchDirectives } from './directives.js';
import { benchPortal } from './portal.js';
import { benchMaps } from './maps.js';
import { benchNational } from './national.js';
import { benchNationalRegistry, dropNationDatabase } from './national.registry.js';
import { benchNationalSessions } from './national.sessions.js';
import { benchCertificates, CERTIFICATES_COUNT, CERTIFICATES_TARGET_MS, type CertificateFigures } from './certificates.js';
import { COURSES_ROWS, runCoursesBench } from './courses.js';

const IMPORT_TARGET_ROWS_PER_S = 10_000;
const DISTRICT_TARGET_MS = 10_000;
const DISTRICT_FILES = 50;
const DISTRICT_MEMBERS = 20_000;
const REPORT_TARGET_MS = 100;
const PROVINCE = '14';
const PROVINCE_NAME = 'Sơn La';
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024; // the server's default NGOSO_MAX_UPLOAD_MB

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const ROWS = Number(option('rows') ?? 100_000);
const PG_URL = option('pg-url') ?? process.env.NGOSO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const here = path.dirname(fileURLToPath(import.meta.url));
const benchStarted = performance.now();

// ---------- printing ----------
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const verdict = (ok: boolean) => (ok ? 'đạt (OK)' : 'chưa đạt (MISS)');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? lpad(c, widths[i]) : pad(c, widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
const log = (s = '') => console.log(s);

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

/** The commit measured, and whether src/ has changes not yet committed. */
function codeVersion(): string {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: path.join(here, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ` + ${dirty} uncommitted change(s) in src/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function machine(): string {
  const cpus = os.cpus();
  let distro = '';
  try {
    distro = /PRETTY_NAME="?([^"\n]+)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    /* not Linux */
  }
  const pglite = JSON.parse(readFileSync(path.join(here, '..', 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
  return [
    `CPU:     ${cpus[0]?.model.trim() ?? '?'} × ${cpus.length}`,
    `Memory:  ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `OS:      ${distro ? `${distro}, ` : ''}${os.type()} ${os.release()} ${os.arch()}`,
    `Node:    ${process.version}, PGlite ${pglite}`,
    `Code:    ${codeVersion()}`,
    `Load:    ${loadavg()} (load average 1/5/15 min; other work on the machine skews timings)`,
    `Date:    ${new Date().toISOString()} (${new Date().toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })} giờ Việt Nam)`,
  ].join('\n');
}

// ---------- import ----------
interface ImportRow {
  engine: string;
  kind: DatabaseFactory['kind'];
  format: 'CSV' | 'xlsx';
  bytes: number;
  result?: ImportResult;
  error?: string;
}

function runChild(job: ImportJob): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'import-child.ts'), [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (msg: { ok: boolean; result?: ImportResult; error?: string }) => {
      settled = true;
      if (msg.ok) resolve(msg.result!);
      else reject(new Error(msg.error));
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new Error(`import process ended (code ${code}, signal ${signal}) without a result`));
    });
    child.send(job);
  });
}

function phaseLine(label: string, rows: number, p: PhaseResult, isPg: boolean): string {
  const rate = rows / (p.ms / 1000);
  const target = isPg ? `  mục tiêu ≥ ${fmtInt(IMPORT_TARGET_ROWS_PER_S)} dòng/s: ${verdict(rate >= IMPORT_TARGET_ROWS_PER_S)}` : '';
  return `    ${pad(label, 8)} ${lpad(fmtMs(p.ms), 8)}  ${lpad(fmtInt(rate), 7)} dòng/s  (CPU Node ${lpad(fmtMs(p.cpuMs), 7)})  RSS đỉnh ${lpad(fmtMb(p.peakRss), 7)}${target}`;
}

function printProfile(p: PhaseResult, label: string) {
  if (!p.cpu) return;
  log(`      CPU (${label}), hàm tốn nhiều thời gian nhất — tự thân | kể cả hàm được gọi:`);
  for (let i = 0; i < Math.max(p.cpu.self.length, p.cpu.total.length); i++) {
    const a = p.cpu.self[i];
    const b = p.cpu.total[i];
    log(`        ${a ? `${lpad(fmtMs(a.ms), 8)} ${pad(a.name.slice(0, 52), 52)}` : ' '.repeat(61)} | ${b ? `${lpad(fmtMs(b.ms), 8)} ${b.name.slice(0, 60)}` : ''}`);
  }
}

// ---------- main ----------
const factories: DatabaseFactory[] = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ngoso-bench-'));
/** Drops the country-size database of --national if an interruption left it (its own `finally` drops it otherwise). */
let nationCleanup: (() => Promise<void>) | undefined;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const f of factories) await f.dispose().catch((e) => console.error(`  ! cleanup: ${(e as Error).message}`));
  if (nationCleanup) await nationCleanup().catch((e) => console.error(`  ! cleanup: ${(e as Error).message}`));
  rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: dropping the benchmark databases…`);
    void cleanup().finally(() => process.exit(130));
  });
}

if (flag('field-app')) {
  log('Ngõ Số — benchmark: ứng dụng hiện trường (--field-app)');
  log(machine());
  log();
  log('4. ỨNG DỤNG HIỆN TRƯỜNG (/field/)');
  try {
    await measureFieldApp(log);
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}`);
  }
  process.exit(0);
}

/** A benchmark of its own on PGlite and PostgreSQL (unless one is skipped): prints its heading, runs, exits 0 when every target was met. */
async function onBothDatabases(title: string, section: string, bench: (list: DatabaseFactory[], log: (s?: string) => void) => Promise<boolean>): Promise<never> {
  log(title);
  log(machine());
  log();
  log(section);
  let ok = false;
  try {
    const list: DatabaseFactory[] = [];
    if (!flag('postgres-only')) list.push(await pgliteFactory());
    if (!flag('pglite-only')) {
      const pg = await postgresFactory(PG_URL);
      if (pg) list.push(pg);
      else log(`  ! PostgreSQL không trả lời ở ${PG_URL}: bỏ qua.`);
    }
    factories.push(...list);
    ok = await bench(list, log);
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}`);
  }
  process.exit(ok ? 0 : 1);
}

if (flag('trainings')) await onBothDatabases('Ngõ Số — benchmark: báo cáo tập huấn (--trainings)', '7. BÁO CÁO TẬP HUẤN (mạng lưới Sơn La mô phỏng, một năm tập huấn)', benchTrainings);
if (flag('directives')) await onBothDatabases('Ngõ Số — benchmark: chỉ đạo tới từng tổ (--directives)', '8. CHỈ ĐẠO (mạng lưới Sơn La mô phỏng)', benchDirectives);
if (flag('national')) {
  log('Ngõ Số — benchmark: toàn quốc, bản sao logic tỉnh → toàn quốc (--national)');
  log(machine());
  log();
  log('11. TOÀN QUỐC: hai máy chủ tỉnh (cụm PostgreSQL riêng) và máy chủ toàn quốc đăng ký cả hai');
  let ok = false;
  try {
    const sizes = (option('national-sessions') ?? '1000000,5000000,10000000').split(',').map(Number);
    if (sizes.some((n, i) => !(Number.isInteger(n) && n > 0 && (i === 0 || n > sizes[i - 1])))) throw new Error(`--national-sessions: increasing session counts, e.g. 1000000,5000000,10000000 (got ${option('national-sessions')})`);
    const sessions = flag('no-national-sessions') ? undefined : (db: Db) => benchNationalSessions(db, { sizes, syncSeconds: Number(option('national-sync-seconds') ?? 15), senders: Number(option('sessions-senders') ?? 4) }, log);
    const replication = flag('no-national-replication') ? true : await benchNational(PG_URL, { seconds: Number(option('national-seconds') ?? 30), senders: Number(option('sessions-senders') ?? 4) }, log);
    nationCleanup = () => dropNationDatabase(PG_URL);
    const registry = await benchNationalRegistry(PG_URL, log, sessions);
    ok = replication && registry;
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}`);
  }
  process.exit(ok ? 0 : 1);
}
if (flag('maps')) await onBothDatabases('Ngõ Số — benchmark: bản đồ (--maps)', '10. BẢN ĐỒ: tỉnh 75 xã và cả nước 34 tỉnh trong Chromium (3G giả lập, CPU chậm 4×)', benchMaps);
if (flag('portal')) await onBothDatabases('Ngõ Số — benchmark: trang cho người dân (--portal)', '9. TRANG CHO NGƯỜI DÂN: GET /tin/ID, một bài tin với 200 bình luận (máy chủ HTTP thật)', benchPortal);

if (flag('certificates')) {
  log('Ngõ Số — benchmark: giấy chứng nhận tập huấn (--certificates)');
  log(machine());
  log();
  log(`6. GIẤY CHỨNG NHẬN TẬP HUẤN (PDF, ${fmtInt(CERTIFICATES_COUNT)} trang)`);
  let figures: CertificateFigures | undefined;
  try {
    figures = await benchCertificates(log);
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}`);
  }
  process.exit(figures.pages === CERTIFICATES_COUNT && figures.ms <= CERTIFICATES_TARGET_MS ? 0 : 1);
}

if (flag('phones')) {
  log('Ngõ Số — benchmark: nhiều điện thoại đồng bộ cùng lúc vào một máy chủ (--phones)');
  log(machine());
  log();
  let failed = true;
  try {
    const pg = flag('pglite-only') ? null : await postgresFactory(PG_URL);
    if (pg) factories.push(pg);
    else if (!flag('pglite-only')) log(`  ! PostgreSQL không trả lời ở ${PG_URL}: bỏ qua.`);
    const opts = { phones: Number(option('phones-count') ?? 200), seconds: Number(option('phones-seconds') ?? 30), compareMainThread: flag('phones-main-thread') };
    log(`5. ${opts.phones} ĐIỆN THOẠI, mỗi máy đồng bộ lô 1–5 buổi liên tục trong ${opts.seconds} s (máy chủ thật, tiến trình riêng)`);
    failed = (await runPhonesBench(pg && pg.freshUrl ? { freshUrl: pg.freshUrl } : null, opts, log)).failed;
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}; load average lúc kết thúc ${loadavg()}`);
  }
  process.exit(failed ? 1 : 0);
}

if (flag('courses')) {
  log('Ngõ Số — benchmark: danh sách hoàn thành khóa học quốc gia (--courses)');
  log(machine());
  log();
  log(`8. DANH SÁCH HOÀN THÀNH KHÓA HỌC: ${fmtInt(COURSES_ROWS)} dòng (.xlsx), đối chiếu với sổ thành viên`);
  let ok = false;
  try {
    if (!flag('postgres-only')) factories.push(await pgliteFactory());
    const pg = flag('pglite-only') ? null : await postgresFactory(PG_URL);
    if (pg) factories.push(pg);
    else if (!flag('pglite-only')) log(`  ! PostgreSQL không trả lời ở ${PG_URL}: bỏ qua.`);
    ok = (await runCoursesBench(factories, log, tmp)).every((f) => f.ok);
  } finally {
    await cleanup();
    log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}; load average lúc kết thúc ${loadavg()}`);
  }
  process.exit(ok ? 0 : 1);
}

const importRows: ImportRow[] = [];
let fieldFigures: FieldAppFigures | undefined;
let certificateFigures: CertificateFigures | undefined;
const reportRows: { engine: string; kind: string; what: string; lat: Latency; noStats?: Latency }[] = [];
const districtRows: { engine: string; kind: string; result: DistrictResult }[] = [];
let sessionRows: SessionsSummaryRow[] = [];

try {
  log('Ngõ Số — benchmark');
  log('==================');
  log(machine());
  log(`Options: rows=${fmtInt(ROWS)}${flag('pglite-only') ? ', --pglite-only' : ''}${flag('postgres-only') ? ', --postgres-only' : ''}${flag('profile') ? ', --profile' : ''}${option('format') ? `, --format=${option('format')}` : ''}`);
  log();

  // databases with the catalogue, as templates
  log('Chuẩn bị cơ sở dữ liệu (migrations + danh mục hành chính, một lần làm khuôn mẫu)…');
  let dumpFile: string | undefined;
  if (!flag('postgres-only')) {
    const t = performance.now();
    const f = await pgliteFactory();
    factories.push(f);
    dumpFile = path.join(tmp, 'catalogue.pglite.tar');
    writeFileSync(dumpFile, Buffer.from(await f.dump!.arrayBuffer()));
    log(`  ${f.label}: sẵn sàng sau ${fmtMs(performance.now() - t)}`);
  }
  if (!flag('pglite-only')) {
    const t = performance.now();
    const f = await postgresFactory(PG_URL);
    if (f) {
      factories.push(f);
      log(`  ${f.label} tại ${PG_URL.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')}: sẵn sàng sau ${fmtMs(performance.now() - t)}`);
    } else {
      log(`  PostgreSQL: không kết nối được ${PG_URL} — bỏ qua PostgreSQL (chạy với --pglite-only để bỏ qua ghi chú này).`);
    }
  } else {
    log('  PostgreSQL: bỏ qua (--pglite-only).');
  }
  if (factories.length === 0) throw new Error('Không có cơ sở dữ liệu nào để đo.');
  log();

  // ---------- 1. import ----------
  if (!flag('no-import') && !flag('sessions')) {
    log(`1. NHẬP DANH SÁCH ${fmtInt(ROWS)} THÀNH VIÊN (${PROVINCE_NAME}, mã ${PROVINCE})`);
    const t = performance.now();
    const probe = await factories[0].fresh('communes');
    const communes = (
      await queryRows<{ name: string }>(probe.db, sql`select name from admin_units where province_code = ${PROVINCE} and level = 'commune' and valid_to is null order by code`)
    ).map((r) => r.name);
    await probe.close();
    const roster = buildRoster(PROVINCE_NAME, communes, ROWS);
    const csv = rosterCsv(roster);
    const csvFile = path.join(tmp, 'roster-100k.csv');
    writeFileSync(csvFile, csv);
    const xlsx = await rosterXlsx(roster, path.join(tmp, 'roster-100k.xlsx'));
    log(
      `  Tệp sinh ra (không tính vào thời gian đo, ${fmtMs(performance.now() - t)}): ${fmtInt(roster.rows.length)} dòng trên ${roster.communes} xã/phường, ` +
        `${fmtInt(roster.villages)} thôn/bản/tiểu khu (tổ cấp thôn) + ${roster.communes} tổ cấp xã (${fmtInt(roster.communeTeamRows)} thành viên); ` +
        `CSV ${(csv.length / 1048576).toFixed(1)} MB, xlsx ${(xlsx.length / 1048576).toFixed(1)} MB (giới hạn tải lên ${MAX_UPLOAD_BYTES / 1048576} MB)`,
    );
    const maxBytes = Math.max(MAX_UPLOAD_BYTES, csv.length, xlsx.length);
    if (maxBytes > MAX_UPLOAD_BYTES) log(`  ! Tệp vượt giới hạn tải lên mặc định; đo với giới hạn ${(maxBytes / 1048576).toFixed(0)} MB.`);
    log('  Mỗi lần nhập: cơ sở dữ liệu mới, tiến trình riêng; chạy thử (dry run) rồi ghi (commit) cùng tệp.');
    if (flag('profile')) log('  --profile: mỗi lần chạy có hồ sơ CPU (V8), nên chậm hơn một chút so với khi đo bình thường.');
    for (const f of factories) {
      log(`  ${f.label}`);
      const formats = ([['CSV', csvFile, csv.length], ['xlsx', path.join(tmp, 'roster-100k.xlsx'), xlsx.length]] as const).filter(
        ([format]) => !option('format') || option('format')!.toLowerCase() === format.toLowerCase(),
      );
      for (const [format, file, bytes] of formats) {
        const row: ImportRow = { engine: f.label, kind: f.kind, format, bytes };
        importRows.push(row);
        try {
          const databaseUrl = f.freshUrl ? await f.freshUrl(`import_${format}`) : undefined;
          const result = await runChild({ engine: f.kind, dumpFile, databaseUrl, file, fileName: path.basename(file), maxBytes, profile: flag('profile') });
          row.result = result;
          const r = result;
          log(`   ${format}: RSS trước khi nhập ${fmtMb(r.rssBefore)}`);
          log(phaseLine('dry run', ROWS, r.dry, f.kind === 'postgres'));
          log(`    chạy thử ghi gì không: ${r.dry.writingTransactions === 0 ? 'không (0 giao dịch ghi, kể cả giao dịch bị huỷ)' : `CÓ: ${r.dry.writingTransactions} giao dịch ghi (MISS)`}`);
          printProfile(r.dry, 'dry run');
          log(phaseLine('commit', ROWS, r.commit, f.kind === 'postgres'));
          printProfile(r.commit, 'commit');
          const c = r.commit.counts;
          log(
            `    kết quả: mới ${fmtInt(c.new)}, cập nhật ${c.updated}, không đổi ${c.unchanged}, lỗi ${c.invalid}; tạo ${fmtInt(r.commit.createdVillages)} thôn/bản, ${fmtInt(r.commit.createdTeams)} tổ; ` +
              `trong CSDL: ${fmtInt(r.written.members)} người, ${fmtInt(r.written.memberships)} tư cách thành viên, ${fmtInt(r.written.teams)} tổ`,
          );
          if (r.commit.firstProblems.length) log(`    vấn đề (${r.commit.problems}): ${r.commit.firstProblems.join(' | ')}`);
        } catch (err) {
          row.error = (err as Error).message.split('\n')[0];
          log(`   ${format}: LỖI ${row.error}`);
        }
      }
    }
    log();
  }

  // ---------- 2. network report ----------
  if (!flag('no-report') && !flag('sessions')) {
    log(`2. BÁO CÁO MẠNG LƯỚI: tỉnh ${PROVINCE_NAME} với 10.000 tổ, 60.000 thành viên`);
    for (const f of factories) {
      const d = await f.fresh('report');
      try {
        const ds = await buildNetworkDataset(d.db, { province: PROVINCE, teams: 10_000, members: 60_000 });
        log(`  ${f.label}: dữ liệu ${fmtInt(ds.teams)} tổ (${ds.communes.length} cấp xã, ${fmtInt(ds.villages)} cấp thôn), ${fmtInt(ds.members)} người, ${fmtInt(ds.memberships)} tư cách thành viên — nạp trong ${fmtMs(ds.setupMs)}`);
        // before statistics exist: PGlite has no autovacuum, so this is how it stays unless someone runs ANALYZE
        const noStats = await measureReport(d.db, PROVINCE, 1, 5);
        log(`    chưa ANALYZE (1 khởi động + 5 lần đo): tỉnh p50 ${fmtMs(noStats.p50)}, p95 ${fmtMs(noStats.p95)}`);
        const t = performance.now();
        await d.db.execute(sql`analyze`);
        log(`    ANALYZE: ${fmtMs(performance.now() - t)}${f.kind === 'postgres' ? ' (autovacuum làm việc này sau khi nạp hàng loạt)' : ' (PGlite không có autovacuum)'}`);
        const province = await measureReport(d.db, PROVINCE);
        const r = province.report;
        const ok = r.teams.total === ds.teams && r.members.total === ds.memberships && r.people === ds.members;
        log(
          `    tỉnh, tính lại sau mỗi thay đổi (5 khởi động + 30 lần đo): p50 ${fmtMs(province.p50)}, p95 ${fmtMs(province.p95)} (min ${fmtMs(province.min)}, max ${fmtMs(province.max)})  mục tiêu ≤ ${REPORT_TARGET_MS} ms: p50 ${verdict(province.p50 <= REPORT_TARGET_MS)}, p95 ${verdict(province.p95 <= REPORT_TARGET_MS)}` +
            `\n      kiểm tra: ${fmtInt(r.teams.total)} tổ, ${fmtInt(r.members.total)} tư cách thành viên, ${fmtInt(r.people)} người, ${r.children.length} xã/phường ${ok ? '✓' : '✗ KHÔNG KHỚP dữ liệu nạp'}`,
        );
        reportRows.push({ engine: f.label, kind: f.kind, what: `tỉnh ${PROVINCE} (tính lại)`, lat: province, noStats });
        const cachedProvince = await measureReport(d.db, PROVINCE, 1, 30, false);
        log(`    tỉnh, ấm (không đổi dữ liệu giữa các lần: bộ nhớ đệm theo phiên bản sổ): p50 ${fmtMs(cachedProvince.p50)}, p95 ${fmtMs(cachedProvince.p95)}  mục tiêu ≤ ${REPORT_TARGET_MS} ms: p95 ${verdict(cachedProvince.p95 <= REPORT_TARGET_MS)}`);
        reportRows.push({ engine: f.label, kind: f.kind, what: `tỉnh ${PROVINCE} (ấm)`, lat: cachedProvince });
        const commune = ds.communes[0];
        const cl = await measureReport(d.db, commune.code);
        log(
          `    xã ${commune.name} (${commune.code}, ${cl.report.teams.total} tổ, ${cl.report.people} người): p50 ${fmtMs(cl.p50)}, p95 ${fmtMs(cl.p95)}  mục tiêu ≤ ${REPORT_TARGET_MS} ms: p50 ${verdict(cl.p50 <= REPORT_TARGET_MS)}, p95 ${verdict(cl.p95 <= REPORT_TARGET_MS)}`,
        );
        reportRows.push({ engine: f.label, kind: f.kind, what: `xã ${commune.code}`, lat: cl });
      } finally {
        await d.close();
      }
    }
    log();
  }

  // ---------- 3. support sessions ----------
  if (!flag('no-sessions')) {
    sessionRows = await runSessionsBench(
      factories,
      {
        rows: Number(option('sessions-rows') ?? 1_000_000),
        ingestSeconds: Number(option('sessions-seconds') ?? 60),
        httpSeconds: Number(option('sessions-http-seconds') ?? 20),
        senders: Number(option('sessions-senders') ?? 4),
        ingest: !flag('no-sessions-ingest'),
        dashboard: !flag('no-sessions-dashboard'),
      },
      log,
      tmp,
    );
  }

  // ---------- 4. field app ----------
  if (!flag('no-field-app')) {
    log('4. ỨNG DỤNG HIỆN TRƯỜNG (/field/)');
    const t = performance.now();
    fieldFigures = await measureFieldApp(log).catch((err: Error) => {
      log(`  LỖI: ${err.message.split('\n')[0]}`);
      return undefined;
    });
    log(`  (đo trong ${fmtMs(performance.now() - t)})`);
    log();
  }

  // ---------- 6. certificates ----------
  if (!flag('no-certificates')) {
    log(`6. GIẤY CHỨNG NHẬN TẬP HUẤN (PDF, ${fmtInt(CERTIFICATES_COUNT)} trang)`);
    certificateFigures = await benchCertificates(log).catch((err: Error) => {
      log(`  LỖI: ${err.message.split('\n')[0]}`);
      return undefined;
    });
    log();
  }

  // ---------- 3. district batch ----------
  if (!flag('no-district')) {
    log(`3. LÔ TỆP CỦA MỘT HUYỆN: ${DISTRICT_FILES} tệp, ${fmtInt(DISTRICT_MEMBERS)} thành viên (${PROVINCE_NAME})`);
    const probe = await factories[0].fresh('district_communes');
    const communes = (
      await queryRows<{ name: string }>(probe.db, sql`select name from admin_units where province_code = ${PROVINCE} and level = 'commune' and valid_to is null order by code`)
    ).map((r) => r.name);
    await probe.close();
    const made = await districtZip(PROVINCE_NAME, communes, DISTRICT_FILES, DISTRICT_MEMBERS);
    const zipFile = path.join(tmp, 'huyen.zip');
    writeFileSync(zipFile, made.zip);
    log(`  huyen.zip ${(made.zip.length / 1048576).toFixed(1)} MB: ${made.xlsx} tệp .xlsx (mẫu có quốc hiệu, tiêu đề) + ${made.csv} tệp CSV; nhập như \`ngoso import huyen.zip\`: chạy thử cả lô rồi ghi cả lô, mỗi tệp một giao dịch.`);
    for (const f of factories) {
      try {
        const databaseUrl = f.freshUrl ? await f.freshUrl('district') : undefined;
        const r = await new Promise<DistrictResult>((resolve, reject) => {
          const child = fork(path.join(here, 'district.ts'), ['--district-child'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.on('message', (msg: { ok: boolean; result?: DistrictResult; error?: string }) => (msg.ok ? resolve(msg.result!) : reject(new Error(msg.error))));
          child.on('exit', (code) => reject(new Error(`district process ended (code ${code}) without a result`)));
          child.send({ databaseUrl, dumpFile, zipFile, maxBytes: MAX_UPLOAD_BYTES } satisfies DistrictJob);
        });
        const total = r.dryMs + r.commitMs;
        const target = f.kind === 'postgres' ? `  mục tiêu ≤ ${DISTRICT_TARGET_MS / 1000} s: ${verdict(total <= DISTRICT_TARGET_MS)}` : '';
        log(`  ${f.label}: chạy thử ${fmtMs(r.dryMs)} + ghi ${fmtMs(r.commitMs)} = ${fmtMs(total)}, ${fmtInt((2 * DISTRICT_MEMBERS) / (total / 1000))} dòng/s (mỗi dòng đọc hai lần), CPU Node ${fmtMs(r.cpuMs)}, RSS đỉnh ${fmtMb(r.peakRss)}${target}`);
        log(`    kết quả: ${r.files} tệp, mới ${fmtInt(r.counts.new)}, cập nhật ${r.counts.updated}, không đổi ${r.counts.unchanged}, lỗi ${r.counts.invalid}, ${r.problems} vấn đề; trong CSDL ${fmtInt(r.members)} người${r.failed.length ? `; tệp lỗi: ${r.failed.join(' | ')}` : ''}`);
        districtRows.push({ engine: f.label, kind: f.kind, result: r });
      } catch (err) {
        log(`  ${f.label}: LỖI ${(err as Error).message.split('\n')[0]}`);
      }
    }
    log();
  }

  // ---------- summary ----------
  log('TÓM TẮT');
  if (importRows.length) {
    const rows: string[][] = [];
    for (const r of importRows) {
      if (!r.result) {
        rows.push([r.engine, r.format, 'LỖI', '', '', '', '', '', '']);
        continue;
      }
      const dry = ROWS / (r.result.dry.ms / 1000);
      const commit = ROWS / (r.result.commit.ms / 1000);
      const isPg = r.kind === 'postgres';
      rows.push([
        r.engine,
        r.format,
        fmtMs(r.result.dry.ms),
        fmtInt(dry),
        fmtMs(r.result.commit.ms),
        fmtInt(commit),
        fmtMb(Math.max(r.result.dry.peakRss, r.result.commit.peakRss)),
        isPg ? `≥ ${fmtInt(IMPORT_TARGET_ROWS_PER_S)}/s` : '—',
        isPg ? `dry ${dry >= IMPORT_TARGET_ROWS_PER_S ? 'OK' : 'MISS'}, commit ${commit >= IMPORT_TARGET_ROWS_PER_S ? 'OK' : 'MISS'}` : '(không có mục tiêu)',
      ]);
    }
    log(`Nhập ${fmtInt(ROWS)} dòng:`);
    log(table(['CSDL', 'tệp', 'dry run', 'dòng/s', 'commit', 'dòng/s', 'RSS đỉnh', 'mục tiêu', 'kết quả'], rows, [false, false, true, true, true, true, true, false, false]));
    log('(RSS đỉnh: tiến trình Node đang nhập; với PGlite gồm cả bộ nhớ WASM của CSDL, với PostgreSQL không gồm máy chủ.)');
    log();
  }
  if (districtRows.length) {
    log(`Lô ${DISTRICT_FILES} tệp, ${fmtInt(DISTRICT_MEMBERS)} thành viên (chạy thử + ghi):`);
    log(
      table(
        ['CSDL', 'chạy thử', 'ghi', 'tổng', 'dòng/s', 'RSS đỉnh', 'mục tiêu', 'kết quả'],
        districtRows.map(({ engine, kind, result: r }) => {
          const total = r.dryMs + r.commitMs;
          return [engine, fmtMs(r.dryMs), fmtMs(r.commitMs), fmtMs(total), fmtInt((2 * DISTRICT_MEMBERS) / (total / 1000)), fmtMb(r.peakRss), kind === 'postgres' ? `≤ ${DISTRICT_TARGET_MS / 1000} s` : '—', kind === 'postgres' ? (total <= DISTRICT_TARGET_MS ? 'OK' : 'MISS') : '(không có mục tiêu)'];
        }),
        [false, true, true, true, true, true, false, false],
      ),
    );
    log();
  }
  if (reportRows.length) {
    log('Báo cáo mạng lưới (ấm, sau ANALYZE; 5 khởi động + 30 lần đo):');
    log(
      table(
        ['CSDL', 'đơn vị', 'p50', 'p95', 'chưa ANALYZE p50', 'mục tiêu', 'kết quả'],
        reportRows.map((r) => [
          r.engine,
          r.what,
          fmtMs(r.lat.p50),
          fmtMs(r.lat.p95),
          r.noStats ? fmtMs(r.noStats.p50) : '',
          `≤ ${REPORT_TARGET_MS} ms`,
          `p50 ${r.lat.p50 <= REPORT_TARGET_MS ? 'OK' : 'MISS'}, p95 ${r.lat.p95 <= REPORT_TARGET_MS ? 'OK' : 'MISS'}`,
        ]),
        [false, false, true, true, true, false, false],
      ),
    );
    log();
  }
  if (sessionRows.length) {
    log('Buổi hỗ trợ:');
    log(table(['CSDL', 'phép đo', 'kết quả đo', 'mục tiêu', 'kết quả'], sessionRows.map((r) => [r.engine, r.what, r.value, r.target, r.result])));
    log();
  }
  if (fieldFigures) {
    const load = [...fieldFigures.firstLoads].sort((a, b) => a - b)[Math.floor(fieldFigures.firstLoads.length / 2)];
    log('Ứng dụng hiện trường:');
    log(
      table(
        ['chỉ số', 'giá trị', 'mục tiêu', 'kết quả'],
        [
          ['JavaScript (gzip)', `${(fieldFigures.jsGzipTotal / 1024).toFixed(1)} KB`, `≤ ${FIELD_JS_TARGET_BYTES / 1024} KB`, fieldFigures.jsGzipTotal <= FIELD_JS_TARGET_BYTES ? 'OK' : 'MISS'],
          ['giao diện văn phòng /app.js (gzip)', `${(fieldFigures.officeJsGzip / 1024).toFixed(1)} KB`, `≤ ${OFFICE_JS_TARGET_BYTES / 1024} KB`, fieldFigures.officeJsGzip <= OFFICE_JS_TARGET_BYTES ? 'OK' : 'MISS'],
          ['lần đầu mở trên 3G, CPU 4× chậm', fmtMs(load), `≤ ${FIELD_LOAD_TARGET_MS / 1000} s`, load <= FIELD_LOAD_TARGET_MS ? 'OK' : 'MISS'],
        ],
        [false, true, false, false],
      ),
    );
    log();
  }
  if (certificateFigures) {
    const c = certificateFigures;
    log(`Giấy chứng nhận: ${fmtInt(c.pages)} trang trong ${fmtMs(c.ms)}, ${fmtInt(c.pages / (c.ms / 1000))} trang/s, ${(c.bytes / 1048576).toFixed(1)} MB; mục tiêu ≤ ${CERTIFICATES_TARGET_MS / 1000} s: ${c.ms <= CERTIFICATES_TARGET_MS ? 'OK' : 'MISS'}`);
    log();
  }
} finally {
  await cleanup();
  log(`Tổng thời gian chạy benchmark: ${fmtMs(performance.now() - benchStarted)}; load average lúc kết thúc ${loadavg()}`);
}

