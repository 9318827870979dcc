import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { CATALOGUE_FINGERPRINT_SQL, catalogueFingerprint, isProvinceCode, provinceRange } from './national.keys.js';
import { PUBLICATION, PUBLISHED_TABLES } from './national.publication.js';

/**
 * The national server's side of the replication (issue 18, item 2): one subscription per province
 * (`CREATE SUBSCRIPTION ngoso_pCC … PUBLICATION ngoso_national`), PostgreSQL's own logical
 * replication, nothing home-made. Province data on the national server is read-only: the apply
 * workers write it, the application refuses to (NGOSO_NATIONAL=1, access/access.plugin.ts).
 */
const subscriptionName = (province: string) => `ngoso_p${province}`;

/**
 * The national server's own triggers: replicated rows fire only triggers enabled ALWAYS, and the
 * network report's cache is keyed by `registry_state.revision`, which a province's transaction
 * bumps on the province. So on the national server a change applied to the registry bumps it once
 * per applied transaction (a transaction-local marker), and no cached report outlives the change.
 * Idempotent.
 */
export async function prepareNational(db: Db): Promise<void> {
  // replication workers run with an empty search_path: the function names its schema
  await db.execute(sql`create or replace function public.national_registry_changed() returns trigger language plpgsql set search_path = public as $$
    begin
      if current_setting('ngoso.national_bumped', true) is distinct from txid_current()::text then
        update registry_state set revision = revision + 1 where id = 1;
        perform set_config('ngoso.national_bumped', txid_current()::text, true);
      end if;
      return null;
    end $$`);
  for (const table of ['admin_units', 'teams', 'members', 'team_members', 'team_statuses']) {
    await db.execute(sql.raw(`drop trigger if exists national_registry_changed on public.${table}`));
    await db.execute(sql.raw(`create trigger national_registry_changed after insert or update or delete on public.${table} for each row execute function public.national_registry_changed()`));
    await db.execute(sql.raw(`alter table public.${table} enable always trigger national_registry_changed`));
  }
  // Province data is written here by the apply workers only. The HTTP layer refuses writes, but a
  // read can write too (a certificate issued on first print, a directive marked received when a
  // team's phone fetches it): such a row would never reach the province, and the province's own
  // row would later conflict with it and stop the province's replication. A trigger enabled as
  // usual (ORIGIN) fires for this server's own sessions and never for the apply workers (they run
  // with session_replication_role = replica): every local write of a published table fails with
  // SQLSTATE 25006 (read-only), which the API answers READ_ONLY. A maintenance session that must
  // write (a repair by hand) sets ngoso.province_writes = on first.
  await db.execute(sql`create or replace function public.national_read_only() returns trigger language plpgsql set search_path = public as $$
    begin
      if current_setting('ngoso.province_writes', true) = 'on' then
        if tg_op = 'DELETE' then return old; end if;
        return new;
      end if;
      raise exception using errcode = '25006', message = format('%s: province data on the national server is written only by the replication (set ngoso.province_writes = on to repair by hand)', tg_table_name);
    end $$`);
  for (const table of PUBLISHED_TABLES) {
    await db.execute(sql.raw(`drop trigger if exists national_read_only on public.${table}`));
    await db.execute(sql.raw(`create trigger national_read_only before insert or update or delete on public.${table} for each row execute function public.national_read_only()`));
    await db.execute(sql.raw(`drop trigger if exists national_read_only_truncate on public.${table}`));
    await db.execute(sql.raw(`create trigger national_read_only_truncate before truncate on public.${table} for each statement execute function public.national_read_only()`));
  }
}

export interface SubscribeInput {
  /** the province's two-digit code */
  province: string;
  /** the province server's database as a postgres:// URL, as the national server reaches it */
  url: string;
}

