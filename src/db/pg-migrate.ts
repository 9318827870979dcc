import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { AppError } from '../http/errors.js';
import { type Database, openDatabase } from './client.js';
import { embeddedSql, foreignKeyOrder, ident, listSequences, listTables, pgSql, rowCounts, schemaDifferences, type Sql, type TableInfo, tableChecksum, TEXT_SETTINGS } from './pg-migrate.tables.js';

/**
 * `ngoso migrate-to-postgres` (issue 18, item 3): a province that started on the embedded database
 * (PGlite in NGOSO_DATA_DIR) moves up to a PostgreSQL server, after which DATABASE_URL takes over.
 *
 * 1. The data directory is locked (db/lock.ts) as `npm start` locks it: the copy refuses while the
 *    server runs on it, and nobody can start it meanwhile. The source is migrated as a start would.
 * 2. The target gets the application's migrations (its own migrator, as a start on DATABASE_URL),
 *    then must hold no data: nothing beyond what the migrations themselves insert (the service
 *    catalogue, training topics…). A refusal names the tables and rows found and how to proceed.
 * 3. One transaction per table, in foreign-key order: rows read from PGlite in batches as JSON
 *    (to_json, keyset on ctid) and written with `INSERT … SELECT … FROM json_populate_recordset`,
 *    so every value goes through PostgreSQL's own input functions, exactly. The table's user
 *    triggers are disabled inside that transaction (ALTER TABLE … DISABLE TRIGGER USER, allowed to
 *    the tables' owner, unlike session_replication_role): the rollups (network_cells, support_*
 *    daily/monthly, training_reach…) and portal_articles.rev are copied as they are instead of
 *    being counted a second time by the triggers; foreign keys stay checked.
 * 4. Each sequence is set to its table's largest id (or the source's own position, if further).
 * 5. Verification: every table's row count and checksum (db/pg-migrate.tables.ts, the same SQL on
 *    both sides); `ok` is false on any difference.
 */

export interface MigrateOptions {
  /** the embedded database's directory (NGOSO_DATA_DIR) */
  dataDir: string;
  /** postgres://… of an empty database */
  databaseUrl: string;
  /** progress lines */
  log?: (line: string) => void;
  /** rows per batch read from PGlite (default 2,000; tables with bytea: 10) */
  batchRows?: number;
}

export interface TableCheck {
  table: string;
  source: { rows: number; sum: string };
  target: { rows: number; sum: string };
  ok: boolean;
}

export interface MigrateResult {
  tables: TableCheck[];
  ok: boolean;
  rows: number;
  sequences: number;
  ms: number;
}

const refused = (message: string) => new AppError('MIGRATION_REFUSED', message);

/** The URL with its password replaced by *** (for messages and the printed DATABASE_URL). */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || '(mặc định)';
}

