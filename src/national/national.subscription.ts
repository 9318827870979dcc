import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { catalogueFingerprint, provinceRange } from './national.keys.js';
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
        return case when tg_level = 'ROW' then coalesce(new, old) end;
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
 * (MIGRATION_REFUSED): the URL reaches a province database that publishes `ngoso_national`,
 * whose ids are in that province's range, whose catalogue is the national server's own (same
 * rows, same ids), and of which the national server holds nothing yet.
 */
export async function subscribeProvince(db: Db, input: SubscribeInput): Promise<{ subscription: string }> {
  const range = provinceRange(input.province, 'integer');
  let url: URL;
  try {
    url = new URL(input.url);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error('scheme');
  } catch {
    throw new AppError('VALIDATION_FAILED', `"${input.url}" không phải địa chỉ postgres://người_dùng@máy:cổng/cơ_sở_dữ_liệu.`);
  }
  const publisher = new pg.Client({ connectionString: input.url });
  try {
    await publisher.connect();
  } catch (err) {
    throw new AppError('MIGRATION_REFUSED', `Không kết nối được máy chủ của tỉnh ${input.province} (${url.host}): ${(err as Error).message}.`);
  }
  try {
    const pub = await publisher.query(`select count(*)::int as n from pg_publication where pubname = $1`, [PUBLICATION]);
    if (!pub.rows[0].n) throw new AppError('MIGRATION_REFUSED', `Máy chủ tỉnh chưa phát dữ liệu: chạy "ngoso national publish" trên máy chủ của tỉnh ${input.province} trước.`);
    const seq = await publisher.query(`select min_value::text as min from pg_sequences where schemaname = 'public' and sequencename = 'teams_id_seq'`);
    if (seq.rows[0]?.min !== String(range.lo)) throw new AppError('MIGRATION_REFUSED', `Cơ sở dữ liệu ở ${url.host} không phải của tỉnh ${input.province} (dãy mã số không khớp NGOSO_PROVINCE=${input.province}).`);
    const fp = await publisher.query(
      `select count(*)::int as units, md5(coalesce(string_agg(id || ':' || coalesce(code, '') || ':' || level || ':' || name, ',' order by id), '')) as md5 from admin_units where source = 'catalogue'`,
    );
    const mine = await catalogueFingerprint(db);
    if (fp.rows[0].md5 !== mine.md5) {
      throw new AppError('MIGRATION_REFUSED', `Danh mục đơn vị hành chính của tỉnh ${input.province} (${fp.rows[0].units} đơn vị) khác danh mục của máy chủ toàn quốc (${mine.units}): hãy cập nhật cả hai lên cùng một phiên bản Ngõ Số.`);
    }
  } finally {
    await publisher.end().catch(() => {});
  }
  const [held] = await queryRows<{ n: number }>(db, sql`select (select count(*)::int from teams where province_code = ${input.province}) + (select count(*)::int from admin_units where id >= ${Number(range.lo)} and id < ${Number(range.hi)}) as n`);
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subname = ${subscriptionName(input.province)}`);
  if (existing.n) throw new AppError('MIGRATION_REFUSED', `Đã đăng ký nhận dữ liệu của tỉnh ${input.province} (${subscriptionName(input.province)}).`);
  if (held.n) throw new AppError('MIGRATION_REFUSED', `Máy chủ toàn quốc đã có dữ liệu của tỉnh ${input.province} mà không có đăng ký: hãy xoá dữ liệu đó trước khi đăng ký lại.`);
  await prepareNational(db);
  const literal = input.url.replace(/'/g, "''");
  // CREATE SUBSCRIPTION cannot run in a transaction block: one statement on its own
  await db.execute(sql.raw(`create subscription ${subscriptionName(input.province)} connection '${literal}' publication ${PUBLICATION} with (copy_data = true)`));
  return { subscription: subscriptionName(input.province) };
}

/** Ends a province's subscription (its replication slot on the province server is dropped too). Errors: NOT_FOUND. */
export async function unsubscribeProvince(db: Db, province: string): Promise<void> {
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_subscription where subname = ${subscriptionName(province)}`);
  if (!existing.n) throw new AppError('NOT_FOUND', `Không có đăng ký nhận dữ liệu của tỉnh ${province}.`);
  await db.execute(sql.raw(`drop subscription ${subscriptionName(province)}`));
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