/**
 * Subscribes the national database to a province server's publication, copying what it already
 * holds, then streaming every change. Checked first, each refusal saying what to do
 * (VALIDATION_FAILED: the code or the URL's form, provinceUrl; MIGRATION_REFUSED): the URL
 * reaches a province database that publishes `ngoso_national`, whose ids are in that province's
 * range and whose teams are that province's, whose catalogue is the national server's own (same
 * rows, same ids), as an account that may replicate and read every published table, with no
 * former subscription's slot left there, and of which the national server holds nothing yet.
 * The national PostgreSQL server's own refusal (it connects from where it runs) is said too.
 */
export async function subscribeProvince(db: Db, input: SubscribeInput): Promise<{ subscription: string }> {
  const range = provinceCode(input.province, 'integer');
  const url = provinceUrl(input.url);
  const name = subscriptionName(input.province);
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subname = ${name}`);
  if (existing.n) throw new AppError('MIGRATION_REFUSED', `Đã đăng ký nhận dữ liệu của tỉnh ${input.province} (${name}).`);
  // the same URL is what this process checks and what the national PostgreSQL server connects to (below)
  const publisher = new pg.Client({ connectionString: input.url, connectionTimeoutMillis: 15_000 });
  try {
    await publisher.connect();
  } catch (err) {
    throw new AppError('MIGRATION_REFUSED', `Không kết nối được máy chủ của tỉnh ${input.province} (${url.host}): ${(err as Error).message}.`);
  }
  try {
    // the account the national server connects as must stream changes and read every published table
    const role = await publisher.query(`select current_user as name, (rolsuper or rolreplication) as ok from pg_roles where rolname = current_user`);
    if (!role.rows[0].ok) {
      throw new AppError('MIGRATION_REFUSED', `Tài khoản "${role.rows[0].name}" trên máy chủ tỉnh ${input.province} không có quyền sao chép: trên máy chủ tỉnh chạy ALTER ROLE "${role.rows[0].name}" REPLICATION; rồi đăng ký lại.`);
    }
    const pub = await publisher.query(`select count(*)::int as n from pg_publication where pubname = $1`, [PUBLICATION]);
    if (!pub.rows[0].n) throw new AppError('MIGRATION_REFUSED', `Máy chủ tỉnh chưa phát dữ liệu: chạy "ngoso national publish" trên máy chủ của tỉnh ${input.province} trước.`);
    const unreadable = await publisher.query(`select t from unnest($1::text[]) t where to_regclass('public.' || t) is null or not has_table_privilege(current_user, 'public.' || t, 'SELECT') order by 1`, [['admin_units', ...PUBLISHED_TABLES]]);
    if (unreadable.rows.length) {
      throw new AppError('MIGRATION_REFUSED', `Tài khoản "${role.rows[0].name}" không đọc được ${unreadable.rows.length} bảng của máy chủ tỉnh ${input.province} (${unreadable.rows.slice(0, 5).map((r) => r.t).join(', ')}${unreadable.rows.length > 5 ? '…' : ''}): trên máy chủ tỉnh chạy GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${role.rows[0].name}"; rồi đăng ký lại.`);
    }
    const seq = await publisher.query(`select min_value::text as min from pg_sequences where schemaname = 'public' and sequencename = 'teams_id_seq'`);
    if (seq.rows[0]?.min !== String(range.lo)) throw new AppError('MIGRATION_REFUSED', `Cơ sở dữ liệu ở ${url.host} không phải của tỉnh ${input.province} (dãy mã số không khớp NGOSO_PROVINCE=${input.province}).`);
    // the range says which province's server made the ids; the teams say which province it keeps
    const foreign = await publisher.query(`select province_code as code, count(*)::int as n from teams where province_code <> $1 group by 1 order by 2 desc limit 3`, [input.province]);
    if (foreign.rows.length) {
      throw new AppError('MIGRATION_REFUSED', `Cơ sở dữ liệu ở ${url.host} có tổ của tỉnh khác (${foreign.rows.map((r) => `mã ${r.code}: ${r.n} tổ`).join(', ')}), không chỉ của tỉnh ${input.province}: hãy kiểm tra địa chỉ và NGOSO_PROVINCE của máy chủ đó.`);
    }
    const fp = await publisher.query(CATALOGUE_FINGERPRINT_SQL);
    const mine = await catalogueFingerprint(db);
    if (fp.rows[0].md5 !== mine.md5) {
      throw new AppError('MIGRATION_REFUSED', `Danh mục đơn vị hành chính của tỉnh ${input.province} (${fp.rows[0].units} đơn vị) khác danh mục của máy chủ toàn quốc (${mine.units}): hãy cập nhật cả hai lên cùng một phiên bản Ngõ Số.`);
    }
    // a slot of that name on the province is a former subscription's (a national database dropped without unsubscribing): it keeps WAL, and blocks a new one
    const slot = await publisher.query(`select active from pg_replication_slots where slot_name = $1`, [name]);
    if (slot.rows.length) {
      throw new AppError('MIGRATION_REFUSED', `Máy chủ tỉnh ${input.province} còn khe sao chép "${name}" của một lần đăng ký trước${slot.rows[0].active ? ' (đang được dùng: một máy chủ toàn quốc khác vẫn đang nhận dữ liệu của tỉnh)' : ''}. Nếu không máy chủ toàn quốc nào còn dùng nó, trên máy chủ tỉnh chạy SELECT pg_drop_replication_slot('${name}'); rồi đăng ký lại.`);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('MIGRATION_REFUSED', `Máy chủ tỉnh ${input.province} (${url.host}) từ chối khi kiểm tra: ${databaseMessage(err)}.`);
  } finally {
    await publisher.end().catch(() => {});
  }
  const [held] = await queryRows<{ n: number }>(db, sql`select (select count(*)::int from teams where province_code = ${input.province}) + (select count(*)::int from admin_units where id >= ${Number(range.lo)} and id < ${Number(range.hi)}) as n`);
  if (held.n) throw new AppError('MIGRATION_REFUSED', `Máy chủ toàn quốc đã có dữ liệu của tỉnh ${input.province} mà không có đăng ký: hãy xoá dữ liệu đó trước khi đăng ký lại.`);
  await prepareNational(db);
  const literal = input.url.replace(/'/g, "''");
  // CREATE SUBSCRIPTION cannot run in a transaction block: one statement on its own. The national
  // PostgreSQL server connects from where it runs (not from this process): its refusal is said
  // without the statement (the URL may hold a password)
  try {
    await db.execute(sql.raw(`create subscription ${name} connection '${literal}' publication ${PUBLICATION} with (copy_data = true)`));
  } catch (err) {
    throw new AppError('MIGRATION_REFUSED', `Máy chủ PostgreSQL toàn quốc không tạo được đăng ký nhận dữ liệu của tỉnh ${input.province} (${url.host}): ${databaseMessage(err)}. Máy chủ PostgreSQL toàn quốc phải tự kết nối được tới địa chỉ đó (tường lửa, pg_hba.conf của tỉnh cho phép kết nối replication).`);
  }
  return { subscription: name };
}