/** Copies the embedded database at `dataDir` into the empty PostgreSQL database at `databaseUrl` and verifies it (see the module comment). */
export async function migrateToPostgres(opts: MigrateOptions): Promise<MigrateResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) throw refused(`--database-url cần dạng postgres://người_dùng@máy:cổng/tên_csdl (nhận được "${maskedUrl(opts.databaseUrl)}").`);
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) throw refused(`Không có cơ sở dữ liệu nhúng ở ${opts.dataDir}. Chỉ ra thư mục dữ liệu mà "npm start" dùng (NGOSO_DATA_DIR hoặc --data-dir).`);
  const source = await openSource(opts.dataDir);
  try {
    const client = await connectTarget(opts.databaseUrl);
    try {
      const [lock] = await pgSql(client).query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('ngoso migrate-to-postgres')) as ok`);
      if (!lock.ok) throw refused(`Một lệnh migrate-to-postgres khác đang chép vào ${maskedUrl(opts.databaseUrl)}.`);
      const migratedBefore = await prepareTarget(client, opts.databaseUrl, log);
      const src = embeddedSql(source.pglite!);
      const dst = pgSql(client);
      for (const s of TEXT_SETTINGS) {
        await src.query(s);
        await dst.query(s);
      }
      const tables = await listTables(src);
      const targetTables = await listTables(dst);
      const diff = schemaDifferences(tables, targetTables);
      if (diff.length) throw refused(`Lược đồ ở nguồn và đích khác nhau sau khi cùng áp dụng migrations (${diff.slice(0, 5).join('; ')}${diff.length > 5 ? '; …' : ''}). Hãy chạy lệnh bằng cùng phiên bản Ngõ Số với máy chủ.`);
      const seeds = await checkEmpty(dst, targetTables, migratedBefore, opts.databaseUrl, log);
      const order = foreignKeyOrder(tables);
      await clearSeeds(client, order, seeds);
      let rows = 0;
      for (const [i, t] of order.entries()) {
        const t0 = Date.now();
        const n = await copyTable(src, client, t, opts.batchRows ?? 2000, order.slice(0, i));
        rows += n;
        log(`  [${i + 1}/${order.length}] ${t.name}: ${n.toLocaleString('vi-VN')} dòng (${Date.now() - t0} ms)`);
      }
      const sequences = await setSequences(src, client);
      log(`Đã đặt ${sequences} dãy số (sequence) theo mã lớn nhất của bảng. Đang kiểm tra từng bảng…`);
      const checks: TableCheck[] = [];
      for (const t of order) {
        const [s, d] = [await tableChecksum(src, t), await tableChecksum(dst, t)];
        checks.push({ table: t.name, source: s, target: d, ok: s.rows === d.rows && s.sum === d.sum });
      }
      return { tables: checks, ok: checks.every((c) => c.ok), rows, sequences, ms: Date.now() - started };
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    await source.close();
  }
}

/** The embedded database, locked and migrated as `npm start` opens it; a held lock is refused with what to do. */
async function openSource(dataDir: string): Promise<Database> {
  try {
    return await openDatabase({ dataDir });
  } catch (err) {
    if (err instanceof AppError && err.code === 'DATABASE_IN_USE') {
      throw refused(`${err.message} Khi chuyển sang PostgreSQL, máy chủ phải dừng suốt lúc chép: dừng nó, chạy lại lệnh này, rồi khởi động máy chủ với DATABASE_URL.`);
    }
    throw err;
  }
}

async function connectTarget(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // an error after connect (the server going away) surfaces on the next query
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (err) {
    const e = err as { code?: string; message: string };
    const where = (() => {
      const u = new URL(url);
      return `${u.hostname}:${u.port || 5432}`;
    })();
    const name = databaseName(url);
    const message =
      e.code === 'ECONNREFUSED' ? `Không kết nối được PostgreSQL ở ${where}: máy chủ chưa chạy, hoặc sai máy/cổng.`
      : e.code === 'ENOTFOUND' ? `Không tìm thấy máy ${new URL(url).hostname}.`
      : e.code === '3D000' ? `Chưa có cơ sở dữ liệu "${name}" trên ${where}. Tạo nó trước (createdb ${name}, hoặc CREATE DATABASE "${name}"), rồi chạy lại.`
      : e.code === '28P01' || e.code === '28000' ? `PostgreSQL ở ${where} từ chối đăng nhập (${e.message}). Kiểm tra người dùng và mật khẩu trong --database-url.`
      : `Không kết nối được PostgreSQL ở ${where}: ${e.message}`;
    throw refused(message);
  }
}

/**
 * Refuses a database holding another application's tables, then applies the migrations with the
 * application's migrator. Returns whether the database had Ngõ Số's migrations before this run.
 */
async function prepareTarget(client: pg.Client, url: string, log: (line: string) => void): Promise<boolean> {
  const db = pgSql(client);
  const [state] = await db.query<{ migrated: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as migrated`);
  if (!state.migrated) {
    const other = await db.query<{ name: string }>(`
      select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%' order by 1 limit 6`);
    if (other.length) throw refused(`Cơ sở dữ liệu đích "${databaseName(url)}" đã có bảng không phải của Ngõ Số (${other.map((o) => o.name).slice(0, 5).join(', ')}${other.length > 5 ? ', …' : ''}). Hãy dùng một cơ sở dữ liệu mới, trống: createdb TÊN_MỚI.`);
  }
  log(`Áp dụng migrations của Ngõ Số lên ${maskedUrl(url)}…`);
  try {
    const target = await openDatabase({ databaseUrl: url });
    await target.close();
  } catch (err) {
    const e = err as { code?: string; message: string; cause?: { code?: string; message?: string } };
    const code = e.code ?? e.cause?.code;
    const hint = code === '42501' ? ' Người dùng trong --database-url cần là chủ của cơ sở dữ liệu (CREATE DATABASE … OWNER người_dùng).' : '';
    throw refused(`Không áp dụng được migrations lên đích: ${e.cause?.message ?? e.message}.${hint}`);
  }
  return state.migrated;
}

