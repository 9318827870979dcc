import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { provinceRange } from './national.keys.js';

/**
 * What a province server publishes to the national server (issue 18, item 2), by PostgreSQL's
 * logical replication (`CREATE PUBLICATION ngoso_national`): its registry, support sessions and
 * their rollups, the network counts, trainings and directives. Not published, by design:
 * - the catalogue (provinces, communes, dissolved units, service codes, training topics, national
 *   courses, response targets): every server loads the same rows with the same ids itself, and
 *   the national server checks that when it subscribes; of `admin_units` only the province's own
 *   villages go, by a row filter on the id range (the primary key, so updates and deletes
 *   replicate under the default replica identity); the time-partitioned tables as their parent
 *   (publish_via_partition_root);
 * - personal data of residents (residents, help requests, directive confirmations, comments):
 *   they stay on the province's server, under its keys; the sessions carry only keyed hashes;
 * - accounts, sign-in sessions, the audit log, imports, notifications, the portal: the national
 *   server has its own;
 * - the single-row state tables (`registry_state`, `network_state`): each server keeps its own.
 */
export const PUBLICATION = 'ngoso_national';

export const PUBLISHED_TABLES = [
  // registry
  'teams',
  'members',
  'team_members',
  'team_statuses',
  // support sessions and their rollups (kept by the sync's transaction on the province)
  'support_sessions',
  'support_session_ids',
  'support_session_members',
  'support_session_services',
  'support_session_reviews',
  'support_daily',
  'support_monthly',
  'support_member_daily',
  'support_member_monthly',
  'support_resident_days',
  'support_resident_periods',
  'support_resident_counts',
  'support_resident_links',
  'support_resident_month_links',
  // the network report's counts (kept by triggers on the province; replicated rows fire no trigger on the subscriber)
  'network_cells',
  'network_people',
  // trainings
  'bridge_points',
  'training_sessions',
  'training_session_points',
  'training_invitations',
  'training_attendance',
  'training_certificates',
  'training_reach',
  'training_member_reach',
  'course_imports',
  'course_completions',
  // directives
  'directives',
  'directive_communes',
  'directive_teams',
  'directive_acks',
  'directive_events',
] as const;

export interface PublishResult {
  publication: string;
  tables: string[];
  /** the row filter on admin_units */
  villages: string;
  created: boolean;
}

/**
 * Creates (or brings up to date) the publication on a province's PostgreSQL server. `kind` is the
 * database's kind ('postgres' | 'pglite'), `province` the server's NGOSO_PROVINCE. Errors
 * (MIGRATION_REFUSED, with what to do): the embedded database (PGlite has no logical replication:
 * move up with `ngoso migrate-to-postgres` first), no province set, wal_level not 'logical', a
 * published table without a primary key, rows whose ids lie outside the province's range (made
 * before NGOSO_PROVINCE was set: they would collide with another province's on the national server).
 */
export async function publishProvince(db: Db, kind: string, province: string | undefined): Promise<PublishResult> {
  if (kind !== 'postgres') throw new AppError('MIGRATION_REFUSED', 'Cơ sở dữ liệu nhúng (PGlite) không phát được bản sao logic: hãy chuyển lên PostgreSQL bằng "ngoso migrate-to-postgres" trước.');
  if (!province) throw new AppError('MIGRATION_REFUSED', 'Chưa đặt NGOSO_PROVINCE (mã tỉnh hai chữ số) cho máy chủ này.');
  const [wal] = await queryRows<{ level: string }>(db, sql`select current_setting('wal_level') as level`);
  if (wal.level !== 'logical') throw new AppError('MIGRATION_REFUSED', `Máy chủ PostgreSQL đang đặt wal_level = ${wal.level}: hãy đặt wal_level = logical trong postgresql.conf rồi khởi động lại máy chủ.`);
  const range = provinceRange(province, 'integer');
  const noKey = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relname = any(string_to_array(${PUBLISHED_TABLES.join(',')}, ','))
           and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p') order by 1`,
  );
  if (noKey.length) throw new AppError('MIGRATION_REFUSED', `Bảng không có khóa chính, không phát được cập nhật: ${noKey.map((r) => r.name).join(', ')}.`);
  const outside = await rowsOutsideRange(db, province);
  if (outside.length) {
    throw new AppError(
      'MIGRATION_REFUSED',
      `Có dữ liệu mang mã số ngoài dải của tỉnh ${province} (tạo trước khi đặt NGOSO_PROVINCE), sẽ trùng với tỉnh khác ở máy chủ toàn quốc: ${outside.map((o) => `${o.table} (${o.rows})`).join(', ')}.`,
      { outside },
    );
  }
  const villages = `id >= ${range.lo} AND id < ${range.hi}`;
  const list = [`public.admin_units WHERE (${villages})`, ...PUBLISHED_TABLES.map((t) => `public.${t}`)].join(', ');
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_publication where pubname = ${PUBLICATION}`);
  // the sessions and rollups are partitioned by time (sessions/sessions.partitions.ts): their rows are
  // published as the partitioned table's, so the national server's own partitions receive them
  // whichever partitions each side has made
  if (existing.n) {
    await db.execute(sql.raw(`alter publication ${PUBLICATION} set table ${list}`));
    await db.execute(sql.raw(`alter publication ${PUBLICATION} set (publish_via_partition_root = true)`));
  } else await db.execute(sql.raw(`create publication ${PUBLICATION} for table ${list} with (publish_via_partition_root = true)`));
  return { publication: PUBLICATION, tables: ['admin_units', ...PUBLISHED_TABLES], villages, created: !existing.n };
}

/** Published rows (and villages) whose serial id lies outside province `code`'s range: table and count. */
export async function rowsOutsideRange(db: Db, code: string): Promise<{ table: string; rows: number }[]> {
  const serial = await queryRows<{ table: string; column: string; dataType: string }>(
    db,
    sql`select table_name as "table", column_name as "column", data_type as "dataType" from information_schema.columns
         where table_schema = 'public' and column_default like 'nextval(%' and table_name = any(string_to_array(${[...PUBLISHED_TABLES, 'admin_units'].join(',')}, ',')) order by 1`,
  );
  const out: { table: string; rows: number }[] = [];
  for (const s of serial) {
    const r = provinceRange(code, s.dataType);
    const catalogue = s.table === 'admin_units' ? " and source <> 'catalogue'" : '';
    const [row] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from public."${s.table}" where not ("${s.column}" >= ${r.lo} and "${s.column}" < ${r.hi})${catalogue}`));
    if (row.n) out.push({ table: s.table, rows: row.n });
  }
  return out;
}
