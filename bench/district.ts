import { ALL } from '../src/access/access.policy.js';
import { readFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { openDatabase, queryRows } from '../src/db/client.js';
import { expandArchives } from '../src/imports/imports.archive.js';
import { importRoster } from '../src/imports/imports.service.js';
import { buildRoster, HEADER } from './roster.js';
import { startRssSampler } from './rss.js';

/**
 * District batch for the benchmark: one .zip of `files` roster files (one per commune, mixed
 * .xlsx in the official shape with a motto block and title, and CSV), `members` members in all,
 * imported the way `ngoso import huyen.zip` does (expandArchives, then importRoster per file):
 * every file dry-run, then every file committed. Runs in its own process (forked by run.ts with
 * `--district-child`) so its peak RSS is its own.
 */
export async function districtZip(province: string, communes: string[], files: number, members: number): Promise<{ zip: Buffer; xlsx: number; csv: number }> {
  const chosen = communes.slice(0, files);
  const roster = buildRoster(province, chosen, members, 20251001);
  const zip = new JSZip();
  let xlsx = 0;
  for (const [i, commune] of chosen.entries()) {
    const short = commune.replace(/^(Xã|Phường|Đặc khu) /, '');
    const rows = roster.rows.filter((r) => r[1] === commune || r[1] === short);
    const slug = `${String(i + 1).padStart(2, '0')}-${short.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').replace(/\s+/g, '-').toLowerCase()}`;
    if (i % 2 === 0) {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Danh sách');
      ws.addRow([`UBND ${commune.toLocaleUpperCase('vi')}`, '', '', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']);
      ws.addRow(['', '', '', '', 'Độc lập - Tự do - Hạnh phúc']);
      ws.addRow([`DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG ${commune.toLocaleUpperCase('vi')}`]);
      ws.addRow([]);
      ws.addRow(['STT', ...HEADER]);
      rows.forEach((r, n) => ws.addRow([n + 1, r[0], r[1], r[2], r[3], r[4], r[5], Number(r[6]), r[7], r[8], r[9]]));
      ws.addRow([]);
      ws.addRow(['', '', '', '', '', '', '', '', 'TM. ỦY BAN NHÂN DÂN']);
      zip.file(`${slug}.xlsx`, Buffer.from(await wb.xlsx.writeBuffer()));
      xlsx++;
    } else {
      zip.file(`${slug}.csv`, '\ufeff' + stringify([HEADER, ...rows]));
    }
  }
  return { zip: Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })), xlsx, csv: chosen.length - xlsx };
}

export interface DistrictJob {
  databaseUrl?: string;
  dumpFile?: string;
  zipFile: string;
  maxBytes: number;
}

export interface DistrictResult {
  files: number;
  dryMs: number;
  commitMs: number;
  cpuMs: number;
  peakRss: number;
  counts: { new: number; updated: number; unchanged: number; invalid: number };
  problems: number;
  failed: string[];
  members: number;
}

async function child(job: DistrictJob): Promise<DistrictResult> {
  const sampler = startRssSampler();
  const database = job.databaseUrl
    ? await openDatabase({ databaseUrl: job.databaseUrl, migrate: false })
    : await openDatabase({ loadDataDir: new Blob([await readFile(job.dumpFile!)]), migrate: false });
  await queryRows(database.db, sql`select count(*) from admin_units`);
  const data = await readFile(job.zipFile);
  (globalThis as { gc?: () => void }).gc?.();
  sampler.reset();
  const cpu = process.cpuUsage();
  const failed: string[] = [];
  const counts = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  let problems = 0;
  let files = 0;
  const pass = async (commit: boolean) => {
    const started = performance.now();
    // as `ngoso import huyen.zip [--commit]`: the zip opened, each roster in its own transaction
    for (const file of await expandArchives([{ name: 'huyen.zip', data }], job.maxBytes)) {
      try {
        const report = await importRoster(database.db, file, { scope: ALL, commit, maxBytes: job.maxBytes });
        if (commit) {
          files++;
          problems += report.problems.length;
          for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += report.counts[k];
        }
      } catch (err) {
        failed.push(`${file.name}: ${(err as Error).message}`);
      }
    }
    return performance.now() - started;
  };
  const dryMs = await pass(false);
  const commitMs = await pass(true);
  const used = process.cpuUsage(cpu);
  const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members`);
  await database.close();
  const peakRss = sampler.peak();
  await sampler.stop();
  return { files, dryMs, commitMs, cpuMs: (used.user + used.system) / 1000, peakRss, counts, problems, failed, members: n };
}

if (process.argv.includes('--district-child')) {
  process.once('message', (job: DistrictJob) => {
    child(job).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (err: Error) => process.send!({ ok: false, error: err.stack ?? String(err) }, () => process.exit(1)),
    );
  });
}
