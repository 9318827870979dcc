import { ALL } from '../src/access/access.policy.js';
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/db/client.js';
import { importRoster, type FileReport } from '../src/imports/imports.service.js';
import { type CpuSummary, profiled } from './profile/cpu.js';
import { startRssSampler } from './rss.js';

/**
 * One roster import measured in its own process (forked by bench/run.ts), so that its peak RSS
 * is its own and not what earlier measurements left on the heap or in PGlite's WASM memory.
 * Opens the fresh database it is given, runs the dry run then the commit of the same file, and
 * sends back times, counts, what was written, and peak RSS for each phase.
 */
export interface ImportJob {
  engine: 'pglite' | 'postgres';
  /** PGlite: a dump (dumpDataDir) of a database holding the catalogue */
  dumpFile?: string;
  /** PostgreSQL: a fresh database copied from the catalogue template */
  databaseUrl?: string;
  file: string;
  fileName: string;
  maxBytes: number;
  /** take a CPU profile of each phase (bench/profile/cpu.ts) */
  profile: boolean;
}

export interface PhaseResult {
  ms: number;
  /** CPU time (user + system, all threads) of this process during the phase: less sensitive than wall time to other load on the machine; excludes the PostgreSQL server's own CPU */
  cpuMs: number;
  counts: FileReport['counts'];
  problems: number;
  createdVillages: number;
  createdTeams: number;
  peakRss: number;
  cpu?: CpuSummary;
  firstProblems: string[];
  /** transaction ids the database assigned during the phase: a transaction gets one only when it writes, so a dry run must use 0 */
  writingTransactions: number;
}

export interface ImportResult {
  rssBefore: number;
  dry: PhaseResult;
  commit: PhaseResult;
  written: { members: number; memberships: number; teams: number; villages: number };
  maxRss: number;
}

async function main(job: ImportJob): Promise<ImportResult> {
  const sampler = startRssSampler();
  const database =
    job.engine === 'pglite'
      ? await openDatabase({ loadDataDir: new Blob([await readFile(job.dumpFile!)]), migrate: false })
      : await openDatabase({ databaseUrl: job.databaseUrl!, migrate: false });
  const data = await readFile(job.file);
  // warm the connection (PostgreSQL pool / PGlite) so the first phase does not pay for it
  await queryRows(database.db, sql`select count(*) from admin_units`);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();

  // the next transaction id (txid_current_snapshot's xmax) does not assign one itself
  const nextXid = async () => Number((await queryRows<{ x: string }>(database.db, sql`select txid_snapshot_xmax(txid_current_snapshot())::text as x`))[0].x);
  const phase = async (commit: boolean): Promise<PhaseResult> => {
    const xidBefore = await nextXid();
    (globalThis as { gc?: () => void }).gc?.();
    sampler.reset();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const run = () => importRoster(database.db, { name: job.fileName, data }, { scope: ALL, commit, maxBytes: job.maxBytes });
    const { result: report, cpu: profile } = job.profile ? await profiled(run) : { result: await run(), cpu: undefined };
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpuBefore);
    const writingTransactions = (await nextXid()) - xidBefore;
    return {
      writingTransactions,
      ms,
      cpuMs: (used.user + used.system) / 1000,
      counts: report.counts,
      problems: report.problems.length,
      createdVillages: report.created.villages.length,
      createdTeams: report.created.teams.length,
      peakRss: sampler.peak(),
      cpu: profile,
      firstProblems: report.problems.slice(0, 3).map((p) => `dòng ${p.row}, ${p.column}: ${p.message}`),
    };
  };
  const dry = await phase(false);
  const commit = await phase(true);
  const [written] = await queryRows<ImportResult['written']>(
    database.db,
    sql`select (select count(*)::int from members) as members, (select count(*)::int from team_members) as memberships,
               (select count(*)::int from teams) as teams, (select count(*)::int from admin_units where level = 'village') as villages`,
  );
  await database.close();
  await sampler.stop();
  return { rssBefore, dry, commit, written, maxRss: process.resourceUsage().maxRSS * 1024 };
}

process.once('message', (job: ImportJob) => {
  main(job).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (err: Error) => process.send!({ ok: false, error: err.stack ?? String(err) }, () => process.exit(1)),
  );
});
