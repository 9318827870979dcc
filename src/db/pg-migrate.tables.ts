import pg from 'pg';
import type { EmbeddedClient } from './client.js';

/**
 * What `ngoso migrate-to-postgres` (db/pg-migrate.ts) knows of a database's tables, read from the
 * system catalogues with the same SQL on the embedded database (PGlite) and on PostgreSQL: the
 * application's tables in schema `public`, their columns, foreign keys (hence the order to copy
 * them in), leaf partitions (where rows are read from) and owned sequences; and the checksum of a
 * table's rows, computed by one SQL text on both sides.
 */

/** A connection that answers one statement at a time with its rows (PGlite's client or a `pg.Client`). */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/** The embedded database's client as `Sql`. */
export const embeddedSql = (client: EmbeddedClient): Sql => ({ query: async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows });

/** A PostgreSQL client as `Sql`. */
export const pgSql = (client: pg.Client): Sql => ({ query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[] });

export interface ColumnInfo {
  name: string;
  /** format_type(): "integer", "timestamp with time zone", "text[]"… */
  type: string;
  /** a generated column: never written, its value recomputed by the target */
  generated: boolean;
  /** 'a' GENERATED ALWAYS AS IDENTITY (written with OVERRIDING SYSTEM VALUE), 'd' BY DEFAULT, '' none */
  identity: string;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** the tables its foreign keys point to, itself excluded */
  parents: string[];
  /** a foreign key to itself (admin_units.parent_id, members merged into another): its rows go in one statement */
  selfRef: boolean;
  /** where its rows are: the table itself, or its leaf partitions (qualified and quoted as needed) */
  leaves: string[];
  /** holds bytea (attachments, images): read a few rows at a time */
  hasBytea: boolean;
}

/** The session settings that fix how values print as text, set on both sides before checksums. */
export const TEXT_SETTINGS = ["set timezone to 'UTC'", "set datestyle to 'ISO, YMD'", "set intervalstyle to 'postgres'", 'set extra_float_digits to 1', "set bytea_output to 'hex'"];

/** A quoted identifier (pg's own quoting). */
export const ident = (name: string) => pg.escapeIdentifier(name);

/** The application's tables in schema `public` (partitions folded into their root), by name. */
export async function listTables(db: Sql): Promise<Map<string, TableInfo>> {
  const rows = await db.query<{ name: string; columns: string; refs: string; leaves: string }>(`
    select c.relname as name,
      (select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'generated', a.attgenerated::text <> '', 'identity', a.attidentity::text) order by a.attnum)::text
         from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
      (select coalesce(json_agg(distinct p.relname), '[]')::text from pg_constraint f join pg_class p on p.oid = f.confrelid where f.conrelid = c.oid and f.contype = 'f') as refs,
      (select json_agg(l.relid::regclass::text order by l.relid::regclass::text)::text from pg_partition_tree(c.oid) l where l.isleaf) as leaves
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`);
  const tables = new Map<string, TableInfo>();
  for (const r of rows) {
    const columns = JSON.parse(r.columns) as ColumnInfo[];
    const refs = JSON.parse(r.refs) as string[];
    tables.set(r.name, {
      name: r.name,
      columns,
      parents: refs.filter((p) => p !== r.name),
      selfRef: refs.includes(r.name),
      // pg_partition_tree gives no rows for a plain table
      leaves: (JSON.parse(r.leaves ?? 'null') as string[] | null) ?? [`public.${ident(r.name)}`],
      hasBytea: columns.some((c) => c.type === 'bytea'),
    });
  }
  return tables;
}

/**
 * The tables in foreign-key order: every table after the tables it points to (ties by name, so the
 * order is the same on every run). A cycle between tables (none in this schema) is an error.
 */
export function foreignKeyOrder(tables: Map<string, TableInfo>): TableInfo[] {
  const done = new Set<string>();
  const out: TableInfo[] = [];
  const pending = [...tables.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (pending.length) {
    const i = pending.findIndex((t) => t.parents.every((p) => done.has(p) || !tables.has(p)));
    if (i < 0) throw new Error(`Các bảng ${pending.map((t) => t.name).join(', ')} trỏ khoá ngoại vòng vào nhau: không có thứ tự chép.`);
    const [t] = pending.splice(i, 1);
    done.add(t.name);
    out.push(t);
  }
  return out;
}

/** What differs between the two sides' tables and columns (empty: the same schema). */
export function schemaDifferences(source: Map<string, TableInfo>, target: Map<string, TableInfo>): string[] {
  const out: string[] = [];
  for (const [name, s] of source) {
    const t = target.get(name);
    if (!t) {
      out.push(`bảng ${name} không có ở đích`);
      continue;
    }
    const cols = (x: TableInfo) => new Map(x.columns.map((c) => [c.name, c.type]));
    const [sc, tc] = [cols(s), cols(t)];
    for (const [c, type] of sc) if (tc.get(c) !== type) out.push(`${name}.${c}: ${type} ở nguồn, ${tc.get(c) ?? 'không có'} ở đích`);
    for (const c of tc.keys()) if (!sc.has(c)) out.push(`${name}.${c}: chỉ có ở đích`);
  }
  for (const name of target.keys()) if (!source.has(name)) out.push(`bảng ${name} chỉ có ở đích`);
  return out;
}

/**
 * One SQL text for a table's row count and checksum, run on both sides: the md5 of every row's
 * text (its columns in name order, so column order does not matter), the hashes sorted bytewise
 * (COLLATE "C": the two servers' collations may differ) and hashed again. Values print the same
 * on both sides once TEXT_SETTINGS are set.
 */
export function checksumSql(t: TableInfo): string {
  const cols = t.columns.map((c) => c.name).sort().map(ident).join(', ');
  return `select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h collate "C"), '')) as sum from (select md5(row(${cols})::text) as h from public.${ident(t.name)}) x`;
}

/** Row count and checksum of `t` (see checksumSql). */
export async function tableChecksum(db: Sql, t: TableInfo): Promise<{ rows: number; sum: string }> {
  const [r] = await db.query<{ rows: number; sum: string }>(checksumSql(t));
  return r;
}

/** Rows per table (of `tables`): the emptiness check's figures. */
export async function rowCounts(db: Sql, tables: Iterable<TableInfo>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of tables) {
    const [r] = await db.query<{ n: number }>(`select count(*)::int as n from public.${ident(t.name)}`);
    out.set(t.name, r.n);
  }
  return out;
}

export interface SequenceInfo {
  name: string;
  /** the column it numbers (serial or identity), if any */
  table?: string;
  column?: string;
}

/** The sequences of schema `public`, with the column each is owned by. */
export async function listSequences(db: Sql): Promise<SequenceInfo[]> {
  return db.query<SequenceInfo>(`
    select s.relname as name, c.relname as table, a.attname as column
      from pg_class s join pg_namespace n on n.oid = s.relnamespace
      left join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
      left join pg_class c on c.oid = d.refobjid
      left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
     where s.relkind = 'S' and n.nspname = 'public'
     order by s.relname`);
}