/** A province code as given to `ngoso national` (--province): its id range. Errors: VALIDATION_FAILED. */
function provinceCode(code: string, dataType: string) {
  if (!isProvinceCode(code)) throw new AppError('VALIDATION_FAILED', `--province ${JSON.stringify(code)}: hãy ghi mã tỉnh hai chữ số theo danh mục của Tổng cục Thống kê (ví dụ --province 14 cho Sơn La).`);
  return provinceRange(code, dataType);
}

/** Query parameters of a province URL that do not change which server and database it reaches. */
const URL_PARAMETERS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'application_name', 'connect_timeout']);

/**
 * A province server's URL, checked so that this process (node-postgres) and the national
 * PostgreSQL server (libpq, CREATE SUBSCRIPTION) reach the same database: postgres:// with a host
 * and a database, no second host, and no query parameter that names another target (`?dbname=`,
 * `?host=`, `?port=`, `?service=`… are read by one client and not the other). Errors: VALIDATION_FAILED.
 */
function provinceUrl(text: string): URL {
  const shape = 'postgres://người_dùng:mật_khẩu@máy:cổng/cơ_sở_dữ_liệu';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('VALIDATION_FAILED', `--url: địa chỉ không đọc được; hãy ghi dạng ${shape}.`);
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new AppError('VALIDATION_FAILED', `--url: "${url.protocol}//…" không phải địa chỉ PostgreSQL; hãy ghi dạng ${shape}.`);
  if (!url.hostname || url.hostname.includes(',')) throw new AppError('VALIDATION_FAILED', `--url: hãy ghi đúng một máy chủ của tỉnh (tên hoặc địa chỉ IP), dạng ${shape}.`);
  if (url.pathname.length < 2 || url.pathname.slice(1).includes('/')) throw new AppError('VALIDATION_FAILED', `--url: hãy ghi tên cơ sở dữ liệu của tỉnh sau dấu "/", dạng ${shape}.`);
  const other = [...url.searchParams.keys()].filter((k) => !URL_PARAMETERS.has(k));
  if (other.length) throw new AppError('VALIDATION_FAILED', `--url: không dùng được tham số ${other.map((k) => `"${k}"`).join(', ')} (chỉ ${[...URL_PARAMETERS].join(', ')}); máy chủ, cổng, cơ sở dữ liệu và người dùng ghi trong phần chính của địa chỉ.`);
  return url;
}