/**
 * Refuses a target holding data: rows beyond those the migrations insert (when the migrations ran
 * just now, everything there is theirs; when they ran before, a fresh in-memory database, migrated
 * the same way, says how many rows each table starts with). Returns the starting rows per table.
 */
async function checkEmpty(dst: Sql, tables: Map<string, TableInfo>, migratedBefore: boolean, url: string, log: (line: string) => void): Promise<Map<string, number>> {
  const counts = await rowCounts(dst, tables.values());
  if (!migratedBefore) return counts;
  log('Đích đã có lược đồ Ngõ Số từ trước: so với một cơ sở dữ liệu vừa tạo để biết ngoài dữ liệu khởi tạo còn gì (khoảng 10 giây)…');
  const fresh = await openDatabase({ dataDir: 'memory://' });
  let baseline: Map<string, number>;
  try {
    baseline = await rowCounts(embeddedSql(fresh.pglite!), tables.values());
  } finally {
    await fresh.close();
  }
  const extra = [...counts].filter(([t, n]) => n > (baseline.get(t) ?? 0)).sort((a, b) => b[1] - a[1]);
  if (extra.length) {
    const name = databaseName(url);
    const shown = extra.slice(0, 6).map(([t, n]) => `${t} ${n.toLocaleString('vi-VN')} dòng`).join(', ');
    throw refused(
      `Cơ sở dữ liệu đích "${name}" không trống: ${shown}${extra.length > 6 ? ` và ${extra.length - 6} bảng khác` : ''}. ` +
        `Lệnh chỉ chép vào một cơ sở dữ liệu trống, để không trộn hay ghi đè dữ liệu. Nếu đó là một lần chép trước (xong hay dở dang) và có thể bỏ: ` +
        `dropdb ${name} && createdb ${name}, rồi chạy lại; nếu không, hãy tạo một cơ sở dữ liệu mới (createdb TÊN_MỚI) và chép vào đó.`,
    );
  }
  return baseline;
}

/** Removes the rows the target's migrations inserted (they come again from the source, as the province changed them), children first. */
async function clearSeeds(client: pg.Client, order: TableInfo[], seeds: Map<string, number>) {
  const seeded = order.filter((t) => (seeds.get(t.name) ?? 0) > 0).reverse();
  if (!seeded.length) return;
  await inTransaction(client, async () => {
    for (const t of seeded) {
      await client.query(`alter table public.${ident(t.name)} disable trigger user`);
      await client.query(`delete from public.${ident(t.name)}`);
      await client.query('set constraints all immediate');
      await client.query(`alter table public.${ident(t.name)} enable trigger user`);
    }
  });
}

async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const out = await fn();
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

/**
 * Copies one table in one transaction on the target, its user triggers off (module comment).
 * A table with a foreign key to itself is gathered in a temporary table and inserted in one
 * statement, so that a row may point to one in a later batch.
 */
async function copyTable(src: Sql, client: pg.Client, t: TableInfo, batchRows: number, before: TableInfo[]): Promise<number> {
  const table = `public.${ident(t.name)}`;
  const cols = t.columns.filter((c) => !c.generated);
  const list = cols.map((c) => ident(c.name)).join(', ');
  const overriding = cols.some((c) => c.identity === 'a') ? ' overriding system value' : '';
  const into = t.selfRef ? 'ngoso_copy' : table;
  const limit = t.hasBytea ? Math.min(batchRows, 10) : batchRows;
  let copied = 0;
  try {
    await inTransaction(client, async () => {
      await client.query(`alter table ${table} disable trigger user`);
      if (t.selfRef) await client.query(`create temp table ngoso_copy (like ${table}) on commit drop`);
      for (const leaf of t.leaves) {
        let after = '(0,0)';
        for (;;) {
          const [b] = await src.query<{ n: number; last: string | null; rows: string | null }>(
            `select count(*)::int as n, max(b.ctid)::text as last, json_agg(b)::text as rows from (select ctid, * from ${leaf} where ctid > $1::tid order by ctid limit ${limit}) b`,
            [after],
          );
          if (!b.n) break;
          await client.query(`insert into ${into} (${list})${t.selfRef ? '' : overriding} select ${list} from json_populate_recordset(null::${table}, $1::json)`, [b.rows]);
          copied += b.n;
          after = b.last!;
        }
      }
      if (t.selfRef) await client.query(`insert into ${table} (${list})${overriding} select ${list} from ngoso_copy`);
      // foreign keys checked at commit (support_session_members → support_session_ids, migration 0025) are checked
      // now: ALTER TABLE refuses a table with checks pending, and a failure belongs to this table's message
      await client.query('set constraints all immediate');
      await client.query(`alter table ${table} enable trigger user`);
    });
  } catch (err) {
    const done = before.map((x) => x.name);
    throw new AppError(
      'MIGRATION_FAILED',
      `Chép bảng ${t.name} không thành (${(err as Error).message}); bảng này không được ghi gì. ${done.length ? `${done.length} bảng trước nó đã ở đích. ` : ''}` +
        `Hãy xoá và tạo lại cơ sở dữ liệu đích (dropdb … && createdb …) rồi chạy lại; máy chủ vẫn có thể chạy tiếp trên cơ sở dữ liệu nhúng, không có gì ở đó bị đổi.`,
    );
  }
  return copied;
}