/** A database error's own message (never drizzle's, which carries the statement). */
function databaseMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause;
  return (cause?.message ?? (err as Error).message).replace(/\s+/g, ' ').trim();
}

/**
 * Ends a province's subscription; its replication slot on the province server is dropped too,
 * which needs the province server reachable. `force`: when it is not, the subscription is dropped
 * all the same, and the slot is left for the operator to drop on the province (said in the answer).
 * Errors: NOT_FOUND, MIGRATION_REFUSED (province unreachable without `force`).
 */
export async function unsubscribeProvince(db: Db, province: string, opts: { force?: boolean } = {}): Promise<{ slotLeft: string | null }> {
  provinceCode(province, 'integer');
  const name = subscriptionName(province);
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subname = ${name}`);
  if (!existing.n) throw new AppError('NOT_FOUND', `Không có đăng ký nhận dữ liệu của tỉnh ${province}.`);
  try {
    await db.execute(sql.raw(`drop subscription ${name}`));
    return { slotLeft: null };
  } catch (err) {
    if (!opts.force) {
      throw new AppError('MIGRATION_REFUSED', `Không thôi nhận được dữ liệu của tỉnh ${province}: ${databaseMessage(err)}. Khi máy chủ tỉnh kết nối lại được, chạy lại lệnh; nếu máy chủ đó không còn, chạy lại với --force (khe sao chép "${name}" trên máy chủ tỉnh, nếu còn, phải xoá tay ở đó).`);
    }
  }
  await db.execute(sql.raw(`alter subscription ${name} disable`));
  await db.execute(sql.raw(`alter subscription ${name} set (slot_name = none)`));
  await db.execute(sql.raw(`drop subscription ${name}`));
  return { slotLeft: name };
}

/**
 * After both servers are upgraded to a version that replaced published tables (migration 0024
 * made the sessions and rollups partitioned tables): the national server's guard on the new
 * tables (prepareNational), and the subscription takes up the province's republished tables
 * without copying again what the national server's own migration kept (`REFRESH PUBLICATION WITH
 * (copy_data = false)`). Run with the province's server stopped, after `ngoso national publish` on
 * it, so that no change falls between (README, "Toàn quốc"). Errors: VALIDATION_FAILED (the code),
 * NOT_FOUND (no subscription), MIGRATION_REFUSED (the province's server refused the refresh).
 */
export async function refreshProvince(db: Db, province: string): Promise<{ tables: number }> {
  provinceCode(province, 'integer');
  const name = subscriptionName(province);
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subname = ${name}`);
  if (!existing.n) throw new AppError('NOT_FOUND', `Không có đăng ký nhận dữ liệu của tỉnh ${province}.`);
  await prepareNational(db);
  try {
    await db.execute(sql.raw(`alter subscription ${name} refresh publication with (copy_data = false)`));
  } catch (err) {
    throw new AppError('MIGRATION_REFUSED', `Không làm mới được đăng ký nhận dữ liệu của tỉnh ${province}: ${databaseMessage(err)}.`);
  }
  const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = ${name}`);
  return { tables: n.n };
}

export interface SubscriptionStatus {
  province: string;
  subscription: string;
  enabled: boolean;
  /**
   * 'streaming': the apply worker runs, every table is copied and the province spoke in the last
   * 90 s (an idle province server sends a keep-alive every 30 s); 'copying': tables still in their
   * first copy; 'stalled': a worker but no message for over 90 s (network, or a conflict it keeps
   * retrying: see the errors and the server log); 'stopped': no worker (disabled, or restarting
   * after an error)
   */
  state: 'streaming' | 'copying' | 'stalled' | 'stopped';
  tables: { ready: number; copying: number };
  /** the province's last message as sent (its clock) and as received (ours), ISO instants */
  lastSentAt: string | null;
  lastReceivedAt: string | null;
  /** seconds between the province's last message and now, on the national server's clock (null: none yet) */
  lagSeconds: number | null;
  /** errors since the statistics were reset (pg_stat_subscription_stats): a lost connection to the province counts as one, a conflicting row as one per retry */
  applyErrors: number;
  copyErrors: number;
}

/**
 * The operator's view of every subscription, from PostgreSQL's own statistics
 * (`pg_stat_subscription`, `pg_stat_subscription_stats`, `pg_subscription_rel`). A conflict (a
 * row that cannot be applied) stops the apply worker, which retries: it shows as apply errors
 * and, once no change arrives, as 'stalled'; the server log holds the row.
 */
export async function replicationStatus(db: Db): Promise<SubscriptionStatus[]> {
  const rows = await queryRows<{ name: string; enabled: boolean; pid: number | null; ready: number; copying: number; sent: string | null; received: string | null; lag: number | null; applyErrors: number; copyErrors: number }>(
    db,
    sql`select s.subname as name, s.subenabled as enabled,
           (select max(w.pid) from pg_stat_subscription w where w.subid = s.oid and w.relid is null) as pid,
           (select count(*)::int from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate = 'r') as ready,
           (select count(*)::int from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate <> 'r') as copying,
           (select max(w.last_msg_send_time) from pg_stat_subscription w where w.subid = s.oid)::text as sent,
           (select max(w.last_msg_receipt_time) from pg_stat_subscription w where w.subid = s.oid)::text as received,
           (select extract(epoch from now() - max(w.last_msg_send_time))::float8 from pg_stat_subscription w where w.subid = s.oid) as lag,
           coalesce(t.apply_error_count, 0)::int as "applyErrors", coalesce(t.sync_error_count, 0)::int as "copyErrors"
      from pg_subscription s left join pg_stat_subscription_stats t on t.subid = s.oid
     where s.subdbid = (select oid from pg_database where datname = current_database()) and s.subname like 'ngoso\\_p%'
     order by s.subname`,
  );
  return rows.map((r) => ({
    province: r.name.slice('ngoso_p'.length),
    subscription: r.name,
    enabled: r.enabled,
    state: !r.pid ? 'stopped' : r.copying > 0 ? 'copying' : r.lag === null || r.lag > 90 ? 'stalled' : 'streaming',
    tables: { ready: r.ready, copying: r.copying },
    lastSentAt: r.sent ? new Date(r.sent).toISOString() : null,
    lastReceivedAt: r.received ? new Date(r.received).toISOString() : null,
    lagSeconds: r.lag === null ? null : Math.max(0, Math.round(r.lag * 10) / 10),
    applyErrors: r.applyErrors,
    copyErrors: r.copyErrors,
  }));
}