/** Sets every sequence of the target to its column's largest value, or the source's position if further on; returns how many. */
async function setSequences(src: Sql, client: pg.Client): Promise<number> {
  const seqs = await listSequences(src);
  await inTransaction(client, async () => {
    for (const s of seqs) {
      const [pos] = await src.query<{ last: string; called: boolean }>(`select last_value::text as last, is_called as called from public.${ident(s.name)}`);
      let value = pos.called ? BigInt(pos.last) : 0n;
      if (s.table && s.column) {
        const [m] = (await client.query(`select max(${ident(s.column)})::text as max from public.${ident(s.table)}`)).rows as { max: string | null }[];
        if (m.max !== null && BigInt(m.max) > value) value = BigInt(m.max);
      }
      const name = `public.${ident(s.name)}`;
      await client.query(value > 0n ? 'select setval($1::regclass, $2::bigint, true)' : 'select setval($1::regclass, 1, false)', value > 0n ? [name, value.toString()] : [name]);
    }
  });
  return seqs.length;
}

/** The verification as a text table: each table's rows on both sides and its checksum, ✓ or ✗. */
export function formatChecks(checks: TableCheck[]): string[] {
  const w = Math.max(4, ...checks.map((c) => c.table.length));
  const num = (n: number) => n.toLocaleString('vi-VN').padStart(11);
  const lines = [`${'Bảng'.padEnd(w)}  ${'PGlite'.padStart(11)}  ${'PostgreSQL'.padStart(11)}  md5 (nguồn / đích)`];
  for (const c of checks) {
    const sums = c.source.sum === c.target.sum ? c.source.sum.slice(0, 12) : `${c.source.sum.slice(0, 12)} / ${c.target.sum.slice(0, 12)}`;
    lines.push(`${c.table.padEnd(w)}  ${num(c.source.rows)}  ${num(c.target.rows)}  ${sums}  ${c.ok ? '✓' : '✗ KHÁC'}`);
  }
  return lines;
}

/** What to set so that the server takes over on PostgreSQL (printed after a verified copy). */
export function takeOverHint(opts: { databaseUrl: string; dataDir: string; secretsFile: string }): string[] {
  const url = maskedUrl(opts.databaseUrl);
  const secretsInside = path.dirname(opts.secretsFile) === path.resolve(opts.dataDir);
  return [
    'Để máy chủ chạy trên PostgreSQL từ nay, khởi động nó với:',
    `  DATABASE_URL='${url}' NGOSO_DATA_DIR='${path.resolve(opts.dataDir)}' npm start`,
    ...(url !== opts.databaseUrl ? ['  (thay *** bằng mật khẩu; đặt nó trong tệp môi trường của dịch vụ, không ghi trên dòng lệnh)'] : []),
    `NGOSO_DATA_DIR vẫn cần: ${secretsInside ? `khoá mã hoá số điện thoại/căn cước (${path.basename(opts.secretsFile)}) và ` : ''}khoá web push (vapid.json) nằm ở đó${secretsInside ? '' : `; giữ cả NGOSO_SECRETS_FILE=${opts.secretsFile}`}.`,
    'Cơ sở dữ liệu nhúng không bị đổi: giữ nó làm bản sao lưu, nhưng đừng chạy máy chủ trên nó nữa (dữ liệu mới chỉ ghi vào PostgreSQL).',
  ];
}
